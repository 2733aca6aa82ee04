//! Settings resolution, tested through the parsed command line, an in-memory `--config` file
//! and, for the one variable clap does not read, its value handed in. What clap does itself
//! (a flag beats its variable; the variables' names) is tested in `cli`, and through the real
//! binary in `tests/it/settings.rs`. One submodule per concern, sharing these helpers.

mod files;
mod generate_and_demo;
mod generate_file;
mod numbers_and_properties;
mod output_format;
mod owned_properties;
mod precedence;
mod secrets;
mod validation;

use super::*;
use crate::cli::{Cli, Command};

fn parse(argv: &[&str]) -> Command {
    let argv = ["traction-screen"].iter().chain(argv);
    Cli::read_from(argv)
        .expect("the test's flags parse")
        .command
}

fn run_args(flags: &[&str]) -> RunArgs {
    match parse(&[&["run"], flags].concat()) {
        Command::Run(args) => *args,
        other => panic!("expected run, parsed {other:?}"),
    }
}

/// A command line's words (none of the test's values holds a space).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// `run` resolved from flags, `TRACTION_SCREEN_KAFKA_CONFIG` and (optionally) a file named
/// config.toml.
fn run_with(
    flags: &[&str],
    kafka_variable: Option<&str>,
    file: Option<&str>,
) -> Result<RunSettings, ConfigError> {
    let file = file
        .map(|text| ConfigFile::parse("config.toml", text))
        .transpose()?;
    RunSettings::from_layers(&run_args(flags), kafka_variable, file.as_ref())
}

fn run(flags: &[&str], file: Option<&str>) -> Result<RunSettings, ConfigError> {
    run_with(flags, None, file)
}

fn run_ok(flags: &[&str], file: Option<&str>) -> RunSettings {
    match run(flags, file) {
        Ok(settings) => settings,
        Err(e) => panic!("expected valid settings, got: {e}"),
    }
}

fn run_error(flags: &[&str], file: Option<&str>) -> String {
    kafka_error(flags, None, file)
}

/// The error of `run` with `TRACTION_SCREEN_KAFKA_CONFIG` set to `kafka_variable`.
fn kafka_error(flags: &[&str], kafka_variable: Option<&str>, file: Option<&str>) -> String {
    match run_with(flags, kafka_variable, file) {
        Ok(settings) => panic!("expected an error, got {settings:?}"),
        Err(e) => e.to_string(),
    }
}

fn file_error(text: &str) -> String {
    match ConfigFile::parse("config.toml", text) {
        Ok(_) => panic!("expected the file to be rejected"),
        Err(e) => e.to_string(),
    }
}

fn generate(flags: &[&str]) -> Result<GenerateSettings, ConfigError> {
    match parse(&[&["generate"], flags].concat()) {
        Command::Generate(args) => GenerateSettings::resolve(&args, None),
        other => panic!("expected generate, parsed {other:?}"),
    }
}

fn demo(flags: &[&str]) -> Result<DemoSettings, ConfigError> {
    match parse(&[&["demo"], flags].concat()) {
        Command::Demo(args) => DemoSettings::from_args(&args),
        other => panic!("expected demo, parsed {other:?}"),
    }
}

fn topic(name: &str) -> TopicName {
    TopicName::parse(name).expect("a valid topic name")
}

fn kafka(pairs: &[(&str, &str)]) -> KafkaConfig {
    KafkaConfig(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

const BROKERS_FLAG: [&str; 2] = ["--brokers", "kafka:9092"];
