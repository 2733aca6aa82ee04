//! The integration test binary: one binary, one module per concern.

mod bench;
mod check;
mod check_history;
mod codec;
mod container;
mod fixtures;
mod outcome_evolution;
mod pipeline;
mod properties;
mod registry;
mod report;
mod schemas;
mod settings;
mod startup;
mod support;
mod tansu;
