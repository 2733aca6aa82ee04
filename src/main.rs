//! The `traction-screen` binary: parse the command line, set up logging, run the subcommand.
//!
//! Exit status: 0 on success (or a clean shutdown), 1 on a runtime failure, 2 on a usage or
//! configuration error; `check` (CONTRACT.md §5) and `report` have their own statuses.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use traction_screen::check::{self, CheckFormat, CheckOptions};
use traction_screen::cli::{CheckArgs, Cli, Command};
use traction_screen::config::{
    ConfigError, DemoSettings, GenerateFileSettings, GenerateSettings, GenerateTarget, RunSettings,
};
use traction_screen::generate::{self, GenerateReport, GenerateSpec};
use traction_screen::runtime::shutdown::{self, Shutdown};
use traction_screen::service::{self, Service};
use traction_screen::telemetry::{self, LogFormat};
use traction_screen::{bench, demo, report};

/// mimalloc rather than glibc's malloc: the consumer thread allocates each message's job and
/// the screening workers free it, and glibc's per-arena locks showed as 12.7 % of the
/// service's CPU in a drain with history (BENCHMARKS.md, "Allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CONFIG_ERROR: u8 = 2;

fn main() -> ExitCode {
    let result = match Cli::read().command {
        Command::Check(args) => return ExitCode::from(run_check(args)),
        Command::Report(args) => return ExitCode::from(report::main(&args)),
        Command::Bench(args) => run_bench(&args),
        Command::Run(args) => RunSettings::from_args(&args)
            .map_err(anyhow::Error::from)
            .and_then(run),
        Command::Demo(args) => DemoSettings::from_args(&args)
            .map_err(anyhow::Error::from)
            .and_then(|settings| run_demo(&settings)),
        Command::Generate(args) => GenerateTarget::from_args(&args)
            .map_err(anyhow::Error::from)
            .and_then(|target| match target {
                GenerateTarget::Kafka(settings) => run_generate(settings),
                GenerateTarget::File(settings) => run_generate_file(&settings),
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            telemetry::report_fatal(&format!("{error:#}"));
            exit_status(&error)
        }
    }
}

/// Configuration errors (those found when reading the settings, and those start-up finds:
/// a taken admin port, a missing topic) exit 2; failures while running exit 1.
fn exit_status(error: &anyhow::Error) -> ExitCode {
    if error.downcast_ref::<ConfigError>().is_some() {
        ExitCode::from(CONFIG_ERROR)
    } else {
        ExitCode::FAILURE
    }
}

fn run(settings: RunSettings) -> anyhow::Result<()> {
    telemetry::init(settings.tuning.log_format, telemetry::SERVICE_FILTER);
    // First, so that a taken port stops start-up before anything else happens.
    let admin = service::bind_admin(settings.admin_addr)?;
    let service = Service::build(settings)?;
    service::runtime()?.block_on(service.run(admin, Shutdown::new(), true))
}

fn run_bench(args: &bench::BenchArgs) -> anyhow::Result<()> {
    telemetry::init(LogFormat::Auto, telemetry::SERVICE_FILTER);
    bench::run(args).map(drop)
}

fn run_demo(settings: &DemoSettings) -> anyhow::Result<()> {
    telemetry::init(settings.tuning.log_format, telemetry::DEMO_FILTER);
    demo::run(settings)
}

fn run_generate(settings: GenerateSettings) -> anyhow::Result<()> {
    let spec = GenerateSpec::new(settings);
    let report = until_signalled(|stop| generate::produce(&spec, stop))?;
    let summary = format!(
        "{} ({} delivered, {} failed)",
        spec.settings.topic, report.delivered, report.failed
    );
    print_generated(&report, &summary);
    anyhow::ensure!(
        report.failed == 0,
        "{} encounters were not delivered",
        report.failed
    );
    Ok(())
}

fn run_generate_file(settings: &GenerateFileSettings) -> anyhow::Result<()> {
    let report = until_signalled(|stop| generate::write_file(settings, stop))?;
    print_generated(&report, &settings.path.display().to_string());
    Ok(())
}

/// Runs a generator until it is done or a signal asks it to stop.
fn until_signalled(
    work: impl FnOnce(&dyn Fn() -> bool) -> anyhow::Result<GenerateReport>,
) -> anyhow::Result<GenerateReport> {
    telemetry::init(LogFormat::Auto, telemetry::SERVICE_FILTER);
    let stop = Shutdown::new();
    let rt = service::runtime()?;
    rt.spawn(shutdown::on_signals(stop.clone()));
    work(&|| stop.is_triggered())
}

/// The generator's report on standard error (a closed pipe ends it quietly).
fn print_generated(report: &GenerateReport, destination: &str) {
    let mut err = io::stderr().lock();
    let seconds = report.elapsed.as_secs_f64();
    let produced = report.produced;
    let _ = writeln!(
        err,
        "generated {produced} encounters to {destination} in {seconds:.1} s"
    );
    for (scenario, count) in &report.by_scenario {
        let _ = writeln!(err, "  {scenario:<32} {count:>8}");
    }
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
        history: !args.no_history,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    check::run(
        &options,
        &mut io::stdin().lock(),
        &mut out,
        &mut io::stderr().lock(),
    )
}
