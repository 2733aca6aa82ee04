//! What to produce for a processed message: a pure decision (no I/O, no clock of its own),
//! so it is tested without Kafka; the worker sends exactly these records.
//!
//! - Screened: the outcome to the outcome topic, keyed by its claim id, without headers;
//!   when an alerts topic is set and the rule pack's alert policy alerts on the outcome,
//!   also to the alerts topic: the same key, the outcome with its `alert` (why) set, and
//!   the header `alert.condition`.
//! - Rejected: a dead letter to the dead-letter topic: the original key, value and headers
//!   unchanged, followed by the `dlq.*` headers (CONTRACT.md §3).
//! - Abandoned: nothing. Its offset is never committed, so it is processed again.
//! - A message whose screening panicked ([`internal_error`]): a dead letter like a rejected
//!   one, with reason `internal_error`.
//! - History: with a history changelog topic, a screened event's records end with the
//!   patient's history as it now stands (`History::encode_patient`) to the changelog's
//!   partition of the same number as the input's, keyed by the patient id. It is one more
//!   record of the message, so the input offset is committed only once it, too, was
//!   acknowledged (and a transaction around the message's records holds it as well).

use rdkafka::message::{Header, OwnedHeaders};
use traction_screen_core::codec::EncodeError;
use traction_screen_core::domain::{Outcome, Source, Timestamp};
use traction_screen_core::history::History;
use traction_screen_core::pipeline::{Pipeline, Processed};
use traction_screen_core::rules::pack::alerts::CONDITION_HEADER;

use super::dead_letter::{self, INTERNAL_ERROR, INTERNAL_ERROR_TEXT, Origin, Why};
use super::delivery::Produced;
use super::ledger::Partition;
use crate::config::Topics;

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
    /// `None`: the producer's partitioner chooses by key.
    pub partition: Option<i32>,
    pub key: Option<&'a [u8]>,
    pub payload: Option<&'a [u8]>,
    pub headers: Option<OwnedHeaders>,
}

/// Where a message's records are encoded: kept by a worker from one message to the next.
#[derive(Debug, Default)]
pub struct Buffers {
    outcome: Vec<u8>,
    alert: Vec<u8>,
    history: Vec<u8>,
}

/// The records of one message, and what they stand for once all are acknowledged.
#[derive(Debug)]
pub struct Batch<'a> {
    pub produced: Produced,
    pub records: Vec<Record<'a>>,
}

/// The records to produce for `message`, processed as `processed` (against `history`, the
/// partition's, when the service keeps one); `None` when it was abandoned. Outcomes are
/// encoded into `buffers` (by the pipeline's encoder); `now` stamps a dead letter's
/// `dlq.time`.
pub fn records_for<'a>(
    processed: &'a Processed,
    message: &'a Consumed,
    topics: &'a Topics,
    pipeline: &Pipeline,
    buffers: &'a mut Buffers,
    now: Timestamp,
    history: Option<&History>,
) -> Result<Option<Batch<'a>>, EncodeError> {
    let batch = match processed {
        Processed::Screened(screened) => {
            let Buffers {
                outcome,
                alert,
                history: history_bytes,
            } = buffers;
            let mut batch = outcome_records(&screened.outcome, topics, pipeline, outcome, alert)?;
            let changelog = topics.history.as_ref().zip(history);
            if let Some((topic, history)) = changelog {
                let patient_id = screened.outcome.patient_id.as_str();
                history.encode_patient(patient_id, history_bytes);
                batch.records.push(Record {
                    topic: topic.as_str(),
                    partition: Some(message.partition.partition),
                    key: Some(patient_id.as_bytes()),
                    payload: Some(&history_bytes[..]),
                    headers: None,
                });
            }
            batch
        }
        Processed::Rejected(error) => dead_letter(message, topics, &Why::from(error), now),
        Processed::Abandoned => return Ok(None),
    };
    Ok(Some(batch))
}

/// The dead letter of a message whose screening or encoding panicked.
pub fn internal_error<'a>(message: &'a Consumed, topics: &'a Topics, now: Timestamp) -> Batch<'a> {
    let why = Why {
        reason: INTERNAL_ERROR,
        error: &INTERNAL_ERROR_TEXT,
    };
    dead_letter(message, topics, &why, now)
}

/// `message` to the dead-letter topic: its key, value and headers, then the `dlq.*` ones.
fn dead_letter<'a>(
    message: &'a Consumed,
    topics: &'a Topics,
    why: &Why<'_>,
    now: Timestamp,
) -> Batch<'a> {
    let origin = Origin {
        topic: &message.partition.topic,
        partition: message.partition.partition,
        offset: message.offset,
    };
    let headers = dead_letter::headers(message.headers.as_ref(), why, &origin, now);
    let record = Record {
        topic: topics.dlq.as_str(),
        partition: None,
        key: message.key.as_deref(),
        payload: message.payload.as_deref(),
        headers: Some(headers),
    };
    Batch {
        produced: Produced::DeadLetter(why.reason),
        records: vec![record],
    }
}

/// The outcome record and, when the alert policy alerts on it, the alert record.
fn outcome_records<'a>(
    outcome: &'a Outcome,
    topics: &'a Topics,
    pipeline: &Pipeline,
    outcome_bytes: &'a mut Vec<u8>,
    alert_bytes: &'a mut Vec<u8>,
) -> Result<Batch<'a>, EncodeError> {
    pipeline.encode(outcome, outcome_bytes)?;
    let key = Some(outcome.claim_id.as_bytes());
    let mut records = vec![Record {
        topic: topics.output.as_str(),
        partition: None,
        key,
        payload: Some(&outcome_bytes[..]),
        headers: None,
    }];
    let alert = topics.alerts.as_ref().and_then(|topic| {
        let alert = pipeline.engine().pack().alerts.decide(outcome)?;
        Some((topic, alert))
    });
    let condition = alert.as_ref().map(|(_, alert)| alert.condition);
    if let Some((topic, alert)) = alert {
        let condition = alert.condition;
        let alerted = Outcome {
            alert: Some(alert),
            ..outcome.clone()
        };
        pipeline.encode(&alerted, alert_bytes)?;
        records.push(Record {
            topic: topic.as_str(),
            partition: None,
            key,
            payload: Some(&alert_bytes[..]),
            headers: Some(OwnedHeaders::new().insert(Header {
                key: CONDITION_HEADER,
                value: Some(condition.as_str()),
            })),
        });
    }
    Ok(Batch {
        produced: Produced::Outcome(outcome.verdict, condition),
        records,
    })
}

#[cfg(test)]
mod tests;
