//! The seed corpus of the fuzz targets (`fuzz/seeds/<target>/`), made from the test
//! fixtures: JSON lines as they are, the same encounters encoded in both Avro framings, and
//! small container files in every codec. Ignored in ordinary runs; rewrite it with
//!
//! ```sh
//! cargo test --test it fuzz_seeds -- --ignored
//! ```
//!
//! An ordinary test checks that every committed seed is still accepted whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use traction_screen_core::codec::container::{self, Codec, ContainerWriter};
use traction_screen_core::codec::{Decoder, InputFormat, OutputFormat};
use traction_screen_core::domain::Encounter;

// The fuzz targets register our schema under the same id (fuzz/src/lib.rs).
use crate::codec::{SCHEMA_ID, encode};

/// Every how many lines a catalogue fixture is taken: the catalogue has 88 cases.
const CATALOGUE_STRIDE: usize = 11;

const EXAMPLES: &str = include_str!("../fixtures/examples/encounters.jsonl");
const CATALOGUE: &str = include_str!("../fixtures/catalogue/encounters.jsonl");

/// The JSON lines the seeds are made from.
fn json_lines() -> Vec<(String, &'static str)> {
    let examples = EXAMPLES
        .lines()
        .enumerate()
        .map(|(i, line)| (format!("example-{i}"), line));
    let catalogue = CATALOGUE
        .lines()
        .enumerate()
        .step_by(CATALOGUE_STRIDE)
        .map(|(i, line)| (format!("catalogue-{i}"), line));
    examples.chain(catalogue).collect()
}

fn decoded(line: &str) -> Encounter {
    Decoder::new(InputFormat::Json)
        .decode(line.as_bytes())
        .expect("every fixture line decodes")
}

/// A container file of `events` in `codec`, one record per block.
fn container(events: &[Encounter], codec: Codec) -> Vec<u8> {
    let mut file = ContainerWriter::with_block_bytes(Vec::new(), codec, 1).expect("header");
    for event in events {
        file.write(event).expect("writes");
    }
    file.finish().expect("finishes")
}

/// Every seed, by target and file name.
fn seeds() -> BTreeMap<(&'static str, String), Vec<u8>> {
    let mut seeds = BTreeMap::new();
    let lines = json_lines();
    for (name, line) in &lines {
        let event = decoded(line);
        let confluent = encode(OutputFormat::AvroConfluent, &event);
        let single_object = encode(OutputFormat::AvroSingleObject, &event);
        for target in ["json", "pipeline"] {
            seeds.insert((target, format!("{name}.json")), line.as_bytes().to_vec());
        }
        for target in ["avro_confluent", "pipeline"] {
            seeds.insert((target, format!("{name}.confluent")), confluent.clone());
        }
        for target in ["avro_single_object", "pipeline"] {
            seeds.insert((target, format!("{name}.single")), single_object.clone());
        }
    }
    let events: Vec<Encounter> = lines.iter().take(2).map(|(_, l)| decoded(l)).collect();
    for codec in Codec::ALL {
        let file = container(&events, codec);
        // container_stream: 64-byte reads, no filler (see its target).
        let stream = [&[0, 0, 0, 0, 0][..], &file].concat();
        seeds.insert(("container", format!("{}.avro", codec.name())), file);
        let name = format!("{}.avro", codec.name());
        seeds.insert(("container_stream", name), stream);
    }
    seeds
}

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds")
}

#[test]
#[ignore = "rewrites fuzz/seeds; run by hand when the fixtures or the formats change"]
fn fuzz_seeds_are_written_from_the_fixtures() {
    let dir = seed_dir();
    let _ = fs::remove_dir_all(&dir);
    for ((target, name), bytes) in seeds() {
        let target_dir = dir.join(target);
        fs::create_dir_all(&target_dir).expect("creates the seed directory");
        fs::write(target_dir.join(name), bytes).expect("writes a seed");
    }
}

/// The committed seeds, by target and file name.
fn committed() -> BTreeMap<(String, String), Vec<u8>> {
    let mut committed = BTreeMap::new();
    for target in fs::read_dir(seed_dir()).expect("fuzz/seeds exists") {
        let target = target.expect("an entry").path();
        let target_name = target.file_name().expect("named").to_string_lossy();
        for seed in fs::read_dir(&target).expect("a target directory") {
            let seed = seed.expect("an entry").path();
            let name = seed
                .file_name()
                .expect("named")
                .to_string_lossy()
                .into_owned();
            let bytes = fs::read(&seed).expect("readable");
            committed.insert((target_name.clone().into_owned(), name), bytes);
        }
    }
    committed
}

/// Seeds that the code refuses would steer the fuzzer away from the paths that matter.
#[test]
fn every_committed_fuzz_seed_is_accepted_whole() {
    let decoder = Decoder::new(InputFormat::Auto);
    decoder
        .register_schema(SCHEMA_ID, traction_screen_core::codec::ENCOUNTER_SCHEMA)
        .expect("our schema parses");
    let committed = committed();
    let targets: BTreeSet<&str> = committed.keys().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        BTreeSet::from([
            "avro_confluent",
            "avro_single_object",
            "container",
            "container_stream",
            "json",
            "pipeline"
        ])
    );
    for ((target, name), bytes) in &committed {
        let accepted = match target.as_str() {
            "container" => read_all(bytes),
            "container_stream" => read_all(&bytes[5..]),
            _ => decoder.decode(bytes).map(|_| 1).map_err(|e| e.to_string()),
        };
        assert!(
            accepted.as_ref().is_ok_and(|records| *records > 0),
            "{target}/{name}: {accepted:?}"
        );
    }
}

/// The number of records of a container file, or its first problem.
fn read_all(file: &[u8]) -> Result<usize, String> {
    let records = container::read_encounters(file).map_err(|e| e.to_string())?;
    let mut count = 0;
    for record in records {
        record
            .map_err(|e| e.to_string())?
            .event
            .map_err(|e| e.to_string())?;
        count += 1;
    }
    Ok(count)
}
