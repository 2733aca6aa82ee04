//! The Avro object container reader on a stream: the file comes a few bytes per read, and
//! is followed by up to 64 MiB of one repeated byte, so that the sizes and counts a block
//! declares (up to the limits) are met by real bytes rather than an early end of file.
//!
//! Input: `[chunk, filler KiB (u16 LE), filler byte, file...]`.
#![no_main]

use std::io::{BufReader, Read};

use libfuzzer_sys::fuzz_target;
use traction_screen_fuzz::read_container;

fuzz_target!(|data: &[u8]| {
    let [chunk, kib_low, kib_high, filler, file @ ..] = data else {
        return;
    };
    let chunk = (usize::from(*chunk) + 1) * 64;
    let filler_len = u64::from(u16::from_le_bytes([*kib_low, *kib_high])) * 1024;
    let stream = file.chain(std::io::repeat(*filler).take(filler_len));
    read_container(BufReader::with_capacity(chunk, stream));
});
