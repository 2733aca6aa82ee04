#!/usr/bin/env bash
# The project's test command: format, lint, every test tier.
#
#   bash scripts/test.sh
#
# Tiers: unit and property tests, catalogue fixtures, codec and CLI tests, and the pipeline
# integration tests that run the real binary against librdkafka's in-process mock cluster
# (all through `cargo test`); then the deployment files with the real tools
# (scripts/deploy-check.sh: promtool, docker-compose, kubernetes-validate) and the
# real-broker tier against a `tansu` process (scripts/tansu-tier.sh). Without their tools
# installed those two are skipped with a notice, except under CI=true, where they must run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy (warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings

echo "==> cargo test"
cargo test --locked --all-targets
cargo test --locked --doc

echo "==> deployment files (scripts/deploy-check.sh)"
missing=""
for tool in promtool docker-compose kubernetes-validate; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -z "$missing" ]; then
  bash scripts/deploy-check.sh
elif [ "${CI:-}" = "true" ]; then
  echo "missing:$missing; CI=true requires the deployment checks" >&2
  exit 1
else
  echo "skipped: missing$missing (apt-get install prometheus docker-compose; pip install kubernetes-validate)"
fi

echo "==> real-broker tier (tansu)"
if command -v tansu >/dev/null 2>&1; then
  bash scripts/tansu-tier.sh
elif [ "${CI:-}" = "true" ]; then
  echo "tansu is not installed, and CI=true requires the real-broker tier" >&2
  exit 1
else
  echo "skipped: tansu is not installed (cargo install tansu --version 0.6.0 --locked --features dynostore)"
fi
echo "==> all tests passed"
