//! TR-027: a diagnosis of the event is a contraindication to traction (list C): an acute
//! vertebral fracture, spinal malignancy or infection, cord compression, instability; an
//! aortic aneurysm unless the traction is cervical; inflammatory spine disease when it is.
//! One finding per event listing each code once with the reason. Checks every in-scope
//! event, with or without a traction line. The reasons are rows of `rules::risks`, shared
//! with TR-028.

use crate::rules::prelude::*;
use crate::rules::risks::{Risk, listed_with_reasons};

pub struct Contraindication;

static META: RuleMeta = RuleMeta {
    id: "TR-027",
    title: "Traction contraindication",
    remediation: "Have the clinician confirm the listed diagnoses: if the condition is current, \
                  traction is contraindicated and 97012 should not be billed; if a code is \
                  historical or wrong, correct the diagnosis list.",
    reference: "Contraindications to spinal traction (payer traction policies; PT clinical \
                references)",
};

impl Rule for Contraindication {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        if let Some(listed) = listed_with_reasons(ctx, Risk::Contraindication) {
            out.event(format!("Contraindications to traction: {listed}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Error;
    use crate::domain::{BodyRegion, PlanType};
    use crate::testing::*;

    #[test]
    fn fires_once_on_an_acute_vertebral_fracture() {
        let event = with_diagnosis("S32010A");
        assert_eq!(findings_of(&event, "TR-027"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-027"),
            vec!["Contraindications to traction: S32010A (acute vertebral fracture)"]
        );
    }

    #[test]
    fn a_fracture_is_acute_only_with_7th_character_a_or_b() {
        for (code, fires) in [
            ("S32010A", true),
            ("S12000B", true),
            ("M4850XA", true),
            ("S32010D", false),
            ("S32010G", false),
            ("S32010S", false),
            ("S32010", false),
        ] {
            let expected = if fires { vec![(Error, None)] } else { vec![] };
            assert_eq!(
                findings_of(&with_diagnosis(code), "TR-027"),
                expected,
                "{code}"
            );
        }
    }

    #[test]
    fn acute_vertebral_fractures_are_the_listed_cervical_thoracic_lumbar_and_pathological_ones() {
        for code in [
            "S12000A", "S12100B", "S12200A", "S12300A", "S12400A", "S12500A", "S12600A", "S129XXA",
            "S22000A", "S32000A", "S32110A", "S3210XA", "M4850XA", "M8008XA", "M8088XA",
        ] {
            assert_eq!(
                findings_of(&with_diagnosis(code), "TR-027"),
                vec![(Error, None)],
                "{code}"
            );
        }
    }

    #[test]
    fn a_fracture_of_the_hyoid_larynx_or_trachea_is_not_vertebral() {
        // S12.8: fracture of other parts of the neck (RULES.md 2026.2).
        assert_eq!(findings_of(&with_diagnosis("S128XXA"), "TR-027"), vec![]);
        assert_eq!(findings_of(&with_diagnosis("S128XXB"), "TR-027"), vec![]);
    }

    #[test]
    fn names_the_reason_group_of_each_code() {
        let mut event = clean_encounter();
        event.diagnoses.extend([
            diagnosis(2, "C7951"),
            diagnosis(3, "M4626"),
            diagnosis(4, "G834"),
            diagnosis(5, "M433"),
            diagnosis(6, "I7100"),
        ]);
        assert_eq!(
            messages_of(&event, "TR-027"),
            vec![
                "Contraindications to traction: C7951 (malignancy involving the spine), \
                 M4626 (spinal infection), G834 (cord compression, cauda equina or myelopathy), \
                 M433 (spinal instability), I7100 (aortic aneurysm, traction not cervical)"
            ]
        );
    }

    #[test]
    fn lists_each_code_once_in_diagnosis_order() {
        let mut event = clean_encounter();
        event.diagnoses.extend([
            diagnosis(2, "M5106"),
            diagnosis(3, "S32010A"),
            diagnosis(4, "M5106"),
        ]);
        assert_eq!(
            messages_of(&event, "TR-027"),
            vec![
                "Contraindications to traction: M5106 (cord compression, cauda equina or myelopathy), \
                 S32010A (acute vertebral fracture)"
            ]
        );
    }

    #[test]
    fn an_aortic_aneurysm_is_a_contraindication_unless_traction_is_cervical() {
        assert_eq!(
            findings_of(&with_diagnosis("I7100"), "TR-027"),
            vec![(Error, None)]
        );
        assert_eq!(
            findings_of(&cervical(with_diagnosis("I7100")), "TR-027"),
            vec![]
        );
    }

    #[test]
    fn inflammatory_spine_disease_is_a_contraindication_only_with_cervical_traction() {
        let event = cervical(with_diagnosis("M459"));
        assert_eq!(findings_of(&event, "TR-027"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-027"),
            vec![
                "Contraindications to traction: M459 (inflammatory spine disease, cervical traction)"
            ]
        );
        assert_eq!(findings_of(&with_diagnosis("M459"), "TR-027"), vec![]);
        assert_eq!(findings_of(&with_diagnosis("M0500"), "TR-027"), vec![]);
    }

    #[test]
    fn takes_the_region_from_the_first_traction_line_without_a_traction_region() {
        let mut event = cervical(with_diagnosis("I7100"));
        if let Some(traction) = event.traction.as_mut() {
            traction.region = None;
        }
        assert_eq!(findings_of(&event, "TR-027"), vec![]);
        event.service_lines[0].body_region = Some(BodyRegion::Lumbar);
        assert_eq!(findings_of(&event, "TR-027"), vec![(Error, None)]);
    }

    #[test]
    fn an_unknown_region_counts_as_not_cervical() {
        let mut event = clean_encounter();
        event
            .diagnoses
            .extend([diagnosis(2, "I7100"), diagnosis(3, "M0600")]);
        if let Some(traction) = event.traction.as_mut() {
            traction.region = None;
        }
        event.service_lines[0].body_region = None;
        assert_eq!(
            messages_of(&event, "TR-027"),
            vec!["Contraindications to traction: I7100 (aortic aneurysm, traction not cervical)"]
        );
    }

    #[test]
    fn checks_an_event_in_scope_only_through_its_traction_record() {
        let mut event = with_diagnosis("C412");
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-027"), vec![(Error, None)]);
    }

    #[test]
    fn does_not_fire_without_a_contraindication() {
        let mut event = clean_encounter();
        event
            .diagnoses
            .extend([diagnosis(2, "M810"), diagnosis(3, "Z7901")]);
        assert_eq!(findings_of(&event, "TR-027"), vec![]);
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        let event = with_diagnosis("S32010A");
        assert_eq!(
            findings_by_plan(&event, "TR-027"),
            only_for(&PlanType::ALL, &[(Error, None)])
        );
    }
}
