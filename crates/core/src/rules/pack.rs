//! The rule pack: severities, plan applicability, thresholds and code lists as data.
//!
//! `data/rule-pack.toml` is compiled in; `--rule-pack FILE` loads another file of the same
//! shape. [`RulePack::parse`] validates everything the engine relies on, so a pack that
//! loads is a pack the rules can use; every error names the entry at fault.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use crate::domain::{PlanType, Severity};

/// The pack shipped in the binary.
pub const BUILT_IN: &str = include_str!("../../../../data/rule-pack.toml");

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
}

/// How one rule is configured in the built-in profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSettings {
    pub severity: Severity,
    pub by_plan: BTreeMap<PlanType, Severity>,
    /// `None` means every plan type.
    pub plans: Option<BTreeSet<PlanType>>,
}

impl RuleSettings {
    /// The severity for `plan`, or `None` when the rule does not apply to it.
    pub fn severity_for(&self, plan: PlanType) -> Option<Severity> {
        if self
            .plans
            .as_ref()
            .is_some_and(|plans| !plans.contains(&plan))
        {
            return None;
        }
        Some(self.by_plan.get(&plan).copied().unwrap_or(self.severity))
    }
}

/// A payer's overrides of the built-in profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub description: Option<String>,
    pub disable: BTreeSet<String>,
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Clone)]
pub struct Thresholds {
    /// Calendar year → KX threshold in cents.
    pub kx_threshold_cents: BTreeMap<i32, i64>,
    pub targeted_review_cents: i64,
    pub max_certification_days: i64,
    pub max_visits_between_progress_reports: i32,
}

impl Thresholds {
    /// The KX threshold for a date of service in `year`: that year's, else the latest
    /// known for a later year; `None` for a year before the first known one.
    pub fn kx_threshold_for(&self, year: i32) -> Option<i64> {
        self.kx_threshold_cents
            .range(..=year)
            .next_back()
            .map(|(_, cents)| *cents)
    }
}

#[derive(Debug, Clone)]
pub struct ProcedureLists {
    timed: FxHashSet<String>,
    active_untimed: FxHashSet<String>,
    home_traction_equipment: FxHashSet<String>,
    pub telehealth_places_of_service: Vec<String>,
    pub telehealth_modifiers: Vec<String>,
    /// Lower case.
    pub decompression_device_keywords: Vec<String>,
    /// Parallel to the keywords: whether a keyword matches only where no letter stands
    /// directly before or after it (`decompression_device_bounded_keywords`).
    decompression_keyword_bounded: Vec<bool>,
    /// The keywords compiled once, matched ignoring ASCII case, overlapping matches reported.
    decompression_matcher: AhoCorasick,
}

impl ProcedureLists {
    /// List T of RULES.md.
    pub fn is_timed(&self, code: &str) -> bool {
        self.timed.contains(code)
    }

    /// List A of RULES.md (list T plus the active untimed codes).
    pub fn is_active(&self, code: &str) -> bool {
        self.timed.contains(code) || self.active_untimed.contains(code)
    }

    pub fn is_home_traction_equipment(&self, code: &str) -> bool {
        self.home_traction_equipment.contains(code)
    }

    /// The decompression keyword found first in a device name (ASCII case ignored; at one
    /// position, the earlier keyword of the list). A bounded keyword counts only where no
    /// letter stands directly before or after it.
    pub fn decompression_keyword(&self, device_name: &str) -> Option<&str> {
        self.decompression_matcher
            .find_overlapping_iter(device_name)
            .filter(|found| {
                let pattern = found.pattern().as_usize();
                !self.decompression_keyword_bounded[pattern]
                    || !letter_adjacent(device_name, found.start(), found.end())
            })
            .min_by_key(|found| (found.start(), found.pattern()))
            .map(|found| self.decompression_device_keywords[found.pattern().as_usize()].as_str())
    }
}

/// Whether a letter stands directly before `start` or at `end` of `text` (the match bounds
/// of an ASCII keyword, so both are character boundaries).
fn letter_adjacent(text: &str, start: usize, end: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphabetic)
        || text[end..].chars().next().is_some_and(char::is_alphabetic)
}

/// The ICD-10-CM prefix lists, compiled into one prefix table so that classifying a code
/// costs one hash probe per character of the code, whatever the length of the lists.
#[derive(Debug, Clone)]
pub struct DiagnosisLists {
    prefixes: FxHashMap<u64, DiagnosisClass>,
    pub fracture_acute: Vec<u8>,
    pub fracture_healing: Vec<u8>,
}

impl DiagnosisLists {
    /// Every list a canonical (dotless, upper-case) code belongs to.
    pub fn classify(&self, code: &str) -> DiagnosisClass {
        let mut class = DiagnosisClass::NONE;
        let mut key = 0u64;
        for (len, byte) in code.bytes().enumerate() {
            if len == 8 {
                break;
            }
            key = (key << 8) | u64::from(byte);
            if let Some(found) = self.prefixes.get(&key) {
                class = class.with(*found);
            }
        }
        class
    }
}

/// Packs up to eight ASCII bytes into a `u64` key (no code contains a NUL byte, so
/// different strings give different keys).
pub(crate) fn pack_code(code: &str) -> Option<u64> {
    (code.len() <= 8).then(|| code.bytes().fold(0u64, |key, b| (key << 8) | u64::from(b)))
}

/// The lists of RULES.md a diagnosis code belongs to, as bit flags.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct DiagnosisClass(u32);

impl DiagnosisClass {
    pub const NONE: Self = Self(0);
    pub const SUPPORTING_CERVICAL: Self = Self(1 << 0);
    pub const SUPPORTING_THORACIC: Self = Self(1 << 1);
    pub const SUPPORTING_LUMBAR: Self = Self(1 << 2);
    pub const WEAK: Self = Self(1 << 3);
    pub const MALIGNANCY: Self = Self(1 << 4);
    pub const SPINAL_INFECTION: Self = Self(1 << 5);
    pub const CORD_COMPRESSION: Self = Self(1 << 6);
    pub const INSTABILITY: Self = Self(1 << 7);
    pub const VERTEBRAL_FRACTURE: Self = Self(1 << 8);
    pub const AORTIC_ANEURYSM: Self = Self(1 << 9);
    pub const INFLAMMATORY_SPINE: Self = Self(1 << 10);
    pub const OSTEOPOROSIS: Self = Self(1 << 11);
    pub const SPINAL_SURGERY: Self = Self(1 << 12);
    pub const PREGNANCY: Self = Self(1 << 13);
    pub const SPONDYLOLYSIS: Self = Self(1 << 14);
    pub const HYPERMOBILITY: Self = Self(1 << 15);
    pub const ANTICOAGULANTS: Self = Self(1 << 16);
    pub const CLAUSTROPHOBIA: Self = Self(1 << 17);
    /// A billable (leaf) code of the bundled ICD-10-CM code set. Set by the engine, not
    /// by the pack.
    pub const BILLABLE: Self = Self(1 << 31);

    pub const SUPPORTING: Self =
        Self(Self::SUPPORTING_CERVICAL.0 | Self::SUPPORTING_THORACIC.0 | Self::SUPPORTING_LUMBAR.0);

    /// True when `self` has any of the flags of `other`.
    pub fn has(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Only the flags of `self` that are also in `mask`.
    pub fn only(self, mask: Self) -> Self {
        Self(self.0 & mask.0)
    }
}

impl std::fmt::Debug for DiagnosisClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DiagnosisClass({:#x})", self.0)
    }
}

// ---- the file's shape -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    version: String,
    rules: BTreeMap<String, RuleRow>,
    thresholds: ThresholdsFile,
    procedures: ProceduresFile,
    diagnoses: DiagnosesFile,
    #[serde(default)]
    profiles: BTreeMap<String, ProfileRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleRow {
    severity: Severity,
    #[serde(default)]
    by_plan: BTreeMap<PlanType, Severity>,
    plans: Option<BTreeSet<PlanType>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileRow {
    description: Option<String>,
    #[serde(default)]
    disable: BTreeSet<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsFile {
    kx_threshold_cents: BTreeMap<String, i64>,
    targeted_review_cents: i64,
    max_certification_days: i64,
    max_visits_between_progress_reports: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProceduresFile {
    timed: Vec<String>,
    active_untimed: Vec<String>,
    home_traction_equipment: Vec<String>,
    telehealth_places_of_service: Vec<String>,
    telehealth_modifiers: Vec<String>,
    decompression_device_keywords: Vec<String>,
    #[serde(default)]
    decompression_device_bounded_keywords: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosesFile {
    weak: Vec<String>,
    supporting: SupportingFile,
    contraindications: ContraindicationsFile,
    vertebral_fracture: FractureFile,
    region_dependent: RegionDependentFile,
    precautions: PrecautionsFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportingFile {
    cervical: Vec<String>,
    thoracic: Vec<String>,
    lumbar: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContraindicationsFile {
    malignancy: Vec<String>,
    spinal_infection: Vec<String>,
    cord_compression: Vec<String>,
    instability: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FractureFile {
    prefixes: Vec<String>,
    acute: Vec<String>,
    healing: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionDependentFile {
    contraindicated_unless_cervical: Vec<String>,
    contraindicated_if_cervical: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrecautionsFile {
    osteoporosis: Vec<String>,
    spinal_surgery: Vec<String>,
    pregnancy: Vec<String>,
    spondylolysis: Vec<String>,
    hypermobility: Vec<String>,
    anticoagulants: Vec<String>,
    claustrophobia: Vec<String>,
}

// ---- validation -------------------------------------------------------------------

impl RulePack {
    pub fn built_in() -> Self {
        Self::parse(BUILT_IN).expect("the built-in rule pack is valid (checked by tests)")
    }

    /// Parses and validates a pack. `rule_ids` are the ids the catalogue implements: the
    /// pack must configure exactly those.
    pub fn parse(text: &str) -> Result<Self, PackError> {
        Self::parse_for(text, &super::catalogue::rule_ids())
    }

    pub(crate) fn parse_for(text: &str, rule_ids: &[&str]) -> Result<Self, PackError> {
        let file: PackFile = toml::from_str(text).map_err(|e| PackError::Syntax(e.to_string()))?;
        if file.version.trim().is_empty() {
            return Err(entry_error("version", "must not be empty"));
        }
        let rules = validate_rules(file.rules, rule_ids)?;
        let profiles = validate_profiles(file.profiles, rule_ids)?;
        Ok(Self {
            version: file.version.trim().to_owned(),
            rules,
            profiles,
            thresholds: validate_thresholds(file.thresholds)?,
            procedures: validate_procedures(file.procedures)?,
            diagnoses: validate_diagnoses(file.diagnoses)?,
        })
    }
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
    let mut rules = BTreeMap::new();
    for (id, row) in rows {
        if row.plans.as_ref().is_some_and(BTreeSet::is_empty) {
            return Err(entry_error(
                format!("rules.\"{id}\".plans"),
                "must list at least one plan type (leave it out to apply to all)",
            ));
        }
        let settings = RuleSettings {
            severity: row.severity,
            by_plan: row.by_plan,
            plans: row.plans,
        };
        rules.insert(id, settings);
    }
    Ok(rules)
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
        let profile = Profile {
            description: row.description,
            disable: row.disable,
            severity: row.severity,
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
    let groups = [
        (
            "supporting.cervical",
            file.supporting.cervical,
            DiagnosisClass::SUPPORTING_CERVICAL,
        ),
        (
            "supporting.thoracic",
            file.supporting.thoracic,
            DiagnosisClass::SUPPORTING_THORACIC,
        ),
        (
            "supporting.lumbar",
            file.supporting.lumbar,
            DiagnosisClass::SUPPORTING_LUMBAR,
        ),
        ("weak", file.weak, DiagnosisClass::WEAK),
        (
            "contraindications.malignancy",
            file.contraindications.malignancy,
            DiagnosisClass::MALIGNANCY,
        ),
        (
            "contraindications.spinal_infection",
            file.contraindications.spinal_infection,
            DiagnosisClass::SPINAL_INFECTION,
        ),
        (
            "contraindications.cord_compression",
            file.contraindications.cord_compression,
            DiagnosisClass::CORD_COMPRESSION,
        ),
        (
            "contraindications.instability",
            file.contraindications.instability,
            DiagnosisClass::INSTABILITY,
        ),
        (
            "vertebral_fracture.prefixes",
            file.vertebral_fracture.prefixes,
            DiagnosisClass::VERTEBRAL_FRACTURE,
        ),
        (
            "region_dependent.contraindicated_unless_cervical",
            file.region_dependent.contraindicated_unless_cervical,
            DiagnosisClass::AORTIC_ANEURYSM,
        ),
        (
            "region_dependent.contraindicated_if_cervical",
            file.region_dependent.contraindicated_if_cervical,
            DiagnosisClass::INFLAMMATORY_SPINE,
        ),
        (
            "precautions.osteoporosis",
            file.precautions.osteoporosis,
            DiagnosisClass::OSTEOPOROSIS,
        ),
        (
            "precautions.spinal_surgery",
            file.precautions.spinal_surgery,
            DiagnosisClass::SPINAL_SURGERY,
        ),
        (
            "precautions.pregnancy",
            file.precautions.pregnancy,
            DiagnosisClass::PREGNANCY,
        ),
        (
            "precautions.spondylolysis",
            file.precautions.spondylolysis,
            DiagnosisClass::SPONDYLOLYSIS,
        ),
        (
            "precautions.hypermobility",
            file.precautions.hypermobility,
            DiagnosisClass::HYPERMOBILITY,
        ),
        (
            "precautions.anticoagulants",
            file.precautions.anticoagulants,
            DiagnosisClass::ANTICOAGULANTS,
        ),
        (
            "precautions.claustrophobia",
            file.precautions.claustrophobia,
            DiagnosisClass::CLAUSTROPHOBIA,
        ),
    ];
    let mut prefixes: FxHashMap<u64, DiagnosisClass> = FxHashMap::default();
    for (name, list, class) in groups {
        check_list(&format!("diagnoses.{name}"), &list, is_icd_prefix)?;
        for prefix in &list {
            let key = pack_code(prefix).expect("checked: at most 7 characters");
            let entry = prefixes.entry(key).or_default();
            *entry = entry.with(class);
        }
    }
    let seventh = |name: &str, list: Vec<String>| -> Result<Vec<u8>, PackError> {
        check_list(
            &format!("diagnoses.vertebral_fracture.{name}"),
            &list,
            |s| s.len() == 1 && s.as_bytes()[0].is_ascii_uppercase(),
        )?;
        Ok(list.iter().map(|s| s.as_bytes()[0]).collect())
    };
    Ok(DiagnosisLists {
        prefixes,
        fracture_acute: seventh("acute", file.vertebral_fracture.acute)?,
        fracture_healing: seventh("healing", file.vertebral_fracture.healing)?,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn with_replaced(from: &str, to: &str) -> String {
        assert!(
            BUILT_IN.contains(from),
            "test edits must match the built-in pack"
        );
        BUILT_IN.replacen(from, to, 1)
    }

    fn problem(text: &str) -> String {
        RulePack::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn built_in_pack_is_valid() {
        let pack = RulePack::parse(BUILT_IN).unwrap();
        assert_eq!(pack.version, "2026.2");
        assert_eq!(pack.rules.len(), super::super::catalogue::rule_ids().len());
    }

    #[test]
    fn plan_specific_severities_resolve() {
        let pack = RulePack::built_in();
        let tr010 = &pack.rules["TR-010"];
        assert_eq!(
            tr010.severity_for(PlanType::Commercial),
            Some(Severity::Error)
        );
        assert_eq!(
            tr010.severity_for(PlanType::WorkersComp),
            Some(Severity::Warning)
        );
        let tr012 = &pack.rules["TR-012"];
        assert_eq!(
            tr012.severity_for(PlanType::MedicarePartB),
            Some(Severity::Error)
        );
        assert_eq!(
            tr012.severity_for(PlanType::MedicareAdvantage),
            Some(Severity::Warning)
        );
        assert_eq!(tr012.severity_for(PlanType::Medicaid), None);
    }

    #[test]
    fn kx_threshold_uses_latest_known_year_and_skips_earlier_years() {
        let pack = RulePack::built_in();
        assert_eq!(pack.thresholds.kx_threshold_for(2023), None);
        assert_eq!(pack.thresholds.kx_threshold_for(2024), Some(233_000));
        assert_eq!(pack.thresholds.kx_threshold_for(2026), Some(248_000));
        assert_eq!(pack.thresholds.kx_threshold_for(2031), Some(248_000));
    }

    #[test]
    fn diagnosis_prefixes_classify_codes() {
        let lists = RulePack::built_in().diagnoses;
        assert!(
            lists
                .classify("M5416")
                .has(DiagnosisClass::SUPPORTING_LUMBAR)
        );
        assert!(
            lists
                .classify("M4802")
                .has(DiagnosisClass::SUPPORTING_CERVICAL)
        );
        assert!(!lists.classify("M541").has(DiagnosisClass::SUPPORTING));
        assert!(lists.classify("O99891").has(DiagnosisClass::PREGNANCY));
        assert!(
            lists
                .classify("S32010A")
                .has(DiagnosisClass::VERTEBRAL_FRACTURE)
        );
        assert_eq!(lists.classify("J449"), DiagnosisClass::NONE);
    }

    #[test]
    fn unknown_rule_id_is_named() {
        let text = with_replaced("\"TR-041\" =", "\"TR-099\" =");
        assert_eq!(
            problem(&text),
            "rule pack entry `rules.\"TR-099\"`: unknown rule id"
        );
    }

    #[test]
    fn missing_rule_row_is_named() {
        let text = with_replaced("\"TR-041\" = { severity = \"ERROR\" }\n", "");
        assert_eq!(
            problem(&text),
            "rule pack entry `rules.\"TR-041\"`: missing: every rule of the catalogue needs a row"
        );
    }

    #[test]
    fn bad_severity_is_a_syntax_error_naming_the_key() {
        let text = with_replaced(
            "\"TR-001\" = { severity = \"ERROR\" }",
            "\"TR-001\" = { severity = \"FATAL\" }",
        );
        let message = problem(&text);
        assert!(message.contains("FATAL"), "{message}");
        assert!(message.contains("line 15"), "{message}");
    }

    #[test]
    fn malformed_icd_prefix_is_named() {
        let text = with_replaced("osteoporosis = [\"M81\"]", "osteoporosis = [\"m81\"]");
        assert_eq!(
            problem(&text),
            "rule pack entry `diagnoses.precautions.osteoporosis`: `m81` is not a valid entry"
        );
    }

    #[test]
    fn kx_year_must_be_a_year() {
        let text = with_replaced("2024 = 233000", "twenty = 233000");
        assert_eq!(
            problem(&text),
            "rule pack entry `thresholds.kx_threshold_cents.twenty`: key must be a calendar year"
        );
    }

    #[test]
    fn a_bounded_decompression_keyword_must_be_a_keyword() {
        let text = with_replaced(
            "decompression_device_bounded_keywords = [\"idd\", \"dts\"]",
            "decompression_device_bounded_keywords = [\"idd\", \"tds\"]",
        );
        assert_eq!(
            problem(&text),
            "rule pack entry `procedures.decompression_device_bounded_keywords`: `tds` is not \
             one of decompression_device_keywords"
        );
    }

    #[test]
    fn a_pack_without_bounded_keywords_matches_every_keyword_inside_words() {
        let text = with_replaced(
            "decompression_device_bounded_keywords = [\"idd\", \"dts\"]\n",
            "",
        );
        let procedures = RulePack::parse(&text).unwrap().procedures;
        assert_eq!(procedures.decompression_keyword("Kidd unit"), Some("idd"));
    }

    #[test]
    fn profile_with_unknown_rule_is_named() {
        let text = format!("{BUILT_IN}\n[profiles.\"60054\"]\ndisable = [\"TR-100\"]\n");
        assert_eq!(
            problem(&text),
            "rule pack entry `profiles.\"60054\"`: unknown rule id `TR-100`"
        );
    }

    #[test]
    fn profile_parses_overrides() {
        let text = format!(
            "{BUILT_IN}\n[profiles.\"60054\"]\ndisable = [\"TR-016\"]\nseverity = {{ \"TR-025\" = \"ERROR\" }}\n"
        );
        let pack = RulePack::parse(&text).unwrap();
        let profile = &pack.profiles["60054"];
        assert!(profile.disable.contains("TR-016"));
        assert_eq!(profile.severity["TR-025"], Severity::Error);
    }
}
