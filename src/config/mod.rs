//! Settings of `run`, `generate` and `demo`, resolved in layers and parsed into types that
//! cannot hold invalid values ("parse, don't validate").
//!
//! Precedence, per setting, highest first: the command-line flag, the
//! `TRACTION_SCREEN_<FLAG>` environment variable, the `--config` TOML file (`run` only; keys
//! are the flag names with underscores), the default. `kafka_config` merges per key in the
//! same order. Resolution is a function of the parsed
//! flags, an [`Env`] snapshot and the file, so tests inject all three; only
//! [`Env::from_process`] and reading the files the settings name touch the outside world.
//!
//! Every [`ConfigError`] is one line naming the setting the ways a user may have written it.
//! Values of librdkafka properties are never echoed in errors (they may hold secrets), and
//! `Debug` redacts the values of keys that look secret.
//!
//! One concern a file: `values` holds the validated value types, `setting` how each setting
//! is named, `layers` the lookup through environment and file (`file` parses the TOML file),
//! `resolve` the settings the commands share, `kafka_config` the per-key merge of librdkafka
//! properties, `owned` the properties it may not set, `generate_file` what
//! `generate --output` writes, and `error` the one error type. This file holds the settings
//! of each command and their resolution.

mod error;
mod file;
mod generate_file;
mod kafka_config;
mod layers;
mod owned;
mod resolve;
mod setting;
mod values;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::num::{NonZeroU16, NonZeroU32, NonZeroU64, NonZeroUsize};
use std::time::Duration;

use traction_screen_core::codec::{InputFormat, OutputFormat};

use crate::cli::{DemoArgs, GenerateArgs, RunArgs};
use crate::runtime::startup::DEFAULT_STARTUP_TIMEOUT;

pub use error::ConfigError;
pub use file::ConfigFile;
pub use generate_file::{FileFormat, GenerateFileSettings, GenerateTarget};
pub use kafka_config::{KafkaConfig, looks_secret};
pub use layers::Env;
pub use setting::{ADMIN_ADDR, ALERTS_TOPIC, DLQ_TOPIC, INPUT_TOPIC, OUTPUT_TOPIC, Setting};
pub use values::{Brokers, LogFormat, RegistryUrl, RulePackFile, TopicName};

use layers::Layers;
use owned::{GENERATE_RESERVED, RUN_RESERVED};
use resolve::{non_empty, positive, positive_u32};
use setting::*;

// ---- settings ----------------------------------------------------------------------

/// Settings of `traction-screen run`.
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
    /// How long start-up waits for the brokers to answer; never zero.
    pub startup_timeout: Duration,
    /// `None`: the built-in pack.
    pub rule_pack: Option<RulePackFile>,
    pub tuning: Tuning,
}

/// The topics `run` reads and writes. No topic plays two roles: an outcome or a dead letter
/// written to an input topic would be screened again, forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    pub input: TopicName,
    pub output: TopicName,
    pub dlq: TopicName,
    pub alerts: Option<TopicName>,
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

/// Settings of `traction-screen generate`.
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
    pub tuning: Tuning,
}

// ---- resolution ----------------------------------------------------------------------

impl RunSettings {
    /// Resolves `run`'s settings from its flags, the process environment and the
    /// `--config` file, reading the rule pack the settings name.
    pub fn from_args(args: &RunArgs) -> Result<Self, ConfigError> {
        Self::resolve(args, &Env::from_process())
    }

    /// As [`from_args`](Self::from_args), with the environment given.
    pub fn resolve(args: &RunArgs, env: &Env) -> Result<Self, ConfigError> {
        // The file's own path comes from the layers above it.
        let above_file = Layers { env, file: None };
        let path = above_file.optional(CONFIG, args.config.clone(), Ok)?;
        let file = path.map(|path| ConfigFile::load(&path)).transpose()?;
        Self::from_layers(
            args,
            &Layers {
                env,
                file: file.as_ref(),
            },
        )
    }

    fn from_layers(args: &RunArgs, layers: &Layers) -> Result<Self, ConfigError> {
        let brokers = layers.brokers(&args.brokers)?;
        let group_id = layers.or_default(
            GROUP_ID,
            args.group_id.clone(),
            "traction-screen".into(),
            non_empty,
        )?;
        let topics = layers.topics(args)?;
        let schema_registry_url = layers.registry_url(&args.schema_registry_url)?;
        let has_registry = schema_registry_url.is_some();
        let confluent = (InputFormat::AvroConfluent, has_registry);
        let input_format = layers.format(
            INPUT_FORMAT,
            args.input_format,
            InputFormat::Auto,
            confluent,
        )?;
        let default_output = match has_registry {
            true => OutputFormat::AvroConfluent,
            false => OutputFormat::AvroSingleObject,
        };
        let confluent = (OutputFormat::AvroConfluent, has_registry);
        let output_format =
            layers.format(OUTPUT_FORMAT, args.output_format, default_output, confluent)?;
        Ok(Self {
            brokers,
            group_id,
            topics,
            input_format,
            output_format,
            schema_registry_url,
            admin_addr: layers.admin_addr(&args.admin_addr)?,
            kafka_config: layers.kafka_config(&args.kafka_config, RUN_RESERVED)?,
            producer_idempotence: layers.or_default(
                PRODUCER_IDEMPOTENCE,
                args.producer_idempotence,
                true,
                Ok,
            )?,
            startup_timeout: layers.or_default(
                STARTUP_TIMEOUT,
                args.startup_timeout,
                DEFAULT_STARTUP_TIMEOUT.as_secs(),
                |n| positive(n).map(|n| Duration::from_secs(n.get())),
            )?,
            rule_pack: layers.optional(RULE_PACK, args.rule_pack.clone(), |path| {
                RulePackFile::load(&path)
            })?,
            tuning: layers.tuning(&args.tuning)?,
        })
    }
}

impl GenerateSettings {
    /// Resolves `generate`'s settings from its flags and the process environment.
    pub fn from_args(args: &GenerateArgs) -> Result<Self, ConfigError> {
        Self::resolve(args, &Env::from_process())
    }

    pub fn resolve(args: &GenerateArgs, env: &Env) -> Result<Self, ConfigError> {
        let layers = Layers { env, file: None };
        let brokers = layers.brokers(&args.brokers)?;
        let schema_registry_url = layers.registry_url(&args.schema_registry_url)?;
        let confluent = (OutputFormat::AvroConfluent, schema_registry_url.is_some());
        Ok(Self {
            brokers,
            topic: layers.or_default(TOPIC, args.topic.clone(), "encounters".into(), |name| {
                TopicName::parse(&name)
            })?,
            count: layers.required(COUNT, args.count, positive)?,
            rate: layers.value(RATE, args.rate, positive_u32)?,
            format: layers.format(FORMAT, args.format, OutputFormat::Json, confluent)?,
            seed: layers.or_default(SEED, args.seed, 1, Ok)?,
            schema_registry_url,
            kafka_config: layers.kafka_config(&args.kafka_config, GENERATE_RESERVED)?,
        })
    }
}

impl DemoSettings {
    /// Resolves `demo`'s settings from its flags and the process environment.
    pub fn from_args(args: &DemoArgs) -> Result<Self, ConfigError> {
        Self::resolve(args, &Env::from_process())
    }

    pub fn resolve(args: &DemoArgs, env: &Env) -> Result<Self, ConfigError> {
        let layers = Layers { env, file: None };
        let partitions = |n| {
            NonZeroU16::try_from(positive(n)?).map_err(|_| format!("{n} is more than {}", u16::MAX))
        };
        Ok(Self {
            events: layers.or_default(EVENTS, args.events, 30_000, positive)?,
            rate: layers.or_default(RATE, args.rate, 5_000, positive_u32)?,
            admin_addr: layers.admin_addr(&args.admin_addr)?,
            partitions: layers.or_default(PARTITIONS, args.partitions, 6, partitions)?,
            tuning: layers.tuning(&args.tuning)?,
        })
    }
}
