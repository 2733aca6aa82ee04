//! Benchmarks of screening with history: an in-scope event (a Medicare Part B traction
//! visit from the synthetic generator) against a patient with 0, 5 and 50 prior claims (the
//! same visit on earlier days), in a history of 10,000 other patients with 5 claims each;
//! the event alone without history for comparison; and screening plus recording the event.
//!
//! Run: `cargo bench --bench history`. Results and the machine go to BENCHMARKS.md.

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use traction_screen_core::domain::{ClaimFrequency, Date, Encounter, PlanType};
use traction_screen_core::history::History;
use traction_screen_core::rules::{Engine, TRACTION_CODE, in_scope};
use traction_screen_synth::Synth;

const OTHER_PATIENTS: usize = 10_000;

/// The generator's first original Medicare Part B visit with a traction line.
fn template() -> Encounter {
    Synth::new(7)
        .map(|generated| generated.encounter)
        .find(|event| {
            in_scope(event)
                && event.payer.plan_type == PlanType::MedicarePartB
                && event.claim_frequency == ClaimFrequency::Original
                && event
                    .service_lines
                    .iter()
                    .any(|l| l.procedure_code == TRACTION_CODE)
        })
        .expect("the generator makes Medicare traction visits")
}

/// The template as claim `claim` of `patient`, every line on `day`.
fn visit(template: &Encounter, patient: &str, claim: &str, day: Date) -> Encounter {
    let mut event = template.clone();
    event.patient_id = patient.into();
    event.claim_id = claim.into();
    event.event_id = format!("evt-{patient}-{claim}");
    for line in &mut event.service_lines {
        line.date_of_service = day;
    }
    event
}

/// The day of the benchmarked event.
fn today(template: &Encounter) -> Date {
    template.service_lines[0].date_of_service
}

/// `count` prior visits of `patient`, every third day back from the day before today.
fn prior_visits<'a>(
    template: &'a Encounter,
    patient: &'a str,
    count: usize,
) -> impl Iterator<Item = Encounter> + 'a {
    (0..count).map(move |n| {
        let day = today(template).plus_days(-1 - 3 * n as i64);
        visit(template, patient, &format!("CLM-{n:03}"), day)
    })
}

/// A history of the other patients plus `pt-bench` with `prior` claims.
fn history_with(template: &Encounter, prior: usize, others: usize) -> History {
    let mut history = History::new();
    let mut position = 0;
    let mut record = |event: Encounter| {
        history.apply(&event, position);
        position += 1;
    };
    for n in 0..others {
        prior_visits(template, &format!("pt-{n:06}"), 5).for_each(&mut record);
    }
    prior_visits(template, "pt-bench", prior).for_each(&mut record);
    history
}

fn screen_with_history(c: &mut Criterion) {
    let engine = Engine::built_in();
    let template = template();
    let event = visit(&template, "pt-bench", "CLM-TODAY", today(&template));
    let mut group = c.benchmark_group("history");
    group.bench_function("alone_without_history", |b| {
        b.iter(|| black_box(engine.screen(black_box(&event))))
    });
    for prior in [0, 5, 50] {
        let history = history_with(&template, prior, OTHER_PATIENTS);
        let position = u64::MAX;
        group.bench_with_input(BenchmarkId::new("screen", prior), &prior, |b, _| {
            b.iter(|| {
                let prior = history.prior_claims(black_box(&event), position);
                black_box(engine.screen_with_history(&event, prior))
            })
        });
        group.bench_with_input(
            BenchmarkId::new("screen_and_record", prior),
            &prior,
            |b, _| {
                b.iter_batched_ref(
                    || history_with(&template, prior, 0),
                    |history| {
                        black_box(history.screen(black_box(&event), position, |prior| {
                            engine.screen_with_history(&event, prior)
                        }))
                    },
                    BatchSize::SmallInput,
                )
            },
        );
        let mut value = Vec::new();
        group.bench_with_input(BenchmarkId::new("encode_patient", prior), &prior, |b, _| {
            b.iter(|| black_box(history.encode_patient(black_box("pt-bench"), &mut value)))
        });
    }
    group.finish();
}

criterion_group!(benches, screen_with_history);
criterion_main!(benches);
