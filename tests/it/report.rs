//! `traction-screen report` through the binary: from the files `check` writes (JSON Lines
//! and Avro container), from outcomes written with the first outcome schema, and from the
//! outcomes and dead-letter topics of a cluster. The page's figures are compared with
//! counts made here from the outcomes themselves.

use std::path::{Path, PathBuf};
use std::process::Command;

use traction_screen::check::{self, CheckFormat, CheckOptions};
use traction_screen::report::render::dollars;
use traction_screen_core::codec::{
    self, Encoder, OUTCOME_SCHEMA_V1, OutputFormat, SINGLE_OBJECT_MAGIC,
};
use traction_screen_core::domain::{Outcome, Verdict};

use crate::outcome_evolution::{encoded_datum, v1_value};
use crate::support::cluster::{DLQ, MockKafka, OUTPUT};
use crate::support::events;
use crate::support::kafka::{self, Message};

const BINARY: &str = env!("CARGO_BIN_EXE_traction-screen");

pub struct Report {
    pub status: Option<i32>,
    pub page: String,
    pub err: String,
}

/// Runs `report` with `args`, writing the page to a temporary file.
pub fn report(args: &[&str]) -> Report {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let page = dir.path().join("report.html");
    let output = Command::new(BINARY)
        .arg("report")
        .args(args)
        .arg("--output")
        .arg(&page)
        .output()
        .expect("the binary starts");
    Report {
        status: output.status.code(),
        page: std::fs::read_to_string(&page).unwrap_or_default(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The text of the element with this id.
pub fn by_id<'p>(page: &'p str, id: &str) -> &'p str {
    let marker = format!("id=\"{id}\">");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no #{id}")) + marker.len();
    &page[start..start + page[start..].find('<').expect("a closing tag")]
}

/// The page's totals: outcomes, PASS, REVIEW, FAIL, at risk.
pub fn totals(page: &str) -> [String; 5] {
    [
        "total-outcomes",
        "total-pass",
        "total-review",
        "total-fail",
        "total-at-risk",
    ]
    .map(|id| by_id(page, id).to_owned())
}

/// What the totals must say about `outcomes` (each counted once).
pub fn expected_totals(outcomes: &[Outcome]) -> [String; 5] {
    let count = |verdict| outcomes.iter().filter(|o| o.verdict == verdict).count();
    let at_risk: i64 = outcomes.iter().filter_map(|o| o.at_risk_cents).sum();
    [
        outcomes.len().to_string(),
        count(Verdict::Pass).to_string(),
        count(Verdict::Review).to_string(),
        count(Verdict::Fail).to_string(),
        dollars(at_risk),
    ]
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// `check` of the catalogue fixtures in `format`, into `path`.
fn check_into(format: CheckFormat, path: &Path) {
    let options = CheckOptions {
        format,
        rule_pack: None,
        files: vec![fixture("catalogue/encounters.jsonl")],
        history: true,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    check::run(&options, &mut &b""[..], &mut out, &mut err);
    assert_eq!(String::from_utf8_lossy(&err), "");
    std::fs::write(path, out).expect("writes the outcomes");
}

fn outcomes_of_jsonl(path: &Path) -> Vec<Outcome> {
    std::fs::read_to_string(path)
        .expect("reads")
        .lines()
        .map(|line| serde_json::from_str(line).expect("an outcome"))
        .collect()
}

/// The outcomes of the catalogue fixtures, as `check` writes them in JSON Lines and in an
/// Avro container: the two files (in a directory that lives as long as the first value).
fn checked_files() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (jsonl, avro) = (dir.path().join("o.jsonl"), dir.path().join("o.avro"));
    check_into(CheckFormat::Jsonl, &jsonl);
    check_into(CheckFormat::Avro, &avro);
    (dir, jsonl, avro)
}

#[test]
fn json_lines_and_the_avro_container_of_the_same_outcomes_give_the_same_page() {
    let (_dir, jsonl, avro) = checked_files();
    let outcomes = outcomes_of_jsonl(&jsonl);
    assert!(outcomes.len() > 50, "{} outcomes", outcomes.len());

    let from_json = report(&[jsonl.to_str().expect("UTF-8")]);
    let from_avro = report(&[avro.to_str().expect("UTF-8")]);
    for run in [&from_json, &from_avro] {
        assert_eq!((run.status, run.err.as_str()), (Some(0), ""));
        assert_eq!(totals(&run.page), expected_totals(&outcomes));
    }
    let without_source = |page: &str| {
        page.lines()
            .filter(|line| !line.contains("class=\"meta\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_source(&from_json.page),
        without_source(&from_avro.page)
    );
}

#[test]
fn apache_avro_reads_the_container_check_writes() {
    let (_dir, jsonl, avro) = checked_files();
    let bytes = std::fs::read(&avro).expect("reads");
    let read: Vec<Outcome> = apache_avro::Reader::new(bytes.as_slice())
        .expect("a container file")
        .map(|value| apache_avro::from_value(&value.expect("a record")).expect("an outcome"))
        .collect();
    let screened_at_zero = |o: Outcome| Outcome {
        screened_at: traction_screen_core::domain::Timestamp(0),
        ..o
    };
    let expected: Vec<Outcome> = outcomes_of_jsonl(&jsonl)
        .into_iter()
        .map(screened_at_zero)
        .collect();
    assert_eq!(
        read.into_iter().map(screened_at_zero).collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn outcomes_written_with_the_first_schema_are_reported_under_unknown() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("v1.avro");
    let v1 = apache_avro::Schema::parse_str(OUTCOME_SCHEMA_V1).expect("parses");
    let mut writer = apache_avro::Writer::new(&v1, Vec::new());
    writer
        .append(v1_value(&traction_screen_core::testing::sample_outcome()))
        .expect("appends");
    std::fs::write(&path, writer.into_inner().expect("a file")).expect("writes");

    let run = report(&[path.to_str().expect("UTF-8")]);
    assert_eq!((run.status, run.err.as_str()), (Some(0), ""));
    assert_eq!(
        totals(&run.page),
        ["1", "0", "0", "1", "$0.00"].map(String::from)
    );
    assert!(run.page.contains("<tr data-month=\"unknown\">"));
    assert!(
        run.page
            .contains("<tr data-key=\"unknown\"><td>unknown</td><td class=\"num\">1</td>")
    );
}

/// Outcome values in every framing the service writes or wrote: single-object Avro with
/// our schema, JSON, and single-object Avro with the first schema.
fn outcome_values(outcomes: &[Outcome]) -> Vec<Message> {
    let v1_fingerprint = *OUTCOME_SCHEMA_V1
        .parse::<serde_avro_fast::Schema>()
        .expect("parses")
        .rabin_fingerprint();
    outcomes
        .iter()
        .enumerate()
        .map(|(index, outcome)| {
            let payload = match index % 3 {
                0 => [
                    &SINGLE_OBJECT_MAGIC[..],
                    &codec::outcome_fingerprint(),
                    &encoded_datum(outcome),
                ]
                .concat(),
                1 => {
                    let mut out = Vec::new();
                    let encoder = Encoder::new(OutputFormat::Json, None).expect("valid");
                    encoder.encode_outcome(outcome, &mut out).expect("encodes");
                    out
                }
                _ => {
                    let v1 = apache_avro::Schema::parse_str(OUTCOME_SCHEMA_V1).expect("parses");
                    let datum = apache_avro::to_avro_datum(&v1, v1_value(outcome)).expect("v1");
                    [&SINGLE_OBJECT_MAGIC[..], &v1_fingerprint, &datum].concat()
                }
            };
            Message {
                key: Some(outcome.claim_id.clone().into_bytes()),
                payload: Some(payload),
                headers: Vec::new(),
            }
        })
        .collect()
}

/// Dead letters: 3 `invalid_json`, 1 `too_large`, 1 without a reason header.
pub fn dead_letters() -> Vec<Message> {
    let letter = |reason: Option<&str>| Message {
        key: None,
        payload: Some(b"{not json".to_vec()),
        headers: reason
            .map(|r| vec![("dlq.reason".to_owned(), Some(r.as_bytes().to_vec()))])
            .unwrap_or_default(),
    };
    let reasons = [
        Some("invalid_json"),
        Some("too_large"),
        Some("invalid_json"),
        None,
        Some("invalid_json"),
    ];
    reasons.into_iter().map(letter).collect()
}

/// The dead-letter rows of a page: (reason, count), most first.
pub fn dead_letter_rows(page: &str) -> Vec<(String, String)> {
    page.split("<tr data-reason=\"")
        .skip(1)
        .map(|row| {
            let reason = &row[..row.find('"').expect("quoted")];
            let count = row.split("<td class=\"num\">").nth(1).expect("a count");
            (
                reason.to_owned(),
                count[..count.find('<').expect("closed")].to_owned(),
            )
        })
        .collect()
}

pub fn expected_dead_letter_rows() -> Vec<(String, String)> {
    [("invalid_json", "3"), ("too_large", "1"), ("unknown", "1")]
        .map(|(r, n)| (r.to_owned(), n.to_owned()))
        .to_vec()
}

#[test]
fn a_report_of_the_topics_reads_every_framing_counts_a_redelivery_once_and_dead_letters_by_reason()
{
    let kafka = MockKafka::start(1, &[(OUTPUT, 3), (DLQ, 1)]);
    let brokers = kafka.brokers();
    let outcomes: Vec<Outcome> = events::encounters(9, 60)
        .iter()
        .filter_map(|input| input.outcome().cloned())
        .collect();
    let mut values = outcome_values(&outcomes);
    values.push(values[0].clone());
    kafka::produce(brokers, OUTPUT, &values, None, &[]);
    kafka::produce(brokers, DLQ, &dead_letters(), None, &[]);

    let run = report(&["--brokers", brokers]);
    assert_eq!((run.status, run.err.as_str()), (Some(0), ""));
    let with_old_ones_not_at_risk: Vec<Outcome> = outcomes
        .iter()
        .enumerate()
        .map(|(index, o)| Outcome {
            at_risk_cents: (index % 3 != 2).then_some(o.at_risk_cents).flatten(),
            ..o.clone()
        })
        .collect();
    assert_eq!(
        totals(&run.page),
        expected_totals(&with_old_ones_not_at_risk)
    );
    assert!(
        run.page.contains("1 re-delivered"),
        "the copy of the first outcome"
    );
    assert_eq!(dead_letter_rows(&run.page), expected_dead_letter_rows());
    assert!(
        run.page
            .contains(&format!("Source: topic {OUTPUT} on {brokers}"))
    );
}

#[test]
fn an_undecodable_outcome_value_is_reported_by_partition_and_offset_with_exit_2() {
    let kafka = MockKafka::start(1, &[(OUTPUT, 1), (DLQ, 1)]);
    let brokers = kafka.brokers();
    let garbage = Message {
        key: None,
        payload: Some(b"pt-0001 Jane Doe".to_vec()),
        headers: Vec::new(),
    };
    kafka::produce(brokers, OUTPUT, &[garbage], None, &[]);
    let run = report(&["--brokers", brokers, "--dlq-topic", ""]);
    assert_eq!(run.status, Some(2));
    assert_eq!(
        run.err,
        format!(
            "error: {OUTPUT}/0@0: neither JSON nor Avro (single-object or Confluent) framing\n"
        )
    );
    assert!(!run.page.contains("id=\"dead-letters\""));
}

#[test]
fn a_missing_topic_stops_the_report_with_exit_1() {
    let kafka = MockKafka::start(1, &[(OUTPUT, 1)]);
    let run = report(&["--brokers", kafka.brokers(), "--topic", "nowhere"]);
    assert_eq!((run.status, run.page.as_str()), (Some(1), ""));
    assert_eq!(run.err, "error: topic nowhere does not exist\n");
    let run = report(&["--brokers", kafka.brokers(), "--dlq-topic", "no-dlq"]);
    assert_eq!((run.status, run.page.as_str()), (Some(1), ""));
    assert_eq!(
        run.err,
        "error: topic no-dlq does not exist (--dlq-topic '' leaves the dead letters out)\n"
    );
}
