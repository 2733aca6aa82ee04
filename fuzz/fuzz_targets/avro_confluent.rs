//! Confluent framing: `00`, a 4-byte schema id (ours is registered as 7), an Avro datum.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use traction_screen_core::codec::{Decoder, InputFormat, OutputFormat};
use traction_screen_fuzz::{decode_and_check, decoder};

static DECODER: LazyLock<Decoder> = LazyLock::new(|| decoder(InputFormat::AvroConfluent));

fuzz_target!(|data: &[u8]| {
    decode_and_check(&DECODER, data, OutputFormat::AvroConfluent);
});
