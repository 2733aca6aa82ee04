//! Property tests of the screening engine on arbitrary encounters: synthetic ones from the
//! generator, then mutated field by field into combinations no fixture lists.

use proptest::prelude::*;
use traction_screen_core::codec::json::encounter_to_json;
use traction_screen_core::codec::{Decoder, InputFormat};
use traction_screen_core::domain::{
    BodyRegion, ClaimFrequency, Diagnosis, Discipline, Encounter, PerformedBy, PlanType, Severity,
    TractionMethod, Verdict,
};
use traction_screen_core::rules::catalogue::rule_ids;
use traction_screen_core::rules::in_scope;
use traction_screen_core::testing::engine;
use traction_screen_synth::Synth;

const CODES: &[&str] = &[
    "97012", "97140", "97110", "97010", "97014", "S9090", "E0830", "97530", "97161",
];
const MODIFIERS: &[&str] = &[
    "GP", "GO", "GN", "CQ", "KX", "59", "XS", "XU", "AT", "GY", "95",
];
const DIAGNOSES: &[&str] = &[
    "M5416", "M545", "M5450", "M4802", "S32010A", "S32010D", "I7100", "M452", "Z7901", "M6281",
    "O26891", "X",
];
const REGIONS: &[BodyRegion] = &[
    BodyRegion::Cervical,
    BodyRegion::Thoracic,
    BodyRegion::Lumbar,
    BodyRegion::Sacral,
];
const METHODS: &[TractionMethod] = &[
    TractionMethod::Mechanical,
    TractionMethod::Manual,
    TractionMethod::DecompressionDevice,
    TractionMethod::Inversion,
];
const DISCIPLINES: &[Discipline] = &[
    Discipline::PhysicalTherapist,
    Discipline::PhysicalTherapistAssistant,
    Discipline::Chiropractor,
    Discipline::OccupationalTherapist,
];

/// One change to an encounter, chosen by the strategy.
#[derive(Clone, Debug)]
enum Change {
    Units(usize, i32),
    Minutes(usize, Option<i32>),
    Code(usize, usize),
    Modifiers(usize, Vec<usize>),
    Pointers(usize, Vec<i32>),
    DayShift(usize, i64),
    Region(usize, Option<usize>),
    Diagnosis(usize, usize),
    Plan(usize),
    Discipline(usize),
    Method(usize),
    PerformedBy(Option<u8>),
    NoTraction,
    NoPlanOfCare,
    Spend(Option<i64>),
    Frequency(u8),
    DropLine(usize),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0..4usize, -1..4i32).prop_map(|(l, u)| Change::Units(l, u)),
        (0..4usize, proptest::option::of(0..70i32)).prop_map(|(l, m)| Change::Minutes(l, m)),
        (0..4usize, 0..CODES.len()).prop_map(|(l, c)| Change::Code(l, c)),
        (
            0..4usize,
            proptest::collection::vec(0..MODIFIERS.len(), 0..4)
        )
            .prop_map(|(l, m)| Change::Modifiers(l, m)),
        (0..4usize, proptest::collection::vec(0..5i32, 0..4))
            .prop_map(|(l, p)| Change::Pointers(l, p)),
        (0..4usize, -120..120i64).prop_map(|(l, d)| Change::DayShift(l, d)),
        (0..4usize, proptest::option::of(0..REGIONS.len())).prop_map(|(l, r)| Change::Region(l, r)),
        (0..3usize, 0..DIAGNOSES.len()).prop_map(|(i, c)| Change::Diagnosis(i, c)),
        (0..PlanType::ALL.len()).prop_map(Change::Plan),
        (0..DISCIPLINES.len()).prop_map(Change::Discipline),
        (0..METHODS.len()).prop_map(Change::Method),
        proptest::option::of(0..3u8).prop_map(Change::PerformedBy),
        Just(Change::NoTraction),
        Just(Change::NoPlanOfCare),
        proptest::option::of(0..400_000i64).prop_map(Change::Spend),
        (0..3u8).prop_map(Change::Frequency),
        (0..4usize).prop_map(Change::DropLine),
    ]
}

fn apply(event: &mut Encounter, change: &Change) {
    let lines = event.service_lines.len();
    let line = |index: usize| (lines > 0).then(|| index % lines);
    match change {
        Change::Units(l, units) => {
            if let Some(i) = line(*l) {
                event.service_lines[i].units = *units;
            }
        }
        Change::Minutes(l, minutes) => {
            if let Some(i) = line(*l) {
                event.service_lines[i].minutes = *minutes;
            }
        }
        Change::Code(l, c) => {
            if let Some(i) = line(*l) {
                event.service_lines[i].procedure_code = CODES[*c].into();
            }
        }
        Change::Modifiers(l, m) => {
            if let Some(i) = line(*l) {
                event.service_lines[i].modifiers =
                    m.iter().map(|m| MODIFIERS[*m].to_owned()).collect();
            }
        }
        Change::Pointers(l, p) => {
            if let Some(i) = line(*l) {
                event.service_lines[i].diagnosis_pointers = p.clone();
            }
        }
        Change::DayShift(l, days) => {
            if let Some(i) = line(*l) {
                let day = event.service_lines[i].date_of_service;
                event.service_lines[i].date_of_service = day.plus_days(*days);
            }
        }
        Change::Region(l, r) => {
            if let Some(i) = line(*l) {
                event.service_lines[i].body_region = r.map(|r| REGIONS[r]);
            }
        }
        Change::Diagnosis(i, c) => {
            let code = DIAGNOSES[*c].to_owned();
            match event.diagnoses.get_mut(*i) {
                Some(diagnosis) => diagnosis.code = code,
                None => event.diagnoses.push(Diagnosis {
                    pointer: event.diagnoses.len() as i32 + 1,
                    code,
                }),
            }
        }
        Change::Plan(p) => event.payer.plan_type = PlanType::ALL[*p],
        Change::Discipline(d) => event.rendering_provider.discipline = DISCIPLINES[*d],
        Change::Method(m) => {
            if let Some(traction) = event.traction.as_mut() {
                traction.method = METHODS[*m];
            }
        }
        Change::PerformedBy(p) => {
            if let Some(traction) = event.traction.as_mut() {
                traction.performed_by = p.map(|p| {
                    [
                        PerformedBy::Therapist,
                        PerformedBy::Assistant,
                        PerformedBy::Aide,
                    ][p as usize]
                });
            }
        }
        Change::NoTraction => event.traction = None,
        Change::NoPlanOfCare => event.plan_of_care = None,
        Change::Spend(cents) => event.therapy_spend_ytd_cents = *cents,
        Change::Frequency(f) => {
            event.claim_frequency = [
                ClaimFrequency::Original,
                ClaimFrequency::Replacement,
                ClaimFrequency::Void,
            ][*f as usize]
        }
        Change::DropLine(l) => {
            if let Some(i) = line(*l) {
                event.service_lines.remove(i);
            }
        }
    }
}

fn encounter() -> impl Strategy<Value = Encounter> {
    (any::<u64>(), proptest::collection::vec(change(), 0..6)).prop_map(|(seed, changes)| {
        let mut event = Synth::new(seed).next_encounter().encounter;
        for change in &changes {
            apply(&mut event, change);
        }
        event
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn verdict_and_score_follow_from_the_severities(event in encounter()) {
        let screening = engine().screen(&event);
        let count = |severity| screening.findings.iter().filter(|f| f.severity == severity).count() as i32;
        let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
        let verdict = if errors > 0 { Verdict::Fail } else if warnings > 0 { Verdict::Review } else { Verdict::Pass };
        prop_assert_eq!(screening.verdict, verdict);
        prop_assert_eq!(screening.risk_score, (40 * errors + 10 * warnings).min(100));
    }

    #[test]
    fn the_same_encounter_always_gives_the_same_screening(event in encounter()) {
        prop_assert_eq!(engine().screen(&event), engine().screen(&event.clone()));
    }

    #[test]
    fn findings_are_sorted_and_point_at_real_lines_of_known_rules(event in encounter()) {
        let screening = engine().screen(&event);
        let ids = rule_ids();
        let keys: Vec<(String, Option<i32>)> = screening.findings.iter().map(|f| (f.rule_id.to_string(), f.line_number)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        prop_assert_eq!(&keys, &sorted);
        for finding in &screening.findings {
            prop_assert!(ids.contains(&finding.rule_id.as_ref()), "{}", finding.rule_id);
            prop_assert!(!finding.message.is_empty());
            if let Some(line) = finding.line_number {
                prop_assert!(event.service_lines.iter().any(|l| l.line_number == line), "{} line {}", finding.rule_id, line);
            }
        }
    }

    #[test]
    fn scope_decides_traction_lines_and_out_of_scope_passes(event in encounter()) {
        let screening = engine().screen(&event);
        if in_scope(&event) {
            let traction = event.service_lines.iter().filter(|l| l.procedure_code == "97012").count() as i32;
            prop_assert_eq!(screening.traction_lines, traction);
        } else {
            prop_assert_eq!(screening.verdict, Verdict::Pass);
            prop_assert!(screening.findings.is_empty());
            prop_assert_eq!(screening.traction_lines, 0);
        }
    }

    #[test]
    fn screening_survives_a_json_round_trip(event in encounter()) {
        let decoded = Decoder::new(InputFormat::Json).decode(encounter_to_json(&event).as_bytes());
        // Mutations may leave a value the codec rejects (a pointer outside 1-12 …): those
        // are dead letters, not screenings.
        if let Ok(decoded) = decoded {
            prop_assert_eq!(engine().screen(&decoded), engine().screen(&event));
        }
    }
}
