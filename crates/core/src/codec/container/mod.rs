//! Avro object container files of `EncounterEvent`s: `check` reads them, `generate
//! --output FILE.avro` and users' tests write them. `check --format avro` writes outcomes
//! with the same writer.
//!
//! ```text
//! file   = "Obj\x01" metadata(avro.schema, avro.codec) sync-marker block*
//! block  = record-count byte-size data(compressed by the codec) sync-marker
//! ```
//!
//! Reading streams from any `BufRead`: one block is in memory at a time, its declared size
//! and record count bounded by [`limits`](super::limits) before anything is allocated. The
//! blocks are framed and decompressed here rather than by serde_avro_fast's reader, which
//! stops at a block with bytes after its compressed data (Python's writers leave three) and
//! cannot go on after an error. Each record is decoded with the writer schema of the header
//! into our types, like a message (fields resolved by name, serde defaults for the missing),
//! then normalised and validated.
//!
//! A problem costs as little as the format allows, and is reported once, with its block
//! number and byte offset:
//! - a record that fails validation: that record ([`Record::event`] holds the error);
//! - a record that does not decode: it and the rest of its block (where the next record
//!   starts is lost with it);
//! - an unreadable block (framing, decompression, checksum, sync marker): its records;
//!   reading resumes after the next sync marker;
//! - a truncated file: its last block; an I/O error: the rest of the file.

mod compression;
mod error;
mod header;
mod input;
mod read;
mod write;

pub use compression::Codec;
pub use error::ContainerError;
pub use read::Encounters;
pub use write::{
    ContainerRecord, ContainerWriter, DEFAULT_BLOCK_BYTES, OutcomeWriter, write_encounters,
};

use std::io::BufRead;

use super::DecodeError;
use crate::domain::Encounter;

/// The first four bytes of every object container file.
pub const MAGIC: &[u8; 4] = b"Obj\x01";

/// One record of a container file.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based position in the file (the records of skipped blocks count too).
    pub number: u64,
    /// 1-based number of its block.
    pub block: u64,
    /// The encounter, or why it was refused (limits, validation).
    pub event: Result<Encounter, DecodeError>,
}

/// Reads a container file's header; the iterator then yields its records and, where they
/// happen, the problems of the file.
pub fn read_encounters<R: BufRead>(reader: R) -> Result<Encounters<R>, ContainerError> {
    Encounters::open(reader)
}

#[cfg(test)]
mod tests;
