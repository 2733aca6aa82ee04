//! TR-053: the KX threshold reached by the patient's own billing history. TR-018 trusts the
//! year-to-date spend the event reports; this rule adds up the charges of therapy lines (GP
//! or GN, any code) on the patient's prior claims in the traction line's calendar year, up
//! to its DOS. Billed charges overstate what Medicare allows, so it is a warning that asks
//! for the allowed amounts. Not reported on a line where TR-018 already is.

use crate::rules::money::dollars;
use crate::rules::prelude::*;

pub struct KxThresholdFromHistory;

static META: RuleMeta = RuleMeta {
    id: "TR-053",
    title: "KX modifier missing: threshold reached by earlier claims",
    remediation: "Check the patient's allowed therapy amounts for the year: if they have \
                  reached the KX threshold, append KX to the 97012 line when the documentation \
                  shows medical necessity, otherwise issue an ABN and bill with GA.",
    reference: "CMS CR 13371 and the yearly KX threshold updates (PT and SLP combined)",
};

impl Rule for KxThresholdFromHistory {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_findings_of(&self) -> &'static [&'static str] {
        &["TR-018"]
    }

    fn uses_history(&self) -> bool {
        true
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.traction_lines().filter(|line| !line.has_modifier("KX")) {
            if out.earlier_finding_on_line("TR-018", line.line_number) {
                continue;
            }
            let day = line.date_of_service;
            let year = day.year();
            let Some(threshold) = ctx.pack.thresholds.kx_threshold_for(year) else {
                continue;
            };
            let Some(january_first) = Date::from_ymd(year, 1, 1) else {
                continue;
            };
            let billed: i64 = ctx
                .history()
                .iter()
                .flat_map(|claim| claim.lines())
                .filter(|prior| prior.has_gp() || prior.has_gn())
                .filter(|prior| prior.is_within(january_first, day))
                .fold(0, |sum, prior| sum.saturating_add(prior.charge_cents()));
            if billed >= threshold {
                out.line(
                    line.line_number,
                    format!(
                        "97012 on {day} lacks KX although the patient's therapy charges billed on \
                         earlier claims in {year} ({}) reach the {year} KX threshold ({}); billed \
                         charges overstate allowed amounts, so check the allowed amounts",
                        dollars(billed),
                        dollars(threshold)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::{Error, Warning};
    use crate::domain::{Encounter, PlanType};
    use crate::testing::*;

    /// A prior claim of one 97110 line with `modifier`, dated `dos`, charging `cents`.
    fn therapy(claim_id: &str, dos: crate::domain::Date, modifier: &str, cents: i64) -> Encounter {
        let mut claim = other_claim(claim_id);
        let mut exercise = line(1, "97110");
        exercise.modifiers = vec![modifier.into()];
        exercise.date_of_service = dos;
        exercise.charge_cents = cents;
        claim.service_lines = vec![exercise];
        claim
    }

    /// Prior GP and GN charges in 2026 adding up to `cents`, before the clean DOS.
    fn charged(cents: i64) -> Vec<Encounter> {
        vec![
            therapy("CLM-GP", date(2026, 1, 5), "GP", cents - 100_000),
            therapy("CLM-GN", date(2026, 2, 9), "GN", 100_000),
        ]
    }

    #[test]
    fn fires_when_earlier_claims_reach_the_threshold_exactly() {
        assert_eq!(
            findings_after(&charged(248_000), &clean_encounter(), "TR-053"),
            vec![(Warning, Some(1))]
        );
        assert_eq!(
            messages_after(&charged(248_000), &clean_encounter(), "TR-053"),
            [
                "97012 on 2026-03-02 lacks KX although the patient's therapy charges billed on earlier claims in 2026 ($2,480.00) reach the 2026 KX threshold ($2,480.00); billed charges overstate allowed amounts, so check the allowed amounts"
            ]
        );
    }

    #[test]
    fn does_not_fire_one_cent_under_the_threshold() {
        assert_eq!(
            findings_after(&charged(247_999), &clean_encounter(), "TR-053"),
            vec![]
        );
    }

    #[test]
    fn does_not_fire_on_a_line_with_kx() {
        let event = with_modifiers(&["GP", "KX"]);
        assert_eq!(findings_after(&charged(300_000), &event, "TR-053"), vec![]);
    }

    #[test]
    fn counts_neither_other_years_later_days_nor_lines_without_gp_or_gn() {
        let mut earlier = charged(247_999);
        earlier.push(therapy("CLM-LAST-YEAR", date(2025, 12, 31), "GP", 50_000));
        earlier.push(therapy("CLM-LATER", date(2026, 3, 3), "GP", 50_000));
        earlier.push(therapy("CLM-GO", date(2026, 2, 2), "GO", 50_000));
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-053"),
            vec![]
        );
        // The same day counts ("not after it").
        earlier.push(therapy("CLM-SAME-DAY", date(2026, 3, 2), "GN", 1));
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-053"),
            vec![(Warning, Some(1))]
        );
    }

    #[test]
    fn does_not_count_this_events_own_lines() {
        let mut event = clean_encounter();
        event.service_lines[1].charge_cents = 1_000_000;
        assert_eq!(findings_after(&charged(200_000), &event, "TR-053"), vec![]);
    }

    #[test]
    fn checks_no_year_before_2024_and_uses_the_latest_threshold_after_2026() {
        let mut event = clean_encounter();
        event.service_lines[0].date_of_service = date(2023, 12, 29);
        let before = [therapy("CLM-2023", date(2023, 6, 1), "GP", 10_000_000)];
        assert_eq!(findings_after(&before, &event, "TR-053"), vec![]);
        event.service_lines[0].date_of_service = date(2027, 3, 2);
        let after = [therapy("CLM-2027", date(2027, 1, 4), "GP", 248_000)];
        assert_eq!(
            findings_after(&after, &event, "TR-053"),
            vec![(Warning, Some(1))]
        );
        let under = [therapy("CLM-2027", date(2027, 1, 4), "GP", 247_999)];
        assert_eq!(findings_after(&under, &event, "TR-053"), vec![]);
    }

    #[test]
    fn is_not_fired_on_a_line_where_tr_018_fired() {
        let mut event = clean_encounter();
        event.therapy_spend_ytd_cents = Some(248_000);
        let screening = screen_after_with(engine(), &charged(300_000), &event);
        let fired: Vec<_> = screening
            .findings
            .iter()
            .map(|f| (&*f.rule_id, f.severity))
            .collect();
        assert_eq!(fired, [("TR-018", Error)]);
    }

    #[test]
    fn fires_when_the_event_reports_no_spend_so_tr_018_cannot() {
        let mut event = clean_encounter();
        event.therapy_spend_ytd_cents = None;
        assert_eq!(
            findings_after(&charged(248_000), &event, "TR-053"),
            vec![(Warning, Some(1))]
        );
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        assert_eq!(
            findings_after_by_plan(&charged(248_000), &clean_encounter(), "TR-053"),
            only_for(&[PlanType::MedicarePartB], &[(Warning, Some(1))])
        );
    }
}
