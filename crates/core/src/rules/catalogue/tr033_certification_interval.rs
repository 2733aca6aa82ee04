//! TR-033: a Medicare certification interval lasts at most the pack's
//! `max_certification_days` (90) days; a certified plan whose `certified_through` lies
//! further from its `start_date` needs a recertification. Once per event. A plan without a
//! `certified_through` is read as the maximum interval (TR-032), so it never fires here.

use crate::rules::prelude::*;

pub struct CertificationTooLong;

static META: RuleMeta = RuleMeta {
    id: "TR-033",
    title: "Certification interval longer than 90 days",
    remediation: "Correct the certified-through date to at most 90 days after the plan's start \
                  date, and obtain a recertification of the plan of care for the dates after \
                  it.",
    reference: "Medicare Benefit Policy Manual ch. 15 §220.1.3: a certification interval is at \
                most 90 days",
};

impl Rule for CertificationTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(plan) = ctx.certified_plan() else {
            return;
        };
        let Some(through) = plan.certified_through else {
            return;
        };
        let max_days = ctx.pack.thresholds.max_certification_days;
        let days = through.days_since(plan.start_date);
        if days > max_days {
            out.event(format!(
                "The plan of care starting {} is certified through {through}, {days} days after \
                 its start; a certification may end at most {max_days} days after the start",
                plan.start_date
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Error;
    use crate::domain::{Date, Encounter, PlanType};
    use crate::testing::*;

    /// The clean encounter with a plan starting 2026-02-16 and the given end.
    fn certified_through(through: Option<Date>) -> Encounter {
        let mut event = clean_encounter();
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.start_date = date(2026, 2, 16);
            plan.certified_through = through;
        }
        event
    }

    #[test]
    fn fires_once_at_91_days() {
        let event = certified_through(Some(date(2026, 5, 18)));
        assert_eq!(findings_of(&event, "TR-033"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-033"),
            vec![
                "The plan of care starting 2026-02-16 is certified through 2026-05-18, 91 days after its start; a certification may end at most 90 days after the start"
            ]
        );
    }

    #[test]
    fn does_not_fire_at_exactly_90_days() {
        let event = certified_through(Some(date(2026, 5, 17)));
        assert_eq!(findings_of(&event, "TR-033"), vec![]);
    }

    #[test]
    fn does_not_fire_without_a_certified_through_date() {
        assert_eq!(findings_of(&certified_through(None), "TR-033"), vec![]);
    }

    #[test]
    fn does_not_fire_for_a_plan_that_is_not_certified() {
        let mut event = certified_through(Some(date(2026, 12, 31)));
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certified = false;
        }
        assert_eq!(findings_of(&event, "TR-033"), vec![]);
    }

    #[test]
    fn fires_on_an_event_in_scope_only_through_the_traction_record() {
        let mut event = certified_through(Some(date(2026, 12, 31)));
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-033"), vec![(Error, None)]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        let event = certified_through(Some(date(2026, 5, 18)));
        assert_eq!(
            findings_by_plan(&event, "TR-033"),
            only_for(&[PlanType::MedicarePartB], &[(Error, None)])
        );
    }
}
