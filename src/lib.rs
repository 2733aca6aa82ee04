//! traction-screen: screens physical-therapy encounters for traction (CPT 97012) billing
//! errors.
//!
//! The pipeline, per message:
//!
//! ```text
//! bytes ──decode──► Encounter ──screen──► Screening ──► Outcome ──encode──► bytes
//!        codec                  rules (pure)                      codec
//!   └── undecodable / invalid ──► Reject (dead letter, raw bytes kept)
//! ```
//!
//! `domain`, `codec`, `history`, `rules` and `pipeline` are the pure core: synchronous,
//! deterministic, free of Kafka and tokio. `history` holds each patient's earlier claims,
//! which the history rules compare an event with (screening at a stream position).
//! Everything with side effects lives in the subcommands.

pub mod app;
pub mod check;
pub mod cli;
pub mod codec;
pub mod config;
pub mod demo;
pub mod domain;
pub mod generate;
pub mod history;
pub mod metrics;
pub mod pipeline;
pub mod rules;
pub mod runtime;
pub mod synth;
pub mod telemetry;
#[doc(hidden)]
pub mod testing;
