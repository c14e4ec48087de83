#!/usr/bin/env bash
# The standing as a picture: what one render costs (time and peak memory, crates/picture's
# render_once example), and how many answers a second /api/polls/{id}/standing.png gets from
# memory against the shared article page in the same run, as a ratio.
# Server on core 0, wrk on core 1, loopback only; every run has a fixed duration.
# Usage: bench/standing_picture.sh [seconds per run, default 5] [rounds, default 3]   (about 40 s,
# plus the builds). Needs a release build (made here) and wrk (Debian, installed if missing); the
# browser build in target/site is made only when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_PER_RUN="${1:-5}"
ROUNDS="${2:-3}"
CONNECTIONS=32
ADDR=127.0.0.1:3217
ARTICLE=/artikel/deepseek-nvidia-beurswaarde
PICTURE=/api/polls/deepseek-schade-nvidia/standing.png

say() { printf 'bench: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ "$(nproc)" -lt 2 ]; then
  say "needs two cores (server on one, load on the other); this machine has $(nproc)"
  exit 2
fi
if ! command -v wrk >/dev/null; then
  say "installing wrk from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
if [ ! -f target/site/pkg/stembus.wasm ]; then
  scripts/setup.sh serve >&2
  node scripts/site-build/build.mjs >&2
fi
say "building the release server and the render example"
cargo build --release --package stembus-server --bin stembus --quiet >&2
cargo build --release --package stembus-picture --example render_once --quiet >&2

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say "one render, then 50 more"
render_line=$(taskset -c 0 target/release/examples/render_once "$work/standing.png" 50)

# The shipped content with the poll's standing public, so the picture carries its figures.
mkdir "$work/content"
cp content/*.md "$work/content/"
sed -i '0,/^question = /s//show_results = "always"\nquestion = /' "$work/content/deepseek-nvidia-beurswaarde.md"

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "starting stembus on $ADDR, core 0"
LEPTOS_OUTPUT_NAME=stembus LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=$ADDR STEMBUS_LISTEN_ADDRESS=$ADDR STEMBUS_CONTENT_DIR="$work/content" \
  STEMBUS_BASE_URL="http://$ADDR" STEMBUS_DATABASE_PATH="$work/stembus.db" RUST_LOG=warn \
  taskset -c 0 target/release/stembus >"$work/stembus.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://$ADDR$ARTICLE" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null -H "Content-Type: application/x-www-form-urlencoded" -H "Accept: application/json" \
  --data "poll=deepseek-schade-nvidia&choice=ja" "http://$ADDR/api/stem"
curl -fsS -o "$work/served.png" "http://$ADDR$PICTURE"
if [ "$(head -c 4 "$work/served.png" | od -An -c | tr -d ' ')" != "211PNG" ]; then
  say "the picture's address does not answer a PNG"
  exit 1
fi

# shellcheck source=bench/wrk_rounds.sh
. "$(dirname "$0")/wrk_rounds.sh"

# Alternating rounds, so that other work on the machine falls on both alike; medians below.
declare -A results
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS"
  results[picture]+="$(measure "http://$ADDR$PICTURE")"$'\n'
  results[page]+="$(measure "http://$ADDR$ARTICLE" -H 'Accept-Encoding: br')"$'\n'
done
echo
echo "$render_line"
echo "The picture served: $(awk -v b="$(wc -c <"$work/served.png")" 'BEGIN { printf "%.1f", b / 1024 }') KB PNG."
echo "wrk, 1 thread, $CONNECTIONS connections, $ROUNDS alternating rounds of ${SECONDS_PER_RUN} s per run, medians;"
echo "server on core 0, wrk on core 1, loopback."
echo "load average at the start: $load_at_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %9s %9s\n' "run" "req/s" "p50 ms" "p99 ms"
row "standing.png from memory (identity)" picture
row "article page, shared (brotli)" page
echo "ratio picture / article page:        $(ratio "$(median "${results[picture]}" 1)" "$(median "${results[page]}" 1)")"
