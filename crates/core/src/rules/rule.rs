//! The rule contract: what a rule is ([`Rule`], [`RuleMeta`]) and how it reports
//! ([`Emitter`]), including reading the findings of an earlier rule it declares.

use std::borrow::Cow;

use super::context::Context;
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
    /// [`Emitter::earlier_finding_on_line`] or [`Emitter::earlier_event_finding`]. Each comes
    /// before it in the catalogue.
    fn reads_findings_of(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether the rule compares the event with the patient's prior claims
    /// ([`Context::history`]). Such a rule is not evaluated when an event is screened
    /// without history (`--no-history`), rather than evaluated against none: some could
    /// fire on one event alone.
    fn uses_history(&self) -> bool {
        false
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
        self.earlier_finding(rule_id, Some(line_number))
    }

    /// Whether `rule_id` (one of this rule's [`Rule::reads_findings_of`]) reported a finding
    /// on the event as a whole (no line number) in this screening.
    pub fn earlier_event_finding(&self, rule_id: &str) -> bool {
        self.earlier_finding(rule_id, None)
    }

    fn earlier_finding(&self, rule_id: &str, line_number: Option<i32>) -> bool {
        debug_assert!(
            self.readable.contains(&rule_id),
            "{} reads the findings of {rule_id} without declaring it",
            self.meta.id
        );
        self.findings[..self.earlier]
            .iter()
            .any(|f| f.rule_id == rule_id && f.line_number == line_number)
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
