use super::*;
use crate::report::aggregate::Summary;
use traction_screen_core::codec::container::{Codec, OutcomeWriter};
use traction_screen_core::codec::json::outcome_to_json;
use traction_screen_core::codec::{Encoder, OutputFormat, outcome_fingerprint};
use traction_screen_core::testing::sample_outcome;

fn outcomes() -> Vec<Outcome> {
    (1..=3)
        .map(|i| Outcome {
            event_id: format!("e{i}"),
            ..sample_outcome()
        })
        .collect()
}

/// Reads `bytes` as the file `name`; the summary, unreadable count and error text.
fn read(bytes: &[u8]) -> (Summary, usize, String) {
    let mut aggregator = Aggregator::default();
    let mut err = Vec::new();
    let unreadable = read_file("in", bytes, &mut aggregator, &mut err).expect("readable");
    let err = String::from_utf8(err).expect("UTF-8");
    (aggregator.finish(None), unreadable, err)
}

#[test]
fn json_lines_are_read_outcome_by_outcome_skipping_blank_lines() {
    let text: String = outcomes()
        .iter()
        .map(|o| format!("{}\n\n", outcome_to_json(o)))
        .collect();
    let (summary, unreadable, err) = read(text.as_bytes());
    assert_eq!((summary.outcomes, unreadable, err.as_str()), (3, 0, ""));
}

#[test]
fn a_bad_line_is_reported_by_place_and_field_without_its_value_and_reading_goes_on() {
    let mut bad: serde_json::Value =
        serde_json::from_str(&outcome_to_json(&sample_outcome())).expect("JSON");
    bad["risk_score"] = "Jane Doe".into();
    let good = outcome_to_json(&outcomes()[1]);
    let text = format!("{good}\n{bad}\n{{\"event_id\": \n{good}\n");
    let (summary, unreadable, err) = read(text.as_bytes());
    assert_eq!(
        (summary.outcomes, summary.duplicates, unreadable),
        (1, 1, 2)
    );
    assert_eq!(
        err,
        "error: in:2: not a ScreeningOutcome: field `risk_score` is missing or invalid\n\
         error: in:3: invalid JSON at column 13\n"
    );
}

#[test]
fn an_avro_container_file_of_outcomes_is_read() {
    let mut file = OutcomeWriter::new(Vec::new(), Codec::Deflate).expect("a writer");
    for outcome in outcomes() {
        file.write(&outcome).expect("writes");
    }
    let bytes = file.finish().expect("finishes");
    let (summary, unreadable, err) = read(&bytes);
    assert_eq!((summary.outcomes, unreadable, err.as_str()), (3, 0, ""));
    assert_eq!(summary.at_risk_cents, 3 * 5_000);
}

#[test]
fn a_corrupt_container_record_is_reported_and_the_rest_of_the_file_skipped() {
    let mut file = OutcomeWriter::new(Vec::new(), Codec::Deflate).expect("a writer");
    file.write(&sample_outcome()).expect("writes");
    let mut bytes = file.finish().expect("finishes");
    // The block after the header: cut it short.
    bytes.truncate(bytes.len() - 30);
    let (summary, unreadable, err) = read(&bytes);
    assert_eq!((summary.outcomes, unreadable), (0, 1));
    assert_eq!(
        err,
        "error: in: record 1: not a ScreeningOutcome record; the rest of the file is skipped\n"
    );
}

fn encoded(format: OutputFormat) -> Vec<u8> {
    let mut out = Vec::new();
    Encoder::new(format, Some(5))
        .expect("valid")
        .encode_outcome(&sample_outcome(), &mut out)
        .expect("encodes");
    out
}

#[test]
fn message_values_decode_from_json_and_single_object_avro() {
    let mut decoder = ValueDecoder::new(None);
    for format in [OutputFormat::Json, OutputFormat::AvroSingleObject] {
        assert_eq!(
            decoder.decode(&encoded(format)),
            Ok(sample_outcome()),
            "{format:?}"
        );
    }
}

#[test]
fn undecodable_values_say_why_without_quoting_them() {
    let mut decoder = ValueDecoder::new(None);
    assert_eq!(
        decoder.decode(&encoded(OutputFormat::AvroConfluent)),
        Err("Confluent-framed value with schema id 5: give --schema-registry-url".into())
    );
    let mut unknown = encoded(OutputFormat::AvroSingleObject);
    unknown[2] ^= 0xFF;
    assert!(
        decoder
            .decode(&unknown)
            .is_err_and(|e| e.starts_with("single-object value with an unknown schema fingerprint"))
    );
    let mut cut = [&SINGLE_OBJECT_MAGIC[..], &outcome_fingerprint()].concat();
    cut.push(2);
    assert_eq!(
        decoder.decode(&cut),
        Err("not a ScreeningOutcome Avro datum".into())
    );
    assert_eq!(
        decoder.decode(b"pt-0001"),
        Err("neither JSON nor Avro (single-object or Confluent) framing".into())
    );
}
