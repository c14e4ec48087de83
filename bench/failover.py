#!/usr/bin/env python3
"""Failover harness: two stembus nodes on a PostgreSQL primary with a synchronous standby, readers
voting through both nodes, then kill -9 of a node (restarted), kill -9 of the primary and promotion
of the standby. Every acknowledged vote must be on the promoted server with the answer that was
sent, no ballot may belong to an id no client sent, the running counts must equal the ballot table,
and no vote may go unanswered.

Each failover is one cycle; after it a new standby is cloned from the promoted server (on the dead
primary's port, so the nodes' URL `127.0.0.1:P1,127.0.0.1:P2 ... target_session_attrs=read-write`
stays the same) and made synchronous again, and the next cycle kills the other node and the new
primary.

    python3 bench/failover.py --failovers 2      # the short run in scripts/test.sh
    python3 bench/failover.py --failovers 20     # the long run

Both clusters are throwaway (a temporary folder, free ports on 127.0.0.1, run as the postgres user
when started as root) and are stopped and removed at the end, as are the nodes. Python standard
library only, plus Debian's PostgreSQL binaries and psql.
"""

import argparse
import glob
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402  (the crash harness: its ledger, server runner and reconciliation)

POLL = crash.POLL
CHOICES = crash.CHOICES
REQUEST_TIMEOUT_S = 20.0  # above the server's own 15 s deadline: a vote without an answer hung
RECOVERY_TIMEOUT_S = 60.0


def postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        sys.exit("failover: no PostgreSQL server here; scripts/setup.sh test installs Debian's")
    return os.path.dirname(found[-1])


def as_owner(args):
    """`args` as the postgres user when we are root (PostgreSQL refuses to run as root)."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Cluster:
    """One PostgreSQL server with its own data folder and port on 127.0.0.1."""

    def __init__(self, bindir, work, name, port):
        self.bindir = bindir
        self.work = work
        self.dir = os.path.join(work, name)
        self.port = port

    def run(self, *args, quiet=True):
        subprocess.run(
            as_owner([os.path.join(self.bindir, args[0]), *args[1:]]),
            check=True,
            stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.PIPE,
            timeout=120,
        )

    def init_primary(self):
        self.run("initdb", "-D", self.dir, "-A", "trust", "-U", "postgres")
        with open(os.path.join(self.dir, "postgresql.conf"), "a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.work}'\n"
                "wal_level = replica\nmax_wal_senders = 10\nhot_standby = on\n"
                "synchronous_commit = on\nmax_connections = 200\n"
            )
        self.set_port()

    def clone_from(self, primary):
        """A streaming standby of `primary`, which must not itself wait for a standby once promoted."""
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", self.dir, "-R", "-X", "stream", "-c", "fast",
        )
        with open(os.path.join(self.dir, "postgresql.auto.conf"), "a") as conf:
            conf.write("synchronous_standby_names = ''\n")
        self.set_port()

    def set_port(self):
        with open(os.path.join(self.dir, "postgresql.conf"), "a") as conf:
            conf.write(f"port = {self.port}\n")

    def start(self):
        """Starts the server; a second try after a pause, since a killed postmaster's last backends
        can hold the port a moment longer on a loaded machine. The server's log is printed when
        both tries fail, so a failure says why."""
        for attempt in range(2):
            self.clear_dead_socket_lock()
            try:
                self.run("pg_ctl", "-D", self.dir, "-l", self.dir + ".log", "-w", "-t", "60", "start")
                return
            except subprocess.CalledProcessError:
                if attempt == 1:
                    try:
                        with open(self.dir + ".log", errors="replace") as log:
                            print("".join(log.readlines()[-20:]), file=sys.stderr)
                    except OSError:
                        pass
                    raise
                wait_until_free(self.port, self.dir, 30)

    def clear_dead_socket_lock(self):
        """Removes the socket's lock file a killed postmaster left once that postmaster is dead,
        reaped or not (waiting up to 30 s for it to die). PostgreSQL removes a stale lock itself
        only when its process is gone, and a zombie still answers `kill(pid, 0)`: the restart
        after a `kill -9` failed so ("lock file .s.PGSQL.N.lock already exists", 7 December) when
        the orphaned postmaster had not been reaped yet."""
        lock = os.path.join(self.work, f".s.PGSQL.{self.port}.lock")
        try:
            with open(lock) as lock_file:
                pid = int(lock_file.readline())
        except (OSError, ValueError):
            return
        deadline = time.monotonic() + 30
        while process_state(pid) not in (None, "Z") and time.monotonic() < deadline:
            time.sleep(0.05)
        if process_state(pid) in (None, "Z"):
            for path in (lock, lock[: -len(".lock")]):
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement, database="postgres"):
        return crash.psql(self.url(database), statement)

    def kill9(self):
        """SIGKILL to the postmaster, as a crash of the machine's database would; its backends
        notice and exit."""
        with open(os.path.join(self.dir, "postmaster.pid")) as pid_file:
            pid = int(pid_file.readline())
        os.kill(pid, signal.SIGKILL)
        wait_until_free(self.port, self.dir, 30)

    def promote(self):
        self.run("pg_ctl", "-D", self.dir, "-w", "promote")

    def stop(self):
        try:
            self.run("pg_ctl", "-D", self.dir, "-m", "immediate", "-w", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError):
            pass


def wait_until_free(port, data_dir, seconds):
    """Waits until nothing listens on `port` and no process names `data_dir` any more."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not port_in_use(port) and not backends_left(data_dir):
            return
        time.sleep(0.05)


def process_state(pid):
    """The state letter of process `pid` (`Z` for a zombie), or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def port_in_use(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def backends_left(data_dir):
    """Whether any process still names `data_dir` on its command line (the killed postmaster)."""
    needle = data_dir.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if needle in cmdline.read():
                    return True
        except OSError:
            continue
    return False


def make_synchronous(primary):
    primary.sql("ALTER SYSTEM SET synchronous_standby_names = '*'")
    primary.sql("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = primary.sql("SELECT sync_state FROM pg_stat_replication")
        if ("sync",) in states:
            return
        time.sleep(0.1)
    sys.exit("failover: the standby never became synchronous")


class PostgresUrl:
    """The nodes' database: both servers, the writable one whichever it is."""

    def __init__(self, ports):
        hosts = ",".join(f"127.0.0.1:{port}" for port in ports)
        self.url = f"postgres://postgres@{hosts}/stembus?target_session_attrs=read-write"

    def environment(self):
        return {"STEMBUS_DATABASE_URL": self.url}


ARTICLE = "/artikel/deepseek-nvidia-beurswaarde"


class Tally:
    """What the readers saw in one cycle: acknowledgement times, 503s and unanswered votes, and the
    pages a voter loaded meanwhile."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acks = []
        self.unavailable = []
        self.unanswered = 0
        self.pages = 0
        self.bad_pages = []

    def ack(self):
        with self.lock:
            self.acks.append(time.monotonic())

    def busy(self):
        with self.lock:
            self.unavailable.append(time.monotonic())


def reader(nodes, which, jobs, ledger, tally, stop):
    """Votes through node `which` (whatever port it has now) until told to stop."""
    conn, port = None, None
    for voter, choice in jobs:
        if stop.is_set():
            break
        try:
            if conn is None or port != nodes[which].port:
                if conn is not None:
                    conn.close()
                port = nodes[which].port
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
            ledger.mark_sent(voter)
            conn.request(
                "POST",
                "/api/stem",
                body=f"poll={POLL}&choice={choice}",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                    "Cookie": f"{crash.COOKIE}={voter}",
                },
            )
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                ledger.mark_acknowledged(voter, choice)
                tally.ack()
            elif response.status == 503:
                tally.busy()
                time.sleep(0.05)
        except socket.timeout:
            with tally.lock:
                tally.unanswered += 1
            conn.close()
            conn = None
        except (OSError, http.client.HTTPException):
            # The node was killed under this connection: no answer, and none expected.
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.05)
    if conn is not None:
        conn.close()


def page_reader(nodes, voter, tally, stop):
    """Loads the article as a reader who voted (rendered for them, reading the standing from the
    store) from both nodes in turn, all through the failover; every page must come back with 200."""
    turn = 0
    while not stop.is_set():
        node = nodes[turn % 2]
        turn += 1
        try:
            conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=REQUEST_TIMEOUT_S)
            conn.request("GET", ARTICLE, headers={"Cookie": f"{crash.COOKIE}={voter}"})
            response = conn.getresponse()
            response.read()
            conn.close()
            with tally.lock:
                tally.pages += 1
                if response.status != 200:
                    tally.bad_pages.append(response.status)
        except socket.timeout:
            with tally.lock:
                tally.bad_pages.append("no answer")
        except (OSError, http.client.HTTPException):
            pass  # the node was killed under this request
        time.sleep(0.05)


def run_cycle(number, args, rng, binary, log_path, clusters, primary_index, nodes, database, ledger):
    primary, standby = clusters[primary_index], clusters[1 - primary_index]
    tally = Tally()
    stop = threading.Event()
    readers_per_node = args.threads // 2
    new_readers = [("%032x" % rng.getrandbits(128), rng.choice(CHOICES)) for _ in range(200000)]
    shares = [new_readers[i :: args.threads] for i in range(args.threads)]
    threads = [
        threading.Thread(
            target=reader, args=(nodes, i // readers_per_node, share, ledger, tally, stop)
        )
        for i, share in enumerate(shares)
    ]
    page_voter = "%032x" % rng.getrandbits(128)
    threads.append(threading.Thread(target=page_reader, args=(nodes, page_voter, tally, stop)))
    for thread in threads:
        thread.start()
    time.sleep(args.warm_up)

    # A node dies and comes back.
    victim = number % 2
    nodes[victim].kill()
    nodes[victim] = crash.Server(binary, database, log_path)
    if not nodes[victim].wait_until_up():
        stop.set()
        print(f"failover {number}: the killed node did not come back (see {log_path})")
        return None
    time.sleep(args.warm_up / 2)

    # The primary dies; the standby is promoted.
    killed_at = time.monotonic()
    primary.kill9()
    standby.promote()
    promoted_at = time.monotonic()
    resumed_at = None
    while time.monotonic() < promoted_at + RECOVERY_TIMEOUT_S:
        with tally.lock:
            after = [t for t in tally.acks if t > promoted_at]
        if after:
            resumed_at = after[0]
            break
        time.sleep(0.02)
    time.sleep(args.warm_up)
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_S + 5)
    if any(thread.is_alive() for thread in threads):
        print(f"failover {number}: a reader did not finish")
        return None
    if resumed_at is None:
        print(f"failover {number}: no vote was acknowledged within {RECOVERY_TIMEOUT_S:.0f} s of the promotion")
        return None

    window = (killed_at - 1.0, resumed_at + 1.0)
    acks = sorted(t for t in tally.acks if window[0] <= t <= window[1])
    gap = max((b - a for a, b in zip(acks, acks[1:])), default=0.0)
    refused = sum(1 for t in tally.unavailable if window[0] <= t <= window[1])
    result = crash.reconcile_postgres(
        standby.url("stembus"), ledger, [voter for voter, _ in new_readers]
    )
    acknowledged = sum(1 for t in tally.acks)
    print(
        f"failover {number}: acknowledged {acknowledged} present {result['present']} "
        f"lost {result['lost']} phantom {result['phantom']} wrong-answer {result['wrong']} "
        f"integrity {result['integrity']} longest-gap {gap:.2f} s 503s {refused} "
        f"unanswered {tally.unanswered} pages {tally.pages} (not 200: {len(tally.bad_pages)}) "
        f"(promotion took {promoted_at - killed_at:.2f} s)"
    )
    passed = crash.reconciled(result) and tally.unanswered == 0 and not tally.bad_pages
    return passed, acknowledged, result, gap, refused


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failovers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="readers, half on each node")
    parser.add_argument("--warm-up", type=float, default=1.0, help="seconds of voting around each kill")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--binary", default="target/release/stembus")
    args = parser.parse_args()
    if args.threads < 2 or args.threads % 2:
        sys.exit("failover: --threads must be even, at least 2")

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    source = os.path.join(crash.REPO, args.binary) if not os.path.isabs(args.binary) else args.binary
    if not os.access(source, os.X_OK):
        sys.exit(f"failover: no server binary at {source}; build it with `cargo leptos build --release`")
    bindir = postgres_bin()

    work = tempfile.mkdtemp(prefix="stembus-failover-")
    if os.geteuid() == 0:
        shutil.chown(work, user="postgres")
    binary = os.path.join(work, "stembus")
    shutil.copy2(source, binary)
    log_path = os.path.join(work, "nodes.log")
    ports = [crash.free_port(), crash.free_port()]
    clusters = [Cluster(bindir, work, "a", ports[0]), Cluster(bindir, work, "b", ports[1])]
    nodes = []
    passed = failed = 0
    gaps, refusals = [], []
    totals = {"acknowledged": 0}
    started = time.monotonic()
    try:
        clusters[0].init_primary()
        clusters[0].start()
        clusters[0].sql("CREATE DATABASE stembus")
        clusters[1].clone_from(clusters[0])
        clusters[1].start()
        make_synchronous(clusters[0])
        database = PostgresUrl(ports)
        print(
            f"failover: {args.failovers} failovers, seed {seed}, primary 127.0.0.1:{ports[0]}, "
            f"synchronous standby 127.0.0.1:{ports[1]}, two nodes"
        )
        nodes = [crash.Server(binary, database, log_path) for _ in range(2)]
        if not all(node.wait_until_up() for node in nodes):
            sys.exit(f"failover: the nodes did not start (see {log_path})")
        ledger = crash.Ledger()
        primary_index = 0
        for number in range(1, args.failovers + 1):
            outcome = run_cycle(
                number, args, rng, binary, log_path, clusters, primary_index, nodes, database, ledger
            )
            if outcome is None:
                failed += 1
                break
            ok, acknowledged, _, gap, refused = outcome
            totals["acknowledged"] += acknowledged
            gaps.append(gap)
            refusals.append(refused)
            passed += ok
            failed += not ok
            if number == args.failovers:
                break
            # The dead primary's place gets a new standby of the promoted server.
            dead = clusters[primary_index]
            shutil.rmtree(dead.dir, ignore_errors=True)
            primary_index = 1 - primary_index
            dead.clone_from(clusters[primary_index])
            dead.start()
            make_synchronous(clusters[primary_index])
    finally:
        for node in nodes:
            if node.process.poll() is None:
                node.kill()
        for cluster in clusters:
            cluster.stop()
        if failed == 0:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"failover: kept {work} for inspection")
    if gaps:
        print(
            f"failover: total acknowledged {totals['acknowledged']}; longest gap without an "
            f"acknowledgement {max(gaps):.2f} s (median {sorted(gaps)[len(gaps) // 2]:.2f} s); "
            f"503s per failover {min(refusals)}-{max(refusals)}; in {time.monotonic() - started:.0f} s"
        )
    print(f"failover: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
