//! Tier 3, bounded memory when the output stalls (issue 9, deliverable 4): the outcome
//! topic's broker stops answering for a minute while encounters keep arriving. The service
//! must stop consuming at `--max-in-flight`, keep its resident memory within a bound derived
//! from it, and once the broker is back resume and screen everything, losing nothing.
//!
//! Two mock brokers: broker 1 leads the input, dead-letter and alerts topics and
//! coordinates the group; broker 2 leads the outcome topic and is the one taken down.
//! Memory is the child's `VmRSS` from `/proc/<pid>/status` (Linux only, like the tests'
//! machines).

use std::thread;
use std::time::{Duration, Instant};

use rdkafka::mocking::MockCoordinator;

use crate::pipeline::{
    GROUP, all_outcomes, feed, feed_in_background, metric_samples, placed_after, wait_for_outcomes,
    wait_until_done,
};
use crate::support::child::Service;
use crate::support::cluster::{ALERTS, DLQ, HISTORY, INPUT, MockKafka, OUTPUT};
use crate::support::events::{self, Input};
use crate::support::kafka::TopicReader;
use crate::support::outcomes::{Duplicates, Ledger};

const MAX_IN_FLIGHT: usize = 200;
/// How long the outcome topic stays unwritable, and encounters arrive meanwhile.
const STALL: Duration = Duration::from_secs(60);
const RATE: u32 = 100;
/// Each arriving encounter is padded to this size, so that what arrives during the stall
/// (`RATE` × `STALL` × `EVENT_BYTES`: 48 MiB) dwarfs the bound.
const EVENT_BYTES: usize = 8 * 1024;
/// Spread over this many input partitions: the mock broker keeps only the newest 5 MiB of
/// a partition, and what arrives while the consumer is paused must all still be there.
const INPUT_PARTITIONS: i32 = 32;
/// The memory an in-flight event may hold: its input copy and job, the outcome and its
/// copy in the producer's queue, with allocator overhead: 4 × its size.
const PER_EVENT_KIB: u64 = 4 * EVENT_BYTES as u64 / 1024;
/// What else may grow while stalled: librdkafka's buffers for the dead broker's retries
/// and the consumer's fetch queue before the pause took effect, and allocator slack.
const SLACK_KIB: u64 = 16 * 1024;

/// The child's resident set, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc readable");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

fn two_brokers() -> MockKafka {
    let topics = [
        (INPUT, INPUT_PARTITIONS),
        (OUTPUT, 4),
        (DLQ, 1),
        (ALERTS, 1),
        (HISTORY, INPUT_PARTITIONS),
    ];
    let kafka = MockKafka::start(2, &topics);
    let cluster = kafka.cluster();
    for (topic, partitions) in topics {
        let broker = if topic == OUTPUT { 2 } else { 1 };
        for partition in 0..partitions {
            cluster
                .partition_leader(topic, partition, Some(broker))
                .expect("a leader is set");
        }
    }
    cluster
        .coordinator(MockCoordinator::Group(GROUP.to_owned()), 1)
        .expect("the group's coordinator is set");
    kafka
}

/// What the stall looked like from outside: peaks and counts sampled every 250 ms.
#[derive(Debug, Default)]
struct Stalled {
    peak_rss_kib: u64,
    peak_in_flight: f64,
    consumed_during: f64,
}

fn sample_stall(service: &Service) -> Stalled {
    let consumed = || {
        let samples = metric_samples(service).expect("/metrics answers during the stall");
        let count = samples["traction_screen_events_consumed_total"];
        (count, samples["traction_screen_in_flight"])
    };
    let (consumed_before, _) = consumed();
    let mut stalled = Stalled::default();
    let until = Instant::now() + STALL;
    while Instant::now() < until {
        let (count, in_flight) = consumed();
        stalled.peak_in_flight = stalled.peak_in_flight.max(in_flight);
        stalled.consumed_during = count - consumed_before;
        stalled.peak_rss_kib = stalled.peak_rss_kib.max(rss_kib(service.pid()));
        thread::sleep(Duration::from_millis(250));
    }
    stalled
}

#[test]
fn with_the_outcome_topic_unwritable_for_a_minute_memory_stays_bounded_and_nothing_is_lost() {
    let kafka = two_brokers();
    let brokers = kafka.brokers();
    let warm_up = events::encounters(11, 200);
    let count = RATE as usize * STALL.as_secs() as usize;
    let stream = events::heavy_encounters(12, count, EVENT_BYTES);
    let mut placed = feed(brokers, &warm_up);
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[("socket.timeout.ms", "5000")]);
    let max = MAX_IN_FLIGHT.to_string();
    let service = Service::run("service", brokers, GROUP, &["--max-in-flight", &max]);
    wait_for_outcomes(&mut outputs, warm_up.len(), &[&service]);
    let baseline_kib = rss_kib(service.pid());

    kafka.cluster().broker_down(2).expect("broker 2 goes down");
    let feeder = feed_in_background(brokers, &stream, RATE);
    let stalled = sample_stall(&service);
    kafka.cluster().broker_up(2).expect("broker 2 comes back");
    placed.extend(placed_after(feeder));

    let inputs: Vec<Input> = warm_up.into_iter().chain(stream).collect();
    let ledger = Ledger::new(INPUT, &inputs, &placed);
    wait_until_done(brokers, &ledger, &mut outputs, &[&service]);
    service.stop();

    let bound_kib = baseline_kib + MAX_IN_FLIGHT as u64 * PER_EVENT_KIB + SLACK_KIB;
    let fed_kib: usize = inputs
        .iter()
        .filter_map(|i| i.message.payload.as_ref())
        .map(Vec::len)
        .sum::<usize>()
        / 1024;
    eprintln!(
        "stall: baseline RSS {baseline_kib} KiB, peak {} KiB, bound {bound_kib} KiB; \
         {} events ({fed_kib} KiB) fed, {} consumed during the stall, peak in flight {}",
        stalled.peak_rss_kib,
        inputs.len(),
        stalled.consumed_during,
        stalled.peak_in_flight
    );
    assert!(
        stalled.consumed_during <= MAX_IN_FLIGHT as f64,
        "consumption pauses at the bound: {stalled:?}"
    );
    assert!(
        stalled.peak_in_flight <= MAX_IN_FLIGHT as f64,
        "{stalled:?}"
    );
    assert!(
        stalled.peak_rss_kib <= bound_kib,
        "RSS {} KiB over the bound {bound_kib} KiB",
        stalled.peak_rss_kib
    );
    let paused = service.log_lines();
    assert!(
        paused.iter().any(|l| l.contains("consumption paused")),
        "the pause is logged"
    );
    let published = all_outcomes(brokers, &mut outputs);
    assert_eq!(
        ledger.check(&published, Duplicates::Allowed).len(),
        inputs.len()
    );
}
