//! The catalogue: every rule, one line each, in id order (RULES.md).
//!
//! Adding a rule = one file here, one line below, one row in `data/rule-pack.toml`. A pack
//! is parsed against the catalogue: it must configure exactly the rules listed here.

use super::pack::{BUILT_IN, PackError, RulePack};
use super::rule::Rule;

mod tr001_units_per_day;
mod tr002_one_line_per_day;
mod tr003_structure;
mod tr004_eight_minute_rule;
mod tr005_manual_traction;
mod tr006_non_mechanical_method;
mod tr007_decompression;
mod tr008_s9090_medicare;
mod tr009_mechanical_without_97012;
mod tr010_therapy_modifier;
mod tr011_discipline_modifier;
mod tr012_assistant_cq;
mod tr013_cq_without_gp;
mod tr014_aide;
mod tr015_modifier_59_with_x;
mod tr016_ncci_manual_therapy_pair;
mod tr017_at_modifier;
mod tr018_kx_threshold;
mod tr019_targeted_review;
mod tr020_chiropractor;
mod tr021_telehealth;
mod tr022_npi;
mod tr023_billable_diagnosis;
mod tr024_diagnosis_pointers;
mod tr025_supporting_diagnosis;
mod tr027_contraindication;
mod tr028_precaution;
mod tr029_region_mismatch;
mod tr030_thoracic;
mod tr031_plan_of_care;
mod tr032_outside_certification;
mod tr033_certification_interval;
mod tr034_certifying_npi;
mod tr035_undocumented;
mod tr036_incomplete_documentation;
mod tr037_progress_report;
mod tr038_no_active_procedure;
mod tr039_hot_cold_pack;
mod tr040_unattended_estim_97014;
mod tr041_home_traction_equipment;
mod tr050_duplicate_same_provider;
mod tr051_same_day_other_provider;
mod tr052_progress_report_cadence;
mod tr053_kx_threshold_history;
mod tr054_traction_frequency;

/// Every rule, sorted by id (the engine relies on the order for finding order).
pub static CATALOGUE: &[&dyn Rule] = &[
    &tr001_units_per_day::MoreThanOneUnit,
    &tr002_one_line_per_day::SecondTractionLineSameDay,
    &tr003_structure::StructurallyUnsound,
    &tr004_eight_minute_rule::EightMinuteRule,
    &tr005_manual_traction::ManualTraction,
    &tr006_non_mechanical_method::NonMechanicalMethod,
    &tr007_decompression::Decompression,
    &tr008_s9090_medicare::S9090ForMedicare,
    &tr009_mechanical_without_97012::MechanicalWithoutTractionLine,
    &tr010_therapy_modifier::TherapyModifier,
    &tr011_discipline_modifier::DisciplineModifier,
    &tr012_assistant_cq::AssistantWithoutCq,
    &tr013_cq_without_gp::CqWithoutGp,
    &tr014_aide::PerformedByAide,
    &tr015_modifier_59_with_x::Modifier59WithX,
    &tr016_ncci_manual_therapy_pair::ManualTherapyPair,
    &tr017_at_modifier::AtModifier,
    &tr018_kx_threshold::KxThreshold,
    &tr019_targeted_review::TargetedReview,
    &tr020_chiropractor::Chiropractor,
    &tr021_telehealth::Telehealth,
    &tr022_npi::InvalidNpi,
    &tr023_billable_diagnosis::NonBillableDiagnosis,
    &tr024_diagnosis_pointers::DiagnosisPointers,
    &tr025_supporting_diagnosis::SupportingDiagnosis,
    &tr027_contraindication::Contraindication,
    &tr028_precaution::Precaution,
    &tr029_region_mismatch::RegionMismatch,
    &tr030_thoracic::ThoracicTraction,
    &tr031_plan_of_care::NoCertifiedPlan,
    &tr032_outside_certification::OutsideCertification,
    &tr033_certification_interval::CertificationTooLong,
    &tr034_certifying_npi::NoCertifyingNpi,
    &tr035_undocumented::UndocumentedTraction,
    &tr036_incomplete_documentation::IncompleteDocumentation,
    &tr037_progress_report::ProgressReportOverdue,
    &tr038_no_active_procedure::NoActiveProcedure,
    &tr039_hot_cold_pack::HotColdPack,
    &tr040_unattended_estim_97014::Unattended97014,
    &tr041_home_traction_equipment::HomeTractionEquipment,
    &tr050_duplicate_same_provider::DuplicateSameProvider,
    &tr051_same_day_other_provider::SameDayOtherProvider,
    &tr052_progress_report_cadence::ProgressReportCadence,
    &tr053_kx_threshold_history::KxThresholdFromHistory,
    &tr054_traction_frequency::TractionFrequency,
];

/// The title of a rule, for tables and summaries ("" for an id outside the catalogue).
pub fn title(rule_id: &str) -> &'static str {
    CATALOGUE
        .iter()
        .map(|rule| rule.meta())
        .find(|meta| meta.id == rule_id)
        .map_or("", |meta| meta.title)
}

/// The ids the catalogue implements, in order.
pub fn rule_ids() -> Vec<&'static str> {
    CATALOGUE.iter().map(|rule| rule.meta().id).collect()
}

impl RulePack {
    /// The pack shipped in the binary.
    pub fn built_in() -> Self {
        Self::parse(BUILT_IN).expect("the built-in rule pack is valid (checked by tests)")
    }

    /// Parses and validates a pack, which must configure exactly the catalogue's rules.
    pub fn parse(text: &str) -> Result<Self, PackError> {
        Self::parse_for(text, &rule_ids())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_by_unique_id() {
        let ids = rule_ids();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert_eq!(ids.len(), 45);
    }

    #[test]
    fn rules_read_only_the_findings_of_rules_evaluated_before_them() {
        let ids = rule_ids();
        for (position, rule) in CATALOGUE.iter().enumerate() {
            for read in rule.reads_findings_of() {
                assert!(
                    ids[..position].contains(read),
                    "{} reads {read}",
                    rule.meta().id
                );
            }
        }
        let tr025 = CATALOGUE.iter().find(|r| r.meta().id == "TR-025").unwrap();
        assert_eq!(tr025.reads_findings_of(), ["TR-024"]);
    }

    #[test]
    fn every_rule_explains_itself() {
        for rule in CATALOGUE {
            let meta = rule.meta();
            assert!(!meta.title.is_empty(), "{} title", meta.id);
            assert!(!meta.remediation.is_empty(), "{} remediation", meta.id);
            assert!(!meta.reference.is_empty(), "{} reference", meta.id);
        }
    }
}
