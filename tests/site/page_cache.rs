//! Router-level tests of delivery: the shared page with its entity tag and compressed forms, the
//! private page of a reader who voted, and the built files served from memory under hashed names.

use crate::common::{self, ARTICLE, vote_body};
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use stembus::server::delivery::page_cache::{PRIVATE_PAGE, PUBLIC_PAGE, PageCache};
use tower::ServiceExt;

const JS: &[u8] = b"export default function init() {} // the island's glue, repeated to be worth compressing; the island's glue";
const WASM: &[u8] = b"\0asm\x01\0\0\0";

/// The shared test site with a site folder holding a fake build, behind one router kept for the
/// whole test, so the page cache lives across its requests (`common::TestSite` builds a router per
/// request).
struct TestSite {
    router: Router,
    _site: common::TestSite,
}

impl TestSite {
    fn new() -> TestSite {
        let mut site = common::TestSite::new();
        let root = site.dir.path().join("site");
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("stembus.js"), JS).unwrap();
        std::fs::write(pkg.join("stembus.js.br"), b"br").unwrap();
        std::fs::write(pkg.join("stembus.wasm"), WASM).unwrap();
        std::fs::write(pkg.join("stembus.css"), b"body { margin: 0 }").unwrap();
        site.state.leptos_options = LeptosOptions::builder()
            .output_name("stembus")
            .site_root(root.to_string_lossy().into_owned())
            .build();
        TestSite {
            router: site.router(),
            _site: site,
        }
    }

    async fn get(&self, path: &str, headers: &[(header::HeaderName, &str)]) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn send(&self, request: Request) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        Reply::from(response).await
    }

    /// Votes as the island does and returns the voter cookie.
    async fn vote(&self, choice: &str) -> String {
        let request = Request::post("/api/stem")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(vote_body(choice)))
            .unwrap();
        let reply = self.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let set_cookie = reply.header(header::SET_COOKIE.as_str()).unwrap();
        set_cookie.split(';').next().unwrap().to_string()
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    async fn from(response: Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body with its `Content-Encoding` undone.
    fn decoded(&self) -> String {
        let mut out = String::new();
        match self.header("content-encoding") {
            Some("br") => {
                brotli::Decompressor::new(&self.body[..], 4096)
                    .read_to_string(&mut out)
                    .unwrap();
            }
            Some("gzip") => {
                flate2::read::GzDecoder::new(&self.body[..])
                    .read_to_string(&mut out)
                    .unwrap();
            }
            None => out = self.text(),
            Some(other) => panic!("unexpected encoding {other}"),
        }
        out
    }
}

#[tokio::test]
async fn page_for_a_reader_without_a_vote_is_public_tagged_and_revalidates_with_304() {
    let site = TestSite::new();
    let first = site.get(ARTICLE, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("cache-control"), Some(PUBLIC_PAGE));
    assert_eq!(first.header("vary"), Some("accept-encoding, cookie"));
    assert!(
        first
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let etag = first.header("etag").unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");

    let again = site.get(ARTICLE, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert_eq!(again.header("cache-control"), Some(PUBLIC_PAGE));

    let stale = site
        .get(ARTICLE, &[(header::IF_NONE_MATCH, "\"oud\"")])
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.body, first.body, "the same bytes for every reader");
}

#[tokio::test]
async fn page_comes_precompressed_in_brotli_and_gzip_with_the_same_html() {
    let site = TestSite::new();
    let plain = site.get(ARTICLE, &[]).await;
    assert_eq!(plain.header("content-encoding"), None);

    let brotli = site
        .get(
            ARTICLE,
            &[(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")],
        )
        .await;
    assert_eq!(brotli.header("content-encoding"), Some("br"));
    assert!(brotli.body.len() < plain.body.len() / 2);
    assert_eq!(brotli.decoded(), plain.text());

    let gzip = site
        .get(ARTICLE, &[(header::ACCEPT_ENCODING, "gzip, br;q=0")])
        .await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.decoded(), plain.text());

    let tags = [&plain, &brotli, &gzip].map(|r| r.header("etag").unwrap().to_string());
    assert!(
        tags[0] != tags[1] && tags[1] != tags[2],
        "one tag per encoding: {tags:?}"
    );
}

#[tokio::test]
async fn reader_with_a_vote_gets_a_private_page_and_the_shared_page_never_shows_it() {
    let site = TestSite::new();
    let shared_before = site.get(ARTICLE, &[]).await;
    let cookie = site.vote("nee").await;

    let own = site
        .get(
            ARTICLE,
            &[(header::COOKIE, &cookie), (header::ACCEPT_ENCODING, "br")],
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.header("cache-control"), Some(PRIVATE_PAGE));
    assert_eq!(
        own.header("etag"),
        None,
        "a private page is never revalidated as the shared one"
    );
    let own_html = own.decoded();
    assert!(own_html.contains("class=\"poll-own-vote\""), "{own_html}");

    let shared_after = site.get(ARTICLE, &[]).await;
    assert_eq!(shared_after.header("cache-control"), Some(PUBLIC_PAGE));
    assert!(!shared_after.text().contains("poll-own-vote"));
    assert_eq!(shared_after.body, shared_before.body);

    // A tag the reader got before voting must not turn their own page into a 304.
    let tag = shared_before.header("etag").unwrap();
    let revalidated = site
        .get(
            ARTICLE,
            &[(header::COOKIE, &cookie), (header::IF_NONE_MATCH, tag)],
        )
        .await;
    assert_eq!(revalidated.status, StatusCode::OK);
}

#[tokio::test]
async fn a_forged_voter_cookie_gets_the_shared_page() {
    let site = TestSite::new();
    let page = site
        .get(ARTICLE, &[(header::COOKIE, "stembus_kiezer=admin")])
        .await;
    assert_eq!(page.header("cache-control"), Some(PUBLIC_PAGE));
}

#[tokio::test]
async fn an_unknown_article_is_a_404_that_is_not_kept() {
    let site = TestSite::new();
    let page = site.get("/artikel/bestaat-niet", &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_ne!(page.header("cache-control"), Some(PUBLIC_PAGE));
    assert_eq!(page.header("etag"), None);

    let cache = PageCache::new();
    let missing = cache
        .serve(anonymous_get(), |_| async {
            StatusCode::NOT_FOUND.into_response()
        })
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        cache.is_empty(),
        "a page that did not render with 200 is not kept"
    );
}

#[tokio::test]
async fn built_files_are_served_from_memory_under_hashed_names_for_a_year() {
    let site = TestSite::new();
    let page = site.get(ARTICLE, &[]).await.text();
    let start = page.find("/pkg/stembus.").unwrap();
    let end = start + page[start..].find(".css").unwrap();
    let hashed = &page[start..end];
    assert!(hashed.len() > "/pkg/stembus.".len() + 8, "{hashed}");
    assert!(
        page.contains(&format!("{hashed}.js")),
        "style sheet, glue and module share one hash"
    );
    // `_bg.wasm` when the server was not built by cargo-leptos, as under `cargo test`.
    let wasm_path = [".wasm", "_bg.wasm"]
        .map(|suffix| format!("{hashed}{suffix}"))
        .into_iter()
        .find(|path| page.contains(&format!("\"{path}\"")))
        .expect("js and wasm share one hash");

    let js = site.get(&format!("{hashed}.js"), &[]).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.body, JS);
    assert_eq!(
        js.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(js.header("etag").is_some());

    let js_br = site
        .get(&format!("{hashed}.js"), &[(header::ACCEPT_ENCODING, "br")])
        .await;
    assert_eq!(js_br.header("content-encoding"), Some("br"));
    assert_eq!(
        js_br.body, b"br",
        "the file compressed at build time, as it is"
    );

    let wasm = site.get(&wasm_path, &[]).await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));

    let hashed_css = site.get(&format!("{hashed}.css"), &[]).await;
    assert_eq!(hashed_css.status, StatusCode::OK);
    assert_eq!(
        hashed_css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        hashed_css
            .header("content-type")
            .unwrap()
            .starts_with("text/css")
    );

    // The plain name stays, for `cargo leptos watch`'s reloads: cached, but revalidated.
    let css = site.get("/pkg/stembus.css", &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("cache-control"), Some("public, no-cache"));
    let tag = css.header("etag").unwrap();
    let again = site
        .get("/pkg/stembus.css", &[(header::IF_NONE_MATCH, tag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

/// A render that counts its calls and takes a while, so concurrent requests overlap.
fn counting_render(
    count: Arc<AtomicUsize>,
) -> impl FnOnce(Request) -> Pin<Box<dyn Future<Output = Response> + Send>> {
    move |_request| {
        count.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<p>hallo</p>",
            )
                .into_response()
        })
    }
}

fn anonymous_get() -> Request {
    Request::get("/artikel/x").body(Body::empty()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_requests_render_the_page_once() {
    let cache = PageCache::new();
    let count = Arc::new(AtomicUsize::new(0));
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (cache, render) = (cache.clone(), counting_render(count.clone()));
        requests.spawn(async move { cache.serve(anonymous_get(), render).await.status() });
    }
    while let Some(status) = requests.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(cache.len(), 1);
}

#[tokio::test]
async fn a_kept_page_is_rendered_again_after_its_time() {
    let cache = PageCache::with_ttl(Duration::ZERO);
    let count = Arc::new(AtomicUsize::new(0));
    cache
        .serve(anonymous_get(), counting_render(count.clone()))
        .await;
    cache
        .serve(anonymous_get(), counting_render(count.clone()))
        .await;
    assert_eq!(count.load(Ordering::SeqCst), 2);
}
