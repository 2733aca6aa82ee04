//! History's behaviour: prior claims as of a position, voids and replacements, redelivery.

mod retention;
mod state;

use super::*;
use crate::domain::{ClaimFrequency, Encounter};
use crate::testing::{clean_encounter, date, other_claim};

/// `other_claim(claim_id)` with its own event id.
fn event(event_id: &str, claim_id: &str) -> Encounter {
    let mut event = other_claim(claim_id);
    event.event_id = event_id.into();
    event
}

fn void(event_id: &str, claim_id: &str) -> Encounter {
    let mut event = event(event_id, claim_id);
    event.claim_frequency = ClaimFrequency::Void;
    event
}

/// Records `events` at positions 0, 1, …
fn history_of(events: &[Encounter]) -> History {
    let mut history = History::new();
    for (position, event) in events.iter().enumerate() {
        assert_eq!(history.apply(event, position as u64), Recorded::New);
    }
    history
}

/// The claim ids of the prior claims of `event` at `position`.
fn prior_ids(history: &History, event: &Encounter, position: Position) -> Vec<String> {
    history
        .prior_claims(event, position)
        .iter()
        .map(|claim| claim.claim_id().to_owned())
        .collect()
}

#[test]
fn prior_claims_are_the_latest_version_of_each_other_claim_before_the_position() {
    let mut replaced = event("e2", "CLM-A");
    replaced.claim_frequency = ClaimFrequency::Replacement;
    replaced.service_lines[0].date_of_service = date(2026, 3, 9);
    let history = history_of(&[event("e1", "CLM-A"), event("e2b", "CLM-B"), replaced]);
    let probe = event("probe", "CLM-C");
    assert_eq!(prior_ids(&history, &probe, 3), ["CLM-B", "CLM-A"]);
    let a = history.prior_claims(&probe, 3).iter().nth(1).unwrap();
    let dates: Vec<_> = a.lines().map(|line| line.date_of_service()).collect();
    assert_eq!(dates, [date(2026, 3, 9), date(2026, 3, 2)]);
    // Before the replacement, the original; before anything, nothing.
    let a = history.prior_claims(&probe, 2).iter().next().unwrap();
    assert_eq!(
        a.lines().next().unwrap().date_of_service(),
        date(2026, 3, 2)
    );
    assert_eq!(prior_ids(&history, &probe, 0), Vec::<String>::new());
    // The event's own claim is never a prior claim.
    assert_eq!(prior_ids(&history, &event("probe", "CLM-A"), 3), ["CLM-B"]);
}

#[test]
fn a_void_removes_the_claim_and_a_later_bill_brings_it_back() {
    let events = [
        event("e1", "CLM-A"),
        void("e2", "CLM-A"),
        event("e3", "CLM-A"),
    ];
    let history = history_of(&events);
    let probe = event("probe", "CLM-B");
    assert_eq!(prior_ids(&history, &probe, 2), Vec::<String>::new());
    assert_eq!(prior_ids(&history, &probe, 3), ["CLM-A"]);
    assert_eq!((history.patients(), history.versions()), (1, 3));
}

#[test]
fn claims_are_keyed_by_patient_and_claim_id() {
    let mut elsewhere = void("e2", "CLM-A");
    elsewhere.patient_id = "pt-other".into();
    let history = history_of(&[event("e1", "CLM-A"), elsewhere]);
    assert_eq!(prior_ids(&history, &event("probe", "CLM-B"), 2), ["CLM-A"]);
    assert_eq!(history.patients(), 2);
}

#[test]
fn an_unknown_patient_has_no_prior_claims() {
    let history = history_of(&[event("e1", "CLM-A")]);
    let mut stranger = event("probe", "CLM-B");
    stranger.patient_id = "pt-unknown".into();
    assert!(history.prior_claims(&stranger, 5).is_empty());
}

#[test]
fn a_redelivered_event_sees_the_claims_as_at_its_first_position_and_changes_nothing() {
    let events = [
        event("e1", "CLM-A"),
        event("e2", "CLM-B"),
        void("e3", "CLM-A"),
    ];
    let mut history = history_of(&events);
    let redelivered = event("e2", "CLM-B");
    assert_eq!(history.first_position("e2"), Some(1));
    assert_eq!(prior_ids(&history, &redelivered, 9), ["CLM-A"]);
    assert_eq!(history.apply(&redelivered, 9), Recorded::Duplicate);
    assert_eq!(history.versions(), 3);
    assert_eq!(prior_ids(&history, &event("probe", "CLM-C"), 10), ["CLM-B"]);
}

#[test]
fn a_redelivered_void_does_not_remove_the_claim_billed_again_after_it() {
    let events = [
        event("e1", "CLM-A"),
        void("v", "CLM-A"),
        event("e3", "CLM-A"),
    ];
    let mut history = history_of(&events);
    assert_eq!(history.apply(&void("v", "CLM-A"), 3), Recorded::Duplicate);
    assert_eq!(prior_ids(&history, &event("probe", "CLM-B"), 4), ["CLM-A"]);
}

#[test]
fn redelivery_is_keyed_on_the_event_id_alone_across_patients() {
    let mut history = history_of(&[event("e1", "CLM-A"), event("e2", "CLM-B")]);
    // The same event id under another patient: nothing is recorded for that patient.
    let mut moved = event("e1", "CLM-Z");
    moved.patient_id = "pt-other".into();
    assert_eq!(history.apply(&moved, 2), Recorded::Duplicate);
    assert_eq!((history.patients(), history.versions()), (1, 2));
}

#[test]
fn a_redelivered_event_with_changed_content_is_screened_as_it_reads_at_its_first_position() {
    let mut history = history_of(&[event("e1", "CLM-A"), event("e2", "CLM-B")]);
    let engine = crate::testing::engine();
    // e2 comes back as a bill of claim A: at e2's first position (1), claim A (e1) is prior
    // but excluded as the event's own claim now; claim B is its own first version.
    let changed = event("e2", "CLM-A");
    assert_eq!(prior_ids(&history, &changed, 5), Vec::<String>::new());
    let (screening, recorded) = history.screen(&changed, 5, |prior| {
        engine.screen_with_history(&changed, prior)
    });
    assert_eq!(
        (screening.findings, recorded),
        (vec![], Recorded::Duplicate)
    );
    // As first sent, e2 duplicated claim A.
    let first = event("e2", "CLM-B");
    let (screening, _) =
        history.screen(&first, 6, |prior| engine.screen_with_history(&first, prior));
    let fired: Vec<_> = screening
        .findings
        .iter()
        .map(|f| f.rule_id.to_string())
        .collect();
    assert_eq!(fired, ["TR-050"]);
}

#[test]
fn an_event_recorded_out_of_position_order_takes_its_place() {
    // Position 5 arrives before position 3 (both new to history).
    let mut history = history_of(&[event("e0", "CLM-A")]);
    let mut later = event("e5", "CLM-A");
    later.claim_frequency = ClaimFrequency::Replacement;
    later.service_lines[0].date_of_service = date(2026, 4, 1);
    history.apply(&later, 5);
    history.apply(&void("e3", "CLM-A"), 3);
    let probe = event("probe", "CLM-B");
    assert_eq!(prior_ids(&history, &probe, 2), ["CLM-A"]);
    assert_eq!(prior_ids(&history, &probe, 4), Vec::<String>::new());
    let at_6: Vec<_> = history.prior_claims(&probe, 6).iter().collect();
    assert_eq!(at_6.len(), 1);
    let dates: Vec<_> = at_6[0].lines().map(|l| l.date_of_service()).collect();
    assert_eq!(dates[0], date(2026, 4, 1));
}

#[test]
fn screen_gives_the_screening_and_records_the_event() {
    let mut history = History::new();
    let engine = crate::testing::engine();
    let event = clean_encounter();
    let (screening, recorded) =
        history.screen(&event, 0, |prior| engine.screen_with_history(&event, prior));
    assert_eq!((screening.findings, recorded), (vec![], Recorded::New));
    assert_eq!(history.first_position("evt-0001"), Some(0));
}

#[test]
fn prior_lines_read_back_the_flags_the_charge_and_the_code() {
    let mut billed = event("e1", "CLM-A");
    billed.service_lines[1].modifiers = vec!["GN".into(), "KX".into()];
    billed.service_lines[1].charge_cents = 12_345;
    let history = history_of(&[billed]);
    let probe = event("probe", "CLM-B");
    let claim = history.prior_claims(&probe, 1).iter().next().unwrap();
    let lines: Vec<_> = claim
        .lines()
        .map(|l| {
            (
                l.has_code("97012"),
                l.has_gp(),
                l.has_gn(),
                l.has_kx(),
                l.charge_cents(),
                l.is_on(date(2026, 3, 2)),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (true, true, false, false, 5_000, true),
            (false, false, true, true, 12_345, true)
        ]
    );
    assert_eq!(
        (claim.npi(), claim.discipline()),
        (
            crate::testing::RENDERING_NPI,
            crate::domain::Discipline::PhysicalTherapist
        )
    );
}
