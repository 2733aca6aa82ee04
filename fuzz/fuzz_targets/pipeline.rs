//! The whole pure path of the service: decode (any framing) → screen → encode the outcome
//! in every output format.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use traction_screen_core::codec::{ENCOUNTER_SCHEMA, Encoder, OutputFormat};
use traction_screen_core::domain::{Source, Timestamp};
use traction_screen_core::pipeline::{Pipeline, Processed};
use traction_screen_fuzz::{SCHEMA_ID, check_error};

static PIPELINE: LazyLock<Pipeline> = LazyLock::new(|| {
    let pipeline = Pipeline::with_defaults();
    pipeline
        .decoder()
        .register_schema(SCHEMA_ID, ENCOUNTER_SCHEMA)
        .expect("our schema parses");
    pipeline
});

static ENCODERS: LazyLock<Vec<Encoder>> = LazyLock::new(|| {
    [
        OutputFormat::Json,
        OutputFormat::AvroConfluent,
        OutputFormat::AvroSingleObject,
    ]
    .into_iter()
    .map(|format| Encoder::new(format, Some(SCHEMA_ID)).expect("a valid encoder"))
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let source = Source {
        topic: "encounters".into(),
        partition: 0,
        offset: 0,
    };
    match PIPELINE.process(data, Timestamp(1_767_225_600_000), Some(source)) {
        Processed::Screened(screened) => {
            let mut out = Vec::new();
            for encoder in ENCODERS.iter() {
                out.clear();
                encoder
                    .encode_outcome(&screened.outcome, &mut out)
                    .expect("every outcome encodes");
            }
        }
        Processed::Rejected(error) => check_error(&error),
        Processed::Abandoned => panic!("abandoned without a schema source to give up"),
    }
});
