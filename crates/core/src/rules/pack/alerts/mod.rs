//! The alert policy: which outcomes are also written to the alerts topic, and why.
//!
//! Data in the rule pack's `[alerts]` table, validated with the pack (every error names the
//! entry). [`AlertPolicy::decide`] is a pure function of the outcome; the worker calls it
//! for every outcome when an alerts topic is configured.
//!
//! ```toml
//! [alerts]                       # absent: verdict_at_least = "FAIL" (every FAIL alerts)
//! verdict_at_least = "FAIL"      # PASS, REVIEW or FAIL
//! risk_score_at_least = 80       # 0-100
//! rules = ["TR-027"]             # any of these fired (any severity)
//!
//! [alerts.profiles."60054"]      # replaces the conditions above for this payer_id
//! verdict_at_least = "REVIEW"
//!
//! [alerts.profiles."87726"]
//! enabled = false                # never alert on this payer's outcomes
//! ```
//!
//! An outcome alerts when any condition of its payer's table holds. A table must set at
//! least one condition, or say `enabled = false`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::PackError;
use crate::domain::{Alert, AlertCondition, Outcome, Verdict};

/// The Kafka header naming the alert's condition on records of the alerts topic.
pub const CONDITION_HEADER: &str = "alert.condition";

/// The validated policy: default conditions, and whole replacements by `payer_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertPolicy {
    default: Conditions,
    by_payer: BTreeMap<String, Conditions>,
}

/// When one payer's outcomes alert; all `None`/empty means never.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    pub verdict_at_least: Option<Verdict>,
    pub risk_score_at_least: Option<i32>,
    /// Sorted, each once.
    pub rules: Vec<String>,
}

impl Default for AlertPolicy {
    /// The behaviour without an `[alerts]` table: every FAIL outcome alerts.
    fn default() -> Self {
        Self {
            default: Conditions {
                verdict_at_least: Some(Verdict::Fail),
                ..Conditions::default()
            },
            by_payer: BTreeMap::new(),
        }
    }
}

impl AlertPolicy {
    /// Whether `outcome` alerts and why: its payer's conditions (the default ones for a
    /// payer without an override, or an outcome without a `payer_id`).
    pub fn decide(&self, outcome: &Outcome) -> Option<Alert> {
        outcome
            .payer_id
            .as_deref()
            .and_then(|payer_id| self.by_payer.get(payer_id))
            .unwrap_or(&self.default)
            .decide(outcome)
    }

    /// The conditions for outcomes without a payer override.
    pub fn default_conditions(&self) -> &Conditions {
        &self.default
    }

    /// The payer overrides, by `payer_id`.
    pub fn payer_conditions(&self) -> &BTreeMap<String, Conditions> {
        &self.by_payer
    }
}

impl Conditions {
    /// The first condition that holds, in [`AlertCondition::ALL`] order.
    fn decide(&self, outcome: &Outcome) -> Option<Alert> {
        let rule_ids: Vec<String> = self
            .rules
            .iter()
            .filter(|id| outcome.findings.iter().any(|f| f.rule_id == id.as_str()))
            .cloned()
            .collect();
        let holds = |condition| match condition {
            AlertCondition::Rule => !rule_ids.is_empty(),
            AlertCondition::Verdict => self.verdict_at_least.is_some_and(|v| outcome.verdict >= v),
            AlertCondition::RiskScore => self
                .risk_score_at_least
                .is_some_and(|score| outcome.risk_score >= score),
        };
        let condition = AlertCondition::ALL.into_iter().find(|c| holds(*c))?;
        Some(Alert {
            condition,
            rule_ids,
        })
    }
}

// ---- the file's shape and its validation ---------------------------------------------

/// The `[alerts]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AlertsFile {
    enabled: Option<bool>,
    verdict_at_least: Option<Verdict>,
    risk_score_at_least: Option<i64>,
    rules: Option<Vec<String>>,
    #[serde(default)]
    profiles: BTreeMap<String, ConditionsFile>,
}

/// One payer's `[alerts.profiles."…"]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionsFile {
    enabled: Option<bool>,
    verdict_at_least: Option<Verdict>,
    risk_score_at_least: Option<i64>,
    rules: Option<Vec<String>>,
}

/// Validates the `[alerts]` table (`None`: the table is absent) against the catalogue's
/// `rule_ids`.
pub(super) fn validate(
    file: Option<AlertsFile>,
    rule_ids: &[&str],
) -> Result<AlertPolicy, PackError> {
    let Some(file) = file else {
        return Ok(AlertPolicy::default());
    };
    let default = ConditionsFile {
        enabled: file.enabled,
        verdict_at_least: file.verdict_at_least,
        risk_score_at_least: file.risk_score_at_least,
        rules: file.rules,
    };
    let default = conditions("alerts", default, rule_ids)?;
    let mut by_payer = BTreeMap::new();
    for (payer_id, row) in file.profiles {
        let entry = format!("alerts.profiles.\"{payer_id}\"");
        if payer_id.trim().is_empty() {
            return Err(entry_error(&entry, "payer_id must not be empty"));
        }
        by_payer.insert(payer_id, conditions(&entry, row, rule_ids)?);
    }
    Ok(AlertPolicy { default, by_payer })
}

fn conditions(
    entry: &str,
    row: ConditionsFile,
    rule_ids: &[&str],
) -> Result<Conditions, PackError> {
    let set =
        row.verdict_at_least.is_some() || row.risk_score_at_least.is_some() || row.rules.is_some();
    match (row.enabled.unwrap_or(true), set) {
        (false, true) => {
            return Err(entry_error(
                entry,
                "enabled = false never alerts: leave out its conditions",
            ));
        }
        (false, false) => return Ok(Conditions::default()),
        (true, false) => {
            return Err(entry_error(
                entry,
                "sets no condition: give verdict_at_least, risk_score_at_least or rules \
                 (or enabled = false to never alert)",
            ));
        }
        (true, true) => {}
    }
    let risk_score_at_least = row
        .risk_score_at_least
        .map(|score| {
            i32::try_from(score)
                .ok()
                .filter(|s| (0..=100).contains(s))
                .ok_or_else(|| {
                    entry_error(&format!("{entry}.risk_score_at_least"), "must be 0-100")
                })
        })
        .transpose()?;
    Ok(Conditions {
        verdict_at_least: row.verdict_at_least,
        risk_score_at_least,
        rules: rule_list(
            &format!("{entry}.rules"),
            row.rules.unwrap_or_default(),
            rule_ids,
        )?,
    })
}

fn rule_list(
    entry: &str,
    mut rules: Vec<String>,
    rule_ids: &[&str],
) -> Result<Vec<String>, PackError> {
    if let Some(unknown) = rules.iter().find(|id| !rule_ids.contains(&id.as_str())) {
        return Err(entry_error(entry, format!("unknown rule id `{unknown}`")));
    }
    rules.sort();
    if let Some(twice) = rules.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(entry_error(
            entry,
            format!("rule `{}` is listed twice", twice[0]),
        ));
    }
    Ok(rules)
}

fn entry_error(entry: &str, problem: impl Into<String>) -> PackError {
    PackError::Entry {
        entry: entry.to_owned(),
        problem: problem.into(),
    }
}

#[cfg(test)]
mod tests;
