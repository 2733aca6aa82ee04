//! Outcomes and dead letters from Kafka topics, over a period.
//!
//! Each partition is read from the first offset whose timestamp is at or after `from` up to,
//! not including, the first at or after `until` (librdkafka's `offsets_for_times`, i.e. the
//! broker's time index); without `from`, from its oldest record, and without `until`, to its
//! end when the report starts. The consumer is assigned partitions directly: it never joins a
//! consumer group and never commits, so the service's offsets are untouched.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{BorrowedMessage, Headers, Message};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};

use crate::config::{ReaderSettings, Role};
use crate::runtime::kafka::client_config;
use traction_screen_core::domain::Timestamp;

/// How long a request to the brokers may take.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Reading stops with an error when no partition makes progress for this long.
const STALLED: Duration = Duration::from_secs(60);

/// Where and over which period to read.
#[derive(Clone, Debug)]
pub struct Period {
    /// Brokers, librdkafka properties and the registry, validated.
    pub connection: ReaderSettings,
    /// Inclusive; `None`: from each partition's oldest record.
    pub from: Option<Timestamp>,
    /// Exclusive; `None`: up to each partition's end when reading starts.
    pub until: Option<Timestamp>,
}

/// Calls `each` with every record of `topic` in the period, partition by partition in offset
/// order (partitions interleaved).
pub fn scan(
    period: &Period,
    topic: &str,
    mut each: impl FnMut(&BorrowedMessage<'_>),
) -> anyhow::Result<()> {
    let consumer: BaseConsumer = client_config(
        &period.connection.brokers,
        &period.connection.kafka_config,
        Role::Consumer,
    )
    .set("group.id", "traction-screen-report")
    .set("statistics.interval.ms", "0")
    .create()
    .context("cannot create the Kafka consumer (check --kafka-config)")?;
    let bounds = bounds(&consumer, period, topic)?;
    let mut assignment = TopicPartitionList::new();
    let mut stops = HashMap::new();
    for (partition, (start, stop)) in bounds {
        if start < stop {
            assignment.add_partition_offset(topic, partition, Offset::Offset(start))?;
            stops.insert(partition, stop);
        }
    }
    consumer.assign(&assignment)?;
    let mut progress = Instant::now();
    while !stops.is_empty() {
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(message)) => {
                progress = Instant::now();
                let stop = stops.get(&message.partition()).copied();
                if stop.is_some_and(|stop| message.offset() < stop) {
                    each(&message);
                }
            }
            Some(Err(error)) => tracing::warn!(%error, "consumer error; retrying"),
            None if progress.elapsed() > STALLED => bail!(
                "reading {topic} stalled: no record for {} s with {} partition(s) unfinished",
                STALLED.as_secs(),
                stops.len()
            ),
            None => {}
        }
        // Positions, not the last offset seen: transaction markers take offsets too.
        for element in consumer.position()?.elements() {
            if let Offset::Offset(position) = element.offset() {
                if stops
                    .get(&element.partition())
                    .is_some_and(|stop| position >= *stop)
                {
                    stops.remove(&element.partition());
                }
            }
        }
    }
    Ok(())
}

/// Per partition of `topic`: the first offset to read and the offset to stop before.
fn bounds(
    consumer: &BaseConsumer,
    period: &Period,
    topic: &str,
) -> anyhow::Result<BTreeMap<i32, (i64, i64)>> {
    let metadata = consumer
        .fetch_metadata(Some(topic), TIMEOUT)
        .with_context(|| {
            format!(
                "cannot reach the brokers {} (--brokers)",
                period.connection.brokers.to_bootstrap_servers()
            )
        })?;
    let partitions: Vec<i32> = match metadata.topics().first() {
        Some(t) if t.error().is_none() && !t.partitions().is_empty() => {
            t.partitions().iter().map(|p| p.id()).collect()
        }
        _ => bail!("topic {topic} does not exist"),
    };
    let mut bounds = BTreeMap::new();
    for partition in &partitions {
        let (low, high) = consumer
            .fetch_watermarks(topic, *partition, TIMEOUT)
            .with_context(|| format!("cannot read the offsets of {topic}/{partition}"))?;
        bounds.insert(*partition, (low, high));
    }
    for (instant, is_start) in [(period.from, true), (period.until, false)] {
        let Some(instant) = instant else { continue };
        for (partition, offset) in offsets_at(consumer, topic, &partitions, instant)? {
            let (start, stop) = bounds
                .get_mut(&partition)
                .expect("a partition of the topic");
            // No record at or after the instant: the end of the partition.
            let offset = offset.unwrap_or(*stop);
            if is_start {
                *start = offset.max(*start);
            } else {
                *stop = offset.min(*stop);
            }
        }
    }
    Ok(bounds)
}

/// The first offset of each partition whose record's timestamp is at or after `instant`
/// (`None` when there is no such record).
fn offsets_at(
    consumer: &BaseConsumer,
    topic: &str,
    partitions: &[i32],
    instant: Timestamp,
) -> anyhow::Result<Vec<(i32, Option<i64>)>> {
    let mut query = TopicPartitionList::new();
    for partition in partitions {
        query.add_partition_offset(topic, *partition, Offset::Offset(instant.millis()))?;
    }
    let answer = consumer
        .offsets_for_times(query, TIMEOUT)
        .with_context(|| format!("cannot look up the offsets of {topic} by time"))?;
    Ok(answer
        .elements()
        .iter()
        .map(|element| match element.offset() {
            Offset::Offset(offset) => (element.partition(), Some(offset)),
            _ => (element.partition(), None),
        })
        .collect())
}

/// The `dlq.reason` header of a dead letter (`unknown` without one).
pub fn dead_letter_reason(message: &BorrowedMessage<'_>) -> String {
    message
        .headers()
        .and_then(|headers| {
            headers
                .iter()
                .find(|header| header.key == "dlq.reason")
                .and_then(|header| header.value)
                .map(|value| String::from_utf8_lossy(value).into_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
