//! The service's history: one [`History`] per assigned input partition, kept in Kafka as a
//! compacted changelog topic (docs/DESIGN.md "History in the service").
//!
//! - **Written** with each screened event: `records_for` adds the patient's history as it
//!   now stands to the event's records, so the input offset is committed only after the
//!   changelog acknowledged it.
//! - **Restored** on assignment, on the consumer thread inside the rebalance callback:
//!   before the callback returns, no message of the partition can be polled, so none is
//!   screened before its history is complete. Readiness is false meanwhile.
//! - **Dropped** on revocation, after the partition's in-flight work drained. A message
//!   of a partition without history (revoked, or its restore failed) is abandoned by the
//!   worker: never screened without its history, never committed.
//!
//! `topic` creates the changelog topic at start-up; `restore` reads one partition.

mod metrics;
pub mod restore;
mod topic;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use prometheus::Registry;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::BaseConsumer;
use tracing::info;
use traction_screen_core::history::History;

pub use metrics::HistoryMetrics;
pub use topic::ensure_topic;

use super::ledger::Partition;
use super::shared::Shared;
use crate::config::{Role, RunSettings};
use metrics::HeldGauges;

/// The histories of the assigned partitions, and how to restore one.
pub struct Histories {
    topic: String,
    /// The restoring consumer's configuration: the service's consumer properties.
    restore_config: ClientConfig,
    /// How long a restore waits for the next changelog record before giving up.
    patience: Duration,
    partitions: Mutex<HashMap<Partition, Arc<PartitionHistory>>>,
    pub metrics: HistoryMetrics,
}

/// One partition's history and its gauges.
pub struct PartitionHistory {
    history: Mutex<History>,
    held: HeldGauges,
}

impl PartitionHistory {
    pub fn lock(&self) -> MutexGuard<'_, History> {
        // A worker that panicked stops the service; the history is not read again.
        self.history.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Updates the gauges after `history` (this partition's, locked) changed.
    pub fn observe(&self, history: &History) {
        self.held.patients.set(history.patients() as i64);
        self.held.versions.set(history.versions() as i64);
    }
}

impl Histories {
    /// `None` with `--no-history`.
    pub fn new(settings: &RunSettings, registry: &Registry) -> Option<Self> {
        let topic = settings.topics.history.as_ref()?;
        let mut restore_config =
            super::kafka::client_config(&settings.brokers, &settings.kafka_config, Role::Consumer);
        // librdkafka assigns partitions only to a consumer with a group; this one never
        // joins it (no subscription) nor commits.
        restore_config
            .set("group.id", format!("{}-restore", settings.group_id))
            .set("enable.partition.eof", "true")
            .set("statistics.interval.ms", "0");
        Some(Self {
            topic: topic.as_str().to_owned(),
            restore_config,
            patience: settings.startup_timeout.max(Duration::from_secs(30)),
            partitions: Mutex::default(),
            metrics: HistoryMetrics::register(registry),
        })
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Partition, Arc<PartitionHistory>>> {
        self.partitions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The history of `partition`, if it is assigned and restored.
    pub fn get(&self, partition: &Partition) -> Option<Arc<PartitionHistory>> {
        self.lock().get(partition).cloned()
    }

    /// Restores the histories of newly assigned partitions, one after the other; readiness
    /// stays false until all are done. A restore that fails stops the service.
    pub fn restore(&self, partitions: &[Partition], shared: &Shared) {
        if partitions.is_empty() {
            return;
        }
        shared.health.restoring(partitions.len() as isize);
        let consumer: Result<BaseConsumer, _> = self.restore_config.create();
        for partition in partitions {
            match &consumer {
                Ok(consumer) => self.restore_one(consumer, partition, shared),
                Err(error) => shared.shutdown.fail(format!(
                    "cannot create the consumer that restores history from {}: {error}",
                    self.topic
                )),
            }
            shared.health.restoring(-1);
        }
    }

    fn restore_one(&self, consumer: &BaseConsumer, partition: &Partition, shared: &Shared) {
        let started = Instant::now();
        let stop = || shared.shutdown.is_triggered();
        let number = partition.partition;
        match restore::restore(consumer, &self.topic, number, self.patience, &stop) {
            Ok(restored) => {
                let took = started.elapsed();
                self.metrics.restore_seconds.observe(took.as_secs_f64());
                self.metrics.restored_records.inc_by(restored.records);
                let held = self.metrics.held(&partition.topic, number);
                let entry = PartitionHistory {
                    history: Mutex::new(restored.history),
                    held,
                };
                entry.observe(&entry.lock());
                info!(
                    partition = number,
                    records = restored.records,
                    patients = entry.lock().patients(),
                    seconds = took.as_secs_f64(),
                    "history restored"
                );
                self.lock().insert(partition.clone(), Arc::new(entry));
            }
            Err(restore::RestoreError::Stopped) => {}
            Err(error) => shared.shutdown.fail(format!(
                "cannot restore the history of partition {number} from {}: {error}",
                self.topic
            )),
        }
    }

    /// Drops the histories of revoked partitions.
    pub fn forget(&self, partitions: &[Partition]) {
        let mut held = self.lock();
        for partition in partitions {
            if held.remove(partition).is_some() {
                self.metrics.forget(&partition.topic, partition.partition);
            }
        }
    }
}
