//! The Avro object container reader, given the whole file at once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traction_screen_fuzz::read_container;

fuzz_target!(|data: &[u8]| {
    read_container(data);
});
