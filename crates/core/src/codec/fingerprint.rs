//! Schema fingerprints as single-object writers compute them: the 64-bit Rabin fingerprint
//! of a schema's Parsing Canonical Form, in both forms found in the wild.
//!
//! The specification (and Java, Python, serde_avro_fast) strips logical types, so
//! `{"type": "int", "logicalType": "date"}` becomes `"int"`. The Rust `apache-avro` crate
//! strips the `logicalType` attribute but keeps the object, `{"type":"int"}` (0.17 onwards;
//! apache/avro-rs#61), so its single-object messages carry another fingerprint for any
//! schema with a logical type. Both are computed here, once per schema.

use serde_avro_fast::schema::{LogicalType, RegularType, SchemaKey, SchemaMut, SchemaNode};

/// How a canonical form writes a node that has a logical type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// The specification's: the logical type is dropped, the node is its base type.
    Specification,
    /// The Rust `apache-avro` crate's (0.17 to 0.22 at least).
    ApacheAvroRust,
}

/// The fingerprints of `schema` in every dialect, the specification's first.
pub(crate) fn fingerprints(schema: &SchemaMut) -> [[u8; 8]; 2] {
    [Dialect::Specification, Dialect::ApacheAvroRust]
        .map(|dialect| rabin(canonical_form(schema, dialect).as_bytes()))
}

/// The Parsing Canonical Form of `schema` in `dialect`.
pub(crate) fn canonical_form(schema: &SchemaMut, dialect: Dialect) -> String {
    let mut writer = Canonical {
        schema,
        dialect,
        named_written: vec![false; schema.nodes().len()],
        out: String::new(),
    };
    writer.node(SchemaKey::root());
    writer.out
}

struct Canonical<'s> {
    schema: &'s SchemaMut,
    dialect: Dialect,
    /// Named types are written in full once, then by name.
    named_written: Vec<bool>,
    out: String,
}

impl Canonical<'_> {
    fn node(&mut self, key: SchemaKey) {
        let node = &self.schema[key];
        if let Some(name) = node.type_.name() {
            if std::mem::replace(&mut self.named_written[key.idx()], true) {
                self.out.push_str(&quoted(name.fully_qualified_name()));
                return;
            }
        }
        if self.dialect == Dialect::ApacheAvroRust && self.apache_logical(node) {
            return;
        }
        self.regular(&node.type_);
    }

    fn regular(&mut self, type_: &RegularType) {
        let primitive = match type_ {
            RegularType::Null => "null",
            RegularType::Boolean => "boolean",
            RegularType::Int => "int",
            RegularType::Long => "long",
            RegularType::Float => "float",
            RegularType::Double => "double",
            RegularType::Bytes => "bytes",
            RegularType::String => "string",
            RegularType::Array(array) => {
                return self.wrapped(r#"{"type":"array","items":"#, array.items);
            }
            RegularType::Map(map) => return self.wrapped(r#"{"type":"map","values":"#, map.values),
            RegularType::Union(union) => {
                self.out.push('[');
                self.list(&union.variants, |this, &variant| this.node(variant));
                self.out.push(']');
                return;
            }
            RegularType::Enum(enum_) => {
                let symbols: Vec<String> = enum_.symbols.iter().map(|s| quoted(s)).collect();
                let name = quoted(enum_.name.fully_qualified_name());
                let symbols = symbols.join(",");
                self.out.push_str(&format!(
                    r#"{{"name":{name},"type":"enum","symbols":[{symbols}]}}"#
                ));
                return;
            }
            RegularType::Fixed(fixed) => {
                self.fixed(fixed.name.fully_qualified_name(), fixed.size, "");
                return;
            }
            RegularType::Record(record) => {
                let name = quoted(record.name.fully_qualified_name());
                self.out
                    .push_str(&format!(r#"{{"name":{name},"type":"record","fields":["#));
                self.list(&record.fields, |this, field| {
                    let name = quoted(&field.name);
                    this.out.push_str(&format!(r#"{{"name":{name},"type":"#));
                    this.node(field.type_);
                    this.out.push('}');
                });
                self.out.push_str("]}");
                return;
            }
        };
        self.out.push_str(&quoted(primitive));
    }

    /// apache-avro's form of a node with a logical type it knows; `false` (nothing written)
    /// when it writes the node as the specification does.
    fn apache_logical(&mut self, node: &SchemaNode) -> bool {
        let Some(logical) = &node.logical_type else {
            return false;
        };
        let base = match (logical.as_str(), &node.type_) {
            ("date" | "time-millis", RegularType::Int) => "int",
            ("uuid", RegularType::String) => "string",
            ("big-decimal", RegularType::Bytes) => "bytes",
            (
                "time-micros"
                | "timestamp-millis"
                | "timestamp-micros"
                | "timestamp-nanos"
                | "local-timestamp-millis"
                | "local-timestamp-micros"
                | "local-timestamp-nanos",
                RegularType::Long,
            ) => "long",
            ("duration", RegularType::Fixed(fixed)) if fixed.size == 12 => {
                // apache-avro names the fixed `duration`, whatever the schema called it.
                self.out.push_str(r#"{"type":"#);
                self.fixed("duration", 12, "");
                self.out.push('}');
                return true;
            }
            _ => return self.apache_decimal(logical, &node.type_),
        };
        self.out
            .push_str(&format!(r#"{{"type":{}}}"#, quoted(base)));
        true
    }

    /// A decimal keeps its precision and scale, the only attributes after `type` and `size`
    /// in the canonical order.
    fn apache_decimal(&mut self, logical: &LogicalType, type_: &RegularType) -> bool {
        let LogicalType::Decimal(decimal) = logical else {
            return false;
        };
        let digits = format!(
            r#","precision":{},"scale":{}"#,
            decimal.precision, decimal.scale
        );
        match type_ {
            RegularType::Bytes => self.out.push_str(&format!(r#"{{"type":"bytes"{digits}}}"#)),
            RegularType::Fixed(fixed) => {
                self.fixed(fixed.name.fully_qualified_name(), fixed.size, &digits);
            }
            _ => return false,
        }
        true
    }

    fn fixed(&mut self, name: &str, size: usize, rest: &str) {
        let name = quoted(name);
        self.out.push_str(&format!(
            r#"{{"name":{name},"type":"fixed","size":{size}{rest}}}"#
        ));
    }

    fn wrapped(&mut self, head: &str, inner: SchemaKey) {
        self.out.push_str(head);
        self.node(inner);
        self.out.push('}');
    }

    fn list<T>(&mut self, items: &[T], mut write: impl FnMut(&mut Self, &T)) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write(self, item);
        }
    }
}

/// As the reference implementation writes names and symbols: quoted, not escaped (Avro
/// names cannot hold characters that need escaping).
fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

/// The 64-bit Rabin fingerprint of the specification ("Schema Fingerprints"), as the
/// little-endian bytes a single-object header carries.
pub(crate) fn rabin(bytes: &[u8]) -> [u8; 8] {
    let mut fingerprint = EMPTY;
    for &byte in bytes {
        fingerprint = (fingerprint >> 8) ^ TABLE[((fingerprint ^ u64::from(byte)) & 0xff) as usize];
    }
    fingerprint.to_le_bytes()
}

const EMPTY: u64 = 0xc15d_213a_a4d7_a795;

static TABLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut fingerprint = i as u64;
        let mut bit = 0;
        while bit < 8 {
            fingerprint = (fingerprint >> 1) ^ (EMPTY & 0u64.wrapping_sub(fingerprint & 1));
            bit += 1;
        }
        table[i] = fingerprint;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{ENCOUNTER_SCHEMA, OUTCOME_SCHEMA};

    fn schema(json: &str) -> SchemaMut {
        json.parse().expect("a valid schema")
    }

    #[test]
    fn rabin_matches_the_specifications_examples() {
        // From the specification's reference implementation tests (as signed longs).
        let cases: [(&str, i64); 3] = [
            (r#""null""#, 7_195_948_357_588_979_594),
            (r#""boolean""#, -6_970_731_678_124_411_036),
            (
                r#"{"name":"foo","type":"fixed","size":15}"#,
                1_756_455_273_707_447_556,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                i64::from_le_bytes(rabin(text.as_bytes())),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn the_specification_form_gives_serde_avro_fasts_fingerprint() {
        for json in [ENCOUNTER_SCHEMA, OUTCOME_SCHEMA, EVERY_LOGICAL_TYPE] {
            let parsed = schema(json);
            let expected = parsed
                .canonical_form_rabin_fingerprint()
                .expect("fingerprint");
            assert_eq!(fingerprints(&parsed)[0], expected);
        }
    }

    #[test]
    fn the_apache_avro_form_keeps_an_object_where_a_logical_type_was() {
        let json = r#"{"type": "record", "name": "r", "namespace": "n", "fields": [
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {"name": "at", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}]}
        ]}"#;
        let parsed = schema(json);
        let fields = r#"{"name":"day","type":"#;
        assert_eq!(
            canonical_form(&parsed, Dialect::Specification),
            format!(
                r#"{{"name":"n.r","type":"record","fields":[{fields}"int"}},{{"name":"at","type":["null","long"]}}]}}"#
            )
        );
        assert_eq!(
            canonical_form(&parsed, Dialect::ApacheAvroRust),
            format!(
                r#"{{"name":"n.r","type":"record","fields":[{fields}{{"type":"int"}}}},{{"name":"at","type":["null",{{"type":"long"}}]}}]}}"#
            )
        );
    }

    fn apache_avro_fingerprint(json: &str) -> [u8; 8] {
        let schema = apache_avro::Schema::parse_str(json).expect("apache-avro parses it");
        let bytes = schema.fingerprint::<apache_avro::rabin::Rabin>().bytes;
        bytes.try_into().expect("8 bytes")
    }

    /// Every logical type apache-avro 0.21 knows, each where it writes something else than
    /// the specification.
    const EVERY_LOGICAL_TYPE: &str = r#"{"type": "record", "name": "All", "namespace": "t",
      "fields": [
        {"name": "date", "type": {"type": "int", "logicalType": "date"}},
        {"name": "time_ms", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "time_us", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "ts_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "ts_ns", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
        {"name": "local_ms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "local_us", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
        {"name": "local_ns", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "big", "type": {"type": "bytes", "logicalType": "big-decimal"}},
        {"name": "money", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "fixed_money", "type": {"type": "fixed", "name": "Money", "size": 8,
          "logicalType": "decimal", "precision": 12, "scale": 3}},
        {"name": "more_money", "type": "Money"},
        {"name": "wait", "type": {"type": "fixed", "name": "Wait", "size": 12, "logicalType": "duration"}},
        {"name": "custom", "type": {"type": "long", "logicalType": "not-a-known-one"}}
      ]}"#;

    #[test]
    fn the_apache_avro_form_gives_apache_avros_fingerprint() {
        for json in [ENCOUNTER_SCHEMA, OUTCOME_SCHEMA, EVERY_LOGICAL_TYPE] {
            let [specification, apache] = fingerprints(&schema(json));
            assert_eq!(apache, apache_avro_fingerprint(json));
            assert_ne!(
                apache, specification,
                "apache-avro now follows the specification"
            );
        }
    }

    #[test]
    fn without_logical_types_both_forms_are_the_same() {
        let parsed = schema(r#"{"type": "enum", "name": "E", "symbols": ["A", "B"]}"#);
        let [specification, apache] = fingerprints(&parsed);
        assert_eq!(specification, apache);
    }
}
