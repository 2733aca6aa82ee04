//! The history's metrics, registered with the service's others when the service keeps
//! history: patients and claim versions held per input partition, restores (duration and
//! records read) and changelog records that could not be written. Labels: the input topic
//! and partition number only.

use prometheus::{Histogram, HistogramOpts, IntCounter, IntGauge, IntGaugeVec, Opts, Registry};

pub struct HistoryMetrics {
    patients: IntGaugeVec,
    versions: IntGaugeVec,
    pub(super) restore_seconds: Histogram,
    pub(super) restored_records: IntCounter,
    write_errors: IntCounter,
}

/// One partition's gauges, resolved once per assignment so that an event updates them
/// without a label lookup.
pub(super) struct HeldGauges {
    pub patients: IntGauge,
    pub versions: IntGauge,
}

impl HistoryMetrics {
    pub fn register(registry: &Registry) -> Self {
        let gauge = |name, help| {
            IntGaugeVec::new(Opts::new(name, help), &["topic", "partition"]).expect("valid metric")
        };
        let patients = gauge(
            "traction_screen_history_patients",
            "Patients whose history is held, per input partition.",
        );
        let versions = gauge(
            "traction_screen_history_claim_versions",
            "Claim versions held in history (voids included), per input partition.",
        );
        let restore_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "traction_screen_history_restore_seconds",
                "Time to restore one partition's history from the changelog topic.",
            )
            .buckets(vec![
                0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
            ]),
        )
        .expect("valid metric");
        let restored_records = IntCounter::new(
            "traction_screen_history_restored_records_total",
            "Changelog records read while restoring history.",
        )
        .expect("valid metric");
        let write_errors = IntCounter::new(
            "traction_screen_history_write_errors_total",
            "Changelog records that could not be sent or delivered (each stops the service).",
        )
        .expect("valid metric");
        for collector in [
            Box::new(patients.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(versions.clone()),
            Box::new(restore_seconds.clone()),
            Box::new(restored_records.clone()),
            Box::new(write_errors.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        Self {
            patients,
            versions,
            restore_seconds,
            restored_records,
            write_errors,
        }
    }

    pub(super) fn held(&self, topic: &str, partition: i32) -> HeldGauges {
        let labels = [topic, &partition.to_string()];
        HeldGauges {
            patients: self.patients.with_label_values(&labels),
            versions: self.versions.with_label_values(&labels),
        }
    }

    pub(super) fn forget(&self, topic: &str, partition: i32) {
        let labels = [topic, &partition.to_string()];
        let _ = self.patients.remove_label_values(&labels);
        let _ = self.versions.remove_label_values(&labels);
    }

    pub fn write_error(&self) {
        self.write_errors.inc();
    }
}
