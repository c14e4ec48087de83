// Checks that scripts/site-build builds exactly the site `cargo leptos build --release --precompress`
// builds: the same files under the same names, every file the same bytes (the WASM, the minified
// JavaScript, the style sheet, public/), the same server binary, and beside every file a .br and a
// .gz that unpack to it. The compressed files are compared unpacked: cargo-leptos writes them with
// libflate and Rust's brotli, the builder with zlib and Google's brotli, encoders that may choose
// different (equally valid) streams for the same bytes.
//
// Run after a `cargo leptos build --release --precompress` (the test command's end-to-end step makes
// one): it keeps that site aside, rebuilds target/site with the builder from the same target/ (cargo
// finds nothing to do when both ask for the same build), and compares the two.
// Usage: node bench/site_build_check.mjs

import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const site = path.join(repo, "target/site");
const server = path.join(repo, "target/release/stembus");

function sha256(file) {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Every file under folder, as paths relative to it, sorted. */
function filesUnder(folder, prefix = "") {
  const found = [];
  for (const entry of fs.readdirSync(path.join(folder, prefix), { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(folder, relative));
    else found.push(relative);
  }
  return found.sort();
}

/** What is wrong with builtSite against referenceSite, one line per difference. */
function differences(referenceSite, builtSite) {
  const found = [];
  const reference = filesUnder(referenceSite);
  const built = filesUnder(builtSite);
  const builtSet = new Set(built);
  const referenceSet = new Set(reference);
  for (const file of reference) if (!builtSet.has(file)) found.push(`missing from the builder's site: ${file}`);
  for (const file of built) if (!referenceSet.has(file)) found.push(`only in the builder's site: ${file}`);
  for (const file of reference.filter((name) => builtSet.has(name))) {
    const ours = fs.readFileSync(path.join(builtSite, file));
    const theirs = fs.readFileSync(path.join(referenceSite, file));
    if (file.endsWith(".gz") || file.endsWith(".br")) {
      const original = file.slice(0, -3);
      const unpack = file.endsWith(".gz") ? zlib.gunzipSync : zlib.brotliDecompressSync;
      for (const [whose, folder, packed] of [["builder", builtSite, ours], ["cargo-leptos", referenceSite, theirs]]) {
        const plain = path.join(folder, original);
        if (fs.existsSync(plain) && !unpack(packed).equals(fs.readFileSync(plain))) {
          found.push(`${whose}'s ${file} does not unpack to ${original}`);
        }
      }
    } else if (!ours.equals(theirs)) {
      found.push(`different bytes: ${file} (${theirs.length} bytes from cargo-leptos, ${ours.length} from the builder)`);
    }
  }
  return found;
}

function main() {
  if (!fs.existsSync(path.join(site, "pkg")) || !fs.existsSync(server)) {
    console.error("site_build: build the site first: cargo leptos build --release --precompress");
    process.exit(2);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "stembus-site-build-"));
  try {
    const reference = path.join(work, "cargo-leptos");
    fs.cpSync(site, reference, { recursive: true });
    const serverBefore = sha256(server);

    const build = spawnSync("node", [path.join(repo, "scripts/site-build/build.mjs")], {
      cwd: repo,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (build.status !== 0) {
      console.error(`site_build: the builder failed (exit ${build.status ?? build.signal})`);
      process.exit(1);
    }

    const found = differences(reference, site);
    if (sha256(server) !== serverBefore) found.push("different server binary: target/release/stembus");
    const count = filesUnder(reference).length;
    if (found.length > 0) {
      console.error(`site_build: FAILED, ${found.length} difference(s) from cargo-leptos's site:`);
      for (const line of found) console.error(`  ${line}`);
      process.exit(1);
    }
    console.log(`site_build: ok: the builder's site is cargo-leptos's (${count} files, the same ` +
      "bytes, the compressed ones unpacked), and the server binary is the same");
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
