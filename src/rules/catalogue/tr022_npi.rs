//! TR-022: every NPI on the claim must be a valid NPI: 10 digits whose last digit is the
//! Luhn check digit of `80840` (the US health-industry prefix) followed by the first nine.
//! The rendering NPI is required, so an empty one is invalid; the referring and
//! certifying NPIs are optional and checked only when present. One finding per event,
//! naming each bad field and why; the NPI values themselves are never repeated.

use crate::rules::prelude::*;

pub struct InvalidNpi;

static META: RuleMeta = RuleMeta {
    id: "TR-022",
    title: "Invalid NPI",
    remediation: "Correct the NPI from the provider's NPPES record: an NPI is 10 digits with a \
                  valid check digit.",
    reference: "CMS NPI standard (45 CFR 162.406): 10 digits, Luhn check digit over 80840 and \
                the first nine digits",
};

/// Why an NPI is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NpiProblem {
    Empty,
    NotTenDigits,
    CheckDigit,
}

impl NpiProblem {
    fn describe(self) -> &'static str {
        match self {
            NpiProblem::Empty => "is empty",
            NpiProblem::NotTenDigits => "is not 10 digits",
            NpiProblem::CheckDigit => "fails the NPI check digit",
        }
    }
}

/// The Luhn sum contributed by the constant prefix `80840`: the NPI standard's shortcut.
const PREFIX_80840_SUM: u32 = 24;

fn check(npi: &str) -> Result<(), NpiProblem> {
    if npi.trim().is_empty() {
        return Err(NpiProblem::Empty);
    }
    let bytes = npi.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(NpiProblem::NotTenDigits);
    }
    // Luhn: counting from the check digit leftwards, every second digit is doubled, i.e.
    // the 9th, 7th, … 1st of the first nine digits.
    let mut sum = PREFIX_80840_SUM;
    for (i, byte) in bytes[..9].iter().enumerate() {
        let digit = u32::from(byte - b'0');
        sum += if i % 2 == 0 {
            let doubled = digit * 2;
            doubled / 10 + doubled % 10
        } else {
            digit
        };
    }
    let expected = (10 - sum % 10) % 10;
    if u32::from(bytes[9] - b'0') == expected {
        Ok(())
    } else {
        Err(NpiProblem::CheckDigit)
    }
}

impl Rule for InvalidNpi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let event = ctx.event;
        let fields = [
            (
                "rendering_provider.npi",
                Some(event.rendering_provider.npi.as_str()),
            ),
            (
                "referring_provider_npi",
                event.referring_provider_npi.as_deref(),
            ),
            (
                "plan_of_care.certifying_npi",
                event
                    .plan_of_care
                    .as_ref()
                    .and_then(|plan| plan.certifying_npi.as_deref()),
            ),
        ];
        let problem_of = |npi: Option<&str>| npi.and_then(|npi| check(npi).err());
        if fields.iter().all(|(_, npi)| problem_of(*npi).is_none()) {
            return;
        }
        let problems: Vec<String> = fields
            .iter()
            .filter_map(|(field, npi)| {
                problem_of(*npi).map(|problem| format!("{field} {}", problem.describe()))
            })
            .collect();
        out.event(format!("Invalid NPI: {}", problems.join("; ")));
    }
}

#[cfg(test)]
mod tests {
    use super::{NpiProblem, check};
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn accepts_valid_npis() {
        for npi in [RENDERING_NPI, REFERRING_NPI, CERTIFYING_NPI, "1245319599"] {
            assert_eq!(check(npi), Ok(()), "{npi}");
        }
    }

    #[test]
    fn rejects_every_wrong_check_digit() {
        for last in b'0'..=b'9' {
            let npi = format!("123456789{}", char::from(last));
            let expected = if last == b'3' {
                Ok(())
            } else {
                Err(NpiProblem::CheckDigit)
            };
            assert_eq!(check(&npi), expected, "{npi}");
        }
    }

    /// The textbook Luhn check over the full 15-digit `80840` + NPI string.
    fn literal_luhn(npi: &str) -> bool {
        let sum: u32 = format!("80840{npi}")
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let digit = u32::from(b - b'0');
                match (i % 2 == 1, digit * 2) {
                    (true, doubled) if doubled > 9 => doubled - 9,
                    (true, doubled) => doubled,
                    (false, _) => digit,
                }
            })
            .sum();
        sum % 10 == 0
    }

    #[test]
    fn agrees_with_the_literal_luhn_check_over_80840_and_the_npi() {
        // A spread of ten-digit numbers: a multiplicative walk through the range.
        let mut n: u64 = 1_000_000_007;
        let mut valid = 0;
        for _ in 0..5_000 {
            n = (n * 48_271) % 9_000_000_000 + 1_000_000_000;
            let npi = n.to_string();
            assert_eq!(check(&npi).is_ok(), literal_luhn(&npi), "{npi}");
            valid += usize::from(literal_luhn(&npi));
        }
        // About one number in ten has a valid check digit: both outcomes were exercised.
        assert!((300..700).contains(&valid), "{valid}");
    }

    #[test]
    fn rejects_wrong_lengths_and_non_digits() {
        for npi in [
            "123456789",
            "12345678933",
            "12345678 3",
            "123456789X",
            "１２３",
        ] {
            assert_eq!(check(npi), Err(NpiProblem::NotTenDigits), "{npi}");
        }
        assert_eq!(check(""), Err(NpiProblem::Empty));
        assert_eq!(check("   "), Err(NpiProblem::Empty));
    }

    #[test]
    fn fires_once_for_a_bad_rendering_check_digit() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = "1234567890".into();
        assert_eq!(findings_of(&event, "TR-022"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec!["Invalid NPI: rendering_provider.npi fails the NPI check digit"]
        );
    }

    #[test]
    fn treats_an_empty_rendering_npi_as_invalid() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = String::new();
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec!["Invalid NPI: rendering_provider.npi is empty"]
        );
    }

    #[test]
    fn lists_every_bad_field_in_one_finding() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = "1234567890".into();
        event.referring_provider_npi = Some("98765432".into());
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certifying_npi = Some("265687350".into());
        }
        assert_eq!(findings_of(&event, "TR-022"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec![
                "Invalid NPI: rendering_provider.npi fails the NPI check digit; \
                 referring_provider_npi is not 10 digits; \
                 plan_of_care.certifying_npi is not 10 digits"
            ]
        );
    }

    #[test]
    fn names_a_bad_certifying_npi_alone() {
        let mut event = clean_encounter();
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certifying_npi = Some("1112223339".into());
        }
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec!["Invalid NPI: plan_of_care.certifying_npi fails the NPI check digit"]
        );
    }

    #[test]
    fn does_not_fire_when_optional_npis_are_absent() {
        let mut event = clean_encounter();
        event.referring_provider_npi = None;
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certifying_npi = None;
        }
        assert_eq!(findings_of(&event, "TR-022"), vec![]);
        event.plan_of_care = None;
        assert_eq!(findings_of(&event, "TR-022"), vec![]);
    }

    #[test]
    fn does_not_fire_on_valid_npis() {
        assert_eq!(findings_of(&clean_encounter(), "TR-022"), vec![]);
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        let mut event = clean_encounter();
        event.referring_provider_npi = Some("9876543210".into());
        for plan in PlanType::ALL {
            let event = with_plan(event.clone(), plan);
            assert_eq!(
                findings_of(&event, "TR-022"),
                vec![(Error, None)],
                "{plan:?}"
            );
        }
    }
}
