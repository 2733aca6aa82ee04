//! `process`: what becomes of a message, whatever the writer-schema source answers.

use std::sync::{Arc, Mutex};

use super::*;
use crate::codec::ENCOUNTER_SCHEMA;
use crate::testing::clean_encounter;

/// A source that answers with `answer` and remembers the ids it was asked for.
struct Answering {
    answer: Lookup,
    asked: Mutex<Vec<u32>>,
}

impl SchemaSource for Arc<Answering> {
    fn writer_schema(&self, id: u32) -> Lookup {
        self.asked.lock().expect("not poisoned").push(id);
        self.answer.clone()
    }
}

fn answering(answer: Lookup) -> Arc<Answering> {
    Arc::new(Answering {
        answer,
        asked: Mutex::new(Vec::new()),
    })
}

fn confluent_framed(schema_id: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    Encoder::new(OutputFormat::AvroConfluent, Some(schema_id))
        .expect("an id is given")
        .encode_encounter(&clean_encounter(), &mut bytes)
        .expect("encodes");
    bytes
}

fn pipeline(source: &Arc<Answering>) -> Pipeline {
    Pipeline::with_defaults().with_schema_source(Arc::clone(source))
}

const NOW: Timestamp = Timestamp(1_772_445_600_000);

#[test]
fn a_decodable_message_is_screened_into_the_outcome_screen_gives() {
    let pipeline = Pipeline::with_defaults();
    let mut bytes = Vec::new();
    Encoder::new(OutputFormat::Json, None)
        .expect("no id needed")
        .encode_encounter(&clean_encounter(), &mut bytes)
        .expect("encodes");
    let source = Source {
        topic: "encounters".into(),
        partition: 2,
        offset: 40,
    };
    let Processed::Screened(screened) = pipeline.process(&bytes, NOW, Some(source.clone())) else {
        panic!("expected a screened message");
    };
    let direct = pipeline.screen(clean_encounter(), NOW, Some(source));
    assert_eq!(screened.outcome, direct.outcome);
    assert_eq!(screened.outcome.screened_at, NOW);
}

#[test]
fn an_undecodable_message_is_rejected_with_its_reason() {
    let processed = Pipeline::with_defaults().process(b"{not json", NOW, None);
    let Processed::Rejected(reject) = processed else {
        panic!("expected a rejection, got {processed:?}");
    };
    assert_eq!(reject.code(), "invalid_json");
}

#[test]
fn an_unknown_schema_id_is_looked_up_once_and_then_decoded_from_the_cache() {
    let source = answering(Lookup::Found(ENCOUNTER_SCHEMA.to_owned()));
    let pipeline = pipeline(&source);
    for _ in 0..2 {
        let processed = pipeline.process(&confluent_framed(7), NOW, None);
        assert!(
            matches!(&processed, Processed::Screened(s) if s.outcome.event_id == "evt-0001"),
            "{processed:?}"
        );
    }
    assert_eq!(*source.asked.lock().expect("not poisoned"), [7]);
}

#[test]
fn a_schema_id_the_source_lacks_or_with_no_source_is_rejected_as_unknown() {
    let lacking = pipeline(&answering(Lookup::Missing));
    for pipeline in [lacking, Pipeline::with_defaults()] {
        let processed = pipeline.process(&confluent_framed(9), NOW, None);
        assert!(
            matches!(
                processed,
                Processed::Rejected(DecodeError::UnknownSchemaId(9))
            ),
            "{processed:?}"
        );
    }
}

#[test]
fn a_found_schema_that_does_not_parse_rejects_the_message() {
    let pipeline = pipeline(&answering(Lookup::Found("{not a schema".to_owned())));
    let processed = pipeline.process(&confluent_framed(3), NOW, None);
    let Processed::Rejected(reject) = processed else {
        panic!("expected a rejection, got {processed:?}");
    };
    assert_eq!(reject.code(), "avro_decode");
}

#[test]
fn a_source_that_gives_up_abandons_the_message() {
    let pipeline = pipeline(&answering(Lookup::GaveUp));
    let processed = pipeline.process(&confluent_framed(5), NOW, None);
    assert!(matches!(processed, Processed::Abandoned), "{processed:?}");
}

#[test]
fn a_pipeline_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Pipeline>();
}

#[test]
fn an_outcome_carries_the_encounters_dimensions_and_amounts() {
    use crate::domain::{Discipline, PlanType};
    use crate::testing::{RENDERING_NPI, date};

    let mut event = clean_encounter();
    event.service_lines[0].units = 2; // TR-001: ERROR on line 1 (5 000 cents)
    event.service_lines[1].date_of_service = date(2026, 3, 4);
    event.service_lines[1].charge_cents = 7_000;
    let outcome = Pipeline::with_defaults()
        .screen(event, Timestamp(0), None)
        .outcome;
    assert_eq!(
        (
            outcome.payer_id.as_deref(),
            outcome.plan_type,
            outcome.rendering_npi.as_deref(),
            outcome.rendering_discipline,
        ),
        (
            Some("00882"),
            Some(PlanType::MedicarePartB),
            Some(RENDERING_NPI),
            Some(Discipline::PhysicalTherapist)
        )
    );
    assert_eq!(
        (outcome.first_date_of_service, outcome.last_date_of_service),
        (Some(date(2026, 3, 2)), Some(date(2026, 3, 4)))
    );
    assert_eq!(outcome.findings[0].rule_id, "TR-001");
    assert_eq!(
        (outcome.billed_cents, outcome.at_risk_cents, outcome.alert),
        (Some(12_000), Some(5_000), None)
    );
}
