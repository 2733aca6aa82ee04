//! What is produced for each kind of processed message, asserted record by record.

use rdkafka::message::{Header, Headers};
use traction_screen_core::codec::{Encoder, OutputFormat};
use traction_screen_core::domain::{Alert, AlertCondition, Encounter, Verdict};
use traction_screen_core::testing::clean_encounter;

use super::*;
use crate::config::TopicName;
use crate::runtime::dead_letter::header_text;

const NOW: Timestamp = Timestamp(1_772_445_600_000);

fn consumed(key: Option<&[u8]>, payload: Option<&[u8]>, headers: Option<OwnedHeaders>) -> Consumed {
    Consumed {
        partition: Partition::new("encounters", 3),
        offset: 41,
        key: key.map(<[u8]>::to_vec),
        payload: payload.map(<[u8]>::to_vec),
        headers,
    }
}

/// A message carrying `event` as JSON.
fn carrying(event: &Encounter) -> Consumed {
    let mut bytes = Vec::new();
    Encoder::new(OutputFormat::Json, None)
        .expect("no id needed")
        .encode_encounter(event, &mut bytes)
        .expect("encodes");
    consumed(Some(b"pt-0001"), Some(&bytes), None)
}

/// What the default pipeline makes of `message`.
fn process(message: &Consumed) -> Processed {
    let payload = message.payload.as_deref().unwrap_or_default();
    Pipeline::with_defaults().process(payload, NOW, Some(message.source()))
}

/// Two units of 97012 on one day: TR-001, an error, so the verdict is FAIL.
fn failing() -> Encounter {
    let mut event = clean_encounter();
    event.service_lines[0].units = 2;
    event
}

/// A record as the broker would get it: topic, key, value, and its headers as text.
type Sent = (
    String,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Vec<(String, Option<String>)>,
);

/// What [`records_for`] decides for `processed`, with the alerts topic `alerts`: what the
/// records stand for, and the records; `None` for nothing.
fn decide(
    processed: &Processed,
    message: &Consumed,
    alerts: Option<&str>,
) -> Option<(Produced, Vec<Sent>)> {
    let topics = topics(alerts, None);
    let pipeline = Pipeline::with_defaults();
    let mut buffers = Buffers::default();
    let batch = records_for(
        processed,
        message,
        &topics,
        &pipeline,
        &mut buffers,
        NOW,
        None,
    )
    .expect("encodes")?;
    let sent = batch.records.iter().map(|record| {
        let headers = record.headers.as_ref().map_or_else(Vec::new, |headers| {
            (0..headers.count())
                .map(|i| headers.get(i).key)
                .map(|key| (key.to_owned(), header_text(headers, key)))
                .collect()
        });
        let bytes = |bytes: Option<&[u8]>| bytes.map(<[u8]>::to_vec);
        (
            record.topic.to_owned(),
            bytes(record.key),
            bytes(record.payload),
            headers,
        )
    });
    Some((batch.produced, sent.collect()))
}

fn topic(name: &str) -> TopicName {
    TopicName::parse(name).expect("a valid topic name")
}

/// The service's topics, with the alerts and history topics given.
fn topics(alerts: Option<&str>, history: Option<&str>) -> Topics {
    Topics {
        input: topic("encounters"),
        output: topic("screening-outcomes"),
        dlq: topic("encounters-dlq"),
        alerts: alerts.map(topic),
        history: history.map(topic),
    }
}

/// The outcome of a screened message.
fn outcome_of(processed: &Processed) -> &Outcome {
    let Processed::Screened(screened) = processed else {
        panic!("expected a screened message, got {processed:?}");
    };
    &screened.outcome
}

/// An outcome encoded as the pipeline encodes it.
fn encoded(outcome: &Outcome) -> Vec<u8> {
    let mut bytes = Vec::new();
    Pipeline::with_defaults()
        .encode(outcome, &mut bytes)
        .expect("encodes");
    bytes
}

/// An outcome record to `topic`: keyed by the claim id, no headers.
fn outcome_record(topic: &str, outcome: &[u8]) -> Sent {
    (
        topic.to_owned(),
        Some(b"CLM-0001".to_vec()),
        Some(outcome.to_vec()),
        vec![],
    )
}

#[test]
fn a_passing_outcome_goes_to_the_outcome_topic_only_keyed_by_its_claim_id() {
    let message = carrying(&clean_encounter());
    let processed = process(&message);
    let outcome = encoded(outcome_of(&processed));
    assert_eq!(
        decide(&processed, &message, Some("alerts")),
        Some((
            Produced::Outcome(Verdict::Pass, None),
            vec![outcome_record("screening-outcomes", &outcome)]
        ))
    );
}

#[test]
fn a_failing_outcome_also_goes_to_the_alerts_topic_with_its_key_and_why_it_alerted() {
    let message = carrying(&failing());
    let processed = process(&message);
    let outcome = outcome_of(&processed);
    let alerted = Outcome {
        alert: Some(Alert {
            condition: AlertCondition::Verdict,
            rule_ids: vec![],
        }),
        ..outcome.clone()
    };
    let (alert_topic, key, alert_value, _) = outcome_record("alerts", &encoded(&alerted));
    let condition = ("alert.condition".to_owned(), Some("verdict".to_owned()));
    assert_eq!(
        decide(&processed, &message, Some("alerts")),
        Some((
            Produced::Outcome(Verdict::Fail, Some(AlertCondition::Verdict)),
            vec![
                outcome_record("screening-outcomes", &encoded(outcome)),
                (alert_topic, key, alert_value, vec![condition])
            ]
        ))
    );
}

#[test]
fn without_an_alerts_topic_a_failing_outcome_goes_to_the_outcome_topic_only() {
    let message = carrying(&failing());
    let processed = process(&message);
    let outcome = encoded(outcome_of(&processed));
    assert_eq!(
        decide(&processed, &message, None),
        Some((
            Produced::Outcome(Verdict::Fail, None),
            vec![outcome_record("screening-outcomes", &outcome)]
        ))
    );
}

#[test]
fn a_rejected_message_is_dead_lettered_with_its_own_key_value_and_headers_first() {
    let original = OwnedHeaders::new().insert(Header {
        key: "trace-id",
        value: Some("abc"),
    });
    let message = consumed(Some(b"pt-7"), Some(b"{not json"), Some(original));
    let text = |key: &str, value: &str| (key.to_owned(), Some(value.to_owned()));
    let headers = vec![
        text("trace-id", "abc"),
        text("dlq.reason", "invalid_json"),
        text(
            "dlq.error",
            "invalid JSON at line 1, column 2: key must be a string",
        ),
        text("dlq.source.topic", "encounters"),
        text("dlq.source.partition", "3"),
        text("dlq.source.offset", "41"),
        text("dlq.time", "2026-03-02T10:00:00.000Z"),
    ];
    let dead_letter = (
        "encounters-dlq".to_owned(),
        Some(b"pt-7".to_vec()),
        Some(b"{not json".to_vec()),
        headers,
    );
    assert_eq!(
        decide(&process(&message), &message, Some("alerts")),
        Some((Produced::DeadLetter("invalid_json"), vec![dead_letter]))
    );
}

#[test]
fn a_message_without_a_value_is_dead_lettered_without_one() {
    let message = consumed(None, None, None);
    let (produced, records) = decide(&process(&message), &message, None).expect("records");
    assert_eq!(produced, Produced::DeadLetter("bad_magic_byte"));
    let [(topic, key, payload, headers)] = &records[..] else {
        panic!("one record");
    };
    assert_eq!(
        (topic.as_str(), key, payload),
        ("encounters-dlq", &None, &None)
    );
    assert_eq!(headers[0].0, "dlq.reason");
}

#[test]
fn an_abandoned_message_produces_nothing() {
    let message = consumed(Some(b"pt-7"), Some(b"\0\0\0\0\x07"), None);
    assert_eq!(
        decide(&Processed::Abandoned, &message, Some("alerts")),
        None
    );
}

/// `message` screened against `history` at its offset, as the worker does.
fn process_in(message: &Consumed, history: &mut History) -> Processed {
    let payload = message.payload.as_deref().unwrap_or_default();
    let position = message.offset as u64;
    Pipeline::with_defaults().process_in(payload, history, position, NOW, Some(message.source()))
}

/// What [`records_for`] decides for `message` screened against `history`, with the history
/// topic `screen-history`: each record's topic, partition, key and value.
fn decide_with_history(message: &Consumed, history: &mut History) -> (Processed, Vec<Routed>) {
    let processed = process_in(message, history);
    let topics = topics(None, Some("screen-history"));
    let pipeline = Pipeline::with_defaults();
    let mut buffers = Buffers::default();
    let batch = records_for(
        &processed,
        message,
        &topics,
        &pipeline,
        &mut buffers,
        NOW,
        Some(history),
    )
    .expect("encodes")
    .expect("records");
    let bytes = |bytes: Option<&[u8]>| bytes.map(<[u8]>::to_vec);
    let routed = batch
        .records
        .iter()
        .map(|r| {
            (
                r.topic.to_owned(),
                r.partition,
                bytes(r.key),
                bytes(r.payload),
            )
        })
        .collect();
    (processed, routed)
}

/// A record's topic, partition, key and value.
type Routed = (String, Option<i32>, Option<Vec<u8>>, Option<Vec<u8>>);

#[test]
fn with_a_history_topic_a_screened_event_ends_with_its_patients_history_to_the_same_partition() {
    let message = carrying(&clean_encounter());
    let mut history = History::new();
    let (processed, routed) = decide_with_history(&message, &mut history);
    let outcome = outcome_of(&processed);
    let mut value = Vec::new();
    assert!(history.encode_patient(&outcome.patient_id, &mut value));
    let changelog = (
        "screen-history".to_owned(),
        Some(3),
        Some(outcome.patient_id.as_bytes().to_vec()),
        Some(value.clone()),
    );
    let outcome_bytes = encoded(outcome);
    let first = (
        "screening-outcomes".to_owned(),
        None,
        Some(b"CLM-0001".to_vec()),
        Some(outcome_bytes),
    );
    assert_eq!(
        routed,
        [first, changelog],
        "the changelog record goes to the input's partition"
    );
    // Restoring that value gives a history that knows the event, at its offset.
    let mut restored = History::new();
    restored
        .restore_patient(&outcome.patient_id, &value)
        .expect("the value restores");
    assert_eq!(restored.first_position(&outcome.event_id), Some(41));
}

#[test]
fn a_dead_letter_writes_no_history_even_with_a_history_topic() {
    let message = consumed(Some(b"pt-7"), Some(b"{not json"), None);
    let mut history = History::new();
    let (_, routed) = decide_with_history(&message, &mut history);
    let topics: Vec<&str> = routed.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(topics, ["encounters-dlq"]);
    assert_eq!(history.patients(), 0);
}
