//! TR-054: traction nearly every day for a month. The distinct dates of service with 97012
//! in the 30 days ending on this event's latest traction DOS, on this event and the
//! patient's prior claims, above a limit. No payer publishes a 97012 visit limit, so the
//! limit is the pack's `max_traction_days_per_30_days`, which a payer profile may set.

use crate::rules::prelude::*;
use crate::rules::prior::{DaySet, latest_traction_day};

pub struct TractionFrequency;

static META: RuleMeta = RuleMeta {
    id: "TR-054",
    title: "97012 on more days in 30 than the payer's limit",
    remediation: "Check that the plan of care orders traction this often and that the notes \
                  show the patient still benefits; otherwise taper or stop the traction.",
    reference: "No payer publishes a 97012 visit limit: the limit is a payer-profile setting \
                of the rule pack",
};

/// The window: the latest traction DOS and the 29 days before it.
const WINDOW_DAYS: i64 = 30;

impl Rule for TractionFrequency {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn uses_history(&self) -> bool {
        true
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(last) = latest_traction_day(ctx) else {
            return;
        };
        let first = last.plus_days(1 - WINDOW_DAYS);
        let mut days = DaySet::new(WINDOW_DAYS - 1);
        ctx.traction_lines()
            .for_each(|line| days.insert(line.date_of_service.days_since(first)));
        for claim in ctx.history().iter() {
            let traction = claim.lines().filter(|line| line.has_code(TRACTION_CODE));
            traction.for_each(|line| days.insert(line.days_since(first)));
        }
        let limit = ctx
            .pack
            .max_traction_days_per_30_days(&ctx.event.payer.payer_id);
        let count = days.count();
        if count > usize::try_from(limit).unwrap_or(0) {
            out.event(format!(
                "97012 is billed on {count} days from {first} to {last}, more than the limit \
                 of {limit} days in 30"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{Date, Encounter, PlanType};
    use crate::testing::*;

    /// One prior traction claim on each of `days`.
    fn traction_on(days: impl IntoIterator<Item = Date>) -> Vec<Encounter> {
        days.into_iter()
            .map(|day| {
                let mut claim = other_claim(&format!("CLM-{day}"));
                claim.service_lines.truncate(1);
                claim.service_lines[0].date_of_service = day;
                claim.rendering_provider.npi = REFERRING_NPI.into();
                claim
            })
            .collect()
    }

    /// `count` days ending the day before the clean DOS (2026-03-02).
    fn days_before(count: i64) -> Vec<Encounter> {
        traction_on((1..=count).map(|back| dos().plus_days(-back)))
    }

    #[test]
    fn fires_above_12_traction_days_in_30() {
        let earlier = days_before(12);
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-054"),
            vec![(Warning, None)]
        );
        assert_eq!(
            messages_after(&earlier, &clean_encounter(), "TR-054"),
            [
                "97012 is billed on 13 days from 2026-02-01 to 2026-03-02, more than the limit of 12 days in 30"
            ]
        );
    }

    #[test]
    fn does_not_fire_at_the_limit() {
        assert_eq!(
            findings_after(&days_before(11), &clean_encounter(), "TR-054"),
            vec![]
        );
    }

    #[test]
    fn the_window_holds_d_minus_29_but_not_d_minus_30() {
        let mut earlier = days_before(11);
        earlier.extend(traction_on([dos().plus_days(-30)]));
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-054"),
            vec![]
        );
        earlier.extend(traction_on([dos().plus_days(-29)]));
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-054"),
            vec![(Warning, None)]
        );
    }

    #[test]
    fn counts_a_day_once_and_other_codes_never() {
        let mut earlier = days_before(11);
        let mut again = earlier[0].clone();
        again.claim_id = "CLM-AGAIN".into();
        again.event_id = "evt-again".into();
        let mut exercise = traction_on([dos().plus_days(-20)]).remove(0);
        exercise.service_lines[0].procedure_code = "97110".into();
        earlier.extend([again, exercise]);
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-054"),
            vec![]
        );
    }

    #[test]
    fn counts_from_the_events_latest_traction_dos() {
        // Prior days 02-18 … 03-01, and this event bills 97012 on 03-02 and 03-21: the
        // window 02-20 … 03-21 holds 10 prior days and 2 of this event's.
        let mut event = clean_encounter();
        let mut later = line(3, "97012");
        later.date_of_service = date(2026, 3, 21);
        event.service_lines.push(later);
        assert_eq!(findings_after(&days_before(12), &event, "TR-054"), vec![]);
        event.service_lines[2].date_of_service = date(2026, 3, 20);
        assert_eq!(
            findings_after(&days_before(12), &event, "TR-054"),
            vec![(Warning, None)]
        );
    }

    #[test]
    fn can_fire_on_one_event_alone_with_history_but_not_without() {
        let mut event = clean_encounter();
        event.service_lines = (0..13)
            .map(|n| {
                let mut traction = line(n + 1, "97012");
                traction.date_of_service = dos().plus_days(-i64::from(n));
                traction
            })
            .collect();
        assert_eq!(findings_after(&[], &event, "TR-054"), vec![(Warning, None)]);
        assert_eq!(findings_of(&event, "TR-054"), vec![]);
    }

    #[test]
    fn needs_a_traction_line() {
        let mut event = clean_encounter();
        event.service_lines[0].procedure_code = "S9090".into();
        assert_eq!(findings_after(&days_before(20), &event, "TR-054"), vec![]);
    }

    #[test]
    fn a_payer_profile_sets_its_own_limit() {
        let engine = engine_with_profile("max_traction_days_per_30_days = 5");
        let mut event = clean_encounter();
        event.payer.payer_id = PROFILED_PAYER.into();
        assert_eq!(
            findings_after_with(&engine, &days_before(5), &event, "TR-054"),
            vec![(Warning, None)]
        );
        assert_eq!(
            findings_after_with(&engine, &days_before(4), &event, "TR-054"),
            vec![]
        );
        // Other payers keep the pack's 12.
        assert_eq!(
            findings_after_with(&engine, &days_before(5), &clean_encounter(), "TR-054"),
            vec![]
        );
    }

    #[test]
    fn applies_to_every_plan() {
        assert_eq!(
            findings_after_by_plan(&days_before(12), &clean_encounter(), "TR-054"),
            only_for(&PlanType::ALL, &[(Warning, None)])
        );
    }
}
