#!/usr/bin/env bash
# Vote throughput end to end (HTTP, server function, writer thread, SQLite with synchronous=FULL) as a
# share of bare rusqlite loops on the same disk with the same schema and pragmas: (a) one vote per
# transaction, (b) the average group the server's writer achieved. Then p50/p99 vote latency at a
# fixed request rate: 80 % of the maximum measured in the same run, as bench/run.sh takes its fixed
# rate from its own maximum, with where that time goes: the vote inside the server and a batch's
# write and commit (the server's own histograms from /metrics), who used the two cores (at the
# maximum and at the fixed rate, per vote) and, on PostgreSQL, its WAL syncs and a wait-event
# profile of its backends (pg_stat_activity sampled every 10 ms; the sampler's own queries add a
# little load). Prints figures, asserts nothing about time.
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
  raw_bin=$(cargo bench --package stembus-server --bench "$raw_name" --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$raw_name")
fi
if [ ! -x "${raw_bin:-}" ]; then
  say "no raw loop executable: cargo bench --package stembus-server --bench $raw_name --no-run"
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
    # For step 4's breakdown: PostgreSQL times its WAL syncs, for this database's sessions only.
    psql -X -q -d "$STEMBUS_TEST_DATABASE_URL" -c "ALTER DATABASE $name SET track_wal_io_timing = on"
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

# CPU time so far, in clock ticks: the whole machine's busy time, the server's, and PostgreSQL's (the
# postmaster and its children: the backends serving the node); two snapshots give who used the cores.
postmaster_pid=""
cpu_snapshot() {
  if [ "$ENGINE" = postgres ] && [ -z "$postmaster_pid" ]; then
    postmaster_pid=$(head -n 1 "$(psql -X -At -d "$STEMBUS_TEST_DATABASE_URL" -c "SHOW data_directory")/postmaster.pid")
  fi
  python3 - "$server_pid" "$postmaster_pid" <<'EOF'
import os, sys
server, postmaster = sys.argv[1], sys.argv[2]
def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])  # ppid, utime + stime
cpu = open("/proc/stat").readline().split()[1:]
busy = sum(int(v) for i, v in enumerate(cpu[:8]) if i not in (3, 4))  # all but idle and iowait
pg = 0
if postmaster:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid, ticks = stat(pid)
        except OSError:
            continue
        if pid == postmaster or str(ppid) == postmaster:
            pg += ticks
print(busy, stat(server)[1], pg)
EOF
}

# What PostgreSQL's backends serving the node are doing, sampled every 10 ms for $1 seconds from
# pg_stat_activity (the wait-event profile): running, waiting on an event (the WAL's sync, a lock),
# or idle inside a transaction, waiting for the node's next statement (a round trip). One line a
# backend a sample, in $work/waits.txt.
sample_waits() {
  local name="${pg_url##*/}" samples=$(( $1 * 100 ))
  for _ in $(seq 1 "$samples"); do
    cat <<SQL
SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in a transaction (waiting for the node)'
            WHEN wait_event IS NULL THEN 'running'
            ELSE 'waiting on ' || wait_event_type || ': ' || wait_event END
  FROM pg_stat_activity
 WHERE datname = '$name' AND backend_type = 'client backend' AND state <> 'idle'
   AND pid <> pg_backend_pid();
DO \$\$ BEGIN PERFORM pg_sleep(0.01); END \$\$;
SQL
  done | timeout $(( $1 + 30 )) psql -X -At -q -d "$pg_url" >"$work/waits.txt" 2>/dev/null || true
}

# Other work on the machine shares these two cores: its load is printed so a noisy run shows as one.
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "1/4 HTTP throughput on $ENGINE: $CONNECTIONS connections, ${SECONDS_PER_RUN} s"
start_server ""
max_cpu_before=$(cpu_snapshot)
load -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" >"$work/throughput.json"
max_cpu_after=$(cpu_snapshot)
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
waits_pid=""
if [ "$ENGINE" = postgres ]; then
  psql -X -q -d "$pg_url" -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
  sample_waits "$SECONDS_PER_RUN" &
  waits_pid=$!
fi
cpu_before=$(cpu_snapshot)
load -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" -q "$RATE" --latency-correction >"$work/latency.json"
cpu_after=$(cpu_snapshot)
[ -z "$waits_pid" ] || wait "$waits_pid"
# Where that latency goes, from the server's own histograms (this server served only that load).
curl -fsS "http://$ADDR/metrics" >"$work/metrics.txt" || : >"$work/metrics.txt"
wal_syncs="-"
if [ "$ENGINE" = postgres ]; then
  wal_syncs=$(psql -X -At -F ' ' -d "$pg_url" -c "SELECT wal_sync, wal_sync_time FROM pg_stat_wal")
fi
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
python3 - "$work" "$http_stored" "$group_stored" "$syncs" "$group" "$RATE" "$CONNECTIONS" "$raw" "$ENGINE" "$two_nodes" "$load" "$wal_syncs" "$max_cpu_before" "$max_cpu_after" "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)" <<'EOF'
import json, re, sys
from collections import Counter
(work, http_stored, group_stored, syncs, group, rate, connections, raw, engine, two_nodes, load, wal_syncs,
 max_cpu_before, max_cpu_after, cpu_before, cpu_after, ticks) = sys.argv[1:]
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
      f"({acked(latency)} acknowledged of {sum(codes.values())} answered on {connections} connections; "
      f"not answered: {latency.get('errorDistribution') or 'none'})")
# The breakdown: a quantile read from a histogram's cumulative buckets, interpolated inside its
# bucket as Prometheus's histogram_quantile does (the buckets double, so it is coarse).
def histogram(text, name, labels=""):
    # Label order in a series is the encoder's (`le` first here): compare the sets.
    wanted = dict(re.findall(r'(\w+)="([^"]*)"', labels))
    buckets, count, total = [], 0, 0.0
    for m in re.finditer(rf"^{name}_(bucket|count|sum)(?:\{{([^}}]*)\}})? (\S+)$", text, re.M):
        series = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        bound = series.pop("le", None)
        if series != wanted:
            continue
        if m.group(1) == "bucket":
            buckets.append((float("inf") if bound == "+Inf" else float(bound), int(float(m.group(3)))))
        elif m.group(1) == "count":
            count = int(float(m.group(3)))
        else:
            total = float(m.group(3))
    return sorted(buckets), count, total
def quantile(buckets, count, q):
    rank, lower, below = q * count, 0.0, 0
    for bound, cumulative in buckets:
        if cumulative >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(1, cumulative - below)
        lower, below = bound, cumulative
    return lower
# Who used the two cores between two snapshots, in cores, and per vote acknowledged.
def cores(before, after, report):
    seconds_run, votes = report["summary"]["total"], max(1, acked(report))
    busy, server_cpu, pg_cpu = (
        (b - a) / int(ticks) for a, b in zip(map(int, before.split()), map(int, after.split())))
    rest = busy - server_cpu - pg_cpu
    per_vote = lambda cpu: f"{cpu / votes * 1e6:.0f} µs a vote"
    return (f"{busy / seconds_run:.2f} of 2 (the server {server_cpu / seconds_run:.2f}, {per_vote(server_cpu)}"
            + (f"; PostgreSQL {pg_cpu / seconds_run:.2f}, {per_vote(pg_cpu)}" if engine == "postgres" else "")
            + f"; the load generator and the rest {rest / seconds_run:.2f})")
print(f"  cores busy at the maximum: {cores(max_cpu_before, max_cpu_after, throughput)}")
metrics = open(f"{work}/metrics.txt").read()
served, served_count, _ = histogram(metrics, "stembus_http_request_duration_seconds", 'route="/api/stem"')
commits, commit_count, _ = histogram(metrics, "stembus_commit_duration_seconds")
_, batch_count, batch_sum = histogram(metrics, "stembus_commit_batch_size")
if served_count and commit_count:
    ms = lambda seconds: f"{seconds * 1000:.2f}"
    print(f"  where it goes: the vote inside the server p50 {ms(quantile(served, served_count, 0.5))} ms, "
          f"p99 {ms(quantile(served, served_count, 0.99))} ms ({served_count} votes); "
          f"a batch's write and commit p50 {ms(quantile(commits, commit_count, 0.5))} ms, "
          f"p99 {ms(quantile(commits, commit_count, 0.99))} ms ({commit_count} batches, "
          f"{batch_sum / max(1, batch_count):.1f} votes each)")
    if wal_syncs.strip() not in ("", "-"):
        syncs_done, sync_ms = wal_syncs.split()
        print(f"  PostgreSQL's WAL syncs in that run: {syncs_done}, "
              f"{float(sync_ms) / max(1, int(syncs_done)):.2f} ms each on average")
    print(f"  cores busy meanwhile: {cores(cpu_before, cpu_after, latency)}")
    try:
        states = [line.strip() for line in open(f"{work}/waits.txt") if line.strip()]
    except OSError:
        states = []
    if states:
        print(f"  PostgreSQL's backends for the node, sampled every 10 ms ({len(states)} samples of a backend in a transaction):")
        for state, count in Counter(states).most_common(6):
            print(f"    {count / len(states):6.1%}  {state}")
    print("  (the client's time less the server's is the wait before the server reads the request: in the load"
          " generator for a free connection, or for the server's core; the server's less the commit is the"
          " writer's queue and the batch in flight)")
else:
    print("  where it goes: the server's metrics were not readable")
EOF
