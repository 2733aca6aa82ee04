//! Secrets stay out of `Debug` output and error messages.

use super::*;

#[test]
fn keys_naming_passwords_secrets_tokens_or_keys_look_secret() {
    let secret = [
        "sasl.password",
        "ssl.key.pem",
        "sasl.oauthbearer.client.secret",
        "SASL.OAUTHBEARER.TOKEN",
    ];
    let plain = [
        "security.protocol",
        "sasl.mechanism",
        "ssl.ca.location",
        "client.id",
    ];
    assert!(secret.iter().all(|key| looks_secret(key)));
    assert!(!plain.iter().any(|key| looks_secret(key)));
}

#[test]
fn debug_output_redacts_the_values_of_secret_looking_keys() {
    let settings = run_ok(
        &words(
            "--brokers k:9092 --kafka-config sasl.password=hunter2 --kafka-config sasl.mechanism=PLAIN",
        ),
        None,
    );
    assert_eq!(
        format!("{:?}", settings.kafka_config),
        r#"{"sasl.mechanism": "PLAIN", "sasl.password": "<redacted>"}"#
    );
    assert!(!format!("{settings:?}").contains("hunter2"));
}

#[test]
fn malformed_kafka_config_items_are_not_echoed() {
    let from_env = kafka_error(&BROKERS_FLAG, Some("sasl.password:hunter2"), None);
    let from_flag = run_error(
        &words("--brokers k:9092 --kafka-config sasl.password:hunter2"),
        None,
    );
    assert!(!from_env.contains("hunter2"), "{from_env}");
    assert!(!from_flag.contains("hunter2"), "{from_flag}");
}

#[test]
fn a_toml_syntax_error_does_not_echo_the_offending_line() {
    assert_eq!(
        file_error("[kafka_config]\n'sasl.password' = hunter2\n"),
        "invalid --config config.toml, line 2: string values must be quoted, expected literal string"
    );
}

#[test]
fn registry_url_credentials_are_hidden_in_debug_output() {
    let settings = run_ok(
        &words("--brokers k:9092 --schema-registry-url https://user:hunter2@registry:8081/sr"),
        None,
    );
    let debug = format!("{settings:?}");
    assert!(
        debug.contains(r#"RegistryUrl("https://***@registry:8081/sr")"#),
        "{debug}"
    );
    assert!(
        !debug.contains("hunter2") && !debug.contains("user"),
        "{debug}"
    );
}

#[test]
fn a_property_librdkafka_rejects_is_named_without_its_value() {
    let error = run_error(
        &words("--brokers k:9092 --kafka-config sasl.pasword=hunter2"),
        None,
    );
    assert_eq!(
        error,
        "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): sasl.pasword: No such configuration property: \"sasl.pasword\""
    );
}

#[test]
fn a_scoped_property_with_a_bad_value_is_named_as_written() {
    let error = run_error(
        &words("--brokers k:9092 --kafka-config consumer.session.timeout.ms=abc"),
        None,
    );
    assert_eq!(
        error,
        "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): consumer.session.timeout.ms: Invalid value for configuration property \"session.timeout.ms\""
    );
}
