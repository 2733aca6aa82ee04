//! The command line (clap): its definitions ([`args`]), the names of settings ([`setting`]),
//! and [`Cli::read`], which parses it. Parsing only: `main` dispatches, and `config` turns
//! the `run`, `generate` and `demo` arguments into validated settings.

mod args;
mod choice;
pub mod setting;
mod variable;

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

pub use args::{CheckArgs, DemoArgs, GenerateArgs, RunArgs, TuningArgs};
pub use choice::Choice;
pub use setting::Setting;

/// Shown under the help of the commands whose flags have other sources too.
const RUN_LAYERS: &str = "Every flag can also be set with an environment variable named \
TRACTION_SCREEN_ and the flag in upper case (e.g. TRACTION_SCREEN_GROUP_ID), or with a key in \
the --config TOML file named like the flag with underscores (group_id; kafka_config is a \
table). A flag beats the environment, which beats the file. An empty value for an optional \
setting unsets it.";
const ENV_LAYER: &str = "Every flag can also be set with an environment variable named \
TRACTION_SCREEN_ and the flag in upper case (e.g. TRACTION_SCREEN_BROKERS); a flag beats the \
environment.";

const CHECK_EXIT: &str = "Exit status: 0 every encounter was screened and none FAILed; 1 at \
least one FAILed; 2 a usage error, an unreadable file, or a record that could not be decoded \
(reported on standard error with its file and position).";

#[derive(Debug, Parser)]
#[command(
    name = "traction-screen",
    version,
    about = "Screens physical-therapy encounters for traction (CPT 97012) billing errors"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen encounters from Kafka and publish one outcome per encounter (the service).
    #[command(after_help = RUN_LAYERS)]
    Run(Box<RunArgs>),
    /// Run the service pipeline on an in-process Kafka cluster fed with synthetic encounters.
    #[command(after_help = ENV_LAYER)]
    Demo(DemoArgs),
    /// Produce synthetic encounters to a Kafka topic, or write them to a file (--output).
    #[command(after_help = ENV_LAYER)]
    Generate(GenerateArgs),
    /// Screen encounter files offline (JSON Lines, JSON array or Avro container files).
    #[command(after_help = CHECK_EXIT)]
    Check(CheckArgs),
    /// Write an HTML audit report of outcomes (files, or a topic over a period).
    Report(crate::report::ReportArgs),
    /// Measure the service end to end: drain rate and CPU against two ceilings, latency at
    /// fixed rates (the load harness; BENCHMARKS.md).
    Bench(Box<crate::bench::BenchArgs>),
}

/// The flags of `generate` that only producing to Kafka uses.
const KAFKA_ONLY: [&str; 5] = [
    "brokers",
    "topic",
    "rate",
    "schema_registry_url",
    "kafka_config",
];

impl Cli {
    /// The process's command line, with the variables clap reads for it; a usage error
    /// exits (status 2) with clap's message.
    pub fn read() -> Self {
        Self::read_from(std::env::args_os()).unwrap_or_else(|error| error.exit())
    }

    /// Parses `argv`, then applies what clap cannot say because it tells a flag from its
    /// variable: `generate --output` refuses the Kafka-only flags but ignores their variables
    /// (an environment set up for producing does not stop a file from being written), and
    /// `--codec`'s variable applies to `--output` only.
    pub fn read_from<I, T>(argv: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut command = Self::command();
        let matches = command.try_get_matches_from_mut(argv)?;
        let mut cli = Self::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
        if let (Command::Generate(args), Some(("generate", given))) =
            (&mut cli.command, matches.subcommand())
        {
            let generate = command
                .find_subcommand_mut("generate")
                .expect("generate is a subcommand");
            if let Some(conflict) = output_conflict(generate, given) {
                return Err(generate.error(ErrorKind::ArgumentConflict, conflict));
            }
            if args.output.is_none() && !on_command_line(given, "codec") {
                args.codec = None;
            }
        }
        Ok(cli)
    }
}

fn on_command_line(given: &ArgMatches, id: &str) -> bool {
    given.value_source(id) == Some(ValueSource::CommandLine)
}

/// clap's words for `--output` given next to a Kafka-only flag, the earlier one first.
fn output_conflict(generate: &clap::Command, given: &ArgMatches) -> Option<String> {
    if !on_command_line(given, "output") {
        return None;
    }
    let other = KAFKA_ONLY
        .into_iter()
        .filter(|id| on_command_line(given, id))
        .min_by_key(|id| given.index_of(id))?;
    let shown = |id: &str| {
        let arg = generate.get_arguments().find(|arg| arg.get_id() == id);
        arg.map_or_else(|| id.to_owned(), ToString::to_string)
    };
    let (first, second) = if given.index_of(other) < given.index_of("output") {
        (shown(other), shown("output"))
    } else {
        (shown("output"), shown(other))
    };
    Some(format!(
        "the argument '{first}' cannot be used with '{second}'"
    ))
}

#[cfg(test)]
mod tests;
