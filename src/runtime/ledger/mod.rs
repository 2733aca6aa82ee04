//! The in-flight ledger: every consumed message from the moment it is consumed until its
//! records are acknowledged (or it is given up), per partition — the one place that says
//! how many messages are in flight (the `--max-in-flight` bound, the drain on shutdown and
//! revocation) and which offsets may be committed.
//!
//! Shared by the consumer thread (consume, commit, drain, rebalance callbacks), the workers
//! and the producer's delivery callback, behind one lock; every settled message wakes the
//! waiters of [`Ledger::wait_drained`], so draining waits on a condition variable instead
//! of polling. Guarantee: a position handed out for commit never passes an offset whose
//! outcome or dead letter was not acknowledged (see `partition`).

mod partition;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

pub use partition::{Partition, PartitionOffsets};

#[derive(Debug, Default)]
pub struct Ledger {
    state: Mutex<Offsets>,
    /// Notified whenever a message stops being in flight, or partitions are revoked.
    settled: Condvar,
}

/// Every tracked partition's offsets, and how many messages are in flight over all of them.
#[derive(Debug, Default)]
struct Offsets {
    partitions: HashMap<Partition, PartitionOffsets>,
    /// The sum of the partitions' in-flight offsets, kept with them under the same lock.
    in_flight: usize,
    /// Bumped by [`Ledger::rewind`]: a claim of an earlier generation settles nothing.
    generation: u64,
}

impl Offsets {
    fn in_flight_of(&self, only: Option<&[Partition]>) -> usize {
        match only {
            None => self.in_flight,
            Some(partitions) => partitions
                .iter()
                .filter_map(|partition| self.partitions.get(partition))
                .map(PartitionOffsets::in_flight)
                .sum(),
        }
    }
}

impl Ledger {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Offsets> {
        // Each method changes the state in one step that cannot panic halfway, so a
        // poisoned lock still guards a consistent ledger.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A message was consumed: it is in flight until its claim is settled.
    pub fn consume(self: &Arc<Self>, partition: Partition, offset: i64) -> Claim {
        let generation = {
            let mut state = self.lock();
            state
                .partitions
                .entry(partition.clone())
                .or_default()
                .consumed(offset);
            state.in_flight += 1;
            state.generation
        };
        Claim {
            ledger: Arc::clone(self),
            partition,
            offset,
            generation,
            settled: AtomicBool::new(false),
        }
    }

    fn settle(&self, claim: &Claim, done: bool) {
        let (partition, offset) = (&claim.partition, claim.offset);
        let mut state = self.lock();
        if state.generation != claim.generation {
            return;
        }
        let Some(offsets) = state.partitions.get_mut(partition) else {
            return;
        };
        let was_in_flight = if done {
            offsets.done(offset)
        } else {
            offsets.abandon(offset)
        };
        if was_in_flight {
            state.in_flight -= 1;
            self.settled.notify_all();
        }
    }

    /// Starts tracking partitions (on assignment); returns how many are tracked now.
    pub fn assign(&self, partitions: impl IntoIterator<Item = Partition>) -> usize {
        let mut state = self.lock();
        for partition in partitions {
            state.partitions.entry(partition).or_default();
        }
        state.partitions.len()
    }

    /// Stops tracking partitions (on revocation); returns the position of each that has
    /// one, to commit. Their messages still in flight are no longer counted: completions
    /// for them are ignored.
    pub fn revoke(&self, partitions: &[Partition]) -> Vec<(Partition, i64)> {
        let mut state = self.lock();
        let mut positions = Vec::new();
        for partition in partitions {
            if let Some(offsets) = state.partitions.remove(partition) {
                state.in_flight -= offsets.in_flight();
                positions.extend(offsets.position().map(|p| (partition.clone(), p)));
            }
        }
        self.settled.notify_all();
        positions
    }

    /// Forgets every message consumed so far, keeping the partitions assigned (exactly-once:
    /// the transaction that held their records was aborted, and the consumer goes back to
    /// the committed offsets). Their claims settle nothing any more.
    pub fn rewind(&self) {
        let mut state = self.lock();
        for offsets in state.partitions.values_mut() {
            *offsets = PartitionOffsets::default();
        }
        state.in_flight = 0;
        state.generation += 1;
        self.settled.notify_all();
    }

    /// The positions of every partition that are ahead of their last confirmed commit.
    pub fn commits_due(&self) -> Vec<(Partition, i64)> {
        self.sorted(PartitionOffsets::commit_due)
    }

    /// The commit position of every partition that has one, whether or not it is new.
    pub fn positions(&self) -> Vec<(Partition, i64)> {
        self.sorted(PartitionOffsets::position)
    }

    fn sorted(&self, position: fn(&PartitionOffsets) -> Option<i64>) -> Vec<(Partition, i64)> {
        let state = self.lock();
        let mut positions: Vec<(Partition, i64)> = state
            .partitions
            .iter()
            .filter_map(|(partition, offsets)| Some((partition.clone(), position(offsets)?)))
            .collect();
        positions.sort();
        positions
    }

    /// Records a commit the broker confirmed (ignored for a partition no longer tracked).
    pub fn confirm(&self, partition: &Partition, offset: i64) {
        if let Some(offsets) = self.lock().partitions.get_mut(partition) {
            offsets.confirm(offset);
        }
    }

    pub fn is_assigned(&self, partition: &Partition) -> bool {
        self.lock().partitions.contains_key(partition)
    }

    /// How many partitions are tracked (assigned).
    pub fn assigned(&self) -> usize {
        self.lock().partitions.len()
    }

    /// Messages consumed and not yet acknowledged or given up.
    pub fn in_flight(&self) -> usize {
        self.lock().in_flight
    }

    /// Waits until fewer than `limit` messages are in flight, or until `deadline`; returns
    /// how many are. The consumer's admission gate (the in-flight bound holds even when
    /// pausing the partitions did not take effect) and its wait before pausing.
    pub fn wait_below(&self, limit: usize, deadline: Instant) -> usize {
        self.wait_until_fewer_than(limit, |state| state.in_flight, deadline)
    }

    /// Waits until no message of `only` (every partition when `None`) is in flight, or
    /// until `deadline`; returns how many still are.
    pub fn wait_drained(&self, only: Option<&[Partition]>, deadline: Instant) -> usize {
        self.wait_until_fewer_than(1, |state| state.in_flight_of(only), deadline)
    }

    fn wait_until_fewer_than(
        &self,
        bound: usize,
        count: impl Fn(&Offsets) -> usize,
        deadline: Instant,
    ) -> usize {
        let mut state = self.lock();
        loop {
            let left = count(&state);
            let now = Instant::now();
            if left < bound || now >= deadline {
                return left;
            }
            state = self
                .settled
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A consumed message's place in the ledger while it is in flight. [`done`](Self::done)
/// when its records are acknowledged; dropped without that (the service stops while it
/// waits for a writer schema, or its records cannot be delivered), it is abandoned: no
/// longer in flight, and never committed past.
#[derive(Debug)]
pub struct Claim {
    ledger: Arc<Ledger>,
    partition: Partition,
    offset: i64,
    generation: u64,
    settled: AtomicBool,
}

impl Claim {
    /// Whether no [`Ledger::rewind`] happened since it was consumed.
    pub fn is_current(&self) -> bool {
        self.ledger.lock().generation == self.generation
    }

    /// Its records were acknowledged: the offset may be committed past.
    pub fn done(&self) {
        if !self.settled.swap(true, Ordering::SeqCst) {
            self.ledger.settle(self, true);
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if !*self.settled.get_mut() {
            self.ledger.settle(self, false);
        }
    }
}
