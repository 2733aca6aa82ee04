//! The librdkafka properties the service owns are refused in `--kafka-config` — from any
//! layer, with any client prefix, naming the property and never its value — except for the
//! service's own value; and the settings that replace some of them.

use super::*;

const KAFKA_CONFIG_ERROR: &str = "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG)";

fn refusal(item: &str) -> String {
    run_error(&["--brokers", "k:9092", "--kafka-config", item], None)
}

#[test]
fn auto_commit_is_refused_with_the_reason() {
    assert_eq!(
        refusal("consumer.enable.auto.commit=true"),
        format!(
            "{KAFKA_CONFIG_ERROR}: \"consumer.enable.auto.commit\" is managed by the service: it \
             commits an offset only once the outcome is acknowledged; auto-commit would commit \
             offsets of outcomes never written, and a crash would lose them"
        )
    );
}

#[test]
fn properties_with_a_flag_of_their_own_name_the_flag() {
    let cases = [
        (
            "bootstrap.servers=x:1",
            r#""bootstrap.servers" is set with --brokers"#,
        ),
        ("group.id=g", r#""group.id" is set with --group-id"#),
        (
            "consumer.group.id=g",
            r#""consumer.group.id" is set with --group-id"#,
        ),
        (
            "producer.enable.idempotence=false",
            r#""producer.enable.idempotence" is set with --producer-idempotence (for brokers without idempotent producers)"#,
        ),
    ];
    for (item, problem) in cases {
        assert_eq!(refusal(item), format!("{KAFKA_CONFIG_ERROR}: {problem}"));
    }
}

#[test]
fn every_owned_property_is_refused_with_any_prefix_and_its_value_is_never_shown() {
    let owned = [
        "bootstrap.servers",
        "metadata.broker.list",
        "group.id",
        "enable.auto.commit",
        "auto.commit.enable",
        "enable.auto.offset.store",
        "auto.offset.reset",
        "isolation.level",
        "transactional.id",
        "acks",
        "request.required.acks",
        "enable.idempotence",
        "statistics.interval.ms",
    ];
    for property in owned {
        for prefix in ["", "consumer.", "producer."] {
            let key = format!("{prefix}{property}");
            let error = refusal(&format!("{key}=0-hunter2"));
            let named = format!("{KAFKA_CONFIG_ERROR}: {key:?} ");
            assert!(error.starts_with(&named), "{key}: {error}");
            assert!(!error.contains("hunter2"), "{key}: {error}");
        }
    }
}

#[test]
fn owned_properties_are_refused_from_the_environment_and_the_file_too() {
    let problem = r#""enable.auto.offset.store" is managed by the service (an offset is stored only once its outcome is acknowledged)"#;
    assert_eq!(
        kafka_error(
            &BROKERS_FLAG,
            Some("linger.ms=5,enable.auto.offset.store=true"),
            None
        ),
        format!("{KAFKA_CONFIG_ERROR}: {problem}")
    );
    assert_eq!(
        run_error(
            &BROKERS_FLAG,
            Some("[kafka_config]\nenable.auto.offset.store = true\n")
        ),
        format!(
            "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG, kafka_config in config.toml): \
             {problem}"
        )
    );
}

#[test]
fn values_that_weaken_delivery_are_refused() {
    let acks = "can only be all (or -1): an outcome acknowledged by fewer replicas can be lost \
                after its input offset was committed";
    let cases = [
        ("producer.acks=1", format!(r#""producer.acks" {acks}"#)),
        ("acks=0", format!(r#""acks" {acks}"#)),
        ("request.required.acks=1", format!(r#""request.required.acks" {acks}"#)),
        (
            "consumer.auto.offset.reset=latest",
            r#""consumer.auto.offset.reset" can only be earliest: a partition without a committed offset (a new group, or offsets past retention) must start at its first event, or encounters go unscreened; to start a new group later in the topic, set its offsets with kafka-consumer-groups --reset-offsets"#.to_owned(),
        ),
        (
            "statistics.interval.ms=0",
            r#""statistics.interval.ms" cannot be 0: the consumer-lag gauge and /readyz come from librdkafka's statistics"#.to_owned(),
        ),
    ];
    for (item, problem) in cases {
        assert_eq!(
            refusal(item),
            format!("{KAFKA_CONFIG_ERROR}: {problem}"),
            "{item}"
        );
    }
}

#[test]
fn the_services_own_values_are_accepted() {
    let items = [
        "producer.acks=all",
        "acks=-1",
        "request.required.acks=ALL",
        "consumer.auto.offset.reset=earliest",
        "auto.offset.reset=smallest",
        "consumer.statistics.interval.ms=1000",
    ];
    for item in items {
        let settings = run_ok(&["--brokers", "k:9092", "--kafka-config", item], None);
        let (key, value) = item.split_once('=').expect("KEY=VALUE");
        assert_eq!(settings.kafka_config.get(key), Some(value), "{item}");
    }
}

#[test]
fn producer_idempotence_is_turned_off_by_its_own_setting_only() {
    let off = |flags: &[&str], file: Option<&str>| !run_ok(flags, file).producer_idempotence;
    assert!(off(
        &words("--brokers k:9092 --producer-idempotence false"),
        None
    ));
    assert!(off(&BROKERS_FLAG, Some("producer_idempotence = false")));
    assert!(!off(&BROKERS_FLAG, None));
    assert_eq!(
        run_error(&BROKERS_FLAG, Some("producer_idempotence = 'no'")),
        "invalid --producer-idempotence (TRACTION_SCREEN_PRODUCER_IDEMPOTENCE, \
         producer_idempotence in config.toml): expected true or false, found string"
    );
}

#[test]
fn the_startup_timeout_is_whole_seconds_of_at_least_one() {
    let settings = run_ok(&words("--brokers k:9092 --startup-timeout 3"), None);
    assert_eq!(settings.startup_timeout, Duration::from_secs(3));
    assert_eq!(
        run_error(&words("--brokers k:9092 --startup-timeout 0"), None),
        "invalid --startup-timeout (TRACTION_SCREEN_STARTUP_TIMEOUT): must be at least 1"
    );
}

#[test]
fn exactly_once_comes_with_a_transactional_id_per_instance_from_any_layer() {
    let default = run_ok(&BROKERS_FLAG, None);
    assert_eq!(
        (default.delivery, default.transactional_id),
        (Delivery::AtLeastOnce, None)
    );
    let flagged = run_ok(
        &words("--brokers k:9092 --delivery exactly-once --transactional-id screen-0"),
        None,
    );
    assert_eq!(flagged.delivery, Delivery::ExactlyOnce);
    assert_eq!(flagged.transactional_id.as_deref(), Some("screen-0"));
    let filed = run_ok(
        &BROKERS_FLAG,
        Some("delivery = 'exactly-once'\ngroup_id = 'g'"),
    );
    let id = filed.transactional_id.expect("a default id");
    assert!(id.starts_with("g-") && id.len() > 2, "{id}");
    let ignored = run_ok(&words("--brokers k:9092 --transactional-id t"), None);
    assert_eq!(ignored.transactional_id, None, "only with exactly-once");
}

#[test]
fn exactly_once_refuses_a_producer_without_idempotence_naming_the_delivery_setting() {
    assert_eq!(
        run_error(
            &words("--brokers k:9092 --delivery exactly-once --producer-idempotence false"),
            None
        ),
        "invalid --delivery (TRACTION_SCREEN_DELIVERY): exactly-once needs an idempotent \
         producer: it cannot be combined with --producer-idempotence false"
    );
    assert_eq!(
        refusal("producer.transactional.id=x"),
        format!(
            "{KAFKA_CONFIG_ERROR}: \"producer.transactional.id\" is set with \
             --transactional-id, and only with --delivery exactly-once"
        )
    );
}
