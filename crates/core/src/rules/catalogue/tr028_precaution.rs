//! TR-028: a diagnosis of the event calls for caution with traction (list P): osteoporosis,
//! a healing vertebral fracture, spinal surgery, pregnancy, spondylolysis or
//! spondylolisthesis, hypermobility, anticoagulants, claustrophobia, and the
//! region-dependent entries of list C when their condition for C is not met. One finding
//! per event listing each code once with the reason. The reasons are rows of
//! `rules::risks`, shared with TR-027.

use crate::rules::prelude::*;
use crate::rules::risks::{Risk, listed_with_reasons};

pub struct Precaution;

static META: RuleMeta = RuleMeta {
    id: "TR-028",
    title: "Traction precaution",
    remediation: "Make sure the record shows the precaution was assessed and how traction was \
                  adapted (force, position, monitoring, patient tolerance); bill as usual when \
                  it does.",
    reference: "Precautions for spinal traction (payer traction policies; PT clinical \
                references)",
};

impl Rule for Precaution {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        if let Some(listed) = listed_with_reasons(ctx, Risk::Precaution) {
            out.event(format!("Precautions for traction: {listed}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Warning;
    use crate::testing::*;

    #[test]
    fn fires_once_on_anticoagulant_therapy() {
        let event = with_diagnosis("Z7901");
        assert_eq!(findings_of(&event, "TR-028"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-028"),
            vec!["Precautions for traction: Z7901 (anticoagulant therapy)"]
        );
    }

    #[test]
    fn a_fracture_is_healing_only_with_7th_character_d_g_k_or_s() {
        for (code, fires) in [
            ("S32010D", true),
            ("S32010G", true),
            ("S32010K", true),
            ("S32010S", true),
            ("M4850XD", true),
            ("S32010A", false),
            ("S32010B", false),
            ("S32010", false),
        ] {
            let expected = if fires { vec![(Warning, None)] } else { vec![] };
            assert_eq!(
                findings_of(&with_diagnosis(code), "TR-028"),
                expected,
                "{code}"
            );
        }
    }

    #[test]
    fn healing_fractures_follow_the_vertebral_fracture_prefixes() {
        assert_eq!(
            messages_of(&with_diagnosis("M8088XD"), "TR-028"),
            vec!["Precautions for traction: M8088XD (healing vertebral fracture)"]
        );
        assert_eq!(
            findings_of(&with_diagnosis("S129XXS"), "TR-028"),
            vec![(Warning, None)]
        );
        assert_eq!(findings_of(&with_diagnosis("S128XXD"), "TR-028"), vec![]);
    }

    #[test]
    fn names_the_reason_group_of_each_code() {
        let mut event = clean_encounter();
        event.diagnoses.extend([
            diagnosis(2, "S32010D"),
            diagnosis(3, "M810"),
            diagnosis(4, "Z981"),
            diagnosis(5, "O99891"),
            diagnosis(6, "M4316"),
            diagnosis(7, "M357"),
            diagnosis(8, "F40240"),
            diagnosis(9, "M0500"),
        ]);
        assert_eq!(
            messages_of(&event, "TR-028"),
            vec![
                "Precautions for traction: S32010D (healing vertebral fracture), \
                 M810 (osteoporosis), Z981 (spinal surgery), O99891 (pregnancy), \
                 M4316 (spondylolysis or spondylolisthesis), M357 (hypermobility), \
                 F40240 (claustrophobia), M0500 (inflammatory spine disease, traction not cervical)"
            ]
        );
    }

    #[test]
    fn lists_each_code_once_in_diagnosis_order() {
        let mut event = clean_encounter();
        event.diagnoses = vec![
            diagnosis(1, "Z3A20"),
            diagnosis(2, "M5416"),
            diagnosis(3, "M810"),
            diagnosis(4, "Z3A20"),
        ];
        assert_eq!(
            messages_of(&event, "TR-028"),
            vec!["Precautions for traction: Z3A20 (pregnancy), M810 (osteoporosis)"]
        );
    }

    #[test]
    fn an_aortic_aneurysm_is_a_precaution_only_with_cervical_traction() {
        let event = cervical(with_diagnosis("I7100"));
        assert_eq!(findings_of(&event, "TR-028"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-028"),
            vec!["Precautions for traction: I7100 (aortic aneurysm, cervical traction)"]
        );
        assert_eq!(findings_of(&with_diagnosis("I7100"), "TR-028"), vec![]);
    }

    #[test]
    fn inflammatory_spine_disease_is_a_precaution_unless_traction_is_cervical() {
        assert_eq!(
            findings_of(&with_diagnosis("M459"), "TR-028"),
            vec![(Warning, None)]
        );
        assert_eq!(
            findings_of(&cervical(with_diagnosis("M459")), "TR-028"),
            vec![]
        );
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
            messages_of(&event, "TR-028"),
            vec![
                "Precautions for traction: M0600 (inflammatory spine disease, traction not cervical)"
            ]
        );
    }

    #[test]
    fn checks_an_event_in_scope_only_through_its_traction_record() {
        let mut event = with_diagnosis("M810");
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-028"), vec![(Warning, None)]);
    }

    #[test]
    fn does_not_fire_without_a_precaution() {
        let mut event = clean_encounter();
        event
            .diagnoses
            .extend([diagnosis(2, "S32010A"), diagnosis(3, "M8008XA")]);
        assert_eq!(findings_of(&event, "TR-028"), vec![]);
    }

    #[test]
    fn fires_as_a_warning_for_every_plan_type() {
        let event = with_diagnosis("M810");
        assert_eq!(
            findings_by_plan(&event, "TR-028"),
            only_for(&PlanType::ALL, &[(Warning, None)])
        );
    }
}
