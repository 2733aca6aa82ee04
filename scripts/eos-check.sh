#!/usr/bin/env bash
# Exactly-once under crashes, against a real Kafka cluster (transactions are needed: Apache
# Kafka, e.g. the compose stack's; not tansu 0.6, which has no EndTxn, nor the mock cluster,
# which does not hide aborted records):
#
#   bash scripts/eos-check.sh BROKERS [EVENTS] [KILLS]        (defaults: 20000, 3)
#
# Produces EVENTS synthetic encounters (JSON) to a fresh input topic, runs
# `traction-screen run --delivery exactly-once --output-format json` on them, SIGKILLs it
# KILLS times at random moments and restarts it (same transactional id, as a restarted pod
# would), lets the last instance finish, then reads the outcome topic with
# isolation.level=read_committed and asserts one outcome per event: no duplicate, none
# missing. The topics and group are new on every run (names start with eos-check-); the
# broker must auto-create topics, or create them beforehand with the names printed.
# TRACTION_SCREEN_BIN runs another build of the binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
brokers=${1:?usage: eos-check.sh BROKERS [EVENTS] [KILLS]}
events=${2:-20000}
kills=${3:-3}

. scripts/lib.sh
bin=$(release_bin)
cargo build --release --locked --quiet --example read_committed
reader=target/release/examples/read_committed

run=eos-check-$(date +%s)
input=$run-encounters output=$run-outcomes dlq=$run-dlq group=$run
echo "topics $input -> $output ($dlq), group $group"
"$bin" generate --brokers "$brokers" --topic "$input" --count "$events" --format json --seed 9

service=""
trap 'kill -9 $service 2>/dev/null || true' EXIT
start() {
  "$bin" run --brokers "$brokers" --group-id "$group" --input-topic "$input" \
    --output-topic "$output" --dlq-topic "$dlq" --output-format json \
    --delivery exactly-once --transactional-id "$group-0" --admin-addr 127.0.0.1:0 \
    --log-format json --commit-interval-ms 500 2>>"/tmp/$run.log" &
  service=$!
}
for kill in $(seq 1 "$kills"); do
  start
  sleep $((3 + RANDOM % 6))
  echo "SIGKILL $kill of $kills (pid $service)"
  kill -9 "$service"
  wait "$service" 2>/dev/null || true
done
start
echo "last instance (pid $service): waiting for it to screen the rest"
# The reader exits non-zero while outcomes are still missing (it reads until 10 s of quiet).
for attempt in $(seq 1 30); do
  if "$reader" "$brokers" "$output" "$events" >/dev/null; then break; fi
  kill -0 "$service" || { echo "the service exited; see /tmp/$run.log" >&2; exit 1; }
done
kill -TERM "$service"
wait "$service"
service=""
echo "service stopped cleanly; its log: /tmp/$run.log"
"$reader" "$brokers" "$output" "$events"
