//! `traction-screen demo`: the whole product on one machine, with nothing to install.
//!
//! Starts librdkafka's in-process mock cluster, creates the topics, runs the real service
//! (the same [`Service`] as `run`) against it, feeds it the synthetic generator's stream (with a
//! few poison messages), shows live progress, and ends with a summary read from the
//! service's own metrics and the group's committed offsets.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use traction_screen_core::codec::OutputFormat;
use traction_screen_core::domain::Verdict;
use traction_screen_core::rules::catalogue;

use crate::cli::GenerateArgs;
use crate::config::{DemoSettings, GenerateSettings, RunSettings};
use crate::generate::{self, GenerateSpec};
use crate::metrics::Metrics;
use crate::runtime::shutdown::{self, Shutdown};
use crate::service::{Service, bind_admin};

const INPUT: &str = "encounters";
const OUTPUT: &str = "screening-outcomes";
const DLQ: &str = "encounters-dlq";
const ALERTS: &str = "screening-alerts";
const GROUP: &str = "traction-screen-demo";
/// The service's default history changelog for [`GROUP`] (the mock cluster has no admin
/// API to create it at start-up).
const HISTORY: &str = "traction-screen-demo-history";
/// One message in this many is a poison message, to show dead-lettering.
const POISON_EVERY: u64 = 500;

/// Runs the demo. The admin port is bound and the signal handlers installed before anything
/// else, so a taken port fails at once and Ctrl-C stops it at any stage, with a summary of
/// what was screened so far.
pub fn run(spec: &DemoSettings) -> anyhow::Result<()> {
    let admin = bind_admin(spec.admin_addr)?;
    let runtime = crate::service::runtime()?;
    let shutdown = Shutdown::new();
    runtime.spawn(shutdown::on_signals(shutdown.clone()));
    let partitions = i32::from(spec.partitions.get());
    let cluster = start_cluster(partitions)?;
    let brokers = cluster.bootstrap_servers();
    print_header(spec, &brokers, admin.local_addr());

    let service = Service::build(service_settings(spec, &brokers)?)?;
    let metrics = service.metrics();
    let serving = runtime.spawn(service.run(admin, shutdown.clone(), false));
    let generator = {
        let spec = generator_spec(spec, &brokers)?;
        let stop = shutdown.clone();
        thread::spawn(move || generate::produce(&spec, &|| stop.is_triggered()))
    };

    let screening_time = watch_progress(&metrics, spec.events.get(), &shutdown);
    shutdown.trigger();
    let generated = generator
        .join()
        .map_err(|_| anyhow::anyhow!("the generator panicked"))??;
    let served = runtime
        .block_on(serving)
        .context("the service task panicked")?;
    let committed = committed_offsets(&brokers, partitions)?;
    let run = Run {
        produced: generated.produced,
        poison: generated.poison,
        committed,
        screening_time,
        events: spec.events.get(),
    };
    print_summary(&metrics, &run);
    drop(cluster);
    served
}

/// The in-process cluster, with the demo's topics.
fn start_cluster(partitions: i32) -> anyhow::Result<MockCluster<'static, DefaultProducerContext>> {
    let cluster = MockCluster::new(1).context("cannot start the in-process Kafka cluster")?;
    for (topic, partitions) in [
        (INPUT, partitions),
        (OUTPUT, partitions),
        (DLQ, 1),
        (ALERTS, 1),
        (HISTORY, partitions),
    ] {
        cluster
            .create_topic(topic, partitions, 1)
            .with_context(|| format!("cannot create topic {topic}"))?;
    }
    Ok(cluster)
}

fn print_header(spec: &DemoSettings, brokers: &str, admin_addr: SocketAddr) {
    let _ = write_header(&mut std::io::stderr().lock(), spec, brokers, admin_addr);
}

/// The header on standard error (a closed pipe ends it quietly).
fn write_header(
    out: &mut impl Write,
    spec: &DemoSettings,
    brokers: &str,
    admin_addr: SocketAddr,
) -> std::io::Result<()> {
    writeln!(out, "traction-screen demo")?;
    writeln!(
        out,
        "  in-process Kafka (librdkafka mock cluster) at {brokers}"
    )?;
    writeln!(
        out,
        "  topics: {INPUT} ({} partitions) -> {OUTPUT}, {ALERTS}, {DLQ}",
        spec.partitions
    )?;
    writeln!(
        out,
        "  metrics: http://{admin_addr}/metrics   readiness: http://{admin_addr}/readyz"
    )?;
    writeln!(
        out,
        "  generating {} synthetic encounters at {}/s (JSON and Avro, 1 in {POISON_EVERY} poison); Ctrl-C stops\n",
        spec.events, spec.rate
    )?;
    Ok(())
}

/// The service's settings, through the same validation as `run`'s.
fn service_settings(spec: &DemoSettings, brokers: &str) -> anyhow::Result<RunSettings> {
    RunSettings::for_demo(brokers, spec, GROUP, [INPUT, OUTPUT, DLQ, ALERTS])
        .context("the demo's service settings")
}

/// The generator's settings, through the same validation as `generate`'s, and its mix of
/// wire formats and poison messages.
fn generator_spec(spec: &DemoSettings, brokers: &str) -> anyhow::Result<GenerateSpec> {
    let args = GenerateArgs {
        brokers: Some(brokers.to_owned()),
        topic: Some(INPUT.to_owned()),
        count: Some(spec.events.get()),
        rate: Some(u64::from(spec.rate.get())),
        seed: Some(2026),
        ..GenerateArgs::default()
    };
    let settings =
        GenerateSettings::resolve(&args, None).context("the demo's generator settings")?;
    Ok(GenerateSpec {
        settings,
        formats: vec![OutputFormat::AvroSingleObject, OutputFormat::Json],
        poison_every: Some(POISON_EVERY),
    })
}

/// Prints progress once a second until every event has an acknowledged outcome or dead
/// letter, or a stop (Ctrl-C, a service failure); returns the time from the first
/// acknowledged outcome to the last seen, `None` when there was none.
fn watch_progress(metrics: &Arc<Metrics>, events: u64, shutdown: &Shutdown) -> Option<Duration> {
    let terminal = std::io::stderr().is_terminal();
    let mut last = (Instant::now(), 0u64);
    let mut first_done: Option<Instant> = None;
    loop {
        thread::sleep(Duration::from_millis(250));
        let done = done_count(metrics);
        if done > 0 && first_done.is_none() {
            first_done = Some(Instant::now());
        }
        if last.0.elapsed() >= Duration::from_secs(1) || done >= events {
            let rate = (done - last.1) as f64 / last.0.elapsed().as_secs_f64();
            let line = if done == 0 {
                "  waiting for the consumer group to form (the mock cluster delays the first rebalance by 3 s)".to_owned()
            } else {
                format!(
                    "  {:>7} / {events} screened  PASS {:>6}  REVIEW {:>6}  FAIL {:>6}  dead letters {:>4}  {:>7.0} events/s",
                    done,
                    metrics.outcomes_total(Verdict::Pass),
                    metrics.outcomes_total(Verdict::Review),
                    metrics.outcomes_total(Verdict::Fail),
                    metrics.dead_letters_total(),
                    rate,
                )
            };
            if terminal {
                let _ = write!(std::io::stderr(), "\r{line}");
            } else {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
            let _ = std::io::stderr().flush();
            last = (Instant::now(), done);
        }
        if done >= events {
            if terminal {
                let _ = writeln!(std::io::stderr());
            }
            return first_done.map(|first| first.elapsed());
        }
        if shutdown.is_triggered() {
            let _ = writeln!(std::io::stderr());
            return first_done.map(|first| first.elapsed());
        }
    }
}

fn done_count(metrics: &Metrics) -> u64 {
    Verdict::ALL
        .iter()
        .map(|v| metrics.outcomes_total(*v))
        .sum::<u64>()
        + metrics.dead_letters_total()
}

/// The group's committed offsets on the input topic, summed over partitions.
fn committed_offsets(brokers: &str, partitions: i32) -> anyhow::Result<i64> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", GROUP)
        .create()
        .context("cannot create a consumer to read committed offsets")?;
    let mut list = TopicPartitionList::new();
    for partition in 0..partitions {
        list.add_partition(INPUT, partition);
    }
    let committed = consumer
        .committed_offsets(list, Duration::from_secs(10))
        .context("cannot read committed offsets")?;
    Ok(committed
        .elements()
        .iter()
        .filter_map(|e| match e.offset() {
            Offset::Offset(offset) => Some(offset),
            _ => None,
        })
        .sum())
}

/// What the summary reports besides the service's metrics.
struct Run {
    produced: u64,
    poison: u64,
    committed: i64,
    /// From the first acknowledged outcome to the last; `None`: no outcome yet.
    screening_time: Option<Duration>,
    events: u64,
}

/// Writes the summary to standard output; a closed pipe (`demo | head`) ends it quietly.
fn print_summary(metrics: &Metrics, run: &Run) {
    let _ = write_summary(&mut std::io::stdout().lock(), metrics, run);
}

fn write_summary(out: &mut impl Write, metrics: &Metrics, run: &Run) -> std::io::Result<()> {
    let outcomes: u64 = Verdict::ALL
        .iter()
        .map(|v| metrics.outcomes_total(*v))
        .sum();
    let percent = |n: u64| {
        if outcomes == 0 {
            0.0
        } else {
            100.0 * n as f64 / outcomes as f64
        }
    };
    let (produced, poison, committed) = (run.produced, run.poison, run.committed);
    let done = done_count(metrics);
    if done < run.events {
        writeln!(
            out,
            "\nSummary (stopped early: {done} of {} events screened)",
            run.events
        )?;
    } else {
        writeln!(out, "\nSummary")?;
    }
    writeln!(
        out,
        "  events produced     {produced:>8}  ({poison} of them poison messages)"
    )?;
    writeln!(out, "  outcomes published  {outcomes:>8}")?;
    for verdict in Verdict::ALL {
        let n = metrics.outcomes_total(verdict);
        writeln!(
            out,
            "    {:<6}            {n:>8}  ({:.1}%)",
            verdict.as_str(),
            percent(n)
        )?;
    }
    let reasons: Vec<String> = metrics
        .dead_letters_by_reason()
        .iter()
        .map(|(reason, n)| format!("{reason} {n}"))
        .collect();
    writeln!(
        out,
        "  dead letters        {:>8}  {}",
        metrics.dead_letters_total(),
        reasons.join(", ")
    )?;
    writeln!(
        out,
        "  offsets committed   {committed:>8}  (every input offset, after its outcome was acknowledged)"
    )?;
    if let Some(elapsed) = run.screening_time {
        let seconds = elapsed.as_secs_f64();
        writeln!(
            out,
            "  throughput          {:>8.0} events/s from the first outcome to the last ({seconds:.1} s; the generator is paced by --rate)",
            done as f64 / seconds.max(0.001)
        )?;
    }
    if let Some(mean) = metrics.processing_mean() {
        writeln!(
            out,
            "  consume -> acknowledged outcome, mean {:.1} ms",
            mean.as_secs_f64() * 1000.0
        )?;
    }
    writeln!(out, "  top rules fired:")?;
    for (rule_id, severity, count) in metrics.findings_by_rule().into_iter().take(10) {
        let title = catalogue::title(rule_id);
        writeln!(
            out,
            "    {rule_id} {:<7} {count:>7}  {title}",
            severity.as_str()
        )?;
    }
    Ok(())
}
