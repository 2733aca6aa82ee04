//! The settings more than one command shares, each read from the layers and parsed: brokers,
//! the registry URL, the admin address, the topics, a wire format and the tuning knobs; and
//! the small parsers the commands' own settings go through.

use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::time::Duration;

use super::error::ConfigError;
use super::layers::{Layers, Listed, Raw};
use super::setting::*;
use super::values::{Brokers, LogFormat, RegistryUrl, TopicName};
use super::{Topics, Tuning};
use crate::cli::{RunArgs, TuningArgs};

const DEFAULT_ADMIN_ADDR: &str = "127.0.0.1:9464";

impl Layers<'_> {
    pub(super) fn brokers(&self, flag: &Option<String>) -> Result<Brokers, ConfigError> {
        self.required(BROKERS, flag.clone().map(Listed), |list| {
            Brokers::parse(&list.0)
        })
    }

    pub(super) fn registry_url(
        &self,
        flag: &Option<String>,
    ) -> Result<Option<RegistryUrl>, ConfigError> {
        self.optional(SCHEMA_REGISTRY_URL, flag.clone(), |url| {
            RegistryUrl::parse(&url)
        })
    }

    pub(super) fn admin_addr(&self, flag: &Option<String>) -> Result<SocketAddr, ConfigError> {
        self.or_default(
            ADMIN_ADDR,
            flag.clone(),
            DEFAULT_ADMIN_ADDR.into(),
            socket_addr,
        )
    }

    pub(super) fn topics(&self, args: &RunArgs) -> Result<Topics, ConfigError> {
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
    pub(super) fn format<F: Raw + PartialEq>(
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

    pub(super) fn tuning(&self, args: &TuningArgs) -> Result<Tuning, ConfigError> {
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
}

// ---- small parsers -------------------------------------------------------------------

pub(super) fn non_empty(text: String) -> Result<String, String> {
    if text.trim().is_empty() {
        Err(format!("{text:?} is empty"))
    } else {
        Ok(text)
    }
}

pub(super) fn positive(n: u64) -> Result<NonZeroU64, String> {
    NonZeroU64::new(n).ok_or_else(|| "must be at least 1".to_owned())
}

pub(super) fn positive_u32(n: u64) -> Result<NonZeroU32, String> {
    NonZeroU32::try_from(positive(n)?).map_err(|_| format!("{n} is more than {}", u32::MAX))
}

fn positive_usize(n: u64) -> Result<NonZeroUsize, String> {
    let n = positive(n)?;
    NonZeroUsize::try_from(n).map_err(|_| format!("{n} is too large"))
}

fn socket_addr(text: String) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| format!("{text:?} is not IP:PORT"))
}
