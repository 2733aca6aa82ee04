//! The scenario mix: what kind of claim each generated encounter is, and how often.
//!
//! [`MIX`] is the one place with the weights: mostly clean traction claims, PT visits
//! without traction, a few voids and replacements, and the billing errors seen most in
//! traction claims, each weighted by how often it occurs in practice and aimed at one rule
//! of RULES.md. The error itself is a small function in `inject`.

use std::fmt;

use rand::rngs::StdRng;

use traction_screen_core::domain::{ClaimFrequency, Encounter};

use super::inject::{self, Injection};
use super::patient::{ClaimKind, Eligible};
use super::weighted;

/// What a generated encounter is meant to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// A traction visit billed correctly.
    Clean,
    /// A PT visit without traction: out of the screen's scope.
    OutOfScope,
    /// A void of the patient's previous claim.
    Void,
    /// A corrected, clean replacement of the patient's previous claim.
    Replacement,
    /// TR-001: 97012 billed with 2 or more units.
    TractionUnits,
    /// TR-016: 97140 on the same day without 59 or an X modifier.
    ManualTherapyPair,
    /// TR-012: traction furnished by an assistant, no CQ (Medicare).
    AssistantWithoutCq,
    /// TR-010: no GP modifier.
    MissingGp,
    /// TR-004: more timed units than the minutes allow (Medicare).
    EightMinuteRule,
    /// TR-018: no KX above the yearly threshold (Medicare Part B).
    KxMissing,
    /// TR-025: only a weak or non-supporting diagnosis behind 97012.
    WeakDiagnosis,
    /// TR-023: a non-billable category header such as M54.5.
    HeaderDiagnosis,
    /// TR-036: traction documentation lacking parameters.
    IncompleteDocumentation,
    /// TR-035: 97012 billed with no traction documentation.
    UndocumentedTraction,
    /// TR-007: a decompression table billed as 97012.
    DecompressionDevice,
    /// TR-005: manual traction billed as 97012.
    ManualTraction,
    /// TR-021: traction billed as a telehealth service.
    Telehealth,
    /// TR-032: a visit after the certification ended (Medicare Part B).
    ExpiredCertification,
    /// TR-037: more than 10 visits since the last progress report (Medicare).
    ProgressReportOverdue,
    /// TR-027: traction despite a contraindicated diagnosis.
    Contraindication,
}

/// How often each scenario is drawn, per mille (they add up to 1000). Clean 60%, out of
/// scope 15%, void 1%, replacement 2%, errors 22% by how often billers make them.
pub(super) const MIX: [(Scenario, u32); 20] = [
    (Scenario::Clean, 600),
    (Scenario::OutOfScope, 150),
    (Scenario::Void, 10),
    (Scenario::Replacement, 20),
    (Scenario::TractionUnits, 30),
    (Scenario::ManualTherapyPair, 30),
    (Scenario::AssistantWithoutCq, 15),
    (Scenario::MissingGp, 20),
    (Scenario::EightMinuteRule, 20),
    (Scenario::KxMissing, 15),
    (Scenario::WeakDiagnosis, 20),
    (Scenario::HeaderDiagnosis, 15),
    (Scenario::IncompleteDocumentation, 15),
    (Scenario::UndocumentedTraction, 8),
    (Scenario::DecompressionDevice, 6),
    (Scenario::ManualTraction, 6),
    (Scenario::Telehealth, 4),
    (Scenario::ExpiredCertification, 6),
    (Scenario::ProgressReportOverdue, 8),
    (Scenario::Contraindication, 2),
];

impl Scenario {
    /// Every scenario, in [`MIX`] order.
    pub fn all() -> impl Iterator<Item = Scenario> {
        MIX.iter().map(|(scenario, _)| *scenario)
    }

    /// A stable snake_case name for summaries and metrics labels.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Clean => "clean",
            Scenario::OutOfScope => "out_of_scope",
            Scenario::Void => "void",
            Scenario::Replacement => "replacement",
            Scenario::TractionUnits => "traction_units",
            Scenario::ManualTherapyPair => "manual_therapy_pair",
            Scenario::AssistantWithoutCq => "assistant_without_cq",
            Scenario::MissingGp => "missing_gp",
            Scenario::EightMinuteRule => "eight_minute_rule",
            Scenario::KxMissing => "kx_missing",
            Scenario::WeakDiagnosis => "weak_diagnosis",
            Scenario::HeaderDiagnosis => "header_diagnosis",
            Scenario::IncompleteDocumentation => "incomplete_documentation",
            Scenario::UndocumentedTraction => "undocumented_traction",
            Scenario::DecompressionDevice => "decompression_device",
            Scenario::ManualTraction => "manual_traction",
            Scenario::Telehealth => "telehealth",
            Scenario::ExpiredCertification => "expired_certification",
            Scenario::ProgressReportOverdue => "progress_report_overdue",
            Scenario::Contraindication => "contraindication",
        }
    }

    /// The rule this scenario's error is meant to trigger; `None` for the claims that
    /// should pass.
    pub fn expected_rule(self) -> Option<&'static str> {
        match self {
            Scenario::Clean | Scenario::OutOfScope | Scenario::Void | Scenario::Replacement => None,
            Scenario::TractionUnits => Some("TR-001"),
            Scenario::ManualTherapyPair => Some("TR-016"),
            Scenario::AssistantWithoutCq => Some("TR-012"),
            Scenario::MissingGp => Some("TR-010"),
            Scenario::EightMinuteRule => Some("TR-004"),
            Scenario::KxMissing => Some("TR-018"),
            Scenario::WeakDiagnosis => Some("TR-025"),
            Scenario::HeaderDiagnosis => Some("TR-023"),
            Scenario::IncompleteDocumentation => Some("TR-036"),
            Scenario::UndocumentedTraction => Some("TR-035"),
            Scenario::DecompressionDevice => Some("TR-007"),
            Scenario::ManualTraction => Some("TR-005"),
            Scenario::Telehealth => Some("TR-021"),
            Scenario::ExpiredCertification => Some("TR-032"),
            Scenario::ProgressReportOverdue => Some("TR-037"),
            Scenario::Contraindication => Some("TR-027"),
        }
    }

    pub(super) fn draw(rng: &mut StdRng) -> Self {
        weighted(rng, &MIX)
    }

    /// The patients the error can happen to: the Medicare-only rules need Medicare.
    pub(super) fn eligible(self) -> Eligible {
        match self {
            Scenario::AssistantWithoutCq
            | Scenario::EightMinuteRule
            | Scenario::ProgressReportOverdue => Eligible::Medicare,
            Scenario::KxMissing | Scenario::ExpiredCertification => Eligible::MedicarePartB,
            _ => Eligible::AnyPlan,
        }
    }

    pub(super) fn claim_kind(self) -> ClaimKind {
        match self {
            Scenario::Void | Scenario::Replacement => ClaimKind::Rebill,
            // Assistants do not evaluate; certifications lapse and progress reports fall
            // behind only during an episode.
            Scenario::AssistantWithoutCq
            | Scenario::ExpiredCertification
            | Scenario::ProgressReportOverdue => ClaimKind::FollowUp,
            _ => ClaimKind::Visit,
        }
    }

    pub(super) fn has_traction(self) -> bool {
        self != Scenario::OutOfScope
    }

    /// Turns the clean claim into this scenario's claim.
    pub(super) fn inject(self, rng: &mut StdRng, event: &mut Encounter, context: &Injection) {
        let error: fn(&mut StdRng, &mut Encounter, &Injection) = match self {
            Scenario::Clean | Scenario::OutOfScope => return,
            Scenario::Void => {
                event.claim_frequency = ClaimFrequency::Void;
                return;
            }
            Scenario::Replacement => {
                event.claim_frequency = ClaimFrequency::Replacement;
                return;
            }
            Scenario::TractionUnits => inject::traction_units,
            Scenario::ManualTherapyPair => inject::manual_therapy_pair,
            Scenario::AssistantWithoutCq => inject::assistant_without_cq,
            Scenario::MissingGp => inject::missing_gp,
            Scenario::EightMinuteRule => inject::eight_minute_rule,
            Scenario::KxMissing => inject::kx_missing,
            Scenario::WeakDiagnosis => inject::weak_diagnosis,
            Scenario::HeaderDiagnosis => inject::header_diagnosis,
            Scenario::IncompleteDocumentation => inject::incomplete_documentation,
            Scenario::UndocumentedTraction => inject::undocumented_traction,
            Scenario::DecompressionDevice => inject::decompression_device,
            Scenario::ManualTraction => inject::manual_traction,
            Scenario::Telehealth => inject::telehealth,
            Scenario::ExpiredCertification => inject::expired_certification,
            Scenario::ProgressReportOverdue => inject::progress_report_overdue,
            Scenario::Contraindication => inject::contraindication,
        };
        error(rng, event, context);
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use traction_screen_core::rules::catalogue::rule_ids;

    #[test]
    fn the_mix_adds_up_to_a_thousand_with_22_per_cent_errors() {
        let total: u32 = MIX.iter().map(|(_, weight)| weight).sum();
        let errors: u32 = MIX
            .iter()
            .filter(|(scenario, _)| scenario.expected_rule().is_some())
            .map(|(_, weight)| weight)
            .sum();
        assert_eq!((total, errors), (1000, 220));
    }

    #[test]
    fn every_scenario_is_in_the_mix_once_with_a_unique_name() {
        let scenarios: BTreeSet<Scenario> = Scenario::all().collect();
        let names: BTreeSet<&str> = Scenario::all().map(Scenario::name).collect();
        assert_eq!((scenarios.len(), names.len()), (MIX.len(), MIX.len()));
        assert!(MIX.iter().all(|(_, weight)| *weight > 0));
    }

    #[test]
    fn each_error_scenario_aims_at_its_own_catalogue_rule() {
        let catalogue = rule_ids();
        let expected: Vec<&str> = Scenario::all()
            .filter_map(Scenario::expected_rule)
            .collect();
        let distinct: BTreeSet<&str> = expected.iter().copied().collect();
        assert_eq!(expected.len(), 16);
        assert_eq!(distinct.len(), 16);
        assert!(
            expected.iter().all(|id| catalogue.contains(id)),
            "{expected:?}"
        );
    }

    #[test]
    fn names_display_as_snake_case() {
        assert_eq!(
            Scenario::ProgressReportOverdue.to_string(),
            "progress_report_overdue"
        );
        assert_eq!(Scenario::Clean.to_string(), "clean");
    }
}
