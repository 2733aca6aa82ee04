//! Pacing retries: capped, jittered exponential pauses that wake often enough to let the
//! caller give up (shutdown) without waiting out a long pause.

use std::time::{Duration, Instant};

/// How often a backoff pause wakes to ask the caller whether to give up: bounds shutdown delay.
const GIVE_UP_POLL: Duration = Duration::from_millis(20);

/// Capped exponential backoff with jitter.
#[derive(Debug, Clone, Copy)]
pub(super) struct Backoff {
    min: Duration,
    max: Duration,
}

impl Backoff {
    pub(super) fn new(min: Duration, max: Duration) -> Self {
        // A zero pause would hammer a registry that is down.
        let min = min.max(Duration::from_millis(1));
        Self {
            min,
            max: max.max(min),
        }
    }

    /// The pause after the `failures`-th consecutive failure: a ceiling of min·2^(failures−1)
    /// capped at max, jittered down by up to half so that workers failing together spread
    /// out, and never under min.
    pub(super) fn pause(&self, failures: u32) -> Duration {
        let doublings = 2u32.saturating_pow(failures.saturating_sub(1));
        let ceiling = self.min.saturating_mul(doublings).min(self.max);
        ceiling.mul_f64(rand::random_range(0.5..=1.0)).max(self.min)
    }
}

/// Sleeps for `pause` in short steps; true when `give_up()` said so before the pause ended.
pub(super) fn pause_unless_given_up(pause: Duration, give_up: &dyn Fn() -> bool) -> bool {
    let deadline = Instant::now() + pause;
    loop {
        if give_up() {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep((deadline - now).min(GIVE_UP_POLL));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_pauses_double_from_min_and_stay_within_min_and_max() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(10));
        for _ in 0..100 {
            assert_eq!(backoff.pause(1), Duration::from_millis(100));
            let fourth = backoff.pause(4);
            assert!(
                (Duration::from_millis(400)..=Duration::from_millis(800)).contains(&fourth),
                "{fourth:?}"
            );
            let late = backoff.pause(40);
            assert!(
                (Duration::from_secs(5)..=Duration::from_secs(10)).contains(&late),
                "{late:?}"
            );
        }
    }

    #[test]
    fn backoff_never_pauses_for_zero_or_below_its_min() {
        let backoff = Backoff::new(Duration::ZERO, Duration::ZERO);

        assert_eq!(backoff.pause(1), Duration::from_millis(1));
        assert_eq!(backoff.pause(u32::MAX), Duration::from_millis(1));
    }
}
