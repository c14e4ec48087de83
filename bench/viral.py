#!/usr/bin/env python3
"""The viral hour: for a minute, at once, readers fetching the shared article page at a fixed rate,
new readers voting at a fixed rate, and thousands of live-result streams open, on (a) one node on
SQLite and (b) two nodes on PostgreSQL with a synchronous standby behind nginx.

Each setup first measures what each path reaches alone (pages, then votes, at full speed), then runs
the mix with the page and vote rates fixed at 80 % of those maxima, in the same run, on the same
servers. It prints per path the requests, p50/p99 (corrected for coordinated omission) and every
status other than 200, for the streams the p99 of a vote reaching them, and checks that every
acknowledged vote of the mix is in the database afterwards. Figures only: nothing about time is
asserted; the exit status is 1 when an answer was not the expected one or an acknowledged vote is
missing.

    bench/viral.sh                    # both setups, 60 s, 10,000 streams (what the README gives)
    python3 bench/viral.py --setup sqlite --seconds 20 --streams 2000

Server processes (the nodes, PostgreSQL and nginx) on core 0, the load generators (oha for pages
and votes, benches/live_load.rs for the streams) on core 1; loopback only; everything started is
stopped at the end. nginx runs deploy/nginx-stembus.conf with two upstream servers and plain HTTP
on a loopback port instead of TLS: the generators would otherwise spend the load core on
handshakes, and the TLS path is nginx_check.py's.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402  (stopping a helper process)
import crash  # noqa: E402  (free ports, psql, the server runner)
import failover  # noqa: E402  (the primary, its synchronous standby)

ARTICLE = "/artikel/deepseek-nvidia-beurswaarde"
POLL = crash.POLL
VOTE_BODY = f"poll={POLL}&choice=ja"
CONNECTIONS = 32
SOLO_SECONDS = 10
SHARE_OF_SOLO = 0.8
SERVER_CORE = "0"
LOAD_CORE = "1"
NGINX_CONFIG = os.path.join(crash.REPO, "deploy", "nginx-stembus.conf")


def pinned(core, args):
    return ["taskset", "-c", core, *args]


def oha(url, seconds, rate=None, vote=False, connections=CONNECTIONS):
    """The oha command for pages (GET) or votes (POST from a new reader each, as JSON)."""
    args = ["oha", "--no-tui", "--output-format", "json", "-z", f"{seconds}s", "-c", str(connections)]
    if rate is not None:
        args += ["-q", str(rate), "--latency-correction"]
    if vote:
        args += ["-m", "POST", "-H", "Content-Type: application/x-www-form-urlencoded",
                 "-H", "Accept: application/json", "-d", VOTE_BODY]
    else:
        args += ["-H", "Accept: text/html"]
    return pinned(LOAD_CORE, args + [url])


def run_oha(args, seconds):
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 90)
    if out.returncode != 0:
        sys.exit(f"viral: oha failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout)


def ok_per_second(report):
    return int(report.get("statusCodeDistribution", {}).get("200", 0)) / report["summary"]["total"]


# What oha reports for the requests still in flight when its time is up: cut off by the run's end,
# not answered by the server; counted apart from the answers.
CUT_OFF = "aborted due to deadline"


def summary(report):
    codes = report.get("statusCodeDistribution", {})
    p = report.get("latencyPercentiles", {})
    errors = report.get("errorDistribution", {})
    return {
        "requests": sum(int(n) for n in codes.values()) + sum(int(n) for n in report.get("errorDistribution", {}).values()),
        "ok": int(codes.get("200", 0)),
        "per_second": ok_per_second(report),
        "p50_ms": (p.get("p50") or 0) * 1000,
        "p99_ms": (p.get("p99") or 0) * 1000,
        "other": {k: int(v) for k, v in codes.items() if k != "200"},
        "errors": {k: int(v) for k, v in errors.items() if k != CUT_OFF},
        "cut_off": int(errors.get(CUT_OFF, 0)),
    }


def core_times():
    """Busy and total jiffies of each core, from /proc/stat."""
    times = {}
    with open("/proc/stat") as stat:
        for line in stat:
            name, *fields = line.split()
            if name.startswith("cpu") and name != "cpu":
                values = [int(v) for v in fields]
                idle = values[3] + values[4]  # idle and iowait
                times[name] = (sum(values) - idle, sum(values))
    return times


def busy_shares(before, after):
    return {core: (after[core][0] - before[core][0]) / max(1, after[core][1] - before[core][1])
            for core in sorted(after)}


class Setup:
    """What one setup runs: where readers go, how to count ballots, what to stop."""

    def __init__(self, name, front, ballots, server_pid=None):
        self.name = name
        self.front = front  # "127.0.0.1:port" the readers use
        self.ballots = ballots  # () -> ballots stored
        self.server_pid = server_pid


def start_sqlite(work, binary, log_path, stops):
    database = crash.Database("sqlite", work)
    server = crash.Server(binary, database, log_path)
    stops.append(server.stop)
    if not server.wait_until_up():
        sys.exit(f"viral: the SQLite node did not start (see {log_path})")

    def ballots():
        return crash_sqlite_count(database.path)

    return Setup("one node, SQLite", f"127.0.0.1:{server.port}", ballots, server.process.pid)


def crash_sqlite_count(path):
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM ballot").fetchone()[0]


def start_postgres(work, binary, log_path, stops):
    bindir = failover.postgres_bin()
    if os.geteuid() == 0:
        shutil.chown(work, user="postgres")
    ports = [crash.free_port(), crash.free_port()]
    primary = failover.Cluster(bindir, work, "primary", ports[0])
    standby = failover.Cluster(bindir, work, "standby", ports[1])
    primary.init_primary()
    primary.start()
    stops.append(primary.stop)
    primary.sql("CREATE DATABASE stembus")
    standby.clone_from(primary)
    standby.start()
    stops.append(standby.stop)
    failover.make_synchronous(primary)
    database = failover.PostgresUrl(ports)
    nginx_port = crash.free_port()
    nodes = []
    for _ in range(2):
        node = crash.Server(binary, database, log_path, settings={
            "STEMBUS_TRUSTED_PROXY": "127.0.0.1",
            "STEMBUS_BASE_URL": f"http://127.0.0.1:{nginx_port}",
        })
        nodes.append(node)
        stops.insert(0, node.stop)
    if not all(node.wait_until_up() for node in nodes):
        sys.exit(f"viral: the nodes did not start (see {log_path})")
    proxy = start_nginx(work, nginx_port, [node.port for node in nodes])
    stops.insert(0, lambda: checks.stop(proxy, signal.SIGQUIT))

    def ballots():
        return int(primary.sql("SELECT COUNT(*) FROM ballot", "stembus")[0][0])

    return Setup("two nodes, PostgreSQL + synchronous standby, behind nginx", f"127.0.0.1:{nginx_port}", ballots)


def start_nginx(work, port, node_ports):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        sys.exit("viral: no nginx here; scripts/setup.sh test installs Debian's")
    with open(NGINX_CONFIG) as f:
        site = f.read()
    upstreams = "".join(f"    server 127.0.0.1:{p};\n" for p in node_ports)
    site = site.replace("    server 127.0.0.1:3000;\n", upstreams)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port} reuseport;")
    site = "\n".join(line for line in site.splitlines() if not line.strip().startswith("ssl_"))
    site = site.replace("X-Forwarded-Proto https", "X-Forwarded-Proto http")
    if f"server 127.0.0.1:{node_ports[0]}" not in site or f"127.0.0.1:{port}" not in site:
        sys.exit("viral: deploy/nginx-stembus.conf no longer has the lines this run replaces")
    nginx_dir = os.path.join(work, "nginx")
    os.makedirs(nginx_dir, exist_ok=True)
    # Two workers, each with fewer descriptors than the hard limit: one per reader and one per
    # upstream connection, the streams spread over both by reuseport.
    with open(os.path.join(nginx_dir, "nginx.conf"), "w") as f:
        f.write(
            f"daemon off;\nworker_processes 2;\nworker_rlimit_nofile 20000;\npid {nginx_dir}/nginx.pid;\n"
            f"error_log {nginx_dir}/error.log;\nevents {{ worker_connections 16000; }}\n"
            f"http {{\n access_log off;\n client_body_temp_path {nginx_dir}/body;\n"
            f" proxy_temp_path {nginx_dir}/proxy;\n fastcgi_temp_path {nginx_dir}/fastcgi;\n"
            f" uwsgi_temp_path {nginx_dir}/uwsgi;\n scgi_temp_path {nginx_dir}/scgi;\n{site}\n}}\n"
        )
    proxy = subprocess.Popen(
        [nginx, "-p", nginx_dir, "-c", os.path.join(nginx_dir, "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not failover.port_in_use(port):
        if proxy.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"viral: nginx did not start (see {nginx_dir}/error.log)")
        time.sleep(0.1)
    return proxy


def run_setup(setup, args, generator):
    base = f"http://{setup.front}"
    page_url, vote_url = base + ARTICLE, base + "/api/stem"
    print(f"viral: {setup.name}: alone, {SOLO_SECONDS} s each at full speed, {CONNECTIONS} connections", file=sys.stderr)
    solo_pages = summary(run_oha(oha(page_url, SOLO_SECONDS), SOLO_SECONDS))
    solo_votes = summary(run_oha(oha(vote_url, SOLO_SECONDS, vote=True), SOLO_SECONDS))
    page_rate = max(1, int(SHARE_OF_SOLO * solo_pages["per_second"]))
    vote_rate = max(1, int(SHARE_OF_SOLO * solo_votes["per_second"]))
    host, port = setup.front.split(":")
    cookie = crash.first_voter_cookie(host, int(port))
    time.sleep(1)  # the writer's last batch committed
    before = setup.ballots()

    print(f"viral: {setup.name}: the mix for {args.seconds} s: {page_rate} pages/s, {vote_rate} votes/s, "
          f"{args.streams} streams", file=sys.stderr)
    streams_cmd = pinned(LOAD_CORE, [
        generator, "--server", setup.front, "--poll", POLL, "--streams", str(args.streams),
        "--sources", "8", "--hold", str(args.seconds), "--tracers", str(args.tracers), "--open-within", "60",
        "--cookie", cookie,
    ] + (["--rss-pid", str(setup.server_pid)] if setup.server_pid else []))
    streams = subprocess.Popen(streams_cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    opened = threading.Event()
    stream_log = []

    def follow():
        for line in streams.stderr:
            stream_log.append(line.rstrip())
            if "streams open after" in line:
                opened.set()
        opened.set()

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    if not opened.wait(90):
        streams.kill()
        sys.exit("viral: the streams did not open within 90 s")
    # The generator holds the streams `seconds` long from here, tracer votes spread over it.
    results = {}

    def load(name, cmd):
        results[name] = summary(run_oha(cmd, args.seconds))

    loads = [
        threading.Thread(target=load, args=("pages", oha(page_url, args.seconds, rate=page_rate))),
        threading.Thread(target=load, args=("votes", oha(vote_url, args.seconds, rate=vote_rate, vote=True))),
    ]
    cores_before = core_times()
    for thread in loads:
        thread.start()
    for thread in loads:
        thread.join()
    busy = busy_shares(cores_before, core_times())
    out, _ = streams.communicate(timeout=args.seconds + 120)
    follower.join(timeout=5)
    try:
        stream_figures = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        sys.exit("viral: the stream generator printed no figures:\n" + "\n".join(stream_log[-20:]))
    time.sleep(1)
    after = setup.ballots()
    acknowledged = results["votes"]["ok"] + stream_figures["tracers"]
    return {
        "setup": setup.name,
        "solo": {"pages": solo_pages, "votes": solo_votes},
        "rates": {"pages": page_rate, "votes": vote_rate},
        "mix": results,
        "streams": stream_figures,
        "acknowledged": acknowledged,
        "stored": after - before,
        "busy": busy,
    }


def report(run, seconds):
    print(f"== {run['setup']}")
    solo = run["solo"]
    print(f"  alone: pages {solo['pages']['per_second']:,.0f}/s, votes {solo['votes']['per_second']:,.0f}/s; "
          f"the mix at 80 %: {run['rates']['pages']:,} pages/s, {run['rates']['votes']:,} votes/s, {seconds} s")
    for name in ("pages", "votes"):
        r = run["mix"][name]
        other = {**r["other"], **r["errors"]}
        print(f"  {name:<7} {r['requests']:>8,} requests  {r['per_second']:>7,.0f}/s  p50 {r['p50_ms']:7.1f} ms  "
              f"p99 {r['p99_ms']:7.1f} ms  other than 200: {other or 'none'} "
              f"({r['cut_off']} in flight at the end)")
    s = run["streams"]

    def ms(value):
        return "n/a" if value is None else f"{value:,.0f} ms"

    kb = "" if s.get("kb_per_stream") is None else f", {s['kb_per_stream']:.1f} KB each"
    print(f"  streams {s['streams_open']:>8,} open of {s['streams_requested']:,} (refused {s['streams_refused']}, "
          f"failed {s['streams_failed']}; all open in {s['open_all_seconds']:.1f} s{kb}); a vote reaching them "
          f"p50 {ms(s['reach_p50_ms'])}, p99 {ms(s['reach_p99_ms'])} ({s['reached_share']:.2%} reached)")
    print(f"  ballots: {run['acknowledged']:,} acknowledged in the mix, {run['stored']:,} stored")
    busy = ", ".join(f"{core} {share:.0%}" for core, share in run["busy"].items())
    print(f"  cores busy during the mix: {busy} (servers on cpu{SERVER_CORE}, load generators on cpu{LOAD_CORE})")
    readers = run["mix"]["pages"]["per_second"] * 3600
    print(f"  that is {readers:,.0f} readers an hour on the page, {run['mix']['votes']['per_second'] * 3600:,.0f} votes an hour")


def passed(run):
    s = run["streams"]
    answers_ok = all(not r["other"] and not r["errors"] for r in run["mix"].values())
    streams_ok = s["streams_refused"] == 0 and s["streams_failed"] == 0 and s["streams_open"] == s["streams_requested"]
    return answers_ok and streams_ok and run["stored"] >= run["acknowledged"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--streams", type=int, default=10_000)
    parser.add_argument("--tracers", type=int, default=20)
    parser.add_argument("--generator", required=True, help="the live_load executable")
    parser.add_argument("--binary", default="target/release/stembus")
    args = parser.parse_args()
    if os.cpu_count() < 2:
        sys.exit("viral: needs two cores (servers on one, load on the other)")
    for tool in ("oha", "taskset"):
        if shutil.which(tool) is None:
            sys.exit(f"viral: no {tool} on PATH (bench/viral.sh installs oha)")
    source = args.binary if os.path.isabs(args.binary) else os.path.join(crash.REPO, args.binary)
    if not os.access(source, os.X_OK):
        sys.exit(f"viral: no server binary at {source}; build it with `cargo leptos build --release`")
    # This process and all it starts (nodes, PostgreSQL, nginx) on the server core; the load
    # generators are started on the other one explicitly.
    os.sched_setaffinity(0, {int(SERVER_CORE)})
    runs, ok = [], True
    for name in (("sqlite", "postgres") if args.setup == "both" else (args.setup,)):
        work = tempfile.mkdtemp(prefix=f"stembus-viral-{name}-")
        os.chmod(work, 0o755)
        binary = os.path.join(work, "stembus")
        shutil.copy2(source, binary)
        generator = os.path.join(work, "live_load")
        shutil.copy2(args.generator, generator)
        log_path = os.path.join(work, "nodes.log")
        stops = []
        try:
            start = start_sqlite if name == "sqlite" else start_postgres
            setup = start(work, binary, log_path, stops)
            run = run_setup(setup, args, generator)
        finally:
            for stop in stops:
                try:
                    stop()
                except Exception as error:  # noqa: BLE001  (stop the rest whatever one did)
                    print(f"viral: stopping: {error}", file=sys.stderr)
        with open(log_path, "rb") as log:
            problems = [line for line in log.read().decode("utf-8", "replace").splitlines()
                        if re.search(r"panicked|ERROR", line)]
        runs.append(run)
        report(run, args.seconds)
        if problems:
            print(f"  the nodes logged {len(problems)} errors, the first: {problems[0][:300]}")
        good = passed(run) and not problems
        ok = ok and good
        if good:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"  kept {work} for inspection")
    print("viral: every answer as expected, every acknowledged vote stored" if ok
          else "viral: FAILED: an answer other than the expected, or an acknowledged vote not stored")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
