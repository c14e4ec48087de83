#!/usr/bin/env bash
# Vote throughput end to end (HTTP, server function, writer thread, SQLite with synchronous=FULL) as a
# share of bare rusqlite loops on the same disk with the same schema and pragmas: (a) one vote per
# transaction, (b) the average group the server's writer achieved. Then p50/p99 vote latency at a
# fixed request rate: 80 % of the maximum measured in the same run, as bench/run.sh takes its fixed
# rate from its own maximum. Prints figures, asserts nothing about time.
# Server and raw loops on core 0, load generator on core 1, loopback only; every run is bounded.
# With engine `postgres` the server writes to a fresh database in a throwaway PostgreSQL cluster
# (scripts/with-postgres.sh, synchronous_commit = on) and the yardstick is a bare tokio-postgres
# loop (benches/raw_postgres.rs); the writer's group size is ballots per committed batch.
# Usage: bench/votes.sh [seconds per run, default 10] [fixed rate in votes/s, default: 80 % of the
#                       measured maximum] [engine: sqlite (default) or postgres]
# STEMBUS_NO_BUILD=1 uses the server and raw-loop executables already in target/release.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_PER_RUN="${1:-10}"
RATE="${2:-auto}"
ENGINE="${3:-sqlite}"
case "$ENGINE" in sqlite | postgres) ;; *) echo "votes: engine must be sqlite or postgres" >&2; exit 2 ;; esac
if [ "$ENGINE" = postgres ] && [ -z "${STEMBUS_TEST_DATABASE_URL:-}" ]; then
  exec scripts/with-postgres.sh "$0" "$SECONDS_PER_RUN" "$RATE" "$ENGINE"
fi
CONNECTIONS=32
ADDR=127.0.0.1:3217
VOTE_URL="http://$ADDR/api/stem"
BODY="poll=deepseek-schade-nvidia&choice=ja"

say() { printf 'votes: %s %s\n' "$(date -u +%T)" "$*" >&2; }

if [ "$(nproc)" -lt 2 ]; then
  say "needs two cores (server on one, load on the other); this machine has $(nproc)"
  exit 2
fi
if ! command -v oha >/dev/null; then
  say "installing oha from crates.io (a few minutes, once)"
  cargo install oha --locked --quiet
fi
if ! command -v strace >/dev/null; then
  say "installing strace from Debian (counts the writer's fsyncs)"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo=sudo; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace
fi

if [ "${STEMBUS_NO_BUILD:-0}" != 1 ]; then
  say "building the release server"
  cargo leptos build --release >&2
fi
raw_name="raw_$ENGINE"
if [ "${STEMBUS_NO_BUILD:-0}" = 1 ]; then
  raw_bin=$(ls -t target/release/deps/"$raw_name"-* 2>/dev/null | grep -v '\.d$' | head -n 1 || true)
else
  say "building the raw $ENGINE loops"
  # The executable's path, so the measurement itself never waits on cargo's build lock.
  raw_bin=$(cargo bench --features ssr --bench "$raw_name" --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$raw_name")
fi
if [ ! -x "${raw_bin:-}" ]; then
  say "no raw loop executable: cargo bench --features ssr --bench $raw_name --no-run"
  exit 1
fi

# Under target/, on the same file system as the server's database by construction.
mkdir -p target
work=$(mktemp -d "$PWD/target/votes-bench.XXXXXX")
# A private copy, so a rebuild during the run cannot swap the binary under the server.
cp target/release/stembus "$work/stembus"
server_pid=""
node_pids=()
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The database the server writes to: a file, or a fresh PostgreSQL database per start.
database_env=""
pg_url=""
fresh_database() {
  if [ "$ENGINE" = sqlite ]; then
    rm -f "$work"/votes.db*
    database_env="STEMBUS_DATABASE_PATH=$work/votes.db"
  else
    local name
    name="bench_$(date +%s%N)"
    psql -X -q -d "$STEMBUS_TEST_DATABASE_URL" -c "CREATE DATABASE $name"
    pg_url="${STEMBUS_TEST_DATABASE_URL%/*}/$name"
    database_env="STEMBUS_DATABASE_URL=$pg_url"
  fi
}

# Starts the server on a fresh database, pinned to core 0; $1 is a command prefix (e.g. strace).
start_server() {
  fresh_database
  # Every request comes from 127.0.0.1: lift the per-address vote limit for the benchmark.
  env "$database_env" STEMBUS_LISTEN_ADDRESS="$ADDR" \
    STEMBUS_BASE_URL="http://$ADDR" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    STEMBUS_VOTE_BURST=1000000 STEMBUS_VOTES_PER_MINUTE=1000000 \
    taskset -c 0 $1 "$work/stembus" >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://$ADDR/robots.txt" 2>/dev/null && return 0
    sleep 0.1
  done
  say "the server did not answer; its log:"
  cat "$work/server.log" >&2
  exit 1
}

# SIGTERM to the server itself (under strace that is strace's child; strace then exits with it).
stop_server() {
  local target
  target=$(pgrep -P "$server_pid" -x stembus || echo "$server_pid")
  kill -TERM "$target"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# No cookie: every request is a new reader, so every 200 is a vote stored.
load() {
  timeout $((SECONDS_PER_RUN + 60)) taskset -c 1 oha --no-tui --output-format json -m POST \
    -H "Content-Type: application/x-www-form-urlencoded" -H "Accept: application/json" \
    -d "$BODY" "$@" "$VOTE_URL"
}

ballots() {
  if [ "$ENGINE" = sqlite ]; then
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM ballot").fetchone()[0])' "$work/votes.db"
  else
    psql -X -At -d "$pg_url" -c "SELECT COUNT(*) FROM ballot"
  fi
}

# Other work on the machine shares these two cores: its load is printed so a noisy run shows as one.
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "1/4 HTTP throughput on $ENGINE: $CONNECTIONS connections, ${SECONDS_PER_RUN} s"
start_server ""
load -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" >"$work/throughput.json"
stop_server
http_stored=$(ballots)

if [ "$ENGINE" = sqlite ]; then
  say "2/4 group size the writer achieves under the same load (fsyncs counted with strace, 5 s)"
  start_server "strace -f -c -o $work/strace.txt -e trace=fsync,fdatasync"
  load -z 5s -c "$CONNECTIONS" >"$work/grouping.json"
  stop_server
  group_stored=$(ballots)
  group=$(python3 - "$work/strace.txt" "$group_stored" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
syncs = sum(int(m.group(1)) for m in re.finditer(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?f(?:data)?sync$", text, re.M))
# Each commit syncs the WAL once; checkpoints add a few more, so this slightly underestimates.
print(max(1, round(int(sys.argv[2]) / max(1, syncs))), syncs)
EOF
  )
  read -r group syncs <<<"$group"
  raw_target="$work"
else
  say "2/4 group size the writer achieved in that run: ballots per committed batch (vote_batch rows)"
  group_stored=$http_stored
  syncs=$(psql -X -At -d "$pg_url" -c "SELECT COUNT(*) FROM vote_batch")
  group=$(( (group_stored + syncs / 2) / (syncs > 0 ? syncs : 1) ))
  [ "$group" -ge 1 ] || group=1
  raw_target="$STEMBUS_TEST_DATABASE_URL"
fi

say "3/4 raw $ENGINE loops, ${SECONDS_PER_RUN} s each"
raw=$(taskset -c 0 "$raw_bin" "$raw_target" "$SECONDS_PER_RUN" "$group")

if [ "$RATE" = auto ]; then
  RATE=$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(max(1, int(0.8 * int(r.get("statusCodeDistribution", {}).get("200", 0)) / r["summary"]["total"])))' "$work/throughput.json")
fi
say "4/4 latency at a fixed rate of $RATE votes/s, ${SECONDS_PER_RUN} s, corrected for coordinated omission"
start_server ""
load -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" -q "$RATE" --latency-correction >"$work/latency.json"
stop_server

two_nodes="-"
if [ "$ENGINE" = postgres ]; then
  say "5/5 two nodes on one database, both on core 0, half the connections each, ${SECONDS_PER_RUN} s"
  fresh_database
  for node_addr in 127.0.0.1:3218 127.0.0.1:3219; do
    env "$database_env" STEMBUS_LISTEN_ADDRESS="$node_addr" STEMBUS_BASE_URL="http://$node_addr" \
      LEPTOS_SITE_ROOT=target/site RUST_LOG=warn STEMBUS_VOTE_BURST=1000000 \
      STEMBUS_VOTES_PER_MINUTE=1000000 taskset -c 0 "$work/stembus" >>"$work/server.log" 2>&1 &
    node_pids+=($!)
  done
  for node_addr in 127.0.0.1:3218 127.0.0.1:3219; do
    for _ in $(seq 1 100); do
      curl -fsS -o /dev/null "http://$node_addr/robots.txt" 2>/dev/null && break
      sleep 0.1
    done
  done
  load_pids=()
  for node in 0 1; do
    timeout $((SECONDS_PER_RUN + 60)) taskset -c 1 oha --no-tui --output-format json -m POST \
      -H "Content-Type: application/x-www-form-urlencoded" -H "Accept: application/json" \
      -d "$BODY" -z "${SECONDS_PER_RUN}s" -c $((CONNECTIONS / 2)) \
      "http://127.0.0.1:321$((8 + node))/api/stem" >"$work/node$node.json" &
    load_pids+=($!)
  done
  wait "${load_pids[@]}"
  kill -TERM "${node_pids[@]}" 2>/dev/null || true
  wait "${node_pids[@]}" 2>/dev/null || true
  node_pids=()
  two_nodes=$(python3 -c 'import json,sys
total = 0.0
for name in sys.argv[1:]:
    report = json.load(open(name))
    total += int(report.get("statusCodeDistribution", {}).get("200", 0)) / report["summary"]["total"]
print(f"{total:.0f}")' "$work/node0.json" "$work/node1.json")
fi

load="$load_at_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$http_stored" "$group_stored" "$syncs" "$group" "$RATE" "$CONNECTIONS" "$raw" "$ENGINE" "$two_nodes" "$load" <<'EOF'
import json, re, sys
work, http_stored, group_stored, syncs, group, rate, connections, raw, engine, two_nodes, load = sys.argv[1:]
print(f"engine: {engine}")
print(f"load average at the start: {load}")
def oha(name):
    return json.load(open(f"{work}/{name}.json"))
def acked(report):
    return int(report.get("statusCodeDistribution", {}).get("200", 0))
throughput = oha("throughput")
seconds = throughput["summary"]["total"]
http = acked(throughput) / seconds
raw_one = float(re.search(r"one-per-transaction votes_per_s=([\d.]+)", raw).group(1))
raw_group = float(re.search(r"group=\d+ votes_per_s=([\d.]+)", raw).group(1))
latency = oha("latency")
p = latency["latencyPercentiles"]
codes = latency.get("statusCodeDistribution", {})
print(f"HTTP votes acknowledged/s   {http:8.0f}   ({acked(throughput)} in {seconds:.1f} s, "
      f"{connections} connections; {http_stored} ballots stored; other statuses: "
      f"{ {k: v for k, v in throughput.get('statusCodeDistribution', {}).items() if k != '200'} or 'none'})")
print(f"raw (a) 1 vote/transaction  {raw_one:8.0f}")
print(f"raw (b) {group} votes/transaction {raw_group:8.0f}   (the writer's average group: "
      f"{group_stored} votes / {syncs} {'fsyncs' if engine == 'sqlite' else 'committed batches'})")
print(f"HTTP / raw (a)              {http / raw_one:8.2f}")
print(f"HTTP / raw (b)              {http / raw_group:8.2f}")
if two_nodes != "-":
    print(f"HTTP votes acknowledged/s, two nodes {float(two_nodes):8.0f}   ({int(connections) // 2} connections each; "
          f"one node: {http:.0f}; two / one: {float(two_nodes) / http:.2f})")
print(f"latency at {rate} votes/s      p50 {p['p50'] * 1000:.2f} ms   p99 {p['p99'] * 1000:.2f} ms   "
      f"({acked(latency)} acknowledged of {sum(codes.values())} answered; "
      f"not answered: {latency.get('errorDistribution') or 'none'})")
EOF
