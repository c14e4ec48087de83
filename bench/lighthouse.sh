#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12.2.3, Debian chromium) on the article page, mobile: prints the four
# category scores, LCP, CLS and TBT, and every audit that did not pass.
# Usage: bench/lighthouse.sh [url]   (without a url: builds the release site and serves it on a fresh
# database on 127.0.0.1:3209 for the run)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

ADDR=127.0.0.1:3209
URL="${1:-}"
say() { printf 'lighthouse: %s\n' "$*" >&2; }

scripts/setup.sh test >&2
# npm ci only when the lock file changed since the last install.
if ! cmp -s bench/lighthouse/package-lock.json bench/lighthouse/node_modules/.stembus-installed-lock; then
  say "installing lighthouse from npm"
  (cd bench/lighthouse && npm ci --no-audit --no-fund >&2)
  cp bench/lighthouse/package-lock.json bench/lighthouse/node_modules/.stembus-installed-lock
fi

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$URL" ]; then
  say "building the release site"
  cargo leptos build --release --precompress >&2
  LEPTOS_OUTPUT_NAME=stembus LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=$ADDR STEMBUS_LISTEN_ADDRESS=$ADDR STEMBUS_BASE_URL="http://$ADDR" \
    STEMBUS_DATABASE_PATH="$work/stembus.db" RUST_LOG=warn \
    target/release/stembus >"$work/server.log" 2>&1 &
  server=$!
  URL="http://$ADDR/artikel/deepseek-nvidia-beurswaarde"
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$URL" 2>/dev/null && break
    sleep 0.1
  done
fi

say "auditing $URL (mobile, simulated throttling)"
# The background-networking flags keep chromium from reaching for the closed internet.
CHROME_PATH=/usr/bin/chromium bench/lighthouse/node_modules/.bin/lighthouse "$URL" \
  --quiet --output=json --output-path="$work/report.json" \
  --only-categories=performance,accessibility,best-practices,seo \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-quic" >&2

node - "$work/report.json" <<'JS'
const report = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const score = (id) => Math.round(report.categories[id].score * 100);
const audit = (id) => report.audits[id];
console.log(`Lighthouse ${report.lighthouseVersion}, ${report.configSettings.formFactor}, ${report.finalDisplayedUrl}`);
console.log(`Performance ${score("performance")}  Accessibility ${score("accessibility")}  ` +
  `Best Practices ${score("best-practices")}  SEO ${score("seo")}`);
console.log(`LCP ${audit("largest-contentful-paint").displayValue}  CLS ${audit("cumulative-layout-shift").displayValue}  ` +
  `TBT ${audit("total-blocking-time").displayValue}  FCP ${audit("first-contentful-paint").displayValue}`);
const failing = Object.values(report.categories)
  .flatMap((category) => category.auditRefs.filter((ref) => ref.weight > 0).map((ref) => report.audits[ref.id]))
  .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "notApplicable");
for (const a of failing) {
  console.log(`  not passed: ${a.id} (${a.score}) ${a.displayValue ?? ""}`);
  for (const item of (a.details?.items ?? []).slice(0, 5)) {
    const text = item.description ?? item.url ?? item.node?.snippet ?? "";
    if (text) console.log(`    ${item.source ?? ""} ${text}`.slice(0, 200));
  }
}
JS
