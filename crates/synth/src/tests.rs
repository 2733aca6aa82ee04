//! Properties of the generated stream, and each scenario screened by the real engine.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use traction_screen_core::domain::{Date, Discipline, PlanType, Verdict, npi};
use traction_screen_core::rules::icd10::IcdCodeSet;
use traction_screen_core::rules::{Screening, TRACTION_CODE};
use traction_screen_core::testing::engine;

use super::*;

const SAMPLE: usize = 5_000;
const SEED: u64 = 2026;

/// One stream of [`SAMPLE`] encounters with their screenings, shared by the tests.
fn sample() -> &'static [(Generated, Screening)] {
    static SAMPLE_STREAM: OnceLock<Vec<(Generated, Screening)>> = OnceLock::new();
    SAMPLE_STREAM.get_or_init(|| {
        Synth::new(SEED)
            .take(SAMPLE)
            .map(|generated| {
                let screening = engine().screen(&generated.encounter);
                (generated, screening)
            })
            .collect()
    })
}

fn of(scenario: Scenario) -> impl Iterator<Item = &'static (Generated, Screening)> {
    sample().iter().filter(move |(g, _)| g.scenario == scenario)
}

#[test]
fn the_same_seed_gives_the_same_stream() {
    let first: Vec<Generated> = Synth::new(7).take(2_000).collect();
    let second: Vec<Generated> = Synth::new(7).take(2_000).collect();
    assert!(first == second, "two streams of seed 7 differ");
}

#[test]
fn different_seeds_give_different_streams() {
    let first: Vec<String> = Synth::new(7)
        .take(50)
        .map(|g| g.encounter.event_id)
        .collect();
    let second: Vec<String> = Synth::new(8)
        .take(50)
        .map(|g| g.encounter.event_id)
        .collect();
    assert!(first.iter().all(|id| !second.contains(id)));
}

#[test]
fn every_diagnosis_is_billable_except_in_the_header_scenario() {
    let icd = IcdCodeSet::bundled();
    for (generated, _) in sample() {
        let header = generated.scenario == Scenario::HeaderDiagnosis;
        for (index, diagnosis) in generated.encounter.diagnoses.iter().enumerate() {
            let expected = !(header && index == 0);
            assert_eq!(
                icd.is_billable(&diagnosis.code),
                expected,
                "{} in {}",
                diagnosis.code,
                generated.scenario
            );
        }
    }
}

#[test]
fn every_npi_is_valid() {
    for (generated, _) in sample() {
        let event = &generated.encounter;
        let certifying = event
            .plan_of_care
            .as_ref()
            .and_then(|p| p.certifying_npi.as_ref());
        let npis = [
            Some(&event.rendering_provider.npi),
            event.referring_provider_npi.as_ref(),
            certifying,
        ];
        for npi in npis.into_iter().flatten() {
            assert_eq!(npi::check(npi), Ok(()), "{npi}");
        }
    }
}

#[test]
fn event_ids_are_unique_uuids() {
    let ids: HashSet<&str> = sample()
        .iter()
        .map(|(g, _)| g.encounter.event_id.as_str())
        .collect();
    assert_eq!(ids.len(), SAMPLE);
    assert!(ids.iter().all(|id| id.len() == 36 && &id[14..15] == "4"));
}

#[test]
fn event_times_never_go_back_and_dates_of_service_stay_in_2025_and_2026() {
    let times: Vec<i64> = sample()
        .iter()
        .map(|(g, _)| g.encounter.event_time.millis())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let first = Date::from_ymd(2025, 1, 1).expect("valid");
    let last = Date::from_ymd(2026, 12, 31).expect("valid");
    for (generated, _) in sample() {
        for line in &generated.encounter.service_lines {
            assert!((first..=last).contains(&line.date_of_service));
        }
    }
}

#[test]
fn the_plan_mix_looks_like_an_outpatient_practice() {
    let mut counts: BTreeMap<PlanType, usize> = BTreeMap::new();
    for (generated, _) in sample() {
        *counts
            .entry(generated.encounter.payer.plan_type)
            .or_default() += 1;
    }
    let share = |plan| counts.get(&plan).copied().unwrap_or(0) * 100 / SAMPLE;
    // Medicare-only error scenarios add a few points to Medicare.
    assert!(
        (33..=42).contains(&share(PlanType::MedicarePartB)),
        "{counts:?}"
    );
    assert!(
        (17..=25).contains(&share(PlanType::MedicareAdvantage)),
        "{counts:?}"
    );
    assert!(
        (25..=32).contains(&share(PlanType::Commercial)),
        "{counts:?}"
    );
    assert!((5..=10).contains(&share(PlanType::Medicaid)), "{counts:?}");
    assert_eq!(counts.len(), PlanType::ALL.len(), "{counts:?}");
}

#[test]
fn the_scenario_mix_follows_its_weights() {
    let clean = of(Scenario::Clean).count() * 100 / SAMPLE;
    let out_of_scope = of(Scenario::OutOfScope).count() * 100 / SAMPLE;
    let errors = sample()
        .iter()
        .filter(|(g, _)| g.scenario.expected_rule().is_some())
        .count()
        * 100
        / SAMPLE;
    assert!((57..=63).contains(&clean), "{clean}");
    assert!((13..=17).contains(&out_of_scope), "{out_of_scope}");
    assert!((19..=25).contains(&errors), "{errors}");
}

#[test]
fn patients_come_back_on_later_days_with_growing_visit_numbers() {
    let mut visits: HashMap<&str, Vec<(Date, i32)>> = HashMap::new();
    for (generated, _) in sample() {
        let event = &generated.encounter;
        // Rebills repeat an earlier visit; the overdue-report error rewrites the counters.
        if matches!(
            generated.scenario,
            Scenario::Void | Scenario::Replacement | Scenario::ProgressReportOverdue
        ) {
            continue;
        }
        let episode = event.episode.as_ref().expect("every visit has an episode");
        let dos = event.service_lines[0].date_of_service;
        visits
            .entry(&event.patient_id)
            .or_default()
            .push((dos, episode.visit_number));
    }
    let returning = visits.values().filter(|v| v.len() >= 3).count();
    assert!(returning > 300, "{returning} patients with 3+ visits");
    for history in visits.values() {
        // A slot's patient can be replaced, but a new patient never reuses the id.
        assert!(history.windows(2).all(|w| w[0].0 < w[1].0), "{history:?}");
        assert!(history.windows(2).all(|w| w[0].1 < w[1].1), "{history:?}");
    }
}

#[test]
fn first_visits_are_evaluations_by_a_therapist() {
    let evaluations = ["97161", "97162", "97163"];
    let mut first_visits = 0;
    for (generated, _) in of(Scenario::Clean) {
        let event = &generated.encounter;
        let first = event.episode.as_ref().is_some_and(|e| e.visit_number == 1);
        let evaluated = event
            .service_lines
            .iter()
            .any(|l| evaluations.contains(&l.procedure_code.as_str()));
        assert_eq!(first, evaluated, "{}", event.claim_id);
        if first {
            first_visits += 1;
            assert_eq!(
                event.rendering_provider.discipline,
                Discipline::PhysicalTherapist
            );
        }
    }
    assert!(first_visits > 100, "{first_visits}");
}

#[test]
fn clean_timed_units_are_exactly_what_the_minutes_allow() {
    let pack = engine().pack();
    for (generated, _) in of(Scenario::Clean) {
        let timed = generated
            .encounter
            .service_lines
            .iter()
            .filter(|line| pack.procedures.is_timed(&line.procedure_code));
        let (units, minutes) = timed.fold((0, 0), |(u, m), line| {
            (u + line.units, m + line.minutes.unwrap_or(0))
        });
        assert!(units >= 1);
        assert_eq!(
            units,
            (minutes + 7) / 15,
            "{}",
            generated.encounter.claim_id
        );
    }
}

#[test]
fn clean_part_b_claims_carry_kx_exactly_once_spend_reaches_the_threshold() {
    let thresholds = &engine().pack().thresholds;
    // Late 2025, when some patients' spend has grown past the threshold.
    let skip = 190 * super::clock::ENCOUNTERS_PER_DAY as usize;
    let mut with_kx = 0;
    for generated in Synth::new(SEED).skip(skip).take(20_000) {
        let event = &generated.encounter;
        if generated.scenario != Scenario::Clean || event.payer.plan_type != PlanType::MedicarePartB
        {
            continue;
        }
        let dos = event.service_lines[0].date_of_service;
        let spend = event
            .therapy_spend_ytd_cents
            .expect("Part B claims report spend");
        let above = thresholds
            .kx_threshold_for(dos.year())
            .is_some_and(|kx| spend >= kx);
        assert!(spend < thresholds.targeted_review_cents, "{spend}");
        assert!(
            event
                .service_lines
                .iter()
                .all(|l| l.has_modifier("KX") == above)
        );
        with_kx += usize::from(above);
    }
    assert!(with_kx > 0);
}

#[test]
fn clean_and_replacement_claims_pass_with_one_traction_line() {
    for scenario in [Scenario::Clean, Scenario::Replacement] {
        let mut seen = 0;
        for (generated, screening) in of(scenario) {
            assert_eq!(
                screening.findings,
                vec![],
                "{scenario}: {:?}",
                generated.encounter
            );
            assert_eq!(
                (screening.verdict, screening.traction_lines),
                (Verdict::Pass, 1)
            );
            seen += 1;
        }
        assert!(seen > 50, "{scenario}: {seen}");
    }
}

#[test]
fn out_of_scope_visits_and_voids_pass_with_no_traction_lines() {
    for scenario in [Scenario::OutOfScope, Scenario::Void] {
        let mut seen = 0;
        for (generated, screening) in of(scenario) {
            assert_eq!(screening.findings, vec![], "{scenario}");
            assert_eq!(
                (screening.verdict, screening.traction_lines),
                (Verdict::Pass, 0)
            );
            let has_traction_line = generated
                .encounter
                .service_lines
                .iter()
                .any(|l| l.procedure_code == TRACTION_CODE);
            assert!(scenario == Scenario::Void || !has_traction_line);
            seen += 1;
        }
        assert!(seen > 20, "{scenario}: {seen}");
    }
}

#[test]
fn voids_and_replacements_reuse_an_earlier_claim_of_the_same_patient() {
    let mut claims: HashMap<&str, &str> = HashMap::new();
    let mut voided: HashSet<&str> = HashSet::new();
    let mut reused = 0;
    for (generated, _) in sample() {
        let event = &generated.encounter;
        match generated.scenario {
            Scenario::Void | Scenario::Replacement => {
                assert!(
                    !voided.contains(event.claim_id.as_str()),
                    "{}",
                    event.claim_id
                );
                if claims.get(event.claim_id.as_str()) == Some(&event.patient_id.as_str()) {
                    reused += 1;
                }
                if generated.scenario == Scenario::Void {
                    voided.insert(&event.claim_id);
                }
            }
            _ => {
                claims.insert(&event.claim_id, &event.patient_id);
            }
        }
    }
    let rebills = of(Scenario::Void).count() + of(Scenario::Replacement).count();
    assert!(reused * 10 >= rebills * 9, "{reused} of {rebills}");
}

/// Encounters of one error scenario each test screens.
const PER_SCENARIO: usize = 25;

/// Every generated encounter of `scenario` has a finding of its expected rule. Each test
/// draws its own stream until it has [`PER_SCENARIO`] of them, so rare scenarios are
/// covered as well as common ones.
fn assert_scenario_fires_its_rule(scenario: Scenario) {
    let rule = scenario.expected_rule().expect("an error scenario");
    let missed: Vec<String> = Synth::new(SEED)
        .filter(|generated| generated.scenario == scenario)
        .take(PER_SCENARIO)
        .filter(|generated| {
            let screening = engine().screen(&generated.encounter);
            !screening.findings.iter().any(|f| f.rule_id == rule)
        })
        .map(|generated| generated.encounter.claim_id)
        .collect();
    assert!(
        missed.is_empty(),
        "{scenario}: {rule} missing on {missed:?}"
    );
}

macro_rules! scenario_fires {
    ($($test:ident: $scenario:ident,)*) => {$(
        #[test]
        fn $test() {
            assert_scenario_fires_its_rule(Scenario::$scenario);
        }
    )*};
}

scenario_fires! {
    traction_units_fire_tr_001: TractionUnits,
    manual_therapy_pair_fires_tr_016: ManualTherapyPair,
    assistant_without_cq_fires_tr_012: AssistantWithoutCq,
    missing_gp_fires_tr_010: MissingGp,
    eight_minute_rule_fires_tr_004: EightMinuteRule,
    kx_missing_fires_tr_018: KxMissing,
    weak_diagnosis_fires_tr_025: WeakDiagnosis,
    header_diagnosis_fires_tr_023: HeaderDiagnosis,
    incomplete_documentation_fires_tr_036: IncompleteDocumentation,
    undocumented_traction_fires_tr_035: UndocumentedTraction,
    decompression_device_fires_tr_007: DecompressionDevice,
    manual_traction_fires_tr_005: ManualTraction,
    telehealth_fires_tr_021: Telehealth,
    expired_certification_fires_tr_032: ExpiredCertification,
    progress_report_overdue_fires_tr_037: ProgressReportOverdue,
    contraindication_fires_tr_027: Contraindication,
}

#[test]
fn generated_encounters_survive_the_json_and_avro_codecs_unchanged() {
    use traction_screen_core::codec::{Decoder, Encoder, InputFormat, OutputFormat, json};

    let decoder = Decoder::new(InputFormat::Auto);
    let avro = Encoder::new(OutputFormat::AvroSingleObject, None).expect("no id needed");
    for (generated, _) in sample().iter().take(1_000) {
        let event = &generated.encounter;
        let from_json = decoder.decode(json::encounter_to_json(event).as_bytes());
        assert_eq!(from_json.as_ref(), Ok(event), "{}", generated.scenario);
        let mut bytes = Vec::new();
        avro.encode_encounter(event, &mut bytes).expect("encodable");
        assert_eq!(
            decoder.decode(&bytes).as_ref(),
            Ok(event),
            "{}",
            generated.scenario
        );
    }
}

#[test]
fn a_fixed_line_count_gives_every_visit_that_many_lines_and_keeps_longer_clean_visits_clean() {
    for count in [1, 5, 20] {
        let lines = std::num::NonZeroUsize::new(count).expect("not zero");
        let mut clean = 0;
        for generated in Synth::new(SEED).with_service_lines(lines).take(1_000) {
            let event = &generated.encounter;
            let numbers: Vec<i32> = event.service_lines.iter().map(|l| l.line_number).collect();
            let added = usize::from(generated.scenario == Scenario::ManualTherapyPair);
            assert!(
                numbers.len() == count || numbers.len() == count + added,
                "{count}: {} lines in {}",
                numbers.len(),
                generated.scenario
            );
            assert_eq!(numbers, (1..=numbers.len() as i32).collect::<Vec<_>>());
            if generated.scenario != Scenario::Clean {
                continue;
            }
            let screening = engine().screen(event);
            let rules: Vec<&str> = screening.findings.iter().map(|f| &*f.rule_id).collect();
            // Traction alone on a claim is TR-038's warning: one line cannot be clean.
            let expected = if count == 1 { vec!["TR-038"] } else { vec![] };
            assert_eq!(rules, expected, "{count}: {event:?}");
            assert_eq!(screening.traction_lines, 1);
            clean += 1;
        }
        assert!(clean > 100, "{count}: {clean}");
    }
}
