//! Confluent Schema Registry client: writer schemas by id, and registering the outcome schema.
//!
//! Blocking (ureq), because its callers are plain threads: the decoder's worker asks for a
//! writer schema the first time it meets a schema id, and the service registers the outcome
//! schema once at startup. Stateless apart from the HTTP agent's connection pool: the decoder
//! caches parsed schemas, so nothing is cached here.
//!
//! Failures split in two, and the split is the contract with the caller. *Permanent* ones — the
//! registry gave a definitive 4xx answer ([`RegistryError::NotFound`],
//! [`RegistryError::Rejected`]) — are returned at once and the message is dead-lettered.
//! *Transient* ones — no answer, a timeout, 5xx, 408, 429, an unreadable body — are retried by
//! the `*_with_retry` methods with capped, jittered exponential backoff until they succeed or
//! the caller gives up (shutdown).
//!
//! Credentials, from the URL's userinfo or [`RegistryClient::new_with_auth`], go only into the
//! `Authorization` header: errors, logs and `Debug` name the host, never the user or password,
//! and a registry's own error text is never copied (only its numeric `error_code`). ureq logs
//! headers allow-listed at DEBUG but raw wire bytes at TRACE, so its TRACE level must stay off.

use base64::prelude::{BASE64_STANDARD, Engine as _};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use ureq::http::{Response, StatusCode, Uri};
use ureq::{Body, RequestBuilder};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MIN_BACKOFF: Duration = Duration::from_millis(100);
const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(10);
/// How often a backoff pause wakes to ask the caller whether to give up: bounds shutdown delay.
const GIVE_UP_POLL: Duration = Duration::from_millis(20);
const REGISTRY_CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";
const ACCEPT: &str = "application/vnd.schemaregistry.v1+json, \
                      application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
/// Writer schemas are kilobytes; the limit only stops a misbehaving server from filling memory.
const MAX_SUCCESS_BODY: u64 = 8 * 1024 * 1024;
const MAX_ERROR_BODY: u64 = 64 * 1024;
/// Confluent's `error_code` for "schema not found" (a 404 with another code is a wrong path).
const SCHEMA_NOT_FOUND: u32 = 40403;

/// Why a registry call failed. `Display` names the registry host, never credentials or any
/// text from the registry's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The registry has no schema with this id (HTTP 404, error code 40403). Permanent.
    #[error("schema id {id} not found in the schema registry at {host}")]
    NotFound { host: String, id: u32 },
    /// A 4xx answer other than schema-not-found (bad auth, incompatible or invalid schema,
    /// wrong path). Permanent: retrying cannot change the answer.
    #[error(
        "schema registry at {host} rejected the request with HTTP {status}{}",
        code_suffix(code)
    )]
    Rejected {
        host: String,
        status: u16,
        /// The registry's numeric `error_code`, when its answer carried one.
        code: Option<u32>,
    },
    /// No usable answer (connect failure, timeout, 5xx, 408, 429, unreadable body): worth
    /// retrying. The text says what failed and names the host.
    #[error("{0}")]
    Transient(String),
    /// The caller's `give_up` returned true while waiting to retry (shutdown).
    #[error("gave up waiting for the schema registry (shutting down)")]
    GaveUp,
    /// The registry URL is unusable; the text says why without echoing the URL.
    #[error("invalid schema registry URL: {0}")]
    InvalidUrl(String),
}

impl RegistryError {
    /// Whether a retry may succeed; the `*_with_retry` methods retry exactly these.
    pub fn is_transient(&self) -> bool {
        matches!(self, RegistryError::Transient(_))
    }
}

fn code_suffix(code: &Option<u32>) -> String {
    code.map_or_else(String::new, |code| format!(" (error code {code})"))
}

/// A blocking Schema Registry client; cheap to clone, shared by worker threads.
#[derive(Clone)]
pub struct RegistryClient {
    agent: ureq::Agent,
    /// `scheme://host[:port][/prefix]`, without credentials or a trailing slash.
    base: Arc<str>,
    /// `host[:port]`, the only part of the URL that errors and logs show.
    host: Arc<str>,
    /// The whole `Authorization` header value; kept out of `Debug`.
    authorization: Option<Arc<str>>,
    timeout: Duration,
    backoff: Backoff,
}

// The decoder's worker threads share one client.
const _: fn() = || {
    fn shareable<T: Clone + Send + Sync>() {}
    shareable::<RegistryClient>();
};

impl fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryClient")
            .field("base", &self.base)
            .field("authenticated", &self.authorization.is_some())
            .field("timeout", &self.timeout)
            .field("backoff", &self.backoff)
            .finish()
    }
}

impl RegistryClient {
    /// A client for `base_url` (`http[s]://[user:password@]host[:port][/prefix]`, no query).
    /// Percent-encoded userinfo becomes basic-auth credentials.
    pub fn new(base_url: &str) -> Result<Self, RegistryError> {
        let endpoint = Endpoint::parse(base_url)?;
        let authorization = endpoint
            .credentials
            .map(|(user, password)| basic_authorization(&user, &password));
        Ok(Self {
            agent: agent(DEFAULT_TIMEOUT),
            base: endpoint.base.into(),
            host: endpoint.host.into(),
            authorization,
            timeout: DEFAULT_TIMEOUT,
            backoff: Backoff::new(DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF),
        })
    }

    /// Like [`new`](Self::new), with basic-auth credentials given apart from the URL; they
    /// take precedence over any userinfo in the URL.
    pub fn new_with_auth(
        base_url: &str,
        user: &str,
        password: &str,
    ) -> Result<Self, RegistryError> {
        let mut client = Self::new(base_url)?;
        client.authorization = Some(basic_authorization(user, password));
        Ok(client)
    }

    /// Sets the timeout of one whole request (connect, send, receive); 5 s by default.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.agent = agent(timeout);
        self.timeout = timeout;
        self
    }

    /// Sets the retry pauses: the first is about `min`, each next about twice the last, none
    /// over `max` (100 ms and 10 s by default).
    pub fn with_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.backoff = Backoff::new(min, max);
        self
    }

    /// The registry's `host[:port]`, for log lines.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The writer schema (Avro schema JSON text) registered under `id`; one attempt.
    pub fn writer_schema(&self, id: u32) -> Result<String, RegistryError> {
        #[derive(Deserialize)]
        struct Answer {
            schema: String,
        }
        let url = format!("{}/schemas/ids/{id}", self.base);
        let body = self.answer(self.prepare(self.agent.get(&url)).call(), Some(id))?;
        let answer: Answer = self.parse(&body, "{\"schema\": ...}")?;
        Ok(answer.schema)
    }

    /// Registers `schema` under `subject` (idempotent: an existing identical schema keeps its
    /// id) and returns the schema id; one attempt.
    pub fn register(&self, subject: &str, schema: &str) -> Result<u32, RegistryError> {
        #[derive(Deserialize)]
        struct Answer {
            id: u32,
        }
        let url = format!(
            "{}/subjects/{}/versions",
            self.base,
            percent_encode(subject)
        );
        let request_body = serde_json::json!({ "schema": schema }).to_string();
        let request = self
            .prepare(self.agent.post(&url))
            .content_type(REGISTRY_CONTENT_TYPE);
        let body = self.answer(request.send(request_body.as_str()), None)?;
        let answer: Answer = self.parse(&body, "{\"id\": N}")?;
        Ok(answer.id)
    }

    /// [`writer_schema`](Self::writer_schema), retrying transient failures until success,
    /// a permanent error, or `give_up()` (checked every few milliseconds while pausing, so
    /// shutdown waits at most for the request in flight). The first attempt is always made.
    pub fn writer_schema_with_retry(
        &self,
        id: u32,
        give_up: &dyn Fn() -> bool,
    ) -> Result<String, RegistryError> {
        self.retrying("fetching a writer schema", give_up, || {
            self.writer_schema(id)
        })
    }

    /// [`register`](Self::register), retrying like
    /// [`writer_schema_with_retry`](Self::writer_schema_with_retry).
    pub fn register_with_retry(
        &self,
        subject: &str,
        schema: &str,
        give_up: &dyn Fn() -> bool,
    ) -> Result<u32, RegistryError> {
        self.retrying("registering a schema", give_up, || {
            self.register(subject, schema)
        })
    }

    fn retrying<T>(
        &self,
        action: &str,
        give_up: &dyn Fn() -> bool,
        attempt: impl Fn() -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let mut failures: u32 = 0;
        loop {
            match attempt() {
                Err(error) if error.is_transient() => {
                    failures = failures.saturating_add(1);
                    let pause = self.backoff.pause(failures);
                    tracing::warn!(
                        registry = %self.host,
                        failures,
                        retry_in_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                        %error,
                        "{action} failed; retrying"
                    );
                    if pause_unless_given_up(pause, give_up) {
                        return Err(RegistryError::GaveUp);
                    }
                }
                result => return result,
            }
        }
    }

    fn prepare<B>(&self, request: RequestBuilder<B>) -> RequestBuilder<B> {
        let request = request.header("Accept", ACCEPT);
        match &self.authorization {
            Some(authorization) => request.header("Authorization", authorization.as_ref()),
            None => request,
        }
    }

    /// The body of a 2xx answer, or the error its status means. `id` is the schema id asked
    /// for, when a 404 can mean "no such schema".
    fn answer(
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
    fn parse<'a, T: Deserialize<'a>>(
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

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        // Statuses are classified here (permanent vs transient), so they must not be errors.
        .http_status_as_error(false)
        .user_agent(concat!("traction-screen/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
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

/// Capped exponential backoff with jitter.
#[derive(Debug, Clone, Copy)]
struct Backoff {
    min: Duration,
    max: Duration,
}

impl Backoff {
    fn new(min: Duration, max: Duration) -> Self {
        // A zero pause would hammer a registry that is down.
        let min = min.max(Duration::from_millis(1));
        Self {
            min,
            max: max.max(min),
        }
    }

    /// The pause after the `failures`-th consecutive failure: a ceiling of min·2^(failures−1)
    /// capped at max, jittered down by up to half so that workers failing together spread
    /// out, and never under min.
    fn pause(&self, failures: u32) -> Duration {
        let doublings = 2u32.saturating_pow(failures.saturating_sub(1));
        let ceiling = self.min.saturating_mul(doublings).min(self.max);
        ceiling.mul_f64(rand::random_range(0.5..=1.0)).max(self.min)
    }
}

/// Sleeps for `pause` in short steps; true when `give_up()` said so before the pause ended.
fn pause_unless_given_up(pause: Duration, give_up: &dyn Fn() -> bool) -> bool {
    let deadline = Instant::now() + pause;
    loop {
        if give_up() {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep((deadline - now).min(GIVE_UP_POLL));
    }
}

/// A registry URL taken apart: credentials separated from the part requests and errors use.
#[derive(Debug, PartialEq, Eq)]
struct Endpoint {
    base: String,
    host: String,
    credentials: Option<(String, String)>,
}

impl Endpoint {
    /// Reasons never quote the URL, which may carry a password.
    fn parse(url: &str) -> Result<Self, RegistryError> {
        let invalid = |why: &str| RegistryError::InvalidUrl(why.to_owned());
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| invalid("expected http[s]://host[:port][/path]"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(invalid("the scheme must be http or https"));
        }
        if rest.contains(['?', '#']) {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let (authority, path) = rest
            .find('/')
            .map_or((rest, ""), |slash| rest.split_at(slash));
        if path.contains('@') {
            // An unencoded '/' in a password splits the userinfo off into the path, where it
            // would be sent (and perhaps logged) as part of every request line.
            return Err(invalid(
                "'@' after the host: percent-encode '/' in credentials",
            ));
        }
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((userinfo, host)) => (Some(userinfo), host),
            None => (None, authority),
        };
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        let base = format!("{scheme}://{host}{}", path.trim_end_matches('/'));
        let uri: Uri = base.parse().map_err(|_| invalid("not a valid URL"))?;
        if uri.host().is_none_or(str::is_empty) {
            return Err(invalid("no host"));
        }
        let credentials = userinfo.map(parse_userinfo).transpose()?;
        Ok(Self {
            base,
            host: host.to_owned(),
            credentials,
        })
    }
}

/// `user[:password]`, percent-decoded.
fn parse_userinfo(userinfo: &str) -> Result<(String, String), RegistryError> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |part: &str| {
        percent_decode(part).ok_or_else(|| {
            RegistryError::InvalidUrl("malformed percent-encoding in the credentials".to_owned())
        })
    };
    let user = decode(user)?;
    if user.is_empty() {
        return Err(RegistryError::InvalidUrl(
            "empty user name in the credentials".to_owned(),
        ));
    }
    Ok((user, decode(password)?))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = tail
                .get(..2)
                .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))?;
            let hex = std::str::from_utf8(hex).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            decoded.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(decoded).ok()
}

/// Encodes a path segment: everything but RFC 3986 unreserved characters. Kafka topic names
/// need none of it, but a subject naming strategy may produce other characters.
fn percent_encode(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn basic_authorization(user: &str, password: &str) -> Arc<str> {
    let credentials = BASE64_STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {credentials}").into()
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread;
    use std::time::{Duration, Instant};

    use super::*;

    const SCHEMA: &str = r#"{"type":"record","name":"EncounterEvent","fields":[]}"#;
    const FAST: Duration = Duration::from_millis(5);

    /// One request as the fake registry saw it; header names lower-cased.
    #[derive(Debug, Clone)]
    struct Seen {
        method: String,
        path: String,
        headers: Vec<(String, String)>,
        body: String,
    }

    impl Seen {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        }
    }

    /// A fake registry on 127.0.0.1 answering with a script of (status, body); the last
    /// answer repeats. Each connection serves one request and is closed.
    struct FakeRegistry {
        addr: SocketAddr,
        seen: Arc<Mutex<Vec<Seen>>>,
    }

    impl FakeRegistry {
        fn start(script: &[(u16, &str)]) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
            let addr = listener.local_addr().expect("bound address");
            let seen = Arc::new(Mutex::new(Vec::new()));
            let script: Vec<(u16, String)> = script
                .iter()
                .map(|(status, body)| (*status, (*body).to_owned()))
                .collect();
            let recorded = Arc::clone(&seen);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let Some(request) = read_request(&stream) else {
                        continue;
                    };
                    let answered = {
                        let mut seen = recorded.lock().expect("requests lock");
                        seen.push(request);
                        seen.len()
                    };
                    let (status, body) = &script[(answered - 1).min(script.len() - 1)];
                    let _ = write_response(stream, *status, body);
                }
            });
            Self { addr, seen }
        }

        fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        fn host(&self) -> String {
            self.addr.to_string()
        }

        fn client(&self) -> RegistryClient {
            RegistryClient::new(&self.url())
                .expect("valid URL")
                .with_backoff(FAST, FAST)
        }

        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().expect("requests lock").clone()
        }
    }

    fn read_request(stream: &TcpStream) -> Option<Seen> {
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let mut parts = line.split_whitespace();
        let method = parts.next()?.to_owned();
        let path = parts.next()?.to_owned();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).ok()?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':')?;
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
        let length = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok()?;
        let body = String::from_utf8(body).ok()?;
        Some(Seen {
            method,
            path,
            headers,
            body,
        })
    }

    fn write_response(mut stream: TcpStream, status: u16, body: &str) -> std::io::Result<()> {
        write!(
            stream,
            "HTTP/1.1 {status} Scripted\r\nContent-Type: {REGISTRY_CONTENT_TYPE}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    fn schema_answer() -> String {
        serde_json::json!({ "schema": SCHEMA }).to_string()
    }

    fn never() -> bool {
        false
    }

    #[test]
    fn writer_schema_fetches_the_schema_text_registered_under_the_id() {
        let registry = FakeRegistry::start(&[(200, &schema_answer())]);

        let schema = registry.client().writer_schema(7);

        assert_eq!(schema, Ok(SCHEMA.to_owned()));
        let seen = registry.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, "GET");
        assert_eq!(seen[0].path, "/schemas/ids/7");
        assert_eq!(seen[0].header("authorization"), None);
    }

    #[test]
    fn a_base_url_path_prefix_is_kept_and_its_trailing_slash_dropped() {
        let registry = FakeRegistry::start(&[(200, &schema_answer())]);
        let client =
            RegistryClient::new(&format!("{}/registry/", registry.url())).expect("valid URL");

        assert_eq!(client.writer_schema(3), Ok(SCHEMA.to_owned()));
        assert_eq!(registry.seen()[0].path, "/registry/schemas/ids/3");
    }

    #[test]
    fn an_unknown_schema_id_is_not_found_at_once_even_when_retrying() {
        let registry = FakeRegistry::start(&[(
            404,
            r#"{"error_code":40403,"message":"Schema 7 not found"}"#,
        )]);

        let result = registry.client().writer_schema_with_retry(7, &never);

        let error = result.expect_err("404 with 40403");
        assert_eq!(
            error,
            RegistryError::NotFound {
                host: registry.host(),
                id: 7
            }
        );
        assert_eq!(
            error.to_string(),
            format!(
                "schema id 7 not found in the schema registry at {}",
                registry.host()
            )
        );
        assert_eq!(registry.seen().len(), 1);
    }

    #[test]
    fn a_404_without_the_schema_not_found_code_is_rejected_not_not_found() {
        let registry = FakeRegistry::start(&[(404, "<html>no such page</html>")]);

        let result = registry.client().writer_schema(7);

        assert_eq!(
            result,
            Err(RegistryError::Rejected {
                host: registry.host(),
                status: 404,
                code: None
            })
        );
    }

    #[test]
    fn two_503s_then_a_200_succeed_on_the_third_request() {
        let unavailable = r#"{"error_code":50003,"message":"busy"}"#;
        let registry = FakeRegistry::start(&[
            (503, unavailable),
            (503, unavailable),
            (200, &schema_answer()),
        ]);

        let schema = registry.client().writer_schema_with_retry(9, &never);

        assert_eq!(schema, Ok(SCHEMA.to_owned()));
        assert_eq!(registry.seen().len(), 3);
    }

    #[test]
    fn a_single_attempt_reports_a_503_as_transient_with_the_host_and_code() {
        let registry = FakeRegistry::start(&[(503, r#"{"error_code":50003,"message":"busy"}"#)]);

        let result = registry.client().writer_schema(9);

        assert_eq!(
            result,
            Err(RegistryError::Transient(format!(
                "schema registry at {}: answered HTTP 503 (error code 50003)",
                registry.host()
            )))
        );
    }

    #[test]
    fn give_up_stops_the_retry_loop_promptly_during_a_long_pause() {
        let registry = FakeRegistry::start(&[(503, "")]);
        let client = registry
            .client()
            .with_backoff(Duration::from_secs(5), Duration::from_secs(5));
        let shutdown = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&shutdown);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            flag.store(true, Ordering::SeqCst);
        });
        let started = Instant::now();

        let result = client.writer_schema_with_retry(1, &|| shutdown.load(Ordering::SeqCst));

        assert_eq!(result, Err(RegistryError::GaveUp));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(registry.seen().len(), 1);
    }

    #[test]
    fn a_rejection_keeps_the_error_code_but_not_the_registry_message() {
        let registry = FakeRegistry::start(&[(
            422,
            r#"{"error_code":42201,"message":"Invalid schema: patient Jane Doe"}"#,
        )]);

        let error = registry
            .client()
            .register_with_retry("outcomes-value", SCHEMA, &never)
            .expect_err("422 is permanent");

        assert_eq!(
            error.to_string(),
            format!(
                "schema registry at {} rejected the request with HTTP 422 (error code 42201)",
                registry.host()
            )
        );
        assert_eq!(registry.seen().len(), 1);
    }

    #[test]
    fn register_posts_the_schema_to_the_subject_and_returns_the_id() {
        let registry = FakeRegistry::start(&[(200, r#"{"id":42}"#)]);

        let id = registry
            .client()
            .register("screening-outcomes-value", SCHEMA);

        assert_eq!(id, Ok(42));
        let seen = registry.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, "POST");
        assert_eq!(seen[0].path, "/subjects/screening-outcomes-value/versions");
        assert_eq!(seen[0].header("content-type"), Some(REGISTRY_CONTENT_TYPE));
        let body: serde_json::Value = serde_json::from_str(&seen[0].body).expect("JSON body");
        assert_eq!(body, serde_json::json!({ "schema": SCHEMA }));
    }

    #[test]
    fn register_with_retry_retries_a_429() {
        let registry = FakeRegistry::start(&[(429, ""), (200, r#"{"id":5}"#)]);

        let id = registry
            .client()
            .register_with_retry("t-value", SCHEMA, &never);

        assert_eq!(id, Ok(5));
        assert_eq!(registry.seen().len(), 2);
    }

    #[test]
    fn subjects_are_percent_encoded_as_one_path_segment() {
        let registry = FakeRegistry::start(&[(200, r#"{"id":1}"#)]);

        assert_eq!(registry.client().register("a b/c", SCHEMA), Ok(1));
        assert_eq!(registry.seen()[0].path, "/subjects/a%20b%2Fc/versions");
    }

    #[test]
    fn a_malformed_success_body_is_transient() {
        let registry = FakeRegistry::start(&[(200, "<html>proxy login</html>")]);

        let result = registry.client().writer_schema(2);

        assert_eq!(
            result,
            Err(RegistryError::Transient(format!(
                "schema registry at {}: answer is not of the shape {{\"schema\": ...}}",
                registry.host()
            )))
        );
    }

    #[test]
    fn credentials_from_the_url_are_sent_as_basic_auth_and_never_displayed() {
        let registry =
            FakeRegistry::start(&[(401, r#"{"error_code":401,"message":"Unauthorized"}"#)]);
        let url = format!("http://alice:hunter%402@{}", registry.addr);
        let client = RegistryClient::new(&url).expect("valid URL");

        let error = client.writer_schema(1).expect_err("401 is permanent");

        // base64("alice:hunter@2")
        assert_eq!(
            registry.seen()[0].header("authorization"),
            Some("Basic YWxpY2U6aHVudGVyQDI=")
        );
        assert_eq!(
            error.to_string(),
            format!(
                "schema registry at {} rejected the request with HTTP 401 (error code 401)",
                registry.host()
            )
        );
        let debug = format!("{client:?} {error:?}");
        for secret in ["alice", "hunter", "YWxpY2U"] {
            assert!(!debug.contains(secret), "{secret} leaked into {debug}");
        }
    }

    #[test]
    fn explicit_credentials_take_precedence_over_the_url_userinfo() {
        let registry = FakeRegistry::start(&[(200, &schema_answer())]);
        let url = format!("http://alice:old@{}", registry.addr);
        let client = RegistryClient::new_with_auth(&url, "bob", "new").expect("valid URL");

        assert_eq!(client.writer_schema(1), Ok(SCHEMA.to_owned()));
        // base64("bob:new")
        assert_eq!(
            registry.seen()[0].header("authorization"),
            Some("Basic Ym9iOm5ldw==")
        );
    }

    #[test]
    fn invalid_urls_are_rejected_without_echoing_them() {
        let cases = [
            ("registry:8081", "expected http[s]://host[:port][/path]"),
            ("ftp://registry:8081", "the scheme must be http or https"),
            (
                "http://registry:8081/?token=hunter2",
                "a query or fragment is not allowed",
            ),
            ("http://u:hunter2@", "no host"),
            (
                "http://u:hunt/er2@registry:8081",
                "'@' after the host: percent-encode '/' in credentials",
            ),
            ("http://registry :8081", "not a valid URL"),
            (
                "http://u:hunter2%zz@registry:8081",
                "malformed percent-encoding in the credentials",
            ),
            (
                "http://:hunter2@registry:8081",
                "empty user name in the credentials",
            ),
        ];
        for (url, reason) in cases {
            let error = RegistryClient::new(url).expect_err(url);
            assert_eq!(error, RegistryError::InvalidUrl(reason.to_owned()), "{url}");
            assert!(!error.to_string().contains("hunt"), "{url}");
        }
    }

    #[test]
    fn https_urls_and_upper_case_schemes_are_accepted() {
        let endpoint =
            Endpoint::parse("HTTPS://u%3Ax:p%2Fw@registry.example:8443/sr").expect("valid");

        assert_eq!(
            endpoint,
            Endpoint {
                base: "https://registry.example:8443/sr".to_owned(),
                host: "registry.example:8443".to_owned(),
                credentials: Some(("u:x".to_owned(), "p/w".to_owned())),
            }
        );
    }

    #[test]
    fn a_refused_connection_is_transient_and_names_the_host_but_not_the_credentials() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        drop(listener);
        let client =
            RegistryClient::new(&format!("http://alice:hunter2@{addr}")).expect("valid URL");

        let result = client.writer_schema(1);

        assert_eq!(
            result,
            Err(RegistryError::Transient(format!(
                "schema registry at {addr}: I/O error: connection refused"
            )))
        );
    }

    #[test]
    fn a_silent_registry_times_out_as_transient() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        thread::spawn(move || {
            // Accept and hold connections without ever answering.
            let held: Vec<_> = listener.incoming().take(1).collect();
            thread::sleep(Duration::from_secs(5));
            drop(held);
        });
        let client = RegistryClient::new(&format!("http://{addr}"))
            .expect("valid URL")
            .with_timeout(Duration::from_millis(200));
        let started = Instant::now();

        let result = client.writer_schema(1);

        assert_eq!(
            result,
            Err(RegistryError::Transient(format!(
                "schema registry at {addr}: timed out (global)"
            )))
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn backoff_pauses_double_from_min_and_stay_within_min_and_max() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(10));
        for _ in 0..100 {
            assert_eq!(backoff.pause(1), Duration::from_millis(100));
            let fourth = backoff.pause(4);
            assert!(
                (Duration::from_millis(400)..=Duration::from_millis(800)).contains(&fourth),
                "{fourth:?}"
            );
            let late = backoff.pause(40);
            assert!(
                (Duration::from_secs(5)..=Duration::from_secs(10)).contains(&late),
                "{late:?}"
            );
        }
    }

    #[test]
    fn backoff_never_pauses_for_zero_or_below_its_min() {
        let backoff = Backoff::new(Duration::ZERO, Duration::ZERO);

        assert_eq!(backoff.pause(1), Duration::from_millis(1));
        assert_eq!(backoff.pause(u32::MAX), Duration::from_millis(1));
    }
}
