//! The outcome schema evolves by optional fields only (CONTRACT.md): a reader with the
//! first published schema (`schemas/history/screening_outcome.v1.avsc`) reads the
//! outcomes we write now, and our reader reads the outcomes written with that schema.
//! Checked with apache-avro's schema resolution (the Java-compatible reference) and with
//! our own decoding path.

use apache_avro::schema_compatibility::SchemaCompatibility;
use apache_avro::types::Value as AvroValue;
use traction_screen_core::codec::{self, Encoder, OUTCOME_SCHEMA, OutputFormat};
use traction_screen_core::domain::{Alert, AlertCondition, Outcome};
use traction_screen_core::testing::sample_outcome;

const V1_SCHEMA: &str = traction_screen_core::codec::OUTCOME_SCHEMA_V1;

/// Fields the first schema had, in its order.
const V1_FIELDS: [&str; 11] = [
    "event_id",
    "claim_id",
    "patient_id",
    "verdict",
    "risk_score",
    "traction_lines",
    "findings",
    "rule_pack_version",
    "engine_version",
    "screened_at",
    "source",
];

fn apache(schema: &str) -> apache_avro::Schema {
    apache_avro::Schema::parse_str(schema).expect("apache-avro parses the schema")
}

/// The sample outcome with every field set, the alert too.
fn new_outcome() -> Outcome {
    Outcome {
        alert: Some(Alert {
            condition: AlertCondition::Rule,
            rule_ids: vec!["TR-001".into()],
        }),
        ..sample_outcome()
    }
}

/// What a v1 writer knew of `outcome`: every added field left out.
fn as_v1(outcome: Outcome) -> Outcome {
    Outcome {
        payer_id: None,
        plan_type: None,
        rendering_npi: None,
        rendering_discipline: None,
        first_date_of_service: None,
        last_date_of_service: None,
        billed_cents: None,
        at_risk_cents: None,
        alert: None,
        ..outcome
    }
}

/// The Avro datum our encoder writes (the single-object header stripped).
pub fn encoded_datum(outcome: &Outcome) -> Vec<u8> {
    let mut out = Vec::new();
    Encoder::new(OutputFormat::AvroSingleObject, None)
        .expect("valid")
        .encode_outcome(outcome, &mut out)
        .expect("encodes");
    let header = [
        &codec::SINGLE_OBJECT_MAGIC[..],
        &codec::outcome_fingerprint(),
    ]
    .concat();
    out.strip_prefix(header.as_slice())
        .expect("single-object header")
        .to_vec()
}

fn field_names(value: &AvroValue) -> Vec<String> {
    let AvroValue::Record(fields) = value else {
        panic!("an outcome is a record: {value:?}");
    };
    fields.iter().map(|(name, _)| name.clone()).collect()
}

#[test]
fn apache_avro_finds_each_schema_able_to_read_the_other() {
    let (v1, now) = (apache(V1_SCHEMA), apache(OUTCOME_SCHEMA));
    assert_eq!(SchemaCompatibility::can_read(&now, &v1), Ok(()));
    assert_eq!(SchemaCompatibility::can_read(&v1, &now), Ok(()));
}

#[test]
fn a_reader_with_the_first_schema_reads_a_new_outcome_without_the_added_fields() {
    let (v1, now) = (apache(V1_SCHEMA), apache(OUTCOME_SCHEMA));
    let datum = encoded_datum(&new_outcome());
    let value = apache_avro::from_avro_datum(&now, &mut datum.as_slice(), Some(&v1))
        .expect("the v1 reader resolves the new writer's datum");
    assert_eq!(field_names(&value), V1_FIELDS);
    let read: Outcome = apache_avro::from_value(&value).expect("into our types");
    assert_eq!(read, as_v1(new_outcome()));
}

/// `outcome` as a v1 writer knew it: our datum resolved to the v1 schema.
pub fn v1_value(outcome: &Outcome) -> AvroValue {
    let (v1, now) = (apache(V1_SCHEMA), apache(OUTCOME_SCHEMA));
    let datum = encoded_datum(outcome);
    apache_avro::from_avro_datum(&now, &mut datum.as_slice(), Some(&v1)).expect("resolves to v1")
}

/// An outcome as a v1 writer wrote it.
fn v1_datum() -> Vec<u8> {
    apache_avro::to_avro_datum(&apache(V1_SCHEMA), v1_value(&new_outcome())).expect("a v1 datum")
}

#[test]
fn the_new_schema_reads_an_outcome_written_with_the_first_one_with_the_added_fields_null() {
    let (v1, now) = (apache(V1_SCHEMA), apache(OUTCOME_SCHEMA));
    let value = apache_avro::from_avro_datum(&v1, &mut v1_datum().as_slice(), Some(&now))
        .expect("the new reader resolves the v1 writer's datum");
    let AvroValue::Record(fields) = &value else {
        panic!("a record");
    };
    let added: Vec<(&str, &AvroValue)> = fields
        .iter()
        .skip(V1_FIELDS.len())
        .map(|(name, value)| (name.as_str(), value))
        .collect();
    let null = AvroValue::Union(0, Box::new(AvroValue::Null));
    let expected: Vec<(&str, &AvroValue)> = [
        "payer_id",
        "plan_type",
        "rendering_npi",
        "rendering_discipline",
        "first_date_of_service",
        "last_date_of_service",
        "billed_cents",
        "at_risk_cents",
        "alert",
    ]
    .into_iter()
    .map(|name| (name, &null))
    .collect();
    assert_eq!(added, expected);
    let read: Outcome = apache_avro::from_value(&value).expect("into our types");
    assert_eq!(read, as_v1(new_outcome()));
}

#[test]
fn our_decoding_reads_a_v1_datum_with_its_writer_schema_into_the_new_type() {
    let v1: serde_avro_fast::Schema = V1_SCHEMA.parse().expect("v1 parses");
    let read: Outcome =
        serde_avro_fast::from_datum_slice(&v1_datum(), &v1).expect("decodes with v1");
    assert_eq!(read, as_v1(new_outcome()));
}

#[test]
fn a_new_outcome_with_an_alert_round_trips_through_avro_and_json() {
    let now: serde_avro_fast::Schema = OUTCOME_SCHEMA.parse().expect("parses");
    let read: Outcome =
        serde_avro_fast::from_datum_slice(&encoded_datum(&new_outcome()), &now).expect("decodes");
    assert_eq!(read, new_outcome());
    let json = codec::json::outcome_to_json(&new_outcome());
    assert!(
        json.ends_with(r#""alert":{"condition":"rule","rule_ids":["TR-001"]}}"#),
        "{json}"
    );
    let read: Outcome = serde_json::from_str(&json).expect("JSON reads back");
    assert_eq!(read, new_outcome());
}
