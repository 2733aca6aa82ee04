//! The pack's tests: texts that parse, and the error each broken entry gives.

use super::*;
use crate::domain::{PlanType, Severity};
use crate::rules::catalogue::rule_ids;

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
    assert_eq!(pack.rules.len(), rule_ids().len());
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
fn an_empty_plan_list_is_named() {
    let text = with_replaced(
        "\"TR-008\" = { severity = \"ERROR\", plans = [\"MEDICARE_PART_B\", \"MEDICARE_ADVANTAGE\"] }",
        "\"TR-008\" = { severity = \"ERROR\", plans = [] }",
    );
    assert_eq!(
        problem(&text),
        "rule pack entry `rules.\"TR-008\".plans`: must list at least one plan type (leave it \
         out to apply to all)"
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

#[test]
fn the_traction_day_limit_is_the_packs_unless_the_payers_profile_sets_one() {
    let text = format!("{BUILT_IN}\n[profiles.\"60054\"]\nmax_traction_days_per_30_days = 8\n");
    let pack = RulePack::parse(&text).unwrap();
    assert_eq!(pack.max_traction_days_per_30_days("60054"), 8);
    assert_eq!(pack.max_traction_days_per_30_days("00882"), 12);
}

#[test]
fn a_traction_day_limit_must_be_positive() {
    let zero = with_replaced(
        "max_traction_days_per_30_days = 12",
        "max_traction_days_per_30_days = 0",
    );
    assert_eq!(
        problem(&zero),
        "rule pack entry `thresholds.max_traction_days_per_30_days`: must be positive"
    );
    let text = format!("{BUILT_IN}\n[profiles.\"60054\"]\nmax_traction_days_per_30_days = -1\n");
    assert_eq!(
        problem(&text),
        "rule pack entry `profiles.\"60054\".max_traction_days_per_30_days`: must be positive"
    );
}

/// The built-in pack with `[diagnoses]` replaced: the prefix `X00` on the first list of the
/// table, `X01` on the second, and so on.
fn with_one_prefix_per_list() -> String {
    let mut diagnoses = toml::Table::new();
    let mut put = |path: &str, value: &str| {
        let mut table = &mut diagnoses;
        let mut keys: Vec<&str> = path.split('.').collect();
        let last = keys.pop().unwrap();
        for key in keys {
            table = table
                .entry(key)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .unwrap();
        }
        table.insert(last.into(), toml::Value::Array(vec![value.into()]));
    };
    for (i, (path, _)) in DIAGNOSIS_LISTS.iter().enumerate() {
        put(path, &format!("X{i:02}"));
    }
    put("vertebral_fracture.acute", "A");
    put("vertebral_fracture.healing", "D");
    let mut root = toml::Table::new();
    root.insert("diagnoses".into(), toml::Value::Table(diagnoses));
    let before_diagnoses = &BUILT_IN[..BUILT_IN.find("\n[diagnoses").unwrap()];
    format!("{before_diagnoses}\n{}", toml::to_string(&root).unwrap())
}

#[test]
fn every_diagnosis_list_of_the_table_is_read_from_its_path_into_its_flag() {
    let pack = RulePack::parse(&with_one_prefix_per_list()).unwrap();
    for (i, (path, class)) in DIAGNOSIS_LISTS.iter().enumerate() {
        assert_eq!(
            pack.diagnoses.classify(&format!("X{i:02}")),
            *class,
            "{path}"
        );
    }
    assert_eq!(pack.diagnoses.fracture_acute, b"A");
    assert_eq!(pack.diagnoses.fracture_healing, b"D");
}

#[test]
fn an_unknown_diagnosis_list_is_named() {
    let text = with_replaced(
        "osteoporosis = [\"M81\"]",
        "osteoporosis = [\"M81\"]\nosteopenia = [\"M858\"]",
    );
    assert_eq!(
        problem(&text),
        "rule pack entry `diagnoses.precautions.osteopenia`: unknown list"
    );
}

#[test]
fn a_missing_diagnosis_list_is_named() {
    let text = with_replaced("claustrophobia = [\"F40240\"]\n", "");
    assert_eq!(
        problem(&text),
        "rule pack entry `diagnoses.precautions.claustrophobia`: missing list"
    );
}

#[test]
fn a_diagnosis_list_that_is_not_a_list_of_strings_is_named() {
    let text = with_replaced("anticoagulants = [\"Z7901\"]", "anticoagulants = [7901]");
    assert_eq!(
        problem(&text),
        "rule pack entry `diagnoses.precautions.anticoagulants`: must be a list of strings"
    );
}

#[test]
fn a_malformed_fracture_character_is_named() {
    let text = with_replaced("acute = [\"A\", \"B\"]", "acute = [\"a\", \"B\"]");
    assert_eq!(
        problem(&text),
        "rule pack entry `diagnoses.vertebral_fracture.acute`: `a` is not a valid entry"
    );
}
