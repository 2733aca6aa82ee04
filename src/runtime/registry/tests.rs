//! The client against a scripted fake registry: requests sent, answers classified as
//! permanent or transient, retries, give-up, credentials and connection failures.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::fake_registry::{FakeRegistry, client_for};
use super::*;

const SCHEMA: &str = r#"{"type":"record","name":"EncounterEvent","fields":[]}"#;

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
    let client = client_for(&format!("{}/registry/", registry.url()));

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
    let registry = FakeRegistry::start(&[(401, r#"{"error_code":401,"message":"Unauthorized"}"#)]);
    let url = format!("http://alice:hunter%402@{}", registry.addr);
    let client = client_for(&url);

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
    let url = RegistryUrl::parse(&url).expect("valid URL");
    let client = RegistryClient::new_with_auth(&url, "bob", "new");

    assert_eq!(client.writer_schema(1), Ok(SCHEMA.to_owned()));
    // base64("bob:new")
    assert_eq!(
        registry.seen()[0].header("authorization"),
        Some("Basic Ym9iOm5ldw==")
    );
}

#[test]
fn a_refused_connection_is_transient_and_names_the_host_but_not_the_credentials() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("bound address");
    drop(listener);
    let client = client_for(&format!("http://alice:hunter2@{addr}"));

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
    let client = client_for(&format!("http://{addr}")).with_timeout(Duration::from_millis(200));
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
