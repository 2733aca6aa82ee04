//! `traction-screen bench`: the end-to-end load harness, on the in-process mock cluster
//! (`--mock`) or any broker address.
//!
//! - Drain mode: each run fills fresh topics with `--events` synthetic encounters (`generate`'s
//!   events), then drains the same input topic three times, each in its own consumer group
//!   and with the service's client settings: a bare consumer and a bare pipe (the two
//!   ceilings, in this process, [`ceilings`]) and `traction-screen run` as child processes
//!   ([`child`]); it reports events/s, CPU per event, peak memory and the service's ratios to
//!   both ceilings in the same run. The core path is timed on the same events ([`events`]).
//! - Rate mode: the service runs while the generator offers each of `--rates` for
//!   `--duration` seconds; latency percentiles from each event's produce timestamp to its
//!   outcome ([`latency`]).
//!
//! Results go to `OUTPUT/results.json` with SVG plots ([`plot`]); the children's logs to
//! `OUTPUT/logs/`. Numbers are for BENCHMARKS.md, never for pass/fail tests.

mod ceilings;
mod child;
mod events;
mod latency;
mod plot;
mod results;
pub mod stats;
mod topics;
mod usage;

use std::num::NonZeroUsize;
use std::path::PathBuf;

use anyhow::Context as _;
use traction_screen_core::codec::OutputFormat;

use self::child::Launch;
pub use self::results::{Drain, DrainRun, Latency, Results};
use self::topics::{RunTopics, Target};

/// The `bench` command line.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Run on librdkafka's in-process mock cluster.
    #[arg(long, conflicts_with = "brokers", required_unless_present_any = ["brokers", "replot"])]
    pub mock: bool,
    /// Kafka bootstrap servers to run on (topics are created there, named bench-PID-…).
    #[arg(long, value_name = "HOST:PORT[,...]")]
    pub brokers: Option<String>,
    /// drain: a pre-filled topic drained by the ceilings and the service; rate: latency
    /// at fixed offered rates.
    #[arg(long, value_enum, default_value_t = Mode::Drain)]
    pub mode: Mode,
    /// Events each drain run fills its topic with.
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub events: u64,
    /// Offered rates of rate mode, events/s.
    #[arg(long, value_delimiter = ',', default_values_t = [2000, 5000, 10000], value_name = "PER_SEC,...")]
    pub rates: Vec<u32>,
    /// Seconds each rate is held.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub duration: u64,
    /// Encoding of the events.
    #[arg(long, value_enum, default_value_t = EventFormat::Json)]
    pub format: EventFormat,
    /// Partitions of the input and outcome topics.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(i32).range(1..=1000))]
    pub partitions: i32,
    /// Service instances, in one consumer group.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub instances: u16,
    /// Repetitions (drain runs, or rounds over the rates).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub runs: usize,
    /// A librdkafka property for every client, the service's included (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub kafka_config: Vec<String>,
    /// A librdkafka property for the producer that fills the topic only (repeatable), e.g.
    /// batch.num.messages=1 for tansu 0.6.
    #[arg(long, value_name = "KEY=VALUE")]
    pub fill_config: Vec<String>,
    /// An argument added to `traction-screen run` (repeatable), e.g. --service-arg=--workers=1.
    #[arg(long = "service-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub service_args: Vec<String>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Service lines of every event (`generate --lines`) [default: the generator's mix of
    /// one to five].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000), value_name = "N")]
    pub lines: Option<u16>,
    /// Directory for results.json, the plots and the service's logs.
    #[arg(long, default_value = "bench-results", value_name = "DIR")]
    pub output: PathBuf,
    /// Redraw the plots and the summary of OUTPUT/results.json instead of measuring.
    #[arg(long, conflicts_with_all = ["mock", "brokers"])]
    pub replot: bool,
    /// The traction-screen binary to run [default: this one].
    #[arg(long, value_name = "FILE")]
    pub bin: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Drain,
    Rate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EventFormat {
    Json,
    /// Avro single-object encoding.
    Avro,
}

impl EventFormat {
    fn wire(self) -> OutputFormat {
        match self {
            Self::Json => OutputFormat::Json,
            Self::Avro => OutputFormat::AvroSingleObject,
        }
    }
}

impl BenchArgs {
    fn events_kind(&self) -> events::Kind {
        events::Kind {
            format: self.format.wire(),
            seed: self.seed,
            lines: self.lines.and_then(|n| NonZeroUsize::new(usize::from(n))),
        }
    }
}

/// Runs the harness; the results are written and summarised on standard output.
pub fn run(args: &BenchArgs) -> anyhow::Result<Results> {
    if args.replot {
        let results = Results::read(&args.output.join("results.json"))?;
        write(args, &results)?;
        return Ok(results);
    }
    let logs = args.output.join("logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("cannot create {}", logs.display()))?;
    let bin = match &args.bin {
        Some(bin) => bin.clone(),
        None => std::env::current_exe().context("cannot find this program's path")?,
    };
    let launch = Launch {
        bin,
        instances: usize::from(args.instances),
        kafka_config: args.kafka_config.clone(),
        extra: args.service_args.clone(),
        logs,
    };
    let mut results = Results {
        target: args.brokers.clone().unwrap_or_else(|| "mock".to_owned()),
        format: format!("{:?}", args.format).to_lowercase(),
        partitions: args.partitions,
        instances: launch.instances,
        events: args.events,
        service_args: args.service_args.clone(),
        lines: args.lines.map(usize::from),
        ..Results::default()
    };
    match args.mode {
        Mode::Drain => drain_runs(args, &launch, &mut results)?,
        Mode::Rate => rate_runs(args, &launch, &mut results)?,
    }
    write(args, &results)?;
    Ok(results)
}

fn drain_runs(args: &BenchArgs, launch: &Launch, results: &mut Results) -> anyhow::Result<()> {
    let with_history = launch.keeps_history();
    let mut core = events::core_path(&args.events_kind(), args.events, with_history)?;
    println!(
        "core path{}: {:.2} µs CPU per event",
        if with_history { " with history" } else { "" },
        core.cpu_us_per_event
    );
    if with_history {
        let partitions = usize::try_from(args.partitions).unwrap_or(1);
        let at_scale = events::core_path_at_scale(&args.events_kind(), args.events, partitions)?;
        println!(
            "core path with history over all {} events in {} partitions' histories: {at_scale:.2} µs CPU per event",
            args.events, args.partitions
        );
        core.at_scale_us_per_event = Some(at_scale);
    }
    results.core = Some(core);
    for run in 0..args.runs {
        // A fresh mock cluster each run: it holds every record in this process's memory.
        let target = Target::start(args.brokers.as_deref(), &args.kafka_config)?;
        let topics = RunTopics::named(&format!("drain{run}"), args.partitions);
        target.create(&topics)?;
        let fill = events::spec(
            &target,
            &topics.input,
            args.events,
            None,
            &args.events_kind(),
            &args.fill_config,
        )?;
        let filled = crate::generate::produce(&fill, &|| false)?;
        anyhow::ensure!(
            filled.failed == 0,
            "{} events were not delivered",
            filled.failed
        );
        target.check_retained(&topics)?;
        let consumer = ceilings::bare_consumer(&target, &topics, args.events)?;
        let pipe = ceilings::bare_pipe(&target, &topics, args.events)?;
        let service = child::drain(launch, &target, &topics, args.events)?;
        let run = DrainRun {
            consumer,
            pipe,
            service,
        };
        print_drain(&run);
        results.drains.push(run);
    }
    Ok(())
}

fn rate_runs(args: &BenchArgs, launch: &Launch, results: &mut Results) -> anyhow::Result<()> {
    for run in 0..args.runs {
        for rate in &args.rates {
            let target = Target::start(args.brokers.as_deref(), &args.kafka_config)?;
            let topics = RunTopics::named(&format!("rate{rate}-{run}"), args.partitions);
            target.create(&topics)?;
            let count = u64::from(*rate) * args.duration;
            // The generator batches for up to 5 ms (counted in the latency: the timestamp is
            // taken before). Unbatched, every record is its own batch, and the mock cluster
            // scans a partition's batches one by one on every fetch: its thread saturates and
            // the p99 measures it (BENCHMARKS.md, "What the p99 stalls were").
            let mut extra = vec!["linger.ms=5".to_owned()];
            extra.extend(args.fill_config.iter().cloned());
            let spec = events::spec(
                &target,
                &topics.input,
                count,
                Some(*rate),
                &args.events_kind(),
                &extra,
            )?;
            let latency = latency::at_rate(launch, &target, &topics, &spec)?;
            print_latency(&latency);
            results.latencies.push(latency);
        }
    }
    Ok(())
}

fn print_drain(run: &DrainRun) {
    let line = |name: &str, d: &Drain| {
        let peak = d
            .peak_rss_mib
            .map_or(String::new(), |m| format!(", peak {m:.0} MiB"));
        println!(
            "  {name:<14} {:>9.0} events/s  {:>6.2} µs CPU/event{peak}",
            d.events_per_s, d.cpu_us_per_event
        );
    };
    println!("drain run:");
    line("bare consumer", &run.consumer);
    line("bare pipe", &run.pipe);
    line("service", &run.service);
    println!(
        "  service / pipe {:.2}, service / consumer {:.2}",
        run.service.events_per_s / run.pipe.events_per_s,
        run.service.events_per_s / run.consumer.events_per_s
    );
}

fn print_latency(l: &Latency) {
    println!(
        "rate {:>6}/s (achieved {:.0}/s): {}/{} outcomes, p50 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms, max {:.1} ms (outcome stamp p99 {:.1} ms; input fetched p50 {:.1} ms, p99 {:.1} ms; service consume → acknowledged p99 ≤ {:.1} ms), {:.2} µs CPU/event",
        l.offered_per_s,
        l.produced_per_s,
        l.completed,
        l.produced,
        l.p50_ms,
        l.p99_ms,
        l.p999_ms,
        l.max_ms,
        l.stamped_p99_ms,
        l.input_p50_ms.unwrap_or(f64::NAN),
        l.input_p99_ms.unwrap_or(f64::NAN),
        l.processing_p99_le_ms.unwrap_or(f64::NAN),
        l.cpu_us_per_event
    );
}

/// results.json, the plots that have data, and the summary of the medians.
fn write(args: &BenchArgs, results: &Results) -> anyhow::Result<()> {
    results.write(&args.output.join("results.json"))?;
    let mut plots = Vec::new();
    if !results.latencies.is_empty() {
        plots.push(("latency.svg", plot::latency(results)));
    }
    if let Some(summary) = results.summary() {
        plots.push(("cpu-by-stage.svg", plot::cpu_by_stage(results)));
        println!(
            "medians of {} runs: consumer {:.0}/s, pipe {:.0}/s, service {:.0}/s; service/pipe {:.2}, service/consumer {:.2}; CPU µs/event: consumer {:.2}, pipe {:.2}, service {:.2}, service/core {:.1} (at the drain's scale {:.1})",
            results.drains.len(),
            summary.consumer_per_s,
            summary.pipe_per_s,
            summary.service_per_s,
            summary.of_pipe,
            summary.of_consumer,
            summary.consumer_cpu_us,
            summary.pipe_cpu_us,
            summary.service_cpu_us,
            summary.cpu_of_core.unwrap_or(f64::NAN),
            summary.cpu_of_core_at_scale.unwrap_or(f64::NAN),
        );
    }
    for (name, svg) in plots {
        let svg = svg.map_err(|e| anyhow::anyhow!("cannot draw {name}: {e}"))?;
        let path = args.output.join(name);
        std::fs::write(&path, svg).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("results in {}", args.output.display());
    Ok(())
}
