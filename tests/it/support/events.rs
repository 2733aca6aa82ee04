//! What the tests feed the service, and what it must make of it: seeded synthetic
//! encounters in mixed wire formats and poison messages of every kind, each paired with
//! its expected fate as the pure pipeline decides it (an outcome, or a dead letter with a
//! reason; encounters screened against those before them, as `check` does). Also the
//! decoding of published outcomes.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use traction_screen::metrics::DEAD_LETTER_REASONS;
use traction_screen_core::codec::{self, Encoder, OUTCOME_SCHEMA, OutputFormat, limits};
use traction_screen_core::domain::{Encounter, Outcome, Timestamp, Verdict};
use traction_screen_core::history::History;
use traction_screen_core::pipeline::{Pipeline, Processed};
use traction_screen_synth::Synth;
use traction_screen_synth::poison_message;

use super::kafka::Message;

/// The service's configuration as the tests run it: built-in pack, auto-detected input.
static PIPELINE: LazyLock<Pipeline> = LazyLock::new(Pipeline::with_defaults);
static OUTCOME: LazyLock<serde_avro_fast::Schema> =
    LazyLock::new(|| OUTCOME_SCHEMA.parse().expect("the outcome schema parses"));

/// What must become of an input message.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// This outcome (compared without `screened_at` and `source`).
    Outcome(Box<Outcome>),
    /// A dead letter with this `dlq.reason`.
    DeadLetter(&'static str),
}

#[derive(Clone, Debug)]
pub struct Input {
    pub message: Message,
    pub expect: Expect,
}

impl Input {
    /// The expected outcome, for an input that must be screened.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.expect {
            Expect::Outcome(outcome) => Some(outcome),
            Expect::DeadLetter(_) => None,
        }
    }

    pub fn event_id(&self) -> Option<&str> {
        self.outcome().map(|o| o.event_id.as_str())
    }
}

/// How many of `inputs` must end as each verdict (every verdict, zeros included): what
/// `traction_screen_outcomes_total` must say once they are all done.
pub fn verdict_counts(inputs: &[Input]) -> BTreeMap<&'static str, u64> {
    let outcomes: Vec<&Outcome> = inputs.iter().filter_map(Input::outcome).collect();
    Verdict::ALL
        .iter()
        .map(|verdict| {
            let count = outcomes.iter().filter(|o| o.verdict == *verdict).count();
            (verdict.as_str(), count as u64)
        })
        .collect()
}

/// How many of `inputs` must be dead-lettered with each reason (every reason code, zeros
/// included): what `traction_screen_dead_letters_total` must say.
pub fn reason_counts(inputs: &[Input]) -> BTreeMap<&'static str, u64> {
    DEAD_LETTER_REASONS
        .iter()
        .map(|reason| {
            let expected = Expect::DeadLetter(reason);
            let count = inputs.iter().filter(|i| i.expect == expected).count();
            (*reason, count as u64)
        })
        .collect()
}

/// What the pure pipeline makes of a message value.
pub fn expect(payload: &[u8]) -> Expect {
    fate(PIPELINE.process(payload, Timestamp(0), None))
}

fn fate(processed: Processed) -> Expect {
    match processed {
        Processed::Screened(screened) => Expect::Outcome(Box::new(screened.outcome)),
        Processed::Rejected(reject) => Expect::DeadLetter(reject.code()),
        Processed::Abandoned => panic!("a pipeline without a schema source never abandons"),
    }
}

/// `count` synthetic encounters of generator seed `seed`, keyed by patient id, written in
/// turn as JSON and as single-object Avro.
pub fn encounters(seed: u64, count: usize) -> Vec<Input> {
    let generated = Synth::new(seed).take(count).map(|g| g.encounter);
    inputs_in_order(generated.collect(), seed)
}

/// A cross-claim stream: `count` synthetic encounters of seed `seed`, each third followed
/// by a second claim of its patient for the same dates of service, every other one by the
/// same rendering provider (TR-050) or by another (TR-051).
pub fn cross_claims(seed: u64, count: usize) -> Vec<Input> {
    let mut events = Vec::new();
    for (index, generated) in Synth::new(seed).take(count).enumerate() {
        let event = generated.encounter;
        if index % 3 == 2 {
            let mut second = event.clone();
            second.event_id = format!("{}-second", event.event_id);
            second.claim_id = format!("{}-B", event.claim_id);
            if index % 2 == 0 {
                second.rendering_provider.npi = "1234567893".to_owned();
            }
            events.extend([event, second]);
        } else {
            events.push(event);
        }
    }
    inputs_in_order(events, seed)
}

/// The encounters as inputs, written in turn as JSON and as single-object Avro, each
/// expecting what `check` makes of it: screened against the encounters before it.
fn inputs_in_order(encounters: Vec<Encounter>, seed: u64) -> Vec<Input> {
    let formats = [OutputFormat::Json, OutputFormat::AvroSingleObject];
    let values = encounters
        .into_iter()
        .enumerate()
        .map(|(index, encounter)| {
            let mut payload = Vec::new();
            Encoder::new(formats[index % formats.len()], None)
                .expect("no schema id needed")
                .encode_encounter(&encounter, &mut payload)
                .expect("a generated encounter encodes");
            (encounter.patient_id, payload)
        });
    let inputs = keyed_in_order(values);
    for (index, input) in inputs.iter().enumerate() {
        assert!(
            matches!(input.expect, Expect::Outcome(_)),
            "generated encounter {index} of seed {seed} does not decode: {:?}",
            input.expect
        );
    }
    inputs
}

/// Each (patient id, value) as an input keyed by the patient, expecting what `check` makes
/// of the value after the values before it (its position: its place in `values`).
fn keyed_in_order(values: impl Iterator<Item = (String, Vec<u8>)>) -> Vec<Input> {
    let mut history = History::new();
    values
        .enumerate()
        .map(|(index, (patient_id, payload))| Input {
            expect: expect_in(&payload, &mut history, index as u64),
            message: Message {
                key: Some(patient_id.into_bytes()),
                payload: Some(payload),
                headers: Vec::new(),
            },
        })
        .collect()
}

/// `count` generated encounters as JSON padded with an unknown field (which the decoder
/// skips) to `size` bytes each: screenable, and heavy; each expecting what `check` makes of
/// it after the ones before it.
pub fn heavy_encounters(seed: u64, count: usize, size: usize) -> Vec<Input> {
    keyed_in_order(Synth::new(seed).take(count).map(|generated| {
        let payload = padded_json(&generated.encounter, size);
        (generated.encounter.patient_id, payload)
    }))
}

/// `encounter` as JSON with a first field `padding` that brings it to `size` bytes.
fn padded_json(encounter: &Encounter, size: usize) -> Vec<u8> {
    let json = codec::json::encounter_to_json(encounter);
    let filler = r#"{"padding":"","#.len() - 1;
    let padding = "x".repeat(size - json.len() - filler);
    let payload = format!(r#"{{"padding":"{padding}",{}"#, &json[1..]).into_bytes();
    assert_eq!(payload.len(), size);
    payload
}

/// What the pure pipeline makes of a message value at `position` of a stream whose
/// encounters so far are in `history`.
fn expect_in(payload: &[u8], history: &mut History, position: u64) -> Expect {
    fate(PIPELINE.process_in(payload, history, position, Timestamp(0), None))
}

/// Headers a producer may have set; a dead letter must carry them unchanged, in order,
/// including one without a value.
pub fn producer_headers(sequence: u64) -> Vec<(String, Option<Vec<u8>>)> {
    vec![
        (
            "trace-id".to_owned(),
            Some(format!("trace-{sequence}").into_bytes()),
        ),
        ("source-system".to_owned(), Some(b"ehr-7".to_vec())),
        ("empty-marker".to_owned(), None),
    ]
}

/// One poison message of each kind the generator makes (bad magic byte, truncated JSON,
/// impossible date, unregistered Confluent schema id, truncated Avro), then a message
/// with neither key nor value, then one JSON value over the 1 MiB limit.
pub fn poison(seed: u64) -> Vec<Input> {
    let mut inputs: Vec<Input> = Synth::new(seed)
        .take(5)
        .enumerate()
        .map(|(sequence, generated)| {
            let mut payload = Vec::new();
            poison_message(sequence as u64, &generated.encounter, &mut payload);
            Input {
                expect: expect(&payload),
                message: Message {
                    key: Some(generated.encounter.patient_id.into_bytes()),
                    payload: Some(payload),
                    headers: producer_headers(sequence as u64),
                },
            }
        })
        .collect();
    inputs.push(Input {
        message: Message {
            key: None,
            payload: None,
            headers: Vec::new(),
        },
        expect: expect(b""),
    });
    inputs.push(too_large(seed));
    inputs
}

/// A valid encounter padded with an unknown field to just over [`limits::MAX_MESSAGE_BYTES`].
pub fn too_large(seed: u64) -> Input {
    padded(seed, limits::MAX_MESSAGE_BYTES + 1)
}

/// A valid encounter padded with an unknown field to `size` bytes (over the decoder's limit:
/// a `too_large` dead letter).
pub fn padded(seed: u64, size: usize) -> Input {
    let generated = Synth::new(seed).next_encounter();
    let payload = padded_json(&generated.encounter, size);
    assert!(payload.len() > limits::MAX_MESSAGE_BYTES);
    Input {
        expect: expect(&payload),
        message: Message {
            key: Some(generated.encounter.patient_id.into_bytes()),
            payload: Some(payload),
            headers: producer_headers(99),
        },
    }
}

/// Decodes a published outcome: single-object Avro (the default output format) or JSON
/// (`--output-format json`).
pub fn decode_outcome(payload: &[u8]) -> Result<Outcome, String> {
    if payload.first() == Some(&b'{') {
        return serde_json::from_slice(payload).map_err(|e| e.to_string());
    }
    let header = [
        &codec::SINGLE_OBJECT_MAGIC[..],
        &codec::outcome_fingerprint(),
    ]
    .concat();
    let body = payload
        .strip_prefix(header.as_slice())
        .ok_or("the outcome does not start with the single-object header of the outcome schema")?;
    serde_avro_fast::from_datum_slice(body, &OUTCOME).map_err(|e| e.to_string())
}

/// An outcome without what legitimately differs between runs (`screened_at`, `source`).
pub fn comparable(outcome: &Outcome) -> Outcome {
    Outcome {
        screened_at: Timestamp(0),
        source: None,
        ..outcome.clone()
    }
}
