//! The integration test binary: one binary, one module per concern.

mod check;
mod codec;
mod fixtures;
mod pipeline;
mod properties;
mod schemas;
mod support;
mod tansu;
