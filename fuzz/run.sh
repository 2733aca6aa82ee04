#!/usr/bin/env bash
# Runs one fuzz target with the flags RELIABILITY.md records, on the stable toolchain.
#
#   cargo install cargo-fuzz                 # once
#   bash fuzz/run.sh TARGET [SECONDS [LIBFUZZER_FLAG...]]   # default 600 s; targets: `cargo fuzz list`
#
# Extra flags go to libFuzzer after ours and win (e.g. -timeout=30 on a loaded machine:
# the timeout is wall-clock time).
#
# RUSTC_BOOTSTRAP=1 lets stable rustc take the nightly flags cargo-fuzz passes
# (-Zsanitizer=address, sancov). The targets fuzz traction-screen-core only, so no
# librdkafka is built here.
# New inputs go to fuzz/corpus/TARGET (not committed), crashes to fuzz/artifacts/TARGET;
# the committed seeds in fuzz/seeds/TARGET are read, never written.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: bash fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
shift $(($# < 2 ? $# : 2))
# One malloc over the limit is a finding: messages are at most 1 MiB, so 256 MiB is far
# past anything a decoder should ask for; a container block is at most 64 MiB as stored
# and again decompressed, so 80 MiB is past any one buffer of the reader.
case $target in
  container*) max_len=32768 malloc_mb=80 ;;
  *) max_len=8192 malloc_mb=256 ;;
esac
mkdir -p "corpus/$target"
export RUSTC_BOOTSTRAP=1
exec nice -n 19 cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
  -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
  -rss_limit_mb=2048 -malloc_limit_mb="$malloc_mb" -print_final_stats=1 "$@"
