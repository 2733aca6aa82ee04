//! The harness's events: `generate`'s synthetic encounters (same seed, same events), to a
//! run's input topic, and the core path (decode → screen → encode, as the service's pipeline
//! is built by default) timed on the same events in this process.

use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use traction_screen_core::codec::{Encoder, OutputFormat};
use traction_screen_core::domain::{Encounter, Timestamp};
use traction_screen_core::history::History;
use traction_screen_core::pipeline::{Pipeline, Processed};

use super::results::CorePath;
use super::topics::Target;
use super::usage::Usage;
use crate::cli::GenerateArgs;
use crate::config::GenerateSettings;
use crate::generate::GenerateSpec;

/// At most this many distinct events are timed through the core path (in a loop).
const CORE_EVENTS: u64 = 20_000;
/// [`core_path_at_scale`] generates this many events, then times them, and so on.
const SCALE_CHUNK: u64 = 20_000;
/// The core path runs for at least this long, so the 10 ms ticks of `/proc` do not matter.
const CORE_TIME: Duration = Duration::from_secs(2);

/// Which events: their format, the generator's seed and, if fixed, their service lines.
pub struct Kind {
    pub format: OutputFormat,
    pub seed: u64,
    pub lines: Option<NonZeroUsize>,
}

/// `count` events of `kind` to `topic`, at `rate` a second (`None`: as fast as the broker
/// takes them); `extra` properties go to the generator's producer after `target`'s.
pub fn spec(
    target: &Target,
    topic: &str,
    count: u64,
    rate: Option<u32>,
    kind: &Kind,
    extra: &[String],
) -> anyhow::Result<GenerateSpec> {
    let kafka_config = target
        .kafka_config()
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .chain(extra.iter().cloned())
        .collect();
    let args = GenerateArgs {
        brokers: Some(target.bootstrap()),
        topic: Some(topic.to_owned()),
        count: Some(count),
        rate: rate.map(u64::from),
        format: Some(kind.format),
        seed: Some(kind.seed),
        lines: kind.lines.map(|n| n.get() as u64),
        kafka_config,
        ..GenerateArgs::default()
    };
    let settings = GenerateSettings::resolve(&args, None).context("the generator's settings")?;
    Ok(GenerateSpec::new(settings))
}

/// CPU time per event of the core path on the first events of `kind`, as the service runs
/// it: decode, screen, encode the outcome and, when the service keeps history
/// (`with_history`), screen against the events before it and encode the patient's
/// changelog value. Each pass over the events starts from an empty history, positions in
/// input order, so every pass screens as the first one did.
pub fn core_path(kind: &Kind, events: u64, with_history: bool) -> anyhow::Result<CorePath> {
    let encoder = Encoder::new(kind.format, None).context("the events' format")?;
    let mut synth = crate::generate::synth(kind.seed, kind.lines);
    let values = (0..events.min(CORE_EVENTS))
        .map(|_| encoded(&encoder, &synth.next_encounter().encounter))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut step = CoreStep::new();
    let usage = Usage::of_this_thread();
    let started = Instant::now();
    let mut processed = 0u64;
    while started.elapsed() < CORE_TIME {
        let mut history = with_history.then(History::new);
        for (position, value) in (0..).zip(&values) {
            step.run(value, history.as_mut(), position)?;
        }
        processed += values.len() as u64;
    }
    let used = usage.until_now();
    Ok(CorePath {
        events: values.len() as u64,
        cpu_us_per_event: used.cpu_seconds * 1e6 / processed.max(1) as f64,
        with_history,
        at_scale_us_per_event: None,
    })
}

/// CPU time per event of the same core path with history over all `events` of the drain,
/// each in the history of its partition (`partitions` of them; a patient's events in one,
/// as the input topic's key puts them). The histories then grow as large as the service's
/// over the drain, and their lookups miss the cache as the service's do, which the first
/// 20,000 events of [`core_path`] in one history do not. Events are generated a chunk at a
/// time; only the processing is timed.
pub fn core_path_at_scale(kind: &Kind, events: u64, partitions: usize) -> anyhow::Result<f64> {
    let encoder = Encoder::new(kind.format, None).context("the events' format")?;
    let mut synth = crate::generate::synth(kind.seed, kind.lines);
    let mut histories: Vec<(History, u64)> = (0..partitions.max(1))
        .map(|_| (History::new(), 0))
        .collect();
    let mut step = CoreStep::new();
    let mut cpu_seconds = 0.0;
    let mut left = events;
    while left > 0 {
        let chunk = (0..left.min(SCALE_CHUNK))
            .map(|_| {
                let encounter = synth.next_encounter().encounter;
                let partition = partition_of(&encounter.patient_id, histories.len());
                Ok((partition, encoded(&encoder, &encounter)?))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let usage = Usage::of_this_thread();
        for (partition, value) in &chunk {
            let (history, position) = &mut histories[*partition];
            step.run(value, Some(history), *position)?;
            *position += 1;
        }
        cpu_seconds += usage.until_now().cpu_seconds;
        left -= chunk.len() as u64;
    }
    Ok(cpu_seconds * 1e6 / events.max(1) as f64)
}

/// A partition for `patient_id` among `partitions`: the same for every event of a patient,
/// spread evenly (not librdkafka's partitioner; only the histories' sizes matter here).
fn partition_of(patient_id: &str, partitions: usize) -> usize {
    let mut hasher = std::hash::DefaultHasher::new();
    patient_id.hash(&mut hasher);
    (hasher.finish() % partitions as u64) as usize
}

fn encoded(encoder: &Encoder, encounter: &Encounter) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    encoder
        .encode_encounter(encounter, &mut bytes)
        .context("cannot encode a generated encounter")?;
    Ok(bytes)
}

/// What a worker does with one message: decode, screen (against `history` when there is
/// one), encode the outcome and, with history, the patient's changelog value.
struct CoreStep {
    pipeline: Pipeline,
    outcome: Vec<u8>,
    changelog: Vec<u8>,
}

impl CoreStep {
    fn new() -> Self {
        Self {
            pipeline: Pipeline::with_defaults(),
            outcome: Vec::new(),
            changelog: Vec::new(),
        }
    }

    fn run(
        &mut self,
        value: &[u8],
        history: Option<&mut History>,
        position: u64,
    ) -> anyhow::Result<()> {
        let now = Timestamp::now();
        let result = match history {
            Some(history) => {
                let result = self
                    .pipeline
                    .process_in(value, history, position, now, None);
                if let Processed::Screened(screened) = &result {
                    history.encode_patient(&screened.outcome.patient_id, &mut self.changelog);
                }
                result
            }
            None => self.pipeline.process(value, now, None),
        };
        if let Processed::Screened(screened) = &result {
            self.pipeline
                .encode(&screened.outcome, &mut self.outcome)
                .context("cannot encode an outcome")?;
        }
        std::hint::black_box((result, &self.outcome, &self.changelog));
        Ok(())
    }
}
