//! Command-line definitions (clap). Parsing only: `main` dispatches, and [`crate::config`]
//! turns the `run`, `generate` and `demo` arguments into validated settings.
//!
//! Every setting of those three commands can also come from a `TRACTION_SCREEN_*` environment
//! variable or (for `run`) a `--config` TOML file. A flag missing here may therefore still be
//! set by a lower layer, so these definitions carry no clap defaults and no clap `required`:
//! both live in `config`, which sees all the layers. Help texts state the defaults.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::check::CheckFormat;
use crate::codec::container::Codec;
use crate::codec::{InputFormat, OutputFormat};
use crate::config::LogFormat;

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
}

#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// Kafka bootstrap servers (required).
    #[arg(long, value_name = "HOST:PORT[,...]")]
    pub brokers: Option<String>,
    /// Consumer group [default: traction-screen].
    #[arg(long, value_name = "NAME")]
    pub group_id: Option<String>,
    /// Topic to screen [default: encounters].
    #[arg(long, value_name = "NAME")]
    pub input_topic: Option<String>,
    /// Topic for outcomes [default: screening-outcomes].
    #[arg(long, value_name = "NAME")]
    pub output_topic: Option<String>,
    /// Topic for undecodable or invalid messages [default: encounters-dlq].
    #[arg(long, value_name = "NAME")]
    pub dlq_topic: Option<String>,
    /// Topic that also receives every FAIL outcome [default: none].
    #[arg(long, value_name = "NAME")]
    pub alerts_topic: Option<String>,
    /// Framing of input values [default: auto, by their first bytes].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Encoding of outcomes [default: avro-confluent with a registry, else avro-single-object].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<OutputFormat>,
    /// Confluent Schema Registry, http:// or https:// [default: none].
    #[arg(long, value_name = "URL")]
    pub schema_registry_url: Option<String>,
    /// Address of the /metrics, /healthz and /readyz server [default: 127.0.0.1:9464].
    #[arg(long, value_name = "IP:PORT")]
    pub admin_addr: Option<String>,
    /// A librdkafka property, e.g. security.protocol=SASL_SSL (repeatable; the environment
    /// variable takes a comma-separated list).
    #[arg(long, value_name = "KEY=VALUE")]
    pub kafka_config: Vec<String>,
    /// Whether the producer is idempotent; false only for brokers without idempotent
    /// producers (acknowledgements stay `all`) [default: true].
    #[arg(long, value_name = "true|false")]
    pub producer_idempotence: Option<bool>,
    /// Seconds start-up waits for the brokers to answer before it gives up [default: 15].
    #[arg(long, value_name = "SECS")]
    pub startup_timeout: Option<u64>,
    /// A TOML file with the same settings.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A rule-pack file to use instead of the built-in pack.
    #[arg(long, value_name = "FILE")]
    pub rule_pack: Option<PathBuf>,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

/// Knobs of the in-process pipeline, shared by `run` and `demo`.
#[derive(Debug, Default, clap::Args)]
pub struct TuningArgs {
    /// Most events consumed but not yet acknowledged; consumption pauses beyond it
    /// [default: 10000].
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<u64>,
    /// Seconds allowed to drain in-flight work on shutdown or revocation [default: 30].
    #[arg(long, value_name = "SECS")]
    pub drain_timeout: Option<u64>,
    /// Milliseconds between offset commits [default: 1000].
    #[arg(long, value_name = "MS")]
    pub commit_interval_ms: Option<u64>,
    /// Screening threads [default: the available parallelism].
    #[arg(long, value_name = "N")]
    pub workers: Option<u64>,
    /// How logs are written [default: auto].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Default, clap::Args)]
pub struct DemoArgs {
    /// Synthetic encounters to screen [default: 30000].
    #[arg(long, value_name = "N")]
    pub events: Option<u64>,
    /// Encounters generated per second [default: 5000].
    #[arg(long, value_name = "PER_SEC")]
    pub rate: Option<u64>,
    /// Address of the /metrics, /healthz and /readyz server [default: 127.0.0.1:9464].
    #[arg(long, value_name = "IP:PORT")]
    pub admin_addr: Option<String>,
    /// Partitions of the demo's encounters topic [default: 6].
    #[arg(long, value_name = "N")]
    pub partitions: Option<u64>,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

#[derive(Debug, Default, clap::Args)]
pub struct GenerateArgs {
    /// Kafka bootstrap servers (required without --output).
    #[arg(long, value_name = "HOST:PORT[,...]")]
    pub brokers: Option<String>,
    /// Topic to produce to [default: encounters].
    #[arg(long, value_name = "NAME")]
    pub topic: Option<String>,
    /// Encounters to produce (required).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Encounters per second [default: as fast as the broker takes them].
    #[arg(long, value_name = "PER_SEC")]
    pub rate: Option<u64>,
    /// Encoding of the encounters [default: json].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,
    /// Seed of the generator: the same seed gives the same encounters [default: 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Confluent Schema Registry, http:// or https:// (needed for avro-confluent).
    #[arg(long, value_name = "URL")]
    pub schema_registry_url: Option<String>,
    /// A librdkafka property, e.g. security.protocol=SASL_SSL (repeatable; the environment
    /// variable takes a comma-separated list).
    #[arg(long, value_name = "KEY=VALUE")]
    pub kafka_config: Vec<String>,
    /// Write the encounters to FILE instead of producing them to Kafka: an Avro object
    /// container file when FILE ends in .avro, JSON Lines when it ends in .jsonl, .ndjson or
    /// .json (or with --format json).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["brokers", "topic", "rate", "schema_registry_url", "kafka_config"]
    )]
    pub output: Option<PathBuf>,
    /// Compression of the blocks of an --output .avro file [default: deflate].
    #[arg(long, value_enum, value_name = "CODEC")]
    pub codec: Option<Codec>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Output format: jsonl (or json) or table [default: jsonl when stdout is not a
    /// terminal, table on a terminal].
    #[arg(long, value_enum)]
    pub format: Option<CheckFormat>,
    /// A rule-pack file to use instead of the built-in pack.
    #[arg(long, value_name = "FILE")]
    pub rule_pack: Option<PathBuf>,
    /// Screen each encounter alone: the history rules (TR-050…TR-054) do not run. By
    /// default each encounter is screened against the ones before it, in input order.
    #[arg(long)]
    pub no_history: bool,
    /// Files to screen; `-` or none reads standard input.
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_definitions_pass_clap_consistency_checks() {
        Cli::command().debug_assert();
    }

    /// Parses a command line written as one string (no argument holds a space).
    fn parse(line: &str) -> Command {
        let argv = std::iter::once("traction-screen").chain(line.split_whitespace());
        Cli::try_parse_from(argv)
            .expect("the command line parses")
            .command
    }

    #[test]
    fn the_contract_run_command_line_parses() {
        let Command::Run(args) = parse(
            "run --brokers a:9092,b:9092 --group-id g --input-topic in --output-topic out \
             --dlq-topic dlq --alerts-topic alerts --input-format avro-confluent \
             --output-format json --schema-registry-url http://registry:8081 \
             --admin-addr 0.0.0.0:9464 --kafka-config security.protocol=SSL \
             --kafka-config linger.ms=5 --config config.toml --rule-pack pack.toml",
        ) else {
            panic!("expected run");
        };
        assert_eq!(args.brokers.as_deref(), Some("a:9092,b:9092"));
        assert_eq!(args.input_format, Some(InputFormat::AvroConfluent));
        assert_eq!(args.output_format, Some(OutputFormat::Json));
        assert_eq!(args.kafka_config, ["security.protocol=SSL", "linger.ms=5"]);
        assert_eq!(args.config, Some(PathBuf::from("config.toml")));
        assert_eq!(args.rule_pack, Some(PathBuf::from("pack.toml")));
    }

    #[test]
    fn the_contract_generate_and_demo_command_lines_parse() {
        let Command::Generate(args) = parse(
            "generate --brokers k:9092 --topic encounters --count 10 --rate 5 \
             --format avro-single-object --seed 3",
        ) else {
            panic!("expected generate");
        };
        assert_eq!(
            (args.count, args.rate, args.seed),
            (Some(10), Some(5), Some(3))
        );
        assert_eq!(args.format, Some(OutputFormat::AvroSingleObject));
        let Command::Demo(args) = parse("demo --events 100 --rate 50 --admin-addr 127.0.0.1:9000")
        else {
            panic!("expected demo");
        };
        assert_eq!((args.events, args.rate), (Some(100), Some(50)));
        assert_eq!(args.admin_addr.as_deref(), Some("127.0.0.1:9000"));
    }

    #[test]
    fn flags_left_out_stay_unset_so_lower_layers_can_fill_them() {
        let Command::Run(args) = parse("run") else {
            panic!("expected run");
        };
        assert_eq!(
            (args.brokers, args.group_id, args.tuning.workers),
            (None, None, None)
        );
    }
}
