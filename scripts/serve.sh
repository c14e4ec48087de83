#!/usr/bin/env bash
# Sets up what is missing, builds the release site as `cargo leptos build --release --precompress`
# does (scripts/site-build, no cargo-leptos to compile), and serves it (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh serve
export PATH="$HOME/.cargo/bin:$PATH"
node scripts/site-build/build.mjs
# The server runs with the settings cargo-leptos would give it (site root, address, output name).
mapfile -t leptos_env < <(node scripts/site-build/build.mjs --print-env)
exec env "${leptos_env[@]}" target/release/stembus
