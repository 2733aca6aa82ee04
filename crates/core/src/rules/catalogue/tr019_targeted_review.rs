//! TR-019: Medicare may select therapy claims for targeted medical review once the
//! patient's therapy spend for the year reaches the review threshold. Not an error: a
//! prompt to have the documentation ready. It needs no traction line: every in-scope event
//! of a plan type it applies to is checked.

use crate::rules::money::dollars;
use crate::rules::prelude::*;

pub struct TargetedReview;

static META: RuleMeta = RuleMeta {
    id: "TR-019",
    title: "Above the targeted medical review threshold",
    remediation: "Make sure the record supports the medical necessity of continued therapy \
                  (certified plan of care, current progress report, objective measures): \
                  claims above the threshold may be selected for targeted medical review.",
    reference: "Bipartisan Budget Act of 2018 §50202: targeted medical review threshold",
};

impl Rule for TargetedReview {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let threshold = ctx.pack.thresholds.targeted_review_cents;
        if let Some(spend) = ctx
            .event
            .therapy_spend_ytd_cents
            .filter(|s| *s >= threshold)
        {
            out.event(format!(
                "Year-to-date therapy spend ({}) has reached the targeted medical review \
                 threshold ({})",
                dollars(spend),
                dollars(threshold)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{Encounter, PlanType};
    use crate::testing::*;

    fn with_spend(cents: i64) -> Encounter {
        let mut event = clean_encounter();
        event.therapy_spend_ytd_cents = Some(cents);
        // KX keeps TR-018 quiet; it has no bearing on this rule.
        event.service_lines[0].modifiers.push("KX".into());
        event
    }

    #[test]
    fn fires_once_per_event_at_exactly_the_threshold() {
        let event = with_spend(300_000);
        assert_eq!(findings_of(&event, "TR-019"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-019"),
            vec![
                "Year-to-date therapy spend ($3,000.00) has reached the targeted medical review threshold ($3,000.00)"
            ]
        );
    }

    #[test]
    fn does_not_fire_one_cent_below_the_threshold() {
        assert_eq!(findings_of(&with_spend(299_999), "TR-019"), vec![]);
    }

    #[test]
    fn does_not_fire_without_a_reported_spend() {
        let mut event = clean_encounter();
        event.therapy_spend_ytd_cents = None;
        assert_eq!(findings_of(&event, "TR-019"), vec![]);
    }

    #[test]
    fn fires_on_an_event_in_scope_only_through_its_traction_record() {
        let mut event = with_spend(450_000);
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-019"), vec![(Warning, None)]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        let event = with_spend(450_000);
        assert_eq!(
            findings_by_plan(&event, "TR-019"),
            only_for(&[PlanType::MedicarePartB], &[(Warning, None)])
        );
    }
}
