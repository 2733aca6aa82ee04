//! Dead-letter records (CONTRACT.md §3): the original key, value and headers unchanged,
//! plus headers saying why and where from. No header ever carries payload text: `dlq.error`
//! is the decoder's message, which names fields, never their values.
//!
//! A dead letter the brokers refuse as too large (`MessageSizeTooLarge`: an input over the
//! producer's `message.max.bytes`, or over the dead-letter topic's limit) is written again
//! without its value and original headers ([`value_omitted`]): the key and the `dlq.*`
//! headers, plus `dlq.omitted`. The partition moves on either way.

use rdkafka::message::{Header, Headers, OwnedHeaders};

use traction_screen_core::codec::DecodeError;
use traction_screen_core::domain::Timestamp;

/// The reason of a message whose screening panicked (a defect, not bad input).
pub const INTERNAL_ERROR: &str = "internal_error";
/// Its `dlq.error`: the panic's own message may quote the event, so it is never used.
pub const INTERNAL_ERROR_TEXT: &str =
    "screening this message failed on an internal error (a defect); it is kept here unchanged";

/// The header a dead letter written without its value carries, and its value.
pub const OMITTED_HEADER: &str = "dlq.omitted";
pub const OMITTED_VALUE: &str = "value,headers";

/// Why a message is dead-lettered: the `dlq.reason` code and the `dlq.error` text.
pub struct Why<'a> {
    pub reason: &'static str,
    pub error: &'a dyn std::fmt::Display,
}

impl<'a> From<&'a DecodeError> for Why<'a> {
    fn from(error: &'a DecodeError) -> Self {
        Self {
            reason: error.code(),
            error,
        }
    }
}

/// Where a rejected message came from.
pub struct Origin<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
}

/// The `dlq.*` headers, in the order they are appended.
pub fn reason_headers(
    why: &Why<'_>,
    origin: &Origin<'_>,
    now: Timestamp,
) -> [(&'static str, String); 6] {
    [
        ("dlq.reason", why.reason.to_owned()),
        ("dlq.error", why.error.to_string()),
        ("dlq.source.topic", origin.topic.to_owned()),
        ("dlq.source.partition", origin.partition.to_string()),
        ("dlq.source.offset", origin.offset.to_string()),
        ("dlq.time", now.to_rfc3339()),
    ]
}

/// The original headers (if any) followed by the reason headers.
pub fn headers(
    original: Option<&OwnedHeaders>,
    why: &Why<'_>,
    origin: &Origin<'_>,
    now: Timestamp,
) -> OwnedHeaders {
    let mut headers = match original {
        Some(original) => original.clone(),
        None => OwnedHeaders::new_with_capacity(6),
    };
    for (key, value) in reason_headers(why, origin, now) {
        headers = headers.insert(Header {
            key,
            value: Some(value.as_str()),
        });
    }
    headers
}

/// The headers of a dead letter written again without its value: its `dlq.*` headers
/// only (the original ones are dropped with the value), then `dlq.omitted`. `None` when
/// `headers` already say so: such a letter is not shortened again.
pub fn value_omitted(headers: Option<&impl Headers>) -> Option<OwnedHeaders> {
    let mut kept = OwnedHeaders::new_with_capacity(7);
    for header in headers.into_iter().flat_map(|h| h.iter()) {
        if header.key == OMITTED_HEADER {
            return None;
        }
        if header.key.starts_with("dlq.") {
            kept = kept.insert(header);
        }
    }
    Some(kept.insert(Header {
        key: OMITTED_HEADER,
        value: Some(OMITTED_VALUE),
    }))
}

/// The value of a header as text, for tests and tools.
pub fn header_text(headers: &impl Headers, key: &str) -> Option<String> {
    (0..headers.count())
        .map(|i| headers.get(i))
        .find(|h| h.key == key)
        .and_then(|h| h.value)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use traction_screen_core::codec::{Decoder, InputFormat};

    #[test]
    fn reason_headers_follow_the_original_ones() {
        let error = Decoder::new(InputFormat::Json)
            .decode(b"{not json")
            .unwrap_err();
        let original = OwnedHeaders::new().insert(Header {
            key: "trace-id",
            value: Some("abc"),
        });
        let origin = Origin {
            topic: "encounters",
            partition: 3,
            offset: 41,
        };
        let now = Timestamp::parse_rfc3339("2026-03-02T10:00:00Z").unwrap();
        let headers = headers(Some(&original), &Why::from(&error), &origin, now);
        let keys: Vec<&str> = (0..headers.count()).map(|i| headers.get(i).key).collect();
        assert_eq!(
            keys,
            [
                "trace-id",
                "dlq.reason",
                "dlq.error",
                "dlq.source.topic",
                "dlq.source.partition",
                "dlq.source.offset",
                "dlq.time"
            ]
        );
        assert_eq!(header_text(&headers, "trace-id").as_deref(), Some("abc"));
        assert_eq!(
            header_text(&headers, "dlq.reason").as_deref(),
            Some("invalid_json")
        );
        assert_eq!(
            header_text(&headers, "dlq.source.partition").as_deref(),
            Some("3")
        );
        assert_eq!(
            header_text(&headers, "dlq.source.offset").as_deref(),
            Some("41")
        );
        assert_eq!(
            header_text(&headers, "dlq.time").as_deref(),
            Some("2026-03-02T10:00:00.000Z")
        );
    }

    #[test]
    fn error_header_never_carries_payload_text() {
        let payload = br#"{"event_id": "e1", "patient_id": "Jane Doe", "claim_id": 5}"#;
        let error = Decoder::new(InputFormat::Json).decode(payload).unwrap_err();
        let origin = Origin {
            topic: "encounters",
            partition: 0,
            offset: 0,
        };
        let [_, (_, message), ..] = reason_headers(&Why::from(&error), &origin, Timestamp(0));
        assert!(!message.contains("Jane"), "{message}");
        assert!(!message.contains("e1"), "{message}");
    }

    #[test]
    fn a_letter_without_its_value_keeps_only_the_dlq_headers_and_says_so() {
        let error = Decoder::new(InputFormat::Json).decode(b"{").unwrap_err();
        let original = OwnedHeaders::new().insert(Header {
            key: "trace-id",
            value: Some("abc"),
        });
        let origin = Origin {
            topic: "encounters",
            partition: 1,
            offset: 7,
        };
        let why = Why::from(&error);
        let full = headers(Some(&original), &why, &origin, Timestamp(0));
        let short = value_omitted(Some(&full)).expect("not yet shortened");
        let keys: Vec<&str> = (0..short.count()).map(|i| short.get(i).key).collect();
        let mut expected = reason_headers(&why, &origin, Timestamp(0))
            .map(|(key, _)| key)
            .to_vec();
        expected.push(OMITTED_HEADER);
        assert_eq!(keys, expected);
        assert_eq!(
            header_text(&short, "dlq.omitted").as_deref(),
            Some("value,headers")
        );
        assert_eq!(
            header_text(&short, "dlq.reason").as_deref(),
            Some("invalid_json")
        );
        assert!(
            value_omitted(Some(&short)).is_none(),
            "never shortened twice"
        );
    }
}
