//! Restore speed of one partition's history from its changelog on a real broker: fills
//! partition 0 of TOPIC with PATIENTS changelog records (one per patient, as compaction
//! leaves them; each patient's history holds CLAIMS claims of synthetic traction visits),
//! then restores it three times with the service's own restore and prints each run and the
//! median in patients per second. Records are produced one per batch (tansu's fetch bug,
//! below), the slowest case to read.
//!
//! Run: `cargo run --release --example history_restore BROKERS TOPIC [PATIENTS [CLAIMS]]`
//! against an existing one-partition topic (scripts/restore-tansu.sh does it all on tansu).
//! Results and the machine go to BENCHMARKS.md.

use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use traction_screen::runtime::history::restore::restore;
use traction_screen_core::domain::Encounter;
use traction_screen_core::history::History;
use traction_screen_synth::Synth;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (brokers, topic) = (&args[0], &args[1]);
    let number = |at: usize, default: u64| args.get(at).map_or(default, |a| a.parse().unwrap());
    let (patients, claims) = (number(2, 200_000), number(3, 5));
    let visits: Vec<Encounter> = Synth::new(3)
        .map(|generated| generated.encounter)
        .filter(|event| !event.service_lines.is_empty())
        .take(claims as usize)
        .collect();
    let started = Instant::now();
    let values = fill(brokers, topic, patients, &visits);
    let bytes: usize = values.iter().map(|(_, value)| value.len()).sum();
    println!(
        "{patients} patients x {claims} claims: {:.0} MiB of changelog values produced in {:.1} s",
        bytes as f64 / (1 << 20) as f64,
        started.elapsed().as_secs_f64()
    );
    // The same values restored in process, without the broker: the service's own share.
    let started = Instant::now();
    let mut history = History::new();
    for (patient_id, value) in &values {
        history
            .restore_patient(patient_id, value)
            .expect("restores");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "in process (no broker): {} patients in {seconds:.2} s: {:.0} patients/s",
        history.patients(),
        history.patients() as f64 / seconds
    );
    drop((history, values));
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", brokers)
        .set("group.id", "history-restore-bench")
        .set("enable.partition.eof", "true");
    let mut rates = Vec::new();
    for run in 1..=3 {
        let started = Instant::now();
        let consumer = config.create().expect("a restore consumer");
        let restored = restore(&consumer, topic, 0, Duration::from_secs(60), &|| false)
            .expect("the changelog restores");
        let seconds = started.elapsed().as_secs_f64();
        let held = restored.history.patients();
        let rate = held as f64 / seconds;
        println!(
            "run {run}: {} records, {held} patients, {} claim versions in {seconds:.2} s: \
             {rate:.0} patients/s",
            restored.records,
            restored.history.versions()
        );
        assert_eq!(held as u64, patients, "every patient restored");
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!("median: {:.0} patients/s", rates[1]);
}

/// Produces one changelog record per patient to partition 0; returns the records.
fn fill(brokers: &str, topic: &str, patients: u64, visits: &[Encounter]) -> Vec<(String, Vec<u8>)> {
    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        // One record per batch: tansu skips the rest of a batch when a fetch starts inside
        // it (the restore then misses records), so this measures single-record batches, a
        // floor for a broker that returns whole batches.
        .set("batch.num.messages", "1")
        .set("linger.ms", "0")
        .set("queue.buffering.max.messages", "1000000")
        .create()
        .expect("a producer");
    let mut records = Vec::new();
    for patient in 0..patients {
        let patient_id = format!("pt_{patient:012x}");
        let mut history = History::new();
        for (claim, visit) in visits.iter().enumerate() {
            let mut event = visit.clone();
            event.patient_id.clone_from(&patient_id);
            event.event_id = format!("{patient}-{claim}");
            event.claim_id = format!("CLM-{patient}-{claim}");
            history.apply(&event, claim as u64);
        }
        let mut value = Vec::new();
        history.encode_patient(&patient_id, &mut value);
        let mut record = BaseRecord::<str, [u8]>::to(topic)
            .partition(0)
            .key(patient_id.as_str())
            .payload(value.as_slice());
        while let Err((_, returned)) = producer.send(record) {
            record = returned;
            std::thread::sleep(Duration::from_millis(1));
        }
        records.push((patient_id, value));
    }
    producer.flush(Duration::from_secs(60)).expect("delivered");
    records
}
