//! Precedence: flag over environment over file over default, and where the file comes from.

use std::io::Write;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::Duration;

use clap::CommandFactory;

use super::*;

#[test]
fn the_command_line_beats_the_file() {
    // The command line is a flag or its variable: clap picks between the two (`cli`).
    let settings = run_ok(
        &words("--brokers flag:9092 --group-id from-flag --max-in-flight 7 --output-format json"),
        Some(
            "brokers = 'file:9092'\ngroup_id = 'from-file'\nmax_in_flight = 9\n\
             output_format = 'avro-single-object'\n",
        ),
    );
    assert_eq!(settings.brokers.to_bootstrap_servers(), "flag:9092");
    assert_eq!(settings.group_id, "from-flag");
    assert_eq!(settings.tuning.max_in_flight.get(), 7);
    assert_eq!(settings.output_format, OutputFormat::Json);
}

#[test]
fn the_file_beats_the_defaults() {
    let settings = run_ok(
        &[],
        Some(
            "brokers = ['a:9092', 'b:9093']\ngroup_id = 'from-file'\ninput_topic = 'x'\n\
             output_topic = 'out'\ndlq_topic = 'dead'\nalerts_topic = 'alerts'\n\
             input_format = 'json'\nadmin_addr = '0.0.0.0:9000'\nmax_in_flight = 9\n\
             drain_timeout = 5\ncommit_interval_ms = 250\nworkers = 3\nlog_format = 'json'\n",
        ),
    );
    assert_eq!(settings.brokers.to_bootstrap_servers(), "a:9092,b:9093");
    assert_eq!(settings.group_id, "from-file");
    let expected_topics = Topics {
        input: topic("x"),
        output: topic("out"),
        dlq: topic("dead"),
        alerts: Some(topic("alerts")),
        history: Some(topic("from-file-history")),
    };
    assert_eq!(settings.topics, expected_topics);
    assert_eq!(settings.input_format, InputFormat::Json);
    assert_eq!(
        settings.admin_addr,
        "0.0.0.0:9000".parse::<SocketAddr>().expect("literal")
    );
    let expected_tuning = Tuning {
        max_in_flight: NonZeroUsize::new(9).expect("literal"),
        drain_timeout: Duration::from_secs(5),
        commit_interval: Duration::from_millis(250),
        workers: NonZeroUsize::new(3).expect("literal"),
        log_format: LogFormat::Json,
    };
    assert_eq!(settings.tuning, expected_tuning);
}

#[test]
fn run_defaults_apply_when_no_layer_sets_a_setting() {
    let settings = run_ok(&BROKERS_FLAG, None);
    assert_eq!(settings.group_id, "traction-screen");
    let expected_topics = Topics {
        input: topic("encounters"),
        output: topic("screening-outcomes"),
        dlq: topic("encounters-dlq"),
        alerts: None,
        history: Some(topic("traction-screen-history")),
    };
    assert_eq!(settings.topics, expected_topics);
    assert_eq!(settings.input_format, InputFormat::Auto);
    assert_eq!(settings.output_format, OutputFormat::AvroSingleObject);
    assert_eq!(settings.schema_registry_url, None);
    assert_eq!(
        settings.admin_addr,
        "127.0.0.1:9464".parse::<SocketAddr>().expect("literal")
    );
    assert_eq!(settings.kafka_config, KafkaConfig::default());
    assert!(settings.producer_idempotence);
    assert_eq!(settings.startup_timeout, Duration::from_secs(15));
    assert!(settings.rule_pack.is_none());
    let parallelism = std::thread::available_parallelism().expect("the test machine reports it");
    let expected_tuning = Tuning {
        max_in_flight: NonZeroUsize::new(10_000).expect("literal"),
        drain_timeout: Duration::from_secs(30),
        commit_interval: Duration::from_millis(1_000),
        workers: parallelism,
        log_format: LogFormat::Auto,
    };
    assert_eq!(settings.tuning, expected_tuning);
}

#[test]
fn kafka_config_merges_per_key_file_then_environment_then_flags() {
    // Real librdkafka properties that take any text: every property is checked against
    // librdkafka.
    let settings = run_with(
        &words(
            "--brokers k:9092 --kafka-config sasl.username=flag \
             --kafka-config sasl.kerberos.service.name=flag=with=equals",
        ),
        Some("client.rack=env, sasl.username=env"),
        Some(
            "[kafka_config]\n'client.id' = 'file'\n'client.rack' = 'file'\n\
             'sasl.username' = 'file'\n",
        ),
    )
    .expect("valid settings");
    let expected = kafka(&[
        ("client.id", "file"),
        ("client.rack", "env"),
        ("sasl.username", "flag"),
        ("sasl.kerberos.service.name", "flag=with=equals"),
    ]);
    assert_eq!(settings.kafka_config, expected);
}

#[test]
fn kafka_config_file_keys_written_unquoted_are_joined_with_dots() {
    let file = "[kafka_config]\nsecurity.protocol = 'SASL_SSL'\nsocket.keepalive.enable = true\n\
                \"queue.buffering.max.ms\" = 5\n";
    let settings = run_ok(&BROKERS_FLAG, Some(file));
    let expected = kafka(&[
        ("queue.buffering.max.ms", "5"),
        ("security.protocol", "SASL_SSL"),
        ("socket.keepalive.enable", "true"),
    ]);
    assert_eq!(settings.kafka_config, expected);
}

#[test]
fn an_empty_value_unsets_an_optional_setting_of_a_lower_layer() {
    let settings = run_ok(
        &[
            "--brokers",
            "k:9092",
            "--schema-registry-url",
            "",
            "--alerts-topic",
            "",
        ],
        Some("alerts_topic = 'alerts'\nschema_registry_url = 'http://registry:8081'\n"),
    );
    assert_eq!(settings.topics.alerts, None);
    assert_eq!(settings.schema_registry_url, None);
    assert_eq!(settings.output_format, OutputFormat::AvroSingleObject);
}

#[test]
fn every_run_flag_but_config_is_a_config_file_key_and_no_other_key_is() {
    let cli = Cli::command();
    let run = cli.find_subcommand("run").expect("run is a subcommand");
    let mut flags: Vec<String> = run
        .get_arguments()
        .filter_map(|arg| arg.get_long())
        .filter(|long| !matches!(*long, "config" | "help"))
        .map(|long| long.replace('-', "_"))
        .collect();
    flags.sort();
    // serde lists the keys it expects when it meets another one.
    let unknown = file_error("not_a_setting = 1\n");
    let listed = unknown
        .split_once("expected one of ")
        .map(|(_, keys)| keys)
        .unwrap_or_else(|| panic!("the file's keys are listed: {unknown}"));
    let mut keys: Vec<String> = listed
        .split(", ")
        .map(|key| key.trim_matches('`').to_owned())
        .collect();
    keys.sort();
    assert_eq!(flags, keys);
}

#[test]
fn the_config_file_is_read_from_the_path_the_command_line_gives() {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    writeln!(file, "brokers = 'file:9092'").expect("writable");
    let path = file.path().display().to_string();
    let settings = RunSettings::resolve(&run_args(&["--config", &path]), None);
    let brokers = settings.map(|settings| settings.brokers.to_bootstrap_servers());
    assert_eq!(brokers, Ok("file:9092".to_owned()));
}

#[test]
fn an_unreadable_config_file_is_an_error_naming_it() {
    let error = RunSettings::resolve(&run_args(&words("--config /nonexistent/config.toml")), None);
    assert_eq!(
        error.map(|_| ()).map_err(|e| e.to_string()),
        Err(
            "cannot read --config /nonexistent/config.toml: No such file or directory (os error 2)"
                .to_owned()
        )
    );
}

#[test]
fn the_history_topic_comes_from_its_flag_its_variable_or_the_file_and_no_history_unsets_it() {
    let flag = run_ok(&["--brokers", "k:9092", "--history-topic", "state"], None);
    assert_eq!(flag.topics.history, Some(topic("state")));
    let file = run_ok(&BROKERS_FLAG, Some("history_topic = 'kept'\n"));
    assert_eq!(file.topics.history, Some(topic("kept")));
    let off = run_ok(&["--brokers", "k:9092", "--no-history"], None);
    assert_eq!(off.topics.history, None);
    let off_in_file = run_ok(&BROKERS_FLAG, Some("no_history = true\n"));
    assert_eq!(off_in_file.topics.history, None);
    let flag_beats_file = run_ok(
        &["--brokers", "k:9092", "--no-history", "false"],
        Some("no_history = true\n"),
    );
    assert_eq!(
        flag_beats_file.topics.history,
        Some(topic("traction-screen-history"))
    );
}
