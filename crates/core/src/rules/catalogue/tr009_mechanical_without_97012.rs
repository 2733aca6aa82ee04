//! TR-009: the documentation says mechanical traction, yet no 97012 line is billed and a
//! 97140 (manual therapy) line is: mechanical traction has been folded into manual therapy,
//! which it is not. One event warning, since the claim may also simply omit the traction.

use crate::rules::prelude::*;

pub struct MechanicalWithoutTractionLine;

static META: RuleMeta = RuleMeta {
    id: "TR-009",
    title: "Mechanical traction documented, only 97140 billed",
    remediation: "Bill the mechanical traction as 97012 (1 unit, GP) and keep 97140 only for \
                  hands-on manual therapy with its own minutes; if the traction was manual, \
                  correct the documented method.",
    reference: "Mechanical traction is 97012, not manual therapy (CPT 97140)",
};

impl Rule for MechanicalWithoutTractionLine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let mechanical = ctx
            .event
            .traction
            .as_ref()
            .is_some_and(|traction| traction.method == TractionMethod::Mechanical);
        if !mechanical || ctx.has_traction_line() {
            return;
        }
        let Some(first) = ctx.lines_with_code(MANUAL_THERAPY_CODE).next() else {
            return;
        };
        let count = ctx.lines_with_code(MANUAL_THERAPY_CODE).count();
        let others = match count {
            1 => String::new(),
            2 => " and 1 other 97140 line".to_owned(),
            n => format!(" and {} other 97140 lines", n - 1),
        };
        out.event(format!(
            "Mechanical traction is documented but no 97012 line is billed, only 97140 (line {} \
             on {}{others}); mechanical traction is not manual therapy",
            first.line_number, first.date_of_service
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{PlanType, ServiceLine, TractionMethod};
    use crate::testing::*;

    /// Mechanical traction documented, but its 97012 line replaced by 97140.
    fn billed_as_manual_therapy() -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.service_lines[0] = ServiceLine {
            minutes: Some(15),
            ..line(1, "97140")
        };
        event
    }

    #[test]
    fn fires_once_when_mechanical_traction_is_billed_as_97140() {
        let event = billed_as_manual_therapy();
        assert_eq!(findings_of(&event, "TR-009"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-009"),
            vec![
                "Mechanical traction is documented but no 97012 line is billed, only 97140 \
                 (line 1 on 2026-03-02); mechanical traction is not manual therapy"
            ]
        );
    }

    #[test]
    fn counts_further_97140_lines_in_one_finding() {
        let mut event = billed_as_manual_therapy();
        event.service_lines.push(ServiceLine {
            minutes: Some(10),
            ..line(3, "97140")
        });
        assert_eq!(findings_of(&event, "TR-009"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-009"),
            vec![
                "Mechanical traction is documented but no 97012 line is billed, only 97140 \
                 (line 1 on 2026-03-02 and 1 other 97140 line); mechanical traction is not \
                 manual therapy"
            ]
        );
    }

    #[test]
    fn does_not_fire_when_97012_is_billed() {
        let mut event = clean_encounter();
        event.service_lines.push(ServiceLine {
            minutes: Some(10),
            ..line(3, "97140")
        });
        assert_eq!(findings_of(&event, "TR-009"), vec![]);
    }

    #[test]
    fn does_not_fire_without_a_97140_line() {
        let mut event = clean_encounter();
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-009"), vec![]);
    }

    #[test]
    fn does_not_fire_when_the_traction_was_not_mechanical() {
        let mut event = billed_as_manual_therapy();
        if let Some(traction) = event.traction.as_mut() {
            traction.method = TractionMethod::Manual;
        }
        assert_eq!(findings_of(&event, "TR-009"), vec![]);
    }

    #[test]
    fn fires_for_every_plan_type() {
        assert_eq!(
            findings_by_plan(&billed_as_manual_therapy(), "TR-009"),
            only_for(&PlanType::ALL, &[(Warning, None)])
        );
    }
}
