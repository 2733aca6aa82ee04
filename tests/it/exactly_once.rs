//! Tier 3, `--delivery exactly-once` on the mock cluster. The mock accepts transactions but
//! does not hide aborted records from read-committed readers, so these tests check what it
//! can show: the order of the transactional calls (from librdkafka's `eos` debug log), that
//! every event is screened and its offset committed whatever error is injected into a
//! transactional request, that abortable errors abort and rewind (and the service goes on),
//! and that fatal ones stop the instance with exit status 1 and a one-line cause. Against a
//! broker with full semantics, `scripts/eos-check.sh` checks for duplicates.

use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};

use std::collections::BTreeMap;

use crate::pipeline::{GROUP, all_outcomes, feed, wait_for_outcomes, wait_until_screened};
use crate::support::child::Service;
use crate::support::cluster::{DLQ, INPUT, MockKafka, OUTPUT};
use crate::support::events;
use crate::support::kafka::{Offsets, TopicReader};
use crate::support::outcomes::{Duplicates, Ledger};
use crate::support::wait_until;

/// librdkafka's transactional debug lines, and the service's own at info.
const EOS_LOG: (&str, &str) = (
    "RUST_LOG",
    "info,librdkafka=debug,traction_screen::runtime::transaction=debug,ureq=warn,\
     ureq_proto=warn,rustls=warn",
);

fn exactly_once(name: &str, brokers: &str) -> Service {
    let id = format!("it-{name}");
    let flags = [
        "--delivery",
        "exactly-once",
        "--transactional-id",
        &id,
        "--kafka-config",
        "producer.debug=eos",
    ];
    Service::run_with_env(name, brokers, GROUP, &flags, &[EOS_LOG])
}

/// The transactional API calls the service made, in order, from librdkafka's debug log.
fn api_calls(service: &Service) -> Vec<String> {
    const CALLED: &str = "Transactional API called: ";
    service
        .log_lines()
        .iter()
        .filter_map(|line| line.split_once(CALLED))
        .filter_map(|(_, rest)| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The input offsets the service committed in transactions, per partition, from its debug
/// log: the mock cluster accepts `TxnOffsetCommit` but does not store the offsets.
fn committed_in_transactions(service: &Service) -> BTreeMap<i32, i64> {
    let mut committed: BTreeMap<i32, i64> = BTreeMap::new();
    for line in service.log_lines() {
        let Some((_, rest)) = line.split_once(r#""offsets":""#) else {
            continue;
        };
        let offsets = rest.split('"').next().unwrap_or_default();
        for item in offsets.split_whitespace() {
            let parsed = item
                .strip_prefix(&format!("{INPUT}/"))
                .and_then(|item| item.split_once('='))
                .and_then(|(p, o)| Some((p.parse().ok()?, o.parse().ok()?)));
            if let Some((partition, offset)) = parsed {
                let entry = committed.entry(partition).or_insert(offset);
                *entry = offset.max(*entry);
            }
        }
    }
    committed
}

/// Waits until the service's transactions committed the end of every input partition.
fn wait_until_committed(brokers: &str, service: &Service) {
    let ends = Offsets::new(brokers, GROUP).end_offsets(INPUT);
    wait_until(
        "offsets at the end of the input committed in a transaction",
        &[service],
        || {
            let committed = committed_in_transactions(service);
            if committed == ends {
                Ok(())
            } else {
                Err(format!("committed {committed:?} of {ends:?}"))
            }
        },
    );
}

/// Waits until every input has its outcome and its offset was committed in a transaction.
fn wait_until_done(
    brokers: &str,
    ledger: &Ledger<'_>,
    outputs: &mut TopicReader,
    service: &Service,
) {
    wait_until_screened(ledger, outputs, &[service]);
    wait_until_committed(brokers, service);
}

#[test]
fn outcomes_dead_letters_and_offsets_go_in_one_transaction_per_batch_in_order() {
    let kafka = MockKafka::with_service_topics(2);
    let brokers = kafka.brokers();
    let mut inputs = events::encounters(21, 150);
    inputs.extend(events::poison(22).into_iter().take(3));
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);

    let service = exactly_once("eos-sequence", brokers);
    wait_until_done(brokers, &ledger, &mut outputs, &service);
    service.stop();

    ledger.check(&all_outcomes(brokers, &mut outputs), Duplicates::Forbidden);
    let letters = TopicReader::new(brokers, DLQ, &[])
        .read_to_end(brokers)
        .len();
    assert_eq!(
        letters, 3,
        "the dead letters are produced in the transactions too"
    );
    let calls = api_calls(&service);
    assert_eq!(
        calls[..2],
        ["init_transactions", "begin_transaction"],
        "{calls:?}"
    );
    let sends: Vec<usize> = (0..calls.len())
        .filter(|&i| calls[i] == "send_offsets_to_transaction")
        .collect();
    assert!(
        !sends.is_empty(),
        "offsets went in a transaction: {calls:?}"
    );
    for i in sends {
        assert_eq!(
            calls[i - 1..=i + 1],
            [
                "begin_transaction",
                "send_offsets_to_transaction",
                "commit_transaction"
            ],
            "at call {i}: {calls:?}"
        );
    }
    assert!(!calls.iter().any(|c| c == "abort_transaction"), "{calls:?}");
    let logs = service.log_lines();
    let last_send = logs
        .iter()
        .rposition(|l| l.contains("send_offsets_to_transaction"));
    for topic in [OUTPUT, DLQ] {
        let marked = format!("Marked {topic} [");
        let first_add = logs
            .iter()
            .position(|l| l.contains(&marked) && l.contains("as part of transaction"));
        assert!(
            first_add.is_some() && first_add < last_send,
            "records of {topic} were added to a transaction before its offsets"
        );
    }
}

/// Injects `errors` into the service's first `api` requests, then screens 200 events:
/// every event screened (an aborted batch may show twice here: the mock does not hide it)
/// and the input committed to its end, an abort and a rewind logged, and a clean stop.
fn abortable(name: &str, api: RDKafkaApiKey, errors: &[RDKafkaRespErr]) {
    let kafka = MockKafka::with_service_topics(2);
    let brokers = kafka.brokers();
    let inputs = events::encounters(31, 200);
    let placed = feed(brokers, &inputs);
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    // Only the service sends requests from here on.
    kafka.cluster().request_errors(api, errors);
    let service = exactly_once(name, brokers);
    wait_until_done(brokers, &ledger, &mut outputs, &service);
    service.stop();

    let counts = ledger.check(&all_outcomes(brokers, &mut outputs), Duplicates::Allowed);
    assert_eq!(counts.len(), 200);
    let logs = service.logs();
    assert!(logs.contains("transaction failed: aborting it"), "{logs}");
    assert!(logs.contains("rewound to the committed offsets"), "{logs}");
    assert!(api_calls(&service).iter().any(|c| c == "abort_transaction"));
}

#[test]
fn a_refused_add_offsets_to_txn_aborts_rewinds_and_loses_nothing() {
    abortable(
        "eos-add-offsets",
        RDKafkaApiKey::AddOffsetsToTxn,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED],
    );
}

#[test]
fn a_refused_txn_offset_commit_of_a_stale_generation_aborts_rewinds_and_loses_nothing() {
    abortable(
        "eos-txn-offset-commit",
        RDKafkaApiKey::TxnOffsetCommit,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION],
    );
}

#[test]
fn a_refused_end_txn_aborts_rewinds_and_loses_nothing() {
    abortable(
        "eos-end-txn",
        RDKafkaApiKey::EndTxn,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID],
    );
}

#[test]
fn a_refused_produce_in_a_transaction_aborts_rewinds_and_loses_nothing() {
    abortable(
        "eos-produce",
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_INVALID_RECORD],
    );
}

/// Injects `error` into the next `api` request after the first transaction: the instance
/// stops with status 1 and a one-line cause naming the delivery mode.
fn fatal(name: &str, api: RDKafkaApiKey, error: RDKafkaRespErr, says: &str) {
    let kafka = MockKafka::with_service_topics(1);
    let brokers = kafka.brokers();
    let first = events::encounters(41, 20);
    feed(brokers, &first);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    let service = exactly_once(name, brokers);
    wait_for_outcomes(&mut outputs, first.len(), &[&service]);
    wait_until_committed(brokers, &service);

    kafka.cluster().request_errors(api, &[error]);
    feed(brokers, &events::encounters(42, 20));
    let status = service.wait_exit();
    assert_eq!(status.code(), Some(1), "{}", service.logs());
    let logs = service.log_lines();
    let last = logs.last().expect("a last log line");
    assert!(
        last.contains("exactly-once delivery") && last.contains(says),
        "the cause, on one line: {last}"
    );
}

#[test]
fn a_fenced_producer_stops_the_instance_with_status_1_and_a_one_line_cause() {
    fatal(
        "eos-fenced",
        RDKafkaApiKey::EndTxn,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
        "fenced",
    );
}

#[test]
fn a_transaction_state_the_broker_calls_invalid_stops_the_instance_with_status_1() {
    fatal(
        "eos-invalid-state",
        RDKafkaApiKey::AddOffsetsToTxn,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_INVALID_TXN_STATE,
        "invalid",
    );
}
