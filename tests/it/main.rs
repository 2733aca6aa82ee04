//! The integration test binary: one binary, one module per concern.

mod codec;
mod fixtures;
mod schemas;
