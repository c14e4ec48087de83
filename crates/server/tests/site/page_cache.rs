//! Router-level tests of delivery: the shared page with its entity tag and compressed forms, the
//! private page of a reader who voted, and the built files served from memory under hashed names.

use crate::common::{ARTICLE, BROWSER_ACCEPT, BUILT_JS, FlakyStore, Reply, TestSite};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use stembus_site::cache_control::{NO_STORE, PRIVATE_PAGE, PUBLIC_PAGE};
use stembus_web::delivery::page_cache::{PageCache, VOTER_PAGE_TTL};

fn site() -> TestSite {
    TestSite::new().with_built_files()
}

#[tokio::test]
async fn page_for_a_reader_without_a_vote_is_public_tagged_and_revalidates_with_304() {
    let site = site();
    let first = site.get_with(ARTICLE, &[]).await;
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

    let again = site
        .get_with(ARTICLE, &[(header::IF_NONE_MATCH, &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert_eq!(again.header("cache-control"), Some(PUBLIC_PAGE));

    let stale = site
        .get_with(ARTICLE, &[(header::IF_NONE_MATCH, "\"oud\"")])
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.bytes, first.bytes, "the same bytes for every reader");
}

#[tokio::test]
async fn a_page_rendered_again_or_on_another_node_keeps_its_entity_tag_and_revalidates() {
    // Two nodes of one site: each renders the page itself, with its own render's nonce.
    let (one, other) = (site(), site());
    for path in ["/privacy", "/fr/vie-privee", ARTICLE] {
        let first = one.get_with(path, &[]).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let etag = first.header("etag").unwrap().to_string();
        let elsewhere = other
            .get_with(path, &[(header::IF_NONE_MATCH, &etag)])
            .await;
        assert_eq!(
            elsewhere.status,
            StatusCode::NOT_MODIFIED,
            "{path}: the other node's render is the same page"
        );
        assert!(!first.decoded().contains("nonce="), "{path}");
    }
}

#[tokio::test]
async fn page_comes_precompressed_in_brotli_and_gzip_with_the_same_html() {
    let site = site();
    let plain = site.get_with(ARTICLE, &[]).await;
    assert_eq!(plain.header("content-encoding"), None);

    let brotli = site
        .get_with(
            ARTICLE,
            &[(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")],
        )
        .await;
    assert_eq!(brotli.header("content-encoding"), Some("br"));
    assert!(brotli.bytes.len() < plain.bytes.len() / 2);
    assert_eq!(brotli.decoded(), plain.body);

    let gzip = site
        .get_with(ARTICLE, &[(header::ACCEPT_ENCODING, "gzip, br;q=0")])
        .await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.decoded(), plain.body);

    let tags = [&plain, &brotli, &gzip].map(|r| r.header("etag").unwrap().to_string());
    assert!(
        tags[0] != tags[1] && tags[1] != tags[2],
        "one tag per encoding: {tags:?}"
    );
}

#[tokio::test]
async fn reader_with_a_vote_gets_a_private_page_and_the_shared_page_never_shows_it() {
    let site = site();
    let shared_before = site.get_with(ARTICLE, &[]).await;
    let cookie = site.vote("nee").await;

    let own = site
        .get_with(
            ARTICLE,
            &[(header::COOKIE, &cookie), (header::ACCEPT_ENCODING, "br")],
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.header("cache-control"), Some(PRIVATE_PAGE));
    assert_ne!(
        own.header("etag"),
        shared_before.header("etag"),
        "a voter's page is never revalidated as the shared one"
    );
    let own_html = own.decoded();
    assert!(own_html.contains("class=\"poll-own-vote\""), "{own_html}");

    let shared_after = site.get_with(ARTICLE, &[]).await;
    assert_eq!(shared_after.header("cache-control"), Some(PUBLIC_PAGE));
    assert!(!shared_after.body.contains("poll-own-vote"));
    assert_eq!(shared_after.bytes, shared_before.bytes);

    // A tag the reader got before voting must not turn their own page into a 304.
    let tag = shared_before.header("etag").unwrap();
    let revalidated = site
        .get_with(
            ARTICLE,
            &[(header::COOKIE, &cookie), (header::IF_NONE_MATCH, tag)],
        )
        .await;
    assert_eq!(revalidated.status, StatusCode::OK);
}

#[tokio::test]
async fn a_forged_voter_cookie_gets_the_shared_page() {
    let site = site();
    let page = site
        .get_with(ARTICLE, &[(header::COOKIE, "stembus_kiezer=admin")])
        .await;
    assert_eq!(page.header("cache-control"), Some(PUBLIC_PAGE));
}

#[tokio::test]
async fn an_unknown_article_is_a_404_that_is_not_kept() {
    let site = site();
    let page = site.get_with("/artikel/bestaat-niet", &[]).await;
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
    let site = site();
    let page = site.get_with(ARTICLE, &[]).await.body;
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

    let js = site.get_with(&format!("{hashed}.js"), &[]).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.bytes, BUILT_JS);
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
        .get_with(&format!("{hashed}.js"), &[(header::ACCEPT_ENCODING, "br")])
        .await;
    assert_eq!(js_br.header("content-encoding"), Some("br"));
    assert_eq!(
        js_br.bytes, b"br",
        "the file compressed at build time, as it is"
    );

    let wasm = site.get_with(&wasm_path, &[]).await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));

    let hashed_css = site.get_with(&format!("{hashed}.css"), &[]).await;
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

    // Another build's name for the same file (a page from a node not yet upgraded, or already):
    // this build's, for now, and no cache keeps the answer.
    for suffix in [".css", ".js", ".wasm"] {
        let other = site
            .get_with(&format!("/pkg/stembus.0123456789abcdef{suffix}"), &[])
            .await;
        assert_eq!(other.status, StatusCode::TEMPORARY_REDIRECT, "{suffix}");
        assert_eq!(
            other.location(),
            Some(format!("{hashed}{suffix}").as_str()),
            "{suffix}"
        );
        assert_eq!(other.header("cache-control"), Some("no-store"));
    }
    assert_eq!(
        site.get_with("/pkg/iets-anders.js", &[]).await.status,
        StatusCode::NOT_FOUND,
        "a name of no build is not there"
    );

    // The plain name stays, for `cargo leptos watch`'s reloads: cached, but revalidated.
    let css = site.get_with("/pkg/stembus.css", &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("cache-control"), Some("public, no-cache"));
    let tag = css.header("etag").unwrap();
    let again = site
        .get_with("/pkg/stembus.css", &[(header::IF_NONE_MATCH, tag)])
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
async fn a_content_change_read_while_the_database_failed_is_served_once_it_answers() {
    let content = tempfile::tempdir().unwrap();
    let shipped = crate::common::shipped_content().join("deepseek-nvidia-beurswaarde.md");
    let file = content.path().join("artikel.md");
    std::fs::copy(&shipped, &file).unwrap();
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let flaky = FlakyStore::around(site.state.store.clone());
    let site = site.with_store(|_| flaky.clone());
    // An editor corrects the article, and the database is busy as the node reads it.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Het Chinese DeepSeek", "Het Chinese bedrijf DeepSeek");
    std::fs::write(&file, text).unwrap();
    // Saved a while ago, as far as the folder's clock goes: no settling read takes it again.
    let a_minute_ago = std::time::SystemTime::now() - Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(a_minute_ago)
        .unwrap();
    flaky.fail_syncs(true);
    assert!(site.state.refresh_content().await.is_err());
    flaky.fail_syncs(false);
    site.state.refresh_content().await.unwrap();
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(
        page.contains("Het Chinese bedrijf DeepSeek"),
        "the correction is served: {page}"
    );
}

#[tokio::test]
async fn another_spelling_of_an_address_is_rendered_for_its_request_alone() {
    let site = site();
    // The router reads `/artikel/%64eepseek-…` as the article itself.
    let spelled = ARTICLE.replacen('d', "%64", 1);
    let reply = site.get(&spelled, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control").unwrap(), PRIVATE_PAGE);
    assert_eq!(
        site.get(ARTICLE, None)
            .await
            .header("cache-control")
            .unwrap(),
        PUBLIC_PAGE
    );
}

/// A render that answers at once, counting its calls.
fn quick_render(
    count: Arc<AtomicUsize>,
) -> impl FnOnce(Request) -> Pin<Box<dyn Future<Output = Response> + Send>> {
    move |_request| {
        count.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { (StatusCode::OK, "<p>hallo</p>").into_response() })
    }
}

#[tokio::test]
async fn a_thousand_spellings_of_one_address_leave_room_for_the_pages() {
    let cache = PageCache::new();
    let count = Arc::new(AtomicUsize::new(0));
    // Each a different spelling of one address: some of the letters of its slug encoded.
    let slug = "abcdefghijk";
    for n in 1..1_100u32 {
        let spelled: String = slug
            .chars()
            .enumerate()
            .map(|(i, c)| match n >> i & 1 {
                1 => format!("%{:02X}", c as u8),
                _ => c.to_string(),
            })
            .collect();
        let request = Request::get(format!("/artikel/{spelled}"))
            .body(Body::empty())
            .unwrap();
        let response = cache.serve(request, quick_render(count.clone())).await;
        assert_eq!(response.headers()[header::CACHE_CONTROL], PRIVATE_PAGE);
    }
    assert!(cache.is_empty(), "no spelling kept");
    assert_kept(&cache, "/artikel/abcdefghijk", &count).await;
}

/// That `path` is kept by `cache`: served public, and the second time from memory.
async fn assert_kept(cache: &PageCache, path: &str, count: &Arc<AtomicUsize>) {
    let article = || Request::get(path).body(Body::empty()).unwrap();
    let response = cache.serve(article(), quick_render(count.clone())).await;
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        PUBLIC_PAGE,
        "kept"
    );
    let rendered = count.load(Ordering::SeqCst);
    cache.serve(article(), quick_render(count.clone())).await;
    assert_eq!(count.load(Ordering::SeqCst), rendered, "from memory");
}

#[tokio::test]
async fn a_full_cache_makes_room_by_dropping_expired_pages() {
    // 1,024 addresses asked once each, longer ago than the cache keeps a page: all expired.
    let cache = PageCache::with_ttl(Duration::from_millis(50));
    let count = Arc::new(AtomicUsize::new(0));
    for n in 0..1_024 {
        let request = Request::get(format!("/artikel/{n}"))
            .body(Body::empty())
            .unwrap();
        cache.serve(request, quick_render(count.clone())).await;
    }
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_kept(&cache, "/artikel/nieuw", &count).await;
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

#[tokio::test]
async fn when_the_figures_cannot_be_read_the_page_says_so_and_is_never_kept() {
    let (site, flaky) = TestSite::new().with_flaky_store();
    let site = site.with_built_files();
    let cookie = site.vote("nee").await;

    flaky.fail_reads(true);
    for reader in [None, Some(cookie.as_str())] {
        let headers: Vec<(header::HeaderName, &str)> =
            reader.map(|c| (header::COOKIE, c)).into_iter().collect();
        let page = site.get_with(ARTICLE, &headers).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "the article itself still shows"
        );
        assert_eq!(page.header("cache-control"), Some(NO_STORE), "{reader:?}");
        assert_eq!(page.header("etag"), None);
        let html = page.decoded();
        assert!(
            html.contains("De cijfers van deze poll kunnen nu niet getoond worden."),
            "{html}"
        );
        assert!(html.contains("Hoeveel lezers stemden, kan nu even niet getoond worden."));
        assert!(!html.contains("0 lezers"), "no made-up zero");
        assert!(!html.contains("Nog niemand stemde."));
    }

    flaky.fail_reads(false);
    let page = site.get_with(ARTICLE, &[]).await;
    assert_eq!(
        page.header("cache-control"),
        Some(PUBLIC_PAGE),
        "the store is back: the shared page is kept again"
    );
    assert!(
        page.body.contains("Tot nu toe stemde 1 lezer."),
        "the page without figures was not kept: {}",
        page.body
    );
}

/// The answer a voter's page names as theirs ("Uw stem: <strong>…</strong>"), if any.
fn own_answer(html: &str) -> Option<String> {
    let start = html.find("Uw stem: <strong>")? + "Uw stem: <strong>".len();
    let end = html[start..].find("</strong>")?;
    Some(html[start..start + end].to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voters_pages_come_from_memory_and_no_voter_ever_sees_another_voters_answers() {
    let site = TestSite::new().kept_router();
    let voters = [
        ("ja", "Ja"),
        ("nee", "Nee"),
        ("weet-niet", "Weet ik niet"),
        ("nee", "Nee"),
    ];
    let mut cookies = Vec::new();
    for (choice, label) in voters {
        cookies.push((site.vote(choice).await, label));
    }
    let never_voted = "stembus_kiezer=0123456789abcdef0123456789abcdef";
    let reads_before = site.state.metrics.render();
    // In turn, many times, and at once: each page names its own reader's answer, or none.
    let mut tasks = Vec::new();
    for round in 0..25 {
        for (cookie, label) in &cookies {
            let (router, cookie, label) = (site.router(), cookie.clone(), *label);
            tasks.push(tokio::spawn(async move {
                let request = Request::get(ARTICLE)
                    .header(header::COOKIE, &cookie)
                    .header(header::ACCEPT, BROWSER_ACCEPT)
                    .body(Body::empty())
                    .unwrap();
                let reply =
                    Reply::from(tower::ServiceExt::oneshot(router, request).await.unwrap()).await;
                assert_eq!(reply.status, StatusCode::OK);
                assert_eq!(reply.header("cache-control"), Some(PRIVATE_PAGE));
                assert_eq!(
                    own_answer(&reply.body).as_deref(),
                    Some(label),
                    "round {round}"
                );
            }));
        }
        let page = site.get(ARTICLE, Some(never_voted)).await;
        assert_eq!(
            own_answer(&page.body),
            None,
            "a cookie that never voted sees no answer"
        );
        assert!(page.body.contains("<fieldset"), "and the form");
    }
    for task in tasks {
        task.await.unwrap();
    }
    let after = site.state.metrics.render();
    let hits = |text: &str| -> u64 {
        text.lines()
            .find(|line| line.starts_with("stembus_page_cache_lookups_total{result=\"hit\"}"))
            .and_then(|line| line.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert!(
        hits(&after) - hits(&reads_before) >= 100,
        "most of the 125 voter pages came from memory: {after}"
    );
}

#[tokio::test]
async fn a_voters_page_shows_a_new_vote_within_its_bound_and_a_changed_answer_at_once() {
    // The sample poll lets a reader change their vote.
    let site = TestSite::new().kept_router();
    const SAMPLE: &str = "/artikel/voorbeeld-hoe-werkt-de-lezerspoll";
    let vote = |choice: &'static str, cookie: Option<String>| {
        let site = &site;
        async move {
            let reply = site
                .post_fetch(
                    &format!("poll=nut-van-lezerspolls&choice={choice}"),
                    cookie.as_deref(),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            reply.voter_cookie().or(cookie).unwrap()
        }
    };
    let first = vote("ja", None).await;
    let page = site.get(SAMPLE, Some(&first)).await.body;
    assert!(page.contains("1 lezer stemde."), "{page}");
    let _second = vote("ja", None).await;
    // Another reader with the same answer: the kept page may be up to VOTER_PAGE_TTL old ...
    tokio::time::sleep(VOTER_PAGE_TTL + Duration::from_millis(100)).await;
    let page = site.get(SAMPLE, Some(&first)).await.body;
    assert!(
        page.contains("2 lezers stemden."),
        "... and not older: {page}"
    );
    // A changed answer is another key: it shows at once.
    vote("nee", Some(first.clone())).await;
    let page = site.get(SAMPLE, Some(&first)).await.body;
    assert_eq!(own_answer(&page).as_deref(), Some("Nee"));
}

/// The sample poll lets a reader change their vote.
const CHANGEABLE: &str = "/artikel/voorbeeld-hoe-werkt-de-lezerspoll";
const SAMPLE_JA: &str = "Ja, ik zie graag wat andere lezers denken";

async fn vote_in_changeable(site: &TestSite, choice: &str, cookie: Option<&str>) -> String {
    let reply = site
        .post_fetch(&format!("poll=nut-van-lezerspolls&choice={choice}"), cookie)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.voter_cookie().or(cookie.map(str::to_string)).unwrap()
}

#[tokio::test]
async fn a_voters_own_answers_are_read_from_the_store_once_and_a_new_vote_shows_at_once() {
    let mut counting = None;
    let site = TestSite::new()
        .with_store(|store| {
            let wrapped = FlakyStore::around(store);
            counting = Some(wrapped.clone());
            wrapped
        })
        .kept_router();
    let counting = counting.unwrap();
    let voter = vote_in_changeable(&site, "ja", None).await;
    let first = site.get(CHANGEABLE, Some(&voter)).await;
    assert_eq!(own_answer(&first.body).as_deref(), Some(SAMPLE_JA));
    let reads = counting.voter_reads();
    for _ in 0..20 {
        let page = site.get(CHANGEABLE, Some(&voter)).await;
        assert_eq!(own_answer(&page.body).as_deref(), Some(SAMPLE_JA));
    }
    assert_eq!(
        counting.voter_reads(),
        reads,
        "twenty more pages of this voter, not one read of their answers"
    );
    // The change goes through this node: the next page shows it, not the kept answer.
    vote_in_changeable(&site, "nee", Some(&voter)).await;
    let page = site.get(CHANGEABLE, Some(&voter)).await;
    assert_eq!(own_answer(&page.body).as_deref(), Some("Nee"));
    // Another voter's page on the same node is theirs alone.
    let other = vote_in_changeable(&site, "ja", None).await;
    let page = site.get(CHANGEABLE, Some(&other)).await;
    assert_eq!(own_answer(&page.body).as_deref(), Some(SAMPLE_JA));
}

#[tokio::test]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn on_postgres_a_vote_changed_through_one_node_shows_on_the_other_within_the_bound() {
    let mut nodes = TestSite::postgres_nodes(2).await.into_iter();
    let (first, second) = (nodes.next().unwrap(), nodes.next().unwrap());
    let voter = vote_in_changeable(&first, "ja", None).await;
    let page = second.get(CHANGEABLE, Some(&voter)).await;
    assert_eq!(
        own_answer(&page.body).as_deref(),
        Some(SAMPLE_JA),
        "kept on the second node"
    );
    vote_in_changeable(&first, "nee", Some(&voter)).await;
    let page = first.get(CHANGEABLE, Some(&voter)).await;
    assert_eq!(
        own_answer(&page.body).as_deref(),
        Some("Nee"),
        "at once on the node that took the vote"
    );
    tokio::time::sleep(VOTER_PAGE_TTL + Duration::from_millis(100)).await;
    let page = second.get(CHANGEABLE, Some(&voter)).await;
    assert_eq!(
        own_answer(&page.body).as_deref(),
        Some("Nee"),
        "and on the other within VOTER_PAGE_TTL"
    );
}
