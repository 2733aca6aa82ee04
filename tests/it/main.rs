//! The integration test binary: one binary, one module per concern.

mod check;
mod codec;
mod container;
mod fixtures;
mod fuzz_seeds;
mod interop;
mod phi;
mod pipeline;
mod properties;
mod registry;
mod round_trip;
mod schemas;
mod startup;
mod support;
mod tansu;
