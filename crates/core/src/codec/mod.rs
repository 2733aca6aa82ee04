//! Bytes ⇄ domain: the wire formats of CONTRACT.md §4, with no Kafka and no I/O.
//!
//! ```text
//! bytes ─► size limit ─► framing (Confluent 00+id │ single-object C3 01+fingerprint │ JSON)
//!       ─► Encounter (serde, writer schema) ─► normalize ─► limits ─► validate ─► Encounter
//! Outcome ─► Avro datum (+ framing) or JSON view ─► bytes
//! ```
//!
//! A [`Decoder`] and an [`Encoder`] are `Send + Sync` and shared by the worker threads.
//! Every failure is a [`DecodeError`] whose [`code`](DecodeError::code) is the dead-letter
//! reason; none panics, whatever the input.

mod avro;
pub mod container;
mod error;
mod fingerprint;
pub mod json;
pub mod limits;
mod normalize;
mod resolution;

pub use avro::{CONFLUENT_MAGIC, SINGLE_OBJECT_MAGIC};
pub use error::{DecodeError, EncodeError};

use crate::domain::{Encounter, Outcome};
use avro::{ENCOUNTER, OUTCOME, WriterSchemas};

/// The `EncounterEvent` Avro schema (`schemas/encounter_event.avsc`).
pub const ENCOUNTER_SCHEMA: &str = include_str!("../../../../schemas/encounter_event.avsc");
/// The `ScreeningOutcome` Avro schema (`schemas/screening_outcome.avsc`).
pub const OUTCOME_SCHEMA: &str = include_str!("../../../../schemas/screening_outcome.avsc");
/// The first published `ScreeningOutcome` schema, before the analytics fields: outcomes
/// written with it (single-object framing names it by fingerprint) are still read.
pub const OUTCOME_SCHEMA_V1: &str =
    include_str!("../../../../schemas/history/screening_outcome.v1.avsc");

/// How input message values are framed (`--input-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputFormat {
    #[default]
    Auto,
    Json,
    AvroConfluent,
    AvroSingleObject,
}

impl InputFormat {
    pub const ALL: [InputFormat; 4] = [
        InputFormat::Auto,
        InputFormat::Json,
        InputFormat::AvroConfluent,
        InputFormat::AvroSingleObject,
    ];

    /// The name settings use (`--input-format auto`).
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Json => "json",
            InputFormat::AvroConfluent => "avro-confluent",
            InputFormat::AvroSingleObject => "avro-single-object",
        }
    }

    /// What the format is, for help texts.
    pub fn description(self) -> &'static str {
        match self {
            InputFormat::Auto => {
                "Told apart by the first bytes: 0x00 Confluent, C3 01 single-object, `{` JSON"
            }
            InputFormat::Json => "JSON in the CONTRACT shape",
            InputFormat::AvroConfluent => {
                "Confluent Schema Registry framing: 0x00, 4-byte schema id, Avro datum"
            }
            InputFormat::AvroSingleObject => {
                "Avro single-object encoding: C3 01, 8-byte schema fingerprint, Avro datum"
            }
        }
    }
}

/// How outcomes are written (`--output-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    AvroConfluent,
    #[default]
    AvroSingleObject,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 3] = [
        OutputFormat::Json,
        OutputFormat::AvroConfluent,
        OutputFormat::AvroSingleObject,
    ];

    /// The name settings use (`--output-format json`).
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::AvroConfluent => "avro-confluent",
            OutputFormat::AvroSingleObject => "avro-single-object",
        }
    }
}

/// Decodes, normalises and validates encounter messages.
#[derive(Default)]
pub struct Decoder {
    format: InputFormat,
    writer_schemas: WriterSchemas,
}

impl Decoder {
    pub fn new(format: InputFormat) -> Self {
        Self {
            format,
            writer_schemas: WriterSchemas::default(),
        }
    }

    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// Decodes, validates and normalises one message value.
    pub fn decode(&self, bytes: &[u8]) -> Result<Encounter, DecodeError> {
        limits::check_message_size(bytes.len())?;
        let event = match self.format {
            InputFormat::Json => json::decode(bytes),
            InputFormat::AvroConfluent => self.writer_schemas.decode_confluent(bytes),
            InputFormat::AvroSingleObject => self.writer_schemas.decode_single_object(bytes),
            InputFormat::Auto => match detect(bytes)? {
                InputFormat::Json => json::decode(bytes),
                InputFormat::AvroConfluent => self.writer_schemas.decode_confluent(bytes),
                _ => self.writer_schemas.decode_single_object(bytes),
            },
        }?;
        admit(event)
    }

    /// Gives the writer schema behind a Confluent schema id (fetched from the registry by
    /// the runtime). Parsed once and cached; until then [`decode`](Self::decode) answers
    /// [`DecodeError::UnknownSchemaId`]. Registering an id again is a no-op.
    pub fn register_schema(&self, id: u32, schema_json: &str) -> Result<(), DecodeError> {
        self.writer_schemas.register_id(id, schema_json)
    }

    /// Accepts single-object messages written with another (e.g. older) schema than ours,
    /// under both fingerprints writers compute for it (the specification's, and the Rust
    /// apache-avro crate's, which differs for schemas with logical types); returns the
    /// specification's (as the little-endian `u64` of the header bytes). Our own schema is
    /// always known by both.
    pub fn register_single_object_schema(&self, schema_json: &str) -> Result<u64, DecodeError> {
        self.writer_schemas.register_fingerprinted(schema_json)
    }
}

/// Normalises a decoded encounter, then checks it against the limits and validates it:
/// what every decoded encounter goes through, whatever its framing.
pub(crate) fn admit(mut event: Encounter) -> Result<Encounter, DecodeError> {
    normalize::normalize(&mut event);
    limits::check(&event)?;
    normalize::validate(&event)?;
    Ok(event)
}

/// The schema id of a Confluent-framed value (so the runtime knows what to fetch).
pub fn confluent_schema_id(bytes: &[u8]) -> Option<u32> {
    match bytes {
        [CONFLUENT_MAGIC, a, b, c, d, ..] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => None,
    }
}

/// The framing of a value, from its first bytes.
fn detect(bytes: &[u8]) -> Result<InputFormat, DecodeError> {
    match bytes {
        [CONFLUENT_MAGIC, ..] => Ok(InputFormat::AvroConfluent),
        [0xC3, 0x01, ..] => Ok(InputFormat::AvroSingleObject),
        _ if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') => {
            Ok(InputFormat::Json)
        }
        [] => Err(DecodeError::BadMagicByte("empty message")),
        _ => Err(DecodeError::BadMagicByte(
            "first bytes match no accepted format (0x00 Confluent, C3 01 single-object, `{` JSON)",
        )),
    }
}

/// The Rabin fingerprint of [`ENCOUNTER_SCHEMA`], as in single-object headers.
pub fn encounter_fingerprint() -> [u8; 8] {
    *ENCOUNTER.rabin_fingerprint()
}

/// The Rabin fingerprint of [`OUTCOME_SCHEMA`], as in single-object headers.
pub fn outcome_fingerprint() -> [u8; 8] {
    *OUTCOME.rabin_fingerprint()
}

/// Encodes outcomes (and, for the generator and tests, encounters) in one format.
#[derive(Clone, Debug)]
pub struct Encoder {
    format: OutputFormat,
    confluent_schema_id: Option<u32>,
}

impl Encoder {
    /// `confluent_schema_id` is the registry id of the schema this encoder writes; it is
    /// required for [`OutputFormat::AvroConfluent`] and ignored otherwise.
    pub fn new(
        format: OutputFormat,
        confluent_schema_id: Option<u32>,
    ) -> Result<Self, EncodeError> {
        if format == OutputFormat::AvroConfluent && confluent_schema_id.is_none() {
            return Err(EncodeError::MissingSchemaId);
        }
        Ok(Self {
            format,
            confluent_schema_id,
        })
    }

    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Appends the encoded outcome to `out` (left as it was on error).
    pub fn encode_outcome(&self, outcome: &Outcome, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self.format {
            OutputFormat::Json => json::write_outcome(outcome, out),
            _ => self.encode_avro(outcome, &OUTCOME, "ScreeningOutcome", out),
        }
    }

    /// Appends the encoded encounter to `out` (left as it was on error).
    pub fn encode_encounter(
        &self,
        event: &Encounter,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        match self.format {
            OutputFormat::Json => json::write_encounter(event, out),
            _ => self.encode_avro(event, &ENCOUNTER, "EncounterEvent", out),
        }
    }

    fn encode_avro<T: serde::Serialize>(
        &self,
        value: &T,
        schema: &serde_avro_fast::Schema,
        record: &'static str,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        let start = out.len();
        match (self.format, self.confluent_schema_id) {
            (OutputFormat::AvroConfluent, Some(id)) => {
                out.push(CONFLUENT_MAGIC);
                out.extend_from_slice(&id.to_be_bytes());
            }
            _ => {
                out.extend_from_slice(&SINGLE_OBJECT_MAGIC);
                out.extend_from_slice(schema.rabin_fingerprint());
            }
        }
        avro::write_datum(value, schema, record, out).inspect_err(|_| out.truncate(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean_encounter;

    fn encoded(format: OutputFormat) -> Vec<u8> {
        let mut out = Vec::new();
        Encoder::new(format, Some(7))
            .expect("valid")
            .encode_encounter(&clean_encounter(), &mut out)
            .expect("encodes");
        out
    }

    #[test]
    fn auto_detects_every_format_it_can_be_given() {
        let decoder = Decoder::new(InputFormat::Auto);
        decoder
            .register_schema(7, ENCOUNTER_SCHEMA)
            .expect("our schema parses");
        for format in [
            OutputFormat::Json,
            OutputFormat::AvroConfluent,
            OutputFormat::AvroSingleObject,
        ] {
            assert_eq!(
                decoder.decode(&encoded(format)),
                Ok(clean_encounter()),
                "{format:?}"
            );
        }
    }

    #[test]
    fn detection_rejects_anything_else_as_a_bad_magic_byte() {
        assert_eq!(detect(b"  \n{").ok(), Some(InputFormat::Json));
        assert_eq!(detect(b"[{}]").map_err(|e| e.code()), Err("bad_magic_byte"));
        assert_eq!(detect(b"").map_err(|e| e.code()), Err("bad_magic_byte"));
        assert_eq!(
            detect(&[0xC3, 0x02]).map_err(|e| e.code()),
            Err("bad_magic_byte")
        );
    }

    #[test]
    fn confluent_output_needs_a_schema_id() {
        assert_eq!(
            Encoder::new(OutputFormat::AvroConfluent, None).err(),
            Some(EncodeError::MissingSchemaId)
        );
    }

    #[test]
    fn the_schema_id_is_read_from_confluent_framing_only() {
        assert_eq!(
            confluent_schema_id(&encoded(OutputFormat::AvroConfluent)),
            Some(7)
        );
        assert_eq!(
            confluent_schema_id(&encoded(OutputFormat::AvroSingleObject)),
            None
        );
        assert_eq!(confluent_schema_id(&[0, 0, 1]), None);
    }

    #[test]
    fn decoders_and_encoders_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Decoder>();
        shareable::<Encoder>();
    }
}
