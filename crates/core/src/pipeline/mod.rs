//! The pure core in one call: bytes → decode → screen → outcome.
//!
//! No Kafka, no tokio, no wall clock: the caller passes `screened_at` and the input's
//! source, and writer schemas the decoder has not met come from the caller's
//! [`SchemaSource`]. The `check` command, the streaming service, the benchmarks and the
//! tests all go through [`Pipeline::process`], so they screen identically, and a new stage
//! is added here once.

mod schemas;
#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

pub use schemas::{Lookup, NoSchemaSource, SchemaSource};

use crate::codec::{DecodeError, Decoder, EncodeError, Encoder, InputFormat, OutputFormat};
use crate::domain::{Encounter, Outcome, Source, Timestamp, analytics};
use crate::history::{History, Position};
use crate::rules::{Engine, Screening};

/// The crate version, stamped on every outcome as `engine_version`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A message that cannot be screened: it goes to the dead-letter topic with this reason.
pub type Reject = DecodeError;

/// What became of one message.
#[derive(Debug)]
// Nearly every message is screened: boxing the large variant would cost an allocation per
// message to save bytes in a value that lives for one message.
#[allow(clippy::large_enum_variant)]
pub enum Processed {
    Screened(Screened),
    /// It cannot be screened: a dead letter.
    Rejected(Reject),
    /// The writer-schema lookup gave up (the service is stopping): neither screened nor
    /// rejected, so nothing may be produced for it and it must be processed again.
    Abandoned,
}

/// A message that could not be decoded into an encounter, and so is not screened.
enum Unscreened {
    Rejected(Reject),
    Abandoned,
}

impl From<Reject> for Unscreened {
    fn from(reject: Reject) -> Self {
        Unscreened::Rejected(reject)
    }
}

/// An outcome, and how long the rules took to reach it (the screening-time metric; the
/// only measurement the core makes, and never part of the outcome).
#[derive(Debug)]
pub struct Screened {
    pub outcome: Outcome,
    pub screening_time: Duration,
}

pub struct Pipeline {
    decoder: Decoder,
    engine: Engine,
    encoder: Encoder,
    schemas: Box<dyn SchemaSource>,
}

impl Pipeline {
    /// A pipeline whose unknown schema ids are missing (see [`with_schema_source`]).
    ///
    /// [`with_schema_source`]: Self::with_schema_source
    pub fn new(decoder: Decoder, engine: Engine, encoder: Encoder) -> Self {
        Self {
            decoder,
            engine,
            encoder,
            schemas: Box::new(NoSchemaSource),
        }
    }

    /// The built-in rule pack, auto-detected input, single-object Avro output.
    pub fn with_defaults() -> Self {
        Self::new(
            Decoder::new(InputFormat::Auto),
            Engine::built_in(),
            Encoder::new(OutputFormat::AvroSingleObject, None)
                .expect("single-object output needs no schema id"),
        )
    }

    /// Asks `source` for the writer schemas of Confluent schema ids the decoder has not met.
    pub fn with_schema_source(mut self, source: impl SchemaSource + 'static) -> Self {
        self.schemas = Box::new(source);
        self
    }

    /// Decodes one message value and screens it alone, without history.
    pub fn process(
        &self,
        bytes: &[u8],
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Processed {
        self.decoded(bytes, |event| self.screen(event, screened_at, source))
    }

    /// Decodes one message value and screens it against `history` at `position` (see
    /// [`Pipeline::screen_in`]). A message that is not screened never enters history.
    pub fn process_in(
        &self,
        bytes: &[u8],
        history: &mut History,
        position: Position,
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Processed {
        self.decoded(bytes, |event| {
            self.screen_in(event, history, position, screened_at, source)
        })
    }

    /// Screens an already decoded (normalised) encounter alone, without history (e.g. a
    /// record of a container file, whose framing the container reader decoded).
    pub fn screen(
        &self,
        event: Encounter,
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Screened {
        let started = Instant::now();
        let screening = self.engine.screen(&event);
        self.screened(event, screening, started, screened_at, source)
    }

    /// Screens an encounter against its prior claims in `history` as of `position` (its
    /// place in the stream), then records it there (`History::screen`): the history rules
    /// run, and a redelivered event is screened as it was the first time.
    pub fn screen_in(
        &self,
        event: Encounter,
        history: &mut History,
        position: Position,
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Screened {
        let started = Instant::now();
        let (screening, _) = history.screen(&event, position, |prior| {
            self.engine.screen_with_history(&event, prior)
        });
        self.screened(event, screening, started, screened_at, source)
    }

    /// The rules and the rule pack (its alert policy, version, profiles).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Encodes an outcome in the configured output format into `out` (cleared first).
    pub fn encode(&self, outcome: &Outcome, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.clear();
        self.encoder.encode_outcome(outcome, out)
    }

    /// What became of a message: `screen` gives its outcome when it decodes.
    fn decoded(&self, bytes: &[u8], screen: impl FnOnce(Encounter) -> Screened) -> Processed {
        match self.decode(bytes) {
            Ok(event) => Processed::Screened(screen(event)),
            Err(Unscreened::Rejected(reject)) => Processed::Rejected(reject),
            Err(Unscreened::Abandoned) => Processed::Abandoned,
        }
    }

    /// The outcome of a screening that began at `started`, and the time it took.
    fn screened(
        &self,
        event: Encounter,
        screening: Screening,
        started: Instant,
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Screened {
        let screening_time = started.elapsed();
        let version = self.engine.rule_pack_version();
        Screened {
            outcome: outcome(event, screening, version, screened_at, source),
            screening_time,
        }
    }

    /// Decodes, asking the schema source for a writer schema the decoder lacks; the error
    /// is what became of a message that cannot be screened (rejected or abandoned).
    fn decode(&self, bytes: &[u8]) -> Result<Encounter, Unscreened> {
        match self.decoder.decode(bytes) {
            Err(DecodeError::UnknownSchemaId(id)) => match self.schemas.writer_schema(id) {
                Lookup::Found(schema) => {
                    self.decoder.register_schema(id, &schema)?;
                    Ok(self.decoder.decode(bytes)?)
                }
                Lookup::Missing => Err(DecodeError::UnknownSchemaId(id).into()),
                Lookup::GaveUp => Err(Unscreened::Abandoned),
            },
            decoded => Ok(decoded?),
        }
    }
}

/// Wraps a screening in the outcome envelope (CONTRACT.md §2), with the encounter's
/// dimensions and amounts for analytics.
fn outcome(
    event: Encounter,
    screening: Screening,
    rule_pack_version: &str,
    screened_at: Timestamp,
    source: Option<Source>,
) -> Outcome {
    let dates = analytics::service_dates(&event);
    let billed_cents = analytics::billed_cents(&event);
    let at_risk_cents = analytics::at_risk_cents(&event, &screening.findings);
    Outcome {
        event_id: event.event_id,
        claim_id: event.claim_id,
        patient_id: event.patient_id,
        verdict: screening.verdict,
        risk_score: screening.risk_score,
        traction_lines: screening.traction_lines,
        findings: screening.findings,
        rule_pack_version: rule_pack_version.to_owned(),
        engine_version: ENGINE_VERSION.to_owned(),
        screened_at,
        source,
        payer_id: Some(event.payer.payer_id),
        plan_type: Some(event.payer.plan_type),
        rendering_npi: Some(event.rendering_provider.npi),
        rendering_discipline: Some(event.rendering_provider.discipline),
        first_date_of_service: dates.map(|(first, _)| first),
        last_date_of_service: dates.map(|(_, last)| last),
        billed_cents: Some(billed_cents),
        at_risk_cents: Some(at_risk_cents),
        alert: None,
    }
}
