//! TR-025: payers pay for traction when a pointed diagnosis supports it (list S: radicular
//! syndromes, disc disorders, stenosis, segmental dysfunction). Nonspecific pain codes
//! (list W) are weak on their own, and the message says so when they are all the line
//! has; a line pointing to no diagnosis of the claim at all is told so. A line on which
//! TR-024 reported a missing or dangling pointer in this screening is left to that rule;
//! where TR-024 is off (a payer profile), this rule still judges the line.

use crate::rules::diagnoses::codes_for_message;
use crate::rules::prelude::*;

pub struct SupportingDiagnosis;

static META: RuleMeta = RuleMeta {
    id: "TR-025",
    title: "No supporting diagnosis for traction",
    remediation: "Point the 97012 line at the documented diagnosis that justifies traction \
                  (radiculopathy, disc displacement or degeneration, spinal stenosis, \
                  segmental dysfunction); nonspecific back or neck pain alone rarely supports \
                  it.",
    reference: "Cigna coverage policy CPG275; JOSPT 2009 lumbar traction evidence",
};

/// The rule whose findings on a line make this one skip it.
const POINTER_RULE: &str = "TR-024";

impl Rule for SupportingDiagnosis {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_findings_of(&self) -> &'static [&'static str] {
        &[POINTER_RULE]
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.traction_lines() {
            if out.earlier_finding_on_line(POINTER_RULE, line.line_number)
                || ctx
                    .pointed_diagnoses(line)
                    .any(|d| d.class.has(DiagnosisClass::SUPPORTING))
            {
                continue;
            }
            out.line(line.line_number, describe(ctx, line));
        }
    }
}

/// The message for a line none of whose pointed diagnoses supports traction.
fn describe(ctx: &Context<'_>, line: &ServiceLine) -> String {
    let codes = codes_for_message(ctx.pointed_diagnoses(line));
    let day = line.date_of_service;
    if codes.is_empty() {
        format!("97012 on {day} points to no diagnosis of the claim, so none supports traction")
    } else if ctx
        .pointed_diagnoses(line)
        .all(|d| d.class.has(DiagnosisClass::WEAK))
    {
        format!(
            "97012 on {day} points only to codes that are weak support for traction on their \
             own: {}",
            codes.join(", ")
        )
    } else {
        format!(
            "97012 on {day} points to no diagnosis that supports traction: {}",
            codes.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::{Error, Info, Warning};
    use crate::domain::{Encounter, PlanType};
    use crate::rules::Engine;
    use crate::testing::*;

    #[test]
    fn fires_when_the_pointed_diagnosis_is_not_supporting() {
        let mut event = clean_encounter();
        event.diagnoses[0].code = "M6281".into();
        assert_eq!(findings_of(&event, "TR-025"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-025"),
            vec!["97012 on 2026-03-02 points to no diagnosis that supports traction: M6281"]
        );
    }

    #[test]
    fn says_when_the_pointed_codes_are_only_weak_ones() {
        let mut event = clean_encounter();
        event.diagnoses = vec![diagnosis(1, "M5450"), diagnosis(2, "M542")];
        event.service_lines[0].diagnosis_pointers = vec![1, 2];
        assert_eq!(findings_of(&event, "TR-025"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-025"),
            vec![
                "97012 on 2026-03-02 points only to codes that are weak support for traction on their own: M5450, M542"
            ]
        );
    }

    #[test]
    fn a_weak_code_with_a_non_weak_one_is_not_only_weak() {
        let mut event = clean_encounter();
        event.diagnoses = vec![diagnosis(1, "M5450"), diagnosis(2, "M6281")];
        event.service_lines[0].diagnosis_pointers = vec![1, 2];
        assert_eq!(
            messages_of(&event, "TR-025"),
            vec!["97012 on 2026-03-02 points to no diagnosis that supports traction: M5450, M6281"]
        );
    }

    #[test]
    fn does_not_fire_when_any_pointed_diagnosis_supports_traction() {
        let mut event = clean_encounter();
        event.diagnoses = vec![diagnosis(1, "M5450"), diagnosis(2, "M4802")];
        event.service_lines[0].diagnosis_pointers = vec![1, 2];
        assert_eq!(findings_of(&event, "TR-025"), vec![]);
    }

    #[test]
    fn a_supporting_diagnosis_sharing_a_pointer_with_another_counts() {
        // Two diagnoses with pointer 1 (a TR-003 event): both are pointed diagnoses.
        let mut event = clean_encounter();
        event.diagnoses = vec![diagnosis(1, "M6281"), diagnosis(1, "M5416")];
        assert_eq!(findings_of(&event, "TR-025"), vec![]);
    }

    #[test]
    fn names_every_diagnosis_behind_a_shared_pointer() {
        let mut event = clean_encounter();
        event.diagnoses = vec![diagnosis(1, "M542"), diagnosis(1, "M6281")];
        assert_eq!(
            messages_of(&event, "TR-025"),
            vec!["97012 on 2026-03-02 points to no diagnosis that supports traction: M542, M6281"]
        );
    }

    #[test]
    fn only_pointed_diagnoses_count() {
        let mut event = clean_encounter();
        event.diagnoses = vec![diagnosis(1, "M6281"), diagnosis(2, "M5416")];
        event.service_lines[1].diagnosis_pointers = vec![2];
        assert_eq!(findings_of(&event, "TR-025"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn is_not_fired_on_a_line_tr024_reports() {
        let mut event = clean_encounter();
        event.diagnoses[0].code = "M6281".into();
        event.service_lines[0].diagnosis_pointers = vec![1, 7];
        assert_eq!(findings_of(&event, "TR-025"), vec![]);
        event.service_lines[0].diagnosis_pointers.clear();
        assert_eq!(findings_of(&event, "TR-025"), vec![]);
    }

    /// The clean encounter for the payer whose profile disables TR-024.
    fn for_payer_without_tr024() -> (Engine, Encounter) {
        let mut event = clean_encounter();
        event.payer.payer_id = PROFILED_PAYER.into();
        (engine_with_profile(r#"disable = ["TR-024"]"#), event)
    }

    #[test]
    fn fires_on_weak_codes_and_a_dangling_pointer_when_a_profile_disables_tr024() {
        let (engine, mut event) = for_payer_without_tr024();
        event.diagnoses[0].code = "M5450".into();
        event.service_lines[0].diagnosis_pointers = vec![1, 7];
        assert_eq!(findings_with(&engine, &event, "TR-024"), vec![]);
        assert_eq!(
            findings_with(&engine, &event, "TR-025"),
            vec![(Warning, Some(1))]
        );
        assert_eq!(
            engine.screen(&event).findings[0].message,
            "97012 on 2026-03-02 points only to codes that are weak support for traction on \
             their own: M5450"
        );
    }

    #[test]
    fn says_so_when_a_line_points_to_no_diagnosis_at_all() {
        let (engine, mut event) = for_payer_without_tr024();
        for pointers in [vec![], vec![7, 8]] {
            event.service_lines[0].diagnosis_pointers = pointers;
            let findings = engine.screen(&event).findings;
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert_eq!(
                (findings[0].rule_id.as_ref(), findings[0].line_number),
                ("TR-025", Some(1))
            );
            assert_eq!(
                findings[0].message,
                "97012 on 2026-03-02 points to no diagnosis of the claim, so none supports \
                 traction"
            );
        }
    }

    #[test]
    fn is_skipped_only_on_the_line_tr024_reported() {
        // Line 3 dangles (TR-024), line 1 points to a weak code: TR-025 judges line 1 only.
        let mut event = clean_encounter();
        event.diagnoses[0].code = "M5450".into();
        let mut second = line(3, "97012");
        second.date_of_service = date(2026, 3, 4);
        second.diagnosis_pointers = vec![1, 9];
        event.service_lines.push(second);
        assert_eq!(findings_of(&event, "TR-024"), vec![(Error, Some(3))]);
        assert_eq!(findings_of(&event, "TR-025"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn stays_skipped_when_a_profile_changes_tr024s_severity() {
        let mut event = clean_encounter();
        event.payer.payer_id = PROFILED_PAYER.into();
        event.service_lines[0].diagnosis_pointers.clear();
        let engine = engine_with_profile(r#"severity = { "TR-024" = "INFO" }"#);
        assert_eq!(
            findings_with(&engine, &event, "TR-024"),
            vec![(Info, Some(1))]
        );
        assert_eq!(findings_with(&engine, &event, "TR-025"), vec![]);
    }

    #[test]
    fn fires_as_a_warning_for_every_plan_type() {
        let mut event = clean_encounter();
        event.diagnoses[0].code = "M5459".into();
        assert_eq!(
            findings_by_plan(&event, "TR-025"),
            only_for(&PlanType::ALL, &[(Warning, Some(1))])
        );
    }
}
