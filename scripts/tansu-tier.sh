#!/usr/bin/env bash
# Real-broker tier: start a tansu broker (Kafka protocol, memory storage) on a free port,
# run the tests of tests/it/tansu.rs against it (they are #[ignore]d by a plain `cargo test`,
# which has no broker: here they run with --ignored), stop it. Needs `tansu` 0.6.0 on PATH:
#   cargo install tansu --version 0.6.0 --locked --features dynostore
# and, for the real-Prometheus check of that tier, Debian's `prometheus` (under CI=true both
# are required; without it here, that one test is skipped by name).
set -euo pipefail
cd "$(dirname "$0")/.."

skip=()
if command -v prometheus >/dev/null 2>&1; then
  PROMETHEUS_BIN=$(command -v prometheus)
  export PROMETHEUS_BIN
elif [ "${CI:-}" = "true" ]; then
  echo "prometheus is not installed, and CI=true requires the real-Prometheus check" >&2
  exit 1
else
  echo "the real-Prometheus check is skipped: prometheus is not installed (apt-get install prometheus)"
  skip=(--skip tansu::prometheus_scraping_the_service_counts_what_was_sent_and_fires_the_dead_letter_alert)
fi

. scripts/lib.sh
trap stop_tansu EXIT
start_tansu
port=$tansu_port log=$tansu_log
echo "tansu $(tansu --version | awk '{print $2}') listening on 127.0.0.1:${port}"

TANSU_BROKERS="127.0.0.1:${port}" cargo test --locked --test it tansu:: -- --ignored "${skip[@]}" --test-threads=1 \
  || { echo "--- tansu log (last 50 lines) ---" >&2; tail -n 50 "$log" >&2; exit 1; }
