//! Per-message bookkeeping shared by the consumer thread, the workers and the producer's
//! delivery callback: offsets in flight, the in-flight bound, and what to record when a
//! message's outcome (or dead letter) is acknowledged.
//!
//! Invariant: an input offset is marked done only in [`Pending::delivered`], i.e. after the
//! broker acknowledged every record produced for it; a [`Permit`] is released whenever a
//! message stops being in flight, acknowledged or not, so draining always terminates.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use traction_screen_core::domain::Verdict;

use super::admin::Health;
use super::kafka::BrokerErrors;
use super::offsets::{OffsetTracker, Partition};
use super::shutdown::Shutdown;
use crate::metrics::Metrics;

pub struct Shared {
    tracker: Mutex<OffsetTracker>,
    in_flight: AtomicUsize,
    pub metrics: Arc<Metrics>,
    pub health: Arc<Health>,
    pub shutdown: Shutdown,
    pub input_topic: String,
    pub drain_timeout: Duration,
    /// Connection failures of both clients (see [`BrokerErrors`]).
    pub broker_errors: BrokerErrors,
}

impl Shared {
    pub fn new(
        metrics: Arc<Metrics>,
        health: Arc<Health>,
        shutdown: Shutdown,
        input_topic: String,
        drain_timeout: Duration,
    ) -> Self {
        Self {
            tracker: Mutex::new(OffsetTracker::new()),
            in_flight: AtomicUsize::new(0),
            metrics,
            health,
            shutdown,
            input_topic,
            drain_timeout,
            broker_errors: BrokerErrors::default(),
        }
    }

    pub fn tracker(&self) -> MutexGuard<'_, OffsetTracker> {
        // A panic while holding the lock cannot leave the tracker half-updated (each method
        // is one map operation), so a poisoned lock is still usable.
        self.tracker.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Messages consumed and not yet finished (acknowledged, dead-lettered or abandoned).
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }
}

/// One message's claim on the in-flight budget; released on drop.
pub struct Permit {
    shared: Arc<Shared>,
}

impl Permit {
    pub fn acquire(shared: &Arc<Shared>) -> Self {
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        Self {
            shared: Arc::clone(shared),
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What was produced for an input message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produced {
    Outcome(Verdict),
    DeadLetter(&'static str),
}

/// An input message whose records are on their way to the broker: the producer's delivery
/// opaque. Holds the permit, so the in-flight count drops when the last record's delivery
/// report is handled (or when a send fails and the records are dropped).
pub struct Pending {
    partition: Partition,
    offset: i64,
    consumed_at: Instant,
    produced: Produced,
    awaiting: AtomicUsize,
    permit: Permit,
}

impl Pending {
    /// `records` = how many records must be acknowledged (2 when a FAIL also goes to the
    /// alerts topic).
    pub fn new(
        partition: Partition,
        offset: i64,
        consumed_at: Instant,
        produced: Produced,
        records: usize,
        permit: Permit,
    ) -> Self {
        Self {
            partition,
            offset,
            consumed_at,
            produced,
            awaiting: AtomicUsize::new(records),
            permit,
        }
    }

    /// One record was acknowledged; the last one completes the input offset.
    pub fn delivered(&self) {
        if self.awaiting.fetch_sub(1, Ordering::SeqCst) != 1 {
            return;
        }
        let shared = &self.permit.shared;
        shared.tracker().done(&self.partition, self.offset);
        let elapsed = self.consumed_at.elapsed();
        match self.produced {
            Produced::Outcome(verdict) => shared.metrics.outcome_delivered(verdict, elapsed),
            Produced::DeadLetter(reason) => shared.metrics.dead_letter_delivered(reason, elapsed),
        }
    }
}
