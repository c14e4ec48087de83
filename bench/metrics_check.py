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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402  (the work folder, the server and the tally)
import crash  # noqa: E402  (its vote client)


def main():
    promtool = shutil.which("promtool")
    if not promtool:
        sys.exit("metrics: no promtool here; scripts/setup.sh test installs Debian's prometheus")
    run = checks.Checks("metrics")
    server = run.server()
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
    linted = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    for line in (linted.stdout + linted.stderr).strip().splitlines():
        print(f"metrics: promtool: {line}")
    run.check(response.status == 200 and "stembus_votes_total" in text, "the release server serves /metrics to 127.0.0.1")
    run.check(linted.returncode == 0 and not linted.stdout.strip(), "promtool check metrics finds nothing to object to")
    run.finish()


if __name__ == "__main__":
    main()
