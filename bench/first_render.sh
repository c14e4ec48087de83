#!/usr/bin/env bash
# A debug server's first answers after a start: what `cargo leptos watch` waits for after every edit
# besides cargo (the server's start and the first render of the page asked for, which the page
# cache also compresses). Starts target/debug/stembus (built here with `cargo build`) N times on a
# fresh database and prints, per start, the time until /healthz answers and curl's total time for
# the first GET of the article page, /privacy and the front page. 127.0.0.1 only, on a free port;
# every server it started and its temp dir are gone on exit.
# Usage: bench/first_render.sh [starts, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
STARTS="${1:-3}"
ARTICLE=/artikel/deepseek-nvidia-beurswaarde

cargo build --quiet --package stembus-server --bin stembus
work="$(mktemp -d "${TMPDIR:-/tmp}/stembus-first-render.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

echo "start  healthz_ms  article_s  privacy_s  front_s"
for start in $(seq 1 "$STARTS"); do
  port="$(free_port)"
  mkdir -p "$work/$start"
  t0="$(now_ms)"
  STEMBUS_LISTEN_ADDRESS="127.0.0.1:$port" STEMBUS_BASE_URL="http://127.0.0.1:$port" \
    STEMBUS_DATABASE_PATH="$work/$start/stembus.db" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    target/debug/stembus >"$work/$start/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 500); do
    curl -s -m 1 -o /dev/null "http://127.0.0.1:$port/healthz" && break
    sleep 0.01
  done
  up=$(( $(now_ms) - t0 ))
  times=""
  for path in "$ARTICLE" /privacy /; do
    times="$times $(curl -s -m 10 -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$path")"
  done
  printf '%5s %11s %s\n' "$start" "$up" "$times"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
