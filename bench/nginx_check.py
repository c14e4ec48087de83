#!/usr/bin/env python3
"""Stembus behind nginx, with the configuration docs/operations.md gives (deploy/nginx-stembus.conf; only
its ports and certificate paths replaced): a throwaway nginx with a self-signed certificate on
127.0.0.1, the release server with `base_url` https and `trusted_proxy` 127.0.0.1.

Checks: pages and votes over TLS; HSTS and a `Secure` voter cookie; the rate limit keys each reader
by the address nginx saw (readers on 127.0.0.2 and 127.0.0.3 have their own buckets), and a reader's
own X-Forwarded-For changes nothing; a vote reaches an open live stream unbuffered; one address's
live streams are bounded by the file's `limit_conn` (lowered to 3 here), another address's not.

    python3 bench/nginx_check.py

Python standard library, openssl and nginx; everything it starts is stopped on exit.
"""

import http.client
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402  (the work folder, the server and the tally)
import crash  # noqa: E402

ARTICLE = "/artikel/deepseek-nvidia-beurswaarde"
# What the check lowers the configuration's streams per address to.
STREAMS_PER_ADDRESS = 3
CONFIG = os.path.join(crash.REPO, "deploy", "nginx-stembus.conf")


def main():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        sys.exit("nginx: no nginx here; scripts/setup.sh test installs Debian's")
    run = checks.Checks("nginx")
    check, work = run.check, run.work
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
        check=True, capture_output=True, timeout=60,
    )
    os.chmod(key, 0o644)
    tls_port = crash.free_port()

    # The server, as docs/operations.md says to run it behind nginx, with a small vote burst to see whose
    # bucket a vote draws on.
    server = run.server(
        settings={
            "STEMBUS_TRUSTED_PROXY": "127.0.0.1",
            "STEMBUS_BASE_URL": f"https://127.0.0.1:{tls_port}",
            "STEMBUS_VOTE_BURST": "2",
            "STEMBUS_VOTES_PER_MINUTE": "1",
        },
    )
    proxy = None
    try:
        if not server.wait_until_up():
            sys.exit("nginx: the server did not start")
        with open(CONFIG) as f:
            site = f.read()
        site = site.replace("server 127.0.0.1:3000;", f"server 127.0.0.1:{server.port};")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
        site = site.replace("/etc/ssl/stembus/fullchain.pem", cert).replace("/etc/ssl/stembus/privkey.pem", key)
        # The live streams per address, lowered so that the check can pass the bound.
        if "limit_conn stembus_live 256;" not in site:
            sys.exit("nginx: the configuration no longer bounds one address's live streams")
        site = site.replace("limit_conn stembus_live 256;", f"limit_conn stembus_live {STREAMS_PER_ADDRESS};")
        with open(os.path.join(work, "nginx.conf"), "w") as f:
            f.write(
                f"daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
                "events { worker_connections 256; }\n"
                f"http {{\n access_log {work}/access.log;\n client_body_temp_path {work}/body;\n"
                f" proxy_temp_path {work}/proxy;\n fastcgi_temp_path {work}/fastcgi;\n"
                f" uwsgi_temp_path {work}/uwsgi;\n scgi_temp_path {work}/scgi;\n{site}\n}}\n"
            )
        proxy = subprocess.Popen([nginx, "-p", work, "-c", os.path.join(work, "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE

        def send(method, path, source="127.0.0.2", headers=None, body=None):
            conn = http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10, context=context,
                                               source_address=(source, 0))
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            conn.close()
            return response, text

        deadline = time.monotonic() + 30
        while True:
            try:
                send("GET", "/robots.txt")
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit(f"nginx: nginx did not start (see {work}/error.log)")
                time.sleep(0.1)

        page, html = send("GET", ARTICLE, headers={"Accept": "text/html"})
        check(page.status == 200 and "Brengt DeepSeek blijvende schade toe aan Nvidia?" in html, "the article over TLS through nginx")
        check("max-age=31536000" in (page.getheader("Strict-Transport-Security") or ""), "HSTS, since base_url is https")

        form = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
        vote = "poll=deepseek-schade-nvidia&choice=ja"
        first, _ = send("POST", "/api/stem", headers=form, body=vote)
        cookie = first.getheader("Set-Cookie") or ""
        check(first.status == 200 and re.search(r";\s*Secure", cookie) is not None, "a vote over TLS gets a Secure voter cookie")
        # vote_burst is 2: every new reader from 127.0.0.2 draws on one bucket, whatever they claim.
        second, _ = send("POST", "/api/stem", headers=form, body=vote)
        spoofed, _ = send("POST", "/api/stem", headers={**form, "X-Forwarded-For": "10.9.9.9"}, body=vote)
        check(second.status == 200 and spoofed.status == 429, "the third vote from 127.0.0.2 is slowed, a claimed X-Forwarded-For changes nothing")
        check(spoofed.getheader("Retry-After") is not None, "with Retry-After")
        other, _ = send("POST", "/api/stem", source="127.0.0.3", headers=form, body=vote)
        check(other.status == 200, "a reader on 127.0.0.3 has a bucket of their own: stembus saw the address nginx saw")

        # The live results through nginx: an event must reach the reader as it is written, not
        # when nginx's buffer fills; the voter cookie of the first vote may watch the standing.
        stream_conn = http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10, context=context)
        stream_conn.request("GET", "/api/polls/deepseek-schade-nvidia/live",
                            headers={"Accept": "text/event-stream", "Cookie": cookie.split(";")[0]})
        stream = stream_conn.getresponse()
        pending = [b""]

        def next_event(wait):
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                while b"\n\n" in pending[0]:
                    event, pending[0] = pending[0].split(b"\n\n", 1)
                    if b"data:" in event:
                        return event.decode()
                chunk = stream.read1(4096)
                if not chunk:
                    return None
                pending[0] += chunk
            return None

        check(stream.status == 200 and stream.getheader("Content-Type") == "text/event-stream", "the live stream opens through nginx")
        first_event = next_event(5)
        voters = re.search(r'"voters":(\d+)', first_event or "")
        check(voters is not None, "its first event arrives at once")
        later, _ = send("POST", "/api/stem", source="127.0.0.4", headers=form, body=vote)
        started = time.monotonic()
        seen = None
        while voters is not None and time.monotonic() - started < 5:
            seen = next_event(5 - (time.monotonic() - started))
            if seen and f'"voters":{int(voters.group(1)) + 1}' in seen:
                break
        check(later.status == 200 and seen is not None and time.monotonic() - started < 4,
              f"a new vote reaches the open stream within seconds ({time.monotonic() - started:.1f} s): nginx does not buffer it")
        stream_conn.close()

        # One address holds at most STREAMS_PER_ADDRESS live streams; another still gets one.
        def open_stream(source):
            conn = http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10, context=context,
                                               source_address=(source, 0))
            conn.request("GET", "/api/polls/deepseek-schade-nvidia/live",
                         headers={"Accept": "text/event-stream", "Cookie": cookie.split(";")[0]})
            return conn, conn.getresponse()

        held = [open_stream("127.0.0.5") for _ in range(STREAMS_PER_ADDRESS)]
        extra_conn, extra = open_stream("127.0.0.5")
        elsewhere_conn, elsewhere = open_stream("127.0.0.6")
        check(all(response.status == 200 for _, response in held) and extra.status == 429,
              f"one address's live streams are bounded: {STREAMS_PER_ADDRESS} open, the next gets 429")
        check(elsewhere.status == 200, "a reader on another address still gets a stream")
        for conn, _ in [*held, (extra_conn, extra), (elsewhere_conn, elsewhere)]:
            conn.close()
    finally:
        checks.stop(proxy, signal.SIGQUIT)
        server.stop()
    run.finish()


if __name__ == "__main__":
    main()
