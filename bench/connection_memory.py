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
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402  (the server runner, the first voter's cookie)

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
    print(f"resident memory per connection, {count} connections, a fresh server each")
    for mode in ("connected", "kept alive", "live stream"):
        work = tempfile.mkdtemp(prefix="stembus-connections-")
        # The server inherits this process's core; the client then moves to the other one.
        os.sched_setaffinity(0, {0})
        server = crash.Server(binary, crash.Database("sqlite", work), os.path.join(work, "server.log"))
        os.sched_setaffinity(0, {1})
        try:
            if not server.wait_until_up():
                sys.exit(f"connection_memory: the server did not start (see {work}/server.log)")
            # What a reader does first (a vote, its stream), so that "before" holds what the
            # first request of each kind sets up.
            cookie = crash.first_voter_cookie("127.0.0.1", server.port)
            asyncio.run(measure(server.port, server.process.pid, "live stream", cookie, 1))
            time.sleep(1)
            per_connection = asyncio.run(measure(server.port, server.process.pid, mode, cookie, count))
            print(f"  {mode:<12} {per_connection:6.1f} KB")
        finally:
            server.stop()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
