//! `ScreeningOutcome`: the one explainable result published per event (CONTRACT.md §2).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::time::Timestamp;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub event_id: String,
    pub claim_id: String,
    pub patient_id: String,
    pub verdict: Verdict,
    pub risk_score: i32,
    pub traction_lines: i32,
    pub findings: Vec<Finding>,
    pub rule_pack_version: String,
    pub engine_version: String,
    pub screened_at: Timestamp,
    #[serde(default)]
    pub source: Option<Source>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    Pass,
    Review,
    Fail,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Pass, Verdict::Review, Verdict::Fail];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Review => "REVIEW",
            Verdict::Fail => "FAIL",
        }
    }
}

/// Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One rule's explanation of one problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: Cow<'static, str>,
    pub severity: Severity,
    #[serde(default)]
    pub line_number: Option<i32>,
    pub message: String,
    /// What the biller should do about it.
    #[serde(default)]
    pub remediation: Option<Cow<'static, str>>,
    /// The policy the rule rests on.
    #[serde(default)]
    pub reference: Option<Cow<'static, str>>,
}

/// Where the screened input came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}
