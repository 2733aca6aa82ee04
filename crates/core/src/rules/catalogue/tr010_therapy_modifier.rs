//! TR-010: 97012 is on CMS's "always therapy" list, so each traction line carries exactly
//! one therapy discipline modifier: GP (physical therapy), GO (occupational) or GN
//! (speech-language). None, or more than one, is a claim the payer cannot route. The pack
//! makes it an ERROR for Medicare, Medicaid and commercial plans, a WARNING otherwise.

use crate::rules::prelude::*;

pub struct TherapyModifier;

static META: RuleMeta = RuleMeta {
    id: "TR-010",
    title: "Missing or conflicting GP/GO/GN",
    remediation: "Put exactly one therapy modifier on the 97012 line: GP when the traction is \
                  under a physical therapy plan of care (GO occupational, GN speech-language).",
    reference: "CMS always-therapy code list, MLN Matters MM10176; UnitedHealthcare therapy \
                modifier policy",
};

/// The therapy discipline modifiers.
const THERAPY_MODIFIERS: [&str; 3] = ["GP", "GO", "GN"];

impl Rule for TherapyModifier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.traction_lines() {
            // Distinct modifiers: GP repeated is still one discipline.
            let carried = THERAPY_MODIFIERS
                .iter()
                .filter(|modifier| line.has_modifier(modifier))
                .count();
            if carried == 1 {
                continue;
            }
            let problem = if carried == 0 {
                "has no therapy modifier".to_owned()
            } else {
                let present: Vec<&str> = THERAPY_MODIFIERS
                    .into_iter()
                    .filter(|modifier| line.has_modifier(modifier))
                    .collect();
                format!("carries {}", present.join(" and "))
            };
            out.line(
                line.line_number,
                format!(
                    "97012 on {} {problem}; an always-therapy code takes exactly one of GP, GO \
                     or GN",
                    line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::{Error, Warning};
    use crate::testing::*;

    #[test]
    fn fires_on_a_traction_line_without_a_therapy_modifier() {
        let event = with_modifiers(&["KX"]);
        assert_eq!(findings_of(&event, "TR-010"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-010"),
            vec![
                "97012 on 2026-03-02 has no therapy modifier; an always-therapy code takes \
                 exactly one of GP, GO or GN"
            ]
        );
    }

    #[test]
    fn fires_on_a_traction_line_with_two_therapy_modifiers() {
        let event = with_modifiers(&["GP", "GO"]);
        assert_eq!(findings_of(&event, "TR-010"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-010"),
            vec![
                "97012 on 2026-03-02 carries GP and GO; an always-therapy code takes exactly \
                 one of GP, GO or GN"
            ]
        );
        let event = with_modifiers(&["GP", "GO", "GN"]);
        assert_eq!(findings_of(&event, "TR-010"), vec![(Error, Some(1))]);
    }

    #[test]
    fn does_not_fire_on_exactly_one_therapy_modifier() {
        for modifier in ["GP", "GO", "GN"] {
            let event = with_modifiers(&[modifier, "KX"]);
            assert_eq!(findings_of(&event, "TR-010"), vec![], "{modifier}");
        }
        assert_eq!(
            findings_of(&with_modifiers(&["GP", "GP"]), "TR-010"),
            vec![]
        );
    }

    #[test]
    fn ignores_lines_other_than_97012() {
        let mut event = clean_encounter();
        event.service_lines[1].modifiers.clear();
        assert_eq!(findings_of(&event, "TR-010"), vec![]);
    }

    #[test]
    fn fires_once_per_offending_traction_line() {
        let mut event = with_modifiers(&[]);
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 4),
            ..line(3, "97012")
        });
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 5),
            modifiers: vec!["GN".into(), "GO".into()],
            ..line(4, "97012")
        });
        assert_eq!(
            findings_of(&event, "TR-010"),
            vec![(Error, Some(1)), (Error, Some(4))]
        );
    }

    #[test]
    fn is_an_error_for_medicare_medicaid_and_commercial_and_a_warning_otherwise() {
        for plan in PlanType::ALL {
            let severity = match plan {
                PlanType::MedicarePartB
                | PlanType::MedicareAdvantage
                | PlanType::Medicaid
                | PlanType::Commercial => Error,
                PlanType::WorkersComp | PlanType::Auto | PlanType::Other => Warning,
            };
            let event = with_plan(with_modifiers(&[]), plan);
            assert_eq!(
                findings_of(&event, "TR-010"),
                vec![(severity, Some(1))],
                "{plan:?}"
            );
        }
    }
}
