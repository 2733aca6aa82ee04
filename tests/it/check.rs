//! The `check` command (CONTRACT.md §5): inputs, outputs, errors and exit statuses — through
//! `check::run` with in-memory streams, and through the real binary for stdin and exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use traction_screen::check::{self, CheckFormat, CheckOptions, exit};
use traction_screen_core::codec::container::{Codec, write_encounters};
use traction_screen_core::codec::json::encounter_to_json;
use traction_screen_core::domain::Outcome;
use traction_screen_core::testing::clean_encounter;

pub(super) fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

pub(super) struct Run {
    pub status: u8,
    pub out: String,
    pub err: String,
}

fn check(format: CheckFormat, files: Vec<PathBuf>, stdin: &str) -> Run {
    let options = CheckOptions {
        format,
        rule_pack: None,
        files,
        history: true,
    };
    check_with(&options, stdin)
}

/// Runs `check` with `options` and `stdin`, in memory.
pub(super) fn check_with(options: &CheckOptions, stdin: &str) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = check::run(options, &mut stdin.as_bytes(), &mut out, &mut err);
    Run {
        status,
        out: String::from_utf8(out).expect("utf-8 output"),
        err: String::from_utf8(err).expect("utf-8 errors"),
    }
}

pub(super) fn outcomes(jsonl: &str) -> Vec<Outcome> {
    jsonl
        .lines()
        .map(|line| serde_json::from_str(line).expect("an outcome per line"))
        .collect()
}

fn failing_encounter_json() -> String {
    let mut event = clean_encounter();
    event.event_id = "units".into();
    event.service_lines[0].units = 2;
    encounter_to_json(&event)
}

#[test]
fn jsonl_input_gives_one_outcome_per_line_and_exit_1_when_one_fails() {
    let run = check(
        CheckFormat::Jsonl,
        vec![fixture("examples/encounters.jsonl")],
        "",
    );
    assert_eq!(run.status, exit::FAILED, "{}", run.err);
    assert_eq!(run.err, "");
    let verdicts: Vec<&str> = run
        .out
        .lines()
        .map(|l| {
            if l.contains("\"verdict\":\"PASS\"") {
                "PASS"
            } else if l.contains("\"verdict\":\"FAIL\"") {
                "FAIL"
            } else {
                "REVIEW"
            }
        })
        .collect();
    assert_eq!(verdicts, ["PASS", "REVIEW", "FAIL", "PASS"]);
    assert_eq!(outcomes(&run.out).len(), 4);
}

#[test]
fn all_passing_input_exits_0() {
    let clean = encounter_to_json(&clean_encounter());
    let run = check(CheckFormat::Jsonl, vec![], &format!("{clean}\n\n{clean}\n"));
    assert_eq!(run.status, exit::OK, "{}", run.err);
    assert_eq!(outcomes(&run.out).len(), 2);
}

#[test]
fn a_bad_line_is_reported_with_file_and_line_and_checking_continues() {
    let good = encounter_to_json(&clean_encounter());
    let input = format!(
        "{good}\n{{\"event_id\": \"broken\"\n{}\n",
        failing_encounter_json()
    );
    let run = check(CheckFormat::Jsonl, vec![], &input);
    assert_eq!(run.status, exit::BAD_INPUT);
    assert_eq!(outcomes(&run.out).len(), 2);
    assert_eq!(
        run.err,
        "error: <stdin>: line 2, column 21: invalid JSON: EOF while parsing an object \
         (invalid_json)\n"
    );
}

#[test]
fn a_field_of_the_wrong_type_is_reported_in_json_words_at_its_line() {
    let mut value: serde_json::Value =
        serde_json::from_str(&encounter_to_json(&clean_encounter())).unwrap();
    value["service_lines"][0]["units"] = "two".into();
    let run = check(CheckFormat::Jsonl, vec![], &format!("\n{value}\n"));
    assert_eq!(run.status, exit::BAD_INPUT);
    assert_eq!(
        run.err,
        "error: <stdin>: line 2: service_lines[0].units: wrong type, expected an integer \
         (invalid_field)\n"
    );
}

#[test]
fn a_file_that_is_not_a_json_array_names_the_line_and_column() {
    let run = check(
        CheckFormat::Jsonl,
        vec![],
        "[\n  {\"event_id\": 1},\n  oops\n]",
    );
    assert_eq!(run.status, exit::BAD_INPUT);
    assert_eq!(
        run.err,
        "error: <stdin>: line 3, column 3: not a JSON array of encounters\n"
    );
}

#[test]
fn a_json_array_is_screened_element_by_element() {
    let input = format!(
        "[{}, {}]",
        encounter_to_json(&clean_encounter()),
        failing_encounter_json()
    );
    let run = check(CheckFormat::Jsonl, vec![], &input);
    assert_eq!(run.status, exit::FAILED, "{}", run.err);
    let screened = outcomes(&run.out);
    assert_eq!(screened.len(), 2);
    assert_eq!(screened[1].event_id, "units");
    assert_eq!(screened[1].findings[0].rule_id, "TR-001");
}

#[test]
fn a_bad_array_element_names_its_position() {
    let input = format!(
        "[{}, {{\"event_id\": 5}}]",
        encounter_to_json(&clean_encounter())
    );
    let run = check(CheckFormat::Jsonl, vec![], &input);
    assert_eq!(run.status, exit::BAD_INPUT);
    assert_eq!(
        run.err,
        "error: <stdin>: record 2: event_id: wrong type, expected a string (invalid_field)\n"
    );
    assert_eq!(outcomes(&run.out).len(), 1);
}

#[test]
fn avro_container_files_are_screened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.avro");
    let mut failing = clean_encounter();
    failing.service_lines[0].units = 3;
    let events = [clean_encounter(), failing];
    let file = std::fs::File::create(&path).unwrap();
    write_encounters(events.iter(), file, Codec::Deflate).unwrap();
    let run = check(CheckFormat::Jsonl, vec![path], "");
    assert_eq!(run.status, exit::FAILED, "{}", run.err);
    let screened = outcomes(&run.out);
    assert_eq!(screened.len(), 2);
    assert_eq!(screened[1].risk_score, 40);
}

#[test]
fn a_missing_file_exits_2_naming_it_and_other_files_are_still_screened() {
    let missing = fixture("no-such-file.jsonl");
    let run = check(
        CheckFormat::Jsonl,
        vec![missing, fixture("examples/encounters.jsonl")],
        "",
    );
    assert_eq!(run.status, exit::BAD_INPUT);
    assert!(
        run.err.contains("no-such-file.jsonl: cannot read"),
        "{}",
        run.err
    );
    assert_eq!(outcomes(&run.out).len(), 4);
}

#[test]
fn no_summary_is_printed_when_nothing_could_be_read() {
    let run = check(CheckFormat::Table, vec![fixture("no-such-file.jsonl")], "");
    assert_eq!(run.status, exit::BAD_INPUT);
    assert_eq!(run.out, "");
    assert_eq!(run.err.lines().count(), 1, "{}", run.err);
}

#[test]
fn the_table_shows_findings_and_a_summary_by_verdict_and_rule() {
    let run = check(
        CheckFormat::Table,
        vec![fixture("examples/encounters.jsonl")],
        "",
    );
    assert_eq!(run.status, exit::FAILED);
    assert!(run.out.starts_with("EVENT "), "{}", run.out);
    assert!(
        run.out.contains("    TR-022 ERROR   event    Invalid NPI"),
        "{}",
        run.out
    );
    assert!(
        run.out
            .contains("4 encounters screened: PASS 2, REVIEW 1, FAIL 1"),
        "{}",
        run.out
    );
    assert!(
        run.out
            .contains("  TR-030 WARNING      1  Thoracic traction"),
        "{}",
        run.out
    );
}

#[test]
fn an_invalid_rule_pack_exits_2_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.toml");
    let text =
        traction_screen_core::rules::pack::BUILT_IN.replacen("\"TR-041\" =", "\"TR-099\" =", 1);
    std::fs::write(&pack, text).unwrap();
    let options = CheckOptions {
        format: CheckFormat::Jsonl,
        rule_pack: Some(pack),
        files: vec![fixture("examples/encounters.jsonl")],
        history: true,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = check::run(&options, &mut &b""[..], &mut out, &mut err);
    assert_eq!(status, exit::BAD_INPUT);
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("rule pack entry `rules.\"TR-099\"`: unknown rule id"),
        "{err}"
    );
    assert!(out.is_empty());
}

#[test]
fn the_binary_reads_stdin_and_defaults_to_jsonl_when_piped() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let input = format!("{}\n", failing_encounter_json());
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let screened = outcomes(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(screened.len(), 1);
    assert_eq!(
        screened[0].verdict,
        traction_screen_core::domain::Verdict::Fail
    );
}

#[test]
fn the_binary_exits_2_on_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(["check", "--format", "xml"])
        .output()
        .expect("the binary starts");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn json_is_accepted_as_another_name_for_jsonl() {
    let output = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(["check", "--format", "json"])
        .arg(fixture("examples/encounters.jsonl"))
        .output()
        .expect("the binary starts");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        outcomes(&String::from_utf8(output.stdout).unwrap()).len(),
        4
    );
}

#[test]
fn the_help_states_the_exit_statuses() {
    let output = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(["check", "--help"])
        .output()
        .expect("the binary starts");
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8(output.stdout).unwrap();
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "Exit status: 0 every encounter was screened and none FAILed; 1 at least one \
             FAILed; 2 a usage error, an unreadable file, or a record that could not be decoded"
        ),
        "{help}"
    );
}
