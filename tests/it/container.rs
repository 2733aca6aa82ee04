//! Avro container files from other writers and from `generate --output`: every block of
//! every codec reads, record for record as the JSON Lines the file was made from, and
//! `check` screens it exactly as it screens those JSON Lines.
//!
//! tests/fixtures/container/ holds files written by fastavro and the Apache `avro` Python
//! package (scripts/gen_container_fixtures.py) from encounters.jsonl there; they are
//! committed, so no Python is needed here.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;

use traction_screen::check::{self, CheckFormat, CheckOptions, exit};
use traction_screen_core::codec::container::{self, Codec};
use traction_screen_core::codec::{Decoder, InputFormat};
use traction_screen_core::domain::{Encounter, Outcome};

use crate::support::events::comparable;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/container")
        .join(name)
}

/// Every fixture file: each writer in every codec it has.
fn fixtures() -> Vec<PathBuf> {
    let fastavro = Codec::ALL.map(|codec| format!("fastavro-{}.avro", codec.name()));
    let apache = Codec::ALL
        .iter()
        .filter(|codec| **codec != Codec::Xz) // the Apache package has no xz
        .map(|codec| format!("apache-{}.avro", codec.name()));
    fastavro
        .into_iter()
        .chain(apache)
        .map(|name| fixture(&name))
        .collect()
}

fn source_events() -> Vec<Encounter> {
    let decoder = Decoder::new(InputFormat::Json);
    std::fs::read_to_string(fixture("encounters.jsonl"))
        .expect("the JSON Lines source")
        .lines()
        .map(|line| decoder.decode(line.as_bytes()).expect("a valid encounter"))
        .collect()
}

/// The records of a container file and the number of blocks they came in.
fn read(path: &Path) -> (Vec<Encounter>, u64) {
    let file = BufReader::new(File::open(path).expect("the fixture opens"));
    let mut blocks = 0;
    let events = container::read_encounters(file)
        .expect("a readable header")
        .map(|item| {
            let record = item.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            blocks = record.block;
            record.event.expect("a valid encounter")
        })
        .collect();
    (events, blocks)
}

/// Runs `check` on `path`: exit status, standard output and standard error.
fn run_check(path: PathBuf) -> (u8, String, String) {
    let options = CheckOptions {
        format: CheckFormat::Jsonl,
        rule_pack: None,
        files: vec![path],
        history: true,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = check::run(&options, &mut &b""[..], &mut out, &mut err);
    let text = |bytes| String::from_utf8(bytes).expect("utf-8");
    (status, text(out), text(err))
}

/// `check`'s outcomes for `path`, without what differs between runs.
fn screened(path: PathBuf) -> Vec<Outcome> {
    let (status, out, err) = run_check(path);
    assert!(status != exit::BAD_INPUT && err.is_empty(), "{err}");
    out.lines()
        .map(|line| comparable(&serde_json::from_str(line).expect("an outcome")))
        .collect()
}

#[test]
fn every_block_of_every_codec_from_python_writers_reads_as_its_json_lines_source() {
    let expected = source_events();
    assert_eq!(expected.len(), 300);
    for path in fixtures() {
        let (events, blocks) = read(&path);
        assert!(blocks >= 10, "{}: only {blocks} blocks", path.display());
        assert_eq!(events.len(), expected.len(), "{}", path.display());
        for (i, (read, source)) in events.iter().zip(&expected).enumerate() {
            assert_eq!(read, source, "{}: record {}", path.display(), i + 1);
        }
    }
}

#[test]
fn check_screens_every_python_written_fixture_exactly_like_its_json_lines_source() {
    let expected = screened(fixture("encounters.jsonl"));
    assert_eq!(expected.len(), 300);
    for path in fixtures() {
        assert!(screened(path.clone()) == expected, "{}", path.display());
    }
}

#[test]
fn check_reports_a_corrupt_block_once_and_screens_every_other_record() {
    let events = source_events();
    let mut file = container::ContainerWriter::with_block_bytes(Vec::new(), Codec::Snappy, 8_192)
        .expect("header");
    for event in &events {
        file.write(event).expect("writes");
    }
    let mut bytes = file.finish().expect("finishes");
    let in_third = container::read_encounters(&bytes[..])
        .expect("header")
        .filter(|item| matches!(item, Ok(record) if record.block == 3))
        .count();
    // Every block ends with the file's sync marker, the last block too: flip a byte in the
    // middle of the third block; snappy's checksum catches it.
    let sync: [u8; 16] = bytes[bytes.len() - 16..].try_into().expect("16 bytes");
    let ends: Vec<usize> = (16..=bytes.len())
        .filter(|end| bytes[end - 16..*end] == sync)
        .collect();
    assert!(ends.len() > 5, "{} blocks", ends.len() - 1);
    bytes[(ends[2] + ends[3]) / 2] ^= 0x55;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("damaged.avro");
    std::fs::write(&path, &bytes).expect("writes");

    let (status, out, err) = run_check(path.clone());
    assert_eq!(status, exit::BAD_INPUT);
    let block = format!(
        "error: {}: block 3 (at byte {}, {in_third} records): ",
        path.display(),
        ends[2]
    );
    let resumed = format!(
        "reading resumes after the next sync marker, at byte {} (avro_decode)\n",
        ends[3]
    );
    assert!(err.starts_with(&block) && err.ends_with(&resumed), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(out.lines().count(), events.len() - in_third);
}

/// Runs the binary; panics with its standard error unless it exits with `status`.
fn traction_screen(args: &[&str], status: i32) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_traction-screen"))
        .args(args)
        .output()
        .expect("the binary starts");
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(status), "{args:?}: {err}");
    err
}

#[test]
fn generate_writes_container_files_in_every_codec_that_check_screens_like_json_lines() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = |name: &str| dir.path().join(name).display().to_string();
    let generate = |output: &str, extra: &[&str]| {
        let args = [
            &[
                "generate", "--count", "400", "--seed", "5", "--output", output,
            ],
            extra,
        ];
        traction_screen(&args.concat(), 0)
    };
    generate(&path("batch.jsonl"), &[]);
    let expected = screened(path("batch.jsonl").into());
    assert_eq!(expected.len(), 400);
    for codec in Codec::ALL {
        let avro = path(&format!("batch-{}.avro", codec.name()));
        generate(&avro, &["--codec", codec.name()]);
        let (_, blocks) = read(Path::new(&avro));
        assert!(blocks >= 2, "{codec:?}: {blocks} blocks");
        assert!(screened(avro.into()) == expected, "{codec:?}");
    }
}

#[test]
fn generate_names_the_flag_of_a_bad_codec_and_exits_2() {
    let err = traction_screen(
        &[
            "generate", "--count", "1", "--output", "x.avro", "--codec", "lz4",
        ],
        2,
    );
    assert!(err.contains("--codec"), "{err}");
}
