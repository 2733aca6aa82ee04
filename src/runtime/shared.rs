//! What the service's threads share: the consumer thread (its loop and librdkafka's
//! callbacks on it), the screening workers and the producer's delivery callback.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::admin::Health;
use super::history::Histories;
use super::kafka::BrokerErrors;
use super::ledger::Ledger;
use super::shutdown::Shutdown;
use super::transaction::Transactions;
use crate::metrics::Metrics;

pub struct Shared {
    /// Every message in flight, and the offsets that may be committed.
    pub ledger: Arc<Ledger>,
    pub metrics: Arc<Metrics>,
    pub health: Arc<Health>,
    pub shutdown: Shutdown,
    pub input_topic: String,
    pub drain_timeout: Duration,
    /// Connection failures of both clients (see [`BrokerErrors`]).
    pub broker_errors: BrokerErrors,
    /// Set once the producer is transactional (`--delivery exactly-once`).
    pub transactions: OnceLock<Transactions>,
    /// The assigned partitions' histories; `None` with `--no-history`.
    pub histories: Option<Histories>,
}

impl Shared {
    pub fn new(
        metrics: Arc<Metrics>,
        health: Arc<Health>,
        shutdown: Shutdown,
        input_topic: String,
        drain_timeout: Duration,
    ) -> Self {
        Self {
            ledger: Arc::new(Ledger::new()),
            metrics,
            health,
            shutdown,
            input_topic,
            drain_timeout,
            broker_errors: BrokerErrors::default(),
            transactions: OnceLock::new(),
            histories: None,
        }
    }

    /// Keeps history per partition (see [`Histories`]).
    pub fn with_histories(self, histories: Option<Histories>) -> Self {
        Self { histories, ..self }
    }

    /// Counts a record the producer could not send or deliver to `topic` (a changelog
    /// record also as a history write error).
    pub fn produce_error(&self, topic: &str) {
        self.metrics.produce_error();
        if let Some(histories) = &self.histories
            && topic == histories.topic()
        {
            histories.metrics.write_error();
        }
    }
}
