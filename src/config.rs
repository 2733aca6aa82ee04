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

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv6Addr, SocketAddr};
use std::num::{NonZeroU16, NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use toml::Spanned;

use crate::cli::{DemoArgs, GenerateArgs, RunArgs, TuningArgs};
use crate::codec::{InputFormat, OutputFormat};
use crate::rules::RulePack;

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

/// How logs are written (`--log-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Text on a terminal, JSON otherwise.
    #[default]
    Auto,
    Json,
    Text,
}

impl LogFormat {
    /// Whether logs are JSON, given whether they go to a terminal.
    pub fn is_json(self, to_terminal: bool) -> bool {
        match self {
            Self::Auto => !to_terminal,
            Self::Json => true,
            Self::Text => false,
        }
    }
}

/// Kafka bootstrap servers: at least one `HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brokers(Vec<String>);

impl Brokers {
    fn parse(text: &str) -> Result<Self, String> {
        let items = split_list(text)?;
        match items.iter().find(|item| !is_host_port(item)) {
            Some(bad) => Err(format!("{bad:?} is not HOST:PORT")),
            None => Ok(Self(items.into_iter().map(str::to_owned).collect())),
        }
    }

    /// The list as librdkafka's `bootstrap.servers` takes it.
    pub fn to_bootstrap_servers(&self) -> String {
        self.0.join(",")
    }
}

/// A valid Kafka topic name: 1-249 characters from `A-Z a-z 0-9 . _ -`, not `.` or `..`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicName(String);

impl TopicName {
    const MAX_LEN: usize = 249;

    fn parse(text: &str) -> Result<Self, String> {
        let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if text.is_empty() {
            Err(format!("{text:?} is empty"))
        } else if text.len() > Self::MAX_LEN {
            Err(format!(
                "a {}-character topic name is longer than Kafka's limit of {}",
                text.chars().count(),
                Self::MAX_LEN
            ))
        } else if !text.chars().all(valid_char) {
            Err(format!(
                "{text:?} has characters other than A-Z a-z 0-9 . _ -"
            ))
        } else if text == "." || text == ".." {
            Err(format!("{text:?} is not a topic name Kafka accepts"))
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TopicName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An `http://` or `https://` URL with a host and no query, without a trailing `/` (request
/// paths are appended to it). `Debug` and `Display` hide the user-info part, which may hold
/// credentials; problems never quote the URL for the same reason.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryUrl(String);

impl RegistryUrl {
    fn parse(text: &str) -> Result<Self, String> {
        let rest = ["http://", "https://"]
            .iter()
            .find_map(|scheme| {
                let head = text.get(..scheme.len())?;
                head.eq_ignore_ascii_case(scheme)
                    .then(|| &text[scheme.len()..])
            })
            .ok_or("not an http:// or https:// URL")?;
        if text.contains(|c: char| matches!(c, '?' | '#') || c.is_whitespace()) {
            return Err("a query, a fragment or a space is not allowed".to_owned());
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if path.contains('@') {
            // An unencoded '/' in a password leaves the rest of it in the path.
            return Err("'@' after the host: percent-encode '/' in credentials".to_owned());
        }
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let valid = match host_port.rsplit_once(':') {
            // An IPv6 host has colons of its own: a port follows the closing bracket.
            Some((host, port)) if !host_port.ends_with(']') => is_host(host) && is_port(port),
            _ => is_host(host_port),
        };
        match valid {
            true => Ok(Self(text.trim_end_matches('/').to_owned())),
            false => Err("no valid HOST[:PORT] after the scheme".to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return self.0.clone();
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        match rest[..authority_end].rfind('@') {
            Some(at) => format!("{scheme}://***{}", &rest[at..]),
            None => self.0.clone(),
        }
    }
}

impl fmt::Debug for RegistryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegistryUrl({:?})", self.redacted())
    }
}

impl fmt::Display for RegistryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// librdkafka properties given by the user. `Debug` redacts values whose key looks secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KafkaConfig(BTreeMap<String, String>);

impl KafkaConfig {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

impl fmt::Debug for KafkaConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self.iter() {
            let shown = if looks_secret(key) {
                "<redacted>"
            } else {
                value
            };
            map.entry(&key, &shown);
        }
        map.finish()
    }
}

/// Whether a librdkafka property's value must never be shown (`sasl.password`,
/// `ssl.key.pem`, `sasl.oauthbearer.client.secret`, …).
pub fn looks_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "token", "key"]
        .iter()
        .any(|word| key.contains(word))
}

/// A rule pack loaded and validated from `--rule-pack`.
#[derive(Clone)]
pub struct RulePackFile {
    pub path: PathBuf,
    pub pack: RulePack,
}

impl RulePackFile {
    fn load(path: &Path) -> Result<Self, String> {
        let name = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        let pack = RulePack::parse(&text)
            .map_err(|e| format!("{name}: {}", without_source_excerpt(&e.to_string())))?;
        Ok(Self {
            path: path.to_owned(),
            pack,
        })
    }
}

impl fmt::Debug for RulePackFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RulePackFile")
            .field("path", &self.path)
            .field("version", &self.pack.version)
            .finish_non_exhaustive()
    }
}

// ---- errors ------------------------------------------------------------------------

/// A setting, named by its flag without the leading dashes (`group-id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting(&'static str);

impl Setting {
    pub fn flag(self) -> String {
        format!("--{}", self.0)
    }

    pub fn env_var(self) -> String {
        format!(
            "{ENV_PREFIX}{}",
            self.0.to_ascii_uppercase().replace('-', "_")
        )
    }

    pub fn file_key(self) -> String {
        self.0.replace('-', "_")
    }
}

/// Why settings could not be resolved. `Display` is one line and never holds a librdkafka
/// property's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// `file` is the `--config` file in use, if any (it is one of the places to look).
    Invalid {
        setting: Setting,
        file: Option<String>,
        problem: String,
    },
    Missing {
        setting: Setting,
        file: Option<String>,
    },
    UnreadableFile {
        file: String,
        reason: String,
    },
    /// The `--config` file is not TOML of the expected shape.
    File {
        file: String,
        line: Option<usize>,
        problem: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |setting: &Setting, file: &Option<String>| {
            let (flag, var) = (setting.flag(), setting.env_var());
            match file {
                Some(file) => format!("{flag} ({var}, {} in {file})", setting.file_key()),
                None => format!("{flag} ({var})"),
            }
        };
        match self {
            Self::Invalid {
                setting,
                file,
                problem,
            } => write!(f, "invalid {}: {problem}", names(setting, file)),
            Self::Missing { setting, file } => {
                write!(f, "missing {}: it is required", names(setting, file))
            }
            Self::UnreadableFile { file, reason } => {
                write!(f, "cannot read --config {file}: {reason}")
            }
            Self::File {
                file,
                line: Some(line),
                problem,
            } => {
                write!(f, "invalid --config {file}, line {line}: {problem}")
            }
            Self::File {
                file,
                line: None,
                problem,
            } => write!(f, "invalid --config {file}: {problem}"),
        }
    }
}

impl std::error::Error for ConfigError {}

// ---- the settings, by flag name ----------------------------------------------------

const ENV_PREFIX: &str = "TRACTION_SCREEN_";

const BROKERS: Setting = Setting("brokers");
const GROUP_ID: Setting = Setting("group-id");
const INPUT_TOPIC: Setting = Setting("input-topic");
const OUTPUT_TOPIC: Setting = Setting("output-topic");
const DLQ_TOPIC: Setting = Setting("dlq-topic");
const ALERTS_TOPIC: Setting = Setting("alerts-topic");
const INPUT_FORMAT: Setting = Setting("input-format");
const OUTPUT_FORMAT: Setting = Setting("output-format");
const SCHEMA_REGISTRY_URL: Setting = Setting("schema-registry-url");
const ADMIN_ADDR: Setting = Setting("admin-addr");
const KAFKA_CONFIG: Setting = Setting("kafka-config");
const CONFIG: Setting = Setting("config");
const RULE_PACK: Setting = Setting("rule-pack");
const MAX_IN_FLIGHT: Setting = Setting("max-in-flight");
const DRAIN_TIMEOUT: Setting = Setting("drain-timeout");
const COMMIT_INTERVAL_MS: Setting = Setting("commit-interval-ms");
const WORKERS: Setting = Setting("workers");
const LOG_FORMAT: Setting = Setting("log-format");
const TOPIC: Setting = Setting("topic");
const COUNT: Setting = Setting("count");
const RATE: Setting = Setting("rate");
const FORMAT: Setting = Setting("format");
const SEED: Setting = Setting("seed");
const EVENTS: Setting = Setting("events");
const PARTITIONS: Setting = Setting("partitions");

/// The keys a `--config` file may hold: every `run` setting but `config` itself.
const FILE_SETTINGS: [Setting; 17] = [
    BROKERS,
    GROUP_ID,
    INPUT_TOPIC,
    OUTPUT_TOPIC,
    DLQ_TOPIC,
    ALERTS_TOPIC,
    INPUT_FORMAT,
    OUTPUT_FORMAT,
    SCHEMA_REGISTRY_URL,
    ADMIN_ADDR,
    KAFKA_CONFIG,
    RULE_PACK,
    MAX_IN_FLIGHT,
    DRAIN_TIMEOUT,
    COMMIT_INTERVAL_MS,
    WORKERS,
    LOG_FORMAT,
];

const DEFAULT_ADMIN_ADDR: &str = "127.0.0.1:9464";

/// librdkafka properties that other settings own, with what to use instead.
type Reserved = &'static [(&'static str, &'static str)];
const RUN_RESERVED: Reserved = &[
    ("bootstrap.servers", "is set with --brokers"),
    ("metadata.broker.list", "is set with --brokers"),
    ("group.id", "is set with --group-id"),
    (
        "enable.auto.offset.store",
        "is managed by the service (an offset is stored only once its outcome is acknowledged)",
    ),
];
const GENERATE_RESERVED: Reserved = &[
    ("bootstrap.servers", "is set with --brokers"),
    ("metadata.broker.list", "is set with --brokers"),
];

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

/// A snapshot of the `TRACTION_SCREEN_*` environment variables. No `Debug`: it may hold
/// secrets (`TRACTION_SCREEN_KAFKA_CONFIG`).
#[derive(Clone, Default)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    pub fn from_process() -> Self {
        // A value that is not UTF-8 is kept, lossily: it then fails validation visibly
        // rather than being skipped as if unset.
        let vars = std::env::vars_os().filter_map(|(name, value)| {
            let name = name.into_string().ok()?;
            name.starts_with(ENV_PREFIX)
                .then(|| (name, value.to_string_lossy().into_owned()))
        });
        Self(vars.collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        )
    }
}

/// A parsed `--config` file: its name as the user wrote it and its top-level values.
pub struct ConfigFile {
    name: String,
    values: BTreeMap<String, toml::Value>,
    kafka_config: toml::Table,
}

impl ConfigFile {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let name = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&name, &text),
            Err(e) => Err(ConfigError::UnreadableFile {
                file: name,
                reason: e.to_string(),
            }),
        }
    }

    /// Parses a file's text; `name` is how errors refer to the file.
    pub fn parse(name: &str, text: &str) -> Result<Self, ConfigError> {
        let error = |offset: Option<usize>, problem: String| ConfigError::File {
            file: name.to_owned(),
            line: offset.map(|offset| line_of(text, offset)),
            problem,
        };
        // toml's own Display quotes the offending line, which may hold a secret: build the
        // message from the bare message and the position instead.
        let entries: BTreeMap<Spanned<String>, Spanned<toml::Value>> = toml::from_str(text)
            .map_err(|e| {
                error(
                    e.span().map(|span| span.start),
                    e.message().lines().collect::<Vec<_>>().join("; "),
                )
            })?;
        let mut file = Self {
            name: name.to_owned(),
            values: BTreeMap::new(),
            kafka_config: toml::Table::new(),
        };
        for (key, value) in entries {
            let (key_start, value_start) = (key.span().start, value.span().start);
            let (key, value) = (key.into_inner(), value.into_inner());
            if !FILE_SETTINGS
                .iter()
                .any(|setting| setting.file_key() == key)
            {
                return Err(error(Some(key_start), format!("unknown key {key:?}")));
            }
            if key != KAFKA_CONFIG.file_key() {
                file.values.insert(key, value);
            } else if let toml::Value::Table(table) = value {
                file.kafka_config = table;
            } else {
                let problem = "kafka_config must be a table of librdkafka properties";
                return Err(error(Some(value_start), problem.to_owned()));
            }
        }
        Ok(file)
    }
}

/// The layers below the command line.
struct Layers<'a> {
    env: &'a Env,
    file: Option<&'a ConfigFile>,
}

impl Layers<'_> {
    fn invalid(&self, setting: Setting, problem: String) -> ConfigError {
        ConfigError::Invalid {
            setting,
            file: self.file.map(|file| file.name.clone()),
            problem,
        }
    }

    /// The raw value of `setting` from the highest layer that sets it.
    fn raw<R: Raw>(&self, setting: Setting, flag: Option<R>) -> Result<Option<R>, ConfigError> {
        if flag.is_some() {
            return Ok(flag);
        }
        let parsed = if let Some(text) = self.env.get(&setting.env_var()) {
            R::from_env(text)
        } else if let Some(value) = self
            .file
            .and_then(|file| file.values.get(&setting.file_key()))
        {
            R::from_toml(value)
        } else {
            return Ok(None);
        };
        parsed
            .map(Some)
            .map_err(|problem| self.invalid(setting, problem))
    }

    fn value<R: Raw, T>(
        &self,
        setting: Setting,
        flag: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        let raw = self.raw(setting, flag)?;
        raw.map(|raw| parse(raw).map_err(|problem| self.invalid(setting, problem)))
            .transpose()
    }

    fn required<R: Raw, T>(
        &self,
        setting: Setting,
        flag: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let missing = || ConfigError::Missing {
            setting,
            file: self.file.map(|file| file.name.clone()),
        };
        self.value(setting, flag, parse)?.ok_or_else(missing)
    }

    /// The default goes through `parse` like any other value: one path to a valid setting.
    fn or_default<R: Raw, T>(
        &self,
        setting: Setting,
        flag: Option<R>,
        default: R,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let raw = self.raw(setting, flag)?.unwrap_or(default);
        parse(raw).map_err(|problem| self.invalid(setting, problem))
    }

    /// An optional setting. An empty value unsets it, so a flag or variable can undo what a
    /// lower layer set.
    fn optional<R: Raw, T>(
        &self,
        setting: Setting,
        flag: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        let raw = self.raw(setting, flag)?.filter(|raw| !raw.is_empty());
        raw.map(|raw| parse(raw).map_err(|problem| self.invalid(setting, problem)))
            .transpose()
    }

    fn brokers(&self, flag: &Option<String>) -> Result<Brokers, ConfigError> {
        self.required(BROKERS, flag.clone().map(Listed), |list| {
            Brokers::parse(&list.0)
        })
    }

    fn registry_url(&self, flag: &Option<String>) -> Result<Option<RegistryUrl>, ConfigError> {
        self.optional(SCHEMA_REGISTRY_URL, flag.clone(), |url| {
            RegistryUrl::parse(&url)
        })
    }

    fn admin_addr(&self, flag: &Option<String>) -> Result<SocketAddr, ConfigError> {
        self.or_default(
            ADMIN_ADDR,
            flag.clone(),
            DEFAULT_ADMIN_ADDR.into(),
            socket_addr,
        )
    }

    fn topics(&self, args: &RunArgs) -> Result<Topics, ConfigError> {
        let name = |name: String| TopicName::parse(&name);
        let topics = Topics {
            input: self.or_default(
                INPUT_TOPIC,
                args.input_topic.clone(),
                "encounters".into(),
                name,
            )?,
            output: self.or_default(
                OUTPUT_TOPIC,
                args.output_topic.clone(),
                "screening-outcomes".into(),
                name,
            )?,
            dlq: self.or_default(
                DLQ_TOPIC,
                args.dlq_topic.clone(),
                "encounters-dlq".into(),
                name,
            )?,
            alerts: self.optional(ALERTS_TOPIC, args.alerts_topic.clone(), name)?,
        };
        // Each role is checked against the roles before it, so the error names the setting
        // of lower standing.
        let roles = [
            (INPUT_TOPIC, Some(&topics.input)),
            (OUTPUT_TOPIC, Some(&topics.output)),
            (DLQ_TOPIC, Some(&topics.dlq)),
            (ALERTS_TOPIC, topics.alerts.as_ref()),
        ];
        for (i, (setting, topic)) in roles.iter().enumerate() {
            let Some(topic) = topic else { continue };
            if let Some((earlier, _)) = roles[..i].iter().find(|(_, other)| other == &Some(*topic))
            {
                let problem = format!("{:?} is also the {}", topic.as_str(), earlier.flag());
                return Err(self.invalid(*setting, problem));
            }
        }
        Ok(topics)
    }

    /// A wire format. `confluent` is the Confluent-framed value and whether a registry is
    /// set: that framing carries schema ids only a registry resolves.
    fn format<F: Raw + PartialEq>(
        &self,
        setting: Setting,
        flag: Option<F>,
        default: F,
        (confluent, has_registry): (F, bool),
    ) -> Result<F, ConfigError> {
        self.or_default(setting, flag, default, |format| {
            if format == confluent && !has_registry {
                Err("avro-confluent needs --schema-registry-url".to_owned())
            } else {
                Ok(format)
            }
        })
    }

    fn tuning(&self, args: &TuningArgs) -> Result<Tuning, ConfigError> {
        let parallelism = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let seconds = |n| positive(n).map(|n| Duration::from_secs(n.get()));
        let millis = |n| positive(n).map(|n| Duration::from_millis(n.get()));
        Ok(Tuning {
            max_in_flight: self.or_default(
                MAX_IN_FLIGHT,
                args.max_in_flight,
                10_000,
                positive_usize,
            )?,
            drain_timeout: self.or_default(DRAIN_TIMEOUT, args.drain_timeout, 30, seconds)?,
            commit_interval: self.or_default(
                COMMIT_INTERVAL_MS,
                args.commit_interval_ms,
                1_000,
                millis,
            )?,
            workers: self.or_default(
                WORKERS,
                args.workers,
                u64::try_from(parallelism).unwrap_or(1),
                positive_usize,
            )?,
            log_format: self.or_default(LOG_FORMAT, args.log_format, LogFormat::Auto, Ok)?,
        })
    }

    /// File table, then environment, then flags, per key. Problems name the item by its
    /// position, never by its text: a malformed item may be a secret.
    fn kafka_config(
        &self,
        flags: &[String],
        reserved: Reserved,
    ) -> Result<KafkaConfig, ConfigError> {
        let invalid = |problem: String| self.invalid(KAFKA_CONFIG, problem);
        let mut merged = BTreeMap::new();
        if let Some(file) = self.file {
            flatten_into(&mut merged, "", &file.kafka_config).map_err(invalid)?;
        }
        let var = KAFKA_CONFIG.env_var();
        let env_items = self
            .env
            .get(&var)
            .into_iter()
            .flat_map(|text| text.split(','))
            .map(str::trim);
        for (i, item) in env_items.enumerate().filter(|(_, item)| !item.is_empty()) {
            let (key, value) = key_value(item)
                .ok_or_else(|| invalid(format!("{var} item {} is not KEY=VALUE", i + 1)))?;
            merged.insert(key, value);
        }
        for (i, item) in flags.iter().enumerate() {
            let (key, value) = key_value(item).ok_or_else(|| {
                invalid(format!("--kafka-config value {} is not KEY=VALUE", i + 1))
            })?;
            merged.insert(key, value);
        }
        for key in merged.keys() {
            if !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                return Err(invalid(format!(
                    "key {key:?} has characters other than A-Z a-z 0-9 . _ -"
                )));
            }
            // `consumer.` and `producer.` scope a property to one client (runtime::kafka).
            let property = ["consumer.", "producer."]
                .iter()
                .find_map(|scope| key.strip_prefix(scope))
                .unwrap_or(key);
            if let Some((_, instead)) = reserved.iter().find(|(name, _)| *name == property) {
                return Err(invalid(format!("{key:?} {instead}")));
            }
        }
        Ok(KafkaConfig(merged))
    }
}

// ---- raw values ----------------------------------------------------------------------

/// A setting's value before validation, as each layer writes it.
trait Raw: Sized {
    fn from_env(text: &str) -> Result<Self, String>;
    fn from_toml(value: &toml::Value) -> Result<Self, String>;
    fn is_empty(&self) -> bool {
        false
    }
}

fn toml_str(value: &toml::Value) -> Result<&str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("expected a string, found {}", value.type_str()))
}

impl Raw for String {
    fn from_env(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        toml_str(value).map(str::to_owned)
    }
    fn is_empty(&self) -> bool {
        String::is_empty(self)
    }
}

impl Raw for PathBuf {
    fn from_env(text: &str) -> Result<Self, String> {
        Ok(text.into())
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        toml_str(value).map(PathBuf::from)
    }
    fn is_empty(&self) -> bool {
        self.as_os_str().is_empty()
    }
}

/// A comma-separated list; a file may also write it as an array of strings.
struct Listed(String);

impl Raw for Listed {
    fn from_env(text: &str) -> Result<Self, String> {
        Ok(Self(text.to_owned()))
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        match value.as_array() {
            Some(items) => items
                .iter()
                .map(toml_str)
                .collect::<Result<Vec<_>, _>>()
                .map(|items| Self(items.join(","))),
            None => toml_str(value).map(|text| Self(text.to_owned())),
        }
    }
}

impl Raw for u64 {
    fn from_env(text: &str) -> Result<Self, String> {
        text.parse()
            .map_err(|_| format!("{text:?} is not a whole number"))
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        match value.as_integer() {
            Some(n) => u64::try_from(n).map_err(|_| format!("{n} is negative")),
            None => Err(format!("expected an integer, found {}", value.type_str())),
        }
    }
}

fn value_enum<T: ValueEnum>(text: &str) -> Result<T, String> {
    T::from_str(text, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|variant| variant.to_possible_value())
            .map(|value| value.get_name().to_owned())
            .collect();
        format!("{text:?} is not one of {}", names.join(", "))
    })
}

macro_rules! raw_value_enum {
    ($($t:ty),*) => {$(
        impl Raw for $t {
            fn from_env(text: &str) -> Result<Self, String> {
                value_enum(text)
            }
            fn from_toml(value: &toml::Value) -> Result<Self, String> {
                value_enum(toml_str(value)?)
            }
        }
    )*};
}

raw_value_enum!(InputFormat, OutputFormat, LogFormat);

// ---- small parsers -------------------------------------------------------------------

fn non_empty(text: String) -> Result<String, String> {
    if text.trim().is_empty() {
        Err(format!("{text:?} is empty"))
    } else {
        Ok(text)
    }
}

fn positive(n: u64) -> Result<NonZeroU64, String> {
    NonZeroU64::new(n).ok_or_else(|| "must be at least 1".to_owned())
}

fn positive_u32(n: u64) -> Result<NonZeroU32, String> {
    NonZeroU32::try_from(positive(n)?).map_err(|_| format!("{n} is more than {}", u32::MAX))
}

fn positive_usize(n: u64) -> Result<NonZeroUsize, String> {
    let n = positive(n)?;
    NonZeroUsize::try_from(n).map_err(|_| format!("{n} is too large"))
}

fn socket_addr(text: String) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| format!("{text:?} is not IP:PORT"))
}

/// The trimmed items of a comma-separated list: at least one, none empty.
fn split_list(text: &str) -> Result<Vec<&str>, String> {
    if text.trim().is_empty() {
        return Err(format!("{text:?} is empty"));
    }
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if items.iter().any(|item| item.is_empty()) {
        return Err(format!("{text:?} has an empty entry"));
    }
    Ok(items)
}

fn is_host_port(item: &str) -> bool {
    item.rsplit_once(':')
        .is_some_and(|(host, port)| is_host(host) && is_port(port))
}

/// A DNS name, an IPv4 address or a bracketed IPv6 address.
fn is_host(host: &str) -> bool {
    match host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        Some(ipv6) => ipv6.parse::<Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        }
    }
}

fn is_port(port: &str) -> bool {
    // `parse` alone would accept a leading `+`.
    port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<NonZeroU16>().is_ok()
}

fn key_value(item: &str) -> Option<(String, String)> {
    let (key, value) = item.split_once('=')?;
    let key = key.trim();
    (!key.is_empty()).then(|| (key.to_owned(), value.to_owned()))
}

/// `[kafka_config]` keys are librdkafka's dotted names; written unquoted, TOML reads them
/// as nested tables, which are joined back with dots.
fn flatten_into(
    out: &mut BTreeMap<String, String>,
    prefix: &str,
    table: &toml::Table,
) -> Result<(), String> {
    for (key, value) in table {
        let key = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let text = match value {
            toml::Value::String(text) => text.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Table(table) => {
                flatten_into(out, &key, table)?;
                continue;
            }
            toml::Value::Array(_) | toml::Value::Datetime(_) => {
                return Err(format!("{key:?} must be a string, number or boolean"));
            }
        };
        out.insert(key, text);
    }
    Ok(())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.bytes().take(offset).filter(|&b| b == b'\n').count() + 1
}

/// toml's error `Display` quotes the offending source under a `|` gutter; keep the location
/// and message lines only, so the error stays on one line.
fn without_source_excerpt(message: &str) -> String {
    let is_excerpt = |line: &str| {
        line.trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start()
            .starts_with('|')
    };
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !is_excerpt(line))
        .collect();
    lines.join(": ")
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use clap::{CommandFactory, Parser};

    use super::*;
    use crate::cli::{Cli, Command};

    fn parse(argv: &[&str]) -> Command {
        let argv = ["traction-screen"].iter().chain(argv);
        Cli::try_parse_from(argv)
            .expect("the test's flags parse")
            .command
    }

    fn run_args(flags: &[&str]) -> RunArgs {
        match parse(&[&["run"], flags].concat()) {
            Command::Run(args) => args,
            other => panic!("expected run, parsed {other:?}"),
        }
    }

    /// A command line's words (none of the test's values holds a space).
    fn words(line: &str) -> Vec<&str> {
        line.split_whitespace().collect()
    }

    fn env(vars: &[(&str, &str)]) -> Env {
        vars.iter().copied().collect()
    }

    fn config_file(text: &str) -> ConfigFile {
        match ConfigFile::parse("config.toml", text) {
            Ok(file) => file,
            Err(e) => panic!("the test's config file parses: {e}"),
        }
    }

    /// `run` resolved from flags, variables and (optionally) a file named config.toml.
    fn run(
        flags: &[&str],
        vars: &[(&str, &str)],
        file: Option<&str>,
    ) -> Result<RunSettings, ConfigError> {
        let file = file.map(config_file);
        let layers = Layers {
            env: &env(vars),
            file: file.as_ref(),
        };
        RunSettings::from_layers(&run_args(flags), &layers)
    }

    fn run_ok(flags: &[&str], vars: &[(&str, &str)], file: Option<&str>) -> RunSettings {
        match run(flags, vars, file) {
            Ok(settings) => settings,
            Err(e) => panic!("expected valid settings, got: {e}"),
        }
    }

    fn run_error(flags: &[&str], vars: &[(&str, &str)], file: Option<&str>) -> String {
        match run(flags, vars, file) {
            Ok(settings) => panic!("expected an error, got {settings:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn file_error(text: &str) -> String {
        match ConfigFile::parse("config.toml", text) {
            Ok(_) => panic!("expected the file to be rejected"),
            Err(e) => e.to_string(),
        }
    }

    fn generate(flags: &[&str], vars: &[(&str, &str)]) -> Result<GenerateSettings, ConfigError> {
        match parse(&[&["generate"], flags].concat()) {
            Command::Generate(args) => GenerateSettings::resolve(&args, &env(vars)),
            other => panic!("expected generate, parsed {other:?}"),
        }
    }

    fn demo(flags: &[&str], vars: &[(&str, &str)]) -> Result<DemoSettings, ConfigError> {
        match parse(&[&["demo"], flags].concat()) {
            Command::Demo(args) => DemoSettings::resolve(&args, &env(vars)),
            other => panic!("expected demo, parsed {other:?}"),
        }
    }

    fn topic(name: &str) -> TopicName {
        TopicName(name.to_owned())
    }

    fn kafka(pairs: &[(&str, &str)]) -> KafkaConfig {
        KafkaConfig(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    const BROKERS_FLAG: [&str; 2] = ["--brokers", "kafka:9092"];

    // ---- precedence ------------------------------------------------------------------

    #[test]
    fn a_flag_beats_the_environment_and_the_file() {
        let settings = run_ok(
            &words("--brokers flag:9092 --group-id from-flag --max-in-flight 7"),
            &[
                ("TRACTION_SCREEN_BROKERS", "env:9092"),
                ("TRACTION_SCREEN_GROUP_ID", "from-env"),
                ("TRACTION_SCREEN_MAX_IN_FLIGHT", "8"),
            ],
            Some("brokers = 'file:9092'\ngroup_id = 'from-file'\nmax_in_flight = 9\n"),
        );
        assert_eq!(settings.brokers.to_bootstrap_servers(), "flag:9092");
        assert_eq!(settings.group_id, "from-flag");
        assert_eq!(settings.tuning.max_in_flight.get(), 7);
    }

    #[test]
    fn the_environment_beats_the_file() {
        let settings = run_ok(
            &[],
            &[
                ("TRACTION_SCREEN_BROKERS", "env:9092"),
                ("TRACTION_SCREEN_GROUP_ID", "from-env"),
                ("TRACTION_SCREEN_MAX_IN_FLIGHT", "8"),
                ("TRACTION_SCREEN_OUTPUT_FORMAT", "json"),
            ],
            Some(
                "brokers = 'file:9092'\ngroup_id = 'from-file'\nmax_in_flight = 9\noutput_format = 'avro-single-object'\n",
            ),
        );
        assert_eq!(settings.brokers.to_bootstrap_servers(), "env:9092");
        assert_eq!(settings.group_id, "from-env");
        assert_eq!(settings.tuning.max_in_flight.get(), 8);
        assert_eq!(settings.output_format, OutputFormat::Json);
    }

    #[test]
    fn the_file_beats_the_defaults() {
        let settings = run_ok(
            &[],
            &[],
            Some(
                "brokers = ['a:9092', 'b:9093']\ngroup_id = 'from-file'\ninput_topic = 'x'\n\
                 output_topic = 'out'\ndlq_topic = 'dead'\nalerts_topic = 'alerts'\n\
                 input_format = 'json'\nadmin_addr = '0.0.0.0:9000'\nmax_in_flight = 9\n\
                 drain_timeout = 5\ncommit_interval_ms = 250\nworkers = 3\nlog_format = 'json'\n",
            ),
        );
        assert_eq!(settings.brokers.to_bootstrap_servers(), "a:9092,b:9093");
        assert_eq!(settings.group_id, "from-file");
        let expected_topics = Topics {
            input: topic("x"),
            output: topic("out"),
            dlq: topic("dead"),
            alerts: Some(topic("alerts")),
        };
        assert_eq!(settings.topics, expected_topics);
        assert_eq!(settings.input_format, InputFormat::Json);
        assert_eq!(
            settings.admin_addr,
            "0.0.0.0:9000".parse::<SocketAddr>().expect("literal")
        );
        let expected_tuning = Tuning {
            max_in_flight: NonZeroUsize::new(9).expect("literal"),
            drain_timeout: Duration::from_secs(5),
            commit_interval: Duration::from_millis(250),
            workers: NonZeroUsize::new(3).expect("literal"),
            log_format: LogFormat::Json,
        };
        assert_eq!(settings.tuning, expected_tuning);
    }

    #[test]
    fn run_defaults_apply_when_no_layer_sets_a_setting() {
        let settings = run_ok(&BROKERS_FLAG, &[], None);
        assert_eq!(settings.group_id, "traction-screen");
        let expected_topics = Topics {
            input: topic("encounters"),
            output: topic("screening-outcomes"),
            dlq: topic("encounters-dlq"),
            alerts: None,
        };
        assert_eq!(settings.topics, expected_topics);
        assert_eq!(settings.input_format, InputFormat::Auto);
        assert_eq!(settings.output_format, OutputFormat::AvroSingleObject);
        assert_eq!(settings.schema_registry_url, None);
        assert_eq!(
            settings.admin_addr,
            "127.0.0.1:9464".parse::<SocketAddr>().expect("literal")
        );
        assert_eq!(settings.kafka_config, KafkaConfig::default());
        assert!(settings.rule_pack.is_none());
        let parallelism =
            std::thread::available_parallelism().expect("the test machine reports it");
        let expected_tuning = Tuning {
            max_in_flight: NonZeroUsize::new(10_000).expect("literal"),
            drain_timeout: Duration::from_secs(30),
            commit_interval: Duration::from_millis(1_000),
            workers: parallelism,
            log_format: LogFormat::Auto,
        };
        assert_eq!(settings.tuning, expected_tuning);
    }

    #[test]
    fn kafka_config_merges_per_key_file_then_environment_then_flags() {
        let settings = run_ok(
            &words("--brokers k:9092 --kafka-config c=flag --kafka-config d=flag=with=equals"),
            &[("TRACTION_SCREEN_KAFKA_CONFIG", "b=env, c=env")],
            Some("[kafka_config]\n'a' = 'file'\n'b' = 'file'\n'c' = 'file'\n"),
        );
        let expected = kafka(&[
            ("a", "file"),
            ("b", "env"),
            ("c", "flag"),
            ("d", "flag=with=equals"),
        ]);
        assert_eq!(settings.kafka_config, expected);
    }

    #[test]
    fn kafka_config_file_keys_written_unquoted_are_joined_with_dots() {
        let file = "[kafka_config]\nsecurity.protocol = 'SASL_SSL'\nsocket.keepalive.enable = true\n\
                    \"queue.buffering.max.ms\" = 5\n";
        let settings = run_ok(&BROKERS_FLAG, &[], Some(file));
        let expected = kafka(&[
            ("queue.buffering.max.ms", "5"),
            ("security.protocol", "SASL_SSL"),
            ("socket.keepalive.enable", "true"),
        ]);
        assert_eq!(settings.kafka_config, expected);
    }

    #[test]
    fn an_empty_value_unsets_an_optional_setting_of_a_lower_layer() {
        let settings = run_ok(
            &["--brokers", "k:9092", "--schema-registry-url", ""],
            &[("TRACTION_SCREEN_ALERTS_TOPIC", "")],
            Some("alerts_topic = 'alerts'\nschema_registry_url = 'http://registry:8081'\n"),
        );
        assert_eq!(settings.topics.alerts, None);
        assert_eq!(settings.schema_registry_url, None);
        assert_eq!(settings.output_format, OutputFormat::AvroSingleObject);
    }

    #[test]
    fn every_run_flag_but_config_is_a_config_file_key() {
        let cli = Cli::command();
        let run = cli.find_subcommand("run").expect("run is a subcommand");
        let mut flags: Vec<String> = run
            .get_arguments()
            .filter_map(|arg| arg.get_long())
            .filter(|long| !matches!(*long, "config" | "help"))
            .map(|long| long.replace('-', "_"))
            .collect();
        flags.sort();
        let mut keys: Vec<String> = FILE_SETTINGS
            .iter()
            .map(|setting| setting.file_key())
            .collect();
        keys.sort();
        assert_eq!(flags, keys);
    }

    #[test]
    fn the_config_file_is_read_from_the_path_in_the_environment() {
        let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
        writeln!(file, "brokers = 'file:9092'").expect("writable");
        let path = file.path().display().to_string();
        let settings =
            RunSettings::resolve(&run_args(&[]), &env(&[("TRACTION_SCREEN_CONFIG", &path)]));
        let brokers = settings.map(|settings| settings.brokers.to_bootstrap_servers());
        assert_eq!(brokers, Ok("file:9092".to_owned()));
    }

    #[test]
    fn an_unreadable_config_file_is_an_error_naming_it() {
        let error = RunSettings::resolve(
            &run_args(&words("--config /nonexistent/config.toml")),
            &Env::default(),
        );
        assert_eq!(
            error.map(|_| ()).map_err(|e| e.to_string()),
            Err("cannot read --config /nonexistent/config.toml: No such file or directory (os error 2)".to_owned())
        );
    }

    // ---- output format -----------------------------------------------------------------

    #[test]
    fn output_format_defaults_to_avro_single_object_without_a_registry() {
        assert_eq!(
            run_ok(&BROKERS_FLAG, &[], None).output_format,
            OutputFormat::AvroSingleObject
        );
    }

    #[test]
    fn output_format_defaults_to_avro_confluent_with_a_registry() {
        let settings = run_ok(
            &words("--brokers k:9092 --schema-registry-url https://registry:8081/"),
            &[],
            None,
        );
        assert_eq!(settings.output_format, OutputFormat::AvroConfluent);
        assert_eq!(
            settings
                .schema_registry_url
                .map(|url| url.as_str().to_owned()),
            Some("https://registry:8081".to_owned())
        );
    }

    #[test]
    fn an_explicit_output_format_beats_the_registry_default() {
        let flags = [
            "--brokers",
            "k:9092",
            "--schema-registry-url",
            "http://registry",
            "--output-format",
            "json",
        ];
        assert_eq!(run_ok(&flags, &[], None).output_format, OutputFormat::Json);
    }

    #[test]
    fn avro_confluent_output_without_a_registry_is_an_error() {
        assert_eq!(
            run_error(
                &words("--brokers k:9092 --output-format avro-confluent"),
                &[],
                None
            ),
            "invalid --output-format (TRACTION_SCREEN_OUTPUT_FORMAT): avro-confluent needs --schema-registry-url"
        );
    }

    #[test]
    fn avro_confluent_input_without_a_registry_is_an_error() {
        assert_eq!(
            run_error(
                &BROKERS_FLAG,
                &[("TRACTION_SCREEN_INPUT_FORMAT", "avro-confluent")],
                None
            ),
            "invalid --input-format (TRACTION_SCREEN_INPUT_FORMAT): avro-confluent needs --schema-registry-url"
        );
    }

    // ---- validation errors ---------------------------------------------------------------

    #[test]
    fn empty_brokers_name_the_flag_the_variable_and_the_file_key() {
        assert_eq!(
            run_error(&["--brokers", ""], &[], Some("")),
            r#"invalid --brokers (TRACTION_SCREEN_BROKERS, brokers in config.toml): "" is empty"#
        );
    }

    #[test]
    fn errors_without_a_config_file_name_the_flag_and_the_variable() {
        assert_eq!(
            run_error(&["--brokers", ""], &[], None),
            r#"invalid --brokers (TRACTION_SCREEN_BROKERS): "" is empty"#
        );
    }

    #[test]
    fn missing_brokers_is_an_error() {
        assert_eq!(
            run_error(&[], &[], Some("group_id = 'g'\n")),
            "missing --brokers (TRACTION_SCREEN_BROKERS, brokers in config.toml): it is required"
        );
    }

    #[test]
    fn brokers_must_each_be_host_and_port() {
        let cases = [
            ("kafka", r#""kafka" is not HOST:PORT"#),
            ("kafka:0", r#""kafka:0" is not HOST:PORT"#),
            ("kafka:+1", r#""kafka:+1" is not HOST:PORT"#),
            (
                "PLAINTEXT://kafka:9092",
                r#""PLAINTEXT://kafka:9092" is not HOST:PORT"#,
            ),
            ("a:1,,b:2", r#""a:1,,b:2" has an empty entry"#),
        ];
        for (brokers, problem) in cases {
            assert_eq!(
                run_error(&["--brokers", brokers], &[], None),
                format!("invalid --brokers (TRACTION_SCREEN_BROKERS): {problem}"),
                "brokers {brokers:?}"
            );
        }
    }

    #[test]
    fn brokers_accept_names_addresses_and_spaces_after_commas() {
        let settings = run_ok(
            &[
                "--brokers",
                "kafka-1.internal:9092, 10.0.0.2:9093, [::1]:9094",
            ],
            &[],
            None,
        );
        assert_eq!(
            settings.brokers.to_bootstrap_servers(),
            "kafka-1.internal:9092,10.0.0.2:9093,[::1]:9094"
        );
    }

    #[test]
    fn topic_names_must_be_valid_kafka_names() {
        let too_long = "t".repeat(250);
        let cases = [
            ("--output-topic", "", r#""" is empty"#.to_owned()),
            (
                "--output-topic",
                "out put",
                r#""out put" has characters other than A-Z a-z 0-9 . _ -"#.to_owned(),
            ),
            (
                "--dlq-topic",
                "..",
                r#"".." is not a topic name Kafka accepts"#.to_owned(),
            ),
            (
                "--dlq-topic",
                &too_long,
                "a 250-character topic name is longer than Kafka's limit of 249".to_owned(),
            ),
            (
                "--input-topic",
                "enc/ounters",
                r#""enc/ounters" has characters other than A-Z a-z 0-9 . _ -"#.to_owned(),
            ),
        ];
        for (flag, value, problem) in cases {
            let setting = Setting(flag.trim_start_matches('-'));
            assert_eq!(
                run_error(&["--brokers", "k:9092", flag, value], &[], None),
                format!("invalid {flag} ({}): {problem}", setting.env_var()),
            );
        }
    }

    #[test]
    fn a_249_character_topic_name_is_valid() {
        let name = "t".repeat(249);
        assert_eq!(
            run_ok(&["--brokers", "k:9092", "--output-topic", &name], &[], None)
                .topics
                .output,
            topic(&name)
        );
    }

    #[test]
    fn no_topic_plays_two_roles() {
        let cases: [(&[&str], &str); 4] = [
            (
                &words("--output-topic encounters"),
                r#"invalid --output-topic (TRACTION_SCREEN_OUTPUT_TOPIC): "encounters" is also the --input-topic"#,
            ),
            (
                &words("--input-topic b --dlq-topic b"),
                r#"invalid --dlq-topic (TRACTION_SCREEN_DLQ_TOPIC): "b" is also the --input-topic"#,
            ),
            (
                &words("--dlq-topic screening-outcomes"),
                r#"invalid --dlq-topic (TRACTION_SCREEN_DLQ_TOPIC): "screening-outcomes" is also the --output-topic"#,
            ),
            (
                &words("--alerts-topic encounters-dlq"),
                r#"invalid --alerts-topic (TRACTION_SCREEN_ALERTS_TOPIC): "encounters-dlq" is also the --dlq-topic"#,
            ),
        ];
        for (flags, expected) in cases {
            assert_eq!(
                run_error(&[&BROKERS_FLAG[..], flags].concat(), &[], None),
                expected
            );
        }
    }

    #[test]
    fn a_blank_group_id_is_an_error() {
        assert_eq!(
            run_error(&BROKERS_FLAG, &[("TRACTION_SCREEN_GROUP_ID", " ")], None),
            r#"invalid --group-id (TRACTION_SCREEN_GROUP_ID): " " is empty"#
        );
    }

    #[test]
    fn the_admin_address_must_be_an_ip_and_port() {
        assert_eq!(
            run_error(
                &words("--brokers k:9092 --admin-addr localhost:9464"),
                &[],
                None
            ),
            r#"invalid --admin-addr (TRACTION_SCREEN_ADMIN_ADDR): "localhost:9464" is not IP:PORT"#
        );
    }

    #[test]
    fn the_registry_url_must_be_http_or_https_with_a_host_and_no_query() {
        let not_http = "not an http:// or https:// URL";
        let no_host = "no valid HOST[:PORT] after the scheme";
        let cases = [
            ("ftp://registry", not_http),
            ("registry:8081", not_http),
            ("http://", no_host),
            ("http://:8081", no_host),
            ("http://registry:port", no_host),
            (
                "http://registry?x=1",
                "a query, a fragment or a space is not allowed",
            ),
            (
                "http://reg istry",
                "a query, a fragment or a space is not allowed",
            ),
            (
                "http://u:pa/ss@registry",
                "'@' after the host: percent-encode '/' in credentials",
            ),
        ];
        for (url, problem) in cases {
            assert_eq!(
                run_error(
                    &["--brokers", "k:9092", "--schema-registry-url", url],
                    &[],
                    None
                ),
                format!(
                    "invalid --schema-registry-url (TRACTION_SCREEN_SCHEMA_REGISTRY_URL): {problem}"
                ),
                "url {url:?}"
            );
        }
    }

    #[test]
    fn registry_urls_with_ports_paths_and_ipv6_hosts_are_valid() {
        for url in [
            "http://registry",
            "HTTPS://registry:8081/sr/",
            "http://[::1]:8081",
            "https://user:pw@registry",
        ] {
            assert!(
                run(
                    &["--brokers", "k:9092", "--schema-registry-url", url],
                    &[],
                    None
                )
                .is_ok(),
                "url {url:?}"
            );
        }
    }

    #[test]
    fn tuning_values_must_be_at_least_one() {
        for (flag, var) in [
            ("--max-in-flight", "TRACTION_SCREEN_MAX_IN_FLIGHT"),
            ("--drain-timeout", "TRACTION_SCREEN_DRAIN_TIMEOUT"),
            ("--commit-interval-ms", "TRACTION_SCREEN_COMMIT_INTERVAL_MS"),
            ("--workers", "TRACTION_SCREEN_WORKERS"),
        ] {
            assert_eq!(
                run_error(&["--brokers", "k:9092", flag, "0"], &[], None),
                format!("invalid {flag} ({var}): must be at least 1")
            );
        }
    }

    #[test]
    fn a_number_from_the_environment_must_be_a_whole_number() {
        assert_eq!(
            run_error(
                &BROKERS_FLAG,
                &[("TRACTION_SCREEN_DRAIN_TIMEOUT", "30s")],
                None
            ),
            r#"invalid --drain-timeout (TRACTION_SCREEN_DRAIN_TIMEOUT): "30s" is not a whole number"#
        );
    }

    #[test]
    fn a_format_from_the_environment_must_be_a_listed_value() {
        assert_eq!(
            run_error(
                &BROKERS_FLAG,
                &[("TRACTION_SCREEN_INPUT_FORMAT", "avro")],
                None
            ),
            r#"invalid --input-format (TRACTION_SCREEN_INPUT_FORMAT): "avro" is not one of auto, json, avro-confluent, avro-single-object"#
        );
        assert_eq!(
            run_error(
                &BROKERS_FLAG,
                &[("TRACTION_SCREEN_LOG_FORMAT", "JSON")],
                None
            ),
            r#"invalid --log-format (TRACTION_SCREEN_LOG_FORMAT): "JSON" is not one of auto, json, text"#
        );
    }

    #[test]
    fn file_values_of_the_wrong_type_are_errors() {
        let cases = [
            (
                "brokers = 'k:9092'\nmax_in_flight = '100'",
                "--max-in-flight (TRACTION_SCREEN_MAX_IN_FLIGHT, max_in_flight in config.toml): expected an integer, found string",
            ),
            (
                "brokers = 'k:9092'\nworkers = -2",
                "--workers (TRACTION_SCREEN_WORKERS, workers in config.toml): -2 is negative",
            ),
            (
                "brokers = 'k:9092'\ngroup_id = 5",
                "--group-id (TRACTION_SCREEN_GROUP_ID, group_id in config.toml): expected a string, found integer",
            ),
            (
                "brokers = ['k:9092', 1]",
                "--brokers (TRACTION_SCREEN_BROKERS, brokers in config.toml): expected a string, found integer",
            ),
        ];
        for (file, expected) in cases {
            assert_eq!(
                run_error(&[], &[], Some(file)),
                format!("invalid {expected}"),
                "file {file:?}"
            );
        }
    }

    #[test]
    fn malformed_kafka_config_items_are_named_by_position() {
        assert_eq!(
            run_error(
                &BROKERS_FLAG,
                &[("TRACTION_SCREEN_KAFKA_CONFIG", "a=1,,sasl.password")],
                None
            ),
            "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): TRACTION_SCREEN_KAFKA_CONFIG item 3 is not KEY=VALUE"
        );
        assert_eq!(
            run_error(
                &words("--brokers k:9092 --kafka-config a=1 --kafka-config =hunter2"),
                &[],
                None
            ),
            "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): --kafka-config value 2 is not KEY=VALUE"
        );
    }

    #[test]
    fn kafka_config_keys_must_be_property_names() {
        assert_eq!(
            run_error(
                &[
                    "--brokers",
                    "k:9092",
                    "--kafka-config",
                    "sasl mechanism=PLAIN"
                ],
                &[],
                None
            ),
            r#"invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): key "sasl mechanism" has characters other than A-Z a-z 0-9 . _ -"#
        );
    }

    #[test]
    fn kafka_config_cannot_set_what_other_settings_own() {
        let cases = [
            (
                "bootstrap.servers=x:1",
                r#""bootstrap.servers" is set with --brokers"#,
            ),
            ("group.id=g", r#""group.id" is set with --group-id"#),
            (
                "consumer.group.id=g",
                r#""consumer.group.id" is set with --group-id"#,
            ),
            (
                "enable.auto.offset.store=true",
                r#""enable.auto.offset.store" is managed by the service (an offset is stored only once its outcome is acknowledged)"#,
            ),
        ];
        for (item, problem) in cases {
            assert_eq!(
                run_error(&["--brokers", "k:9092", "--kafka-config", item], &[], None),
                format!("invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): {problem}")
            );
        }
    }

    #[test]
    fn kafka_config_file_values_must_be_scalars() {
        assert_eq!(
            run_error(
                &BROKERS_FLAG,
                &[],
                Some("[kafka_config]\n'ssl.cipher.suites' = ['A', 'B']\n")
            ),
            r#"invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG, kafka_config in config.toml): "ssl.cipher.suites" must be a string, number or boolean"#
        );
    }

    #[test]
    fn a_rule_pack_file_is_loaded_and_validated() {
        let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
        file.write_all(crate::rules::pack::BUILT_IN.as_bytes())
            .expect("writable");
        let path = file.path().display().to_string();
        let settings = run_ok(&["--brokers", "k:9092", "--rule-pack", &path], &[], None);
        let version = settings
            .rule_pack
            .map(|loaded| (loaded.path, loaded.pack.version));
        assert_eq!(
            version,
            Some((file.path().to_owned(), RulePack::built_in().version))
        );
    }

    #[test]
    fn an_unreadable_rule_pack_is_an_error() {
        assert_eq!(
            run_error(
                &BROKERS_FLAG,
                &[],
                Some("rule_pack = '/nonexistent/pack.toml'")
            ),
            "invalid --rule-pack (TRACTION_SCREEN_RULE_PACK, rule_pack in config.toml): \
             cannot read /nonexistent/pack.toml: No such file or directory (os error 2)"
        );
    }

    #[test]
    fn an_invalid_rule_pack_reports_the_pack_error_on_one_line() {
        let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
        writeln!(file, "version = = 1").expect("writable");
        let path = file.path().display().to_string();
        assert_eq!(
            run_error(&["--brokers", "k:9092", "--rule-pack", &path], &[], None),
            format!(
                "invalid --rule-pack (TRACTION_SCREEN_RULE_PACK): {path}: rule pack is not valid TOML of the \
                 expected shape: TOML parse error at line 1, column 11: extra `=`, expected nothing"
            )
        );
    }

    // ---- the file --------------------------------------------------------------------

    #[test]
    fn an_unknown_file_key_is_an_error_naming_the_key_and_line() {
        assert_eq!(
            file_error("brokers = 'k:9092'\n\nmax_inflight = 5\n"),
            r#"invalid --config config.toml, line 3: unknown key "max_inflight""#
        );
        assert_eq!(
            file_error("config = 'other.toml'\n"),
            r#"invalid --config config.toml, line 1: unknown key "config""#
        );
    }

    #[test]
    fn bad_toml_names_the_file_and_line() {
        assert_eq!(
            file_error("brokers = 'k:9092'\ngroup_id = = 'g'\n"),
            "invalid --config config.toml, line 2: extra `=`, expected nothing"
        );
        assert_eq!(
            file_error("brokers = 'a'\nbrokers = 'b'\n"),
            "invalid --config config.toml, line 2: duplicate key"
        );
    }

    #[test]
    fn kafka_config_in_the_file_must_be_a_table() {
        assert_eq!(
            file_error("brokers = 'k:9092'\nkafka_config = 'a=1'\n"),
            "invalid --config config.toml, line 2: kafka_config must be a table of librdkafka properties"
        );
    }

    // ---- secrets -----------------------------------------------------------------------

    #[test]
    fn keys_naming_passwords_secrets_tokens_or_keys_look_secret() {
        let secret = [
            "sasl.password",
            "ssl.key.pem",
            "sasl.oauthbearer.client.secret",
            "SASL.OAUTHBEARER.TOKEN",
        ];
        let plain = [
            "security.protocol",
            "sasl.mechanism",
            "ssl.ca.location",
            "client.id",
        ];
        assert!(secret.iter().all(|key| looks_secret(key)));
        assert!(!plain.iter().any(|key| looks_secret(key)));
    }

    #[test]
    fn debug_output_redacts_the_values_of_secret_looking_keys() {
        let settings = run_ok(
            &words(
                "--brokers k:9092 --kafka-config sasl.password=hunter2 --kafka-config sasl.mechanism=PLAIN",
            ),
            &[],
            None,
        );
        assert_eq!(
            format!("{:?}", settings.kafka_config),
            r#"{"sasl.mechanism": "PLAIN", "sasl.password": "<redacted>"}"#
        );
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn malformed_kafka_config_items_are_not_echoed() {
        let from_env = run_error(
            &BROKERS_FLAG,
            &[("TRACTION_SCREEN_KAFKA_CONFIG", "sasl.password:hunter2")],
            None,
        );
        let from_flag = run_error(
            &words("--brokers k:9092 --kafka-config sasl.password:hunter2"),
            &[],
            None,
        );
        assert!(!from_env.contains("hunter2"), "{from_env}");
        assert!(!from_flag.contains("hunter2"), "{from_flag}");
    }

    #[test]
    fn a_toml_syntax_error_does_not_echo_the_offending_line() {
        assert_eq!(
            file_error("[kafka_config]\n'sasl.password' = hunter2\n"),
            "invalid --config config.toml, line 2: string values must be quoted, expected literal string"
        );
    }

    #[test]
    fn registry_url_credentials_are_hidden_in_debug_and_display() {
        let url = RegistryUrl::parse("https://user:pw@registry:8081/sr").expect("valid url");
        assert_eq!(url.to_string(), "https://***@registry:8081/sr");
        assert_eq!(
            format!("{url:?}"),
            r#"RegistryUrl("https://***@registry:8081/sr")"#
        );
        assert_eq!(url.as_str(), "https://user:pw@registry:8081/sr");
    }

    // ---- generate and demo -------------------------------------------------------------

    #[test]
    fn generate_requires_brokers_and_a_count() {
        let error = |flags: &[&str]| generate(flags, &[]).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            error(&words("--count 5")),
            Err("missing --brokers (TRACTION_SCREEN_BROKERS): it is required".to_owned())
        );
        assert_eq!(
            error(&BROKERS_FLAG),
            Err("missing --count (TRACTION_SCREEN_COUNT): it is required".to_owned())
        );
        assert_eq!(
            error(&words("--brokers k:9092 --count 0")),
            Err("invalid --count (TRACTION_SCREEN_COUNT): must be at least 1".to_owned())
        );
    }

    #[test]
    fn generate_defaults_to_json_on_encounters_with_seed_one_and_no_rate_limit() {
        let settings = generate(&words("--brokers k:9092 --count 5"), &[]).expect("valid settings");
        assert_eq!(settings.topic, topic("encounters"));
        assert_eq!(settings.count.get(), 5);
        assert_eq!(settings.rate, None);
        assert_eq!(settings.format, OutputFormat::Json);
        assert_eq!(settings.seed, 1);
        assert_eq!(settings.schema_registry_url, None);
        assert_eq!(settings.kafka_config, KafkaConfig::default());
    }

    #[test]
    fn generate_reads_the_environment_below_its_flags() {
        let vars = [
            ("TRACTION_SCREEN_BROKERS", "env:9092"),
            ("TRACTION_SCREEN_COUNT", "100"),
            ("TRACTION_SCREEN_RATE", "50"),
            ("TRACTION_SCREEN_SEED", "9"),
            ("TRACTION_SCREEN_KAFKA_CONFIG", "linger.ms=5"),
        ];
        let settings = generate(&words("--seed 7"), &vars).expect("valid settings");
        assert_eq!(settings.brokers.to_bootstrap_servers(), "env:9092");
        assert_eq!(
            (settings.count.get(), settings.rate.map(NonZeroU32::get)),
            (100, Some(50))
        );
        assert_eq!(settings.seed, 7);
        assert_eq!(settings.kafka_config, kafka(&[("linger.ms", "5")]));
    }

    #[test]
    fn generate_avro_confluent_needs_a_registry() {
        let error = generate(
            &words("--brokers k:9092 --count 1 --format avro-confluent"),
            &[],
        );
        assert_eq!(
            error.map(|_| ()).map_err(|e| e.to_string()),
            Err("invalid --format (TRACTION_SCREEN_FORMAT): avro-confluent needs --schema-registry-url".to_owned())
        );
    }

    #[test]
    fn demo_defaults_to_thirty_thousand_events_at_five_thousand_per_second() {
        let settings = demo(&[], &[]).expect("valid settings");
        assert_eq!(
            (
                settings.events.get(),
                settings.rate.get(),
                settings.partitions.get()
            ),
            (30_000, 5_000, 6)
        );
        assert_eq!(
            settings.admin_addr,
            "127.0.0.1:9464".parse::<SocketAddr>().expect("literal")
        );
        assert_eq!(settings.tuning.max_in_flight.get(), 10_000);
    }

    #[test]
    fn demo_flags_beat_the_environment() {
        let vars = [
            ("TRACTION_SCREEN_EVENTS", "10"),
            ("TRACTION_SCREEN_RATE", "20"),
            ("TRACTION_SCREEN_WORKERS", "2"),
        ];
        let settings = demo(&words("--events 11"), &vars).expect("valid settings");
        assert_eq!(
            (
                settings.events.get(),
                settings.rate.get(),
                settings.tuning.workers.get()
            ),
            (11, 20, 2)
        );
    }

    #[test]
    fn demo_partitions_must_fit_a_kafka_topic() {
        let error = demo(&words("--partitions 70000"), &[])
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(
            error,
            Err(
                "invalid --partitions (TRACTION_SCREEN_PARTITIONS): 70000 is more than 65535"
                    .to_owned()
            )
        );
    }

    #[test]
    fn auto_log_format_is_text_on_a_terminal_and_json_otherwise() {
        assert_eq!(
            (
                LogFormat::Auto.is_json(true),
                LogFormat::Auto.is_json(false)
            ),
            (false, true)
        );
        assert_eq!(
            (
                LogFormat::Json.is_json(true),
                LogFormat::Text.is_json(false)
            ),
            (true, false)
        );
    }
}
