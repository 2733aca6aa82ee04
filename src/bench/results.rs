//! What a harness run measured, as written to (and read back from) `results.json`, and the
//! medians and ratios its summary reports.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::stats::median;
use super::usage::Used;

/// One drain of the topic: by the bare consumer, the bare pipe or the service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drain {
    pub events: u64,
    /// From the first event consumed (or outcome seen) to the last acknowledged.
    pub seconds: f64,
    pub events_per_s: f64,
    pub cpu_seconds: f64,
    pub cpu_us_per_event: f64,
    pub peak_rss_mib: Option<f64>,
}

impl Drain {
    pub fn measured(events: u64, elapsed: Duration, used: &Used) -> Self {
        let seconds = elapsed.as_secs_f64().max(1e-6);
        let per_event = |total: f64| total / events.max(1) as f64;
        Self {
            events,
            seconds,
            events_per_s: events as f64 / seconds,
            cpu_seconds: used.cpu_seconds,
            cpu_us_per_event: per_event(used.cpu_seconds) * 1e6,
            peak_rss_mib: used.peak_rss_mib,
        }
    }
}

/// The three drains of one run, on one freshly filled topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrainRun {
    pub consumer: Drain,
    pub pipe: Drain,
    pub service: Drain,
}

/// The service at one offered rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub offered_per_s: u32,
    /// Events produced, and outcomes (or dead letters) seen for them.
    pub produced: u64,
    pub completed: u64,
    /// The rate the generator achieved.
    pub produced_per_s: f64,
    /// Event produced (its timestamp) → outcome fetched by the harness, in ms.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    /// Event produced → the outcome record's own timestamp (when the service produced it).
    pub stamped_p99_ms: f64,
    /// Event produced → the event itself fetched by the harness (p50, p99): how long the
    /// input took to reach a consumer, before the service saw it.
    #[serde(default)]
    pub input_p50_ms: Option<f64>,
    #[serde(default)]
    pub input_p99_ms: Option<f64>,
    /// The service's own consume → acknowledged p99, as the bound of its histogram's bucket
    /// (every event of the hold, warm-up included).
    #[serde(default)]
    pub processing_p99_le_ms: Option<f64>,
    pub cpu_us_per_event: f64,
    pub peak_rss_mib: Option<f64>,
}

/// The pure core (decode → screen → encode) on the same events, in this process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorePath {
    pub events: u64,
    pub cpu_us_per_event: f64,
    /// Whether it kept history as the service did (screening against the events before,
    /// encoding the changelog value); results written before this field had none.
    #[serde(default)]
    pub with_history: bool,
    /// With history: the same path over all the drain's events in a history per partition
    /// (`events::core_path_at_scale`); results written before this field had none.
    #[serde(default)]
    pub at_scale_us_per_event: Option<f64>,
}

/// Everything one `bench` invocation measured, and how it was set up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub target: String,
    pub format: String,
    pub partitions: i32,
    pub instances: usize,
    pub events: u64,
    pub service_args: Vec<String>,
    /// Service lines of every event (`--lines`); `None`: the generator's own mix.
    #[serde(default)]
    pub lines: Option<usize>,
    pub core: Option<CorePath>,
    pub drains: Vec<DrainRun>,
    pub latencies: Vec<Latency>,
}

/// Medians over the runs, and the medians of each run's ratios.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub consumer_per_s: f64,
    pub pipe_per_s: f64,
    pub service_per_s: f64,
    /// Service ÷ bare pipe and service ÷ bare consumer, in the same run.
    pub of_pipe: f64,
    pub of_consumer: f64,
    pub service_cpu_us: f64,
    pub pipe_cpu_us: f64,
    pub consumer_cpu_us: f64,
    pub service_peak_mib: Option<f64>,
    /// Service CPU per event ÷ the core path's.
    pub cpu_of_core: Option<f64>,
    /// Service CPU per event ÷ the core path's at the drain's scale.
    pub cpu_of_core_at_scale: Option<f64>,
}

impl Results {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a results file", path.display()))
    }

    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self).expect("results serialise");
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    /// `None` without drains.
    pub fn summary(&self) -> Option<Summary> {
        let of = |pick: &dyn Fn(&DrainRun) -> f64| {
            median(&self.drains.iter().map(pick).collect::<Vec<_>>())
        };
        let service_cpu_us = of(&|r| r.service.cpu_us_per_event)?;
        Some(Summary {
            consumer_per_s: of(&|r| r.consumer.events_per_s)?,
            pipe_per_s: of(&|r| r.pipe.events_per_s)?,
            service_per_s: of(&|r| r.service.events_per_s)?,
            of_pipe: of(&|r| r.service.events_per_s / r.pipe.events_per_s)?,
            of_consumer: of(&|r| r.service.events_per_s / r.consumer.events_per_s)?,
            service_cpu_us,
            pipe_cpu_us: of(&|r| r.pipe.cpu_us_per_event)?,
            consumer_cpu_us: of(&|r| r.consumer.cpu_us_per_event)?,
            service_peak_mib: of(&|r| r.service.peak_rss_mib.unwrap_or(f64::NAN)),
            cpu_of_core: self
                .core
                .as_ref()
                .map(|c| service_cpu_us / c.cpu_us_per_event),
            cpu_of_core_at_scale: self
                .core
                .as_ref()
                .and_then(|c| c.at_scale_us_per_event)
                .map(|at_scale| service_cpu_us / at_scale),
        })
    }

    /// The latency rows of one offered rate.
    pub fn at_rate(&self, rate: u32) -> Vec<&Latency> {
        self.latencies
            .iter()
            .filter(|l| l.offered_per_s == rate)
            .collect()
    }

    /// The offered rates, in increasing order, once each.
    pub fn rates(&self) -> Vec<u32> {
        let mut rates: Vec<u32> = self.latencies.iter().map(|l| l.offered_per_s).collect();
        rates.sort_unstable();
        rates.dedup();
        rates
    }
}

#[cfg(test)]
mod tests;
