//! Memory of the history: 1,000,000 patients with 5 claims each (a synthetic Medicare
//! traction visit of two lines, a UUID-shaped event id, a practice-style claim id, an opaque
//! patient id), held in one `History`, with the process's resident memory read from `/proc/self/status` before and
//! after, and the size of each patient's changelog value.
//!
//! Run: `cargo run --release --example history_memory [PATIENTS [CLAIMS]]`. Results and the
//! machine go to BENCHMARKS.md.

use std::time::Instant;

use traction_screen_core::domain::{ClaimFrequency, Encounter};
use traction_screen_core::history::History;
use traction_screen_core::rules::TRACTION_CODE;
use traction_screen_synth::Synth;

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u64>().expect("a number"));
    let patients = args.next().unwrap_or(1_000_000);
    let claims = args.next().unwrap_or(5);
    let template = two_line_visit();
    let day = template.service_lines[0].date_of_service;
    let before = status_kib("VmRSS");
    let started = Instant::now();
    let mut history = History::new();
    let mut position = 0u64;
    for patient in 0..patients {
        let patient_id = patient_id(patient);
        for claim in 0..claims {
            let claim_id = format!("KRX-2026-{:06}", (patient * claims + claim) % 1_000_000);
            let mut event = template.clone();
            event.patient_id.clone_from(&patient_id);
            event.claim_id = claim_id;
            event.event_id = uuid_shaped(position);
            for line in &mut event.service_lines {
                line.date_of_service = day.plus_days(-3 * claim as i64);
            }
            history.apply(&event, position);
            position += 1;
        }
    }
    let elapsed = started.elapsed();
    let after = status_kib("VmRSS");
    let peak = status_kib("VmHWM");
    let held = (after - before) * 1024;
    println!(
        "{} patients, {} claim versions, recorded in {:.1} s ({:.0} events/s)",
        history.patients(),
        history.versions(),
        elapsed.as_secs_f64(),
        position as f64 / elapsed.as_secs_f64()
    );
    println!(
        "resident memory: {before} KiB before, {after} KiB after ({:.0} MiB held), peak {peak} KiB",
        held as f64 / (1 << 20) as f64
    );
    println!(
        "per patient: {:.0} bytes; per claim version: {:.0} bytes",
        held as f64 / patients as f64,
        held as f64 / history.versions() as f64
    );
    let mut value = Vec::new();
    let sampled = 1_000u64.min(patients);
    let total: usize = (0..sampled)
        .map(|patient| {
            assert!(history.encode_patient(&patient_id(patient), &mut value));
            value.len()
        })
        .sum();
    println!(
        "changelog value: {:.0} bytes a patient (mean of {sampled})",
        total as f64 / sampled as f64
    );
}

/// The generator's first original visit billing 97012 and one other code.
fn two_line_visit() -> Encounter {
    Synth::new(7)
        .map(|generated| generated.encounter)
        .find(|event| {
            let lines = &event.service_lines;
            event.claim_frequency == ClaimFrequency::Original
                && lines.len() == 2
                && lines
                    .iter()
                    .any(|line| line.procedure_code == TRACTION_CODE)
        })
        .expect("the generator makes two-line traction visits")
}

/// `pt_` and 12 hex digits, distinct for each number below 2^48 (an odd multiplier is a
/// bijection modulo 2^48).
fn patient_id(n: u64) -> String {
    format!(
        "pt_{:012x}",
        n.wrapping_mul(0x9E37_79B9_7F4A_7C15) & 0xffff_ffff_ffff
    )
}

/// A distinct, version-4-UUID-shaped id for each number.
fn uuid_shaped(n: u64) -> String {
    let mixed = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        mixed >> 32,
        (mixed >> 16) & 0xffff,
        mixed & 0xfff,
        (n >> 12) & 0xfff,
        n
    )
}

/// A `kB` line of `/proc/self/status`.
fn status_kib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
        .expect("a kB figure")
}
