//! The billing errors, one small function each: every function takes a clean claim and
//! makes the one mistake its scenario names, the way billers make it.

use rand::Rng;
use rand::rngs::StdRng;

use traction_screen_core::domain::{
    Date, Diagnosis, Discipline, Encounter, PerformedBy, ServiceLine, Traction, TractionMethod,
};
use traction_screen_core::rules::{MANUAL_THERAPY_CODE, TRACTION_CODE};

use super::reference::{DECOMPRESSION_DEVICES, NON_SUPPORTING, Region, fee};
use super::{pick, weighted};

/// What an error needs to know beyond the claim.
pub(super) struct Injection {
    pub region: &'static Region,
    /// The Part B KX threshold of the date of service's year, if any.
    pub kx_threshold_cents: Option<i64>,
}

/// Leaves one parameter out of the traction note.
type Omission = fn(&mut Traction);

/// Modifiers that mark 97140 as distinct from 97012.
const DISTINCT_SERVICE: [&str; 5] = ["59", "XE", "XS", "XP", "XU"];
const MAX_MODIFIERS: usize = 4;

/// TR-001: the traction minutes billed as if 97012 were timed.
pub(super) fn traction_units(rng: &mut StdRng, event: &mut Encounter, _: &Injection) {
    let units = weighted(rng, &[(2, 75), (3, 20), (4, 5)]);
    for line in traction_lines(event) {
        line.charge_cents *= i64::from(units);
        line.units = units;
        line.minutes = Some(15 * units);
    }
}

/// TR-016: 97140 billed beside 97012 without 59 or an X modifier.
pub(super) fn manual_therapy_pair(_: &mut StdRng, event: &mut Encounter, _: &Injection) {
    let mut has_manual_therapy = false;
    for line in lines_with(event, MANUAL_THERAPY_CODE) {
        line.modifiers
            .retain(|m| !DISTINCT_SERVICE.contains(&m.as_str()));
        has_manual_therapy = true;
    }
    if has_manual_therapy {
        return;
    }
    let line_number = event.service_lines.len() as i32 + 1;
    let Some(traction) = traction_lines(event).next().cloned() else {
        return;
    };
    // Same day, region, pointers and modifiers as the traction line; fifteen minutes for
    // one unit keeps the 8-minute rule satisfied.
    event.service_lines.push(ServiceLine {
        line_number,
        procedure_code: MANUAL_THERAPY_CODE.into(),
        units: 1,
        minutes: Some(15),
        charge_cents: fee(MANUAL_THERAPY_CODE).charge_cents,
        ..traction
    });
}

/// TR-012: the assistant's part of the visit billed without CQ.
pub(super) fn assistant_without_cq(_: &mut StdRng, event: &mut Encounter, _: &Injection) {
    for line in &mut event.service_lines {
        line.modifiers.retain(|m| m != "CQ");
    }
    if event.rendering_provider.discipline != Discipline::PhysicalTherapistAssistant {
        // The therapist billed the visit, but the assistant set up and ran the traction.
        if let Some(traction) = &mut event.traction {
            traction.performed_by = Some(PerformedBy::Assistant);
        }
    }
}

/// TR-010: the claim went out without the therapy modifier profile.
pub(super) fn missing_gp(_: &mut StdRng, event: &mut Encounter, _: &Injection) {
    for line in &mut event.service_lines {
        line.modifiers.retain(|m| m != "GP");
    }
}

/// TR-004: one more timed unit than the documented timed minutes allow (typically the
/// traction minutes counted as timed minutes).
pub(super) fn eight_minute_rule(rng: &mut StdRng, event: &mut Encounter, _: &Injection) {
    let timed: Vec<usize> = (0..event.service_lines.len())
        .filter(|&i| {
            let line = &event.service_lines[i];
            line.procedure_code != TRACTION_CODE && line.minutes.is_some()
        })
        .collect();
    if timed.is_empty() {
        return;
    }
    let line = &mut event.service_lines[pick(rng, &timed)];
    let unit_charge = line.charge_cents / i64::from(line.units.max(1));
    line.units += 1;
    line.charge_cents += unit_charge;
}

/// TR-018: spend above the KX threshold, and no KX on the lines.
pub(super) fn kx_missing(rng: &mut StdRng, event: &mut Encounter, context: &Injection) {
    if let Some(threshold) = context.kx_threshold_cents {
        let spend = event.therapy_spend_ytd_cents.unwrap_or(0);
        event.therapy_spend_ytd_cents = Some(spend.max(threshold + rng.random_range(0..=40_000)));
    }
    for line in &mut event.service_lines {
        line.modifiers.retain(|m| m != "KX");
    }
}

/// TR-025: the treated condition coded only as pain, strain or weakness.
pub(super) fn weak_diagnosis(rng: &mut StdRng, event: &mut Encounter, context: &Injection) {
    let code = if rng.random_ratio(70, 100) {
        pick(rng, context.region.weak)
    } else {
        pick(rng, NON_SUPPORTING)
    };
    replace_primary_diagnosis(event, code);
}

/// TR-023: a category header (e.g. M54.5, retired in 2021) instead of a billable code.
pub(super) fn header_diagnosis(rng: &mut StdRng, event: &mut Encounter, context: &Injection) {
    replace_primary_diagnosis(event, pick(rng, context.region.headers));
}

/// TR-036: traction parameters left out of the note.
pub(super) fn incomplete_documentation(rng: &mut StdRng, event: &mut Encounter, _: &Injection) {
    const GAPS: [(Omission, u32); 5] = [
        (|t| t.patient_response = None, 40),
        (|t| t.force_lbs = None, 25),
        (|t| t.mode = None, 15),
        (|t| t.duration_minutes = None, 10),
        (|t| t.region = None, 10),
    ];
    if let Some(traction) = &mut event.traction {
        weighted(rng, &GAPS)(traction);
        if rng.random_ratio(30, 100) {
            weighted(rng, &GAPS)(traction);
        }
    }
}

/// TR-035: 97012 billed, no traction documented.
pub(super) fn undocumented_traction(_: &mut StdRng, event: &mut Encounter, _: &Injection) {
    event.traction = None;
}

/// TR-007: a decompression table's session billed as mechanical traction.
pub(super) fn decompression_device(rng: &mut StdRng, event: &mut Encounter, _: &Injection) {
    if let Some(traction) = &mut event.traction {
        traction.device_name = Some(pick(rng, DECOMPRESSION_DEVICES).into());
        if rng.random_ratio(50, 100) {
            traction.method = TractionMethod::DecompressionDevice;
        }
    }
}

/// TR-005: traction by the therapist's hands billed as 97012 instead of 97140.
pub(super) fn manual_traction(_: &mut StdRng, event: &mut Encounter, _: &Injection) {
    if let Some(traction) = &mut event.traction {
        traction.method = TractionMethod::Manual;
        traction.device_name = None;
    }
}

/// TR-021: the visit billed as telehealth (place of service 02/10, modifier 95).
pub(super) fn telehealth(rng: &mut StdRng, event: &mut Encounter, _: &Injection) {
    event.place_of_service = if rng.random_ratio(60, 100) {
        "02"
    } else {
        "10"
    }
    .into();
    for line in &mut event.service_lines {
        if line.modifiers.len() < MAX_MODIFIERS {
            line.modifiers.push("95".into());
        }
    }
}

/// TR-032: the certification lapsed a few days before the visit and was not renewed.
pub(super) fn expired_certification(rng: &mut StdRng, event: &mut Encounter, _: &Injection) {
    let Some(dos) = date_of_service(event) else {
        return;
    };
    let through = dos.plus_days(-rng.random_range(1..=14));
    let start = through.plus_days(-rng.random_range(59..=89));
    if let Some(plan) = &mut event.plan_of_care {
        plan.start_date = start;
        plan.certified_through = Some(through);
    }
    if let Some(episode) = &mut event.episode {
        episode.start_date = start;
    }
}

/// TR-037: treatment went on past the tenth visit without a progress report.
pub(super) fn progress_report_overdue(rng: &mut StdRng, event: &mut Encounter, _: &Injection) {
    let Some(dos) = date_of_service(event) else {
        return;
    };
    if let Some(episode) = &mut event.episode {
        let since = rng.random_range(11..=15);
        episode.visit_number = episode.visit_number.max(since);
        episode.visits_since_progress_report = Some(since);
        // About three days per visit; no report at all when the counter runs from the
        // evaluation.
        episode.last_progress_report_date =
            (episode.visit_number > since).then(|| dos.plus_days(-3 * i64::from(since)));
    }
}

/// TR-027: a contraindicated condition on the claim of a traction visit.
pub(super) fn contraindication(rng: &mut StdRng, event: &mut Encounter, context: &Injection) {
    let pointer = event.diagnoses.len() as i32 + 1;
    event.diagnoses.push(Diagnosis {
        pointer,
        code: pick(rng, context.region.contraindications).into(),
    });
}

fn traction_lines(event: &mut Encounter) -> impl Iterator<Item = &mut ServiceLine> {
    lines_with(event, TRACTION_CODE)
}

fn lines_with<'a>(
    event: &'a mut Encounter,
    code: &'static str,
) -> impl Iterator<Item = &'a mut ServiceLine> {
    event
        .service_lines
        .iter_mut()
        .filter(move |line| line.procedure_code == code)
}

fn replace_primary_diagnosis(event: &mut Encounter, code: &str) {
    if let Some(primary) = event.diagnoses.first_mut() {
        primary.code = code.into();
    }
}

fn date_of_service(event: &Encounter) -> Option<Date> {
    event.service_lines.first().map(|line| line.date_of_service)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::reference::LUMBAR;
    use traction_screen_core::domain::BodyRegion;
    use traction_screen_core::testing::clean_encounter;

    fn rng() -> StdRng {
        StdRng::seed_from_u64(1)
    }

    fn lumbar() -> Injection {
        Injection {
            region: &LUMBAR,
            kx_threshold_cents: Some(248_000),
        }
    }

    #[test]
    fn manual_therapy_pair_adds_a_97140_line_when_the_visit_has_none() {
        let mut event = clean_encounter();
        manual_therapy_pair(&mut rng(), &mut event, &lumbar());
        let added = &event.service_lines[2];
        assert_eq!(
            (
                added.line_number,
                added.procedure_code.as_str(),
                added.units,
                added.minutes
            ),
            (3, "97140", 1, Some(15))
        );
        assert_eq!(added.modifiers, vec!["GP"]);
        assert_eq!(added.body_region, Some(BodyRegion::Lumbar));
    }

    #[test]
    fn kx_missing_lifts_spend_to_the_threshold_and_strips_kx() {
        let mut event = clean_encounter();
        event.service_lines[0].modifiers.push("KX".into());
        kx_missing(&mut rng(), &mut event, &lumbar());
        let spend = event.therapy_spend_ytd_cents.unwrap_or(0);
        assert!((248_000..=288_000).contains(&spend), "{spend}");
        assert_eq!(event.service_lines[0].modifiers, vec!["GP"]);
    }

    #[test]
    fn progress_report_overdue_keeps_the_visit_number_at_least_the_counter() {
        let mut event = clean_encounter();
        progress_report_overdue(&mut rng(), &mut event, &lumbar());
        let episode = event.episode.expect("the clean encounter has an episode");
        let since = episode.visits_since_progress_report.unwrap_or(0);
        assert!((11..=15).contains(&since), "{since}");
        assert_eq!(episode.visit_number, since);
        assert_eq!(episode.last_progress_report_date, None);
    }
}
