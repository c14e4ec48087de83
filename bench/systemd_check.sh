#!/usr/bin/env bash
# Checks deploy/stembus.service with `systemd-analyze verify` against the release binary (the unit's
# ExecStart path replaced): any error or warning, an unknown or misspelt option included, fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd: no systemd-analyze here; scripts/setup.sh test installs Debian's systemd" >&2
  exit 1
fi
if [ ! -x target/release/stembus ]; then
  echo "systemd: no release binary; build it with cargo leptos build --release" >&2
  exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#^ExecStart=/opt/stembus/stembus\$#ExecStart=$PWD/target/release/stembus#" deploy/stembus.service \
  >"$dir/stembus.service"
grep -q "^ExecStart=$PWD/target/release/stembus\$" "$dir/stembus.service"
status=0
out=$(systemd-analyze verify "$dir/stembus.service" 2>&1) || status=$?
if [ "$status" -ne 0 ] || [ -n "$out" ]; then
  printf '%s\n' "$out"
  echo "systemd: 0 passed, 1 failed"
  exit 1
fi
echo "systemd: deploy/stembus.service verifies without a warning"
echo "systemd: 1 passed, 0 failed"
