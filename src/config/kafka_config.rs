//! librdkafka properties given by the user: merged per key (file, then environment, then
//! flags), checked against the properties the service owns (`owned`) and against
//! librdkafka itself, and redacted in `Debug`. A key `consumer.X` or `producer.X` scopes
//! property X to one client; any other key goes to both.
//! Problems name an item by its position, never by its text: it may be a secret.
//!
//! Its variable, `TRACTION_SCREEN_KAFKA_CONFIG`, is the one clap does not read: clap reads a
//! variable only when its flag is absent, while these merge with the flags property by
//! property.

use std::collections::BTreeMap;
use std::fmt;

use rdkafka::config::ClientConfig;
use rdkafka::error::KafkaError;

use super::error::ConfigError;
use super::owned::{Reserved, refused};
use super::resolve::Resolver;
use crate::cli::setting::KAFKA_CONFIG;

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

    /// The properties for one client: its scoped ones without their prefix, and the
    /// unscoped ones.
    pub fn for_client(&self, role: Role) -> impl Iterator<Item = (&str, &str)> {
        self.iter()
            .filter_map(move |(key, value)| match scoped(key) {
                (Some(scope), property) if scope == role => Some((property, value)),
                (Some(_), _) => None,
                (None, property) => Some((property, value)),
            })
    }
}

/// The two librdkafka clients of the service (and of `generate`, which has a producer only).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    Consumer,
    Producer,
}

/// The client a property is for and the librdkafka property itself: `consumer.X` and
/// `producer.X` scope property X to one client, any other key goes to both.
pub fn scoped(key: &str) -> (Option<Role>, &str) {
    if let Some(property) = key.strip_prefix("consumer.") {
        (Some(Role::Consumer), property)
    } else if let Some(property) = key.strip_prefix("producer.") {
        (Some(Role::Producer), property)
    } else {
        (None, key)
    }
}

/// Checks every property against librdkafka itself, as each client would get them. The
/// error names the property (as the user wrote it) and librdkafka's reason, never the value:
/// it may be a secret.
pub(super) fn validate(properties: &KafkaConfig) -> Result<(), String> {
    for role in [Role::Consumer, Role::Producer] {
        let mut config = ClientConfig::new();
        for (property, value) in properties.for_client(role) {
            config.set(property, value);
        }
        if let Err(error) = config.create_native_config() {
            return Err(match error {
                KafkaError::ClientConfig(_, description, property, _value) => {
                    let key = properties
                        .0
                        .keys()
                        .find(|key| scoped(key).1 == property)
                        .map_or(property.as_str(), String::as_str);
                    format!("{key}: {description}")
                }
                other => other.to_string(),
            });
        }
    }
    Ok(())
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

/// The value of `TRACTION_SCREEN_KAFKA_CONFIG` in the process's environment (read lossily:
/// a value that is not UTF-8 then fails validation visibly rather than being skipped).
pub fn variable() -> Option<String> {
    std::env::var_os(KAFKA_CONFIG.env_var()).map(|value| value.to_string_lossy().into_owned())
}

impl Resolver<'_> {
    /// File table, then the variable's comma-separated items, then flags, per key. Problems
    /// name the item by its position, never by its text: a malformed item may be a secret.
    pub(super) fn kafka_config(
        &self,
        flags: &[String],
        variable: Option<&str>,
        reserved: Reserved,
    ) -> Result<KafkaConfig, ConfigError> {
        let invalid = |problem: String| self.invalid(KAFKA_CONFIG, problem);
        let mut merged = BTreeMap::new();
        if let Some(table) = self.file.and_then(|file| file.kafka_config.as_ref()) {
            flatten_into(&mut merged, "", &table.0).map_err(invalid)?;
        }
        let var = KAFKA_CONFIG.env_var();
        let env_items = variable
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
        let properties = KafkaConfig(merged);
        validate(&properties).map_err(invalid)?;
        Ok(properties)
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
