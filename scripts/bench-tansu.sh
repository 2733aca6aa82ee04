#!/usr/bin/env bash
# The load harness (`traction-screen bench`) against a tansu broker it starts on a free
# port (memory storage) and stops afterwards:
#
#   bash scripts/bench-tansu.sh [BENCH ARGS...]      e.g. --events 100000 --format avro
#
# TRACTION_SCREEN_BIN runs another build of the binary instead of building the release one;
# TANSU_PORT picks the port. The fill producer sends one record per batch
# (batch.num.messages=1): tansu 0.6 skips the rest of a batch when a fetch starts inside it.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
bin=$(release_bin)
trap stop_tansu EXIT
start_tansu
"$bin" bench --brokers "127.0.0.1:${tansu_port}" --fill-config batch.num.messages=1 "$@"
