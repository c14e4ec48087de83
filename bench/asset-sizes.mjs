// Prints raw, gzip and brotli sizes of every file the site ships under its pkg folder, and the total of
// the article page's JavaScript and WASM. With --budget-kb N it exits 1 when that total, brotli, is over N KB.
// Usage: node bench/asset-sizes.mjs [pkg-folder] [--budget-kb N]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const args = process.argv.slice(2);
const budgetIndex = args.indexOf("--budget-kb");
const budgetKb = budgetIndex >= 0 ? Number(args[budgetIndex + 1]) : null;
const folder = args.find((a, i) => !a.startsWith("--") && i !== budgetIndex + 1) ?? "target/site/pkg";

const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(8);
const rows = [];
for (const name of readdirSync(folder).sort()) {
  const path = join(folder, name);
  if (!statSync(path).isFile() || name.endsWith(".gz") || name.endsWith(".br")) continue;
  const data = readFileSync(path);
  const gzip = gzipSync(data, { level: 9 }).length;
  const brotli = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }).length;
  rows.push({ name, raw: data.length, gzip, brotli });
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
if (budgetKb !== null) {
  const over = total.brotli / 1024 > budgetKb;
  console.log(`budget: ${(total.brotli / 1024).toFixed(1)} KB brotli of ${budgetKb} KB ${over ? "EXCEEDED" : "ok"}`);
  if (over) process.exit(1);
}
