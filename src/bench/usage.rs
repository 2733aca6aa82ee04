//! CPU time and peak memory of processes, read from `/proc` (Linux): a [`Usage`] remembers
//! the CPU time of its processes when it was taken, [`Usage::until_now`] says what they used
//! since and their peak resident memory.

use std::fs;

use super::stats::{cpu_seconds, peak_rss_mib};

/// Clock ticks per second of `/proc/*/stat` (`USER_HZ`, 100 on every Linux architecture the
/// service is built for).
const TICKS: f64 = 100.0;

/// What processes used over a period.
#[derive(Clone, Copy, Debug, Default)]
pub struct Used {
    pub cpu_seconds: f64,
    /// The largest peak of the child processes (`None` for this process or thread).
    pub peak_rss_mib: Option<f64>,
}

/// The CPU time of some processes at one moment.
#[derive(Clone, Debug)]
pub struct Usage {
    /// `/proc` entries: `self`, `thread-self` or process ids.
    processes: Vec<String>,
    cpu_seconds: f64,
}

impl Usage {
    /// This process, all its threads.
    pub fn of_self() -> Self {
        Self::of(vec!["self".to_owned()])
    }

    /// The calling thread only.
    pub fn of_this_thread() -> Self {
        Self::of(vec!["thread-self".to_owned()])
    }

    /// Child processes.
    pub fn of_children(ids: &[u32]) -> Self {
        Self::of(ids.iter().map(u32::to_string).collect())
    }

    fn of(processes: Vec<String>) -> Self {
        let cpu_seconds = total_cpu(&processes);
        Self {
            processes,
            cpu_seconds,
        }
    }

    /// The CPU time used since this was taken, and the peak memory of child processes.
    pub fn until_now(&self) -> Used {
        let peak_rss_mib = self
            .processes
            .iter()
            .filter(|p| p.parse::<u32>().is_ok())
            .filter_map(|p| fs::read_to_string(format!("/proc/{p}/status")).ok())
            .filter_map(|status| peak_rss_mib(&status))
            .reduce(f64::max);
        Used {
            cpu_seconds: total_cpu(&self.processes) - self.cpu_seconds,
            peak_rss_mib,
        }
    }
}

fn total_cpu(processes: &[String]) -> f64 {
    processes
        .iter()
        .filter_map(|p| fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .filter_map(|stat| cpu_seconds(&stat, TICKS))
        .sum()
}
