//! The block codecs of the Avro specification: their names in a file header, decompression
//! of a block (bounded by [`MAX_BLOCK_BYTES`]) for the reader, and the matching setting of
//! serde_avro_fast's writer.

use std::io::Read;

use serde_avro_fast::object_container_file_encoding::{Compression, CompressionLevel};

use crate::codec::limits::MAX_BLOCK_BYTES;

/// How the blocks of a container file are compressed (`avro.codec`, `--codec`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Codec {
    Null,
    #[default]
    Deflate,
    Snappy,
    Zstandard,
    Bzip2,
    Xz,
}

impl Codec {
    pub const ALL: [Codec; 6] = [
        Codec::Null,
        Codec::Deflate,
        Codec::Snappy,
        Codec::Zstandard,
        Codec::Bzip2,
        Codec::Xz,
    ];

    /// The name in a file header's `avro.codec`.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Null => "null",
            Codec::Deflate => "deflate",
            Codec::Snappy => "snappy",
            Codec::Zstandard => "zstandard",
            Codec::Bzip2 => "bzip2",
            Codec::Xz => "xz",
        }
    }

    /// What the codec is, for help texts (`None`: its name says it all).
    pub fn description(self) -> Option<&'static str> {
        match self {
            Codec::Null => Some("Not compressed"),
            Codec::Deflate => Some("Raw deflate (RFC 1951); every Avro implementation reads it"),
            Codec::Snappy => Some(
                "Snappy, each block followed by the CRC32 (big-endian) of its uncompressed data",
            ),
            Codec::Zstandard | Codec::Bzip2 | Codec::Xz => None,
        }
    }

    pub(super) fn from_name(name: &[u8]) -> Option<Codec> {
        Codec::ALL
            .into_iter()
            .find(|codec| codec.name().as_bytes() == name)
    }

    /// serde_avro_fast's writer setting for this codec, at the codec's default level.
    pub(super) fn compression(self) -> Compression {
        let level = CompressionLevel::default();
        match self {
            Codec::Null => Compression::Null,
            Codec::Deflate => Compression::Deflate { level },
            Codec::Snappy => Compression::Snappy,
            Codec::Zstandard => Compression::Zstandard { level },
            Codec::Bzip2 => Compression::Bzip2 { level },
            Codec::Xz => Compression::Xz { level },
        }
    }

    /// Decompresses one block's `data` into `out` (cleared first). The problem is a
    /// payload-free sentence.
    pub(super) fn decompress(self, data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        out.clear();
        match self {
            Codec::Null => {
                out.extend_from_slice(data);
                Ok(())
            }
            // Python's writers (fastavro, avro) leave 3 bytes of zlib's checksum after the
            // deflate data; like Java's and Python's readers, ignore what follows its end.
            Codec::Deflate => inflate(data, out),
            Codec::Snappy => unsnap(data, out),
            Codec::Zstandard => {
                let decoder = zstd::stream::read::Decoder::with_buffer(data)
                    .map_err(|e| format!("its zstandard data is unreadable: {e}"))?;
                bounded(decoder, "zstandard", out)
            }
            Codec::Bzip2 => bounded(bzip2::bufread::BzDecoder::new(data), "bzip2", out),
            Codec::Xz => bounded(xz2::bufread::XzDecoder::new(data), "xz", out),
        }
    }
}

fn over_the_limit() -> String {
    format!("it decompresses to more than {MAX_BLOCK_BYTES} bytes, the limit")
}

/// The most bytes a block's data is decompressed to: one past the limit tells a block
/// over it.
const MOST: usize = MAX_BLOCK_BYTES + 1;

/// Makes room at the end of `out`: doubles it (from 64 KiB) but never past [`MOST`], where
/// a `Vec` left to grow by itself would double a buffer at the limit to twice its size.
/// `false` when `out` is at [`MOST`] already.
fn make_room(out: &mut Vec<u8>) -> bool {
    let grow = out.len().max(64 << 10).min(MOST - out.len());
    if grow == 0 {
        return false;
    }
    out.reserve_exact(grow);
    out.resize(out.len() + grow, 0);
    true
}

/// Raw deflate (RFC 1951), ignoring what follows the end of its last block.
fn inflate(mut data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    use miniz_oxide::inflate::TINFLStatus;
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
    // The whole output is one buffer: back-references reach into what came before.
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut state = Box::<DecompressorOxide>::default();
    let mut filled = 0;
    loop {
        let (status, consumed, written) = decompress(&mut state, data, out, filled, flags);
        filled += written;
        data = data.get(consumed..).unwrap_or_default();
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput if make_room(out) => {}
            TINFLStatus::HasMoreOutput => return Err(over_the_limit()),
            _ => return Err("its deflate data is corrupt or cut short".to_owned()),
        }
    }
    out.truncate(filled);
    within_the_limit(filled)
}

/// Reads a decompressing reader to its end, refusing more than [`MAX_BLOCK_BYTES`].
fn bounded(mut decoder: impl Read, codec: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let mut filled = 0;
    loop {
        if filled == out.len() && !make_room(out) {
            break;
        }
        match decoder.read(&mut out[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("its {codec} data is corrupt or cut short ({e})")),
        }
    }
    out.truncate(filled);
    within_the_limit(filled)
}

fn within_the_limit(len: usize) -> Result<(), String> {
    if len > MAX_BLOCK_BYTES {
        return Err(over_the_limit());
    }
    Ok(())
}

/// Snappy's raw format, then the CRC32 of the uncompressed data (4 bytes, big-endian).
fn unsnap(data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let Some((compressed, crc)) = data.split_last_chunk::<4>() else {
        return Err("it is shorter than snappy's 4-byte checksum".to_owned());
    };
    let corrupt = |e: snap::Error| format!("its snappy data is corrupt ({e})");
    let len = snap::raw::decompress_len(compressed).map_err(corrupt)?;
    if len > MAX_BLOCK_BYTES {
        return Err(over_the_limit());
    }
    out.resize(len, 0);
    let written = snap::raw::Decoder::new()
        .decompress(compressed, out)
        .map_err(corrupt)?;
    out.truncate(written);
    if crc32fast::hash(out) != u32::from_be_bytes(*crc) {
        return Err("its snappy checksum (CRC32) does not match its data".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codec_is_named_as_in_the_avro_specification() {
        for codec in Codec::ALL {
            assert_eq!(Codec::from_name(codec.name().as_bytes()), Some(codec));
        }
        assert_eq!(Codec::from_name(b"lz4"), None);
    }

    #[test]
    fn deflate_data_followed_by_a_zlib_checksum_fragment_decompresses() {
        let mut deflated = miniz_oxide::deflate::compress_to_vec(b"record bytes", 6);
        deflated.extend([0x1f, 0x04, 0xc5]);
        let mut out = Vec::new();
        assert_eq!(Codec::Deflate.decompress(&deflated, &mut out), Ok(()));
        assert_eq!(out, b"record bytes");
    }

    #[test]
    fn deflate_data_cut_short_is_corrupt() {
        let deflated = miniz_oxide::deflate::compress_to_vec(&[7u8; 1000], 6);
        let mut out = Vec::new();
        assert_eq!(
            Codec::Deflate.decompress(&deflated[..deflated.len() - 2], &mut out),
            Err("its deflate data is corrupt or cut short".to_owned())
        );
    }

    /// `data` compressed by `codec`'s own library, as another writer would.
    fn compressed(codec: Codec, data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        match codec {
            Codec::Null => data.to_vec(),
            Codec::Deflate => miniz_oxide::deflate::compress_to_vec(data, 6),
            Codec::Snappy => {
                let mut out = snap::raw::Encoder::new().compress_vec(data).expect("fits");
                out.extend(crc32fast::hash(data).to_be_bytes());
                out
            }
            Codec::Zstandard => zstd::bulk::compress(data, 3).expect("compresses"),
            Codec::Bzip2 => {
                let mut w = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
                w.write_all(data).expect("compresses");
                w.finish().expect("finishes")
            }
            Codec::Xz => {
                let mut w = xz2::write::XzEncoder::new(Vec::new(), 6);
                w.write_all(data).expect("compresses");
                w.finish().expect("finishes")
            }
        }
    }

    #[test]
    fn every_codec_decompresses_its_data_and_refuses_it_cut_short() {
        let data: Vec<u8> = (0..5_000u32)
            .flat_map(|n| (n % 251).to_le_bytes())
            .collect();
        let mut out = Vec::new();
        for codec in Codec::ALL {
            let block = compressed(codec, &data);
            assert_eq!(codec.decompress(&block, &mut out), Ok(()), "{codec:?}");
            assert_eq!(out, data, "{codec:?}");
            if codec != Codec::Null {
                let cut = &block[..block.len() - 3];
                assert!(codec.decompress(cut, &mut out).is_err(), "{codec:?}");
            }
        }
    }

    #[test]
    fn a_snappy_block_whose_checksum_does_not_match_is_refused() {
        let data = b"record bytes";
        let mut block = compressed(Codec::Snappy, data);
        let mut out = Vec::new();
        assert_eq!(Codec::Snappy.decompress(&block, &mut out), Ok(()));
        assert_eq!(out, data);
        *block.last_mut().expect("a checksum") ^= 1;
        assert_eq!(
            Codec::Snappy.decompress(&block, &mut out),
            Err("its snappy checksum (CRC32) does not match its data".to_owned())
        );
    }

    #[test]
    fn a_snappy_block_declaring_more_than_the_limit_is_refused_before_allocating() {
        // A snappy block starts with its uncompressed length as a varint: 2^32 - 1 here.
        let block = [0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0];
        let mut out = Vec::new();
        assert_eq!(
            Codec::Snappy.decompress(&block, &mut out),
            Err(over_the_limit())
        );
        assert_eq!(out.capacity(), 0);
    }

    #[test]
    fn a_block_that_inflates_past_the_limit_is_refused() {
        let zeros = vec![0u8; MAX_BLOCK_BYTES + 1];
        let mut out = Vec::new();
        for (codec, compressed) in [
            (
                Codec::Deflate,
                miniz_oxide::deflate::compress_to_vec(&zeros, 1),
            ),
            (
                Codec::Zstandard,
                zstd::bulk::compress(&zeros, 1).expect("compresses"),
            ),
        ] {
            assert_eq!(
                codec.decompress(&compressed, &mut out),
                Err(over_the_limit()),
                "{codec:?}"
            );
        }
    }

    /// Decompressing a block of the limit's size asked for a buffer up to twice that size
    /// (zstandard, bzip2 and xz share `bounded`; deflate has its own loop).
    #[test]
    fn a_block_of_the_limits_size_decompresses_into_a_buffer_of_that_size() {
        let mut zeros = vec![0u8; MAX_BLOCK_BYTES];
        // A deflate block whose first guess of the output size (twice the input) is no
        // power of two: doubling it overshoots the limit.
        let deflated = |data: &[u8]| miniz_oxide::deflate::compress_to_vec(data, 1);
        let limit = [
            (Codec::Zstandard, compressed(Codec::Zstandard, &zeros)),
            (Codec::Deflate, deflated(&zeros)),
        ];
        zeros.push(0);
        let bombs = [
            (Codec::Zstandard, compressed(Codec::Zstandard, &zeros)),
            (Codec::Deflate, deflated(&zeros)),
        ];
        for ((codec, block), (_, bomb)) in limit.into_iter().zip(bombs) {
            let mut out = Vec::new();
            assert_eq!(codec.decompress(&block, &mut out), Ok(()), "{codec:?}");
            assert_eq!(out.len(), MAX_BLOCK_BYTES, "{codec:?}");
            assert!(out.capacity() <= MOST, "{codec:?}: {}", out.capacity());
            let mut out = Vec::new();
            assert_eq!(codec.decompress(&bomb, &mut out), Err(over_the_limit()));
            assert!(out.capacity() <= MOST, "{codec:?}: {}", out.capacity());
        }
    }
}
