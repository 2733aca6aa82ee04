//! The simulated patients: a fixed population of spine patients in episodes of care.
//!
//! Each slot of the population holds one patient at a time. A patient is evaluated on the
//! first visit, comes back until the planned number of visits, the end of the certified
//! plan of care or (Medicare Part B) the approach of targeted review, and is then replaced
//! by a new patient of the same plan type. So encounters of one patient share a
//! `patient_id`, visit numbers and progress-report counters advance, dates of service
//! strictly increase and therapy spend grows over the calendar year.
//!
//! Slots are sorted by plan type in [`PlanType::ALL`] order, so "any Medicare patient" or
//! "a Part B patient" is a contiguous range of slots and costs one draw.

use std::ops::Range;

use rand::Rng;
use rand::rngs::StdRng;

use traction_screen_core::domain::{Date, PlanType};
use traction_screen_core::rules::pack::Thresholds;

use super::practice::Practice;
use super::reference::{
    self, CERVICAL, COMORBID, LUMBAR, LUMBAR_PERCENT, MAX_VISIT_ALLOWED_CENTS, PLAN_MIX, Region,
};
use super::{ids, is_medicare, pick};

/// Active patients at any time. At about 2.2 visits a week each, they fill the clock's
/// ~440 encounters per business day, and a patient recurs every few days of a stream.
pub(super) const POPULATION: usize = 1_000;

/// Draws of a slot before giving up and starting a new patient in the last one drawn.
const MAX_PROBES: usize = 16;

/// A date of service this many days before the last visit means the clock started over.
const LOOP_BACK_DAYS: i64 = 7;

/// Which patients a scenario can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Eligible {
    AnyPlan,
    /// Part B or Medicare Advantage.
    Medicare,
    MedicarePartB,
}

/// What kind of claim a scenario bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ClaimKind {
    /// The next visit of any patient (a new patient's evaluation included).
    Visit,
    /// The next visit of a patient already in an episode (not an evaluation).
    FollowUp,
    /// The patient's last claim again (a replacement or void).
    Rebill,
}

/// Who rendered a visit: the clinic's therapist or assistant at `index`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rendering {
    pub assistant: bool,
    pub index: usize,
}

/// The facts of one billed visit, kept so the claim can be rebilled.
#[derive(Clone, Debug)]
pub(super) struct VisitFacts {
    pub claim_id: String,
    pub date_of_service: Date,
    pub visit_number: i32,
    pub since_progress_report: i32,
    pub last_progress_report: Option<Date>,
    pub spend_before_cents: i64,
    pub rendering: Rendering,
    pub traction: bool,
    /// Whether a void cancelled the claim (it is then rebilled no more).
    pub voided: bool,
}

/// The plan of care the referring practitioner certifies at the evaluation.
#[derive(Clone, Copy, Debug)]
pub(super) struct PlanTerms {
    pub certified: bool,
    /// Days from start to `certified_through`; `None` leaves the date off the claim.
    pub certified_days: Option<i64>,
    pub certifying: Option<usize>,
}

#[derive(Debug)]
pub(super) struct Patient {
    pub id: String,
    pub plan: PlanType,
    pub payer_id: &'static str,
    pub clinic: usize,
    pub therapist: usize,
    pub region: &'static Region,
    /// Pointer order: the treated spine diagnosis first.
    pub diagnoses: Vec<&'static str>,
    pub referring: Option<usize>,
    pub plan_of_care: Option<PlanTerms>,
    /// Whether the practice system reports the progress-report counter for this payer.
    pub tracks_progress: bool,
    pub episode_start: Option<Date>,
    planned_visits: i32,
    visits: i32,
    since_progress_report: i32,
    last_progress_report: Option<Date>,
    spend_cents: i64,
    spend_year: i32,
    pub last: Option<VisitFacts>,
}

impl Patient {
    fn new(rng: &mut StdRng, plan: PlanType, practice: &Practice) -> Self {
        let clinic = rng.random_range(0..practice.clinics.len());
        let therapist = rng.random_range(0..practice.clinics[clinic].therapists.len());
        let region = if rng.random_ratio(LUMBAR_PERCENT, 100) {
            &LUMBAR
        } else {
            &CERVICAL
        };
        let medicare = is_medicare(plan);
        Self {
            id: ids::patient_id(rng),
            plan,
            payer_id: pick(rng, reference::payer_ids(plan)),
            clinic,
            therapist,
            region,
            diagnoses: diagnoses(rng, region),
            referring: (medicare || plan == PlanType::Medicaid || rng.random_ratio(85, 100))
                .then(|| rng.random_range(0..practice.referrers.len())),
            plan_of_care: plan_terms(rng, plan, practice),
            tracks_progress: medicare || rng.random_bool(0.5),
            episode_start: None,
            planned_visits: rng.random_range(6..=20),
            visits: 0,
            since_progress_report: 0,
            last_progress_report: None,
            spend_cents: 0,
            spend_year: 0,
            last: None,
        }
    }

    /// Last day of the episode: the end of the certification (at most the pack's longest
    /// interval after the evaluation).
    fn episode_end(&self, max_certification_days: i64) -> Option<Date> {
        let days = self
            .plan_of_care
            .and_then(|terms| terms.certified_days)
            .unwrap_or(max_certification_days);
        self.episode_start.map(|start| start.plus_days(days))
    }

    /// Whether the episode is over by `dos`, so the slot needs a new patient.
    fn is_discharged(&self, dos: Date, thresholds: &Thresholds) -> bool {
        let Some(last) = &self.last else {
            return false;
        };
        // Medicare Part B patients leave before a visit could reach targeted review, so
        // that clean claims stay clean (targeted review is no scenario of ours).
        let review_guard = thresholds.targeted_review_cents - MAX_VISIT_ALLOWED_CENTS;
        self.visits >= self.planned_visits
            || self
                .episode_end(thresholds.max_certification_days)
                .is_some_and(|end| dos > end)
            || (self.plan == PlanType::MedicarePartB && self.spend_cents >= review_guard)
            // The clock looped from the end of 2026 back to 2025 (a late charge entry
            // goes back two business days at most).
            || last.date_of_service.days_since(dos) > LOOP_BACK_DAYS
    }

    fn seen_on_or_after(&self, dos: Date) -> bool {
        self.last
            .as_ref()
            .is_some_and(|last| last.date_of_service >= dos)
    }

    fn fits(&self, kind: ClaimKind, dos: Date, thresholds: &Thresholds) -> bool {
        match kind {
            ClaimKind::Rebill => self.last.as_ref().is_some_and(|last| !last.voided),
            ClaimKind::Visit => self.is_discharged(dos, thresholds) || !self.seen_on_or_after(dos),
            ClaimKind::FollowUp => {
                self.last.is_some()
                    && !self.is_discharged(dos, thresholds)
                    && !self.seen_on_or_after(dos)
            }
        }
    }

    /// Advances the episode to a visit on `dos` and returns its facts (the spend is
    /// added by [`Patient::record`] once the visit's lines are known).
    pub fn begin_visit(
        &mut self,
        rng: &mut StdRng,
        dos: Date,
        traction: bool,
        practice: &mut Practice,
        thresholds: &Thresholds,
    ) -> VisitFacts {
        if self.visits == 0 {
            self.episode_start = Some(dos);
            self.spend_cents = prior_spend(rng, dos);
            self.spend_year = dos.year();
        }
        if dos.year() != self.spend_year {
            self.spend_cents = 0;
            self.spend_year = dos.year();
        }
        self.visits += 1;
        let report_every = thresholds.max_visits_between_progress_reports;
        self.since_progress_report = if self.since_progress_report >= report_every {
            // The report was written at the previous visit.
            self.last_progress_report = self.last.as_ref().map(|last| last.date_of_service);
            1
        } else {
            self.since_progress_report + 1
        };
        let clinic = &mut practice.clinics[self.clinic];
        VisitFacts {
            claim_id: clinic.next_claim_id(rng, dos.year()),
            date_of_service: dos,
            visit_number: self.visits,
            since_progress_report: self.since_progress_report,
            last_progress_report: self.last_progress_report,
            spend_before_cents: self.spend_cents,
            rendering: self.rendering(rng, clinic.assistants.len(), clinic.therapists.len()),
            traction,
            voided: false,
        }
    }

    /// Assistants treat some follow-up visits; the evaluation is always the therapist's.
    fn rendering(&self, rng: &mut StdRng, assistants: usize, therapists: usize) -> Rendering {
        if self.visits > 1 && assistants > 0 && rng.random_ratio(30, 100) {
            return Rendering {
                assistant: true,
                index: rng.random_range(0..assistants),
            };
        }
        let covering = self.visits > 1 && rng.random_ratio(15, 100);
        Rendering {
            assistant: false,
            index: if covering {
                rng.random_range(0..therapists)
            } else {
                self.therapist
            },
        }
    }

    /// Marks the last claim as cancelled by a void.
    pub fn void_last(&mut self) {
        if let Some(last) = &mut self.last {
            last.voided = true;
        }
    }

    /// Books a billed visit: its allowed amount joins this year's therapy spend.
    pub fn record(&mut self, facts: VisitFacts, allowed_cents: i64) {
        self.spend_cents += allowed_cents;
        self.last = Some(facts);
    }
}

/// Two or three diagnoses: the treated spine condition, often a weak regional code (pain,
/// spasm, strain), sometimes a comorbidity.
fn diagnoses(rng: &mut StdRng, region: &'static Region) -> Vec<&'static str> {
    let mut codes = Vec::with_capacity(3);
    codes.push(pick(rng, region.supporting));
    if rng.random_ratio(60, 100) {
        codes.push(pick(rng, region.weak));
    }
    if rng.random_ratio(40, 100) {
        codes.push(pick(rng, COMORBID));
    }
    codes
}

fn plan_terms(rng: &mut StdRng, plan: PlanType, practice: &Practice) -> Option<PlanTerms> {
    let always_certified = matches!(
        plan,
        PlanType::MedicarePartB | PlanType::MedicareAdvantage | PlanType::Medicaid
    );
    let has_plan = plan == PlanType::MedicarePartB
        || rng.random_ratio(if always_certified { 90 } else { 60 }, 100);
    has_plan.then(|| PlanTerms {
        certified: always_certified || rng.random_ratio(90, 100),
        certified_days: rng.random_ratio(75, 100).then(|| rng.random_range(59..=89)),
        certifying: rng
            .random_ratio(90, 100)
            .then(|| rng.random_range(0..practice.referrers.len())),
    })
}

/// Therapy already billed this year before the episode: more the later in the year.
fn prior_spend(rng: &mut StdRng, dos: Date) -> i64 {
    let day_of_year = Date::from_ymd(dos.year(), 1, 1).map_or(0, |jan1| dos.days_since(jan1));
    rng.random_range(0..=day_of_year * 400)
}

/// The patients, one per slot, slots sorted by plan type.
pub(super) struct Population {
    patients: Vec<Patient>,
    /// Slots per plan type, in [`PlanType::ALL`] order.
    counts: [usize; 7],
}

impl Population {
    pub fn generate(rng: &mut StdRng, practice: &Practice) -> Self {
        let total: u32 = PLAN_MIX.iter().map(|(_, share)| share).sum();
        let counts = PLAN_MIX.map(|(_, share)| POPULATION * share as usize / total as usize);
        let patients = PLAN_MIX
            .iter()
            .zip(counts)
            .flat_map(|((plan, _), count)| std::iter::repeat_n(*plan, count))
            .map(|plan| Patient::new(rng, plan, practice))
            .collect();
        Self { patients, counts }
    }

    fn slots(&self, eligible: Eligible) -> Range<usize> {
        let [part_b, advantage, ..] = self.counts;
        match eligible {
            Eligible::AnyPlan => 0..self.patients.len(),
            Eligible::Medicare => 0..part_b + advantage,
            Eligible::MedicarePartB => 0..part_b,
        }
    }

    /// A patient for a claim of `kind` on `dos`, ready to bill: a discharged patient is
    /// replaced by a new one first. When no draw fits (rare: most eligible patients were
    /// seen that day), the last slot drawn gets a new patient, whose claim may then be
    /// a first visit although `kind` asked for a follow-up or a rebill.
    pub fn choose(
        &mut self,
        rng: &mut StdRng,
        eligible: Eligible,
        kind: ClaimKind,
        dos: Date,
        practice: &Practice,
        thresholds: &Thresholds,
    ) -> &mut Patient {
        let slots = self.slots(eligible);
        let mut slot = slots.start;
        let mut fits = false;
        for _ in 0..MAX_PROBES {
            slot = rng.random_range(slots.clone());
            fits = self.patients[slot].fits(kind, dos, thresholds);
            if fits {
                break;
            }
        }
        let patient = &mut self.patients[slot];
        let discharged = kind != ClaimKind::Rebill && patient.is_discharged(dos, thresholds);
        if !fits || discharged {
            *patient = Patient::new(rng, patient.plan, practice);
        }
        patient
    }
}
