#!/usr/bin/env bash
# Formatting, and clippy with warnings as errors on each half on its own target: ssr and wasm32 hydrate.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo fmt --check
cargo clippy --features ssr --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings
