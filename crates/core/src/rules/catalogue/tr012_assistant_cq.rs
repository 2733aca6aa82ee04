//! TR-012: Medicare pays a service furnished in whole or in part by a PT assistant at 85%
//! and requires the CQ modifier to say so. When the rendering provider is a PT assistant,
//! or the traction record says an assistant gave the traction, each traction line needs
//! CQ. Medicare Part B and Medicare Advantage only; ERROR for Part B, WARNING for MA (pack).

use crate::rules::prelude::*;

pub struct AssistantWithoutCq;

static META: RuleMeta = RuleMeta {
    id: "TR-012",
    title: "Assistant-furnished traction without CQ",
    remediation: "Add CQ (with GP) to the 97012 line when a physical therapist assistant \
                  furnished the traction in whole or in part; if the therapist furnished it \
                  alone, correct the documentation.",
    reference: "CMS CQ/CO modifier billing examples (PTA services paid at 85%, Bipartisan \
                Budget Act 2018 §53107)",
};

impl Rule for AssistantWithoutCq {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let by_assistant =
            if ctx.event.rendering_provider.discipline == Discipline::PhysicalTherapistAssistant {
                "the rendering provider is a physical therapist assistant"
            } else if ctx
                .event
                .traction
                .as_ref()
                .is_some_and(|traction| traction.performed_by == Some(PerformedBy::Assistant))
            {
                "the traction is documented as performed by an assistant"
            } else {
                return;
            };
        for line in ctx.traction_lines().filter(|line| !line.has_modifier("CQ")) {
            out.line(
                line.line_number,
                format!(
                    "97012 on {} lacks CQ although {by_assistant}",
                    line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::{Error, Warning};
    use crate::domain::{Discipline, PerformedBy, PlanType};
    use crate::testing::*;

    fn rendered_by_assistant() -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.rendering_provider.discipline = Discipline::PhysicalTherapistAssistant;
        event
    }

    fn performed_by_assistant() -> crate::domain::Encounter {
        let mut event = clean_encounter();
        if let Some(traction) = event.traction.as_mut() {
            traction.performed_by = Some(PerformedBy::Assistant);
        }
        event
    }

    #[test]
    fn fires_when_a_pt_assistant_renders_traction_without_cq() {
        let event = rendered_by_assistant();
        assert_eq!(findings_of(&event, "TR-012"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-012"),
            vec![
                "97012 on 2026-03-02 lacks CQ although the rendering provider is a physical \
                 therapist assistant"
            ]
        );
    }

    #[test]
    fn fires_when_the_record_says_an_assistant_performed_the_traction() {
        let event = performed_by_assistant();
        assert_eq!(findings_of(&event, "TR-012"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-012"),
            vec![
                "97012 on 2026-03-02 lacks CQ although the traction is documented as performed \
                 by an assistant"
            ]
        );
    }

    #[test]
    fn does_not_fire_when_cq_is_present() {
        let mut event = rendered_by_assistant();
        event.service_lines[0].modifiers.push("CQ".into());
        assert_eq!(findings_of(&event, "TR-012"), vec![]);
        let mut event = performed_by_assistant();
        event.service_lines[0].modifiers.push("CQ".into());
        assert_eq!(findings_of(&event, "TR-012"), vec![]);
    }

    #[test]
    fn does_not_fire_for_a_therapist_or_an_aide() {
        assert_eq!(findings_of(&clean_encounter(), "TR-012"), vec![]);
        let mut event = clean_encounter();
        if let Some(traction) = event.traction.as_mut() {
            traction.performed_by = Some(PerformedBy::Aide);
        }
        assert_eq!(findings_of(&event, "TR-012"), vec![]);
    }

    #[test]
    fn fires_only_on_traction_lines_lacking_cq() {
        let mut event = rendered_by_assistant();
        event.service_lines[1].modifiers.push("CQ".into());
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 4),
            modifiers: vec!["GP".into(), "CQ".into()],
            ..line(3, "97012")
        });
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 5),
            ..line(4, "97012")
        });
        assert_eq!(
            findings_of(&event, "TR-012"),
            vec![(Error, Some(1)), (Error, Some(4))]
        );
    }

    #[test]
    fn is_an_error_for_part_b_a_warning_for_advantage_and_off_elsewhere() {
        for plan in PlanType::ALL {
            let expected = match plan {
                PlanType::MedicarePartB => vec![(Error, Some(1))],
                PlanType::MedicareAdvantage => vec![(Warning, Some(1))],
                _ => vec![],
            };
            let event = with_plan(performed_by_assistant(), plan);
            assert_eq!(findings_of(&event, "TR-012"), expected, "{plan:?}");
        }
    }
}
