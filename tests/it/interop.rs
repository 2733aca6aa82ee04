//! Avro interoperability with writers other than ours: single-object messages from the Rust
//! apache-avro crate, which fingerprints schemas with logical types differently from the
//! specification, and a newer writer schema whose enums have symbols our reader lacks (a
//! new plan type or discipline is read as the enum's default `OTHER`; a new symbol of an
//! enum without a default is still refused).

use apache_avro::types::Value as AvroValue;
use serde_json::{Value, json};
use traction_screen_core::codec::{self, Decoder, ENCOUNTER_SCHEMA, InputFormat, container};
use traction_screen_core::domain::{ClaimFrequency, Discipline, Encounter, PlanType};
use traction_screen_core::testing::clean_encounter;

const EXAMPLES: &str = include_str!("../fixtures/examples/encounters.jsonl");

fn examples() -> Vec<Encounter> {
    let json = Decoder::new(InputFormat::Json);
    EXAMPLES
        .lines()
        .map(|line| json.decode(line.as_bytes()).expect("every example decodes"))
        .collect()
}

fn apache_schema(json: &str) -> apache_avro::Schema {
    apache_avro::Schema::parse_str(json).expect("apache-avro parses the schema")
}

/// A single-object message as apache-avro writes it: its own header builder, so its own
/// fingerprint of `schema`.
fn apache_single_object(schema: &apache_avro::Schema, value: AvroValue) -> Vec<u8> {
    let mut writer =
        apache_avro::GenericSingleObjectWriter::new_with_capacity(schema, 1024).expect("a writer");
    let mut bytes = Vec::new();
    writer.write_value(value, &mut bytes).expect("writes");
    bytes
}

/// `event` as a value of `schema`, with enum fields set by symbol (`("payer", "plan_type",
/// "SELF_PAY")`) before it is resolved against the schema.
fn value_of(event: &Encounter, schema: &apache_avro::Schema, symbols: &[Symbol]) -> AvroValue {
    let AvroValue::Record(mut fields) = apache_avro::to_value(event).expect("serializes") else {
        panic!("an encounter is a record");
    };
    for (record, field, symbol) in symbols {
        let slot = match record {
            None => fields.iter_mut().find(|(name, _)| name == field),
            Some(record) => match fields.iter_mut().find(|(name, _)| name == record) {
                Some((_, AvroValue::Record(inner))) => inner.iter_mut().find(|(n, _)| n == field),
                Some((_, AvroValue::Union(_, inner))) => match inner.as_mut() {
                    AvroValue::Record(inner) => inner.iter_mut().find(|(n, _)| n == field),
                    _ => None,
                },
                _ => None,
            },
        };
        slot.expect("the field exists").1 = AvroValue::String((*symbol).to_owned());
    }
    AvroValue::Record(fields)
        .resolve(schema)
        .expect("fits the schema")
}

/// An enum field to set: its record (`None`: the event), its name, the symbol.
pub(crate) type Symbol = (Option<&'static str>, &'static str, &'static str);

// ---- apache-avro's fingerprint -----------------------------------------------------------

#[test]
fn single_object_messages_with_apache_avros_own_fingerprint_are_recognised() {
    let schema = apache_schema(ENCOUNTER_SCHEMA);
    let decoder = Decoder::new(InputFormat::AvroSingleObject);
    for event in examples() {
        let bytes = apache_single_object(&schema, value_of(&event, &schema, &[]));
        assert_ne!(
            bytes[2..10],
            codec::encounter_fingerprint(),
            "apache-avro now writes the specification's fingerprint"
        );
        assert_eq!(decoder.decode(&bytes), Ok(event.clone()));
        assert_eq!(Decoder::new(InputFormat::Auto).decode(&bytes), Ok(event));
    }
}

#[test]
fn a_registered_writer_schema_is_recognised_by_apache_avros_fingerprint_too() {
    let older = edited(|schema| {
        let fields = schema["fields"].as_array_mut().expect("fields");
        fields.retain(|f| f["name"] != "therapy_spend_ytd_cents");
    });
    let schema = apache_schema(&older);
    let decoder = Decoder::new(InputFormat::AvroSingleObject);
    let bytes = apache_single_object(&schema, value_of(&clean_encounter(), &schema, &[]));
    assert_eq!(
        decoder.decode(&bytes).map_err(|e| e.code()),
        Err("unknown_schema_id"),
        "not yet registered"
    );
    let specification = decoder
        .register_single_object_schema(&older)
        .expect("parses");
    assert_ne!(bytes[2..10], specification.to_le_bytes());
    let expected = Encounter {
        therapy_spend_ytd_cents: None,
        ..clean_encounter()
    };
    assert_eq!(decoder.decode(&bytes), Ok(expected));
}

// ---- a newer writer's enum symbols -------------------------------------------------------

/// Our schema with `edit` applied to its JSON.
fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut schema: Value = serde_json::from_str(ENCOUNTER_SCHEMA).expect("JSON");
    edit(&mut schema);
    schema.to_string()
}

/// The symbols of the enum named `name`, wherever it is defined in `schema`.
fn symbols_of<'v>(schema: &'v mut Value, name: &str) -> Option<&'v mut Vec<Value>> {
    if schema.get("name") == Some(&json!(name)) && schema.get("symbols").is_some() {
        return schema.get_mut("symbols")?.as_array_mut();
    }
    match schema {
        Value::Object(object) => object.values_mut().find_map(|v| symbols_of(v, name)),
        Value::Array(items) => items.iter_mut().find_map(|v| symbols_of(v, name)),
        _ => None,
    }
}

/// A newer version of our schema: a plan type before all the others (so every index
/// moves), a discipline, a traction method and a claim frequency at the end.
pub(crate) fn newer_schema() -> String {
    edited(|schema| {
        let added = [
            ("PlanType", 0, "SELF_PAY"),
            ("Discipline", 9, "MASSAGE_THERAPIST"),
            ("TractionMethod", 8, "AQUATIC"),
            ("ClaimFrequency", 3, "CORRECTED"),
        ];
        for (name, at, symbol) in added {
            let symbols = symbols_of(schema, name).expect("the enum exists");
            symbols.insert(at, json!(symbol));
        }
    })
}

/// The Avro datum of `event`, written with [`newer_schema`] and `symbols`.
pub(crate) fn newer_datum(event: &Encounter, symbols: &[Symbol]) -> Vec<u8> {
    let schema = apache_schema(&newer_schema());
    apache_avro::to_avro_datum(&schema, value_of(event, &schema, symbols)).expect("writes")
}

pub(crate) const NEW_PLAN_AND_DISCIPLINE: [Symbol; 2] = [
    (Some("payer"), "plan_type", "SELF_PAY"),
    (
        Some("rendering_provider"),
        "discipline",
        "MASSAGE_THERAPIST",
    ),
];

/// The clean encounter as our reader must see what the newer writer wrote.
fn read_as_other() -> Encounter {
    let mut event = clean_encounter();
    event.payer.plan_type = PlanType::Other;
    event.rendering_provider.discipline = Discipline::Other;
    event
}

fn confluent(id: u32, datum: &[u8]) -> Vec<u8> {
    [&[0][..], &id.to_be_bytes(), datum].concat()
}

#[test]
fn a_new_plan_type_and_discipline_are_read_as_other_in_every_avro_framing() {
    let datum = newer_datum(&clean_encounter(), &NEW_PLAN_AND_DISCIPLINE);
    let decoder = Decoder::new(InputFormat::Auto);
    decoder.register_schema(8, &newer_schema()).expect("parses");
    assert_eq!(decoder.decode(&confluent(8, &datum)), Ok(read_as_other()));

    let specification = decoder
        .register_single_object_schema(&newer_schema())
        .expect("parses");
    let ours = [&[0xC3, 0x01][..], &specification.to_le_bytes(), &datum].concat();
    assert_eq!(decoder.decode(&ours), Ok(read_as_other()));
    let schema = apache_schema(&newer_schema());
    let value = value_of(&clean_encounter(), &schema, &NEW_PLAN_AND_DISCIPLINE);
    let theirs = apache_single_object(&schema, value);
    assert_eq!(decoder.decode(&theirs), Ok(read_as_other()));
}

#[test]
fn symbols_both_readers_know_keep_their_meaning_when_a_newer_writer_moves_them() {
    let decoder = Decoder::new(InputFormat::AvroConfluent);
    decoder.register_schema(8, &newer_schema()).expect("parses");
    for plan in PlanType::ALL {
        let mut event = clean_encounter();
        event.payer.plan_type = plan;
        let datum = newer_datum(&event, &[]);
        assert_eq!(decoder.decode(&confluent(8, &datum)), Ok(event));
    }
}

#[test]
fn a_container_file_of_a_newer_writer_reads_new_symbols_as_other() {
    let schema = apache_schema(&newer_schema());
    let mut writer = apache_avro::Writer::new(&schema, Vec::new());
    let value = value_of(&clean_encounter(), &schema, &NEW_PLAN_AND_DISCIPLINE);
    writer.append(value).expect("appends");
    let file = writer.into_inner().expect("flushes");
    let records: Vec<_> = container::read_encounters(&file[..])
        .expect("a container")
        .map(|record| record.expect("readable").event)
        .collect();
    assert_eq!(records, [Ok(read_as_other())]);
}

#[test]
fn a_new_symbol_of_an_enum_without_a_default_is_refused_naming_the_choices_not_the_symbol() {
    let decoder = Decoder::new(InputFormat::AvroConfluent);
    decoder.register_schema(8, &newer_schema()).expect("parses");
    let refused = |symbols: &[Symbol]| {
        let datum = newer_datum(&clean_encounter(), symbols);
        let error = decoder.decode(&confluent(8, &datum)).expect_err("refused");
        (error.code(), error.to_string())
    };
    assert_eq!(
        refused(&[(Some("traction"), "method", "AQUATIC")]),
        (
            "invalid_field",
            "traction.method: unknown symbol, expected one of `MECHANICAL`, `MANUAL`, \
             `POSITIONAL`, `DECOMPRESSION_DEVICE`, `INTERSEGMENTAL_TABLE`, \
             `FLEXION_DISTRACTION`, `INVERSION`, `HOME_UNIT`"
                .to_owned()
        )
    );
    assert_eq!(
        refused(&[(None, "claim_frequency", "CORRECTED")]),
        (
            "invalid_field",
            "claim_frequency: unknown symbol, expected one of `ORIGINAL`, `REPLACEMENT`, `VOID`"
                .to_owned()
        )
    );
    let replacement = Encounter {
        claim_frequency: ClaimFrequency::Replacement,
        ..clean_encounter()
    };
    let datum = newer_datum(&replacement, &[]);
    assert_eq!(decoder.decode(&confluent(8, &datum)), Ok(replacement));
}
