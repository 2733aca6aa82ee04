//! The changelog topic at start-up: it must have the input topic's partition count (the
//! history of input partition N is changelog partition N); when absent it is created with
//! that count and `cleanup.policy=compact` through the admin API. A topic with another
//! count, or one that cannot be created, is a configuration error naming
//! `--history-topic`.

use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::RDKafkaErrorCode;
use tracing::info;

use crate::config::{ConfigError, HISTORY_TOPIC, Role, RunSettings};

/// What start-up knows of the changelog topic: `None` when it does not exist, else its
/// partition count.
pub type Found = Option<usize>;

/// Checks the changelog topic `found` against the input's `input_partitions`, creating it
/// when absent (waiting at most until `deadline`).
pub fn ensure_topic(
    settings: &RunSettings,
    topic: &str,
    found: Found,
    input_partitions: usize,
    deadline: Instant,
) -> Result<(), ConfigError> {
    match found {
        Some(count) if count == input_partitions => Ok(()),
        Some(count) => Err(ConfigError::refused(
            HISTORY_TOPIC,
            format!(
                "topic {topic} has {count} partitions and the input topic {input_partitions}: \
                 the history changelog needs as many as the input"
            ),
        )),
        None => create(settings, topic, input_partitions, deadline)
            .map_err(|problem| ConfigError::refused(HISTORY_TOPIC, problem)),
    }
}

fn create(
    settings: &RunSettings,
    topic: &str,
    partitions: usize,
    deadline: Instant,
) -> Result<(), String> {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", settings.brokers.to_bootstrap_servers());
    for (property, value) in settings.kafka_config.for_client(Role::Producer) {
        config.set(property, value);
    }
    let admin: AdminClient<DefaultClientContext> = config
        .create()
        .map_err(|e| format!("cannot create an admin client to create topic {topic}: {e}"))?;
    let count = i32::try_from(partitions).map_err(|_| "too many partitions".to_owned())?;
    // Replication -1: the brokers' default.replication.factor.
    let new =
        NewTopic::new(topic, count, TopicReplication::Fixed(-1)).set("cleanup.policy", "compact");
    let wait = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_secs(1));
    let options = AdminOptions::new().operation_timeout(Some(wait));
    let created = block_on(admin.create_topics([&new], &options))
        .map_err(|e| format!("cannot create topic {topic}: {e}"))?;
    match created.into_iter().next() {
        Some(Ok(_)) | Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) => {
            info!(%topic, partitions, "history changelog topic created (cleanup.policy=compact)");
            Ok(())
        }
        Some(Err((_, code))) => Err(format!("cannot create topic {topic}: {code}")),
        None => Err(format!("cannot create topic {topic}: no answer")),
    }
}

/// Runs an admin request's future to completion from the blocking consumer thread.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle.block_on(future),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime starts")
            .block_on(future),
    }
}
