//! `traction-screen report`: outcomes in, one self-contained HTML audit report out.
//!
//! ```text
//! files (JSON Lines, Avro container) ──┐
//!                                      ├─► read ─► aggregate (pure) ─► render (charts, page)
//! outcomes topic from..until ──────────┘                                   │
//! dead-letter topic from..until ─► counts by reason ───────────────────────┘
//! ```
//!
//! Exit status: 0 when the page was written from readable input; 1 when Kafka could not be
//! read or the page not written; 2 on a usage error, an unreadable file, or any record
//! that could not be read (reported on standard error; the page is still written).

pub mod aggregate;
pub(crate) mod charts;
pub mod read;
pub mod render;
#[cfg(test)]
mod testing;
pub mod topic;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;

use rdkafka::Message;

use self::aggregate::Aggregator;
use self::read::ValueDecoder;
use self::render::PageMeta;
use self::topic::Period;
use crate::config::{ConfigError, ReaderSettings};
use crate::runtime::registry::RegistryClient;
use traction_screen_core::domain::{Date, Timestamp};

/// The `report` command line.
#[derive(Debug, Default, clap::Args)]
pub struct ReportArgs {
    /// Outcome files: JSON Lines (as `check` writes) or Avro container files (as
    /// `check --format avro` writes); `-` or none reads standard input.
    #[arg(value_name = "FILES", conflicts_with = "brokers")]
    pub files: Vec<PathBuf>,
    /// The HTML file to write [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read the outcomes topic of these Kafka bootstrap servers instead of files.
    #[arg(long, value_name = "HOST:PORT[,...]")]
    pub brokers: Option<String>,
    /// The outcomes topic [default: screening-outcomes].
    #[arg(long, value_name = "NAME", requires = "brokers")]
    pub topic: Option<String>,
    /// The dead-letter topic, counted by reason [default: encounters-dlq; empty: none].
    #[arg(long, value_name = "NAME", requires = "brokers")]
    pub dlq_topic: Option<String>,
    /// Start of the period (inclusive), by record time: RFC 3339 or YYYY-MM-DD (midnight
    /// UTC) [default: the oldest record].
    #[arg(long, value_name = "TIME", requires = "brokers")]
    pub from: Option<String>,
    /// End of the period (exclusive) [default: the end of each partition when reading
    /// starts].
    #[arg(long, value_name = "TIME", requires = "brokers")]
    pub until: Option<String>,
    /// A librdkafka property, e.g. security.protocol=SSL (repeatable).
    #[arg(long, value_name = "KEY=VALUE", requires = "brokers")]
    pub kafka_config: Vec<String>,
    /// Confluent Schema Registry, for outcomes in Confluent framing.
    #[arg(long, value_name = "URL", requires = "brokers")]
    pub schema_registry_url: Option<String>,
}

/// Exit statuses of `report`.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
}

/// What was read: the aggregated outcomes, the records that could not be read, the
/// dead-letter counts (from a topic) and a description of the source.
struct Input {
    aggregator: Aggregator,
    unreadable: usize,
    dead_letters: Option<BTreeMap<String, u64>>,
    source: String,
}

/// Runs `report`; returns the exit status. `now` stamps the page.
pub fn run(
    args: &ReportArgs,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    err: &mut dyn Write,
    now: Timestamp,
) -> u8 {
    let input = match &args.brokers {
        Some(brokers) => match period(args, brokers) {
            Ok(period) => from_topics(args, &period, err),
            Err(problem) => {
                let _ = writeln!(err, "error: {problem}");
                return exit::BAD_INPUT;
            }
        },
        None => from_files(&args.files, stdin, err),
    };
    let input = match input {
        Ok(input) => input,
        Err((status, problem)) => {
            let _ = writeln!(err, "error: {problem}");
            return status;
        }
    };
    let meta = PageMeta {
        source: input.source,
        generated_at: now,
        unreadable: input.unreadable,
    };
    let summary = input.aggregator.finish(input.dead_letters.as_ref());
    let written = render::page(&summary, &meta).and_then(|page| write_page(args, &page, stdout));
    match written {
        Err(problem) => {
            let _ = writeln!(err, "error: {problem}");
            exit::FAILED
        }
        Ok(()) if meta.unreadable > 0 => exit::BAD_INPUT,
        Ok(()) => exit::OK,
    }
}

fn write_page(args: &ReportArgs, page: &str, stdout: &mut dyn Write) -> Result<(), String> {
    match &args.output {
        Some(path) => std::fs::write(path, page)
            .map_err(|e| format!("--output {}: cannot write: {e}", path.display())),
        None => stdout
            .write_all(page.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("cannot write the page: {e}")),
    }
}

type Failure = (u8, String);

fn from_files(
    files: &[PathBuf],
    stdin: &mut dyn BufRead,
    err: &mut dyn Write,
) -> Result<Input, Failure> {
    let mut aggregator = Aggregator::default();
    let mut unreadable = 0;
    let stdin_only = [PathBuf::from("-")];
    let files = if files.is_empty() {
        &stdin_only[..]
    } else {
        files
    };
    for path in files {
        let name = path.display().to_string();
        unreadable += if name == "-" {
            read::read_file("<stdin>", &mut *stdin, &mut aggregator, err)
        } else {
            File::open(path)
                .map_err(|e| format!("{name}: cannot read: {e}"))
                .and_then(|file| read::read_file(&name, BufReader::new(file), &mut aggregator, err))
        }
        .map_err(|problem| (exit::BAD_INPUT, problem))?;
    }
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    Ok(Input {
        aggregator,
        unreadable,
        dead_letters: None,
        source: names.join(", "),
    })
}

fn from_topics(args: &ReportArgs, period: &Period, err: &mut dyn Write) -> Result<Input, Failure> {
    let topic = args.topic.as_deref().unwrap_or("screening-outcomes");
    let registry = period
        .connection
        .schema_registry_url
        .as_ref()
        .map(RegistryClient::new);
    let mut decoder = ValueDecoder::new(registry);
    let mut aggregator = Aggregator::default();
    let mut unreadable = 0;
    topic::scan(period, topic, |message| {
        match decoder.decode(message.payload().unwrap_or_default()) {
            Ok(outcome) => aggregator.add(&outcome),
            Err(problem) => {
                unreadable += 1;
                let (partition, offset) = (message.partition(), message.offset());
                let _ = writeln!(err, "error: {topic}/{partition}@{offset}: {problem}");
            }
        }
    })
    .map_err(|e| (exit::FAILED, format!("{e:#}")))?;
    let dlq = args.dlq_topic.as_deref().unwrap_or("encounters-dlq");
    let dead_letters = if dlq.is_empty() {
        None
    } else {
        let mut counts = BTreeMap::new();
        topic::scan(period, dlq, |message| {
            *counts
                .entry(topic::dead_letter_reason(message))
                .or_insert(0) += 1;
        })
        .map_err(|e| {
            let hint = "--dlq-topic '' leaves the dead letters out";
            (exit::FAILED, format!("{e:#} ({hint})"))
        })?;
        Some(counts)
    };
    Ok(Input {
        aggregator,
        unreadable,
        dead_letters,
        source: describe(topic, period),
    })
}

/// The period and connection of `--brokers`, validated.
fn period(args: &ReportArgs, brokers: &str) -> Result<Period, String> {
    let connection = ReaderSettings::resolve(
        brokers,
        &args.kafka_config,
        args.schema_registry_url.as_deref(),
    )
    .map_err(flag_only)?;
    let from = args
        .from
        .as_deref()
        .map(|t| instant("--from", t))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| instant("--until", t))
        .transpose()?;
    if let (Some(from), Some(until)) = (from, until) {
        if from >= until {
            return Err("--from must be before --until".into());
        }
    }
    Ok(Period {
        connection,
        from,
        until,
    })
}

/// A settings error named by its flag alone: `report` reads no variables or config file.
fn flag_only(error: ConfigError) -> String {
    match error {
        ConfigError::Invalid {
            setting, problem, ..
        } => format!("invalid {}: {problem}", setting.flag()),
        other => other.to_string(),
    }
}

/// An instant given as RFC 3339 or as a date (its midnight, UTC).
fn instant(flag: &str, text: &str) -> Result<Timestamp, String> {
    Timestamp::parse_rfc3339(text)
        .or_else(|| {
            Date::parse_iso(text).map(|d| Timestamp(i64::from(d.epoch_days()) * 86_400_000))
        })
        .ok_or_else(|| {
            format!("{flag}: expected RFC 3339 (2026-03-01T00:00:00Z) or a date (2026-03-01)")
        })
}

fn describe(topic: &str, period: &Period) -> String {
    let at = |t: Option<Timestamp>, default: &str| t.map_or(default.to_owned(), |t| t.to_rfc3339());
    format!(
        "topic {topic} on {}, {} to {}",
        period.connection.brokers.to_bootstrap_servers(),
        at(period.from, "the oldest record"),
        at(period.until, "the latest")
    )
}

/// `report` for `main`: standard streams and the wall clock.
pub fn main(args: &ReportArgs) -> u8 {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    run(
        args,
        &mut io::stdin().lock(),
        &mut out,
        &mut io::stderr().lock(),
        Timestamp::now(),
    )
}

#[cfg(test)]
mod tests;
