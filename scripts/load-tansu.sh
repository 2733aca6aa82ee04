#!/usr/bin/env bash
# End-to-end load harness: throughput and latency of the real service against a real
# Kafka-protocol broker process (tansu, memory storage), all on this machine.
#
#   bash scripts/load-tansu.sh [EVENTS] [PARTITIONS]      (defaults: 100000, 6)
#
# TRACTION_SCREEN_BIN runs another build of the binary instead of building the release one.
# RUNS=N (default 1) measures N times; MODES="history no-history" (default "history")
# measures, in each run, the service with its per-partition history (changelog written) and
# with --no-history, on the same broker and backlog: each measurement is a fresh consumer
# group (and a fresh changelog topic) reading the backlog from its start. The last lines
# give each mode's median events/s.
#
# Produces EVENTS synthetic encounters (single-object Avro) first, then starts
# `traction-screen run` on the backlog and reports, from its own /metrics: events/s from
# the first acknowledged outcome to the last, and mean consume → acknowledged latency; and,
# from /proc, the service's peak resident memory and the CPU time it used.
# Input is produced one record per batch because of a tansu bug (a fetch from an offset
# inside a batch skips the rest of it), which makes producing slow; only screening is timed.
# The broker, the service and the producer share the machine: on a 2-core box the numbers
# are a floor, not the service's ceiling.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-100000}
partitions=${2:-6}

. scripts/lib.sh
bin=$(release_bin)
service=""
trap 'kill $service 2>/dev/null || true; stop_tansu' EXIT
start_tansu
port=$tansu_port
for topic in encounters screening-outcomes encounters-dlq; do
  tansu topic create --broker "tcp://127.0.0.1:${port}" --partitions "$partitions" "$topic" >/dev/null
done

echo "producing ${events} encounters to ${partitions} partitions ..."
"$bin" generate --brokers "127.0.0.1:${port}" --count "$events" --format avro-single-object --seed 5 \
  --kafka-config batch.num.messages=1 2>&1 | sed -n 1p

metric() { curl -s "http://127.0.0.1:${admin}/metrics" | awk -v name="$1" '$1 ~ "^"name {s += $2} END {print s + 0}'; }

# measure NAME FLAGS...: screens the backlog with a fresh group; prints one line, and
# appends events/s to the file of mode NAME.
measure() {
  local name=$1; shift
  admin=$(free_port)
  "$bin" run --brokers "127.0.0.1:${port}" --admin-addr "127.0.0.1:${admin}" --log-format json \
    --kafka-config consumer.session.timeout.ms=6000 "$@" 2>/dev/null &
  service=$!
  local first="" now done_count
  while :; do
    done_count=$(( $(metric traction_screen_outcomes_total) + $(metric traction_screen_dead_letters_total) ))
    now=$(date +%s.%N)
    if [ -z "$first" ] && [ "$done_count" -gt 0 ]; then first=$now; fi
    [ "$done_count" -ge "$events" ] && break
    sleep 0.1
  done
  local seconds rate latency screen peak cpu
  seconds=$(echo "$now - $first" | bc -l)
  rate=$(echo "$events / $seconds" | bc -l)
  latency=$(echo "$(metric traction_screen_processing_seconds_sum) / $(metric traction_screen_processing_seconds_count) * 1000" | bc -l)
  screen=$(echo "$(metric traction_screen_screen_seconds_sum) / $(metric traction_screen_screen_seconds_count) * 1000000" | bc -l)
  peak=$(awk '/^VmHWM:/ {print $2 / 1024}' "/proc/${service}/status")
  cpu=$(awk -v tick="$(getconf CLK_TCK)" '{print ($14 + $15) / tick}' "/proc/${service}/stat")
  printf '%s: screened %d events in %.2f s: %.0f events/s; mean consume -> acknowledged %.1f ms; mean rule evaluation %.2f µs; peak resident memory %.0f MiB, CPU time %.1f s\n' \
    "$name" "$events" "$seconds" "$rate" "$latency" "$screen" "$peak" "$cpu"
  echo "$rate" >>"$results/$name"
  kill "$service"; wait "$service" 2>/dev/null || true
  service=""
}

results=$(mktemp -d)
for run in $(seq 1 "${RUNS:-1}"); do
  for mode in ${MODES:-history}; do
    case $mode in
      history) measure history --group-id "load-history-$run" --history-topic "load-history-$run" ;;
      no-history) measure no-history --group-id "load-plain-$run" --no-history ;;
      *) echo "unknown mode $mode" >&2; exit 2 ;;
    esac
  done
done
for mode in ${MODES:-history}; do
  printf '%s: median %.0f events/s over %d runs\n' "$mode" \
    "$(sort -g "$results/$mode" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')" \
    "$(wc -l <"$results/$mode")"
done
