//! The report page: a [`Summary`] and its charts through the `page.html` template
//! (minijinja, HTML auto-escaping) into one self-contained HTML document — inline CSS and
//! SVG, no script, and a Content-Security-Policy that forbids every network fetch.

use minijinja::value::Serde;
use minijinja::{Environment, context};
use plotters::style::RGBColor;
use serde::Serialize;

use super::aggregate::{RateRow, Summary};
use super::charts::{self, FULL, HALF, Series};
use traction_screen_core::domain::Timestamp;

const TEMPLATE: &str = include_str!("page.html");

const PASS: RGBColor = RGBColor(0x2e, 0x7d, 0x32);
const REVIEW: RGBColor = RGBColor(0xf9, 0xa8, 0x25);
const FAIL: RGBColor = RGBColor(0xc6, 0x28, 0x28);
const MONEY: RGBColor = RGBColor(0x6a, 0x1b, 0x9a);
const RULES: RGBColor = RGBColor(0x15, 0x65, 0xc0);
const DEAD: RGBColor = RGBColor(0x61, 0x61, 0x61);

/// What the page says about where its numbers come from.
#[derive(Clone, Debug, Serialize)]
pub struct PageMeta {
    /// The files read, or the topic and time range.
    pub source: String,
    /// When the report was made (passed in, so rendering stays deterministic).
    pub generated_at: Timestamp,
    /// Records that could not be read (reported on standard error).
    pub unreadable: usize,
}

/// The charts, as SVG elements; `None` when there is nothing to draw.
#[derive(Default, Serialize)]
struct Charts {
    verdicts: Option<String>,
    at_risk: Option<String>,
    rules: Option<String>,
    payers: Option<String>,
    providers: Option<String>,
    dead_letters: Option<String>,
}

/// The whole page.
pub fn page(summary: &Summary, meta: &PageMeta) -> Result<String, String> {
    let mut env = Environment::new();
    env.add_filter("dollars", |cents: i64| dollars(cents));
    env.add_filter("percent", |rate: f64| percent(rate));
    env.add_template("page.html", TEMPLATE)
        .map_err(|e| format!("report template: {e:#}"))?;
    let charts = draw(summary)?;
    env.get_template("page.html")
        .and_then(|template| {
            template.render(context! {
                summary => Serde(summary),
                charts => Serde(&charts),
                source => &meta.source,
                generated_at => meta.generated_at.to_rfc3339(),
                unreadable => meta.unreadable,
            })
        })
        .map_err(|e| format!("report template: {e:#}"))
}

fn draw(summary: &Summary) -> Result<Charts, String> {
    let mut charts = Charts::default();
    if !summary.months.is_empty() {
        let months: Vec<String> = summary.months.iter().map(|m| m.month.clone()).collect();
        let column = |f: &dyn Fn(&super::aggregate::MonthRow) -> f64| -> Vec<f64> {
            summary.months.iter().map(f).collect()
        };
        let verdicts = [
            ("PASS", PASS, column(&|m| m.verdicts.pass as f64)),
            ("REVIEW", REVIEW, column(&|m| m.verdicts.review as f64)),
            ("FAIL", FAIL, column(&|m| m.verdicts.fail as f64)),
        ]
        .map(|(name, color, values)| Series {
            name,
            color,
            values,
        });
        charts.verdicts = Some(charts::stacked_columns(
            HALF,
            &months,
            &verdicts,
            "outcomes",
            &|v| format!("{v:.0}"),
        )?);
        let at_risk = [Series {
            name: "at risk",
            color: MONEY,
            values: column(&|m| m.at_risk_cents as f64 / 100.0),
        }];
        charts.at_risk = Some(charts::stacked_columns(
            HALF,
            &months,
            &at_risk,
            "",
            &whole_dollars,
        )?);
    }
    if !summary.rules.is_empty() {
        let rows: Vec<(String, f64)> = summary
            .rules
            .iter()
            .map(|r| (r.rule_id.clone(), r.findings as f64))
            .collect();
        charts.rules = Some(counts(FULL, &rows, RULES)?);
    }
    charts.payers = rates(&summary.payers)?;
    charts.providers = rates(&summary.providers)?;
    if let Some(letters) = summary.dead_letters.as_ref().filter(|l| !l.is_empty()) {
        let rows: Vec<(String, f64)> = letters
            .iter()
            .map(|(r, n)| (r.clone(), *n as f64))
            .collect();
        charts.dead_letters = Some(counts(FULL, &rows, DEAD)?);
    }
    Ok(charts)
}

fn counts(width: u32, rows: &[(String, f64)], color: RGBColor) -> Result<String, String> {
    let max = rows.iter().map(|(_, n)| *n).fold(0.0, f64::max);
    charts::horizontal_bars(width, rows, color, max * 1.1, &|v| format!("{v:.0}"))
}

fn rates(rows: &[RateRow]) -> Result<Option<String>, String> {
    if rows.is_empty() {
        return Ok(None);
    }
    let bars: Vec<(String, f64)> = rows.iter().map(|r| (r.key.clone(), r.fail_rate)).collect();
    charts::horizontal_bars(HALF, &bars, FAIL, 1.0, &percent).map(Some)
}

/// Cents as US dollars with thousands separators: `123456` → `$1,234.56`.
pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let digits = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// Dollars for an axis: `3500.0` → `$3,500` (cents only below ten dollars).
fn whole_dollars(value: f64) -> String {
    let cents = (value * 100.0).round() as i64;
    let text = dollars(cents);
    if cents.abs() >= 1_000 {
        text[..text.len() - 3].to_owned()
    } else {
        text
    }
}

/// A rate 0-1 as a percentage with one decimal: `0.3333` → `33.3%`.
pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

#[cfg(test)]
mod tests;
