//! Catalogue fixtures: every encounter of a fixture folder screened and compared with its
//! expected outcome (verdict, score, traction lines, and each finding's rule, severity and
//! line). On a mismatch the test names the file, line and case, and shows both sides. The
//! engine is the built-in rule pack plus the folder's `profiles.toml` (payer profiles), if any.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use traction_screen_core::codec::{Decoder, InputFormat};
use traction_screen_core::rules::Engine;
use traction_screen_core::rules::pack::BUILT_IN;

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

/// Screens `tests/fixtures/<folder>/encounters.jsonl` against `expected.jsonl`; returns the
/// number of cases.
fn walk(folder: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let expected: HashMap<String, Expected> = read("expected.jsonl")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<Expected>(line).expect("expected outcome parses"))
        .map(|e| (e.event_id.clone(), e))
        .collect();
    let engine = match std::fs::read_to_string(dir.join("profiles.toml")) {
        Ok(profiles) => Engine::from_pack_text(&format!("{BUILT_IN}\n{profiles}"))
            .unwrap_or_else(|e| panic!("tests/fixtures/{folder}/profiles.toml: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Engine::built_in(),
        Err(e) => panic!("tests/fixtures/{folder}/profiles.toml: {e}"),
    };
    let decoder = Decoder::new(InputFormat::Json);
    let mut failures = Vec::new();
    let mut cases = 0;
    for (index, line) in read("encounters.jsonl").lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("tests/fixtures/{folder}/encounters.jsonl:{}", index + 1);
        let event = decoder
            .decode(line.as_bytes())
            .unwrap_or_else(|e| panic!("{place}: does not decode: {e}"));
        let want = expected
            .get(&event.event_id)
            .unwrap_or_else(|| panic!("{place}: no expected outcome for {}", event.event_id));
        let screening = engine.screen(&event);
        let got = Expected {
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
        };
        if &got != want {
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
            failures.push(format!(
                "{place} ({}):\n  expected {want:?}\n  got      {got:?}\n{}",
                event.event_id,
                messages.join("\n")
            ));
        }
        cases += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} fixture cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    cases
}

#[test]
fn catalogue_fixtures_screen_as_expected() {
    assert_eq!(walk("catalogue"), 88);
}

#[test]
fn shared_examples_screen_as_expected() {
    assert_eq!(walk("examples"), 4);
}
