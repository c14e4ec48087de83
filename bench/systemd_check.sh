#!/usr/bin/env bash
# Checks deploy/stembus.service with `systemd-analyze verify` against the release binary (the unit's
# ExecStart path replaced): any error or warning, an unknown or misspelt option included, fails.
# Then that the operator's commands see what the site sees: the unit sets nothing of its own
# (every setting is in the environment file it requires), deploy/stembus-command runs them with the
# unit's user, state folder, environment file, working folder and binary (and its properties verify
# as a unit too), and deploy/stembus.environment keeps the SQLite database in that state folder.
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
passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@"; then
    echo "systemd: ok   $what"
    passed=$((passed + 1))
  else
    echo "systemd: FAIL $what"
    failed=$((failed + 1))
  fi
}
verifies() {
  local out status=0
  out=$(systemd-analyze verify "$1" 2>&1) || status=$?
  [ -n "$out" ] && printf '%s\n' "$out"
  [ "$status" -eq 0 ] && [ -z "$out" ]
}
unit=deploy/stembus.service
command=deploy/stembus-command
# The value of the unit's `KEY=` line.
setting() { sed -n "s/^$1=//p" "$unit"; }

sed "s#^ExecStart=/opt/stembus/stembus\$#ExecStart=$PWD/target/release/stembus#" "$unit" \
  >"$dir/stembus.service"
grep -q "^ExecStart=$PWD/target/release/stembus\$" "$dir/stembus.service"
check "$unit verifies without a warning" verifies "$dir/stembus.service"

check "the unit sets no Environment= of its own" bash -c "! grep -q '^Environment=' $unit"
check "the unit requires /etc/stembus/environment" \
  grep -qx 'EnvironmentFile=/etc/stembus/environment' "$unit"

carries() {
  local wanted
  for wanted in "--property=User=$(setting User)" "--property=DynamicUser=$(setting DynamicUser)" \
    "--property=StateDirectory=$(setting StateDirectory)" "--property=UMask=$(setting UMask)" \
    "--property=EnvironmentFile=$(setting EnvironmentFile)" \
    "--working-directory=$(setting WorkingDirectory)" "$(setting ExecStart) \"\$@\""; do
    grep -qF -- "$wanted" "$command" || { echo "systemd: $command lacks $wanted"; return 1; }
  done
}
check "$command runs the commands as the unit runs the site" carries
check "$command is valid sh" sh -n "$command"
{
  printf '[Service]\nType=oneshot\nExecStart=%s/target/release/stembus help\n' "$PWD"
  sed -n 's/^ *--property=\([^ ]*\).*/\1/p; s/^ *--working-directory=\([^ ]*\).*/WorkingDirectory=\1/p' "$command"
} >"$dir/stembus-command.service"
check "$command's properties verify as a unit" verifies "$dir/stembus-command.service"
state="/var/lib/$(setting StateDirectory)/"
check "deploy/stembus.environment keeps the database in $state" \
  grep -q "^STEMBUS_DATABASE_PATH=$state" deploy/stembus.environment

echo "systemd: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
