//! The `--config` TOML file (`run` only): one optional key per setting, named like its flag
//! with underscores. The file's shape is a serde struct: an unknown key or malformed TOML is
//! an error naming the line, and a value of the wrong type names its setting. No message
//! quotes the file: it may hold secrets.

use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, Error as _};
use traction_screen_core::codec::{InputFormat, OutputFormat};

use super::Delivery;
use super::error::ConfigError;
use crate::cli::{Choice, Setting};
use crate::telemetry::LogFormat;

/// A parsed `--config` file.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The file's name as the user wrote it (for messages).
    #[serde(skip)]
    pub(super) name: String,
    pub(super) brokers: Option<FileValue<Listed>>,
    pub(super) group_id: Option<FileValue<String>>,
    pub(super) input_topic: Option<FileValue<String>>,
    pub(super) output_topic: Option<FileValue<String>>,
    pub(super) dlq_topic: Option<FileValue<String>>,
    pub(super) alerts_topic: Option<FileValue<String>>,
    pub(super) input_format: Option<FileValue<InputFormat>>,
    pub(super) output_format: Option<FileValue<OutputFormat>>,
    pub(super) schema_registry_url: Option<FileValue<String>>,
    pub(super) admin_addr: Option<FileValue<String>>,
    pub(super) kafka_config: Option<FileValue<toml::Table>>,
    pub(super) producer_idempotence: Option<FileValue<bool>>,
    pub(super) delivery: Option<FileValue<Delivery>>,
    pub(super) transactional_id: Option<FileValue<String>>,
    pub(super) startup_timeout: Option<FileValue<u64>>,
    pub(super) rule_pack: Option<FileValue<PathBuf>>,
    pub(super) history_topic: Option<FileValue<String>>,
    pub(super) no_history: Option<FileValue<bool>>,
    pub(super) max_in_flight: Option<FileValue<u64>>,
    pub(super) drain_timeout: Option<FileValue<u64>>,
    pub(super) commit_interval_ms: Option<FileValue<u64>>,
    pub(super) workers: Option<FileValue<u64>>,
    pub(super) log_format: Option<FileValue<LogFormat>>,
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
        let at_line = |error: toml::de::Error| ConfigError::File {
            file: name.to_owned(),
            line: error.span().map(|span| line_of(text, span.start)),
            // toml's own Display quotes the offending line, which may hold a secret: only
            // its bare message goes into ours.
            problem: error.message().lines().collect::<Vec<_>>().join("; "),
        };
        let document = toml::de::Deserializer::parse(text).map_err(at_line)?;
        let mut file: Self = serde_path_to_error::deserialize(document).map_err(|error| {
            // A value of a known key that [`FromToml`] refused names its setting; anything
            // else (an unknown key) is the file's error, at its line.
            let key = error.path().iter().next().map(ToString::to_string);
            let error = error.into_inner();
            let refused_value = !error.message().starts_with("unknown field");
            let setting = key
                .filter(|_| refused_value)
                .and_then(|key| Setting::named(&key.replace('_', "-")));
            match setting {
                Some(setting) => ConfigError::Invalid {
                    setting,
                    file: Some(name.to_owned()),
                    problem: error.message().to_owned(),
                },
                None => at_line(error),
            }
        })?;
        file.name = name.to_owned();
        Ok(file)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.bytes().take(offset).filter(|&b| b == b'\n').count() + 1
}

/// A setting's value as the file writes it, read by [`FromToml`]: a value of the wrong
/// type is refused with a problem that never quotes it.
#[derive(Debug, Clone)]
pub(super) struct FileValue<T>(pub(super) T);

impl<'de, T: FromToml> Deserialize<'de> for FileValue<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        T::from_toml(value).map(FileValue).map_err(D::Error::custom)
    }
}

pub(super) trait FromToml: Sized {
    fn from_toml(value: toml::Value) -> Result<Self, String>;
}

fn expected<T>(what: &str, value: &toml::Value) -> Result<T, String> {
    Err(format!("expected {what}, found {}", value.type_str()))
}

impl FromToml for String {
    fn from_toml(value: toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::String(text) => Ok(text),
            other => expected("a string", &other),
        }
    }
}

impl FromToml for PathBuf {
    fn from_toml(value: toml::Value) -> Result<Self, String> {
        String::from_toml(value).map(PathBuf::from)
    }
}

impl FromToml for u64 {
    fn from_toml(value: toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Integer(n) => u64::try_from(n).map_err(|_| format!("{n} is negative")),
            other => expected("an integer", &other),
        }
    }
}

impl FromToml for bool {
    fn from_toml(value: toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Boolean(b) => Ok(b),
            other => expected("true or false", &other),
        }
    }
}

impl FromToml for toml::Table {
    fn from_toml(value: toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Table(table) => Ok(table),
            _ => Err("must be a table of librdkafka properties".to_owned()),
        }
    }
}

/// A list, comma-separated as on the command line; a file may also write it as an array of
/// strings.
#[derive(Debug, Clone)]
pub(super) struct Listed(pub(super) String);

impl FromToml for Listed {
    fn from_toml(value: toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Array(items) => items
                .into_iter()
                .map(String::from_toml)
                .collect::<Result<Vec<_>, _>>()
                .map(|items| Self(items.join(","))),
            other => String::from_toml(other).map(Self),
        }
    }
}

macro_rules! named_in_file {
    ($($t:ty),*) => {$(
        impl FromToml for $t {
            fn from_toml(value: toml::Value) -> Result<Self, String> {
                let name = String::from_toml(value)?;
                <$t as Choice>::named(&name)
                    .ok_or_else(|| format!("{name:?} is not one of {}", <$t as Choice>::names()))
            }
        }
    )*};
}

named_in_file!(InputFormat, OutputFormat, LogFormat, Delivery);
