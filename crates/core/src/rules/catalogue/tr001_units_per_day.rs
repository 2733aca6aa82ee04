//! TR-001: 97012 is untimed — one unit per date of service, whatever the minutes or the
//! number of regions treated. Recovery auditors target traction billed with more units.

use crate::rules::prelude::*;

pub struct MoreThanOneUnit;

static META: RuleMeta = RuleMeta {
    id: "TR-001",
    title: "More than one unit of 97012",
    remediation: "Bill 97012 with 1 unit for the date of service; traction minutes do not add \
                  units, and treating several regions is still one unit.",
    reference: "CPT 97012 is an untimed supervised modality (1 unit per DOS); CMS RAC \
                untimed-codes-billed-in-units issue",
};

impl Rule for MoreThanOneUnit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.traction_lines().filter(|line| line.units > 1) {
            out.line(
                line.line_number,
                format!(
                    "97012 billed with {} units on {}; it is untimed and allows 1 unit per date of service",
                    line.units, line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn fires_on_a_traction_line_with_two_units() {
        let mut event = clean_encounter();
        event.service_lines[0].units = 2;
        assert_eq!(findings_of(&event, "TR-001"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-001"),
            vec![
                "97012 billed with 2 units on 2026-03-02; it is untimed and allows 1 unit per date of service"
            ]
        );
    }

    #[test]
    fn does_not_fire_on_one_unit() {
        assert_eq!(findings_of(&clean_encounter(), "TR-001"), vec![]);
    }

    #[test]
    fn ignores_units_on_other_codes() {
        let mut event = clean_encounter();
        event.service_lines[1].units = 4;
        event.service_lines[1].minutes = Some(60);
        assert_eq!(findings_of(&event, "TR-001"), vec![]);
    }

    #[test]
    fn fires_once_per_offending_line_for_every_plan_type() {
        let mut event = clean_encounter();
        event.service_lines[0].units = 3;
        let mut second = line(3, "97012");
        second.units = 2;
        second.date_of_service = date(2026, 3, 4);
        event.service_lines.push(second);
        for plan in crate::domain::PlanType::ALL {
            let event = with_plan(event.clone(), plan);
            assert_eq!(
                findings_of(&event, "TR-001"),
                vec![(Error, Some(1)), (Error, Some(3))]
            );
        }
    }
}
