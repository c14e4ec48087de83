#!/usr/bin/env python3
"""Where a live stream's memory goes: the release server's resident size per connection, by what the
connection did, a fresh server for each: connected and nothing sent; one request answered
(`/robots.txt`) and kept alive; a live stream open (with the cookie of a reader who voted, as
bench/live.sh's streams). The difference between the last two is the stream's own cost, the rest is
the HTTP connection's. Prints figures, asserts nothing.

    python3 bench/connection_memory.py [connections, default 5000]

The server on core 0, this client (Python asyncio, several loopback source addresses) on core 1;
loopback only; each server is stopped before the next starts.
"""

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402  (free ports, the repository)

POLL = crash.POLL
OPENING_AT_ONCE = 200


def resident_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


async def hold(port, mode, cookie, index):
    source = f"127.0.0.{2 + index % 4}"
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    if mode == "kept alive":
        writer.write(b"GET /robots.txt HTTP/1.1\r\nHost: stembus\r\n\r\n")
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")
    elif mode == "live stream":
        writer.write(
            f"GET /api/polls/{POLL}/live HTTP/1.1\r\nHost: stembus\r\nAccept: text/event-stream\r\n"
            f"Cookie: {cookie}\r\n\r\n".encode()
        )
        await writer.drain()
        await reader.readuntil(b"data:")
    return writer


async def measure(port, pid, mode, cookie, count):
    before = resident_kb(pid)
    turns = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(index):
        async with turns:
            return await hold(port, mode, cookie, index)

    writers = await asyncio.gather(*[one(i) for i in range(count)])
    await asyncio.sleep(2)
    after = resident_kb(pid)
    for writer in writers:
        writer.close()
    return (after - before) / count


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    binary = os.path.join(crash.REPO, "target/release/stembus")
    if not os.access(binary, os.X_OK):
        sys.exit("connection_memory: no release server; build it with `cargo leptos build --release`")
    os.sched_setaffinity(0, {1})
    print(f"resident memory per connection, {count} connections, a fresh server each")
    for mode in ("connected", "kept alive", "live stream"):
        work = tempfile.mkdtemp(prefix="stembus-connections-")
        port = crash.free_port()
        env = dict(os.environ, STEMBUS_DATABASE_PATH=f"{work}/stembus.db",
                   STEMBUS_LISTEN_ADDRESS=f"127.0.0.1:{port}", LEPTOS_SITE_ROOT="target/site", RUST_LOG="warn")
        server = subprocess.Popen(["taskset", "-c", "0", binary], cwd=crash.REPO, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while subprocess.run(["curl", "-fsS", "-o", "/dev/null", f"http://127.0.0.1:{port}/robots.txt"],
                                 capture_output=True).returncode != 0:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("connection_memory: the server did not start")
                time.sleep(0.1)
            # What a reader does first (a vote, its stream), so that "before" holds what the
            # first request of each kind sets up.
            head = subprocess.run(
                ["curl", "-fsS", "-o", "/dev/null", "-D", "-", "-H", "Accept: application/json",
                 "-d", f"poll={POLL}&choice=nee", f"http://127.0.0.1:{port}/api/stem"],
                capture_output=True, text=True).stdout
            cookie = re.search(rf"({crash.COOKIE}=[^;\r\n]+)", head).group(1)
            subprocess.run(["curl", "-sS", "-o", "/dev/null", "-m", "1", "-H", f"Cookie: {cookie}",
                            f"http://127.0.0.1:{port}/api/polls/{POLL}/live"], capture_output=True)
            time.sleep(1)
            per_connection = asyncio.run(measure(port, server.pid, mode, cookie, count))
            print(f"  {mode:<12} {per_connection:6.1f} KB")
        finally:
            server.terminate()
            server.wait(timeout=20)
            subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
