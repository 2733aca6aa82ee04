//! `generate --output FILE`: the encounters go to a file instead of Kafka.
//!
//! The file's format follows its name: `.avro` is an Avro object container file whose
//! blocks are compressed with `--codec` (deflate by default: every Avro reader has it);
//! `.jsonl`, `.ndjson` and `.json` are JSON Lines, as is any name with `--format json`. The
//! Kafka-only settings are then not used: clap refuses their flags next to `--output`, and
//! their variables are ignored, as `--codec`'s is without `--output`.

use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use traction_screen_core::codec::OutputFormat;
use traction_screen_core::codec::container::Codec;

use super::layers::{Env, Layers};
use super::resolve::positive;
use super::setting::{CODEC, COUNT, FORMAT, OUTPUT, SEED};
use super::{ConfigError, GenerateSettings};
use crate::cli::GenerateArgs;

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
    /// Resolves `generate`'s settings from its flags and the process environment.
    pub fn from_args(args: &GenerateArgs) -> Result<Self, ConfigError> {
        Self::resolve(args, &Env::from_process())
    }

    pub fn resolve(args: &GenerateArgs, env: &Env) -> Result<Self, ConfigError> {
        let layers = Layers { env, file: None };
        let Some(path) = layers.optional(OUTPUT, args.output.clone(), Ok)? else {
            if args.codec.is_some() {
                let problem = "applies to --output FILE.avro only".to_owned();
                return Err(layers.invalid(CODEC, problem));
            }
            return GenerateSettings::resolve(args, env).map(Self::Kafka);
        };
        Ok(Self::File(GenerateFileSettings {
            format: layers.file_format(&path, args)?,
            path,
            count: layers.required(COUNT, args.count, positive)?,
            seed: layers.or_default(SEED, args.seed, 1, Ok)?,
        }))
    }
}

impl Layers<'_> {
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
                let codec = self.or_default(CODEC, args.codec, Codec::default(), Ok)?;
                Ok(FileFormat::AvroContainer(codec))
            }
            (false, _) => match self.value(CODEC, args.codec, Ok)? {
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
