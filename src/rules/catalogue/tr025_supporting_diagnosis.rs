//! TR-025: payers pay for traction when a pointed diagnosis supports it (list S: radicular
//! syndromes, disc disorders, stenosis, segmental dysfunction). Nonspecific pain codes
//! (list W) are weak on their own, and the message says so when they are all the line
//! has. A line TR-024 reports (no or dangling pointers) is left to that rule.

use super::tr023_billable_diagnosis::code_for_message;
use super::tr024_diagnosis_pointers::has_pointer_problem;
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

impl Rule for SupportingDiagnosis {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.traction_lines() {
            if has_pointer_problem(ctx, line)
                || ctx
                    .pointed_diagnoses(line)
                    .any(|d| d.class.has(DiagnosisClass::SUPPORTING))
            {
                continue;
            }
            // TR-024's condition is false, so the line points to at least one diagnosis.
            let only_weak = ctx
                .pointed_diagnoses(line)
                .all(|d| d.class.has(DiagnosisClass::WEAK));
            let mut codes: Vec<&str> = Vec::new();
            for pointed in ctx.pointed_diagnoses(line) {
                let code = code_for_message(&pointed.diagnosis.code);
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
            let message = if only_weak {
                format!(
                    "97012 on {} points only to codes that are weak support for traction on \
                     their own: {}",
                    line.date_of_service,
                    codes.join(", ")
                )
            } else {
                format!(
                    "97012 on {} points to no diagnosis that supports traction: {}",
                    line.date_of_service,
                    codes.join(", ")
                )
            };
            out.line(line.line_number, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Warning;
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
