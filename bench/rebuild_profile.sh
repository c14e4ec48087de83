#!/usr/bin/env bash
# Where an edit's rebuild goes, for the developer's loop (bench/watch.sh gives the edit-to-page
# time; this gives its parts):
#   - per edit (a view text in the article page, a server-only text in robots.txt, both in the web
#     crate; and a constant in the smallest room, stembus-ops, for the floor every server edit pays;
#     see bench/edits.sh), the server build cargo-leptos's watch runs, with `--timings`: each
#     workspace crate it compiled again, the binary's time (its link) and cargo's total;
#   - once per kind, the edited crate (stembus-web) with rustc's `-Z time-passes` (RUSTC_BOOTSTRAP=1,
#     on the stable compiler): the compiler phases over 0.1 s, and the binary's link with `run_linker`.
# The build is cargo-leptos's debug server build to the letter (its arguments and RUSTFLAGS, with
# `--cfg erase_components`), on a throwaway clone of HEAD with a target/ of its own (a cold server
# build first, 2-3 minutes on 2 cores). Builds only; starts no server. Bounded by
# BENCH_PROFILE_LIMIT (default 20m); the temp dir is removed on exit.
# Usage: bench/rebuild_profile.sh [--edits N]   (default 3 per kind)
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"

LIMIT="${BENCH_PROFILE_LIMIT:-20m}"
BENCH_NAME=rebuild_profile.sh
BENCH_HELP_LINES='2,13p'
# shellcheck source=bench/edits.sh
. "$(dirname "$0")/edits.sh"
bounded_run "$LIMIT" "$@"
parse_edits 3 "$@"

# cargo-leptos 0.3.10's server build in `watch` (its log, `Cargo finished ...`), and its RUSTFLAGS:
# the host's from .cargo/config.toml with ` --cfg erase_components` added in debug builds.
BUILD=(--package=stembus-server --bin=stembus --no-default-features)
EDITED_CRATE=(--package=stembus-web --lib)

say() { printf 'rebuild_profile: %s\n' "$*" >&2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/stembus-rebuild.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
trap 'say "interrupted or out of time ($LIMIT)"; exit 124' INT TERM

clone_head "$tmp"

export CARGO_TARGET_DIR="$tmp/target"
host_flags="$(sed -n 's/^rustflags = \[\(.*\)\]/\1/p' .cargo/config.toml | tr -d '",' )"
export RUSTFLAGS="${host_flags:+$host_flags }--cfg erase_components"

echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "toolchain: $(rustc --version); commit $commit; RUSTFLAGS=$RUSTFLAGS"
say "cold server build in $CARGO_TARGET_DIR"
cold_start=$(date +%s)
cargo build --quiet "${BUILD[@]}"
echo "cold server build: $(( $(date +%s) - cold_start )) s"

# From the newest cargo timing report: the seconds of the workspace's library crates compiled again
# (`name=seconds`, summed as the first field) and of the binary.
unit_times() {
  python3 - "$CARGO_TARGET_DIR/cargo-timings" <<'PY'
import glob, json, os, re, sys
report = max(glob.glob(os.path.join(sys.argv[1], "cargo-timing-*.html")), key=os.path.getmtime)
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", open(report).read(), re.S).group(1))
ours = [unit for unit in units if unit["name"].startswith("stembus")]
libs = [(unit["name"], unit["duration"]) for unit in ours if "bin" not in unit["target"]]
binary = sum(unit["duration"] for unit in ours if "bin" in unit["target"])
print(f"{sum(d for _, d in libs):.2f} {binary:.2f} " + ",".join(f"{name}={d:.2f}" for name, d in libs))
PY
}

# The compiler phases of over 0.1 s in a `-Z time-passes` log.
phases() { awk '$1 == "time:" { t = $2; sub(/;/, "", t); if (t + 0 >= 0.1) printf "  %6.2f %s\n", t, $NF }' "$1"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for kind in view server room; do
  libs=() bins=() totals=()
  for round in $(seq 1 "$EDITS"); do
    write_edit "$kind" "rp${round}x$RANDOM$RANDOM"
    t0=$(date +%s%3N)
    cargo build --quiet --timings "${BUILD[@]}" 2>/dev/null
    total=$(awk -v ms=$(( $(date +%s%3N) - t0 )) 'BEGIN { printf "%.2f", ms / 1000 }')
    read -r lib bin crates < <(unit_times)
    echo "$kind edit $round: cargo $total s = library crates $lib s ($crates) + binary (link) $bin s + cargo's own"
    libs+=("$lib"); bins+=("$bin"); totals+=("$total")
  done
  echo "$kind edit: median cargo $(printf '%s\n' "${totals[@]}" | median) s, library $(printf '%s\n' "${libs[@]}" | median) s, binary $(printf '%s\n' "${bins[@]}" | median) s over $EDITS edits"
done

# The compiler's phases, last: `-Z time-passes` is an extra argument to the one crate, so cargo
# treats that build as a different one from the builds above, with an incremental cache of its own:
# one unmeasured build warms that cache, so the phases below are an edit's, not a cold build's.
RUSTC_BOOTSTRAP=1 cargo rustc --quiet "${EDITED_CRATE[@]}" -- -Z time-passes > /dev/null 2>&1
for kind in view server; do
  write_edit "$kind" "rppassesx$RANDOM$RANDOM"
  RUSTC_BOOTSTRAP=1 cargo rustc --quiet "${EDITED_CRATE[@]}" -- -Z time-passes > "$tmp/passes.log" 2>&1
  echo "$kind edit, the edited crate (stembus-web), rustc phases over 0.1 s (seconds; nested phases are inside their parents):"
  phases "$tmp/passes.log"
done
RUSTC_BOOTSTRAP=1 cargo rustc --quiet "${BUILD[@]}" -- -Z time-passes > "$tmp/passes.log" 2>&1
echo "binary crate (main.rs and the link), rustc phases over 0.1 s:"
phases "$tmp/passes.log"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
