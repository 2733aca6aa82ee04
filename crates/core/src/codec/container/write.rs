//! The writer: our schema in the header, records in blocks of about 64 KiB (before
//! compression), in any [`Codec`]; serde_avro_fast frames and compresses the blocks.
//! Encounters (`generate --output`) and outcomes (`check --format avro`) alike.

use std::io::{self, Write};
use std::marker::PhantomData;

use serde::Serialize;
use serde_avro_fast::Schema;
use serde_avro_fast::object_container_file_encoding::{Writer, WriterBuilder};
use serde_avro_fast::ser::SerializerConfig;

use super::compression::Codec;
use crate::codec::EncodeError;
use crate::codec::avro::{ENCOUNTER, OUTCOME};
use crate::domain::{Encounter, Outcome};

/// Uncompressed bytes after which a block is closed, unless told otherwise.
pub const DEFAULT_BLOCK_BYTES: u32 = 64 * 1024;

/// A record a container file holds: its schema goes into the header.
pub trait ContainerRecord: Serialize {
    fn schema() -> &'static Schema;
}

impl ContainerRecord for Encounter {
    fn schema() -> &'static Schema {
        &ENCOUNTER
    }
}

impl ContainerRecord for Outcome {
    fn schema() -> &'static Schema {
        &OUTCOME
    }
}

/// Writes records as a container file, block by block: memory stays at one block.
pub struct ContainerWriter<W: Write, T: ContainerRecord = Encounter> {
    file: Writer<'static, 'static, Sticky<W>>,
    record: PhantomData<fn(&T)>,
}

/// Writes `ScreeningOutcome`s (`check --format avro`).
pub type OutcomeWriter<W> = ContainerWriter<W, Outcome>;

impl<W: Write, T: ContainerRecord> ContainerWriter<W, T> {
    /// Writes the header; blocks close at [`DEFAULT_BLOCK_BYTES`].
    pub fn new(writer: W, codec: Codec) -> Result<Self, EncodeError> {
        Self::with_block_bytes(writer, codec, DEFAULT_BLOCK_BYTES)
    }

    /// Writes the header; a block closes once its records take `block_bytes`, uncompressed.
    pub fn with_block_bytes(
        writer: W,
        codec: Codec,
        block_bytes: u32,
    ) -> Result<Self, EncodeError> {
        let file = WriterBuilder::with_owned_config(SerializerConfig::new(T::schema()))
            .compression(codec.compression())
            .approx_block_size(block_bytes)
            .build(Sticky::new(writer))
            .map_err(write_error)?;
        Ok(Self {
            file,
            record: PhantomData,
        })
    }

    pub fn write(&mut self, record: &T) -> Result<(), EncodeError> {
        self.file.serialize(record).map_err(write_error)
    }

    /// The output so far: the finished blocks (e.g. to pass them on from a `Vec<u8>`).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.file.inner_mut().inner
    }

    /// Writes the last block; gives the writer back (not flushed).
    pub fn finish(self) -> Result<W, EncodeError> {
        let sticky = self.file.into_inner().map_err(write_error)?;
        sticky
            .into_inner()
            .map_err(|e| EncodeError::Io(e.to_string()))
    }
}

/// Writes `events` as one container file in `codec`.
pub fn write_encounters<'e, W: Write>(
    events: impl IntoIterator<Item = &'e Encounter>,
    writer: W,
    codec: Codec,
) -> Result<W, EncodeError> {
    let mut file = ContainerWriter::new(writer, codec)?;
    for event in events {
        file.write(event)?;
    }
    file.finish()
}

/// Our own records always fit our schema: an error is the output's.
fn write_error(error: serde_avro_fast::ser::SerError) -> EncodeError {
    EncodeError::Io(error.to_string())
}

/// Passes writes through until one fails, then swallows the rest, keeping the error for
/// [`into_inner`](Self::into_inner). serde_avro_fast's writer flushes its block again when
/// dropped, and in debug builds panics if that fails too: after a failed write it must not.
struct Sticky<W> {
    inner: W,
    failed: Option<io::ErrorKind>,
}

impl<W: Write> Sticky<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            failed: None,
        }
    }

    fn into_inner(self) -> io::Result<W> {
        match self.failed {
            Some(kind) => Err(io::Error::new(kind, "an earlier write failed")),
            None => Ok(self.inner),
        }
    }

    fn checked<T>(&mut self, result: io::Result<T>, or: T) -> io::Result<T> {
        match result {
            Err(e) if self.failed.is_none() => {
                self.failed = Some(e.kind());
                Err(e)
            }
            _ if self.failed.is_some() => Ok(or),
            other => other,
        }
    }
}

impl<W: Write> Write for Sticky<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed.is_some() {
            return Ok(buf.len());
        }
        let written = self.inner.write(buf);
        self.checked(written, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        let flushed = self.inner.flush();
        self.checked(flushed, ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean_encounter;

    /// A writer that takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_output_is_an_error_and_dropping_the_writer_does_not_panic() {
        let mut file = ContainerWriter::with_block_bytes(Full { room: 20_000 }, Codec::Null, 1)
            .expect("header fits");
        let event = clean_encounter();
        let failed = (0..1_000).find_map(|_| file.write(&event).err());
        assert!(
            matches!(&failed, Some(EncodeError::Io(problem)) if problem.contains("disk full")),
            "{failed:?}"
        );
        drop(file);
    }
}
