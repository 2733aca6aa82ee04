#!/usr/bin/env python3
"""Write tests/fixtures/catalogue/{encounters,expected}.jsonl: the catalogue fixtures.

Each case is a clean Medicare Part B lumbar traction visit (no rule fires on it) with one
change, and the outcome RULES.md gives for it, written by hand below: the exact findings
(rule id, severity, line number). Verdict and risk score follow from the findings by the
formulas of RULES.md. The fixtures test (`tests/it/fixtures.rs`) screens every encounter with
the built-in rule pack plus the payer profiles of PROFILES (written to `profiles.toml`) and
compares; `traction-screen check tests/fixtures/catalogue/encounters.jsonl` screens them too
(the cases of a profiled payer need `--rule-pack` with data/rule-pack.toml + profiles.toml).

    python3 scripts/gen_catalogue_fixtures.py
"""

import copy
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "catalogue"

BASE = {
    "event_id": "",
    "event_time": "2026-03-02T17:00:00Z",
    "claim_id": "CLM-FIXTURE",
    "claim_frequency": "ORIGINAL",
    "patient_id": "pt_000000000001",
    "payer": {"payer_id": "00882", "plan_type": "MEDICARE_PART_B"},
    "rendering_provider": {"npi": "1234567893", "discipline": "PHYSICAL_THERAPIST"},
    "referring_provider_npi": "9876543213",
    "place_of_service": "11",
    "plan_of_care": {
        "certified": True,
        "start_date": "2026-02-16",
        "certified_through": "2026-05-15",
        "certifying_npi": "1112223338",
    },
    "diagnoses": [{"pointer": 1, "code": "M54.16"}],
    "service_lines": [
        {"line_number": 1, "procedure_code": "97012", "modifiers": ["GP"], "units": 1,
         "date_of_service": "2026-03-02", "diagnosis_pointers": [1], "charge_cents": 5000,
         "body_region": "LUMBAR"},
        {"line_number": 2, "procedure_code": "97110", "modifiers": ["GP"], "units": 2,
         "minutes": 30, "date_of_service": "2026-03-02", "diagnosis_pointers": [1],
         "charge_cents": 9000, "body_region": "LUMBAR"},
    ],
    "traction": {
        "method": "MECHANICAL", "device_name": "Saunders 3D ActiveTrac", "mode": "INTERMITTENT",
        "region": "LUMBAR", "force_lbs": 60.0, "duration_minutes": 15,
        "patient_position": "prone", "patient_response": "tolerated well",
        "performed_by": "THERAPIST",
    },
    "episode": {"start_date": "2026-02-16", "visit_number": 4, "visits_since_progress_report": 3},
    "therapy_spend_ytd_cents": 45000,
}

E, W, I = "ERROR", "WARNING", "INFO"

# Payer profiles added to the built-in pack for the cases of these payers.
NO_TR024_PAYER = "99024"
PROFILES = f"""[profiles."{NO_TR024_PAYER}"]
description = "Fixture payer that does not apply TR-024"
disable = ["TR-024"]
"""


def line(n, code, **fields):
    base = {"line_number": n, "procedure_code": code, "modifiers": ["GP"], "units": 1,
            "date_of_service": "2026-03-02", "diagnosis_pointers": [1], "charge_cents": 5000,
            "body_region": "LUMBAR"}
    base.update(fields)
    return base


def plan(p):
    return lambda e: e["payer"].update(plan_type=p)


def set_(path, value):
    """Setter for a dotted path such as `service_lines.0.units`."""
    def apply(e):
        *parents, last = path.split(".")
        target = e
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return apply


def add_line(l):
    return lambda e: e["service_lines"].append(l)


def add_dx(pointer, code):
    return lambda e: e["diagnoses"].append({"pointer": pointer, "code": code})


# (event_id, [changes], [(rule_id, severity, line_number or None)], traction_lines)
CASES = [
    ("clean-medicare-part-b", [], [], 1),
    ("clean-commercial", [plan("COMMERCIAL")], [], 1),
    ("clean-dotless-and-lower-case-codes", [set_("diagnoses.0.code", "m5416"),
                                            set_("service_lines.0.modifiers", [" gp "])], [], 1),
    ("out-of-scope-no-traction", [lambda e: e.update(traction=None),
                                  lambda e: e["service_lines"].pop(0)], [], 0),
    ("void-claim-is-out-of-scope", [set_("claim_frequency", "VOID"), set_("service_lines.0.units", 3)], [], 0),
    ("replacement-claim-is-screened", [set_("claim_frequency", "REPLACEMENT"), set_("service_lines.0.units", 2)],
     [("TR-001", E, 1)], 1),
    ("s9090-only-commercial-in-scope", [plan("COMMERCIAL"), set_("service_lines.0.procedure_code", "S9090")], [], 0),
    # TR-001
    ("tr001-two-units", [set_("service_lines.0.units", 2)], [("TR-001", E, 1)], 1),
    # TR-002
    ("tr002-second-traction-line-same-day", [add_line(line(3, "97012"))], [("TR-002", E, 3)], 2),
    ("tr002-not-on-another-day", [add_line(line(3, "97012", date_of_service="2026-03-04"))],
     [("TR-038", W, 3)], 2),
    # TR-003
    ("tr003-duplicate-line-number", [set_("service_lines.1.line_number", 1)], [("TR-003", E, None)], 1),
    ("tr003-zero-units", [set_("service_lines.1.units", 0)], [("TR-003", E, None)], 1),
    # Pointed diagnoses are every diagnosis behind a listed pointer (2026.2), also when two
    # share one: the supporting M54.16 behind pointer 1 counts for TR-025, the cervical
    # M50.121 behind it for TR-029.
    ("tr003-shared-pointer-supporting-second", [set_("diagnoses.0.code", "M62.81"), add_dx(1, "M54.16")],
     [("TR-003", E, None)], 1),
    ("tr003-shared-pointer-region-matches-second",
     [set_("traction.region", "CERVICAL"), add_dx(1, "M50.121")], [("TR-003", E, None)], 1),
    # TR-004
    ("tr004-22-minutes-for-2-units", [set_("service_lines.1.minutes", 22)], [("TR-004", E, None)], 1),
    ("tr004-23-minutes-for-2-units", [set_("service_lines.1.minutes", 23)], [], 1),
    ("tr004-not-for-commercial", [plan("COMMERCIAL"), set_("service_lines.1.minutes", 22)], [], 1),
    # TR-005 … TR-009
    ("tr005-manual-traction", [set_("traction.method", "MANUAL")], [("TR-005", E, 1)], 1),
    ("tr006-inversion-table", [set_("traction.method", "INVERSION")], [("TR-006", E, 1)], 1),
    ("tr007-decompression-device-name", [set_("traction.device_name", "Chattanooga Triton DTS")],
     [("TR-007", E, 1)], 1),
    # (2026.2) `idd` and `dts` only with no letter directly before or after them.
    ("tr007-kidd-is-not-idd", [set_("traction.device_name", "Kidd cervical traction unit")], [], 1),
    ("tr007-idd-with-model-number", [set_("traction.device_name", "IDD-100 table")], [("TR-007", E, 1)], 1),
    ("tr007-decompression-method", [set_("traction.method", "DECOMPRESSION_DEVICE")], [("TR-007", E, 1)], 1),
    ("tr008-s9090-medicare", [add_line(line(3, "S9090"))], [("TR-008", E, 3)], 1),
    ("tr008-s9090-commercial", [plan("COMMERCIAL"), add_line(line(3, "S9090"))], [], 1),
    ("tr009-mechanical-billed-as-97140",
     [set_("service_lines.0", line(1, "97140", minutes=15, modifiers=["GP", "59"]))], [("TR-009", W, None)], 0),
    # TR-010 … TR-014
    ("tr010-no-therapy-modifier-medicare", [set_("service_lines.0.modifiers", [])], [("TR-010", E, 1)], 1),
    ("tr010-no-therapy-modifier-workers-comp", [plan("WORKERS_COMP"), set_("service_lines.0.modifiers", [])],
     [("TR-010", W, 1)], 1),
    ("tr010-gp-and-go", [set_("service_lines.0.modifiers", ["GP", "GO"])], [("TR-010", E, 1)], 1),
    ("tr011-pt-billing-go", [set_("service_lines.0.modifiers", ["GO"])], [("TR-011", W, 1)], 1),
    ("tr012-pta-without-cq-medicare",
     [set_("rendering_provider.discipline", "PHYSICAL_THERAPIST_ASSISTANT")], [("TR-012", E, 1)], 1),
    ("tr012-pta-without-cq-medicare-advantage", [plan("MEDICARE_ADVANTAGE"),
     set_("rendering_provider.discipline", "PHYSICAL_THERAPIST_ASSISTANT")], [("TR-012", W, 1)], 1),
    ("tr012-pta-with-cq", [set_("rendering_provider.discipline", "PHYSICAL_THERAPIST_ASSISTANT"),
                           set_("service_lines.0.modifiers", ["GP", "CQ"])], [], 1),
    ("tr012-assistant-performed-commercial", [plan("COMMERCIAL"), set_("traction.performed_by", "ASSISTANT")],
     [], 1),
    ("tr013-cq-without-gp", [set_("rendering_provider.discipline", "OCCUPATIONAL_THERAPIST"),
                             set_("service_lines.0.modifiers", ["GO", "CQ"])], [("TR-013", E, 1)], 1),
    ("tr014-aide-medicare", [set_("traction.performed_by", "AIDE")], [("TR-014", E, None)], 1),
    ("tr014-aide-commercial", [plan("COMMERCIAL"), set_("traction.performed_by", "AIDE")],
     [("TR-014", W, None)], 1),
    # TR-015 … TR-021
    ("tr015-59-with-xs", [set_("service_lines.1.modifiers", ["GP", "59", "XS"])], [("TR-015", E, 2)], 1),
    ("tr016-97140-same-day-no-modifier", [add_line(line(3, "97140", minutes=15))], [("TR-016", W, 1)], 1),
    ("tr016-97140-with-59", [add_line(line(3, "97140", minutes=15, modifiers=["GP", "59"]))], [], 1),
    ("tr017-at-modifier", [set_("service_lines.0.modifiers", ["GP", "AT"])], [("TR-017", W, 1)], 1),
    ("tr018-at-kx-threshold", [set_("therapy_spend_ytd_cents", 248000)], [("TR-018", E, 1)], 1),
    ("tr018-one-cent-below", [set_("therapy_spend_ytd_cents", 247999)], [], 1),
    ("tr018-with-kx", [set_("therapy_spend_ytd_cents", 248000), set_("service_lines.0.modifiers", ["GP", "KX"])],
     [], 1),
    ("tr019-targeted-review", [set_("therapy_spend_ytd_cents", 300000),
                               set_("service_lines.0.modifiers", ["GP", "KX"])], [("TR-019", W, None)], 1),
    ("tr019-and-tr018", [set_("therapy_spend_ytd_cents", 300000)], [("TR-018", E, 1), ("TR-019", W, None)], 1),
    ("tr020-chiropractor", [set_("rendering_provider.discipline", "CHIROPRACTOR")], [("TR-020", E, 1)], 1),
    ("tr020-chiropractor-gp-gy", [set_("rendering_provider.discipline", "CHIROPRACTOR"),
                                  set_("service_lines.0.modifiers", ["GP", "GY"])], [("TR-020", I, 1)], 1),
    ("tr021-telehealth-place", [set_("place_of_service", "02")], [("TR-021", E, 1)], 1),
    ("tr021-telehealth-modifier", [set_("service_lines.0.modifiers", ["GP", "95"])], [("TR-021", E, 1)], 1),
    # TR-022 … TR-025
    ("tr022-bad-check-digit", [set_("rendering_provider.npi", "1234567890")], [("TR-022", E, None)], 1),
    ("tr022-short-certifying-npi", [set_("plan_of_care.certifying_npi", "265687350")], [("TR-022", E, None)], 1),
    ("tr023-header-code", [add_dx(2, "M54.5")], [("TR-023", E, None)], 1),
    ("tr024-no-pointers", [set_("service_lines.0.diagnosis_pointers", [])], [("TR-024", E, 1)], 1),
    ("tr024-dangling-pointer", [set_("service_lines.0.diagnosis_pointers", [3])], [("TR-024", E, 1)], 1),
    ("tr025-non-supporting", [set_("diagnoses.0.code", "M62.81")], [("TR-025", W, 1)], 1),
    ("tr025-weak-only", [set_("diagnoses.0.code", "M54.50")], [("TR-025", W, 1)], 1),
    # TR-025 is skipped only where TR-024 actually fired (2026.2): not for a payer without it.
    ("tr025-dangling-pointer-payer-without-tr024",
     [lambda e: e["payer"].update(payer_id=NO_TR024_PAYER), set_("diagnoses.0.code", "M54.50"),
      set_("service_lines.0.diagnosis_pointers", [1, 3])], [("TR-025", W, 1)], 1),
    # TR-027 / TR-028
    ("tr027-acute-fracture", [add_dx(2, "S32.010A")], [("TR-027", E, None)], 1),
    ("tr028-healing-fracture", [add_dx(2, "S32.010D")], [("TR-028", W, None)], 1),
    # (2026.2) S12.8 (hyoid, larynx, trachea) is not vertebral; M80.88 (osteoporotic vertebral
    # fracture) is.
    ("tr027-hyoid-fracture-not-vertebral", [add_dx(2, "S12.8XXA")], [], 1),
    ("tr027-osteoporotic-vertebral-fracture", [add_dx(2, "M80.88XA")], [("TR-027", E, None)], 1),
    ("tr028-healing-osteoporotic-vertebral-fracture", [add_dx(2, "M80.88XD")], [("TR-028", W, None)], 1),
    ("tr028-anticoagulants", [add_dx(2, "Z79.01")], [("TR-028", W, None)], 1),
    ("tr027-aortic-aneurysm-lumbar", [add_dx(2, "I71.00")], [("TR-027", E, None)], 1),
    ("tr028-aortic-aneurysm-cervical",
     [add_dx(2, "I71.00"), set_("diagnoses.0.code", "M50.121"), set_("traction.region", "CERVICAL"),
      set_("service_lines.0.body_region", "CERVICAL")], [("TR-028", W, None)], 1),
    ("tr027-inflammatory-cervical",
     [add_dx(2, "M45.2"), set_("diagnoses.0.code", "M50.121"), set_("traction.region", "CERVICAL"),
      set_("service_lines.0.body_region", "CERVICAL")], [("TR-027", E, None)], 1),
    # TR-029 … TR-036
    ("tr029-lumbar-diagnosis-cervical-traction", [set_("traction.region", "CERVICAL")], [("TR-029", W, 1)], 1),
    ("tr030-thoracic", [set_("traction.region", "THORACIC")], [("TR-030", W, None)], 1),
    ("tr031-no-plan-of-care", [set_("plan_of_care", None)], [("TR-031", E, None)], 1),
    ("tr031-plan-not-certified", [set_("plan_of_care.certified", False)], [("TR-031", E, None)], 1),
    ("tr032-after-certified-through", [set_("plan_of_care.certified_through", "2026-03-01")],
     [("TR-032", E, 1)], 1),
    ("tr032-before-start", [set_("plan_of_care.start_date", "2026-03-03")], [("TR-032", E, 1)], 1),
    ("tr033-91-days", [set_("plan_of_care.certified_through", "2026-05-18")], [("TR-033", E, None)], 1),
    ("tr033-90-days", [set_("plan_of_care.certified_through", "2026-05-17")], [], 1),
    ("tr034-no-referring-or-certifying-npi", [set_("referring_provider_npi", ""),
                                              set_("plan_of_care.certifying_npi", None)],
     [("TR-034", E, None)], 1),
    ("tr035-undocumented", [set_("traction", None)], [("TR-035", E, None)], 1),
    ("tr036-incomplete", [set_("traction.force_lbs", None), set_("traction.patient_response", "  ")],
     [("TR-036", W, None)], 1),
    # TR-037 … TR-041
    ("tr037-11-visits", [set_("episode.visits_since_progress_report", 11)], [("TR-037", W, None)], 1),
    ("tr037-10-visits", [set_("episode.visits_since_progress_report", 10)], [], 1),
    ("tr037-commercial", [plan("COMMERCIAL"), set_("episode.visits_since_progress_report", 11)], [], 1),
    ("tr038-hot-pack-only-medicare", [set_("service_lines.1", line(2, "97010"))],
     [("TR-038", W, 1), ("TR-039", W, 2)], 1),
    ("tr038-hot-pack-only-commercial", [plan("COMMERCIAL"), set_("service_lines.1", line(2, "97010"))],
     [("TR-038", W, 1)], 1),
    ("tr040-97014-medicare", [add_line(line(3, "97014"))], [("TR-040", E, 3)], 1),
    ("tr040-97014-commercial", [plan("COMMERCIAL"), add_line(line(3, "97014"))], [], 1),
    ("tr041-home-traction-unit", [add_line(line(3, "E0830"))], [("TR-041", E, 3)], 1),
    ("tr041-cervical-head-halter", [add_line(line(3, "E0942"))], [("TR-041", E, 3)], 1),
    # Verdict and score
    ("score-is-capped-at-100",
     [set_("service_lines.0.units", 3), set_("service_lines.0.modifiers", []), set_("place_of_service", "10"),
      set_("traction", None)],
     [("TR-001", E, 1), ("TR-010", E, 1), ("TR-021", E, 1), ("TR-035", E, None)], 1),
]


def expected(event_id, findings, traction_lines):
    errors = sum(1 for _, s, _ in findings if s == E)
    warnings = sum(1 for _, s, _ in findings if s == W)
    verdict = "FAIL" if errors else "REVIEW" if warnings else "PASS"
    return {
        "event_id": event_id,
        "verdict": verdict,
        "risk_score": min(100, 40 * errors + 10 * warnings),
        "traction_lines": traction_lines,
        "findings": [{"rule_id": r, "severity": s, "line_number": n} for r, s, n in findings],
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case id"
    with open(OUT / "encounters.jsonl", "w") as events, open(OUT / "expected.jsonl", "w") as outcomes:
        for number, (event_id, changes, findings, traction_lines) in enumerate(CASES, start=1):
            event = copy.deepcopy(BASE)
            event["event_id"] = event_id
            event["claim_id"] = f"CLM-FIXTURE-{number:03}"
            # A patient per case, so that screening the file with history (`check`)
            # compares no case with another.
            event["patient_id"] = f"pt_{number:012}"
            for change in changes:
                change(event)
            events.write(json.dumps(event) + "\n")
            outcomes.write(json.dumps(expected(event_id, findings, traction_lines)) + "\n")
    (OUT / "profiles.toml").write_text(
        "# Payer profiles added to the built-in rule pack for the catalogue fixtures.\n"
        "# Generated by scripts/gen_catalogue_fixtures.py.\n" + PROFILES)
    print(f"{len(CASES)} cases written to {OUT}")


if __name__ == "__main__":
    main()
