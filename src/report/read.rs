//! Outcomes from files and from message values.
//!
//! Files: JSON Lines (what `check` writes) or Avro object container files (what
//! `check --format avro` and Kafka Connect's Avro sinks write), told apart by their first
//! bytes. Message values: JSON, Avro single-object (our schema or the first published one,
//! by fingerprint) or Confluent framing (writer schema from the registry, by id).
//!
//! A record that cannot be read is reported on standard error with its place and reading
//! goes on; no message quotes the record (outcomes carry patient ids).

use std::collections::HashMap;
use std::io::{BufRead, Write};

use serde_avro_fast::Schema;
use serde_avro_fast::object_container_file_encoding::Reader;

use super::aggregate::Aggregator;
use crate::runtime::registry::RegistryClient;
use traction_screen_core::codec::{
    self, CONFLUENT_MAGIC, OUTCOME_SCHEMA, OUTCOME_SCHEMA_V1, SINGLE_OBJECT_MAGIC,
};
use traction_screen_core::domain::Outcome;

/// Reads one file (or standard input) into `aggregator`; returns how many records could not
/// be read (each reported on `err`). `Err` when the input itself cannot be read.
pub fn read_file(
    name: &str,
    mut reader: impl BufRead,
    aggregator: &mut Aggregator,
    err: &mut dyn Write,
) -> Result<usize, String> {
    let head = reader
        .fill_buf()
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    if head.starts_with(codec::container::MAGIC) {
        read_container(name, reader, aggregator, err)
    } else {
        read_lines(name, reader, aggregator, err)
    }
}

fn read_lines(
    name: &str,
    reader: impl BufRead,
    aggregator: &mut Aggregator,
    err: &mut dyn Write,
) -> Result<usize, String> {
    let mut unreadable = 0;
    for (index, line) in reader.split(b'\n').enumerate() {
        let line = line.map_err(|e| format!("{name}: cannot read: {e}"))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match from_json(&line) {
            Ok(outcome) => aggregator.add(&outcome),
            Err(problem) => {
                unreadable += 1;
                let _ = writeln!(err, "error: {name}:{}: {problem}", index + 1);
            }
        }
    }
    Ok(unreadable)
}

/// A record that fails to decode leaves the reader inside it: it is reported and the rest
/// of the file is skipped (counted as one unreadable record).
fn read_container(
    name: &str,
    reader: impl BufRead,
    aggregator: &mut Aggregator,
    err: &mut dyn Write,
) -> Result<usize, String> {
    let mut file = Reader::from_reader(reader)
        .map_err(|_| format!("{name}: not a readable Avro container file (bad header)"))?;
    let mut index = 0;
    loop {
        index += 1;
        match file.deserialize_next::<Outcome>() {
            Ok(Some(outcome)) => aggregator.add(&outcome),
            Ok(None) => return Ok(0),
            Err(_) => {
                let _ = writeln!(
                    err,
                    "error: {name}: record {index}: not a ScreeningOutcome record; \
                     the rest of the file is skipped"
                );
                return Ok(1);
            }
        }
    }
}

/// One outcome in the CONTRACT's JSON shape. The error names the field, never its value.
pub fn from_json(bytes: &[u8]) -> Result<Outcome, String> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        match e.inner().classify() {
            serde_json::error::Category::Data if path != "." => {
                format!("not a ScreeningOutcome: field `{path}` is missing or invalid")
            }
            serde_json::error::Category::Data => {
                "not a ScreeningOutcome: a required field is missing".to_owned()
            }
            _ => format!("invalid JSON at column {}", e.inner().column()),
        }
    })
}

/// Decodes outcome message values, whatever framing the service wrote them in.
pub struct ValueDecoder {
    by_fingerprint: HashMap<[u8; 8], Schema>,
    by_id: HashMap<u32, Schema>,
    registry: Option<RegistryClient>,
}

impl ValueDecoder {
    pub fn new(registry: Option<RegistryClient>) -> Self {
        let by_fingerprint = [OUTCOME_SCHEMA, OUTCOME_SCHEMA_V1]
            .into_iter()
            .map(|text| {
                let schema: Schema = text
                    .parse()
                    .expect("the bundled outcome schemas parse (tested)");
                (*schema.rabin_fingerprint(), schema)
            })
            .collect();
        Self {
            by_fingerprint,
            by_id: HashMap::new(),
            registry,
        }
    }

    pub fn decode(&mut self, value: &[u8]) -> Result<Outcome, String> {
        let avro_error = |_| "not a ScreeningOutcome Avro datum".to_owned();
        match value {
            [CONFLUENT_MAGIC, a, b, c, d, datum @ ..] => {
                let id = u32::from_be_bytes([*a, *b, *c, *d]);
                let schema = self.schema_of(id)?;
                serde_avro_fast::from_datum_slice(datum, schema).map_err(avro_error)
            }
            [m0, m1, rest @ ..] if [*m0, *m1] == SINGLE_OBJECT_MAGIC => {
                let Some((fingerprint, datum)) = rest.split_first_chunk::<8>() else {
                    return Err("truncated single-object header".to_owned());
                };
                let schema = self.by_fingerprint.get(fingerprint).ok_or_else(|| {
                    format!(
                        "single-object value with an unknown schema fingerprint {:016x}",
                        u64::from_le_bytes(*fingerprint)
                    )
                })?;
                serde_avro_fast::from_datum_slice(datum, schema).map_err(avro_error)
            }
            _ if value.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') => from_json(value),
            _ => Err("neither JSON nor Avro (single-object or Confluent) framing".to_owned()),
        }
    }

    /// The writer schema of a Confluent schema id, fetched from the registry once.
    fn schema_of(&mut self, id: u32) -> Result<&Schema, String> {
        if !self.by_id.contains_key(&id) {
            let registry = self.registry.as_ref().ok_or_else(|| {
                format!("Confluent-framed value with schema id {id}: give --schema-registry-url")
            })?;
            let text = registry
                .writer_schema(id)
                .map_err(|e| format!("schema id {id}: {e}"))?;
            let schema: Schema = text
                .parse()
                .map_err(|_| format!("schema id {id}: not a valid Avro schema"))?;
            self.by_id.insert(id, schema);
        }
        Ok(&self.by_id[&id])
    }
}

#[cfg(test)]
mod tests;
