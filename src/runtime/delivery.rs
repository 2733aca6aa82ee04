//! A message's records on their way to the broker: the producer's delivery opaque.
//!
//! Invariant: an input offset is marked done only in [`Pending::delivered`], after the
//! broker acknowledged every record produced for it. A `Pending` dropped before that (a
//! record could not be sent or delivered) drops its claim unsettled, which abandons the
//! message: it stops counting as in flight, so draining always ends, and its offset is
//! never committed.
//!
//! The producer's context ([`ProducerCtx`]) receives the delivery reports: an acknowledged
//! record completes its input offset; a record that cannot be delivered stops the service
//! (at-least-once: its offset is never committed) or, in exactly-once mode, fails its
//! transaction, which is aborted.
//!
//! One exception keeps a partition from sticking on a huge poison message: a dead letter
//! refused as too large (`MessageSizeTooLarge`, by the producer's own `message.max.bytes`
//! check or by the broker) is sent again without its value ([`shortened`]), for the same
//! `Pending`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use std::sync::{OnceLock, Weak};

use rdkafka::Message;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, Headers};
use rdkafka::producer::{BaseRecord, DeliveryResult, ProducerContext, ThreadedProducer};
use tracing::warn;
use traction_screen_core::domain::{AlertCondition, Verdict};

use super::dead_letter;
use super::kafka::{client_error, client_log};
use super::ledger::Claim;
use super::records::Record;
use super::shared::Shared;
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
    if let Some(partition) = record.partition {
        base = base.partition(partition);
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
        partition: None,
        key,
        payload: None,
        headers: Some(dead_letter::value_omitted(headers)?),
    })
}

/// The service's producer: delivery reports complete the messages' [`Pending`] records.
pub type ServiceProducer = ThreadedProducer<ProducerCtx>;

pub struct ProducerCtx {
    pub shared: Arc<Shared>,
    /// The producer itself, for the one record sent from a delivery report: a dead letter
    /// refused as too large, again without its value. Set once the producer exists.
    pub producer: OnceLock<Weak<ServiceProducer>>,
}

impl ProducerCtx {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            producer: OnceLock::new(),
        }
    }

    /// Sends the dead letter `message` of `pending` again without its value (see
    /// [`shortened`]), without waiting: false when it cannot be.
    fn resend_shortened(&self, message: &BorrowedMessage<'_>, pending: &Arc<Pending>) -> bool {
        let Some(producer) = self.producer.get().and_then(Weak::upgrade) else {
            return false;
        };
        let (topic, key) = (message.topic(), message.key());
        let Some(record) = shortened(pending, topic, key, message.headers()) else {
            return false;
        };
        producer.send(base_record(record, pending)).is_ok()
    }
}

impl ClientContext for ProducerCtx {
    fn log(&self, level: RDKafkaLogLevel, facility: &str, message: &str) {
        client_log(level, facility, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.shared.metrics.produce_error();
        client_error(&self.shared, error, reason);
    }
}

impl ProducerContext for ProducerCtx {
    type DeliveryOpaque = Arc<Pending>;

    fn delivery(&self, result: &DeliveryResult<'_>, pending: Arc<Pending>) {
        match result {
            Ok(_) => pending.delivered(),
            Err((error, message))
                if too_large(error) && self.resend_shortened(message, &pending) =>
            {
                warn!(
                    "the broker refused a dead letter as too large: sent again without its value"
                );
            }
            // Exactly-once: the transaction fails to commit, is aborted and rewound.
            Err((error, message)) if self.shared.transactions.get().is_some() => {
                self.shared.produce_error(message.topic());
                warn!(%error, "a record was not delivered: its transaction will be aborted");
            }
            Err((error, message)) => {
                self.shared.produce_error(message.topic());
                self.shared.shutdown.fail(format!(
                    "cannot deliver to topic {}: {error}",
                    message.topic()
                ));
            }
        }
    }
}
