//! The reader: one block at a time from a `BufRead`, one record at a time from the block.
//!
//! A block is framed here (count, size, data, sync marker) and its size and count are
//! checked against [`limits`](crate::codec::limits) before anything is allocated for it.
//! When a block is unreadable, its bytes (but the first) are given back to the input and
//! the next sync marker is searched from there: if its size field was the corrupt part,
//! the real end of the block may lie inside what was read.

use std::io::BufRead;
use std::ops::Range;

use serde::Deserialize;
use serde_avro_fast::de::DeserializerState;
use serde_avro_fast::de::read::SliceRead;

use super::Record;
use super::compression::Codec;
use super::error::ContainerError;
use super::header::{self, Header};
use super::input::{Input, MARKER_LEN, ReadError};
use crate::codec::avro;
use crate::codec::limits::{MAX_BLOCK_BYTES, MAX_BLOCK_RECORDS};
use crate::domain::Encounter;

/// The records of a container file, decoded, normalised and validated, in file order;
/// errors of the file itself come in between, where they happen.
pub struct Encounters<R> {
    input: Input<R>,
    header: Header,
    /// The current block as stored: count, size, data, sync marker.
    frame: Vec<u8>,
    /// The current block's data decompressed (not used by the null codec).
    plain: Vec<u8>,
    block: Option<Block>,
    /// Blocks started so far.
    blocks: u64,
    /// Records declared by the blocks started so far.
    records: u64,
    done: bool,
}

struct Block {
    number: u64,
    offset: u64,
    count: u64,
    /// Records taken from it so far.
    taken: u64,
    /// File-wide number of its first record, less one.
    before: u64,
    /// Its records not yet taken: in `frame` (null codec) or in `plain`.
    rest: Range<usize>,
}

/// Why a block could not be framed.
enum Unframed {
    Corrupt(String),
    Truncated(&'static str),
    Io(std::io::Error),
}

impl<R: BufRead> Encounters<R> {
    pub(super) fn open(reader: R) -> Result<Self, ContainerError> {
        let mut input = Input::new(reader);
        let header = header::read(&mut input)?;
        Ok(Self {
            input,
            header,
            frame: Vec::new(),
            plain: Vec::new(),
            block: None,
            blocks: 0,
            records: 0,
            done: false,
        })
    }

    /// Reads the next block's frame and data; `Ok(false)` at the end of the file.
    fn next_block(&mut self) -> Result<bool, ContainerError> {
        let offset = self.input.offset();
        match self.input.fill_buf() {
            Ok([]) => return Ok(false),
            Ok(_) => {}
            Err(e) => return Err(self.io_error(e)),
        }
        self.blocks += 1;
        self.frame.clear();
        let mut count = None;
        let framed = self.frame_block(&mut count);
        let records = count.unwrap_or_default();
        self.records += records;
        match framed {
            Ok(rest) => {
                self.block = Some(Block {
                    number: self.blocks,
                    offset,
                    count: records,
                    taken: 0,
                    before: self.records - records,
                    rest,
                });
                Ok(true)
            }
            Err(Unframed::Corrupt(problem)) => Err(self.resync(offset, count, problem)),
            Err(Unframed::Truncated(missing)) => {
                self.done = true;
                Err(ContainerError::Truncated {
                    block: self.blocks,
                    offset,
                    records: count,
                    end: self.input.offset(),
                    missing,
                })
            }
            Err(Unframed::Io(e)) => Err(self.io_error(e)),
        }
    }

    /// Frames the block at the input and decompresses it; gives where its data is.
    fn frame_block(&mut self, count: &mut Option<u64>) -> Result<Range<usize>, Unframed> {
        let records = self.long("its record count")?;
        let records = within(records, MAX_BLOCK_RECORDS, "its record count")?;
        *count = Some(records);
        let size = self.long("its byte size")?;
        let size = within(size, MAX_BLOCK_BYTES, "its byte size")?;
        let start = self.frame.len();
        // Room for the data and the marker at once: reserving for each in turn would let
        // the second reservation double a buffer already at the limit.
        self.frame.reserve_exact(size + MARKER_LEN);
        self.read_to(size, "the end of its data")?;
        self.read_to(MARKER_LEN, "its sync marker")?;
        if self.frame[start + size..] != self.header.sync {
            return Err(Unframed::Corrupt(
                "the sync marker after its data is not the file's".to_owned(),
            ));
        }
        let data = start..start + size;
        if self.header.codec == Codec::Null {
            return Ok(data);
        }
        self.header
            .codec
            .decompress(&self.frame[data], &mut self.plain)
            .map_err(Unframed::Corrupt)?;
        Ok(0..self.plain.len())
    }

    fn long(&mut self, what: &'static str) -> Result<i64, Unframed> {
        self.input
            .read_long(&mut self.frame)
            .map_err(|e| unframed(e, what))
    }

    fn read_to(&mut self, n: usize, what: &'static str) -> Result<(), Unframed> {
        self.input
            .read_to(n, &mut self.frame)
            .map_err(|e| unframed(e, what))
    }

    /// Reports an unreadable block and moves past the next sync marker, searching from
    /// the block's second byte.
    fn resync(&mut self, offset: u64, records: Option<u64>, mut problem: String) -> ContainerError {
        self.input.unread(self.frame.get(1..).unwrap_or_default());
        let resumed_at = match self.input.skip_past(&self.header.sync) {
            Ok(true) => Some(self.input.offset()),
            Ok(false) => None,
            Err(e) => {
                let at = self.input.offset();
                problem = format!("{problem}; then reading failed at byte {at}: {e}");
                None
            }
        };
        self.done = resumed_at.is_none();
        ContainerError::Block {
            block: self.blocks,
            offset,
            records,
            problem,
            resumed_at,
        }
    }

    /// Ends the reading.
    fn io_error(&mut self, error: std::io::Error) -> ContainerError {
        self.done = true;
        ContainerError::Io {
            offset: self.input.offset(),
            error: error.to_string(),
        }
    }

    /// Decodes the block's next record; a record that does not decode ends the block.
    fn take_record(&self, block: &mut Block) -> Result<Record, ContainerError> {
        let data = match self.header.codec {
            Codec::Null => &self.frame[block.rest.clone()],
            _ => &self.plain[block.rest.clone()],
        };
        block.taken += 1;
        let number = block.before + block.taken;
        let mut state =
            DeserializerState::with_config(SliceRead::new(data), avro::config(&self.header.schema));
        match Encounter::deserialize(state.deserializer()) {
            Ok(event) => {
                let left = BufRead::fill_buf(&mut *state).map_or(0, <[u8]>::len);
                block.rest.start = block.rest.end - left;
                Ok(Record {
                    number,
                    block: block.number,
                    event: crate::codec::admit(event),
                })
            }
            Err(_) => Err(ContainerError::Record {
                block: block.number,
                offset: block.offset,
                records: block.count,
                index: block.taken,
                number,
                error: avro::explain(data, &self.header.schema),
            }),
        }
    }
}

/// A declared count or size, if it is neither negative nor over `max`.
fn within<T>(declared: i64, max: T, what: &str) -> Result<T, Unframed>
where
    T: TryFrom<i64> + PartialOrd + std::fmt::Display,
{
    T::try_from(declared)
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| {
            Unframed::Corrupt(format!(
                "{what} {declared} is negative or over the limit of {max}"
            ))
        })
}

fn unframed(error: ReadError, what: &'static str) -> Unframed {
    match error {
        ReadError::Eof => Unframed::Truncated(what),
        ReadError::Invalid(problem) => {
            Unframed::Corrupt(format!("{what} is unreadable: {problem}"))
        }
        ReadError::Io(e) => Unframed::Io(e),
    }
}

impl<R: BufRead> Iterator for Encounters<R> {
    type Item = Result<Record, ContainerError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            if let Some(mut block) = self.block.take() {
                if block.taken < block.count {
                    let item = self.take_record(&mut block);
                    if item.is_ok() {
                        self.block = Some(block);
                    }
                    return Some(item);
                }
                if !block.rest.is_empty() {
                    return Some(Err(ContainerError::Leftover {
                        block: block.number,
                        offset: block.offset,
                        records: block.count,
                        bytes: block.rest.len(),
                    }));
                }
            }
            match self.next_block() {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(error) => return Some(Err(error)),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read};

    use super::*;
    use crate::codec::container::{Codec, ContainerWriter};

    /// Found by fuzzing with a malloc limit (`container_stream`): a block of the size
    /// limit was read into a buffer that then doubled for its sync marker, 128 MiB.
    #[test]
    fn a_block_of_the_size_limit_is_framed_in_one_buffer_of_its_size() {
        let header = ContainerWriter::<_, Encounter>::new(Vec::new(), Codec::Null)
            .and_then(ContainerWriter::finish)
            .expect("a header");
        let sync = header[header.len() - MARKER_LEN..].to_vec();
        // One record, MAX_BLOCK_BYTES of data (zig-zag varints), the data, the marker.
        let mut frame_head = vec![0x02];
        let mut size = (MAX_BLOCK_BYTES as u64) << 1;
        while size >= 0x80 {
            frame_head.push(size as u8 | 0x80);
            size >>= 7;
        }
        frame_head.push(size as u8);
        let data = std::io::repeat(0).take(MAX_BLOCK_BYTES as u64);
        let file = header.chain(&frame_head[..]).chain(data).chain(&sync[..]);
        let mut encounters = Encounters::open(BufReader::new(file)).expect("the header reads");
        assert!(encounters.next().is_some());
        let framed = frame_head.len() + MAX_BLOCK_BYTES + MARKER_LEN;
        assert_eq!(encounters.frame.len(), framed);
        assert_eq!(encounters.frame.capacity(), framed);
    }
}
