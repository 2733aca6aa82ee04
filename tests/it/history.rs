//! History in the service (RULES.md "History rules", docs/DESIGN.md "History in the
//! service"), through the real binary on the mock cluster: a cross-claim stream screened
//! by a service that is SIGKILLed mid-stream and restarted, or whose replica leaves the
//! group, gets for every event — every duplicate included — exactly the outcome an
//! uninterrupted `check` over the same events gives; each patient's last changelog value is
//! its history after the stream; the changelog topic is checked at start-up, and a
//! changelog that cannot be read stops the service.

use std::collections::{BTreeMap, BTreeSet};

use traction_screen::check::{CheckFormat, CheckOptions};
use traction_screen_core::codec::json::encounter_to_json;
use traction_screen_core::codec::{Decoder, InputFormat};
use traction_screen_core::domain::{Outcome, Timestamp};
use traction_screen_core::history::History;
use traction_screen_core::pipeline::Pipeline;

use crate::check::{check_with, outcomes};
use crate::pipeline::{
    GROUP, SHORT_SESSION, a_replica_leaves, all_outcomes, assert_commits_trail_outcomes, feed,
    feed_in_background, metric_samples, placed_after, wait_for_outcomes, wait_until_done,
};
use crate::support::child::Service;
use crate::support::cluster::{ALERTS, DLQ, HISTORY, INPUT, MockKafka, OUTPUT};
use crate::support::events::{self, Input, comparable};
use crate::support::kafka::{self, Message, Offsets};
use crate::support::outcomes::{Duplicates, Ledger, Published};

/// What an uninterrupted `check` (with history, input order) makes of the inputs, by
/// event id.
fn check_outcomes(inputs: &[Input]) -> BTreeMap<String, Outcome> {
    let decoder = Decoder::new(InputFormat::Auto);
    let jsonl: Vec<String> = inputs
        .iter()
        .map(|input| {
            let payload = input.message.payload.as_deref().expect("a value");
            encounter_to_json(&decoder.decode(payload).expect("an encounter"))
        })
        .collect();
    let options = CheckOptions {
        format: CheckFormat::Jsonl,
        rule_pack: None,
        files: Vec::new(),
        history: true,
    };
    let run = check_with(&options, &jsonl.join("\n"));
    assert_eq!(run.err, "", "check reads every input");
    outcomes(&run.out)
        .into_iter()
        .map(|outcome| (outcome.event_id.clone(), outcome))
        .collect()
}

/// Every published outcome, duplicates included, equals `check`'s for its event; every
/// event has one. Returns how many events were published more than once.
pub(super) fn assert_like_check(published: &[Published], inputs: &[Input]) -> usize {
    let expected = check_outcomes(inputs);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in published {
        let id = p.outcome.event_id.as_str();
        let want = expected.get(id).expect("an outcome of an input event");
        assert_eq!(comparable(&p.outcome), comparable(want), "event {id}");
        *counts.entry(id).or_default() += 1;
    }
    assert_eq!(counts.len(), expected.len(), "every event has an outcome");
    counts.values().filter(|n| **n > 1).count()
}

/// How many of `check`'s outcomes carry a finding of `rule`: the stream must exercise it.
fn firing(inputs: &[Input], rule: &str) -> usize {
    check_outcomes(inputs)
        .values()
        .filter(|o| o.findings.iter().any(|f| f.rule_id == rule))
        .count()
}

pub(super) fn restored_records(service: &Service) -> f64 {
    let samples = metric_samples(service).expect("/metrics answers");
    samples["traction_screen_history_restored_records_total"]
}

#[test]
fn the_cross_claim_stream_exercises_the_history_rules() {
    let inputs = events::cross_claims(12, 300);
    assert_eq!(inputs.len(), 400);
    assert!(firing(&inputs, "TR-050") >= 10, "TR-050 fires");
    assert!(firing(&inputs, "TR-051") >= 10, "TR-051 fires");
}

#[test]
fn a_sigkill_mid_stream_and_a_restart_give_every_outcome_duplicates_included_as_check_does() {
    let kafka = MockKafka::with_service_topics(4);
    let brokers = kafka.brokers();
    let inputs = events::cross_claims(12, 1500);
    let mut outputs = kafka::TopicReader::new(brokers, OUTPUT, &[]);
    let feeder = feed_in_background(brokers, &inputs, 300);

    let first = Service::run("first", brokers, GROUP, &SHORT_SESSION);
    wait_for_outcomes(&mut outputs, 500, &[&first]);
    first.kill();
    assert_eq!(first.wait_exit().code(), None, "killed by a signal");
    let placed = placed_after(feeder);
    let committed = Offsets::new(brokers, GROUP).committed(INPUT);
    assert_commits_trail_outcomes(&committed, &all_outcomes(brokers, &mut outputs));

    let second = Service::run("second", brokers, GROUP, &SHORT_SESSION);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    wait_until_done(brokers, &ledger, &mut outputs, &[&second]);
    let samples = metric_samples(&second).expect("/metrics answers");
    second.stop();

    let published = all_outcomes(brokers, &mut outputs);
    ledger.check(&published, Duplicates::Allowed);
    assert_like_check(&published, &inputs);
    let restored = samples["traction_screen_history_restored_records_total"];
    assert!(restored > 0.0, "the restart restored history");
    let patients: BTreeSet<&str> = inputs
        .iter()
        .filter_map(|i| i.outcome().map(|o| o.patient_id.as_str()))
        .collect();
    let held: f64 = samples
        .iter()
        .filter(|(series, _)| series.starts_with("traction_screen_history_patients{"))
        .map(|(_, value)| value)
        .sum();
    assert_eq!(
        held,
        patients.len() as f64,
        "every patient's history is held"
    );
}

#[test]
fn a_replica_leaving_hands_its_partitions_history_over_and_outcomes_stay_as_check_gives() {
    let kafka = MockKafka::with_service_topics(6);
    let brokers = kafka.brokers();
    let inputs = events::cross_claims(13, 1800);
    let mut outputs = kafka::TopicReader::new(brokers, OUTPUT, &[]);
    let (placed, restored) = a_replica_leaves(brokers, &inputs, &mut outputs, restored_records);
    let ledger = Ledger::new(INPUT, &inputs, &placed);

    let published = all_outcomes(brokers, &mut outputs);
    ledger.check(&published, Duplicates::Allowed);
    assert_like_check(&published, &inputs);
    assert!(
        restored > 0.0,
        "the staying replica restored the partitions it took over"
    );
}

#[test]
fn each_patients_last_changelog_value_is_its_whole_history_after_the_stream() {
    let kafka = MockKafka::with_service_topics(1);
    let brokers = kafka.brokers();
    let inputs = events::cross_claims(16, 600);
    let placed = feed(brokers, &inputs);
    let mut outputs = kafka::TopicReader::new(brokers, OUTPUT, &[]);
    let service = Service::run("service", brokers, GROUP, &[]);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();

    // The history each patient has after the whole stream, screened one event at a time at
    // its offset (one partition: the offsets are the stream's positions).
    let pipeline = Pipeline::with_defaults();
    let mut reference = History::new();
    for (input, place) in inputs.iter().zip(&placed) {
        let payload = input.message.payload.as_deref().expect("a value");
        let position = u64::try_from(place.offset).expect("an offset");
        pipeline.process_in(payload, &mut reference, position, Timestamp::now(), None);
    }
    let mut changelog = kafka::TopicReader::new(brokers, HISTORY, &[]);
    let records = changelog.read_to_end(brokers);
    let mut last = BTreeMap::new();
    for record in records {
        last.insert(
            record.message.key.clone().expect("keyed by patient"),
            record.message.payload.clone().expect("a value"),
        );
    }
    assert_eq!(last.len(), reference.patients(), "one key a patient");
    for (patient_id, value) in &last {
        let patient_id = std::str::from_utf8(patient_id).expect("a patient id");
        let mut expected = Vec::new();
        assert!(reference.encode_patient(patient_id, &mut expected));
        assert!(
            *value == expected,
            "the last value of a patient is its whole history"
        );
    }
}

#[test]
fn a_changelog_with_another_partition_count_than_the_input_is_refused_naming_the_setting() {
    let topics = [(INPUT, 4), (OUTPUT, 4), (DLQ, 1), (ALERTS, 1), (HISTORY, 2)];
    let kafka = MockKafka::start(1, &topics);
    let service = Service::run("service", kafka.brokers(), GROUP, &[]);
    assert_eq!(service.wait_exit().code(), Some(2), "{}", service.logs());
    let expected = "invalid --history-topic (TRACTION_SCREEN_HISTORY_TOPIC): topic \
                    screening-history has 2 partitions and the input topic 4: the history \
                    changelog needs as many as the input";
    assert!(service.logs().contains(expected), "{}", service.logs());
}

#[test]
fn a_changelog_record_that_cannot_be_read_stops_the_service_without_screening() {
    let kafka = MockKafka::with_service_topics(1);
    let brokers = kafka.brokers();
    let garbage = Message {
        key: Some(b"pt-1".to_vec()),
        payload: Some(vec![9, 1, 2, 3]),
        headers: Vec::new(),
    };
    kafka::produce(brokers, HISTORY, &[garbage], None, &[]);
    let inputs = events::encounters(14, 5);
    kafka::produce(
        brokers,
        INPUT,
        &crate::pipeline::messages(&inputs),
        None,
        &[],
    );

    let service = Service::run("service", brokers, GROUP, &[]);
    assert_ne!(service.wait_exit().code(), Some(0), "{}", service.logs());
    let logs = service.logs();
    assert!(
        logs.contains(
            "cannot restore the history of partition 0 from screening-history: the changelog \
             record at offset 0: history value in format version 9, which this release cannot \
             read (it reads 1 to 1)"
        ),
        "{logs}"
    );
    assert!(!logs.contains("pt-1"), "no patient id in the logs");
    let offsets = Offsets::new(brokers, GROUP);
    assert_eq!(
        offsets.end_offsets(OUTPUT),
        BTreeMap::from([(0, 0)]),
        "nothing screened"
    );
}
