//! Test support shared by unit tests, integration tests and benchmarks: a clean encounter
//! that no rule fires on, whatever the plan type, and short ways to screen it.
//!
//! Rule tests start from [`clean_encounter`], change the one thing the rule is about, and
//! assert the exact findings of that rule with [`findings_of`].

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::domain::{
    BodyRegion, ClaimFrequency, Date, Diagnosis, Discipline, Encounter, Episode, Finding, Outcome,
    Payer, PerformedBy, PlanOfCare, PlanType, RenderingProvider, ServiceLine, Severity, Source,
    Timestamp, Traction, TractionMethod, TractionMode, Verdict,
};
use crate::history::History;
use crate::rules::pack::BUILT_IN;
use crate::rules::{Engine, Screening};

/// Valid NPIs (10 digits, Luhn check digit over `80840` + the first nine).
pub const RENDERING_NPI: &str = "1234567893";
pub const REFERRING_NPI: &str = "9876543213";
pub const CERTIFYING_NPI: &str = "1112223338";

/// The date of service of the clean encounter: 2026-03-02.
pub fn dos() -> Date {
    date(2026, 3, 2)
}

pub fn date(year: i32, month: u32, day: u32) -> Date {
    Date::from_ymd(year, month, day).expect("a valid test date")
}

/// A Medicare Part B lumbar traction visit that every rule passes: 97012 (1 unit, GP)
/// plus 97110 (2 units, 30 minutes), a supporting lumbar diagnosis, a certified plan of
/// care, complete traction documentation.
pub fn clean_encounter() -> Encounter {
    Encounter {
        event_id: "evt-0001".into(),
        event_time: Timestamp::parse_rfc3339("2026-03-02T17:00:00Z").expect("valid"),
        claim_id: "CLM-0001".into(),
        claim_frequency: ClaimFrequency::Original,
        patient_id: "pt-0001".into(),
        payer: Payer {
            payer_id: "00882".into(),
            plan_type: PlanType::MedicarePartB,
        },
        rendering_provider: RenderingProvider {
            npi: RENDERING_NPI.into(),
            discipline: Discipline::PhysicalTherapist,
        },
        referring_provider_npi: Some(REFERRING_NPI.into()),
        place_of_service: "11".into(),
        plan_of_care: Some(PlanOfCare {
            certified: true,
            start_date: date(2026, 2, 16),
            certified_through: Some(date(2026, 5, 15)),
            certifying_npi: Some(CERTIFYING_NPI.into()),
        }),
        diagnoses: vec![diagnosis(1, "M5416")],
        service_lines: vec![
            line(1, "97012"),
            ServiceLine {
                units: 2,
                minutes: Some(30),
                ..line(2, "97110")
            },
        ],
        traction: Some(Traction {
            method: TractionMethod::Mechanical,
            device_name: Some("Saunders 3D ActiveTrac".into()),
            mode: Some(TractionMode::Intermittent),
            region: Some(BodyRegion::Lumbar),
            force_lbs: Some(60.0),
            duration_minutes: Some(15),
            patient_position: Some("prone".into()),
            patient_response: Some("tolerated well".into()),
            performed_by: Some(PerformedBy::Therapist),
        }),
        episode: Some(Episode {
            start_date: date(2026, 2, 16),
            visit_number: 4,
            visits_since_progress_report: Some(3),
            last_progress_report_date: None,
        }),
        therapy_spend_ytd_cents: Some(45_000),
    }
}

/// A one-unit lumbar service line on [`dos`] with GP and pointer 1.
pub fn line(line_number: i32, procedure_code: &str) -> ServiceLine {
    ServiceLine {
        line_number,
        procedure_code: procedure_code.into(),
        modifiers: vec!["GP".into()],
        units: 1,
        minutes: None,
        date_of_service: dos(),
        diagnosis_pointers: vec![1],
        charge_cents: 5_000,
        body_region: Some(BodyRegion::Lumbar),
    }
}

pub fn diagnosis(pointer: i32, code: &str) -> Diagnosis {
    Diagnosis {
        pointer,
        code: code.into(),
    }
}

/// The built-in engine, built once per test process.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::built_in)
}

pub fn screen(event: &Encounter) -> Screening {
    engine().screen(event)
}

/// The payer id of the profile [`engine_with_profile`] adds.
pub const PROFILED_PAYER: &str = "60054";

/// The built-in pack plus a payer profile for [`PROFILED_PAYER`], given as the body of its
/// `[profiles."…"]` table (e.g. `disable = ["TR-024"]`).
pub fn engine_with_profile(profile: &str) -> Engine {
    let text = format!("{BUILT_IN}\n[profiles.\"{PROFILED_PAYER}\"]\n{profile}\n");
    Engine::from_pack_text(&text).expect("a valid test profile")
}

/// The findings of one rule, as (severity, line number), in outcome order.
pub fn findings_of(event: &Encounter, rule_id: &str) -> Vec<(Severity, Option<i32>)> {
    findings_with(engine(), event, rule_id)
}

/// [`findings_of`] with another engine.
pub fn findings_with(engine: &Engine, event: &Encounter, rule_id: &str) -> Findings {
    engine
        .screen(event)
        .findings
        .iter()
        .filter(|f| f.rule_id == rule_id)
        .map(|f| (f.severity, f.line_number))
        .collect()
}

/// A rule's findings, as (severity, line number).
pub type Findings = Vec<(Severity, Option<i32>)>;
/// A rule's findings under each plan type.
pub type FindingsByPlan = Vec<(PlanType, Findings)>;

/// The findings of one rule for the event under each plan type, in [`PlanType::ALL`] order.
pub fn findings_by_plan(event: &Encounter, rule_id: &str) -> FindingsByPlan {
    PlanType::ALL
        .iter()
        .map(|plan| {
            (
                *plan,
                findings_of(&with_plan(event.clone(), *plan), rule_id),
            )
        })
        .collect()
}

/// What [`findings_by_plan`] gives for a rule that reports `findings` under the plan types
/// in `applies_to` and nothing under the others.
pub fn only_for(applies_to: &[PlanType], findings: &[(Severity, Option<i32>)]) -> FindingsByPlan {
    PlanType::ALL
        .iter()
        .map(|plan| {
            let expected = if applies_to.contains(plan) {
                findings.to_vec()
            } else {
                vec![]
            };
            (*plan, expected)
        })
        .collect()
}

/// The messages of one rule's findings, in outcome order.
pub fn messages_of(event: &Encounter, rule_id: &str) -> Vec<String> {
    screen(event)
        .findings
        .into_iter()
        .filter(|f| f.rule_id == rule_id)
        .map(|f| f.message)
        .collect()
}

/// The reference of one rule's first finding (panics when the rule did not fire).
pub fn reference_of(event: &Encounter, rule_id: &str) -> String {
    screen(event)
        .findings
        .into_iter()
        .find(|f| f.rule_id == rule_id)
        .and_then(|f| f.reference)
        .unwrap_or_else(|| panic!("{rule_id} reported no finding with a reference"))
        .into_owned()
}

/// Every finding's rule id, in outcome order.
pub fn rule_ids_fired(event: &Encounter) -> Vec<String> {
    screen(event)
        .findings
        .iter()
        .map(|f| f.rule_id.to_string())
        .collect()
}

/// The clean encounter billed as another claim of the same patient (`claim_id`, with
/// event id `evt-<claim_id>`).
pub fn other_claim(claim_id: &str) -> Encounter {
    let mut event = clean_encounter();
    event.claim_id = claim_id.into();
    event.event_id = format!("evt-{claim_id}");
    event
}

/// The clean encounter as claim `claim_id` of patient `patient_id`, every line on `day`
/// (event id `evt-<claim_id>`).
pub fn visit(patient_id: &str, claim_id: &str, day: Date) -> Encounter {
    let mut event = other_claim(claim_id);
    event.patient_id = patient_id.into();
    for line in &mut event.service_lines {
        line.date_of_service = day;
    }
    event
}

/// Screens `event` with `engine` against a history of the `earlier` events (recorded at
/// positions 0, 1, …), at the next position.
pub fn screen_after_with(engine: &Engine, earlier: &[Encounter], event: &Encounter) -> Screening {
    let mut history = History::new();
    for (position, earlier) in earlier.iter().enumerate() {
        history.apply(earlier, position as u64);
    }
    let position = earlier.len() as u64;
    history
        .screen(event, position, |prior| {
            engine.screen_with_history(event, prior)
        })
        .0
}

/// The findings of one rule for `event` screened after `earlier` (see [`screen_after_with`]).
pub fn findings_after(earlier: &[Encounter], event: &Encounter, rule_id: &str) -> Findings {
    findings_after_with(engine(), earlier, event, rule_id)
}

/// [`findings_after`] with another engine.
pub fn findings_after_with(
    engine: &Engine,
    earlier: &[Encounter],
    event: &Encounter,
    rule_id: &str,
) -> Findings {
    screen_after_with(engine, earlier, event)
        .findings
        .iter()
        .filter(|f| f.rule_id == rule_id)
        .map(|f| (f.severity, f.line_number))
        .collect()
}

/// The messages of one rule's findings for `event` screened after `earlier`.
pub fn messages_after(earlier: &[Encounter], event: &Encounter, rule_id: &str) -> Vec<String> {
    screen_after_with(engine(), earlier, event)
        .findings
        .into_iter()
        .filter(|f| f.rule_id == rule_id)
        .map(|f| f.message)
        .collect()
}

/// [`findings_after`] under each plan type (the earlier claims keep theirs).
pub fn findings_after_by_plan(
    earlier: &[Encounter],
    event: &Encounter,
    rule_id: &str,
) -> FindingsByPlan {
    PlanType::ALL
        .iter()
        .map(|plan| {
            let event = with_plan(event.clone(), *plan);
            (*plan, findings_after(earlier, &event, rule_id))
        })
        .collect()
}

pub fn with_plan(mut event: Encounter, plan: PlanType) -> Encounter {
    event.payer.plan_type = plan;
    event
}

/// The clean encounter with these modifiers on its traction line.
pub fn with_modifiers(modifiers: &[&str]) -> Encounter {
    let mut event = clean_encounter();
    event.service_lines[0].modifiers = modifiers.iter().map(|m| m.to_string()).collect();
    event
}

/// The clean encounter with this documented traction method.
pub fn with_method(method: TractionMethod) -> Encounter {
    let mut event = clean_encounter();
    if let Some(traction) = event.traction.as_mut() {
        traction.method = method;
    }
    event
}

/// The clean encounter with this documented traction region.
pub fn traction_region(region: Option<BodyRegion>) -> Encounter {
    let mut event = clean_encounter();
    if let Some(traction) = event.traction.as_mut() {
        traction.region = region;
    }
    event
}

/// The clean encounter with one more diagnosis (pointer 2, not pointed at by any line).
pub fn with_diagnosis(code: &str) -> Encounter {
    let mut event = clean_encounter();
    event.diagnoses.push(diagnosis(2, code));
    event
}

/// Makes the visit cervical traction with a supporting cervical diagnosis (M50121).
pub fn cervical(mut event: Encounter) -> Encounter {
    event.diagnoses[0].code = "M50121".into();
    if let Some(traction) = event.traction.as_mut() {
        traction.region = Some(BodyRegion::Cervical);
    }
    event.service_lines[0].body_region = Some(BodyRegion::Cervical);
    event
}

/// A finding of `rule_id` with this severity, on a line or (`None`) on the event, without
/// text.
pub fn finding(rule_id: &'static str, severity: Severity, line_number: Option<i32>) -> Finding {
    Finding {
        rule_id: Cow::Borrowed(rule_id),
        severity,
        line_number,
        message: String::new(),
        remediation: None,
        reference: None,
    }
}

/// A FAIL outcome with every field set but `alert`: an ERROR on line 1 (5 000 of the
/// 15 000 cents billed at risk) and an event-level WARNING.
pub fn sample_outcome() -> Outcome {
    Outcome {
        event_id: "evt-1".into(),
        claim_id: "CLM-1".into(),
        patient_id: "pt-1".into(),
        verdict: Verdict::Fail,
        risk_score: 50,
        traction_lines: 1,
        findings: vec![
            Finding {
                rule_id: "TR-001".into(),
                severity: Severity::Error,
                line_number: Some(1),
                message: "97012 billed with 2 units".into(),
                remediation: Some("Bill one unit per date of service".into()),
                reference: Some("untimed code, 1 unit/DOS".into()),
            },
            Finding {
                rule_id: "TR-030".into(),
                severity: Severity::Warning,
                line_number: None,
                message: "thoracic traction".into(),
                remediation: None,
                reference: None,
            },
        ],
        rule_pack_version: "2026.1".into(),
        engine_version: "0.1.0".into(),
        screened_at: Timestamp(1_767_225_600_123),
        source: Some(Source {
            topic: "encounters".into(),
            partition: 3,
            offset: 42,
        }),
        payer_id: Some("00882".into()),
        plan_type: Some(PlanType::MedicarePartB),
        rendering_npi: Some(RENDERING_NPI.into()),
        rendering_discipline: Some(Discipline::PhysicalTherapist),
        first_date_of_service: Some(dos()),
        last_date_of_service: Some(date(2026, 3, 4)),
        billed_cents: Some(15_000),
        at_risk_cents: Some(5_000),
        alert: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_encounter_passes_for_every_plan_type() {
        for plan in PlanType::ALL {
            let screening = screen(&with_plan(clean_encounter(), plan));
            assert_eq!(screening.findings, vec![], "{plan:?}");
            assert_eq!(screening.verdict, Verdict::Pass);
            assert_eq!(screening.traction_lines, 1);
        }
    }
}
