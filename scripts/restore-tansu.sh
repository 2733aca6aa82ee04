#!/usr/bin/env bash
# Restore speed of one partition's history from its changelog on a real Kafka-protocol
# broker (tansu, memory storage), all on this machine:
#
#   bash scripts/restore-tansu.sh [PATIENTS] [CLAIMS]      (defaults: 200000, 5)
#
# Starts tansu on a free port, creates a one-partition changelog topic, and runs
# examples/history_restore.rs (release build): it writes one changelog record per patient
# (as compaction leaves them), then restores the partition three times with the service's
# own restore and prints the median in patients per second.
set -euo pipefail
cd "$(dirname "$0")/.."
patients=${1:-200000}
claims=${2:-5}
cargo build --release --locked --quiet --example history_restore
. scripts/lib.sh
trap stop_tansu EXIT
start_tansu
port=$tansu_port
tansu topic create --broker "tcp://127.0.0.1:${port}" --partitions 1 restore-bench >/dev/null
target/release/examples/history_restore "127.0.0.1:${port}" restore-bench "$patients" "$claims"
