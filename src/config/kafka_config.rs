//! librdkafka properties given by the user: merged per key (file, then environment, then
//! flags), checked against the properties the service owns (`owned`) and against
//! librdkafka itself, and redacted in `Debug`.
//! Problems name an item by its position, never by its text: it may be a secret.

use std::collections::BTreeMap;
use std::fmt;

use super::error::ConfigError;
use super::layers::Layers;
use super::owned::{Reserved, refused};
use super::setting::KAFKA_CONFIG;
use crate::runtime::kafka;

/// librdkafka properties given by the user. `Debug` redacts values whose key looks secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KafkaConfig(pub(super) BTreeMap<String, String>);

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

impl Layers<'_> {
    /// File table, then environment, then flags, per key. Problems name the item by its
    /// position, never by its text: a malformed item may be a secret.
    pub(super) fn kafka_config(
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
        }
        if let Some(problem) = refused(&merged, reserved) {
            return Err(invalid(problem));
        }
        kafka::validate_properties(&merged).map_err(invalid)?;
        Ok(KafkaConfig(merged))
    }
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
