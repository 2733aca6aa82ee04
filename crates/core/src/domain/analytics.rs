//! What an outcome carries for analytics besides its verdict: the service dates and the
//! money — what the event billed and what its ERROR findings put at risk. Pure: the
//! encounter and the findings in, dates and cents out.

use super::encounter::Encounter;
use super::outcome::{Finding, Severity};
use super::time::Date;

/// The sum of the event's line charges (saturating, so no input makes it overflow).
pub fn billed_cents(event: &Encounter) -> i64 {
    event
        .service_lines
        .iter()
        .fold(0i64, |sum, line| sum.saturating_add(line.charge_cents))
}

/// The charges the event's ERROR findings put at risk of denial:
///
/// - an ERROR on the event as a whole (no line number) puts the whole claim at risk:
///   [`billed_cents`];
/// - otherwise the charges of the lines that carry at least one ERROR finding, each line
///   counted once however many ERROR findings it carries;
/// - WARNING and INFO findings put nothing at risk, and neither does a finding naming a
///   line number the event does not have.
pub fn at_risk_cents(event: &Encounter, findings: &[Finding]) -> i64 {
    let errors: Vec<Option<i32>> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.line_number)
        .collect();
    if errors.contains(&None) {
        return billed_cents(event);
    }
    event
        .service_lines
        .iter()
        .filter(|line| errors.contains(&Some(line.line_number)))
        .fold(0i64, |sum, line| sum.saturating_add(line.charge_cents))
}

/// The earliest and the latest date of service of the event's lines; `None` without lines.
pub fn service_dates(event: &Encounter) -> Option<(Date, Date)> {
    let mut dates = event.service_lines.iter().map(|line| line.date_of_service);
    let first = dates.next()?;
    Some(dates.fold((first, first), |(low, high), date| {
        (low.min(date), high.max(date))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ServiceLine;
    use crate::testing::{self, clean_encounter, date, line};

    fn finding(severity: Severity, line_number: Option<i32>) -> Finding {
        testing::finding("TR-001", severity, line_number)
    }

    /// Three lines charging 100, 2 000 and 30 000 cents.
    fn three_lines() -> Encounter {
        let mut event = clean_encounter();
        event.service_lines = [(1, 100), (2, 2_000), (3, 30_000)]
            .map(|(number, charge_cents)| ServiceLine {
                charge_cents,
                ..line(number, "97012")
            })
            .to_vec();
        event
    }

    #[test]
    fn billed_is_the_sum_of_every_line_charge() {
        assert_eq!(billed_cents(&three_lines()), 32_100);
    }

    #[test]
    fn billed_saturates_instead_of_overflowing() {
        let mut event = three_lines();
        event.service_lines[0].charge_cents = i64::MAX;
        assert_eq!(billed_cents(&event), i64::MAX);
    }

    #[test]
    fn nothing_is_at_risk_without_error_findings() {
        let findings = [
            finding(Severity::Warning, Some(1)),
            finding(Severity::Info, None),
        ];
        assert_eq!(at_risk_cents(&three_lines(), &findings), 0);
        assert_eq!(at_risk_cents(&three_lines(), &[]), 0);
    }

    #[test]
    fn a_line_error_puts_that_line_at_risk() {
        let findings = [finding(Severity::Error, Some(2))];
        assert_eq!(at_risk_cents(&three_lines(), &findings), 2_000);
    }

    #[test]
    fn a_line_with_two_error_findings_counts_once() {
        let findings = [
            finding(Severity::Error, Some(3)),
            finding(Severity::Error, Some(3)),
            finding(Severity::Warning, Some(1)),
        ];
        assert_eq!(at_risk_cents(&three_lines(), &findings), 30_000);
    }

    #[test]
    fn errors_on_several_lines_add_their_charges() {
        let findings = [
            finding(Severity::Error, Some(1)),
            finding(Severity::Error, Some(3)),
        ];
        assert_eq!(at_risk_cents(&three_lines(), &findings), 30_100);
    }

    #[test]
    fn an_event_level_error_puts_the_whole_claim_at_risk() {
        let findings = [
            finding(Severity::Error, Some(1)),
            finding(Severity::Error, None),
        ];
        assert_eq!(at_risk_cents(&three_lines(), &findings), 32_100);
    }

    #[test]
    fn an_event_level_warning_puts_nothing_at_risk() {
        let findings = [finding(Severity::Warning, None)];
        assert_eq!(at_risk_cents(&three_lines(), &findings), 0);
    }

    #[test]
    fn an_error_on_a_line_the_event_lacks_adds_nothing() {
        let findings = [finding(Severity::Error, Some(9))];
        assert_eq!(at_risk_cents(&three_lines(), &findings), 0);
    }

    #[test]
    fn service_dates_span_the_earliest_to_the_latest_line() {
        let mut event = three_lines();
        event.service_lines[0].date_of_service = date(2026, 3, 9);
        event.service_lines[2].date_of_service = date(2026, 2, 27);
        assert_eq!(
            service_dates(&event),
            Some((date(2026, 2, 27), date(2026, 3, 9)))
        );
        event.service_lines.clear();
        assert_eq!(service_dates(&event), None);
    }
}
