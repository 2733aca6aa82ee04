//! Rate mode: the service running while the generator offers a fixed rate, and the latency
//! of each event from its produce timestamp (the input record's timestamp, set when the
//! generator handed it to its producer, before its up-to-5-ms linger) to its outcome: when the
//! harness fetched it, and the outcome record's own timestamp (when the service produced
//! it). A watcher reads the input topic (for the timestamps) and the outcomes (whose
//! `source` names the input offset) on its own thread, and when it fetched each event too:
//! the time an event took to reach a consumer, before the service could see it. The first
//! second is warm-up.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};

use super::child::{Launch, Services};
use super::results::Latency;
use super::stats::{bucket_percentile, percentile};
use super::topics::{RunTopics, Target};
use super::usage::Usage;
use crate::generate::{self, GenerateSpec};
use crate::report::read::ValueDecoder;

/// Events of the first second are left out of the percentiles: the service's producer
/// connects (and gets its idempotent producer id) on its first outcome, and the consumer's
/// first fetches start cold.
const WARM_UP_MS: i64 = 1000;
/// How long outcomes may trail the last event produced.
const CATCH_UP: Duration = Duration::from_secs(60);

/// What the watcher saw: input timestamps and when each input was fetched, by (partition,
/// offset), and per outcome its input's place, its own timestamp and when it was fetched
/// (ms since the epoch).
struct Seen {
    inputs: HashMap<(i32, i64), (i64, f64)>,
    outcomes: Vec<((i32, i64), i64, f64)>,
}

impl Seen {
    /// Room for `events` from the start: grown while the watcher runs, these records
    /// paused its thread for up to ~0.3 s at 1.8 M events, and on 2 cores that pause took
    /// CPU from the service being measured (BENCHMARKS.md, "The p99 with history").
    fn with_capacity(events: u64) -> Self {
        let events = usize::try_from(events).unwrap_or(usize::MAX);
        Self {
            inputs: HashMap::with_capacity(events),
            outcomes: Vec::with_capacity(events),
        }
    }
}

struct Watcher {
    stop: Arc<AtomicBool>,
    completed: Arc<AtomicU64>,
    thread: JoinHandle<anyhow::Result<Seen>>,
}

impl Watcher {
    fn start(target: &Target, topics: &RunTopics, events: u64) -> anyhow::Result<Self> {
        // Its fetches return at once: their wait is not the service's latency.
        let consumer = target.consumer_with(
            &format!("{}-watcher", topics.input),
            &[("fetch.wait.max.ms", "1")],
        )?;
        let mut list = TopicPartitionList::new();
        for topic in [&topics.input, &topics.outcomes] {
            for partition in 0..topics.partitions {
                list.add_partition_offset(topic, partition, Offset::Beginning)?;
            }
        }
        list.add_partition_offset(&topics.dead_letters, 0, Offset::Beginning)?;
        consumer.assign(&list)?;
        let stop = Arc::new(AtomicBool::new(false));
        let completed = Arc::new(AtomicU64::new(0));
        let (input, dlq) = (topics.input.clone(), topics.dead_letters.clone());
        let thread = {
            let (stop, completed) = (Arc::clone(&stop), Arc::clone(&completed));
            let seen = Seen::with_capacity(events);
            thread::spawn(move || watch(&consumer, seen, &input, &dlq, &stop, &completed))
        };
        Ok(Self {
            stop,
            completed,
            thread,
        })
    }

    fn finish(self) -> anyhow::Result<Seen> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the watcher panicked"))?
    }
}

fn watch(
    consumer: &BaseConsumer,
    mut seen: Seen,
    input: &str,
    dlq: &str,
    stop: &AtomicBool,
    completed: &AtomicU64,
) -> anyhow::Result<Seen> {
    let mut decoder = ValueDecoder::new(None);
    while !stop.load(Ordering::SeqCst) {
        let Some(message) = consumer.poll(Duration::from_millis(50)) else {
            continue;
        };
        let message = message.context("the watcher's consumer failed")?;
        let stamp = message.timestamp().to_millis().unwrap_or(0);
        let place = (message.partition(), message.offset());
        if message.topic() == input {
            seen.inputs.insert(place, (stamp, epoch_ms()));
            continue;
        }
        completed.fetch_add(1, Ordering::Relaxed);
        if message.topic() == dlq {
            continue;
        }
        let outcome = decoder
            .decode(message.payload().unwrap_or_default())
            .map_err(|e| anyhow::anyhow!("an outcome does not decode: {e}"))?;
        if let Some(source) = outcome.source {
            seen.outcomes
                .push(((source.partition, source.offset), stamp, epoch_ms()));
        }
    }
    Ok(seen)
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Runs the service while `spec` (paced by its rate) is produced; measures the latencies.
pub fn at_rate(
    launch: &Launch,
    target: &Target,
    topics: &RunTopics,
    spec: &GenerateSpec,
) -> anyhow::Result<Latency> {
    let mut services = Services::start(launch, target, topics)?;
    services.wait_ready(Duration::from_secs(60))?;
    let watcher = Watcher::start(target, topics, spec.settings.count.get())?;
    let usage = Usage::of_children(&services.ids());
    let produced = generate::produce(spec, &|| false)?;
    let wanted = produced.delivered;
    let deadline = Instant::now() + CATCH_UP;
    while watcher.completed.load(Ordering::Relaxed) < wanted && Instant::now() < deadline {
        services.check_alive()?;
        thread::sleep(Duration::from_millis(50));
    }
    let used = usage.until_now();
    let buckets = services.processing_buckets()?;
    let completed = watcher.completed.load(Ordering::Relaxed);
    let seen = watcher.finish()?;
    let (mut fetched, mut stamped) = latencies(&seen);
    let mut input = input_latencies(&seen);
    for sorted in [&mut fetched, &mut stamped, &mut input] {
        sorted.sort_by(f64::total_cmp);
    }
    let ms = |sorted: &[f64], q| percentile(sorted, q).unwrap_or(f64::NAN);
    Ok(Latency {
        offered_per_s: spec.settings.rate.map_or(0, |r| r.get()),
        produced: wanted,
        completed,
        produced_per_s: wanted as f64 / produced.elapsed.as_secs_f64().max(1e-6),
        p50_ms: ms(&fetched, 0.5),
        p99_ms: ms(&fetched, 0.99),
        p999_ms: ms(&fetched, 0.999),
        max_ms: ms(&fetched, 1.0),
        stamped_p99_ms: ms(&stamped, 0.99),
        input_p50_ms: percentile(&input, 0.5),
        input_p99_ms: percentile(&input, 0.99),
        processing_p99_le_ms: bucket_percentile(&buckets, 0.99).map(|s| s * 1000.0),
        cpu_us_per_event: used.cpu_seconds * 1e6 / completed.max(1) as f64,
        peak_rss_mib: used.peak_rss_mib,
    })
}

/// The first produce timestamp counted: the first input's plus the warm-up.
fn measured_from(seen: &Seen) -> i64 {
    let first = seen.inputs.values().map(|(stamp, _)| *stamp).min();
    first.map_or(i64::MAX, |first| first + WARM_UP_MS)
}

/// Per input produced after the warm-up: fetched by the watcher − produced, in ms.
fn input_latencies(seen: &Seen) -> Vec<f64> {
    let measured_from = measured_from(seen);
    seen.inputs
        .values()
        .filter(|(produced, _)| *produced >= measured_from)
        .map(|(produced, fetched)| fetched - *produced as f64)
        .collect()
}

/// Per outcome whose input was seen, produced after the warm-up: fetched − produced and
/// stamped − produced, in ms.
fn latencies(seen: &Seen) -> (Vec<f64>, Vec<f64>) {
    let measured_from = measured_from(seen);
    seen.outcomes
        .iter()
        .filter_map(|(place, stamp, fetched)| {
            let (produced, _) = *seen.inputs.get(place)?;
            (produced >= measured_from).then(|| {
                let produced = produced as f64;
                (fetched - produced, *stamp as f64 - produced)
            })
        })
        .unzip()
}
