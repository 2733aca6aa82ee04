//! The rule pack: severities, plan applicability, thresholds and code lists as data.
//!
//! `data/rule-pack.toml` is compiled in; `--rule-pack FILE` loads another file of the same
//! shape. A pack that loads is a pack the rules can use, in three steps, a file each:
//! `file` reads the TOML shape (unknown keys rejected), `validate` checks it and builds the
//! `model` the engine and the rules read, every error naming the entry at fault. `class`
//! is the one table of diagnosis lists from which their flags, their entries in the file,
//! their validation and the classification of a code follow. `alerts` is the `[alerts]`
//! section: which outcomes also go to the alerts topic.
//!
//! The pack knows nothing of the rules: the catalogue parses a pack against its rule ids
//! (`RulePack::parse`). Below it is only `icd10` (the key a code is packed into).

pub mod alerts;
mod class;
mod file;
mod model;
#[cfg(test)]
mod tests;
mod validate;

use std::collections::BTreeMap;

pub use alerts::AlertPolicy;
pub use class::{DIAGNOSIS_LISTS, DiagnosisClass};
pub use model::{DiagnosisLists, ProcedureLists, Profile, RuleSettings, Thresholds};

/// The pack shipped in the binary.
pub const BUILT_IN: &str = include_str!("../../../../../data/rule-pack.toml");

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PackError {
    #[error("rule pack is not valid TOML of the expected shape: {0}")]
    Syntax(String),
    #[error("rule pack entry `{entry}`: {problem}")]
    Entry { entry: String, problem: String },
}

fn entry_error(entry: impl Into<String>, problem: impl Into<String>) -> PackError {
    PackError::Entry {
        entry: entry.into(),
        problem: problem.into(),
    }
}

/// A validated rule pack.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub version: String,
    pub rules: BTreeMap<String, RuleSettings>,
    pub profiles: BTreeMap<String, Profile>,
    pub thresholds: Thresholds,
    pub procedures: ProcedureLists,
    pub diagnoses: DiagnosisLists,
    pub alerts: AlertPolicy,
}

impl RulePack {
    /// Parses and validates a pack that must configure exactly the rules `rule_ids`. The
    /// catalogue's own `RulePack::parse` and `RulePack::built_in` pass its ids, so the pack
    /// knows nothing of the rules.
    pub(crate) fn parse_for(text: &str, rule_ids: &[&str]) -> Result<Self, PackError> {
        validate::pack(file::PackFile::read(text)?, rule_ids)
    }

    /// TR-054's limit for `payer_id`: its profile's, else the pack's.
    pub fn max_traction_days_per_30_days(&self, payer_id: &str) -> i32 {
        self.profiles
            .get(payer_id)
            .and_then(|profile| profile.max_traction_days_per_30_days)
            .unwrap_or(self.thresholds.max_traction_days_per_30_days)
    }
}
