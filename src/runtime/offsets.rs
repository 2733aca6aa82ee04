//! Contiguous per-partition commit tracking.
//!
//! Guarantee: the position this tracker hands out for a partition never passes an offset
//! whose outcome (or dead letter) has not been acknowledged. Work may complete in any
//! order; the committable position is the lowest offset still in flight, or one past the
//! highest offset consumed when nothing is in flight. Offsets need not be contiguous
//! (compaction and transaction markers leave gaps): only consumed offsets are tracked.

use std::collections::{BTreeSet, HashMap};

/// A topic partition, as the tracker keys it.
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
    in_flight: BTreeSet<i64>,
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

    /// Marks an offset acknowledged. Unknown offsets are ignored (a completion from before
    /// a rebalance whose message was consumed again and already acknowledged).
    pub fn done(&mut self, offset: i64) {
        self.in_flight.remove(&offset);
    }

    /// The offset to commit now (the next one to consume), whether or not it is new.
    pub fn position(&self) -> Option<i64> {
        self.in_flight.first().copied().or(self.next)
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

/// Every assigned partition's offsets.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    partitions: HashMap<Partition, PartitionOffsets>,
}

impl OffsetTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts tracking a partition (on assignment); a no-op when already tracked.
    pub fn assign(&mut self, partition: Partition) {
        self.partitions.entry(partition).or_default();
    }

    /// Stops tracking a partition (after revocation), returning what it had.
    pub fn revoke(&mut self, partition: &Partition) -> Option<PartitionOffsets> {
        self.partitions.remove(partition)
    }

    pub fn consumed(&mut self, partition: &Partition, offset: i64) {
        match self.partitions.get_mut(partition) {
            Some(offsets) => offsets.consumed(offset),
            None => {
                let mut offsets = PartitionOffsets::default();
                offsets.consumed(offset);
                self.partitions.insert(partition.clone(), offsets);
            }
        }
    }

    pub fn done(&mut self, partition: &Partition, offset: i64) {
        if let Some(offsets) = self.partitions.get_mut(partition) {
            offsets.done(offset);
        }
    }

    /// The positions of every partition that are ahead of their last confirmed commit.
    pub fn commits_due(&self) -> Vec<(Partition, i64)> {
        let mut commits: Vec<(Partition, i64)> = self
            .partitions
            .iter()
            .filter_map(|(partition, offsets)| Some((partition.clone(), offsets.commit_due()?)))
            .collect();
        commits.sort();
        commits
    }

    /// Records a commit the broker confirmed (ignored for a partition no longer tracked).
    pub fn confirm(&mut self, partition: &Partition, offset: i64) {
        if let Some(offsets) = self.partitions.get_mut(partition) {
            offsets.confirm(offset);
        }
    }

    pub fn is_assigned(&self, partition: &Partition) -> bool {
        self.partitions.contains_key(partition)
    }

    /// How many partitions are tracked (assigned).
    pub fn assigned(&self) -> usize {
        self.partitions.len()
    }

    /// The commit position of every partition that has one, whether or not it is new.
    pub fn positions(&self) -> Vec<(Partition, i64)> {
        let mut positions: Vec<(Partition, i64)> = self
            .partitions
            .iter()
            .filter_map(|(partition, offsets)| Some((partition.clone(), offsets.position()?)))
            .collect();
        positions.sort();
        positions
    }

    /// Messages consumed and not yet acknowledged, over the given partitions (all when
    /// `None`).
    pub fn in_flight(&self, only: Option<&[Partition]>) -> usize {
        self.partitions
            .iter()
            .filter(|(partition, _)| only.is_none_or(|set| set.contains(partition)))
            .map(|(_, offsets)| offsets.in_flight())
            .sum()
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
    fn completion_for_an_unknown_partition_is_ignored() {
        let mut tracker = OffsetTracker::new();
        tracker.done(&Partition::new("encounters", 0), 5);
        assert_eq!(tracker.commits_due(), vec![]);
    }

    #[test]
    fn revoked_partition_is_forgotten() {
        let mut tracker = OffsetTracker::new();
        let p0 = Partition::new("encounters", 0);
        tracker.assign(p0.clone());
        tracker.consumed(&p0, 0);
        assert_eq!(tracker.in_flight(None), 1);
        let revoked = tracker.revoke(&p0).unwrap();
        assert_eq!(revoked.position(), Some(0));
        assert_eq!(tracker.in_flight(None), 0);
        assert_eq!(tracker.commits_due(), vec![]);
    }

    #[test]
    fn commits_are_reported_per_partition_in_order() {
        let mut tracker = OffsetTracker::new();
        let (p0, p1) = (
            Partition::new("encounters", 0),
            Partition::new("encounters", 1),
        );
        tracker.consumed(&p1, 4);
        tracker.consumed(&p0, 9);
        tracker.done(&p1, 4);
        assert_eq!(
            tracker.commits_due(),
            vec![(p0.clone(), 9), (p1.clone(), 5)]
        );
        assert_eq!(tracker.in_flight(Some(std::slice::from_ref(&p0))), 1);
        assert_eq!(tracker.in_flight(Some(&[p1])), 0);
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
