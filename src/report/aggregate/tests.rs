use super::*;
use crate::report::testing::{PASS, outcome};
use traction_screen_core::domain::Timestamp;
use traction_screen_core::testing::date;

const ERROR: Severity = Severity::Error;
const WARNING: Severity = Severity::Warning;

/// Five outcomes over two months, two payers and two providers; one of them published twice.
fn sample() -> Vec<Outcome> {
    let e2 = outcome(
        "e2",
        ("P1", "N1", date(2026, 3, 9)),
        (Verdict::Fail, 40),
        5_000,
        &[("TR-001", ERROR)],
    );
    vec![
        outcome("e1", ("P1", "N1", date(2026, 3, 2)), PASS, 0, &[]),
        e2.clone(),
        outcome(
            "e3",
            ("P2", "N2", date(2026, 2, 27)),
            (Verdict::Review, 10),
            0,
            &[("TR-030", WARNING)],
        ),
        outcome(
            "e4",
            ("P2", "N1", date(2026, 3, 16)),
            (Verdict::Fail, 90),
            10_000,
            &[("TR-001", ERROR), ("TR-001", ERROR), ("TR-030", WARNING)],
        ),
        outcome("e5", ("P1", "N2", date(2026, 2, 3)), PASS, 0, &[]),
        e2,
    ]
}

#[test]
fn totals_count_each_outcome_once_and_add_the_amounts() {
    let summary = summarize(&sample(), None);
    assert_eq!((summary.outcomes, summary.duplicates), (5, 1));
    assert_eq!(
        summary.verdicts,
        VerdictCounts {
            pass: 2,
            review: 1,
            fail: 2
        }
    );
    assert_eq!(
        (summary.billed_cents, summary.at_risk_cents),
        (50_000, 15_000)
    );
    assert_eq!(summary.dead_letters, None);
}

#[test]
fn a_redelivered_outcome_counts_once_and_another_pack_version_counts_apart() {
    let mut outcomes = sample();
    outcomes[5].screened_at = Timestamp(1);
    let mut repacked = outcomes[0].clone();
    repacked.rule_pack_version = "2027.1".into();
    outcomes.push(repacked);
    let summary = summarize(&outcomes, None);
    assert_eq!((summary.outcomes, summary.duplicates), (6, 1));
    assert_eq!(
        summary.verdicts,
        VerdictCounts {
            pass: 3,
            review: 1,
            fail: 2
        }
    );
}

#[test]
fn months_follow_the_first_date_of_service_with_unknown_last() {
    let mut outcomes = sample();
    outcomes.push(Outcome {
        event_id: "old".into(),
        first_date_of_service: None,
        at_risk_cents: None,
        ..outcomes[1].clone()
    });
    let months = summarize(&outcomes, None).months;
    let rows: Vec<(&str, VerdictCounts, i64)> = months
        .iter()
        .map(|row| (row.month.as_str(), row.verdicts, row.at_risk_cents))
        .collect();
    let counts = |pass, review, fail| VerdictCounts { pass, review, fail };
    assert_eq!(
        rows,
        [
            ("2026-02", counts(1, 1, 0), 0),
            ("2026-03", counts(1, 0, 2), 15_000),
            ("unknown", counts(0, 0, 1), 0),
        ]
    );
}

#[test]
fn rules_rank_by_findings_and_carry_the_catalogue_title_and_reference() {
    let summary = summarize(&sample(), None);
    let rows: Vec<(&str, usize, usize, usize, usize)> = summary
        .rules
        .iter()
        .map(|r| {
            (
                r.rule_id.as_str(),
                r.findings,
                r.outcomes,
                r.errors,
                r.warnings,
            )
        })
        .collect();
    assert_eq!(rows, [("TR-001", 3, 2, 3, 0), ("TR-030", 2, 2, 0, 2)]);
    let tr001 = CATALOGUE[0].meta();
    assert_eq!(
        (
            summary.rules[0].title.as_str(),
            summary.rules[0].reference.as_str()
        ),
        (tr001.title, tr001.reference)
    );
    assert_eq!(summary.rules_not_shown, 0);
}

#[test]
fn a_rule_the_catalogue_no_longer_has_keeps_the_findings_reference_and_no_title() {
    let outcomes = [outcome(
        "e1",
        ("P1", "N1", date(2026, 3, 2)),
        (Verdict::Review, 10),
        0,
        &[("TR-999", WARNING)],
    )];
    let rule = &summarize(&outcomes, None).rules[0];
    assert_eq!(
        (
            rule.rule_id.as_str(),
            rule.title.as_str(),
            rule.reference.as_str()
        ),
        ("TR-999", "", "from the finding")
    );
}

#[test]
fn fail_rates_by_payer_and_provider_are_fails_over_outcomes() {
    let summary = summarize(&sample(), None);
    let rates = |rows: &[RateRow]| -> Vec<(String, usize, usize, f64)> {
        rows.iter()
            .map(|r| (r.key.clone(), r.outcomes, r.fails, r.fail_rate))
            .collect()
    };
    assert_eq!(
        rates(&summary.payers),
        [("P1".into(), 3, 1, 1.0 / 3.0), ("P2".into(), 2, 1, 0.5)]
    );
    assert_eq!(
        rates(&summary.providers),
        [("N1".into(), 3, 2, 2.0 / 3.0), ("N2".into(), 2, 0, 0.0)]
    );
}

#[test]
fn groups_past_the_limit_are_counted_not_shown_and_missing_keys_are_unknown() {
    let mut outcomes: Vec<Outcome> = (0..TOP_GROUPS + 2)
        .map(|i| {
            let payer = format!("P{i:02}");
            outcome(
                &format!("e{i}"),
                (&payer, "N1", date(2026, 3, 2)),
                PASS,
                0,
                &[],
            )
        })
        .collect();
    outcomes[0].payer_id = None;
    outcomes[1].payer_id = None;
    let summary = summarize(&outcomes, None);
    assert_eq!(summary.payers.len(), TOP_GROUPS);
    assert_eq!(summary.payers_not_shown, 1);
    assert_eq!(
        (summary.payers[0].key.as_str(), summary.payers[0].outcomes),
        (UNKNOWN, 2)
    );
}

#[test]
fn the_riskiest_claims_rank_by_score_then_amount_at_risk_and_leave_out_zero_risk() {
    let summary = summarize(&sample(), None);
    let rows: Vec<(&str, i32, i64, Vec<String>)> = summary
        .riskiest
        .iter()
        .map(|r| {
            (
                r.event_id.as_str(),
                r.risk_score,
                r.at_risk_cents,
                r.rule_ids.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("e4", 90, 10_000, vec!["TR-001".into(), "TR-030".into()]),
            ("e2", 40, 5_000, vec!["TR-001".into()]),
            ("e3", 10, 0, vec!["TR-030".into()]),
        ]
    );
    let e4 = &summary.riskiest[0];
    assert_eq!(
        (
            e4.claim_id.as_str(),
            e4.payer_id.as_str(),
            e4.rendering_npi.as_str()
        ),
        ("CLM-e4", "P2", "N1")
    );
    assert_eq!(
        (e4.date_of_service.as_str(), e4.verdict),
        ("2026-03-16", Verdict::Fail)
    );
}

#[test]
fn at_most_the_limit_of_risky_claims_are_listed_and_ties_go_by_claim_id() {
    let outcomes: Vec<Outcome> = (0..RISKIEST_CLAIMS + 5)
        .map(|i| {
            outcome(
                &format!("e{i:02}"),
                ("P1", "N1", date(2026, 3, 2)),
                (Verdict::Fail, 40),
                0,
                &[("TR-001", ERROR)],
            )
        })
        .collect();
    let riskiest = summarize(&outcomes, None).riskiest;
    assert_eq!(riskiest.len(), RISKIEST_CLAIMS);
    assert_eq!(riskiest[0].event_id, "e00");
    assert_eq!(riskiest[RISKIEST_CLAIMS - 1].event_id, "e19");
}

#[test]
fn the_riskiest_claims_survive_the_cut_backs_of_a_long_stream() {
    let outcomes: Vec<Outcome> = (1..=100)
        .map(|risk_score| {
            let event_id = format!("e{risk_score:03}");
            let scored = (Verdict::Review, risk_score);
            outcome(&event_id, ("P1", "N1", date(2026, 3, 2)), scored, 0, &[])
        })
        .collect();
    let ids: Vec<String> = summarize(&outcomes, None)
        .riskiest
        .into_iter()
        .map(|row| row.event_id)
        .collect();
    let expected: Vec<String> = (81..=100).rev().map(|risk| format!("e{risk:03}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn dead_letters_are_listed_most_first() {
    let counts = BTreeMap::from([
        ("avro_decode".to_owned(), 2),
        ("invalid_json".to_owned(), 5),
        ("too_large".to_owned(), 2),
    ]);
    assert_eq!(
        summarize(&[], Some(&counts)).dead_letters,
        Some(vec![
            ("invalid_json".into(), 5),
            ("avro_decode".into(), 2),
            ("too_large".into(), 2)
        ])
    );
}

#[test]
fn no_outcomes_give_an_empty_summary() {
    assert_eq!(summarize(&[], None), Summary::default());
}
