//! Avro object container files: of `EncounterEvent`s, for `check` and for users' tests, and
//! of `ScreeningOutcome`s, which `check --format avro` writes and `report` reads.
//!
//! A file carries its writer schema in its header, so any schema compatible with ours
//! reads (same resolution as the message decoder: by field name, with serde defaults).
//! Every record is normalised and validated like a message. A record that fails
//! *validation* is reported and reading goes on; one that fails to *decode* leaves the
//! reader somewhere inside the record, so it is reported and reading stops, rather than
//! decoding garbage from the middle of a record.

use std::io::Write;

use serde::de::{Deserialize, DeserializeSeed, Deserializer};
use serde_avro_fast::de::read::SliceRead;
use serde_avro_fast::object_container_file_encoding::{
    Compression, CompressionLevel, Reader, Writer, WriterBuilder,
};
use serde_avro_fast::ser::SerializerConfig;

use super::avro::{ENCOUNTER, OUTCOME, from_de_error};
use super::error::{self, DecodeError, EncodeError};
use super::{limits, normalize};
use crate::domain::{Encounter, Outcome};

/// The first four bytes of every object container file.
pub const MAGIC: &[u8; 4] = b"Obj\x01";

/// Opens a container file held in memory; the iterator yields one result per record.
pub fn read_encounters(bytes: &[u8]) -> Result<Encounters<'_>, DecodeError> {
    if !bytes.starts_with(MAGIC) {
        return Err(DecodeError::BadMagicByte(
            "not an Avro object container file (no `Obj\\x01` header)",
        ));
    }
    let reader = Reader::from_slice(bytes)
        .map_err(|e| DecodeError::avro("", format!("unreadable container header: {e}")))?;
    Ok(Encounters {
        reader,
        finished: false,
    })
}

/// The records of a container file, decoded, normalised and validated.
pub struct Encounters<'a> {
    reader: Reader<SliceRead<'a>>,
    finished: bool,
}

impl Iterator for Encounters<'_> {
    type Item = Result<Encounter, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let mut track = serde_path_to_error::Track::new();
        // The path is tracked on every record: records cannot be re-read on failure, and
        // files are an offline path where the cost does not matter.
        match self.reader.deserialize_seed_next(Tracked(&mut track)) {
            Ok(Some(mut event)) => {
                normalize::normalize(&mut event);
                Some(
                    limits::check(&event)
                        .and_then(|()| normalize::validate(&event))
                        .map(|()| event),
                )
            }
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e) => {
                self.finished = true;
                Some(Err(from_de_error(
                    &error::path_to_string(&track.path()),
                    &e,
                )))
            }
        }
    }
}

/// Deserializes an encounter while recording the path of any error into `Track`.
struct Tracked<'t>(&'t mut serde_path_to_error::Track);

impl<'de> DeserializeSeed<'de> for Tracked<'_> {
    type Value = Encounter;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Encounter, D::Error> {
        Encounter::deserialize(serde_path_to_error::Deserializer::new(deserializer, self.0))
    }
}

/// Writes `events` as an object container file with our schema, deflate-compressed.
pub fn write_encounters<'e, W: Write>(
    events: impl IntoIterator<Item = &'e Encounter>,
    writer: W,
) -> Result<W, EncodeError> {
    let avro_error = || EncodeError::Avro {
        record: "EncounterEvent",
        path: String::new(),
    };
    let mut config = SerializerConfig::new(&ENCOUNTER);
    let mut file = WriterBuilder::new(&mut config)
        .compression(Compression::Deflate {
            level: CompressionLevel::default(),
        })
        .build(writer)
        .map_err(|_| avro_error())?;
    for event in events {
        file.serialize(event).map_err(|_| avro_error())?;
    }
    file.into_inner().map_err(|_| avro_error())
}

/// Writes outcomes one at a time as an object container file with our schema,
/// deflate-compressed. Records reach `W` a block (about 64 KiB) at a time.
pub struct OutcomeWriter<W: Write>(Writer<'static, 'static, W>);

impl<W: Write> OutcomeWriter<W> {
    pub fn new(writer: W) -> Result<Self, EncodeError> {
        WriterBuilder::with_owned_config(SerializerConfig::new(&OUTCOME))
            .compression(Compression::Deflate {
                level: CompressionLevel::default(),
            })
            .build(writer)
            .map(Self)
            .map_err(|_| outcome_error())
    }

    pub fn write(&mut self, outcome: &Outcome) -> Result<(), EncodeError> {
        self.0.serialize(outcome).map_err(|_| outcome_error())
    }

    /// What was written so far (e.g. to pass finished blocks on from a `Vec<u8>`).
    pub fn get_mut(&mut self) -> &mut W {
        self.0.inner_mut()
    }

    /// Writes the last block; returns the writer.
    pub fn finish(self) -> Result<W, EncodeError> {
        self.0.into_inner().map_err(|_| outcome_error())
    }
}

fn outcome_error() -> EncodeError {
    EncodeError::Avro {
        record: "ScreeningOutcome",
        path: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean_encounter;

    #[test]
    fn a_written_file_reads_back_record_for_record() {
        let mut second = clean_encounter();
        second.event_id = "evt-0002".into();
        let events = [clean_encounter(), second];
        let bytes = write_encounters(&events, Vec::new()).expect("writes");
        assert!(bytes.starts_with(MAGIC));
        let read: Vec<_> = read_encounters(&bytes).expect("header").collect();
        assert_eq!(read, [Ok(events[0].clone()), Ok(events[1].clone())]);
    }

    #[test]
    fn an_invalid_record_is_reported_and_the_next_one_still_reads() {
        let mut blank = clean_encounter();
        blank.claim_id = " ".into();
        let events = [blank, clean_encounter()];
        let bytes = write_encounters(&events, Vec::new()).expect("writes");
        let read: Vec<_> = read_encounters(&bytes).expect("header").collect();
        assert_eq!(
            read,
            [
                Err(DecodeError::invalid_field("claim_id", "required and blank")),
                Ok(clean_encounter())
            ]
        );
    }

    #[test]
    fn json_is_not_a_container_file() {
        assert_eq!(
            read_encounters(b"{}").err().map(|e| e.code()),
            Some("bad_magic_byte")
        );
    }
}
