//! Tier 3 of DESIGN.md: the real `traction-screen run` binary, as a child process, against
//! librdkafka's in-process mock cluster — every outcome published and equal to the pure
//! pipeline's, poison messages dead-lettered intact, alerts as the rule pack's policy says,
//! offsets committed only behind acknowledged outcomes (clean stops, crashes, rebalances,
//! broker faults), the admin endpoints, and fail-fast start-up.
//!
//! Each test owns its cluster (own ports), consumer group and admin port, so tests run in
//! parallel. Nothing asserts a duration: waits poll until a condition holds and fail after
//! a generous deadline saying what was still missing, with the service's logs.

use std::collections::{BTreeMap, BTreeSet};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use std::io::Write as _;

use traction_screen_core::domain::{Alert, Outcome, Timestamp, Verdict};
use traction_screen_core::rules::pack::BUILT_IN;
use traction_screen_core::rules::{AlertPolicy, RulePack};

use crate::support::child::{Service, free_admin_addr};
use crate::support::cluster::{ALERTS, DLQ, INPUT, MockKafka, OUTPUT};
use crate::support::events::{self, Expect, Input};
use crate::support::http::{self, Response};
use crate::support::kafka::{self, Message, Offsets, Placed, Record, TopicReader};
use crate::support::outcomes::{Duplicates, Ledger, Published, decode_all};
use crate::support::wait_until;

pub(crate) const GROUP: &str = "traction-screen-it";
/// The too_large poison message is over 1 MiB: librdkafka's producers refuse messages
/// over `message.max.bytes` (1,000,000 by default) before they reach a broker. Only the
/// tests' own producer is given more: the service's default takes them.
pub(crate) const BIG_MESSAGES: [(&str, &str); 1] = [("message.max.bytes", "4000000")];
/// A crashed member stays in its group until its session times out (45 s by default), and
/// the mock's coordinator waits about as long for members to rejoin after one leaves: the
/// tests that change membership should not wait that long.
pub(super) const SHORT_SESSION: [&str; 4] = [
    "--kafka-config",
    "consumer.session.timeout.ms=6000",
    "--kafka-config",
    "consumer.heartbeat.interval.ms=500",
];

pub(super) fn messages(inputs: &[Input]) -> Vec<Message> {
    inputs.iter().map(|input| input.message.clone()).collect()
}

/// Produces the inputs to the input topic and returns where each landed.
pub(crate) fn feed(brokers: &str, inputs: &[Input]) -> Vec<Placed> {
    kafka::produce(brokers, INPUT, &messages(inputs), None, &BIG_MESSAGES)
}

/// Produces the inputs at `rate` per second from another thread, so the service consumes
/// while events still arrive.
pub(crate) fn feed_in_background(
    brokers: &str,
    inputs: &[Input],
    rate: u32,
) -> JoinHandle<Vec<Placed>> {
    let (brokers, messages) = (brokers.to_owned(), messages(inputs));
    thread::spawn(move || kafka::produce(&brokers, INPUT, &messages, Some(rate), &BIG_MESSAGES))
}

pub(crate) fn placed_after(feeder: JoinHandle<Vec<Placed>>) -> Vec<Placed> {
    feeder
        .join()
        .expect("the background producer delivered every input")
}

/// Distinct event ids among the outcomes published so far.
fn screened_so_far(outputs: &mut TopicReader) -> usize {
    let published = decode_all(outputs.poll());
    let ids: BTreeSet<&str> = published
        .iter()
        .map(|p| p.outcome.event_id.as_str())
        .collect();
    ids.len()
}

pub(crate) fn wait_for_outcomes(outputs: &mut TopicReader, at_least: usize, services: &[&Service]) {
    wait_until(&format!("{at_least} outcomes"), services, || {
        let screened = screened_so_far(outputs);
        if screened >= at_least {
            Ok(())
        } else {
            Err(format!("{screened} events screened"))
        }
    });
}

/// Waits until every screenable input has an outcome and the group committed the end of
/// every input partition.
pub(crate) fn wait_until_done(
    brokers: &str,
    ledger: &Ledger<'_>,
    outputs: &mut TopicReader,
    services: &[&Service],
) {
    wait_until_screened(ledger, outputs, services);
    wait_until_committed(brokers, services);
}

pub(crate) fn wait_until_screened(
    ledger: &Ledger<'_>,
    outputs: &mut TopicReader,
    services: &[&Service],
) {
    wait_until("an outcome for every event", services, || {
        ledger.all_screened(&decode_all(outputs.poll()))
    });
}

/// Waits until the running service committed the end of every input partition.
pub(crate) fn wait_until_committed(brokers: &str, services: &[&Service]) {
    let offsets = Offsets::new(brokers, GROUP);
    wait_until(
        "committed offsets at the end of the input",
        services,
        || offsets.caught_up(INPUT),
    );
}

/// Every record of the output topic (nothing may be writing to it any more).
pub(crate) fn all_outcomes(brokers: &str, outputs: &mut TopicReader) -> Vec<Published> {
    decode_all(outputs.read_to_end(brokers))
}

/// Per input partition, the offsets that have an outcome.
fn screened_offsets(published: &[Published]) -> BTreeMap<i32, BTreeSet<i64>> {
    let mut offsets: BTreeMap<i32, BTreeSet<i64>> = BTreeMap::new();
    for source in published.iter().filter_map(|p| p.outcome.source.as_ref()) {
        offsets
            .entry(source.partition)
            .or_default()
            .insert(source.offset);
    }
    offsets
}

/// Every offset below a partition's committed one has its outcome: commits never pass an
/// event that was not screened.
pub(crate) fn assert_commits_trail_outcomes(
    committed: &BTreeMap<i32, Option<i64>>,
    published: &[Published],
) {
    let screened = screened_offsets(published);
    for (partition, committed) in committed {
        let done = screened.get(partition).cloned().unwrap_or_default();
        let unscreened: Vec<i64> = (0..committed.unwrap_or(0))
            .filter(|offset| !done.contains(offset))
            .collect();
        assert_eq!(
            unscreened,
            Vec::<i64>::new(),
            "partition {partition} committed {committed:?} past offsets without an outcome"
        );
    }
}

/// The dead-letter topic is still empty.
fn assert_no_dead_letters(brokers: &str) {
    let offsets = Offsets::new(brokers, GROUP);
    assert_eq!(
        offsets.end_offsets(DLQ),
        BTreeMap::from([(0, 0)]),
        "no dead letters"
    );
}

pub(crate) fn end_offsets_as_committed(brokers: &str, topic: &str) -> BTreeMap<i32, Option<i64>> {
    Offsets::new(brokers, GROUP)
        .end_offsets(topic)
        .into_iter()
        .map(|(partition, end)| (partition, Some(end)))
        .collect()
}

#[test]
fn every_event_gets_one_outcome_equal_to_the_pure_pipelines_and_offsets_reach_the_end() {
    let kafka = MockKafka::with_service_topics(4);
    let brokers = kafka.brokers();
    let inputs = events::encounters(1, 600);
    let placed = feed(brokers, &inputs);
    let partitions: BTreeSet<i32> = placed.iter().map(|p| p.partition).collect();
    assert_eq!(
        partitions.len(),
        4,
        "the events spread over every input partition"
    );
    let json = inputs
        .iter()
        .filter(|input| {
            input
                .message
                .payload
                .as_ref()
                .is_some_and(|p| p.starts_with(b"{"))
        })
        .count();
    assert_eq!(json, 300, "half JSON, half single-object Avro");
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let service = Service::run("service", brokers, GROUP, &[]);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();

    let published = all_outcomes(brokers, &mut outputs);
    assert_eq!(published.len(), 600);
    ledger.check(&published, Duplicates::Forbidden);
    let offsets = Offsets::new(brokers, GROUP);
    assert_eq!(
        offsets.committed(INPUT),
        end_offsets_as_committed(brokers, INPUT)
    );
    assert_no_dead_letters(brokers);
}

/// Good encounters with the poison messages spread among them (one every 25 events).
fn good_and_poison() -> Vec<Input> {
    let mut poison = events::poison(3).into_iter();
    let mut inputs = Vec::new();
    for (index, good) in events::encounters(2, 200).into_iter().enumerate() {
        inputs.push(good);
        if index % 25 == 12 {
            inputs.extend(poison.next());
        }
    }
    inputs.extend(poison);
    inputs
}

fn expected_reasons(inputs: &[Input]) -> Vec<&'static str> {
    inputs
        .iter()
        .filter_map(|input| match input.expect {
            Expect::DeadLetter(reason) => Some(reason),
            Expect::Outcome(_) => None,
        })
        .collect()
}

pub(crate) const DLQ_HEADERS: [&str; 6] = [
    "dlq.reason",
    "dlq.error",
    "dlq.source.topic",
    "dlq.source.partition",
    "dlq.source.offset",
    "dlq.time",
];

/// Checks a dead letter against the input it came from (found by its `dlq.source.*`
/// headers): original key, value and headers unchanged, then the reason headers in order.
/// Returns its reason.
pub(crate) fn check_dead_letter(letter: &Record, ledger: &Ledger<'_>) -> &'static str {
    let header = |key: &str| letter.header(key).unwrap_or_default();
    let partition: i32 = header("dlq.source.partition")
        .parse()
        .expect("dlq.source.partition is a partition number");
    let offset: i64 = header("dlq.source.offset")
        .parse()
        .expect("dlq.source.offset is an offset");
    let input = ledger
        .input_at(partition, offset)
        .unwrap_or_else(|| panic!("dead letter from {partition}/{offset}: no input there"));
    let Expect::DeadLetter(reason) = input.expect else {
        panic!(
            "the event at {partition}/{offset} was dead-lettered: {}",
            header("dlq.error")
        );
    };
    let at = format!("dead letter of {partition}/{offset} ({reason})");
    assert_eq!(letter.message.key, input.message.key, "{at}: key");
    assert_eq!(letter.message.payload, input.message.payload, "{at}: value");
    let (original, added) = letter
        .message
        .headers
        .split_at_checked(input.message.headers.len())
        .unwrap_or_else(|| panic!("{at}: the producer's headers are missing"));
    assert_eq!(original, input.message.headers, "{at}: producer's headers");
    let added: Vec<&str> = added.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(added, DLQ_HEADERS, "{at}: reason headers");
    assert_eq!(header("dlq.reason"), reason, "{at}");
    assert_eq!(header("dlq.source.topic"), INPUT, "{at}");
    assert!(
        Timestamp::parse_rfc3339(&header("dlq.time")).is_some(),
        "{at}: dlq.time is RFC 3339"
    );
    let error = header("dlq.error");
    assert!(!error.is_empty(), "{at}: dlq.error says why");
    if let Some(key) = &input.message.key {
        let patient_id = String::from_utf8_lossy(key);
        assert!(
            !error.contains(patient_id.as_ref()),
            "{at}: dlq.error holds the patient id"
        );
    }
    reason
}

#[test]
fn poison_messages_are_dead_lettered_intact_while_the_events_around_them_are_screened() {
    let kafka = MockKafka::with_service_topics(2);
    let brokers = kafka.brokers();
    let inputs = good_and_poison();
    assert_eq!(
        expected_reasons(&inputs),
        [
            "bad_magic_byte",
            "invalid_json",
            "invalid_field",
            "unknown_schema_id",
            "avro_decode",
            "bad_magic_byte",
            "too_large"
        ],
        "one poison message of each kind, and a message without key or value"
    );
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let service = Service::run("service", brokers, GROUP, &[]);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();

    let published = all_outcomes(brokers, &mut outputs);
    assert_eq!(published.len(), 200);
    ledger.check(&published, Duplicates::Forbidden);
    let dead_letters = TopicReader::new(brokers, DLQ, &[])
        .read_to_end(brokers)
        .to_vec();
    assert_eq!(dead_letters.len(), 7);
    let mut reasons: Vec<&str> = dead_letters
        .iter()
        .map(|letter| check_dead_letter(letter, &ledger))
        .collect();
    reasons.sort_unstable();
    let mut expected = expected_reasons(&inputs);
    expected.sort_unstable();
    assert_eq!(reasons, expected, "one dead letter per poison message");
    let offsets = Offsets::new(brokers, GROUP);
    assert_eq!(
        offsets.committed(INPUT),
        end_offsets_as_committed(brokers, INPUT)
    );
}

#[test]
fn fail_outcomes_and_only_they_are_also_published_to_the_alerts_topic() {
    let kafka = MockKafka::with_service_topics(3);
    let brokers = kafka.brokers();
    let inputs = events::encounters(4, 400);
    let fails = inputs
        .iter()
        .filter_map(|input| input.outcome())
        .filter(|outcome| outcome.verdict == Verdict::Fail)
        .count();
    assert!(
        fails > 0 && fails < inputs.len(),
        "the stream mixes FAIL and other verdicts ({fails} FAIL of {})",
        inputs.len()
    );
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let service = Service::run("service", brokers, GROUP, &["--alerts-topic", ALERTS]);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();

    let published = all_outcomes(brokers, &mut outputs);
    ledger.check(&published, Duplicates::Forbidden);
    let counts = check_alerts(brokers, &published, &AlertPolicy::default());
    assert_eq!(counts, BTreeMap::from([("verdict", fails)]));
}

#[test]
fn the_rule_packs_alert_policy_chooses_the_alerts_and_each_names_its_condition() {
    let policy_text =
        "[alerts]\nverdict_at_least = \"FAIL\"\nrisk_score_at_least = 10\nrules = [\"TR-036\"]\n";
    let mut pack = tempfile::NamedTempFile::new().expect("a temporary file");
    write!(pack, "{BUILT_IN}\n{policy_text}").expect("writes the pack");
    let policy = RulePack::parse(&format!("{BUILT_IN}\n{policy_text}"))
        .expect("a valid pack")
        .alerts;
    let kafka = MockKafka::with_service_topics(3);
    let brokers = kafka.brokers();
    let inputs = events::encounters(4, 400);
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let pack_path = pack.path().to_str().expect("a UTF-8 path");
    let args = ["--alerts-topic", ALERTS, "--rule-pack", pack_path];
    let service = Service::run("service", brokers, GROUP, &args);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    let samples = metric_samples(&service).expect("/metrics answers");
    service.stop();

    let published = all_outcomes(brokers, &mut outputs);
    let counts = check_alerts(brokers, &published, &policy);
    assert!(
        ["rule", "verdict", "risk_score"]
            .iter()
            .all(|condition| counts.get(condition).is_some_and(|n| *n > 0)),
        "the stream exercises every condition: {counts:?}"
    );
    let metric: BTreeMap<&str, usize> = counts
        .keys()
        .map(|condition| {
            let name = series("traction_screen_alerts_total", &[("condition", condition)]);
            (*condition, samples[&name] as usize)
        })
        .collect();
    assert_eq!(metric, counts);
}

/// Checks the alerts topic against `policy`: one alert per published outcome the policy
/// alerts on, each that outcome with `alert` set, under the same key, its condition in the
/// `alert.condition` header. Returns how many alerts each condition named.
fn check_alerts(
    brokers: &str,
    published: &[Published],
    policy: &AlertPolicy,
) -> BTreeMap<&'static str, usize> {
    let alerts = decode_all(TopicReader::new(brokers, ALERTS, &[]).read_to_end(brokers));
    let expected: BTreeMap<&str, (&Published, Alert)> = published
        .iter()
        .filter_map(|p| {
            let alert = policy.decide(&p.outcome)?;
            Some((p.outcome.event_id.as_str(), (p, alert)))
        })
        .collect();
    let alerted: BTreeSet<&str> = alerts.iter().map(|a| a.outcome.event_id.as_str()).collect();
    assert_eq!(
        alerts.len(),
        expected.len(),
        "one alert per alerting outcome"
    );
    assert_eq!(alerted, expected.keys().copied().collect());
    let mut counts = BTreeMap::new();
    for alert in &alerts {
        let (outcome, expected) = &expected[alert.outcome.event_id.as_str()];
        let condition = expected.condition.as_str();
        let copy = Outcome {
            alert: Some(expected.clone()),
            ..outcome.outcome.clone()
        };
        assert_eq!(alert.outcome, copy, "the alert is the outcome with why");
        assert_eq!(alert.record.message.key, outcome.record.message.key);
        let header = (
            "alert.condition".to_owned(),
            Some(condition.as_bytes().to_vec()),
        );
        assert_eq!(alert.record.message.headers, [header]);
        *counts.entry(condition).or_default() += 1;
    }
    counts
}

#[test]
fn sigterm_drains_and_commits_exactly_up_to_the_last_outcome_and_a_restart_finishes_the_rest() {
    let kafka = MockKafka::with_service_topics(4);
    let brokers = kafka.brokers();
    let inputs = events::encounters(5, 2000);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    let feeder = feed_in_background(brokers, &inputs, 200);

    let first = Service::run("first", brokers, GROUP, &[]);
    wait_for_outcomes(&mut outputs, 300, &[&first]);
    first.stop();
    let placed = placed_after(feeder);
    let ledger = Ledger::new(INPUT, &inputs, &placed);

    let committed = Offsets::new(brokers, GROUP).committed(INPUT);
    let published = all_outcomes(brokers, &mut outputs);
    let screened = screened_offsets(&published);
    let total_committed: i64 = committed.values().flatten().sum();
    assert!(
        total_committed > 0 && total_committed < 2000,
        "the stop came mid-stream after some commits ({total_committed} committed)"
    );
    for (partition, committed) in &committed {
        // A drained stop leaves nothing in flight: the committed offset is exactly one
        // past the last outcome, with every offset below it screened.
        let expected: BTreeSet<i64> = (0..committed.unwrap_or(0)).collect();
        assert_eq!(
            screened.get(partition).cloned().unwrap_or_default(),
            expected,
            "partition {partition}: outcomes published before the stop vs committed {committed:?}"
        );
    }

    let second = Service::run("second", brokers, GROUP, &[]);
    wait_until_done(brokers, &ledger, &mut outputs, &[&second]);
    second.stop();
    let published = all_outcomes(brokers, &mut outputs);
    ledger.check(&published, Duplicates::Forbidden);
}

#[test]
fn a_crash_mid_stream_loses_no_event_once_the_service_is_restarted() {
    let kafka = MockKafka::with_service_topics(4);
    let brokers = kafka.brokers();
    let inputs = events::encounters(6, 2000);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    let feeder = feed_in_background(brokers, &inputs, 200);

    let first = Service::run("first", brokers, GROUP, &SHORT_SESSION);
    wait_for_outcomes(&mut outputs, 300, &[&first]);
    first.kill();
    let status = first.wait_exit();
    assert_eq!(status.code(), None, "killed by a signal");
    let placed = placed_after(feeder);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let committed = Offsets::new(brokers, GROUP).committed(INPUT);
    assert_commits_trail_outcomes(&committed, &all_outcomes(brokers, &mut outputs));

    let second = Service::run("second", brokers, GROUP, &SHORT_SESSION);
    wait_until_done(brokers, &ledger, &mut outputs, &[&second]);
    second.stop();
    let published = all_outcomes(brokers, &mut outputs);
    let counts = ledger.check(&published, Duplicates::Allowed);
    assert_eq!(counts.len(), 2000);
}

#[test]
fn transient_produce_errors_are_retried_without_losing_or_dead_lettering_anything() {
    let kafka = MockKafka::with_service_topics(2);
    let brokers = kafka.brokers();
    let inputs = events::encounters(7, 500);
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    // Only the service produces from here on: these errors answer its produce requests.
    let errors: Vec<RDKafkaRespErr> = [
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
    ]
    .repeat(4);
    kafka
        .cluster()
        .request_errors(RDKafkaApiKey::Produce, &errors);

    let service = Service::run("service", brokers, GROUP, &[]);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();

    let published = all_outcomes(brokers, &mut outputs);
    // The idempotent producer retries without duplicates.
    ledger.check(&published, Duplicates::Forbidden);
    assert_no_dead_letters(brokers);
}

#[test]
fn a_broker_outage_mid_stream_delays_outcomes_but_loses_none() {
    let kafka = MockKafka::with_service_topics(2);
    let brokers = kafka.brokers();
    let inputs = events::encounters(8, 1200);
    // The test's own reader lives through the outage too: a fetch left hanging on a dead
    // connection would otherwise wait librdkafka's default socket timeout (60 s).
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[("socket.timeout.ms", "5000")]);
    let feeder = feed_in_background(brokers, &inputs, 300);

    let service = Service::run("service", brokers, GROUP, &[]);
    wait_for_outcomes(&mut outputs, 200, &[&service]);
    kafka
        .cluster()
        .broker_down(1)
        .expect("the broker goes down");
    thread::sleep(Duration::from_secs(3));
    kafka.cluster().broker_up(1).expect("the broker comes back");
    let placed = placed_after(feeder);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    // The producer lost its broker connection: that is what the produce-errors alert sees.
    let samples = metric_samples(&service).expect("/metrics answers");
    let produce_errors = samples["traction_screen_produce_errors_total"];
    assert!(produce_errors >= 1.0, "{produce_errors} producer errors");
    service.stop();

    let published = all_outcomes(brokers, &mut outputs);
    ledger.check(&published, Duplicates::Allowed);
    assert_no_dead_letters(brokers);
}

#[test]
fn a_refused_offset_commit_is_retried_even_when_no_new_event_arrives() {
    let kafka = MockKafka::with_service_topics(1);
    let brokers = kafka.brokers();
    let mut inputs = events::encounters(10, 50);
    let mut placed = feed(brokers, &inputs);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    let service = Service::run("service", brokers, GROUP, &[]);
    wait_until_done(
        brokers,
        &Ledger::new(INPUT, &inputs, &placed),
        &mut outputs,
        &[&service],
    );

    // The coordinator refuses the next commit, as it does while the group rebalances; the
    // one event that follows is the last the partition gets for a while.
    kafka.cluster().request_errors(
        RDKafkaApiKey::OffsetCommit,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS],
    );
    let last = events::encounters(11, 1);
    placed.extend(feed(brokers, &last));
    inputs.extend(last);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();
    ledger.check(&all_outcomes(brokers, &mut outputs), Duplicates::Forbidden);
}

pub(super) fn ready(service: &Service) -> Result<Response, String> {
    match http::get(service.admin_addr(), "/readyz") {
        Ok(response) if response.status == 200 => Ok(response),
        Ok(response) => Err(format!(
            "{} /readyz: {} {}",
            service.name(),
            response.status,
            response.body
        )),
        Err(error) => Err(format!("{} /readyz: {error}", service.name())),
    }
}

/// Two replicas screen `inputs`, fed at 300 per second; once 600 outcomes are out, one
/// that has screened some leaves (SIGTERM) and the other screens the rest; `staying` then looks at the remaining
/// replica before it stops. Returns where the inputs landed and what `staying` returned.
pub(super) fn a_replica_leaves<T>(
    brokers: &str,
    inputs: &[Input],
    outputs: &mut TopicReader,
    staying: impl FnOnce(&Service) -> T,
) -> (Vec<Placed>, T) {
    let feeder = feed_in_background(brokers, inputs, 300);
    // The mock coordinator waits a session timeout (less a second) for members to rejoin
    // after one leaves, whoever is left: keep that wait short.
    let leaving = Service::run("leaving", brokers, GROUP, &SHORT_SESSION);
    let remaining = Service::run("staying", brokers, GROUP, &SHORT_SESSION);
    let both = [&leaving, &remaining];
    wait_until("both replicas to own partitions", &both, || {
        ready(&leaving)?;
        ready(&remaining)
    });
    wait_for_outcomes(outputs, 600, &both);
    // The leaving replica has work of its own to hand over, however slow its start was.
    wait_until("outcomes from the leaving replica", &both, || {
        let samples = metric_samples(&leaving)?;
        let outcomes: f64 = family(&samples, "traction_screen_outcomes_total")
            .values()
            .sum();
        if outcomes > 0.0 {
            Ok(())
        } else {
            Err("none yet".to_owned())
        }
    });
    leaving.stop();
    let placed = placed_after(feeder);
    let ledger = Ledger::new(INPUT, inputs, &placed);
    wait_until_screened(&ledger, outputs, &[&remaining]);
    // Stopping the last replica while the coordinator still rebalances gets its final commit
    // refused (IllegalGeneration): a restart would screen the tail again, which is allowed,
    // but the offsets are checked here, so wait for its periodic commits to reach the end.
    wait_until_committed(brokers, &[&remaining]);
    let looked = staying(&remaining);
    remaining.stop();
    (placed, looked)
}

#[test]
fn a_replica_leaving_the_group_hands_its_partitions_over_without_losing_events() {
    let kafka = MockKafka::with_service_topics(6);
    let brokers = kafka.brokers();
    let inputs = events::encounters(9, 2400);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    // Committed offsets are checked once the last replica stopped: commits refused during
    // the rebalance are the subject of their own test.
    let (placed, ()) = a_replica_leaves(brokers, &inputs, &mut outputs, |_| ());
    let ledger = Ledger::new(INPUT, &inputs, &placed);

    let published = all_outcomes(brokers, &mut outputs);
    let counts = ledger.check(&published, Duplicates::Allowed);
    assert_eq!(counts.len(), 2400);
    let offsets = Offsets::new(brokers, GROUP);
    assert_eq!(
        offsets.committed(INPUT),
        end_offsets_as_committed(brokers, INPUT)
    );
}

/// The §6 metric names (with history); histograms appear as their `_count` series.
const CONTRACT_METRICS: [&str; 14] = [
    "traction_screen_events_consumed_total",
    "traction_screen_outcomes_total",
    "traction_screen_findings_total",
    "traction_screen_dead_letters_total",
    "traction_screen_processing_seconds_count",
    "traction_screen_screen_seconds_count",
    "traction_screen_consumer_lag",
    "traction_screen_in_flight",
    "traction_screen_rule_pack_info",
    "traction_screen_history_patients",
    "traction_screen_history_claim_versions",
    "traction_screen_history_restore_seconds_count",
    "traction_screen_history_restored_records_total",
    "traction_screen_history_write_errors_total",
];

pub(crate) fn metric_samples(service: &Service) -> Result<BTreeMap<String, f64>, String> {
    match http::get(service.admin_addr(), "/metrics") {
        Ok(response) if response.status == 200 => Ok(http::samples(&response.body)),
        Ok(response) => Err(format!("/metrics: {}", response.status)),
        Err(error) => Err(format!("/metrics: {error}")),
    }
}

/// A series as the Prometheus text format writes it (labels in name order).
pub(crate) fn series(name: &str, labels: &[(&str, &str)]) -> String {
    let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{name}{{{}}}", labels.join(","))
}

/// The series of the metric `name` (any labels), with their values.
fn family(samples: &BTreeMap<String, f64>, name: &str) -> BTreeMap<String, f64> {
    samples
        .iter()
        .filter(|(series, _)| {
            series
                .strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('{'))
        })
        .map(|(series, value)| (series.clone(), *value))
        .collect()
}

/// Waits for a statistics report (every 5 s) made after the last commit: a lag of zero on
/// each of the input's `partitions`. Returns the samples of that scrape.
fn wait_for_zero_lag(service: &Service, partitions: i32) -> BTreeMap<String, f64> {
    let expected: BTreeMap<String, f64> = (0..partitions)
        .map(|p| {
            let partition = p.to_string();
            let labels = [("partition", partition.as_str()), ("topic", INPUT)];
            (series("traction_screen_consumer_lag", &labels), 0.0)
        })
        .collect();
    wait_until("a zero consumer lag on every partition", &[service], || {
        let samples = metric_samples(service)?;
        let lags = family(&samples, "traction_screen_consumer_lag");
        if lags == expected {
            Ok(samples)
        } else {
            Err(format!("{lags:?}"))
        }
    })
}

/// What the counters of `/metrics` must say once every input is done: outcomes by
/// verdict, findings by rule and severity (those that fired), dead letters by reason.
fn expected_counters(inputs: &[Input]) -> BTreeMap<String, f64> {
    let mut counters = BTreeMap::new();
    for (verdict, count) in events::verdict_counts(inputs) {
        let name = series("traction_screen_outcomes_total", &[("verdict", verdict)]);
        counters.insert(name, count as f64);
    }
    for finding in inputs
        .iter()
        .filter_map(Input::outcome)
        .flat_map(|o| &o.findings)
    {
        let labels = [
            ("rule_id", finding.rule_id.as_ref()),
            ("severity", finding.severity.as_str()),
        ];
        *counters
            .entry(series("traction_screen_findings_total", &labels))
            .or_default() += 1.0;
    }
    for (reason, count) in events::reason_counts(inputs) {
        let name = series("traction_screen_dead_letters_total", &[("reason", reason)]);
        counters.insert(name, count as f64);
    }
    counters
}

#[test]
fn admin_endpoints_report_health_readiness_and_counts_that_match_the_stream() {
    let kafka = MockKafka::with_service_topics(4);
    let brokers = kafka.brokers();
    let inputs = good_and_poison();
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let service = Service::run("service", brokers, GROUP, &[]);
    let health = wait_until("/healthz", &[&service], || {
        http::get(service.admin_addr(), "/healthz").map_err(|e| e.to_string())
    });
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let readiness = wait_until("/readyz", &[&service], || ready(&service));
    assert_eq!(
        readiness.body,
        "assigned_partitions 4\nbroker_reachable true\nrestoring_partitions 0\n"
    );
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    let samples = wait_for_zero_lag(&service, 4);
    service.stop();

    for name in CONTRACT_METRICS {
        assert!(!family(&samples, name).is_empty(), "/metrics lacks {name}");
    }
    let counters: BTreeMap<String, f64> = [
        "traction_screen_outcomes_total",
        "traction_screen_findings_total",
        "traction_screen_dead_letters_total",
    ]
    .iter()
    .flat_map(|name| family(&samples, name))
    // Every rule's finding series exists from the start at 0: compare those that fired.
    .filter(|(name, count)| *count > 0.0 || !name.starts_with("traction_screen_findings_total"))
    .collect();
    assert_eq!(counters, expected_counters(&inputs));
    let screened = inputs.iter().filter_map(Input::outcome).count() as f64;
    let value = |series: &str| samples.get(series).copied();
    let all = inputs.len() as f64;
    assert_eq!(value("traction_screen_events_consumed_total"), Some(all));
    assert_eq!(value("traction_screen_processing_seconds_count"), Some(all));
    assert_eq!(
        value("traction_screen_screen_seconds_count"),
        Some(screened)
    );
    assert_eq!(value("traction_screen_in_flight"), Some(0.0));
    assert_eq!(value("traction_screen_ready"), Some(1.0));
    assert_eq!(value("traction_screen_produce_errors_total"), Some(0.0));
    let pack = &inputs
        .iter()
        .find_map(Input::outcome)
        .expect("the stream has screenable events")
        .rule_pack_version;
    assert_eq!(
        family(&samples, "traction_screen_rule_pack_info"),
        BTreeMap::from([(
            series("traction_screen_rule_pack_info", &[("version", pack)]),
            1.0
        )])
    );
    let build = [
        ("rule_pack", pack.as_str()),
        ("version", env!("CARGO_PKG_VERSION")),
    ];
    assert_eq!(
        family(&samples, "traction_screen_build_info"),
        BTreeMap::from([(series("traction_screen_build_info", &build), 1.0)])
    );
    for name in PROCESS_METRICS {
        assert!(
            value(name).is_some_and(|v| v > 0.0),
            "/metrics: {name} {:?}",
            value(name)
        );
    }
}

/// The standard process metrics that are never 0 in a running service.
const PROCESS_METRICS: [&str; 4] = [
    "process_resident_memory_bytes",
    "process_open_fds",
    "process_max_fds",
    "process_start_time_seconds",
];

/// The lines of standard error that are not JSON log records.
fn plain_lines(service: &Service) -> Vec<String> {
    service
        .log_lines()
        .into_iter()
        .filter(|line| !line.starts_with('{'))
        .collect()
}

#[test]
fn a_missing_input_topic_is_a_configuration_error_logged_once_naming_the_setting() {
    let kafka = MockKafka::start(1, &[(OUTPUT, 1), (DLQ, 1)]);
    let service = Service::run(
        "service",
        kafka.brokers(),
        GROUP,
        &["--input-topic", "no-such-topic"],
    );
    let status = service.wait_exit();
    assert_eq!(status.code(), Some(2));
    assert_eq!(plain_lines(&service), Vec::<String>::new());
    let last = service.log_lines().pop().expect("a log record");
    let record: serde_json::Value = serde_json::from_str(&last).expect("a JSON record");
    assert_eq!(
        (&record["level"], &record["message"]),
        (
            &serde_json::json!("ERROR"),
            &serde_json::json!(
                "invalid --input-topic (TRACTION_SCREEN_INPUT_TOPIC): topic no-such-topic does not exist"
            )
        )
    );
}

#[test]
fn empty_brokers_are_refused_with_status_2_naming_the_flag() {
    let admin = free_admin_addr().to_string();
    let service = Service::spawn(
        "service",
        &["run", "--brokers", "", "--admin-addr", &admin],
        free_admin_addr(),
    );
    let status = service.wait_exit();
    assert_eq!(status.code(), Some(2));
    assert_eq!(
        service.log_lines(),
        [r#"error: invalid --brokers (TRACTION_SCREEN_BROKERS): "" is empty"#]
    );
}
