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
