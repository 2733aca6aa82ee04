//! The file header: `Obj\x01`, the metadata map (`avro.schema`, `avro.codec`, anything
//! else is skipped), the 16-byte sync marker. Its size is bounded by
//! [`MAX_CONTAINER_HEADER_BYTES`] as it is read.

use std::io::BufRead;

use serde_avro_fast::Schema;

use super::MAGIC;
use super::compression::Codec;
use super::error::ContainerError;
use super::input::{Input, MARKER_LEN, ReadError};
use crate::codec::avro;
use crate::codec::limits::MAX_CONTAINER_HEADER_BYTES;

pub(super) struct Header {
    /// The writer schema.
    pub(super) schema: Schema,
    pub(super) codec: Codec,
    pub(super) sync: [u8; MARKER_LEN],
}

pub(super) fn read<R: BufRead>(input: &mut Input<R>) -> Result<Header, ContainerError> {
    let mut magic = Vec::new();
    match input.read_to(MAGIC.len(), &mut magic) {
        Ok(()) if magic == MAGIC => {}
        Ok(()) | Err(ReadError::Eof) => return Err(ContainerError::NotAContainer),
        Err(e) => return Err(problem(input, e)),
    }
    let (schema, codec) = metadata(input).map_err(|e| problem(input, e))?;
    let schema = schema.ok_or_else(|| header("it has no avro.schema"))?;
    let schema = std::str::from_utf8(&schema)
        .ok()
        .and_then(|text| avro::writer_schema(text).ok())
        .ok_or_else(|| header("its avro.schema is not a usable Avro schema"))?
        .schema;
    let codec = match codec {
        None => Codec::Null,
        Some(name) => Codec::from_name(&name).ok_or_else(|| {
            let names: Vec<_> = Codec::ALL.iter().map(|c| c.name()).collect();
            header(&format!(
                "its avro.codec is none of the specification's codecs ({})",
                names.join(", ")
            ))
        })?,
    };
    let mut sync = Vec::with_capacity(MARKER_LEN);
    input
        .read_to(MARKER_LEN, &mut sync)
        .map_err(|e| problem(input, e))?;
    let sync = sync.try_into().expect("read_to read MARKER_LEN bytes");
    Ok(Header {
        schema,
        codec,
        sync,
    })
}

type Bytes = Vec<u8>;

const OVER_THE_LIMIT: &str = "its metadata is over the header size limit (1 MiB)";
const _: () = assert!(
    MAX_CONTAINER_HEADER_BYTES == 1 << 20,
    "OVER_THE_LIMIT names it"
);

/// The values of `avro.schema` and `avro.codec` in the metadata map.
fn metadata<R: BufRead>(input: &mut Input<R>) -> Result<(Option<Bytes>, Option<Bytes>), ReadError> {
    let (mut schema, mut codec) = (None, None);
    let mut scratch = Vec::new();
    loop {
        let count = input.read_long(&mut scratch)?;
        if count == 0 {
            return Ok((schema, codec));
        }
        if count < 0 {
            // A negative count is followed by the byte size of its entries.
            input.read_long(&mut scratch)?;
        }
        for _ in 0..count.unsigned_abs() {
            if input.offset() > MAX_CONTAINER_HEADER_BYTES as u64 {
                return Err(ReadError::Invalid(OVER_THE_LIMIT));
            }
            let key = bytes(input)?;
            let value = bytes(input)?;
            match key.as_slice() {
                b"avro.schema" => schema = Some(value),
                b"avro.codec" => codec = Some(value),
                _ => {}
            }
        }
    }
}

/// An Avro `bytes`/`string`, within what is left of the header's budget.
fn bytes<R: BufRead>(input: &mut Input<R>) -> Result<Bytes, ReadError> {
    let len = input.read_long(&mut Vec::new())?;
    let budget =
        MAX_CONTAINER_HEADER_BYTES as u64 - input.offset().min(MAX_CONTAINER_HEADER_BYTES as u64);
    match u64::try_from(len) {
        Ok(len) if len <= budget => {
            let mut out = Vec::new();
            input.read_to(len as usize, &mut out)?;
            Ok(out)
        }
        Ok(_) => Err(ReadError::Invalid(OVER_THE_LIMIT)),
        Err(_) => Err(ReadError::Invalid("its metadata holds a negative length")),
    }
}

fn header(problem: &str) -> ContainerError {
    ContainerError::Header(problem.to_owned())
}

fn problem<R: BufRead>(input: &Input<R>, error: ReadError) -> ContainerError {
    match error {
        ReadError::Eof => header(&format!("the file ends at byte {}", input.offset())),
        ReadError::Invalid(problem) => header(problem),
        ReadError::Io(e) => ContainerError::Io {
            offset: input.offset(),
            error: e.to_string(),
        },
    }
}
