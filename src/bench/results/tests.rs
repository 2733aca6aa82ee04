use super::*;

fn drain(events_per_s: f64, cpu_us: f64) -> Drain {
    Drain {
        events: 1000,
        seconds: 1000.0 / events_per_s,
        events_per_s,
        cpu_seconds: cpu_us * 1000.0 / 1e6,
        cpu_us_per_event: cpu_us,
        peak_rss_mib: Some(40.0),
    }
}

fn run(consumer: f64, pipe: f64, service: f64) -> DrainRun {
    DrainRun {
        consumer: drain(consumer, 2.0),
        pipe: drain(pipe, 8.0),
        service: drain(service, 20.0),
    }
}

#[test]
fn a_drain_divides_by_its_events_and_seconds() {
    let used = Used {
        cpu_seconds: 0.5,
        peak_rss_mib: Some(12.0),
    };
    let drain = Drain::measured(10_000, Duration::from_millis(250), &used);
    assert_eq!(drain.events_per_s, 40_000.0);
    assert_eq!(drain.cpu_us_per_event, 50.0);
    assert_eq!(drain.peak_rss_mib, Some(12.0));
}

#[test]
fn the_summary_takes_medians_of_each_runs_own_ratios() {
    let results = Results {
        core: Some(CorePath {
            events: 100,
            cpu_us_per_event: 5.0,
            with_history: true,
            at_scale_us_per_event: Some(8.0),
        }),
        drains: vec![
            run(100.0, 50.0, 40.0),
            run(200.0, 100.0, 90.0),
            run(10.0, 10.0, 5.0),
        ],
        ..Results::default()
    };
    let summary = results.summary().expect("drains");
    assert_eq!(summary.pipe_per_s, 50.0);
    assert_eq!(summary.service_per_s, 40.0);
    // Ratios 0.8, 0.9 and 0.5 in their own runs: the median is 0.8.
    assert_eq!(summary.of_pipe, 0.8);
    assert_eq!(summary.of_consumer, 0.45);
    assert_eq!(summary.cpu_of_core, Some(4.0));
    assert_eq!(summary.cpu_of_core_at_scale, Some(2.5));
    assert_eq!(summary.service_peak_mib, Some(40.0));
}

#[test]
fn results_written_are_read_back_equal() {
    let results = Results {
        target: "mock".to_owned(),
        format: "json".to_owned(),
        partitions: 4,
        instances: 1,
        events: 1000,
        drains: vec![run(100.0, 50.0, 40.0)],
        ..Results::default()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.json");
    results.write(&path).expect("written");
    assert_eq!(Results::read(&path).expect("read"), results);
}

#[test]
fn a_file_that_is_not_results_is_refused_with_its_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("other.json");
    std::fs::write(&path, "{\"drains\": 3}").expect("written");
    let error = Results::read(&path).expect_err("not results");
    assert!(
        error
            .to_string()
            .ends_with("other.json is not a results file"),
        "{error}"
    );
}

#[test]
fn there_is_no_summary_without_drains() {
    assert_eq!(Results::default().summary(), None);
}
