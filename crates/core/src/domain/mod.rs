//! The data the pipeline moves: encounters in, outcomes out. No I/O, no formats.

pub mod analytics;
mod encounter;
pub mod npi;
mod outcome;
mod time;

pub use encounter::{
    BodyRegion, ClaimFrequency, Diagnosis, Discipline, Encounter, Episode, Payer, PerformedBy,
    PlanOfCare, PlanType, RenderingProvider, ServiceLine, Traction, TractionMethod, TractionMode,
};
pub use outcome::{Alert, AlertCondition, Finding, Outcome, Severity, Source, Verdict};
pub use time::{Date, Timestamp};
