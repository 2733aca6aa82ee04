//! Patient data stays out of everything but the outcomes and the dead-letter values
//! (DESIGN.md "Security and PHI"): events whose every identifier and free-text field holds
//! a sentinel — valid ones, screened, and malformed ones of every dead-letter reason — go
//! through the real binary at debug log level, in JSON and in text logs, and no sentinel
//! may appear in a log line, the `/metrics` output or a dead-letter header. `check` is held
//! to the same for the records it cannot read.
//!
//! Every sentinel holds `ZQX`, which nothing else the service writes does; the numeric NPIs
//! are searched for as they are.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;
use traction_screen_core::codec::container::{Codec, ContainerWriter};
use traction_screen_core::codec::{Encoder, OutputFormat};
use traction_screen_core::domain::{Diagnosis, Encounter};
use traction_screen_core::testing::clean_encounter;

use crate::support::child::Service;
use crate::support::cluster::{DLQ, INPUT, MockKafka, OUTPUT};
use crate::support::events::{self, Expect};
use crate::support::http;
use crate::support::kafka::{self, Message, Record, TopicReader};
use crate::support::wait_until;

const MARK: &str = "zqx";
/// Valid NPIs (Luhn) that appear nowhere else.
const NUMERIC_NPIS: [&str; 3] = ["7305192644", "9182736451", "5647382915"];

/// Our clean encounter with every identifier and free-text field a sentinel that still
/// passes validation; `numeric` gives it real-looking NPIs instead of marked ones.
fn with_sentinels(tag: &str, numeric: bool) -> Encounter {
    let mut event = clean_encounter();
    event.event_id = format!("ZQX-EVENT-{tag}");
    event.claim_id = format!("ZQX-CLAIM-{tag}");
    event.patient_id = format!("ZQX-PATIENT-{tag}");
    event.payer.payer_id = format!("ZQX-PAYER-{tag}");
    let npis = match numeric {
        true => NUMERIC_NPIS.map(str::to_owned),
        false => ["R", "F", "C"].map(|role| format!("ZQXNPI{role}{tag}")),
    };
    let [rendering, referring, certifying] = npis;
    event.rendering_provider.npi = rendering;
    event.referring_provider_npi = Some(referring);
    if let Some(plan) = event.plan_of_care.as_mut() {
        plan.certifying_npi = Some(certifying);
    }
    event.diagnoses.push(Diagnosis {
        pointer: 2,
        code: "ZQX5416".into(),
    });
    let traction = event
        .traction
        .as_mut()
        .expect("the clean encounter documents traction");
    traction.device_name = Some(format!("ZQX device {tag}"));
    traction.patient_position = Some(format!("ZQX position {tag}"));
    traction.patient_response = Some(format!("ZQX: patient {tag} said the pain eased"));
    event
}

fn encoded(format: OutputFormat, event: &Encounter) -> Vec<u8> {
    let mut out = Vec::new();
    Encoder::new(format, Some(7))
        .expect("a valid encoder")
        .encode_encounter(event, &mut out)
        .expect("encodes");
    out
}

/// The sentinel encounter as JSON with `edit` applied.
fn json_with(tag: &str, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let json = traction_screen_core::codec::json::encounter_to_json(&with_sentinels(tag, false));
    let mut value: Value = serde_json::from_str(&json).expect("our own JSON");
    edit(&mut value);
    value.to_string().into_bytes()
}

/// Message values that must be screened: JSON (with an unknown field), single-object Avro.
fn screenable() -> Vec<Vec<u8>> {
    vec![
        json_with("J", |v| v["ZQX-UNKNOWN-FIELD"] = "ZQX-UNKNOWN-VALUE".into()),
        encoded(OutputFormat::AvroSingleObject, &with_sentinels("A", true)),
    ]
}

/// Message values that must be dead-lettered, one or more per reason, each with its
/// sentinels in or around the field at fault.
fn malformed() -> Vec<Vec<u8>> {
    let avro = encoded(OutputFormat::AvroSingleObject, &with_sentinels("B", false));
    let json = String::from_utf8(json_with("S", |_| {})).expect("UTF-8");
    vec![
        b"ZQX-RAW-PAYLOAD: not an encounter".to_vec(),
        encoded(OutputFormat::AvroConfluent, &with_sentinels("C", false)),
        avro[..avro.len() - 40].to_vec(),
        json.replacen(r#":"ZQX-PATIENT"#, r#":ZQX-PATIENT"#, 1)
            .into_bytes(),
        json.as_bytes()[..json.len() / 2].to_vec(),
        json_with("U", |v| v["service_lines"][0]["units"] = "ZQX-UNITS".into()),
        json_with("P", |v| v["payer"]["plan_type"] = "ZQX_PLAN".into()),
        json_with("D", |v| v["diagnoses"][0]["code"] = "ZQX-DIAG-!!".into()),
        json_with("T", |v| {
            v["service_lines"][0]["date_of_service"] = "ZQX-DATE".into()
        }),
        json_with("E", |v| v["event_time"] = "ZQX-TIME".into()),
        json_with("K", |v| v["diagnoses"] = serde_json::json!({"ZQX-KEY": 1})),
        json_with("M", |v| {
            v["service_lines"][0]["modifiers"][0] = "ZQXMOD".into()
        }),
        json_with("L", |v| {
            v["traction"]["patient_response"] = "ZQX ".repeat(600).into()
        }),
    ]
}

/// Where `text` holds a sentinel, if it does.
fn sentinel_in(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    std::iter::once(MARK)
        .chain(NUMERIC_NPIS)
        .find(|needle| lower.contains(needle))
}

fn assert_no_sentinel<'t>(place: &str, texts: impl IntoIterator<Item = &'t str>) {
    let leaks: Vec<&str> = texts
        .into_iter()
        .filter(|text| sentinel_in(text).is_some())
        .collect();
    assert!(leaks.is_empty(), "patient data in {place}: {leaks:#?}");
}

fn message(value: Vec<u8>, index: usize) -> Message {
    Message {
        key: Some(format!("ZQX-PATIENT-KEY-{index}").into_bytes()),
        payload: Some(value),
        headers: Vec::new(),
    }
}

fn dead_letter_headers(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .flat_map(|r| &r.message.headers)
        .map(|(key, value)| {
            let value = value.as_deref().map(String::from_utf8_lossy);
            format!("{key}: {}", value.unwrap_or_default())
        })
        .collect()
}

/// Runs the service over every sentinel message with `log_format` logs at debug level and
/// `kafka_config` for its clients; checks what it logged, exposed and dead-lettered.
fn screen_sentinels(log_format: &str, kafka_config: &[&str]) {
    let kafka = MockKafka::with_service_topics(1);
    let brokers = kafka.brokers();
    let (good, bad) = (screenable(), malformed());
    let reasons: Vec<Expect> = bad.iter().map(|value| events::expect(value)).collect();
    let codes: Vec<&str> = reasons
        .iter()
        .map(|expect| match expect {
            Expect::DeadLetter(code) => *code,
            Expect::Outcome(_) => panic!("a malformed message would be screened"),
        })
        .collect();
    assert_eq!(
        codes
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        traction_screen_core::codec::DecodeError::CODES
            .into_iter()
            .collect(),
        "every dead-letter reason is exercised"
    );
    let screened_count = good.len();
    let messages: Vec<Message> = good
        .into_iter()
        .chain(bad)
        .enumerate()
        .map(|(i, v)| message(v, i))
        .collect();
    kafka::produce(brokers, INPUT, &messages, None, &[]);

    let mut flags = vec!["--log-format", log_format];
    flags.extend_from_slice(kafka_config);
    let service = Service::run_with_env(
        "service",
        brokers,
        "phi-it",
        &flags,
        &[("RUST_LOG", "debug")],
    );
    let (mut outputs, mut dead_letters) = (
        TopicReader::new(brokers, OUTPUT, &[]),
        TopicReader::new(brokers, DLQ, &[]),
    );
    wait_until(
        "every message screened or dead-lettered",
        &[&service],
        || {
            let (screened, dead) = (outputs.poll().len(), dead_letters.poll().len());
            match (screened, dead) {
                (n, m) if n == screened_count && m == codes.len() => Ok(()),
                _ => Err(format!("{screened} outcomes, {dead} dead letters")),
            }
        },
    );
    let metrics = http::get(service.admin_addr(), "/metrics").expect("/metrics answers");
    service.stop();

    let logs = service.log_lines();
    let debug_lines = logs.iter().filter(|line| line.contains("DEBUG")).count();
    assert!(debug_lines > 0, "debug logging is on:\n{}", service.logs());
    assert_no_sentinel("the service's logs", logs.iter().map(String::as_str));
    assert_no_sentinel("/metrics", metrics.body.lines());
    let letters = dead_letters.poll();
    assert_no_sentinel(
        "dead-letter headers",
        dead_letter_headers(letters).iter().map(String::as_str),
    );
    let mut sent: Vec<String> = letters
        .iter()
        .filter_map(|r| r.header("dlq.reason"))
        .collect();
    let mut expected: Vec<String> = codes.iter().map(|code| (*code).to_owned()).collect();
    sent.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sent, expected);
    // The sentinels did reach the service, and the outcomes carry them, as they must.
    let outcome = String::from_utf8_lossy(
        outputs.poll()[0]
            .message
            .payload
            .as_deref()
            .unwrap_or_default(),
    )
    .into_owned();
    assert_eq!(sentinel_in(&outcome), Some(MARK));
}

#[test]
fn no_sentinel_reaches_json_logs_metrics_or_dead_letter_headers_even_with_librdkafka_debug() {
    screen_sentinels("json", &["--kafka-config", "debug=all"]);
}

#[test]
fn no_sentinel_reaches_text_logs_metrics_or_dead_letter_headers_with_message_debug() {
    screen_sentinels("text", &["--kafka-config", "debug=msg,fetch,cgrp"]);
}

#[test]
fn check_reports_unreadable_records_without_patient_data() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let lines: Vec<Vec<u8>> = malformed()
        .into_iter()
        .filter(|v| v.first() == Some(&b'{'))
        .collect();
    let mut jsonl = Vec::new();
    for line in &lines {
        jsonl.extend_from_slice(line);
        jsonl.push(b'\n');
    }
    let mut invalid = with_sentinels("F", false);
    invalid.diagnoses[0].code = "ZQX-NOT-A-CODE".into();
    // One record per block: the invalid record is reported, the last block is cut short.
    let mut file = ContainerWriter::with_block_bytes(Vec::new(), Codec::Null, 1).expect("header");
    for event in [
        &with_sentinels("G", false),
        &invalid,
        &with_sentinels("H", false),
    ] {
        file.write(event).expect("writes");
    }
    let file = file.finish().expect("finishes");
    let container = dir.path().join("sentinels.avro");
    std::fs::write(&container, &file[..file.len() - 30]).expect("writes the file");

    let mut child = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(["check", "-"])
        .arg(&container)
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(&jsonl)
        .expect("writes stdin");
    let output = child.wait_with_output().expect("check ends");
    let errors = String::from_utf8_lossy(&output.stderr);
    let reported = errors
        .lines()
        .filter(|line| line.starts_with("error: "))
        .count();
    assert_eq!(
        reported,
        lines.len() + 2,
        "one error per bad line, record and block:\n{errors}"
    );
    assert_no_sentinel("check's standard error", errors.lines());
}
