//! A private Kafka cluster per test: librdkafka's in-process mock brokers, listening on
//! loopback ports, so the service under test can run as a separate process.
//!
//! The mock has no admin API: topics are created here, before anything uses them. It also
//! has a 3 s initial rebalance delay and keeps only the newest ~5 MiB of each partition,
//! which the tests' modest volumes stay far below.

use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;

/// The contract's default topic names (CONTRACT.md §7), which the service uses unless told
/// otherwise.
pub const INPUT: &str = "encounters";
pub const OUTPUT: &str = "screening-outcomes";
pub const DLQ: &str = "encounters-dlq";
pub const ALERTS: &str = "screening-alerts";
/// The history changelog the tests' services use (`Service::run` names it).
pub const HISTORY: &str = "screening-history";

pub struct MockKafka {
    cluster: MockCluster<'static, DefaultProducerContext>,
    brokers: String,
}

impl MockKafka {
    /// Starts `broker_count` brokers with the given topics (name, partitions).
    pub fn start(broker_count: i32, topics: &[(&str, i32)]) -> Self {
        let cluster = MockCluster::new(broker_count).expect("the mock cluster starts");
        for (topic, partitions) in topics {
            cluster
                .create_topic(topic, *partitions, 1)
                .unwrap_or_else(|e| panic!("cannot create topic {topic}: {e}"));
        }
        let brokers = cluster.bootstrap_servers();
        Self { cluster, brokers }
    }

    /// The service's topics: `input_partitions` encounter partitions, as many outcome and
    /// history changelog partitions, one dead-letter and one alerts partition.
    pub fn with_service_topics(input_partitions: i32) -> Self {
        Self::start(
            1,
            &[
                (INPUT, input_partitions),
                (OUTPUT, input_partitions),
                (DLQ, 1),
                (ALERTS, 1),
                (HISTORY, input_partitions),
            ],
        )
    }

    pub fn brokers(&self) -> &str {
        &self.brokers
    }

    /// For fault injection (`request_errors`, `broker_down`, …).
    pub fn cluster(&self) -> &MockCluster<'static, DefaultProducerContext> {
        &self.cluster
    }
}
