#!/usr/bin/env python3
"""Encounters for the report's browser check and README screenshot, on standard output.

The catalogue fixtures (tests/fixtures/catalogue/encounters.jsonl: clean visits and one of
each billing error) spread over four months of service, five payers and six rendering
providers, with extra clean visits so that the verdict mix looks like a working clinic's.
Every date of an encounter moves by the same number of days, so each rule sees the same
intervals it was written for. Deterministic: the same file every run.

    python3 scripts/browser/report_input.py > encounters.jsonl
"""

import datetime
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/catalogue/encounters.jsonl"
PAYERS = ["00882", "60054", "87726", "62308", "39026"]
# Days from the fixtures' 2026-03-02 to the same day of the next three months.
SHIFTS = [0, 31, 61, 92]
CLEAN_COPIES = 3
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def npi(first_nine: str) -> str:
    """A valid NPI: Luhn check digit over 80840 and the first nine digits."""
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return first_nine + str((10 - total % 10) % 10)


NPIS = [npi(f"1{n:08d}") for n in (23456789, 30451177, 44820013, 57210548, 61139002, 78904321)]


def shifted(text: str, days: int) -> str:
    """Every ISO date in the JSON text moved by `days`."""
    def move(match):
        date = datetime.date.fromisoformat(match.group(0)) + datetime.timedelta(days=days)
        return date.isoformat()
    return DATE.sub(move, text)


def main() -> None:
    encounters = [json.loads(line) for line in FIXTURES.read_text().splitlines() if line.strip()]
    for month, days in enumerate(SHIFTS):
        copies = []
        for index, encounter in enumerate(encounters):
            clean = encounter["event_id"].startswith("clean")
            if not clean and (index + month) % 4 == 0:
                continue
            copies += [(index, copy) for copy in range(1 + (CLEAN_COPIES if clean else 0))]
        for index, copy in copies:
            event = json.loads(shifted(json.dumps(encounters[index]), days))
            suffix = f"-m{month}-c{copy}"
            event["event_id"] += suffix
            event["claim_id"] += suffix
            event["payer"]["payer_id"] = PAYERS[(index * 3 + month + copy) % len(PAYERS)]
            provider = event["rendering_provider"]
            # An invalid NPI stays invalid: it is what TR-022 is about.
            if re.fullmatch(r"\d{10}", provider["npi"]) and npi(provider["npi"][:9]) == provider["npi"]:
                provider["npi"] = NPIS[(index + month + copy) % len(NPIS)]
            sys.stdout.write(json.dumps(event) + "\n")


if __name__ == "__main__":
    main()
