#!/usr/bin/env bash
# Sets up what is missing, then runs every test: unit, store and router tests, then the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PATH"

echo "== unit, store and router tests; the store's contract on SQLite and on a throwaway PostgreSQL"
# nextest runs each test in its own process with a time limit and no retries (.config/nextest.toml);
# the set-up installs it when it is missing, so there is no silent fallback without a time limit.
# The PostgreSQL half of the contract is #[ignore]d for a plain `cargo nextest run`; here it runs.
scripts/with-postgres.sh cargo nextest run --workspace --run-ignored all

echo "== the same tests with the system clock ten years ahead (no test may depend on today's date)"
# The test binaries run with libfaketime preloaded (as cargo's target runner), not nextest itself,
# whose own runtime stalls under it; and only the wall clock moves: a shifted monotonic clock hangs
# timed waits, and no date is read from it. The library is preloaded directly rather than through
# the `faketime` wrapper, whose shared-memory semaphore clashed now and then between the many test
# processes ("sem_open: File exists") and failed a test that had nothing wrong with it.
host=$(rustc -vV | sed -n 's/^host: //p')
runner="CARGO_TARGET_$(printf '%s' "$host" | tr 'a-z.-' 'A-Z__')_RUNNER"
libfaketime=$(dpkg -L libfaketime | grep '/libfaketime\.so\.1$' | head -n 1)
scripts/with-postgres.sh env FAKETIME_DONT_FAKE_MONOTONIC=1 \
  "$runner=env LD_PRELOAD=$libfaketime FAKETIME=+10y" \
  cargo nextest run --workspace --run-ignored all

echo "== end-to-end tests in chromium (release build, fresh database)"
e2e_dir=$(mktemp -d)
trap 'rm -rf "$e2e_dir"' EXIT
# Its own port and database, so a running development server is neither disturbed nor counted.
export STEMBUS_LISTEN_ADDRESS=127.0.0.1:3107
export STEMBUS_BASE_URL=http://127.0.0.1:3107
export STEMBUS_E2E_URL=http://127.0.0.1:3107
# The origin the embed test frames the poll from (Playwright answers for it; nothing listens).
export STEMBUS_EMBED_ORIGINS=http://127.0.0.1:3199
export STEMBUS_DATABASE_PATH="$e2e_dir/stembus.db"
cargo leptos end-to-end --release --precompress

echo "== the island's WASM carries no words of its own: none of the message files' texts"
python3 bench/wasm_words_check.py target/site/pkg/stembus.wasm

echo "== scripts/site-build (what scripts/serve.sh builds with) builds exactly cargo-leptos's site"
node bench/site_build_check.mjs

echo "== every page the release server serves passes the W3C Nu HTML checker with 0 errors"
PATH="${STEMBUS_TOOLS_VENV:-$HOME/.local/share/stembus/venv}/bin:$PATH" python3 bench/html_check.py

echo "== crash harness: kill -9 during votes, every acknowledged vote must survive (10 cycles on SQLite)"
python3 bench/crash.py --cycles 10

echo "== crash harness on a throwaway PostgreSQL (5 cycles)"
scripts/with-postgres.sh python3 bench/crash.py --engine postgres --cycles 5

echo "== behind Varnish with its built-in rules: shared pages cached, nothing private stored"
python3 bench/varnish_check.py

echo "== behind nginx with deploy/nginx-stembus.conf: TLS, the reader's address for the rate limit"
python3 bench/nginx_check.py

echo "== /metrics of the release server, checked by promtool"
python3 bench/metrics_check.py

echo "== the systemd unit verifies"
bench/systemd_check.sh

echo "== backup and restore through the stembus command, while votes arrive"
python3 bench/backup_check.py

echo "== failover harness: two nodes, a synchronous standby, kill -9 of a node and of the primary (2 failovers)"
python3 bench/failover.py --failovers 2
