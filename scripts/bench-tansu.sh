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

bin=${TRACTION_SCREEN_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin=target/release/traction-screen
fi
port=${TANSU_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
log=$(mktemp -t tansu.XXXXXX.log)
tansu broker --listener-url "tcp://127.0.0.1:${port}" --advertised-listener-url "tcp://127.0.0.1:${port}" \
  --storage-engine memory://tansu/ >"$log" 2>&1 &
broker=$!
trap 'kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then break; fi
  kill -0 "$broker" 2>/dev/null || { echo "tansu exited at start:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
"$bin" bench --brokers "127.0.0.1:${port}" --fill-config batch.num.messages=1 "$@"
