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

# Every page sets its title through app.rs's PageTitle, which escapes it: leptos_meta's own <Title>
# writes its text into <title> unescaped (see PageTitle), so a question could end the element.
raw_titles=$(grep -rnE '<Title\b|leptos_meta::\{[^}]*\bTitle\b|leptos_meta::Title\b' src | grep -v '^src/app\.rs:' || true)
if [ -n "$raw_titles" ]; then
  echo "lint: set a page's title with crate::app::PageTitle, never leptos_meta's <Title> directly:" >&2
  printf '%s\n' "$raw_titles" >&2
  exit 1
fi
