//! Restoring one partition's history: read its changelog partition from the beginning up
//! to the end it had when the restore began, replacing each patient's history by the value
//! read (a later record of a patient supersedes an earlier one, as compaction would).
//!
//! A record that cannot be read (no value, a key that is not text, a value of an unknown
//! format version or malformed) is an error: the service stops rather than screen a
//! partition without the history it should have. Errors name the topic, partition and
//! offset, never a key or value (patient data).

use std::time::{Duration, Instant};

use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use traction_screen_core::history::{History, StateError};

/// Why a restore did not complete.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("cannot read the changelog: {0}")]
    Kafka(#[from] KafkaError),
    #[error("the changelog record at offset {offset}: {problem}")]
    Record { offset: i64, problem: String },
    #[error("no changelog record arrived for {0} s while restoring")]
    Stalled(u64),
    #[error("the service is stopping")]
    Stopped,
}

/// A restored history and how many records it took.
pub struct Restored {
    pub history: History,
    pub records: u64,
}

/// Reads partition `partition` of `topic` to its end with `consumer` (made from the restore
/// configuration: it never joins its group; the partition is assigned, replacing whatever
/// was, and nothing is committed). One consumer serves every partition of a rebalance. Gives up when no record
/// arrives for `patience`, or when `stop` says so.
pub fn restore(
    consumer: &BaseConsumer,
    topic: &str,
    partition: i32,
    patience: Duration,
    stop: &dyn Fn() -> bool,
) -> Result<Restored, RestoreError> {
    let (low, high) = consumer.fetch_watermarks(topic, partition, patience)?;
    let mut restored = Restored {
        history: History::new(),
        records: 0,
    };
    if high <= low {
        return Ok(restored);
    }
    let mut list = TopicPartitionList::new();
    list.add_partition_offset(topic, partition, Offset::Beginning)?;
    consumer.assign(&list)?;
    let mut last_record = Instant::now();
    loop {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(message)) => {
                last_record = Instant::now();
                restored.records += 1;
                apply(&mut restored.history, &message)?;
                if message.offset() >= high - 1 {
                    return Ok(restored);
                }
            }
            // The end, even when it is a transaction marker no record stands for.
            Some(Err(KafkaError::PartitionEOF(_))) => return Ok(restored),
            Some(Err(error)) => tracing::warn!(%error, "changelog read error; retrying"),
            None => {}
        }
        if stop() {
            return Err(RestoreError::Stopped);
        }
        if last_record.elapsed() >= patience {
            return Err(RestoreError::Stalled(patience.as_secs()));
        }
    }
}

/// Replaces the history of the record's patient with the record's value.
fn apply(history: &mut History, message: &impl Message) -> Result<(), RestoreError> {
    let problem = |problem: &str| RestoreError::Record {
        offset: message.offset(),
        problem: problem.to_owned(),
    };
    let patient_id = message
        .key()
        .and_then(|key| std::str::from_utf8(key).ok())
        .ok_or_else(|| problem("its key is not a patient id"))?;
    let value = message
        .payload()
        .ok_or_else(|| problem("it has no value"))?;
    history
        .restore_patient(patient_id, value)
        .map_err(|error: StateError| problem(&error.to_string()))
}
