//! Settings of `run`, `generate` and `demo`, resolved in layers and parsed into types that
//! cannot hold invalid values ("parse, don't validate"). These types are what the rest of
//! the service runs on: no setting goes back to text before it reaches librdkafka or HTTP.
//!
//! Precedence, per setting, highest first: the command-line flag, its `TRACTION_SCREEN_<FLAG>`
//! variable (clap reads both: `crate::cli`), the `--config` TOML file (`run` only; keys are
//! the flag names with underscores), the default. `kafka_config` merges per key in the same
//! order. Resolution is a function of the parsed arguments, the file and the one variable
//! clap does not read (`TRACTION_SCREEN_KAFKA_CONFIG`), so tests hand in all three.
//!
//! Every [`ConfigError`] is one line naming the setting the ways a user may have written it.
//! Values of librdkafka properties are never echoed in errors (they may hold secrets), and
//! `Debug` redacts the values of keys that look secret and the registry URL's credentials.
//!
//! One concern a file: `values` holds the validated value types (`registry_url` the registry's
//! URL), `file` the `--config` file's shape, `resolve` the lookup through the layers and the
//! settings the commands share, `kafka_config` the per-key merge of librdkafka properties,
//! `owned` the properties it may not set, `generate_file` what `generate --output` writes,
//! and `error` the one error type. This file holds the settings of each command and their
//! resolution.

mod error;
mod file;
mod generate_file;
mod kafka_config;
mod owned;
mod registry_url;
mod resolve;
mod values;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::num::{NonZeroU16, NonZeroU32, NonZeroU64, NonZeroUsize};
use std::time::Duration;

use traction_screen_core::codec::{InputFormat, OutputFormat};

pub use crate::cli::setting::{
    ADMIN_ADDR, ALERTS_TOPIC, DLQ_TOPIC, HISTORY_TOPIC, INPUT_TOPIC, OUTPUT_TOPIC,
};
pub use error::ConfigError;
pub use file::ConfigFile;
pub use generate_file::{FileFormat, GenerateFileSettings, GenerateTarget};
pub use kafka_config::{KafkaConfig, Role, looks_secret, scoped};
pub use registry_url::RegistryUrl;
pub use values::{Brokers, RulePackFile, TopicName};

use crate::cli::setting::*;
use crate::cli::{DemoArgs, GenerateArgs, RunArgs};
use crate::telemetry::LogFormat;
use owned::{GENERATE_RESERVED, RUN_RESERVED};
use resolve::{Resolver, non_empty, positive, positive_u32, positive_usize};

/// How long start-up waits for the brokers to answer unless `--startup-timeout` says
/// otherwise.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(15);

// ---- settings ----------------------------------------------------------------------

/// Settings of `traction-screen run`: the service. `demo` runs the service with settings of
/// this type too, resolved the same way ([`RunSettings::for_demo`]).
#[derive(Debug)]
pub struct RunSettings {
    pub brokers: Brokers,
    /// Never empty.
    pub group_id: String,
    pub topics: Topics,
    pub input_format: InputFormat,
    /// Avro-confluent only when `schema_registry_url` is set.
    pub output_format: OutputFormat,
    pub schema_registry_url: Option<RegistryUrl>,
    pub admin_addr: SocketAddr,
    pub kafka_config: KafkaConfig,
    /// Whether the producer is idempotent (`enable.idempotence`, owned by the service).
    pub producer_idempotence: bool,
    pub delivery: Delivery,
    /// The producer's `transactional.id`; `Some` exactly when `delivery` is exactly-once.
    pub transactional_id: Option<String>,
    /// How long start-up waits for the brokers to answer; never zero.
    pub startup_timeout: Duration,
    /// `None`: the built-in pack.
    pub rule_pack: Option<RulePackFile>,
    pub tuning: Tuning,
}

/// How outcomes are delivered (`--delivery`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Delivery {
    /// Offsets committed once the outcomes are acknowledged; a crash may publish an outcome
    /// twice.
    #[default]
    AtLeastOnce,
    /// Outcomes, alerts, dead letters and input offsets in one Kafka transaction per batch.
    ExactlyOnce,
}

/// The topics `run` reads and writes. No topic plays two roles: an outcome or a dead letter
/// written to an input topic would be screened again, forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    pub input: TopicName,
    pub output: TopicName,
    pub dlq: TopicName,
    pub alerts: Option<TopicName>,
    /// The history changelog (`--history-topic`); `None` with `--no-history`.
    pub history: Option<TopicName>,
}

/// Knobs of the in-process pipeline, shared by `run` and `demo`. Durations are never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    pub max_in_flight: NonZeroUsize,
    pub drain_timeout: Duration,
    pub commit_interval: Duration,
    pub workers: NonZeroUsize,
    pub log_format: LogFormat,
}

/// Settings of `traction-screen generate` (to Kafka).
#[derive(Debug)]
pub struct GenerateSettings {
    pub brokers: Brokers,
    pub topic: TopicName,
    pub count: NonZeroU64,
    /// Encounters per second; `None`: as fast as the broker takes them.
    pub rate: Option<NonZeroU32>,
    /// Avro-confluent only when `schema_registry_url` is set.
    pub format: OutputFormat,
    pub seed: u64,
    /// Service lines of every encounter; `None`: the generator's own mix.
    pub lines: Option<NonZeroUsize>,
    pub schema_registry_url: Option<RegistryUrl>,
    pub kafka_config: KafkaConfig,
}

/// Settings of `traction-screen demo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSettings {
    pub events: NonZeroU64,
    pub rate: NonZeroU32,
    pub admin_addr: SocketAddr,
    pub partitions: NonZeroU16,
    pub delivery: Delivery,
    pub tuning: Tuning,
}

// ---- resolution ----------------------------------------------------------------------

impl RunSettings {
    /// Resolves `run`'s settings from its arguments, the `--config` file they name and the
    /// process's `TRACTION_SCREEN_KAFKA_CONFIG`, reading the rule pack the settings name.
    pub fn from_args(args: &RunArgs) -> Result<Self, ConfigError> {
        Self::resolve(args, kafka_config::variable().as_deref())
    }

    /// As [`from_args`](Self::from_args), with the `TRACTION_SCREEN_KAFKA_CONFIG` value given.
    pub fn resolve(args: &RunArgs, kafka_variable: Option<&str>) -> Result<Self, ConfigError> {
        let no_file = Resolver { file: None };
        let path = no_file.optional(CONFIG, args.config.clone(), Ok)?;
        let file = path.map(|path| ConfigFile::load(&path)).transpose()?;
        Self::from_layers(args, kafka_variable, file.as_ref())
    }

    /// The settings of the demo's service, resolved like `run`'s from its own command line:
    /// the in-process cluster's `brokers`, the demo's group and topics, its admin address and
    /// tuning.
    pub fn for_demo(
        brokers: &str,
        demo: &DemoSettings,
        group_id: &str,
        topics: [&str; 4],
    ) -> Result<Self, ConfigError> {
        let [input, output, dlq, alerts] = topics.map(|topic| Some(topic.to_owned()));
        let args = RunArgs {
            brokers: Some(brokers.to_owned()),
            group_id: Some(group_id.to_owned()),
            input_topic: input,
            output_topic: output,
            dlq_topic: dlq,
            alerts_topic: alerts,
            delivery: Some(demo.delivery),
            ..RunArgs::default()
        };
        let settings = Self::from_layers(&args, None, None)?;
        Ok(Self {
            admin_addr: demo.admin_addr,
            tuning: demo.tuning,
            ..settings
        })
    }

    fn from_layers(
        args: &RunArgs,
        kafka_variable: Option<&str>,
        file: Option<&ConfigFile>,
    ) -> Result<Self, ConfigError> {
        let r = Resolver { file };
        let brokers = args.brokers.clone().or_else(|| {
            let listed = file?.brokers.as_ref()?;
            Some(listed.0.0.clone())
        });
        let brokers = r.brokers(brokers)?;
        let group_id = r.pick(&args.group_id, |f| &f.group_id);
        let group_id = r.or_default(GROUP_ID, group_id, "traction-screen".into(), non_empty)?;
        let topics = r.topics(args, &group_id)?;
        let url = r.pick(&args.schema_registry_url, |f| &f.schema_registry_url);
        let schema_registry_url = r.registry_url(url)?;
        let has_registry = schema_registry_url.is_some();
        let input_format = r.format(
            INPUT_FORMAT,
            r.pick(&args.input_format, |f| &f.input_format),
            InputFormat::Auto,
            (InputFormat::AvroConfluent, has_registry),
        )?;
        let default_output = match has_registry {
            true => OutputFormat::AvroConfluent,
            false => OutputFormat::AvroSingleObject,
        };
        let output_format = r.format(
            OUTPUT_FORMAT,
            r.pick(&args.output_format, |f| &f.output_format),
            default_output,
            (OutputFormat::AvroConfluent, has_registry),
        )?;
        let idempotence = r.pick(&args.producer_idempotence, |f| &f.producer_idempotence);
        let producer_idempotence = r.or_default(PRODUCER_IDEMPOTENCE, idempotence, true, Ok)?;
        let delivery = r.pick(&args.delivery, |f| &f.delivery);
        let delivery = r.or_default(
            DELIVERY,
            delivery,
            Delivery::AtLeastOnce,
            |delivery| match (delivery, producer_idempotence) {
                (Delivery::ExactlyOnce, false) => Err("exactly-once needs an idempotent \
                    producer: it cannot be combined with --producer-idempotence false"
                    .to_owned()),
                _ => Ok(delivery),
            },
        )?;
        let transactional_id = r.pick(&args.transactional_id, |f| &f.transactional_id);
        let transactional_id = match delivery {
            Delivery::AtLeastOnce => None,
            Delivery::ExactlyOnce => Some(r.or_default(
                TRANSACTIONAL_ID,
                transactional_id,
                default_transactional_id(&group_id),
                non_empty,
            )?),
        };
        let startup_timeout = r.pick(&args.startup_timeout, |f| &f.startup_timeout);
        let rule_pack = r.pick(&args.rule_pack, |f| &f.rule_pack);
        Ok(Self {
            brokers,
            group_id,
            topics,
            input_format,
            output_format,
            schema_registry_url,
            admin_addr: r.admin_addr(r.pick(&args.admin_addr, |f| &f.admin_addr))?,
            kafka_config: r.kafka_config(&args.kafka_config, kafka_variable, RUN_RESERVED)?,
            producer_idempotence,
            delivery,
            transactional_id,
            startup_timeout: r.or_default(
                STARTUP_TIMEOUT,
                startup_timeout,
                DEFAULT_STARTUP_TIMEOUT.as_secs(),
                |n| positive(n).map(|n| Duration::from_secs(n.get())),
            )?,
            rule_pack: r.optional(RULE_PACK, rule_pack, |path| RulePackFile::load(&path))?,
            tuning: r.tuning(&args.tuning)?,
        })
    }
}

/// `<group-id>-<host name>`: unique per replica (pods, machines) and stable across a
/// replica's restarts where its host name is (a StatefulSet's pods, a machine), so that a
/// restarted instance fences its own predecessor at once.
fn default_transactional_id(group_id: &str) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "traction-screen".to_owned());
    format!("{group_id}-{host}")
}

impl GenerateSettings {
    /// Resolves `generate`'s settings from its arguments and the process's
    /// `TRACTION_SCREEN_KAFKA_CONFIG`.
    pub fn from_args(args: &GenerateArgs) -> Result<Self, ConfigError> {
        Self::resolve(args, kafka_config::variable().as_deref())
    }

    pub fn resolve(args: &GenerateArgs, kafka_variable: Option<&str>) -> Result<Self, ConfigError> {
        let r = Resolver { file: None };
        let brokers = r.brokers(args.brokers.clone())?;
        let schema_registry_url = r.registry_url(args.schema_registry_url.clone())?;
        let confluent = (OutputFormat::AvroConfluent, schema_registry_url.is_some());
        Ok(Self {
            brokers,
            topic: r.or_default(TOPIC, args.topic.clone(), "encounters".into(), |name| {
                TopicName::parse(&name)
            })?,
            count: r.required(COUNT, args.count, positive)?,
            rate: r.value(RATE, args.rate, positive_u32)?,
            format: r.format(FORMAT, args.format, OutputFormat::Json, confluent)?,
            seed: r.or_default(SEED, args.seed, 1, Ok)?,
            lines: r.value(LINES, args.lines, positive_usize)?,
            schema_registry_url,
            kafka_config: r.kafka_config(&args.kafka_config, kafka_variable, GENERATE_RESERVED)?,
        })
    }
}

/// The connection of a command that only reads topics (`report`): validated like
/// `generate`'s (brokers, `--kafka-config` checked by librdkafka, values never echoed).
#[derive(Clone, Debug)]
pub struct ReaderSettings {
    pub brokers: Brokers,
    pub kafka_config: KafkaConfig,
    pub schema_registry_url: Option<RegistryUrl>,
}

impl ReaderSettings {
    pub fn resolve(
        brokers: &str,
        kafka_config: &[String],
        schema_registry_url: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let r = Resolver { file: None };
        Ok(Self {
            brokers: r.brokers(Some(brokers.to_owned()))?,
            kafka_config: r.kafka_config(kafka_config, None, GENERATE_RESERVED)?,
            schema_registry_url: r.registry_url(schema_registry_url.map(str::to_owned))?,
        })
    }
}

impl DemoSettings {
    /// Resolves `demo`'s settings from its arguments.
    pub fn from_args(args: &DemoArgs) -> Result<Self, ConfigError> {
        let r = Resolver { file: None };
        let partitions = |n| {
            NonZeroU16::try_from(positive(n)?).map_err(|_| format!("{n} is more than {}", u16::MAX))
        };
        Ok(Self {
            events: r.or_default(EVENTS, args.events, 30_000, positive)?,
            rate: r.or_default(RATE, args.rate, 5_000, positive_u32)?,
            admin_addr: r.admin_addr(args.admin_addr.clone())?,
            partitions: r.or_default(PARTITIONS, args.partitions, 6, partitions)?,
            delivery: args.delivery.unwrap_or_default(),
            tuning: r.tuning(&args.tuning)?,
        })
    }
}
