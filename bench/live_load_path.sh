#!/usr/bin/env bash
# Prints the path of the live-results load generator (benches/live_load.rs), building it first
# unless STEMBUS_NO_BUILD=1 (then the newest one in target/release is taken). bench/live.sh and
# bench/viral.sh run it; it fails with a message when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
if [ "${STEMBUS_NO_BUILD:-0}" = 1 ]; then
  generator=$(ls -t target/release/deps/live_load-* 2>/dev/null | grep -v '\.d$' | head -n 1 || true)
else
  generator=$(cargo bench --package stembus-server --bench live_load --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "live_load" and m.get("executable"):
        print(m["executable"])')
fi
if [ ! -x "${generator:-}" ]; then
  echo "no load generator: cargo bench --package stembus-server --bench live_load --no-run" >&2
  exit 1
fi
echo "$generator"
