//! The codec from the outside: the example encounters, round trips through every format,
//! interoperability with apache-avro (datums, single-object messages, container files),
//! schema evolution, every rejection with its code and payload-free message, outcome
//! encoding, and property tests that no input makes `decode` panic.

use std::sync::LazyLock;

use apache_avro::types::Value as AvroValue;
use proptest::prelude::*;
use serde_json::{Value, json};
use traction_screen_core::codec::container::Codec;
use traction_screen_core::codec::{
    self, DecodeError, Decoder, ENCOUNTER_SCHEMA, Encoder, InputFormat, OUTCOME_SCHEMA,
    OutputFormat, container, limits,
};
use traction_screen_core::domain::{ClaimFrequency, Encounter, Outcome};
use traction_screen_core::testing::{clean_encounter, date, line, sample_outcome};

const EXAMPLES: &str = include_str!("../fixtures/codec/encounters.jsonl");
/// The id our own schema is registered under in these tests.
pub(crate) const SCHEMA_ID: u32 = 7;

const INPUT_FORMATS: [InputFormat; 4] = [
    InputFormat::Auto,
    InputFormat::Json,
    InputFormat::AvroConfluent,
    InputFormat::AvroSingleObject,
];
const OUTPUT_FORMATS: [OutputFormat; 3] = [
    OutputFormat::Json,
    OutputFormat::AvroConfluent,
    OutputFormat::AvroSingleObject,
];

/// One decoder per input format, each knowing our schema as [`SCHEMA_ID`].
static DECODERS: LazyLock<Vec<Decoder>> = LazyLock::new(|| {
    INPUT_FORMATS
        .iter()
        .map(|&format| {
            let decoder = Decoder::new(format);
            decoder
                .register_schema(SCHEMA_ID, ENCOUNTER_SCHEMA)
                .expect("our schema parses");
            decoder
        })
        .collect()
});

fn decoder(format: InputFormat) -> &'static Decoder {
    let index = INPUT_FORMATS
        .iter()
        .position(|&f| f == format)
        .expect("listed");
    &DECODERS[index]
}

fn decode(bytes: &[u8]) -> Result<Encounter, DecodeError> {
    decoder(InputFormat::Auto).decode(bytes)
}

/// `event` in `format`, Confluent framing under [`SCHEMA_ID`].
pub(crate) fn encode(format: OutputFormat, event: &Encounter) -> Vec<u8> {
    let mut out = Vec::new();
    Encoder::new(format, Some(SCHEMA_ID))
        .expect("valid encoder")
        .encode_encounter(event, &mut out)
        .expect("encodes");
    out
}

fn examples() -> Vec<Encounter> {
    EXAMPLES
        .lines()
        .map(|line| decode(line.as_bytes()).expect("every example decodes"))
        .collect()
}

fn apache_schema(json: &str) -> apache_avro::Schema {
    apache_avro::Schema::parse_str(json).expect("apache-avro parses the schema")
}

/// An encounter as apache-avro's generic value of `schema`, through its own serde support.
fn apache_value(event: &Encounter, schema: &apache_avro::Schema) -> AvroValue {
    apache_avro::to_value(event)
        .expect("serializes")
        .resolve(schema)
        .expect("fits the schema")
}

fn confluent(id: u32, datum: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0];
    bytes.extend(id.to_be_bytes());
    bytes.extend(datum);
    bytes
}

// ---- the examples and the JSON shape -------------------------------------------------

#[test]
fn every_example_line_decodes_and_is_normalised() {
    let events = examples();
    let ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a8a6dca5-147f-4263-ba2c-86ab905eaae1",
            "1bfc0770-6334-4372-9885-a13448fb4302",
            "9a9dba24-3fa3-4bd8-be5e-0d6903bf29e4",
            "6caaf31e-a38c-4148-a055-bb31a3445113"
        ]
    );
    let codes: Vec<&str> = events[0]
        .diagnoses
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["M51360", "M6281"]);
    assert_eq!(events[0].claim_frequency, ClaimFrequency::Original);
    assert_eq!(events[0].service_lines[3].modifiers, ["GP", "59"]);
    assert_eq!(
        events[0].service_lines[0].date_of_service,
        date(2025, 1, 24)
    );
    assert_eq!(events[1].plan_of_care, None);
    assert_eq!(
        events[1]
            .traction
            .as_ref()
            .and_then(|t| t.patient_position.clone()),
        None
    );
    assert_eq!(events[2].therapy_spend_ytd_cents, Some(340));
    assert_eq!(events[3].traction, None);
}

#[test]
fn json_fields_with_defaults_may_be_absent_or_null_and_unknown_fields_are_ignored() {
    let mut value = json_of(&clean_encounter());
    value["claim_frequency"] = Value::Null;
    value["service_lines"][0]["modifiers"] = Value::Null;
    value["service_lines"][1]
        .as_object_mut()
        .expect("object")
        .remove("modifiers");
    value["traction"]
        .as_object_mut()
        .expect("object")
        .remove("device_name");
    value["source_system"] = json!({"vendor": "future field"});
    let event = decode(value.to_string().as_bytes()).expect("decodes");
    assert_eq!(event.claim_frequency, ClaimFrequency::Original);
    assert_eq!(event.service_lines[0].modifiers, Vec::<String>::new());
    assert_eq!(event.service_lines[1].modifiers, Vec::<String>::new());
    assert_eq!(event.traction.and_then(|t| t.device_name), None);
}

#[test]
fn codes_are_normalised_whatever_the_format() {
    let mut event = clean_encounter();
    event.diagnoses[0].code = " m54.16".into();
    event.service_lines[0].procedure_code = "97012 ".into();
    event.service_lines[0].modifiers = vec!["gp".into(), " ".into()];
    event.referring_provider_npi = Some("  ".into());
    for format in OUTPUT_FORMATS {
        let decoded = decode(&encode(format, &event)).expect("decodes");
        assert_eq!(decoded, clean_with_no_referrer(), "{format:?}");
    }
}

fn clean_with_no_referrer() -> Encounter {
    Encounter {
        referring_provider_npi: None,
        ..clean_encounter()
    }
}

fn json_of(event: &Encounter) -> Value {
    serde_json::from_str(&codec::json::encounter_to_json(event)).expect("valid JSON")
}

// ---- round trips -----------------------------------------------------------------------

#[test]
fn every_example_survives_every_format_and_every_chain_of_formats() {
    for event in examples() {
        for format in OUTPUT_FORMATS {
            assert_eq!(
                decode(&encode(format, &event)).as_ref(),
                Ok(&event),
                "{format:?}"
            );
        }
        let mut chained = event.clone();
        for format in [
            OutputFormat::AvroConfluent,
            OutputFormat::AvroSingleObject,
            OutputFormat::Json,
        ] {
            chained = decode(&encode(format, &chained)).expect("decodes");
        }
        assert_eq!(chained, event);
    }
}

#[test]
fn each_explicit_input_format_reads_its_own_framing() {
    let event = clean_encounter();
    let pairs = [
        (InputFormat::Json, OutputFormat::Json),
        (InputFormat::AvroConfluent, OutputFormat::AvroConfluent),
        (
            InputFormat::AvroSingleObject,
            OutputFormat::AvroSingleObject,
        ),
    ];
    for (input, output) in pairs {
        assert_eq!(
            decoder(input).decode(&encode(output, &event)).as_ref(),
            Ok(&event),
            "{input:?}"
        );
    }
}

#[test]
fn container_files_round_trip_every_example() {
    let events = examples();
    let bytes = container::write_encounters(&events, Vec::new(), Codec::Deflate).expect("writes");
    assert_eq!(read_container(&bytes), Ok(events));
}

/// The records of a container file held in memory; the first problem of the file panics.
fn read_container(bytes: &[u8]) -> Result<Vec<Encounter>, DecodeError> {
    container::read_encounters(bytes)
        .expect("header")
        .map(|item| item.expect("no problem in the file").event)
        .collect()
}

// ---- interoperability with apache-avro -------------------------------------------------

#[test]
fn apache_avro_datums_decode_with_ours() {
    let schema = apache_schema(ENCOUNTER_SCHEMA);
    for event in examples() {
        let datum =
            apache_avro::to_avro_datum(&schema, apache_value(&event, &schema)).expect("writes");
        assert_eq!(decode(&confluent(SCHEMA_ID, &datum)), Ok(event));
    }
}

#[test]
fn our_datums_decode_with_apache_avro() {
    let schema = apache_schema(ENCOUNTER_SCHEMA);
    for event in examples() {
        let bytes = encode(OutputFormat::AvroSingleObject, &event);
        let mut datum = &bytes[10..];
        let value =
            apache_avro::from_avro_datum(&schema, &mut datum, None).expect("apache-avro reads it");
        assert_eq!(datum, &[] as &[u8], "apache-avro consumed the whole datum");
        // Compared as apache-avro values: its `from_value` cannot give a non-union value
        // to the domain's `null_as_default` fields.
        assert_eq!(value, apache_value(&event, &schema));
    }
}

/// The schema without its `logicalType` annotations.
fn without_logical_types(schema: &str) -> String {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("logicalType");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_str(schema).expect("JSON");
    strip(&mut value);
    value.to_string()
}

fn apache_rabin(schema: &str) -> Vec<u8> {
    apache_schema(schema)
        .fingerprint::<apache_avro::rabin::Rabin>()
        .bytes
}

/// The reference (Java) parsing canonical form ignores logical types:
/// `{"type": "int", "logicalType": "date"}` becomes `"int"`, as serde_avro_fast does.
/// apache-avro (Rust, up to 0.23 at least) leaves `{"type":"int"}` (apache/avro-rs#61), so
/// it agrees with us only on the schema without logical types; we write the reference
/// fingerprint and accept both (tests/it/interop.rs).
#[test]
fn our_single_object_fingerprint_is_the_reference_canonical_form_fingerprint() {
    let reference = apache_rabin(&without_logical_types(ENCOUNTER_SCHEMA));
    assert_eq!(reference, codec::encounter_fingerprint());
    assert_ne!(
        apache_rabin(ENCOUNTER_SCHEMA),
        reference,
        "apache-avro fixed its canonical form"
    );
    let bytes = encode(OutputFormat::AvroSingleObject, &clean_encounter());
    assert_eq!(bytes[..2], [0xC3, 0x01]);
    assert_eq!(bytes[2..10], reference);
    assert_eq!(
        apache_rabin(&without_logical_types(OUTCOME_SCHEMA)),
        codec::outcome_fingerprint()
    );
}

/// apache-avro's single-object header, with the reference fingerprint (see above).
struct ReferenceFingerprintHeader;

impl apache_avro::headers::HeaderBuilder for ReferenceFingerprintHeader {
    fn build_header(&self) -> Vec<u8> {
        [&[0xC3, 0x01][..], &codec::encounter_fingerprint()].concat()
    }
}

#[test]
fn apache_avro_single_object_messages_decode_with_ours() {
    let schema = apache_schema(ENCOUNTER_SCHEMA);
    let mut writer = apache_avro::GenericSingleObjectWriter::new_with_capacity_and_header_builder(
        &schema,
        1024,
        ReferenceFingerprintHeader,
    )
    .expect("writer");
    for event in examples() {
        let mut bytes = Vec::new();
        writer
            .write_value(apache_value(&event, &schema), &mut bytes)
            .expect("writes");
        assert_eq!(
            decoder(InputFormat::AvroSingleObject).decode(&bytes),
            Ok(event)
        );
    }
}

#[test]
fn apache_avro_container_files_read_with_ours_and_ours_with_apache_avro() {
    let schema = apache_schema(ENCOUNTER_SCHEMA);
    let events = examples();
    let mut writer = apache_avro::Writer::with_codec(
        &schema,
        Vec::new(),
        apache_avro::Codec::Deflate(apache_avro::DeflateSettings::default()),
    );
    for event in &events {
        writer
            .append(apache_value(event, &schema))
            .expect("appends");
    }
    let theirs = writer.into_inner().expect("flushes");
    assert_eq!(read_container(&theirs).as_ref(), Ok(&events));

    let ours = container::write_encounters(&events, Vec::new(), Codec::Deflate).expect("writes");
    let reader = apache_avro::Reader::new(&ours[..]).expect("apache-avro reads the header");
    let read: Vec<AvroValue> = reader.map(|value| value.expect("record")).collect();
    let expected: Vec<AvroValue> = events.iter().map(|e| apache_value(e, &schema)).collect();
    assert_eq!(read, expected);
}

// ---- schema evolution ------------------------------------------------------------------

/// Our schema with `edit` applied to its JSON.
fn edited_schema(edit: impl FnOnce(&mut Value)) -> String {
    let mut schema: Value = serde_json::from_str(ENCOUNTER_SCHEMA).expect("JSON");
    edit(&mut schema);
    schema.to_string()
}

fn fields_of<'v>(schema: &'v mut Value, record_field: Option<&str>) -> &'v mut Vec<Value> {
    let record = match record_field {
        None => schema,
        Some(name) => {
            let fields = schema["fields"].as_array_mut().expect("fields");
            let field = fields
                .iter_mut()
                .find(|f| f["name"] == name)
                .expect("field");
            // An optional record is `["null", record]`, an array of records `{items: record}`.
            if field["type"].is_array() {
                &mut field["type"][1]
            } else {
                &mut field["type"]["items"]
            }
        }
    };
    record["fields"].as_array_mut().expect("fields")
}

#[test]
fn an_older_writer_schema_without_optional_fields_decodes_with_their_defaults() {
    let old = edited_schema(|schema| {
        fields_of(schema, None).retain(|f| f["name"] != "therapy_spend_ytd_cents");
        fields_of(schema, Some("traction")).retain(|f| f["name"] != "patient_response");
        fields_of(schema, Some("service_lines")).retain(|f| f["name"] != "modifiers");
    });
    let old_schema = apache_schema(&old);
    let event = clean_encounter();
    let datum =
        apache_avro::to_avro_datum(&old_schema, apache_value(&event, &old_schema)).expect("writes");

    let mut expected = clean_encounter();
    expected.therapy_spend_ytd_cents = None;
    expected
        .traction
        .as_mut()
        .expect("traction")
        .patient_response = None;
    for line in &mut expected.service_lines {
        line.modifiers.clear();
    }

    let decoder = Decoder::new(InputFormat::Auto);
    decoder.register_schema(41, &old).expect("parses");
    assert_eq!(
        decoder.decode(&confluent(41, &datum)).as_ref(),
        Ok(&expected)
    );

    let fingerprint = decoder.register_single_object_schema(&old).expect("parses");
    let mut single_object = vec![0xC3, 0x01];
    single_object.extend(fingerprint.to_le_bytes());
    single_object.extend(&datum);
    assert_eq!(decoder.decode(&single_object), Ok(expected));
}

#[test]
fn a_newer_writer_schema_with_extra_fields_decodes_skipping_them() {
    let new = edited_schema(|schema| {
        fields_of(schema, None)
            .push(json!({"name": "source_system", "type": "string", "default": ""}));
        fields_of(schema, Some("service_lines")).push(
            json!({"name": "notes", "type": {"type": "array", "items": "string"}, "default": []}),
        );
    });
    let new_schema = apache_schema(&new);
    let event = clean_encounter();
    let AvroValue::Record(mut fields) = apache_avro::to_value(&event).expect("serializes") else {
        panic!("an encounter is a record");
    };
    fields.push(("source_system".into(), AvroValue::String("EHR-9".into())));
    for (name, value) in &mut fields {
        if let ("service_lines", AvroValue::Array(lines)) = (name.as_str(), value) {
            for line in lines {
                if let AvroValue::Record(line) = line {
                    line.push((
                        "notes".into(),
                        AvroValue::Array(vec![AvroValue::String("n".into())]),
                    ));
                }
            }
        }
    }
    let value = AvroValue::Record(fields)
        .resolve(&new_schema)
        .expect("fits");
    let datum = apache_avro::to_avro_datum(&new_schema, value).expect("writes");
    let decoder = Decoder::new(InputFormat::AvroConfluent);
    decoder.register_schema(42, &new).expect("parses");
    assert_eq!(decoder.decode(&confluent(42, &datum)), Ok(event));
}

#[test]
fn an_unparseable_writer_schema_is_refused_at_registration() {
    let decoder = Decoder::new(InputFormat::AvroConfluent);
    let error = decoder
        .register_schema(44, r#"{"type": "record"}"#)
        .expect_err("no name, no fields");
    assert_eq!(error.code(), "avro_decode");
    assert_eq!(
        decoder.decode(&confluent(44, &[])),
        Err(DecodeError::UnknownSchemaId(44))
    );
}

// ---- rejections ------------------------------------------------------------------------

/// A JSON encounter: the clean one with `edit` applied.
fn json_with(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value = json_of(&clean_encounter());
    edit(&mut value);
    value.to_string().into_bytes()
}

/// Decodes `bytes` with `format` and checks the exact code and message. Every value a
/// rejection could quote carries the marker `SECRET`, which no message may contain.
fn assert_rejected(format: InputFormat, bytes: &[u8], code: &str, message: &str) {
    let error = decoder(format).decode(bytes).expect_err(message);
    assert_eq!((error.code(), error.to_string().as_str()), (code, message));
    assert!(!message.contains("SECRET"), "{message}");
}

#[test]
fn framing_errors_have_their_codes() {
    let json = json_with(|_| {});
    let unknown_fingerprint = [0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0];
    let cases: [(InputFormat, &[u8], &str, &str); 8] = [
        (
            InputFormat::Auto,
            b"SECRET",
            "bad_magic_byte",
            "first bytes match no accepted format (0x00 Confluent, C3 01 single-object, `{` JSON)",
        ),
        (InputFormat::Auto, b"", "bad_magic_byte", "empty message"),
        (
            InputFormat::AvroConfluent,
            &json,
            "bad_magic_byte",
            "first byte is not 0x00 (Confluent Schema Registry framing)",
        ),
        (
            InputFormat::AvroSingleObject,
            &json,
            "bad_magic_byte",
            "first bytes are not C3 01 (Avro single-object encoding)",
        ),
        (
            InputFormat::Auto,
            &[0, 0, 0, 0, 99, 2],
            "unknown_schema_id",
            "unknown writer schema id 99 (not registered with the decoder)",
        ),
        (
            InputFormat::Auto,
            &unknown_fingerprint,
            "unknown_schema_id",
            "unknown writer schema fingerprint 0807060504030201 (single-object encoding)",
        ),
        (
            InputFormat::Auto,
            &[0, 0, 0],
            "avro_decode",
            "truncated Confluent header (no 4-byte schema id)",
        ),
        (
            InputFormat::AvroConfluent,
            &[0, 0, 0, 0, 7],
            "avro_decode",
            "event_id: malformed Avro data (truncated, corrupt, or another writer schema)",
        ),
    ];
    for (format, bytes, code, message) in cases {
        assert_rejected(format, bytes, code, message);
    }
}

#[test]
fn a_truncated_avro_message_is_an_avro_decode_error() {
    let bytes = encode(OutputFormat::AvroConfluent, &clean_encounter());
    let error = decode(&bytes[..bytes.len() - 3]).expect_err("truncated");
    assert_eq!(error.code(), "avro_decode");
}

#[test]
fn json_syntax_errors_are_invalid_json_with_line_and_column() {
    assert_rejected(
        InputFormat::Json,
        br#"{"event_id": "SECRET""#,
        "invalid_json",
        "invalid JSON at line 1, column 21: EOF while parsing an object",
    );
    assert_rejected(
        InputFormat::Auto,
        b"{\"event_id\": \"x\",\n  \"claim_id\": SECRET}",
        "invalid_json",
        "invalid JSON at line 2, column 15: expected value",
    );
}

#[test]
fn json_shape_errors_are_invalid_fields_at_their_paths() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            json_with(|v| v["service_lines"][0]["date_of_service"] = json!("2025-02-30")),
            "service_lines[0].date_of_service: not a valid YYYY-MM-DD date",
        ),
        (
            json_with(|v| v["event_time"] = json!("SECRET")),
            "event_time: not a valid RFC 3339 instant",
        ),
        (
            json_with(|v| v["payer"]["plan_type"] = json!("SECRET")),
            "payer.plan_type: unknown symbol, expected one of `MEDICARE_PART_B`, \
             `MEDICARE_ADVANTAGE`, `MEDICAID`, `COMMERCIAL`, `WORKERS_COMP`, `AUTO`, `OTHER`",
        ),
        (
            json_with(|v| v["service_lines"][1]["units"] = json!("SECRET")),
            "service_lines[1].units: wrong type, expected an integer",
        ),
        (
            json_with(|v| v["service_lines"][1]["units"] = json!(3_000_000_000_u64)),
            "service_lines[1].units: invalid value, expected an integer from -2147483648 to 2147483647",
        ),
        (
            json_with(|v| {
                v.as_object_mut().expect("object").remove("patient_id");
            }),
            "patient_id: required field is missing",
        ),
        (
            json_with(|v| v["payer"] = json!("SECRET")),
            "payer: wrong type, expected an object",
        ),
        // serde also reads a struct from an array of its fields, in order.
        (
            b"[\"SECRET\"]".to_vec(),
            "event: wrong number of items, expected an object",
        ),
    ];
    for (bytes, message) in cases {
        assert_rejected(InputFormat::Json, &bytes, "invalid_field", message);
    }
}

#[test]
fn validation_errors_are_invalid_fields_at_their_paths() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            json_with(|v| v["event_id"] = json!(" ")),
            "event_id: required and blank",
        ),
        (
            json_with(|v| v["claim_id"] = json!("")),
            "claim_id: required and blank",
        ),
        (
            json_with(|v| v["patient_id"] = json!("\t")),
            "patient_id: required and blank",
        ),
        (
            json_with(|v| v["payer"]["payer_id"] = json!("")),
            "payer.payer_id: required and blank",
        ),
        (
            json_with(|v| v["diagnoses"][0]["pointer"] = json!(13)),
            "diagnoses[0].pointer: diagnosis pointer outside 1..=12",
        ),
        (
            json_with(|v| v["service_lines"][1]["diagnosis_pointers"] = json!([1, 0])),
            "service_lines[1].diagnosis_pointers[1]: diagnosis pointer outside 1..=12",
        ),
        (
            json_with(|v| v["service_lines"][0]["procedure_code"] = json!("SECRET")),
            "service_lines[0].procedure_code: not a CPT/HCPCS code (5 letters or digits)",
        ),
        (
            json_with(|v| v["service_lines"][0]["procedure_code"] = json!("970-2")),
            "service_lines[0].procedure_code: not a CPT/HCPCS code (5 letters or digits)",
        ),
        (
            json_with(|v| v["service_lines"][0]["modifiers"] = json!(["GP", "SECRET"])),
            "service_lines[0].modifiers[1]: not a modifier (2 letters or digits)",
        ),
        (
            json_with(|v| v["diagnoses"][0]["code"] = json!("SECRET.12345")),
            "diagnoses[0].code: not an ICD-10-CM code (1-8 letters or digits once dots are removed)",
        ),
        (
            json_with(|v| v["diagnoses"][0]["code"] = json!("M54-16")),
            "diagnoses[0].code: not an ICD-10-CM code (1-8 letters or digits once dots are removed)",
        ),
        (
            json_with(|v| v["place_of_service"] = json!("1A")),
            "place_of_service: not a 2-digit place-of-service code",
        ),
        (
            json_with(|v| v["service_lines"][1]["minutes"] = json!(-1)),
            "service_lines[1].minutes: negative",
        ),
        (
            json_with(|v| v["service_lines"][0]["charge_cents"] = json!(-5)),
            "service_lines[0].charge_cents: negative",
        ),
        (
            json_with(|v| v["therapy_spend_ytd_cents"] = json!(-1)),
            "therapy_spend_ytd_cents: negative",
        ),
        (
            json_with(|v| v["traction"]["force_lbs"] = json!(-0.5)),
            "traction.force_lbs: not a finite, non-negative force",
        ),
        (
            json_with(|v| v["traction"]["duration_minutes"] = json!(-15)),
            "traction.duration_minutes: negative",
        ),
    ];
    for (bytes, message) in cases {
        assert_rejected(InputFormat::Json, &bytes, "invalid_field", message);
    }
}

#[test]
fn a_non_finite_force_from_avro_is_an_invalid_field() {
    let mut event = clean_encounter();
    event.traction.as_mut().expect("traction").force_lbs = Some(f64::NAN);
    let bytes = encode(OutputFormat::AvroSingleObject, &event);
    assert_rejected(
        InputFormat::Auto,
        &bytes,
        "invalid_field",
        "traction.force_lbs: not a finite, non-negative force",
    );
}

#[test]
fn what_the_rules_report_is_not_a_rejection() {
    let mut event = clean_encounter();
    event.service_lines[0].units = 0;
    event.service_lines[1].line_number = 1;
    event.service_lines[1].diagnosis_pointers = vec![1, 1];
    event.rendering_provider.npi = "SECRET".into();
    event.diagnoses[0].code = "Z9999".into();
    for format in OUTPUT_FORMATS {
        assert_eq!(
            decode(&encode(format, &event)).as_ref(),
            Ok(&event),
            "{format:?}"
        );
    }
}

#[test]
fn limits_are_too_large_rejections() {
    let secret = |len: usize| json!("SECRET".repeat(len).get(..len).unwrap_or_default());
    let many_lines = json_of(&Encounter {
        service_lines: (1..=51).map(|n| line(n, "97110")).collect(),
        ..clean_encounter()
    })["service_lines"]
        .take();
    let cases: Vec<(Vec<u8>, String)> = vec![
        (
            json_with(|v| v["service_lines"] = many_lines),
            "service_lines: 51 items, over the limit of 50".into(),
        ),
        (
            json_with(|v| {
                v["diagnoses"] = (1..=13)
                    .map(|p| json!({"pointer": p.min(12), "code": "M5416"}))
                    .collect()
            }),
            "diagnoses: 13 items, over the limit of 12".into(),
        ),
        (
            json_with(|v| {
                v["service_lines"][1]["modifiers"] = json!(["GP", "59", "KX", "CQ", "XS"])
            }),
            "service_lines[1].modifiers: 5 items, over the limit of 4".into(),
        ),
        (
            json_with(|v| v["service_lines"][0]["diagnosis_pointers"] = json!([1, 2, 3, 4, 5])),
            "service_lines[0].diagnosis_pointers: 5 items, over the limit of 4".into(),
        ),
        (
            json_with(|v| v["patient_id"] = secret(129)),
            "patient_id: 129 bytes, over the limit of 128".into(),
        ),
        (
            json_with(|v| v["service_lines"][0]["modifiers"] = json!([secret(200)])),
            "service_lines[0].modifiers[0]: 200 bytes, over the limit of 128".into(),
        ),
        (
            json_with(|v| {
                v["traction"]["patient_response"] = secret(limits::MAX_FREE_TEXT_BYTES + 1)
            }),
            "traction.patient_response: 2001 bytes, over the limit of 2000".into(),
        ),
        (
            json_with(|v| v["traction"]["device_name"] = secret(5_000)),
            "traction.device_name: 5000 bytes, over the limit of 2000".into(),
        ),
    ];
    for (bytes, message) in cases {
        assert_rejected(InputFormat::Json, &bytes, "too_large", &message);
    }
}

#[test]
fn a_message_over_one_mebibyte_is_refused_before_parsing() {
    let mut bytes = json_with(|_| {});
    bytes.resize(limits::MAX_MESSAGE_BYTES + 1, b' ');
    for format in INPUT_FORMATS {
        assert_rejected(
            format,
            &bytes,
            "too_large",
            "message: 1048577 bytes, over the limit of 1048576",
        );
    }
    bytes.truncate(limits::MAX_MESSAGE_BYTES);
    assert_eq!(decode(&bytes), Ok(clean_encounter()));
}

// ---- outcomes --------------------------------------------------------------------------

fn outcome() -> Outcome {
    sample_outcome()
}

#[test]
fn an_outcome_encodes_to_json_in_the_contract_shape() {
    let expected = concat!(
        r#"{"event_id":"evt-1","claim_id":"CLM-1","patient_id":"pt-1","verdict":"FAIL","#,
        r#""risk_score":50,"traction_lines":1,"findings":["#,
        r#"{"rule_id":"TR-001","severity":"ERROR","line_number":1,"message":"97012 billed with 2 units","#,
        r#""remediation":"Bill one unit per date of service","reference":"untimed code, 1 unit/DOS"},"#,
        r#"{"rule_id":"TR-030","severity":"WARNING","line_number":null,"message":"thoracic traction","#,
        r#""remediation":null,"reference":null}],"#,
        r#""rule_pack_version":"2026.1","engine_version":"0.1.0","#,
        r#""screened_at":"2026-01-01T00:00:00.123Z","#,
        r#""source":{"topic":"encounters","partition":3,"offset":42},"#,
        r#""payer_id":"00882","plan_type":"MEDICARE_PART_B","rendering_npi":"1234567893","#,
        r#""rendering_discipline":"PHYSICAL_THERAPIST","#,
        r#""first_date_of_service":"2026-03-02","last_date_of_service":"2026-03-04","#,
        r#""billed_cents":15000,"at_risk_cents":5000,"alert":null}"#
    );
    assert_eq!(codec::json::outcome_to_json(&outcome()), expected);
    let mut out = b"kept:".to_vec();
    Encoder::new(OutputFormat::Json, None)
        .expect("valid")
        .encode_outcome(&outcome(), &mut out)
        .expect("encodes");
    assert_eq!(out, [b"kept:", expected.as_bytes()].concat());
}

#[test]
fn an_outcome_encodes_to_avro_that_decodes_back_equal() {
    let schema: serde_avro_fast::Schema = OUTCOME_SCHEMA.parse().expect("parses");
    for (format, header) in [
        (OutputFormat::AvroConfluent, vec![0, 0, 0, 0, 9]),
        (
            OutputFormat::AvroSingleObject,
            [&[0xC3, 0x01][..], &codec::outcome_fingerprint()].concat(),
        ),
    ] {
        let mut out = Vec::new();
        Encoder::new(format, Some(9))
            .expect("valid")
            .encode_outcome(&outcome(), &mut out)
            .expect("encodes");
        assert_eq!(out[..header.len()], header[..], "{format:?}");
        let decoded: Outcome =
            serde_avro_fast::from_datum_slice(&out[header.len()..], &schema).expect("decodes");
        assert_eq!(decoded, outcome(), "{format:?}");
    }
}

#[test]
fn apache_avro_reads_our_outcomes() {
    let schema = apache_schema(OUTCOME_SCHEMA);
    let mut out = Vec::new();
    Encoder::new(OutputFormat::AvroSingleObject, None)
        .expect("valid")
        .encode_outcome(&outcome(), &mut out)
        .expect("encodes");
    let value = apache_avro::from_avro_datum(&schema, &mut &out[10..], None).expect("reads");
    let AvroValue::Record(fields) = value else {
        panic!("an outcome is a record");
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(field("verdict"), Some(AvroValue::Enum(2, "FAIL".into())));
    assert_eq!(
        field("screened_at"),
        Some(AvroValue::TimestampMillis(1_767_225_600_123))
    );
    let read: Outcome =
        apache_avro::from_value(&AvroValue::Record(fields)).expect("into our types");
    assert_eq!(read, outcome());
}

// ---- no input makes decode panic -------------------------------------------------------

fn framed(prefix: u8, body: &[u8]) -> Vec<u8> {
    match prefix {
        0 => body.to_vec(),
        1 => confluent(SCHEMA_ID, body),
        2 => [&[0xC3, 0x01][..], &codec::encounter_fingerprint(), body].concat(),
        _ => [b"{".as_slice(), body].concat(),
    }
}

fn decode_everywhere(bytes: &[u8]) -> Result<(), TestCaseError> {
    const CODES: [&str; 6] = [
        "bad_magic_byte",
        "unknown_schema_id",
        "avro_decode",
        "invalid_json",
        "invalid_field",
        "too_large",
    ];
    for format in INPUT_FORMATS {
        if let Err(error) = decoder(format).decode(bytes) {
            prop_assert!(CODES.contains(&error.code()));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_bytes_in_any_framing_never_panic(prefix in 0u8..4, body in proptest::collection::vec(any::<u8>(), 0..600)) {
        decode_everywhere(&framed(prefix, &body))?;
    }

    #[test]
    fn arbitrary_json_ish_text_never_panics(text in r#"[ {}\[\]":,0-9a-zA-Z_.\-+eE\\]{0,300}"#) {
        decode_everywhere(text.as_bytes())?;
    }

    #[test]
    fn corrupted_valid_messages_never_panic(
        format in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encode(OUTPUT_FORMATS[format], &clean_encounter());
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        decode_everywhere(&bytes)?;
        bytes.truncate(cut.index(bytes.len()));
        decode_everywhere(&bytes)?;
    }
}
