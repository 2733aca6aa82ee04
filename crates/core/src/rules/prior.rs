//! Helper: what the history rules (TR-050…TR-054) ask of an event and its prior claims.

use super::codes::TRACTION_CODE;
use super::context::Context;
use crate::domain::{Date, Discipline};
use crate::history::{PriorClaim, PriorClaims};

/// The prior claims with a traction line on `day`, in the order they were billed.
pub fn with_traction_on<'a>(
    history: PriorClaims<'a>,
    day: Date,
) -> impl Iterator<Item = PriorClaim<'a>> + 'a {
    history.iter().filter(move |claim| {
        claim
            .lines()
            .any(|line| line.has_code(TRACTION_CODE) && line.is_on(day))
    })
}

/// Whether a prior claim's rendering NPI is the event's (both trimmed, so two empty NPIs
/// are the same).
pub fn same_provider(ctx: &Context<'_>, claim: &PriorClaim<'_>) -> bool {
    claim.npi() == ctx.event.rendering_provider.npi.trim()
}

/// The latest DOS of the event's traction lines.
pub fn latest_traction_day(ctx: &Context<'_>) -> Option<Date> {
    ctx.traction_lines().map(|line| line.date_of_service).max()
}

/// "claim A" or "claims A, B" for a message.
pub fn claims_named<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    let noun = if ids.len() == 1 { "claim" } else { "claims" };
    format!("{noun} {}", ids.join(", "))
}

/// A discipline in words, for a message.
pub fn discipline_name(discipline: Discipline) -> &'static str {
    match discipline {
        Discipline::PhysicalTherapist => "physical therapist",
        Discipline::PhysicalTherapistAssistant => "physical therapist assistant",
        Discipline::OccupationalTherapist => "occupational therapist",
        Discipline::Chiropractor => "chiropractor",
        Discipline::Physician => "physician",
        Discipline::NursePractitioner => "nurse practitioner",
        Discipline::PhysicianAssistant => "physician assistant",
        Discipline::AthleticTrainer => "athletic trainer",
        Discipline::Other => "other discipline",
    }
}

/// Distinct days counted as offsets from a first day, within `0..=span`: in a bit set on
/// the stack for the first 1,024 days (no allocation per event), in a list beyond.
pub struct DaySet {
    span: i64,
    bits: [u64; 16],
    beyond: Vec<i64>,
}

impl DaySet {
    /// An empty set of the days `0..=span` after the first.
    pub fn new(span: i64) -> Self {
        Self {
            span,
            bits: [0; 16],
            beyond: Vec::new(),
        }
    }

    /// Adds the day `offset` days after the first; a day outside the span is ignored.
    pub fn insert(&mut self, offset: i64) {
        if !(0..=self.span).contains(&offset) {
            return;
        }
        match usize::try_from(offset) {
            Ok(bit) if bit < 1024 => self.bits[bit / 64] |= 1 << (bit % 64),
            _ => self.beyond.push(offset),
        }
    }

    /// How many distinct days were added.
    pub fn count(mut self) -> usize {
        self.beyond.sort_unstable();
        self.beyond.dedup();
        let set: u32 = self.bits.iter().map(|word| word.count_ones()).sum();
        set as usize + self.beyond.len()
    }
}

#[cfg(test)]
mod tests {
    use super::DaySet;

    #[test]
    fn a_day_set_counts_each_day_of_its_span_once() {
        let mut days = DaySet::new(2_000);
        for offset in [0, 5, 5, 63, 64, 1_023, 1_024, 1_024, 2_000, 2_001, -1] {
            days.insert(offset);
        }
        assert_eq!(days.count(), 7);
    }
}
