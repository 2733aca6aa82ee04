//! TR-032: a certified plan of care covers only the dates of its certification interval,
//! from `start_date` through `certified_through`; a plan without a `certified_through`
//! covers at most the pack's `max_certification_days` (90) days from its start. Each 97012
//! line dated outside the interval fails. Plans that are absent or not certified are
//! TR-031's concern, and an interval that is too long is TR-033's.

use crate::rules::prelude::*;

pub struct OutsideCertification;

static META: RuleMeta = RuleMeta {
    id: "TR-032",
    title: "Date of service outside the certified plan",
    remediation: "Obtain a recertification (or the initial certification) of the plan of care \
                  that covers the date of service, record its dates on the claim, or correct \
                  the date of service if it was entered wrongly.",
    reference: "Medicare Benefit Policy Manual ch. 15 §220.1.3 (certification and \
                recertification intervals)",
};

impl Rule for OutsideCertification {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(plan) = ctx.certified_plan() else {
            return;
        };
        let max_days = ctx.pack.thresholds.max_certification_days;
        let end = plan
            .certified_through
            .unwrap_or_else(|| plan.start_date.plus_days(max_days));
        for line in ctx.traction_lines() {
            let dos = line.date_of_service;
            if dos < plan.start_date {
                out.line(
                    line.line_number,
                    format!(
                        "97012 on {dos} falls before the certified plan of care starts on {}",
                        plan.start_date
                    ),
                );
            } else if dos > end {
                let message = match plan.certified_through {
                    Some(_) => {
                        format!(
                            "97012 on {dos} falls after the certified plan of care ends on {end}"
                        )
                    }
                    None => format!(
                        "97012 on {dos} falls after the certified plan of care ends on {end} \
                         ({max_days} days from its start on {}, as no certified-through date is \
                         given)",
                        plan.start_date
                    ),
                };
                out.line(line.line_number, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Error;
    use crate::domain::{Date, Encounter, PlanType};
    use crate::testing::*;

    /// The clean encounter (DOS 2026-03-02) with the plan's interval changed.
    fn certified(start: Date, through: Option<Date>) -> Encounter {
        let mut event = clean_encounter();
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.start_date = start;
            plan.certified_through = through;
        }
        event
    }

    #[test]
    fn fires_when_the_dos_is_the_day_before_the_start() {
        let event = certified(date(2026, 3, 3), Some(date(2026, 5, 15)));
        assert_eq!(findings_of(&event, "TR-032"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-032"),
            vec![
                "97012 on 2026-03-02 falls before the certified plan of care starts on 2026-03-03"
            ]
        );
    }

    #[test]
    fn does_not_fire_on_the_start_date_itself() {
        let event = certified(dos(), Some(date(2026, 5, 15)));
        assert_eq!(findings_of(&event, "TR-032"), vec![]);
    }

    #[test]
    fn fires_the_day_after_certified_through() {
        let event = certified(date(2026, 2, 16), Some(date(2026, 3, 1)));
        assert_eq!(findings_of(&event, "TR-032"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-032"),
            vec!["97012 on 2026-03-02 falls after the certified plan of care ends on 2026-03-01"]
        );
    }

    #[test]
    fn does_not_fire_on_the_certified_through_date_itself() {
        let event = certified(date(2026, 2, 16), Some(dos()));
        assert_eq!(findings_of(&event, "TR-032"), vec![]);
    }

    #[test]
    fn without_certified_through_covers_start_plus_90_days() {
        // 2025-12-02 + 90 days = 2026-03-02, the DOS.
        let event = certified(date(2025, 12, 2), None);
        assert_eq!(findings_of(&event, "TR-032"), vec![]);
    }

    #[test]
    fn without_certified_through_fires_on_start_plus_91_days() {
        let event = certified(date(2025, 12, 1), None);
        assert_eq!(findings_of(&event, "TR-032"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-032"),
            vec![
                "97012 on 2026-03-02 falls after the certified plan of care ends on 2026-03-01 (90 days from its start on 2025-12-01, as no certified-through date is given)"
            ]
        );
    }

    #[test]
    fn an_explicit_certified_through_overrides_the_90_day_default() {
        // Too long an interval is TR-033's finding, not this rule's.
        let event = certified(date(2025, 12, 1), Some(date(2026, 3, 2)));
        assert_eq!(findings_of(&event, "TR-032"), vec![]);
    }

    #[test]
    fn does_not_fire_for_a_plan_that_is_not_certified_or_absent() {
        let mut uncertified = certified(date(2026, 3, 3), Some(date(2026, 5, 15)));
        if let Some(plan) = uncertified.plan_of_care.as_mut() {
            plan.certified = false;
        }
        assert_eq!(findings_of(&uncertified, "TR-032"), vec![]);
        let mut absent = clean_encounter();
        absent.plan_of_care = None;
        assert_eq!(findings_of(&absent, "TR-032"), vec![]);
    }

    #[test]
    fn fires_once_per_traction_line_outside_the_interval() {
        let mut event = certified(date(2026, 3, 2), Some(date(2026, 3, 4)));
        for (number, day) in [(3, 1), (4, 4), (5, 5)] {
            let mut traction = line(number, "97012");
            traction.date_of_service = date(2026, 3, day);
            event.service_lines.push(traction);
        }
        assert_eq!(
            findings_of(&event, "TR-032"),
            vec![(Error, Some(3)), (Error, Some(5))]
        );
    }

    #[test]
    fn ignores_other_codes_outside_the_interval() {
        let mut event = clean_encounter();
        event.service_lines[1].date_of_service = date(2026, 6, 1);
        assert_eq!(findings_of(&event, "TR-032"), vec![]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        let event = certified(date(2026, 3, 3), Some(date(2026, 5, 15)));
        assert_eq!(
            findings_by_plan(&event, "TR-032"),
            only_for(&[PlanType::MedicarePartB], &[(Error, Some(1))])
        );
    }
}
