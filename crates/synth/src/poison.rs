//! Poison messages: the malformed values real pipelines meet, for the demo and the tests
//! that show dead-lettering. Pure, like the rest of the generator.

use traction_screen_core::codec::{self, Encoder, OutputFormat};
use traction_screen_core::domain::Encounter;

/// One of the malformed messages real pipelines see, in turn: garbage bytes, truncated
/// JSON, an impossible date, an unregistered Confluent schema id, a truncated Avro body.
pub fn poison_message(sequence: u64, encounter: &Encounter, out: &mut Vec<u8>) {
    match sequence % 5 {
        0 => out.extend_from_slice(b"\x07not an encounter: bytes from a misconfigured producer"),
        1 => {
            let json = codec::json::encounter_to_json(encounter);
            out.extend_from_slice(&json.as_bytes()[..json.len() / 2]);
        }
        2 => {
            let json = codec::json::encounter_to_json(encounter);
            let mut value: serde_json::Value = serde_json::from_str(&json).expect("our own JSON");
            value["service_lines"][0]["date_of_service"] = "2026-02-30".into();
            out.extend_from_slice(value.to_string().as_bytes());
        }
        3 => {
            out.push(codec::CONFLUENT_MAGIC);
            out.extend_from_slice(&999_999u32.to_be_bytes());
            out.extend_from_slice(b"\x02\x04\x06");
        }
        _ => {
            let encoder =
                Encoder::new(OutputFormat::AvroSingleObject, None).expect("no schema id needed");
            encoder
                .encode_encounter(encounter, out)
                .expect("our own encounter encodes");
            out.truncate(out.len() / 3);
        }
    }
}
