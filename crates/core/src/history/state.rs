//! One patient's history as a binary value: the service's changelog record (key =
//! `patient_id`, CONTRACT.md §3a), from which it restores the history.
//!
//! A value is one format-version byte, then the patient in postcard (a compact serde
//! format with a documented, stable wire format: varint integers, length-prefixed
//! strings). A release reads every format version up to its own, so a newer release can
//! restore an older changelog; a value it cannot read is an error, never an empty history.
//! Version 1:
//!
//! ```text
//! newest DOS (i32, epoch days; i32::MAX when none), then per version:
//!   position (u64), event_id, claim_id, rendering NPI (strings), discipline (u8, see
//!   discipline_code), void (bool), retention date (i32), then per line:
//!     DOS (i32), charge_cents (i64), procedure code (5 bytes), flags (u8: GP 1, GN 2, KX 4)
//! ```
//!
//! The patient id is the record's key, not part of the value.

use serde::ser::SerializeStruct as _;
use serde::{Deserialize, Serialize, Serializer};

use std::hash::BuildHasher;

use super::patient::PatientHistory;
use super::record::{KNOWN_FLAGS, LineParts, Parts, UNDATED, Version};
use super::{History, Slot};
use crate::domain::{Date, Discipline};

/// The format version this release writes.
pub const FORMAT_VERSION: u8 = 1;

/// Why a changelog value could not be read. Never quotes the value (it holds PHI).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StateError {
    #[error("empty history value")]
    Empty,
    #[error(
        "history value in format version {0}, which this release cannot read (it reads 1 to {FORMAT_VERSION})"
    )]
    UnknownVersion(u8),
    #[error("history value is not valid format version {version}: {problem}")]
    Malformed { version: u8, problem: String },
}

/// The stable code of each discipline in the value (never renumber; add new ones).
fn discipline_code(discipline: Discipline) -> u8 {
    match discipline {
        Discipline::PhysicalTherapist => 1,
        Discipline::PhysicalTherapistAssistant => 2,
        Discipline::OccupationalTherapist => 3,
        Discipline::Chiropractor => 4,
        Discipline::Physician => 5,
        Discipline::NursePractitioner => 6,
        Discipline::PhysicianAssistant => 7,
        Discipline::AthleticTrainer => 8,
        Discipline::Other => 9,
    }
}

fn discipline_of(code: u8) -> Option<Discipline> {
    Some(match code {
        1 => Discipline::PhysicalTherapist,
        2 => Discipline::PhysicalTherapistAssistant,
        3 => Discipline::OccupationalTherapist,
        4 => Discipline::Chiropractor,
        5 => Discipline::Physician,
        6 => Discipline::NursePractitioner,
        7 => Discipline::PhysicianAssistant,
        8 => Discipline::AthleticTrainer,
        9 => Discipline::Other,
        _ => return None,
    })
}

/// Format version 1 as read; written by [`PatientOut`] (a test pins the two together).
#[derive(Serialize, Deserialize)]
pub(super) struct PatientV1<'a> {
    newest: i32,
    #[serde(borrow)]
    versions: Vec<VersionV1<'a>>,
}

#[derive(Serialize, Deserialize)]
struct VersionV1<'a> {
    position: u64,
    event_id: &'a str,
    claim_id: &'a str,
    npi: &'a str,
    discipline: u8,
    void: bool,
    date: i32,
    lines: Vec<LineV1>,
}

#[derive(Serialize, Deserialize)]
struct LineV1 {
    date: i32,
    charge_cents: i64,
    code: [u8; 5],
    flags: u8,
}

impl History {
    /// Writes the history of `patient_id` into `out` (cleared first); `false`, with `out`
    /// empty, when the patient has none.
    pub fn encode_patient(&self, patient_id: &str, out: &mut Vec<u8>) -> bool {
        out.clear();
        let Some(patient) = self.patient(patient_id) else {
            return false;
        };
        out.push(FORMAT_VERSION);
        *out = postcard::to_extend(&PatientOut(patient), std::mem::take(out))
            .expect("writing to a Vec cannot fail");
        true
    }

    /// Replaces the history of `patient_id` with the one `value` holds (written by
    /// [`History::encode_patient`] of this or an earlier release). On error nothing changes.
    pub fn restore_patient(&mut self, patient_id: &str, value: &[u8]) -> Result<(), StateError> {
        let restored = decode(patient_id, value)?;
        let current = self.patient_slot(patient_id);
        let recorded_elsewhere = |event_id: &str| {
            let hash = self.hasher.hash_one(event_id);
            let elsewhere = |s: &Slot| {
                Some(s.patient) != current
                    && self.patients[s.patient as usize]
                        .position_of(event_id)
                        .is_some()
            };
            self.by_event.find(hash, elsewhere).is_some()
        };
        if restored
            .versions
            .iter()
            .any(|v| recorded_elsewhere(v.event_id()))
        {
            return Err(malformed(
                1,
                "an event_id is recorded under another patient",
            ));
        }
        let slot = self.patient_slot_or_new(patient_id);
        let old = std::mem::replace(&mut self.patients[slot as usize], restored);
        for version in &old.versions {
            self.unindex_event(version.event_id(), slot);
        }
        let restored = &self.patients[slot as usize];
        let ids: Vec<Box<str>> = restored
            .versions
            .iter()
            .map(|v| v.event_id().into())
            .collect();
        for id in &ids {
            self.index_event(id, slot);
        }
        self.versions = self.versions + ids.len() - old.versions.len();
        Ok(())
    }
}

/// Writes [`PatientV1`]'s layout straight from the history, without building one: each
/// screened event writes its patient's value, and a `Vec` per version and per version's
/// lines cost more than the writing (BENCHMARKS.md, "Changelog value").
struct PatientOut<'a>(&'a PatientHistory);

struct VersionOut<'a>(&'a Version);

struct LinesOut<'a>(&'a Version);

impl Serialize for PatientOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut patient = serializer.serialize_struct("PatientV1", 2)?;
        patient.serialize_field("newest", &self.0.newest)?;
        patient.serialize_field("versions", &VersionsOut(&self.0.versions))?;
        patient.end()
    }
}

struct VersionsOut<'a>(&'a [Version]);

impl Serialize for VersionsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(VersionOut))
    }
}

impl Serialize for VersionOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        let mut version = serializer.serialize_struct("VersionV1", 8)?;
        version.serialize_field("position", &v.position)?;
        version.serialize_field("event_id", v.event_id())?;
        version.serialize_field("claim_id", v.claim_id())?;
        version.serialize_field("npi", v.npi())?;
        version.serialize_field("discipline", &discipline_code(v.discipline))?;
        version.serialize_field("void", &v.void)?;
        version.serialize_field("date", &v.date)?;
        version.serialize_field("lines", &LinesOut(v))?;
        version.end()
    }
}

impl Serialize for LinesOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.lines().map(|line| LineV1 {
            date: line.date.epoch_days(),
            charge_cents: line.charge_cents,
            code: line.code,
            flags: line.flags,
        }))
    }
}

/// Reads a value of any format version this release knows.
fn decode(patient_id: &str, value: &[u8]) -> Result<PatientHistory, StateError> {
    match value.split_first() {
        None => Err(StateError::Empty),
        Some((1, body)) => decode_v1(patient_id, body),
        Some((version, _)) => Err(StateError::UnknownVersion(*version)),
    }
}

fn decode_v1(patient_id: &str, body: &[u8]) -> Result<PatientHistory, StateError> {
    let (value, rest): (PatientV1<'_>, _) =
        postcard::take_from_bytes(body).map_err(|e| malformed(1, e.to_string()))?;
    if !rest.is_empty() {
        return Err(malformed(1, "bytes after the end of the value"));
    }
    if value.newest != UNDATED {
        valid_date(value.newest)?;
    }
    let mut patient = PatientHistory::new(patient_id);
    patient.newest = value.newest;
    let mut versions = value
        .versions
        .iter()
        .map(version_from_v1)
        .collect::<Result<Vec<_>, _>>()?;
    if !versions.is_sorted_by_key(|v| v.position) {
        return Err(malformed(1, "versions out of position order"));
    }
    let mut ids: Vec<&str> = value.versions.iter().map(|v| v.event_id).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(malformed(1, "an event_id is recorded twice"));
    }
    versions.shrink_to_fit();
    patient.versions = versions;
    for at in 0..patient.versions.len() {
        patient.link(at);
    }
    Ok(patient)
}

fn version_from_v1(value: &VersionV1<'_>) -> Result<Version, StateError> {
    let discipline = discipline_of(value.discipline)
        .ok_or_else(|| malformed(1, format!("unknown discipline code {}", value.discipline)))?;
    if value.date != UNDATED {
        valid_date(value.date)?;
    }
    let lines = value
        .lines
        .iter()
        .map(|line| {
            if line.flags & !KNOWN_FLAGS != 0 {
                return Err(malformed(
                    1,
                    format!("unknown line flags {:#04x}", line.flags),
                ));
            }
            Ok(LineParts {
                date: valid_date(line.date)?,
                charge_cents: line.charge_cents,
                code: line.code,
                flags: line.flags,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let parts = Parts {
        position: value.position,
        event_id: value.event_id,
        claim_id: value.claim_id,
        npi: value.npi,
        discipline,
        void: value.void,
        date: value.date,
    };
    Ok(Version::new(&parts, lines.into_iter()))
}

fn valid_date(days: i32) -> Result<Date, StateError> {
    Date::from_epoch_days(days).ok_or_else(|| malformed(1, "a date out of range"))
}

fn malformed(version: u8, problem: impl Into<String>) -> StateError {
    StateError::Malformed {
        version,
        problem: problem.into(),
    }
}
