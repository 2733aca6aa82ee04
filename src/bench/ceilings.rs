//! The two ceilings the service is compared with, in this process, with the service's own
//! client settings (`client_config`) and on the same input topic:
//!
//! - the bare consumer: consume every record, nothing else;
//! - the bare pipe: consume, produce the key and value unchanged to another topic, commit an
//!   offset only after the records up to it were acknowledged (the service's ledger keeps
//!   that contiguous), every `commit interval` like the service.
//!
//! Each is timed from its first consumed record to its last (consumed, resp. acknowledged),
//! which leaves out joining the group.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rdkafka::Message;
use rdkafka::client::ClientContext;
use rdkafka::consumer::{CommitMode, Consumer};
use rdkafka::producer::{BaseRecord, DeliveryResult, ProducerContext, ThreadedProducer};

use super::results::Drain;
use super::topics::{RunTopics, Target};
use super::usage::Usage;
use crate::config::Role;
use crate::runtime::kafka::{client_config, offsets_list, send_waiting};
use crate::runtime::ledger::{Claim, Ledger, Partition};

/// Gives up when the topic stops delivering for this long.
const STALL: Duration = Duration::from_secs(60);
const COMMIT_INTERVAL: Duration = Duration::from_secs(1);

/// Consumes `events` records of the input topic.
pub fn bare_consumer(target: &Target, topics: &RunTopics, events: u64) -> anyhow::Result<Drain> {
    let consumer = target.consumer(&format!("{}-bare-consumer", topics.input))?;
    consumer.subscribe(&[&topics.input])?;
    let mut seen = 0;
    let mut clock: Option<(Instant, Usage)> = None;
    let mut last = Instant::now();
    while seen < events {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(_)) => {
                seen += 1;
                last = Instant::now();
                clock.get_or_insert_with(|| (last, Usage::of_self()));
            }
            Some(Err(error)) => anyhow::bail!("the bare consumer failed: {error}"),
            None => anyhow::ensure!(
                last.elapsed() < STALL,
                "the bare consumer stalled at {seen}"
            ),
        }
    }
    let (started, usage) = clock.context("no event consumed")?;
    Ok(Drain::measured(
        events,
        started.elapsed(),
        &usage.until_now(),
    ))
}

struct Acks(Arc<AtomicU64>);

impl ClientContext for Acks {}

impl ProducerContext for Acks {
    type DeliveryOpaque = Box<Claim>;

    fn delivery(&self, result: &DeliveryResult<'_>, claim: Box<Claim>) {
        if result.is_ok() {
            claim.done();
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Pipes `events` records of the input topic to the pipe's topic.
pub fn bare_pipe(target: &Target, topics: &RunTopics, events: u64) -> anyhow::Result<Drain> {
    let consumer = target.consumer(&format!("{}-bare-pipe", topics.input))?;
    let acked = Arc::new(AtomicU64::new(0));
    let producer: ThreadedProducer<Acks> = client_config(
        &target.settings.brokers,
        target.kafka_config(),
        Role::Producer,
    )
    .create_with_context(Acks(Arc::clone(&acked)))
    .context("cannot create the pipe's producer")?;
    consumer.subscribe(&[&topics.input])?;
    let ledger = Arc::new(Ledger::new());
    let mut clock: Option<(Instant, Usage)> = None;
    let mut last = (Instant::now(), 0);
    let mut last_commit = Instant::now();
    while acked.load(Ordering::Relaxed) < events {
        match consumer.poll(Duration::from_millis(10)) {
            Some(Ok(message)) => {
                clock.get_or_insert_with(|| (Instant::now(), Usage::of_self()));
                let partition = Partition::new(message.topic(), message.partition());
                let claim = Box::new(ledger.consume(partition, message.offset()));
                let mut record = BaseRecord::with_opaque_to(&topics.piped, claim);
                if let Some(key) = message.key() {
                    record = record.key(key);
                }
                if let Some(payload) = message.payload() {
                    record = record.payload(payload);
                }
                send_waiting(&producer, record, || false)
                    .context("the bare pipe cannot produce")?;
            }
            Some(Err(error)) => anyhow::bail!("the bare pipe's consumer failed: {error}"),
            None => {}
        }
        let now_acked = acked.load(Ordering::Relaxed);
        if now_acked != last.1 {
            last = (Instant::now(), now_acked);
        }
        anyhow::ensure!(
            last.0.elapsed() < STALL,
            "the bare pipe stalled at {now_acked}"
        );
        if last_commit.elapsed() >= COMMIT_INTERVAL {
            commit(&consumer, &ledger, CommitMode::Async);
            last_commit = Instant::now();
        }
    }
    let (started, usage) = clock.context("no event piped")?;
    let elapsed = started.elapsed();
    let used = usage.until_now();
    commit(&consumer, &ledger, CommitMode::Sync);
    Ok(Drain::measured(events, elapsed, &used))
}

fn commit<C: rdkafka::consumer::ConsumerContext>(
    consumer: &rdkafka::consumer::BaseConsumer<C>,
    ledger: &Ledger,
    mode: CommitMode,
) {
    let due = ledger.commits_due();
    if due.is_empty() {
        return;
    }
    if consumer.commit(&offsets_list(&due), mode).is_ok() {
        for (partition, offset) in &due {
            ledger.confirm(partition, *offset);
        }
    }
}
