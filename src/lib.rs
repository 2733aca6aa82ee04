//! traction-screen, the service: screens physical-therapy encounters for traction
//! (CPT 97012) billing errors from Kafka, and the `check`, `demo` and `generate` commands.
//!
//! The screening itself is the pure core (`traction_screen_core`: domain, codec, rules,
//! pipeline); the synthetic encounters come from `traction_screen_synth`. This crate is the
//! shell around them: configuration, the command line, the Kafka loop, the Schema Registry
//! client, the admin server and metrics.

pub mod bench;
pub mod check;
pub mod cli;
pub mod config;
pub mod demo;
pub mod generate;
pub mod metrics;
pub mod report;
pub mod runtime;
pub mod service;
pub mod telemetry;
