#!/usr/bin/env bash
# Live results at the limit of one node: opens as many live-result streams as the node says it
# holds (its `live_streams_max`, derived from the limit on open files unless set) with the load
# generator benches/live_load.rs, a process of its own on several loopback source addresses, then
# casts tracer votes and times how long each takes to show on every stream. Prints the streams
# open, the memory per open stream (the server's resident size with them minus without, divided by
# their number), the time to open them all, and p50/p99 of a vote reaching the streams, beside the
# anchors of docs/performance.md. Prints figures, asserts nothing about time.
# Server on core 0, generator on core 1, loopback only, bounded in time; stops what it started.
# Usage: bench/live.sh [streams, default: the node's maximum] [seconds held, default 20]
#                      [tracer votes, default 10]
# STEMBUS_NO_BUILD=1 uses the server and generator executables already in target/release.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

STREAMS="${1:-max}"
HOLD="${2:-20}"
TRACERS="${3:-10}"
ADDR=127.0.0.1:3219
SOURCES=4

say() { printf 'live: %s %s\n' "$(date -u +%T)" "$*" >&2; }

if [ "$(nproc)" -lt 2 ]; then
  say "needs two cores (server on one, generator on the other); this machine has $(nproc)"
  exit 2
fi
# The server and the generator each hold one descriptor per stream.
ulimit -n "$(ulimit -H -n)"

if [ "${STEMBUS_NO_BUILD:-0}" != 1 ]; then
  say "building the release server"
  cargo leptos build --release >&2
fi
if [ "${STEMBUS_NO_BUILD:-0}" != 1 ]; then say "building the load generator"; fi
generator=$(bench/live_load_path.sh)

mkdir -p target
work=$(mktemp -d "$PWD/target/live-bench.XXXXXX")
# Private copies, so a rebuild during the run cannot swap a binary under it.
cp target/release/stembus "$work/stembus"
cp "$generator" "$work/live_load"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The tracer votes all come from 127.0.0.1: the per-address limit is lifted for them.
env STEMBUS_DATABASE_PATH="$work/live.db" STEMBUS_LISTEN_ADDRESS="$ADDR" \
  STEMBUS_BASE_URL="http://$ADDR" LEPTOS_SITE_ROOT=target/site RUST_LOG=info \
  STEMBUS_VOTE_BURST=1000000 STEMBUS_VOTES_PER_MINUTE=1000000 \
  taskset -c 0 "$work/stembus" >>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://$ADDR/robots.txt" 2>/dev/null && break
  sleep 0.1
done
if ! curl -fsS -o /dev/null "http://$ADDR/robots.txt"; then
  say "the server did not answer; its log:"
  cat "$work/server.log" >&2
  exit 1
fi
started_line=$(grep -m1 "live streams:" "$work/server.log" | sed 's/.*live streams:/live streams:/' || true)
say "the server says: ${started_line:-nothing about live streams}"
node_max=$(curl -fsS "http://$ADDR/metrics" | awk '$1 == "stembus_live_streams_max" {print $2}')
if [ "$STREAMS" = max ]; then STREAMS="$node_max"; fi

# What a reader does before the streams: the page, a vote, one stream, so that the resident size
# "without streams" already holds what the first request of each kind sets up.
curl -fsS -o /dev/null "http://$ADDR/artikel/deepseek-nvidia-beurswaarde"
# The poll shows its standing to readers who voted: the streams carry this first voter's cookie.
cookie=$(curl -fsS -o /dev/null -D - -H "Accept: application/json" -d "poll=deepseek-schade-nvidia&choice=nee" \
  "http://$ADDR/api/stem" | sed -n 's/^[Ss]et-[Cc]ookie: \(stembus_kiezer=[^;]*\).*/\1/p' | tr -d '\r')
if [ -z "$cookie" ]; then
  say "the first vote got no voter cookie"
  exit 1
fi
curl -sS -o /dev/null -m 2 -H "Cookie: $cookie" "http://$ADDR/api/polls/deepseek-schade-nvidia/live" || true
sleep 2

say "opening $STREAMS streams (node maximum $node_max), holding them ${HOLD} s with $TRACERS tracer votes"
figures=$(timeout $((HOLD + 120)) taskset -c 1 "$work/live_load" --server "$ADDR" \
  --poll deepseek-schade-nvidia --streams "$STREAMS" --sources "$SOURCES" --hold "$HOLD" \
  --tracers "$TRACERS" --rss-pid "$server_pid" --open-within 60 --cookie "$cookie")
echo "$figures" >"$work/figures.json"

python3 - "$work/figures.json" "$node_max" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
node_max = sys.argv[2]
def ms(v):
    return "n/a" if v is None else f"{v:,.0f} ms"
print(f"live streams on one node (its maximum: {node_max})")
print(f"  streams open           {f['streams_open']:>8} of {f['streams_requested']} "
      f"(refused {f['streams_refused']}, failed {f['streams_failed']}; statuses: {f['refusals'] or 'none'})")
print(f"  all open after         {f['open_all_seconds']:>8.1f} s (p99 of one stream: {ms(f['open_p99_ms'])})")
kb = f["kb_per_stream"]
print(f"  memory per stream      {('n/a' if kb is None else f'{kb:.1f} KB'):>8} "
      f"(resident {f['rss_kb_before']} KB without, {f['rss_kb_after']} KB with)")
print(f"  a vote reaching them   p50 {ms(f['reach_p50_ms'])}, p99 {ms(f['reach_p99_ms'])} "
      f"({f['tracers']} tracer votes, {f['reached_share']:.2%} of stream × vote pairs reached)")
print("  anchors: Centrifugo advises 50-100k clients per node at 30-50 KB each; Phoenix held 2 M "
      "WebSockets on 128 GB (about 42 KB each)")
EOF
if grep -q -i "panicked\|error" "$work/server.log"; then
  say "the server logged errors:"
  grep -i "panicked\|error" "$work/server.log" | head -n 20 >&2
fi
