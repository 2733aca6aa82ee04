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

/// The topics a message's records go to.
#[derive(Clone, Debug)]
pub struct Topics {
    pub output: String,
    pub dlq: String,
    pub alerts: Option<String>,
}

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
            let alerts = topics.alerts.as_deref();
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
                topic: &topics.dlq,
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
mod tests {
    use rdkafka::message::{Header, Headers};
    use traction_screen_core::codec::{Encoder, OutputFormat};
    use traction_screen_core::domain::Encounter;
    use traction_screen_core::testing::clean_encounter;

    use super::*;
    use crate::runtime::dead_letter::header_text;

    const NOW: Timestamp = Timestamp(1_772_445_600_000);

    fn topics(alerts: Option<&str>) -> Topics {
        Topics {
            output: "screening-outcomes".into(),
            dlq: "encounters-dlq".into(),
            alerts: alerts.map(str::to_owned),
        }
    }

    fn consumed(
        key: Option<&[u8]>,
        payload: Option<&[u8]>,
        headers: Option<OwnedHeaders>,
    ) -> Consumed {
        Consumed {
            partition: Partition::new("encounters", 3),
            offset: 41,
            key: key.map(<[u8]>::to_vec),
            payload: payload.map(<[u8]>::to_vec),
            headers,
        }
    }

    fn json(event: &Encounter) -> Vec<u8> {
        let mut bytes = Vec::new();
        Encoder::new(OutputFormat::Json, None)
            .expect("no id needed")
            .encode_encounter(event, &mut bytes)
            .expect("encodes");
        bytes
    }

    /// A message carrying `event`, processed by the default pipeline.
    fn processed(event: &Encounter) -> (Consumed, Processed) {
        let message = consumed(Some(b"pt-0001"), Some(&json(event)), None);
        let processed = Pipeline::with_defaults().process(
            message.payload.as_deref().unwrap_or_default(),
            NOW,
            Some(message.source()),
        );
        (message, processed)
    }

    /// Two units of 97012 on one day: TR-001, an error, so the verdict is FAIL.
    fn failing() -> Encounter {
        let mut event = clean_encounter();
        event.service_lines[0].units = 2;
        event
    }

    /// What a record is: its topic, key, value, and whether it has headers.
    type Shape<'a> = (&'a str, Option<&'a [u8]>, Option<&'a [u8]>, bool);

    fn shape<'a>(batch: &'a Batch<'_>) -> Vec<Shape<'a>> {
        batch
            .records
            .iter()
            .map(|r| (r.topic, r.key, r.payload, r.headers.is_some()))
            .collect()
    }

    fn encoded(processed: &Processed) -> Vec<u8> {
        let Processed::Screened(screened) = processed else {
            panic!("expected a screened message, got {processed:?}");
        };
        let mut bytes = Vec::new();
        Pipeline::with_defaults()
            .encode(&screened.outcome, &mut bytes)
            .expect("encodes");
        bytes
    }

    #[test]
    fn a_passing_outcome_goes_to_the_outcome_topic_only_keyed_by_its_claim_id() {
        let (message, processed) = processed(&clean_encounter());
        let topics = topics(Some("alerts"));
        let pipeline = Pipeline::with_defaults();
        let mut buffer = Vec::new();
        let batch = records_for(&processed, &message, &topics, &pipeline, &mut buffer, NOW)
            .expect("encodes")
            .expect("records");
        let outcome = encoded(&processed);
        assert_eq!(batch.produced, Produced::Outcome(Verdict::Pass));
        assert_eq!(
            shape(&batch),
            [(
                "screening-outcomes",
                Some(&b"CLM-0001"[..]),
                Some(&outcome[..]),
                false
            )]
        );
    }

    #[test]
    fn a_failing_outcome_also_goes_to_the_alerts_topic_with_the_same_key_and_value() {
        let (message, processed) = processed(&failing());
        let topics = topics(Some("alerts"));
        let pipeline = Pipeline::with_defaults();
        let mut buffer = Vec::new();
        let batch = records_for(&processed, &message, &topics, &pipeline, &mut buffer, NOW)
            .expect("encodes")
            .expect("records");
        let outcome = encoded(&processed);
        let record = (Some(&b"CLM-0001"[..]), Some(&outcome[..]), false);
        assert_eq!(batch.produced, Produced::Outcome(Verdict::Fail));
        assert_eq!(
            shape(&batch),
            [
                ("screening-outcomes", record.0, record.1, record.2),
                ("alerts", record.0, record.1, record.2)
            ]
        );
    }

    #[test]
    fn without_an_alerts_topic_a_failing_outcome_goes_to_the_outcome_topic_only() {
        let (message, processed) = processed(&failing());
        let topics = topics(None);
        let pipeline = Pipeline::with_defaults();
        let mut buffer = Vec::new();
        let batch = records_for(&processed, &message, &topics, &pipeline, &mut buffer, NOW)
            .expect("encodes")
            .expect("records");
        let topics: Vec<&str> = batch.records.iter().map(|r| r.topic).collect();
        assert_eq!(topics, ["screening-outcomes"]);
    }

    #[test]
    fn a_rejected_message_is_dead_lettered_with_its_own_key_value_and_headers_first() {
        let original = OwnedHeaders::new().insert(Header {
            key: "trace-id",
            value: Some("abc"),
        });
        let message = consumed(Some(b"pt-7"), Some(b"{not json"), Some(original));
        let processed = Pipeline::with_defaults().process(b"{not json", NOW, None);
        let topics = topics(Some("alerts"));
        let pipeline = Pipeline::with_defaults();
        let mut buffer = Vec::new();
        let batch = records_for(&processed, &message, &topics, &pipeline, &mut buffer, NOW)
            .expect("nothing to encode")
            .expect("records");
        assert_eq!(batch.produced, Produced::DeadLetter("invalid_json"));
        assert_eq!(
            shape(&batch),
            [(
                "encounters-dlq",
                Some(&b"pt-7"[..]),
                Some(&b"{not json"[..]),
                true
            )]
        );
        let headers = batch.records[0].headers.as_ref().expect("headers");
        let texts: Vec<(&str, Option<String>)> = (0..headers.count())
            .map(|i| headers.get(i).key)
            .map(|key| (key, header_text(headers, key)))
            .collect();
        let text = |value: &str| Some(value.to_owned());
        assert_eq!(
            texts,
            [
                ("trace-id", text("abc")),
                ("dlq.reason", text("invalid_json")),
                (
                    "dlq.error",
                    text("invalid JSON at line 1, column 2: key must be a string")
                ),
                ("dlq.source.topic", text("encounters")),
                ("dlq.source.partition", text("3")),
                ("dlq.source.offset", text("41")),
                ("dlq.time", text("2026-03-02T10:00:00.000Z")),
            ]
        );
    }

    #[test]
    fn a_message_without_a_value_is_dead_lettered_without_one() {
        let message = consumed(None, None, None);
        let processed = Pipeline::with_defaults().process(&[], NOW, None);
        let topics = topics(None);
        let pipeline = Pipeline::with_defaults();
        let mut buffer = Vec::new();
        let batch = records_for(&processed, &message, &topics, &pipeline, &mut buffer, NOW)
            .expect("nothing to encode")
            .expect("records");
        assert_eq!(batch.produced, Produced::DeadLetter("bad_magic_byte"));
        assert_eq!(shape(&batch), [("encounters-dlq", None, None, true)]);
    }

    #[test]
    fn an_abandoned_message_produces_nothing() {
        let message = consumed(Some(b"pt-7"), Some(b"\0\0\0\0\x07"), None);
        let topics = topics(Some("alerts"));
        let pipeline = Pipeline::with_defaults();
        let mut buffer = Vec::new();
        let batch = records_for(
            &Processed::Abandoned,
            &message,
            &topics,
            &pipeline,
            &mut buffer,
            NOW,
        )
        .expect("nothing to encode");
        assert!(batch.is_none(), "{batch:?}");
    }
}
