//! librdkafka clients: their configuration, and the callbacks librdkafka drives.
//!
//! - The consumer context turns statistics into the lag gauge and readiness, and runs the
//!   revoke protocol: before partitions go, it waits (bounded) for their in-flight work to
//!   be acknowledged and commits their offsets synchronously. It runs on the consumer's own
//!   thread (never a tokio worker), so the blocking commit is safe there.
//! - The producer context (`delivery::ProducerCtx`) receives delivery reports.
//! - Both report broker connection failures through [`BrokerErrors`]: silent until the
//!   brokers first answer (start-up reports the last failure once, if it gives up), then
//!   logged once each, not once per client and retry.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::config::{ClientConfig, RDKafkaLogLevel};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::message::ToBytes;
use rdkafka::producer::{BaseRecord, ProducerContext, ThreadedProducer};
use rdkafka::statistics::Statistics;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use tracing::{debug, error, info, warn};
use traction_screen_core::codec::limits::MAX_MESSAGE_BYTES;

use super::ledger::Partition;
use super::shared::Shared;
use crate::config::{Brokers, KafkaConfig, Role, RunSettings};

/// Room for a dead letter's key and headers beyond the input limit.
pub const DEAD_LETTER_ROOM: usize = 64 * 1024;
/// The producer's `message.max.bytes` unless `--kafka-config` says otherwise: the decoder's
/// input limit plus [`DEAD_LETTER_ROOM`], so that any message the decoder reads can be
/// dead-lettered whole (a larger one, or one the broker refuses, is dead-lettered without its
/// value: `delivery::shortened`).
pub const PRODUCER_MESSAGE_MAX_BYTES: usize = MAX_MESSAGE_BYTES + DEAD_LETTER_ROOM;

/// A client configuration: our defaults for the role, then the user's properties for it
/// (see [`KafkaConfig::for_client`]).
pub fn client_config(brokers: &Brokers, properties: &KafkaConfig, role: Role) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", brokers.to_bootstrap_servers());
    match role {
        Role::Consumer => {
            config
                .set("enable.auto.commit", "false")
                .set("enable.auto.offset.store", "false")
                .set("isolation.level", "read_committed")
                .set("auto.offset.reset", "earliest")
                .set("partition.assignment.strategy", "cooperative-sticky")
                .set("enable.partition.eof", "false")
                .set("statistics.interval.ms", "5000")
                // While the consumer waits at the in-flight bound, librdkafka's queue of
                // fetched messages passes its thresholds and it postpones that partition's
                // next fetch by this much (default 1,000 ms): the backlog then ran dry for
                // ~0.5 s after each wait, 54 k → 75-79 k events/s in a mock drain
                // (BENCHMARKS.md, "Fetch backoff").
                .set("fetch.queue.backoff.ms", "100");
        }
        Role::Producer => {
            // Every in-sync replica acknowledges before an offset may be committed;
            // idempotence keeps per-key order across retries; lz4 is cheap on small records.
            // A dead letter carries the whole input (up to the decoder's limit, and over it
            // for a too_large one) plus its headers: librdkafka's default limit (1,000,000)
            // would refuse it.
            config
                .set("acks", "all")
                .set("enable.idempotence", "true")
                .set("linger.ms", "5")
                .set("compression.type", "lz4")
                .set("message.max.bytes", PRODUCER_MESSAGE_MAX_BYTES.to_string());
        }
    }
    for (property, value) in properties.for_client(role) {
        config.set(property, value);
    }
    // librdkafka's debug contexts (`debug=…`) log at debug level: let them through.
    let level = match config.get("debug") {
        Some(_) => RDKafkaLogLevel::Debug,
        None => RDKafkaLogLevel::Warning,
    };
    config.set_log_level(level);
    config
}

/// A client of the service: [`client_config`], plus what the service's own settings say
/// (the consumer's group; the producer's idempotence, which `--kafka-config` may not set).
pub fn service_client_config(settings: &RunSettings, role: Role) -> ClientConfig {
    let mut config = client_config(&settings.brokers, &settings.kafka_config, role);
    match role {
        Role::Consumer => config.set("group.id", &settings.group_id),
        Role::Producer => config.set(
            "enable.idempotence",
            settings.producer_idempotence.to_string(),
        ),
    };
    if let (Role::Producer, Some(id)) = (role, &settings.transactional_id) {
        config.set("transactional.id", id);
    }
    config
}

/// Hands a record to the producer, waiting while its local queue is full: that wait is the
/// backpressure that slows screening (and so consumption) to what the brokers take.
/// `Ok(false)` when `give_up` said to stop waiting; an error the queue cannot wait out is
/// returned.
pub fn send_waiting<C, K, P>(
    producer: &ThreadedProducer<C>,
    mut record: BaseRecord<'_, K, P, C::DeliveryOpaque>,
    give_up: impl Fn() -> bool,
) -> Result<bool, KafkaError>
where
    C: ProducerContext + 'static,
    K: ToBytes + ?Sized,
    P: ToBytes + ?Sized,
{
    loop {
        match producer.send(record) {
            Ok(()) => return Ok(true),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned)) => {
                if give_up() {
                    return Ok(false);
                }
                record = returned;
                std::thread::sleep(Duration::from_millis(1));
            }
            Err((error, _)) => return Err(error),
        }
    }
}

/// Broker connection failures, as both clients report them. Until the brokers first
/// answered they are only remembered: start-up gives up with the last one in its own error,
/// rather than two clients' every retry filling the screen. After that each is logged (and
/// librdkafka itself holds back a broker's identical failures for 30 s).
#[derive(Debug, Default)]
pub struct BrokerErrors {
    answered: AtomicBool,
    last: Mutex<Option<String>>,
}

impl BrokerErrors {
    /// The brokers answered: failures are logged from now on.
    pub fn answered(&self) {
        self.answered.store(true, Ordering::SeqCst);
    }

    /// The last failure seen, as librdkafka worded it (an address and a cause; no payload).
    pub fn last(&self) -> Option<String> {
        self.last.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether failures are logged (the brokers answered once).
    fn logged(&self) -> bool {
        self.answered.load(Ordering::SeqCst)
    }

    /// Remembers a failure (without librdkafka's "(after 0ms in state CONNECT, …)" suffix,
    /// which says nothing to a user); whether to log it.
    fn record(&self, reason: &str) -> bool {
        let failure = reason
            .rfind(" (after ")
            .filter(|_| reason.ends_with(')'))
            .map_or(reason, |at| &reason[..at]);
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(failure.to_owned());
        self.logged()
    }
}

/// Shared by both contexts: librdkafka errors go to `tracing` (they carry no payloads);
/// errors that will not heal stop the service.
pub(super) fn client_error(shared: &Shared, error: KafkaError, reason: &str) {
    match error.rdkafka_error_code() {
        Some(RDKafkaErrorCode::AllBrokersDown) => {
            // Both clients say so, each time: once per outage is enough.
            let was_up = shared.health.broker_went_down();
            if shared.broker_errors.logged() && was_up {
                warn!(%reason, "all brokers are down; retrying");
            }
        }
        Some(
            RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::Resolve
            | RDKafkaErrorCode::SSL,
        ) => {
            if shared.broker_errors.record(reason) {
                warn!(%reason, "broker connection failed; retrying");
            }
        }
        Some(
            code @ (RDKafkaErrorCode::Authentication
            | RDKafkaErrorCode::SaslAuthenticationFailed
            | RDKafkaErrorCode::Fatal
            | RDKafkaErrorCode::GroupAuthorizationFailed
            | RDKafkaErrorCode::TopicAuthorizationFailed),
        ) => shared.shutdown.fail(format!("Kafka: {code}: {reason}")),
        _ => warn!(%error, %reason, "Kafka client error"),
    }
}

/// librdkafka's own log lines go to `tracing`, except a broker failure logged at error
/// level: librdkafka raises the same failure as an error, which [`client_error`] reports.
pub(super) fn client_log(level: RDKafkaLogLevel, facility: &str, message: &str) {
    match level {
        RDKafkaLogLevel::Emerg
        | RDKafkaLogLevel::Alert
        | RDKafkaLogLevel::Critical
        | RDKafkaLogLevel::Error => {
            if facility != "FAIL" {
                error!(target: "librdkafka", %facility, "{message}")
            }
        }
        RDKafkaLogLevel::Warning => warn!(target: "librdkafka", %facility, "{message}"),
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
            info!(target: "librdkafka", %facility, "{message}")
        }
        RDKafkaLogLevel::Debug => debug!(target: "librdkafka", %facility, "{message}"),
    }
}

pub struct ConsumerCtx {
    pub shared: Arc<Shared>,
}

impl ClientContext for ConsumerCtx {
    fn log(&self, level: RDKafkaLogLevel, facility: &str, message: &str) {
        client_log(level, facility, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        client_error(&self.shared, error, reason);
    }

    fn stats(&self, statistics: Statistics) {
        let shared = &self.shared;
        let up = statistics
            .brokers
            .values()
            .any(|broker| broker.state == "UP");
        shared.health.set_broker_up(up);
        if let Some(topic) = statistics.topics.get(&shared.input_topic) {
            for (id, partition) in &topic.partitions {
                let key = Partition::new(shared.input_topic.clone(), *id);
                if *id >= 0 && partition.consumer_lag >= 0 && shared.ledger.is_assigned(&key) {
                    shared
                        .metrics
                        .consumer_lag(&shared.input_topic, *id, partition.consumer_lag);
                }
            }
        }
    }
}

impl ConsumerContext for ConsumerCtx {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(list) = rebalance {
            self.revoke(consumer, list);
        }
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(list) => {
                if let Some(histories) = &self.shared.histories {
                    let partitions: Vec<Partition> = partitions_of(list).collect();
                    histories.restore(&partitions, &self.shared);
                }
                let assigned = self.shared.ledger.assign(partitions_of(list));
                self.shared.health.set_assigned_partitions(assigned);
                info!(partitions = list.count(), assigned, "partitions assigned");
            }
            Rebalance::Revoke(_) => {}
            Rebalance::Error(error) => warn!(%error, "rebalance error"),
        }
    }

    /// Confirms, per partition, the commits the broker accepted; a refused one stays due
    /// and is sent again at the next commit interval.
    fn commit_callback(&self, result: KafkaResult<()>, offsets: &TopicPartitionList) {
        match result {
            Ok(()) => {}
            Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => return,
            Err(error) => {
                warn!(%error, "offset commit refused; it is retried at the next interval");
                return;
            }
        }
        for element in offsets.elements() {
            match (element.error(), element.offset()) {
                (Ok(()), Offset::Offset(offset)) => {
                    let partition = Partition::new(element.topic(), element.partition());
                    self.shared.ledger.confirm(&partition, offset);
                }
                (Err(error), _) => warn!(
                    %error,
                    partition = element.partition(),
                    "offset commit refused for a partition; it is retried at the next interval"
                ),
                _ => {}
            }
        }
    }
}

impl ConsumerCtx {
    /// Waits (bounded) for the revoked partitions' in-flight messages, commits their
    /// positions, and forgets them. The wait is on the ledger, woken by each
    /// acknowledgement (delivery reports arrive on the producer's thread meanwhile).
    fn revoke(&self, consumer: &BaseConsumer<Self>, list: &TopicPartitionList) {
        let shared = &self.shared;
        let partitions: Vec<Partition> = partitions_of(list).collect();
        let deadline = Instant::now() + shared.drain_timeout;
        let waiting = shared.ledger.wait_drained(Some(&partitions), deadline);
        if waiting > 0 {
            warn!(
                waiting,
                "revoke drain timed out; those messages will be screened again by the next owner"
            );
        }
        // Exactly-once: the revoked partitions' offsets go in a transaction, before they go.
        if let Some(transactions) = shared.transactions.get()
            && !consumer.assignment_lost()
            && let Err(cause) = transactions.commit(consumer, &shared.ledger)
        {
            shared.shutdown.fail(cause);
        }
        let positions = shared.ledger.revoke(&partitions);
        if let Some(histories) = &shared.histories {
            histories.forget(&partitions);
        }
        for partition in &partitions {
            shared
                .metrics
                .forget_partition(&partition.topic, partition.partition);
        }
        shared
            .health
            .set_assigned_partitions(shared.ledger.assigned());
        if consumer.assignment_lost() {
            warn!("assignment lost: skipping the commit of revoked partitions");
        } else if shared.transactions.get().is_none() {
            commit_sync(consumer, &offsets_list(&positions));
        }
        info!(partitions = partitions.len(), "partitions revoked");
    }
}

fn partitions_of(list: &TopicPartitionList) -> impl Iterator<Item = Partition> + '_ {
    list.elements()
        .into_iter()
        .map(|e| Partition::new(e.topic(), e.partition()))
}

/// The list librdkafka commits, from positions.
pub fn offsets_list(positions: &[(Partition, i64)]) -> TopicPartitionList {
    let mut list = TopicPartitionList::with_capacity(positions.len());
    for (partition, position) in positions {
        let _ = list.add_partition_offset(
            &partition.topic,
            partition.partition,
            Offset::Offset(*position),
        );
    }
    list
}

/// Commits synchronously; only ever called on the consumer thread.
pub fn commit_sync<C: ConsumerContext>(consumer: &BaseConsumer<C>, offsets: &TopicPartitionList) {
    if offsets.count() == 0 {
        return;
    }
    match consumer.commit(offsets, CommitMode::Sync) {
        Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
        Err(error) => warn!(%error, "synchronous offset commit failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};

    /// `run`'s settings from a command line (no argument holds a space).
    fn settings(line: &str) -> RunSettings {
        let argv = ["traction-screen", "run"]
            .into_iter()
            .chain(line.split_whitespace());
        match Cli::read_from(argv).expect("parses").command {
            Command::Run(args) => RunSettings::resolve(&args, None).expect("valid settings"),
            other => panic!("expected run, parsed {other:?}"),
        }
    }

    #[test]
    fn a_prefixed_property_applies_to_its_client_only() {
        let settings = settings("--brokers b:9092 --kafka-config consumer.session.timeout.ms=6000");
        let consumer = service_client_config(&settings, Role::Consumer);
        let producer = service_client_config(&settings, Role::Producer);
        assert_eq!(consumer.get("session.timeout.ms"), Some("6000"));
        assert_eq!(producer.get("session.timeout.ms"), None);
    }

    #[test]
    fn the_clients_are_configured_for_at_least_once() {
        let settings = settings("--brokers b:9092");
        let consumer = service_client_config(&settings, Role::Consumer);
        let producer = service_client_config(&settings, Role::Producer);
        let consumer_keys = [
            "enable.auto.commit",
            "enable.auto.offset.store",
            "isolation.level",
            "auto.offset.reset",
        ];
        assert_eq!(
            consumer_keys.map(|key| consumer.get(key)),
            [
                Some("false"),
                Some("false"),
                Some("read_committed"),
                Some("earliest")
            ]
        );
        assert_eq!(
            ["acks", "enable.idempotence", "message.max.bytes"].map(|key| producer.get(key)),
            [Some("all"), Some("true"), Some("1114112")]
        );
        assert_eq!(consumer.get("group.id"), Some("traction-screen"));
        assert_eq!(consumer.get("fetch.queue.backoff.ms"), Some("100"));
    }

    #[test]
    fn the_service_gives_the_producer_the_idempotence_setting() {
        let settings = settings("--brokers k:9092 --producer-idempotence false");
        let producer = service_client_config(&settings, Role::Producer);
        assert_eq!(producer.get("enable.idempotence"), Some("false"));
    }

    #[test]
    fn broker_failures_are_only_remembered_until_the_brokers_answer() {
        let errors = BrokerErrors::default();
        assert!(!errors.record("b:1/bootstrap: Connect failed"));
        assert!(!errors.record(
            "b:1/bootstrap: Connect to ipv4#b:1 failed: Connection refused (after 0ms in state \
             CONNECT, 1 identical error(s) suppressed)"
        ));
        assert_eq!(
            errors.last().as_deref(),
            Some("b:1/bootstrap: Connect to ipv4#b:1 failed: Connection refused")
        );
        errors.answered();
        assert!(errors.record("b:1/1: Disconnected"));
    }

    #[test]
    fn user_properties_override_the_defaults() {
        let settings = settings("--brokers b:9092 --kafka-config producer.linger.ms=50");
        let producer = service_client_config(&settings, Role::Producer);
        assert_eq!(producer.get("linger.ms"), Some("50"));
        assert_eq!(producer.get("bootstrap.servers"), Some("b:9092"));
    }
}
