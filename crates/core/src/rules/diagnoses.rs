//! How messages show diagnosis codes (TR-023, TR-025, TR-027, TR-028): only what is shaped
//! like a code, since a field that is not a code may hold free text, and free text never
//! goes into a message.

use super::context::PointedDiagnosis;
use super::icd10::is_code_shaped;

/// What a message shows in place of a field that is not shaped like a code.
const MALFORMED: &str = "(malformed code)";

/// What a message may show of a diagnosis code: the code when it has ICD-10-CM shape
/// (a letter, then two to six letters or digits), else a placeholder.
pub fn code_for_message(code: &str) -> &str {
    if is_code_shaped(code) {
        code
    } else {
        MALFORMED
    }
}

/// The codes of `diagnoses` as a message may show them, each once, in order.
pub fn codes_for_message<'a>(
    diagnoses: impl IntoIterator<Item = PointedDiagnosis<'a>>,
) -> Vec<&'a str> {
    let mut codes: Vec<&str> = Vec::new();
    for pointed in diagnoses {
        let code = code_for_message(&pointed.diagnosis.code);
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_shows_a_code_only_when_it_is_shaped_like_one() {
        assert_eq!(code_for_message("M5416"), "M5416");
        assert_eq!(code_for_message("S32010A"), "S32010A");
        assert_eq!(code_for_message("M5"), "(malformed code)");
        assert_eq!(code_for_message("S32010AB"), "(malformed code)");
        assert_eq!(code_for_message("5416"), "(malformed code)");
    }
}
