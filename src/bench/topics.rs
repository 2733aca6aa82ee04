//! Where the harness runs: librdkafka's in-process mock cluster (`--mock`) or any broker
//! address. It creates each run's own topics (fresh names, so runs never share data or
//! consumer groups), and makes consumers with the service's client settings.

use std::time::Duration;

use anyhow::Context as _;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;

use crate::config::{KafkaConfig, ReaderSettings, Role};
use crate::runtime::kafka::client_config;

const TIMEOUT: Duration = Duration::from_secs(10);

/// The brokers of a run, and the cluster itself when it is the in-process one.
pub struct Target {
    pub settings: ReaderSettings,
    mock: Option<MockCluster<'static, DefaultProducerContext>>,
}

/// The topics of one run: the input, the service's outcomes, dead letters and history
/// changelog, the pipe's output.
#[derive(Clone, Debug)]
pub struct RunTopics {
    pub input: String,
    pub outcomes: String,
    pub dead_letters: String,
    pub history: String,
    pub piped: String,
    pub partitions: i32,
}

impl RunTopics {
    /// Topic names unique to this process and `run`.
    pub fn named(run: &str, partitions: i32) -> Self {
        let prefix = format!("bench-{}-{run}", std::process::id());
        Self {
            input: format!("{prefix}-encounters"),
            outcomes: format!("{prefix}-outcomes"),
            dead_letters: format!("{prefix}-dlq"),
            history: format!("{prefix}-history"),
            piped: format!("{prefix}-piped"),
            partitions,
        }
    }
}

impl Target {
    /// The in-process cluster (one broker) when `brokers` is `None`.
    pub fn start(brokers: Option<&str>, kafka_config: &[String]) -> anyhow::Result<Self> {
        let mock = match brokers {
            Some(_) => None,
            None => Some(MockCluster::new(1).context("cannot start the in-process Kafka cluster")?),
        };
        let address = match (&mock, brokers) {
            (Some(cluster), _) => cluster.bootstrap_servers(),
            (None, Some(address)) => address.to_owned(),
            (None, None) => unreachable!("a cluster was started"),
        };
        let settings = ReaderSettings::resolve(&address, kafka_config, None)?;
        Ok(Self { settings, mock })
    }

    pub fn bootstrap(&self) -> String {
        self.settings.brokers.to_bootstrap_servers()
    }

    pub fn kafka_config(&self) -> &KafkaConfig {
        &self.settings.kafka_config
    }

    /// Creates the run's topics (the dead letters on one partition). The history changelog
    /// is created by the service itself, except on the mock cluster, which has no admin API.
    pub fn create(&self, topics: &RunTopics) -> anyhow::Result<()> {
        let n = topics.partitions;
        let wanted = [
            (topics.input.as_str(), n),
            (topics.outcomes.as_str(), n),
            (topics.dead_letters.as_str(), 1),
            (topics.piped.as_str(), n),
        ];
        if let Some(cluster) = &self.mock {
            let history = (topics.history.as_str(), n);
            for (name, partitions) in wanted.into_iter().chain([history]) {
                cluster
                    .create_topic(name, partitions, 1)
                    .with_context(|| format!("cannot create topic {name}"))?;
            }
            return Ok(());
        }
        let admin: AdminClient<DefaultClientContext> =
            client_config(&self.settings.brokers, self.kafka_config(), Role::Producer)
                .create()
                .context("cannot create a Kafka admin client")?;
        let new: Vec<NewTopic<'_>> = wanted
            .iter()
            .map(|(name, partitions)| NewTopic::new(name, *partitions, TopicReplication::Fixed(1)))
            .collect();
        let runtime = crate::service::runtime()?;
        let results = runtime
            .block_on(
                admin.create_topics(&new, &AdminOptions::new().operation_timeout(Some(TIMEOUT))),
            )
            .context("cannot create the run's topics")?;
        for result in results {
            result.map_err(|(name, code)| anyhow::anyhow!("cannot create topic {name}: {code}"))?;
        }
        Ok(())
    }

    /// On the mock cluster, an error when the input topic no longer holds its first records:
    /// librdkafka's mock keeps about 5 MB of (compressed) record batches per partition and
    /// drops the oldest beyond that.
    pub fn check_retained(&self, topics: &RunTopics) -> anyhow::Result<()> {
        if self.mock.is_none() {
            return Ok(());
        }
        let consumer = self.consumer("bench-retention")?;
        for partition in 0..topics.partitions {
            let (low, _) = consumer.fetch_watermarks(&topics.input, partition, TIMEOUT)?;
            anyhow::ensure!(
                low == 0,
                "the mock cluster dropped the oldest events (it keeps about 5 MB a partition): \
                 use fewer --events or more --partitions"
            );
        }
        Ok(())
    }

    /// A consumer with the service's client settings, in its own group.
    pub fn consumer(&self, group: &str) -> anyhow::Result<BaseConsumer> {
        self.consumer_with(group, &[])
    }

    /// [`Target::consumer`] with more properties.
    pub fn consumer_with(
        &self,
        group: &str,
        properties: &[(&str, &str)],
    ) -> anyhow::Result<BaseConsumer> {
        let mut config = client_config(&self.settings.brokers, self.kafka_config(), Role::Consumer);
        // No statistics: the harness does not read them, and they would be logged.
        config
            .set("group.id", group)
            .set("statistics.interval.ms", "0");
        for (key, value) in properties {
            config.set(*key, *value);
        }
        config.create().context("cannot create a Kafka consumer")
    }
}
