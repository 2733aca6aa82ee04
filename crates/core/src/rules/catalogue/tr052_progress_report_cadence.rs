//! TR-052: Medicare requires a progress report at least once every 10 treatment days (the
//! pack's `max_visits_between_progress_reports`). TR-037 trusts the count the event carries;
//! this rule counts from history: the distinct dates of service of lines carrying GP, on
//! this event and the patient's prior claims (any code, payer or plan), after the last
//! progress report (none: from the episode's start) up to this event's latest traction DOS
//! (no traction line: its latest DOS). Not reported when TR-037 already is.

use crate::rules::prelude::*;
use crate::rules::prior::{DaySet, latest_traction_day};

pub struct ProgressReportCadence;

static META: RuleMeta = RuleMeta {
    id: "TR-052",
    title: "Progress report overdue by the treatment days billed",
    remediation: "Have the therapist write the progress report (it may be done at this visit) \
                  and record its date on the episode before billing; if one was written, send \
                  its date as the episode's last_progress_report_date.",
    reference: "Medicare Benefit Policy Manual ch. 15 §220.3: a progress report at least once \
                every 10 treatment days",
};

impl Rule for ProgressReportCadence {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_findings_of(&self) -> &'static [&'static str] {
        &["TR-037"]
    }

    fn uses_history(&self) -> bool {
        true
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(episode) = ctx.event.episode.as_ref() else {
            return;
        };
        let lines = &ctx.event.service_lines;
        let latest_day = lines.iter().map(|line| line.date_of_service).max();
        let Some(until) = latest_traction_day(ctx).or(latest_day) else {
            return;
        };
        if out.earlier_event_finding("TR-037") {
            return;
        }
        let from = match episode.last_progress_report_date {
            Some(report) => report.plus_days(1),
            None => episode.start_date,
        };
        // Days counted as offsets from `from`, so that prior lines are read without
        // building their dates.
        let mut days = DaySet::new(until.days_since(from));
        let gp_lines = lines.iter().filter(|line| line.has_modifier("GP"));
        gp_lines.for_each(|line| days.insert(line.date_of_service.days_since(from)));
        for claim in ctx.history().iter() {
            let gp_lines = claim.lines().filter(|line| line.has_gp());
            gp_lines.for_each(|line| days.insert(line.days_since(from)));
        }
        let days = days.count();
        let max = ctx.pack.thresholds.max_visits_between_progress_reports;
        if days > max as usize {
            let since = match episode.last_progress_report_date {
                Some(report) => format!("the last progress report on {report}"),
                None => format!("the episode start on {}", episode.start_date),
            };
            out.event(format!(
                "{days} treatment days billed with GP since {since}, up to {until}; a progress \
                 report is due at least every {max} treatment days"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{Encounter, PlanType};
    use crate::testing::*;

    /// Claims of the clean patient on `count` consecutive days from 2026-02-16 (the episode
    /// start), each one 97110 line with GP.
    fn visits(count: u32) -> Vec<Encounter> {
        (0..count)
            .map(|day| {
                let mut visit = other_claim(&format!("CLM-V{day}"));
                let mut exercise = line(1, "97110");
                exercise.date_of_service = date(2026, 2, 16).plus_days(i64::from(day));
                visit.service_lines = vec![exercise];
                visit
            })
            .collect()
    }

    /// The clean encounter dated 2026-03-02 with no count of its own (TR-037 stays quiet).
    fn visit_today() -> Encounter {
        let mut event = clean_encounter();
        if let Some(episode) = event.episode.as_mut() {
            episode.visits_since_progress_report = None;
        }
        event
    }

    #[test]
    fn fires_at_11_treatment_days_counting_this_visit() {
        let earlier = visits(10);
        assert_eq!(
            findings_after(&earlier, &visit_today(), "TR-052"),
            vec![(Warning, None)]
        );
        assert_eq!(
            messages_after(&earlier, &visit_today(), "TR-052"),
            [
                "11 treatment days billed with GP since the episode start on 2026-02-16, up to 2026-03-02; a progress report is due at least every 10 treatment days"
            ]
        );
    }

    #[test]
    fn does_not_fire_at_exactly_10_treatment_days() {
        assert_eq!(findings_after(&visits(9), &visit_today(), "TR-052"), vec![]);
    }

    #[test]
    fn counts_a_day_once_and_lines_without_gp_never() {
        let mut earlier = visits(9);
        // A second claim on a day already counted, and a day billed without GP.
        let mut same_day = earlier[0].clone();
        same_day.claim_id = "CLM-SAME-DAY".into();
        same_day.event_id = "evt-same-day".into();
        let mut without_gp = visits(10).pop().unwrap();
        without_gp.service_lines[0].modifiers = vec!["GO".into()];
        earlier.extend([same_day, without_gp]);
        assert_eq!(findings_after(&earlier, &visit_today(), "TR-052"), vec![]);
    }

    #[test]
    fn counts_only_days_after_the_last_progress_report() {
        let mut event = visit_today();
        if let Some(episode) = event.episode.as_mut() {
            episode.last_progress_report_date = Some(date(2026, 2, 16));
        }
        // Visits 02-16 … 02-25 and this one: the report day is not counted, so 10 remain.
        assert_eq!(findings_after(&visits(10), &event, "TR-052"), vec![]);
        assert_eq!(
            messages_after(&visits(11), &event, "TR-052"),
            [
                "11 treatment days billed with GP since the last progress report on 2026-02-16, up to 2026-03-02; a progress report is due at least every 10 treatment days"
            ]
        );
    }

    #[test]
    fn counts_up_to_the_latest_traction_dos_not_later_lines() {
        let mut event = visit_today();
        event.service_lines[0].date_of_service = date(2026, 2, 25);
        // Up to 02-25: 10 days of visits (02-16 … 02-25), this event's 97110 on 03-02 not.
        assert_eq!(findings_after(&visits(14), &event, "TR-052"), vec![]);
        event.service_lines[0].date_of_service = date(2026, 2, 26);
        assert_eq!(
            findings_after(&visits(14), &event, "TR-052"),
            vec![(Warning, None)]
        );
    }

    #[test]
    fn without_a_traction_line_counts_up_to_the_latest_dos() {
        let mut event = visit_today();
        event.service_lines[0].procedure_code = "S9090".into();
        assert_eq!(
            findings_after(&visits(10), &event, "TR-052"),
            vec![(Warning, None)]
        );
    }

    #[test]
    fn needs_an_episode_and_a_service_line() {
        let mut event = visit_today();
        event.episode = None;
        assert_eq!(findings_after(&visits(20), &event, "TR-052"), vec![]);
        let mut event = visit_today();
        event.service_lines.clear();
        assert_eq!(findings_after(&visits(20), &event, "TR-052"), vec![]);
    }

    #[test]
    fn is_not_fired_when_tr_037_fired() {
        let mut event = visit_today();
        if let Some(episode) = event.episode.as_mut() {
            episode.visits_since_progress_report = Some(11);
        }
        let screening = screen_after_with(engine(), &visits(10), &event);
        let fired: Vec<&str> = screening.findings.iter().map(|f| &*f.rule_id).collect();
        assert_eq!(fired, ["TR-037"]);
    }

    #[test]
    fn applies_to_medicare_part_b_and_medicare_advantage_only() {
        assert_eq!(
            findings_after_by_plan(&visits(10), &visit_today(), "TR-052"),
            only_for(
                &[PlanType::MedicarePartB, PlanType::MedicareAdvantage],
                &[(Warning, None)]
            )
        );
    }
}
