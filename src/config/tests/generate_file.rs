//! `generate --output FILE`: the file's format from its name or `--format`, `--codec`, and
//! the Kafka settings out of the way.

use std::path::PathBuf;

use traction_screen_core::codec::container::Codec;

use super::*;

fn target(flags: &[&str]) -> Result<GenerateTarget, ConfigError> {
    match parse(&[&["generate"], flags].concat()) {
        Command::Generate(args) => GenerateTarget::resolve(&args, None),
        other => panic!("expected generate, parsed {other:?}"),
    }
}

fn file(flags: &str) -> GenerateFileSettings {
    match target(&words(flags)) {
        Ok(GenerateTarget::File(settings)) => settings,
        other => panic!("expected file settings, got {other:?}"),
    }
}

fn error(flags: &str) -> String {
    match target(&words(flags)) {
        Ok(target) => panic!("expected an error, got {target:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn an_avro_output_is_a_deflate_container_file_and_needs_no_broker() {
    assert_eq!(
        file("--output batch.avro --count 5"),
        GenerateFileSettings {
            path: PathBuf::from("batch.avro"),
            format: FileFormat::AvroContainer(Codec::Deflate),
            count: NonZeroU64::new(5).expect("5"),
            seed: 1,
            lines: None,
        }
    );
}

#[test]
fn the_codec_flag_beats_the_default() {
    assert_eq!(
        file("--output b.avro --count 1 --codec xz").format,
        FileFormat::AvroContainer(Codec::Xz)
    );
}

#[test]
fn json_lines_come_from_the_name_or_from_format_json_and_take_no_codec() {
    for flags in [
        "--output b.jsonl --count 1",
        "--output b.NDJSON --count 1",
        "--output b.txt --count 1 --format json",
    ] {
        assert_eq!(file(flags).format, FileFormat::JsonLines, "{flags}");
    }
    assert_eq!(
        error("--output b.jsonl --count 1 --codec snappy"),
        "invalid --codec (TRACTION_SCREEN_CODEC): applies to Avro container files (FILE.avro); \
         b.jsonl is JSON Lines"
    );
}

#[test]
fn a_name_that_tells_no_format_is_refused_naming_output() {
    assert_eq!(
        error("--output batch.bin --count 1"),
        "invalid --output (TRACTION_SCREEN_OUTPUT): cannot tell the format of batch.bin: name \
         it .avro (Avro container file) or .jsonl (JSON Lines), or give --format json"
    );
}

#[test]
fn kafka_framings_and_json_do_not_fit_an_avro_file() {
    assert_eq!(
        error("--output b.avro --count 1 --format avro-single-object"),
        "invalid --format (TRACTION_SCREEN_FORMAT): avro-single-object frames Kafka messages; \
         --output writes an Avro container file (FILE.avro) or JSON Lines (--format json)"
    );
    assert_eq!(
        error("--output b.avro --count 1 --format json"),
        "invalid --format (TRACTION_SCREEN_FORMAT): json does not fit b.avro: a .avro file is \
         an Avro container file"
    );
}

#[test]
fn without_output_generate_produces_to_kafka_and_refuses_a_codec_flag() {
    assert!(matches!(
        target(&words("--brokers k:9092 --count 5")),
        Ok(GenerateTarget::Kafka(_))
    ));
    assert_eq!(
        error("--brokers k:9092 --count 5 --codec snappy"),
        "invalid --codec (TRACTION_SCREEN_CODEC): applies to --output FILE.avro only"
    );
}

#[test]
fn a_file_takes_the_service_lines_too() {
    assert_eq!(
        file("--output b.jsonl --count 1 --lines 5").lines,
        NonZeroUsize::new(5)
    );
}
