//! The report's numbers: outcomes in, a [`Summary`] out. Pure and deterministic (no I/O, no
//! clock), so every figure on the page is checked here against its input.
//!
//! Outcomes stream through an [`Aggregator`], whose memory grows with the distinct events,
//! payers, providers and months, not with the outcomes' size. Each outcome counts once per
//! (`event_id`, `rule_pack_version`), the contract's dedup key: at-least-once delivery may
//! publish an outcome again, and screening is deterministic, so a copy differs only in
//! `screened_at` and `source` and is skipped. Outcomes written before the analytics fields
//! existed land in an `unknown` bucket.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use traction_screen_core::domain::{Outcome, Severity, Verdict};
use traction_screen_core::rules::catalogue::CATALOGUE;

/// How many rows the ranked tables keep.
pub const TOP_RULES: usize = 15;
pub const TOP_GROUPS: usize = 15;
pub const RISKIEST_CLAIMS: usize = 20;
/// The bucket of outcomes without the dimension.
pub const UNKNOWN: &str = "unknown";

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Outcomes counted (after dropping re-deliveries).
    pub outcomes: usize,
    /// Records dropped as re-deliveries of an outcome already counted.
    pub duplicates: usize,
    pub verdicts: VerdictCounts,
    pub billed_cents: i64,
    pub at_risk_cents: i64,
    /// By month of the first date of service, oldest first, `unknown` last.
    pub months: Vec<MonthRow>,
    /// Most findings first.
    pub rules: Vec<RuleRow>,
    pub rules_not_shown: usize,
    /// FAIL rate by payer and by rendering provider: most outcomes first.
    pub payers: Vec<RateRow>,
    pub payers_not_shown: usize,
    pub providers: Vec<RateRow>,
    pub providers_not_shown: usize,
    /// Highest risk score first, then most at risk.
    pub riskiest: Vec<ClaimRow>,
    /// Dead letters by `dlq.reason`, when a dead-letter topic was read.
    pub dead_letters: Option<Vec<(String, u64)>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VerdictCounts {
    pub pass: usize,
    pub review: usize,
    pub fail: usize,
}

impl VerdictCounts {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Review => self.review += 1,
            Verdict::Fail => self.fail += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.pass + self.review + self.fail
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`, or [`UNKNOWN`].
    pub month: String,
    pub verdicts: VerdictCounts,
    pub at_risk_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRow {
    pub rule_id: String,
    /// From the catalogue ("" for a rule it no longer has).
    pub title: String,
    /// The catalogue's reference, else the one the finding carried.
    pub reference: String,
    pub findings: usize,
    /// Outcomes with at least one finding of the rule.
    pub outcomes: usize,
    /// The findings by severity.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateRow {
    /// The payer id or rendering NPI, or [`UNKNOWN`].
    pub key: String,
    pub outcomes: usize,
    pub fails: usize,
    /// `fails / outcomes`, 0-1.
    pub fail_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimRow {
    pub claim_id: String,
    pub event_id: String,
    pub payer_id: String,
    pub rendering_npi: String,
    /// `YYYY-MM-DD`, or [`UNKNOWN`].
    pub date_of_service: String,
    pub verdict: Verdict,
    pub risk_score: i32,
    pub at_risk_cents: i64,
    /// The rules that fired, each once, in id order.
    pub rule_ids: Vec<String>,
}

/// Aggregates `outcomes` and, when a dead-letter topic was read, its counts by reason.
pub fn summarize(outcomes: &[Outcome], dead_letters: Option<&BTreeMap<String, u64>>) -> Summary {
    let mut aggregator = Aggregator::default();
    for outcome in outcomes {
        aggregator.add(outcome);
    }
    aggregator.finish(dead_letters)
}

/// A [`Summary`] being built, one outcome at a time.
#[derive(Default)]
pub struct Aggregator {
    seen: HashSet<(String, String)>,
    summary: Summary,
    months: BTreeMap<String, MonthRow>,
    rules: BTreeMap<String, RuleRow>,
    payers: BTreeMap<String, (usize, usize)>,
    providers: BTreeMap<String, (usize, usize)>,
    /// Candidates for the riskiest claims, cut back to the best ones as it grows.
    riskiest: Vec<ClaimRow>,
}

impl Aggregator {
    pub fn add(&mut self, outcome: &Outcome) {
        let key = (outcome.event_id.clone(), outcome.rule_pack_version.clone());
        if !self.seen.insert(key) {
            self.summary.duplicates += 1;
            return;
        }
        let summary = &mut self.summary;
        summary.outcomes += 1;
        summary.verdicts.add(outcome.verdict);
        summary.billed_cents = summary
            .billed_cents
            .saturating_add(outcome.billed_cents.unwrap_or(0));
        summary.at_risk_cents = summary
            .at_risk_cents
            .saturating_add(outcome.at_risk_cents.unwrap_or(0));
        add_month(&mut self.months, outcome);
        add_rules(&mut self.rules, outcome);
        add_rate(
            &mut self.payers,
            outcome.payer_id.as_deref(),
            outcome.verdict,
        );
        add_rate(
            &mut self.providers,
            outcome.rendering_npi.as_deref(),
            outcome.verdict,
        );
        if outcome.risk_score > 0 {
            self.riskiest.push(claim_row(outcome));
            if self.riskiest.len() >= 4 * RISKIEST_CLAIMS {
                keep_riskiest(&mut self.riskiest);
            }
        }
    }

    /// The summary of everything added, with the dead-letter counts when a dead-letter
    /// topic was read.
    pub fn finish(mut self, dead_letters: Option<&BTreeMap<String, u64>>) -> Summary {
        let mut summary = self.summary;
        summary.dead_letters = dead_letters.map(by_count);
        summary.months = self.months.into_values().collect();
        let mut rules: Vec<RuleRow> = self.rules.into_values().collect();
        rules.sort_by(|a, b| {
            b.findings
                .cmp(&a.findings)
                .then_with(|| a.rule_id.cmp(&b.rule_id))
        });
        (summary.rules, summary.rules_not_shown) = top(rules, TOP_RULES);
        (summary.payers, summary.payers_not_shown) = top(rates(self.payers), TOP_GROUPS);
        (summary.providers, summary.providers_not_shown) = top(rates(self.providers), TOP_GROUPS);
        keep_riskiest(&mut self.riskiest);
        summary.riskiest = self.riskiest;
        summary
    }
}

/// Counts the outcome in the month of its first date of service (keys sort by month, with
/// the unknown bucket under `~`, after every digit).
fn add_month(months: &mut BTreeMap<String, MonthRow>, outcome: &Outcome) {
    let month = outcome
        .first_date_of_service
        .map_or_else(|| UNKNOWN.to_owned(), |date| date.to_iso()[..7].to_owned());
    let sort_key = if month == UNKNOWN {
        "~".to_owned()
    } else {
        month.clone()
    };
    let row = months.entry(sort_key).or_insert_with(|| MonthRow {
        month,
        verdicts: VerdictCounts::default(),
        at_risk_cents: 0,
    });
    row.verdicts.add(outcome.verdict);
    row.at_risk_cents = row
        .at_risk_cents
        .saturating_add(outcome.at_risk_cents.unwrap_or(0));
}

fn add_rules(rules: &mut BTreeMap<String, RuleRow>, outcome: &Outcome) {
    let mut seen: Vec<&str> = Vec::new();
    for finding in &outcome.findings {
        let id = finding.rule_id.as_ref();
        let row = rules
            .entry(id.to_owned())
            .or_insert_with(|| rule_row(id, finding.reference.as_deref()));
        row.findings += 1;
        match finding.severity {
            Severity::Error => row.errors += 1,
            Severity::Warning => row.warnings += 1,
            Severity::Info => row.infos += 1,
        }
        if !seen.contains(&id) {
            seen.push(id);
            row.outcomes += 1;
        }
    }
}

fn rule_row(rule_id: &str, reference: Option<&str>) -> RuleRow {
    let meta = CATALOGUE
        .iter()
        .map(|rule| rule.meta())
        .find(|meta| meta.id == rule_id);
    RuleRow {
        rule_id: rule_id.to_owned(),
        title: meta.map_or("", |meta| meta.title).to_owned(),
        reference: meta
            .map(|meta| meta.reference)
            .or(reference)
            .unwrap_or("")
            .to_owned(),
        findings: 0,
        outcomes: 0,
        errors: 0,
        warnings: 0,
        infos: 0,
    }
}

/// Counts one outcome (and whether it FAILed) under its value of a dimension.
fn add_rate(counts: &mut BTreeMap<String, (usize, usize)>, key: Option<&str>, verdict: Verdict) {
    let key = key.unwrap_or(UNKNOWN);
    let entry = match counts.get_mut(key) {
        Some(entry) => entry,
        None => counts.entry(key.to_owned()).or_default(),
    };
    entry.0 += 1;
    entry.1 += usize::from(verdict == Verdict::Fail);
}

/// FAIL rate per value of a dimension; most outcomes first, then by key.
fn rates(counts: BTreeMap<String, (usize, usize)>) -> Vec<RateRow> {
    let mut rows: Vec<RateRow> = counts
        .into_iter()
        .map(|(key, (outcomes, fails))| RateRow {
            key,
            outcomes,
            fails,
            fail_rate: fails as f64 / outcomes as f64,
        })
        .collect();
    rows.sort_by(|a, b| b.outcomes.cmp(&a.outcomes).then_with(|| a.key.cmp(&b.key)));
    rows
}

/// Highest risk score first, then most at risk, then by claim and event id; the first
/// [`RISKIEST_CLAIMS`] kept.
fn keep_riskiest(rows: &mut Vec<ClaimRow>) {
    rows.sort_by(|a, b| {
        (b.risk_score, b.at_risk_cents)
            .cmp(&(a.risk_score, a.at_risk_cents))
            .then_with(|| (&a.claim_id, &a.event_id).cmp(&(&b.claim_id, &b.event_id)))
    });
    rows.truncate(RISKIEST_CLAIMS);
}

fn claim_row(outcome: &Outcome) -> ClaimRow {
    let mut rule_ids: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| f.rule_id.to_string())
        .collect();
    rule_ids.sort();
    rule_ids.dedup();
    let known = |value: Option<&str>| value.unwrap_or(UNKNOWN).to_owned();
    ClaimRow {
        claim_id: outcome.claim_id.clone(),
        event_id: outcome.event_id.clone(),
        payer_id: known(outcome.payer_id.as_deref()),
        rendering_npi: known(outcome.rendering_npi.as_deref()),
        date_of_service: outcome
            .first_date_of_service
            .map_or_else(|| UNKNOWN.to_owned(), |date| date.to_iso()),
        verdict: outcome.verdict,
        risk_score: outcome.risk_score,
        at_risk_cents: outcome.at_risk_cents.unwrap_or(0),
        rule_ids,
    }
}

/// The first `limit` rows, and how many were left out.
fn top<T>(mut rows: Vec<T>, limit: usize) -> (Vec<T>, usize) {
    let left_out = rows.len().saturating_sub(limit);
    rows.truncate(limit);
    (rows, left_out)
}

fn by_count(counts: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

#[cfg(test)]
mod tests;
