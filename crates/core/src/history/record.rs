//! One claim version as history keeps it: what the history rules read of an event and no
//! more, in one allocation (a few dozen bytes for the ids, 18 bytes a line).
//!
//! A version is made by one event: an ORIGINAL or REPLACEMENT keeps its rendering NPI
//! (trimmed), discipline and lines; a VOID is a tombstone that keeps only its ids. Each
//! remembers the stream position and `event_id` that produced it, which is what makes a
//! redelivered event screen as it did the first time (see `super`).

use crate::domain::{ClaimFrequency, Date, Discipline, Encounter, ServiceLine};

/// A place in the stream: the partition offset in the service, the input index in `check`.
pub type Position = u64;

/// Bytes of one line in [`Version::data`]: DOS (epoch days, i32 LE), charge (cents, i64 LE),
/// procedure code (5 bytes), flags.
pub(super) const LINE_BYTES: usize = 18;

/// The line's flags: modifiers the history rules look for.
pub(super) const GP: u8 = 1;
pub(super) const GN: u8 = 2;
pub(super) const KX: u8 = 4;
pub(super) const KNOWN_FLAGS: u8 = GP | GN | KX;

/// The stored date of a version without lines until the patient has a date of service.
pub(super) const UNDATED: i32 = i32::MAX;

/// One version of one claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Version {
    pub position: Position,
    /// The position of the next version of the same claim, [`Position::MAX`] when this is
    /// the latest. Derived from the other versions (never stored in a changelog value).
    pub next: Position,
    /// `event_id`, `claim_id`, rendering NPI, then [`LINE_BYTES`] per line.
    data: Box<[u8]>,
    claim_at: u32,
    npi_at: u32,
    lines_at: u32,
    pub discipline: Discipline,
    pub void: bool,
    /// What retention goes by: the latest DOS of the lines (epoch days); for a version
    /// without lines, the patient's newest DOS when it was recorded ([`UNDATED`] if none).
    pub date: i32,
}

/// The parts of a version, as an event or a changelog value gives them.
pub(super) struct Parts<'a> {
    pub position: Position,
    pub event_id: &'a str,
    pub claim_id: &'a str,
    pub npi: &'a str,
    pub discipline: Discipline,
    pub void: bool,
    pub date: i32,
}

/// One line in the stored form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LineParts {
    pub date: Date,
    pub charge_cents: i64,
    pub code: [u8; 5],
    pub flags: u8,
}

impl LineParts {
    pub fn of(line: &ServiceLine) -> Self {
        let flag = |modifier, bit| if line.has_modifier(modifier) { bit } else { 0 };
        Self {
            date: line.date_of_service,
            charge_cents: line.charge_cents,
            // Decoded codes are 5 letters or digits; any other is kept as no code at all.
            code: line.procedure_code.as_bytes().try_into().unwrap_or([0; 5]),
            flags: flag("GP", GP) | flag("GN", GN) | flag("KX", KX),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.date.epoch_days().to_le_bytes());
        out.extend_from_slice(&self.charge_cents.to_le_bytes());
        out.extend_from_slice(&self.code);
        out.push(self.flags);
    }
}

impl Version {
    /// The version `event` makes at `position`; `undated` is the date a version without
    /// lines takes (the patient's newest DOS).
    pub fn of(event: &Encounter, position: Position, undated: i32) -> Self {
        let void = event.claim_frequency == ClaimFrequency::Void;
        let lines: &[ServiceLine] = if void { &[] } else { &event.service_lines };
        let date = lines
            .iter()
            .map(|line| line.date_of_service.epoch_days())
            .max()
            .unwrap_or(undated);
        let parts = Parts {
            position,
            event_id: &event.event_id,
            claim_id: &event.claim_id,
            npi: if void {
                ""
            } else {
                event.rendering_provider.npi.trim()
            },
            discipline: event.rendering_provider.discipline,
            void,
            date,
        };
        Self::new(&parts, lines.iter().map(LineParts::of))
    }

    pub fn new(parts: &Parts<'_>, lines: impl ExactSizeIterator<Item = LineParts>) -> Self {
        let text = parts.event_id.len() + parts.claim_id.len() + parts.npi.len();
        let mut data = Vec::with_capacity(text + lines.len() * LINE_BYTES);
        let mark = |data: &mut Vec<u8>, text: &str| {
            data.extend_from_slice(text.as_bytes());
            // Identifiers are bounded by the codec (128 bytes each), far below u32::MAX.
            u32::try_from(data.len()).unwrap_or(u32::MAX)
        };
        let claim_at = mark(&mut data, parts.event_id);
        let npi_at = mark(&mut data, parts.claim_id);
        let lines_at = mark(&mut data, parts.npi);
        for line in lines {
            line.write(&mut data);
        }
        Self {
            position: parts.position,
            next: Position::MAX,
            data: data.into_boxed_slice(),
            claim_at,
            npi_at,
            lines_at,
            discipline: parts.discipline,
            void: parts.void,
            date: parts.date,
        }
    }

    pub fn event_id(&self) -> &str {
        self.text(0, self.claim_at)
    }

    pub fn claim_id(&self) -> &str {
        self.text(self.claim_at, self.npi_at)
    }

    pub fn npi(&self) -> &str {
        self.text(self.npi_at, self.lines_at)
    }

    /// Whether this is a version of `claim_id` (compared as bytes: no UTF-8 check).
    pub fn is_claim(&self, claim_id: &str) -> bool {
        self.claim_bytes() == claim_id.as_bytes()
    }

    pub fn same_claim(&self, other: &Version) -> bool {
        self.claim_bytes() == other.claim_bytes()
    }

    fn claim_bytes(&self) -> &[u8] {
        &self.data[self.claim_at as usize..self.npi_at as usize]
    }

    pub fn is_event(&self, event_id: &str) -> bool {
        &self.data[..self.claim_at as usize] == event_id.as_bytes()
    }

    /// The stored lines, each [`LINE_BYTES`] long.
    pub fn line_bytes(&self) -> std::slice::ChunksExact<'_, u8> {
        self.data[self.lines_at as usize..].chunks_exact(LINE_BYTES)
    }

    pub fn lines(&self) -> impl ExactSizeIterator<Item = LineParts> + '_ {
        self.line_bytes().map(read_line)
    }

    fn text(&self, from: u32, to: u32) -> &str {
        std::str::from_utf8(&self.data[from as usize..to as usize])
            .expect("built from whole strings, so cut at character boundaries")
    }
}

/// The line stored in `bytes` ([`LINE_BYTES`] of a version's data).
pub(super) fn read_line(bytes: &[u8]) -> LineParts {
    LineParts {
        date: line_date(bytes),
        charge_cents: line_charge(bytes),
        code: field(bytes, 12),
        flags: bytes[17],
    }
}

pub(super) fn line_date(bytes: &[u8]) -> Date {
    Date::from_epoch_days(epoch_day(bytes)).expect("stored from a valid date")
}

/// The DOS of a stored line, in days since 1970-01-01.
pub(super) fn epoch_day(bytes: &[u8]) -> i32 {
    i32::from_le_bytes(field(bytes, 0))
}

pub(super) fn line_charge(bytes: &[u8]) -> i64 {
    i64::from_le_bytes(field(bytes, 4))
}

fn field<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    bytes[at..at + N]
        .try_into()
        .expect("a stored line is LINE_BYTES long")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{clean_encounter, date, line};

    #[test]
    fn a_version_keeps_the_ids_the_trimmed_npi_and_each_line() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = " 1234567893 ".into();
        event.service_lines[1].modifiers = vec!["GN".into(), "KX".into()];
        event.service_lines[1].date_of_service = date(2026, 3, 5);
        let version = Version::of(&event, 7, UNDATED);
        assert_eq!(
            (version.event_id(), version.claim_id(), version.npi()),
            ("evt-0001", "CLM-0001", "1234567893")
        );
        assert_eq!(
            (version.position, version.next, version.void),
            (7, u64::MAX, false)
        );
        assert_eq!(version.date, date(2026, 3, 5).epoch_days());
        let lines: Vec<LineParts> = version.lines().collect();
        assert_eq!(
            lines,
            [
                LineParts {
                    date: date(2026, 3, 2),
                    charge_cents: 5_000,
                    code: *b"97012",
                    flags: GP
                },
                LineParts {
                    date: date(2026, 3, 5),
                    charge_cents: 5_000,
                    code: *b"97110",
                    flags: GN | KX
                },
            ]
        );
        assert!(version.is_claim("CLM-0001") && !version.is_claim("CLM-000"));
        assert!(version.is_event("evt-0001") && !version.is_event("evt-00011"));
    }

    #[test]
    fn a_void_is_a_tombstone_dated_by_the_patients_newest_dos() {
        let mut event = clean_encounter();
        event.claim_frequency = ClaimFrequency::Void;
        let version = Version::of(&event, 3, 20_000);
        assert!(version.void);
        assert_eq!(version.lines().count(), 0);
        assert_eq!((version.npi(), version.date), ("", 20_000));
    }

    #[test]
    fn a_code_of_another_length_is_kept_as_no_code() {
        let mut odd = line(1, "9701");
        odd.modifiers.clear();
        assert_eq!(LineParts::of(&odd).code, [0; 5]);
        assert_eq!(LineParts::of(&odd).flags, 0);
    }
}
