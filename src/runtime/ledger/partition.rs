//! One partition's offsets: what was consumed, what is in flight, what was given up, and
//! the position that may be committed.
//!
//! Guarantee: the position handed out never passes an offset whose outcome (or dead
//! letter) has not been acknowledged. Work may complete in any order; the committable
//! position is the lowest offset still in flight or abandoned, or one past the highest
//! offset consumed when there is none. Offsets need not be contiguous (compaction and
//! transaction markers leave gaps): only consumed offsets are tracked.

use std::collections::BTreeSet;

/// A topic partition, as the ledger keys it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Partition {
    pub topic: String,
    pub partition: i32,
}

impl Partition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        Self {
            topic: topic.into(),
            partition,
        }
    }
}

/// One partition's consumed-but-unacknowledged offsets.
#[derive(Debug, Default)]
pub struct PartitionOffsets {
    /// Consumed, and being screened or delivered.
    in_flight: BTreeSet<i64>,
    /// Given up without an acknowledgement (the service is stopping, or a record could not
    /// be delivered): never committed past, and no longer waited for.
    abandoned: BTreeSet<i64>,
    /// One past the highest offset consumed.
    next: Option<i64>,
    /// The last position the broker confirmed as committed.
    confirmed: Option<i64>,
}

impl PartitionOffsets {
    pub fn consumed(&mut self, offset: i64) {
        self.in_flight.insert(offset);
        self.next = Some(self.next.map_or(offset + 1, |next| next.max(offset + 1)));
    }

    /// Marks an offset acknowledged; whether it was in flight. Unknown offsets are ignored
    /// (a completion from before a rebalance whose message was consumed again and already
    /// acknowledged).
    pub fn done(&mut self, offset: i64) -> bool {
        self.in_flight.remove(&offset)
    }

    /// Marks an in-flight offset given up; whether it was in flight.
    pub fn abandon(&mut self, offset: i64) -> bool {
        let was = self.in_flight.remove(&offset);
        if was {
            self.abandoned.insert(offset);
        }
        was
    }

    /// The offset to commit now (the next one to consume), whether or not it is new.
    pub fn position(&self) -> Option<i64> {
        let unfinished = [self.in_flight.first(), self.abandoned.first()];
        unfinished
            .into_iter()
            .flatten()
            .min()
            .copied()
            .or(self.next)
    }

    /// The position, while it is ahead of what the broker last confirmed. It is offered
    /// again at every commit until confirmed, so a refused commit is retried even when no
    /// new message arrives.
    pub fn commit_due(&self) -> Option<i64> {
        let position = self.position()?;
        match self.confirmed {
            Some(confirmed) if confirmed >= position => None,
            _ => Some(position),
        }
    }

    /// The broker confirmed a commit of `offset`.
    pub fn confirm(&mut self, offset: i64) {
        self.confirmed = Some(self.confirmed.map_or(offset, |c| c.max(offset)));
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Offers a commit and has the broker confirm it at once.
    fn commit(offsets: &mut PartitionOffsets) -> Option<i64> {
        let due = offsets.commit_due();
        if let Some(position) = due {
            offsets.confirm(position);
        }
        due
    }

    #[test]
    fn nothing_is_committable_before_anything_is_consumed() {
        let mut offsets = PartitionOffsets::default();
        assert_eq!(commit(&mut offsets), None);
    }

    #[test]
    fn commit_waits_for_the_lowest_in_flight_offset() {
        let mut offsets = PartitionOffsets::default();
        for offset in 10..15 {
            offsets.consumed(offset);
        }
        offsets.done(12);
        offsets.done(11);
        assert_eq!(commit(&mut offsets), Some(10));
        offsets.done(10);
        assert_eq!(commit(&mut offsets), Some(13));
        offsets.done(14);
        offsets.done(13);
        assert_eq!(commit(&mut offsets), Some(15));
        assert_eq!(commit(&mut offsets), None);
    }

    #[test]
    fn an_unconfirmed_commit_is_offered_again_until_confirmed() {
        let mut offsets = PartitionOffsets::default();
        offsets.consumed(0);
        offsets.done(0);
        assert_eq!(offsets.commit_due(), Some(1));
        // The broker refused it (e.g. a rebalance in progress): still due.
        assert_eq!(offsets.commit_due(), Some(1));
        offsets.confirm(1);
        assert_eq!(offsets.commit_due(), None);
    }

    #[test]
    fn an_older_confirmation_does_not_move_the_confirmed_position_back() {
        let mut offsets = PartitionOffsets::default();
        offsets.consumed(4);
        offsets.done(4);
        offsets.confirm(5);
        offsets.confirm(2);
        assert_eq!(offsets.commit_due(), None);
    }

    #[test]
    fn gaps_between_consumed_offsets_do_not_block_commits() {
        let mut offsets = PartitionOffsets::default();
        offsets.consumed(3);
        offsets.consumed(7);
        offsets.done(7);
        offsets.done(3);
        assert_eq!(commit(&mut offsets), Some(8));
    }

    #[test]
    fn an_abandoned_offset_is_not_in_flight_but_is_never_committed_past() {
        let mut offsets = PartitionOffsets::default();
        for offset in 0..3 {
            offsets.consumed(offset);
        }
        assert!(offsets.abandon(1));
        offsets.done(0);
        offsets.done(2);
        assert_eq!(offsets.in_flight(), 0);
        assert_eq!(commit(&mut offsets), Some(1));
        assert!(
            !offsets.done(1),
            "an abandoned offset is no longer in flight"
        );
        assert_eq!(offsets.position(), Some(1));
    }

    proptest! {
        /// Whatever the completion order, a handed-out position never passes an offset that
        /// was not done, and once everything is done the position is one past the last.
        #[test]
        fn position_never_passes_unacknowledged_work(
            order in Just((0i64..40).collect::<Vec<_>>()).prop_shuffle(),
            commit_every in 1usize..8,
        ) {
            let mut offsets = PartitionOffsets::default();
            for offset in 0..40 {
                offsets.consumed(offset);
            }
            let mut done = std::collections::BTreeSet::new();
            for (step, offset) in order.iter().enumerate() {
                offsets.done(*offset);
                done.insert(*offset);
                if step % commit_every == 0 {
                    if let Some(position) = commit(&mut offsets) {
                        prop_assert!((0..position).all(|o| done.contains(&o)));
                    }
                }
            }
            prop_assert_eq!(offsets.position(), Some(40));
        }
    }
}
