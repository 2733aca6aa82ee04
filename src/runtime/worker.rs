//! The screening workers. Each takes consumed messages from its own queue (the consumer
//! sends a partition always to the same one, keeping its order), processes each through
//! the pipeline, and sends the records [`records_for`] decides on; the message's delivery
//! bookkeeping ([`Pending`]) travels with them as the producer's opaque.
//!
//! Everything one message does happens in [`Worker::handle`]; the Kafka side only sends
//! what it is told.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use rdkafka::producer::BaseRecord;
use tracing::{debug_span, warn};
use traction_screen_core::domain::Timestamp;
use traction_screen_core::pipeline::{Pipeline, Processed};

use super::delivery::Pending;
use super::kafka::{ServiceProducer, send_waiting};
use super::ledger::Claim;
use super::records::{Batch, Buffers, Consumed, Record, records_for};
use super::shared::Shared;
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

/// Starts `count` workers; returns their queues (a dropped queue ends its worker) and
/// threads.
pub(super) fn start(
    count: usize,
    pipeline: &Arc<Pipeline>,
    producer: &Arc<ServiceProducer>,
    shared: &Arc<Shared>,
    topics: Topics,
) -> (Vec<Sender<Job>>, Vec<JoinHandle<()>>) {
    let topics = Arc::new(topics);
    (0..count)
        .map(|index| {
            let (sender, receiver) = mpsc::channel();
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

    /// One message: process it, decide what to produce, send that.
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
        let payload = message.payload.as_deref().unwrap_or_default();
        let processed = self
            .pipeline
            .process(payload, Timestamp::now(), Some(message.source()));
        self.observe(&processed, &message);
        let batch = records_for(
            &processed,
            &message,
            &self.topics,
            &self.pipeline,
            buffers,
            Timestamp::now(),
        );
        match batch {
            Ok(Some(batch)) => {
                let pending = Pending::new(
                    claim,
                    consumed_at,
                    batch.produced,
                    batch.records.len(),
                    Arc::clone(&self.shared.metrics),
                );
                self.send_all(batch, &Arc::new(pending));
            }
            // Abandoned: the claim is dropped unsettled, so the offset stays uncommitted.
            Ok(None) => {}
            Err(error) => self
                .shared
                .shutdown
                .fail(format!("cannot encode an outcome: {error}")),
        }
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
    /// when the service is failing and the record was not sent.
    fn send(&self, record: Record<'_>, pending: &Arc<Pending>) -> bool {
        let topic = record.topic;
        let mut base: BaseRecord<'_, [u8], [u8], Arc<Pending>> =
            BaseRecord::with_opaque_to(topic, Arc::clone(pending));
        if let Some(key) = record.key {
            base = base.key(key);
        }
        if let Some(payload) = record.payload {
            base = base.payload(payload);
        }
        if let Some(headers) = record.headers {
            base = base.headers(headers);
        }
        let failing = || self.shared.shutdown.failure().is_some();
        match send_waiting(&self.producer, base, failing) {
            Ok(sent) => sent,
            Err(error) => {
                self.shared.metrics.produce_error();
                self.shared
                    .shutdown
                    .fail(format!("cannot produce to topic {topic}: {error}"));
                false
            }
        }
    }
}
