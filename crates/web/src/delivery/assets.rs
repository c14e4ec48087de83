//! The site's built files under `/pkg`, read once at start-up and served from memory: each with the
//! brotli and gzip files `cargo leptos build --release --precompress` wrote next to it, an entity tag,
//! and for the island's JavaScript and WASM and the style sheet a content-hashed name that may be
//! cached for a year.

use super::encoding::Representation;
use axum::body::Bytes;
use axum::http::HeaderValue;
use leptos::config::LeptosOptions;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use stembus_site::cache_control;

/// For fixed names (the files under their plain names, as `cargo leptos watch` reloads them): any
/// cache keeps them but asks again each time, and gets a 304.
const REVALIDATE: &str = "public, no-cache";

/// Every file of the site's pkg folder, by the address it is served at.
#[derive(Debug, Clone, Default)]
pub struct StaticAssets {
    files: HashMap<String, Arc<Representation>>,
    hashed_output_name: Option<String>,
    /// The folder's address (`/pkg`) and the plain output name (`stembus`).
    prefix: String,
    output: String,
}

/// What follows `<output>.<hash>` in a hashed file's name.
const HASHED_SUFFIXES: [&str; 4] = [".js", ".wasm", "_bg.wasm", ".css"];

impl StaticAssets {
    /// Reads `<site-root>/<site-pkg-dir>`. A missing folder (tests, a server started before the first
    /// build) gives no files: the fallback file handler then serves whatever appears later.
    pub fn load(options: &LeptosOptions) -> StaticAssets {
        let folder = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let prefix = format!("/{}", options.site_pkg_dir.trim_matches('/'));
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(error) => {
                tracing::warn!(folder = %folder.display(), %error, "no built files to serve from memory");
                return StaticAssets::default();
            }
        };
        let mut files = HashMap::new();
        let mut contents = HashMap::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if !path.is_file() || name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let identity = match std::fs::read(&path) {
                Ok(bytes) => Bytes::from(bytes),
                Err(error) => {
                    tracing::warn!(file = %path.display(), %error, "cannot read a built file");
                    continue;
                }
            };
            let mut representation = Representation::new(
                content_type(&name),
                HeaderValue::from_static(REVALIDATE),
                identity.clone(),
            );
            // Compressed once, at build time; a debug build has none and is served as it is.
            if let Ok(brotli) = std::fs::read(folder.join(format!("{name}.br"))) {
                representation = representation.with_brotli(brotli);
            }
            if let Ok(gzip) = std::fs::read(folder.join(format!("{name}.gz"))) {
                representation = representation.with_gzip(gzip);
            }
            contents.insert(name.clone(), identity);
            files.insert(format!("{prefix}/{name}"), Arc::new(representation));
        }

        // The JavaScript glue and the WASM it loads are one unit: one hash over both names them both,
        // so the page (whose HydrationScripts builds both names from `output_name`) never pairs a new
        // glue with an old module.
        let output = options.output_name.to_string();
        let js = contents.get(&format!("{output}.js"));
        let wasm = contents.get(&format!("{output}.wasm"));
        // The style sheet shares the name (the shell links `<output_name>.css`), so it is in the hash too.
        let css = contents.get(&format!("{output}.css"));
        let hashed_output_name = match (js, wasm) {
            (Some(js), Some(wasm)) => {
                let empty = Bytes::new();
                let all = [js.as_ref(), wasm.as_ref(), css.unwrap_or(&empty).as_ref()].concat();
                let hashed = format!("{output}.{}", super::encoding::content_hash(&all));
                // Leptos names the module `<name>_bg.wasm` when the server was not built by
                // cargo-leptos (`cargo test`, a plain `cargo build`): both names are served.
                for (file, suffix) in [
                    ("js", ".js"),
                    ("wasm", ".wasm"),
                    ("wasm", "_bg.wasm"),
                    ("css", ".css"),
                ] {
                    if let Some(plain) = files.get(&format!("{prefix}/{output}.{file}")) {
                        let immutable = Representation::clone(plain)
                            .with_cache_control(HeaderValue::from_static(cache_control::IMMUTABLE));
                        files.insert(format!("{prefix}/{hashed}{suffix}"), Arc::new(immutable));
                    }
                }
                Some(hashed)
            }
            _ => None,
        };
        StaticAssets {
            files,
            hashed_output_name,
            prefix,
            output,
        }
    }

    /// The folder's address (`/pkg`), once this build's hashed files are known.
    pub fn folder_address(&self) -> Option<&str> {
        self.hashed_output_name
            .as_ref()
            .map(|_| self.prefix.as_str())
    }

    /// The address of this build's file for `path` when `path` names the same file of another
    /// build (`/pkg/stembus.<another hash>.css`): during a rolling upgrade a page from one node
    /// asks another for its files, and a newer style sheet or a matching glue and module serve
    /// that reader better than a 404 (the page works without the island either way).
    pub fn this_builds(&self, path: &str) -> Option<String> {
        let hashed = self.hashed_output_name.as_deref()?;
        let name = path.strip_prefix(&self.prefix)?.strip_prefix('/')?;
        let rest = name.strip_prefix(&self.output)?.strip_prefix('.')?;
        let (hash, suffix) = rest.split_at_checked(16)?;
        let is_hash = hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        (is_hash && HASHED_SUFFIXES.contains(&suffix))
            .then(|| format!("{}/{hashed}{suffix}", self.prefix))
            .filter(|current| current != path)
    }

    /// `output_name` with the content hash of the JavaScript and WASM, when both were found.
    pub fn hashed_output_name(&self) -> Option<&str> {
        self.hashed_output_name.as_deref()
    }

    /// Every address served, with its file.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Arc<Representation>)> {
        self.files.iter().map(|(path, file)| (path.as_str(), file))
    }
}

fn content_type(name: &str) -> HeaderValue {
    let extension = name.rsplit('.').next().unwrap_or_default();
    HeaderValue::from_static(match extension {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    })
}
