//! Published outcomes against the inputs that caused them: a [`Ledger`] knows every input,
//! where it landed and what the pure pipeline says it must become, and checks what the
//! service published — one outcome per event (or at least one, after a crash), each equal
//! to the pure pipeline's, keyed by claim id, its `source` pointing at its input.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use traction_screen_core::domain::{Outcome, Source};

use super::events::{Input, comparable, decode_outcome};
use super::kafka::{Placed, Record};

/// An outcome record, decoded.
#[derive(Clone, Debug)]
pub struct Published {
    pub record: Record,
    pub outcome: Outcome,
}

/// Decodes outcome records; a record that is not an outcome fails the test.
pub fn decode_all(records: &[Record]) -> Vec<Published> {
    records
        .iter()
        .map(|record| {
            let payload = record.message.payload.as_deref().unwrap_or_default();
            let outcome = decode_outcome(payload).unwrap_or_else(|e| {
                panic!(
                    "the record at {}/{} is not an outcome: {e}",
                    record.partition, record.offset
                )
            });
            Published {
                record: record.clone(),
                outcome,
            }
        })
        .collect()
}

/// Whether an event may have more than one outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicates {
    /// Exactly one outcome per event.
    Forbidden,
    /// At least one (a crash or a timed-out drain re-screens; same `event_id`).
    Allowed,
}

pub struct Ledger<'a> {
    input_topic: &'a str,
    inputs: &'a [Input],
    placed: &'a [Placed],
    by_event: HashMap<&'a str, usize>,
    by_place: HashMap<Placed, usize>,
}

impl<'a> Ledger<'a> {
    /// `placed[i]` is where `inputs[i]` landed in `input_topic`.
    pub fn new(input_topic: &'a str, inputs: &'a [Input], placed: &'a [Placed]) -> Self {
        assert_eq!(inputs.len(), placed.len(), "every input has its place");
        let mut by_event = HashMap::new();
        for (index, input) in inputs.iter().enumerate() {
            if let Some(event_id) = input.event_id() {
                let earlier = by_event.insert(event_id, index);
                assert_eq!(earlier, None, "event id of input {index} is not unique");
            }
        }
        let by_place = placed.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        Self {
            input_topic,
            inputs,
            placed,
            by_event,
            by_place,
        }
    }

    /// How many inputs must be screened.
    pub fn screenable(&self) -> usize {
        self.by_event.len()
    }

    /// The inputs that must be screened, by event id.
    pub fn event_ids(&self) -> BTreeSet<&'a str> {
        self.by_event.keys().copied().collect()
    }

    /// The input at a position of the input topic.
    pub fn input_at(&self, partition: i32, offset: i64) -> Option<&'a Input> {
        let index = self.by_place.get(&Placed { partition, offset })?;
        Some(&self.inputs[*index])
    }

    /// `Ok` once every screenable input has at least one outcome; else how many lack one.
    pub fn all_screened(&self, published: &[Published]) -> Result<(), String> {
        let screened: BTreeSet<&str> = published
            .iter()
            .map(|p| p.outcome.event_id.as_str())
            .collect();
        let missing = self
            .by_event
            .keys()
            .filter(|id| !screened.contains(*id))
            .count();
        if missing == 0 {
            Ok(())
        } else {
            Err(format!(
                "{missing} of {} events have no outcome yet",
                self.screenable()
            ))
        }
    }

    /// Checks every published outcome against its input, and that every screenable input
    /// has one (or, with [`Duplicates::Allowed`], at least one). Returns the number of
    /// outcomes per event id.
    pub fn check(
        &self,
        published: &[Published],
        duplicates: Duplicates,
    ) -> BTreeMap<String, usize> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for Published { record, outcome } in published {
            let at = format!("outcome at {}/{}", record.partition, record.offset);
            let Some(&index) = self.by_event.get(outcome.event_id.as_str()) else {
                panic!("{at} answers no input event (event id not produced)");
            };
            let want = self.inputs[index]
                .outcome()
                .expect("indexed inputs expect an outcome");
            assert_eq!(
                comparable(outcome),
                comparable(want),
                "{at} (input {index})"
            );
            let placed = self.placed[index];
            assert_eq!(
                outcome.source,
                Some(Source {
                    topic: self.input_topic.to_owned(),
                    partition: placed.partition,
                    offset: placed.offset,
                }),
                "{at}: source of input {index}"
            );
            assert_eq!(
                record.message.key.as_deref(),
                Some(outcome.claim_id.as_bytes()),
                "{at}: outcomes are keyed by claim id"
            );
            *counts.entry(outcome.event_id.clone()).or_default() += 1;
        }
        let unscreened: Vec<&&str> = self
            .by_event
            .keys()
            .filter(|id| !counts.contains_key(**id))
            .collect();
        assert!(
            unscreened.is_empty(),
            "{} of {} events have no outcome",
            unscreened.len(),
            self.screenable()
        );
        if duplicates == Duplicates::Forbidden {
            let repeated: Vec<(&String, &usize)> = counts.iter().filter(|(_, n)| **n > 1).collect();
            assert!(
                repeated.is_empty(),
                "{} events have more than one outcome, e.g. {:?}",
                repeated.len(),
                repeated.first()
            );
        }
        counts
    }
}
