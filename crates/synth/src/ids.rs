//! Identifiers drawn from the generator's rng: NPIs with a valid check digit, UUID-shaped
//! event ids, opaque patient ids and practice-style claim ids.

use rand::Rng;
use rand::rngs::StdRng;

use traction_screen_core::domain::npi::check_digit;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A random valid NPI: `1` or `2`, eight random digits, and the Luhn check digit computed
/// over `80840` + the first nine digits (the CMS NPI standard).
pub(super) fn npi(rng: &mut StdRng) -> String {
    let mut digits = [0u8; 9];
    digits[0] = rng.random_range(1..=2);
    for digit in &mut digits[1..] {
        *digit = rng.random_range(0..=9);
    }
    let mut npi = String::with_capacity(10);
    npi.extend(digits.iter().map(|d| char::from(b'0' + d)));
    npi.push(char::from(b'0' + check_digit(&digits)));
    npi
}

/// A version-4 UUID in its 8-4-4-4-12 text form.
pub(super) fn event_id(rng: &mut StdRng) -> String {
    let mut bytes: [u8; 16] = rng.random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut id = String::with_capacity(36);
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        push_hex(&mut id, *byte);
    }
    id
}

/// `pt_` and twelve hex digits: opaque, like a hashed MRN.
pub(super) fn patient_id(rng: &mut StdRng) -> String {
    let bytes: [u8; 6] = rng.random();
    let mut id = String::with_capacity(15);
    id.push_str("pt_");
    for byte in bytes {
        push_hex(&mut id, byte);
    }
    id
}

/// A clinic's claim-number prefix: three capital letters.
pub(super) fn claim_prefix(rng: &mut StdRng) -> String {
    (0..3)
        .map(|_| char::from(rng.random_range(b'A'..=b'Z')))
        .collect()
}

/// `PFX-2025-030546`: clinic prefix, claim year, six-digit sequence.
pub(super) fn claim_id(prefix: &str, year: i32, sequence: u32) -> String {
    format!("{prefix}-{year}-{sequence:06}")
}

fn push_hex(out: &mut String, byte: u8) {
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0x0f)]));
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn event_ids_are_version_4_uuids() {
        let id = event_id(&mut StdRng::seed_from_u64(7));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, vec![8, 4, 4, 4, 12]);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert!(id.bytes().all(|b| b == b'-' || HEX.contains(&b)), "{id}");
    }

    #[test]
    fn patient_ids_are_pt_and_twelve_hex_digits() {
        let id = patient_id(&mut StdRng::seed_from_u64(7));
        assert_eq!(id.len(), 15);
        assert!(id.starts_with("pt_"));
        assert!(id[3..].bytes().all(|b| HEX.contains(&b)), "{id}");
    }

    #[test]
    fn claim_ids_pad_the_sequence_to_six_digits() {
        assert_eq!(claim_id("VKB", 2025, 30_546), "VKB-2025-030546");
        assert_eq!(claim_id("ABC", 2026, 7), "ABC-2026-000007");
    }
}
