//! The generator's reference data: plan mix, payer ids, diagnosis codes, fees, devices and
//! documentation phrases of a US outpatient physical-therapy practice.
//!
//! Diagnosis codes are canonical (dotless, upper case), as the rules see them after
//! decoding, and are all billable FY2026 ICD-10-CM codes except the deliberate headers in
//! [`Region::headers`]; the tests check both against the bundled code set and the rule
//! pack's lists, so an edit here cannot silently make a clean claim fire a rule.

use traction_screen_core::domain::{BodyRegion, PlanType};

/// Share of patients (per cent) by plan type, like a US outpatient PT practice.
/// Listed in [`PlanType::ALL`] order: the population keeps its slots in this order so that
/// "a Medicare patient" is a contiguous range of slots.
pub(super) const PLAN_MIX: [(PlanType, u32); 7] = [
    (PlanType::MedicarePartB, 35),
    (PlanType::MedicareAdvantage, 20),
    (PlanType::Medicaid, 8),
    (PlanType::Commercial, 30),
    (PlanType::WorkersComp, 4),
    (PlanType::Auto, 2),
    (PlanType::Other, 1),
];

/// Clearinghouse payer ids by plan type: Medicare Part B MAC contract numbers, the big
/// Medicare Advantage and commercial carriers, state Medicaid programs, and a few
/// workers' compensation, auto and government (VA CCN, TRICARE) payers.
pub(super) fn payer_ids(plan: PlanType) -> &'static [&'static str] {
    match plan {
        PlanType::MedicarePartB => &[
            "01112", "01182", "03102", "04112", "04412", "05102", "06102", "08202", "09102",
            "10212", "11502", "12402", "12502", "13202", "15202",
        ],
        PlanType::MedicareAdvantage => &["61101", "87726", "60054", "14163", "DEVOT"],
        PlanType::Medicaid => &[
            "SKNY0", "SKCA0", "SKTX0", "SKFL0", "SKPA0", "SKOH0", "SKIL0", "SKGA0",
        ],
        PlanType::Commercial => &[
            "60054", "87726", "62308", "61101", "00621", "84980", "54771", "22099", "00590",
            "47198", "04271",
        ],
        PlanType::WorkersComp => &["33600", "39026", "19046"],
        PlanType::Auto => &["31059", "24260", "25178"],
        PlanType::Other => &["TWVACCN", "99726"],
    }
}

/// Everything region-specific about a spine patient: codes, positions, forces, phrases.
#[derive(Debug)]
pub(super) struct Region {
    pub body: BodyRegion,
    /// List S of this region: diagnoses that support traction.
    pub supporting: &'static [&'static str],
    /// List W codes of this region: common, but weak support on their own.
    pub weak: &'static [&'static str],
    /// Non-billable category headers billers still send (TR-023).
    pub headers: &'static [&'static str],
    /// List C codes that are contraindications whatever the traction region (TR-027).
    pub contraindications: &'static [&'static str],
    pub positions: &'static [&'static str],
    pub responses: &'static [&'static str],
    /// Typical applied force, in whole pounds.
    pub force_lbs: (u32, u32),
}

pub(super) static LUMBAR: Region = Region {
    body: BodyRegion::Lumbar,
    supporting: &[
        "M5416", "M5416", "M5417", "M5116", "M5117", "M51360", "M51361", "M51362", "M51370",
        "M5126", "M5127", "M48061", "M48062", "M4807", "M4726", "M4727", "M5430", "M5431", "M5432",
        "M5441", "M5442", "G544",
    ],
    weak: &[
        "M5450", "M5450", "M5451", "M5459", "M549", "M47816", "M5386", "M62830", "S335XXA",
        "S39012A", "M9903",
    ],
    headers: &["M545", "M545", "M5136", "M4806", "M541"],
    contraindications: &[
        "C7951", "C412", "M4626", "M4646", "G834", "M5106", "M4716", "M4856XA", "S32010A",
    ],
    positions: &[
        "prone",
        "prone, pillow under abdomen",
        "supine, hips and knees flexed",
        "supine, 90/90 position",
    ],
    responses: &[
        "Tolerated well, no increase in symptoms",
        "Reports decreased leg pain after treatment",
        "Centralization of symptoms noted",
        "Patient reports improved sitting tolerance",
        "Able to stand upright with less pain",
        "Mild soreness, resolved by end of session",
    ],
    force_lbs: (40, 100),
};

pub(super) static CERVICAL: Region = Region {
    body: BodyRegion::Cervical,
    supporting: &[
        "M5412", "M5412", "M5413", "M50120", "M50121", "M50122", "M50123", "M5020", "M50220",
        "M5030", "M50320", "M4722", "M4802", "M531", "G542",
    ],
    weak: &[
        "M542", "M542", "S134XXA", "S161XXA", "M47812", "M5382", "M9901", "M7912", "M62830",
    ],
    headers: &["M5012", "M5022", "M4781", "M541"],
    contraindications: &["C7951", "C412", "M4622", "M4642", "M5000", "M4712", "M433"],
    positions: &["supine", "supine, neck in 25 degrees flexion", "seated"],
    responses: &[
        "Tolerated well, no increase in symptoms",
        "Decreased arm paresthesia reported after treatment",
        "Reports reduced neck pain and headache",
        "Centralization of symptoms noted",
        "Improved cervical rotation after session",
    ],
    force_lbs: (10, 25),
};

/// Share of traction patients treated for the low back (the rest: the neck), per cent.
pub(super) const LUMBAR_PERCENT: u32 = 65;

/// Diagnoses that are common in PT but do not support traction (TR-025's "non-supporting").
pub(super) const NON_SUPPORTING: &[&str] = &["M6281", "R293", "R2689"];

/// Comorbidities coded on PT claims. None is on a contraindication or precaution list.
pub(super) const COMORBID: &[&str] = &[
    "I10", "I10", "E119", "E785", "E669", "G4733", "F419", "M6281", "R262", "Z9181", "K219",
    "E039", "J449", "M1711",
];

/// Traction units and tables a clean claim documents (no decompression keyword inside).
pub(super) const DEVICES: &[&str] = &[
    "Chattanooga Triton",
    "Saunders 3D ActiveTrac",
    "Tru-Trac",
    "Chattanooga TX",
];

/// Decompression systems billed as 97012 (TR-007); each holds a pack keyword.
pub(super) const DECOMPRESSION_DEVICES: &[&str] = &[
    "DRX9000",
    "Triton DTS",
    "Accu-SPINA",
    "SpineMED",
    "VAX-D",
    "Lordex Lumbar Spine System",
    "IDD Therapy",
];

/// Timed codes of a traction visit, with the chance (per cent) each is on a visit.
pub(super) const TIMED_MIX: [(&str, u32); 4] =
    [("97110", 80), ("97140", 45), ("97530", 35), ("97112", 25)];

/// Evaluation codes (low, moderate, high complexity), with their shares.
pub(super) const EVALUATION_MIX: [(&str, u32); 3] = [("97161", 20), ("97162", 55), ("97163", 25)];

/// Place of service of a clinic: private office, hospital outpatient, off-campus outpatient.
pub(super) const PLACE_OF_SERVICE_MIX: [(&str, u32); 3] = [("11", 60), ("22", 25), ("19", 15)];

/// Billed charge and Medicare-like allowed amount of one unit, in cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fee {
    pub charge_cents: i64,
    pub allowed_cents: i64,
}

pub(super) fn fee(code: &str) -> Fee {
    let (charge_cents, allowed_cents) = match code {
        "97012" => (7_000, 1_400),
        "97110" => (9_500, 2_900),
        "97112" => (10_000, 3_300),
        "97140" => (9_000, 2_700),
        "97530" => (11_000, 3_400),
        "97161" => (26_000, 9_900),
        "97162" => (30_000, 9_900),
        "97163" => (34_000, 9_900),
        _ => (9_000, 2_900),
    };
    Fee {
        charge_cents,
        allowed_cents,
    }
}

/// An upper bound of one visit's allowed amount (an evaluation, 97012 and at most six
/// timed units), used to keep clean Medicare Part B patients under targeted review.
pub(super) const MAX_VISIT_ALLOWED_CENTS: i64 = 9_900 + 1_400 + 6 * 3_400;

#[cfg(test)]
mod tests {
    use super::*;
    use traction_screen_core::rules::icd10::IcdCodeSet;
    use traction_screen_core::rules::{DiagnosisClass, RulePack};

    /// The list C groups that do not depend on the traction region.
    fn contraindicated() -> DiagnosisClass {
        DiagnosisClass::MALIGNANCY
            .with(DiagnosisClass::SPINAL_INFECTION)
            .with(DiagnosisClass::CORD_COMPRESSION)
            .with(DiagnosisClass::INSTABILITY)
            .with(DiagnosisClass::VERTEBRAL_FRACTURE)
    }

    fn class(code: &str) -> DiagnosisClass {
        RulePack::built_in().diagnoses.classify(code)
    }

    fn billable(code: &str) -> bool {
        IcdCodeSet::bundled().is_billable(code)
    }

    #[test]
    fn supporting_codes_are_billable_and_on_their_regions_list_s() {
        for (region, list) in [
            (&LUMBAR, DiagnosisClass::SUPPORTING_LUMBAR),
            (&CERVICAL, DiagnosisClass::SUPPORTING_CERVICAL),
        ] {
            for code in region.supporting {
                assert!(billable(code), "{code}");
                assert_eq!(class(code), list, "{code}");
            }
        }
    }

    #[test]
    fn weak_and_non_supporting_codes_are_billable_and_never_supporting() {
        let weak = LUMBAR.weak.iter().chain(CERVICAL.weak);
        for code in weak {
            assert!(billable(code), "{code}");
            assert_eq!(class(code), DiagnosisClass::WEAK, "{code}");
        }
        for code in NON_SUPPORTING {
            assert!(billable(code), "{code}");
            assert_eq!(class(code), DiagnosisClass::NONE, "{code}");
        }
    }

    #[test]
    fn comorbidities_are_billable_and_on_no_list() {
        for code in COMORBID {
            assert!(billable(code), "{code}");
            assert_eq!(class(code), DiagnosisClass::NONE, "{code}");
        }
    }

    #[test]
    fn header_codes_are_not_billable_and_not_contraindications() {
        for code in LUMBAR.headers.iter().chain(CERVICAL.headers) {
            assert!(!billable(code), "{code}");
            assert!(!class(code).has(contraindicated()), "{code}");
        }
    }

    #[test]
    fn contraindication_codes_are_billable_and_on_list_c_for_any_region() {
        for code in LUMBAR
            .contraindications
            .iter()
            .chain(CERVICAL.contraindications)
        {
            assert!(billable(code), "{code}");
            assert!(class(code).has(contraindicated()), "{code}");
        }
    }

    #[test]
    fn only_the_decompression_devices_hold_a_decompression_keyword() {
        let pack = RulePack::built_in();
        let keywords = &pack.procedures.decompression_device_keywords;
        let holds_keyword = |device: &str| {
            let device = device.to_lowercase();
            keywords.iter().any(|k| device.contains(k.as_str()))
        };
        assert!(DEVICES.iter().all(|d| !holds_keyword(d)), "{DEVICES:?}");
        assert!(DECOMPRESSION_DEVICES.iter().all(|d| holds_keyword(d)));
    }

    #[test]
    fn every_plan_type_has_payers_and_the_plan_mix_is_in_plan_type_order() {
        assert_eq!(PLAN_MIX.map(|(plan, _)| plan), PlanType::ALL);
        assert_eq!(PLAN_MIX.iter().map(|(_, share)| share).sum::<u32>(), 100);
        assert!(
            PlanType::ALL
                .iter()
                .all(|plan| !payer_ids(*plan).is_empty())
        );
    }
}
