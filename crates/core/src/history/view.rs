//! What the history rules read: an event's prior claims (RULES.md "History"), as they
//! stood just before a stream position. Borrowed from the history, built without
//! allocating, empty when the patient has none (or when screening without history).

use super::record::{GN, GP, KX, LINE_BYTES, Position, Version, epoch_day, line_charge, line_date};
use crate::domain::{Date, Discipline};

/// The prior claims of one event: for each claim of the patient but the event's own, the
/// latest version before the event's position, unless that version is a VOID.
#[derive(Clone, Copy, Debug)]
pub struct PriorClaims<'a> {
    /// The patient's versions, in position order.
    versions: &'a [Version],
    own_claim: &'a str,
    before: Position,
}

impl<'a> PriorClaims<'a> {
    /// No prior claims.
    pub fn none() -> Self {
        Self {
            versions: &[],
            own_claim: "",
            before: 0,
        }
    }

    pub(super) fn new(versions: &'a [Version], own_claim: &'a str, before: Position) -> Self {
        Self {
            versions,
            own_claim,
            before,
        }
    }

    /// The prior claims in the order they were (last) billed.
    pub fn iter(&self) -> impl Iterator<Item = PriorClaim<'a>> + use<'a> {
        let (own_claim, before) = (self.own_claim, self.before);
        self.versions
            .iter()
            .take_while(move |v| v.position < before)
            .filter(move |v| v.next >= before && !v.void && !v.is_claim(own_claim))
            .map(|version| PriorClaim { version })
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// The latest version of one prior claim.
#[derive(Clone, Copy, Debug)]
pub struct PriorClaim<'a> {
    version: &'a Version,
}

impl<'a> PriorClaim<'a> {
    pub fn claim_id(&self) -> &'a str {
        self.version.claim_id()
    }

    /// The rendering NPI, trimmed.
    pub fn npi(&self) -> &'a str {
        self.version.npi()
    }

    pub fn discipline(&self) -> Discipline {
        self.version.discipline
    }

    /// The claim's service lines, in array order.
    pub fn lines(&self) -> impl Iterator<Item = PriorLine<'a>> + use<'a> {
        self.version.line_bytes().map(|bytes| PriorLine { bytes })
    }
}

/// One service line of a prior claim.
#[derive(Clone, Copy, Debug)]
pub struct PriorLine<'a> {
    /// [`LINE_BYTES`] of the version's data; fields are read on demand.
    bytes: &'a [u8],
}

impl PriorLine<'_> {
    /// Whether the line is billed with `code` (a normalised procedure code).
    pub fn has_code(&self, code: &str) -> bool {
        &self.bytes[12..17] == code.as_bytes()
    }

    pub fn date_of_service(&self) -> Date {
        line_date(self.bytes)
    }

    /// Whether the line's DOS is `day`. This and the two below compare the stored day
    /// number, without building the date: the history rules ask them of every prior line.
    pub fn is_on(&self, day: Date) -> bool {
        epoch_day(self.bytes) == day.epoch_days()
    }

    /// Whether the line's DOS is in `from..=until`.
    pub fn is_within(&self, from: Date, until: Date) -> bool {
        (from.epoch_days()..=until.epoch_days()).contains(&epoch_day(self.bytes))
    }

    /// Days from `earlier` to the line's DOS (negative when the DOS is earlier).
    pub fn days_since(&self, earlier: Date) -> i64 {
        i64::from(epoch_day(self.bytes)) - i64::from(earlier.epoch_days())
    }

    pub fn charge_cents(&self) -> i64 {
        line_charge(self.bytes)
    }

    pub fn has_gp(&self) -> bool {
        self.flag(GP)
    }

    pub fn has_gn(&self) -> bool {
        self.flag(GN)
    }

    pub fn has_kx(&self) -> bool {
        self.flag(KX)
    }

    fn flag(&self, bit: u8) -> bool {
        self.bytes[LINE_BYTES - 1] & bit != 0
    }
}
