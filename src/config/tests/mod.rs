//! Settings resolution, tested through the parsed command line, an injected environment
//! and an in-memory `--config` file; one submodule per concern, sharing these helpers.

mod files;
mod generate_and_demo;
mod generate_file;
mod numbers_and_properties;
mod output_format;
mod owned_properties;
mod precedence;
mod secrets;
mod validation;

use clap::Parser;

use super::*;
use crate::cli::{Cli, Command};

fn parse(argv: &[&str]) -> Command {
    let argv = ["traction-screen"].iter().chain(argv);
    Cli::try_parse_from(argv)
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

fn env(vars: &[(&str, &str)]) -> Env {
    vars.iter().copied().collect()
}

fn config_file(text: &str) -> ConfigFile {
    match ConfigFile::parse("config.toml", text) {
        Ok(file) => file,
        Err(e) => panic!("the test's config file parses: {e}"),
    }
}

/// `run` resolved from flags, variables and (optionally) a file named config.toml.
fn run(
    flags: &[&str],
    vars: &[(&str, &str)],
    file: Option<&str>,
) -> Result<RunSettings, ConfigError> {
    let file = file.map(config_file);
    let layers = Layers {
        env: &env(vars),
        file: file.as_ref(),
    };
    RunSettings::from_layers(&run_args(flags), &layers)
}

fn run_ok(flags: &[&str], vars: &[(&str, &str)], file: Option<&str>) -> RunSettings {
    match run(flags, vars, file) {
        Ok(settings) => settings,
        Err(e) => panic!("expected valid settings, got: {e}"),
    }
}

fn run_error(flags: &[&str], vars: &[(&str, &str)], file: Option<&str>) -> String {
    match run(flags, vars, file) {
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

fn generate(flags: &[&str], vars: &[(&str, &str)]) -> Result<GenerateSettings, ConfigError> {
    match parse(&[&["generate"], flags].concat()) {
        Command::Generate(args) => GenerateSettings::resolve(&args, &env(vars)),
        other => panic!("expected generate, parsed {other:?}"),
    }
}

fn demo(flags: &[&str], vars: &[(&str, &str)]) -> Result<DemoSettings, ConfigError> {
    match parse(&[&["demo"], flags].concat()) {
        Command::Demo(args) => DemoSettings::resolve(&args, &env(vars)),
        other => panic!("expected demo, parsed {other:?}"),
    }
}

fn topic(name: &str) -> TopicName {
    TopicName(name.to_owned())
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
