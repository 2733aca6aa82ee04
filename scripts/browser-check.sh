#!/usr/bin/env bash
# Browser tier: the `report` page in a real headless Chromium (Debian's `chromium`, driven by
# playwright-core from scripts/browser; no browser download). Screens the catalogue fixtures
# spread over four months (scripts/browser/report_input.py), writes the outcomes as an Avro
# container with `check --format avro`, makes the page with `report`, then checks it loads
# with no console error and no request but itself, that its five charts have a size and that
# it counts every outcome. Leaves the page and a screenshot in target/browser-check/.
#
#   bash scripts/browser-check.sh                # needs chromium and node
#   REPORT_SCREENSHOT=docs/report.png bash scripts/browser-check.sh   # refresh the README's
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/browser-check
mkdir -p "$out"
cargo build --locked --quiet
bin=target/debug/traction-screen

python3 scripts/browser/report_input.py >"$out/encounters.jsonl"
# check exits 1 when some encounter FAILs, which these do.
status=0
"$bin" check --format avro "$out/encounters.jsonl" >"$out/outcomes.avro" || status=$?
if [ "$status" -gt 1 ]; then echo "check failed ($status)" >&2; exit 1; fi
outcomes=$(wc -l <"$out/encounters.jsonl")
"$bin" report "$out/outcomes.avro" --output "$out/report.html"

if [ ! -d scripts/browser/node_modules/playwright-core ]; then
  npm ci --prefix scripts/browser --no-audit --no-fund --silent
fi
node scripts/browser/check-report.mjs "$out/report.html" "${REPORT_SCREENSHOT:-$out/report.png}" 5 "$outcomes"
