//! The part of Avro schema resolution serde_avro_fast leaves to us, done once per writer
//! schema rather than per message: enum defaults.
//!
//! The specification: "if the writer's symbol is not present in the reader's enum and the
//! reader has a default value, then that value is used, otherwise an error is signalled".
//! serde_avro_fast decodes with the writer's schema alone and hands our types the writer's
//! symbol, which they refuse when it is new. So in every enum of a writer schema that our
//! reader schema ([`ENCOUNTER_SCHEMA`]) also has (same unqualified name, as the
//! specification matches named types) and gives a `default`, each symbol our reader lacks
//! is replaced by that default. Positions are kept, so a datum's symbol index decodes to the
//! default. An enum without a default keeps its symbols, and a new one is refused as
//! `invalid_field`.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_avro_fast::schema::{RegularType, SchemaMut};
use serde_json::Value;

use super::ENCOUNTER_SCHEMA;

/// An enum of our reader schema that declares a default.
#[derive(Debug, PartialEq)]
struct ReaderEnum {
    symbols: Vec<String>,
    default: String,
}

/// Our reader's enums with a default, by unqualified name.
static READER_ENUMS: LazyLock<HashMap<String, ReaderEnum>> =
    LazyLock::new(|| enums_with_defaults(ENCOUNTER_SCHEMA));

/// Replaces the symbols our reader lacks with its defaults, in every enum of `writer`
/// that our reader knows by name and gives a default.
pub(crate) fn apply_enum_defaults(writer: &mut SchemaMut) {
    for node in writer.nodes_mut() {
        let RegularType::Enum(writer_enum) = &mut node.type_ else {
            continue;
        };
        let Some(reader) = READER_ENUMS.get(writer_enum.name.name()) else {
            continue;
        };
        for symbol in &mut writer_enum.symbols {
            if !reader.symbols.contains(symbol) {
                symbol.clone_from(&reader.default);
            }
        }
    }
}

fn enums_with_defaults(schema_json: &str) -> HashMap<String, ReaderEnum> {
    let root: Value = serde_json::from_str(schema_json).expect("our schema is JSON (tested)");
    let mut found = HashMap::new();
    collect(&root, &mut found);
    found
}

fn collect(value: &Value, found: &mut HashMap<String, ReaderEnum>) {
    match value {
        Value::Object(object) => {
            if object.get("type").and_then(Value::as_str) == Some("enum") {
                let name = object.get("name").and_then(Value::as_str);
                let default = object.get("default").and_then(Value::as_str);
                let symbols = object.get("symbols").and_then(Value::as_array);
                if let (Some(name), Some(default), Some(symbols)) = (name, default, symbols) {
                    let unqualified = name.rsplit('.').next().unwrap_or(name);
                    let symbols = symbols.iter().filter_map(Value::as_str);
                    let reader = ReaderEnum {
                        symbols: symbols.map(str::to_owned).collect(),
                        default: default.to_owned(),
                    };
                    found.insert(unqualified.to_owned(), reader);
                }
            }
            object.values().for_each(|inner| collect(inner, found));
        }
        Value::Array(items) => items.iter().for_each(|inner| collect(inner, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_reader_gives_defaults_to_plan_type_and_discipline_only() {
        let mut names: Vec<(&str, &str)> = READER_ENUMS
            .iter()
            .map(|(name, reader)| (name.as_str(), reader.default.as_str()))
            .collect();
        names.sort_unstable();
        assert_eq!(names, [("Discipline", "OTHER"), ("PlanType", "OTHER")]);
    }

    fn symbols_after_resolution(writer_json: &str) -> Vec<Vec<String>> {
        let mut writer: SchemaMut = writer_json.parse().expect("a valid schema");
        apply_enum_defaults(&mut writer);
        writer
            .nodes()
            .iter()
            .filter_map(|node| match &node.type_ {
                RegularType::Enum(e) => Some(e.symbols.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_symbol_the_reader_lacks_becomes_the_default_in_its_place() {
        let writer = r#"{"type": "record", "name": "R", "fields": [
            {"name": "p", "type": {"type": "enum", "name": "other.ns.PlanType",
              "symbols": ["MEDICAID", "NEW_PLAN", "OTHER", "AUTO"]}},
            {"name": "m", "type": {"type": "enum", "name": "TractionMethod",
              "symbols": ["MANUAL", "NEW_METHOD"]}}
        ]}"#;
        assert_eq!(
            symbols_after_resolution(writer),
            [
                vec!["MEDICAID", "OTHER", "OTHER", "AUTO"],
                vec!["MANUAL", "NEW_METHOD"]
            ]
        );
    }
}
