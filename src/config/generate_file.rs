//! `generate --output FILE`: the encounters go to a file instead of Kafka.
//!
//! The file's format follows its name: `.avro` is an Avro object container file whose
//! blocks are compressed with `--codec` (deflate by default: every Avro reader has it);
//! `.jsonl`, `.ndjson` and `.json` are JSON Lines, as is any name with `--format json`. The
//! Kafka-only settings are then not used: their flags are refused next to `--output`, and
//! their variables are ignored, as `--codec`'s is without `--output` (`Cli::read_from`).

use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};

use traction_screen_core::codec::OutputFormat;
use traction_screen_core::codec::container::Codec;

use super::kafka_config;
use super::resolve::{Resolver, positive, positive_usize};
use super::{ConfigError, GenerateSettings};
use crate::cli::GenerateArgs;
use crate::cli::setting::{CODEC, COUNT, FORMAT, LINES, OUTPUT, SEED};

/// What `generate` does.
#[derive(Debug)]
pub enum GenerateTarget {
    /// Produce to a Kafka topic.
    Kafka(GenerateSettings),
    /// Write a file (`--output`).
    File(GenerateFileSettings),
}

/// Settings of `traction-screen generate --output FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateFileSettings {
    pub path: PathBuf,
    pub format: FileFormat,
    pub count: NonZeroU64,
    pub seed: u64,
    /// Service lines of every encounter; `None`: the generator's own mix.
    pub lines: Option<NonZeroUsize>,
}

/// How `generate --output` writes its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// An Avro object container file with our schema, its blocks compressed by the codec.
    AvroContainer(Codec),
    /// One encounter per line, in the CONTRACT's JSON shape.
    JsonLines,
}

impl GenerateTarget {
    /// Resolves `generate`'s settings from its arguments and the process's
    /// `TRACTION_SCREEN_KAFKA_CONFIG`.
    pub fn from_args(args: &GenerateArgs) -> Result<Self, ConfigError> {
        Self::resolve(args, kafka_config::variable().as_deref())
    }

    pub fn resolve(args: &GenerateArgs, kafka_variable: Option<&str>) -> Result<Self, ConfigError> {
        let r = Resolver { file: None };
        let Some(path) = r.optional(OUTPUT, args.output.clone(), Ok)? else {
            if args.codec.is_some() {
                let problem = "applies to --output FILE.avro only".to_owned();
                return Err(r.invalid(CODEC, problem));
            }
            return GenerateSettings::resolve(args, kafka_variable).map(Self::Kafka);
        };
        Ok(Self::File(GenerateFileSettings {
            format: r.file_format(&path, args)?,
            path,
            count: r.required(COUNT, args.count, positive)?,
            seed: r.or_default(SEED, args.seed, 1, Ok)?,
            lines: r.value(LINES, args.lines, positive_usize)?,
        }))
    }
}

impl Resolver<'_> {
    fn file_format(&self, path: &Path, args: &GenerateArgs) -> Result<FileFormat, ConfigError> {
        let json = self
            .value(FORMAT, args.format, |format| match format {
                OutputFormat::Json => Ok(()),
                kafka_only => Err(format!(
                    "{} frames Kafka messages; --output writes an Avro container file \
                     (FILE.avro) or JSON Lines (--format json)",
                    kafka_only.name()
                )),
            })?
            .is_some();
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        let avro = match extension.as_deref() {
            Some("avro") => true,
            Some("jsonl" | "ndjson" | "json") => false,
            _ if json => false,
            _ => {
                let problem = format!(
                    "cannot tell the format of {}: name it .avro (Avro container file) or \
                     .jsonl (JSON Lines), or give --format json",
                    path.display()
                );
                return Err(self.invalid(OUTPUT, problem));
            }
        };
        match (avro, json) {
            (true, true) => {
                let problem = format!(
                    "json does not fit {}: a .avro file is an Avro container file",
                    path.display()
                );
                Err(self.invalid(FORMAT, problem))
            }
            (true, false) => {
                let codec = args.codec.unwrap_or_default();
                Ok(FileFormat::AvroContainer(codec))
            }
            (false, _) => match args.codec {
                Some(_) => {
                    let problem = format!(
                        "applies to Avro container files (FILE.avro); {} is JSON Lines",
                        path.display()
                    );
                    Err(self.invalid(CODEC, problem))
                }
                None => Ok(FileFormat::JsonLines),
            },
        }
    }
}
