//! The `.avsc` files against CONTRACT.md: both parse (with serde_avro_fast and with
//! apache-avro), and their fields, types, optionality, defaults and enum symbols are
//! exactly the contract's. The contract's tables are copied here (CI has no ../shared).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};
use traction_screen_core::codec::{ENCOUNTER_SCHEMA, OUTCOME_SCHEMA};

/// CONTRACT.md §1, one row per field: (path, type, optional).
const ENCOUNTER_FIELDS: &[(&str, &str, bool)] = &[
    ("event_id", "string", false),
    ("event_time", "timestamp-millis", false),
    ("claim_id", "string", false),
    ("claim_frequency", "enum", false),
    ("patient_id", "string", false),
    ("payer", "record", false),
    ("payer.payer_id", "string", false),
    ("payer.plan_type", "enum", false),
    ("rendering_provider", "record", false),
    ("rendering_provider.npi", "string", false),
    ("rendering_provider.discipline", "enum", false),
    ("referring_provider_npi", "string", true),
    ("place_of_service", "string", false),
    ("plan_of_care", "record", true),
    ("plan_of_care.certified", "boolean", false),
    ("plan_of_care.start_date", "date", false),
    ("plan_of_care.certified_through", "date", true),
    ("plan_of_care.certifying_npi", "string", true),
    ("diagnoses", "array<record>", false),
    ("diagnoses[].pointer", "int", false),
    ("diagnoses[].code", "string", false),
    ("service_lines", "array<record>", false),
    ("service_lines[].line_number", "int", false),
    ("service_lines[].procedure_code", "string", false),
    ("service_lines[].modifiers", "array<string>", false),
    ("service_lines[].units", "int", false),
    ("service_lines[].minutes", "int", true),
    ("service_lines[].date_of_service", "date", false),
    ("service_lines[].diagnosis_pointers", "array<int>", false),
    ("service_lines[].charge_cents", "long", false),
    ("service_lines[].body_region", "enum", true),
    ("traction", "record", true),
    ("traction.method", "enum", false),
    ("traction.device_name", "string", true),
    ("traction.mode", "enum", true),
    ("traction.region", "enum", true),
    ("traction.force_lbs", "double", true),
    ("traction.duration_minutes", "int", true),
    ("traction.patient_position", "string", true),
    ("traction.patient_response", "string", true),
    ("traction.performed_by", "enum", true),
    ("episode", "record", true),
    ("episode.start_date", "date", false),
    ("episode.visit_number", "int", false),
    ("episode.visits_since_progress_report", "int", true),
    ("episode.last_progress_report_date", "date", true),
    ("therapy_spend_ytd_cents", "long", true),
];

/// CONTRACT.md §2.
const OUTCOME_FIELDS: &[(&str, &str, bool)] = &[
    ("event_id", "string", false),
    ("claim_id", "string", false),
    ("patient_id", "string", false),
    ("verdict", "enum", false),
    ("risk_score", "int", false),
    ("traction_lines", "int", false),
    ("findings", "array<record>", false),
    ("findings[].rule_id", "string", false),
    ("findings[].severity", "enum", false),
    ("findings[].line_number", "int", true),
    ("findings[].message", "string", false),
    ("findings[].remediation", "string", true),
    ("findings[].reference", "string", true),
    ("rule_pack_version", "string", false),
    ("engine_version", "string", false),
    ("screened_at", "timestamp-millis", false),
    ("source", "record", true),
    ("source.topic", "string", false),
    ("source.partition", "int", false),
    ("source.offset", "long", false),
    ("payer_id", "string", true),
    ("plan_type", "enum", true),
    ("rendering_npi", "string", true),
    ("rendering_discipline", "enum", true),
    ("first_date_of_service", "date", true),
    ("last_date_of_service", "date", true),
    ("billed_cents", "long", true),
    ("at_risk_cents", "long", true),
    ("alert", "record", true),
    ("alert.condition", "string", false),
    ("alert.rule_ids", "array<string>", false),
];

const BODY_REGIONS: &[&str] = &[
    "CERVICAL",
    "THORACIC",
    "LUMBAR",
    "SACRAL",
    "PELVIC",
    "UPPER_EXTREMITY",
    "LOWER_EXTREMITY",
];

fn encounter_enums() -> BTreeMap<&'static str, Vec<&'static str>> {
    BTreeMap::from([
        ("claim_frequency", vec!["ORIGINAL", "REPLACEMENT", "VOID"]),
        (
            "payer.plan_type",
            vec![
                "MEDICARE_PART_B",
                "MEDICARE_ADVANTAGE",
                "MEDICAID",
                "COMMERCIAL",
                "WORKERS_COMP",
                "AUTO",
                "OTHER",
            ],
        ),
        (
            "rendering_provider.discipline",
            vec![
                "PHYSICAL_THERAPIST",
                "PHYSICAL_THERAPIST_ASSISTANT",
                "OCCUPATIONAL_THERAPIST",
                "CHIROPRACTOR",
                "PHYSICIAN",
                "NURSE_PRACTITIONER",
                "PHYSICIAN_ASSISTANT",
                "ATHLETIC_TRAINER",
                "OTHER",
            ],
        ),
        ("service_lines[].body_region", BODY_REGIONS.to_vec()),
        (
            "traction.method",
            vec![
                "MECHANICAL",
                "MANUAL",
                "POSITIONAL",
                "DECOMPRESSION_DEVICE",
                "INTERSEGMENTAL_TABLE",
                "FLEXION_DISTRACTION",
                "INVERSION",
                "HOME_UNIT",
            ],
        ),
        ("traction.mode", vec!["STATIC", "INTERMITTENT"]),
        ("traction.region", BODY_REGIONS.to_vec()),
        (
            "traction.performed_by",
            vec!["THERAPIST", "ASSISTANT", "AIDE"],
        ),
    ])
}

/// One field of a schema, flattened: nested record fields as `a.b`, array items as `a[].b`.
#[derive(Debug)]
struct Field {
    path: String,
    kind: String,
    optional: bool,
    default: Option<Value>,
    has_doc: bool,
    symbols: Option<Vec<String>>,
    /// An enum's own `default` (the symbol a reader uses for a writer's unknown one).
    enum_default: Option<Value>,
}

/// Flattens a record schema, resolving references to named types defined earlier.
fn flatten(schema: &str) -> Vec<Field> {
    let root: Value = serde_json::from_str(schema).expect("schema is JSON");
    let mut named = HashMap::new();
    let mut fields = Vec::new();
    walk_record(&root, "", &mut named, &mut fields);
    fields
}

fn walk_record(
    record: &Value,
    prefix: &str,
    named: &mut HashMap<String, Value>,
    out: &mut Vec<Field>,
) {
    for field in record["fields"].as_array().expect("a record has fields") {
        let name = field["name"].as_str().expect("a field has a name");
        let path = format!("{prefix}{name}");
        let (optional, ty) = match field["type"].as_array() {
            Some(union) => {
                assert_eq!(union.len(), 2, "{path}: only [\"null\", T] unions");
                assert_eq!(union[0], json!("null"), "{path}: null comes first");
                (true, &union[1])
            }
            None => (false, &field["type"]),
        };
        let ty = resolve(ty, named);
        let kind = describe(&ty, named);
        let symbols = ty["symbols"].as_array().map(|symbols| {
            symbols
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        });
        out.push(Field {
            path: path.clone(),
            kind: kind.clone(),
            optional,
            default: field.get("default").cloned(),
            has_doc: field["doc"].as_str().is_some_and(|doc| !doc.is_empty()),
            symbols,
            enum_default: ty.get("default").cloned(),
        });
        if kind == "record" {
            walk_record(&ty, &format!("{path}."), named, out);
        } else if kind == "array<record>" {
            let items = resolve(&ty["items"], named);
            walk_record(&items, &format!("{path}[]."), named, out);
        }
    }
}

/// A named reference becomes its definition; a definition is remembered by name.
fn resolve(ty: &Value, named: &mut HashMap<String, Value>) -> Value {
    if let Some(name) = ty.as_str() {
        if let Some(definition) = named.get(name) {
            return definition.clone();
        }
    }
    if let Some(name) = ty["name"].as_str() {
        named.insert(name.to_owned(), ty.clone());
    }
    ty.clone()
}

fn describe(ty: &Value, named: &mut HashMap<String, Value>) -> String {
    if let Some(primitive) = ty.as_str() {
        return primitive.to_owned();
    }
    if let Some(logical) = ty["logicalType"].as_str() {
        return logical.to_owned();
    }
    match ty["type"].as_str() {
        Some("array") => {
            let items = resolve(&ty["items"], named);
            format!("array<{}>", describe(&items, named))
        }
        Some(other) => other.to_owned(),
        None => panic!("unexpected type {ty}"),
    }
}

fn contract_rows(fields: &[Field]) -> Vec<(&str, &str, bool)> {
    fields
        .iter()
        .map(|f| (f.path.as_str(), f.kind.as_str(), f.optional))
        .collect()
}

#[test]
fn both_schemas_parse_with_serde_avro_fast_and_apache_avro() {
    for schema in [ENCOUNTER_SCHEMA, OUTCOME_SCHEMA] {
        assert!(schema.parse::<serde_avro_fast::Schema>().is_ok());
        assert!(apache_avro::Schema::parse_str(schema).is_ok());
    }
}

#[test]
fn the_records_have_the_contract_names() {
    for (schema, name) in [
        (ENCOUNTER_SCHEMA, "EncounterEvent"),
        (OUTCOME_SCHEMA, "ScreeningOutcome"),
    ] {
        let root: Value = serde_json::from_str(schema).expect("JSON");
        assert_eq!(
            (root["name"].as_str(), root["namespace"].as_str()),
            (Some(name), Some("io.tractionscreen"))
        );
    }
}

#[test]
fn the_encounter_schema_has_exactly_the_contract_fields() {
    assert_eq!(contract_rows(&flatten(ENCOUNTER_SCHEMA)), ENCOUNTER_FIELDS);
}

#[test]
fn the_outcome_schema_has_exactly_the_contract_fields() {
    assert_eq!(contract_rows(&flatten(OUTCOME_SCHEMA)), OUTCOME_FIELDS);
}

#[test]
fn the_encounter_enums_have_exactly_the_contract_symbols() {
    let fields = flatten(ENCOUNTER_SCHEMA);
    let enums: BTreeMap<&str, Vec<&str>> = fields
        .iter()
        .filter(|f| f.kind == "enum")
        .map(|f| {
            let symbols = f.symbols.as_ref().expect("an enum has symbols");
            (
                f.path.as_str(),
                symbols.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(enums, encounter_enums());
}

#[test]
fn the_outcome_enums_have_exactly_the_contract_symbols() {
    let fields = flatten(OUTCOME_SCHEMA);
    let symbols = |path: &str| {
        fields
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| f.symbols.clone())
    };
    assert_eq!(
        symbols("verdict"),
        Some(vec!["PASS".into(), "REVIEW".into(), "FAIL".into()])
    );
    assert_eq!(
        symbols("findings[].severity"),
        Some(vec!["INFO".into(), "WARNING".into(), "ERROR".into()])
    );
    let encounter = encounter_enums();
    let owned = |path: &str| Some(encounter[path].iter().map(|s| s.to_string()).collect());
    assert_eq!(symbols("plan_type"), owned("payer.plan_type"));
    assert_eq!(
        symbols("rendering_discipline"),
        owned("rendering_provider.discipline")
    );
}

#[test]
fn optional_fields_default_to_null_and_required_ones_have_no_default_but_the_contract_ones() {
    for schema in [ENCOUNTER_SCHEMA, OUTCOME_SCHEMA] {
        for field in flatten(schema) {
            let expected = match field.path.as_str() {
                "claim_frequency" => Some(json!("ORIGINAL")),
                "service_lines[].modifiers" | "alert.rule_ids" => Some(json!([])),
                _ if field.optional => Some(Value::Null),
                _ => None,
            };
            assert_eq!(field.default, expected, "{}", field.path);
        }
    }
}

#[test]
fn every_field_has_a_doc_string() {
    for schema in [ENCOUNTER_SCHEMA, OUTCOME_SCHEMA] {
        let undocumented: Vec<String> = flatten(schema)
            .into_iter()
            .filter(|f| !f.has_doc)
            .map(|f| f.path)
            .collect();
        assert_eq!(undocumented, Vec::<String>::new());
    }
}

/// Avro schema resolution reads a symbol the reader lacks as the reader enum's `default`:
/// only where "other" is a safe reading. A new claim frequency (a corrected claim), method,
/// region, verdict or severity must be refused, not screened as something else.
#[test]
fn only_plan_type_and_discipline_read_unknown_symbols_as_other() {
    for schema in [ENCOUNTER_SCHEMA, OUTCOME_SCHEMA] {
        for field in flatten(schema) {
            let expected = match field.path.as_str() {
                "payer.plan_type" | "rendering_provider.discipline" => Some(json!("OTHER")),
                _ => None,
            };
            assert_eq!(field.enum_default, expected, "{}", field.path);
        }
    }
}
