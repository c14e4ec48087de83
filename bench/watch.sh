#!/usr/bin/env bash
# How fast the developer's loop is in `cargo leptos watch`:
#   - cold start: from `cargo leptos watch` in a fresh clone with a cold target/ until `GET /` is 200;
#   - view edit: a unique marker written as text in the article page's view, before the lead
#     (crates/web, a component only the server renders); time from the file write until the
#     article page shows it;
#   - server edit: a comment line with a unique marker in robots.txt (crates/web/src/discovery.rs);
#     time from the file write until /robots.txt shows it;
#   - island edit: the poll island's kicker element (src/poll/card.rs, the shared crate, built for
#     the browser and the server) gets a marker attribute; time until the article page shows it.
# The goals (issue 31): view and server edits <= 2 s, island edit <= 4 s, cold start <= 150 s.
# Each edit kind is repeated (default 5); prints every sample, then median/min/max per kind, and per
# edit whether cargo-leptos rebuilt the front (WASM), from its log.
# Works on a throwaway clone of HEAD in a temp dir (own CARGO_TARGET_DIR, own SQLite file), never the
# developer's tree; listens on 127.0.0.1 only, on free ports; everything it started and the temp dir
# are removed on exit. The whole run is bounded (BENCH_WATCH_LIMIT, default 30m).
# Usage: bench/watch.sh [--edits N] [--hot-reload]   (a cold debug build first: minutes on 2 cores;
#        --hot-reload runs `cargo leptos watch --hot-reload`, to see whether it helps a view edit)
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"

LIMIT="${BENCH_WATCH_LIMIT:-30m}"
BENCH_NAME=watch.sh
BENCH_HELP_LINES='2,18p'
# shellcheck source=bench/edits.sh
. "$(dirname "$0")/edits.sh"
bounded_run "$LIMIT" "$@"
parse_edits 5 "$@"

COLD_TIMEOUT=1500   # seconds for the cold build and first 200 (inside the whole-run limit)
SAMPLE_TIMEOUT=120  # seconds for one edit to show
ARTICLE=/artikel/deepseek-nvidia-beurswaarde

say() { printf 'watch: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
# The machine's busy CPU time so far in clock ticks (all but idle and iowait), for the cold start's
# CPU-seconds: on an idle machine that is what the two cargo builds cost, whatever the cores.
busy_ticks() { awk 'NR == 1 { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stembus-watch.XXXXXX")"
pgid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$pgid" ] && kill -0 -- "-$pgid" 2>/dev/null; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted or out of time ($LIMIT): stopping"; exit 124' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- the machine, so the figures are read in context ---
linker="default (no .cargo/config.toml)"
if [ -f "$repo/.cargo/config.toml" ]; then
  linker="$(grep -v '^[[:space:]]*#' "$repo/.cargo/config.toml" | grep -E 'linker|fuse-ld|link-arg' | tr -s ' ' | paste -sd ';' -)"
  [ -n "$linker" ] || linker="default (.cargo/config.toml sets none)"
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, linker: $linker"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "toolchain: $(rustc --version), $(cargo leptos --version)${HOT_RELOAD:+, watch $HOT_RELOAD}"

# --- the throwaway copy ---
clone_head "$tmp"
echo "commit: $commit (a clone of HEAD; uncommitted changes are not in it)"

port="$(free_port)"
reload_port="$(free_port)"
while [ "$reload_port" = "$port" ]; do reload_port="$(free_port)"; done
addr="127.0.0.1:$port"
base="http://$addr"
log="$tmp/watch.log"

export CARGO_TARGET_DIR="$tmp/target"
export LEPTOS_SITE_ADDR="$addr"
export LEPTOS_RELOAD_PORT="$reload_port"
export STEMBUS_LISTEN_ADDRESS="$addr"
export STEMBUS_BASE_URL="$base"
export STEMBUS_DATABASE_PATH="$tmp/data/stembus.db"

# --- cold start ---
say "cold start: cargo leptos watch on $addr (reload port $reload_port), log $log"
start="$(now_ms)"
busy_start="$(busy_ticks)"
setsid cargo leptos watch $HOT_RELOAD > "$log" 2>&1 < /dev/null &
pgid=$!
deadline=$(( $(date +%s) + COLD_TIMEOUT ))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/" || true)" = 200 ]; do
  if ! kill -0 "$pgid" 2>/dev/null; then
    say "cargo leptos watch exited before GET / answered 200; the end of its log:"
    tail -n 30 "$log" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "no 200 from GET / within ${COLD_TIMEOUT} s; the end of the log:"
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 0.2
done
cold_ms=$(( $(now_ms) - start ))
cold_cpu=$(( ($(busy_ticks) - busy_start) / $(getconf CLK_TCK) ))
echo "cold start: $(secs "$cold_ms") s, $cold_cpu CPU-seconds on the machine meanwhile ($(nproc) cores)"
sleep 2   # let cargo-leptos settle (it may still be printing) before the first edit

# --- edits ---
declare -a view_ms=() server_ms=() island_ms=()

# One sample: $1 kind, $2 round. Writes the edit, polls until the marker shows, records the time.
sample() {
  local kind="$1" round="$2" marker path t0 t1 ms offset front cargo_lines
  marker="wbench${round}x$RANDOM$RANDOM"
  if [ "$kind" = server ]; then path=/robots.txt; else path="$ARTICLE"; fi
  offset="$(stat -c %s "$log")"
  t0="$(now_ms)"
  write_edit "$kind" "$marker"
  until curl -s --max-time 2 "$base$path" 2>/dev/null | grep -qF "$marker"; do
    if [ $(( $(now_ms) - t0 )) -ge $(( SAMPLE_TIMEOUT * 1000 )) ]; then
      say "$kind edit $round: the marker did not show on $path within ${SAMPLE_TIMEOUT} s; the end of the log:"
      tail -n 30 "$log" >&2
      exit 1
    fi
    if ! kill -0 "$pgid" 2>/dev/null; then
      say "cargo leptos watch exited during $kind edit $round; the end of its log:"
      tail -n 30 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  t1="$(now_ms)"
  ms=$(( t1 - t0 ))
  sleep 1   # late log lines of this round
  cargo_lines="$(tail -c +"$((offset + 1))" "$log" | sed 's/\x1b\[[0-9;]*m//g' | grep -E 'Front|front|Cargo finished|Server|wasm' || true)"
  # cargo-leptos runs the wasm32 cargo build on every .rs change; whether the WASM itself changed
  # shows in its "generating JS/WASM for front" line ("wasm unchanged; reusing previous output").
  if ! printf '%s\n' "$cargo_lines" | grep -q 'wasm32'; then
    front="no front (wasm32) build"
  elif printf '%s\n' "$cargo_lines" | grep -q 'wasm unchanged'; then
    front="front cargo build ran, WASM unchanged (reused)"
  else
    front="front (WASM) rebuilt"
  fi
  echo "$kind edit $round: $(secs "$ms") s  [$front]"
  if [ -n "${BENCH_WATCH_VERBOSE:-}" ]; then printf '    log: %s\n' "$cargo_lines"; fi
  { echo "  $kind edit $round:"; printf '%s\n' "$cargo_lines" | sed 's/^/    /'; } >> "$tmp/edits.log"
  case "$kind" in
    view) view_ms+=("$ms") ;;
    island) island_ms+=("$ms") ;;
    *) server_ms+=("$ms") ;;
  esac
}

summary() {
  local kind="$1"; shift
  printf '%s\n' "$@" | sort -n | awk -v kind="$kind" '
    { v[NR] = $1 }
    END {
      n = NR
      med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "%s edit: median %.1f s (min %.1f, max %.1f) over %d edits\n", kind, med / 1000, v[1] / 1000, v[n] / 1000, n
    }'
}

for round in $(seq 1 "$EDITS"); do
  echo "--- round $round" >> "$tmp/edits.log"
  sample view "$round"
  sample server "$round"
  sample island "$round"
done

echo "cold start: $(secs "$cold_ms") s (goal <= 150 s)"
summary view "${view_ms[@]}"
summary server "${server_ms[@]}"
summary island "${island_ms[@]}"
echo "goals: view and server edits <= 2 s, island edit <= 4 s (medians)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cargo-leptos log lines per edit (Front / Cargo finished / Server):"
cat "$tmp/edits.log"
