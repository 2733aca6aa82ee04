//! Catalogue fixtures: every encounter of a fixture folder screened and compared with its
//! expected outcome (verdict, score, traction lines, and each finding's rule, severity and
//! line). On a mismatch the test names the file, line and case, and shows both sides. The
//! engine is the built-in rule pack plus the folder's `profiles.toml` (payer profiles), if any.
//!
//! Single-event fixtures screen each encounter alone (keyed by event id); stream fixtures
//! (the history rules) screen the file in order against the history of the lines before,
//! and compare line by line, as an event id may come again (a redelivery).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use traction_screen_core::codec::{Decoder, InputFormat};
use traction_screen_core::domain::Encounter;
use traction_screen_core::history::{History, PriorClaims};
use traction_screen_core::rules::pack::BUILT_IN;
use traction_screen_core::rules::{Engine, Screening};

#[derive(Debug, Deserialize, PartialEq)]
struct Expected {
    event_id: String,
    verdict: String,
    risk_score: i32,
    traction_lines: i32,
    findings: Vec<ExpectedFinding>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ExpectedFinding {
    rule_id: String,
    severity: String,
    line_number: Option<i32>,
}

/// How a fixture file is screened.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Each encounter alone; expected outcomes found by event id.
    Alone,
    /// In order, with history; expected outcomes line by line.
    Stream,
}

/// Screens `tests/fixtures/<folder>/<events>` against `<expected>`; returns the number of
/// cases.
fn walk(folder: &str, events: &str, expected: &str, mode: Mode) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let expected: Vec<Expected> = read(expected)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<Expected>(line).expect("expected outcome parses"))
        .collect();
    let by_id: HashMap<&str, &Expected> =
        expected.iter().map(|e| (e.event_id.as_str(), e)).collect();
    let engine = engine_for(folder, &dir);
    let decoder = Decoder::new(InputFormat::Json);
    let mut history = History::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (index, line) in read(events).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("tests/fixtures/{folder}/{events}:{}", index + 1);
        let event = decoder
            .decode(line.as_bytes())
            .unwrap_or_else(|e| panic!("{place}: does not decode: {e}"));
        let want = match mode {
            Mode::Alone => by_id.get(event.event_id.as_str()).copied(),
            Mode::Stream => expected.get(cases),
        };
        let want = want.unwrap_or_else(|| panic!("{place}: no expected outcome"));
        let screening = match mode {
            Mode::Alone => engine.screen(&event),
            Mode::Stream => {
                let position = cases as u64;
                let screen = |prior: PriorClaims<'_>| engine.screen_with_history(&event, prior);
                history.screen(&event, position, screen).0
            }
        };
        let got = comparable(&event, &screening);
        if &got != want {
            failures.push(mismatch(&place, &event, want, &got, &screening));
        }
        cases += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} fixture cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if mode == Mode::Stream {
        assert_eq!(
            cases,
            expected.len(),
            "{folder}/{events}: not one outcome a line"
        );
    }
    cases
}

/// The built-in pack plus the folder's `profiles.toml`, if any.
fn engine_for(folder: &str, dir: &Path) -> Engine {
    match std::fs::read_to_string(dir.join("profiles.toml")) {
        Ok(profiles) => Engine::from_pack_text(&format!("{BUILT_IN}\n{profiles}"))
            .unwrap_or_else(|e| panic!("tests/fixtures/{folder}/profiles.toml: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Engine::built_in(),
        Err(e) => panic!("tests/fixtures/{folder}/profiles.toml: {e}"),
    }
}

fn comparable(event: &Encounter, screening: &Screening) -> Expected {
    Expected {
        event_id: event.event_id.clone(),
        verdict: screening.verdict.as_str().to_owned(),
        risk_score: screening.risk_score,
        traction_lines: screening.traction_lines,
        findings: screening
            .findings
            .iter()
            .map(|f| ExpectedFinding {
                rule_id: f.rule_id.to_string(),
                severity: f.severity.as_str().to_owned(),
                line_number: f.line_number,
            })
            .collect(),
    }
}

fn mismatch(
    place: &str,
    event: &Encounter,
    want: &Expected,
    got: &Expected,
    screening: &Screening,
) -> String {
    let messages: Vec<String> = screening
        .findings
        .iter()
        .map(|f| {
            format!(
                "    {} {:?} line {:?}: {}",
                f.rule_id, f.severity, f.line_number, f.message
            )
        })
        .collect();
    format!(
        "{place} ({}):\n  expected {want:?}\n  got      {got:?}\n{}",
        event.event_id,
        messages.join("\n")
    )
}

#[test]
fn catalogue_fixtures_screen_as_expected() {
    let cases = walk(
        "catalogue",
        "encounters.jsonl",
        "expected.jsonl",
        Mode::Alone,
    );
    assert_eq!(cases, 88);
}

#[test]
fn shared_examples_screen_as_expected() {
    let cases = walk(
        "examples",
        "encounters.jsonl",
        "expected.jsonl",
        Mode::Alone,
    );
    assert_eq!(cases, 4);
}

#[test]
fn history_fixtures_screen_as_expected_in_stream_order() {
    let cases = walk(
        "history",
        "encounters.jsonl",
        "expected.jsonl",
        Mode::Stream,
    );
    assert_eq!(cases, 105);
}

#[test]
fn the_shared_history_example_screens_as_expected_in_stream_order() {
    let cases = walk(
        "examples",
        "history_encounters.jsonl",
        "history_expected.jsonl",
        Mode::Stream,
    );
    assert_eq!(cases, 7);
}
