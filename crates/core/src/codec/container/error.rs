//! What can go wrong in a container file, each saying where (block number, byte offset)
//! and what it costs (which records are skipped); never a value from the payload.

use std::fmt;

use crate::codec::DecodeError;

/// A problem of the file rather than of one record's content. Except for
/// [`Header`](Self::Header), [`Truncated`](Self::Truncated) and [`Io`](Self::Io), which end
/// the reading, the reader goes on after it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContainerError {
    /// Not a container file.
    #[error("not an Avro object container file (no `Obj\\x01` header)")]
    NotAContainer,
    /// The header cannot be read: nothing can be.
    #[error("unreadable header: {0}")]
    Header(String),
    /// A block that cannot be read (framing, decompression, checksum, sync marker): none
    /// of its records is. Reading goes on after the next sync marker.
    #[error("{}: {problem}; {}", BlockAt { block: *block, offset: *offset, records: *records }, Resumed(*resumed_at))]
    Block {
        block: u64,
        offset: u64,
        /// The record count the block declares, when it could be read.
        records: Option<u64>,
        problem: String,
        /// Where reading went on: just after the next sync marker; `None` when none follows.
        resumed_at: Option<u64>,
    },
    /// A record of a block that does not decode: it and the rest of its block are skipped
    /// (where the next record starts is lost with it). The next block reads as usual.
    #[error(
        "{}: its record {index} (record {number} of the file) cannot be decoded: {error}; \
         it and the {} records after it in the block are skipped",
        BlockAt { block: *block, offset: *offset, records: Some(*records) }, records - index
    )]
    Record {
        block: u64,
        offset: u64,
        records: u64,
        /// 1-based, within the block.
        index: u64,
        /// 1-based, within the file.
        number: u64,
        error: DecodeError,
    },
    /// Bytes after the last record a block declares: its record count is wrong (or the
    /// writer schema); those bytes are not read.
    #[error(
        "{}: {bytes} bytes after its last record are not read (a wrong record count?)",
        BlockAt { block: *block, offset: *offset, records: Some(*records) }
    )]
    Leftover {
        block: u64,
        offset: u64,
        records: u64,
        bytes: usize,
    },
    /// The file ends inside a block: that block and the end of the file are lost.
    #[error(
        "the file ends at byte {end}, inside {}, before {missing}",
        BlockAt { block: *block, offset: *offset, records: *records }
    )]
    Truncated {
        block: u64,
        offset: u64,
        records: Option<u64>,
        end: u64,
        missing: &'static str,
    },
    #[error("cannot read at byte {offset}: {error}")]
    Io { offset: u64, error: String },
}

impl ContainerError {
    /// The reason code `check` prints (the dead-letter codes of CONTRACT.md §3); `None` for
    /// an I/O error, which is not about the file's content.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            ContainerError::NotAContainer => Some("bad_magic_byte"),
            ContainerError::Record { error, .. } => Some(error.code()),
            ContainerError::Io { .. } => None,
            _ => Some("avro_decode"),
        }
    }
}

/// "block 3 (at byte 1234, 58 records)".
struct BlockAt {
    block: u64,
    offset: u64,
    records: Option<u64>,
}

impl fmt::Display for BlockAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block {} (at byte {}", self.block, self.offset)?;
        match self.records {
            Some(1) => write!(f, ", 1 record)"),
            Some(n) => write!(f, ", {n} records)"),
            None => write!(f, ")"),
        }
    }
}

struct Resumed(Option<u64>);

impl fmt::Display for Resumed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(at) => write!(
                f,
                "its records are skipped and reading resumes after the next sync marker, at byte {at}"
            ),
            None => write!(
                f,
                "its records are skipped, and no sync marker follows: the rest of the file is lost"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_error_says_where_what_and_where_reading_resumed() {
        let error = ContainerError::Block {
            block: 3,
            offset: 1234,
            records: Some(58),
            problem: "its deflate data is corrupt or cut short".into(),
            resumed_at: Some(5678),
        };
        assert_eq!(
            error.to_string(),
            "block 3 (at byte 1234, 58 records): its deflate data is corrupt or cut short; its \
             records are skipped and reading resumes after the next sync marker, at byte 5678"
        );
    }

    #[test]
    fn a_record_error_counts_what_the_block_loses() {
        let error = ContainerError::Record {
            block: 2,
            offset: 900,
            records: 10,
            index: 4,
            number: 14,
            error: DecodeError::avro("service_lines[0].units", "malformed"),
        };
        assert_eq!(
            error.to_string(),
            "block 2 (at byte 900, 10 records): its record 4 (record 14 of the file) cannot be \
             decoded: service_lines[0].units: malformed; it and the 6 records after it in the \
             block are skipped"
        );
        assert_eq!(error.code(), Some("avro_decode"));
    }

    #[test]
    fn a_truncated_file_says_where_it_ends() {
        let error = ContainerError::Truncated {
            block: 7,
            offset: 4000,
            records: Some(1),
            end: 4100,
            missing: "the end of its data",
        };
        assert_eq!(
            error.to_string(),
            "the file ends at byte 4100, inside block 7 (at byte 4000, 1 record), before the \
             end of its data"
        );
    }
}
