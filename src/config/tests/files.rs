//! The files settings name: the `--rule-pack` file and the `--config` file itself.

use std::io::Write;

use traction_screen_core::rules::RulePack;

use super::*;

// ---- the rule pack ---------------------------------------------------------------

#[test]
fn a_rule_pack_file_is_loaded_and_validated() {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(traction_screen_core::rules::pack::BUILT_IN.as_bytes())
        .expect("writable");
    let path = file.path().display().to_string();
    let settings = run_ok(&["--brokers", "k:9092", "--rule-pack", &path], None);
    let version = settings
        .rule_pack
        .map(|loaded| (loaded.path, loaded.pack.version));
    assert_eq!(
        version,
        Some((file.path().to_owned(), RulePack::built_in().version))
    );
}

#[test]
fn an_unreadable_rule_pack_is_an_error() {
    assert_eq!(
        run_error(&BROKERS_FLAG, Some("rule_pack = '/nonexistent/pack.toml'")),
        "invalid --rule-pack (TRACTION_SCREEN_RULE_PACK, rule_pack in config.toml): \
         cannot read /nonexistent/pack.toml: No such file or directory (os error 2)"
    );
}

#[test]
fn an_invalid_rule_pack_reports_the_pack_error_on_one_line() {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    writeln!(file, "version = = 1").expect("writable");
    let path = file.path().display().to_string();
    assert_eq!(
        run_error(&["--brokers", "k:9092", "--rule-pack", &path], None),
        format!(
            "invalid --rule-pack (TRACTION_SCREEN_RULE_PACK): {path}: rule pack is not valid TOML of the \
             expected shape: TOML parse error at line 1, column 11: extra `=`, expected nothing"
        )
    );
}

// ---- the file --------------------------------------------------------------------

#[test]
fn an_unknown_file_key_is_an_error_naming_the_key_and_line_and_the_keys_there_are() {
    let keys = "expected one of `brokers`, `group_id`, `input_topic`, `output_topic`, \
                `dlq_topic`, `alerts_topic`, `input_format`, `output_format`, \
                `schema_registry_url`, `admin_addr`, `kafka_config`, `producer_idempotence`, \
                `delivery`, `transactional_id`, `startup_timeout`, `rule_pack`, `history_topic`, \
                `no_history`, `max_in_flight`, `drain_timeout`, \
                `commit_interval_ms`, `workers`, `log_format`";
    assert_eq!(
        file_error("brokers = 'k:9092'\n\nmax_inflight = 5\n"),
        format!("invalid --config config.toml, line 3: unknown field `max_inflight`, {keys}")
    );
    assert_eq!(
        file_error("config = 'other.toml'\n"),
        format!("invalid --config config.toml, line 1: unknown field `config`, {keys}")
    );
}

#[test]
fn bad_toml_names_the_file_and_line() {
    assert_eq!(
        file_error("brokers = 'k:9092'\ngroup_id = = 'g'\n"),
        "invalid --config config.toml, line 2: extra `=`, expected nothing"
    );
    assert_eq!(
        file_error("brokers = 'a'\nbrokers = 'b'\n"),
        "invalid --config config.toml, line 2: duplicate key"
    );
}

#[test]
fn kafka_config_in_the_file_must_be_a_table() {
    assert_eq!(
        file_error("brokers = 'k:9092'\nkafka_config = 'a=1'\n"),
        "invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG, kafka_config in config.toml): \
         must be a table of librdkafka properties"
    );
}
