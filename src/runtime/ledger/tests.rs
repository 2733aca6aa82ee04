//! The ledger over partitions: claims, assignment and revocation, and waiting for a drain.

use std::thread;
use std::time::Duration;

use super::*;

fn p(partition: i32) -> Partition {
    Partition::new("encounters", partition)
}

fn ledger() -> Arc<Ledger> {
    Arc::new(Ledger::new())
}

#[test]
fn a_claim_counts_in_flight_until_it_is_done() {
    let ledger = ledger();
    let first = ledger.consume(p(0), 0);
    let second = ledger.consume(p(0), 1);
    assert_eq!(ledger.in_flight(), 2);
    second.done();
    assert_eq!(ledger.in_flight(), 1);
    assert_eq!(ledger.commits_due(), vec![(p(0), 0)]);
    first.done();
    drop((first, second));
    assert_eq!(
        (ledger.in_flight(), ledger.commits_due()),
        (0, vec![(p(0), 2)])
    );
}

#[test]
fn a_claim_dropped_unfinished_is_abandoned_and_never_committed_past() {
    let ledger = ledger();
    let abandoned = ledger.consume(p(0), 0);
    let next = ledger.consume(p(0), 1);
    drop(abandoned);
    next.done();
    assert_eq!(ledger.in_flight(), 0);
    assert_eq!(ledger.positions(), vec![(p(0), 0)]);
}

#[test]
fn completion_for_an_unknown_partition_is_ignored() {
    let ledger = ledger();
    let claim = ledger.consume(p(0), 5);
    assert_eq!(ledger.revoke(&[p(0)]), vec![(p(0), 5)]);
    claim.done();
    assert_eq!((ledger.in_flight(), ledger.commits_due()), (0, vec![]));
}

#[test]
fn revoked_partition_is_forgotten() {
    let ledger = ledger();
    assert_eq!(ledger.assign([p(0), p(1)]), 2);
    let _claim = ledger.consume(p(0), 0);
    assert_eq!(ledger.in_flight(), 1);
    assert_eq!(ledger.revoke(&[p(0)]), vec![(p(0), 0)]);
    assert_eq!(ledger.in_flight(), 0);
    assert_eq!(ledger.commits_due(), vec![]);
    assert_eq!(ledger.assigned(), 1);
    assert!(!ledger.is_assigned(&p(0)) && ledger.is_assigned(&p(1)));
}

#[test]
fn commits_are_reported_per_partition_in_order() {
    let ledger = ledger();
    let _nine = ledger.consume(p(0), 9);
    ledger.consume(p(1), 4).done();
    assert_eq!(ledger.commits_due(), vec![(p(0), 9), (p(1), 5)]);
    ledger.confirm(&p(1), 5);
    assert_eq!(ledger.commits_due(), vec![(p(0), 9)]);
}

#[test]
fn a_drain_wakes_when_the_last_claim_is_settled() {
    let ledger = ledger();
    let claims = [ledger.consume(p(0), 0), ledger.consume(p(1), 0)];
    let started = Instant::now();
    let settler = thread::spawn(move || {
        for claim in claims {
            thread::sleep(Duration::from_millis(50));
            claim.done();
        }
    });
    let left = ledger.wait_drained(None, started + Duration::from_secs(60));
    assert_eq!(left, 0);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    settler.join().expect("the settler finishes");
}

#[test]
fn a_drain_of_some_partitions_waits_for_those_only() {
    let ledger = ledger();
    let _other = ledger.consume(p(1), 0);
    let waited = ledger.consume(p(0), 0);
    let deadline = Instant::now() + Duration::from_secs(60);
    let settler = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        waited.done();
    });
    assert_eq!(ledger.wait_drained(Some(&[p(0)]), deadline), 0);
    assert_eq!(ledger.in_flight(), 1);
    settler.join().expect("the settler finishes");
}

#[test]
fn a_drain_gives_up_at_its_deadline_with_the_count_left() {
    let ledger = ledger();
    let _stuck = [ledger.consume(p(0), 0), ledger.consume(p(0), 1)];
    let deadline = Instant::now() + Duration::from_millis(50);
    assert_eq!(ledger.wait_drained(None, deadline), 2);
    assert!(Instant::now() >= deadline);
}

#[test]
fn the_admission_gate_opens_when_a_message_settles_and_not_before() {
    let ledger = ledger();
    let first = ledger.consume(p(0), 0);
    let _second = ledger.consume(p(1), 0);
    let soon = || Instant::now() + Duration::from_millis(50);
    assert_eq!(ledger.wait_below(3, soon()), 2, "below the limit: at once");
    assert_eq!(
        ledger.wait_below(2, soon()),
        2,
        "at the limit: until the deadline"
    );
    let settler = thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        first.done();
    });
    let patient = Instant::now() + Duration::from_secs(10);
    assert_eq!(
        ledger.wait_below(2, patient),
        1,
        "woken by the settled claim"
    );
    settler.join().expect("the settler finishes");
}

#[test]
fn a_rewind_forgets_what_was_consumed_and_claims_from_before_it_settle_nothing() {
    let ledger = ledger();
    let stale = ledger.consume(p(0), 5);
    ledger.consume(p(0), 6).done();
    ledger.rewind();
    assert_eq!((ledger.in_flight(), ledger.positions()), (0, vec![]));
    assert_eq!(ledger.assigned(), 1, "the partition stays assigned");
    let again = ledger.consume(p(0), 5);
    drop(stale);
    assert_eq!(
        ledger.in_flight(),
        1,
        "the stale claim did not abandon offset 5"
    );
    again.done();
    assert_eq!(ledger.commits_due(), vec![(p(0), 6)]);
}

#[test]
fn a_wait_for_room_returns_once_enough_claims_are_settled() {
    let ledger = ledger();
    let claims: Vec<Claim> = (0..4).map(|offset| ledger.consume(p(0), offset)).collect();
    let waiter = {
        let ledger = Arc::clone(&ledger);
        thread::spawn(move || ledger.wait_below(3, Instant::now() + Duration::from_secs(30)))
    };
    let mut claims = claims.into_iter();
    for claim in claims.by_ref().take(2) {
        claim.done();
    }
    assert_eq!(waiter.join().expect("waiter"), 2);
    assert_eq!(ledger.wait_below(2, Instant::now()), 2);
    drop(claims);
}
