use super::*;
use crate::domain::{Finding, Severity};
use crate::rules::RulePack;
use crate::rules::pack::BUILT_IN;
use crate::testing::{self, sample_outcome};

/// The built-in pack with `alerts` appended (an `[alerts]` table and its sub-tables).
fn parse(alerts: &str) -> Result<AlertPolicy, PackError> {
    RulePack::parse(&format!("{BUILT_IN}\n{alerts}\n")).map(|pack| pack.alerts)
}

fn policy(alerts: &str) -> AlertPolicy {
    parse(alerts).expect("a valid alert policy")
}

fn problem(alerts: &str) -> String {
    parse(alerts)
        .expect_err("an invalid alert policy")
        .to_string()
}

fn finding(rule_id: &'static str, severity: Severity) -> Finding {
    testing::finding(rule_id, severity, None)
}

/// An outcome of `payer_id` with this verdict, score and findings.
fn outcome(payer_id: &str, verdict: Verdict, risk_score: i32, findings: Vec<Finding>) -> Outcome {
    Outcome {
        payer_id: Some(payer_id.into()),
        verdict,
        risk_score,
        findings,
        ..sample_outcome()
    }
}

fn fail(risk_score: i32) -> Outcome {
    outcome("00882", Verdict::Fail, risk_score, vec![])
}

fn review(risk_score: i32) -> Outcome {
    outcome("00882", Verdict::Review, risk_score, vec![])
}

fn alert(condition: AlertCondition, rule_ids: &[&str]) -> Option<Alert> {
    Some(Alert {
        condition,
        rule_ids: rule_ids.iter().map(|id| id.to_string()).collect(),
    })
}

#[test]
fn without_an_alerts_table_every_fail_alerts_and_nothing_else() {
    let policy = RulePack::built_in().alerts;
    assert_eq!(policy, AlertPolicy::default());
    assert_eq!(
        policy.decide(&fail(40)),
        alert(AlertCondition::Verdict, &[])
    );
    assert_eq!(policy.decide(&review(100)), None);
    assert_eq!(
        policy.decide(&outcome("00882", Verdict::Pass, 0, vec![])),
        None
    );
}

#[test]
fn verdict_at_least_review_alerts_on_review_and_fail() {
    let policy = policy("[alerts]\nverdict_at_least = \"REVIEW\"");
    assert_eq!(
        policy.decide(&review(10)),
        alert(AlertCondition::Verdict, &[])
    );
    assert_eq!(
        policy.decide(&fail(40)),
        alert(AlertCondition::Verdict, &[])
    );
    let pass = outcome("00882", Verdict::Pass, 0, vec![]);
    assert_eq!(policy.decide(&pass), None);
}

#[test]
fn the_risk_score_condition_holds_from_its_threshold_on() {
    let policy = policy("[alerts]\nrisk_score_at_least = 80");
    assert_eq!(policy.decide(&fail(79)), None);
    assert_eq!(
        policy.decide(&review(80)),
        alert(AlertCondition::RiskScore, &[])
    );
    assert_eq!(
        policy.decide(&fail(100)),
        alert(AlertCondition::RiskScore, &[])
    );
}

#[test]
fn a_listed_rule_alerts_at_any_severity_and_names_only_the_listed_rules_that_fired() {
    let policy = policy("[alerts]\nrules = [\"TR-030\", \"TR-027\", \"TR-041\"]");
    let findings = vec![
        finding("TR-001", Severity::Error),
        finding("TR-027", Severity::Info),
        finding("TR-030", Severity::Warning),
    ];
    assert_eq!(
        policy.decide(&outcome("00882", Verdict::Fail, 60, findings)),
        alert(AlertCondition::Rule, &["TR-027", "TR-030"])
    );
    let unlisted = vec![finding("TR-001", Severity::Error)];
    assert_eq!(
        policy.decide(&outcome("00882", Verdict::Fail, 40, unlisted)),
        None
    );
}

#[test]
fn when_several_conditions_hold_rule_comes_before_verdict_before_risk_score() {
    let policy = policy(
        "[alerts]\nverdict_at_least = \"FAIL\"\nrisk_score_at_least = 40\nrules = [\"TR-001\"]",
    );
    let tr001 = vec![finding("TR-001", Severity::Error)];
    assert_eq!(
        policy.decide(&outcome("00882", Verdict::Fail, 40, tr001)),
        alert(AlertCondition::Rule, &["TR-001"])
    );
    assert_eq!(
        policy.decide(&fail(40)),
        alert(AlertCondition::Verdict, &[])
    );
    assert_eq!(
        policy.decide(&review(40)),
        alert(AlertCondition::RiskScore, &[])
    );
}

#[test]
fn a_payer_table_replaces_the_default_conditions_for_that_payer_only() {
    let policy = policy(
        "[alerts]\nverdict_at_least = \"FAIL\"\n\
         [alerts.profiles.\"60054\"]\nrisk_score_at_least = 50",
    );
    let payer_fail = outcome("60054", Verdict::Fail, 40, vec![]);
    assert_eq!(
        policy.decide(&payer_fail),
        None,
        "FAIL is not its condition"
    );
    let payer_risky = outcome("60054", Verdict::Review, 50, vec![]);
    assert_eq!(
        policy.decide(&payer_risky),
        alert(AlertCondition::RiskScore, &[])
    );
    assert_eq!(
        policy.decide(&fail(40)),
        alert(AlertCondition::Verdict, &[])
    );
}

#[test]
fn an_outcome_without_a_payer_gets_the_default_conditions() {
    let policy = policy(
        "[alerts]\nverdict_at_least = \"FAIL\"\n[alerts.profiles.\"60054\"]\nenabled = false",
    );
    let unknown_payer = Outcome {
        payer_id: None,
        ..fail(40)
    };
    assert_eq!(
        policy.decide(&unknown_payer),
        alert(AlertCondition::Verdict, &[])
    );
}

#[test]
fn a_disabled_payer_never_alerts() {
    let policy = policy(
        "[alerts.profiles.\"60054\"]\nenabled = false\n[alerts]\nverdict_at_least = \"REVIEW\"",
    );
    assert_eq!(
        policy.decide(&outcome("60054", Verdict::Fail, 100, vec![])),
        None
    );
    assert_eq!(policy.payer_conditions()["60054"], Conditions::default());
}

#[test]
fn a_table_without_a_condition_is_refused_naming_it() {
    assert_eq!(
        problem("[alerts.profiles.\"60054\"]\nverdict_at_least = \"FAIL\""),
        "rule pack entry `alerts`: sets no condition: give verdict_at_least, \
         risk_score_at_least or rules (or enabled = false to never alert)"
    );
    assert!(
        problem("[alerts]\nrules = [\"TR-001\"]\n[alerts.profiles.\"60054\"]\n")
            .starts_with("rule pack entry `alerts.profiles.\"60054\"`: sets no condition"),
    );
}

#[test]
fn a_disabled_table_with_conditions_is_refused() {
    assert_eq!(
        problem("[alerts]\nenabled = false\nrisk_score_at_least = 90"),
        "rule pack entry `alerts`: enabled = false never alerts: leave out its conditions"
    );
}

#[test]
fn an_unknown_or_repeated_rule_id_is_named_with_its_entry() {
    assert_eq!(
        problem("[alerts]\nrules = [\"TR-001\", \"TR-999\"]"),
        "rule pack entry `alerts.rules`: unknown rule id `TR-999`"
    );
    assert_eq!(
        problem(
            "[alerts]\nrules = [\"TR-001\"]\n[alerts.profiles.\"60054\"]\nrules = [\"TR-002\", \"TR-002\"]"
        ),
        "rule pack entry `alerts.profiles.\"60054\".rules`: rule `TR-002` is listed twice"
    );
}

#[test]
fn a_risk_score_outside_0_to_100_is_refused() {
    for score in ["101", "-1", "4294967296"] {
        assert_eq!(
            problem(&format!("[alerts]\nrisk_score_at_least = {score}")),
            "rule pack entry `alerts.risk_score_at_least`: must be 0-100",
            "{score}"
        );
    }
}

#[test]
fn unknown_keys_and_verdicts_are_syntax_errors_naming_the_key() {
    let typo = problem("[alerts]\nrisk_score_atleast = 80");
    assert!(typo.contains("risk_score_atleast"), "{typo}");
    let verdict = problem("[alerts]\nverdict_at_least = \"BAD\"");
    assert!(verdict.contains("verdict_at_least"), "{verdict}");
    let empty_payer =
        problem("[alerts]\nrules = [\"TR-001\"]\n[alerts.profiles.\" \"]\nenabled = false");
    assert_eq!(
        empty_payer,
        "rule pack entry `alerts.profiles.\" \"`: payer_id must not be empty"
    );
}
