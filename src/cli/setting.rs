//! Every setting by name, and the ways a user writes that name: the flag, the
//! `TRACTION_SCREEN_*` variable (clap reads it: each argument declares it with `env`) and the
//! `--config` file key; and how a problem with a setting names it.

use std::fmt;

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

    /// The setting whose flag is `--{long}`.
    pub fn named(long: &str) -> Option<Self> {
        ALL.iter().copied().find(|setting| setting.0 == long)
    }

    /// The setting, the ways a user may have written it: `--flag (VARIABLE)`, and the key in
    /// `file` when a `--config` file is in use.
    pub fn names(self, file: Option<&str>) -> impl fmt::Display + '_ {
        Names(self, file)
    }
}

struct Names<'a>(Setting, Option<&'a str>);

impl fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Names(setting, file) = self;
        let (flag, var) = (setting.flag(), setting.env_var());
        match file {
            Some(file) => write!(f, "{flag} ({var}, {} in {file})", setting.file_key()),
            None => write!(f, "{flag} ({var})"),
        }
    }
}

pub const ENV_PREFIX: &str = "TRACTION_SCREEN_";

pub const BROKERS: Setting = Setting("brokers");
pub const GROUP_ID: Setting = Setting("group-id");
pub const INPUT_TOPIC: Setting = Setting("input-topic");
pub const OUTPUT_TOPIC: Setting = Setting("output-topic");
pub const DLQ_TOPIC: Setting = Setting("dlq-topic");
pub const ALERTS_TOPIC: Setting = Setting("alerts-topic");
pub const INPUT_FORMAT: Setting = Setting("input-format");
pub const OUTPUT_FORMAT: Setting = Setting("output-format");
pub const SCHEMA_REGISTRY_URL: Setting = Setting("schema-registry-url");
pub const ADMIN_ADDR: Setting = Setting("admin-addr");
pub const KAFKA_CONFIG: Setting = Setting("kafka-config");
pub const PRODUCER_IDEMPOTENCE: Setting = Setting("producer-idempotence");
pub const STARTUP_TIMEOUT: Setting = Setting("startup-timeout");
pub const DELIVERY: Setting = Setting("delivery");
pub const TRANSACTIONAL_ID: Setting = Setting("transactional-id");
pub const CONFIG: Setting = Setting("config");
pub const RULE_PACK: Setting = Setting("rule-pack");
pub const HISTORY_TOPIC: Setting = Setting("history-topic");
pub const NO_HISTORY: Setting = Setting("no-history");
pub const MAX_IN_FLIGHT: Setting = Setting("max-in-flight");
pub const DRAIN_TIMEOUT: Setting = Setting("drain-timeout");
pub const COMMIT_INTERVAL_MS: Setting = Setting("commit-interval-ms");
pub const WORKERS: Setting = Setting("workers");
pub const LOG_FORMAT: Setting = Setting("log-format");
pub const TOPIC: Setting = Setting("topic");
pub const COUNT: Setting = Setting("count");
pub const RATE: Setting = Setting("rate");
pub const FORMAT: Setting = Setting("format");
pub const SEED: Setting = Setting("seed");
pub const LINES: Setting = Setting("lines");
pub const EVENTS: Setting = Setting("events");
pub const PARTITIONS: Setting = Setting("partitions");
pub const OUTPUT: Setting = Setting("output");
pub const CODEC: Setting = Setting("codec");

const ALL: [Setting; 34] = [
    DELIVERY,
    TRANSACTIONAL_ID,
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
    PRODUCER_IDEMPOTENCE,
    STARTUP_TIMEOUT,
    CONFIG,
    RULE_PACK,
    HISTORY_TOPIC,
    NO_HISTORY,
    MAX_IN_FLIGHT,
    DRAIN_TIMEOUT,
    COMMIT_INTERVAL_MS,
    WORKERS,
    LOG_FORMAT,
    TOPIC,
    COUNT,
    RATE,
    FORMAT,
    SEED,
    LINES,
    EVENTS,
    PARTITIONS,
    OUTPUT,
    CODEC,
];
