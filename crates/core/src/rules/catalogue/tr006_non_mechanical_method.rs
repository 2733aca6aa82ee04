//! TR-006: 97012 is mechanical traction. Positional traction, intersegmental (roller)
//! tables, flexion-distraction, inversion and home units are other services, and payers
//! deny them as 97012. Manual traction (TR-005) and decompression devices (TR-007) have
//! their own rules.

use crate::rules::prelude::*;

pub struct NonMechanicalMethod;

static META: RuleMeta = RuleMeta {
    id: "TR-006",
    title: "Traction method that is not 97012",
    remediation: "Do not bill 97012 for this method: remove the line, or bill the service the \
                  method belongs to (e.g. the manipulation or exercise code actually \
                  performed); bill 97012 only for traction by a mechanical device under \
                  supervision.",
    reference: "Aetna CPB 0569 (mechanical traction); ChiroCode on intersegmental tables and \
                flexion-distraction",
};

impl Rule for NonMechanicalMethod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(method) = ctx
            .event
            .traction
            .as_ref()
            .and_then(|traction| non_mechanical_name(traction.method))
        else {
            return;
        };
        for line in ctx.traction_lines() {
            out.line(
                line.line_number,
                format!(
                    "97012 billed on {} for traction documented as {method}, which is not \
                     mechanical traction",
                    line.date_of_service
                ),
            );
        }
    }
}

/// A readable name of each method this rule is about; `None` for the others.
fn non_mechanical_name(method: TractionMethod) -> Option<&'static str> {
    match method {
        TractionMethod::Positional => Some("positional traction"),
        TractionMethod::IntersegmentalTable => Some("an intersegmental (roller) table"),
        TractionMethod::FlexionDistraction => Some("flexion-distraction"),
        TractionMethod::Inversion => Some("inversion traction"),
        TractionMethod::HomeUnit => Some("a home traction unit"),
        TractionMethod::Mechanical
        | TractionMethod::Manual
        | TractionMethod::DecompressionDevice => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Error;
    use crate::domain::{PlanType, TractionMethod};
    use crate::testing::*;

    #[test]
    fn fires_on_the_traction_line_for_an_inversion_table() {
        let event = with_method(TractionMethod::Inversion);
        assert_eq!(findings_of(&event, "TR-006"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-006"),
            vec![
                "97012 billed on 2026-03-02 for traction documented as inversion traction, \
                 which is not mechanical traction"
            ]
        );
    }

    #[test]
    fn fires_for_each_non_mechanical_method() {
        for method in [
            TractionMethod::Positional,
            TractionMethod::IntersegmentalTable,
            TractionMethod::FlexionDistraction,
            TractionMethod::Inversion,
            TractionMethod::HomeUnit,
        ] {
            let event = with_method(method);
            assert_eq!(
                findings_of(&event, "TR-006"),
                vec![(Error, Some(1))],
                "{method:?}"
            );
        }
    }

    #[test]
    fn leaves_mechanical_manual_and_decompression_to_other_rules() {
        for method in [
            TractionMethod::Mechanical,
            TractionMethod::Manual,
            TractionMethod::DecompressionDevice,
        ] {
            assert_eq!(
                findings_of(&with_method(method), "TR-006"),
                vec![],
                "{method:?}"
            );
        }
    }

    #[test]
    fn does_not_fire_without_a_traction_line() {
        let mut event = with_method(TractionMethod::HomeUnit);
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-006"), vec![]);
    }

    #[test]
    fn fires_on_each_traction_line_for_every_plan_type() {
        let mut event = with_method(TractionMethod::FlexionDistraction);
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 4),
            ..line(3, "97012")
        });
        assert_eq!(
            findings_by_plan(&event, "TR-006"),
            only_for(&PlanType::ALL, &[(Error, Some(1)), (Error, Some(3))])
        );
    }
}
