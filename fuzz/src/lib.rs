//! What the fuzz targets share: decoders that know our writer schema, and the checks each
//! target makes of whatever the code under test answers.
//!
//! A target fails (and libFuzzer saves the input) on a panic, an out-of-memory, a timeout,
//! or one of these checks: an error whose reason is not one of the contract's codes, or a
//! decoded encounter that does not survive being encoded and decoded again.

use traction_screen_core::codec::container::{self, ContainerError};
use traction_screen_core::codec::{
    DecodeError, Decoder, ENCOUNTER_SCHEMA, Encoder, InputFormat, OutputFormat,
};
use traction_screen_core::domain::Encounter;

/// The schema id our own schema is registered under for Confluent framing.
pub const SCHEMA_ID: u32 = 7;

/// A decoder of `format` that knows our schema as [`SCHEMA_ID`].
pub fn decoder(format: InputFormat) -> Decoder {
    let decoder = Decoder::new(format);
    decoder
        .register_schema(SCHEMA_ID, ENCOUNTER_SCHEMA)
        .expect("our schema parses");
    decoder
}

/// Every rejection carries one of the contract's dead-letter reasons.
pub fn check_error(error: &DecodeError) {
    assert!(
        DecodeError::CODES.contains(&error.code()),
        "unknown reason {}",
        error.code()
    );
}

/// A decoded encounter encodes in `format` and decodes back equal: normalisation and
/// validation are idempotent, and the encoders accept everything the decoders let in.
pub fn check_round_trip(decoder: &Decoder, event: &Encounter, format: OutputFormat) {
    let encoder = Encoder::new(format, Some(SCHEMA_ID)).expect("a valid encoder");
    let mut bytes = Vec::new();
    encoder
        .encode_encounter(event, &mut bytes)
        .expect("a decoded encounter encodes");
    match decoder.decode(&bytes) {
        Ok(again) => assert_eq!(&again, event, "changed by a round trip"),
        Err(error) => panic!("a decoded encounter no longer decodes: {error}"),
    }
}

/// Decodes `data` with `decoder`, then checks the answer; the round trip goes through
/// `format`.
pub fn decode_and_check(decoder: &Decoder, data: &[u8], format: OutputFormat) {
    match decoder.decode(data) {
        Ok(event) => check_round_trip(decoder, &event, format),
        Err(error) => check_error(&error),
    }
}

/// Reads a container file to its end, checking every record and every problem reported.
pub fn read_container(reader: impl std::io::BufRead) {
    let records = match container::read_encounters(reader) {
        Ok(records) => records,
        Err(error) => return check_container_error(&error),
    };
    let json = Decoder::new(InputFormat::Json);
    for item in records {
        match item {
            Ok(record) => match record.event {
                Ok(event) => check_round_trip(&json, &event, OutputFormat::Json),
                Err(error) => check_error(&error),
            },
            Err(error) => check_container_error(&error),
        }
    }
}

fn check_container_error(error: &ContainerError) {
    if let Some(code) = error.code() {
        assert!(DecodeError::CODES.contains(&code), "unknown reason {code}");
    }
}
