//! Every setting by name, and the three ways a user writes that name: the flag, the
//! `TRACTION_SCREEN_*` variable and the `--config` file key.

/// A setting, named by its flag without the leading dashes (`group-id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting(pub(super) &'static str);

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

// ---- the settings, by flag name ----------------------------------------------------
// Public: those the runtime names when the world refuses them at start-up (a taken
// admin port, a missing topic).

pub(super) const ENV_PREFIX: &str = "TRACTION_SCREEN_";

pub(super) const BROKERS: Setting = Setting("brokers");
pub(super) const GROUP_ID: Setting = Setting("group-id");
pub const INPUT_TOPIC: Setting = Setting("input-topic");
pub const OUTPUT_TOPIC: Setting = Setting("output-topic");
pub const DLQ_TOPIC: Setting = Setting("dlq-topic");
pub const ALERTS_TOPIC: Setting = Setting("alerts-topic");
pub(super) const INPUT_FORMAT: Setting = Setting("input-format");
pub(super) const OUTPUT_FORMAT: Setting = Setting("output-format");
pub(super) const SCHEMA_REGISTRY_URL: Setting = Setting("schema-registry-url");
pub const ADMIN_ADDR: Setting = Setting("admin-addr");
pub(super) const KAFKA_CONFIG: Setting = Setting("kafka-config");
pub(super) const PRODUCER_IDEMPOTENCE: Setting = Setting("producer-idempotence");
pub(super) const STARTUP_TIMEOUT: Setting = Setting("startup-timeout");
pub(super) const CONFIG: Setting = Setting("config");
pub(super) const RULE_PACK: Setting = Setting("rule-pack");
pub(super) const MAX_IN_FLIGHT: Setting = Setting("max-in-flight");
pub(super) const DRAIN_TIMEOUT: Setting = Setting("drain-timeout");
pub(super) const COMMIT_INTERVAL_MS: Setting = Setting("commit-interval-ms");
pub(super) const WORKERS: Setting = Setting("workers");
pub(super) const LOG_FORMAT: Setting = Setting("log-format");
pub(super) const TOPIC: Setting = Setting("topic");
pub(super) const COUNT: Setting = Setting("count");
pub(super) const RATE: Setting = Setting("rate");
pub(super) const FORMAT: Setting = Setting("format");
pub(super) const SEED: Setting = Setting("seed");
pub(super) const EVENTS: Setting = Setting("events");
pub(super) const PARTITIONS: Setting = Setting("partitions");
pub(super) const OUTPUT: Setting = Setting("output");
pub(super) const CODEC: Setting = Setting("codec");

/// The keys a `--config` file may hold: every `run` setting but `config` itself.
pub(super) const FILE_SETTINGS: [Setting; 19] = [
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
    RULE_PACK,
    MAX_IN_FLIGHT,
    DRAIN_TIMEOUT,
    COMMIT_INTERVAL_MS,
    WORKERS,
    LOG_FORMAT,
];
