//! `check` with history (RULES.md "History rules"): encounters screened against those
//! before them, across files in the order given; `--no-history`; dead letters left out.

use std::path::PathBuf;
use std::process::Command;

use traction_screen::check::{CheckFormat, CheckOptions, exit};
use traction_screen_core::codec::json::encounter_to_json;
use traction_screen_core::domain::Outcome;
use traction_screen_core::testing::other_claim;

use super::check::{Run, check_with, fixture, outcomes};

fn check(files: Vec<PathBuf>, stdin: &str, history: bool) -> Run {
    let options = CheckOptions {
        format: CheckFormat::Jsonl,
        rule_pack: None,
        files,
        history,
    };
    check_with(&options, stdin)
}

/// Each outcome as its event id and the rule ids of its findings.
fn fired(outcomes: &[Outcome]) -> Vec<(String, Vec<String>)> {
    outcomes
        .iter()
        .map(|o| {
            let rules = o.findings.iter().map(|f| f.rule_id.to_string()).collect();
            (o.event_id.clone(), rules)
        })
        .collect()
}

fn named(expected: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    expected
        .iter()
        .map(|(id, rules)| {
            (
                id.to_string(),
                rules.iter().map(|r| r.to_string()).collect(),
            )
        })
        .collect()
}

/// The shared history example cut after its third line into two files.
fn example_in_two_files(dir: &tempfile::TempDir) -> (PathBuf, PathBuf) {
    let text = std::fs::read_to_string(fixture("examples/history_encounters.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (first, second) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&first, lines[..3].join("\n")).unwrap();
    std::fs::write(&second, lines[3..].join("\n")).unwrap();
    (first, second)
}

#[test]
fn encounters_are_screened_against_those_before_them_across_files_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = example_in_two_files(&dir);
    let run = check(vec![first.clone(), second.clone()], "", true);
    assert_eq!(run.status, exit::FAILED, "{}", run.err);
    assert_eq!(
        fired(&outcomes(&run.out)),
        named(&[
            ("ex-h1-a", &[]),
            ("ex-h1-b", &["TR-050"]),
            ("ex-h1-c", &[]),
            ("ex-h1-d", &["TR-050"]),
            ("ex-h2-a", &[]),
            ("ex-h2-b", &["TR-051"]),
            ("ex-h1-b", &["TR-050"]),
        ])
    );
    // The other way round, claim 1C comes first and 1A after it.
    let run = check(vec![second, first], "", true);
    assert_eq!(
        fired(&outcomes(&run.out)),
        named(&[
            ("ex-h1-d", &[]),
            ("ex-h2-a", &[]),
            ("ex-h2-b", &["TR-051"]),
            ("ex-h1-b", &["TR-050"]),
            ("ex-h1-a", &["TR-050"]),
            ("ex-h1-b", &["TR-050"]),
            ("ex-h1-c", &[]),
        ])
    );
}

#[test]
fn no_history_screens_each_encounter_alone() {
    let run = check(
        vec![fixture("examples/history_encounters.jsonl")],
        "",
        false,
    );
    assert_eq!(run.status, exit::OK, "{}", run.err);
    let screened = outcomes(&run.out);
    assert_eq!(screened.len(), 7);
    assert!(
        screened.iter().all(|o| o.findings.is_empty()),
        "{}",
        run.out
    );
}

#[test]
fn a_record_that_cannot_be_decoded_never_enters_history() {
    let mut dead = other_claim("CLM-DEAD");
    dead.place_of_service = "XX".into();
    let mut again = other_claim("CLM-DEAD");
    again.event_id = dead.event_id.clone();
    let input = [
        encounter_to_json(&dead),
        encounter_to_json(&other_claim("CLM-A")),
        encounter_to_json(&again),
    ]
    .join("\n");
    let run = check(vec![], &input, true);
    assert_eq!(run.status, exit::BAD_INPUT);
    assert_eq!(
        run.err,
        "error: <stdin>: line 1: place_of_service: not a 2-digit place-of-service code (invalid_field)\n"
    );
    // CLM-A saw no CLM-DEAD; the event id of the dead letter is screened normally later.
    assert_eq!(
        fired(&outcomes(&run.out)),
        named(&[("evt-CLM-A", &[]), ("evt-CLM-DEAD", &["TR-050"])])
    );
}

#[test]
fn the_binary_takes_no_history_as_a_flag() {
    let screen = |flags: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
            .arg("check")
            .args(flags)
            .arg(fixture("examples/history_encounters.jsonl"))
            .output()
            .expect("the binary starts");
        let screened = outcomes(&String::from_utf8(output.stdout).unwrap());
        (output.status.code(), screened[1].findings.len())
    };
    assert_eq!(screen(&[]), (Some(1), 1));
    assert_eq!(screen(&["--no-history"]), (Some(0), 0));
}
