//! Benchmarks of screening with history: an in-scope event (the clean Medicare visit)
//! against a patient with 0, 5 and 50 prior claims, in a history of 10,000 other patients
//! with 5 claims each; the event alone without history for comparison; and screening plus
//! recording the event.
//!
//! Run: `cargo bench --bench history`. Results and the machine go to BENCHMARKS.md.

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use traction_screen::domain::{Date, Encounter};
use traction_screen::history::History;
use traction_screen::rules::Engine;
use traction_screen::testing::{clean_encounter, dos, visit};

const OTHER_PATIENTS: usize = 10_000;

/// `count` prior visits of `patient`, every third day back from the day before the clean DOS.
fn prior_visits(patient: &str, count: usize) -> impl Iterator<Item = Encounter> + '_ {
    (0..count).map(move |n| {
        let day: Date = dos().plus_days(-1 - 3 * n as i64);
        visit(patient, &format!("CLM-{patient}-{n:03}"), day)
    })
}

/// A history of the other patients plus `pt-bench` with `prior` claims.
fn history_with(prior: usize, others: usize) -> History {
    let mut history = History::new();
    let mut position = 0;
    let mut record = |event: Encounter| {
        history.apply(&event, position);
        position += 1;
    };
    for n in 0..others {
        prior_visits(&format!("pt-{n:06}"), 5).for_each(&mut record);
    }
    prior_visits("pt-bench", prior).for_each(&mut record);
    history
}

fn the_event() -> Encounter {
    let mut event = clean_encounter();
    event.patient_id = "pt-bench".into();
    event
}

fn screen_with_history(c: &mut Criterion) {
    let engine = Engine::built_in();
    let event = the_event();
    let mut group = c.benchmark_group("history");
    group.bench_function("alone_without_history", |b| {
        b.iter(|| black_box(engine.screen(black_box(&event))))
    });
    for prior in [0, 5, 50] {
        let history = history_with(prior, OTHER_PATIENTS);
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
                    || history_with(prior, 0),
                    |history| {
                        black_box(history.screen(black_box(&event), position, |prior| {
                            engine.screen_with_history(&event, prior)
                        }))
                    },
                    BatchSize::SmallInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, screen_with_history);
criterion_main!(benches);
