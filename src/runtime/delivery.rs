//! A message's records on their way to the broker: the producer's delivery opaque.
//!
//! Invariant: an input offset is marked done only in [`Pending::delivered`], after the
//! broker acknowledged every record produced for it. A `Pending` dropped before that (a
//! record could not be sent or delivered) drops its claim unsettled, which abandons the
//! message: it stops counting as in flight, so draining always ends, and its offset is
//! never committed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use traction_screen_core::domain::{AlertCondition, Verdict};

use super::ledger::Claim;
use crate::metrics::Metrics;

/// What was produced for an input message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produced {
    /// An outcome, and the condition of its copy on the alerts topic when it alerted.
    Outcome(Verdict, Option<AlertCondition>),
    DeadLetter(&'static str),
}

/// An input message whose records are on their way to the broker.
pub struct Pending {
    claim: Claim,
    consumed_at: Instant,
    produced: Produced,
    awaiting: AtomicUsize,
    metrics: Arc<Metrics>,
}

impl Pending {
    /// `records` = how many records must be acknowledged (2 when the outcome also goes to the
    /// alerts topic).
    pub fn new(
        claim: Claim,
        consumed_at: Instant,
        produced: Produced,
        records: usize,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            claim,
            consumed_at,
            produced,
            awaiting: AtomicUsize::new(records),
            metrics,
        }
    }

    /// One record was acknowledged; the last one completes the input offset.
    pub fn delivered(&self) {
        if self.awaiting.fetch_sub(1, Ordering::SeqCst) != 1 {
            return;
        }
        self.claim.done();
        let elapsed = self.consumed_at.elapsed();
        match self.produced {
            Produced::Outcome(verdict, alert) => {
                self.metrics.outcome_delivered(verdict, elapsed);
                if let Some(condition) = alert {
                    self.metrics.alert_delivered(condition);
                }
            }
            Produced::DeadLetter(reason) => self.metrics.dead_letter_delivered(reason, elapsed),
        }
    }
}
