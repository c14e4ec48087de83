#!/usr/bin/env python3
"""Crash harness: kills the release server with SIGKILL in the middle of a burst of votes and checks
that every acknowledged vote survived, that nothing appeared that no client sent, and that the
database is intact.

Each cycle starts the server on one temporary database that persists across cycles (so every
restart recovers the same file), sends votes from fresh readers on several threads, kills the
server after a random delay, restarts it (recovery), stops it with SIGTERM and reconciles the file
against what the clients saw. A 200 with JSON is an acknowledged vote: it must be stored, with the
answer that was sent. A vote without an answer (503, connection cut by the kill) may or may not be
stored. Readers acknowledged in an earlier cycle sometimes vote again with another answer: the
first answer must stay.

    python3 bench/crash.py --cycles 10          # the short run in scripts/test.sh
    python3 bench/crash.py --cycles 200         # the full run
    scripts/with-postgres.sh python3 bench/crash.py --engine postgres --cycles 5

With `--engine postgres` the server writes to a fresh database in the cluster that
STEMBUS_TEST_DATABASE_URL names (scripts/with-postgres.sh starts a throwaway one), and the
reconciliation reads the PostgreSQL tables with psql, checking also that the running counts equal
the ballot table.

Python standard library only (and psql for PostgreSQL). Every server it starts listens on
127.0.0.1 and is killed on exit.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

POLL = "deepseek-schade-nvidia"
CHOICES = ("ja", "nee", "weet-niet")
COOKIE = "stembus_kiezer"
# Bounds, so a hung server or client fails the run instead of stalling it.
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 20.0
REQUEST_TIMEOUT_S = 10.0
# A share of requests re-sends an acknowledged reader with another answer; the first must stay.
REVOTE_SHARE = 0.05

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    """A port nobody listens on right now: the kernel's pick for port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    """The rows `sql` returns from the database at `url`, as tuples of strings."""
    out = subprocess.run(
        ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


class Database:
    """Where the votes go: a SQLite file, or a fresh PostgreSQL database."""

    def __init__(self, engine, work):
        self.engine = engine
        if engine == "sqlite":
            self.path = os.path.join(work, "crash.db")
            self.url = None
        else:
            admin = os.environ.get("STEMBUS_TEST_DATABASE_URL")
            if not admin:
                sys.exit("crash: --engine postgres needs STEMBUS_TEST_DATABASE_URL (scripts/with-postgres.sh)")
            name = "stembus_crash_%016x" % random.SystemRandom().getrandbits(64)
            psql(admin, f"CREATE DATABASE {name}")
            self.path = None
            self.url = admin.rsplit("/", 1)[0] + "/" + name

    def environment(self):
        if self.engine == "sqlite":
            return {"STEMBUS_DATABASE_PATH": self.path}
        return {"STEMBUS_DATABASE_URL": self.url}

    def describe(self):
        return self.path if self.engine == "sqlite" else self.url


class Server:
    """One run of the release binary on the shared database."""

    def __init__(self, binary, database, log_path, settings=None):
        """`settings`: STEMBUS_* variables set last, over the harness's own."""
        self.port = free_port()
        env = dict(os.environ)
        env.update(database.environment())
        env.update(
            {
                "STEMBUS_LISTEN_ADDRESS": f"127.0.0.1:{self.port}",
                "STEMBUS_BASE_URL": f"http://127.0.0.1:{self.port}",
                "LEPTOS_SITE_ROOT": "target/site",
                "RUST_LOG": env.get("RUST_LOG", "warn"),
                # Every simulated reader comes from 127.0.0.1: lift the per-address vote limit, which
                # would otherwise refuse all but the first few dozen votes.
                "STEMBUS_VOTE_BURST": "1000000",
                "STEMBUS_VOTES_PER_MINUTE": "1000000",
            }
        )
        env.update(settings or {})
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [binary], cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_until_up(self):
        """True once the server answers a request, False if it died or took too long."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/robots.txt")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def kill(self):
        """SIGKILL: no shutdown code runs, as in a crash or a power cut of the process."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_S)
        self.log.close()

    def stop(self):
        """SIGTERM and wait: the exit status, or None if it did not stop in time (then SIGKILL)."""
        status = self.process.poll()
        if status is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                status = self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return status


class Ledger:
    """What the clients sent and what the server acknowledged, over the whole run."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = set()  # every voter id that went out in at least one request
        self.acknowledged = {}  # voter id -> the answer of its first acknowledged vote

    def mark_sent(self, voter):
        with self.lock:
            self.sent.add(voter)

    def mark_acknowledged(self, voter, choice):
        with self.lock:
            self.acknowledged.setdefault(voter, choice)


def vote(conn, voter, choice):
    """One vote over `conn`; True if the server acknowledged it (200 with a JSON body)."""
    body = f"poll={POLL}&choice={choice}"
    conn.request(
        "POST",
        "/api/stem",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Cookie": f"{COOKIE}={voter}",
        },
    )
    response = conn.getresponse()
    payload = response.read()
    if response.status != 200:
        return False
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True


def first_voter_cookie(host, port):
    """`stembus_kiezer=ID` of a new reader who just voted: a poll that shows its standing only to
    voters lets a stream carrying it watch (bench/viral.py, bench/connection_memory.py)."""
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_S)
    conn.request("POST", "/api/stem", body=f"poll={POLL}&choice={CHOICES[0]}", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    if response.status != 200 or not cookie.startswith(f"{COOKIE}="):
        sys.exit(f"the first vote got {response.status} and no voter cookie")
    return cookie


def client(port, jobs, ledger, stop, counts):
    """Sends its share of votes on one keep-alive connection until done or the server is gone."""
    conn = None
    for voter, choice, is_revote in jobs:
        if stop.is_set():
            break
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
            ledger.mark_sent(voter)
            if vote(conn, voter, choice) and not is_revote:
                ledger.mark_acknowledged(voter, choice)
                counts["acknowledged"] += 1
        except (OSError, http.client.HTTPException):
            # The kill cut the connection, or the server is not there any more: this vote has no
            # answer. Once the server is down every further attempt fails at once.
            if conn is not None:
                conn.close()
            conn = None
            counts["failed"] += 1
    if conn is not None:
        conn.close()


def reconcile(database, ledger, cycle_readers):
    """Reads the database (server stopped) and compares it with the ledger."""
    if database.engine == "postgres":
        return reconcile_postgres(database.url, ledger, cycle_readers)
    db = sqlite3.connect(f"file:{database.path}?mode=ro", uri=True, timeout=10)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        integrity_ok = integrity == [("ok",)]
        foreign_keys_ok = db.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = {}
        for voter, key in db.execute(
            "SELECT b.voter, o.key FROM ballot b "
            "JOIN ballot_choice c ON c.ballot_id = b.id "
            "JOIN poll_option o ON o.id = c.option_id"
        ):
            stored.setdefault(voter, []).append(key)
        # A ballot without its answer would be half a vote: the two inserts share a transaction.
        empty = db.execute(
            "SELECT COUNT(*) FROM ballot b WHERE NOT EXISTS "
            "(SELECT 1 FROM ballot_choice c WHERE c.ballot_id = b.id)"
        ).fetchone()[0]
    finally:
        db.close()
    integrity = "ok" if integrity_ok and foreign_keys_ok else f"FAILED {integrity[:3]}"
    return compare(stored, empty, integrity, ledger, cycle_readers)


def reconcile_postgres(url, ledger, cycle_readers):
    """The same reading of the PostgreSQL tables; "integrity" there is the running counts (summed
    over their shards) equal to the ballot table, per answer and for the voters."""
    stored = {}
    for voter, key in psql(
        url,
        "SELECT b.voter, o.key FROM ballot b "
        "JOIN ballot_choice c ON c.ballot_id = b.id "
        "JOIN poll_option o ON o.id = c.option_id",
    ):
        stored.setdefault(voter, []).append(key)
    empty = int(
        psql(
            url,
            "SELECT COUNT(*) FROM ballot b WHERE NOT EXISTS "
            "(SELECT 1 FROM ballot_choice c WHERE c.ballot_id = b.id)",
        )[0][0]
    )
    mismatched = psql(
        url,
        "SELECT o.key FROM poll_option o "
        "WHERE COALESCE((SELECT SUM(votes) FROM option_count c WHERE c.option_id = o.id), 0) "
        "<> (SELECT COUNT(*) FROM ballot_choice c WHERE c.option_id = o.id) "
        "UNION ALL SELECT p.key FROM poll p "
        "WHERE COALESCE((SELECT SUM(voters) FROM poll_voter_count v WHERE v.poll_id = p.id), 0) "
        "<> (SELECT COUNT(*) FROM ballot b WHERE b.poll_id = p.id)",
    )
    integrity = "ok" if not mismatched else f"FAILED counts differ for {mismatched[:3]}"
    return compare(stored, empty, integrity, ledger, cycle_readers)


def reconciled(result):
    """Whether a reconciliation found nothing wrong; prints a few offending voter ids if it did."""
    if result["examples"]:
        print(f"  e.g. voter ids {', '.join(result['examples'])}")
    return (
        result["lost"] == 0
        and result["phantom"] == 0
        and result["wrong"] == 0
        and result["empty"] == 0
        and result["integrity"] == "ok"
    )


def compare(stored, empty, integrity, ledger, cycle_readers):
    """What the database holds (voter id -> answers) against what the clients were told."""
    lost = [v for v in ledger.acknowledged if v not in stored]
    wrong = [
        v for v, choice in ledger.acknowledged.items() if v in stored and stored[v] != [choice]
    ]
    phantom = [v for v in stored if v not in ledger.sent]
    present = sum(1 for v in cycle_readers if v in stored)
    return {
        "present": present,
        "lost": len(lost),
        "wrong": len(wrong),
        "phantom": len(phantom),
        "empty": empty,
        "integrity": integrity,
        "examples": (lost + wrong + phantom)[:3],
    }


def run_cycle(number, args, rng, binary, database, log_path, ledger):
    server = Server(binary, database, log_path)
    try:
        if not server.wait_until_up():
            print(f"cycle {number}: the server did not start (see {log_path})")
            return False
        new_readers = [
            ("%032x" % rng.getrandbits(128), rng.choice(CHOICES))
            for _ in range(args.readers_per_cycle)
        ]
        jobs = [(v, c, False) for v, c in new_readers]
        earlier = list(ledger.acknowledged.items())
        if earlier:
            for _ in range(int(len(jobs) * REVOTE_SHARE)):
                voter, first = rng.choice(earlier)
                other = rng.choice([c for c in CHOICES if c != first])
                jobs.insert(rng.randrange(len(jobs) + 1), (voter, other, True))
        shares = [jobs[i :: args.threads] for i in range(args.threads)]
        stop = threading.Event()
        counts = [{"acknowledged": 0, "failed": 0} for _ in shares]
        threads = [
            threading.Thread(target=client, args=(server.port, share, ledger, stop, count))
            for share, count in zip(shares, counts)
        ]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(args.min_kill_delay, args.max_kill_delay))
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT_S + 5)
        if any(thread.is_alive() for thread in threads):
            print(f"cycle {number}: a client thread did not finish")
            return False
    finally:
        if server.process.poll() is None:
            server.kill()

    # Restart on the same file: opening it replays or discards the write-ahead log. One more vote
    # shows the recovered server takes votes again.
    restarted = Server(binary, database, log_path)
    try:
        recovered = restarted.wait_until_up()
        if recovered:
            voter = "%032x" % rng.getrandbits(128)
            choice = rng.choice(CHOICES)
            conn = http.client.HTTPConnection("127.0.0.1", restarted.port, timeout=REQUEST_TIMEOUT_S)
            ledger.mark_sent(voter)
            try:
                if vote(conn, voter, choice):
                    ledger.mark_acknowledged(voter, choice)
                else:
                    recovered = False
            except (OSError, http.client.HTTPException):
                recovered = False
            finally:
                conn.close()
    finally:
        exit_status = restarted.stop()
    if not recovered:
        print(f"cycle {number}: the server did not come back after the kill (see {log_path})")
        return False
    if exit_status is None:
        print(f"cycle {number}: the restarted server did not stop within {STOP_TIMEOUT_S:.0f} s of SIGTERM")
        return False
    if exit_status != 0:
        # A clean stop drains the writer: a non-zero exit means the drain (or something before it)
        # failed, and votes in flight at a real shutdown could be left unanswered.
        print(f"cycle {number}: after SIGTERM the restarted server exited with {exit_status} (see {log_path})")
        return False

    result = reconcile(database, ledger, [v for v, _ in new_readers])
    acknowledged = sum(c["acknowledged"] for c in counts)
    print(
        f"cycle {number}: acknowledged {acknowledged} present {result['present']} "
        f"lost {result['lost']} phantom {result['phantom']} wrong-answer {result['wrong']} "
        f"half-written {result['empty']} integrity {result['integrity']}"
    )
    return reconciled(result), acknowledged, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument(
        "--readers-per-cycle",
        type=int,
        default=3000,
        help="new readers queued per cycle; the kill usually comes before all have voted",
    )
    parser.add_argument("--threads", type=int, default=16, help="concurrent client connections")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--binary", default="target/release/stembus")
    parser.add_argument("--min-kill-delay", type=float, default=0.05, help="seconds")
    parser.add_argument("--max-kill-delay", type=float, default=0.8, help="seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    source = os.path.join(REPO, args.binary) if not os.path.isabs(args.binary) else args.binary
    if not os.access(source, os.X_OK):
        sys.exit(f"crash: no server binary at {source}; build it with `cargo leptos build --release`")

    work = tempfile.mkdtemp(prefix="stembus-crash-")
    # A private copy, so a rebuild of target/release during the run cannot swap the binary.
    binary = os.path.join(work, "stembus")
    shutil.copy2(source, binary)
    database = Database(args.engine, work)
    log_path = os.path.join(work, "server.log")
    print(f"crash: {args.cycles} cycles on {args.engine}, seed {seed}, database {database.describe()}")

    ledger = Ledger()
    passed = failed = 0
    totals = {"acknowledged": 0, "present": 0}
    last = None
    started = time.monotonic()
    try:
        for number in range(1, args.cycles + 1):
            outcome = run_cycle(number, args, rng, binary, database, log_path, ledger)
            if outcome is False:
                failed += 1
                continue
            ok, acknowledged, result = outcome
            totals["acknowledged"] += acknowledged
            totals["present"] += result["present"]
            last = result
            if ok:
                passed += 1
            else:
                failed += 1
    finally:
        if failed == 0 and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"crash: kept {work} for inspection")
    if last is not None:
        print(
            f"crash: total acknowledged {totals['acknowledged']} present {totals['present']} "
            f"lost {last['lost']} phantom {last['phantom']} (lost and phantom over the whole "
            f"file after the last cycle) in {time.monotonic() - started:.0f} s"
        )
    print(f"crash: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
