#!/usr/bin/env bash
# The viral hour (issue 21): pages, votes and live streams at once for 60 s, on one node on SQLite
# and on two nodes on PostgreSQL with a synchronous standby behind nginx, the page and vote rates at
# 80 % of what each path reaches alone in the same run. bench/viral.py does the work and prints the
# figures; this builds what it needs and installs oha when it is missing.
# Usage: bench/viral.sh [seconds, default 60] [streams, default 10000] [setup: both (default),
#                       sqlite or postgres]
# STEMBUS_NO_BUILD=1 uses the server and generator executables already in target/release.
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
if ! command -v oha >/dev/null; then
  say "installing oha from crates.io (a few minutes, once)"
  cargo install oha --locked --quiet
fi
# Every stream is a descriptor in the generator and one (or two, through nginx) on the servers' side.
ulimit -n "$(ulimit -H -n)"
if [ "${STEMBUS_NO_BUILD:-0}" != 1 ]; then
  say "building the release server and the load generator"
  cargo leptos build --release >&2
fi
generator=$(bench/live_load_path.sh)
exec python3 bench/viral.py --seconds "$SECONDS_PER_RUN" --streams "$STREAMS" --setup "$SETUP" \
  --generator "$generator"
