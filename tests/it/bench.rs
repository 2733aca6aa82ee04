//! The load harness (`traction-screen bench`) end to end on the in-process mock cluster,
//! with a few hundred events: it runs every stage and writes what it measured. Only counts
//! are asserted; the timings are for BENCHMARKS.md.

use std::path::Path;
use std::process::Command;

use traction_screen::bench::Results;

/// Runs `bench --mock` with `args`, writing to `output`; panics with its output on failure.
fn bench(output: &Path, args: &[&str]) -> Results {
    let run = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args([
            "bench",
            "--mock",
            "--runs",
            "1",
            "--partitions",
            "2",
            "--output",
        ])
        .arg(output)
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        run.status.success(),
        "bench failed: {}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    Results::read(&output.join("results.json")).expect("results.json")
}

#[test]
fn a_drain_run_measures_both_ceilings_and_the_service_on_every_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ["--events", "300", "--format", "avro", "--lines", "20"];
    let results = bench(dir.path(), &args);
    assert_eq!(
        (
            results.target.as_str(),
            results.format.as_str(),
            results.lines
        ),
        ("mock", "avro", Some(20))
    );
    assert_eq!(results.drains.len(), 1);
    let run = &results.drains[0];
    let events = [&run.consumer, &run.pipe, &run.service].map(|drain| drain.events);
    assert_eq!(events, [300, 300, 300]);
    assert!(run.service.peak_rss_mib.is_some_and(|mib| mib > 0.0));
    assert!(results.core.is_some_and(|core| core.events == 300));
    let plot = std::fs::read_to_string(dir.path().join("cpu-by-stage.svg")).expect("plot");
    assert!(plot.starts_with("<svg"), "{plot}");
}

#[test]
fn a_rate_run_sees_an_outcome_for_every_event_offered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ["--mode", "rate", "--rates", "100", "--duration", "3"];
    let results = bench(dir.path(), &args);
    assert_eq!(results.latencies.len(), 1);
    let latency = &results.latencies[0];
    assert_eq!(
        (latency.offered_per_s, latency.produced, latency.completed),
        (100, 300, 300)
    );
    assert!(latency.p50_ms <= latency.p99_ms && latency.p99_ms <= latency.max_ms);
    // Where the time went: the events' own fetch, and the service's histogram.
    let input = latency.input_p50_ms.zip(latency.input_p99_ms);
    assert!(
        input.is_some_and(|(p50, p99)| 0.0 <= p50 && p50 <= p99),
        "{input:?}"
    );
    let processing = latency.processing_p99_le_ms;
    assert!(processing.is_some_and(f64::is_finite), "{processing:?}");
    let plot = std::fs::read_to_string(dir.path().join("latency.svg")).expect("plot");
    assert!(plot.starts_with("<svg"), "{plot}");
}

#[test]
fn replot_redraws_the_plots_and_the_summary_of_a_results_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let drain = |events_per_s: f64, cpu_us_per_event: f64| traction_screen::bench::Drain {
        events: 1000,
        seconds: 1000.0 / events_per_s,
        events_per_s,
        cpu_seconds: cpu_us_per_event / 1000.0,
        cpu_us_per_event,
        peak_rss_mib: Some(50.0),
    };
    let results = Results {
        target: "mock".to_owned(),
        drains: vec![traction_screen::bench::DrainRun {
            consumer: drain(40_000.0, 1.0),
            pipe: drain(20_000.0, 4.0),
            service: drain(10_000.0, 12.0),
        }],
        ..Results::default()
    };
    results
        .write(&dir.path().join("results.json"))
        .expect("written");
    let run = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(["bench", "--replot", "--output"])
        .arg(dir.path())
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}");
    assert!(
        stdout.contains("service 10000/s; service/pipe 0.50, service/consumer 0.25"),
        "{stdout}"
    );
    let plot = std::fs::read_to_string(dir.path().join("cpu-by-stage.svg")).expect("plot");
    assert!(plot.starts_with("<svg"), "{plot}");
}
