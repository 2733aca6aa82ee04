use super::*;
use traction_screen_core::codec::json::outcome_to_json;
use traction_screen_core::testing::sample_outcome;

fn args(line: &str) -> ReportArgs {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        report: ReportArgs,
    }
    let argv = std::iter::once("report").chain(line.split_whitespace());
    Cli::try_parse_from(argv).expect("parses").report
}

struct Run {
    status: u8,
    page: String,
    err: String,
}

fn run_with(args: &ReportArgs, stdin: &str) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run(
        args,
        &mut stdin.as_bytes(),
        &mut out,
        &mut err,
        Timestamp(0),
    );
    Run {
        status,
        page: String::from_utf8(out).expect("UTF-8"),
        err: String::from_utf8(err).expect("UTF-8"),
    }
}

#[test]
fn outcomes_on_standard_input_give_a_page_on_standard_output() {
    let run = run_with(
        &args(""),
        &format!("{}\n", outcome_to_json(&sample_outcome())),
    );
    assert_eq!((run.status, run.err.as_str()), (exit::OK, ""));
    assert!(run.page.starts_with("<!doctype html>"));
    assert!(run.page.contains("id=\"total-fail\">1<"));
    assert!(
        run.page
            .contains("Source: - · generated 1970-01-01T00:00:00.000Z")
    );
}

#[test]
fn an_unreadable_record_is_reported_and_the_page_still_written_with_exit_2() {
    let input = format!("{}\nnot json\n", outcome_to_json(&sample_outcome()));
    let run = run_with(&args(""), &input);
    assert_eq!(run.status, exit::BAD_INPUT);
    assert_eq!(run.err, "error: <stdin>:2: invalid JSON at column 2\n");
    assert!(
        run.page
            .contains("id=\"unreadable\">1 record(s) could not be read<")
    );
}

#[test]
fn a_missing_file_is_a_bad_input_and_writes_no_page() {
    let run = run_with(&args("/nonexistent/outcomes.jsonl"), "");
    assert_eq!(run.status, exit::BAD_INPUT);
    assert!(
        run.err
            .starts_with("error: /nonexistent/outcomes.jsonl: cannot read:"),
        "{}",
        run.err
    );
    assert_eq!(run.page, "");
}

#[test]
fn the_page_goes_to_the_output_file_when_given() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("report.html");
    let run = run_with(&args(&format!("--output {}", path.display())), "");
    assert_eq!((run.status, run.page.as_str()), (exit::OK, ""));
    let page = std::fs::read_to_string(&path).expect("the page was written");
    assert!(page.contains("No outcomes were read."));
}

#[test]
fn times_are_rfc_3339_or_dates_at_midnight_utc() {
    assert_eq!(
        instant("--from", "2026-03-01"),
        Ok(Timestamp(1_772_323_200_000))
    );
    assert_eq!(
        instant("--from", "2026-03-01T01:00:00+01:00"),
        Ok(Timestamp(1_772_323_200_000))
    );
    assert_eq!(
        instant("--until", "March"),
        Err("--until: expected RFC 3339 (2026-03-01T00:00:00Z) or a date (2026-03-01)".into())
    );
}

#[test]
fn a_bad_period_or_property_is_a_usage_error_naming_the_flag() {
    for (line, problem) in [
        (
            "--brokers k:9092 --from 2026-03-02 --until 2026-03-01",
            "--from must be before --until",
        ),
        (
            "--brokers k:9092 --from yesterday",
            "--from: expected RFC 3339 (2026-03-01T00:00:00Z) or a date (2026-03-01)",
        ),
        (
            "--brokers k:9092 --kafka-config a=1 --kafka-config sasl.password",
            "invalid --kafka-config: --kafka-config value 2 is not KEY=VALUE",
        ),
    ] {
        let run = run_with(&args(line), "");
        assert_eq!(
            (run.status, run.err),
            (exit::BAD_INPUT, format!("error: {problem}\n")),
            "{line}"
        );
    }
}

#[test]
fn files_and_brokers_exclude_each_other_and_topic_flags_need_brokers() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        report: ReportArgs,
    }
    for line in [
        "report a.jsonl --brokers k:9092",
        "report --from 2026-03-01",
        "report --topic t",
    ] {
        assert!(
            Cli::try_parse_from(line.split_whitespace()).is_err(),
            "{line}"
        );
    }
}
