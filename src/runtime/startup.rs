//! Start-up of the Kafka loop: wait, within a bound, for the brokers to answer, and check
//! that the topics exist. When the brokers never answer, the one error says how long it
//! waited, the last failure librdkafka reported (both clients' retries stay silent until
//! then, see [`BrokerErrors`](super::kafka::BrokerErrors)) and what to check.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::bail;
use rdkafka::client::{Client, ClientContext};
use rdkafka::metadata::Metadata;

use super::delivery::ProducerCtx;
use super::history;
use super::kafka::ConsumerCtx;
use super::shared::Shared;
use crate::config::{ALERTS_TOPIC, ConfigError, DLQ_TOPIC, INPUT_TOPIC, OUTPUT_TOPIC, RunSettings};

/// Waits (at most `startup_timeout`) for the brokers to describe the topics, and fails fast
/// when they do not answer or a topic is missing; a missing topic is a configuration error
/// naming its setting. The producer's metadata request lets a broker that auto-creates
/// topics create the output ones. The history changelog is created here when absent. `Ok(false)`: a stop was asked for meanwhile.
pub(super) fn check_topics(
    consumer: &Client<ConsumerCtx>,
    producer: &Client<ProducerCtx>,
    settings: &RunSettings,
    shared: &Shared,
) -> anyhow::Result<bool> {
    let started = Instant::now();
    let deadline = started + settings.startup_timeout;
    let exists = |metadata: &Metadata| partition_count(metadata).is_some();
    let topics = &settings.topics;
    let Some(input) = metadata(consumer, topics.input.as_str(), deadline, shared) else {
        return not_started(settings, shared, started.elapsed());
    };
    // A broker answered (statistics keep this current from now on).
    shared.broker_errors.answered();
    shared.health.set_broker_up(true);
    if !exists(&input) {
        let problem = format!("topic {} does not exist", topics.input);
        return Err(ConfigError::refused(INPUT_TOPIC, problem).into());
    }
    let input_partitions = partition_count(&input).unwrap_or_default();
    let outputs = [
        (OUTPUT_TOPIC, Some(&topics.output)),
        (DLQ_TOPIC, Some(&topics.dlq)),
        (ALERTS_TOPIC, topics.alerts.as_ref()),
    ];
    for (setting, topic) in outputs {
        let Some(topic) = topic else { continue };
        let Some(metadata) = metadata(producer, topic.as_str(), deadline, shared) else {
            return not_started(settings, shared, started.elapsed());
        };
        if !exists(&metadata) {
            let problem = format!("topic {topic} does not exist and the brokers did not create it");
            return Err(ConfigError::refused(setting, problem).into());
        }
    }
    if let Some(topic) = &topics.history {
        // Asked by the consumer, which never makes a broker auto-create a topic: a changelog
        // must be created compacted, with the input's partition count.
        let Some(metadata) = metadata(consumer, topic.as_str(), deadline, shared) else {
            return not_started(settings, shared, started.elapsed());
        };
        let found = partition_count(&metadata);
        history::ensure_topic(settings, topic.as_str(), found, input_partitions, deadline)?;
    }
    Ok(true)
}

/// The partition count of the one topic `metadata` describes; `None` when it does not exist.
fn partition_count(metadata: &Metadata) -> Option<usize> {
    metadata
        .topics()
        .first()
        .filter(|t| t.error().is_none() && !t.partitions().is_empty())
        .map(|t| t.partitions().len())
}

/// `topic`'s metadata, asked for in rounds of at most a second until `deadline`, so that a
/// stop (a signal, a fatal client error) ends the wait early. `None`: no answer.
fn metadata<C: ClientContext>(
    client: &Client<C>,
    topic: &str,
    deadline: Instant,
    shared: &Shared,
) -> Option<Metadata> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || shared.shutdown.is_triggered() {
            return None;
        }
        let asked = Instant::now();
        match client.fetch_metadata(Some(topic), left.min(Duration::from_secs(1))) {
            Ok(metadata) => return Some(metadata),
            // An error that came back at once (no broker to ask) is not retried in a spin.
            Err(_) if asked.elapsed() < Duration::from_millis(100) => {
                thread::sleep(Duration::from_millis(100));
            }
            Err(_) => {}
        }
    }
}

/// Why start-up ended before the brokers answered: a stop asked for (`Ok(false)`), a fatal
/// client error, or no answer within `--startup-timeout` — said once, with what to check.
fn not_started(settings: &RunSettings, shared: &Shared, waited: Duration) -> anyhow::Result<bool> {
    if let Some(cause) = shared.shutdown.failure() {
        bail!(cause);
    }
    if shared.shutdown.is_triggered() {
        return Ok(false);
    }
    // A connection that opens but never completes its TLS or SASL handshake reports nothing
    // within the default timeouts (e.g. security.protocol=SSL against a plaintext port).
    let cause = shared.broker_errors.last().unwrap_or_else(|| {
        "none reported (a TLS or SASL handshake that never completes looks like this)".to_owned()
    });
    bail!(
        "cannot reach the Kafka brokers at {} (--brokers): no answer in {} s (--startup-timeout); \
         last error: {cause}. Check the addresses, that the brokers are up and reachable from \
         here, and the TLS/SASL settings (--kafka-config security.protocol, ssl.*, sasl.*)",
        settings.brokers.to_bootstrap_servers(),
        waited.as_secs_f64().round()
    )
}
