//! The `--config` TOML file (`run` only): its keys are the flag names with underscores, and
//! an unknown key or a malformed file is an error naming the line, never quoting it.

use std::collections::BTreeMap;
use std::path::Path;

use toml::Spanned;

use super::error::ConfigError;
use super::setting::{FILE_SETTINGS, KAFKA_CONFIG};

/// A parsed `--config` file: its name as the user wrote it and its top-level values.
pub struct ConfigFile {
    pub(super) name: String,
    pub(super) values: BTreeMap<String, toml::Value>,
    pub(super) kafka_config: toml::Table,
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

fn line_of(text: &str, offset: usize) -> usize {
    text.bytes().take(offset).filter(|&b| b == b'\n').count() + 1
}
