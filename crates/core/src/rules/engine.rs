//! The engine: scope, severity resolution, rule evaluation, verdict and score.

use rustc_hash::FxHashMap;

use crate::domain::{ClaimFrequency, Encounter, Finding, PlanType, Severity, Verdict};
use crate::history::PriorClaims;

use super::catalogue::CATALOGUE;
use super::codes::{DECOMPRESSION_S_CODE, TRACTION_CODE};
use super::context::Context;
use super::icd10::IcdCodeSet;
use super::pack::{PackError, RulePack};
use super::rule::{Emitter, Rule};

/// Severity of each catalogue rule (by position) for each plan type; `None` = not applied.
type SeverityTable = Vec<[Option<Severity>; PlanType::ALL.len()]>;
/// The table for an event screened alone (the history rules not applied), then with history.
type SeverityTables = [SeverityTable; 2];

/// A rule pack compiled against the catalogue. Build once, share (it is `Sync`).
pub struct Engine {
    pack: RulePack,
    icd: &'static IcdCodeSet,
    rules: &'static [&'static dyn Rule],
    default_severities: SeverityTables,
    profile_severities: FxHashMap<String, SeverityTables>,
}

/// The screening result of one event, before the outcome's envelope is added.
#[derive(Clone, Debug, PartialEq)]
pub struct Screening {
    pub verdict: Verdict,
    pub risk_score: i32,
    pub traction_lines: i32,
    pub findings: Vec<Finding>,
}

impl Screening {
    fn out_of_scope() -> Self {
        Self {
            verdict: Verdict::Pass,
            risk_score: 0,
            traction_lines: 0,
            findings: Vec::new(),
        }
    }
}

impl Engine {
    /// The engine with the built-in rule pack.
    pub fn built_in() -> Self {
        Self::new(RulePack::built_in())
    }

    /// Compiles the rules of `text` (a rule-pack file).
    pub fn from_pack_text(text: &str) -> Result<Self, PackError> {
        RulePack::parse(text).map(Self::new)
    }

    pub fn new(pack: RulePack) -> Self {
        let rules = CATALOGUE;
        let default_severities = severity_tables(&pack, rules, None);
        let profile_severities = pack
            .profiles
            .keys()
            .map(|payer_id| {
                let table = severity_tables(&pack, rules, Some(payer_id));
                (payer_id.clone(), table)
            })
            .collect();
        Self {
            icd: IcdCodeSet::bundled(),
            pack,
            rules,
            default_severities,
            profile_severities,
        }
    }

    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    pub fn rule_pack_version(&self) -> &str {
        &self.pack.version
    }

    pub fn rules(&self) -> &'static [&'static dyn Rule] {
        self.rules
    }

    /// Screens one (normalised) encounter alone: the history rules are not evaluated.
    pub fn screen(&self, event: &Encounter) -> Screening {
        self.screen_in(event, None)
    }

    /// Screens one (normalised) encounter against its prior claims (`crate::history`).
    pub fn screen_with_history(&self, event: &Encounter, prior: PriorClaims<'_>) -> Screening {
        self.screen_in(event, Some(prior))
    }

    fn screen_in(&self, event: &Encounter, prior: Option<PriorClaims<'_>>) -> Screening {
        if !in_scope(event) {
            return Screening::out_of_scope();
        }
        let with_history = prior.is_some();
        let history = prior.unwrap_or_else(PriorClaims::none);
        let ctx = Context::with_history(event, &self.pack, self.icd, history);
        let severities = &self
            .profile_severities
            .get(&event.payer.payer_id)
            .unwrap_or(&self.default_severities)[usize::from(with_history)];
        let plan = event.payer.plan_type.index();
        // In catalogue order, into one list: a rule reads the findings of the earlier ones it
        // declares (`Rule::reads_findings_of`) through its emitter.
        let mut findings = Vec::new();
        for (rule, per_plan) in self.rules.iter().zip(severities) {
            if let Some(severity) = per_plan[plan] {
                rule.evaluate(&ctx, &mut Emitter::new(*rule, severity, &mut findings));
            }
        }
        // Rules run in id order, so this (stable) sort only orders each rule's findings by
        // line number, null first, keeping emission order among equals.
        findings.sort_by(|a, b| (&a.rule_id, a.line_number).cmp(&(&b.rule_id, b.line_number)));
        let traction_lines = ctx.traction_lines().count() as i32;
        Screening {
            verdict: verdict_of(&findings),
            risk_score: risk_score_of(&findings),
            traction_lines,
            findings,
        }
    }
}

/// RULES.md "Scope": a 97012 or S9090 line, or a traction record; never a VOID.
pub fn in_scope(event: &Encounter) -> bool {
    event.claim_frequency != ClaimFrequency::Void
        && (event.traction.is_some()
            || event.service_lines.iter().any(|line| {
                line.procedure_code == TRACTION_CODE || line.procedure_code == DECOMPRESSION_S_CODE
            }))
}

/// The tables of `payer_id`'s profile (none: the pack's defaults), alone and with history.
fn severity_tables(pack: &RulePack, rules: &[&dyn Rule], payer_id: Option<&str>) -> SeverityTables {
    [false, true].map(|with_history| severity_table(pack, rules, payer_id, with_history))
}

fn severity_table(
    pack: &RulePack,
    rules: &[&dyn Rule],
    payer_id: Option<&str>,
    with_history: bool,
) -> SeverityTable {
    let profile = payer_id.and_then(|id| pack.profiles.get(id));
    rules
        .iter()
        .map(|rule| {
            let id = rule.meta().id;
            let settings = &pack.rules[id];
            let disabled = profile.is_some_and(|p| p.disable.contains(id))
                || (rule.uses_history() && !with_history);
            let forced = profile.and_then(|p| p.severity.get(id).copied());
            PlanType::ALL.map(|plan| {
                let severity = settings.severity_for(plan)?;
                (!disabled).then_some(forced.unwrap_or(severity))
            })
        })
        .collect()
}

fn verdict_of(findings: &[Finding]) -> Verdict {
    match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Error) => Verdict::Fail,
        Some(Severity::Warning) => Verdict::Review,
        _ => Verdict::Pass,
    }
}

/// min(100, 40 × errors + 10 × warnings).
fn risk_score_of(findings: &[Finding]) -> i32 {
    let points: usize = findings
        .iter()
        .map(|f| match f.severity {
            Severity::Error => 40,
            Severity::Warning => 10,
            Severity::Info => 0,
        })
        .sum();
    points.min(100) as i32
}
