//! Start-up and stopping as a first user meets them, through the real binary: a taken admin
//! port (`run` and `demo`) and a refused setting exit 2 at once naming the setting;
//! unreachable brokers end start-up with one error in the chosen log format saying how long
//! it waited and what to check; `--admin-addr 127.0.0.1:0` reports the port bound; Ctrl-C
//! stops the demo at any stage with a summary of what was screened.

use std::net::{SocketAddr, TcpListener};

use serde_json::Value;

use crate::support::child::{Service, free_admin_addr};
use crate::support::{http, wait_until};

/// The JSON log records of a child's standard error, as (level, message); a line that is
/// not a JSON record fails the test.
fn records(service: &Service) -> Vec<(String, String)> {
    service
        .log_lines()
        .iter()
        .map(|line| {
            let record: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON log record ({e}): {line}"));
            let field = |name: &str| record[name].as_str().unwrap_or_default().to_owned();
            (field("level"), field("message"))
        })
        .collect()
}

/// The address a JSON-logging `run` reports it serves the admin endpoints on.
fn serving_addr(service: &Service) -> Result<SocketAddr, String> {
    service
        .log_lines()
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|record| record["message"] == "serving /metrics, /healthz and /readyz")
        .and_then(|record| record["addr"].as_str()?.parse().ok())
        .ok_or_else(|| "no record of the admin address yet".to_owned())
}

/// Runs `command` with `--admin-addr` on a port the test holds and `--log-format`; checks
/// it exits 2. Returns it and the error it must report, as the service words it.
fn on_a_taken_port(command: &[&str], log_format: &str) -> (Service, String) {
    let held = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = held.local_addr().expect("bound");
    let admin = addr.to_string();
    let args = [
        command,
        &["--admin-addr", &admin, "--log-format", log_format],
    ]
    .concat();
    let service = Service::spawn(command[0], &args, addr);
    assert_eq!(service.wait_exit().code(), Some(2), "{}", service.logs());
    let error = TcpListener::bind(addr).expect_err("the address is held by the test");
    let expected = format!(
        "invalid --admin-addr (TRACTION_SCREEN_ADMIN_ADDR): cannot listen on {addr}: {error}"
    );
    (service, expected)
}

#[test]
fn run_with_its_admin_port_taken_exits_2_at_once_with_one_json_error_naming_the_setting() {
    let (run, error) = on_a_taken_port(&["run", "--brokers", "127.0.0.1:9"], "json");
    assert_eq!(records(&run), [("ERROR".to_owned(), error)]);
}

#[test]
fn demo_with_its_admin_port_taken_exits_2_at_once_naming_the_setting() {
    let (demo, error) = on_a_taken_port(&["demo", "--events", "1000"], "text");
    assert_eq!(demo.log_lines(), [format!("error: {error}")]);
    assert_eq!(demo.output_lines(), Vec::<String>::new());
}

#[test]
fn a_property_that_breaks_at_least_once_is_refused_with_status_2() {
    let args = [
        "run",
        "--brokers",
        "127.0.0.1:9",
        "--kafka-config",
        "consumer.enable.auto.commit=true",
    ];
    let service = Service::spawn("run", &args, free_admin_addr());
    assert_eq!(service.wait_exit().code(), Some(2));
    let lines = service.log_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "error: invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): \
             \"consumer.enable.auto.commit\" is managed by the service: "
        ),
        "{}",
        lines[0]
    );
}

/// `run` with JSON logs and a free admin port against an address where nothing listens
/// (bound and released), returned with it.
fn run_without_brokers(startup_timeout: &str) -> (Service, String) {
    let brokers = free_admin_addr().to_string();
    (run_against(&brokers, startup_timeout), brokers)
}

fn run_against(brokers: &str, startup_timeout: &str) -> Service {
    let args = [
        "run",
        "--brokers",
        brokers,
        "--admin-addr",
        "127.0.0.1:0",
        "--log-format",
        "json",
        "--startup-timeout",
        startup_timeout,
    ];
    Service::spawn("run", &args, free_admin_addr())
}

#[test]
fn unreachable_brokers_end_start_up_with_one_json_error_saying_how_long_and_what_to_check() {
    let (service, brokers) = run_without_brokers("2");
    assert_eq!(service.wait_exit().code(), Some(1));
    let error = format!(
        "cannot reach the Kafka brokers at {brokers} (--brokers): no answer in 2 s \
         (--startup-timeout); last error: {brokers}/bootstrap: Connect to ipv4#{brokers} failed: \
         Connection refused. Check the addresses, that the brokers are up and reachable from \
         here, and the TLS/SASL settings (--kafka-config security.protocol, ssl.*, sasl.*)"
    );
    assert_eq!(
        records(&service),
        [
            (
                "INFO".to_owned(),
                "serving /metrics, /healthz and /readyz".to_owned()
            ),
            ("ERROR".to_owned(), error)
        ]
    );
}

#[test]
fn a_broker_that_accepts_connections_but_never_answers_is_reported_with_the_handshake_hint() {
    // The kernel completes the TCP handshake on the test's behalf; nothing ever replies, as
    // with security.protocol=SSL against a plaintext port.
    let silent = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let brokers = silent.local_addr().expect("bound").to_string();
    let service = run_against(&brokers, "2");
    assert_eq!(service.wait_exit().code(), Some(1));
    let (level, error) = records(&service).pop().expect("a record");
    assert_eq!(level, "ERROR");
    assert_eq!(
        error,
        format!(
            "cannot reach the Kafka brokers at {brokers} (--brokers): no answer in 2 s \
             (--startup-timeout); last error: none reported (a TLS or SASL handshake that \
             never completes looks like this). Check the addresses, that the brokers are up and \
             reachable from here, and the TLS/SASL settings (--kafka-config \
             security.protocol, ssl.*, sasl.*)"
        )
    );
}

#[test]
fn run_reports_the_admin_port_it_bound_and_a_stop_while_waiting_for_brokers_is_clean() {
    let (service, _) = run_without_brokers("300");
    let addr = wait_until("the admin address", &[&service], || serving_addr(&service));
    assert_ne!(addr.port(), 0);
    let health = http::get(addr, "/healthz").expect("the admin server answers");
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    service.stop();
    let messages: Vec<String> = records(&service).into_iter().map(|(_, m)| m).collect();
    assert_eq!(
        messages,
        [
            "serving /metrics, /healthz and /readyz",
            "SIGTERM received: draining and shutting down"
        ]
    );
}

/// The address the demo prints for its metrics.
fn demo_metrics_addr(demo: &Service) -> Result<SocketAddr, String> {
    demo.log_lines()
        .iter()
        .find_map(|line| {
            let rest = line.strip_prefix("  metrics: http://")?;
            rest.split('/').next()?.parse().ok()
        })
        .ok_or_else(|| "no metrics address printed yet".to_owned())
}

/// The number after `label` on the summary line that starts with it.
fn summary_count(output: &[String], label: &str) -> u64 {
    output
        .iter()
        .find_map(|line| {
            line.strip_prefix(label)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no {label:?} line in {output:#?}"))
}

#[test]
fn ctrl_c_stops_the_demo_before_the_group_forms_and_port_0_prints_the_port_bound() {
    let args = [
        "demo",
        "--events",
        "1000",
        "--admin-addr",
        "127.0.0.1:0",
        "--log-format",
        "json",
    ];
    let demo = Service::spawn("demo", &args, free_admin_addr());
    let addr = wait_until("the metrics address", &[&demo], || demo_metrics_addr(&demo));
    assert_ne!(addr.port(), 0);
    let health = http::get(addr, "/healthz").expect("the admin server answers");
    assert_eq!(health.status, 200);
    demo.interrupt();
    assert_eq!(demo.wait_exit().code(), Some(0), "{}", demo.logs());
    let output = demo.output_lines();
    let summary = output
        .iter()
        .find(|line| line.starts_with("Summary"))
        .unwrap_or_else(|| panic!("no summary in {output:#?}"));
    assert!(
        summary.starts_with("Summary (stopped early: ")
            && summary.ends_with(" of 1000 events screened)"),
        "{summary}"
    );
}

#[test]
fn ctrl_c_stops_the_demo_mid_stream_with_a_summary_of_what_was_screened() {
    let args = [
        "demo",
        "--events",
        "100000",
        "--rate",
        "500",
        "--partitions",
        "2",
        "--admin-addr",
        "127.0.0.1:0",
        "--log-format",
        "json",
    ];
    let demo = Service::spawn("demo", &args, free_admin_addr());
    wait_until("a progress line with events screened", &[&demo], || {
        let lines = demo.log_lines();
        lines
            .iter()
            .find(|line| line.contains(" / 100000 screened"))
            .map(|_| ())
            .ok_or_else(|| format!("last line: {:?}", lines.last()))
    });
    demo.interrupt();
    assert_eq!(demo.wait_exit().code(), Some(0), "{}", demo.logs());
    let output = demo.output_lines();
    let stopped = output
        .iter()
        .find_map(|line| {
            let rest = line.strip_prefix("Summary (stopped early: ")?;
            rest.strip_suffix(" of 100000 events screened)")?
                .parse::<u64>()
                .ok()
        })
        .unwrap_or_else(|| panic!("no early-stop summary in {output:#?}"));
    let outcomes = summary_count(&output, "  outcomes published");
    let dead_letters = summary_count(&output, "  dead letters");
    assert!(stopped > 0, "{output:#?}");
    assert_eq!(outcomes + dead_letters, stopped, "{output:#?}");
}

#[test]
fn the_demo_whose_readers_went_away_still_ends_cleanly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut demo = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(["demo", "--events", "200", "--rate", "2000"])
        .args(["--admin-addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // `demo | head -1`, on both streams: read the first line, then close the pipes.
    let mut first = String::new();
    let stderr = demo.stderr.take().expect("stderr piped");
    BufReader::new(stderr)
        .read_line(&mut first)
        .expect("a first line");
    assert_eq!(first, "traction-screen demo\n");
    drop(demo.stdout.take());
    let status = demo.wait().expect("the demo ends");
    assert!(status.success(), "{status}");
}
