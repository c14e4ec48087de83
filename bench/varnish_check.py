#!/usr/bin/env python3
"""Stembus behind a real shared cache: Debian's Varnish with its built-in rules in front of the
release server, on 127.0.0.1. Checks what the caching policy (docs/performance.md) promises: the shared page comes from the
cache for a second anonymous reader; a reader who votes without JavaScript through the cache then sees
their own vote; no other reader ever sees it; nothing private is stored (a voter's page is fetched
anew for every request and never becomes what others get; refused votes and the editors' desk are
not kept; the live stream passes).

    python3 bench/varnish_check.py

Python standard library only; Varnish and the server are throwaway and stopped on exit.
"""

import http.client
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402  (the work folder, the server and the tally)
import crash  # noqa: E402

ARTICLE = "/artikel/deepseek-nvidia-beurswaarde"
OWN_VOTE = 'class="poll-own-vote"'


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    payload = response.read().decode("utf-8", "replace")
    conn.close()
    return response, payload


def cache_hit(response):
    """Varnish names two transactions in `X-Varnish` when it served a stored object."""
    return len((response.getheader("X-Varnish") or "").split()) == 2


def main():
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not os.access(varnishd, os.X_OK):
        sys.exit("varnish: no varnishd here; scripts/setup.sh test installs Debian's varnish")
    run = checks.Checks("varnish")
    check, work = run.check, run.work
    server = run.server()
    cache_port = crash.free_port()
    cache = None
    try:
        if not server.wait_until_up():
            sys.exit(f"varnish: the server did not start (see {run.log})")
        cache = subprocess.Popen(
            [
                varnishd, "-F", "-a", f"127.0.0.1:{cache_port}", "-b", f"127.0.0.1:{server.port}",
                "-n", os.path.join(work, "varnish"), "-s", "malloc,64m",
                "-T", f"127.0.0.1:{crash.free_port()}", "-p", "default_grace=0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(work, "varnish.log"), "wb"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                request(cache_port, "GET", "/robots.txt")
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("varnish: varnishd did not start")

        browser = {"Accept": "text/html", "Accept-Encoding": "identity"}
        first, first_page = request(cache_port, "GET", ARTICLE, browser)
        second, second_page = request(cache_port, "GET", ARTICLE, browser)
        check(first.status == 200 and not cache_hit(first), "the first anonymous reader's page comes from stembus")
        check(cache_hit(second) and second_page == first_page, "a second anonymous reader gets it from the cache")

        voted, _ = request(
            cache_port, "POST", "/api/stem",
            {**browser, "Content-Type": "application/x-www-form-urlencoded"},
            "poll=deepseek-schade-nvidia&choice=nee",
        )
        cookie = (voted.getheader("Set-Cookie") or "").split(";")[0]
        check(voted.status == 303 and cookie.startswith("stembus_kiezer="), "a vote without JavaScript through the cache is taken (303 and a cookie)")
        own, own_page = request(cache_port, "GET", ARTICLE, {**browser, "Cookie": cookie})
        check(OWN_VOTE in own_page and "Uw stem: <strong>Nee</strong>" in own_page, "the voter then sees their own vote")
        check("private" in (own.getheader("Cache-Control") or ""), "the voter's page is private")
        again, again_page = request(cache_port, "GET", ARTICLE, {**browser, "Cookie": cookie})
        check(not cache_hit(own) and not cache_hit(again) and OWN_VOTE in again_page, "the voter's page is fetched anew every time, never stored")

        other, other_page = request(cache_port, "GET", ARTICLE, browser)
        check(OWN_VOTE not in other_page and "Uw stem:" not in other_page, "another reader never sees that vote")
        check(cache_hit(other), "another reader still gets the shared page from the cache")
        stranger, stranger_page = request(cache_port, "GET", ARTICLE, {**browser, "Cookie": "stembus_kiezer=ffffffffffffffffffffffffffffffff"})
        check(OWN_VOTE not in stranger_page, "a reader with another voter id does not see it either")

        refused = [
            request(
                cache_port, "POST", "/api/stem",
                {**browser, "Content-Type": "application/x-www-form-urlencoded"},
                "poll=deepseek-schade-nvidia&choice=misschien",
            )
            for _ in range(2)
        ]
        check(all(r.status == 400 and not cache_hit(r) for r, _ in refused), "refused votes are answered by stembus each time, not from the cache")
        varnishstat = shutil.which("varnishstat")
        if varnishstat:
            counters = subprocess.run(
                [varnishstat, "-n", os.path.join(work, "varnish"), "-1", "-f", "MAIN.n_object"],
                capture_output=True, text=True, timeout=10,
            ).stdout
            objects = re.search(r"MAIN\.n_object\s+(\d+)", counters)
            # The shared article page and robots.txt (asked for while waiting for the cache to start):
            # nothing of the voter, nothing refused.
            check(objects is not None and int(objects.group(1)) <= 2, f"the cache holds only shared objects ({objects.group(1) if objects else '?'})")
        # After the count above: Varnish remembers an uncacheable answer as a body-less "hit-for-miss"
        # marker, which `n_object` counts too; what matters is that no desk answer is served from it.
        forms = [request(cache_port, "GET", "/redactie/aanmelden", browser) for _ in range(2)]
        tokens = [re.search(r'name="formulier" value="([0-9a-f]{64})"', page) for _, page in forms]
        check(
            all(r.status == 200 and r.getheader("Cache-Control") == "no-store" and not cache_hit(r) for r, _ in forms)
            and all(tokens) and tokens[0].group(1) != tokens[1].group(1),
            "the desk's sign-in form passes the cache: no-store, rendered anew with a fresh token each time",
        )
        api = [request(cache_port, "GET", "/api/polls/deepseek-schade-nvidia", {"Accept": "application/json"}) for _ in range(2)]
        check(
            all(r.status == 200 for r, _ in api) and cache_hit(api[1][0]) and api[0][1] == api[1][1]
            and api[1][0].getheader("ETag") == api[0][0].getheader("ETag"),
            "the results API, the same for everyone, is shared by the cache with its ETag",
        )
        streams = []
        for _ in range(2):
            conn = http.client.HTTPConnection("127.0.0.1", cache_port, timeout=10)
            conn.request("GET", "/api/polls/deepseek-schade-nvidia/live",
                         headers={"Accept": "text/event-stream", "Cookie": cookie})
            response = conn.getresponse()
            first = b""
            deadline = time.monotonic() + 5
            while b"data:" not in first and time.monotonic() < deadline:
                chunk = response.read1(4096)
                if not chunk:
                    break
                first += chunk
            streams.append((response, first))
            conn.close()
        check(
            all(r.status == 200 and b'"voters":' in first and not cache_hit(r) for r, first in streams),
            "a voter's live stream passes the cache and its events arrive as they are written",
        )
        desk = [request(cache_port, "GET", "/redactie", browser)[0] for _ in range(2)]
        check(
            all(r.status == 303 and r.getheader("Cache-Control") == "no-store" and not cache_hit(r) for r in desk),
            "the desk without a session is sent to sign in, never from the cache",
        )
    finally:
        checks.stop(cache)
        server.stop()
    run.finish()


if __name__ == "__main__":
    main()
