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

pub mod catalogue;
mod context;
mod engine;
pub mod icd10;
pub mod pack;

pub use context::{Context, PointedDiagnosis};
pub use engine::{Engine, Screening, in_scope};
pub use pack::{DiagnosisClass, PackError, RulePack};

use std::borrow::Cow;

use crate::domain::{Finding, Severity};

/// What a rule says about itself; stamped on each of its findings.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, e.g. `TR-001` (part of the contract).
    pub id: &'static str,
    /// A short name for tables and docs.
    pub title: &'static str,
    /// What the biller should do about a finding (the default remediation).
    pub remediation: &'static str,
    /// The policy the rule rests on.
    pub reference: &'static str,
}

/// One rule of the catalogue.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// The rules whose findings in this screening this rule reads, through
    /// [`Emitter::earlier_finding_on_line`]. Each comes before it in the catalogue.
    fn reads_findings_of(&self) -> &'static [&'static str] {
        &[]
    }

    /// Reports every finding of this rule for the event in `ctx`. Called only for
    /// in-scope events whose plan type the rule applies to.
    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>);
}

/// Collects one rule's findings with the severity the engine resolved for this event, and
/// shows it the findings of the earlier rules it reads.
pub struct Emitter<'a> {
    meta: &'static RuleMeta,
    severity: Severity,
    /// The screening's findings: those of earlier rules, then this rule's.
    findings: &'a mut Vec<Finding>,
    /// How many of `findings` earlier rules reported.
    earlier: usize,
    readable: &'static [&'static str],
}

impl<'a> Emitter<'a> {
    /// An emitter for `rule`, appending to the findings the earlier rules left in `findings`.
    pub(crate) fn new(rule: &dyn Rule, severity: Severity, findings: &'a mut Vec<Finding>) -> Self {
        Self {
            meta: rule.meta(),
            severity,
            earlier: findings.len(),
            findings,
            readable: rule.reads_findings_of(),
        }
    }

    /// Whether `rule_id` (one of this rule's [`Rule::reads_findings_of`]) reported a finding
    /// on line `line_number` in this screening.
    pub fn earlier_finding_on_line(&self, rule_id: &str, line_number: i32) -> bool {
        debug_assert!(
            self.readable.contains(&rule_id),
            "{} reads the findings of {rule_id} without declaring it",
            self.meta.id
        );
        self.findings[..self.earlier]
            .iter()
            .any(|f| f.rule_id == rule_id && f.line_number == Some(line_number))
    }

    /// The severity this rule has for this event (pack default, plan type, payer profile).
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Reports a finding on one service line. The returned finding may be adjusted (e.g. a
    /// more specific remediation, or TR-020's fixed INFO case).
    pub fn line(&mut self, line_number: i32, message: impl Into<String>) -> &mut Finding {
        self.push(Some(line_number), message.into())
    }

    /// Reports a finding on the event as a whole (`line_number` null).
    pub fn event(&mut self, message: impl Into<String>) -> &mut Finding {
        self.push(None, message.into())
    }

    fn push(&mut self, line_number: Option<i32>, message: String) -> &mut Finding {
        self.findings.push(Finding {
            rule_id: Cow::Borrowed(self.meta.id),
            severity: self.severity,
            line_number,
            message,
            remediation: Some(Cow::Borrowed(self.meta.remediation)),
            reference: Some(Cow::Borrowed(self.meta.reference)),
        });
        self.findings.last_mut().expect("just pushed")
    }
}

/// The traction CPT code: mechanical traction, one unit per date of service.
pub const TRACTION_CODE: &str = "97012";
/// The HCPCS S-code some payers use for decompression; never a Medicare code.
pub const DECOMPRESSION_S_CODE: &str = "S9090";
/// Manual therapy (timed), which includes manual traction.
pub const MANUAL_THERAPY_CODE: &str = "97140";

/// Everything a rule file needs, in one import.
pub mod prelude {
    pub use super::{
        Context, DiagnosisClass, Emitter, MANUAL_THERAPY_CODE, PointedDiagnosis, Rule, RuleMeta,
        TRACTION_CODE,
    };
    pub use crate::domain::{
        BodyRegion, Date, Diagnosis, Discipline, Encounter, PerformedBy, PlanType, ServiceLine,
        Severity, TractionMethod,
    };
}
