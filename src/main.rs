//! The `traction-screen` binary: parse the command line, set up logging, run the subcommand.
//!
//! Exit status: 0 on success (or a clean shutdown), 1 on a runtime failure, 2 on a usage or
//! configuration error; `check` (CONTRACT.md §5) and `report` have their own statuses.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use clap::Parser;
use traction_screen::app::{self, App, ServiceSpec};
use traction_screen::check::{self, CheckFormat, CheckOptions};
use traction_screen::cli::{CheckArgs, Cli, Command};
use traction_screen::config::{
    ConfigError, DemoSettings, GenerateSettings, LogFormat, RunSettings,
};
use traction_screen::generate::{self, GenerateSpec};
use traction_screen::runtime::shutdown::{self, Shutdown};
use traction_screen::{demo, report, telemetry};

const CONFIG_ERROR: u8 = 2;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(args) => ExitCode::from(run_check(args)),
        Command::Run(args) => finish(RunSettings::from_args(&args).map(run)),
        Command::Demo(args) => finish(DemoSettings::from_args(&args).map(|s| run_demo(&s))),
        Command::Generate(args) => finish(GenerateSettings::from_args(&args).map(run_generate)),
        Command::Report(args) => ExitCode::from(report::main(&args)),
    }
}

/// Configuration errors exit 2; failures while running exit 1; both print one line.
fn finish(outcome: Result<anyhow::Result<()>, ConfigError>) -> ExitCode {
    match outcome {
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(CONFIG_ERROR)
        }
        Ok(Err(error)) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
        Ok(Ok(())) => ExitCode::SUCCESS,
    }
}

fn run(settings: RunSettings) -> anyhow::Result<()> {
    telemetry::init(settings.tuning.log_format, telemetry::SERVICE_FILTER);
    let app = App::build(ServiceSpec::from_settings(settings))?;
    app::runtime()?.block_on(app.run(Shutdown::new(), true))
}

fn run_demo(settings: &DemoSettings) -> anyhow::Result<()> {
    telemetry::init(settings.tuning.log_format, telemetry::DEMO_FILTER);
    demo::run(settings)
}

fn run_generate(settings: GenerateSettings) -> anyhow::Result<()> {
    telemetry::init(LogFormat::Auto, telemetry::SERVICE_FILTER);
    let spec = GenerateSpec {
        brokers: settings.brokers.to_bootstrap_servers(),
        topic: settings.topic.as_str().to_owned(),
        count: settings.count.get(),
        rate: settings.rate.map(|r| r.get()),
        formats: vec![settings.format],
        seed: settings.seed,
        schema_registry_url: settings.schema_registry_url.map(|u| u.as_str().to_owned()),
        kafka_config: settings.kafka_config.as_map().clone(),
        poison_every: None,
    };
    let stop = Shutdown::new();
    let signals = stop.clone();
    let rt = app::runtime()?;
    rt.spawn(shutdown::on_signals(signals));
    let report = generate::produce(&spec, &|| stop.is_triggered())?;
    eprintln!(
        "generated {} encounters to {} in {:.1} s ({} delivered, {} failed)",
        report.produced,
        spec.topic,
        report.elapsed.as_secs_f64(),
        report.delivered,
        report.failed
    );
    for (scenario, count) in &report.by_scenario {
        eprintln!("  {scenario:<32} {count:>8}");
    }
    anyhow::ensure!(
        report.failed == 0,
        "{} encounters were not delivered",
        report.failed
    );
    Ok(())
}

fn run_check(args: CheckArgs) -> u8 {
    let stdout = io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        CheckFormat::Table
    } else {
        CheckFormat::Jsonl
    });
    let options = CheckOptions {
        format,
        rule_pack: args.rule_pack,
        files: args.files,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    check::run(
        &options,
        &mut io::stdin().lock(),
        &mut out,
        &mut io::stderr().lock(),
    )
}
