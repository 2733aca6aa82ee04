//! The arguments of each command. Every setting of `run`, `generate` and `demo` may also
//! come from its `TRACTION_SCREEN_*` variable, which clap reads (`env`, hidden from the help:
//! the commands' after-help says it once), and for `run` from the `--config` file, so these
//! definitions carry no clap defaults and no clap `required`: both live in `config`, which
//! sees all the layers. Help texts state the defaults.
//!
//! `--kafka-config` alone has no `env`: its variable is merged with the flags per property
//! (clap would read the variable only when no flag is given), by `config`.

use std::path::PathBuf;

use traction_screen_core::codec::container::Codec;
use traction_screen_core::codec::{InputFormat, OutputFormat};

use super::variable::{one_of, true_or_false, whole_number};
use crate::check::CheckFormat;
use crate::config::Delivery;
use crate::telemetry::LogFormat;

#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// Kafka bootstrap servers (required).
    #[arg(
        long,
        env = "TRACTION_SCREEN_BROKERS",
        hide_env = true,
        value_name = "HOST:PORT[,...]"
    )]
    pub brokers: Option<String>,
    /// Consumer group [default: traction-screen].
    #[arg(
        long,
        env = "TRACTION_SCREEN_GROUP_ID",
        hide_env = true,
        value_name = "NAME"
    )]
    pub group_id: Option<String>,
    /// Topic to screen [default: encounters].
    #[arg(
        long,
        env = "TRACTION_SCREEN_INPUT_TOPIC",
        hide_env = true,
        value_name = "NAME"
    )]
    pub input_topic: Option<String>,
    /// Topic for outcomes [default: screening-outcomes].
    #[arg(
        long,
        env = "TRACTION_SCREEN_OUTPUT_TOPIC",
        hide_env = true,
        value_name = "NAME"
    )]
    pub output_topic: Option<String>,
    /// Topic for undecodable or invalid messages [default: encounters-dlq].
    #[arg(
        long,
        env = "TRACTION_SCREEN_DLQ_TOPIC",
        hide_env = true,
        value_name = "NAME"
    )]
    pub dlq_topic: Option<String>,
    /// Topic that also receives every FAIL outcome [default: none].
    #[arg(
        long,
        env = "TRACTION_SCREEN_ALERTS_TOPIC",
        hide_env = true,
        value_name = "NAME"
    )]
    pub alerts_topic: Option<String>,
    /// Framing of input values [default: auto, by their first bytes].
    #[arg(long, env = "TRACTION_SCREEN_INPUT_FORMAT", hide_env = true, value_parser = one_of::<InputFormat>(), value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Encoding of outcomes [default: avro-confluent with a registry, else avro-single-object].
    #[arg(long, env = "TRACTION_SCREEN_OUTPUT_FORMAT", hide_env = true, value_parser = one_of::<OutputFormat>(), value_name = "FORMAT")]
    pub output_format: Option<OutputFormat>,
    /// Confluent Schema Registry, http:// or https:// [default: none].
    #[arg(
        long,
        env = "TRACTION_SCREEN_SCHEMA_REGISTRY_URL",
        hide_env = true,
        value_name = "URL"
    )]
    pub schema_registry_url: Option<String>,
    /// Address of the /metrics, /healthz and /readyz server [default: 127.0.0.1:9464].
    #[arg(
        long,
        env = "TRACTION_SCREEN_ADMIN_ADDR",
        hide_env = true,
        value_name = "IP:PORT"
    )]
    pub admin_addr: Option<String>,
    /// A librdkafka property, e.g. security.protocol=SASL_SSL (repeatable; the environment
    /// variable takes a comma-separated list).
    #[arg(long, value_name = "KEY=VALUE")]
    pub kafka_config: Vec<String>,
    /// Whether the producer is idempotent; false only for brokers without idempotent
    /// producers (acknowledgements stay `all`) [default: true].
    #[arg(long, env = "TRACTION_SCREEN_PRODUCER_IDEMPOTENCE", hide_env = true, value_parser = true_or_false(), value_name = "true|false")]
    pub producer_idempotence: Option<bool>,
    /// How outcomes are delivered: at-least-once, or exactly-once with Kafka transactions
    /// [default: at-least-once].
    #[arg(long, env = "TRACTION_SCREEN_DELIVERY", hide_env = true, value_parser = one_of::<Delivery>(), value_name = "MODE")]
    pub delivery: Option<Delivery>,
    /// The producer's transactional id with --delivery exactly-once: unique per running
    /// instance, and the same across its restarts [default: <group-id>-<host name>].
    #[arg(
        long,
        env = "TRACTION_SCREEN_TRANSACTIONAL_ID",
        hide_env = true,
        value_name = "ID"
    )]
    pub transactional_id: Option<String>,
    /// Seconds start-up waits for the brokers to answer before it gives up [default: 15].
    #[arg(long, env = "TRACTION_SCREEN_STARTUP_TIMEOUT", hide_env = true, value_parser = whole_number(), value_name = "SECS")]
    pub startup_timeout: Option<u64>,
    /// A TOML file with the same settings.
    #[arg(
        long,
        env = "TRACTION_SCREEN_CONFIG",
        hide_env = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// A rule-pack file to use instead of the built-in pack.
    #[arg(
        long,
        env = "TRACTION_SCREEN_RULE_PACK",
        hide_env = true,
        value_name = "FILE"
    )]
    pub rule_pack: Option<PathBuf>,
    /// Changelog topic of the per-partition history (compacted; created at start-up when
    /// absent) [default: GROUP-ID-history].
    #[arg(
        long,
        env = "TRACTION_SCREEN_HISTORY_TOPIC",
        hide_env = true,
        value_name = "NAME"
    )]
    pub history_topic: Option<String>,
    /// Screen each encounter alone: no history, no changelog (the history rules TR-050…TR-054
    /// do not run).
    #[arg(long, env = "TRACTION_SCREEN_NO_HISTORY", hide_env = true, value_parser = true_or_false(), value_name = "true|false", num_args = 0..=1, default_missing_value = "true")]
    pub no_history: Option<bool>,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

/// Knobs of the in-process pipeline, shared by `run` and `demo`.
#[derive(Debug, Default, clap::Args)]
pub struct TuningArgs {
    /// Most events consumed but not yet acknowledged; consumption pauses beyond it
    /// [default: 10000].
    #[arg(long, env = "TRACTION_SCREEN_MAX_IN_FLIGHT", hide_env = true, value_parser = whole_number(), value_name = "N")]
    pub max_in_flight: Option<u64>,
    /// Seconds allowed to drain in-flight work on shutdown or revocation [default: 30].
    #[arg(long, env = "TRACTION_SCREEN_DRAIN_TIMEOUT", hide_env = true, value_parser = whole_number(), value_name = "SECS")]
    pub drain_timeout: Option<u64>,
    /// Milliseconds between offset commits [default: 1000].
    #[arg(long, env = "TRACTION_SCREEN_COMMIT_INTERVAL_MS", hide_env = true, value_parser = whole_number(), value_name = "MS")]
    pub commit_interval_ms: Option<u64>,
    /// Screening threads [default: the available parallelism].
    #[arg(long, env = "TRACTION_SCREEN_WORKERS", hide_env = true, value_parser = whole_number(), value_name = "N")]
    pub workers: Option<u64>,
    /// How logs are written [default: auto].
    #[arg(long, env = "TRACTION_SCREEN_LOG_FORMAT", hide_env = true, value_parser = one_of::<LogFormat>(), value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Default, clap::Args)]
pub struct DemoArgs {
    /// Synthetic encounters to screen [default: 30000].
    #[arg(long, env = "TRACTION_SCREEN_EVENTS", hide_env = true, value_parser = whole_number(), value_name = "N")]
    pub events: Option<u64>,
    /// Encounters generated per second [default: 5000].
    #[arg(long, env = "TRACTION_SCREEN_RATE", hide_env = true, value_parser = whole_number(), value_name = "PER_SEC")]
    pub rate: Option<u64>,
    /// Address of the /metrics, /healthz and /readyz server [default: 127.0.0.1:9464].
    #[arg(
        long,
        env = "TRACTION_SCREEN_ADMIN_ADDR",
        hide_env = true,
        value_name = "IP:PORT"
    )]
    pub admin_addr: Option<String>,
    /// Partitions of the demo's encounters topic [default: 6].
    #[arg(long, env = "TRACTION_SCREEN_PARTITIONS", hide_env = true, value_parser = whole_number(), value_name = "N")]
    pub partitions: Option<u64>,
    /// How the demo's service delivers outcomes [default: at-least-once].
    #[arg(long, env = "TRACTION_SCREEN_DELIVERY", hide_env = true, value_parser = one_of::<Delivery>(), value_name = "MODE")]
    pub delivery: Option<Delivery>,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

#[derive(Debug, Default, clap::Args)]
pub struct GenerateArgs {
    /// Kafka bootstrap servers (required without --output).
    #[arg(
        long,
        env = "TRACTION_SCREEN_BROKERS",
        hide_env = true,
        value_name = "HOST:PORT[,...]"
    )]
    pub brokers: Option<String>,
    /// Topic to produce to [default: encounters].
    #[arg(
        long,
        env = "TRACTION_SCREEN_TOPIC",
        hide_env = true,
        value_name = "NAME"
    )]
    pub topic: Option<String>,
    /// Encounters to produce (required).
    #[arg(long, env = "TRACTION_SCREEN_COUNT", hide_env = true, value_parser = whole_number(), value_name = "N")]
    pub count: Option<u64>,
    /// Encounters per second [default: as fast as the broker takes them].
    #[arg(long, env = "TRACTION_SCREEN_RATE", hide_env = true, value_parser = whole_number(), value_name = "PER_SEC")]
    pub rate: Option<u64>,
    /// Encoding of the encounters [default: json].
    #[arg(long, env = "TRACTION_SCREEN_FORMAT", hide_env = true, value_parser = one_of::<OutputFormat>(), value_name = "FORMAT")]
    pub format: Option<OutputFormat>,
    /// Seed of the generator: the same seed gives the same encounters [default: 1].
    #[arg(long, env = "TRACTION_SCREEN_SEED", hide_env = true, value_parser = whole_number(), value_name = "S")]
    pub seed: Option<u64>,
    /// Service lines of every encounter (scenarios may add one) [default: one to five, as
    /// in a practice].
    #[arg(long, env = "TRACTION_SCREEN_LINES", hide_env = true, value_parser = whole_number(), value_name = "N")]
    pub lines: Option<u64>,
    /// Confluent Schema Registry, http:// or https:// (needed for avro-confluent).
    #[arg(
        long,
        env = "TRACTION_SCREEN_SCHEMA_REGISTRY_URL",
        hide_env = true,
        value_name = "URL"
    )]
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
        env = "TRACTION_SCREEN_OUTPUT",
        hide_env = true,
        value_name = "FILE"
    )]
    pub output: Option<PathBuf>,
    /// Compression of the blocks of an --output .avro file [default: deflate].
    #[arg(long, env = "TRACTION_SCREEN_CODEC", hide_env = true, value_parser = one_of::<Codec>(), value_name = "CODEC")]
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
