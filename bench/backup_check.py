#!/usr/bin/env python3
"""Backup and restore through the `stembus` command, as an operator runs them: `stembus backup FILE`
while the release server takes votes, then `stembus restore FILE`, which must refuse while the site
runs and put the copy back once it is stopped.

Checks: the copy passes `integrity_check` and holds every vote acknowledged before the backup began;
a restore under a running site changes nothing; after the restore the database holds exactly the
copy's ballots. Python standard library only; the server listens on 127.0.0.1 and is stopped on exit.

    python3 bench/backup_check.py
"""

import http.client
import os
import sqlite3
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402  (the work folder, the server and the tally)
import crash  # noqa: E402  (its vote client)


def voters(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in db.execute("SELECT voter FROM ballot")}
    finally:
        db.close()


def integrity(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def command(binary, database, *args):
    env = dict(os.environ, STEMBUS_DATABASE_PATH=database.path)
    return subprocess.run([binary, *args], cwd=crash.REPO, env=env, capture_output=True, text=True, timeout=120)


def main():
    run = checks.Checks("backup")
    check, binary, database, log = run.check, run.binary, run.database, run.log
    copy = run.path("kopie.db")
    server = run.server()
    try:
        if not server.wait_until_up():
            sys.exit(f"backup: the server did not start (see {log})")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        before = []
        for i in range(50):
            voter = "%032x" % (0xB0 << 120 | i)
            if crash.vote(conn, voter, "ja"):
                before.append(voter)
        conn.close()

        stop = threading.Event()

        def keep_voting():
            more = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            i = 0
            while not stop.is_set():
                i += 1
                crash.vote(more, "%032x" % (0xC0 << 120 | i), "nee")
            more.close()

        voting = threading.Thread(target=keep_voting)
        voting.start()
        made = command(binary, database, "backup", copy)
        stop.set()
        voting.join(timeout=30)
        check(made.returncode == 0, f"`stembus backup` while votes arrive exits 0 ({made.stderr.strip() or made.stdout.strip()})")
        check(integrity(copy) == "ok", "the copy passes integrity_check")
        in_copy = voters(copy)
        check(all(v in in_copy for v in before), f"the copy holds all {len(before)} votes acknowledged before it began")
        again = command(binary, database, "backup", copy)
        check(again.returncode != 0 and "exists" in again.stderr, "a second backup never overwrites the first")

        refused = command(binary, database, "restore", copy)
        check(refused.returncode != 0 and "stop it" in refused.stderr, "a restore under the running site is refused")
    finally:
        status = server.stop()
    check(status == 0, "the server stops cleanly")
    live = voters(database.path)
    check(live != in_copy and live >= in_copy, "the refused restore changed nothing (the later votes are there)")

    restored = command(binary, database, "restore", copy)
    check(restored.returncode == 0, f"`stembus restore` with the site stopped exits 0 ({restored.stderr.strip()})")
    check(voters(database.path) == in_copy, "the database now holds exactly the copy's ballots")
    server = run.server()
    try:
        check(server.wait_until_up(), "the site starts on the restored database")
    finally:
        server.stop()
    run.finish()


if __name__ == "__main__":
    main()
