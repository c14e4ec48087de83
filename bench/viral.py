#!/usr/bin/env python3
"""The viral hour, measured open loop: readers fetching the shared article page and new readers
voting (pages:votes 10:1) while 10,000 live-result streams are open, on (a) one node on SQLite and
(b) two nodes on PostgreSQL with a synchronous standby behind nginx.

Readers arrive at a fixed rate whatever the server does (stembus-loadgen's `open-loop`: a new
connection whenever no idle one is free, a 2 s deadline, latency from the planned send time, every
planned request accounted for as sent or never sent, answered by status, timed out or failed; the
server's own histograms and shed counters read before and after). Per setup:

1. The capacity R: the offered rate is raised by steps; R is the largest at which pages and votes
   each have p99 <= 100 ms and every answer is a 200 (a step that misses is run once more, and
   both runs are printed).
2. Overload: 2R for `--seconds` (60), with /healthz and the desk's sign-in page probed throughout on
   a node's desk address (`desk_listen_address`, a runtime of its own), as a load balancer asks.
   The goals (issue 32): goodput of pages and votes >= 90 % of what the node served at R; p99 of the
   answered <= 250 ms (pages) and <= 500 ms (votes); every request not served refused with 503 and
   Retry-After, p99 <= 10 ms; no timeouts; the probes within 100 ms; every acknowledged vote stored.

It prints the steps, R, readers an hour, and the overload figures beside each goal, and with
`--svg` draws p99 against the offered rate per path (docs/viral-capacity.svg). Figures only: the
exit status is 1 when an acknowledged vote is missing, an answer was neither a 200 nor a 503 with
Retry-After, or the generator could not keep up (the run does not count then); a goal not met is
printed, with the shed counters and the server's own p99 beside it.

    bench/viral.sh                      # both setups, 10,000 streams, 60 s of overload
    python3 bench/viral.py --setup sqlite --seconds 20 --streams 2000 --generator ... --open-loop ...

Server processes (the nodes, PostgreSQL and nginx) on core 0, the load generators (open-loop for
pages and votes, benches/live_load.rs for the streams) on core 1; loopback only; everything started
is stopped at the end. nginx runs deploy/nginx-stembus.conf with two upstream servers and plain
HTTP on a loopback port instead of TLS: the generators would otherwise spend the load core on
handshakes, and the TLS path is nginx_check.py's.
"""

import argparse
import json
import math
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
SERVER_CORE = "0"
LOAD_CORE = "1"
NGINX_CONFIG = os.path.join(crash.REPO, "deploy", "nginx-stembus.conf")
# Offered rates (pages and votes together) tried in turn until a step misses the capacity goal.
# How many missed steps may be run once more (see run_setup), as the streams are held for that long.
STEPS_RUN_AGAIN = 2
LADDER = [250, 500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 11_000, 15_000, 20_000, 27_000, 36_000, 48_000]
PAGES_PER_VOTE = 10
CAPACITY_P99_MS = 100
GOALS = {"goodput_share": 0.9, "pages_p99_ms": 250, "votes_p99_ms": 500, "refused_p99_ms": 10, "probe_p99_ms": 100}


def pinned(core, args):
    return ["taskset", "-c", core, *args]


def split(total):
    """The page and vote rates of an offered total, pages:votes 10:1."""
    votes = max(1, round(total / (PAGES_PER_VOTE + 1)))
    return total - votes, votes


def open_loop(generator, front, seconds, total, probe=None):
    """Runs open-loop for `seconds` at `total` requests a second; its report (a dict). With `probe`
    (a node's desk address), /healthz and the desk's sign-in page are asked there throughout."""
    pages, votes = split(total)
    args = [generator, "--server", front, "--seconds", str(seconds), "--timeout-ms", "2000",
            "--sources", "8", "--metrics", "/metrics",
            "--load", f"pages,{pages},GET,{ARTICLE}",
            "--load", f"votes,{votes},POST,/api/stem,{VOTE_BODY}"]
    if probe:
        args += ["--probe", "health,100,/healthz", "--probe", "desk,250,/redactie/aanmelden",
                 "--probe-server", probe]
    out = subprocess.run(pinned(LOAD_CORE, args), capture_output=True, text=True, timeout=seconds + 120)
    if out.returncode not in (0, 3) or not out.stdout.strip():
        sys.exit(f"viral: open-loop failed ({out.returncode}): {out.stderr.strip()[-800:]}")
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["offered"] = total
    return report


def ok(load):
    return int(load["answered"].get("200", 0))


def p99(load, kind="ok_ms"):
    figures = load.get(kind)
    return None if figures is None else figures["p99"]


def step_passes(report):
    """The capacity goal at one step: p99 <= 100 ms on both paths, every answer a 200."""
    for name in ("pages", "votes"):
        load = report["loads"][name]
        if ok(load) != load["planned"] or (p99(load) or 0) > CAPACITY_P99_MS:
            return False
    return report["generator_kept_up"]


def shed(report):
    """The node's refusals during a run, by class and reason, from its own counters."""
    counts = {}
    for sample, delta in (report.get("server") or {}).items():
        match = re.match(r'stembus_shed_requests_total\{class="(\w+)",reason="(\w+)"\}', sample)
        if match and delta:
            counts[f"{match[1]}/{match[2]}"] = counts.get(f"{match[1]}/{match[2]}", 0) + delta
    return counts


def server_p99(report, route):
    for key, value in (report.get("server_p99_seconds") or {}).items():
        if key.startswith("stembus_http_request_duration_seconds") and f'route="{route}"' in key:
            return value
    return None


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

    def __init__(self, name, front, ballots, probe, server_pid=None):
        self.name = name
        self.front = front  # "127.0.0.1:port" the readers use
        # A node's desk address (`desk_listen_address`), which a load balancer's health check and
        # the editors use: the desk and health on a runtime of their own.
        self.probe = probe
        self.ballots = ballots  # () -> ballots stored
        self.server_pid = server_pid


def start_sqlite(work, binary, log_path, stops):
    database = crash.Database("sqlite", work)
    desk = f"127.0.0.1:{crash.free_port()}"
    server = crash.Server(binary, database, log_path, settings={"STEMBUS_DESK_LISTEN_ADDRESS": desk})
    stops.append(server.stop)
    if not server.wait_until_up():
        sys.exit(f"viral: the SQLite node did not start (see {log_path})")

    def ballots():
        return crash_sqlite_count(database.path)

    return Setup("one node, SQLite", f"127.0.0.1:{server.port}", ballots, desk, server.process.pid)


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
    desks = [f"127.0.0.1:{crash.free_port()}" for _ in range(2)]
    for desk in desks:
        node = crash.Server(binary, database, log_path, settings={
            "STEMBUS_TRUSTED_PROXY": "127.0.0.1",
            "STEMBUS_BASE_URL": f"http://127.0.0.1:{nginx_port}",
            "STEMBUS_DESK_LISTEN_ADDRESS": desk,
        })
        nodes.append(node)
        stops.insert(0, node.stop)
    if not all(node.wait_until_up() for node in nodes):
        sys.exit(f"viral: the nodes did not start (see {log_path})")
    proxy = start_nginx(work, nginx_port, [node.port for node in nodes])
    stops.insert(0, lambda: checks.stop(proxy, signal.SIGQUIT))

    def ballots():
        return int(primary.sql("SELECT COUNT(*) FROM ballot", "stembus")[0][0])

    return Setup("two nodes, PostgreSQL + synchronous standby, behind nginx", f"127.0.0.1:{nginx_port}", ballots,
                 desks[0])


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
    # Every simulated reader comes from 127.0.0.1: the bound on one address's live streams would
    # refuse all but the first 256 of the run's 10,000. 65,535 is the largest nginx takes.
    site = site.replace("limit_conn stembus_live 256;", "limit_conn stembus_live 65535;")
    if (
        f"server 127.0.0.1:{node_ports[0]}" not in site
        or f"127.0.0.1:{port}" not in site
        or "limit_conn stembus_live 65535;" not in site
    ):
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


def run_setup(setup, args, generator, loadgen):
    host, port = setup.front.split(":")
    cookie = crash.first_voter_cookie(host, int(port))
    time.sleep(1)  # the writer's last batch committed
    before = setup.ballots()
    # The streams stay open through every step and the overload; the tracers' votes are spread
    # over that time and time how long a vote takes to reach them.
    hold = (len(LADDER) + STEPS_RUN_AGAIN) * args.step_seconds + args.seconds + 30
    print(f"viral: {setup.name}: opening {args.streams} streams, held {hold} s", file=sys.stderr)
    streams_cmd = pinned(LOAD_CORE, [
        generator, "--server", setup.front, "--poll", POLL, "--streams", str(args.streams),
        "--sources", "8", "--hold", str(hold), "--tracers", str(args.tracers), "--open-within", "60",
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

    steps, capacity, runs_again_left = [], None, STEPS_RUN_AGAIN
    for total in LADDER:
        # A step that misses the goal is run once more before the search stops: one 10 s step's
        # p99 can be a moment's hiccup on a shared machine (a checkpoint, a burst elsewhere; on 7
        # December two nodes missed at 1,000 a second with votes at 158 ms, having met it at 3,000
        # in the run before). Both runs are printed; R is a step met, on its first run or again.
        again = False
        while True:
            report = open_loop(loadgen, setup.front, args.step_seconds, total)
            report["again"] = again
            steps.append(report)
            passes = step_passes(report)
            pages, votes = report["loads"]["pages"], report["loads"]["votes"]
            print(f"viral: {setup.name}: {total:,}/s offered{' again' if again else ''}: "
                  f"pages p99 {p99(pages)} ms, votes p99 {p99(votes)} ms, "
                  f"{'within' if passes else 'beyond'} the goal", file=sys.stderr)
            if passes or again or runs_again_left == 0 or not report["generator_kept_up"]:
                break
            again, runs_again_left = True, runs_again_left - 1
        if not report["generator_kept_up"]:
            print("viral: the generator could not keep up; the ladder stops here", file=sys.stderr)
            break
        if not passes:
            break
        capacity = report
    overload = None
    if capacity is not None:
        total = 2 * capacity["offered"]
        print(f"viral: {setup.name}: overload, {total:,}/s for {args.seconds} s", file=sys.stderr)
        cores_before = core_times()
        overload = open_loop(loadgen, setup.front, args.seconds, total, probe=setup.probe)
        overload["busy"] = busy_shares(cores_before, core_times())

    out, _ = streams.communicate(timeout=hold + 180)
    follower.join(timeout=5)
    try:
        stream_figures = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        sys.exit("viral: the stream generator printed no figures:\n" + "\n".join(stream_log[-20:]))
    time.sleep(1)
    after = setup.ballots()
    runs = steps + ([overload] if overload else [])
    acknowledged = sum(ok(run["loads"]["votes"]) for run in runs) + stream_figures["tracers"]
    return {
        "setup": setup.name,
        "steps": steps,
        "capacity": capacity,
        "overload": overload,
        "streams": stream_figures,
        "acknowledged": acknowledged,
        "stored": after - before,
        "unexpected": unexpected_answers(runs),
        "kept_up": all(run["generator_kept_up"] for run in runs),
    }


def unexpected_answers(runs):
    """Answers other than a 200 or a 503 with Retry-After, over every run."""
    odd = {}
    for run in runs:
        for name, load in run["loads"].items():
            for status, count in load["answered"].items():
                if status not in ("200", "503"):
                    odd[f"{name} {status}"] = odd.get(f"{name} {status}", 0) + count
            missing = int(load["answered"].get("503", 0)) - load.get("retry_after_on_503", 0)
            if missing:
                odd[f"{name} 503 without Retry-After"] = odd.get(f"{name} 503 without Retry-After", 0) + missing
            if load["errors"]:
                odd[f"{name} failed"] = odd.get(f"{name} failed", 0) + load["errors"]
    return odd


def goals(run):
    """Each overload goal of issue 32 with the figure measured and whether it is met."""
    capacity, overload = run["capacity"], run["overload"]
    rows = []
    for name, limit in (("pages", GOALS["pages_p99_ms"]), ("votes", GOALS["votes_p99_ms"])):
        at_r, at_2r = capacity["loads"][name], overload["loads"][name]
        share = at_2r["ok_per_second"] / max(1e-9, at_r["ok_per_second"])
        rows.append((f"{name}: goodput at 2R / at R >= 90 %", f"{share:.0%}", share >= GOALS["goodput_share"]))
        rows.append((f"{name}: p99 of the answered <= {limit} ms", f"{p99(at_2r)} ms", (p99(at_2r) or 0) <= limit))
        refused = p99(at_2r, "refused_ms")
        rows.append((f"{name}: refusals p99 <= 10 ms", "none" if refused is None else f"{refused} ms",
                     refused is None or refused <= GOALS["refused_p99_ms"]))
        rows.append((f"{name}: timeouts 0", str(at_2r["timed_out"]), at_2r["timed_out"] == 0))
    for name, probe in (overload.get("probes") or {}).items():
        rows.append((f"/{'healthz' if name == 'health' else 'redactie/aanmelden'}: p99 <= 100 ms, all 200",
                     f"{p99(probe)} ms, {ok(probe)}/{probe['sent']}",
                     (p99(probe) or 1e9) <= GOALS["probe_p99_ms"] and ok(probe) == probe["sent"]))
    return rows


def report(run, seconds):
    print(f"== {run['setup']}")
    print(f"  {'offered/s':>10} {'pages p99':>10} {'votes p99':>10} {'pages 200/s':>12} {'votes 200/s':>12}  refused by the node")
    for step in run["steps"]:
        pages, votes = step["loads"]["pages"], step["loads"]["votes"]
        again = " (the same step again)" if step.get("again") else ""
        print(f"  {step['offered']:>10,} {p99(pages) or 0:>8.1f}ms {p99(votes) or 0:>8.1f}ms "
              f"{pages['ok_per_second']:>12,.0f} {votes['ok_per_second']:>12,.0f}  {shed(step) or 'none'}{again}")
    capacity = run["capacity"]
    if capacity is None:
        print("  R: not reached at the lowest step")
    else:
        pages = capacity["loads"]["pages"]["ok_per_second"]
        print(f"  R = {capacity['offered']:,} requests/s ({pages:,.0f} pages/s, "
              f"{capacity['loads']['votes']['ok_per_second']:,.0f} votes/s): "
              f"{pages * 3600:,.0f} readers an hour on the page")
    overload = run["overload"]
    if overload is not None:
        print(f"  overload at 2R = {overload['offered']:,}/s for {seconds} s:")
        for name in ("pages", "votes"):
            load = overload["loads"][name]
            why = f" ({load['never_sent_why']})" if load["never_sent"] else ""
            print(f"    {name:<6} planned {load['planned']:,}, sent {load['sent']:,}, never sent {load['never_sent']:,}{why}, "
                  f"answered {load['answered']}, timed out {load['timed_out']:,}, failed {load['errors']:,}; "
                  f"server p99 {server_p99(overload, '/artikel/{slug}' if name == 'pages' else '/api/stem')} s")
        print(f"    refused by the node: {shed(overload) or 'none'}; generator connections "
              f"{overload['connections']}")
        busy = ", ".join(f"{core} {share:.0%}" for core, share in overload["busy"].items())
        print(f"    cores busy: {busy} (servers on cpu{SERVER_CORE}, load generators on cpu{LOAD_CORE})")
        for goal, figure, met in goals(run):
            print(f"    {'met    ' if met else 'NOT MET'} {goal}: {figure}")
    s = run["streams"]

    def ms(value):
        return "n/a" if value is None else f"{value:,.0f} ms"

    print(f"  streams {s['streams_open']:,} open of {s['streams_requested']:,} (refused {s['streams_refused']}, "
          f"failed {s['streams_failed']}); a vote reaching them p50 {ms(s['reach_p50_ms'])}, "
          f"p99 {ms(s['reach_p99_ms'])}")
    print(f"  ballots: {run['acknowledged']:,} acknowledged, {run['stored']:,} stored; "
          f"answers other than 200 or 503 with Retry-After: {run['unexpected'] or 'none'}")


def svg(runs, path):
    """p99 against the offered rate, per setup and path, on a log scale: the curve's knee is R."""
    width, height, left, bottom, top, right = 720, 420, 70, 50, 40, 200
    rates = [step["offered"] for run in runs for step in run["steps"]]
    lo_x, hi_x = math.log10(min(rates)), math.log10(max(rates))
    lo_y, hi_y = 0, math.log10(2000)

    def x(rate):
        return left + (math.log10(rate) - lo_x) / max(1e-9, hi_x - lo_x) * (width - left - right)

    def y(ms):
        value = math.log10(min(max(ms, 1), 2000))
        return height - bottom - (value - lo_y) / (hi_y - lo_y) * (height - bottom - top)

    colours = {"pages": "#0b5cad", "votes": "#b3261e"}
    dashes = {0: "", 1: ' stroke-dasharray="6 4"'}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             '<title>p99 against the offered rate, per path and setup (bench/viral.sh)</title>',
             f'<rect width="{width}" height="{height}" fill="#fff"/>']
    for ms in (1, 10, 100, 1000):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 8}" y="{y(ms) + 4:.1f}" text-anchor="end">{ms} ms</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(CAPACITY_P99_MS):.1f}" y2="{y(CAPACITY_P99_MS):.1f}" '
                 f'stroke="#444" stroke-dasharray="2 3"/>')
    for rate in sorted(set(rates)):
        parts.append(f'<text x="{x(rate):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                     f'font-size="10">{rate // 1000 if rate >= 1000 else rate}{"k" if rate >= 1000 else ""}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">'
                 'offered requests a second (pages:votes 10:1, log scale)</text>')
    parts.append(f'<text x="{left}" y="24">p99 per path (log scale); dotted: the 100 ms goal</text>')
    legend_y = top + 10
    for index, run in enumerate(runs):
        for name in ("pages", "votes"):
            # A step run again is drawn with its second run, the one the search went on from.
            last = {step["offered"]: step for step in run["steps"]}
            points = " ".join(f"{x(rate):.1f},{y(p99(step['loads'][name]) or 2000):.1f}"
                              for rate, step in sorted(last.items()))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colours[name]}" stroke-width="2"'
                         f'{dashes[index % 2]}/>')
            parts.append(f'<line x1="{width - right + 10}" x2="{width - right + 40}" y1="{legend_y}" y2="{legend_y}" '
                         f'stroke="{colours[name]}" stroke-width="2"{dashes[index % 2]}/>'
                         f'<text x="{width - right + 46}" y="{legend_y + 4}" font-size="11">{name}, '
                         f'{"SQLite" if "SQLite" in run["setup"] else "PostgreSQL x2"}</text>')
            legend_y += 20
    parts.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=60, help="the overload's length")
    parser.add_argument("--step-seconds", type=int, default=10, help="each step of the capacity ladder")
    parser.add_argument("--streams", type=int, default=10_000)
    parser.add_argument("--tracers", type=int, default=20)
    parser.add_argument("--generator", required=True, help="the live_load executable")
    parser.add_argument("--open-loop", required=True, help="stembus-loadgen's open-loop executable")
    parser.add_argument("--binary", default="target/release/stembus")
    parser.add_argument("--svg", help="draw the curves into this file")
    args = parser.parse_args()
    if os.cpu_count() < 2:
        sys.exit("viral: needs two cores (servers on one, load on the other)")
    if shutil.which("taskset") is None:
        sys.exit("viral: no taskset on PATH")
    source = args.binary if os.path.isabs(args.binary) else os.path.join(crash.REPO, args.binary)
    if not os.access(source, os.X_OK):
        sys.exit(f"viral: no server binary at {source}; build it with `cargo leptos build --release`")
    # This process and all it starts (nodes, PostgreSQL, nginx) on the server core; the load
    # generators are started on the other one explicitly.
    os.sched_setaffinity(0, {int(SERVER_CORE)})
    runs, good_all = [], True
    for name in (("sqlite", "postgres") if args.setup == "both" else (args.setup,)):
        work = tempfile.mkdtemp(prefix=f"stembus-viral-{name}-")
        os.chmod(work, 0o755)
        binary = os.path.join(work, "stembus")
        shutil.copy2(source, binary)
        generator = os.path.join(work, "live_load")
        shutil.copy2(args.generator, generator)
        loadgen = os.path.join(work, "open-loop")
        shutil.copy2(args.open_loop, loadgen)
        log_path = os.path.join(work, "nodes.log")
        stops = []
        try:
            start = start_sqlite if name == "sqlite" else start_postgres
            setup = start(work, binary, log_path, stops)
            run = run_setup(setup, args, generator, loadgen)
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
        good = (run["stored"] >= run["acknowledged"] and not run["unexpected"] and run["kept_up"]
                and not problems)
        good_all = good_all and good
        if good:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"  kept {work} for inspection")
    if args.svg:
        svg(runs, args.svg)
        print(f"viral: the curves are in {args.svg}")
    print("viral: every planned request accounted for, every answer a 200 or a 503 with Retry-After, "
          "every acknowledged vote stored" if good_all
          else "viral: FAILED: a vote lost, an unexpected answer, or a generator that could not keep up")
    sys.exit(0 if good_all else 1)


if __name__ == "__main__":
    main()
