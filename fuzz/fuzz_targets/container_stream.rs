//! The Avro object container reader on a stream: the file comes a few bytes per read, and
//! is followed by up to 128 MiB of one repeated byte, so that the sizes and counts a block
//! declares (up to the limits and past them) are met by real bytes rather than an early
//! end of file.
//!
//! Input: `[chunk, filler length / 8 (u24 LE), filler byte, file...]`.
#![no_main]

use std::io::{BufReader, Read};

use libfuzzer_sys::fuzz_target;
use traction_screen_fuzz::read_container;

fuzz_target!(|data: &[u8]| {
    let [chunk, len0, len1, len2, filler, file @ ..] = data else {
        return;
    };
    let chunk = (usize::from(*chunk) + 1) * 64;
    let filler_len = u64::from(u32::from_le_bytes([*len0, *len1, *len2, 0])) * 8;
    let stream = file.chain(std::io::repeat(*filler).take(filler_len));
    read_container(BufReader::with_capacity(chunk, stream));
});
