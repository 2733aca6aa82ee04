//! Normalisation and validation of a decoded encounter, the same for every format.
//!
//! [`normalize`] brings codes into the canonical form the rules compare (RULES.md
//! "Normalisation"): procedure codes and modifiers trimmed and upper case, blank modifiers
//! dropped, diagnosis codes dotless upper case, blank optional strings absent. It works
//! in place and never reallocates: trimming shifts bytes inside the existing buffer.
//!
//! [`validate`] then rejects (`invalid_field`) only what makes an event meaningless to
//! screen: blank identifiers, malformed codes, pointers outside 1..=12, negative amounts,
//! instants and dates outside the years 0000 to 9999.
//! Questions of billing correctness (units < 1, duplicate line numbers, bad NPIs, unknown
//! ICD codes) are findings for the rules, not rejections.

use std::ops::RangeInclusive;

use super::error::DecodeError;
use crate::domain::{Date, Encounter, ServiceLine, Traction};

/// The years every format can carry. JSON writes instants and dates as RFC 3339 and ISO
/// 8601 text, four-digit years; Avro's longs and ints reach far beyond, and an event read
/// from Avro with such a date could not be written back as JSON (found while writing the
/// fuzzers' round-trip check). No real claim is dated outside.
const YEARS: RangeInclusive<i32> = 0..=9999;
/// [`YEARS`] in milliseconds since the epoch: 0000-01-01T00:00:00Z to the last millisecond
/// of 9999.
const INSTANTS: RangeInclusive<i64> = -62_167_219_200_000..=253_402_300_799_999;

/// Brings `event` into canonical form, in place.
pub(crate) fn normalize(event: &mut Encounter) {
    trim_in_place(&mut event.rendering_provider.npi);
    trim_in_place(&mut event.place_of_service);
    optional_id(&mut event.referring_provider_npi);
    if let Some(plan) = &mut event.plan_of_care {
        optional_id(&mut plan.certifying_npi);
    }
    for diagnosis in &mut event.diagnoses {
        trim_in_place(&mut diagnosis.code);
        if diagnosis.code.contains('.') {
            diagnosis.code.retain(|c| c != '.');
        }
        diagnosis.code.make_ascii_uppercase();
    }
    for line in &mut event.service_lines {
        trim_in_place(&mut line.procedure_code);
        line.procedure_code.make_ascii_uppercase();
        for modifier in &mut line.modifiers {
            trim_in_place(modifier);
            modifier.make_ascii_uppercase();
        }
        if line.modifiers.iter().any(String::is_empty) {
            line.modifiers.retain(|modifier| !modifier.is_empty());
        }
    }
    if let Some(traction) = &mut event.traction {
        // Free text is kept as written (it is documentation); only blank means absent.
        blank_is_absent(&mut traction.device_name);
        blank_is_absent(&mut traction.patient_position);
        blank_is_absent(&mut traction.patient_response);
    }
}

/// Rejects a normalised encounter the rules cannot meaningfully screen.
pub(crate) fn validate(event: &Encounter) -> Result<(), DecodeError> {
    required("event_id", &event.event_id)?;
    required("claim_id", &event.claim_id)?;
    required("patient_id", &event.patient_id)?;
    required("payer.payer_id", &event.payer.payer_id)?;
    let pos = event.place_of_service.as_bytes();
    if pos.len() != 2 || !pos.iter().all(u8::is_ascii_digit) {
        return Err(DecodeError::invalid_field(
            "place_of_service",
            "not a 2-digit place-of-service code",
        ));
    }
    for (i, diagnosis) in event.diagnoses.iter().enumerate() {
        pointer(diagnosis.pointer, || format!("diagnoses[{i}].pointer"))?;
        if !alphanumeric(&diagnosis.code, 1..=8) {
            return Err(DecodeError::invalid_field(
                format!("diagnoses[{i}].code"),
                "not an ICD-10-CM code (1-8 letters or digits once dots are removed)",
            ));
        }
    }
    for (i, line) in event.service_lines.iter().enumerate() {
        validate_line(i, line)?;
    }
    if let Some(traction) = &event.traction {
        validate_traction(traction)?;
    }
    validate_calendar(event)?;
    non_negative(event.therapy_spend_ytd_cents, || {
        "therapy_spend_ytd_cents".to_owned()
    })
}

fn validate_calendar(event: &Encounter) -> Result<(), DecodeError> {
    if !INSTANTS.contains(&event.event_time.millis()) {
        return Err(DecodeError::invalid_field(
            "event_time",
            "instant outside the years 0000 to 9999",
        ));
    }
    if let Some(plan) = &event.plan_of_care {
        in_years(Some(plan.start_date), || "plan_of_care.start_date".into())?;
        in_years(plan.certified_through, || {
            "plan_of_care.certified_through".into()
        })?;
    }
    for (i, line) in event.service_lines.iter().enumerate() {
        in_years(Some(line.date_of_service), || {
            format!("service_lines[{i}].date_of_service")
        })?;
    }
    if let Some(episode) = &event.episode {
        in_years(Some(episode.start_date), || "episode.start_date".into())?;
        in_years(episode.last_progress_report_date, || {
            "episode.last_progress_report_date".into()
        })?;
    }
    Ok(())
}

fn in_years(date: Option<Date>, path: impl FnOnce() -> String) -> Result<(), DecodeError> {
    match date {
        Some(date) if !YEARS.contains(&date.year()) => Err(DecodeError::invalid_field(
            path(),
            "date outside the years 0000 to 9999",
        )),
        _ => Ok(()),
    }
}

fn validate_line(i: usize, line: &ServiceLine) -> Result<(), DecodeError> {
    let at = |field: &str| format!("service_lines[{i}].{field}");
    if !alphanumeric(&line.procedure_code, 5..=5) {
        return Err(DecodeError::invalid_field(
            at("procedure_code"),
            "not a CPT/HCPCS code (5 letters or digits)",
        ));
    }
    // Blank modifiers are already dropped, so `j` indexes the normalised list.
    if let Some(j) = line.modifiers.iter().position(|m| !alphanumeric(m, 2..=2)) {
        return Err(DecodeError::invalid_field(
            format!("service_lines[{i}].modifiers[{j}]"),
            "not a modifier (2 letters or digits)",
        ));
    }
    for (j, &p) in line.diagnosis_pointers.iter().enumerate() {
        pointer(p, || format!("service_lines[{i}].diagnosis_pointers[{j}]"))?;
    }
    non_negative(line.minutes.map(i64::from), || at("minutes"))?;
    non_negative(Some(line.charge_cents), || at("charge_cents"))
}

fn validate_traction(traction: &Traction) -> Result<(), DecodeError> {
    if let Some(force) = traction.force_lbs {
        if !force.is_finite() || force < 0.0 {
            return Err(DecodeError::invalid_field(
                "traction.force_lbs",
                "not a finite, non-negative force",
            ));
        }
    }
    non_negative(traction.duration_minutes.map(i64::from), || {
        "traction.duration_minutes".to_owned()
    })
}

fn required(path: &'static str, value: &str) -> Result<(), DecodeError> {
    if value.trim().is_empty() {
        return Err(DecodeError::invalid_field(path, "required and blank"));
    }
    Ok(())
}

fn pointer(value: i32, path: impl FnOnce() -> String) -> Result<(), DecodeError> {
    if !(1..=12).contains(&value) {
        return Err(DecodeError::invalid_field(
            path(),
            "diagnosis pointer outside 1..=12",
        ));
    }
    Ok(())
}

fn non_negative(value: Option<i64>, path: impl FnOnce() -> String) -> Result<(), DecodeError> {
    if value.is_some_and(|v| v < 0) {
        return Err(DecodeError::invalid_field(path(), "negative"));
    }
    Ok(())
}

fn alphanumeric(text: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Removes leading and trailing white space without reallocating.
fn trim_in_place(text: &mut String) {
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    if start > 0 {
        text.drain(..start);
    }
}

/// An optional identifier: trimmed, and absent when blank.
fn optional_id(value: &mut Option<String>) {
    if let Some(text) = value {
        trim_in_place(text);
    }
    blank_is_absent(value);
}

fn blank_is_absent(value: &mut Option<String>) {
    if value.as_deref().is_some_and(|text| text.trim().is_empty()) {
        *value = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{clean_encounter, diagnosis};

    #[test]
    fn codes_are_trimmed_upper_cased_and_dotless() {
        let mut event = clean_encounter();
        event.diagnoses = vec![diagnosis(1, " m54.16 ")];
        event.service_lines[0].procedure_code = " s9090\t".into();
        event.service_lines[0].modifiers = vec![" gp".into(), "  ".into(), "".into(), "x s".into()];
        normalize(&mut event);
        assert_eq!(event.diagnoses[0].code, "M5416");
        assert_eq!(event.service_lines[0].procedure_code, "S9090");
        assert_eq!(event.service_lines[0].modifiers, ["GP", "X S"]);
    }

    #[test]
    fn blank_optional_strings_become_absent_and_the_rendering_npi_stays() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = "   ".into();
        event.referring_provider_npi = Some(" ".into());
        if let Some(traction) = &mut event.traction {
            traction.patient_response = Some("\n".into());
            traction.patient_position = Some(" supine ".into());
        }
        normalize(&mut event);
        assert_eq!(event.rendering_provider.npi, "");
        assert_eq!(event.referring_provider_npi, None);
        let traction = event.traction.expect("still there");
        assert_eq!(traction.patient_response, None);
        assert_eq!(traction.patient_position.as_deref(), Some(" supine "));
    }

    #[test]
    fn normalising_a_clean_encounter_changes_nothing_and_keeps_the_buffers() {
        let mut event = clean_encounter();
        let before = event.clone();
        let buffer = event.service_lines[0].procedure_code.as_ptr();
        normalize(&mut event);
        assert_eq!(event, before);
        assert_eq!(event.service_lines[0].procedure_code.as_ptr(), buffer);
    }

    #[test]
    fn trimming_reuses_the_allocation() {
        let mut text = String::from("  97012  ");
        let (buffer, capacity) = (text.as_ptr(), text.capacity());
        trim_in_place(&mut text);
        assert_eq!(text, "97012");
        assert_eq!((text.as_ptr(), text.capacity()), (buffer, capacity));
    }

    #[test]
    fn a_modifier_with_a_space_inside_is_invalid() {
        let mut event = clean_encounter();
        event.service_lines[1].modifiers = vec!["GP".into(), "x s".into()];
        normalize(&mut event);
        assert_eq!(
            validate(&event),
            Err(DecodeError::invalid_field(
                "service_lines[1].modifiers[1]",
                "not a modifier (2 letters or digits)"
            ))
        );
    }

    #[test]
    fn instants_and_dates_must_lie_in_the_years_json_can_write() {
        let mut event = clean_encounter();
        event.event_time = crate::domain::Timestamp(*INSTANTS.end());
        event.service_lines[0].date_of_service = crate::testing::date(0, 1, 1);
        assert_eq!(validate(&event), Ok(()));
        event.event_time = crate::domain::Timestamp(INSTANTS.end() + 1);
        assert_eq!(
            validate(&event).map_err(|e| e.to_string()),
            Err("event_time: instant outside the years 0000 to 9999".to_owned())
        );
        event.event_time = crate::domain::Timestamp(*INSTANTS.start());
        event.service_lines[1].date_of_service = crate::testing::date(10_000, 1, 1);
        assert_eq!(
            validate(&event).map_err(|e| e.to_string()),
            Err("service_lines[1].date_of_service: date outside the years 0000 to 9999".to_owned())
        );
    }

    #[test]
    fn the_clean_encounter_is_valid() {
        assert_eq!(validate(&clean_encounter()), Ok(()));
    }
}
