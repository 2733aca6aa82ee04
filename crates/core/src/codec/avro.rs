//! Avro binary: our schemas, the cache of writer schemas, datum decoding and encoding.
//!
//! Decoding reads each datum with *its writer's* schema straight into our serde types
//! (serde_avro_fast): a field an older writer lacks falls back to its serde default, a
//! field only a newer writer has is skipped. So schema resolution costs nothing per
//! message; the only per-writer work is parsing its schema once, into [`WriterSchemas`].
//!
//! The rest of schema resolution (enum defaults) is applied to each writer schema once, as
//! it is registered ([`resolution`](super::resolution)), and single-object messages are
//! recognised by either fingerprint writers compute ([`fingerprint`](super::fingerprint)).
//!
//! The happy path decodes without bookkeeping. Only when a datum fails is it decoded a
//! second time under `serde_path_to_error`, to say where.

use std::collections::hash_map::Entry;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_avro_fast::Schema;
use serde_avro_fast::de::read::SliceRead;
use serde_avro_fast::de::{DeError, DeserializerConfig, DeserializerState};
use serde_avro_fast::schema::{SchemaError, SchemaMut};
use serde_avro_fast::ser::SerializerConfig;

use super::error::{self, DecodeError, EncodeError};
use super::limits::MAX_MESSAGE_BYTES;
use super::{ENCOUNTER_SCHEMA, OUTCOME_SCHEMA};
use super::{fingerprint, resolution};
use crate::domain::Encounter;

/// `schemas/encounter_event.avsc`, parsed once per process.
pub(crate) static ENCOUNTER: LazyLock<Schema> = LazyLock::new(|| {
    ENCOUNTER_SCHEMA
        .parse()
        .expect("schemas/encounter_event.avsc is a valid Avro schema (tested)")
});

/// Both fingerprints of [`ENCOUNTER`] ([`fingerprint::fingerprints`]), the specification's
/// first: messages with either are decoded with our schema, without any lock.
pub(crate) static ENCOUNTER_FINGERPRINTS: LazyLock<[[u8; 8]; 2]> = LazyLock::new(|| {
    let schema: SchemaMut = ENCOUNTER_SCHEMA
        .parse()
        .expect("our schema parses (tested)");
    fingerprint::fingerprints(&schema)
});

/// `schemas/screening_outcome.avsc`, parsed once per process.
pub(crate) static OUTCOME: LazyLock<Schema> = LazyLock::new(|| {
    OUTCOME_SCHEMA
        .parse()
        .expect("schemas/screening_outcome.avsc is a valid Avro schema (tested)")
});

/// Confluent framing: magic byte 0, then a 4-byte big-endian schema id.
pub const CONFLUENT_MAGIC: u8 = 0;
/// Single-object encoding: `C3 01`, then the writer schema's 8-byte Rabin fingerprint.
pub const SINGLE_OBJECT_MAGIC: [u8; 2] = [0xC3, 0x01];

/// Writer schemas met so far, by Confluent id and by single-object fingerprint (both of
/// each schema's).
///
/// Registration is rare (once per writer schema) and decoding constant, so a read lock
/// guards each decode; our own schema's fingerprints are answered without any lock.
#[derive(Default)]
pub(crate) struct WriterSchemas {
    by_id: RwLock<FxHashMap<u32, Arc<Schema>>>,
    by_fingerprint: RwLock<FxHashMap<[u8; 8], Arc<Schema>>>,
}

impl WriterSchemas {
    pub(crate) fn register_id(&self, id: u32, schema_json: &str) -> Result<(), DecodeError> {
        if read(&self.by_id).contains_key(&id) {
            return Ok(());
        }
        let schema = parse(schema_json)?;
        let mut by_id = self.by_id.write().unwrap_or_else(PoisonError::into_inner);
        if let Entry::Vacant(slot) = by_id.entry(id) {
            slot.insert(Arc::new(schema));
        }
        Ok(())
    }

    /// Registers a writer schema for single-object messages under both its fingerprints;
    /// returns the specification's.
    pub(crate) fn register_fingerprinted(&self, schema_json: &str) -> Result<u64, DecodeError> {
        let writer = writer_schema(schema_json).map_err(unusable)?;
        let [specification, _] = writer.fingerprints;
        if writer.fingerprints != *ENCOUNTER_FINGERPRINTS {
            let schema = Arc::new(writer.schema);
            let mut by_fingerprint = self
                .by_fingerprint
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            for fingerprint in writer.fingerprints {
                by_fingerprint
                    .entry(fingerprint)
                    .or_insert_with(|| Arc::clone(&schema));
            }
        }
        Ok(u64::from_le_bytes(specification))
    }

    /// Decodes `00 <id: u32 BE> <datum>`.
    pub(crate) fn decode_confluent(&self, bytes: &[u8]) -> Result<Encounter, DecodeError> {
        let Some((&CONFLUENT_MAGIC, rest)) = bytes.split_first() else {
            return Err(DecodeError::BadMagicByte(
                "first byte is not 0x00 (Confluent Schema Registry framing)",
            ));
        };
        let Some((id, body)) = rest.split_first_chunk::<4>() else {
            return Err(DecodeError::avro(
                "",
                "truncated Confluent header (no 4-byte schema id)",
            ));
        };
        let id = u32::from_be_bytes(*id);
        let by_id = read(&self.by_id);
        let schema = by_id.get(&id).ok_or(DecodeError::UnknownSchemaId(id))?;
        decode_datum(body, schema)
    }

    /// Decodes `C3 01 <fingerprint: 8 bytes> <datum>`.
    pub(crate) fn decode_single_object(&self, bytes: &[u8]) -> Result<Encounter, DecodeError> {
        let Some(rest) = bytes.strip_prefix(&SINGLE_OBJECT_MAGIC) else {
            return Err(DecodeError::BadMagicByte(
                "first bytes are not C3 01 (Avro single-object encoding)",
            ));
        };
        let Some((fingerprint, body)) = rest.split_first_chunk::<8>() else {
            return Err(DecodeError::avro(
                "",
                "truncated single-object header (no 8-byte fingerprint)",
            ));
        };
        if ENCOUNTER_FINGERPRINTS.contains(fingerprint) {
            return decode_datum(body, &ENCOUNTER);
        }
        let by_fingerprint = read(&self.by_fingerprint);
        let schema = by_fingerprint
            .get(fingerprint)
            .ok_or(DecodeError::UnknownFingerprint(u64::from_le_bytes(
                *fingerprint,
            )))?;
        decode_datum(body, schema)
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    // A panic elsewhere cannot leave a map half-inserted; keep serving.
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn parse(schema_json: &str) -> Result<Schema, DecodeError> {
    writer_schema(schema_json)
        .map(|writer| writer.schema)
        .map_err(unusable)
}

fn unusable(error: SchemaError) -> DecodeError {
    DecodeError::avro("", format!("writer schema is not usable: {error}"))
}

/// A writer schema, ready to decode with.
pub(crate) struct WriterSchema {
    /// Resolved against ours: enum symbols we lack are our enums' defaults.
    pub(crate) schema: Schema,
    /// As single-object writers compute it: the specification's, then apache-avro's.
    pub(crate) fingerprints: [[u8; 8]; 2],
}

/// Parses a writer schema (from a registry, a container header, or given by a user),
/// fingerprints it, and resolves it against our reader schema: the work done once per
/// writer schema, so that none is left per message.
pub(crate) fn writer_schema(schema_json: &str) -> Result<WriterSchema, SchemaError> {
    let mut schema: SchemaMut = schema_json.parse()?;
    let fingerprints = fingerprint::fingerprints(&schema);
    resolution::apply_enum_defaults(&mut schema);
    Ok(WriterSchema {
        schema: schema.freeze()?,
        fingerprints,
    })
}

pub(crate) fn config(schema: &Schema) -> DeserializerConfig<'_> {
    let mut config = DeserializerConfig::new(schema);
    // An array of zero-byte items (nulls) in a field we skip could otherwise spin for a
    // billion iterations; no honest message has more items than bytes.
    config.max_seq_size = MAX_MESSAGE_BYTES;
    config
}

/// Decodes one Avro datum written with `schema` (normalisation is the caller's).
pub(crate) fn decode_datum(body: &[u8], schema: &Schema) -> Result<Encounter, DecodeError> {
    let mut state = DeserializerState::with_config(SliceRead::new(body), config(schema));
    match Encounter::deserialize(state.deserializer()) {
        Ok(event) => {
            let mut rest = state.into_reader();
            let mut probe = [0u8; 1];
            match std::io::Read::read(&mut rest, &mut probe) {
                Ok(0) => Ok(event),
                _ => Err(DecodeError::avro(
                    "",
                    "bytes left after the datum (wrong writer schema?)",
                )),
            }
        }
        Err(_) => Err(explain(body, schema)),
    }
}

/// The error path: decode again, tracking where it fails (`body` may go on after the
/// datum: a container block holds the records after it).
pub(crate) fn explain(body: &[u8], schema: &Schema) -> DecodeError {
    let mut state = DeserializerState::with_config(SliceRead::new(body), config(schema));
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(state.deserializer(), &mut track);
    match Encounter::deserialize(tracked) {
        Ok(_) => DecodeError::avro("", "datum decodes only on a second attempt"),
        Err(e) => from_de_error(&error::path_to_string(&track.path()), &e),
    }
}

/// Tells a value our types refuse (`invalid_field`) from bytes that are not Avro for
/// the writer schema (`avro_decode`).
pub(crate) fn from_de_error(path: &str, error: &DeError) -> DecodeError {
    error::data_error(path, &error.to_string()).unwrap_or_else(|| {
        DecodeError::avro(
            path,
            "malformed Avro data (truncated, corrupt, or another writer schema)",
        )
    })
}

/// Appends the Avro datum of `value` (a `record` of `schema`) to `out`.
///
/// A `SerializerConfig` is made per call: it only holds buffers for reordering fields,
/// which our types never need because their fields are declared in schema order, so
/// building it allocates nothing.
pub(crate) fn write_datum<T: Serialize>(
    value: &T,
    schema: &Schema,
    record: &'static str,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let mut config = SerializerConfig::new(schema);
    match serde_avro_fast::to_datum(value, &mut *out, &mut config) {
        Ok(_) => Ok(()),
        Err(_) => {
            out.truncate(start);
            Err(EncodeError::Avro {
                record,
                path: failing_path(value, schema),
            })
        }
    }
}

/// The error path of [`write_datum`]: serialize again into nowhere, tracking the path.
fn failing_path<T: Serialize>(value: &T, schema: &Schema) -> String {
    let mut config = SerializerConfig::new(schema);
    let mut state =
        serde_avro_fast::ser::SerializerState::from_writer(std::io::sink(), &mut config);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Serializer::new(state.serializer(), &mut track);
    match value.serialize(tracked) {
        Ok(_) => String::new(),
        Err(_) => error::path_to_string(&track.path()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean_encounter;

    fn datum(event: &Encounter) -> Vec<u8> {
        let mut out = Vec::new();
        write_datum(event, &ENCOUNTER, "EncounterEvent", &mut out).expect("encodes");
        out
    }

    #[test]
    fn a_datum_round_trips_through_our_schema() {
        let event = clean_encounter();
        assert_eq!(decode_datum(&datum(&event), &ENCOUNTER), Ok(event));
    }

    #[test]
    fn a_value_that_does_not_fit_the_schema_leaves_the_buffer_as_it_was() {
        let mut out = b"kept".to_vec();
        let error = write_datum(&clean_encounter(), &OUTCOME, "ScreeningOutcome", &mut out)
            .expect_err("an encounter is not an outcome");
        assert_eq!(out, b"kept");
        assert_eq!(
            error.to_string(),
            "cannot encode ScreeningOutcome as Avro: value does not fit the schema"
        );
    }

    #[test]
    fn an_encoding_error_names_the_path_that_does_not_fit() {
        let units_as_text = ENCOUNTER_SCHEMA.replace(
            r#"{"name": "units", "type": "int""#,
            r#"{"name": "units", "type": "string""#,
        );
        let schema: Schema = units_as_text.parse().expect("still a schema");
        let mut out = Vec::new();
        let error = write_datum(&clean_encounter(), &schema, "EncounterEvent", &mut out)
            .expect_err("units are numbers");
        assert_eq!(out, b"");
        assert_eq!(
            error,
            EncodeError::Avro {
                record: "EncounterEvent",
                path: "service_lines[0].units".into()
            }
        );
    }

    #[test]
    fn a_truncated_datum_is_an_avro_decode_error() {
        let bytes = datum(&clean_encounter());
        let error = decode_datum(&bytes[..bytes.len() / 2], &ENCOUNTER).expect_err("truncated");
        assert_eq!(error.code(), "avro_decode");
    }

    #[test]
    fn trailing_bytes_are_an_avro_decode_error() {
        let mut bytes = datum(&clean_encounter());
        bytes.push(0);
        assert_eq!(
            decode_datum(&bytes, &ENCOUNTER),
            Err(DecodeError::avro(
                "",
                "bytes left after the datum (wrong writer schema?)"
            ))
        );
    }

    #[test]
    fn a_date_out_of_range_is_an_invalid_field_with_its_path() {
        let mut bytes = Vec::new();
        let mut event = clean_encounter();
        event.episode = None;
        event.traction = None;
        event.therapy_spend_ytd_cents = None;
        write_datum(&event, &ENCOUNTER, "EncounterEvent", &mut bytes).expect("encodes");
        // The last line's date is followed by its pointers (1 item: 02 02 00), charge
        // (5000 = 90 4e), region (union 1, LUMBAR = 02 04), the end of the lines array
        // (00), then three nulls.
        let tail = [
            0x02, 0x02, 0x00, 0x90, 0x4e, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00,
        ];
        let date_end = bytes.len() - tail.len();
        assert_eq!(&bytes[date_end..], tail);
        let date_len = 3; // 20_514 days as a zig-zag varint
        let mut corrupt = bytes[..date_end - date_len].to_vec();
        corrupt.extend([0xfe, 0xff, 0xff, 0xff, 0x0f]); // i32::MAX days
        corrupt.extend(tail);
        assert_eq!(
            decode_datum(&corrupt, &ENCOUNTER),
            Err(DecodeError::invalid_field(
                "service_lines[1].date_of_service",
                "date out of range"
            ))
        );
    }
}
