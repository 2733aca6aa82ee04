//! Resolving a setting below the command line: the flag or its variable (clap merged those),
//! else the `--config` file's value, else the default; then one parse into a valid value,
//! whose problem names the setting. And the settings more than one command shares: brokers,
//! the registry URL, the admin address, the topics, a wire format and the tuning knobs.

use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::time::Duration;

use super::error::ConfigError;
use super::file::{ConfigFile, FileValue};
use super::registry_url::RegistryUrl;
use super::values::{Brokers, TopicName};
use super::{Topics, Tuning};
use crate::cli::setting::*;
use crate::cli::{RunArgs, TuningArgs};
use crate::telemetry::LogFormat;

const DEFAULT_ADMIN_ADDR: &str = "127.0.0.1:9464";

/// The layers below the command line: the `--config` file, if any (only `run` has one).
#[derive(Clone, Copy)]
pub(super) struct Resolver<'a> {
    pub(super) file: Option<&'a ConfigFile>,
}

impl<'a> Resolver<'a> {
    pub(super) fn invalid(&self, setting: Setting, problem: String) -> ConfigError {
        ConfigError::Invalid {
            setting,
            file: self.file.map(|file| file.name.clone()),
            problem,
        }
    }

    /// The command line's value (flag or variable), else the file's.
    pub(super) fn pick<T: Clone + 'a>(
        &self,
        given: &Option<T>,
        in_file: impl FnOnce(&'a ConfigFile) -> &'a Option<FileValue<T>>,
    ) -> Option<T> {
        given
            .clone()
            .or_else(|| in_file(self.file?).as_ref().map(|value| value.0.clone()))
    }

    pub(super) fn value<R, T>(
        &self,
        setting: Setting,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        raw.map(|raw| parse(raw).map_err(|problem| self.invalid(setting, problem)))
            .transpose()
    }

    pub(super) fn required<R, T>(
        &self,
        setting: Setting,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let missing = || ConfigError::Missing {
            setting,
            file: self.file.map(|file| file.name.clone()),
        };
        self.value(setting, raw, parse)?.ok_or_else(missing)
    }

    /// The default goes through `parse` like any other value: one path to a valid setting.
    pub(super) fn or_default<R, T>(
        &self,
        setting: Setting,
        raw: Option<R>,
        default: R,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let raw = raw.unwrap_or(default);
        parse(raw).map_err(|problem| self.invalid(setting, problem))
    }

    /// An optional setting. An empty value unsets it, so a flag or variable can undo what a
    /// lower layer set.
    pub(super) fn optional<R: Blank, T>(
        &self,
        setting: Setting,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        self.value(setting, raw.filter(|raw| !raw.is_blank()), parse)
    }

    pub(super) fn brokers(&self, raw: Option<String>) -> Result<Brokers, ConfigError> {
        self.required(BROKERS, raw, |list| Brokers::parse(&list))
    }

    pub(super) fn registry_url(
        &self,
        raw: Option<String>,
    ) -> Result<Option<RegistryUrl>, ConfigError> {
        self.optional(SCHEMA_REGISTRY_URL, raw, |url| RegistryUrl::parse(&url))
    }

    pub(super) fn admin_addr(&self, raw: Option<String>) -> Result<SocketAddr, ConfigError> {
        self.or_default(ADMIN_ADDR, raw, DEFAULT_ADMIN_ADDR.into(), socket_addr)
    }

    /// The topics of `run`; the history changelog's default name is `<group_id>-history`.
    pub(super) fn topics(&self, args: &RunArgs, group_id: &str) -> Result<Topics, ConfigError> {
        let name = |name: String| TopicName::parse(&name);
        let input = self.pick(&args.input_topic, |f| &f.input_topic);
        let output = self.pick(&args.output_topic, |f| &f.output_topic);
        let dlq = self.pick(&args.dlq_topic, |f| &f.dlq_topic);
        let alerts = self.pick(&args.alerts_topic, |f| &f.alerts_topic);
        let no_history = self.pick(&args.no_history, |f| &f.no_history);
        let history = match self.or_default(NO_HISTORY, no_history, false, Ok)? {
            true => None,
            false => {
                let history = self.pick(&args.history_topic, |f| &f.history_topic);
                let default = format!("{group_id}-history");
                Some(self.or_default(HISTORY_TOPIC, history, default, name)?)
            }
        };
        let topics = Topics {
            input: self.or_default(INPUT_TOPIC, input, "encounters".into(), name)?,
            output: self.or_default(OUTPUT_TOPIC, output, "screening-outcomes".into(), name)?,
            dlq: self.or_default(DLQ_TOPIC, dlq, "encounters-dlq".into(), name)?,
            alerts: self.optional(ALERTS_TOPIC, alerts, name)?,
            history,
        };
        // Each role is checked against the roles before it, so the error names the setting
        // of lower standing.
        let roles = [
            (INPUT_TOPIC, Some(&topics.input)),
            (OUTPUT_TOPIC, Some(&topics.output)),
            (DLQ_TOPIC, Some(&topics.dlq)),
            (ALERTS_TOPIC, topics.alerts.as_ref()),
            (HISTORY_TOPIC, topics.history.as_ref()),
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
    pub(super) fn format<F: PartialEq>(
        &self,
        setting: Setting,
        raw: Option<F>,
        default: F,
        (confluent, has_registry): (F, bool),
    ) -> Result<F, ConfigError> {
        self.or_default(setting, raw, default, |format| {
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
        let max_in_flight = self.pick(&args.max_in_flight, |f| &f.max_in_flight);
        let drain_timeout = self.pick(&args.drain_timeout, |f| &f.drain_timeout);
        let commit_interval = self.pick(&args.commit_interval_ms, |f| &f.commit_interval_ms);
        let workers = self.pick(&args.workers, |f| &f.workers);
        let log_format = self.pick(&args.log_format, |f| &f.log_format);
        Ok(Tuning {
            max_in_flight: self.or_default(MAX_IN_FLIGHT, max_in_flight, 10_000, positive_usize)?,
            drain_timeout: self.or_default(DRAIN_TIMEOUT, drain_timeout, 30, seconds)?,
            commit_interval: self.or_default(COMMIT_INTERVAL_MS, commit_interval, 1_000, millis)?,
            workers: self.or_default(
                WORKERS,
                workers,
                u64::try_from(parallelism).unwrap_or(1),
                positive_usize,
            )?,
            log_format: self.or_default(LOG_FORMAT, log_format, LogFormat::Auto, Ok)?,
        })
    }
}

/// A raw value that may be empty: empty unsets an optional setting.
pub(super) trait Blank {
    fn is_blank(&self) -> bool;
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl Blank for PathBuf {
    fn is_blank(&self) -> bool {
        self.as_os_str().is_empty()
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

pub(super) fn positive_usize(n: u64) -> Result<NonZeroUsize, String> {
    let n = positive(n)?;
    NonZeroUsize::try_from(n).map_err(|_| format!("{n} is too large"))
}

fn socket_addr(text: String) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| format!("{text:?} is not IP:PORT"))
}
