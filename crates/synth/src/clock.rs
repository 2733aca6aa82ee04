//! The generator's own clock: business hours on weekdays, from a fixed start.
//!
//! Encounters are emitted between 12:00 and 24:00 UTC (clinic hours across US time
//! zones) on Monday to Friday, a random gap apart. Dates of service are the emission day
//! or, for charges entered late, one or two business days earlier. The clock runs from
//! 2025-01-06 to 2026-12-31 and then starts over, so dates of service stay in 2025-2026
//! however long a run is; event times are non-decreasing within each pass.

use rand::Rng;
use rand::rngs::StdRng;

use traction_screen_core::domain::{Date, Timestamp};

use super::weighted;

const DAY_MS: i64 = 86_400_000;
const OPEN_MS: i64 = 12 * 3_600_000;
const CLOSE_MS: i64 = DAY_MS;
/// Encounters per business day: what the patient population's visits add up to.
pub(super) const ENCOUNTERS_PER_DAY: i64 = 440;
/// Gaps are uniform in `0..=MAX_GAP_MS`, so their mean spreads a day's encounters over
/// the opening hours.
const MAX_GAP_MS: i64 = 2 * (CLOSE_MS - OPEN_MS) / ENCOUNTERS_PER_DAY;
/// Business days between the visit and the charge entry, with their shares.
const ENTRY_LAG_MIX: [(i64, u32); 3] = [(0, 75), (1, 18), (2, 7)];

pub(super) struct Clock {
    day: Date,
    millis_of_day: i64,
}

impl Clock {
    pub fn start() -> Self {
        Self {
            day: first_day(),
            millis_of_day: OPEN_MS,
        }
    }

    /// Moves the clock on by one emission and returns the new time.
    pub fn tick(&mut self, rng: &mut StdRng) -> Timestamp {
        self.millis_of_day += rng.random_range(0..=MAX_GAP_MS);
        if self.millis_of_day >= CLOSE_MS {
            self.millis_of_day = OPEN_MS + (self.millis_of_day - CLOSE_MS);
            self.day = next_business_day(self.day);
            if self.day > last_day() {
                self.day = first_day();
            }
        }
        Timestamp(i64::from(self.day.epoch_days()) * DAY_MS + self.millis_of_day)
    }

    /// The date of service of a charge entered now.
    pub fn date_of_service(&self, rng: &mut StdRng) -> Date {
        let lag = weighted(rng, &ENTRY_LAG_MIX);
        (0..lag).fold(self.day, |day, _| previous_business_day(day))
    }
}

pub(super) fn first_day() -> Date {
    Date::from_ymd(2025, 1, 6).expect("a valid constant date")
}

pub(super) fn last_day() -> Date {
    Date::from_ymd(2026, 12, 31).expect("a valid constant date")
}

/// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
pub(super) fn weekday(day: Date) -> i32 {
    (day.epoch_days() + 3).rem_euclid(7)
}

fn next_business_day(day: Date) -> Date {
    let mut next = day.plus_days(1);
    while weekday(next) >= 5 {
        next = next.plus_days(1);
    }
    next
}

fn previous_business_day(day: Date) -> Date {
    let mut previous = day.plus_days(-1);
    while weekday(previous) >= 5 {
        previous = previous.plus_days(-1);
    }
    previous
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn weekdays_count_from_monday() {
        assert_eq!(weekday(first_day()), 0);
        assert_eq!(weekday(last_day()), 3);
        assert_eq!(weekday(Date::from_ymd(2025, 1, 4).unwrap()), 5);
    }

    #[test]
    fn friday_evening_rolls_over_to_monday_noon() {
        let friday = Date::from_ymd(2025, 1, 10).unwrap();
        let mut clock = Clock {
            day: friday,
            millis_of_day: CLOSE_MS - 1,
        };
        let now = clock.tick(&mut StdRng::seed_from_u64(1));
        let monday_noon =
            i64::from(Date::from_ymd(2025, 1, 13).unwrap().epoch_days()) * DAY_MS + OPEN_MS;
        assert!(
            (monday_noon..=monday_noon + MAX_GAP_MS).contains(&now.millis()),
            "{}",
            now.to_rfc3339()
        );
    }

    #[test]
    fn the_clock_starts_over_after_2026() {
        let mut clock = Clock {
            day: last_day(),
            millis_of_day: CLOSE_MS - 1,
        };
        clock.tick(&mut StdRng::seed_from_u64(1));
        assert_eq!(clock.day, first_day());
    }

    #[test]
    fn dates_of_service_are_business_days_at_most_two_back() {
        let monday = first_day();
        let clock = Clock::start();
        let mut rng = StdRng::seed_from_u64(3);
        let earliest = Date::from_ymd(2025, 1, 2).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..1_000 {
            seen.insert(clock.date_of_service(&mut rng));
        }
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            vec![earliest, Date::from_ymd(2025, 1, 3).unwrap(), monday]
        );
    }
}
