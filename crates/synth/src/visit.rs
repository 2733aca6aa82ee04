//! One visit as a clean claim: the encounter a careful biller sends, which no rule fires
//! on. Scenarios then inject errors into it.
//!
//! A traction visit bills 97012 (one unit) with one to three timed codes whose units
//! follow the 8-minute rule exactly: each timed line documents `15 × units` minutes give
//! or take at most 7, with the running difference kept within ±7, so the total units are
//! what `(Σ minutes + 7) div 15` allows. A first visit adds the evaluation. Lines carry
//! GP, 59/XS on 97140 (NCCI pair with 97012), CQ when an assistant treats a Medicare
//! patient and KX above the Part B threshold.

use rand::Rng;
use rand::rngs::StdRng;

use traction_screen_core::domain::{
    ClaimFrequency, Date, Diagnosis, Encounter, Episode, Payer, PerformedBy, PlanOfCare, PlanType,
    RenderingProvider, ServiceLine, Timestamp, Traction, TractionMethod, TractionMode,
};
use traction_screen_core::rules::TRACTION_CODE;

use super::patient::{Patient, VisitFacts};
use super::practice::{Clinic, Clinician, Practice};
use super::reference::{DEVICES, EVALUATION_MIX, TIMED_MIX, fee};
use super::{is_medicare, pick, weighted};

/// Most timed codes on one visit.
const MAX_TIMED_LINES: usize = 3;
/// Largest gap between documented and billed minutes the 8-minute rule absorbs.
const MINUTES_SLACK: i32 = 7;
const TRACTION_MINUTES: [i32; 6] = [10, 12, 15, 15, 15, 20];

/// Everything one claim is built from.
pub(super) struct Visit<'a> {
    pub patient: &'a Patient,
    pub facts: &'a VisitFacts,
    pub practice: &'a Practice,
    pub event_id: String,
    pub event_time: Timestamp,
    /// The Part B KX threshold of the date of service's year, if any.
    pub kx_threshold_cents: Option<i64>,
    /// Exactly this many service lines, if set.
    pub service_lines: Option<usize>,
}

pub(super) fn build(rng: &mut StdRng, visit: &Visit<'_>) -> Encounter {
    let Visit {
        patient,
        facts,
        practice,
        ..
    } = *visit;
    let clinic = &practice.clinics[patient.clinic];
    let rendering = rendering_clinician(clinic, visit);
    let traction_minutes = pick(rng, &TRACTION_MINUTES);
    let service_lines = service_lines(rng, visit, clinic, traction_minutes);
    let start = patient.episode_start.unwrap_or(facts.date_of_service);
    Encounter {
        event_id: visit.event_id.clone(),
        event_time: visit.event_time,
        claim_id: facts.claim_id.clone(),
        claim_frequency: ClaimFrequency::Original,
        patient_id: patient.id.clone(),
        payer: Payer {
            payer_id: patient.payer_id.into(),
            plan_type: patient.plan,
        },
        rendering_provider: RenderingProvider {
            npi: rendering.npi.clone(),
            discipline: rendering.discipline,
        },
        referring_provider_npi: patient.referring.map(|i| practice.referrers[i].clone()),
        place_of_service: clinic.place_of_service.into(),
        plan_of_care: patient.plan_of_care.map(|terms| PlanOfCare {
            certified: terms.certified,
            start_date: start,
            certified_through: terms.certified_days.map(|days| start.plus_days(days)),
            certifying_npi: terms.certifying.map(|i| practice.referrers[i].clone()),
        }),
        diagnoses: diagnoses(patient),
        service_lines,
        traction: facts
            .traction
            .then(|| documentation(rng, visit, traction_minutes)),
        episode: Some(episode(patient, facts, start)),
        therapy_spend_ytd_cents: is_medicare(patient.plan).then_some(facts.spend_before_cents),
    }
}

/// Evaluation (first visit), 97012 (traction visits) and the timed codes.
fn service_lines(
    rng: &mut StdRng,
    visit: &Visit<'_>,
    clinic: &Clinic,
    traction_minutes: i32,
) -> Vec<ServiceLine> {
    let Visit { patient, facts, .. } = *visit;
    let modifiers = LineModifiers {
        cq: facts.rendering.assistant && is_medicare(patient.plan),
        kx: patient.plan == PlanType::MedicarePartB
            && visit
                .kx_threshold_cents
                .is_some_and(|threshold| facts.spend_before_cents >= threshold),
    };
    let mut lines = LineWriter {
        lines: Vec::with_capacity(2 + MAX_TIMED_LINES),
        visit,
        clinic,
        modifiers,
    };
    if facts.visit_number == 1 {
        lines.evaluation(rng);
    }
    if facts.traction {
        lines.traction(rng, traction_minutes);
    }
    lines.timed(rng);
    if let Some(count) = visit.service_lines {
        lines.fit(rng, count);
    }
    lines.lines
}

fn episode(patient: &Patient, facts: &VisitFacts, start: Date) -> Episode {
    let tracked = patient.tracks_progress;
    Episode {
        start_date: start,
        visit_number: facts.visit_number,
        visits_since_progress_report: tracked.then_some(facts.since_progress_report),
        last_progress_report_date: facts.last_progress_report.filter(|_| tracked),
    }
}

/// The allowed amount of an encounter's lines: what it adds to the patient's spend.
pub(super) fn allowed_cents(encounter: &Encounter) -> i64 {
    encounter
        .service_lines
        .iter()
        .map(|line| fee(&line.procedure_code).allowed_cents * i64::from(line.units))
        .sum()
}

fn rendering_clinician<'a>(clinic: &'a Clinic, visit: &Visit<'_>) -> &'a Clinician {
    let rendering = visit.facts.rendering;
    let staff = if rendering.assistant {
        &clinic.assistants
    } else {
        &clinic.therapists
    };
    &staff[rendering.index]
}

fn diagnoses(patient: &Patient) -> Vec<Diagnosis> {
    (1..)
        .zip(&patient.diagnoses)
        .map(|(pointer, code)| Diagnosis {
            pointer,
            code: (*code).into(),
        })
        .collect()
}

#[derive(Clone, Copy)]
struct LineModifiers {
    cq: bool,
    kx: bool,
}

/// Appends numbered lines on the visit's date of service.
struct LineWriter<'a> {
    lines: Vec<ServiceLine>,
    visit: &'a Visit<'a>,
    clinic: &'a Clinic,
    modifiers: LineModifiers,
}

impl LineWriter<'_> {
    fn evaluation(&mut self, rng: &mut StdRng) {
        let code = weighted(rng, &EVALUATION_MIX);
        let every_diagnosis = (1..=self.visit.patient.diagnoses.len() as i32).collect();
        let mut modifiers = vec!["GP".to_owned()];
        if self.modifiers.kx {
            modifiers.push("KX".into());
        }
        self.push(code, modifiers, 1, None, every_diagnosis, false);
    }

    fn traction(&mut self, rng: &mut StdRng, minutes: i32) {
        let patient = self.visit.patient;
        // The traction line points at the supporting diagnosis, sometimes also at the
        // weak regional code that describes the pain.
        let with_weak = patient
            .diagnoses
            .get(1)
            .is_some_and(|code| patient.region.weak.contains(code))
            && rng.random_ratio(40, 100);
        let pointers = if with_weak { vec![1, 2] } else { vec![1] };
        let minutes = rng.random_ratio(40, 100).then_some(minutes);
        let modifiers = self.treatment_modifiers(rng, TRACTION_CODE);
        self.push(TRACTION_CODE, modifiers, 1, minutes, pointers, true);
    }

    fn timed(&mut self, rng: &mut StdRng) {
        let mut codes = [""; MAX_TIMED_LINES];
        let mut count = 0;
        for (code, percent) in TIMED_MIX {
            if count < MAX_TIMED_LINES && rng.random_ratio(percent, 100) {
                codes[count] = code;
                count += 1;
            }
        }
        if count == 0 {
            codes[0] = "97110";
            count = 1;
        }
        let unit_mix: &[(i32, u32)] = if count == 1 {
            &[(1, 30), (2, 50), (3, 20)]
        } else {
            &[(1, 65), (2, 35)]
        };
        let mut difference = 0;
        for code in &codes[..count] {
            let units = weighted(rng, unit_mix);
            let offset = rng.random_range(
                (-MINUTES_SLACK).max(-MINUTES_SLACK - difference)
                    ..=MINUTES_SLACK.min(MINUTES_SLACK - difference),
            );
            difference += offset;
            let two = self.visit.patient.diagnoses.len() > 1 && rng.random_ratio(50, 100);
            let pointers = if two { vec![1, 2] } else { vec![1] };
            let modifiers = self.treatment_modifiers(rng, code);
            self.push(
                code,
                modifiers,
                units,
                Some(15 * units + offset),
                pointers,
                true,
            );
        }
    }

    /// Exactly `count` lines: timed lines from the end, then the evaluation, go first
    /// (what is kept of the timed lines is a prefix, so its minutes still fit); missing
    /// lines are added as timed codes of one unit and fifteen minutes.
    fn fit(&mut self, rng: &mut StdRng, count: usize) {
        while self.lines.len() > count {
            let last_other = self
                .lines
                .iter()
                .rposition(|line| line.procedure_code != TRACTION_CODE);
            match last_other {
                Some(index) => self.lines.remove(index),
                None => self.lines.remove(self.lines.len() - 1),
            };
        }
        for (line_number, line) in (1..).zip(&mut self.lines) {
            line.line_number = line_number;
        }
        for (code, _) in TIMED_MIX.iter().cycle().take(count - self.lines.len()) {
            let modifiers = self.treatment_modifiers(rng, code);
            self.push(code, modifiers, 1, Some(15), vec![1], true);
        }
    }

    fn treatment_modifiers(&self, rng: &mut StdRng, code: &str) -> Vec<String> {
        let mut modifiers = Vec::with_capacity(4);
        modifiers.push("GP".to_owned());
        if code == "97140" {
            modifiers.push(
                if rng.random_ratio(65, 100) {
                    "59"
                } else {
                    "XS"
                }
                .to_owned(),
            );
        }
        if self.modifiers.cq {
            modifiers.push("CQ".into());
        }
        if self.modifiers.kx {
            modifiers.push("KX".into());
        }
        modifiers
    }

    fn push(
        &mut self,
        code: &str,
        modifiers: Vec<String>,
        units: i32,
        minutes: Option<i32>,
        diagnosis_pointers: Vec<i32>,
        regional: bool,
    ) {
        self.lines.push(ServiceLine {
            line_number: self.lines.len() as i32 + 1,
            procedure_code: code.into(),
            modifiers,
            units,
            minutes,
            date_of_service: self.visit.facts.date_of_service,
            diagnosis_pointers,
            charge_cents: self.clinic.charge(fee(code).charge_cents, units),
            body_region: regional.then_some(self.visit.patient.region.body),
        });
    }
}

/// Complete documentation of mechanical traction with an ordinary traction unit.
fn documentation(rng: &mut StdRng, visit: &Visit<'_>, minutes: i32) -> Traction {
    let region = visit.patient.region;
    let (least, most) = region.force_lbs;
    Traction {
        method: TractionMethod::Mechanical,
        device_name: Some(pick(rng, DEVICES).into()),
        mode: Some(if rng.random_ratio(60, 100) {
            TractionMode::Intermittent
        } else {
            TractionMode::Static
        }),
        region: Some(region.body),
        // Whole or half pounds, as a dial shows them.
        force_lbs: Some(f64::from(rng.random_range(least * 2..=most * 2)) / 2.0),
        duration_minutes: Some(minutes),
        patient_position: Some(pick(rng, region.positions).into()),
        patient_response: Some(pick(rng, region.responses).into()),
        performed_by: Some(if visit.facts.rendering.assistant {
            PerformedBy::Assistant
        } else {
            PerformedBy::Therapist
        }),
    }
}
