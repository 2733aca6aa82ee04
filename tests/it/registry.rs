//! Confluent framing end to end: the real binary against the mock cluster and a fake
//! Schema Registry. Writer schemas are fetched by id (a registry outage is retried, never a
//! dead letter), the outcome schema is registered at start-up, outcomes carry its id, an id
//! the registry does not know is dead-lettered as `unknown_schema_id`, and a newer writer
//! schema's new plan type and discipline are screened as `OTHER`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use traction_screen_core::codec::{ENCOUNTER_SCHEMA, Encoder, OUTCOME_SCHEMA, OutputFormat};
use traction_screen_core::domain::{Discipline, Outcome, PlanType, Timestamp};
use traction_screen_core::pipeline::Pipeline;
use traction_screen_synth::Synth;

use crate::interop;
use crate::support::child::Service;
use crate::support::cluster::{DLQ, INPUT, MockKafka, OUTPUT};
use crate::support::events::comparable;
use crate::support::kafka::{Message, TopicReader, produce};
use crate::support::wait_until;

const WRITER_SCHEMA_ID: u32 = 7;
/// A newer writer schema, with a plan type and a discipline our reader lacks.
const NEWER_SCHEMA_ID: u32 = 8;
const OUTCOME_SCHEMA_ID: u32 = 21;
/// The first writer-schema requests fail with 503, as a registry restarting would.
const OUTAGE_REQUESTS: usize = 3;

/// A registry that knows one writer schema and registers anything under one id.
struct FakeRegistry {
    url: String,
    schema_requests: Arc<AtomicUsize>,
    registrations: Arc<AtomicUsize>,
}

impl FakeRegistry {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let schema_requests = Arc::new(AtomicUsize::new(0));
        let registrations = Arc::new(AtomicUsize::new(0));
        let (requests, registered) = (Arc::clone(&schema_requests), Arc::clone(&registrations));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                answer(stream, &requests, &registered);
            }
        });
        Self {
            url,
            schema_requests,
            registrations,
        }
    }
}

fn answer(mut stream: TcpStream, requests: &AtomicUsize, registered: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let writer_path = format!("GET /schemas/ids/{WRITER_SCHEMA_ID} ");
    let newer_path = format!("GET /schemas/ids/{NEWER_SCHEMA_ID} ");
    let (status, json) = if request_line.starts_with(&newer_path) {
        let schema = interop::newer_schema();
        (
            "200 OK",
            serde_json::json!({ "schema": schema }).to_string(),
        )
    } else if request_line.starts_with(&writer_path) {
        if requests.fetch_add(1, Ordering::SeqCst) < OUTAGE_REQUESTS {
            (
                "503 Service Unavailable",
                r#"{"error_code":50301,"message":"down"}"#.to_owned(),
            )
        } else {
            (
                "200 OK",
                serde_json::json!({ "schema": ENCOUNTER_SCHEMA }).to_string(),
            )
        }
    } else if request_line.starts_with("GET /schemas/ids/") {
        (
            "404 Not Found",
            r#"{"error_code":40403,"message":"Schema not found"}"#.to_owned(),
        )
    } else if request_line.starts_with(&format!("POST /subjects/{OUTPUT}-value/versions ")) {
        let sent: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(
            sent["schema"].as_str(),
            Some(OUTCOME_SCHEMA),
            "the outcome schema is registered"
        );
        registered.fetch_add(1, Ordering::SeqCst);
        ("200 OK", format!(r#"{{"id":{OUTCOME_SCHEMA_ID}}}"#))
    } else {
        (
            "404 Not Found",
            r#"{"error_code":40401,"message":"no such route"}"#.to_owned(),
        )
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/vnd.schemaregistry.v1+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
        json.len()
    );
}

fn confluent(payload: Vec<u8>, key: &str) -> Message {
    Message {
        key: Some(key.as_bytes().to_vec()),
        payload: Some(payload),
        headers: Vec::new(),
    }
}

#[test]
fn confluent_framed_events_are_screened_with_writer_schemas_from_the_registry() {
    let registry = FakeRegistry::start();
    let kafka = MockKafka::with_service_topics(2);
    let brokers = kafka.brokers();
    let encoder =
        Encoder::new(OutputFormat::AvroConfluent, Some(WRITER_SCHEMA_ID)).expect("an id is given");
    let mut events: Vec<_> = Synth::new(61).take(40).map(|g| g.encounter).collect();
    let mut messages: Vec<Message> = events
        .iter()
        .map(|event| {
            let mut payload = Vec::new();
            encoder
                .encode_encounter(event, &mut payload)
                .expect("encodes");
            confluent(payload, &event.patient_id)
        })
        .collect();
    // A schema id the registry has never heard of.
    let mut unknown = messages[0].payload.clone().expect("a value");
    unknown[1..5].copy_from_slice(&99u32.to_be_bytes());
    messages.push(confluent(unknown, "pt_unknown"));
    // A newer writer's plan type and discipline: screened as OTHER, not dead-lettered.
    let mut newer = events[1].clone();
    newer.event_id = "written-with-a-newer-schema".into();
    let datum = interop::newer_datum(&newer, &interop::NEW_PLAN_AND_DISCIPLINE);
    let payload = [&[0][..], &NEWER_SCHEMA_ID.to_be_bytes(), &datum].concat();
    messages.push(confluent(payload, &newer.patient_id));
    newer.payer.plan_type = PlanType::Other;
    newer.rendering_provider.discipline = Discipline::Other;
    events.push(newer);
    produce(brokers, INPUT, &messages, None, &[]);

    let service = Service::run(
        "service",
        brokers,
        "registry-it",
        &["--schema-registry-url", &registry.url],
    );
    let mut outputs = TopicReader::new(brokers, OUTPUT, &[]);
    let records = wait_until("an outcome for every event", &[&service], || {
        let records = outputs.poll().to_vec();
        if records.len() >= events.len() {
            Ok(records)
        } else {
            Err(format!("{} of {}", records.len(), events.len()))
        }
    });
    assert_eq!(records.len(), events.len());
    let schema: serde_avro_fast::Schema = OUTCOME_SCHEMA.parse().expect("parses");
    let pipeline = Pipeline::with_defaults();
    for record in &records {
        let payload = record.message.payload.as_deref().expect("a value");
        assert_eq!(payload[0], 0, "Confluent magic byte");
        assert_eq!(
            payload[1..5],
            OUTCOME_SCHEMA_ID.to_be_bytes(),
            "the registered outcome schema id"
        );
        let outcome: Outcome =
            serde_avro_fast::from_datum_slice(&payload[5..], &schema).expect("an outcome datum");
        let event = events
            .iter()
            .find(|e| e.event_id == outcome.event_id)
            .expect("answers an input");
        let want = pipeline.screen(event.clone(), Timestamp(0), None).outcome;
        assert_eq!(comparable(&outcome), comparable(&want));
    }
    let mut dead_letters = TopicReader::new(brokers, DLQ, &[]);
    let letter = wait_until(
        "the dead letter of the unknown schema id",
        &[&service],
        || {
            dead_letters
                .poll()
                .first()
                .cloned()
                .ok_or_else(|| "no dead letter yet".to_owned())
        },
    );
    assert_eq!(
        letter.header("dlq.reason").as_deref(),
        Some("unknown_schema_id")
    );
    service.stop();
    // The outage was waited out: all messages of id 7 were screened, none dead-lettered.
    assert_eq!(dead_letters.poll().len(), 1);
    assert!(registry.schema_requests.load(Ordering::SeqCst) > OUTAGE_REQUESTS);
    assert_eq!(registry.registrations.load(Ordering::SeqCst), 1);
}
