//! TR-023: claims must carry billable (leaf) ICD-10-CM codes. A category or subcategory
//! that has children (`M54.5`, `M51.36` since FY2025) or a code with a wrong placeholder
//! (`S13.4XX`) is rejected by every payer. Billability comes from the bundled code set via
//! the BILLABLE flag the context sets. One finding per event listing each code once.

use crate::rules::diagnoses::codes_for_message;
use crate::rules::icd10::RELEASE;
use crate::rules::prelude::*;

pub struct NonBillableDiagnosis;

static META: RuleMeta = RuleMeta {
    id: "TR-023",
    title: "Diagnosis code not billable",
    remediation: "Replace each listed code with a billable code of the current ICD-10-CM \
                  release, coded to the highest specificity (all characters, 7th character \
                  and X placeholders where required).",
    reference: "ICD-10-CM Official Guidelines I.A.5 (placeholder X), I.A.6 (7th characters) \
                and I.B.2, and the tabular list: only codes at the highest level of \
                specificity, with every required character, are billable",
};

impl Rule for NonBillableDiagnosis {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let not_billable = |d: &PointedDiagnosis<'_>| !d.class.has(DiagnosisClass::BILLABLE);
        if !ctx.diagnoses().any(|d| not_billable(&d)) {
            return;
        }
        let codes = codes_for_message(ctx.diagnoses().filter(not_billable));
        out.event(format!(
            "Diagnosis codes not billable in {RELEASE}: {}",
            codes.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn cites_the_guidelines_on_placeholder_x_and_the_7th_character() {
        let reference = reference_of(&with_diagnosis("S134XX"), "TR-023");
        assert!(reference.contains("I.A.5 (placeholder X)"), "{reference}");
        assert!(reference.contains("I.A.6 (7th characters)"), "{reference}");
    }

    #[test]
    fn fires_once_listing_header_codes_and_bad_placeholders() {
        let mut event = clean_encounter();
        event.diagnoses.extend([
            diagnosis(2, "M545"),
            diagnosis(3, "M5136"),
            diagnosis(4, "S134XX"),
        ]);
        assert_eq!(findings_of(&event, "TR-023"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-023"),
            vec![
                "Diagnosis codes not billable in ICD-10-CM FY2026 (April 1 2026 update): M545, M5136, S134XX"
            ]
        );
    }

    #[test]
    fn lists_each_code_once_in_diagnosis_order() {
        let mut event = clean_encounter();
        event.diagnoses = vec![
            diagnosis(1, "S134XX"),
            diagnosis(2, "M5416"),
            diagnosis(3, "M545"),
            diagnosis(4, "S134XX"),
        ];
        assert_eq!(
            messages_of(&event, "TR-023"),
            vec![
                "Diagnosis codes not billable in ICD-10-CM FY2026 (April 1 2026 update): S134XX, M545"
            ]
        );
    }

    #[test]
    fn does_not_fire_on_billable_codes() {
        let mut event = clean_encounter();
        event.diagnoses.extend([
            diagnosis(2, "M5450"),
            diagnosis(3, "S134XXA"),
            diagnosis(4, "M51360"),
        ]);
        assert_eq!(findings_of(&event, "TR-023"), vec![]);
    }

    #[test]
    fn never_echoes_text_that_is_not_a_code() {
        let mut event = clean_encounter();
        event.diagnoses.push(diagnosis(2, "SEE NOTE FROM DR"));
        assert_eq!(
            messages_of(&event, "TR-023"),
            vec![
                "Diagnosis codes not billable in ICD-10-CM FY2026 (April 1 2026 update): (malformed code)"
            ]
        );
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        let mut event = clean_encounter();
        event.diagnoses.push(diagnosis(2, "M545"));
        assert_eq!(
            findings_by_plan(&event, "TR-023"),
            only_for(&PlanType::ALL, &[(Error, None)])
        );
    }
}
