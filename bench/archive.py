#!/usr/bin/env python3
"""Years of polls: what an archive of desk-made polls costs a node, at rest and when an editor or an
app looks at it. For each engine and each archive size it seeds that many polls into a fresh
database, starts the release server on it, and prints:

- start-up: from starting the process to its first answer (median of 3 starts);
- memory: the node's resident memory once idle, and per 1,000 polls against the empty archive;
- idle CPU: the share of one core the node used over `--idle-seconds` with no request at all, and on
  PostgreSQL the transactions per second it made the database commit meanwhile;
- the desk's list (`/redactie`, signed in) and `/api/polls`: bytes and the median time of 5.

Every figure of an archive stands beside the same figure of the empty archive in the same run (the
ratio), so the machine's own speed cancels out.

    python3 bench/archive.py                                   # SQLite, 0, 1,000 and 10,000 polls
    scripts/with-postgres.sh python3 bench/archive.py --engine both

The polls are written with SQL (as `create_poll` writes them: the poll row and its two answers,
and the desk's version raised once) because making 10,000 through the desk's form would measure
the form. Python standard library only (and psql for PostgreSQL); every server listens on
127.0.0.1 and is stopped on exit.
"""

import argparse
import http.client
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402  (its server runner and database set-up)
from connection_memory import resident_kb  # noqa: E402

REPO = crash.REPO
EDITOR = "archief-bench"
PASSWORD = "een wachtwoord voor de archiefmeting"
TICKS = os.sysconf("SC_CLK_TCK")


def seed_sqlite(path, count, now):
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
               INSERT INTO poll (key, question, max_choices, allow_change, opens_at, closes_at,
                                 show_results, origin, created_by, created_at)
               SELECT printf('archief-%05d', i), 'Archiefvraag nummer ' || i || '?', 1, 0,
                      ?2 + 60 * i, NULL, 'after-vote', 'desk', 'bench', ?2 + 60 * i FROM n""",
            (count, now - 60 * count - 3600),
        )
        for position, (key, label) in enumerate((("ja", "Ja"), ("nee", "Nee"))):
            conn.execute(
                "INSERT INTO poll_option (poll_id, key, label, position) "
                "SELECT id, ?1, ?2, ?3 FROM poll WHERE origin = 'desk'",
                (key, label, position),
            )
        conn.execute("UPDATE desk_version SET version = version + 1")
    conn.close()


def seed_postgres(url, count, now):
    start = now - 60 * count - 3600
    crash.psql(
        url,
        f"""BEGIN;
            INSERT INTO poll (key, question, max_choices, allow_change, opens_at, closes_at,
                              show_results, origin, created_by, created_at)
            SELECT 'archief-' || lpad(i::text, 5, '0'), 'Archiefvraag nummer ' || i || '?', 1, false,
                   {start} + 60 * i, NULL, 'after-vote', 'desk', 'bench', {start} + 60 * i
            FROM generate_series(1, {count}) AS i;
            INSERT INTO poll_option (poll_id, key, label, position)
            SELECT id, 'ja', 'Ja', 0 FROM poll WHERE origin = 'desk'
            UNION ALL SELECT id, 'nee', 'Nee', 1 FROM poll WHERE origin = 'desk';
            UPDATE desk_version SET version = version + 1;
            COMMIT;""",
    )


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def commits(database):
    name = database.url.rsplit("/", 1)[1]
    rows = crash.psql(database.url, f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{name}'")
    return int(rows[0][0])


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    cookies = [value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie"]
    conn.close()
    return response.status, data, cookies


def sign_in(port):
    """The session cookie of the bench's editor, signed in through the form as a browser would."""
    status, page, cookies = request(port, "GET", "/redactie/aanmelden")
    token = re.search(rb'name="formulier" value="([^"]+)"', page)
    if status != 200 or not token:
        sys.exit(f"archive: no sign-in form ({status})")
    body = urllib.parse.urlencode(
        {"formulier": token.group(1).decode(), "naam": EDITOR, "wachtwoord": PASSWORD}
    )
    status, _, set_cookies = request(
        port,
        "POST",
        "/redactie/aanmelden",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(cookies),
            "Origin": f"http://127.0.0.1:{port}",
        },
    )
    session = [cookie for cookie in set_cookies if cookie.split("=", 1)[1]]
    if status != 303 or not session:
        sys.exit(f"archive: sign-in refused ({status})")
    return "; ".join(session)


def timed(port, path, headers=None, runs=5):
    """Bytes and the median milliseconds of `runs` GETs of `path`, after one to warm up."""
    request(port, "GET", path, headers=headers)
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        status, data, _ = request(port, "GET", path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            sys.exit(f"archive: {path} answered {status}")
        size = len(data)
    return size, statistics.median(times)


def measure(engine, count, args, binary, work):
    # A folder (and so a SQLite file) of its own per archive; PostgreSQL makes a fresh database.
    work = os.path.join(work, f"{engine}-{count}")
    os.makedirs(work)
    database = crash.Database(engine, work)
    log = os.path.join(work, f"server-{engine}-{count}.log")
    env = dict(os.environ)
    env.update(database.environment())
    # The first start makes the schema; the polls go in while the node is down.
    first = crash.Server(binary, database, log)
    if not first.wait_until_up():
        sys.exit(f"archive: the server did not start, see {log}")
    first.stop()
    now = int(time.time())
    if engine == "sqlite":
        seed_sqlite(database.path, count, now)
    else:
        seed_postgres(database.url, count, now)
    subprocess.run(
        [binary, "editor", "add", EDITOR], input=PASSWORD + "\n", text=True, env=env, cwd=REPO,
        check=True, capture_output=True,
    )
    starts = []
    for _ in range(3):
        started = time.perf_counter()  # before the spawn: starting the process is part of it
        server = crash.Server(binary, database, log)
        if not server.wait_until_up():
            sys.exit(f"archive: the server did not start, see {log}")
        starts.append((time.perf_counter() - started) * 1000)
        server.stop()
    server = crash.Server(binary, database, log)
    try:
        if not server.wait_until_up():
            sys.exit(f"archive: the server did not start, see {log}")
        time.sleep(3)  # past start-up's own work and the first refreshes
        pid = server.process.pid
        memory = resident_kb(pid)
        ticks, before = cpu_ticks(pid), commits(database) if engine == "postgres" else 0
        time.sleep(args.idle_seconds)
        cpu = (cpu_ticks(pid) - ticks) / TICKS / args.idle_seconds * 100
        tps = (commits(database) - before) / args.idle_seconds if engine == "postgres" else None
        session = sign_in(server.port)
        desk = timed(server.port, "/redactie", {"Cookie": session})
        api = timed(server.port, "/api/polls")
    finally:
        server.stop()
    return {
        "start_ms": statistics.median(starts),
        "memory_kb": memory,
        "cpu_percent": cpu,
        "tps": tps,
        "desk": desk,
        "api": api,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--polls", default="1000,10000", help="archive sizes, beside the empty one")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--binary", default="target/release/stembus")
    args = parser.parse_args()
    source = os.path.join(REPO, args.binary)
    if not os.path.exists(source):
        sys.exit(f"archive: no server binary at {source}; build it with `cargo leptos build --release`")
    work = tempfile.mkdtemp(prefix="stembus-archive-")
    binary = os.path.join(work, "stembus")
    shutil.copy2(source, binary)
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    sizes = [0] + [int(size) for size in args.polls.split(",")]
    try:
        for engine in engines:
            print(f"== {engine}: an idle node for {args.idle_seconds:.0f} s, then the desk's list and /api/polls")
            print(
                f"{'polls':>7} {'start ms':>9} {'RSS MB':>7} {'MB/1000':>8} {'idle CPU %':>10} {'db tx/s':>8}"
                f" {'desk KB':>8} {'desk ms':>8} {'(x)':>6} {'api KB':>7} {'api ms':>7} {'(x)':>6}"
            )
            base = None
            for count in sizes:
                got = measure(engine, count, args, binary, work)
                base = base or got
                per_thousand = (
                    (got["memory_kb"] - base["memory_kb"]) / 1024 / (count / 1000) if count else 0.0
                )
                tps = "-" if got["tps"] is None else f"{got['tps']:.1f}"
                print(
                    f"{count:>7} {got['start_ms']:>9.0f} {got['memory_kb'] / 1024:>7.1f} {per_thousand:>8.2f}"
                    f" {got['cpu_percent']:>10.2f} {tps:>8}"
                    f" {got['desk'][0] / 1024:>8.1f} {got['desk'][1]:>8.1f} {got['desk'][1] / base['desk'][1]:>6.2f}"
                    f" {got['api'][0] / 1024:>7.1f} {got['api'][1]:>7.1f} {got['api'][1] / base['api'][1]:>6.2f}",
                    flush=True,
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
