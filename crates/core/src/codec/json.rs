//! JSON in the CONTRACT.md shape: decoding encounters, encoding outcomes and encounters.
//!
//! Decoding goes straight into the domain types (ISO dates and RFC 3339 instants are
//! accepted by their `Deserialize` impls; unknown fields are ignored). Encoding cannot
//! use the domain's `Serialize`, which writes the Avro forms of dates and instants, so
//! it goes through the small borrowing views below, whose fields follow CONTRACT order.

use serde::{Serialize, Serializer};

use super::error::{self, DecodeError, EncodeError};
use crate::domain::{
    Alert, BodyRegion, ClaimFrequency, Date, Diagnosis, Discipline, Encounter, Episode, Finding,
    Outcome, Payer, PlanOfCare, PlanType, RenderingProvider, ServiceLine, Source, Timestamp,
    Traction, Verdict,
};

/// Parses one encounter (normalisation is the caller's).
pub(crate) fn decode(bytes: &[u8]) -> Result<Encounter, DecodeError> {
    serde_json::from_slice(bytes).map_err(|e| explain(bytes, &e))
}

/// The error path: a syntax error is reported where it is; a data error is parsed again
/// under `serde_path_to_error` to learn its field path.
fn explain(bytes: &[u8], first: &serde_json::Error) -> DecodeError {
    if !first.is_data() {
        return syntax_error(first);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, Encounter>(de) {
        Ok(_) => DecodeError::invalid_field("event", "invalid value"),
        Err(e) => {
            let path = error::path_to_string(e.path());
            let message = without_position(e.inner());
            error::data_error(&path, &message).unwrap_or_else(|| {
                DecodeError::invalid_field(
                    if path.is_empty() { "event" } else { &path },
                    "invalid value",
                )
            })
        }
    }
}

fn syntax_error(e: &serde_json::Error) -> DecodeError {
    // serde_json's syntax messages are fixed texts ("expected `,` or `}`", "EOF while
    // parsing an object", ...): they never quote the input.
    DecodeError::InvalidJson {
        line: e.line(),
        column: e.column(),
        problem: without_position(e).into(),
    }
}

/// serde_json appends " at line L column C" to its messages; we report those separately.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

/// An outcome as one line of JSON, e.g. for `check --format jsonl`.
pub fn outcome_to_json(outcome: &Outcome) -> String {
    serde_json::to_string(&OutcomeJson::from(outcome))
        .expect("outcome views hold only strings, numbers and string-keyed objects")
}

/// An encounter as one line of JSON in the CONTRACT §1 shape.
pub fn encounter_to_json(event: &Encounter) -> String {
    serde_json::to_string(&EncounterJson::from(event))
        .expect("encounter views hold only strings, numbers and string-keyed objects")
}

/// Appends the outcome's JSON to `out` (left as it was on error).
pub(crate) fn write_outcome(outcome: &Outcome, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    write(&OutcomeJson::from(outcome), "ScreeningOutcome", out)
}

/// Appends the encounter's JSON to `out` (left as it was on error).
pub(crate) fn write_encounter(event: &Encounter, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    write(&EncounterJson::from(event), "EncounterEvent", out)
}

fn write(
    view: &impl Serialize,
    record: &'static str,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let start = out.len();
    serde_json::to_writer(&mut *out, view).map_err(|_| {
        out.truncate(start);
        EncodeError::Json { record }
    })
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    event_id: &'a str,
    claim_id: &'a str,
    patient_id: &'a str,
    verdict: Verdict,
    risk_score: i32,
    traction_lines: i32,
    findings: &'a [Finding],
    rule_pack_version: &'a str,
    engine_version: &'a str,
    screened_at: Rfc3339,
    source: Option<&'a Source>,
    payer_id: Option<&'a str>,
    plan_type: Option<PlanType>,
    rendering_npi: Option<&'a str>,
    rendering_discipline: Option<Discipline>,
    first_date_of_service: Option<IsoDate>,
    last_date_of_service: Option<IsoDate>,
    billed_cents: Option<i64>,
    at_risk_cents: Option<i64>,
    alert: Option<&'a Alert>,
}

impl<'a> From<&'a Outcome> for OutcomeJson<'a> {
    fn from(outcome: &'a Outcome) -> Self {
        Self {
            event_id: &outcome.event_id,
            claim_id: &outcome.claim_id,
            patient_id: &outcome.patient_id,
            verdict: outcome.verdict,
            risk_score: outcome.risk_score,
            traction_lines: outcome.traction_lines,
            findings: &outcome.findings,
            rule_pack_version: &outcome.rule_pack_version,
            engine_version: &outcome.engine_version,
            screened_at: Rfc3339(outcome.screened_at),
            source: outcome.source.as_ref(),
            payer_id: outcome.payer_id.as_deref(),
            plan_type: outcome.plan_type,
            rendering_npi: outcome.rendering_npi.as_deref(),
            rendering_discipline: outcome.rendering_discipline,
            first_date_of_service: outcome.first_date_of_service.map(IsoDate),
            last_date_of_service: outcome.last_date_of_service.map(IsoDate),
            billed_cents: outcome.billed_cents,
            at_risk_cents: outcome.at_risk_cents,
            alert: outcome.alert.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct EncounterJson<'a> {
    event_id: &'a str,
    event_time: Rfc3339,
    claim_id: &'a str,
    claim_frequency: ClaimFrequency,
    patient_id: &'a str,
    payer: &'a Payer,
    rendering_provider: &'a RenderingProvider,
    referring_provider_npi: Option<&'a str>,
    place_of_service: &'a str,
    plan_of_care: Option<PlanOfCareJson<'a>>,
    diagnoses: &'a [Diagnosis],
    #[serde(serialize_with = "service_lines")]
    service_lines: &'a [ServiceLine],
    traction: Option<&'a Traction>,
    episode: Option<EpisodeJson>,
    therapy_spend_ytd_cents: Option<i64>,
}

impl<'a> From<&'a Encounter> for EncounterJson<'a> {
    fn from(event: &'a Encounter) -> Self {
        Self {
            event_id: &event.event_id,
            event_time: Rfc3339(event.event_time),
            claim_id: &event.claim_id,
            claim_frequency: event.claim_frequency,
            patient_id: &event.patient_id,
            payer: &event.payer,
            rendering_provider: &event.rendering_provider,
            referring_provider_npi: event.referring_provider_npi.as_deref(),
            place_of_service: &event.place_of_service,
            plan_of_care: event.plan_of_care.as_ref().map(PlanOfCareJson::from),
            diagnoses: &event.diagnoses,
            service_lines: &event.service_lines,
            traction: event.traction.as_ref(),
            episode: event.episode.as_ref().map(EpisodeJson::from),
            therapy_spend_ytd_cents: event.therapy_spend_ytd_cents,
        }
    }
}

#[derive(Serialize)]
struct PlanOfCareJson<'a> {
    certified: bool,
    start_date: IsoDate,
    certified_through: Option<IsoDate>,
    certifying_npi: Option<&'a str>,
}

impl<'a> From<&'a PlanOfCare> for PlanOfCareJson<'a> {
    fn from(plan: &'a PlanOfCare) -> Self {
        Self {
            certified: plan.certified,
            start_date: IsoDate(plan.start_date),
            certified_through: plan.certified_through.map(IsoDate),
            certifying_npi: plan.certifying_npi.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct ServiceLineJson<'a> {
    line_number: i32,
    procedure_code: &'a str,
    modifiers: &'a [String],
    units: i32,
    minutes: Option<i32>,
    date_of_service: IsoDate,
    diagnosis_pointers: &'a [i32],
    charge_cents: i64,
    body_region: Option<BodyRegion>,
}

impl<'a> From<&'a ServiceLine> for ServiceLineJson<'a> {
    fn from(line: &'a ServiceLine) -> Self {
        Self {
            line_number: line.line_number,
            procedure_code: &line.procedure_code,
            modifiers: &line.modifiers,
            units: line.units,
            minutes: line.minutes,
            date_of_service: IsoDate(line.date_of_service),
            diagnosis_pointers: &line.diagnosis_pointers,
            charge_cents: line.charge_cents,
            body_region: line.body_region,
        }
    }
}

fn service_lines<S: Serializer>(lines: &&[ServiceLine], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(lines.iter().map(ServiceLineJson::from))
}

#[derive(Serialize)]
struct EpisodeJson {
    start_date: IsoDate,
    visit_number: i32,
    visits_since_progress_report: Option<i32>,
    last_progress_report_date: Option<IsoDate>,
}

impl From<&Episode> for EpisodeJson {
    fn from(episode: &Episode) -> Self {
        Self {
            start_date: IsoDate(episode.start_date),
            visit_number: episode.visit_number,
            visits_since_progress_report: episode.visits_since_progress_report,
            last_progress_report_date: episode.last_progress_report_date.map(IsoDate),
        }
    }
}

/// A date as `YYYY-MM-DD`.
struct IsoDate(Date);

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_iso())
    }
}

/// An instant as RFC 3339 in UTC with milliseconds.
struct Rfc3339(Timestamp);

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean_encounter;

    #[test]
    fn an_encounter_survives_json_both_ways() {
        let event = clean_encounter();
        assert_eq!(decode(encounter_to_json(&event).as_bytes()), Ok(event));
    }

    #[test]
    fn dates_and_instants_are_written_as_iso_text() {
        let json = encounter_to_json(&clean_encounter());
        assert!(json.starts_with(
            r#"{"event_id":"evt-0001","event_time":"2026-03-02T17:00:00.000Z","claim_id""#
        ));
        assert!(json.contains(r#""date_of_service":"2026-03-02""#), "{json}");
    }

    #[test]
    fn a_syntax_error_gives_line_and_column() {
        assert_eq!(
            decode(b"{\n  \"event_id\": }"),
            Err(DecodeError::InvalidJson {
                line: 2,
                column: 15,
                problem: "expected value".into(),
            })
        );
    }

    #[test]
    fn a_wrong_type_names_the_path_and_hides_the_value() {
        let mut value: serde_json::Value =
            serde_json::from_str(&encounter_to_json(&clean_encounter())).expect("valid JSON");
        value["service_lines"][1]["units"] = "Jane Doe".into();
        let error = decode(value.to_string().as_bytes()).expect_err("units is a string");
        assert_eq!(
            error,
            DecodeError::invalid_field("service_lines[1].units", "wrong type, expected an integer")
        );
        assert!(!error.to_string().contains("Jane"));
    }
}
