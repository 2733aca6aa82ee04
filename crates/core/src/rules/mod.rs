//! Screening: the rule catalogue applied to one encounter. Pure and deterministic.
//!
//! A rule is one small file in `catalogue/` implementing [`Rule`]: it reads the encounter
//! through a [`Context`] (the event plus the pack's code lists and thresholds, with the
//! per-event facts several rules share computed once) and reports findings through an
//! [`Emitter`]. Rules never decide their own severity or applicability: the [`Engine`]
//! resolves those from the rule pack and the payer's profile before calling the rule.
//!
//! Rules never call each other. A rule that depends on what another one reported in this
//! screening (TR-025 on TR-024) declares it in [`Rule::reads_findings_of`] and asks its
//! [`Emitter`]: the engine evaluates rules in catalogue (id) order, so the findings of every
//! earlier rule, as that payer's profile let it report them, are there to read.
//!
//! The history rules (TR-050…TR-054, [`Rule::uses_history`]) also read the patient's prior
//! claims through [`Context::history`]; the engine skips them when an event is screened
//! without history ([`Engine::screen`] rather than [`Engine::screen_with_history`]).
//!
//! Layers, each importing only from those below it (checked by the `layers` test):
//!
//! ```text
//! engine      scope, severities, verdict and score; runs the catalogue
//! catalogue   one file per rule: imports the prelude and the helpers, never another rule
//! prior       helper: what the history rules ask of an event and its prior claims
//! risks       helper: lists C and P as reason rows (TR-027, TR-028)
//! diagnoses   helper: how messages show diagnosis codes
//! modifiers   helper: modifier sets
//! money       helper: dollars
//! rule        the Rule contract and its Emitter
//! context     the per-event view a rule reads
//! pack        the rule pack: file shape → validation → model; the diagnosis-list table
//! icd10       the bundled ICD-10-CM code set; the key a code is packed into
//! codes       the procedure codes rules name
//! ```

pub mod catalogue;
mod codes;
mod context;
mod diagnoses;
mod engine;
pub mod icd10;
#[cfg(test)]
mod layers;
mod modifiers;
mod money;
pub mod pack;
mod prior;
mod risks;
mod rule;

pub use codes::{DECOMPRESSION_S_CODE, MANUAL_THERAPY_CODE, TRACTION_CODE};
pub use context::{Context, PointedDiagnosis};
pub use engine::{Engine, Screening, in_scope};
pub use pack::{AlertPolicy, DiagnosisClass, PackError, RulePack};
pub use rule::{Emitter, Rule, RuleMeta};

/// Everything a rule file needs, in one import.
pub mod prelude {
    pub use super::{
        Context, DECOMPRESSION_S_CODE, DiagnosisClass, Emitter, MANUAL_THERAPY_CODE,
        PointedDiagnosis, Rule, RuleMeta, TRACTION_CODE,
    };
    pub use crate::domain::{
        BodyRegion, Date, Diagnosis, Discipline, Encounter, PerformedBy, PlanType, ServiceLine,
        Severity, TractionMethod,
    };
}
