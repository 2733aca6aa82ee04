//! Decode and encode errors, and the translation of serde's messages into ours.
//!
//! A [`DecodeError`] becomes a dead letter: its [`code`](DecodeError::code) is the bounded
//! `dlq.reason` header and metric label, its `Display` the `dlq.error` header. That text
//! names the problem and the field *path* (`service_lines[1].date_of_service`), never a
//! value from the payload: serde's own messages quote values (`invalid type: string
//! "Jane"`), so they are rewritten here from a whitelist of known shapes, and anything
//! unrecognised becomes a generic description.

use std::borrow::Cow;

use serde_path_to_error::{Path, Segment};

/// Why a message value could not become an [`Encounter`](crate::domain::Encounter).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The first bytes match no accepted framing.
    #[error("{0}")]
    BadMagicByte(&'static str),
    /// A Confluent schema id the decoder has no writer schema for (yet).
    #[error("unknown writer schema id {0} (not registered with the decoder)")]
    UnknownSchemaId(u32),
    /// A single-object fingerprint the decoder has no writer schema for.
    #[error("unknown writer schema fingerprint {0:016x} (single-object encoding)")]
    UnknownFingerprint(u64),
    /// The Avro bytes (or a writer schema) are malformed.
    #[error("{}", located(path, problem))]
    AvroDecode {
        path: String,
        problem: Cow<'static, str>,
    },
    /// The bytes are not JSON.
    #[error("invalid JSON at line {line}, column {column}: {problem}")]
    InvalidJson {
        line: usize,
        column: usize,
        problem: Cow<'static, str>,
    },
    /// A field has the wrong type, an impossible value, or is missing.
    #[error("{}", located(path, problem))]
    InvalidField {
        path: String,
        problem: Cow<'static, str>,
    },
    /// The message, an array or a string is over its limit (see `codec::limits`).
    #[error("{}", located(path, problem))]
    TooLarge {
        path: String,
        problem: Cow<'static, str>,
    },
}

impl DecodeError {
    /// Every reason [`code`](Self::code) can return (CONTRACT.md §3), e.g. for metric
    /// series that exist before the first dead letter.
    pub const CODES: [&'static str; 6] = [
        "bad_magic_byte",
        "unknown_schema_id",
        "avro_decode",
        "invalid_json",
        "invalid_field",
        "too_large",
    ];

    /// The stable reason code: the `dlq.reason` header and the metric label.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::BadMagicByte(_) => "bad_magic_byte",
            DecodeError::UnknownSchemaId(_) | DecodeError::UnknownFingerprint(_) => {
                "unknown_schema_id"
            }
            DecodeError::AvroDecode { .. } => "avro_decode",
            DecodeError::InvalidJson { .. } => "invalid_json",
            DecodeError::InvalidField { .. } => "invalid_field",
            DecodeError::TooLarge { .. } => "too_large",
        }
    }

    pub(crate) fn invalid_field(
        path: impl Into<String>,
        problem: impl Into<Cow<'static, str>>,
    ) -> Self {
        DecodeError::InvalidField {
            path: path.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn too_large(
        path: impl Into<String>,
        problem: impl Into<Cow<'static, str>>,
    ) -> Self {
        DecodeError::TooLarge {
            path: path.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn avro(path: impl Into<String>, problem: impl Into<Cow<'static, str>>) -> Self {
        DecodeError::AvroDecode {
            path: path.into(),
            problem: problem.into(),
        }
    }
}

fn located(path: &str, problem: &str) -> String {
    if path.is_empty() {
        problem.to_owned()
    } else {
        format!("{path}: {problem}")
    }
}

/// Why an outcome (or encounter) could not be encoded. Encoding our own types with our
/// own schemas only fails on a programming error, so these say where, not what value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("avro-confluent output needs the schema id the registry assigned to the schema")]
    MissingSchemaId,
    #[error(
        "cannot encode {record} as Avro{}: value does not fit the schema",
        at(path)
    )]
    Avro { record: &'static str, path: String },
    #[error("cannot encode {record} as JSON")]
    Json { record: &'static str },
    /// Writing the encoded bytes failed (a container file's output).
    #[error("cannot write: {0}")]
    Io(String),
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

/// Turns a serde *data* error (one raised by our types' `Deserialize` impls, not by the
/// byte-level reader) into a payload-free [`DecodeError::InvalidField`]; `None` when
/// `message` is not one of the data-error shapes serde and our domain types produce.
/// `path` is already rendered by [`path_to_string`].
pub(crate) fn data_error(path: &str, message: &str) -> Option<DecodeError> {
    let within = |field: &str| -> Option<String> {
        identifier(field).then(|| {
            if path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            }
        })
    };
    let problem: Cow<'static, str> = if let Some(rest) = message.strip_prefix("missing field ") {
        return Some(DecodeError::invalid_field(
            within(backticked(rest)?)?,
            "required field is missing",
        ));
    } else if let Some(rest) = message.strip_prefix("duplicate field ") {
        return Some(DecodeError::invalid_field(
            within(backticked(rest)?)?,
            "field appears more than once",
        ));
    } else if message.starts_with("invalid type: ") {
        expected("wrong type", message).into()
    } else if message.starts_with("invalid value: ") {
        expected("invalid value", message).into()
    } else if message.starts_with("invalid length ") {
        expected("wrong number of items", message).into()
    } else if message.starts_with("unknown variant ") {
        expected("unknown symbol", message).into()
    } else if let Some(known) = DOMAIN_MESSAGES.iter().find(|known| message == **known) {
        Cow::Borrowed(*known)
    } else {
        return None;
    };
    let path = if path.is_empty() { "event" } else { path };
    Some(DecodeError::invalid_field(path, problem))
}

/// The custom messages of `domain::time`'s visitors; they quote no value.
const DOMAIN_MESSAGES: [&str; 4] = [
    "date out of range",
    "not a valid YYYY-MM-DD date",
    "timestamp out of range",
    "not a valid RFC 3339 instant",
];

/// `"{what}, expected {…}"`, keeping serde's `expected` part: it comes from our types'
/// `Visitor::expecting` (static text), and it is always the last `, expected ` clause,
/// after the quoted value, so a value containing those words cannot leak through.
fn expected(what: &str, message: &str) -> String {
    match message.rfind(", expected ") {
        Some(at) => {
            let wanted = &message[at + ", expected ".len()..];
            let out_of_range = what == "invalid value";
            format!("{what}, expected {}", in_users_words(wanted, out_of_range))
        }
        None => what.to_owned(),
    }
}

/// serde's expectation in the words of the JSON a user wrote: Rust's type names (`i32`,
/// `f64`, `a sequence`, `struct Encounter`) become an integer, a number, an array, an
/// object; an integer that was out of range gets its range.
fn in_users_words(wanted: &str, out_of_range: bool) -> Cow<'static, str> {
    const INTEGERS: [(&str, i128, i128); 8] = [
        ("i8", i8::MIN as i128, i8::MAX as i128),
        ("i16", i16::MIN as i128, i16::MAX as i128),
        ("i32", i32::MIN as i128, i32::MAX as i128),
        ("i64", i64::MIN as i128, i64::MAX as i128),
        ("u8", 0, u8::MAX as i128),
        ("u16", 0, u16::MAX as i128),
        ("u32", 0, u32::MAX as i128),
        ("u64", 0, u64::MAX as i128),
    ];
    if let Some((_, min, max)) = INTEGERS.iter().find(|(name, _, _)| *name == wanted) {
        return match out_of_range {
            true => format!("an integer from {min} to {max}").into(),
            false => "an integer".into(),
        };
    }
    match wanted {
        "f32" | "f64" => "a number".into(),
        "a sequence" => "an array".into(),
        "a map" => "an object".into(),
        _ if wanted.starts_with("struct ") => "an object".into(),
        _ => wanted.to_owned().into(),
    }
}

/// The text between the first pair of backticks.
fn backticked(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('`')?;
    inner.split('`').next()
}

/// Field names are snake_case identifiers; anything else might come from the payload.
fn identifier(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Renders a serde path as `service_lines[1].date_of_service`. Only segments that can be
/// ours (indices, identifier-like keys) are shown; anything else becomes `?`.
pub(crate) fn path_to_string(path: &Path) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(if identifier(key) { key } else { "?" });
            }
            // Enum segments carry the variant as spelled in the input: not shown.
            Segment::Enum { .. } => {}
            Segment::Unknown => text.push_str(if text.is_empty() { "?" } else { ".?" }),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(json: &str) -> String {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            lines: Vec<Inner>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            units: i32,
        }
        let de = &mut serde_json::Deserializer::from_str(json);
        match serde_path_to_error::deserialize::<_, Outer>(de) {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(error) => path_to_string(error.path()),
        }
    }

    #[test]
    fn paths_render_with_indices_and_dots() {
        let path = path_of(r#"{"lines": [{"units": 1}, {"units": "x"}]}"#);
        assert_eq!(path, "lines[1].units");
    }

    #[test]
    fn invalid_type_keeps_the_expectation_and_drops_the_value() {
        let path = path_of(r#"{"lines": [{"units": "Jane, expected Doe"}]}"#);
        let error = data_error(
            &path,
            r#"invalid type: string "Jane, expected Doe", expected i32"#,
        );
        assert_eq!(
            error,
            Some(DecodeError::invalid_field(
                "lines[0].units",
                "wrong type, expected an integer"
            ))
        );
    }

    #[test]
    fn expectations_are_in_the_words_of_json_not_of_rust() {
        let problem = |message: &str| data_error("x", message).map(|e| e.to_string());
        let cases = [
            (
                "invalid type: string \"a\", expected f64",
                "x: wrong type, expected a number",
            ),
            (
                "invalid type: integer `1`, expected a sequence",
                "x: wrong type, expected an array",
            ),
            (
                "invalid type: string \"a\", expected a map",
                "x: wrong type, expected an object",
            ),
            (
                "invalid value: integer `-1`, expected u32",
                "x: invalid value, expected an integer from 0 to 4294967295",
            ),
            (
                "invalid value: integer `3000000000`, expected i32",
                "x: invalid value, expected an integer from -2147483648 to 2147483647",
            ),
            (
                "invalid type: null, expected a string",
                "x: wrong type, expected a string",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(problem(message).as_deref(), Some(expected), "{message}");
        }
    }

    #[test]
    fn unknown_variant_lists_the_symbols_not_the_value() {
        let error = data_error(
            "",
            "unknown variant `MEDICARE_PART_Z`, expected one of `A`, `B`",
        );
        assert_eq!(
            error.map(|e| e.to_string()),
            Some("event: unknown symbol, expected one of `A`, `B`".to_owned())
        );
    }

    #[test]
    fn missing_field_is_reported_at_the_field() {
        let path = path_of(r#"{"lines": [{}]}"#);
        let error = data_error(&path, "missing field `units`");
        assert_eq!(
            error,
            Some(DecodeError::invalid_field(
                "lines[0].units",
                "required field is missing"
            ))
        );
    }

    #[test]
    fn unrecognised_messages_are_not_data_errors() {
        assert_eq!(
            data_error("", "Unexpected end of slice while deserializing"),
            None
        );
        assert_eq!(data_error("", "missing field `Jane Doe`"), None);
    }

    #[test]
    fn every_code_is_one_of_the_contract_codes() {
        let errors = [
            DecodeError::BadMagicByte("x"),
            DecodeError::UnknownSchemaId(7),
            DecodeError::UnknownFingerprint(7),
            DecodeError::avro("", "x"),
            DecodeError::InvalidJson {
                line: 1,
                column: 1,
                problem: "x".into(),
            },
            DecodeError::invalid_field("a", "x"),
            DecodeError::too_large("a", "x"),
        ];
        let codes: Vec<&str> = errors.iter().map(DecodeError::code).collect();
        assert_eq!(
            codes,
            [
                "bad_magic_byte",
                "unknown_schema_id",
                "unknown_schema_id",
                "avro_decode",
                "invalid_json",
                "invalid_field",
                "too_large"
            ]
        );
    }
}
