//! TR-038: traction is an adjunct to active care; a date of service billing 97012 without
//! any active procedure (list A: the timed codes, group therapy, evaluations) invites a
//! medical-necessity denial. One finding per such date, on that date's traction line with
//! the lowest `line_number` (ties: the earlier in the array).

use crate::rules::prelude::*;

pub struct NoActiveProcedure;

static META: RuleMeta = RuleMeta {
    id: "TR-038",
    title: "Traction without active care on the day",
    remediation: "Bill the active treatment given that day (therapeutic exercise, manual \
                  therapy, neuromuscular re-education or an evaluation) if it is missing from \
                  the claim; otherwise document why traction alone was medically necessary.",
    reference: "Payer traction policies: traction is covered as an adjunct to an active \
                treatment program",
};

impl Rule for NoActiveProcedure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        // A claim has a handful of lines (at most 50): scanning them again per traction line
        // is cheaper than building a per-date map on every call.
        let lines = &ctx.event.service_lines;
        for (index, traction) in lines.iter().enumerate() {
            if traction.procedure_code != TRACTION_CODE {
                continue;
            }
            let day = traction.date_of_service;
            if ctx.first_traction_index_on(day) != Some(index) {
                continue;
            }
            let active_that_day = lines.iter().any(|other| {
                other.date_of_service == day && ctx.pack.procedures.is_active(&other.procedure_code)
            });
            if !active_that_day {
                out.line(
                    traction.line_number,
                    format!(
                        "97012 on {day} is billed without any active procedure (such as \
                         therapeutic exercise, manual therapy or an evaluation) on the same date"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{Encounter, PlanType, ServiceLine};
    use crate::testing::*;

    /// The clean encounter with its 97110 line replaced by a line of `code`.
    fn with_second_line(code: &str) -> Encounter {
        let mut event = clean_encounter();
        event.service_lines[1] = line(2, code);
        event
    }

    fn on(day: u32, service: ServiceLine) -> ServiceLine {
        ServiceLine {
            date_of_service: date(2026, 3, day),
            ..service
        }
    }

    #[test]
    fn fires_on_the_traction_line_when_only_a_hot_pack_accompanies_it() {
        let event = with_second_line("97010");
        assert_eq!(findings_of(&event, "TR-038"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-038"),
            vec![
                "97012 on 2026-03-02 is billed without any active procedure (such as therapeutic exercise, manual therapy or an evaluation) on the same date"
            ]
        );
    }

    #[test]
    fn fires_when_traction_is_the_only_line() {
        let mut event = clean_encounter();
        event.service_lines.truncate(1);
        assert_eq!(findings_of(&event, "TR-038"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn does_not_fire_with_a_timed_code_on_the_same_day() {
        assert_eq!(findings_of(&clean_encounter(), "TR-038"), vec![]);
        let mut manual = with_second_line("97140");
        manual.service_lines[1].minutes = Some(15);
        assert_eq!(findings_of(&manual, "TR-038"), vec![]);
    }

    #[test]
    fn does_not_fire_with_an_active_untimed_code_on_the_same_day() {
        for code in ["97150", "97161", "97162", "97163", "97164"] {
            assert_eq!(
                findings_of(&with_second_line(code), "TR-038"),
                vec![],
                "{code}"
            );
        }
    }

    #[test]
    fn an_active_procedure_on_another_day_does_not_count() {
        let mut event = clean_encounter();
        event.service_lines[1].date_of_service = date(2026, 3, 3);
        assert_eq!(findings_of(&event, "TR-038"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn fires_once_per_day_on_the_lowest_line_number_of_that_day() {
        let mut event = clean_encounter();
        event.service_lines.extend([
            on(4, line(6, "97012")),
            on(4, line(4, "97012")),
            on(4, line(5, "97010")),
            on(6, line(3, "97012")),
        ]);
        assert_eq!(
            findings_of(&event, "TR-038"),
            vec![(Warning, Some(3)), (Warning, Some(4))]
        );
        assert_eq!(
            messages_of(&event, "TR-038"),
            vec![
                "97012 on 2026-03-06 is billed without any active procedure (such as therapeutic exercise, manual therapy or an evaluation) on the same date",
                "97012 on 2026-03-04 is billed without any active procedure (such as therapeutic exercise, manual therapy or an evaluation) on the same date",
            ]
        );
    }

    #[test]
    fn fires_once_when_two_traction_lines_of_a_day_share_a_line_number() {
        let mut event = clean_encounter();
        event
            .service_lines
            .extend([on(4, line(3, "97012")), on(4, line(3, "97012"))]);
        assert_eq!(findings_of(&event, "TR-038"), vec![(Warning, Some(3))]);
    }

    #[test]
    fn does_not_fire_without_a_traction_line() {
        let mut event = with_second_line("97010");
        event.service_lines[0].procedure_code = "S9090".into();
        let event = with_plan(event, PlanType::Commercial);
        assert_eq!(findings_of(&event, "TR-038"), vec![]);
    }

    #[test]
    fn fires_as_a_warning_for_every_plan_type() {
        assert_eq!(
            findings_by_plan(&with_second_line("97010"), "TR-038"),
            only_for(&PlanType::ALL, &[(Warning, Some(1))])
        );
    }
}
