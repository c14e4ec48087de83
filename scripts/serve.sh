#!/usr/bin/env bash
# Sets up what is missing, then builds the release site (brotli and gzip files made at build time) and
# serves it (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh serve
export PATH="$HOME/.cargo/bin:$PATH"
exec cargo leptos serve --release --precompress
