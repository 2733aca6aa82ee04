//! Validation of names and addresses: brokers, topics, the group id, the admin address and
//! the registry URL.

use super::*;

#[test]
fn empty_brokers_name_the_flag_the_variable_and_the_file_key() {
    assert_eq!(
        run_error(&["--brokers", ""], Some("")),
        r#"invalid --brokers (TRACTION_SCREEN_BROKERS, brokers in config.toml): "" is empty"#
    );
}

#[test]
fn errors_without_a_config_file_name_the_flag_and_the_variable() {
    assert_eq!(
        run_error(&["--brokers", ""], None),
        r#"invalid --brokers (TRACTION_SCREEN_BROKERS): "" is empty"#
    );
}

#[test]
fn missing_brokers_is_an_error() {
    assert_eq!(
        run_error(&[], Some("group_id = 'g'\n")),
        "missing --brokers (TRACTION_SCREEN_BROKERS, brokers in config.toml): it is required"
    );
}

#[test]
fn brokers_must_each_be_host_and_port() {
    let cases = [
        ("kafka", r#""kafka" is not HOST:PORT"#),
        ("kafka:0", r#""kafka:0" is not HOST:PORT"#),
        ("kafka:+1", r#""kafka:+1" is not HOST:PORT"#),
        (
            "PLAINTEXT://kafka:9092",
            r#""PLAINTEXT://kafka:9092" is not HOST:PORT"#,
        ),
        ("a:1,,b:2", r#""a:1,,b:2" has an empty entry"#),
    ];
    for (brokers, problem) in cases {
        assert_eq!(
            run_error(&["--brokers", brokers], None),
            format!("invalid --brokers (TRACTION_SCREEN_BROKERS): {problem}"),
            "brokers {brokers:?}"
        );
    }
}

#[test]
fn brokers_accept_names_addresses_and_spaces_after_commas() {
    let settings = run_ok(
        &[
            "--brokers",
            "kafka-1.internal:9092, 10.0.0.2:9093, [::1]:9094",
        ],
        None,
    );
    assert_eq!(
        settings.brokers.to_bootstrap_servers(),
        "kafka-1.internal:9092,10.0.0.2:9093,[::1]:9094"
    );
}

#[test]
fn topic_names_must_be_valid_kafka_names() {
    let too_long = "t".repeat(250);
    let cases = [
        ("--output-topic", "", r#""" is empty"#.to_owned()),
        (
            "--output-topic",
            "out put",
            r#""out put" has characters other than A-Z a-z 0-9 . _ -"#.to_owned(),
        ),
        (
            "--dlq-topic",
            "..",
            r#"".." is not a topic name Kafka accepts"#.to_owned(),
        ),
        (
            "--dlq-topic",
            &too_long,
            "a 250-character topic name is longer than Kafka's limit of 249".to_owned(),
        ),
        (
            "--input-topic",
            "enc/ounters",
            r#""enc/ounters" has characters other than A-Z a-z 0-9 . _ -"#.to_owned(),
        ),
    ];
    for (flag, value, problem) in cases {
        let setting = Setting::named(flag.trim_start_matches('-')).expect("a setting");
        assert_eq!(
            run_error(&["--brokers", "k:9092", flag, value], None),
            format!("invalid {flag} ({}): {problem}", setting.env_var()),
        );
    }
}

#[test]
fn a_249_character_topic_name_is_valid() {
    let name = "t".repeat(249);
    assert_eq!(
        run_ok(&["--brokers", "k:9092", "--output-topic", &name], None)
            .topics
            .output,
        topic(&name)
    );
}

#[test]
fn no_topic_plays_two_roles() {
    let cases: [(&[&str], &str); 5] = [
        (
            &words("--output-topic encounters"),
            r#"invalid --output-topic (TRACTION_SCREEN_OUTPUT_TOPIC): "encounters" is also the --input-topic"#,
        ),
        (
            &words("--input-topic b --dlq-topic b"),
            r#"invalid --dlq-topic (TRACTION_SCREEN_DLQ_TOPIC): "b" is also the --input-topic"#,
        ),
        (
            &words("--dlq-topic screening-outcomes"),
            r#"invalid --dlq-topic (TRACTION_SCREEN_DLQ_TOPIC): "screening-outcomes" is also the --output-topic"#,
        ),
        (
            &words("--alerts-topic encounters-dlq"),
            r#"invalid --alerts-topic (TRACTION_SCREEN_ALERTS_TOPIC): "encounters-dlq" is also the --dlq-topic"#,
        ),
        (
            &words("--history-topic screening-outcomes"),
            r#"invalid --history-topic (TRACTION_SCREEN_HISTORY_TOPIC): "screening-outcomes" is also the --output-topic"#,
        ),
    ];
    for (flags, expected) in cases {
        assert_eq!(
            run_error(&[&BROKERS_FLAG[..], flags].concat(), None),
            expected
        );
    }
}

#[test]
fn a_blank_group_id_is_an_error() {
    assert_eq!(
        run_error(&["--brokers", "k:9092", "--group-id", " "], None),
        r#"invalid --group-id (TRACTION_SCREEN_GROUP_ID): " " is empty"#
    );
}

#[test]
fn the_admin_address_must_be_an_ip_and_port() {
    assert_eq!(
        run_error(&words("--brokers k:9092 --admin-addr localhost:9464"), None),
        r#"invalid --admin-addr (TRACTION_SCREEN_ADMIN_ADDR): "localhost:9464" is not IP:PORT"#
    );
}

#[test]
fn the_registry_url_must_be_http_or_https_with_a_host_and_no_query() {
    let not_http = "not an http:// or https:// URL";
    let no_host = "no valid HOST[:PORT] after the scheme";
    let cases = [
        ("ftp://registry", not_http),
        ("registry:8081", not_http),
        ("http://", no_host),
        ("http://:8081", no_host),
        ("http://registry:port", no_host),
        (
            "http://registry?x=1",
            "a query, a fragment or a space is not allowed",
        ),
        (
            "http://reg istry",
            "a query, a fragment or a space is not allowed",
        ),
        (
            "http://u:pa/ss@registry",
            "'@' after the host: percent-encode '/' in credentials",
        ),
    ];
    for (url, problem) in cases {
        assert_eq!(
            run_error(&["--brokers", "k:9092", "--schema-registry-url", url], None),
            format!(
                "invalid --schema-registry-url (TRACTION_SCREEN_SCHEMA_REGISTRY_URL): {problem}"
            ),
            "url {url:?}"
        );
    }
}

#[test]
fn registry_urls_with_ports_paths_and_ipv6_hosts_are_valid() {
    for url in [
        "http://registry",
        "HTTPS://registry:8081/sr/",
        "http://[::1]:8081",
        "https://user:pw@registry",
    ] {
        assert!(
            run(&["--brokers", "k:9092", "--schema-registry-url", url], None).is_ok(),
            "url {url:?}"
        );
    }
}
