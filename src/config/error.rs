//! The one error of settings resolution: each names the setting the ways a user may have
//! written it (flag, variable, file key), on one line, without a librdkafka property's value.

use std::fmt;

use crate::cli::Setting;

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

impl ConfigError {
    /// A setting that resolved, but that start-up found unusable (the admin port is taken,
    /// the input topic does not exist): a configuration error all the same.
    pub fn refused(setting: Setting, problem: impl Into<String>) -> Self {
        Self::Invalid {
            setting,
            file: None,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid {
                setting,
                file,
                problem,
            } => write!(f, "invalid {}: {problem}", setting.names(file.as_deref())),
            Self::Missing { setting, file } => {
                write!(
                    f,
                    "missing {}: it is required",
                    setting.names(file.as_deref())
                )
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
