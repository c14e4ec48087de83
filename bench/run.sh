#!/usr/bin/env bash
# Throughput and latency of the article page, as ratios to a bare axum handler and to nginx (Debian,
# one worker) serving the same bytes.
# Server on core 0, load generator on core 1, loopback only; every run has a fixed duration.
# Usage: bench/run.sh [seconds per run, default 5] [rounds, default 3]   (about 1.5 minutes, plus the build)
# Needs a release build (made here), wrk (Debian, installed if missing) and oha (crates.io, installed
# if missing: a few minutes once; without it the fixed-rate run is skipped with a message).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_PER_RUN="${1:-5}"
ROUNDS="${2:-3}"
CONNECTIONS=32
STEMBUS_ADDR=127.0.0.1:3207
RAW_ADDR=127.0.0.1:3208
NGINX_ADDR=127.0.0.1:3210
ARTICLE=/artikel/deepseek-nvidia-beurswaarde
# A reader who voted (the run casts the vote first): every later page view of theirs shows their own
# answer, so it is a voter's page, not the shared one.
VOTER_COOKIE="stembus_kiezer=0123456789abcdef0123456789abcdef"

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
if ! command -v oha >/dev/null; then
  say "installing oha from crates.io (a few minutes, once)"
  cargo install oha --locked --quiet || say "oha did not install: the fixed-rate run will be skipped"
fi

scripts/setup.sh serve >&2
say "building the release site and the raw handler"
node scripts/site-build/build.mjs >&2
cargo build --release --package stembus-server --example raw_page --quiet >&2

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  say "no answer from $1"
  exit 1
}

say "starting stembus on $STEMBUS_ADDR and the raw handler on $RAW_ADDR, both on core 0"
LEPTOS_OUTPUT_NAME=stembus LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=$STEMBUS_ADDR STEMBUS_LISTEN_ADDRESS=$STEMBUS_ADDR \
  STEMBUS_BASE_URL="http://$STEMBUS_ADDR" STEMBUS_DATABASE_PATH="$work/stembus.db" RUST_LOG=warn \
  taskset -c 0 target/release/stembus >"$work/stembus.log" 2>&1 &
pids+=($!)
wait_for "http://$STEMBUS_ADDR$ARTICLE"

# The raw handler serves exactly the bytes stembus sends for the page.
curl -fsS -o "$work/page.html" "http://$STEMBUS_ADDR$ARTICLE"
curl -fsS -H 'Accept-Encoding: br' -o "$work/page.html.br" "http://$STEMBUS_ADDR$ARTICLE"
curl -fsS -o /dev/null -H "Cookie: $VOTER_COOKIE" -H "Content-Type: application/x-www-form-urlencoded" \
  -H "Accept: application/json" --data "poll=deepseek-schade-nvidia&choice=ja" "http://$STEMBUS_ADDR/api/stem"
curl -fsS -H "Cookie: $VOTER_COOKIE" -o "$work/voter.html" "http://$STEMBUS_ADDR$ARTICLE"
if ! grep -q "Uw stem: <strong>Ja</strong>" "$work/voter.html"; then
  say "the voter's page does not show their vote"
  exit 1
fi
# nginx, one worker on core 0, serves the identity page from a file the kernel keeps in memory, with
# its open-file cache and no access log: the fastest a static server here sends those bytes.
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$nginx_bin" ]; then
  say "installing nginx from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light
  as_root sh -c 'systemctl stop nginx 2>/dev/null || service nginx stop 2>/dev/null || true'
  nginx_bin=/usr/sbin/nginx
fi
mkdir -p "$work/nginx"
# nginx's worker runs as an unprivileged user when started by root: it must be able to read the page.
chmod a+rx "$work"
chmod a+r "$work/page.html"
cat >"$work/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
worker_cpu_affinity 01;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen $NGINX_ADDR;
    location = $ARTICLE { default_type text/html; alias $work/page.html; }
  }
}
NGINX
taskset -c 0 "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx.log" 2>&1 &
pids+=($!)
wait_for "http://$NGINX_ADDR$ARTICLE"

# An idle server takes no CPU, so all can wait on core 0 and each run has the core to itself.
taskset -c 0 target/release/examples/raw_page "$RAW_ADDR" "$work/page.html" "$work/page.html.br" >"$work/raw.log" 2>&1 &
pids+=($!)
wait_for "http://$RAW_ADDR$ARTICLE"

# shellcheck source=bench/wrk_rounds.sh
. "$(dirname "$0")/wrk_rounds.sh"

# Rounds that alternate the six runs, so that other work on the machine falls on all of them alike;
# each figure below is the median over the rounds.
declare -A results
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS"
  results[shared]+="$(measure "http://$STEMBUS_ADDR$ARTICLE" -H 'Accept-Encoding: br')"$'\n'
  results[raw_br]+="$(measure "http://$RAW_ADDR$ARTICLE" -H 'Accept-Encoding: br')"$'\n'
  results[render]+="$(measure "http://$STEMBUS_ADDR$ARTICLE" -H "Cookie: $VOTER_COOKIE")"$'\n'
  results[raw_id]+="$(measure "http://$RAW_ADDR$ARTICLE")"$'\n'
  results[shared_id]+="$(measure "http://$STEMBUS_ADDR$ARTICLE")"$'\n'
  results[nginx_id]+="$(measure "http://$NGINX_ADDR$ARTICLE")"$'\n'
done
shared_rps=$(median "${results[shared]}" 1)

fixed_line="fixed rate: skipped (oha is not installed)"
if command -v oha >/dev/null; then
  rate=$((shared_rps / 2))
  say "stembus, shared page at a fixed $rate requests/s (oha, latency-corrected)"
  taskset -c 1 oha -z "${SECONDS_PER_RUN}s" -q "$rate" --latency-correction --no-tui -c $CONNECTIONS \
    -H 'Accept-Encoding: br' --output-format json "http://$STEMBUS_ADDR$ARTICLE" >"$work/oha.json"
  fixed_line=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const p = r.latencyPercentiles, ms = (s) => (s * 1000).toFixed(2);
    const codes = Object.entries(r.statusCodeDistribution).map(([c, n]) => `${c}: ${n}`).join(", ");
    console.log(`stembus, shared page at a fixed ${process.argv[2]} req/s (half its median maximum; oha, latency-corrected): p50 ${ms(p.p50)} ms, p99 ${ms(p.p99)} ms, achieved ${r.summary.requestsPerSec.toFixed(0)} req/s (${codes})`);
  ' "$work/oha.json" "$rate")
fi

page_kb() { awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f", b / 1024 }'; }
echo
echo "Article page $ARTICLE: $(page_kb "$work/page.html") KB html, $(page_kb "$work/page.html.br") KB brotli."
echo "wrk, 1 thread, $CONNECTIONS connections, $ROUNDS alternating rounds of ${SECONDS_PER_RUN} s per run, medians;"
echo "server on core 0, wrk on core 1, loopback."
# Other work on the machine shares these two cores: its load is printed so a noisy run shows as one.
echo "load average at the start: $load_at_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %9s %9s\n' "run" "req/s" "p50 ms" "p99 ms"
row "stembus, shared page (brotli)" shared
row "raw axum, same bytes (brotli)" raw_br
row "stembus, a voter's page (identity)" render
row "raw axum, same bytes (identity)" raw_id
row "stembus, shared page (identity)" shared_id
row "nginx, same bytes from memory (identity)" nginx_id
echo "ratio shared page / raw:             $(ratio "$shared_rps" "$(median "${results[raw_br]}" 1)")"
echo "ratio voter's page / raw:              $(ratio "$(median "${results[render]}" 1)" "$(median "${results[raw_id]}" 1)")"
echo "ratio shared page / nginx (identity): $(ratio "$(median "${results[shared_id]}" 1)" "$(median "${results[nginx_id]}" 1)")"
echo "ratio raw axum / nginx (identity):    $(ratio "$(median "${results[raw_id]}" 1)" "$(median "${results[nginx_id]}" 1)")"
echo "$fixed_line"
