//! The integration test binary: one binary, one module per concern.

mod bench;
mod check;
mod check_history;
mod codec;
mod container;
mod exactly_once;
mod fixtures;
mod fuzz_seeds;
mod history;
mod interop;
mod outcome_evolution;
mod phi;
mod pipeline;
mod pipeline_defects;
mod pipeline_stall;
mod properties;
mod registry;
mod report;
mod round_trip;
mod schemas;
mod settings;
mod startup;
mod support;
mod tansu;
