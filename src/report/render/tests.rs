use std::collections::BTreeMap;

use super::*;
use crate::report::aggregate::summarize;
use crate::report::testing::{PASS, outcome};
use traction_screen_core::domain::{Outcome, Severity, Verdict};
use traction_screen_core::testing::date;

fn meta() -> PageMeta {
    PageMeta {
        source: "outcomes.jsonl".into(),
        generated_at: Timestamp(1_767_225_600_000),
        unreadable: 0,
    }
}

/// Three outcomes of $100.00 each: a PASS of payer A in February, a FAIL (TR-001, $123.45
/// at risk) of payer B in March and a REVIEW (TR-030) of payer B in March.
fn outcomes() -> Vec<Outcome> {
    let npi = "1234567893";
    vec![
        outcome("e1", ("A", npi, date(2026, 2, 20)), PASS, 0, &[]),
        outcome(
            "e2",
            ("B", npi, date(2026, 3, 2)),
            (Verdict::Fail, 40),
            12_345,
            &[("TR-001", Severity::Error)],
        ),
        outcome(
            "e3",
            ("B", npi, date(2026, 3, 2)),
            (Verdict::Review, 10),
            0,
            &[("TR-030", Severity::Warning)],
        ),
    ]
}

fn page_of(outcomes: &[Outcome], dead_letters: Option<&BTreeMap<String, u64>>) -> String {
    page(&summarize(outcomes, dead_letters), &meta()).expect("renders")
}

/// The text of the element with this id (its content up to the next tag).
fn by_id<'p>(page: &'p str, id: &str) -> &'p str {
    let start = page
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no element #{id}"))
        + id.len()
        + 6;
    &page[start..start + page[start..].find('<').expect("a closing tag")]
}

/// The cells of the table row with this attribute, e.g. `data-key="B"`.
fn row<'p>(page: &'p str, attribute: &str) -> Vec<&'p str> {
    let start = page
        .find(&format!("<tr {attribute}>"))
        .unwrap_or_else(|| panic!("no row {attribute}"));
    let end = start + page[start..].find("</tr>").expect("a closed row");
    page[start..end]
        .split("<td")
        .skip(1)
        .map(|cell| {
            let text = &cell[cell.find('>').expect("a cell") + 1..];
            &text[..text.find('<').expect("a closed cell")]
        })
        .collect()
}

#[test]
fn the_totals_on_the_page_are_the_inputs() {
    let page = page_of(&outcomes(), None);
    let totals: Vec<&str> = [
        "total-outcomes",
        "total-pass",
        "total-review",
        "total-fail",
        "total-billed",
        "total-at-risk",
    ]
    .iter()
    .map(|id| by_id(&page, id))
    .collect();
    assert_eq!(totals, ["3", "1", "1", "1", "$300.00", "$123.45"]);
}

#[test]
fn the_month_rule_payer_and_claim_tables_show_the_inputs() {
    let page = page_of(&outcomes(), None);
    assert_eq!(
        row(&page, "data-month=\"2026-02\""),
        ["2026-02", "1", "0", "0", "$0.00"]
    );
    assert_eq!(
        row(&page, "data-month=\"2026-03\""),
        ["2026-03", "0", "1", "1", "$123.45"]
    );
    let tr001 = row(&page, "data-rule=\"TR-001\"");
    let meta = traction_screen_core::rules::catalogue::CATALOGUE[0].meta();
    assert_eq!(
        tr001,
        ["TR-001", meta.title, "1", "1", "1 / 0 / 0", meta.reference]
    );
    assert_eq!(row(&page, "data-key=\"A\""), ["A", "1", "0", "0.0%"]);
    assert_eq!(row(&page, "data-key=\"B\""), ["B", "2", "1", "50.0%"]);
    assert_eq!(
        row(&page, "data-event=\"e2\""),
        [
            "CLM-e2",
            "2026-03-02",
            "B",
            "1234567893",
            "FAIL",
            "40",
            "$123.45",
            "TR-001"
        ]
    );
    let riskiest = &page[page.find("id=\"riskiest\"").expect("the claims table")..];
    assert!(riskiest.find("data-event=\"e2\"") < riskiest.find("data-event=\"e3\""));
    assert!(
        !riskiest.contains("data-event=\"e1\""),
        "zero risk is not listed"
    );
}

#[test]
fn every_chart_is_an_inline_svg_and_nothing_is_fetched() {
    let page = page_of(&outcomes(), None);
    for id in [
        "chart-verdicts",
        "chart-at-risk",
        "chart-rules",
        "chart-payers",
        "chart-providers",
    ] {
        let at = page.find(&format!("id=\"{id}\"><svg")).map(|_| ());
        assert_eq!(at, Some(()), "{id} holds an svg");
    }
    assert_eq!(page.matches("<svg").count(), 5);
    // The SVG namespace is a name, not an address: nothing fetches it.
    let page = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for outside in [
        "<script", "src=", "href=", "url(", "@import", "http://", "https://",
    ] {
        assert!(!page.contains(outside), "the page contains {outside}");
    }
    assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

#[test]
fn dead_letters_are_shown_only_when_a_dead_letter_topic_was_read() {
    assert!(!page_of(&outcomes(), None).contains("id=\"dead-letters\""));
    let counts = BTreeMap::from([("invalid_json".to_owned(), 4), ("too_large".to_owned(), 1)]);
    let page = page_of(&outcomes(), Some(&counts));
    assert_eq!(
        row(&page, "data-reason=\"invalid_json\""),
        ["invalid_json", "4"]
    );
    assert_eq!(row(&page, "data-reason=\"too_large\""), ["too_large", "1"]);
    assert!(page.contains("id=\"chart-dead-letters\"><svg"));
    let none = page_of(&outcomes(), Some(&BTreeMap::new()));
    assert!(none.contains("No dead letters in this period."));
}

#[test]
fn input_text_is_escaped_in_tables_and_charts() {
    let mut outcomes = outcomes();
    outcomes[1].payer_id = Some("<script>x</script>".into());
    let page = page_of(&outcomes, None);
    assert!(!page.contains("<script>x"), "raw markup from the input");
    // Three times in tables (minijinja), once in the payers chart (plotters).
    assert_eq!(
        page.matches("&lt;script&gt;x&lt;&#x2f;script&gt;").count(),
        3
    );
    assert_eq!(page.matches("&lt;script&gt;x&lt;/script&gt;").count(), 1);
}

#[test]
fn an_empty_input_gives_a_page_that_says_so() {
    let page = page_of(&[], None);
    assert_eq!(by_id(&page, "total-outcomes"), "0");
    assert!(page.contains("No outcomes were read."));
    assert_eq!(page.matches("<svg").count(), 0);
}

#[test]
fn unreadable_records_are_counted_on_the_page() {
    let meta = PageMeta {
        unreadable: 2,
        ..meta()
    };
    let page = page(&summarize(&outcomes(), None), &meta).expect("renders");
    assert_eq!(by_id(&page, "unreadable"), "2 record(s) could not be read");
}

#[test]
fn amounts_are_dollars_with_thousands_separators_and_rates_percentages() {
    let cases = [
        (0, "$0.00"),
        (5, "$0.05"),
        (123_456, "$1,234.56"),
        (100_000_000, "$1,000,000.00"),
        (-250, "-$2.50"),
    ];
    for (cents, text) in cases {
        assert_eq!(dollars(cents), text);
    }
    assert_eq!(
        (percent(1.0 / 3.0), percent(1.0)),
        ("33.3%".to_owned(), "100.0%".to_owned())
    );
}
