//! The rule-pack file's shape: what serde reads from the TOML. Types and key names are
//! checked here (an unknown key is an error, as is a missing one), the `[diagnoses]` lists
//! against the table of `class`; values are checked by `validate`, which makes the model.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::class::{DIAGNOSIS_LISTS, FRACTURE_ACUTE, FRACTURE_HEALING};
use super::{PackError, entry_error};
use crate::domain::{PlanType, Severity};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PackFile {
    pub version: String,
    pub rules: BTreeMap<String, RuleRow>,
    pub thresholds: ThresholdsFile,
    pub procedures: ProceduresFile,
    /// Read by [`DiagnosesFile::read`], as the lists it holds follow from one table.
    pub diagnoses: toml::Table,
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileRow>,
    pub alerts: Option<super::alerts::AlertsFile>,
}

impl PackFile {
    pub fn read(text: &str) -> Result<Self, PackError> {
        toml::from_str(text).map_err(|e| PackError::Syntax(e.to_string()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleRow {
    pub severity: Severity,
    #[serde(default)]
    pub by_plan: BTreeMap<PlanType, Severity>,
    pub plans: Option<BTreeSet<PlanType>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProfileRow {
    pub description: Option<String>,
    #[serde(default)]
    pub disable: BTreeSet<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// TR-054's limit for this payer.
    pub max_traction_days_per_30_days: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ThresholdsFile {
    pub kx_threshold_cents: BTreeMap<String, i64>,
    pub targeted_review_cents: i64,
    pub max_certification_days: i64,
    pub max_visits_between_progress_reports: i32,
    pub max_traction_days_per_30_days: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProceduresFile {
    pub timed: Vec<String>,
    pub active_untimed: Vec<String>,
    pub home_traction_equipment: Vec<String>,
    pub telehealth_places_of_service: Vec<String>,
    pub telehealth_modifiers: Vec<String>,
    pub decompression_device_keywords: Vec<String>,
    #[serde(default)]
    pub decompression_device_bounded_keywords: Vec<String>,
}

/// `[diagnoses]`: the list of each row of [`DIAGNOSIS_LISTS`], found by its dotted path
/// (`precautions.pregnancy` is `pregnancy` in `[diagnoses.precautions]`), and the 7th
/// characters of vertebral fractures. Any other key is an error naming it.
pub(super) struct DiagnosesFile {
    /// Parallel to [`DIAGNOSIS_LISTS`].
    pub prefixes: Vec<Vec<String>>,
    pub fracture_acute: Vec<String>,
    pub fracture_healing: Vec<String>,
}

impl DiagnosesFile {
    /// The lists of the `[diagnoses]` table as read.
    pub fn read(table: toml::Table) -> Result<Self, PackError> {
        let mut lists = BTreeMap::new();
        lists_by_path("", table, &mut lists)?;
        let prefixes = DIAGNOSIS_LISTS
            .iter()
            .map(|(path, _)| take(&mut lists, path))
            .collect::<Result<_, _>>()?;
        let fracture_acute = take(&mut lists, FRACTURE_ACUTE)?;
        let fracture_healing = take(&mut lists, FRACTURE_HEALING)?;
        match lists.keys().next() {
            Some(unknown) => Err(entry_error(format!("diagnoses.{unknown}"), "unknown list")),
            None => Ok(Self {
                prefixes,
                fracture_acute,
                fracture_healing,
            }),
        }
    }
}

fn take(lists: &mut BTreeMap<String, Vec<String>>, path: &str) -> Result<Vec<String>, PackError> {
    lists
        .remove(path)
        .ok_or_else(|| entry_error(format!("diagnoses.{path}"), "missing list"))
}

/// Every list of `table` (and of the tables in it) by its dotted path below `prefix`.
fn lists_by_path(
    prefix: &str,
    table: toml::Table,
    lists: &mut BTreeMap<String, Vec<String>>,
) -> Result<(), PackError> {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        if let toml::Value::Table(inner) = value {
            lists_by_path(&path, inner, lists)?;
        } else {
            let list = value.try_into().map_err(|_| {
                entry_error(format!("diagnoses.{path}"), "must be a list of strings")
            })?;
            lists.insert(path, list);
        }
    }
    Ok(())
}
