//! Retention: old claims are forgotten whole, and never one an event within 365 days of the
//! patient's newest DOS could see (RULES.md "Precisions").

use super::*;
use crate::domain::{Date, PlanType};
use crate::history::patient::PatientHistory;
use crate::history::record::Version;
use crate::history::view::PriorClaims;
use crate::rules::Screening;

/// A daily visit of the clean patient: 97012 and 97110 with GP, $5.00 each.
fn visit(day: Date) -> Encounter {
    let mut visit = event(&format!("e-{day}"), &format!("CLM-{day}"));
    for line in &mut visit.service_lines {
        line.date_of_service = day;
        line.charge_cents = 500;
    }
    visit
}

fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    (0..=to.days_since(from)).map(move |n| from.plus_days(n))
}

#[test]
fn a_claim_is_forgotten_with_all_its_versions_once_all_are_older_than_the_bound() {
    let old = date(2024, 6, 3);
    let mut replaced = event("e-old-2", "CLM-OLD");
    replaced.claim_frequency = ClaimFrequency::Replacement;
    replaced.service_lines[0].date_of_service = old;
    replaced.service_lines[1].date_of_service = old;
    let mut kept = event("e-kept", "CLM-KEPT");
    kept.service_lines[0].date_of_service = old;
    let mut history = history_of(&[event("e-old-1", "CLM-OLD"), replaced, kept]);
    // Newest DOS 2026-12-31: the bound is 2025-01-01. CLM-OLD's versions are dated
    // 2026-03-02 and 2024-06-03: the claim stays whole.
    history.apply(&visit(date(2026, 12, 31)), 3);
    assert_eq!(history.versions(), 4);
    // A claim whose every version is old goes, with its event id.
    let mut old_only = event("e-gone", "CLM-GONE");
    for line in &mut old_only.service_lines {
        line.date_of_service = old;
    }
    history.apply(&old_only, 4);
    assert_eq!(history.versions(), 4);
    assert_eq!(history.first_position("e-gone"), None);
    assert_eq!(history.first_position("e-old-1"), Some(0));
}

#[test]
fn a_void_without_lines_is_dated_by_the_patients_newest_dos() {
    let mut lineless = void("e-void", "CLM-A");
    lineless.service_lines.clear();
    let mut history = history_of(&[visit(date(2026, 1, 10)), lineless]);
    // Kept while 2026-01-10 is within retention, then forgotten.
    history.apply(&visit(date(2027, 1, 1)), 2);
    assert_eq!(history.first_position("e-void"), Some(1));
    history.apply(&visit(date(2028, 1, 1)), 3);
    assert_eq!(history.first_position("e-void"), None);
}

/// Screens `probe` against `prior` with the built-in engine.
fn screen(probe: &Encounter, prior: PriorClaims<'_>) -> Screening {
    crate::testing::engine().screen_with_history(probe, prior)
}

/// A Medicare Part B traction visit on `day` of a new claim, with no reported spend (so
/// TR-053 judges) and no episode (TR-052 counts from an episode's start, a window RULES.md
/// does not promise retention keeps).
fn probe(day: Date) -> Encounter {
    let mut probe = visit(day);
    probe.claim_id = "CLM-PROBE".into();
    probe.event_id = "e-probe".into();
    probe.payer.plan_type = PlanType::MedicarePartB;
    probe.therapy_spend_ytd_cents = None;
    probe.episode = None;
    if let Some(plan) = probe.plan_of_care.as_mut() {
        plan.start_date = day.plus_days(-10);
        plan.certified_through = Some(day.plus_days(30));
    }
    probe
}

#[test]
fn an_event_within_365_days_of_the_newest_dos_screens_as_if_nothing_were_forgotten() {
    // Daily visits from 2024-01-01 to 2026-12-31: $10 a day reaches a year's KX threshold
    // in September, so TR-053 on 2025-12-31 needs the claims back to 2025-01-01.
    let visits: Vec<Encounter> = days(date(2024, 1, 1), date(2026, 12, 31))
        .map(visit)
        .collect();
    let mut history = History::new();
    let mut everything = PatientHistory::new("pt-0001");
    for (position, visit) in visits.iter().enumerate() {
        history.apply(visit, position as u64);
        everything.insert(Version::of(visit, position as u64, everything.newest));
    }
    assert!(
        history.versions() < 760,
        "{} versions kept",
        history.versions()
    );
    let end = visits.len() as u64;
    for day in days(date(2025, 12, 31), date(2026, 12, 31)) {
        let probe = probe(day);
        let kept = screen(&probe, history.prior_claims(&probe, end));
        let all = screen(
            &probe,
            PriorClaims::new(&everything.versions, "CLM-PROBE", end),
        );
        assert_eq!(kept, all, "probe on {day}");
    }
    // The probe on 2025-12-31 is the one that reaches furthest back: its TR-053 adds up
    // 2025 from January 1 (TR-050 and TR-054 fire on every probe).
    let first = probe(date(2025, 12, 31));
    let fired: Vec<String> = screen(&first, history.prior_claims(&first, end))
        .findings
        .iter()
        .map(|f| f.rule_id.to_string())
        .collect();
    assert_eq!(fired, ["TR-050", "TR-053", "TR-054"]);
}

#[test]
fn retention_by_400_days_alone_would_break_that_promise() {
    // The same probe against only the claims of the last 400 days misses TR-053.
    let newest = date(2026, 12, 31);
    let mut recent = History::new();
    for (position, day) in days(newest.plus_days(-400), newest).enumerate() {
        recent.apply(&visit(day), position as u64);
    }
    let probe = probe(date(2025, 12, 31));
    let fired: Vec<String> = screen(&probe, recent.prior_claims(&probe, u64::MAX))
        .findings
        .iter()
        .map(|f| f.rule_id.to_string())
        .collect();
    assert_eq!(fired, ["TR-050", "TR-054"]);
}
