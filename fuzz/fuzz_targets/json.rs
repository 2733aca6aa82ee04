//! The JSON decoder: any bytes, decoded as JSON.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use traction_screen_core::codec::{Decoder, InputFormat, OutputFormat};
use traction_screen_fuzz::decode_and_check;

static DECODER: LazyLock<Decoder> = LazyLock::new(|| Decoder::new(InputFormat::Json));

fuzz_target!(|data: &[u8]| {
    decode_and_check(&DECODER, data, OutputFormat::Json);
});
