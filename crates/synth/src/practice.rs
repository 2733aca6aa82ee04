//! The simulated practices: clinics with their therapists, assistants, place of service,
//! fee schedule and claim numbering, and the physicians who refer and certify.
//!
//! Drawn once from the seed, so a run's providers recur across encounters the way a real
//! billing platform's do.

use rand::Rng;
use rand::rngs::StdRng;

use traction_screen_core::domain::Discipline;

use super::reference::PLACE_OF_SERVICE_MIX;
use super::{ids, weighted};

const CLINICS: usize = 24;
const REFERRERS: usize = 256;

#[derive(Debug)]
pub(super) struct Clinician {
    pub npi: String,
    pub discipline: Discipline,
}

#[derive(Debug)]
pub(super) struct Clinic {
    claim_prefix: String,
    next_claim: u32,
    pub place_of_service: &'static str,
    /// Physical therapists: they evaluate and own the plans of care.
    pub therapists: Vec<Clinician>,
    /// Physical therapist assistants (a clinic may have none).
    pub assistants: Vec<Clinician>,
    /// The clinic's charge master relative to the base fees, in per cent.
    pub fee_percent: i64,
}

#[derive(Debug)]
pub(super) struct Practice {
    pub clinics: Vec<Clinic>,
    /// NPIs of the physicians and NPPs who refer patients and certify plans of care.
    pub referrers: Vec<String>,
}

impl Practice {
    pub fn generate(rng: &mut StdRng) -> Self {
        let clinics = (0..CLINICS).map(|_| Clinic::generate(rng)).collect();
        let referrers = (0..REFERRERS).map(|_| ids::npi(rng)).collect();
        Self { clinics, referrers }
    }
}

impl Clinic {
    fn generate(rng: &mut StdRng) -> Self {
        let therapists = (0..rng.random_range(2..=5))
            .map(|_| clinician(rng, Discipline::PhysicalTherapist))
            .collect();
        let assistants = (0..rng.random_range(0..=2))
            .map(|_| clinician(rng, Discipline::PhysicalTherapistAssistant))
            .collect();
        Self {
            claim_prefix: ids::claim_prefix(rng),
            next_claim: rng.random_range(10_000..=60_000),
            place_of_service: weighted(rng, &PLACE_OF_SERVICE_MIX),
            therapists,
            assistants,
            fee_percent: rng.random_range(70..=130),
        }
    }

    /// The next claim number; gaps stand for the clinic's claims without traction
    /// patients.
    pub fn next_claim_id(&mut self, rng: &mut StdRng, year: i32) -> String {
        self.next_claim += rng.random_range(1..=4);
        ids::claim_id(&self.claim_prefix, year, self.next_claim)
    }

    /// A charge at this clinic's rates, rounded to whole dollars.
    pub fn charge(&self, base_cents: i64, units: i32) -> i64 {
        (base_cents * i64::from(units) * self.fee_percent / 100 + 50) / 100 * 100
    }
}

fn clinician(rng: &mut StdRng, discipline: Discipline) -> Clinician {
    Clinician {
        npi: ids::npi(rng),
        discipline,
    }
}
