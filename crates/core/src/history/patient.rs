//! One patient's history: every version of every claim still retained, in stream order,
//! each linked to the next version of its claim, and the retention that forgets old claims.

use super::record::{Position, UNDATED, Version};
use crate::domain::Date;

/// Days of RULES.md's retention: a claim whose DOS are all more than this many days before
/// the patient's newest DOS may be forgotten.
pub(super) const RETENTION_DAYS: i64 = 400;
/// RULES.md's promise: an event within this many days of the newest DOS never sees a
/// forgotten claim.
pub(super) const PROTECTED_DAYS: i64 = 365;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PatientHistory {
    pub id: Box<str>,
    /// The newest DOS of any version recorded (epoch days; [`UNDATED`] before the first).
    pub newest: i32,
    /// Sorted by position (stable: equal positions keep their order of arrival).
    pub versions: Vec<Version>,
}

impl PatientHistory {
    pub fn new(id: &str) -> Self {
        Self {
            id: id.into(),
            newest: UNDATED,
            versions: Vec::new(),
        }
    }

    /// The position of the version `event_id` made.
    pub fn position_of(&self, event_id: &str) -> Option<Position> {
        self.versions
            .iter()
            .find(|v| v.is_event(event_id))
            .map(|v| v.position)
    }

    /// Adds `version` in position order and links its claim's versions.
    pub fn insert(&mut self, version: Version) {
        if version.date != UNDATED && (self.newest == UNDATED || version.date > self.newest) {
            self.newest = version.date;
        }
        let at = self
            .versions
            .partition_point(|v| v.position <= version.position);
        // Grown one at a time: a patient holds a handful of versions, and spare capacity
        // would cost more memory than the copies cost time.
        self.versions.reserve_exact(1);
        self.versions.insert(at, version);
        self.link(at);
        if self.newest != UNDATED {
            for version in self.versions.iter_mut().filter(|v| v.date == UNDATED) {
                version.date = self.newest;
            }
        }
    }

    /// Sets `next` on every version of the claim of `self.versions[at]`.
    pub fn link(&mut self, at: usize) {
        let mut previous: Option<usize> = None;
        for index in 0..self.versions.len() {
            if self.versions[index].same_claim(&self.versions[at]) {
                if let Some(p) = previous {
                    self.versions[p].next = self.versions[index].position;
                }
                previous = Some(index);
            }
        }
        if let Some(p) = previous {
            self.versions[p].next = Position::MAX;
        }
    }

    /// Forgets every claim all of whose versions are dated before the retention bound of
    /// the patient's newest DOS; returns the versions removed.
    pub fn forget_old_claims(&mut self) -> Vec<Version> {
        let Some(bound) = retention_bound(self.newest) else {
            return Vec::new();
        };
        let old = |v: &Version| v.date < bound;
        if !self.versions.iter().any(old) {
            return Vec::new();
        }
        let forgotten: Vec<bool> = self
            .versions
            .iter()
            .map(|v| {
                old(v)
                    && self
                        .versions
                        .iter()
                        .filter(|other| other.same_claim(v))
                        .all(old)
            })
            .collect();
        let mut removed = Vec::new();
        let mut index = 0;
        self.versions.retain(|version| {
            let keep = !forgotten[index];
            index += 1;
            if !keep {
                removed.push(version.clone());
            }
            keep
        });
        if !removed.is_empty() {
            self.versions.shrink_to_fit();
        }
        removed
    }
}

/// The DOS (epoch days) before which a claim may be forgotten when the patient's newest
/// DOS is `newest`: at most RULES.md's 400 days back, and never later than January 1 of the
/// year 365 days back. The promise "an event within 365 days of the newest DOS never sees
/// a forgotten claim" needs the second: TR-053 sums a calendar year, so an event on
/// December 31 of that year reads claims back to its January 1, up to 729 days back.
pub(super) fn retention_bound(newest: i32) -> Option<i32> {
    if newest == UNDATED {
        return None;
    }
    let newest = Date::from_epoch_days(newest)?;
    let retention = newest.plus_days(-RETENTION_DAYS);
    let protected = newest.plus_days(-PROTECTED_DAYS);
    let january_first = Date::from_ymd(protected.year(), 1, 1)?;
    Some(retention.min(january_first).epoch_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::date;

    fn bound(newest: Date) -> Date {
        Date::from_epoch_days(retention_bound(newest.epoch_days()).unwrap()).unwrap()
    }

    #[test]
    fn the_bound_is_january_first_of_the_year_365_days_back_when_that_is_earlier() {
        // 365 days before 2026-12-31 is 2025-12-31: its year's claims are kept from Jan 1.
        assert_eq!(bound(date(2026, 12, 31)), date(2025, 1, 1));
        assert_eq!(bound(date(2026, 3, 17)), date(2025, 1, 1));
        // 365 days before 2026-01-01 is 2025-01-01; 400 days before is 2024-11-27.
        assert_eq!(bound(date(2026, 1, 1)), date(2024, 11, 27));
        assert_eq!(bound(date(2026, 2, 5)), date(2025, 1, 1));
        assert_eq!(bound(date(2026, 2, 4)), date(2024, 12, 31));
    }

    #[test]
    fn nothing_is_forgotten_before_the_patient_has_a_date_of_service() {
        assert_eq!(retention_bound(UNDATED), None);
    }
}
