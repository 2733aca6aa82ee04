# Shared by the scripts that measure a build or start a tansu broker: `. scripts/lib.sh`
# (from the repository's top directory). Functions only; sourcing it starts nothing.

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The binary to run: TRACTION_SCREEN_BIN, or the release build (built first).
release_bin() {
  if [ -n "${TRACTION_SCREEN_BIN:-}" ]; then
    echo "$TRACTION_SCREEN_BIN"
    return
  fi
  cargo build --release --locked --quiet
  echo target/release/traction-screen
}

# Starts tansu (memory storage) on TANSU_PORT or a free port and waits until it accepts
# connections. Sets tansu_port, tansu_pid and tansu_log (its output). Returns non-zero, the
# log on stderr, when it exits or does not listen within 10 s. Stop it with stop_tansu
# (e.g. `trap stop_tansu EXIT` before starting it).
start_tansu() {
  tansu_port=${TANSU_PORT:-$(free_port)}
  tansu_log=$(mktemp -t tansu.XXXXXX.log)
  tansu broker \
    --listener-url "tcp://127.0.0.1:${tansu_port}" \
    --advertised-listener-url "tcp://127.0.0.1:${tansu_port}" \
    --storage-engine memory://tansu/ >"$tansu_log" 2>&1 &
  tansu_pid=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/${tansu_port}") 2>/dev/null; then return 0; fi
    if ! kill -0 "$tansu_pid" 2>/dev/null; then
      echo "tansu exited at start:" >&2; cat "$tansu_log" >&2; return 1
    fi
    sleep 0.1
  done
  echo "tansu did not listen on 127.0.0.1:${tansu_port} within 10 s" >&2; cat "$tansu_log" >&2
  return 1
}

stop_tansu() {
  if [ -n "${tansu_pid:-}" ]; then
    kill "$tansu_pid" 2>/dev/null || true
    wait "$tansu_pid" 2>/dev/null || true
  fi
}
