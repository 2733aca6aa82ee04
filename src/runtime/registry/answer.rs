//! Reading the registry's answer: the body of a 2xx, or the error its status means — permanent
//! for a definitive 4xx, transient for no answer, 5xx, 408, 429 or an unreadable body. Only
//! the status and the numeric `error_code` are kept; the registry's own text never is.

use serde::Deserialize;
use ureq::Body;
use ureq::http::{Response, StatusCode};

use super::RegistryClient;
use super::error::{RegistryError, code_suffix};

/// Writer schemas are kilobytes; the limit only stops a misbehaving server from filling memory.
const MAX_SUCCESS_BODY: u64 = 8 * 1024 * 1024;
const MAX_ERROR_BODY: u64 = 64 * 1024;
/// Confluent's `error_code` for "schema not found" (a 404 with another code is a wrong path).
const SCHEMA_NOT_FOUND: u32 = 40403;

impl RegistryClient {
    /// The body of a 2xx answer, or the error its status means. `id` is the schema id asked
    /// for, when a 404 can mean "no such schema".
    pub(super) fn answer(
        &self,
        sent: Result<Response<Body>, ureq::Error>,
        id: Option<u32>,
    ) -> Result<String, RegistryError> {
        let mut response = sent.map_err(|error| self.transient(&describe(&error)))?;
        let status = response.status();
        let limit = if status.is_success() {
            MAX_SUCCESS_BODY
        } else {
            MAX_ERROR_BODY
        };
        let body = response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_string();
        if status.is_success() {
            return body.map_err(|error| {
                self.transient(&format!("reading the answer failed: {}", describe(&error)))
            });
        }
        // An unreadable error body only loses the error code, not the status's meaning.
        let code = body.ok().and_then(|body| error_code(&body));
        Err(self.status_error(status, code, id))
    }

    fn status_error(
        &self,
        status: StatusCode,
        code: Option<u32>,
        id: Option<u32>,
    ) -> RegistryError {
        match (status.as_u16(), code, id) {
            (404, Some(SCHEMA_NOT_FOUND), Some(id)) => RegistryError::NotFound {
                host: self.host.to_string(),
                id,
            },
            (408 | 429 | 500..=599, ..) => self.transient(&format!(
                "answered HTTP {}{}",
                status.as_u16(),
                code_suffix(&code)
            )),
            _ => RegistryError::Rejected {
                host: self.host.to_string(),
                status: status.as_u16(),
                code,
            },
        }
    }

    /// A 2xx body of the expected shape. A malformed one is transient: it says nothing about
    /// the schema (more likely a proxy or the wrong service), so dead-lettering would be wrong.
    pub(super) fn parse<'a, T: Deserialize<'a>>(
        &self,
        body: &'a str,
        shape: &str,
    ) -> Result<T, RegistryError> {
        serde_json::from_str(body)
            .map_err(|_| self.transient(&format!("answer is not of the shape {shape}")))
    }

    fn transient(&self, what: &str) -> RegistryError {
        RegistryError::Transient(format!("schema registry at {}: {what}", self.host))
    }
}

/// What failed, in words that carry no payload (ureq's errors hold no credentials either:
/// the URLs it sees have none).
fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(phase) => format!("timed out ({phase})"),
        ureq::Error::Io(io) => format!("I/O error: {}", io.kind()),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Tls(problem) => format!("TLS error: {problem}"),
        ureq::Error::Protocol(_) => "malformed HTTP answer".to_owned(),
        ureq::Error::BodyExceedsLimit(limit) => format!("answer larger than {limit} bytes"),
        other => format!("request failed: {other}"),
    }
}

/// The numeric `error_code` of a registry error body; its `message` is deliberately dropped.
fn error_code(body: &str) -> Option<u32> {
    #[derive(Deserialize)]
    struct ErrorBody {
        error_code: u32,
    }
    serde_json::from_str::<ErrorBody>(body)
        .ok()
        .map(|body| body.error_code)
}
