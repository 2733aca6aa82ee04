//! The pure core in one call: bytes → decode → screen → outcome.
//!
//! No Kafka, no tokio, no clock: the caller passes `screened_at` and the input's source.
//! Unit tests, property tests, the `check` command, the benchmarks and the streaming
//! worker all go through [`Pipeline::process`], so they screen identically.

use crate::codec::{DecodeError, Decoder, EncodeError, Encoder, InputFormat, OutputFormat};
use crate::domain::{Encounter, Outcome, Source, Timestamp};
use crate::history::{History, Position};
use crate::rules::{Engine, Screening};

/// The crate version, stamped on every outcome as `engine_version`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A message that cannot be screened: it goes to the dead-letter topic with this reason.
pub type Reject = DecodeError;

pub struct Pipeline {
    decoder: Decoder,
    engine: Engine,
    encoder: Encoder,
}

impl Pipeline {
    pub fn new(decoder: Decoder, engine: Engine, encoder: Encoder) -> Self {
        Self {
            decoder,
            engine,
            encoder,
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

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Decodes one message value and screens it alone, without history.
    pub fn process(
        &self,
        bytes: &[u8],
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Result<Outcome, Reject> {
        let event = self.decoder.decode(bytes)?;
        Ok(self.screen(event, screened_at, source))
    }

    /// Screens an already decoded (normalised) encounter alone, without history.
    pub fn screen(
        &self,
        event: Encounter,
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Outcome {
        let screening = self.engine.screen(&event);
        outcome(
            event,
            screening,
            self.engine.rule_pack_version(),
            screened_at,
            source,
        )
    }

    /// Decodes one message value and screens it against `history` at `position` (see
    /// [`Pipeline::screen_in`]). A value that cannot be decoded never enters history.
    pub fn process_in(
        &self,
        bytes: &[u8],
        history: &mut History,
        position: Position,
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Result<Outcome, Reject> {
        let event = self.decoder.decode(bytes)?;
        Ok(self.screen_in(event, history, position, screened_at, source))
    }

    /// Screens an encounter against its prior claims in `history` as of `position` (its
    /// place in the stream), then records it there (`History::screen`): the history rules
    /// run, and a redelivered event gets its first screening.
    pub fn screen_in(
        &self,
        event: Encounter,
        history: &mut History,
        position: Position,
        screened_at: Timestamp,
        source: Option<Source>,
    ) -> Outcome {
        let (screening, _) = history.screen(&event, position, |prior| {
            self.engine.screen_with_history(&event, prior)
        });
        outcome(
            event,
            screening,
            self.engine.rule_pack_version(),
            screened_at,
            source,
        )
    }

    /// Encodes an outcome in the configured output format into `out` (cleared first).
    pub fn encode(&self, outcome: &Outcome, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.clear();
        self.encoder.encode_outcome(outcome, out)
    }
}

/// Wraps a screening in the outcome envelope (CONTRACT.md §2).
pub fn outcome(
    event: Encounter,
    screening: Screening,
    rule_pack_version: &str,
    screened_at: Timestamp,
    source: Option<Source>,
) -> Outcome {
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
    }
}
