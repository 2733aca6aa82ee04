//! Tier 3, the defects of issue 9 on the mock cluster: a poison message too large to be
//! dead-lettered whole, and a panic while screening one message. In both the message ends
//! on the dead-letter topic, the service keeps running, and the partition moves on (every
//! other event screened, offsets committed to the end). No test raises the service's
//! producer limit: the defaults must do.

use std::collections::BTreeSet;

use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use traction_screen::runtime::panic_probe;

use crate::pipeline::{
    DLQ_HEADERS, GROUP, all_outcomes, end_offsets_as_committed, feed, metric_samples, series,
    wait_until_committed, wait_until_done,
};
use crate::support::child::Service;
use crate::support::cluster::{DLQ, INPUT, MockKafka, OUTPUT};
use crate::support::events::{self, Input};
use crate::support::kafka::{Offsets, Record, TopicReader};
use crate::support::outcomes::{Duplicates, Ledger};
use crate::support::wait_until;

/// `count` good encounters with `poison` in the middle.
fn around(poison: Input, count: usize) -> Vec<Input> {
    let mut inputs = events::encounters(5, count);
    inputs.insert(count / 2, poison);
    inputs
}

/// The one dead letter, once it is there.
fn the_dead_letter(brokers: &str, services: &[&Service]) -> Record {
    let mut letters = TopicReader::new(brokers, DLQ, &[]);
    wait_until("a dead letter", services, || match letters.poll() {
        [letter] => Ok(letter.clone()),
        other => Err(format!("{} dead letters", other.len())),
    })
}

/// Asserts that `letter` is `input` without its value: its key, the `dlq.*` headers only,
/// then `dlq.omitted`.
fn assert_value_omitted(letter: &Record, input: &Input) {
    assert_eq!(letter.message.key, input.message.key, "the key is kept");
    assert_eq!(letter.message.payload, None, "the value is left out");
    let keys: Vec<&str> = letter
        .message
        .headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(keys, [&DLQ_HEADERS[..], &["dlq.omitted"]].concat());
    assert_eq!(letter.header("dlq.reason").as_deref(), Some("too_large"));
    assert_eq!(
        letter.header("dlq.omitted").as_deref(),
        Some("value,headers")
    );
}

/// Every good event screened once, and the group's offsets at the end of the input.
fn assert_moved_on(brokers: &str, ledger: &Ledger<'_>, outputs: &mut TopicReader, good: usize) {
    let published = all_outcomes(brokers, outputs);
    assert_eq!(published.len(), good);
    ledger.check(&published, Duplicates::Forbidden);
    assert_eq!(
        Offsets::new(brokers, GROUP).committed(INPUT),
        end_offsets_as_committed(brokers, INPUT)
    );
}

#[test]
fn a_poison_message_over_the_producers_limit_is_dead_lettered_without_its_value() {
    let kafka = MockKafka::with_service_topics(1);
    let brokers = kafka.brokers();
    // 2 MB: over the service producer's default message.max.bytes (1 MiB + 64 KiB).
    let inputs = around(events::padded(7, 2_000_000), 40);
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let service = Service::run("service", brokers, GROUP, &[]);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    let letter = the_dead_letter(brokers, &[&service]);
    service.stop();

    assert_value_omitted(&letter, &inputs[20]);
    assert_eq!(letter.header("dlq.source.offset").as_deref(), Some("20"));
    assert_moved_on(brokers, &ledger, &mut outputs, 40);
}

#[test]
fn a_dead_letter_the_broker_refuses_as_too_large_is_sent_again_without_its_value() {
    let kafka = MockKafka::with_service_topics(1);
    let brokers = kafka.brokers();
    // Just over the decoder's limit: within the producer's, so it reaches the broker.
    let poison = events::too_large(8);
    let placed = feed(brokers, std::slice::from_ref(&poison));
    // The mock broker has no size limit of its own: it refuses the service's first produce
    // request, which can only be the dead letter (nothing else is in the input yet).
    kafka.cluster().request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE],
    );
    let service = Service::run("service", brokers, GROUP, &[]);
    let letter = the_dead_letter(brokers, &[&service]);
    assert_value_omitted(&letter, &poison);

    let good = events::encounters(6, 30);
    let mut inputs = vec![poison];
    inputs.extend(good);
    let mut all_placed = placed;
    all_placed.extend(feed(brokers, &inputs[1..]));
    let ledger = Ledger::new(INPUT, &inputs, &all_placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();
    assert_moved_on(brokers, &ledger, &mut outputs, 30);
}

#[test]
fn a_panic_while_screening_one_message_dead_letters_it_as_internal_error_and_the_rest_go_on() {
    let kafka = MockKafka::with_service_topics(2);
    let brokers = kafka.brokers();
    let inputs = events::encounters(9, 60);
    let victim = &inputs[17];
    let claim = victim.outcome().expect("a good event").claim_id.clone();
    let others: BTreeSet<&str> = inputs
        .iter()
        .filter(|input| input.outcome().is_some_and(|o| o.claim_id != claim))
        .filter_map(Input::event_id)
        .collect();
    assert_eq!(others.len(), 59, "one event of that claim");
    feed(brokers, &inputs);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let env = [(panic_probe::VARIABLE, claim.as_str())];
    let service = Service::run_with_env("service", brokers, GROUP, &[], &env);
    let letter = the_dead_letter(brokers, &[&service]);
    wait_until_committed(brokers, &[&service]);
    let samples = metric_samples(&service).expect("/metrics answers");
    service.stop();

    assert_eq!(
        letter.header("dlq.reason").as_deref(),
        Some("internal_error")
    );
    assert_eq!(letter.message.key, victim.message.key);
    assert_eq!(
        letter.message.payload, victim.message.payload,
        "kept unchanged"
    );
    let reason = [("reason", "internal_error")];
    assert_eq!(
        samples.get(&series("traction_screen_dead_letters_total", &reason)),
        Some(&1.0)
    );
    assert_eq!(samples.get("traction_screen_panics_total"), Some(&1.0));
    let published = all_outcomes(brokers, &mut outputs);
    let screened: Vec<&str> = published
        .iter()
        .map(|p| p.outcome.event_id.as_str())
        .collect();
    assert_eq!(screened.len(), 59, "one outcome per other event");
    assert_eq!(screened.into_iter().collect::<BTreeSet<_>>(), others);
    let logs = service.log_lines();
    let panicked: Vec<&String> = logs
        .iter()
        .filter(|l| l.contains("a thread panicked"))
        .collect();
    assert_eq!(
        panicked.len(),
        1,
        "the panic is logged once:\n{}",
        service.logs()
    );
    assert!(
        panicked[0].contains(r#""thread":"screen-"#),
        "{}",
        panicked[0]
    );
    let patient = String::from_utf8_lossy(victim.message.key.as_deref().unwrap_or_default());
    for line in &logs {
        assert!(
            !line.contains(&claim),
            "a log line holds the claim id: {line}"
        );
        assert!(
            !line.contains(patient.as_ref()),
            "a log line holds the patient id: {line}"
        );
    }
}
