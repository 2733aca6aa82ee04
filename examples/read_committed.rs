//! Reads a topic of JSON outcomes (`run --output-format json`) from the beginning as a
//! downstream reader of exactly-once output must (`isolation.level=read_committed`), and
//! counts outcomes per `event_id`. Used by `scripts/eos-check.sh`.
//!
//!     cargo run --release --example read_committed -- BROKERS TOPIC EXPECTED
//!
//! Reads until nothing arrives for 10 s, prints one line (outcomes, distinct events,
//! duplicates) and exits 0 only when every one of EXPECTED events has exactly one outcome.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;

const QUIET: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [brokers, topic, expected] = args.as_slice() else {
        eprintln!("usage: read_committed BROKERS TOPIC EXPECTED");
        return ExitCode::from(2);
    };
    let Ok(expected) = expected.parse::<usize>() else {
        eprintln!("EXPECTED must be a number");
        return ExitCode::from(2);
    };
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set(
            "group.id",
            format!("eos-check-reader-{}", std::process::id()),
        )
        .set("isolation.level", "read_committed")
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("the reader starts");
    consumer.subscribe(&[topic]).expect("subscribes");
    let mut per_event: HashMap<String, usize> = HashMap::new();
    let (mut outcomes, mut last) = (0usize, Instant::now());
    while last.elapsed() < QUIET {
        let Some(Ok(message)) = consumer.poll(Duration::from_millis(500)) else {
            continue;
        };
        last = Instant::now();
        let value: serde_json::Value =
            serde_json::from_slice(message.payload().unwrap_or_default()).expect("a JSON outcome");
        let id = value["event_id"].as_str().expect("an event_id").to_owned();
        *per_event.entry(id).or_default() += 1;
        outcomes += 1;
    }
    let duplicates = outcomes - per_event.len();
    println!(
        "outcomes {outcomes}, distinct events {}, duplicates {duplicates} (expected {expected})",
        per_event.len()
    );
    if duplicates == 0 && per_event.len() == expected {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
