//! Exactly-once delivery (`--delivery exactly-once`): every record the service produces and
//! the input offsets they stand for go in one Kafka transaction per batch (a commit
//! interval, a revocation, the shutdown).
//!
//! The transaction is the producer's state, so any record sent through the service's
//! producer while one is open is in it: outcomes, alerts, dead letters, and whatever else a
//! worker sends for a message. This module is the only place that opens and ends them:
//! - workers send a message's records holding a [`Permit`] (shared), so no record is ever
//!   sent between two transactions and a message's records never straddle two;
//! - the consumer thread ends a transaction holding the gate exclusively
//!   ([`Transactions::commit`]): it flushes (every record sent is acknowledged or failed, so
//!   the ledger knows which input offsets are complete), sends those offsets with the
//!   consumer's group metadata (KIP-447: a zombie of an earlier generation is fenced by the
//!   group coordinator), commits, and begins the next transaction;
//! - an abortable error aborts, then rewinds: the ledger forgets what was consumed, the
//!   consumer seeks back to the committed offsets, and jobs dispatched before the abort are
//!   dropped by the workers (their claims are of an earlier ledger generation), so nothing
//!   is lost or published twice to a read-committed reader;
//! - a fatal error (fenced by a newer instance with the same transactional id, a broker
//!   without transactions) is returned as a one-line cause: the service stops, exit 1.

use std::sync::{Arc, RwLock, RwLockReadGuard, Weak};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::Producer;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use tracing::{debug, info, warn};

use super::delivery::ServiceProducer;
use super::kafka::offsets_list;
use super::ledger::Ledger;

/// How long one transactional call (and the flush before a commit) may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Transactions {
    /// Weak: the producer's context reaches this through `Shared`, and must not keep the
    /// producer alive.
    producer: Weak<ServiceProducer>,
    /// Shared by workers while they send a message's records; exclusive while a
    /// transaction ends.
    gate: RwLock<()>,
}

/// A worker's leave to send one message's records into the open transaction.
pub type Permit<'a> = RwLockReadGuard<'a, ()>;

/// Why the instance must stop.
pub type Fatal = String;

impl Transactions {
    /// Registers the transactional id (fencing any earlier producer with it, and aborting
    /// its open transaction) and begins the first transaction.
    pub fn start(producer: &Arc<ServiceProducer>) -> Result<Self, Fatal> {
        producer
            .init_transactions(CALL_TIMEOUT)
            .map_err(|error| cause("cannot initialise transactions", &error))?;
        producer
            .begin_transaction()
            .map_err(|error| cause("cannot begin a transaction", &error))?;
        info!("exactly-once delivery: transactions initialised");
        Ok(Self {
            producer: Arc::downgrade(producer),
            gate: RwLock::new(()),
        })
    }

    /// Leave to send one message's records into the open transaction. The caller then
    /// checks that its claim is still current (`Claim::is_current`): an abort since
    /// rewound the stream, and the message is read again.
    pub fn permit(&self) -> Permit<'_> {
        self.gate.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Ends the open transaction with the input offsets its records complete, then begins
    /// the next; on an abortable error, aborts and rewinds instead. Only the consumer
    /// thread calls it.
    pub fn commit<C: ConsumerContext>(
        &self,
        consumer: &BaseConsumer<C>,
        ledger: &Ledger,
    ) -> Result<(), Fatal> {
        let _closed = self.gate.write().unwrap_or_else(|e| e.into_inner());
        let producer = self.producer.upgrade().ok_or("the producer is gone")?;
        match self.try_commit(&producer, consumer, ledger) {
            Ok(()) => {}
            Err(error) if is_fatal(&error) => return Err(cause("cannot commit", &error)),
            Err(error) => {
                warn!(%error, "transaction failed: aborting it and rewinding to the committed offsets");
                self.abort(&producer, consumer, ledger)?;
            }
        }
        producer
            .begin_transaction()
            .map_err(|error| cause("cannot begin a transaction", &error))
    }

    fn try_commit<C: ConsumerContext>(
        &self,
        producer: &ServiceProducer,
        consumer: &BaseConsumer<C>,
        ledger: &Ledger,
    ) -> Result<(), KafkaError> {
        producer.flush(CALL_TIMEOUT)?;
        let positions = ledger.commits_due();
        if !positions.is_empty() {
            let metadata = consumer
                .group_metadata()
                .ok_or(KafkaError::ConsumerCommit(RDKafkaErrorCode::State))?;
            let offsets = offsets_list(&positions);
            producer.send_offsets_to_transaction(&offsets, &metadata, CALL_TIMEOUT)?;
        }
        producer.commit_transaction(CALL_TIMEOUT)?;
        for (partition, position) in &positions {
            ledger.confirm(partition, *position);
        }
        if !positions.is_empty() {
            let offsets: Vec<String> = positions
                .iter()
                .map(|(p, position)| format!("{}/{}={position}", p.topic, p.partition))
                .collect();
            debug!(offsets = %offsets.join(" "), "transaction committed");
        }
        Ok(())
    }

    /// Aborts the open transaction and rewinds to the committed offsets.
    fn abort<C: ConsumerContext>(
        &self,
        producer: &ServiceProducer,
        consumer: &BaseConsumer<C>,
        ledger: &Ledger,
    ) -> Result<(), Fatal> {
        producer
            .abort_transaction(CALL_TIMEOUT)
            .map_err(|error| cause("cannot abort a failed transaction", &error))?;
        ledger.rewind();
        rewind(consumer).map_err(|error| cause("cannot rewind to the committed offsets", &error))
    }
}

/// Seeks every assigned partition back to its committed offset (its beginning when it has
/// none: `auto.offset.reset` is earliest).
fn rewind<C: ConsumerContext>(consumer: &BaseConsumer<C>) -> Result<(), KafkaError> {
    let committed = consumer.committed(CALL_TIMEOUT)?;
    let mut seek = TopicPartitionList::with_capacity(committed.count());
    for element in committed.elements() {
        let offset = match element.offset() {
            Offset::Offset(offset) => Offset::Offset(offset),
            _ => Offset::Beginning,
        };
        seek.add_partition_offset(element.topic(), element.partition(), offset)?;
    }
    if seek.count() > 0 {
        consumer.seek_partitions(seek, CALL_TIMEOUT)?;
    }
    info!(
        partitions = committed.count(),
        "rewound to the committed offsets"
    );
    Ok(())
}

/// Whether `error` leaves the producer unusable: fatal (fenced by a newer instance,
/// unsupported by the broker), as opposed to one that aborting the transaction clears.
pub fn is_fatal(error: &KafkaError) -> bool {
    match error {
        KafkaError::Transaction(error) => error.is_fatal(),
        _ => false,
    }
}

/// The one-line cause of a stop.
fn cause(what: &str, error: &KafkaError) -> Fatal {
    format!("exactly-once delivery: {what}: {error}")
}
