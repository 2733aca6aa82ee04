//! Input limits: the one place that says how big an encounter may be.
//!
//! They bound the work and memory one message can cost (DESIGN.md "Security and PHI") and
//! are far above anything a real claim needs (a CMS-1500 has 6 lines and 12 diagnoses; an
//! 837P at most 50 lines). Going over one is a `too_large` rejection, never a truncation.
//! The message size is checked before parsing; the rest after normalisation, so a padded
//! but otherwise fine value is measured as the rules will see it.

use super::error::DecodeError;
use crate::domain::Encounter;

/// Largest accepted message value, in bytes (1 MiB).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// Most service lines in one event.
pub const MAX_SERVICE_LINES: usize = 50;
/// Most diagnoses in one event (the pointer range is 1..=12).
pub const MAX_DIAGNOSES: usize = 12;
/// Most (non-blank) modifiers on one service line.
pub const MAX_MODIFIERS_PER_LINE: usize = 4;
/// Most diagnosis pointers on one service line.
pub const MAX_POINTERS_PER_LINE: usize = 4;
/// Longest id, code or name, in bytes.
pub const MAX_SHORT_TEXT_BYTES: usize = 128;
/// Longest free-text field (`device_name`, `patient_position`, `patient_response`), in bytes.
pub const MAX_FREE_TEXT_BYTES: usize = 2_000;

/// Largest metadata of an Avro container file header (its writer schema and the rest), in
/// bytes. Our own schema is about 10 KiB.
pub const MAX_CONTAINER_HEADER_BYTES: usize = 1 << 20;
/// Largest block of an Avro container file, in bytes, both as stored and decompressed
/// (64 MiB). Writers cut blocks at 16-64 KiB by default (fastavro, Java's sync interval);
/// Apache Avro's own readers refuse decompressed blocks over 200 MiB. A block over the
/// limit is reported as unreadable before anything is allocated for it.
pub const MAX_BLOCK_BYTES: usize = 64 << 20;
/// Most records one container block may declare. An encounter takes tens of bytes at the
/// very least, so no honest block of [`MAX_BLOCK_BYTES`] comes near it.
pub const MAX_BLOCK_RECORDS: u64 = 1 << 22;

/// Rejects a message value over [`MAX_MESSAGE_BYTES`] before any parsing.
pub(crate) fn check_message_size(len: usize) -> Result<(), DecodeError> {
    if len > MAX_MESSAGE_BYTES {
        return Err(DecodeError::too_large(
            "message",
            format!("{len} bytes, over the limit of {MAX_MESSAGE_BYTES}"),
        ));
    }
    Ok(())
}

/// Checks array lengths and string lengths of a normalised encounter.
pub(crate) fn check(event: &Encounter) -> Result<(), DecodeError> {
    count("diagnoses", event.diagnoses.len(), MAX_DIAGNOSES)?;
    count(
        "service_lines",
        event.service_lines.len(),
        MAX_SERVICE_LINES,
    )?;

    short("event_id", &event.event_id)?;
    short("claim_id", &event.claim_id)?;
    short("patient_id", &event.patient_id)?;
    short("payer.payer_id", &event.payer.payer_id)?;
    short("rendering_provider.npi", &event.rendering_provider.npi)?;
    short_opt("referring_provider_npi", &event.referring_provider_npi)?;
    short("place_of_service", &event.place_of_service)?;
    if let Some(plan) = &event.plan_of_care {
        short_opt("plan_of_care.certifying_npi", &plan.certifying_npi)?;
    }
    for (i, diagnosis) in event.diagnoses.iter().enumerate() {
        if diagnosis.code.len() > MAX_SHORT_TEXT_BYTES {
            short(&format!("diagnoses[{i}].code"), &diagnosis.code)?;
        }
    }
    for (i, line) in event.service_lines.iter().enumerate() {
        check_line(i, line)?;
    }
    if let Some(traction) = &event.traction {
        free("traction.device_name", &traction.device_name)?;
        free("traction.patient_position", &traction.patient_position)?;
        free("traction.patient_response", &traction.patient_response)?;
    }
    Ok(())
}

fn check_line(i: usize, line: &crate::domain::ServiceLine) -> Result<(), DecodeError> {
    // Paths are only formatted on the way to an error.
    let at = |field: &str| format!("service_lines[{i}].{field}");
    if line.modifiers.len() > MAX_MODIFIERS_PER_LINE {
        count(
            &at("modifiers"),
            line.modifiers.len(),
            MAX_MODIFIERS_PER_LINE,
        )?;
    }
    if line.diagnosis_pointers.len() > MAX_POINTERS_PER_LINE {
        count(
            &at("diagnosis_pointers"),
            line.diagnosis_pointers.len(),
            MAX_POINTERS_PER_LINE,
        )?;
    }
    if line.procedure_code.len() > MAX_SHORT_TEXT_BYTES {
        short(&at("procedure_code"), &line.procedure_code)?;
    }
    for (j, modifier) in line.modifiers.iter().enumerate() {
        if modifier.len() > MAX_SHORT_TEXT_BYTES {
            short(&format!("service_lines[{i}].modifiers[{j}]"), modifier)?;
        }
    }
    Ok(())
}

fn count(path: &str, len: usize, max: usize) -> Result<(), DecodeError> {
    if len > max {
        return Err(DecodeError::too_large(
            path,
            format!("{len} items, over the limit of {max}"),
        ));
    }
    Ok(())
}

fn short(path: &str, text: &str) -> Result<(), DecodeError> {
    text_limit(path, text, MAX_SHORT_TEXT_BYTES)
}

fn short_opt(path: &str, text: &Option<String>) -> Result<(), DecodeError> {
    text.as_deref().map_or(Ok(()), |text| short(path, text))
}

fn free(path: &str, text: &Option<String>) -> Result<(), DecodeError> {
    text.as_deref()
        .map_or(Ok(()), |text| text_limit(path, text, MAX_FREE_TEXT_BYTES))
}

fn text_limit(path: &str, text: &str, max: usize) -> Result<(), DecodeError> {
    if text.len() > max {
        return Err(DecodeError::too_large(
            path,
            format!("{} bytes, over the limit of {max}", text.len()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean_encounter;

    #[test]
    fn a_message_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not() {
        assert_eq!(check_message_size(MAX_MESSAGE_BYTES), Ok(()));
        assert_eq!(
            check_message_size(MAX_MESSAGE_BYTES + 1).map_err(|e| e.to_string()),
            Err("message: 1048577 bytes, over the limit of 1048576".to_owned())
        );
    }

    #[test]
    fn the_clean_encounter_is_within_every_limit() {
        assert_eq!(check(&clean_encounter()), Ok(()));
    }

    #[test]
    fn a_long_free_text_names_its_field_and_length_only() {
        let mut event = clean_encounter();
        if let Some(traction) = event.traction.as_mut() {
            traction.patient_response = Some("x".repeat(MAX_FREE_TEXT_BYTES + 1));
        }
        assert_eq!(
            check(&event).map_err(|e| e.to_string()),
            Err("traction.patient_response: 2001 bytes, over the limit of 2000".to_owned())
        );
    }
}
