//! Writer schemas the core meets only at run time: a Confluent-framed message names its
//! writer schema by a registry id, and only the shell can ask the registry. The core
//! defines what it needs ([`SchemaSource`]); the shell implements it (the service: its
//! registry client, retrying until it answers or the service stops).

/// The answer of a [`SchemaSource`] for one schema id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The writer schema, as Avro schema JSON.
    Found(String),
    /// There is none under this id (or the source definitively refused to say): the
    /// message cannot be decoded, and is rejected as `unknown_schema_id`.
    Missing,
    /// The source stopped trying before it had an answer (the service is stopping): the
    /// message is neither screened nor rejected, but abandoned, to be processed again.
    GaveUp,
}

/// Where the pipeline gets the writer schema of a Confluent schema id it has not met. Asked
/// once per id: a found schema is parsed and cached by the decoder.
pub trait SchemaSource: Send + Sync {
    /// Blocks until the source has an answer for `id` (or gives up).
    fn writer_schema(&self, id: u32) -> Lookup;
}

/// No source: every unknown schema id is missing (`check`, and a service without a
/// registry).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSchemaSource;

impl SchemaSource for NoSchemaSource {
    fn writer_schema(&self, _id: u32) -> Lookup {
        Lookup::Missing
    }
}
