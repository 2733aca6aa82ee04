//! Logging: `tracing` to standard error, human-readable on a terminal and JSON otherwise.
//!
//! `RUST_LOG` overrides the default filter. The defaults keep librdkafka at warnings and
//! the HTTP client below trace level (its trace output would include request headers).
//! Nothing the service logs carries a patient id, a diagnosis or free text.
//!
//! The error that ends a command is written by [`report_fatal`] in the chosen format: a JSON
//! record when logs are JSON, so that a log pipeline sees why the process stopped.

use std::io::IsTerminal;
use std::sync::OnceLock;

use tracing_subscriber::EnvFilter;

/// How logs are written (`--log-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Text on a terminal, JSON otherwise.
    #[default]
    Auto,
    Json,
    Text,
}

impl LogFormat {
    /// Whether logs are JSON, given whether they go to a terminal.
    pub fn is_json(self, to_terminal: bool) -> bool {
        match self {
            Self::Auto => !to_terminal,
            Self::Json => true,
            Self::Text => false,
        }
    }
}

/// The default filter of the service.
pub const SERVICE_FILTER: &str = "info,librdkafka=warn,ureq=warn,ureq_proto=warn,rustls=warn";
/// The demo's default: its progress line and summary say what matters, so only errors are
/// logged.
pub const DEMO_FILTER: &str = "error";

/// Whether the installed subscriber writes JSON; unset until [`init`].
static JSON_LOGS: OnceLock<bool> = OnceLock::new();

/// Installs the subscriber; `default_filter` applies unless `RUST_LOG` is set.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = format.is_json(std::io::stderr().is_terminal());
    let _ = JSON_LOGS.set(json);
    let result = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
    // A second init (tests calling into the same code) keeps the first subscriber.
    let _ = result;
}

/// Writes the error that ends the command, once, on standard error: an ERROR record when
/// logs are JSON (and the filter lets errors through), else the line `error: <message>`.
/// Before [`init`] (a setting could not be read, so the log format is unknown) it is the
/// plain line.
pub fn report_fatal(message: &str) {
    if JSON_LOGS.get() == Some(&true) && tracing::enabled!(tracing::Level::ERROR) {
        tracing::error!("{message}");
    } else {
        eprintln!("error: {message}");
    }
}

/// Replaces the default panic hook (which prints the panic's message on standard error) by
/// one that logs where a thread panicked, and the message only when it is a string literal:
/// a formatted message (`expect`, `unwrap` on an error, `panic!("{…}")`) may quote patient
/// data. Installed once by the service; the screening workers contain panics per message.
pub fn log_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let thread = std::thread::current();
            let thread = thread.name().unwrap_or("unnamed");
            let location = info
                .location()
                .map_or_else(|| "unknown".to_owned(), ToString::to_string);
            let literal = info.payload().downcast_ref::<&'static str>().copied();
            let message = literal.unwrap_or("(not logged: it may quote data)");
            tracing::error!(thread, %location, panic = message, "a thread panicked");
        }));
    });
}
