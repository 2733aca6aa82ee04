//! From the file's shape to the model: every check the engine and the rules rely on, each
//! failure an error naming the entry at fault.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};

use super::class::{DIAGNOSIS_LISTS, FRACTURE_ACUTE, FRACTURE_HEALING};
use super::file::{DiagnosesFile, PackFile, ProceduresFile, ProfileRow, RuleRow, ThresholdsFile};
use super::model::{DiagnosisLists, ProcedureLists, Profile, RuleSettings, Thresholds};
use super::{DiagnosisClass, PackError, RulePack, entry_error};
use crate::rules::icd10::code_key;

/// The pack `file` describes, which must configure exactly the rules `rule_ids`.
pub(super) fn pack(file: PackFile, rule_ids: &[&str]) -> Result<RulePack, PackError> {
    let diagnoses = DiagnosesFile::read(file.diagnoses)?;
    if file.version.trim().is_empty() {
        return Err(entry_error("version", "must not be empty"));
    }
    let rules = validate_rules(file.rules, rule_ids)?;
    let profiles = validate_profiles(file.profiles, rule_ids)?;
    Ok(RulePack {
        version: file.version.trim().to_owned(),
        rules,
        profiles,
        thresholds: validate_thresholds(file.thresholds)?,
        procedures: validate_procedures(file.procedures)?,
        diagnoses: validate_diagnoses(diagnoses)?,
        alerts: super::alerts::validate(file.alerts, rule_ids)?,
    })
}

fn validate_rules(
    rows: BTreeMap<String, RuleRow>,
    rule_ids: &[&str],
) -> Result<BTreeMap<String, RuleSettings>, PackError> {
    if let Some(unknown) = rows.keys().find(|id| !rule_ids.contains(&id.as_str())) {
        return Err(entry_error(
            format!("rules.\"{unknown}\""),
            "unknown rule id",
        ));
    }
    if let Some(missing) = rule_ids.iter().find(|id| !rows.contains_key(**id)) {
        return Err(entry_error(
            format!("rules.\"{missing}\""),
            "missing: every rule of the catalogue needs a row",
        ));
    }
    let no_plans = |row: &RuleRow| row.plans.as_ref().is_some_and(BTreeSet::is_empty);
    if let Some(id) = rows
        .iter()
        .find_map(|(id, row)| no_plans(row).then_some(id))
    {
        return Err(entry_error(
            format!("rules.\"{id}\".plans"),
            "must list at least one plan type (leave it out to apply to all)",
        ));
    }
    let settings = |row: RuleRow| RuleSettings {
        severity: row.severity,
        by_plan: row.by_plan,
        plans: row.plans,
    };
    Ok(rows
        .into_iter()
        .map(|(id, row)| (id, settings(row)))
        .collect())
}

fn validate_profiles(
    rows: BTreeMap<String, ProfileRow>,
    rule_ids: &[&str],
) -> Result<BTreeMap<String, Profile>, PackError> {
    let mut profiles = BTreeMap::new();
    for (payer_id, row) in rows {
        let entry = format!("profiles.\"{payer_id}\"");
        if payer_id.trim().is_empty() {
            return Err(entry_error(entry, "payer_id must not be empty"));
        }
        for id in row.disable.iter().chain(row.severity.keys()) {
            if !rule_ids.contains(&id.as_str()) {
                return Err(entry_error(entry, format!("unknown rule id `{id}`")));
            }
        }
        if let Some(both) = row.disable.iter().find(|id| row.severity.contains_key(*id)) {
            return Err(entry_error(
                entry,
                format!("rule `{both}` is both disabled and given a severity"),
            ));
        }
        if row
            .max_traction_days_per_30_days
            .is_some_and(|days| days <= 0)
        {
            return Err(entry_error(
                format!("{entry}.max_traction_days_per_30_days"),
                "must be positive",
            ));
        }
        let profile = Profile {
            description: row.description,
            disable: row.disable,
            severity: row.severity,
            max_traction_days_per_30_days: row.max_traction_days_per_30_days,
        };
        profiles.insert(payer_id, profile);
    }
    Ok(profiles)
}

fn validate_thresholds(file: ThresholdsFile) -> Result<Thresholds, PackError> {
    let mut kx = BTreeMap::new();
    for (year, cents) in file.kx_threshold_cents {
        let entry = format!("thresholds.kx_threshold_cents.{year}");
        let parsed: i32 = year
            .parse()
            .ok()
            .filter(|y| (1990..=2200).contains(y))
            .ok_or_else(|| entry_error(&entry, "key must be a calendar year"))?;
        if cents <= 0 {
            return Err(entry_error(entry, "must be a positive amount of cents"));
        }
        kx.insert(parsed, cents);
    }
    if kx.is_empty() {
        return Err(entry_error(
            "thresholds.kx_threshold_cents",
            "must hold at least one year",
        ));
    }
    let positive = [
        ("targeted_review_cents", file.targeted_review_cents),
        ("max_certification_days", file.max_certification_days),
        (
            "max_visits_between_progress_reports",
            i64::from(file.max_visits_between_progress_reports),
        ),
        (
            "max_traction_days_per_30_days",
            i64::from(file.max_traction_days_per_30_days),
        ),
    ];
    if let Some((name, _)) = positive.iter().find(|(_, value)| *value <= 0) {
        return Err(entry_error(
            format!("thresholds.{name}"),
            "must be positive",
        ));
    }
    Ok(Thresholds {
        kx_threshold_cents: kx,
        targeted_review_cents: file.targeted_review_cents,
        max_certification_days: file.max_certification_days,
        max_visits_between_progress_reports: file.max_visits_between_progress_reports,
        max_traction_days_per_30_days: file.max_traction_days_per_30_days,
    })
}

fn validate_procedures(file: ProceduresFile) -> Result<ProcedureLists, PackError> {
    let codes = |name: &str, list: Vec<String>| -> Result<FxHashSet<String>, PackError> {
        check_list(&format!("procedures.{name}"), &list, is_procedure_code)?;
        Ok(list.into_iter().collect())
    };
    let two_chars = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    check_list(
        "procedures.telehealth_places_of_service",
        &file.telehealth_places_of_service,
        |s| two_chars(s) && s.bytes().all(|b| b.is_ascii_digit()),
    )?;
    check_list(
        "procedures.telehealth_modifiers",
        &file.telehealth_modifiers,
        |s| two_chars(s) && s == s.to_ascii_uppercase(),
    )?;
    check_list(
        "procedures.decompression_device_keywords",
        &file.decompression_device_keywords,
        |s| !s.trim().is_empty(),
    )?;
    let lower =
        |list: &[String]| -> Vec<String> { list.iter().map(|k| k.trim().to_lowercase()).collect() };
    let keywords = lower(&file.decompression_device_keywords);
    let bounded = lower(&file.decompression_device_bounded_keywords);
    if let Some(stray) = bounded.iter().find(|b| !keywords.contains(b)) {
        return Err(entry_error(
            "procedures.decompression_device_bounded_keywords",
            format!("`{stray}` is not one of decompression_device_keywords"),
        ));
    }
    let decompression_matcher = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&keywords)
        .map_err(|e| entry_error("procedures.decompression_device_keywords", e.to_string()))?;
    Ok(ProcedureLists {
        timed: codes("timed", file.timed)?,
        active_untimed: codes("active_untimed", file.active_untimed)?,
        home_traction_equipment: codes("home_traction_equipment", file.home_traction_equipment)?,
        telehealth_places_of_service: file.telehealth_places_of_service,
        telehealth_modifiers: file.telehealth_modifiers,
        decompression_keyword_bounded: keywords.iter().map(|k| bounded.contains(k)).collect(),
        decompression_device_keywords: keywords,
        decompression_matcher,
    })
}

fn validate_diagnoses(file: DiagnosesFile) -> Result<DiagnosisLists, PackError> {
    let mut prefixes: FxHashMap<u64, DiagnosisClass> = FxHashMap::default();
    for ((path, class), list) in DIAGNOSIS_LISTS.iter().zip(file.prefixes) {
        check_list(&format!("diagnoses.{path}"), &list, is_icd_prefix)?;
        for prefix in &list {
            let key = code_key(prefix).expect("checked: at most 7 characters");
            let entry = prefixes.entry(key).or_default();
            *entry = entry.with(*class);
        }
    }
    let seventh = |path: &str, list: Vec<String>| -> Result<Vec<u8>, PackError> {
        check_list(&format!("diagnoses.{path}"), &list, |s| {
            s.len() == 1 && s.as_bytes()[0].is_ascii_uppercase()
        })?;
        Ok(list.iter().map(|s| s.as_bytes()[0]).collect())
    };
    Ok(DiagnosisLists {
        prefixes,
        fracture_acute: seventh(FRACTURE_ACUTE, file.fracture_acute)?,
        fracture_healing: seventh(FRACTURE_HEALING, file.fracture_healing)?,
    })
}

fn check_list(entry: &str, list: &[String], valid: impl Fn(&str) -> bool) -> Result<(), PackError> {
    if list.is_empty() {
        return Err(entry_error(entry, "must not be empty"));
    }
    match list.iter().find(|item| !valid(item)) {
        Some(bad) => Err(entry_error(entry, format!("`{bad}` is not a valid entry"))),
        None => Ok(()),
    }
}

fn is_procedure_code(code: &str) -> bool {
    code.len() == 5
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// A dotless, upper-case ICD-10-CM prefix: a letter, then up to six letters or digits.
fn is_icd_prefix(prefix: &str) -> bool {
    let bytes = prefix.as_bytes();
    (1..=7).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}
