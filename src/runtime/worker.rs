//! The service loop: consume → screen → publish → commit, at least once.
//!
//! Guarantee: an input offset is committed only after the outcome (or dead letter) of it
//! and of every earlier offset of its partition was acknowledged by the broker. A crash can
//! re-publish outcomes (same `event_id`), never lose one.
//!
//! Threads: one consumer thread polls Kafka (it also runs the rebalance callbacks and the
//! blocking commits), `workers` threads decode/screen/encode and hand records to the
//! producer, and the producer's own thread runs delivery reports. A partition always goes
//! to the same worker, so order inside a partition is kept while partitions run in
//! parallel. Memory is bounded by `max_in_flight`: past it, the consumer pauses its
//! partitions until acknowledgements catch up.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, Producer, ThreadedProducer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use tracing::{info, info_span, warn};
use traction_screen_core::codec::DecodeError;
use traction_screen_core::domain::{Encounter, Source, Timestamp, Verdict};
use traction_screen_core::pipeline::{self, Pipeline};

use super::dead_letter::{self, Origin};
use super::kafka::{ConsumerCtx, ProducerCtx, Role, client_config, commit_sync, send_waiting};
use super::offsets::Partition;
use super::registry::{RegistryClient, RegistryError};
use super::startup;
use super::tracking::{Pending, Permit, Produced, Shared};

/// What the loop needs to know; built from the validated settings.
#[derive(Clone, Debug)]
pub struct LoopConfig {
    pub brokers: String,
    pub group_id: String,
    pub input_topic: String,
    pub output_topic: String,
    pub dlq_topic: String,
    pub alerts_topic: Option<String>,
    pub kafka_config: BTreeMap<String, String>,
    /// How long start-up waits for the brokers to answer.
    pub startup_timeout: Duration,
    pub max_in_flight: usize,
    pub drain_timeout: Duration,
    pub commit_interval: Duration,
    pub workers: usize,
}

type Consumer_ = BaseConsumer<ConsumerCtx>;
type Producer_ = ThreadedProducer<ProducerCtx>;

/// One consumed message on its way to a worker.
struct Job {
    partition: Partition,
    offset: i64,
    key: Option<Vec<u8>>,
    payload: Option<Vec<u8>>,
    headers: Option<OwnedHeaders>,
    consumed_at: Instant,
    permit: Permit,
}

/// Runs the loop until `shared.shutdown` is triggered, then drains, commits and leaves the
/// group. Blocking: call it from a dedicated thread. Errs with the fatal cause, if any.
pub fn run(
    config: &LoopConfig,
    pipeline: Arc<Pipeline>,
    registry: Option<RegistryClient>,
    shared: Arc<Shared>,
) -> anyhow::Result<()> {
    let producer: Producer_ = client_config(&config.brokers, &config.kafka_config, Role::Producer)
        .create_with_context(ProducerCtx {
            shared: Arc::clone(&shared),
        })
        .context("cannot create the Kafka producer (check --kafka-config)")?;
    let consumer: Consumer_ = client_config(&config.brokers, &config.kafka_config, Role::Consumer)
        .set("group.id", &config.group_id)
        .create_with_context(ConsumerCtx {
            shared: Arc::clone(&shared),
        })
        .context("cannot create the Kafka consumer (check --kafka-config)")?;
    if !startup::check_topics(consumer.client(), producer.client(), config, &shared)? {
        return Ok(());
    }
    consumer
        .subscribe(&[&config.input_topic])
        .with_context(|| format!("cannot subscribe to {}", config.input_topic))?;
    info!(topic = %config.input_topic, group = %config.group_id, workers = config.workers, "consuming");

    let producer = Arc::new(producer);
    let (lanes, handles) = start_workers(config, &pipeline, &producer, registry, &shared);
    consume(&consumer, &lanes, &shared, config);
    finish(&consumer, &shared, config);
    drop(lanes);
    for handle in handles {
        let _ = handle.join();
    }
    if let Err(error) = producer.flush(Duration::from_secs(10)) {
        warn!(%error, "producer flush at shutdown did not complete");
    }
    drop(consumer);
    match shared.shutdown.failure() {
        Some(cause) => bail!(cause),
        None => Ok(()),
    }
}

fn start_workers(
    config: &LoopConfig,
    pipeline: &Arc<Pipeline>,
    producer: &Arc<Producer_>,
    registry: Option<RegistryClient>,
    shared: &Arc<Shared>,
) -> (Vec<Sender<Job>>, Vec<JoinHandle<()>>) {
    (0..config.workers.max(1))
        .map(|index| {
            let (sender, receiver) = mpsc::channel();
            let worker = Worker {
                pipeline: Arc::clone(pipeline),
                producer: Arc::clone(producer),
                registry: registry.clone(),
                shared: Arc::clone(shared),
                output_topic: config.output_topic.clone(),
                dlq_topic: config.dlq_topic.clone(),
                alerts_topic: config.alerts_topic.clone(),
            };
            let handle = thread::Builder::new()
                .name(format!("screen-{index}"))
                .spawn(move || worker.run(receiver))
                .expect("spawning a worker thread");
            (sender, handle)
        })
        .unzip()
}

/// The consumer thread's loop: poll, dispatch, pause past the in-flight bound, commit.
fn consume(consumer: &Consumer_, lanes: &[Sender<Job>], shared: &Arc<Shared>, config: &LoopConfig) {
    let mut paused = false;
    let mut last_commit = Instant::now();
    while !shared.shutdown.is_triggered() {
        let in_flight = shared.in_flight();
        shared.metrics.set_in_flight(in_flight);
        if in_flight >= config.max_in_flight {
            // Pausing again while paused also covers partitions assigned since.
            let newly = !paused;
            paused = set_paused(consumer, true) || paused;
            if newly && paused {
                info!(in_flight, "in-flight bound reached: consumption paused");
            }
        } else if paused && in_flight <= config.max_in_flight * 3 / 4 && set_paused(consumer, false)
        {
            paused = false;
            info!(in_flight, "acknowledgements caught up: consumption resumed");
        }
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(message)) => dispatch(&message, lanes, shared),
            Some(Err(error)) => warn!(%error, "consumer error; retrying"),
            None => {}
        }
        if last_commit.elapsed() >= config.commit_interval {
            commit_progress(consumer, shared);
            last_commit = Instant::now();
        }
    }
}

fn dispatch(message: &BorrowedMessage<'_>, lanes: &[Sender<Job>], shared: &Arc<Shared>) {
    let partition = Partition::new(message.topic(), message.partition());
    shared.metrics.event_consumed();
    shared.tracker().consumed(&partition, message.offset());
    let job = Job {
        partition,
        offset: message.offset(),
        key: message.key().map(<[u8]>::to_vec),
        payload: message.payload().map(<[u8]>::to_vec),
        headers: message.headers().map(|h| h.detach()),
        consumed_at: Instant::now(),
        permit: Permit::acquire(shared),
    };
    let lane = message.partition().unsigned_abs() as usize % lanes.len();
    if lanes[lane].send(job).is_err() {
        shared
            .shutdown
            .fail("a screening worker stopped unexpectedly");
    }
}

/// Pauses or resumes every assigned partition; returns whether it took effect.
fn set_paused(consumer: &Consumer_, pause: bool) -> bool {
    let Ok(assignment) = consumer.assignment() else {
        return false;
    };
    let result = if pause {
        consumer.pause(&assignment)
    } else {
        consumer.resume(&assignment)
    };
    match result {
        Ok(()) => true,
        Err(error) => {
            warn!(%error, "cannot change pause state");
            false
        }
    }
}

/// Commits the positions that are ahead of their last confirmed commit, asynchronously (the
/// consumer thread must keep polling); the commit callback confirms them.
fn commit_progress(consumer: &Consumer_, shared: &Shared) {
    let commits = shared.tracker().commits_due();
    if commits.is_empty() {
        return;
    }
    let list = offsets_list(&commits);
    if let Err(error) = consumer.commit(&list, CommitMode::Async) {
        warn!(%error, "cannot queue an offset commit; the next one retries");
    }
}

fn offsets_list(positions: &[(Partition, i64)]) -> TopicPartitionList {
    let mut list = TopicPartitionList::with_capacity(positions.len());
    for (partition, position) in positions {
        let _ = list.add_partition_offset(
            &partition.topic,
            partition.partition,
            Offset::Offset(*position),
        );
    }
    list
}

/// Shutdown: stop fetching, drain within the bound, commit, leave the group.
fn finish(consumer: &Consumer_, shared: &Shared, config: &LoopConfig) {
    set_paused(consumer, true);
    let deadline = Instant::now() + config.drain_timeout;
    while shared.in_flight() > 0 && Instant::now() < deadline {
        // Keep serving callbacks; a message fetched before the pause is dropped untracked,
        // so no commit passes it and the next owner screens it.
        let _ = consumer.poll(Duration::from_millis(20));
    }
    let left = shared.in_flight();
    if left > 0 {
        warn!(
            in_flight = left,
            "drain timed out; those offsets stay uncommitted"
        );
    }
    let positions = shared.tracker().positions();
    commit_sync(consumer, &offsets_list(&positions));
    info!(
        partitions = positions.len(),
        "offsets committed; leaving the group"
    );
    consumer.unsubscribe();
}

struct Worker {
    pipeline: Arc<Pipeline>,
    producer: Arc<Producer_>,
    registry: Option<RegistryClient>,
    shared: Arc<Shared>,
    output_topic: String,
    dlq_topic: String,
    alerts_topic: Option<String>,
}

/// A message given up because the service is stopping while it waited on the registry:
/// neither screened nor dead-lettered, so its offset is not committed.
struct Abandon;

impl Worker {
    fn run(self, jobs: Receiver<Job>) {
        let mut buffer = Vec::with_capacity(4096);
        for job in jobs {
            // Every log line about this message carries where it came from (and nothing
            // from its content).
            let _span = info_span!(
                "message",
                topic = %job.partition.topic,
                partition = job.partition.partition,
                offset = job.offset
            )
            .entered();
            let payload = job.payload.as_deref().unwrap_or_default();
            match self.decode(payload) {
                Ok(Ok(event)) => self.publish_outcome(event, job, &mut buffer),
                Ok(Err(error)) => self.publish_dead_letter(&error, job),
                Err(Abandon) => {}
            }
        }
    }

    /// Decodes, fetching unknown writer schemas from the registry (retried until it
    /// answers: a registry outage is never a reason to dead-letter a message).
    fn decode(&self, payload: &[u8]) -> Result<Result<Encounter, DecodeError>, Abandon> {
        loop {
            match self.pipeline.decoder().decode(payload) {
                Err(DecodeError::UnknownSchemaId(id)) => {
                    let Some(registry) = &self.registry else {
                        return Ok(Err(DecodeError::UnknownSchemaId(id)));
                    };
                    let give_up = || self.shared.shutdown.is_triggered();
                    match registry.writer_schema_with_retry(id, &give_up) {
                        Ok(schema) => {
                            if let Err(error) = self.pipeline.decoder().register_schema(id, &schema)
                            {
                                return Ok(Err(error));
                            }
                        }
                        Err(RegistryError::GaveUp) => return Err(Abandon),
                        Err(error) => {
                            warn!(schema_id = id, %error, "writer schema unavailable");
                            return Ok(Err(DecodeError::UnknownSchemaId(id)));
                        }
                    }
                }
                other => return Ok(other),
            }
        }
    }

    fn publish_outcome(&self, event: Encounter, job: Job, buffer: &mut Vec<u8>) {
        let engine = self.pipeline.engine();
        let started = Instant::now();
        let screening = engine.screen(&event);
        self.shared
            .metrics
            .screened(&screening.findings, started.elapsed());
        let source = Source {
            topic: job.partition.topic.clone(),
            partition: job.partition.partition,
            offset: job.offset,
        };
        let outcome = pipeline::outcome(
            event,
            screening,
            engine.rule_pack_version(),
            Timestamp::now(),
            Some(source),
        );
        if let Err(error) = self.pipeline.encode(&outcome, buffer) {
            self.shared
                .shutdown
                .fail(format!("cannot encode an outcome: {error}"));
            return;
        }
        let alerts = self
            .alerts_topic
            .as_deref()
            .filter(|_| outcome.verdict == Verdict::Fail);
        let records = if alerts.is_some() { 2 } else { 1 };
        let produced = Produced::Outcome(outcome.verdict);
        let pending = Arc::new(Pending::new(
            job.partition,
            job.offset,
            job.consumed_at,
            produced,
            records,
            job.permit,
        ));
        let key = Some(outcome.claim_id.as_bytes());
        if self.send(&self.output_topic, key, Some(buffer), None, &pending) {
            if let Some(alerts) = alerts {
                self.send(alerts, key, Some(buffer), None, &pending);
            }
        }
    }

    fn publish_dead_letter(&self, error: &DecodeError, job: Job) {
        warn!(
            topic = %job.partition.topic,
            partition = job.partition.partition,
            offset = job.offset,
            reason = error.code(),
            %error,
            "dead-lettering a message that cannot be screened"
        );
        let origin = Origin {
            topic: &job.partition.topic,
            partition: job.partition.partition,
            offset: job.offset,
        };
        let headers = dead_letter::headers(job.headers.as_ref(), error, &origin, Timestamp::now());
        let produced = Produced::DeadLetter(error.code());
        let pending = Arc::new(Pending::new(
            job.partition.clone(),
            job.offset,
            job.consumed_at,
            produced,
            1,
            job.permit,
        ));
        self.send(
            &self.dlq_topic,
            job.key.as_deref(),
            job.payload.as_deref(),
            Some(headers),
            &pending,
        );
    }

    /// Hands one record to the producer (waiting while its queue is full). Returns false
    /// when the service is failing and the record was not sent.
    fn send(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        payload: Option<&[u8]>,
        headers: Option<OwnedHeaders>,
        pending: &Arc<Pending>,
    ) -> bool {
        let mut record: BaseRecord<'_, [u8], [u8], Arc<Pending>> =
            BaseRecord::with_opaque_to(topic, Arc::clone(pending));
        if let Some(key) = key {
            record = record.key(key);
        }
        if let Some(payload) = payload {
            record = record.payload(payload);
        }
        if let Some(headers) = headers {
            record = record.headers(headers);
        }
        let failing = || self.shared.shutdown.failure().is_some();
        match send_waiting(&self.producer, record, failing) {
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
