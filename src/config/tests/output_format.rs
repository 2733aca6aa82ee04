//! The output format's default follows the registry; Confluent framing needs a registry.

use super::*;

#[test]
fn output_format_defaults_to_avro_single_object_without_a_registry() {
    assert_eq!(
        run_ok(&BROKERS_FLAG, None).output_format,
        OutputFormat::AvroSingleObject
    );
}

#[test]
fn output_format_defaults_to_avro_confluent_with_a_registry() {
    let settings = run_ok(
        &words("--brokers k:9092 --schema-registry-url https://registry:8081/"),
        None,
    );
    assert_eq!(settings.output_format, OutputFormat::AvroConfluent);
    assert_eq!(
        settings.schema_registry_url.map(|url| url.to_string()),
        Some("https://registry:8081".to_owned())
    );
}

#[test]
fn an_explicit_output_format_beats_the_registry_default() {
    let flags = [
        "--brokers",
        "k:9092",
        "--schema-registry-url",
        "http://registry",
        "--output-format",
        "json",
    ];
    assert_eq!(run_ok(&flags, None).output_format, OutputFormat::Json);
}

#[test]
fn avro_confluent_output_without_a_registry_is_an_error() {
    assert_eq!(
        run_error(
            &words("--brokers k:9092 --output-format avro-confluent"),
            None
        ),
        "invalid --output-format (TRACTION_SCREEN_OUTPUT_FORMAT): avro-confluent needs --schema-registry-url"
    );
}

#[test]
fn avro_confluent_input_without_a_registry_is_an_error() {
    assert_eq!(
        run_error(
            &words("--brokers k:9092 --input-format avro-confluent"),
            None
        ),
        "invalid --input-format (TRACTION_SCREEN_INPUT_FORMAT): avro-confluent needs --schema-registry-url"
    );
}
