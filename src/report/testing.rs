//! Outcomes for the report's tests, in one line each.

use traction_screen_core::domain::{Date, Finding, Outcome, Severity, Verdict};
use traction_screen_core::testing::{finding, sample_outcome};

pub const PASS: (Verdict, i32) = (Verdict::Pass, 0);

/// An outcome of `payer` / `npi` first served on `dos`, `scored` (verdict, risk score),
/// with `at_risk_cents` of its 10 000 billed at risk and event-level findings of `rules`
/// (each with the reference "from the finding").
pub fn outcome(
    event_id: &str,
    (payer, npi, dos): (&str, &str, Date),
    (verdict, risk_score): (Verdict, i32),
    at_risk_cents: i64,
    rules: &[(&'static str, Severity)],
) -> Outcome {
    let findings = rules
        .iter()
        .map(|(rule_id, severity)| Finding {
            reference: Some("from the finding".into()),
            ..finding(rule_id, *severity, None)
        })
        .collect();
    Outcome {
        event_id: event_id.into(),
        claim_id: format!("CLM-{event_id}"),
        verdict,
        risk_score,
        findings,
        payer_id: Some(payer.into()),
        rendering_npi: Some(npi.into()),
        first_date_of_service: Some(dos),
        billed_cents: Some(10_000),
        at_risk_cents: Some(at_risk_cents),
        ..sample_outcome()
    }
}
