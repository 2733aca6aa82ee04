//! The test's own Kafka clients, independent of the service's code: a producer that
//! reports where every message landed, a reader that collects every record of a topic,
//! and a view of a consumer group's committed offsets against the topic's end offsets.
//! All take a bootstrap-servers string.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message as _, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};

const TIMEOUT: Duration = Duration::from_secs(10);

/// A message to produce, or one read back: key, value and headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

/// A record read from a topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub partition: i32,
    pub offset: i64,
    pub message: Message,
}

impl Record {
    /// The value of the first header named `key`, as text.
    pub fn header(&self, key: &str) -> Option<String> {
        self.message
            .headers
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_deref())
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }
}

/// Where a produced message landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Placed {
    pub partition: i32,
    pub offset: i64,
}

#[derive(Default)]
struct Deliveries(Mutex<Vec<Option<Result<Placed, String>>>>);

struct DeliveryContext(Arc<Deliveries>);

impl ClientContext for DeliveryContext {}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, index: usize) {
        let placed = match result {
            Ok(message) => Ok(Placed {
                partition: message.partition(),
                offset: message.offset(),
            }),
            Err((error, _)) => Err(error.to_string()),
        };
        let mut deliveries = self.0.0.lock().unwrap_or_else(|e| e.into_inner());
        deliveries[index] = Some(placed);
    }
}

/// Produces `messages` to `topic` in order (at most `rate` per second when given), waits
/// for every acknowledgement and returns where each one landed. `config` adds producer
/// properties (e.g. `message.max.bytes`).
pub fn produce(
    brokers: &str,
    topic: &str,
    messages: &[Message],
    rate: Option<u32>,
    config: &[(&str, &str)],
) -> Vec<Placed> {
    let deliveries = Arc::new(Deliveries::default());
    *deliveries.0.lock().expect("fresh lock") = vec![None; messages.len()];
    let mut client = ClientConfig::new();
    client
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5");
    for (key, value) in config {
        client.set(*key, *value);
    }
    let producer: ThreadedProducer<DeliveryContext> = client
        .create_with_context(DeliveryContext(Arc::clone(&deliveries)))
        .expect("the test producer starts");
    let started = Instant::now();
    for (index, message) in messages.iter().enumerate() {
        if let Some(rate) = rate {
            let due = started + Duration::from_secs_f64(index as f64 / f64::from(rate));
            thread::sleep(due.saturating_duration_since(Instant::now()));
        }
        send(&producer, topic, message, index);
    }
    producer
        .flush(Duration::from_secs(60))
        .expect("every test message is acknowledged within 60 s");
    let deliveries = deliveries.0.lock().expect("the producer is done");
    deliveries
        .iter()
        .enumerate()
        .map(|(index, placed)| match placed {
            Some(Ok(placed)) => *placed,
            other => panic!("test message {index} to {topic} was not delivered: {other:?}"),
        })
        .collect()
}

fn send(
    producer: &ThreadedProducer<DeliveryContext>,
    topic: &str,
    message: &Message,
    index: usize,
) {
    let mut headers = OwnedHeaders::new_with_capacity(message.headers.len());
    for (key, value) in &message.headers {
        headers = headers.insert(Header {
            key,
            value: value.as_deref(),
        });
    }
    let mut record: BaseRecord<'_, [u8], [u8], usize> =
        BaseRecord::with_opaque_to(topic, index).headers(headers);
    if let Some(key) = &message.key {
        record = record.key(key.as_slice());
    }
    if let Some(payload) = &message.payload {
        record = record.payload(payload.as_slice());
    }
    loop {
        match producer.send(record) {
            Ok(()) => return,
            Err((error, returned)) => {
                assert!(
                    error.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::QueueFull),
                    "cannot produce test message {index} to {topic}: {error}"
                );
                record = returned;
                thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

fn consumer(brokers: &str, group: &str, config: &[(&str, &str)]) -> BaseConsumer {
    let mut client = ClientConfig::new();
    client
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false");
    for (key, value) in config {
        client.set(*key, *value);
    }
    client.create().expect("a test consumer starts")
}

/// The partitions of a topic, from the cluster's metadata.
fn partitions(consumer: &BaseConsumer, topic: &str) -> Vec<i32> {
    let metadata = consumer
        .fetch_metadata(Some(topic), TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot read the metadata of {topic}: {e}"));
    let mut partitions: Vec<i32> = metadata
        .topics()
        .iter()
        .flat_map(|t| t.partitions().iter().map(|p| p.id()))
        .collect();
    partitions.sort_unstable();
    assert!(!partitions.is_empty(), "topic {topic} has no partitions");
    partitions
}

/// Reads every record of a topic, from the beginning, as it arrives.
pub struct TopicReader {
    consumer: BaseConsumer,
    topic: String,
    partitions: Vec<i32>,
    records: Vec<Record>,
}

impl TopicReader {
    /// `config` adds consumer properties (e.g. a larger `fetch.max.bytes`).
    pub fn new(brokers: &str, topic: &str, config: &[(&str, &str)]) -> Self {
        let consumer = consumer(brokers, &format!("it-reader-{topic}"), config);
        let partitions = partitions(&consumer, topic);
        let mut assignment = TopicPartitionList::new();
        for partition in &partitions {
            assignment
                .add_partition_offset(topic, *partition, Offset::Beginning)
                .expect("a valid offset");
        }
        consumer.assign(&assignment).expect("the reader assigns");
        Self {
            consumer,
            topic: topic.to_owned(),
            partitions,
            records: Vec::new(),
        }
    }

    /// Collects whatever arrived since the last call; returns every record read so far.
    pub fn poll(&mut self) -> &[Record] {
        let mut timeout = Duration::from_millis(100);
        while let Some(result) = self.consumer.poll(timeout) {
            // Errors here are the client's reports of transient trouble (a broker going
            // away); it reconnects by itself, and a record is never skipped.
            let Ok(message) = result else {
                continue;
            };
            self.records.push(Record {
                partition: message.partition(),
                offset: message.offset(),
                message: Message {
                    key: message.key().map(<[u8]>::to_vec),
                    payload: message.payload().map(<[u8]>::to_vec),
                    headers: message
                        .headers()
                        .map(|headers| {
                            headers
                                .iter()
                                .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                                .collect()
                        })
                        .unwrap_or_default(),
                },
            });
            timeout = Duration::ZERO;
        }
        &self.records
    }

    /// Reads up to the topic's current end: for a topic nothing writes to any more, this
    /// is all it holds.
    pub fn read_to_end(&mut self, brokers: &str) -> &[Record] {
        let ends = Offsets::new(brokers, "it-reader-ends").end_offsets(&self.topic);
        let topic = self.topic.clone();
        super::wait_until(&format!("every record of {topic}"), &[], || {
            let records = self.poll();
            let missing: Vec<String> = ends
                .iter()
                .filter(|(partition, end)| {
                    let read = records
                        .iter()
                        .filter(|r| r.partition == **partition)
                        .count();
                    i64::try_from(read).is_ok_and(|read| read < **end)
                })
                .map(|(partition, end)| format!("partition {partition} up to {end}"))
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(missing.join(", "))
            }
        });
        &self.records
    }

    pub fn partitions(&self) -> &[i32] {
        &self.partitions
    }
}

/// A consumer group's committed offsets and the end offsets of topics.
pub struct Offsets {
    consumer: BaseConsumer,
}

impl Offsets {
    /// Looks at `group` without joining it.
    pub fn new(brokers: &str, group: &str) -> Self {
        Self {
            consumer: consumer(brokers, group, &[]),
        }
    }

    /// Per partition, the group's committed offset (`None`: nothing committed).
    pub fn committed(&self, topic: &str) -> BTreeMap<i32, Option<i64>> {
        let mut list = TopicPartitionList::new();
        for partition in partitions(&self.consumer, topic) {
            list.add_partition(topic, partition);
        }
        let committed = self
            .consumer
            .committed_offsets(list, TIMEOUT)
            .unwrap_or_else(|e| panic!("cannot read committed offsets of {topic}: {e}"));
        committed
            .elements()
            .iter()
            .map(|e| match e.offset() {
                Offset::Offset(offset) => (e.partition(), Some(offset)),
                _ => (e.partition(), None),
            })
            .collect()
    }

    /// Per partition, one past the last offset written (the high watermark).
    pub fn end_offsets(&self, topic: &str) -> BTreeMap<i32, i64> {
        partitions(&self.consumer, topic)
            .into_iter()
            .map(|partition| {
                let (_, high) = self
                    .consumer
                    .fetch_watermarks(topic, partition, TIMEOUT)
                    .unwrap_or_else(|e| panic!("cannot read the end of {topic}/{partition}: {e}"));
                (partition, high)
            })
            .collect()
    }

    /// `Ok` once the group committed the end of every partition of `topic` that has
    /// records; otherwise says which partitions lag.
    pub fn caught_up(&self, topic: &str) -> Result<(), String> {
        let committed = self.committed(topic);
        let lagging: Vec<String> = self
            .end_offsets(topic)
            .into_iter()
            .filter(|(partition, end)| {
                *end > 0 && committed.get(partition).copied().flatten() != Some(*end)
            })
            .map(|(partition, end)| {
                let at = committed.get(&partition).copied().flatten();
                format!("partition {partition} committed {at:?} of {end}")
            })
            .collect();
        if lagging.is_empty() {
            Ok(())
        } else {
            Err(lagging.join(", "))
        }
    }
}
