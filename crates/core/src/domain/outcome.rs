//! `ScreeningOutcome`: the one explainable result published per event (CONTRACT.md §2).
//!
//! Every field after `source` was added later (optional in the schema, `None` when an older
//! writer left it out), so outcomes written by any release read into this type.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::encounter::{Discipline, PlanType};
use super::time::{Date, Timestamp};

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
    /// The dimensions analysts group by, copied from the encounter.
    #[serde(default)]
    pub payer_id: Option<String>,
    #[serde(default)]
    pub plan_type: Option<PlanType>,
    /// An identifier: fine in the outcome (which carries `patient_id`), never in logs or
    /// metric labels.
    #[serde(default)]
    pub rendering_npi: Option<String>,
    #[serde(default)]
    pub rendering_discipline: Option<Discipline>,
    #[serde(default)]
    pub first_date_of_service: Option<Date>,
    #[serde(default)]
    pub last_date_of_service: Option<Date>,
    /// The sum of the event's line charges.
    #[serde(default)]
    pub billed_cents: Option<i64>,
    /// The charges the ERROR findings put at risk (see `domain::amounts`).
    #[serde(default)]
    pub at_risk_cents: Option<i64>,
    /// Set only on the copy written to the alerts topic: why the alert policy matched.
    #[serde(default)]
    pub alert: Option<Alert>,
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

/// Why an outcome was also written to the alerts topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The first condition of the policy that matched, in [`AlertCondition::ALL`] order
    /// (the others can be read off the outcome's verdict and risk score).
    pub condition: AlertCondition,
    /// The policy's rule ids that fired in this outcome, in id order (empty unless
    /// `condition` is `Rule`).
    #[serde(default)]
    pub rule_ids: Vec<String>,
}

/// A condition of the alert policy. Written as a lower-case string (Avro `string`, so a
/// condition added later never breaks an older reader).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertCondition {
    /// One of the policy's rule ids fired (any severity).
    Rule,
    /// The verdict is at least the policy's.
    Verdict,
    /// The risk score is at least the policy's.
    RiskScore,
}

impl AlertCondition {
    /// Most specific first: when several match, the first names the alert.
    pub const ALL: [AlertCondition; 3] = [
        AlertCondition::Rule,
        AlertCondition::Verdict,
        AlertCondition::RiskScore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertCondition::Rule => "rule",
            AlertCondition::Verdict => "verdict",
            AlertCondition::RiskScore => "risk_score",
        }
    }
}
