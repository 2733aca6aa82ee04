//! TR-011: the therapy modifier follows the plan of care, and a physical therapist's (or
//! PT assistant's) traction is under a PT plan: a traction line from them that carries GO
//! or GN but not GP is likely mis-coded. A warning, since the plan of care is not on the
//! event.

use crate::rules::prelude::*;

pub struct DisciplineModifier;

static META: RuleMeta = RuleMeta {
    id: "TR-011",
    title: "PT discipline with GO/GN instead of GP",
    remediation: "Use GP on 97012 furnished by a physical therapist or PT assistant under a \
                  physical therapy plan of care; keep GO or GN only if the plan of care really \
                  is occupational or speech-language therapy.",
    reference: "The discipline modifier follows the plan of care (CMS always-therapy \
                modifiers GP/GO/GN)",
};

impl Rule for DisciplineModifier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let provider = match ctx.event.rendering_provider.discipline {
            Discipline::PhysicalTherapist => "a physical therapist",
            Discipline::PhysicalTherapistAssistant => "a physical therapist assistant",
            _ => return,
        };
        for line in ctx.traction_lines() {
            if line.has_modifier("GP") {
                continue;
            }
            let other = match (line.has_modifier("GO"), line.has_modifier("GN")) {
                (true, true) => "GO and GN",
                (true, false) => "GO",
                (false, true) => "GN",
                (false, false) => continue,
            };
            out.line(
                line.line_number,
                format!(
                    "97012 on {} carries {other} instead of GP although the rendering provider \
                     is {provider}",
                    line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{Discipline, PlanType};
    use crate::testing::*;

    #[test]
    fn fires_on_a_physical_therapist_billing_go() {
        let event = with_modifiers(&["GO"]);
        assert_eq!(findings_of(&event, "TR-011"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-011"),
            vec![
                "97012 on 2026-03-02 carries GO instead of GP although the rendering provider \
                 is a physical therapist"
            ]
        );
    }

    #[test]
    fn fires_on_a_pt_assistant_billing_gn() {
        let mut event = with_modifiers(&["GN", "CQ"]);
        event.rendering_provider.discipline = Discipline::PhysicalTherapistAssistant;
        assert_eq!(findings_of(&event, "TR-011"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-011"),
            vec![
                "97012 on 2026-03-02 carries GN instead of GP although the rendering provider \
                 is a physical therapist assistant"
            ]
        );
    }

    #[test]
    fn does_not_fire_when_gp_is_also_present() {
        // The conflict itself is TR-010's.
        assert_eq!(
            findings_of(&with_modifiers(&["GO", "GP"]), "TR-011"),
            vec![]
        );
    }

    #[test]
    fn does_not_fire_without_go_or_gn() {
        assert_eq!(findings_of(&with_modifiers(&[]), "TR-011"), vec![]);
        assert_eq!(findings_of(&clean_encounter(), "TR-011"), vec![]);
    }

    #[test]
    fn does_not_fire_for_other_disciplines() {
        for discipline in [
            Discipline::OccupationalTherapist,
            Discipline::Chiropractor,
            Discipline::Physician,
            Discipline::Other,
        ] {
            let mut event = with_modifiers(&["GO"]);
            event.rendering_provider.discipline = discipline;
            assert_eq!(findings_of(&event, "TR-011"), vec![], "{discipline:?}");
        }
    }

    #[test]
    fn fires_once_per_offending_traction_line_for_every_plan_type() {
        let mut event = with_modifiers(&["GO"]);
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 4),
            modifiers: vec!["GO".into(), "GN".into()],
            ..line(3, "97012")
        });
        assert_eq!(
            findings_by_plan(&event, "TR-011"),
            only_for(&PlanType::ALL, &[(Warning, Some(1)), (Warning, Some(3))])
        );
    }
}
