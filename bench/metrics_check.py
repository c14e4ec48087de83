#!/usr/bin/env python3
"""The release server's `/metrics` after votes and pages, checked with Prometheus's own
`promtool check metrics` (Debian `prometheus`). Python standard library and promtool; the server
listens on 127.0.0.1 and is stopped on exit.

    python3 bench/metrics_check.py
"""

import http.client
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402  (its server runner and vote client)


class SqliteFile:
    def __init__(self, path):
        self.path = path

    def environment(self):
        return {"STEMBUS_DATABASE_PATH": self.path}


def main():
    promtool = shutil.which("promtool")
    if not promtool:
        sys.exit("metrics: no promtool here; scripts/setup.sh test installs Debian's prometheus")
    source = os.path.join(crash.REPO, "target/release/stembus")
    if not os.access(source, os.X_OK):
        sys.exit("metrics: no server binary; build it with `cargo leptos build --release`")
    work = tempfile.mkdtemp(prefix="stembus-metrics-")
    binary = os.path.join(work, "stembus")
    shutil.copy2(source, binary)
    server = crash.Server(binary, SqliteFile(os.path.join(work, "votes.db")), os.path.join(work, "server.log"))
    try:
        if not server.wait_until_up():
            sys.exit("metrics: the server did not start")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for i in range(5):
            crash.vote(conn, "%032x" % (0xE0 << 120 | i), "ja")
        for path in ["/artikel/deepseek-nvidia-beurswaarde", "/artikel/deepseek-nvidia-beurswaarde", "/nergens"]:
            conn.request("GET", path)
            conn.getresponse().read()
        conn.request("GET", "/metrics")
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
    finally:
        server.stop()
    checked = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    ok = response.status == 200 and checked.returncode == 0 and "stembus_votes_total" in text
    print(checked.stdout.strip() or "metrics: promtool found nothing to object to")
    if checked.stderr.strip():
        print(checked.stderr.strip())
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(text)
    print(f"metrics: {int(ok)} passed, {int(not ok)} failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
