//! TR-037: Medicare requires a progress report at least once every 10 treatment days (the
//! pack's `max_visits_between_progress_reports`). The episode's
//! `visits_since_progress_report` counts treatment days since the last report, this visit
//! included; above the limit the report is overdue. Once per event; an event without the
//! count is not judged (cadence from history is a later cross-event rule).

use crate::rules::prelude::*;

pub struct ProgressReportOverdue;

static META: RuleMeta = RuleMeta {
    id: "TR-037",
    title: "Progress report overdue",
    remediation: "Have the therapist write the progress report (it may be done at this visit) \
                  and record its date on the episode before billing.",
    reference: "Medicare Benefit Policy Manual ch. 15 §220.3: a progress report at least once \
                every 10 treatment days",
};

impl Rule for ProgressReportOverdue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(visits) = ctx
            .event
            .episode
            .as_ref()
            .and_then(|episode| episode.visits_since_progress_report)
        else {
            return;
        };
        let max = ctx.pack.thresholds.max_visits_between_progress_reports;
        if visits > max {
            out.event(format!(
                "{visits} treatment days since the last progress report, this visit included; \
                 a progress report is due at least every {max} treatment days"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{Encounter, PlanType};
    use crate::testing::*;

    fn visits_since_report(visits: Option<i32>) -> Encounter {
        let mut event = clean_encounter();
        if let Some(episode) = event.episode.as_mut() {
            episode.visits_since_progress_report = visits;
        }
        event
    }

    #[test]
    fn fires_once_at_11_treatment_days() {
        let event = visits_since_report(Some(11));
        assert_eq!(findings_of(&event, "TR-037"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-037"),
            vec![
                "11 treatment days since the last progress report, this visit included; a progress report is due at least every 10 treatment days"
            ]
        );
    }

    #[test]
    fn does_not_fire_at_exactly_10_treatment_days() {
        assert_eq!(
            findings_of(&visits_since_report(Some(10)), "TR-037"),
            vec![]
        );
    }

    #[test]
    fn does_not_fire_without_the_count_or_the_episode() {
        assert_eq!(findings_of(&visits_since_report(None), "TR-037"), vec![]);
        let mut event = clean_encounter();
        event.episode = None;
        assert_eq!(findings_of(&event, "TR-037"), vec![]);
    }

    #[test]
    fn fires_on_an_event_in_scope_only_through_the_traction_record() {
        let mut event = visits_since_report(Some(25));
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-037"), vec![(Warning, None)]);
    }

    #[test]
    fn applies_to_medicare_part_b_and_medicare_advantage_only() {
        let event = visits_since_report(Some(11));
        assert_eq!(
            findings_by_plan(&event, "TR-037"),
            only_for(
                &[PlanType::MedicarePartB, PlanType::MedicareAdvantage],
                &[(Warning, None)]
            )
        );
    }
}
