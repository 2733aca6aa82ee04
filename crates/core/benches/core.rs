//! Benchmarks of the pure core on a realistic mix of encounters from the synthetic
//! generator: rules alone, decoding, encoding, and the full decode → screen → encode path,
//! plus apache-avro's value-based decoding for comparison with the serde path we use.
//!
//! Run: `cargo bench --bench core`. Results and the machine go to BENCHMARKS.md.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use traction_screen_core::codec::{Decoder, ENCOUNTER_SCHEMA, Encoder, InputFormat, OutputFormat};
use traction_screen_core::domain::{Encounter, Timestamp};
use traction_screen_core::pipeline::{Pipeline, Processed};
use traction_screen_core::rules::Engine;
use traction_screen_core::rules::in_scope;
use traction_screen_synth::Synth;

const MIX: usize = 2_000;

/// The generator's mix (clean claims, common errors, out-of-scope visits).
fn mix() -> Vec<Encounter> {
    Synth::new(7)
        .take(MIX)
        .map(|generated| generated.encounter)
        .collect()
}

fn encoded(events: &[Encounter], format: OutputFormat) -> Vec<Vec<u8>> {
    let encoder = Encoder::new(format, None).expect("no schema id needed");
    events
        .iter()
        .map(|event| {
            let mut bytes = Vec::new();
            encoder
                .encode_encounter(event, &mut bytes)
                .expect("encodes");
            bytes
        })
        .collect()
}

fn screen(c: &mut Criterion) {
    let engine = Engine::built_in();
    let events = mix();
    let in_scope_events: Vec<Encounter> = events.iter().filter(|e| in_scope(e)).cloned().collect();
    let mut group = c.benchmark_group("screen");
    group.throughput(Throughput::Elements(in_scope_events.len() as u64));
    group.bench_function("in_scope_mix", |b| {
        b.iter(|| {
            for event in &in_scope_events {
                black_box(engine.screen(black_box(event)));
            }
        })
    });
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("full_mix", |b| {
        b.iter(|| {
            for event in &events {
                black_box(engine.screen(black_box(event)));
            }
        })
    });
    group.finish();
}

fn codecs(c: &mut Criterion) {
    let events = mix();
    let single_object = encoded(&events, OutputFormat::AvroSingleObject);
    let json = encoded(&events, OutputFormat::Json);
    let avro = Decoder::new(InputFormat::AvroSingleObject);
    let json_decoder = Decoder::new(InputFormat::Json);
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("avro_single_object_serde", |b| {
        b.iter(|| {
            for bytes in &single_object {
                black_box(avro.decode(black_box(bytes)).expect("decodes"));
            }
        })
    });
    group.bench_function("json", |b| {
        b.iter(|| {
            for bytes in &json {
                black_box(json_decoder.decode(black_box(bytes)).expect("decodes"));
            }
        })
    });
    let schema = apache_avro::Schema::parse_str(ENCOUNTER_SCHEMA).expect("schema parses");
    group.bench_function("avro_apache_avro_value", |b| {
        b.iter(|| {
            for bytes in &single_object {
                let mut body = &bytes[10..];
                // Decoding to apache-avro's `Value` alone (its `from_value` into our types
                // is extra work on top, so this is a lower bound of that path).
                let value = apache_avro::from_avro_datum(&schema, &mut body, Some(&schema))
                    .expect("decodes");
                black_box(value);
            }
        })
    });
    group.finish();
}

fn full_path(c: &mut Criterion) {
    let events = mix();
    let single_object = encoded(&events, OutputFormat::AvroSingleObject);
    let pipeline = Pipeline::new(
        Decoder::new(InputFormat::Auto),
        Engine::built_in(),
        Encoder::new(OutputFormat::AvroSingleObject, None).expect("no schema id needed"),
    );
    let now = Timestamp(1_772_000_000_000);
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("avro_decode_screen_encode", |b| {
        b.iter_batched_ref(
            Vec::new,
            |out| {
                for bytes in &single_object {
                    let Processed::Screened(screened) = pipeline.process(bytes, now, None) else {
                        panic!("every generated encounter screens");
                    };
                    pipeline.encode(&screened.outcome, out).expect("encodes");
                    black_box(&out);
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, screen, codecs, full_path);
criterion_main!(benches);
