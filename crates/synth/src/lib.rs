//! A seeded generator of realistic synthetic encounters, for `generate`, `demo`, load
//! tests and users' staging environments. Pure: no I/O, no wall clock.
//!
//! One seed gives one endless, reproducible stream. The seed draws a practice (clinics,
//! therapists, assistants, referring physicians) and a population of spine patients in
//! episodes of care; each call then advances the generator's own clock, draws a
//! [`Scenario`] from the mix, picks a patient the scenario fits, builds that patient's
//! next visit as a clean claim and lets the scenario inject its billing error.
//!
//! ```text
//! Scenario::draw ─► clock.tick ─► patients.choose ─► visit::build ─► scenario.inject
//!   (mix)            (time, DOS)   (episode state)    (clean claim)    (one error)
//! ```
//!
//! [`Synth::with_service_lines`] fixes the number of service lines of every built visit (for
//! load tests of small and large events); by default a visit has one to five.
//!
//! The stream is reproducible for one build: the rng is rand's `StdRng`, whose algorithm
//! a future rand release may change.

mod clock;
mod ids;
mod inject;
mod patient;
mod poison;
mod practice;
mod reference;
mod scenario;
mod visit;

use std::num::NonZeroUsize;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use traction_screen_core::domain::{Encounter, PlanType};
use traction_screen_core::rules::RulePack;
use traction_screen_core::rules::pack::Thresholds;

use self::clock::Clock;
use self::inject::Injection;
use self::patient::{ClaimKind, Population, VisitFacts};
use self::practice::Practice;
use self::visit::Visit;

pub use self::poison::poison_message;
pub use self::scenario::Scenario;

/// One generated encounter and what it is meant to be.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub scenario: Scenario,
    pub encounter: Encounter,
}

/// The generator. Cheap to step (no I/O, a few dozen small allocations per encounter).
pub struct Synth {
    rng: StdRng,
    clock: Clock,
    practice: Practice,
    patients: Population,
    /// The built-in pack's thresholds, so that clean claims carry KX exactly when the
    /// screen expects it and progress reports follow the pack's cadence.
    thresholds: Thresholds,
    /// Every built visit's number of service lines, if fixed.
    service_lines: Option<NonZeroUsize>,
}

impl Synth {
    pub fn new(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let practice = Practice::generate(&mut rng);
        let patients = Population::generate(&mut rng, &practice);
        Self {
            rng,
            clock: Clock::start(),
            practice,
            patients,
            thresholds: RulePack::built_in().thresholds,
            service_lines: None,
        }
    }

    /// The same stream's visits built with exactly `lines` service lines each: the
    /// traction line is kept first, then the evaluation and timed codes; extra lines are
    /// timed codes of one unit and fifteen minutes (the 8-minute rule still holds). A
    /// scenario may then add one line (the manual-therapy pair).
    pub fn with_service_lines(mut self, lines: NonZeroUsize) -> Self {
        self.service_lines = Some(lines);
        self
    }

    pub fn next_encounter(&mut self) -> Generated {
        let scenario = Scenario::draw(&mut self.rng);
        let event_time = self.clock.tick(&mut self.rng);
        let dos = self.clock.date_of_service(&mut self.rng);
        let kind = scenario.claim_kind();
        let patient = self.patients.choose(
            &mut self.rng,
            scenario.eligible(),
            kind,
            dos,
            &self.practice,
            &self.thresholds,
        );
        let rebill = patient
            .last
            .as_ref()
            .filter(|last| kind == ClaimKind::Rebill && !last.voided);
        let (facts, rebilled) = match rebill {
            Some(last) => {
                // A replacement corrects a claim into a clean traction claim; a void
                // repeats what it cancels.
                let traction = last.traction || scenario == Scenario::Replacement;
                (
                    VisitFacts {
                        traction,
                        ..last.clone()
                    },
                    true,
                )
            }
            None => {
                let traction = scenario.has_traction();
                let (rng, practice) = (&mut self.rng, &mut self.practice);
                let facts = patient.begin_visit(rng, dos, traction, practice, &self.thresholds);
                (facts, false)
            }
        };
        let kx_threshold_cents = self
            .thresholds
            .kx_threshold_for(facts.date_of_service.year());
        let input = Visit {
            patient,
            facts: &facts,
            practice: &self.practice,
            event_id: ids::event_id(&mut self.rng),
            event_time,
            kx_threshold_cents,
            service_lines: self.service_lines.map(NonZeroUsize::get),
        };
        let mut encounter = visit::build(&mut self.rng, &input);
        let region = patient.region;
        if !rebilled {
            patient.record(facts, visit::allowed_cents(&encounter));
        } else if scenario == Scenario::Void {
            patient.void_last();
        }
        let injection = Injection {
            region,
            kx_threshold_cents,
        };
        scenario.inject(&mut self.rng, &mut encounter, &injection);
        Generated {
            scenario,
            encounter,
        }
    }
}

/// An endless stream: `synth.take(n)`.
impl Iterator for Synth {
    type Item = Generated;

    fn next(&mut self) -> Option<Generated> {
        Some(self.next_encounter())
    }
}

/// Part B or Medicare Advantage: the plans CQ and the progress-report counter concern.
fn is_medicare(plan: PlanType) -> bool {
    matches!(plan, PlanType::MedicarePartB | PlanType::MedicareAdvantage)
}

/// One of `items`, uniformly. The tables are compile-time constants, never empty.
fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// One of `items`, in proportion to its weight.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, weight)| weight).sum();
    let mut draw = rng.random_range(0..total);
    for (item, weight) in items {
        if draw < *weight {
            return *item;
        }
        draw -= weight;
    }
    items[items.len() - 1].0
}

#[cfg(test)]
mod tests;
