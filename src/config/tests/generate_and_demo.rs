//! The settings of `generate` and `demo`.

use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};

use super::*;

#[test]
fn generate_requires_brokers_and_a_count() {
    let error = |flags: &[&str]| generate(flags).map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(
        error(&words("--count 5")),
        Err("missing --brokers (TRACTION_SCREEN_BROKERS): it is required".to_owned())
    );
    assert_eq!(
        error(&BROKERS_FLAG),
        Err("missing --count (TRACTION_SCREEN_COUNT): it is required".to_owned())
    );
    assert_eq!(
        error(&words("--brokers k:9092 --count 0")),
        Err("invalid --count (TRACTION_SCREEN_COUNT): must be at least 1".to_owned())
    );
}

#[test]
fn generate_defaults_to_json_on_encounters_with_seed_one_and_no_rate_limit() {
    let settings = generate(&words("--brokers k:9092 --count 5")).expect("valid settings");
    assert_eq!(settings.topic, topic("encounters"));
    assert_eq!(settings.count.get(), 5);
    assert_eq!(settings.rate, None);
    assert_eq!(settings.format, OutputFormat::Json);
    assert_eq!(settings.seed, 1);
    assert_eq!(settings.lines, None);
    assert_eq!(settings.schema_registry_url, None);
    assert_eq!(settings.kafka_config, KafkaConfig::default());
}

#[test]
fn generate_takes_its_kafka_config_from_the_variable_and_the_flags() {
    let Command::Generate(args) = parse(&words(
        "generate --brokers k:9092 --count 100 --rate 50 --seed 7 --kafka-config client.id=flag",
    )) else {
        panic!("expected generate");
    };
    let settings = GenerateSettings::resolve(&args, Some("linger.ms=5, client.id=env"))
        .expect("valid settings");
    assert_eq!(
        (
            settings.count.get(),
            settings.rate.map(NonZeroU32::get),
            settings.seed
        ),
        (100, Some(50), 7)
    );
    assert_eq!(
        settings.kafka_config,
        kafka(&[("client.id", "flag"), ("linger.ms", "5")])
    );
}

#[test]
fn generate_fixes_the_service_lines_with_lines_of_at_least_one() {
    let settings = generate(&words("--brokers k:9092 --count 5 --lines 20")).expect("valid");
    assert_eq!(settings.lines.map(NonZeroUsize::get), Some(20));
    assert_eq!(
        generate(&words("--brokers k:9092 --count 5 --lines 0"))
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err("invalid --lines (TRACTION_SCREEN_LINES): must be at least 1".to_owned())
    );
}

#[test]
fn generate_avro_confluent_needs_a_registry() {
    let error = generate(&words("--brokers k:9092 --count 1 --format avro-confluent"));
    assert_eq!(
        error.map(|_| ()).map_err(|e| e.to_string()),
        Err(
            "invalid --format (TRACTION_SCREEN_FORMAT): avro-confluent needs --schema-registry-url"
                .to_owned()
        )
    );
}

#[test]
fn demo_defaults_to_thirty_thousand_events_at_five_thousand_per_second() {
    let settings = demo(&[]).expect("valid settings");
    assert_eq!(
        (
            settings.events.get(),
            settings.rate.get(),
            settings.partitions.get()
        ),
        (30_000, 5_000, 6)
    );
    assert_eq!(
        settings.admin_addr,
        "127.0.0.1:9464".parse::<SocketAddr>().expect("literal")
    );
    assert_eq!(settings.tuning.max_in_flight.get(), 10_000);
}

#[test]
fn demo_flags_set_its_events_rate_and_tuning() {
    let settings = demo(&words("--events 11 --rate 20 --workers 2")).expect("valid settings");
    assert_eq!(
        (
            settings.events.get(),
            settings.rate.get(),
            settings.tuning.workers.get()
        ),
        (11, 20, 2)
    );
}

#[test]
fn the_demos_service_is_resolved_like_runs_with_its_own_topics() {
    let demo = demo(&words("--workers 3")).expect("valid settings");
    let topics = [
        "encounters",
        "screening-outcomes",
        "encounters-dlq",
        "screening-alerts",
    ];
    let settings = RunSettings::for_demo("127.0.0.1:9092", &demo, "demo-group", topics)
        .expect("valid settings");
    assert_eq!(settings.brokers.to_bootstrap_servers(), "127.0.0.1:9092");
    assert_eq!(settings.group_id, "demo-group");
    assert_eq!(settings.topics.alerts, Some(topic("screening-alerts")));
    assert_eq!(settings.tuning, demo.tuning);
    assert_eq!(settings.admin_addr, demo.admin_addr);
    let clash = [
        "encounters",
        "encounters",
        "encounters-dlq",
        "screening-alerts",
    ];
    assert_eq!(
        RunSettings::for_demo("127.0.0.1:9092", &demo, "demo-group", clash)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(r#"invalid --output-topic (TRACTION_SCREEN_OUTPUT_TOPIC): "encounters" is also the --input-topic"#.to_owned())
    );
}

#[test]
fn demo_partitions_must_fit_a_kafka_topic() {
    let error = demo(&words("--partitions 70000"))
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        error,
        Err(
            "invalid --partitions (TRACTION_SCREEN_PARTITIONS): 70000 is more than 65535"
                .to_owned()
        )
    );
}

#[test]
fn auto_log_format_is_text_on_a_terminal_and_json_otherwise() {
    assert_eq!(
        (
            LogFormat::Auto.is_json(true),
            LogFormat::Auto.is_json(false)
        ),
        (false, true)
    );
    assert_eq!(
        (
            LogFormat::Json.is_json(true),
            LogFormat::Text.is_json(false)
        ),
        (true, false)
    );
}
