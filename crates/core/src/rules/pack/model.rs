//! The validated pack, as the engine and the rules read it. Only `validate` builds it, so
//! every value here has passed the checks the rules rely on.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::AhoCorasick;
use rustc_hash::{FxHashMap, FxHashSet};

use super::DiagnosisClass;
use crate::domain::{PlanType, Severity};

/// How one rule is configured in the built-in profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSettings {
    pub severity: Severity,
    pub by_plan: BTreeMap<PlanType, Severity>,
    /// `None` means every plan type.
    pub plans: Option<BTreeSet<PlanType>>,
}

impl RuleSettings {
    /// The severity for `plan`, or `None` when the rule does not apply to it.
    pub fn severity_for(&self, plan: PlanType) -> Option<Severity> {
        if self
            .plans
            .as_ref()
            .is_some_and(|plans| !plans.contains(&plan))
        {
            return None;
        }
        Some(self.by_plan.get(&plan).copied().unwrap_or(self.severity))
    }
}

/// A payer's overrides of the built-in profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub description: Option<String>,
    pub disable: BTreeSet<String>,
    pub severity: BTreeMap<String, Severity>,
    /// TR-054's limit for this payer, instead of the pack's.
    pub max_traction_days_per_30_days: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Thresholds {
    /// Calendar year → KX threshold in cents.
    pub kx_threshold_cents: BTreeMap<i32, i64>,
    pub targeted_review_cents: i64,
    pub max_certification_days: i64,
    pub max_visits_between_progress_reports: i32,
    /// TR-054: distinct traction days allowed in 30 days (a payer profile may set its own).
    pub max_traction_days_per_30_days: i32,
}

impl Thresholds {
    /// The KX threshold for a date of service in `year`: that year's, else the latest
    /// known for a later year; `None` for a year before the first known one.
    pub fn kx_threshold_for(&self, year: i32) -> Option<i64> {
        self.kx_threshold_cents
            .range(..=year)
            .next_back()
            .map(|(_, cents)| *cents)
    }
}

#[derive(Debug, Clone)]
pub struct ProcedureLists {
    pub(super) timed: FxHashSet<String>,
    pub(super) active_untimed: FxHashSet<String>,
    pub(super) home_traction_equipment: FxHashSet<String>,
    pub telehealth_places_of_service: Vec<String>,
    pub telehealth_modifiers: Vec<String>,
    /// Lower case.
    pub decompression_device_keywords: Vec<String>,
    /// Parallel to the keywords: whether a keyword matches only where no letter stands
    /// directly before or after it (`decompression_device_bounded_keywords`).
    pub(super) decompression_keyword_bounded: Vec<bool>,
    /// The keywords compiled once, matched ignoring ASCII case, overlapping matches reported.
    pub(super) decompression_matcher: AhoCorasick,
}

impl ProcedureLists {
    /// List T of RULES.md.
    pub fn is_timed(&self, code: &str) -> bool {
        self.timed.contains(code)
    }

    /// List A of RULES.md (list T plus the active untimed codes).
    pub fn is_active(&self, code: &str) -> bool {
        self.timed.contains(code) || self.active_untimed.contains(code)
    }

    pub fn is_home_traction_equipment(&self, code: &str) -> bool {
        self.home_traction_equipment.contains(code)
    }

    /// The decompression keyword found first in a device name (ASCII case ignored; at one
    /// position, the earlier keyword of the list). A bounded keyword counts only where no
    /// letter stands directly before or after it.
    pub fn decompression_keyword(&self, device_name: &str) -> Option<&str> {
        self.decompression_matcher
            .find_overlapping_iter(device_name)
            .filter(|found| {
                let pattern = found.pattern().as_usize();
                !self.decompression_keyword_bounded[pattern]
                    || !letter_adjacent(device_name, found.start(), found.end())
            })
            .min_by_key(|found| (found.start(), found.pattern()))
            .map(|found| self.decompression_device_keywords[found.pattern().as_usize()].as_str())
    }
}

/// Whether a letter stands directly before `start` or at `end` of `text` (the match bounds
/// of an ASCII keyword, so both are character boundaries).
fn letter_adjacent(text: &str, start: usize, end: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphabetic)
        || text[end..].chars().next().is_some_and(char::is_alphabetic)
}

/// The ICD-10-CM prefix lists, compiled into one prefix table so that classifying a code
/// costs one hash probe per character of the code, whatever the length of the lists.
#[derive(Debug, Clone)]
pub struct DiagnosisLists {
    /// Prefix (packed by `icd10::code_key`) → the lists it is on.
    pub(super) prefixes: FxHashMap<u64, DiagnosisClass>,
    pub fracture_acute: Vec<u8>,
    pub fracture_healing: Vec<u8>,
}

impl DiagnosisLists {
    /// Every list a canonical (dotless, upper-case) code belongs to.
    pub fn classify(&self, code: &str) -> DiagnosisClass {
        let mut class = DiagnosisClass::NONE;
        // The key of each prefix in turn, built as `icd10::code_key` builds it.
        let mut key = 0u64;
        for (len, byte) in code.bytes().enumerate() {
            if len == 8 {
                break;
            }
            key = (key << 8) | u64::from(byte);
            if let Some(found) = self.prefixes.get(&key) {
                class = class.with(*found);
            }
        }
        class
    }
}
