// Prints raw, gzip and brotli sizes of every file the site ships under its pkg folder, and the total of
// the article page's JavaScript and WASM. With --budget-kb N it exits 1 when that total, brotli, is over N KB.
// With --breakdown WASM (the module before wasm-bindgen: target/front/wasm32-unknown-unknown/wasm-release/
// stembus.wasm after a release build) it also prints where the shipped WASM's bytes go, by crate and kind.
// Usage: node bench/asset-sizes.mjs [pkg-folder] [--budget-kb N] [--breakdown WASM]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : null;
};
const budgetKb = option("--budget-kb") === null ? null : Number(option("--budget-kb"));
const breakdownWasm = option("--breakdown");
const folder =
  args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "target/site/pkg";

const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(8);
const brotli = (data) =>
  brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }).length;

const rows = [];
for (const name of readdirSync(folder).sort()) {
  const path = join(folder, name);
  if (!statSync(path).isFile() || name.endsWith(".gz") || name.endsWith(".br")) continue;
  const data = readFileSync(path);
  rows.push({ name, raw: data.length, gzip: gzipSync(data, { level: 9 }).length, brotli: brotli(data) });
}
if (rows.length === 0) {
  console.error(`no files in ${folder}: build the site first (cargo leptos build --release)`);
  process.exit(2);
}

console.log(`${"file".padEnd(28)} ${"raw KB".padStart(8)} ${"gzip KB".padStart(8)} ${"br KB".padStart(8)}`);
for (const row of rows) {
  console.log(`${row.name.padEnd(28)} ${kb(row.raw)} ${kb(row.gzip)} ${kb(row.brotli)}`);
}
const code = rows.filter((row) => /\.(js|wasm)$/.test(row.name));
const total = code.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip, brotli: sum.brotli + row.brotli }), { raw: 0, gzip: 0, brotli: 0 });
console.log(`${"JS + WASM total".padEnd(28)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);

if (breakdownWasm !== null) breakdown(breakdownWasm);

if (budgetKb !== null) {
  const over = total.brotli / 1024 > budgetKb;
  console.log(`budget: ${(total.brotli / 1024).toFixed(1)} KB brotli of ${budgetKb} KB ${over ? "EXCEEDED" : "ok"}`);
  if (over) process.exit(1);
}

// The kinds of code the WASM is made of, first match wins. A name is twiggy's: a function with its
// crate path, a data segment, an export. The island's entry point comes first: the compiler
// inlines into it the island's view and most of the hydration and signal code it calls, so that
// row holds some tachys and reactive_graph too.
function kindOf(name) {
  if (name.startsWith("data segment") || name.startsWith("data[")) return "static data (strings, tables, panic locations)";
  if (/flt2dec|float_to_decimal|dec2flt|zmij|bignum|fmt::float|<f64 as/.test(name)) return "f64 formatting";
  if (/serde_json|serde_core|serde::|<serde/.test(name)) return "serde_json and serde";
  if (/Poll(Card|Island)_\d+/.test(name)) return "the island's entry (its view, inlined)";
  if (/stembus::/.test(name)) return "the island's other code (card.rs, browser.rs)";
  if (/\bfmt\b|escape_debug|unicode::printable|count_chars/.test(name)) return "core fmt";
  if (/tachys/.test(name)) return "tachys (rendering, hydration)";
  if (/reactive_graph|any_spawner|hydration_context|slotmap|indexmap|guardian|send_wrapper|or_poisoned|throw_error|futures_/.test(name)) return "reactive_graph and its runtime";
  if (/wasm_bindgen|js_sys|web_sys|wasm_streams|intounderlying|externref|__wbg|__wbindgen|^import |^export /.test(name)) return "wasm-bindgen glue (and wasm-streams)";
  if (/dlmalloc|alloc::|alloc\[|__rdl|__rust_|hashbrown|std::|std\[/.test(name)) return "alloc and std";
  if (/leptos|server_fn/.test(name)) return "leptos";
  if (/core::|core\[/.test(name)) return "core (iterators, slices, panics)";
  return "other";
}

// wasm-opt's flags as cargo-leptos runs it: Cargo.toml's wasm-opt-features, or its own default.
function wasmOptFlags() {
  const manifest = readFileSync("Cargo.toml", "utf8");
  const listed = /^wasm-opt-features\s*=\s*\[([^\]]*)\]/m.exec(manifest);
  if (!listed) return ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"];
  return [...listed[1].matchAll(/"([^"]*)"/g)].map((flag) => flag[1]);
}

// Builds the module as cargo-leptos ships it but with its names kept (wasm-bindgen --keep-debug,
// wasm-opt -g), and sums twiggy's sizes per kind: code and data only, without the name section.
function breakdown(wasm) {
  const work = mkdtempSync(join(tmpdir(), "stembus-wasm-"));
  try {
    execFileSync("wasm-bindgen", ["--target=web", "--keep-debug", "--out-name=stembus", `--out-dir=${work}`, wasm]);
    const named = join(work, "named.wasm");
    execFileSync("wasm-opt", [...wasmOptFlags(), "-g", join(work, "stembus_bg.wasm"), "-o", named]);
    const csv = execFileSync("twiggy", ["top", "-n", "1000000", "-f", "csv", named], { maxBuffer: 64 << 20 }).toString();
    const sizes = new Map();
    let all = 0;
    for (const line of csv.trim().split("\n").slice(1)) {
      // Name,ShallowSize,...: the name may be quoted and hold commas.
      const match = /^("(?:[^"]|"")*"|[^,]*),(\d+),/.exec(line);
      if (!match) continue;
      const name = match[1].replace(/^"|"$/g, "").replace(/""/g, '"');
      if (name.startsWith("custom section") || name.includes("subsection")) continue;
      const kind = kindOf(name);
      sizes.set(kind, (sizes.get(kind) ?? 0) + Number(match[2]));
      all += Number(match[2]);
    }
    console.log(`\nwhere the WASM's ${(all / 1024).toFixed(1)} KB of code and data go (twiggy, names kept):`);
    for (const [kind, size] of [...sizes].sort((a, b) => b[1] - a[1])) {
      console.log(`${kind.padEnd(48)} ${kb(size)} KB ${((100 * size) / all).toFixed(1).padStart(5)} %`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
