#!/usr/bin/env bash
# The project's test command: format, lint, every test tier.
#
#   bash scripts/test.sh
#
# Every crate of the workspace (the service, crates/core, crates/synth) is linted and tested.
# Tiers: unit and property tests, catalogue fixtures, codec and CLI tests, and the pipeline
# integration tests that run the real binary against librdkafka's in-process mock cluster
# (all through `cargo test`); then the deployment files with the real tools
# (scripts/deploy-check.sh: promtool, docker-compose, kubernetes-validate) and the
# real-broker tier against a `tansu` process (scripts/tansu-tier.sh), and the report page in a
# real headless Chromium (scripts/browser-check.sh). Without their tools installed those three
# are skipped with a notice, except under CI=true, where they must run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> cargo test"
cargo test --locked --workspace --all-targets
cargo test --locked --workspace --doc

# Runs `script` when every one of `tools` is installed; otherwise skips it with a notice
# saying how to install them, except under CI=true, where it must run.
run_when_installed() {
  local script=$1 install=$2 missing="" tool
  shift 2
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
  done
  if [ -z "$missing" ]; then
    bash "$script"
  elif [ "${CI:-}" = "true" ]; then
    echo "missing:$missing; CI=true requires $script" >&2
    exit 1
  else
    echo "skipped: missing$missing ($install)"
  fi
}

echo "==> deployment files (scripts/deploy-check.sh)"
run_when_installed scripts/deploy-check.sh \
  "apt-get install prometheus docker-compose; pip install kubernetes-validate==1.34.1" \
  promtool docker-compose kubernetes-validate

echo "==> report page in a headless browser (scripts/browser-check.sh)"
run_when_installed scripts/browser-check.sh \
  "apt-get install chromium; Node.js 20 or later with npm" chromium node npm

echo "==> real-broker tier (tansu)"
run_when_installed scripts/tansu-tier.sh \
  "cargo install tansu --version 0.6.0 --locked --features dynostore" tansu
echo "==> all tests passed"
