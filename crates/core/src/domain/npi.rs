//! National Provider Identifiers (CMS NPI standard, 45 CFR 162.406): 10 digits, the last
//! being the Luhn check digit of `80840` (the US health-industry prefix) followed by the
//! first nine. TR-022 checks them; the synthetic generator makes valid ones.

/// Why an NPI is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NpiProblem {
    Empty,
    NotTenDigits,
    CheckDigit,
}

impl NpiProblem {
    pub fn describe(self) -> &'static str {
        match self {
            NpiProblem::Empty => "is empty",
            NpiProblem::NotTenDigits => "is not 10 digits",
            NpiProblem::CheckDigit => "fails the NPI check digit",
        }
    }
}

/// Checks an NPI as given on a claim.
pub fn check(npi: &str) -> Result<(), NpiProblem> {
    if npi.trim().is_empty() {
        return Err(NpiProblem::Empty);
    }
    let bytes = npi.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(NpiProblem::NotTenDigits);
    }
    let mut first_nine = [0u8; 9];
    for (digit, byte) in first_nine.iter_mut().zip(bytes) {
        *digit = byte - b'0';
    }
    if bytes[9] - b'0' == check_digit(&first_nine) {
        Ok(())
    } else {
        Err(NpiProblem::CheckDigit)
    }
}

/// The Luhn sum contributed by the constant prefix `80840`: the NPI standard's shortcut.
const PREFIX_80840_SUM: u32 = 24;

/// The check digit that completes nine NPI digits (each 0-9).
pub fn check_digit(first_nine: &[u8; 9]) -> u8 {
    // Luhn: counting from the check digit leftwards, every second digit is doubled, i.e.
    // the 9th, 7th, … 1st of the first nine digits.
    let mut sum = PREFIX_80840_SUM;
    for (i, digit) in first_nine.iter().map(|d| u32::from(*d)).enumerate() {
        sum += if i % 2 == 0 {
            let doubled = digit * 2;
            doubled / 10 + doubled % 10
        } else {
            digit
        };
    }
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{CERTIFYING_NPI, REFERRING_NPI, RENDERING_NPI};

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
    fn check_digit_matches_the_cms_example_and_the_test_npis() {
        assert_eq!(check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), 3);
        assert_eq!(check_digit(&[9, 8, 7, 6, 5, 4, 3, 2, 1]), 3);
        assert_eq!(check_digit(&[1, 1, 1, 2, 2, 2, 3, 3, 3]), 8);
    }
}
