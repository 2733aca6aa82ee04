//! Property tests of the codec's round trips: an encounter encoded in any format decodes
//! back equal (or, with an instant no format can write as text, is refused by all), and an
//! outcome encoded as JSON or Avro reads back equal, whatever text the identifiers and
//! free-text fields hold (quotes, escapes, control characters, any script) and whatever the
//! numbers are.

use std::sync::LazyLock;

use proptest::prelude::*;
use traction_screen_core::codec::{
    self, Decoder, ENCOUNTER_SCHEMA, Encoder, InputFormat, OUTCOME_SCHEMA, OutputFormat, limits,
};
use traction_screen_core::domain::{
    Alert, AlertCondition, Date, Discipline, Encounter, Finding, Outcome, PlanType, Severity,
    Source, Timestamp, Traction, Verdict,
};
use traction_screen_synth::Synth;

const SCHEMA_ID: u32 = 7;
const FORMATS: [OutputFormat; 3] = [
    OutputFormat::Json,
    OutputFormat::AvroConfluent,
    OutputFormat::AvroSingleObject,
];
/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants RFC 3339 can write.
const RFC3339_MILLIS: std::ops::RangeInclusive<i64> = -62_167_219_200_000..=253_402_300_799_999;
/// 0000-01-01 and 9999-12-31 as days since 1970-01-01: the dates ISO 8601 can write.
const ISO_DAYS: std::ops::RangeInclusive<i32> = -719_528..=2_932_896;
const DISCIPLINES: [Discipline; 9] = [
    Discipline::PhysicalTherapist,
    Discipline::PhysicalTherapistAssistant,
    Discipline::OccupationalTherapist,
    Discipline::Chiropractor,
    Discipline::Physician,
    Discipline::NursePractitioner,
    Discipline::PhysicianAssistant,
    Discipline::AthleticTrainer,
    Discipline::Other,
];

static DECODER: LazyLock<Decoder> = LazyLock::new(|| {
    let decoder = Decoder::new(InputFormat::Auto);
    decoder
        .register_schema(SCHEMA_ID, ENCOUNTER_SCHEMA)
        .expect("our schema parses");
    decoder
});
static OUTCOME: LazyLock<serde_avro_fast::Schema> =
    LazyLock::new(|| OUTCOME_SCHEMA.parse().expect("the outcome schema parses"));

fn encoder(format: OutputFormat) -> Encoder {
    Encoder::new(format, Some(SCHEMA_ID)).expect("a valid encoder")
}

/// Any text that normalisation keeps as it is: not blank, no surrounding whitespace.
fn text(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 1..=max_chars)
        .prop_map(|chars| chars.into_iter().collect::<String>().trim().to_owned())
        .prop_filter("not blank", |text| !text.is_empty())
}

/// A short identifier: within [`limits::MAX_SHORT_TEXT_BYTES`].
fn id() -> impl Strategy<Value = String> {
    text(32).prop_filter("short", |t| t.len() <= limits::MAX_SHORT_TEXT_BYTES)
}

fn free_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text(300))
}

/// A synthetic encounter whose identifiers, free text and numbers are then replaced by
/// arbitrary ones that validation still accepts.
fn encounter() -> impl Strategy<Value = Encounter> {
    let ids = (id(), id(), id(), id());
    let texts = (free_text(), free_text(), free_text());
    let numbers = (
        prop_oneof![RFC3339_MILLIS, any::<i64>()],
        proptest::option::of(0.0..=f64::MAX),
        proptest::option::of(0..=i64::MAX),
    );
    (any::<u64>(), ids, texts, numbers).prop_map(|(seed, ids, texts, numbers)| {
        let mut event = Synth::new(seed).next_encounter().encounter;
        (event.event_id, event.claim_id, event.patient_id) = (ids.0, ids.1, ids.2);
        event.payer.payer_id = ids.3;
        event.event_time = Timestamp(numbers.0);
        event.therapy_spend_ytd_cents = numbers.2;
        let traction = event.traction.get_or_insert(Traction {
            method: traction_screen_core::domain::TractionMethod::Mechanical,
            device_name: None,
            mode: None,
            region: None,
            force_lbs: None,
            duration_minutes: None,
            patient_position: None,
            patient_response: None,
            performed_by: None,
        });
        (
            traction.device_name,
            traction.patient_position,
            traction.patient_response,
        ) = texts;
        traction.force_lbs = numbers.1;
        event
    })
}

fn finding() -> impl Strategy<Value = Finding> {
    let severity = prop::sample::select(Severity::ALL.to_vec());
    let texts = (any::<String>(), any::<String>(), any::<Option<String>>());
    (
        severity,
        any::<Option<i32>>(),
        texts,
        any::<Option<String>>(),
    )
        .prop_map(
            |(severity, line_number, (rule_id, message, remediation), reference)| Finding {
                rule_id: rule_id.into(),
                severity,
                line_number,
                message,
                remediation: remediation.map(Into::into),
                reference: reference.map(Into::into),
            },
        )
}

fn date() -> impl Strategy<Value = Option<Date>> {
    proptest::option::of(ISO_DAYS.prop_map(|days| Date::from_epoch_days(days).expect("in range")))
}

fn alert() -> impl Strategy<Value = Option<Alert>> {
    let condition = prop::sample::select(AlertCondition::ALL.to_vec());
    let rule_ids = proptest::collection::vec(any::<String>(), 0..3);
    proptest::option::of(
        (condition, rule_ids).prop_map(|(condition, rule_ids)| Alert {
            condition,
            rule_ids,
        }),
    )
}

/// The fields added after `source`: the analysts' dimensions, the amounts and the alert.
type Dimensions = (
    (
        Option<String>,
        Option<PlanType>,
        Option<String>,
        Option<Discipline>,
    ),
    (
        Option<Date>,
        Option<Date>,
        Option<i64>,
        Option<i64>,
        Option<Alert>,
    ),
);

fn dimensions() -> impl Strategy<Value = Dimensions> {
    let who = (
        any::<Option<String>>(),
        proptest::option::of(prop::sample::select(PlanType::ALL.to_vec())),
        any::<Option<String>>(),
        proptest::option::of(prop::sample::select(DISCIPLINES.to_vec())),
    );
    let what = (
        date(),
        date(),
        any::<Option<i64>>(),
        any::<Option<i64>>(),
        alert(),
    );
    (who, what)
}

fn outcome() -> impl Strategy<Value = Outcome> {
    let ids = (any::<String>(), any::<String>(), any::<String>());
    let screening = (
        prop::sample::select(Verdict::ALL.to_vec()),
        any::<i32>(),
        any::<i32>(),
        proptest::collection::vec(finding(), 0..4),
    );
    let source = proptest::option::of((any::<String>(), any::<i32>(), any::<i64>()));
    let stamp = (any::<String>(), any::<String>(), RFC3339_MILLIS, source);
    (ids, screening, stamp, dimensions()).prop_map(|(ids, screening, stamp, (who, what))| Outcome {
        event_id: ids.0,
        claim_id: ids.1,
        patient_id: ids.2,
        verdict: screening.0,
        risk_score: screening.1,
        traction_lines: screening.2,
        findings: screening.3,
        rule_pack_version: stamp.0,
        engine_version: stamp.1,
        screened_at: Timestamp(stamp.2),
        source: stamp.3.map(|(topic, partition, offset)| Source {
            topic,
            partition,
            offset,
        }),
        payer_id: who.0,
        plan_type: who.1,
        rendering_npi: who.2,
        rendering_discipline: who.3,
        first_date_of_service: what.0,
        last_date_of_service: what.1,
        billed_cents: what.2,
        at_risk_cents: what.3,
        alert: what.4,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_encounter_decodes_back_equal_from_every_format(event in encounter()) {
        let writable = RFC3339_MILLIS.contains(&event.event_time.millis());
        for format in FORMATS {
            let mut bytes = Vec::new();
            encoder(format).encode_encounter(&event, &mut bytes).expect("encodes");
            let decoded = DECODER.decode(&bytes).map_err(|e| e.code());
            let expected = if writable { Ok(event.clone()) } else { Err("invalid_field") };
            prop_assert_eq!(decoded, expected, "{:?}", format);
        }
    }

    #[test]
    fn an_outcome_reads_back_equal_from_json(outcome in outcome()) {
        let mut bytes = Vec::new();
        encoder(OutputFormat::Json).encode_outcome(&outcome, &mut bytes).expect("encodes");
        let read: Outcome = serde_json::from_slice(&bytes).expect("JSON of an outcome");
        prop_assert_eq!(read, outcome);
    }

    #[test]
    fn an_outcome_reads_back_equal_from_both_avro_framings(outcome in outcome()) {
        let headers = [
            (OutputFormat::AvroConfluent, [&[0][..], &SCHEMA_ID.to_be_bytes()].concat()),
            (OutputFormat::AvroSingleObject, [&[0xC3, 0x01][..], &codec::outcome_fingerprint()].concat()),
        ];
        for (format, header) in headers {
            let mut bytes = Vec::new();
            encoder(format).encode_outcome(&outcome, &mut bytes).expect("encodes");
            prop_assert_eq!(&bytes[..header.len()], &header[..]);
            let read: Outcome = serde_avro_fast::from_datum_slice(&bytes[header.len()..], &OUTCOME)
                .expect("an outcome datum");
            prop_assert_eq!(&read, &outcome);
        }
    }
}

/// Found by the property above: serde_json's default float parsing can miss the nearest
/// double by one unit in the last place, so a force written as JSON read back different
/// (fixed with serde_json's `float_roundtrip`).
#[test]
fn a_force_needing_all_seventeen_digits_survives_json() {
    let mut event = traction_screen_core::testing::clean_encounter();
    let force = 1.630_578_069_435_648_8e308;
    event.traction.as_mut().expect("documented").force_lbs = Some(force);
    let mut bytes = Vec::new();
    encoder(OutputFormat::Json)
        .encode_encounter(&event, &mut bytes)
        .expect("encodes");
    let decoded = DECODER.decode(&bytes).expect("decodes");
    assert_eq!(decoded.traction.and_then(|t| t.force_lbs), Some(force));
}

/// Found by reasoning about the container fuzzer's JSON round trip, then confirmed: Avro
/// carried instants and dates whose JSON (`+11476-08-15T…`, `-0249-…`) no decoder reads.
/// Both are now refused in every format.
#[test]
fn instants_and_dates_beyond_the_years_json_can_write_are_refused_in_every_format() {
    let far = |edit: fn(&mut Encounter)| {
        let mut event = traction_screen_core::testing::clean_encounter();
        edit(&mut event);
        event
    };
    let cases = [
        (
            far(|e| e.event_time = Timestamp(300_000_000_000_000)),
            "event_time: instant outside the years 0000 to 9999",
        ),
        (
            far(|e| e.event_time = Timestamp(-70_000_000_000_000)),
            "event_time: instant outside the years 0000 to 9999",
        ),
        (
            far(|e| {
                e.service_lines[0].date_of_service =
                    traction_screen_core::testing::date(11_000, 1, 1)
            }),
            "service_lines[0].date_of_service: date outside the years 0000 to 9999",
        ),
        (
            far(|e| {
                e.episode.as_mut().expect("an episode").start_date =
                    traction_screen_core::testing::date(-1, 12, 31)
            }),
            "episode.start_date: date outside the years 0000 to 9999",
        ),
    ];
    for (event, expected) in cases {
        for format in FORMATS {
            let mut bytes = Vec::new();
            encoder(format)
                .encode_encounter(&event, &mut bytes)
                .expect("encodes");
            let error = DECODER.decode(&bytes).expect_err("refused");
            assert_eq!(error.code(), "invalid_field", "{format:?}");
            // The JSON of such a value is not even RFC 3339 / ISO 8601: refused as text.
            if format != OutputFormat::Json {
                assert_eq!(error.to_string(), expected, "{format:?}");
            }
        }
    }
}
