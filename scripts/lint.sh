#!/usr/bin/env bash
# Formatting, and clippy with warnings as errors on each half on its own target: ssr and wasm32 hydrate.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo fmt --check
cargo clippy --features ssr --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

# Dependencies point down: the store knows nothing of the server above it (HTTP, pages, metrics,
# settings). Any `crate::server::` path in a file under src/server/store/ must lead into the store.
store_above=$(grep -rnoE 'crate::server::(\{|[a-z_]+)' src/server/store | grep -vE 'crate::server::store$' || true)
if [ -n "$store_above" ]; then
  echo "lint: the store names the server above it (hand it plain values or its own types):" >&2
  printf '%s\n' "$store_above" >&2
  exit 1
fi
