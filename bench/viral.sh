#!/usr/bin/env bash
# The viral hour, open loop (issue 32): the capacity R by steps, then 2R for 60 s, with pages and
# votes 10:1 and 10,000 live streams open, on one node on SQLite and on two nodes on PostgreSQL with
# a synchronous standby behind nginx. bench/viral.py does the work and prints the figures; this
# builds what it needs: the release server, the streams' generator (benches/live_load.rs) and the
# open-loop generator (crates/loadgen).
# Usage: bench/viral.sh [overload seconds, default 60] [streams, default 10000] [setup: both
#                       (default, and then the curves go to docs/viral-capacity.svg), sqlite or postgres]
# STEMBUS_NO_BUILD=1 uses the executables already in target/release.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_PER_RUN="${1:-60}"
STREAMS="${2:-10000}"
SETUP="${3:-both}"
say() { printf 'viral: %s %s\n' "$(date -u +%T)" "$*" >&2; }

if [ "$(nproc)" -lt 2 ]; then
  say "needs two cores (servers on one, load on the other); this machine has $(nproc)"
  exit 2
fi
# Every stream and every arriving reader is a descriptor in the generators and one (or two, through
# nginx) on the servers' side.
ulimit -n "$(ulimit -H -n)"
if [ "${STEMBUS_NO_BUILD:-0}" != 1 ]; then
  say "building the release server and the load generators"
  cargo leptos build --release >&2
  cargo build --release --package stembus-loadgen >&2
fi
generator=$(bench/live_load_path.sh)
svg=()
if [ "$SETUP" = both ]; then
  svg=(--svg docs/viral-capacity.svg)
fi
exec python3 bench/viral.py --seconds "$SECONDS_PER_RUN" --streams "$STREAMS" --setup "$SETUP" \
  --generator "$generator" --open-loop target/release/open-loop "${svg[@]}"
