//! The service's Prometheus metrics (CONTRACT.md §6): one method per event.
//!
//! Labels come from bounded sets only — verdicts, rule ids of the catalogue, severities,
//! dead-letter reason codes, alert conditions, topic names and partition numbers — never a
//! patient, claim or provider identifier. Hot-path counters are resolved once at start-up, so recording a
//! screened event does no label lookup.

use std::time::Duration;

use prometheus::{
    Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use rustc_hash::FxHashMap;

use traction_screen_core::codec::DecodeError;
use traction_screen_core::domain::{AlertCondition, Finding, Severity, Verdict};
use traction_screen_core::rules::catalogue::CATALOGUE;

use crate::runtime::dead_letter::INTERNAL_ERROR;

/// The dead-letter reason codes, so every series exists (at 0) from the start: the
/// decoder's, then `internal_error` (screening panicked).
pub const DEAD_LETTER_REASONS: [&str; 7] = {
    let [a, b, c, d, e, f] = DecodeError::CODES;
    [a, b, c, d, e, f, INTERNAL_ERROR]
};

pub struct Metrics {
    registry: Registry,
    events_consumed: IntCounter,
    outcomes: [IntCounter; 3],
    alerts: [IntCounter; 3],
    findings: FxHashMap<&'static str, [IntCounter; 3]>,
    findings_vec: IntCounterVec,
    dead_letters: IntCounterVec,
    processing_seconds: Histogram,
    screen_seconds: Histogram,
    consumer_lag: IntGaugeVec,
    in_flight: IntGauge,
    produce_errors: IntCounter,
    panics: IntCounter,
    ready: IntGauge,
}

impl Metrics {
    pub fn new(rule_pack_version: &str) -> Self {
        let registry = Registry::new();
        let events_consumed = IntCounter::new(
            "traction_screen_events_consumed_total",
            "Encounter events read from the input topic.",
        )
        .expect("valid metric");
        let outcomes_vec = IntCounterVec::new(
            Opts::new(
                "traction_screen_outcomes_total",
                "Screening outcomes acknowledged by the broker, by verdict.",
            ),
            &["verdict"],
        )
        .expect("valid metric");
        let alerts_vec = IntCounterVec::new(
            Opts::new(
                "traction_screen_alerts_total",
                "Alerts acknowledged by the broker on the alerts topic, by the first alert-policy \
                 condition that matched (rule, verdict, risk_score).",
            ),
            &["condition"],
        )
        .expect("valid metric");
        let findings_vec = IntCounterVec::new(
            Opts::new(
                "traction_screen_findings_total",
                "Findings produced by screening, by rule and severity.",
            ),
            &["rule_id", "severity"],
        )
        .expect("valid metric");
        let dead_letters = IntCounterVec::new(
            Opts::new(
                "traction_screen_dead_letters_total",
                "Messages written to the dead-letter topic and acknowledged, by reason.",
            ),
            &["reason"],
        )
        .expect("valid metric");
        let processing_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "traction_screen_processing_seconds",
                "Time from consuming an event to its outcome (or dead letter) being acknowledged.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
        )
        .expect("valid metric");
        let screen_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "traction_screen_screen_seconds",
                "Time spent evaluating the rules for one event.",
            )
            .buckets(vec![
                0.000_000_5,
                0.000_001,
                0.000_002_5,
                0.000_005,
                0.000_01,
                0.000_025,
                0.000_05,
                0.000_1,
                0.001,
            ]),
        )
        .expect("valid metric");
        let consumer_lag = IntGaugeVec::new(
            Opts::new(
                "traction_screen_consumer_lag",
                "Messages between the committed offset and the high watermark, per input partition.",
            ),
            &["topic", "partition"],
        )
        .expect("valid metric");
        let in_flight = IntGauge::new(
            "traction_screen_in_flight",
            "Events consumed whose outcome is not yet acknowledged.",
        )
        .expect("valid metric");
        let produce_errors = IntCounter::new(
            "traction_screen_produce_errors_total",
            "Errors reported by the Kafka producer: client errors it retries (broker \
             connections, request timeouts) and records it could not deliver (which stop the \
             service).",
        )
        .expect("valid metric");
        let panics = IntCounter::new(
            "traction_screen_panics_total",
            "Panics contained while screening or encoding one message (a defect); each such \
             message is dead-lettered with reason internal_error.",
        )
        .expect("valid metric");
        let ready = IntGauge::new(
            "traction_screen_ready",
            "1 while /readyz answers 200 (partitions assigned, a broker reachable), else 0.",
        )
        .expect("valid metric");
        let rule_pack_info = IntGaugeVec::new(
            Opts::new(
                "traction_screen_rule_pack_info",
                "The rule pack in use (value 1), labelled with its version.",
            ),
            &["version"],
        )
        .expect("valid metric");
        rule_pack_info
            .with_label_values(&[rule_pack_version])
            .set(1);

        for collector in [
            Box::new(events_consumed.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(outcomes_vec.clone()),
            Box::new(alerts_vec.clone()),
            Box::new(findings_vec.clone()),
            Box::new(dead_letters.clone()),
            Box::new(processing_seconds.clone()),
            Box::new(screen_seconds.clone()),
            Box::new(consumer_lag.clone()),
            Box::new(in_flight.clone()),
            Box::new(produce_errors.clone()),
            Box::new(panics.clone()),
            Box::new(ready.clone()),
            Box::new(rule_pack_info),
        ] {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        register_process_and_build(&registry, rule_pack_version);
        for reason in DEAD_LETTER_REASONS {
            dead_letters.with_label_values(&[reason]);
        }
        let outcomes = Verdict::ALL.map(|v| outcomes_vec.with_label_values(&[v.as_str()]));
        let alerts = AlertCondition::ALL.map(|c| alerts_vec.with_label_values(&[c.as_str()]));
        let findings = CATALOGUE
            .iter()
            .map(|rule| {
                let id = rule.meta().id;
                (
                    id,
                    Severity::ALL.map(|s| findings_vec.with_label_values(&[id, s.as_str()])),
                )
            })
            .collect();
        Self {
            registry,
            events_consumed,
            outcomes,
            alerts,
            findings,
            findings_vec,
            dead_letters,
            processing_seconds,
            screen_seconds,
            consumer_lag,
            in_flight,
            produce_errors,
            panics,
            ready,
        }
    }

    pub fn event_consumed(&self) {
        self.events_consumed.inc();
    }

    /// Rules were evaluated for one event.
    pub fn screened(&self, findings: &[Finding], took: Duration) {
        self.screen_seconds.observe(took.as_secs_f64());
        for finding in findings {
            let severity = finding.severity as usize;
            match self.findings.get(finding.rule_id.as_ref()) {
                Some(counters) => counters[severity].inc(),
                // A rule id outside the catalogue cannot happen; count it rather than panic.
                None => self
                    .findings_vec
                    .with_label_values(&[finding.rule_id.as_ref(), finding.severity.as_str()])
                    .inc(),
            }
        }
    }

    /// The broker acknowledged an outcome.
    pub fn outcome_delivered(&self, verdict: Verdict, since_consumed: Duration) {
        self.outcomes[verdict as usize].inc();
        self.processing_seconds
            .observe(since_consumed.as_secs_f64());
    }

    /// The broker acknowledged an alert (with the outcome it copies).
    pub fn alert_delivered(&self, condition: AlertCondition) {
        self.alerts[condition as usize].inc();
    }

    pub fn alerts_total(&self, condition: AlertCondition) -> u64 {
        self.alerts[condition as usize].get()
    }

    /// The broker acknowledged a dead letter.
    pub fn dead_letter_delivered(&self, reason: &'static str, since_consumed: Duration) {
        self.dead_letters.with_label_values(&[reason]).inc();
        self.processing_seconds
            .observe(since_consumed.as_secs_f64());
    }

    pub fn consumer_lag(&self, topic: &str, partition: i32, lag: i64) {
        self.consumer_lag
            .with_label_values(&[topic, &partition.to_string()])
            .set(lag);
    }

    /// Drops the lag series of a partition this instance no longer owns.
    pub fn forget_partition(&self, topic: &str, partition: i32) {
        let _ = self
            .consumer_lag
            .remove_label_values(&[topic, &partition.to_string()]);
    }

    pub fn set_in_flight(&self, count: usize) {
        self.in_flight.set(count as i64);
    }

    /// The producer reported an error (retried by librdkafka, or fatal).
    pub fn produce_error(&self) {
        self.produce_errors.inc();
    }

    /// Readiness as `/readyz` reports it, recorded when metrics are scraped.
    /// A panic was contained while screening or encoding one message.
    pub fn panic_contained(&self) {
        self.panics.inc();
    }

    pub fn set_ready(&self, ready: bool) {
        self.ready.set(i64::from(ready));
    }

    /// Total of a counter family, for summaries (the demo) and tests.
    pub fn events_consumed_total(&self) -> u64 {
        self.events_consumed.get()
    }

    pub fn outcomes_total(&self, verdict: Verdict) -> u64 {
        self.outcomes[verdict as usize].get()
    }

    pub fn dead_letters_total(&self) -> u64 {
        DEAD_LETTER_REASONS
            .iter()
            .map(|reason| self.dead_letters.with_label_values(&[reason]).get())
            .sum()
    }

    pub fn dead_letters_by_reason(&self) -> Vec<(&'static str, u64)> {
        DEAD_LETTER_REASONS
            .iter()
            .map(|reason| {
                (
                    *reason,
                    self.dead_letters.with_label_values(&[reason]).get(),
                )
            })
            .filter(|(_, count)| *count > 0)
            .collect()
    }

    /// Mean time from consuming an event to its outcome being acknowledged.
    pub fn processing_mean(&self) -> Option<Duration> {
        let count = self.processing_seconds.get_sample_count();
        (count > 0).then(|| {
            Duration::from_secs_f64(self.processing_seconds.get_sample_sum() / count as f64)
        })
    }

    /// (rule id, severity, count) of every finding series that is not zero, most first.
    pub fn findings_by_rule(&self) -> Vec<(&'static str, Severity, u64)> {
        let mut rows: Vec<_> = self
            .findings
            .iter()
            .flat_map(|(id, counters)| {
                Severity::ALL
                    .iter()
                    .zip(counters)
                    .map(|(severity, counter)| (*id, *severity, counter.get()))
            })
            .filter(|(_, _, count)| *count > 0)
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        rows
    }

    /// Where the service's metrics are registered (for those of optional parts).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .unwrap_or_else(|e| format!("# metrics encoding failed: {e}\n"))
    }
}

// ---- process and build metrics --------------------------------------------------------

/// The standard `process_*` metrics (CPU seconds, resident and virtual memory, open and
/// maximum file descriptors, threads, start time; read from /proc on each scrape, Linux
/// only) and `traction_screen_build_info{version,rule_pack}` = 1.
fn register_process_and_build(registry: &Registry, rule_pack_version: &str) {
    #[cfg(target_os = "linux")]
    registry
        .register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))
        .expect("metric names are unique");
    let build_info = IntGaugeVec::new(
        Opts::new(
            "traction_screen_build_info",
            "The running build (value 1), labelled with its version and rule-pack version.",
        ),
        &["version", "rule_pack"],
    )
    .expect("valid metric");
    build_info
        .with_label_values(&[
            traction_screen_core::pipeline::ENGINE_VERSION,
            rule_pack_version,
        ])
        .set(1);
    registry
        .register(Box::new(build_info))
        .expect("metric names are unique");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule_id: &'static str, severity: Severity) -> Finding {
        traction_screen_core::testing::finding(rule_id, severity, None)
    }

    #[test]
    fn every_contract_metric_is_exposed_from_the_start() {
        let text = Metrics::new("2026.1").render();
        for name in [
            "traction_screen_events_consumed_total",
            "traction_screen_outcomes_total{verdict=\"FAIL\"} 0",
            "traction_screen_alerts_total{condition=\"rule\"} 0",
            "traction_screen_alerts_total{condition=\"verdict\"} 0",
            "traction_screen_alerts_total{condition=\"risk_score\"} 0",
            "traction_screen_findings_total{rule_id=\"TR-001\",severity=\"ERROR\"} 0",
            "traction_screen_dead_letters_total{reason=\"too_large\"} 0",
            "traction_screen_processing_seconds_bucket",
            "traction_screen_screen_seconds_bucket",
            "traction_screen_in_flight 0",
            "traction_screen_produce_errors_total 0",
            "traction_screen_dead_letters_total{reason=\"internal_error\"} 0",
            "traction_screen_panics_total 0",
            "traction_screen_ready 0",
            "traction_screen_rule_pack_info{version=\"2026.1\"} 1",
        ] {
            assert!(text.contains(name), "missing {name} in\n{text}");
        }
    }

    #[test]
    fn the_build_is_labelled_with_the_version_and_the_rule_pack() {
        let text = Metrics::new("2026.1").render();
        let line = format!(
            "traction_screen_build_info{{rule_pack=\"2026.1\",version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn process_metrics_are_exposed() {
        let text = Metrics::new("2026.1").render();
        let value = |name: &str| -> f64 {
            text.lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("no value of {name} in\n{text}"))
        };
        assert!(value("process_cpu_seconds_total") >= 0.0);
        assert!(value("process_resident_memory_bytes") > 0.0);
        // At least standard input, output and error.
        assert!(value("process_open_fds") >= 3.0);
        assert!(value("process_max_fds") >= value("process_open_fds"));
        // Started after 2020, and not in the future.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let started = value("process_start_time_seconds");
        assert!(started > 1_577_836_800.0 && started <= now, "{started}");
    }

    #[test]
    fn screened_events_count_findings_by_rule_and_severity() {
        let metrics = Metrics::new("2026.1");
        let findings = [
            finding("TR-001", Severity::Error),
            finding("TR-020", Severity::Info),
        ];
        metrics.screened(&findings, Duration::from_micros(1));
        metrics.screened(&findings[..1], Duration::from_micros(1));
        assert_eq!(
            metrics.findings_by_rule(),
            vec![
                ("TR-001", Severity::Error, 2),
                ("TR-020", Severity::Info, 1)
            ]
        );
    }

    #[test]
    fn lag_is_labelled_by_topic_and_partition_and_can_be_forgotten() {
        let metrics = Metrics::new("2026.1");
        metrics.consumer_lag("encounters", 3, 42);
        assert!(
            metrics
                .render()
                .contains("traction_screen_consumer_lag{partition=\"3\",topic=\"encounters\"} 42")
        );
        metrics.forget_partition("encounters", 3);
        assert!(!metrics.render().contains("traction_screen_consumer_lag{"));
    }

    #[test]
    fn produce_errors_and_readiness_are_exported() {
        let metrics = Metrics::new("2026.1");
        metrics.produce_error();
        metrics.produce_error();
        metrics.set_ready(true);
        let text = metrics.render();
        assert!(
            text.contains("traction_screen_produce_errors_total 2\n"),
            "{text}"
        );
        assert!(text.contains("traction_screen_ready 1\n"), "{text}");
        metrics.set_ready(false);
        assert!(metrics.render().contains("traction_screen_ready 0\n"));
    }

    #[test]
    fn deliveries_count_verdicts_and_reasons() {
        let metrics = Metrics::new("2026.1");
        metrics.outcome_delivered(Verdict::Fail, Duration::from_millis(3));
        metrics.dead_letter_delivered("invalid_json", Duration::from_millis(3));
        assert_eq!(metrics.outcomes_total(Verdict::Fail), 1);
        assert_eq!(metrics.outcomes_total(Verdict::Pass), 0);
        assert_eq!(metrics.dead_letters_by_reason(), vec![("invalid_json", 1)]);
    }

    #[test]
    fn alerts_are_counted_by_condition() {
        let metrics = Metrics::new("2026.1");
        metrics.alert_delivered(AlertCondition::RiskScore);
        metrics.alert_delivered(AlertCondition::RiskScore);
        metrics.alert_delivered(AlertCondition::Rule);
        assert_eq!(
            AlertCondition::ALL.map(|c| metrics.alerts_total(c)),
            [1, 0, 2]
        );
        assert!(
            metrics
                .render()
                .contains("traction_screen_alerts_total{condition=\"risk_score\"} 2\n")
        );
    }
}
