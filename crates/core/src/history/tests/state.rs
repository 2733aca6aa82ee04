//! The changelog value of one patient: round trip, format version 1 pinned, bad values.

use super::*;
use crate::domain::Discipline;

fn sample() -> History {
    let mut replaced = event("e2", "CLM-A");
    replaced.claim_frequency = ClaimFrequency::Replacement;
    replaced.service_lines[1].modifiers = vec!["GN".into(), "KX".into()];
    let mut chiro = event("e3", "CLM-B");
    chiro.rendering_provider.discipline = Discipline::Chiropractor;
    let mut other_patient = event("e5", "CLM-Z");
    other_patient.patient_id = "pt-other".into();
    history_of(&[
        event("e1", "CLM-A"),
        replaced,
        chiro,
        void("e4", "CLM-B"),
        other_patient,
    ])
}

fn encoded(history: &History, patient_id: &str) -> Vec<u8> {
    let mut out = vec![0xAA];
    assert!(history.encode_patient(patient_id, &mut out));
    out
}

#[test]
fn a_restored_patient_has_the_same_history_and_encodes_to_the_same_bytes() {
    let history = sample();
    let value = encoded(&history, "pt-0001");
    assert_eq!(value[0], FORMAT_VERSION);
    let mut restored = History::new();
    restored.restore_patient("pt-0001", &value).unwrap();
    assert_eq!(encoded(&restored, "pt-0001"), value);
    assert_eq!((restored.patients(), restored.versions()), (1, 4));
    for position in 0..6 {
        let probe = event("probe", "CLM-C");
        assert_eq!(
            prior_ids(&restored, &probe, position),
            prior_ids(&history, &probe, position)
        );
    }
    for (id, position) in [("e1", 0), ("e2", 1), ("e3", 2), ("e4", 3)] {
        assert_eq!(restored.first_position(id), Some(position));
    }
    assert_eq!(restored.first_position("e5"), None);
}

#[test]
fn the_value_is_written_in_the_layout_it_is_read_in() {
    // `encode_patient` writes straight from the history; the derived layout it must match
    // is the one `restore_patient` reads.
    let value = encoded(&sample(), "pt-0001");
    let read: crate::history::state::PatientV1<'_> = postcard::from_bytes(&value[1..]).unwrap();
    assert_eq!(postcard::to_allocvec(&read).unwrap(), &value[1..]);
}

#[test]
fn an_unknown_patient_encodes_to_nothing() {
    let mut out = vec![1, 2, 3];
    assert!(!sample().encode_patient("pt-unknown", &mut out));
    assert_eq!(out, Vec::<u8>::new());
}

/// Format version 1 of a patient with one claim of one line, written out by hand: a
/// release must keep reading it.
const V1: &[u8] = &[
    1, // format version
    0xC4, 0xC0, 0x02, // newest: 2026-03-02 = day 20514, zigzag varint 41028
    1,    // one version
    7,    // position
    2, b'e', b'1', // event_id
    5, b'C', b'L', b'M', b'-', b'A', // claim_id
    3, b'1', b'2', b'3', // npi
    4,    // discipline: chiropractor
    0,    // not void
    0xC4, 0xC0, 0x02, // retention date
    1,    // one line
    0xC4, 0xC0, 0x02, // DOS
    0xA0, 0x9C, 0x01, // charge_cents 10000, zigzag varint 20000
    b'9', b'7', b'0', b'1', b'2', // code
    5,    // flags: GP and KX
];

#[test]
fn format_version_1_is_read_and_written_as_specified() {
    let mut history = History::new();
    history.restore_patient("pt-1", V1).unwrap();
    assert_eq!(history.first_position("e1"), Some(7));
    let probe = event("probe", "CLM-B");
    let mut probe_of_pt_1 = probe.clone();
    probe_of_pt_1.patient_id = "pt-1".into();
    let claims: Vec<_> = history.prior_claims(&probe_of_pt_1, 8).iter().collect();
    assert_eq!(claims.len(), 1);
    let claim = claims[0];
    assert_eq!(
        (claim.claim_id(), claim.npi(), claim.discipline()),
        ("CLM-A", "123", Discipline::Chiropractor)
    );
    let line = claim.lines().next().unwrap();
    assert!(line.has_code("97012") && line.has_gp() && !line.has_gn() && line.has_kx());
    assert_eq!(
        (line.date_of_service(), line.charge_cents()),
        (date(2026, 3, 2), 10_000)
    );
    assert_eq!(encoded(&history, "pt-1"), V1);
}

#[test]
fn a_value_this_release_cannot_read_is_an_error_naming_why() {
    let mut history = sample();
    let cases: [(&[u8], &str); 6] = [
        (&[], "empty history value"),
        (
            &[2, 0],
            "history value in format version 2, which this release cannot read (it reads 1 to 1)",
        ),
        (
            &V1[..20],
            "history value is not valid format version 1: Hit the end of buffer, expected more data",
        ),
        (
            &[V1, &[0]].concat(),
            "history value is not valid format version 1: bytes after the end of the value",
        ),
        (
            &[&V1[..19], &[10], &V1[20..]].concat(),
            "history value is not valid format version 1: unknown discipline code 10",
        ),
        (
            &[&V1[..V1.len() - 1], &[8]].concat(),
            "history value is not valid format version 1: unknown line flags 0x08",
        ),
    ];
    for (value, message) in cases {
        let error = history.restore_patient("pt-0001", value).unwrap_err();
        assert_eq!(error.to_string(), message);
    }
    // Nothing changed.
    assert_eq!((history.patients(), history.versions()), (2, 5));
    assert_eq!(history.first_position("e1"), Some(0));
}

#[test]
fn restoring_a_patient_replaces_what_was_held_for_it() {
    let mut history = sample();
    history.restore_patient("pt-0001", V1).unwrap();
    assert_eq!((history.patients(), history.versions()), (2, 2));
    assert_eq!(history.first_position("e2"), None);
    assert_eq!(history.first_position("e1"), Some(7));
    assert_eq!(history.first_position("e5"), Some(4));
}

#[test]
fn a_value_with_an_event_recorded_under_another_patient_is_refused() {
    let mut history = History::new();
    history.restore_patient("pt-1", V1).unwrap();
    assert_eq!(
        history.restore_patient("pt-2", V1).unwrap_err().to_string(),
        "history value is not valid format version 1: an event_id is recorded under another patient"
    );
    assert_eq!((history.patients(), history.versions()), (1, 1));
}
