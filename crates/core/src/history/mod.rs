//! History: for each patient, the claims seen earlier in the stream, which the history
//! rules (TR-050…TR-054, RULES.md "History rules") compare an event with. Pure core: no
//! Kafka, no tokio, no clock; `check` keeps one for its whole input, the service one per
//! input partition.
//!
//! Per event, [`History::screen`] (or [`History::prior_claims`] then [`History::apply`]):
//!
//! - **Prior claims** are the patient's claims as they stood just *before* the event's own
//!   stream position: per claim, the latest version with a smaller position, a VOID
//!   removing the claim, the event's own `claim_id` left out.
//! - **Apply** records the event as a new version of its claim (a VOID as a tombstone),
//!   with its position and `event_id`.
//! - **Redelivery.** An event whose `event_id` is already recorded (under any patient)
//!   changes nothing, and is screened against the prior claims as they stood at the
//!   position where that `event_id` was first recorded, whatever came after. An event
//!   with the same content therefore gets exactly its first outcome. A redelivered event
//!   whose *content* changed is screened, as it now reads, against that same view: its
//!   history findings are those of the new content at the first position, and the
//!   single-claim rules follow the new content too. Reproducing the first outcome of
//!   changed content would mean keeping every outcome; history keeps claims only.
//! - **Retention** (`patient`): a claim is forgotten, all its versions at once, once every
//!   version is dated before the retention bound of the patient's newest DOS, which keeps
//!   RULES.md's promise that an event within 365 days of that DOS sees no forgotten claim.
//!   Versions are otherwise all kept (memory grows with versions, i.e. with claims and their
//!   replacements), so that any earlier position can still be viewed exactly. The `event_id`
//!   of a forgotten claim is forgotten with it.
//!
//! `state` writes and reads one patient's history as a versioned binary value (the
//! service's changelog record).

mod index;
mod patient;
mod record;
mod state;
#[cfg(test)]
mod tests;
mod view;

use std::hash::{BuildHasher, RandomState};

pub use record::Position;
pub use state::{FORMAT_VERSION, StateError};
pub use view::{PriorClaim, PriorClaims, PriorLine};

use crate::domain::Encounter;
use index::Index;
use patient::PatientHistory;
use record::Version;

/// Whether [`History::apply`] recorded the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// A new version of the event's claim.
    New,
    /// The `event_id` was already recorded: nothing changed.
    Duplicate,
}

/// The histories of the patients of one stream (a partition, or `check`'s input).
#[derive(Default)]
pub struct History {
    patients: Vec<PatientHistory>,
    /// Patient id → index in `patients`.
    by_patient: Index,
    /// Event id → the patient whose versions hold it. Ids are not copied here: a lookup
    /// compares with the id the version holds.
    by_event: Index,
    /// Seeded per process: input ids cannot be chosen to collide.
    hasher: RandomState,
    versions: usize,
}

/// An index entry: a hash and the patient it leads to. Packed to 12 bytes (there is one
/// per claim version); its fields are only ever copied, never borrowed.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
struct Slot {
    hash: u64,
    patient: u32,
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// Screens `event` at `position` with `screen`, given its prior claims, then records it.
    pub fn screen<T>(
        &mut self,
        event: &Encounter,
        position: Position,
        screen: impl FnOnce(PriorClaims<'_>) -> T,
    ) -> (T, Recorded) {
        let screened = screen(self.prior_claims(event, position));
        (screened, self.apply(event, position))
    }

    /// The prior claims of `event` at `position`: for an `event_id` already recorded, at the
    /// position where it was first recorded.
    pub fn prior_claims<'a>(&'a self, event: &'a Encounter, position: Position) -> PriorClaims<'a> {
        let Some(patient) = self.patient(&event.patient_id) else {
            return PriorClaims::none();
        };
        let before = self.first_position(&event.event_id).unwrap_or(position);
        PriorClaims::new(&patient.versions, &event.claim_id, before)
    }

    /// Records `event` at `position`, unless its `event_id` is already recorded.
    pub fn apply(&mut self, event: &Encounter, position: Position) -> Recorded {
        if self.first_position(&event.event_id).is_some() {
            return Recorded::Duplicate;
        }
        let slot = self.patient_slot_or_new(&event.patient_id);
        let patient = &mut self.patients[slot as usize];
        patient.insert(Version::of(event, position, patient.newest));
        let forgotten = patient.forget_old_claims();
        self.index_event(&event.event_id, slot);
        for version in &forgotten {
            self.unindex_event(version.event_id(), slot);
        }
        self.versions = self.versions + 1 - forgotten.len();
        Recorded::New
    }

    /// The position where `event_id` was recorded, if it is.
    pub fn first_position(&self, event_id: &str) -> Option<Position> {
        let hash = self.hasher.hash_one(event_id);
        let holds = |slot: &Slot| self.patients[slot.patient as usize].position_of(event_id);
        self.by_event
            .find(hash, |slot| holds(slot).is_some())
            .and_then(holds)
    }

    /// Patients held.
    pub fn patients(&self) -> usize {
        self.patients.len()
    }

    /// Claim versions held (tombstones included).
    pub fn versions(&self) -> usize {
        self.versions
    }

    fn patient(&self, patient_id: &str) -> Option<&PatientHistory> {
        self.patient_slot(patient_id)
            .map(|slot| &self.patients[slot as usize])
    }

    fn patient_slot(&self, patient_id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(patient_id);
        self.by_patient
            .find(hash, |slot| {
                &*self.patients[slot.patient as usize].id == patient_id
            })
            .map(|slot| slot.patient)
    }

    fn patient_slot_or_new(&mut self, patient_id: &str) -> u32 {
        if let Some(slot) = self.patient_slot(patient_id) {
            return slot;
        }
        let patient = u32::try_from(self.patients.len()).expect("fewer than 2^32 patients");
        self.patients.push(PatientHistory::new(patient_id));
        let hash = self.hasher.hash_one(patient_id);
        self.by_patient.insert_unique(hash, patient);
        patient
    }

    fn index_event(&mut self, event_id: &str, patient: u32) {
        let hash = self.hasher.hash_one(event_id);
        self.by_event.insert_unique(hash, patient);
    }

    /// Drops the index entry of an event of `patient`. Two events of one patient whose ids
    /// hash alike have equal entries, so removing either keeps the index exact.
    fn unindex_event(&mut self, event_id: &str, patient: u32) {
        let hash = self.hasher.hash_one(event_id);
        self.by_event.remove(hash, |slot| slot.patient == patient);
    }
}
