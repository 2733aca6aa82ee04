//! What to produce for a processed message: a pure decision (no I/O, no clock of its own),
//! so it is tested without Kafka; the worker sends exactly these records.
//!
//! - Screened: the outcome to the outcome topic, keyed by its claim id, without headers;
//!   a FAIL also to the alerts topic (when one is set), with the same key and value.
//! - Rejected: a dead letter to the dead-letter topic: the original key, value and headers
//!   unchanged, followed by the `dlq.*` headers (CONTRACT.md §3).
//! - Abandoned: nothing. Its offset is never committed, so it is processed again.

use rdkafka::message::OwnedHeaders;
use traction_screen_core::codec::EncodeError;
use traction_screen_core::domain::{Source, Timestamp, Verdict};
use traction_screen_core::pipeline::{Pipeline, Processed};

use super::dead_letter::{self, Origin};
use super::delivery::Produced;
use super::ledger::Partition;
use crate::config::{TopicName, Topics};

/// A consumed message, copied out of the consumer's buffer.
#[derive(Debug)]
pub struct Consumed {
    pub partition: Partition,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: Option<OwnedHeaders>,
}

impl Consumed {
    /// Where it came from, as outcomes name it.
    pub fn source(&self) -> Source {
        Source {
            topic: self.partition.topic.clone(),
            partition: self.partition.partition,
            offset: self.offset,
        }
    }
}

/// One record to produce.
#[derive(Debug)]
pub struct Record<'a> {
    pub topic: &'a str,
    pub key: Option<&'a [u8]>,
    pub payload: Option<&'a [u8]>,
    pub headers: Option<OwnedHeaders>,
}

/// The records of one message, and what they stand for once all are acknowledged.
#[derive(Debug)]
pub struct Batch<'a> {
    pub produced: Produced,
    pub records: Vec<Record<'a>>,
}

/// The records to produce for `message`, processed as `processed`; `None` when it was
/// abandoned. An outcome is encoded into `buffer` (by the pipeline's encoder); `now` stamps
/// a dead letter's `dlq.time`.
pub fn records_for<'a>(
    processed: &'a Processed,
    message: &'a Consumed,
    topics: &'a Topics,
    pipeline: &Pipeline,
    buffer: &'a mut Vec<u8>,
    now: Timestamp,
) -> Result<Option<Batch<'a>>, EncodeError> {
    let batch = match processed {
        Processed::Screened(screened) => {
            let outcome = &screened.outcome;
            pipeline.encode(outcome, buffer)?;
            let (key, payload) = (Some(outcome.claim_id.as_bytes()), Some(&buffer[..]));
            let alerts = topics.alerts.as_ref().map(TopicName::as_str);
            let also_alert = alerts.filter(|_| outcome.verdict == Verdict::Fail);
            let records = std::iter::once(topics.output.as_str())
                .chain(also_alert)
                .map(|topic| Record {
                    topic,
                    key,
                    payload,
                    headers: None,
                })
                .collect();
            Batch {
                produced: Produced::Outcome(outcome.verdict),
                records,
            }
        }
        Processed::Rejected(error) => {
            let origin = Origin {
                topic: &message.partition.topic,
                partition: message.partition.partition,
                offset: message.offset,
            };
            let headers = dead_letter::headers(message.headers.as_ref(), error, &origin, now);
            let record = Record {
                topic: topics.dlq.as_str(),
                key: message.key.as_deref(),
                payload: message.payload.as_deref(),
                headers: Some(headers),
            };
            Batch {
                produced: Produced::DeadLetter(error.code()),
                records: vec![record],
            }
        }
        Processed::Abandoned => return Ok(None),
    };
    Ok(Some(batch))
}

#[cfg(test)]
mod tests;
