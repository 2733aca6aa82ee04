//! Validation of numbers and listed values from each layer, and of librdkafka properties.

use super::*;

#[test]
fn tuning_values_must_be_at_least_one() {
    for (flag, var) in [
        ("--max-in-flight", "TRACTION_SCREEN_MAX_IN_FLIGHT"),
        ("--drain-timeout", "TRACTION_SCREEN_DRAIN_TIMEOUT"),
        ("--commit-interval-ms", "TRACTION_SCREEN_COMMIT_INTERVAL_MS"),
        ("--workers", "TRACTION_SCREEN_WORKERS"),
    ] {
        assert_eq!(
            run_error(&["--brokers", "k:9092", flag, "0"], None),
            format!("invalid {flag} ({var}): must be at least 1")
        );
    }
}

#[test]
fn a_format_from_the_file_must_be_a_listed_value() {
    assert_eq!(
        run_error(&BROKERS_FLAG, Some("input_format = 'avro'")),
        r#"invalid --input-format (TRACTION_SCREEN_INPUT_FORMAT, input_format in config.toml): "avro" is not one of auto, json, avro-confluent, avro-single-object"#
    );
    assert_eq!(
        run_error(&BROKERS_FLAG, Some("log_format = 'JSON'")),
        r#"invalid --log-format (TRACTION_SCREEN_LOG_FORMAT, log_format in config.toml): "JSON" is not one of auto, json, text"#
    );
}

#[test]
fn file_values_of_the_wrong_type_are_errors() {
    let cases = [
        (
            "brokers = 'k:9092'\nmax_in_flight = '100'",
            "--max-in-flight (TRACTION_SCREEN_MAX_IN_FLIGHT, max_in_flight in config.toml): expected an integer, found string",
        ),
        (
            "brokers = 'k:9092'\nworkers = -2",
            "--workers (TRACTION_SCREEN_WORKERS, workers in config.toml): -2 is negative",
        ),
        (
            "brokers = 'k:9092'\ngroup_id = 5",
            "--group-id (TRACTION_SCREEN_GROUP_ID, group_id in config.toml): expected a string, found integer",
        ),
        (
            "brokers = ['k:9092', 1]",
            "--brokers (TRACTION_SCREEN_BROKERS, brokers in config.toml): expected a string, found integer",
        ),
    ];
    for (file, expected) in cases {
        assert_eq!(
            run_error(&[], Some(file)),
            format!("invalid {expected}"),
            "file {file:?}"
        );
    }
}

#[test]
fn malformed_kafka_config_items_are_named_by_position() {
    assert_eq!(
        kafka_error(&BROKERS_FLAG, Some("a=1,,sasl.password"), None),
        "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): TRACTION_SCREEN_KAFKA_CONFIG item 3 is not KEY=VALUE"
    );
    assert_eq!(
        run_error(
            &words("--brokers k:9092 --kafka-config a=1 --kafka-config =hunter2"),
            None
        ),
        "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): --kafka-config value 2 is not KEY=VALUE"
    );
}

#[test]
fn kafka_config_keys_must_be_property_names() {
    assert_eq!(
        run_error(
            &[
                "--brokers",
                "k:9092",
                "--kafka-config",
                "sasl mechanism=PLAIN"
            ],
            None
        ),
        r#"invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): key "sasl mechanism" has characters other than A-Z a-z 0-9 . _ -"#
    );
}

#[test]
fn kafka_config_file_values_must_be_scalars() {
    assert_eq!(
        run_error(
            &BROKERS_FLAG,
            Some("[kafka_config]\n'ssl.cipher.suites' = ['A', 'B']\n")
        ),
        r#"invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG, kafka_config in config.toml): "ssl.cipher.suites" must be a string, number or boolean"#
    );
}

#[test]
fn valid_properties_pass_librdkafka_for_both_clients() {
    let props = kafka(&[
        ("security.protocol", "plaintext"),
        ("consumer.session.timeout.ms", "6000"),
    ]);
    assert_eq!(kafka_config::validate(&props), Ok(()));
}

#[test]
fn each_client_gets_its_scoped_properties_without_the_prefix_and_the_shared_ones() {
    let props = kafka(&[
        ("client.id", "both"),
        ("consumer.session.timeout.ms", "6000"),
        ("producer.linger.ms", "5"),
    ]);
    let consumer: Vec<_> = props.for_client(Role::Consumer).collect();
    let producer: Vec<_> = props.for_client(Role::Producer).collect();
    assert_eq!(
        consumer,
        [("client.id", "both"), ("session.timeout.ms", "6000")]
    );
    assert_eq!(producer, [("client.id", "both"), ("linger.ms", "5")]);
}
