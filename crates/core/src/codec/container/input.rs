//! The byte source of the container reader: a `BufRead` that knows its byte offset in the
//! file and can take bytes back, so that after a corrupt block the search for the next sync
//! marker can start again inside the bytes already read (a block whose size field is
//! corrupt may have been read past its real end).

use std::io::{self, BufRead, Read};

use memchr::memmem;

/// Bytes in a sync marker.
pub(super) const MARKER_LEN: usize = 16;

/// Why a read of the container's framing stopped.
#[derive(Debug)]
pub(super) enum ReadError {
    /// The input ended first.
    Eof,
    /// The bytes cannot be what was expected (e.g. a varint longer than 10 bytes).
    Invalid(&'static str),
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        ReadError::Io(error)
    }
}

pub(super) struct Input<R> {
    inner: R,
    /// Bytes given back by [`unread`](Self::unread), served before `inner`'s.
    pushback: Vec<u8>,
    pos: usize,
    /// Offset in the file of the next byte served.
    offset: u64,
}

impl<R: BufRead> Input<R> {
    pub(super) fn new(inner: R) -> Self {
        Self {
            inner,
            pushback: Vec::new(),
            pos: 0,
            offset: 0,
        }
    }

    pub(super) fn offset(&self) -> u64 {
        self.offset
    }

    /// Serves `bytes` again, before anything not yet served.
    pub(super) fn unread(&mut self, bytes: &[u8]) {
        let mut pushback = Vec::with_capacity(bytes.len() + self.pushback.len() - self.pos);
        pushback.extend_from_slice(bytes);
        pushback.extend_from_slice(&self.pushback[self.pos..]);
        self.pushback = pushback;
        self.pos = 0;
        self.offset -= bytes.len() as u64;
    }

    /// Reads an Avro `long` (zig-zag varint), appending its bytes to `raw`.
    pub(super) fn read_long(&mut self, raw: &mut Vec<u8>) -> Result<i64, ReadError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.read_byte()?;
            raw.push(byte);
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if shift == 63 && byte > 1 {
                    break;
                }
                return Ok((value >> 1) as i64 ^ -((value & 1) as i64));
            }
        }
        Err(ReadError::Invalid("a number longer than 64 bits"))
    }

    fn read_byte(&mut self) -> Result<u8, ReadError> {
        let byte = *self.fill_buf()?.first().ok_or(ReadError::Eof)?;
        self.consume(1);
        Ok(byte)
    }

    /// Appends the next `n` bytes to `out` (the caller bounds `n`).
    pub(super) fn read_to(&mut self, n: usize, out: &mut Vec<u8>) -> Result<(), ReadError> {
        out.reserve(n);
        let mut left = n;
        while left > 0 {
            let chunk = self.fill_buf()?;
            if chunk.is_empty() {
                return Err(ReadError::Eof);
            }
            let take = left.min(chunk.len());
            out.extend_from_slice(&chunk[..take]);
            self.consume(take);
            left -= take;
        }
        Ok(())
    }

    /// Consumes everything up to and including the next `marker`; `false` when the input
    /// ends without one. Only a corrupt file gets here, but it may be long and come in small
    /// reads: no allocation per read, and a vectorised search (`memmem`).
    pub(super) fn skip_past(&mut self, marker: &[u8; MARKER_LEN]) -> io::Result<bool> {
        const TAIL: usize = MARKER_LEN - 1;
        let finder = memmem::Finder::new(marker);
        // A marker may straddle reads: the last bytes already searched (`carried`), then
        // the head of the next read.
        let mut seam = [0u8; 2 * TAIL];
        let mut carried = 0;
        loop {
            let chunk = self.fill_buf()?;
            if chunk.is_empty() {
                return Ok(false);
            }
            let head = chunk.len().min(TAIL);
            seam[carried..carried + head].copy_from_slice(&chunk[..head]);
            let found = match finder.find(&seam[..carried + head]) {
                Some(at) => Some(at + MARKER_LEN - carried),
                None => finder.find(chunk).map(|at| at + MARKER_LEN),
            };
            if let Some(end) = found {
                self.consume(end);
                return Ok(true);
            }
            if chunk.len() >= TAIL {
                seam[..TAIL].copy_from_slice(&chunk[chunk.len() - TAIL..]);
                carried = TAIL;
            } else {
                let searched = carried + head;
                let keep = searched.min(TAIL);
                seam.copy_within(searched - keep..searched, 0);
                carried = keep;
            }
            let len = chunk.len();
            self.consume(len);
        }
    }
}

impl<R: BufRead> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let chunk = self.fill_buf()?;
        let n = chunk.len().min(out.len());
        out[..n].copy_from_slice(&chunk[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Input<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos < self.pushback.len() {
            Ok(&self.pushback[self.pos..])
        } else {
            self.inner.fill_buf()
        }
    }

    fn consume(&mut self, n: usize) {
        if self.pos < self.pushback.len() {
            self.pos += n;
            if self.pos >= self.pushback.len() {
                self.pushback.clear();
                self.pos = 0;
            }
        } else {
            self.inner.consume(n);
        }
        self.offset += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: [u8; MARKER_LEN] = *b"0123456789abcdef";

    /// Serves `bytes` a few at a time, so that reads cross chunk boundaries.
    fn chunked(bytes: &[u8], chunk: usize) -> Input<io::BufReader<&[u8]>> {
        Input::new(io::BufReader::with_capacity(chunk, bytes))
    }

    #[test]
    fn longs_decode_zig_zag_and_keep_their_bytes() {
        let mut input = chunked(&[0x00, 0x01, 0x02, 0xfe, 0x01, 0x80, 0x01], 2);
        let mut raw = Vec::new();
        let longs: Vec<i64> = (0..5)
            .map(|_| input.read_long(&mut raw).expect("a long"))
            .collect();
        assert_eq!(longs, [0, -1, 1, 127, 64]);
        assert_eq!(raw, [0x00, 0x01, 0x02, 0xfe, 0x01, 0x80, 0x01]);
        assert_eq!(input.offset(), 7);
        assert!(matches!(input.read_long(&mut raw), Err(ReadError::Eof)));
    }

    #[test]
    fn a_varint_of_more_than_64_bits_is_invalid() {
        let mut input = chunked(&[0xff; 11], 4);
        assert!(matches!(
            input.read_long(&mut Vec::new()),
            Err(ReadError::Invalid(_))
        ));
    }

    #[test]
    fn a_marker_split_across_chunks_is_found_and_consumed() {
        let mut bytes = b"garbage!".to_vec();
        bytes.extend(MARKER);
        bytes.extend(b"next");
        for chunk in [1, 3, 5, 9, 16, 64] {
            let mut input = chunked(&bytes, chunk);
            assert!(input.skip_past(&MARKER).expect("reads"), "chunk {chunk}");
            assert_eq!(input.offset(), 24, "chunk {chunk}");
            let mut rest = String::new();
            input.read_to_string(&mut rest).expect("reads");
            assert_eq!(rest, "next");
        }
    }

    #[test]
    fn no_marker_consumes_everything() {
        let mut input = chunked(b"0123456789abcdeX and more", 4);
        assert!(!input.skip_past(&MARKER).expect("reads"));
        assert_eq!(input.offset(), 25);
    }

    #[test]
    fn unread_bytes_come_first_and_move_the_offset_back() {
        let mut input = chunked(b"abcdef", 2);
        let mut out = Vec::new();
        input.read_to(4, &mut out).expect("reads");
        input.unread(&out[1..]);
        assert_eq!(input.offset(), 1);
        let mut rest = Vec::new();
        input.read_to_end(&mut rest).expect("reads");
        assert_eq!((rest.as_slice(), input.offset()), (&b"bcdef"[..], 6));
    }
}
