//! A message's records on their way to the broker: the producer's delivery opaque.
//!
//! Invariant: an input offset is marked done only in [`Pending::delivered`], after the
//! broker acknowledged every record produced for it. A `Pending` dropped before that (a
//! record could not be sent or delivered) drops its claim unsettled, which abandons the
//! message: it stops counting as in flight, so draining always ends, and its offset is
//! never committed.
//!
//! One exception keeps a partition from sticking on a huge poison message: a dead letter
//! refused as too large (`MessageSizeTooLarge`, by the producer's own `message.max.bytes`
//! check or by the broker) is sent again without its value ([`shortened`]), for the same
//! `Pending`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Headers;
use rdkafka::producer::BaseRecord;
use traction_screen_core::domain::{AlertCondition, Verdict};

use super::dead_letter;
use super::ledger::Claim;
use super::records::Record;
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

    pub fn is_dead_letter(&self) -> bool {
        matches!(self.produced, Produced::DeadLetter(_))
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

/// The record as the producer takes it, with `pending` as its delivery opaque.
pub fn base_record<'a>(
    record: Record<'a>,
    pending: &Arc<Pending>,
) -> BaseRecord<'a, [u8], [u8], Arc<Pending>> {
    let mut base = BaseRecord::with_opaque_to(record.topic, Arc::clone(pending));
    if let Some(key) = record.key {
        base = base.key(key);
    }
    if let Some(payload) = record.payload {
        base = base.payload(payload);
    }
    if let Some(headers) = record.headers {
        base = base.headers(headers);
    }
    base
}

/// Whether `error` says the record is larger than the producer or the broker accepts.
pub fn too_large(error: &KafkaError) -> bool {
    error.rdkafka_error_code() == Some(RDKafkaErrorCode::MessageSizeTooLarge)
}

/// The dead letter of `pending` (on `topic`, with `key` and `headers`) again without its
/// value and original headers (`dead_letter::value_omitted`); `None` when `pending` is not
/// a dead letter or the record was already shortened.
pub fn shortened<'a>(
    pending: &Pending,
    topic: &'a str,
    key: Option<&'a [u8]>,
    headers: Option<&impl Headers>,
) -> Option<Record<'a>> {
    if !pending.is_dead_letter() {
        return None;
    }
    Some(Record {
        topic,
        key,
        payload: None,
        headers: Some(dead_letter::value_omitted(headers)?),
    })
}
