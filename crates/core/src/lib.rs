//! The pure core of traction-screen: one encounter in, one explainable outcome out.
//!
//! ```text
//! bytes ──decode──► Encounter ──screen──► Screening ──► Outcome ──encode──► bytes
//!        codec                  rules (pure)                      codec
//!   └── undecodable / invalid ──► Reject (dead letter, raw bytes kept)
//! ```
//!
//! Synchronous and deterministic: no Kafka, no async runtime, no command line, no HTTP —
//! this crate's manifest has none of them, so the boundary is the compiler's. What the core
//! needs from outside (the time, where a message came from, writer schemas from a
//! registry) comes in through [`pipeline::Pipeline`]'s arguments and traits.
//!
//! `history` holds each patient's earlier claims, which the history rules compare an event
//! with: an event is screened at a stream position, against the claims before it.

pub mod codec;
pub mod domain;
pub mod history;
pub mod pipeline;
pub mod rules;
/// Shared test builders: compiled for this crate's tests, and for the other crates' tests
/// and benches through the `testing` feature (enabled by their dev-dependencies only).
#[cfg(any(test, feature = "testing"))]
pub mod testing;
