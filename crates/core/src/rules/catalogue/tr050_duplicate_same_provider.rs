//! TR-050: 97012 is one unit per patient per date of service, across claims too. A traction
//! line whose DOS already has a traction line on one of the patient's prior claims, from
//! the same rendering provider, bills the same visit twice (a resubmission sent as a new
//! claim instead of a replacement, or a duplicate from two billing systems).

use crate::rules::prelude::*;
use crate::rules::prior::{claims_named, same_provider, with_traction_on};

pub struct DuplicateSameProvider;

static META: RuleMeta = RuleMeta {
    id: "TR-050",
    title: "97012 already billed for the DOS on another claim by the same provider",
    remediation: "Do not bill the visit twice: if this claim corrects the earlier one, send it \
                  as a replacement (frequency 7) of that claim, or void the earlier claim first; \
                  otherwise remove the 97012 line.",
    reference: "97012 is untimed: one unit per patient per date of service (MUE, date-of-service \
                adjudication)",
};

impl Rule for DuplicateSameProvider {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn uses_history(&self) -> bool {
        true
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let history = ctx.history();
        for line in ctx.traction_lines() {
            let day = line.date_of_service;
            let mut same = with_traction_on(history, day)
                .filter(|claim| same_provider(ctx, claim))
                .peekable();
            if same.peek().is_none() {
                continue;
            }
            let claims = claims_named(same.map(|claim| claim.claim_id()));
            out.line(
                line.line_number,
                format!(
                    "97012 on {day} is already billed by the same rendering provider on {claims}"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::ClaimFrequency;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn fires_on_a_traction_line_billed_the_same_day_by_the_same_provider_on_a_prior_claim() {
        let earlier = [other_claim("CLM-A")];
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-050"),
            vec![(Error, Some(1))]
        );
        assert_eq!(
            messages_after(&earlier, &clean_encounter(), "TR-050"),
            ["97012 on 2026-03-02 is already billed by the same rendering provider on claim CLM-A"]
        );
    }

    #[test]
    fn names_every_prior_claim_in_the_order_billed() {
        let earlier = [other_claim("CLM-B"), other_claim("CLM-A")];
        assert_eq!(
            messages_after(&earlier, &clean_encounter(), "TR-050"),
            [
                "97012 on 2026-03-02 is already billed by the same rendering provider on claims CLM-B, CLM-A"
            ]
        );
    }

    #[test]
    fn does_not_fire_for_the_next_day_or_a_prior_line_of_another_code() {
        let mut next_day = other_claim("CLM-A");
        next_day.service_lines[0].date_of_service = date(2026, 3, 3);
        assert_eq!(
            findings_after(&[next_day], &clean_encounter(), "TR-050"),
            vec![]
        );
        let mut no_traction = other_claim("CLM-A");
        no_traction.service_lines.remove(0);
        assert_eq!(
            findings_after(&[no_traction], &clean_encounter(), "TR-050"),
            vec![]
        );
    }

    #[test]
    fn compares_npis_trimmed_and_two_empty_npis_are_the_same() {
        let mut earlier = other_claim("CLM-A");
        earlier.rendering_provider.npi = format!(" {RENDERING_NPI}\t");
        assert_eq!(
            findings_after(&[earlier.clone()], &clean_encounter(), "TR-050"),
            vec![(Error, Some(1))]
        );
        earlier.rendering_provider.npi = "  ".into();
        let mut event = clean_encounter();
        event.rendering_provider.npi = String::new();
        assert_eq!(
            findings_after(&[earlier], &event, "TR-050"),
            vec![(Error, Some(1))]
        );
    }

    #[test]
    fn does_not_fire_for_another_provider_or_the_events_own_claim() {
        let mut other_provider = other_claim("CLM-A");
        other_provider.rendering_provider.npi = REFERRING_NPI.into();
        assert_eq!(
            findings_after(&[other_provider], &clean_encounter(), "TR-050"),
            vec![]
        );
        // An earlier version of this very claim is replaced, not duplicated.
        let own = other_claim("CLM-0001");
        assert_eq!(findings_after(&[own], &clean_encounter(), "TR-050"), vec![]);
    }

    #[test]
    fn a_voided_claim_is_no_prior_claim_until_it_is_billed_again() {
        let mut void = other_claim("CLM-A");
        void.event_id = "evt-void".into();
        void.claim_frequency = ClaimFrequency::Void;
        let earlier = [other_claim("CLM-A"), void.clone()];
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-050"),
            vec![]
        );
        let mut rebilled = other_claim("CLM-A");
        rebilled.event_id = "evt-rebilled".into();
        let earlier = [other_claim("CLM-A"), void, rebilled];
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-050"),
            vec![(Error, Some(1))]
        );
    }

    #[test]
    fn a_replacement_that_moves_the_date_moves_the_duplicate() {
        let mut moved = other_claim("CLM-A");
        moved.event_id = "evt-moved".into();
        moved.claim_frequency = ClaimFrequency::Replacement;
        moved.service_lines[0].date_of_service = date(2026, 3, 3);
        let earlier = [other_claim("CLM-A"), moved];
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-050"),
            vec![]
        );
        let mut on_the_new_date = clean_encounter();
        on_the_new_date.service_lines[0].date_of_service = date(2026, 3, 3);
        assert_eq!(
            findings_after(&earlier, &on_the_new_date, "TR-050"),
            vec![(Error, Some(1))]
        );
    }

    #[test]
    fn a_void_under_another_patient_removes_nothing() {
        let mut void = other_claim("CLM-A");
        void.event_id = "evt-void".into();
        void.patient_id = "pt-other".into();
        void.claim_frequency = ClaimFrequency::Void;
        let earlier = [other_claim("CLM-A"), void];
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-050"),
            vec![(Error, Some(1))]
        );
    }

    #[test]
    fn fires_on_each_traction_line_of_a_day_with_a_prior_bill() {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "97012"));
        let earlier = [other_claim("CLM-A")];
        assert_eq!(
            findings_after(&earlier, &event, "TR-050"),
            vec![(Error, Some(1)), (Error, Some(3))]
        );
    }

    #[test]
    fn is_not_evaluated_without_history_and_applies_to_every_plan() {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "97012"));
        assert_eq!(findings_of(&event, "TR-050"), vec![]);
        let earlier = [other_claim("CLM-A")];
        assert_eq!(
            findings_after_by_plan(&earlier, &clean_encounter(), "TR-050"),
            only_for(&crate::domain::PlanType::ALL, &[(Error, Some(1))])
        );
    }
}
