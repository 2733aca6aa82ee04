//! The harness's arithmetic, pure: percentiles and medians of samples, the CPU time and
//! peak memory of a process as `/proc` writes them, the events a service finished as its
//! `/metrics` says.

/// The `q`-quantile (0 ≤ q ≤ 1) of `sorted` by the nearest-rank method: the smallest sample
/// with at least `q` of all samples at or below it. `None` for no samples.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The median of `values` (the mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// User + system CPU seconds from the text of `/proc/PID/stat` (or `/proc/thread-self/stat`),
/// with `ticks` clock ticks a second. The command name (field 2) may hold spaces and
/// parentheses, so fields are counted from its closing parenthesis.
pub fn cpu_seconds(stat: &str, ticks: f64) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace();
    // Fields 3.. follow the name: utime and stime are fields 14 and 15.
    let utime: f64 = fields.nth(11)?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / ticks)
}

/// Events the service has finished (outcomes and dead letters acknowledged by the broker),
/// from the text of its `/metrics`.
pub fn finished_events(metrics: &str) -> u64 {
    metrics
        .lines()
        .filter(|line| {
            line.starts_with("traction_screen_outcomes_total")
                || line.starts_with("traction_screen_dead_letters_total")
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// The cumulative buckets (upper bound in seconds, count) of the service's consume →
/// acknowledged histogram, from the text of its `/metrics`.
pub fn processing_buckets(metrics: &str) -> Vec<(f64, u64)> {
    const PREFIX: &str = "traction_screen_processing_seconds_bucket{le=\"";
    metrics
        .lines()
        .filter_map(|line| {
            let (le, count) = line.strip_prefix(PREFIX)?.split_once("\"} ")?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            Some((le, count.parse::<f64>().ok()? as u64))
        })
        .collect()
}

/// The smallest bucket bound that holds at least `q` of the samples (`None` without any).
pub fn bucket_percentile(buckets: &[(f64, u64)], q: f64) -> Option<f64> {
    let total = buckets.last()?.1;
    let wanted = (q * total as f64).ceil() as u64;
    (total > 0)
        .then(|| buckets.iter().find(|(_, count)| *count >= wanted))
        .flatten()
        .map(|(le, _)| *le)
}

/// Peak resident memory in MiB (`VmHWM`) from the text of `/proc/PID/status`.
pub fn peak_rss_mib(status: &str) -> Option<f64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let samples: Vec<f64> = (1..=1000).map(f64::from).collect();
        assert_eq!(percentile(&samples, 0.5), Some(500.0));
        assert_eq!(percentile(&samples, 0.99), Some(990.0));
        assert_eq!(percentile(&samples, 0.999), Some(999.0));
        assert_eq!(percentile(&samples, 1.0), Some(1000.0));
        assert_eq!(percentile(&samples, 0.0), Some(1.0));
    }

    #[test]
    fn a_percentile_of_few_samples_is_one_of_them() {
        assert_eq!(percentile(&[3.0, 7.0], 0.99), Some(7.0));
        assert_eq!(percentile(&[3.0, 7.0], 0.5), Some(3.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[4.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 2.0]), Some(2.0));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn cpu_time_is_user_plus_system_even_with_a_parenthesis_in_the_name() {
        let stat = "4242 (screen (0)) S 1 4242 4242 0 -1 4194560 2000 0 0 0 \
                    250 50 0 0 20 0 9 0 123 456 789";
        assert_eq!(cpu_seconds(stat, 100.0), Some(3.0));
        assert_eq!(cpu_seconds("garbage", 100.0), None);
    }

    #[test]
    fn finished_events_sum_every_verdict_and_dead_letter_reason() {
        let metrics = "# HELP traction_screen_outcomes_total Outcomes.\n\
            # TYPE traction_screen_outcomes_total counter\n\
            traction_screen_outcomes_total{verdict=\"PASS\"} 120\n\
            traction_screen_outcomes_total{verdict=\"FAIL\"} 7\n\
            traction_screen_dead_letters_total{reason=\"too_large\"} 2\n\
            traction_screen_events_consumed_total 500\n";
        assert_eq!(finished_events(metrics), 129);
        assert_eq!(finished_events(""), 0);
    }

    #[test]
    fn the_processing_percentile_is_the_bound_of_the_bucket_that_reaches_it() {
        let metrics = "# TYPE traction_screen_processing_seconds histogram\n\
            traction_screen_processing_seconds_bucket{le=\"0.01\"} 90\n\
            traction_screen_processing_seconds_bucket{le=\"0.025\"} 98\n\
            traction_screen_processing_seconds_bucket{le=\"0.5\"} 100\n\
            traction_screen_processing_seconds_bucket{le=\"+Inf\"} 100\n\
            traction_screen_processing_seconds_sum 1.5\n";
        let buckets = processing_buckets(metrics);
        assert_eq!(buckets.len(), 4);
        assert_eq!(bucket_percentile(&buckets, 0.5), Some(0.01));
        assert_eq!(bucket_percentile(&buckets, 0.98), Some(0.025));
        assert_eq!(bucket_percentile(&buckets, 0.99), Some(0.5));
        assert_eq!(bucket_percentile(&[], 0.99), None);
    }

    #[test]
    fn peak_memory_is_read_from_vmhwm_in_mebibytes() {
        let status = "Name:\ttraction-screen\nVmPeak:\t  900000 kB\nVmHWM:\t   65536 kB\n";
        assert_eq!(peak_rss_mib(status), Some(64.0));
        assert_eq!(peak_rss_mib("Name:\tx\n"), None);
    }
}
