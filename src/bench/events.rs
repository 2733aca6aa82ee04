//! The harness's events: `generate`'s synthetic encounters (same seed, same events), to a
//! run's input topic, and the core path (decode → screen → encode, as the service's pipeline
//! is built by default) timed on the same events in this process.

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use traction_screen_core::codec::{Encoder, OutputFormat};
use traction_screen_core::domain::Timestamp;
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
        .map(|_| {
            let mut bytes = Vec::new();
            encoder
                .encode_encounter(&synth.next_encounter().encounter, &mut bytes)
                .map(|()| bytes)
        })
        .collect::<Result<Vec<_>, _>>()
        .context("cannot encode a generated encounter")?;
    let pipeline = Pipeline::with_defaults();
    let (mut outcome, mut changelog) = (Vec::new(), Vec::new());
    let usage = Usage::of_this_thread();
    let started = Instant::now();
    let mut processed = 0u64;
    while started.elapsed() < CORE_TIME {
        let mut history = with_history.then(History::new);
        for (position, value) in (0..).zip(&values) {
            let now = Timestamp::now();
            let result = match &mut history {
                Some(history) => pipeline.process_in(value, history, position, now, None),
                None => pipeline.process(value, now, None),
            };
            if let Processed::Screened(screened) = &result {
                pipeline
                    .encode(&screened.outcome, &mut outcome)
                    .context("cannot encode an outcome")?;
                if let Some(history) = &history {
                    history.encode_patient(&screened.outcome.patient_id, &mut changelog);
                }
            }
            std::hint::black_box((result, &outcome, &changelog));
        }
        processed += values.len() as u64;
    }
    let used = usage.until_now();
    Ok(CorePath {
        events: values.len() as u64,
        cpu_us_per_event: used.cpu_seconds * 1e6 / processed.max(1) as f64,
        with_history,
    })
}
