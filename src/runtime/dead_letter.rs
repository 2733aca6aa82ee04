//! Dead-letter records (CONTRACT.md §3): the original key, value and headers unchanged,
//! plus headers saying why and where from. No header ever carries payload text: `dlq.error`
//! is the decoder's message, which names fields, never their values.

use rdkafka::message::{Header, Headers, OwnedHeaders};

use traction_screen_core::codec::DecodeError;
use traction_screen_core::domain::Timestamp;

/// Where a rejected message came from.
pub struct Origin<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
}

/// The `dlq.*` headers, in the order they are appended.
pub fn reason_headers(
    error: &DecodeError,
    origin: &Origin<'_>,
    now: Timestamp,
) -> [(&'static str, String); 6] {
    [
        ("dlq.reason", error.code().to_owned()),
        ("dlq.error", error.to_string()),
        ("dlq.source.topic", origin.topic.to_owned()),
        ("dlq.source.partition", origin.partition.to_string()),
        ("dlq.source.offset", origin.offset.to_string()),
        ("dlq.time", now.to_rfc3339()),
    ]
}

/// The original headers (if any) followed by the reason headers.
pub fn headers(
    original: Option<&OwnedHeaders>,
    error: &DecodeError,
    origin: &Origin<'_>,
    now: Timestamp,
) -> OwnedHeaders {
    let mut headers = match original {
        Some(original) => original.clone(),
        None => OwnedHeaders::new_with_capacity(6),
    };
    for (key, value) in reason_headers(error, origin, now) {
        headers = headers.insert(Header {
            key,
            value: Some(value.as_str()),
        });
    }
    headers
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
        let headers = headers(Some(&original), &error, &origin, now);
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
        let [_, (_, message), ..] = reason_headers(&error, &origin, Timestamp(0));
        assert!(!message.contains("Jane"), "{message}");
        assert!(!message.contains("e1"), "{message}");
    }
}
