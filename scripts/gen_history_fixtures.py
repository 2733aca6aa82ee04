#!/usr/bin/env python3
"""Write tests/fixtures/history/{encounters,expected}.jsonl: the history-rule fixtures.

One stream, screened in order with history (`check` does the same): each case is a few
encounters of its own patient, built from the catalogue's clean visit, with the outcome
RULES.md ("History rules", rule pack 2026.2) gives for each, written by hand below, never
taken from the engine. `expected.jsonl` has one line per encounter, in the same order
(an event id may come twice: a redelivery). The fixtures test (`tests/it/fixtures.rs`)
screens the stream and compares line by line.

    python3 scripts/gen_history_fixtures.py
"""

import copy
import datetime
import json
from pathlib import Path

from gen_catalogue_fixtures import BASE, E, W, expected

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "history"

OTHER_NPI = "9876543213"  # valid, and not the clean visit's rendering NPI
DAY = datetime.date(2026, 3, 2)


def day(offset):
    return (DAY + datetime.timedelta(days=offset)).isoformat()


def visit(case, claim, on=0, event=None, **changes):
    """The clean visit of patient `pt_<case>`, claim `CLM-<case>-<claim>`, on DAY + `on`."""
    e = copy.deepcopy(BASE)
    e["patient_id"] = f"pt_{case}"
    e["claim_id"] = f"CLM-{case}-{claim}"
    e["event_id"] = f"{case}-{event or claim}"
    date = on if isinstance(on, str) else day(on)
    for line in e["service_lines"]:
        line["date_of_service"] = date
    for key, value in changes.items():
        if key == "plan":
            e["payer"]["plan_type"] = value
        elif key == "npi":
            e["rendering_provider"]["npi"] = value
        elif key == "discipline":
            e["rendering_provider"]["discipline"] = value
        elif key == "exercise_cents":
            e["service_lines"][1]["charge_cents"] = value
        elif key == "episode":
            e["episode"].update(value)
        elif key == "certified":
            e["plan_of_care"]["start_date"], e["plan_of_care"]["certified_through"] = value
        else:
            e[key] = value
    return e


def void(case, claim, event):
    return visit(case, claim, event=event, claim_frequency="VOID")


NONE = []
T050 = [("TR-050", E, 1)]
T051 = [("TR-051", W, 1)]
T052 = [("TR-052", W, None)]
T053 = [("TR-053", W, 1)]
T054 = [("TR-054", W, None)]


def gp_days(case, count, **changes):
    """`count` Medicare visits on consecutive days from DAY, each a GP treatment day."""
    return [visit(case, f"V{n}", on=n, **changes) for n in range(count)]


def cases():
    """(encounter, findings, traction lines) in stream order."""
    out = []

    def add(event, findings, traction_lines=1):
        out.append((event, findings, traction_lines))

    # TR-050: same DOS, same rendering NPI (given with white space: compared trimmed).
    add(visit("dup", "A"), NONE)
    add(visit("dup", "B", npi=" 1234567893 "), T050)
    add(visit("dup", "C", on=1), NONE)  # the next day
    # TR-051: another provider the same day (commercial: TR-020 is Medicare's); where
    # TR-050 fires on the line, TR-051 does not.
    add(visit("other", "A", plan="COMMERCIAL"), NONE)
    add(visit("other", "B", plan="COMMERCIAL", npi=OTHER_NPI, discipline="CHIROPRACTOR"), T051)
    add(visit("other", "C", plan="COMMERCIAL"), T050)
    # A VOID removes the claim; billing it again brings it back.
    add(visit("void", "A"), NONE)
    add(void("void", "A", "A-void"), NONE, 0)
    add(visit("void", "B"), NONE)
    add(visit("void", "A", event="A-again"), T050)
    # A REPLACEMENT that moves the date moves the duplicate with it.
    add(visit("moved", "A"), NONE)
    add(visit("moved", "B", on=1), NONE)
    add(visit("moved", "A", on=1, event="A-moved", claim_frequency="REPLACEMENT"), T050)
    add(visit("moved", "C"), NONE)
    # A redelivered VOID changes nothing: the claim billed again after it stays.
    add(visit("revoid", "A"), NONE)
    add(void("revoid", "A", "A-void"), NONE, 0)
    add(visit("revoid", "A", event="A-again"), NONE)
    add(void("revoid", "A", "A-void"), NONE, 0)
    add(visit("revoid", "B"), T050)
    # TR-054: traction on 13 days of the 30 ending DAY+29 (from DAY: d-29 is in) fires,
    # 12 in the window (DAY-1 = d-30 is out) does not. Commercial: no TR-052.
    for n in range(12):
        add(visit("freq", f"D{n}", on=n, plan="COMMERCIAL"), NONE)
    add(visit("freq", "LAST", on=29, plan="COMMERCIAL"), T054)
    add(visit("freq30", "OUT", on=-1, plan="COMMERCIAL"), NONE)
    for n in range(1, 12):
        add(visit("freq30", f"D{n}", on=n, plan="COMMERCIAL"), NONE)
    add(visit("freq30", "LAST", on=29, plan="COMMERCIAL"), NONE)
    # TR-052: GP treatment days from the episode start (DAY): 10 pass, the 11th fires.
    start = {"start_date": day(0)}
    for event in gp_days("cadence", 10, episode=start):
        add(event, NONE)
    add(visit("cadence", "V10", on=10, episode=start), T052)
    # After the last progress report (its own day not counted): the 12th visit is the 11th.
    reported = {"start_date": day(0), "last_progress_report_date": day(0)}
    for event in gp_days("report", 11, episode=reported):
        add(event, NONE)
    add(visit("report", "V11", on=11, episode=reported), T052)
    # An empty last_progress_report_date counts as absent.
    blank = {"start_date": day(0), "last_progress_report_date": ""}
    for event in gp_days("blank", 10, episode=blank):
        add(event, NONE)
    add(visit("blank", "V10", on=10, episode=blank), T052)
    # Where TR-037 fires (the event's own count), TR-052 does not.
    for event in gp_days("tr037", 10, episode=start):
        add(event, NONE)
    add(visit("tr037", "V10", on=10, episode={**start, "visits_since_progress_report": 11}),
        [("TR-037", W, None)])
    # TR-053: no reported spend (so no TR-018); earlier GP charges of 2026 add up.
    # $50 + $1,190 per claim: two claims reach the 2026 threshold exactly.
    kx = {"therapy_spend_ytd_cents": None, "exercise_cents": 119000}
    add(visit("kx", "A", **kx), NONE)
    add(visit("kx", "B", on=1, **kx), NONE)
    add(visit("kx", "C", on=2, **kx), T053)
    add(visit("kxcent", "A", **kx), NONE)
    add(visit("kxcent", "B", on=1, **{**kx, "exercise_cents": 118999}), NONE)
    add(visit("kxcent", "C", on=2, **kx), NONE)  # one cent under
    # Where TR-018 fires (the reported spend), TR-053 does not.
    add(visit("kx018", "A", **kx), NONE)
    add(visit("kx018", "B", on=1, **kx), NONE)
    add(visit("kx018", "C", on=2, **{**kx, "therapy_spend_ytd_cents": 248000}),
        [("TR-018", E, 1)])
    # No year before 2024 is checked; after 2026 the latest threshold applies.
    for year, fires in ((2023, False), (2027, True)):
        dates = [f"{year}-03-0{n}" for n in (2, 3, 4)]
        period = {**kx, "certified": (f"{year}-02-16", f"{year}-05-15"),
                  "episode": {"start_date": f"{year}-02-16"}}
        add(visit(f"kx{year}", "A", on=dates[0], **period), NONE)
        add(visit(f"kx{year}", "B", on=dates[1], **period), NONE)
        add(visit(f"kx{year}", "C", on=dates[2], **period), T053 if fires else NONE)
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    stream = cases()
    with open(OUT / "encounters.jsonl", "w") as events, open(OUT / "expected.jsonl", "w") as outcomes:
        for event, findings, traction_lines in stream:
            events.write(json.dumps(event) + "\n")
            outcomes.write(json.dumps(expected(event["event_id"], findings, traction_lines)) + "\n")
    print(f"{len(stream)} encounters written to {OUT}")


if __name__ == "__main__":
    main()
