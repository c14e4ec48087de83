// The release site as `cargo leptos build --release --precompress` builds it, without cargo-leptos.
//
// Why this exists: compiling cargo-leptos (swc, lightningcss, cargo-generate with a vendored OpenSSL)
// took 17 min 38 s of the 29 min a fresh machine needed before `scripts/serve.sh` served. An operator
// who only serves the site needs the same steps cargo-leptos 0.3.10 runs, and nothing of its
// development server: the two cargo builds, wasm-bindgen, wasm-opt, the JS minified by swc, the style
// sheet through Lightning CSS, `public/` copied, and a brotli and a gzip file beside every file.
// swc and Lightning CSS come from the npm registry as the same engines cargo-leptos links in, at the
// versions whose output matches it; `bench/site_parity.py` (in the test command) builds the site both
// ways and fails on any difference, so the two cannot drift apart unnoticed.
//
// Every setting comes from Cargo.toml's [[workspace.metadata.leptos]], the one place cargo-leptos reads.
//
// Usage: node scripts/site-build/build.mjs            builds the site and the server
//        node scripts/site-build/build.mjs --print-env prints the LEPTOS_* settings the server runs
//                                                      with, one KEY=VALUE a line (scripts/serve.sh)

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { minifySync } from "@swc/core";
import browserslist from "browserslist";
import { browserslistToTargets, transform } from "lightningcss";
import { parse as parseToml } from "smol-toml";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function fail(message) {
  console.error(`site-build: ${message}`);
  process.exit(1);
}

function say(message) {
  console.error(`site-build: ${message}`);
}

/** The project's build settings, with cargo-leptos's defaults for what Cargo.toml leaves out. */
function readSettings() {
  const manifest = parseToml(fs.readFileSync(path.join(repo, "Cargo.toml"), "utf8"));
  const projects = manifest.workspace?.metadata?.leptos;
  if (!Array.isArray(projects) || projects.length !== 1) {
    fail("Cargo.toml has no single [[workspace.metadata.leptos]]");
  }
  const leptos = projects[0];
  const known = new Set([
    "name", "bin-package", "lib-package", "bin-target", "bin-exe-name",
    "output-name", "site-root", "site-pkg-dir", "style-file", "assets-dir", "site-addr",
    "reload-port", "end2end-cmd", "end2end-dir", "browserquery", "bin-features",
    "bin-default-features", "lib-features", "lib-default-features", "lib-profile-release",
    "wasm-opt-features",
  ]);
  // A setting this builder does not know would be one cargo-leptos applies and it silently does not.
  const unknown = Object.keys(leptos).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    fail(`Cargo.toml sets ${unknown.join(", ")}, which this builder does not apply; teach it first`);
  }
  // The binary's name: cargo-leptos's `bin-target`, else the bin package's one binary.
  const metadata = spawnSync("cargo", ["metadata", "--no-deps", "--format-version=1"], {
    cwd: repo, encoding: "utf8", maxBuffer: 64 * 1024 * 1024,
  });
  if (metadata.status !== 0) fail(`cargo metadata failed: ${metadata.stderr}`);
  const binPackage = JSON.parse(metadata.stdout).packages
    .find((pkg) => pkg.name === leptos["bin-package"]);
  if (!binPackage) fail(`no package ${leptos["bin-package"]} in the workspace`);
  const bins = binPackage.targets.filter((target) => target.kind.includes("bin"));
  const libPackage = JSON.parse(metadata.stdout).packages
    .find((pkg) => pkg.name === leptos["lib-package"]);
  if (!libPackage) fail(`no package ${leptos["lib-package"]} in the workspace`);
  // Each package's folder from the top, as cargo-leptos hands them to the builds ("." for the top).
  const relativeDir = (pkg) => path.relative(repo, path.dirname(pkg.manifest_path)) || ".";
  const binName = leptos["bin-target"] ?? (bins.length === 1 ? bins[0].name : undefined);
  if (!binName) fail(`${leptos["bin-package"]} must name exactly one [[bin]]`);
  // cargo-leptos runs target/<profile>/<bin-exe-name>; cargo writes target/<profile>/<bin name>.
  if ((leptos["bin-exe-name"] ?? leptos["bin-package"]) !== binName) {
    fail(`bin-exe-name must be the binary's name, ${binName}, or cargo-leptos finds no server`);
  }
  return {
    libPackage: leptos["lib-package"],
    binPackage: leptos["bin-package"],
    binName,
    libDir: relativeDir(libPackage),
    binDir: relativeDir(binPackage),
    outputName: leptos["output-name"] ?? leptos.name,
    siteRoot: leptos["site-root"] ?? "target/site",
    pkgDir: leptos["site-pkg-dir"] ?? "pkg",
    styleFile: leptos["style-file"],
    assetsDir: leptos["assets-dir"],
    siteAddr: leptos["site-addr"] ?? "127.0.0.1:3000",
    reloadPort: leptos["reload-port"] ?? 3001,
    browserQuery: leptos.browserquery ?? "defaults",
    binFeatures: leptos["bin-features"] ?? [],
    binDefaultFeatures: leptos["bin-default-features"] ?? true,
    libFeatures: leptos["lib-features"] ?? [],
    libDefaultFeatures: leptos["lib-default-features"] ?? true,
    libProfile: leptos["lib-profile-release"],
    wasmOptArgs: leptos["wasm-opt-features"] ?? [
      "-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
    ],
  };
}

/** What cargo-leptos puts in the environment of both cargo builds and of the server it runs. */
function leptosEnvironment(settings) {
  return {
    LEPTOS_OUTPUT_NAME: settings.outputName,
    LEPTOS_SITE_ROOT: settings.siteRoot,
    LEPTOS_SITE_PKG_DIR: settings.pkgDir,
    LEPTOS_SITE_ADDR: settings.siteAddr,
    LEPTOS_RELOAD_PORT: String(settings.reloadPort),
    LEPTOS_LIB_DIR: settings.libDir,
    LEPTOS_BIN_DIR: settings.binDir,
    LEPTOS_JS_MINIFY: "true",
    LEPTOS_HASH_FILES: "false",
  };
}

function run(command, args, env = {}) {
  say(`${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: repo,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  if (result.error) fail(`${command} did not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} failed (exit ${result.status ?? result.signal})`);
}

function featureArgs(defaultFeatures, features) {
  const args = [];
  if (!defaultFeatures) args.push("--no-default-features");
  if (features.length > 0) args.push(`--features=${features.join(",")}`);
  return args;
}

/** Empties the site folder, as cargo-leptos does before a full build. */
function emptySite(siteRoot) {
  fs.mkdirSync(siteRoot, { recursive: true });
  for (const entry of fs.readdirSync(siteRoot)) {
    fs.rmSync(path.join(siteRoot, entry), { recursive: true, force: true });
  }
}

function buildFront(settings, env, siteRoot) {
  const pkg = path.join(siteRoot, settings.pkgDir);
  fs.mkdirSync(pkg, { recursive: true });
  const profileArgs = settings.libProfile ? [`--profile=${settings.libProfile}`] : ["--release"];
  run("cargo", [
    "build", `--package=${settings.libPackage}`, "--lib", "--target-dir=target/front",
    "--target=wasm32-unknown-unknown",
    ...featureArgs(settings.libDefaultFeatures, settings.libFeatures),
    ...profileArgs,
  ], env);
  const profileDir = settings.libProfile ?? "release";
  const wasm = path.join(
    "target/front/wasm32-unknown-unknown", profileDir, `${settings.libPackage.replaceAll("-", "_")}.wasm`,
  );
  run("wasm-bindgen", [
    "--target=web", `--out-name=${settings.outputName}`, `--out-dir=${pkg}`, wasm,
  ]);
  const site_wasm = path.join(pkg, `${settings.outputName}.wasm`);
  fs.renameSync(path.join(pkg, `${settings.outputName}_bg.wasm`), site_wasm);
  run("wasm-opt", [...settings.wasmOptArgs, site_wasm, "-o", site_wasm]);

  // cargo-leptos's swc options: compress and mangle, as a module.
  const js = path.join(pkg, `${settings.outputName}.js`);
  const minified = minifySync(fs.readFileSync(js, "utf8"), {
    compress: true,
    mangle: true,
    module: true,
  });
  fs.writeFileSync(js, minified.code);
}

function buildStyle(settings, siteRoot) {
  if (!settings.styleFile) return;
  const source = fs.readFileSync(path.join(repo, settings.styleFile));
  // The browser data is pinned to what cargo-leptos's browserslist-rs carries (caniuse-lite
  // 1.0.30001726), so its age is the point, not a reason to warn.
  process.env.BROWSERSLIST_IGNORE_OLD_DATA = "1";
  const targets = browserslistToTargets(browserslist(settings.browserQuery));
  // cargo-leptos minifies the rules and prints them minified, with the same targets for both.
  const { code } = transform({ filename: settings.styleFile, code: source, minify: true, targets });
  fs.writeFileSync(path.join(siteRoot, settings.pkgDir, `${settings.outputName}.css`), code);
}

/** public/ into the site root, leaving out the names cargo-leptos reserves for itself. */
function copyAssets(settings, siteRoot) {
  if (!settings.assetsDir) return;
  const source = path.join(repo, settings.assetsDir);
  const reserved = new Set([path.join(source, "index.html"), path.join(source, settings.pkgDir)]);
  fs.cpSync(source, siteRoot, {
    recursive: true,
    filter: (from) => !reserved.has(from),
  });
}

/**
 * A .gz and a .br beside every file, brotli at cargo-leptos's settings (quality 11, window 22). The
 * encoders are zlib's and Google's brotli, not cargo-leptos's libflate and Rust brotli: the streams
 * can differ (the WASM's .br is 56 bytes smaller here), what they unpack to cannot.
 */
function precompress(folder) {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      precompress(file);
      continue;
    }
    if (file.endsWith(".gz") || file.endsWith(".br")) continue;
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }));
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
      },
    }));
  }
}

function buildServer(settings, env) {
  run("cargo", [
    "build", `--package=${settings.binPackage}`, `--bin=${settings.binName}`,
    ...featureArgs(settings.binDefaultFeatures, settings.binFeatures),
    "--release",
  ], env);
}

const settings = readSettings();
const env = leptosEnvironment(settings);
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === "--print-env") {
  for (const [key, value] of Object.entries(env)) console.log(`${key}=${value}`);
  process.exit(0);
}
if (args.length > 0) fail(`unknown arguments: ${args.join(" ")} (usage: build.mjs [--print-env])`);

const started = Date.now();
const siteRoot = path.join(repo, settings.siteRoot);
emptySite(siteRoot);
buildFront(settings, env, siteRoot);
copyAssets(settings, siteRoot);
buildStyle(settings, siteRoot);
precompress(siteRoot);
buildServer(settings, env);
say(`site in ${settings.siteRoot}, server in target/release/${settings.binName} ` +
  `(${((Date.now() - started) / 1000).toFixed(1)} s)`);
