#!/usr/bin/env bash
# Formatting, clippy with warnings as errors on each half on its own target (the server crates, and
# the shared crate for wasm32 with hydrate), and the workspace's arrows: every crate depends only on
# the rooms below it, and the browser build holds no server library.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --package stembus --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

# Dependencies point down (docs/architecture.md): a crate may depend on the crates of a lower layer
# only, so cargo itself refuses a circle and a room cannot reach into its neighbour.
cargo metadata --format-version 1 --no-deps | python3 scripts/check_layers.py

# The browser build compiles the shared crate and the poll's types (stembus-poll), and none of the
# server's libraries or rooms with them.
server_libs=$(cargo tree --package stembus --target wasm32-unknown-unknown --features hydrate \
  --edges normal --prefix none | awk '{print $1}' | sort -u |
  grep -xE 'tokio|axum|hyper|rusqlite|tokio-postgres|stembus-.*' | grep -vx 'stembus-poll' || true)
if [ -n "$server_libs" ]; then
  echo "lint: the browser build (stembus with hydrate, wasm32) depends on server libraries:" >&2
  printf '  %s\n' $server_libs >&2
  exit 1
fi

# Every page sets its title through the shell's PageTitle, which escapes it: leptos_meta's own
# <Title> writes its text into <title> unescaped (see PageTitle), so a question could end the element.
raw_titles=$(grep -rnE '<Title\b|leptos_meta::\{[^}]*\bTitle\b|leptos_meta::Title\b' src crates |
  grep -v '^crates/site/src/shell\.rs:' || true)
if [ -n "$raw_titles" ]; then
  echo "lint: set a page's title with stembus_site::shell::PageTitle, never leptos_meta's <Title> directly:" >&2
  printf '%s\n' "$raw_titles" >&2
  exit 1
fi

# The developer's-loop benchmarks (bench/watch.sh, bench/rebuild_profile.sh) edit texts they find by
# their exact words; those must still be there, or the benchmark fails the day someone runs it.
(BENCH_NAME=lint; . bench/edits.sh; edit_anchors_present)
