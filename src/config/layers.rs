//! The layers below the command line and the lookup through them: a setting's value comes
//! from the flag, else the `TRACTION_SCREEN_*` variable, else the `--config` file; each layer
//! writes the raw value its own way ([`Raw`]), and one parse turns it into a valid setting.

use std::collections::BTreeMap;
use std::path::PathBuf;

use traction_screen_core::codec::container::Codec;
use traction_screen_core::codec::{InputFormat, OutputFormat};

use super::error::ConfigError;
use super::file::ConfigFile;
use super::setting::{ENV_PREFIX, Setting};
use super::values::LogFormat;
use crate::cli::Choice;

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

    pub(super) fn get(&self, name: &str) -> Option<&str> {
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

/// The layers below the command line.
pub(super) struct Layers<'a> {
    pub(super) env: &'a Env,
    pub(super) file: Option<&'a ConfigFile>,
}

impl Layers<'_> {
    pub(super) fn invalid(&self, setting: Setting, problem: String) -> ConfigError {
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

    pub(super) fn value<R: Raw, T>(
        &self,
        setting: Setting,
        flag: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        let raw = self.raw(setting, flag)?;
        raw.map(|raw| parse(raw).map_err(|problem| self.invalid(setting, problem)))
            .transpose()
    }

    pub(super) fn required<R: Raw, T>(
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
    pub(super) fn or_default<R: Raw, T>(
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
    pub(super) fn optional<R: Raw, T>(
        &self,
        setting: Setting,
        flag: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        let raw = self.raw(setting, flag)?.filter(|raw| !raw.is_empty());
        raw.map(|raw| parse(raw).map_err(|problem| self.invalid(setting, problem)))
            .transpose()
    }
}

// ---- raw values ----------------------------------------------------------------------

/// A setting's value before validation, as each layer writes it.
pub(super) trait Raw: Sized {
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
pub(super) struct Listed(pub(super) String);

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

impl Raw for bool {
    fn from_env(text: &str) -> Result<Self, String> {
        text.parse()
            .map_err(|_| format!("{text:?} is not true or false"))
    }
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        value
            .as_bool()
            .ok_or_else(|| format!("expected true or false, found {}", value.type_str()))
    }
}

fn value_enum<T: Choice>(text: &str) -> Result<T, String> {
    T::named(text).ok_or_else(|| format!("{text:?} is not one of {}", T::names()))
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

raw_value_enum!(InputFormat, OutputFormat, LogFormat, Codec);
