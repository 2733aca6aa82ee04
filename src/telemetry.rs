//! Logging: `tracing` to standard error, human-readable on a terminal and JSON otherwise.
//!
//! `RUST_LOG` overrides the default filter. The default keeps librdkafka at warnings and
//! the HTTP client below trace level (its trace output would include request headers).
//! Nothing the service logs carries a patient id, a diagnosis or free text.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

const DEFAULT_FILTER: &str = "info,librdkafka=warn,ureq=warn,ureq_proto=warn,rustls=warn";

pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if format.is_json(std::io::stderr().is_terminal()) {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    } else {
        builder.with_target(false).try_init()
    };
    // A second init (tests, the demo calling into `run`'s code) keeps the first subscriber.
    let _ = result;
}
