//! The screening workers. Each takes consumed messages from its own queue (the consumer
//! sends a partition always to the same one, keeping its order), processes each through
//! the pipeline, and sends the records [`records_for`] decides on; the message's delivery
//! bookkeeping ([`Pending`]) travels with them as the producer's opaque.
//!
//! Everything one message does happens in [`Worker::handle`]; the Kafka side only sends
//! what it is told.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use tracing::{debug_span, error, warn};
use traction_screen_core::domain::Timestamp;
use traction_screen_core::history::History;
use traction_screen_core::pipeline::{Pipeline, Processed};

use super::delivery::{self, Pending, ServiceProducer, base_record};
use super::kafka::send_waiting;
use super::ledger::Claim;
use super::panic_probe;
use super::records::{self, Batch, Buffers, Consumed, Record, records_for};
use super::shared::Shared;
use super::transaction::{Transactions, is_fatal};
use crate::config::Topics;

/// One consumed message on its way to a worker.
pub(super) struct Job {
    pub(super) message: Consumed,
    pub(super) consumed_at: Instant,
    /// Its place in the ledger: settled when its records are acknowledged.
    pub(super) claim: Claim,
}

struct Worker {
    pipeline: Arc<Pipeline>,
    producer: Arc<ServiceProducer>,
    shared: Arc<Shared>,
    topics: Arc<Topics>,
}

/// How many jobs each of `workers` queues holds: together about `max_in_flight`, which the
/// consumer's admission gate keeps the total under anyway. A full queue blocks the
/// consumer thread (a partition always goes to the same worker, so a hot one can fill its
/// queue before the bound is reached): backpressure, never unbounded memory.
pub(super) fn queue_capacity(max_in_flight: usize, workers: usize) -> usize {
    max_in_flight.div_ceil(workers.max(1))
}

/// Starts `count` workers, each behind a queue of `capacity` jobs; returns their queues (a
/// dropped queue ends its worker) and threads.
pub(super) fn start(
    (count, capacity): (usize, usize),
    pipeline: &Arc<Pipeline>,
    producer: &Arc<ServiceProducer>,
    shared: &Arc<Shared>,
    topics: Topics,
) -> (Vec<SyncSender<Job>>, Vec<JoinHandle<()>>) {
    let topics = Arc::new(topics);
    (0..count)
        .map(|index| {
            let (sender, receiver) = mpsc::sync_channel(capacity);
            let worker = Worker {
                pipeline: Arc::clone(pipeline),
                producer: Arc::clone(producer),
                shared: Arc::clone(shared),
                topics: Arc::clone(&topics),
            };
            let handle = thread::Builder::new()
                .name(format!("screen-{index}"))
                .spawn(move || worker.run(receiver))
                .expect("spawning a worker thread");
            (sender, handle)
        })
        .unzip()
}

impl Worker {
    fn run(self, jobs: Receiver<Job>) {
        let mut buffers = Buffers::default();
        for job in jobs {
            self.handle(job, &mut buffers);
        }
    }

    /// One message: process it, decide what to produce, send that. A panic while
    /// processing or encoding it is contained here: the message is dead-lettered as
    /// `internal_error` and the partition moves on.
    fn handle(&self, job: Job, buffers: &mut Buffers) {
        let Job {
            message,
            consumed_at,
            claim,
        } = job;
        // Every log line about this message carries where it came from (and nothing from
        // its content) when debug logging is on. At debug level, not info: the JSON
        // formatter serialises a span's fields when it is created, which cost ~6 % of the
        // service's CPU per message (BENCHMARKS.md, "Profile"); the one line a message logs
        // at info or above, its dead letter, names topic, partition and offset itself.
        let _span = debug_span!(
            "message",
            topic = %message.partition.topic,
            partition = message.partition.partition,
            offset = message.offset
        )
        .entered();
        let now = Timestamp::now();
        let partition_history = match &self.shared.histories {
            Some(histories) => match histories.get(&message.partition) {
                Some(history) => Some(history),
                // Revoked, or its restore failed: abandoned (the claim is dropped unsettled),
                // never screened without its history.
                None => return,
            },
            None => None,
        };
        let mut history = partition_history.as_ref().map(|h| h.lock());
        let processed = contained(|| self.process(&message, history.as_deref_mut(), now));
        let batch = processed.as_ref().and_then(|processed| {
            self.observe(processed, &message);
            let (pipeline, history) = (&self.pipeline, history.as_deref());
            contained(|| {
                records_for(
                    processed,
                    &message,
                    &self.topics,
                    pipeline,
                    buffers,
                    now,
                    history,
                )
            })
        });
        if let (Some(partition), Some(history)) = (&partition_history, history) {
            partition.observe(&history);
        }
        let batch = match batch {
            Some(Ok(Some(batch))) => batch,
            // Abandoned: the claim is dropped unsettled, so the offset stays uncommitted.
            Some(Ok(None)) => return,
            Some(Err(error)) => {
                let cause = format!("cannot encode an outcome: {error}");
                return self.shared.shutdown.fail(cause);
            }
            None => {
                self.shared.metrics.panic_contained();
                error!(
                    topic = %message.partition.topic,
                    partition = message.partition.partition,
                    offset = message.offset,
                    "screening this message panicked: dead-lettering it as internal_error"
                );
                records::internal_error(&message, &self.topics, now)
            }
        };
        // Exactly-once: the records go into the open transaction, unless an abort rewound
        // the stream since this message was consumed (it is read again).
        let permit = self.shared.transactions.get().map(Transactions::permit);
        if permit.is_some() && !claim.is_current() {
            return;
        }
        let pending = Pending::new(
            claim,
            consumed_at,
            batch.produced,
            batch.records.len(),
            Arc::clone(&self.shared.metrics),
        );
        self.send_all(batch, &Arc::new(pending));
        drop(permit);
    }

    /// Decodes and screens the message, against its partition's history when there is one
    /// (its position there is its offset).
    fn process(
        &self,
        message: &Consumed,
        history: Option<&mut History>,
        now: Timestamp,
    ) -> Processed {
        let payload = message.payload.as_deref().unwrap_or_default();
        let source = Some(message.source());
        let processed = match history {
            Some(history) => {
                let position = u64::try_from(message.offset).unwrap_or_default();
                self.pipeline
                    .process_in(payload, history, position, now, source)
            }
            None => self.pipeline.process(payload, now, source),
        };
        panic_probe::check(&processed);
        processed
    }

    /// The screening metric, and the log line of a dead letter.
    fn observe(&self, processed: &Processed, message: &Consumed) {
        match processed {
            Processed::Screened(screened) => self
                .shared
                .metrics
                .screened(&screened.outcome.findings, screened.screening_time),
            Processed::Rejected(error) => warn!(
                topic = %message.partition.topic,
                partition = message.partition.partition,
                offset = message.offset,
                reason = error.code(),
                %error,
                "dead-lettering a message that cannot be screened"
            ),
            Processed::Abandoned => {}
        }
    }

    /// Sends the records in order, stopping at the first that cannot be sent.
    fn send_all(&self, batch: Batch<'_>, pending: &Arc<Pending>) {
        for record in batch.records {
            if !self.send(record, pending) {
                return;
            }
        }
    }

    /// Hands one record to the producer (waiting while its queue is full). Returns false
    /// when the service is failing and the record was not sent. A dead letter over the
    /// producer's size limit is sent again without its value.
    fn send(&self, record: Record<'_>, pending: &Arc<Pending>) -> bool {
        let (topic, key) = (record.topic, record.key);
        let shorter = delivery::shortened(pending, topic, key, record.headers.as_ref());
        let failing = || self.shared.shutdown.failure().is_some();
        match send_waiting(&self.producer, base_record(record, pending), failing) {
            Ok(sent) => sent,
            Err(error) if delivery::too_large(&error) && shorter.is_some() => {
                warn!(
                    "dead letter over the producer's message.max.bytes: sending it without its value"
                );
                shorter.is_some_and(|record| self.send(record, pending))
            }
            Err(error) if self.shared.transactions.get().is_some() && !is_fatal(&error) => {
                self.shared.produce_error(topic);
                warn!(%error, "cannot produce: the transaction will be aborted");
                false
            }
            Err(error) => {
                self.shared.produce_error(topic);
                self.shared
                    .shutdown
                    .fail(format!("cannot produce to topic {topic}: {error}"));
                false
            }
        }
    }
}

/// Runs `f`, containing a panic: `None` if it panicked. The panic's message is not kept:
/// it may quote the message's content (the panic hook logs only where it happened,
/// `telemetry::log_panics`).
fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    panic::catch_unwind(AssertUnwindSafe(f)).ok()
}

#[cfg(test)]
mod tests {
    use super::queue_capacity;

    #[test]
    fn the_queues_together_hold_about_the_in_flight_bound() {
        assert_eq!(queue_capacity(10_000, 4), 2_500);
        assert_eq!(queue_capacity(10, 3), 4);
        assert_eq!(queue_capacity(1, 8), 1);
    }
}
