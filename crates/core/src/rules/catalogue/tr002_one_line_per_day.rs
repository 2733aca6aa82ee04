//! TR-002: 97012 is billed once per date of service. A second 97012 line on the same date
//! bills the same untimed modality twice, so every traction line of a date but the first
//! (the lowest `line_number`; on a tie, the earlier in the array) is flagged.

use crate::rules::prelude::*;

pub struct SecondTractionLineSameDay;

static META: RuleMeta = RuleMeta {
    id: "TR-002",
    title: "More than one 97012 line on one date of service",
    remediation: "Keep one 97012 line with 1 unit for the date of service and remove the other \
                  97012 lines; several regions or sessions on one day are still one unit.",
    reference: "CPT 97012 is an untimed supervised modality: 1 unit per date of service",
};

impl Rule for SecondTractionLineSameDay {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let lines = &ctx.event.service_lines;
        for (index, line) in lines.iter().enumerate() {
            if line.procedure_code != TRACTION_CODE {
                continue;
            }
            let first = ctx.first_traction_index_on(line.date_of_service);
            if first != Some(index) {
                let kept = first.map_or(line.line_number, |i| lines[i].line_number);
                out.line(
                    line.line_number,
                    format!(
                        "97012 on line {} repeats traction already billed on line {kept} for {}; \
                         97012 is billed once per date of service",
                        line.line_number, line.date_of_service
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn fires_on_a_second_traction_line_the_same_day() {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "97012"));
        assert_eq!(findings_of(&event, "TR-002"), vec![(Error, Some(3))]);
        assert_eq!(
            messages_of(&event, "TR-002"),
            vec![
                "97012 on line 3 repeats traction already billed on line 1 for 2026-03-02; \
                 97012 is billed once per date of service"
            ]
        );
    }

    #[test]
    fn does_not_fire_on_one_traction_line() {
        assert_eq!(findings_of(&clean_encounter(), "TR-002"), vec![]);
    }

    #[test]
    fn does_not_fire_on_traction_lines_on_different_days() {
        let mut event = clean_encounter();
        let mut next_day = line(3, "97012");
        next_day.date_of_service = date(2026, 3, 3);
        event.service_lines.push(next_day);
        assert_eq!(findings_of(&event, "TR-002"), vec![]);
    }

    #[test]
    fn spares_the_lowest_line_number_even_when_it_comes_later_in_the_array() {
        let mut event = clean_encounter();
        event.service_lines[0].line_number = 5;
        event.service_lines.push(line(3, "97012"));
        event.service_lines.push(line(4, "97012"));
        assert_eq!(
            findings_of(&event, "TR-002"),
            vec![(Error, Some(4)), (Error, Some(5))]
        );
        assert_eq!(
            messages_of(&event, "TR-002")[1],
            "97012 on line 5 repeats traction already billed on line 3 for 2026-03-02; \
             97012 is billed once per date of service"
        );
    }

    #[test]
    fn on_equal_line_numbers_spares_the_earlier_line_in_the_array() {
        let mut event = clean_encounter();
        let mut duplicate = line(1, "97012");
        duplicate.modifiers = vec!["GP".into(), "KX".into()];
        event.service_lines.push(duplicate);
        // One finding on line number 1: the second line of the array, not the first.
        assert_eq!(findings_of(&event, "TR-002"), vec![(Error, Some(1))]);
    }

    #[test]
    fn groups_each_date_separately() {
        let mut event = clean_encounter();
        let mut other_day = line(3, "97012");
        other_day.date_of_service = date(2026, 3, 4);
        let mut other_day_again = line(4, "97012");
        other_day_again.date_of_service = date(2026, 3, 4);
        event
            .service_lines
            .extend([other_day, other_day_again, line(5, "97012")]);
        assert_eq!(
            findings_of(&event, "TR-002"),
            vec![(Error, Some(4)), (Error, Some(5))]
        );
    }

    #[test]
    fn ignores_other_codes_on_the_same_day() {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "S9090"));
        event.service_lines.push(line(4, "97110"));
        assert_eq!(findings_of(&event, "TR-002"), vec![]);
    }

    #[test]
    fn fires_for_every_plan_type() {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "97012"));
        assert_eq!(
            findings_by_plan(&event, "TR-002"),
            only_for(&PlanType::ALL, &[(Error, Some(3))])
        );
    }
}
