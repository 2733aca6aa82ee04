//! The command line: what parses, which variable each flag reads, how an invalid variable is
//! named, and the rules of `generate --output`.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::TypedValueParser;
use traction_screen_core::codec::container::Codec;
use traction_screen_core::codec::{InputFormat, OutputFormat};

use super::variable::{one_of, true_or_false, whole_number};
use super::*;
use crate::telemetry::LogFormat;

#[test]
fn the_definitions_pass_clap_consistency_checks() {
    Cli::command().debug_assert();
}

/// Parses a command line written as one string (no argument holds a space).
fn parse(line: &str) -> Command {
    let argv = std::iter::once("traction-screen").chain(line.split_whitespace());
    Cli::read_from(argv)
        .expect("the command line parses")
        .command
}

fn usage_error(line: &str) -> clap::Error {
    let argv = std::iter::once("traction-screen").chain(line.split_whitespace());
    Cli::read_from(argv).expect_err(line)
}

#[test]
fn the_contract_run_command_line_parses() {
    let Command::Run(args) = parse(
        "run --brokers a:9092,b:9092 --group-id g --input-topic in --output-topic out \
         --dlq-topic dlq --alerts-topic alerts --input-format avro-confluent \
         --output-format json --schema-registry-url http://registry:8081 \
         --admin-addr 0.0.0.0:9464 --kafka-config security.protocol=SSL \
         --kafka-config linger.ms=5 --config config.toml --rule-pack pack.toml",
    ) else {
        panic!("expected run");
    };
    assert_eq!(args.brokers.as_deref(), Some("a:9092,b:9092"));
    assert_eq!(args.input_format, Some(InputFormat::AvroConfluent));
    assert_eq!(args.output_format, Some(OutputFormat::Json));
    assert_eq!(args.kafka_config, ["security.protocol=SSL", "linger.ms=5"]);
    assert_eq!(args.config, Some(PathBuf::from("config.toml")));
    assert_eq!(args.rule_pack, Some(PathBuf::from("pack.toml")));
}

#[test]
fn the_contract_generate_and_demo_command_lines_parse() {
    let Command::Generate(args) = parse(
        "generate --brokers k:9092 --topic encounters --count 10 --rate 5 \
         --format avro-single-object --seed 3",
    ) else {
        panic!("expected generate");
    };
    assert_eq!(
        (args.count, args.rate, args.seed),
        (Some(10), Some(5), Some(3))
    );
    assert_eq!(args.format, Some(OutputFormat::AvroSingleObject));
    let Command::Demo(args) = parse("demo --events 100 --rate 50 --admin-addr 127.0.0.1:9000")
    else {
        panic!("expected demo");
    };
    assert_eq!((args.events, args.rate), (Some(100), Some(50)));
    assert_eq!(args.admin_addr.as_deref(), Some("127.0.0.1:9000"));
}

#[test]
fn every_codec_and_wire_format_parses_by_its_name() {
    for codec in Codec::ALL {
        let line = format!("generate --output b.avro --codec {}", codec.name());
        let Command::Generate(args) = parse(&line) else {
            panic!("expected generate");
        };
        assert_eq!(args.codec, Some(codec));
    }
    for (input, output) in InputFormat::ALL
        .iter()
        .zip(OutputFormat::ALL.iter().cycle())
    {
        let line = format!(
            "run --input-format {} --output-format {}",
            input.name(),
            output.name()
        );
        let Command::Run(args) = parse(&line) else {
            panic!("expected run");
        };
        assert_eq!(
            (args.input_format, args.output_format),
            (Some(*input), Some(*output))
        );
    }
}

#[test]
fn flags_left_out_stay_unset_so_lower_layers_can_fill_them() {
    let Command::Run(args) = parse("run") else {
        panic!("expected run");
    };
    assert_eq!(
        (args.brokers, args.group_id, args.tuning.workers),
        (None, None, None)
    );
}

#[test]
fn every_setting_reads_its_variable_hidden_from_the_help_but_kafka_config() {
    let cli = Cli::command();
    for name in ["run", "demo", "generate"] {
        let command = cli.find_subcommand(name).expect("a subcommand");
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long().filter(|long| *long != "help") else {
                continue;
            };
            let setting = Setting::named(long).unwrap_or_else(|| panic!("--{long} is named"));
            let env = arg.get_env().map(|var| var.to_string_lossy().into_owned());
            if long == "kafka-config" {
                assert_eq!(env, None, "{name} --{long}");
            } else {
                assert_eq!(env, Some(setting.env_var()), "{name} --{long}");
                assert!(arg.is_hide_env_set(), "{name} --{long}");
            }
        }
    }
    let check = cli.find_subcommand("check").expect("check");
    assert!(check.get_arguments().all(|arg| arg.get_env().is_none()));
}

/// The error of `parser` for the text of `flag`'s variable, as clap prints it.
fn variable_error<P: TypedValueParser>(parser: P, command: &str, flag: &str, text: &str) -> String {
    let cli = Cli::command();
    let command = cli.find_subcommand(command).expect("a subcommand");
    let arg = command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(flag))
        .expect("the flag");
    let source = clap::parser::ValueSource::EnvVariable;
    match parser.parse_ref_(command, Some(arg), OsStr::new(text), source) {
        Ok(_) => panic!("{text:?} parsed"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn an_invalid_variable_is_named_with_its_flag_and_worded_as_a_setting_error() {
    assert_eq!(
        variable_error(whole_number(), "run", "drain-timeout", "30s"),
        "error: invalid --drain-timeout (TRACTION_SCREEN_DRAIN_TIMEOUT): \"30s\" is not a whole number\n"
    );
    assert_eq!(
        variable_error(true_or_false(), "run", "producer-idempotence", "no"),
        "error: invalid --producer-idempotence (TRACTION_SCREEN_PRODUCER_IDEMPOTENCE): \"no\" is not true or false\n"
    );
    assert_eq!(
        variable_error(one_of::<InputFormat>(), "run", "input-format", "avro"),
        "error: invalid --input-format (TRACTION_SCREEN_INPUT_FORMAT): \"avro\" is not one of auto, json, avro-confluent, avro-single-object\n"
    );
    assert_eq!(
        variable_error(one_of::<LogFormat>(), "run", "log-format", "JSON"),
        "error: invalid --log-format (TRACTION_SCREEN_LOG_FORMAT): \"JSON\" is not one of auto, json, text\n"
    );
    assert_eq!(
        variable_error(one_of::<Codec>(), "generate", "codec", "lz4"),
        "error: invalid --codec (TRACTION_SCREEN_CODEC): \"lz4\" is not one of null, deflate, snappy, zstandard, bzip2, xz\n"
    );
}

#[test]
fn an_invalid_flag_stays_claps_usage_error() {
    let error = usage_error("run --workers abc");
    assert_eq!(error.kind(), ErrorKind::ValueValidation);
    assert!(
        error.to_string().starts_with(
            "error: invalid value 'abc' for '--workers <N>': invalid digit found in string"
        ),
        "{error}"
    );
}

#[test]
fn kafka_flags_next_to_output_are_a_usage_error() {
    for flag in [
        "--brokers k:9092",
        "--topic t",
        "--rate 5",
        "--schema-registry-url http://registry",
        "--kafka-config linger.ms=5",
    ] {
        let error = usage_error(&format!("generate --output b.avro {flag}"));
        assert_eq!(error.kind(), ErrorKind::ArgumentConflict, "{flag}");
        let message = error.to_string();
        let named = format!(
            "error: the argument '--output <FILE>' cannot be used with '{}",
            &flag[..flag.find(' ').unwrap_or(flag.len())]
        );
        assert!(message.starts_with(&named), "{message}");
    }
    let error = usage_error("generate --brokers k:9092 --output b.avro");
    assert!(
        error.to_string().starts_with(
            "error: the argument '--brokers <HOST:PORT[,...]>' cannot be used with '--output <FILE>'"
        ),
        "{error}"
    );
}
