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
//! Credentials, from the URL's user-info part or [`RegistryClient::new_with_auth`], go only
//! into the `Authorization` header: errors, logs and `Debug` name the host, never the user or password,
//! and a registry's own error text is never copied (only its numeric `error_code`). ureq logs
//! headers allow-listed at DEBUG but raw wire bytes at TRACE, so its TRACE level must stay off.
//!
//! One concern a file: this one is the client and its requests (their URLs come from the
//! [`RegistryUrl`] setting); `answer` reads an answer into a body or the error its status
//! means, `backoff` paces retries, `error` is [`RegistryError`], and `source` makes the client
//! the pipeline's source of writer schemas.

mod answer;
mod backoff;
mod error;
mod source;

#[cfg(test)]
mod fake_registry;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::prelude::{BASE64_STANDARD, Engine as _};
use serde::Deserialize;
use ureq::RequestBuilder;

pub use error::RegistryError;
pub use source::RegistrySchemas;

use crate::config::RegistryUrl;
use backoff::{Backoff, pause_unless_given_up};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MIN_BACKOFF: Duration = Duration::from_millis(100);
const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(10);
const REGISTRY_CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";
const ACCEPT: &str = "application/vnd.schemaregistry.v1+json, \
                      application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";

/// A blocking Schema Registry client; cheap to clone, shared by worker threads.
#[derive(Clone)]
pub struct RegistryClient {
    agent: ureq::Agent,
    /// Where requests go; its `Debug` hides credentials.
    url: Arc<RegistryUrl>,
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
            .field("url", &self.url)
            .field("authenticated", &self.authorization.is_some())
            .field("timeout", &self.timeout)
            .field("backoff", &self.backoff)
            .finish()
    }
}

/// How long start-up waits for the registry to register a schema before giving up.
pub const STARTUP_PATIENCE: Duration = Duration::from_secs(60);

/// The subject of a topic's value schema (Confluent's default TopicNameStrategy).
pub fn value_subject(topic: &str) -> String {
    format!("{topic}-value")
}

impl RegistryClient {
    /// A client for the registry at `url`; the credentials of its user-info part become
    /// basic-auth credentials.
    pub fn new(url: &RegistryUrl) -> Self {
        Self {
            agent: agent(DEFAULT_TIMEOUT),
            host: url.host().into(),
            authorization: url
                .credentials()
                .map(|(user, password)| basic_authorization(user, password)),
            url: Arc::new(url.clone()),
            timeout: DEFAULT_TIMEOUT,
            backoff: Backoff::new(DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF),
        }
    }

    /// Like [`new`](Self::new), with basic-auth credentials given apart from the URL; they
    /// take precedence over any in the URL.
    pub fn new_with_auth(url: &RegistryUrl, user: &str, password: &str) -> Self {
        let mut client = Self::new(url);
        client.authorization = Some(basic_authorization(user, password));
        client
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
        let url = self.url.request(&["schemas", "ids", &id.to_string()]);
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
        let url = self.url.request(&["subjects", subject, "versions"]);
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

    /// Registers `schema` as the value schema of `topic` (subject [`value_subject`]),
    /// retrying transient failures for at most `patience`: for start-up, where nothing
    /// else can go on without the id.
    pub fn register_value_schema(
        &self,
        topic: &str,
        schema: &str,
        patience: Duration,
    ) -> Result<u32, RegistryError> {
        let deadline = Instant::now() + patience;
        self.register_with_retry(&value_subject(topic), schema, &|| Instant::now() > deadline)
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
}

fn basic_authorization(user: &str, password: &str) -> Arc<str> {
    let credentials = BASE64_STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {credentials}").into()
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
