//! `traction-screen generate`: a seeded, rate-limited stream of synthetic encounters to a
//! Kafka topic, keyed by `patient_id`, in any wire format — for demos, load tests and
//! users' staging. The demo also mixes in poison messages to show dead-lettering.
//! With `--output FILE` the same encounters go to an Avro container file or JSON Lines
//! instead ([`write_file`]), e.g. for `check`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rdkafka::client::ClientContext;
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use traction_screen_core::codec::container::ContainerWriter;
use traction_screen_core::codec::{self, ENCOUNTER_SCHEMA, Encoder, OutputFormat};
use traction_screen_core::domain::Encounter;
use traction_screen_synth::{Synth, poison_message};

use crate::config::{FileFormat, GenerateFileSettings, GenerateSettings, Role};
use crate::runtime::kafka::{client_config, send_waiting};
use crate::runtime::registry::{RegistryClient, STARTUP_PATIENCE, value_subject};

/// What to produce: `generate`'s settings, and the mix the demo asks for.
#[derive(Debug)]
pub struct GenerateSpec {
    pub settings: GenerateSettings,
    /// Wire formats, used in turn (message i in `formats[i % len]`).
    pub formats: Vec<OutputFormat>,
    /// Every n-th message is a poison message instead of an encounter.
    pub poison_every: Option<u64>,
}

impl GenerateSpec {
    /// Encounters in the settings' one format, no poison.
    pub fn new(settings: GenerateSettings) -> Self {
        Self {
            formats: vec![settings.format],
            poison_every: None,
            settings,
        }
    }
}

#[derive(Debug, Default)]
pub struct GenerateReport {
    pub produced: u64,
    pub poison: u64,
    pub delivered: u64,
    pub failed: u64,
    pub by_scenario: BTreeMap<&'static str, u64>,
    pub elapsed: Duration,
}

#[derive(Default)]
struct Deliveries {
    delivered: AtomicU64,
    failed: AtomicU64,
}

struct CountingContext(Arc<Deliveries>);

impl ClientContext for CountingContext {}

impl ProducerContext for CountingContext {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        let counter = if result.is_ok() {
            &self.0.delivered
        } else {
            &self.0.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Produces `spec.count` messages, then waits for their delivery reports. `stop` is polled
/// between messages (Ctrl-C, the demo ending early).
pub fn produce(spec: &GenerateSpec, stop: &dyn Fn() -> bool) -> anyhow::Result<GenerateReport> {
    let settings = &spec.settings;
    let encoders = spec
        .formats
        .iter()
        .map(|format| encoder_for(settings, *format))
        .collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(!encoders.is_empty(), "at least one --format is needed");
    let deliveries = Arc::new(Deliveries::default());
    let producer: ThreadedProducer<CountingContext> =
        client_config(&settings.brokers, &settings.kafka_config, Role::Producer)
            .create_with_context(CountingContext(Arc::clone(&deliveries)))
            .context("cannot create the Kafka producer (check --brokers and --kafka-config)")?;
    let mut synth = synth(settings.seed, settings.lines);
    let mut report = GenerateReport::default();
    let mut buffer = Vec::with_capacity(4096);
    let started = Instant::now();
    for index in 0..settings.count.get() {
        if stop() {
            break;
        }
        pace(started, index, settings.rate.map(|rate| rate.get()));
        let generated = synth.next_encounter();
        let poison = spec.poison_every.filter(|n| *n > 0 && index % n == n - 1);
        buffer.clear();
        match poison {
            Some(_) => {
                poison_message(report.poison, &generated.encounter, &mut buffer);
                report.poison += 1;
            }
            None => {
                encoders[(index % encoders.len() as u64) as usize]
                    .encode_encounter(&generated.encounter, &mut buffer)
                    .context("cannot encode a generated encounter")?;
                *report
                    .by_scenario
                    .entry(generated.scenario.name())
                    .or_default() += 1;
            }
        }
        send(
            &producer,
            settings.topic.as_str(),
            generated.encounter.patient_id.as_bytes(),
            &buffer,
        )?;
        report.produced += 1;
    }
    producer
        .flush(Duration::from_secs(30))
        .context("not every generated message was delivered within 30 s")?;
    report.delivered = deliveries.delivered.load(Ordering::Relaxed);
    report.failed = deliveries.failed.load(Ordering::Relaxed);
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Writes `settings.count` encounters to the file, streaming (memory stays at one block).
/// `stop` is polled between encounters; what was written until then is a complete file.
pub fn write_file(
    settings: &GenerateFileSettings,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<GenerateReport> {
    let path = settings.path.display();
    let file = File::create(&settings.path).with_context(|| format!("cannot create {path}"))?;
    let mut out = FileWriter::open(BufWriter::new(file), settings.format)
        .with_context(|| format!("cannot write {path}"))?;
    let mut synth = synth(settings.seed, settings.lines);
    let mut report = GenerateReport::default();
    let started = Instant::now();
    for _ in 0..settings.count.get() {
        if stop() {
            break;
        }
        let generated = synth.next_encounter();
        out.write(&generated.encounter)
            .with_context(|| format!("cannot write {path}"))?;
        *report
            .by_scenario
            .entry(generated.scenario.name())
            .or_default() += 1;
        report.produced += 1;
    }
    out.finish()
        .with_context(|| format!("cannot write {path}"))?;
    report.delivered = report.produced;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The two shapes of a generated file.
enum FileWriter<W: Write> {
    /// Boxed: the container writer holds its block buffers inline.
    Avro(Box<ContainerWriter<W>>),
    JsonLines(W),
}

impl<W: Write> FileWriter<W> {
    fn open(out: W, format: FileFormat) -> anyhow::Result<Self> {
        Ok(match format {
            FileFormat::AvroContainer(codec) => {
                Self::Avro(Box::new(ContainerWriter::new(out, codec)?))
            }
            FileFormat::JsonLines => Self::JsonLines(out),
        })
    }

    fn write(&mut self, event: &Encounter) -> anyhow::Result<()> {
        match self {
            Self::Avro(file) => file.write(event)?,
            Self::JsonLines(out) => writeln!(out, "{}", codec::json::encounter_to_json(event))?,
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        let mut out = match self {
            Self::Avro(file) => file.finish()?,
            Self::JsonLines(out) => out,
        };
        Ok(out.flush()?)
    }
}

/// The generator of `seed`, its visits of `lines` service lines if given.
pub fn synth(seed: u64, lines: Option<NonZeroUsize>) -> Synth {
    let synth = Synth::new(seed);
    match lines {
        Some(lines) => synth.with_service_lines(lines),
        None => synth,
    }
}

fn encoder_for(settings: &GenerateSettings, format: OutputFormat) -> anyhow::Result<Encoder> {
    let schema_id = match format {
        OutputFormat::AvroConfluent => {
            let url = settings
                .schema_registry_url
                .as_ref()
                .context("--format avro-confluent needs --schema-registry-url")?;
            let topic = settings.topic.as_str();
            let id = RegistryClient::new(url)
                .register_value_schema(topic, ENCOUNTER_SCHEMA, STARTUP_PATIENCE)
                .with_context(|| {
                    format!(
                        "cannot register the encounter schema as {}",
                        value_subject(topic)
                    )
                })?;
            Some(id)
        }
        _ => None,
    };
    Encoder::new(format, schema_id).context("invalid --format")
}

/// Sleeps until message `index` is due at `rate` per second.
fn pace(started: Instant, index: u64, rate: Option<u32>) {
    let Some(rate) = rate.filter(|r| *r > 0) else {
        return;
    };
    let due = started + Duration::from_secs_f64(index as f64 / f64::from(rate));
    let now = Instant::now();
    if due > now {
        thread::sleep(due - now);
    }
}

fn send(
    producer: &ThreadedProducer<CountingContext>,
    topic: &str,
    key: &[u8],
    payload: &[u8],
) -> anyhow::Result<()> {
    let record = BaseRecord::to(topic).key(key).payload(payload);
    send_waiting(producer, record, || false)
        .map(drop)
        .with_context(|| format!("cannot produce to {topic}"))
}
