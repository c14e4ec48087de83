//! A full node: each class of request refused apart (pages, votes, streams, the desk and health),
//! a refused voter told to try again with or without JavaScript, and a vote sent again with its
//! idempotency key counted once.

use crate::common::{
    ARTICLE, BROWSER_ACCEPT, FlakyStore, POLL, TestSite, VOTE_PATH, content_with_poll_rules,
    vote_body,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use stembus_ops::serve::with_limits;
use stembus_server::router::build_router;
use tower::ServiceExt;

/// A key as the island draws it: 32 lower-case hex digits.
const KEY: &str = "0123456789abcdef0123456789abcdef";

/// The input of the form's answer `key`, as the page renders it.
fn answer_input<'a>(html: &'a str, key: &str) -> &'a str {
    let id = format!("id=\"keuze-{key}\"");
    let at = html
        .find(&id)
        .unwrap_or_else(|| panic!("no input {id}: {html}"));
    let start = html[..at].rfind("<input").unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

#[tokio::test]
async fn a_vote_the_node_is_too_busy_for_without_javascript_gets_the_article_with_its_answer_kept()
{
    let site = TestSite::new().with_budgets(|budgets| budgets.votes = 0);
    let reply = site.post_form(&vote_body("nee"), None).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(
        reply
            .header("content-type")
            .is_some_and(|value| value.starts_with("text/html")),
        "a page, not a line of text"
    );
    let html = &reply.body;
    assert!(html.contains("<html lang=\"nl-BE\""), "{html}");
    assert!(
        html.contains("Brengt DeepSeek blijvende schade toe aan Nvidia?"),
        "the article's poll"
    );
    assert!(
        html.contains("Het Chinese DeepSeek zet de techwereld op haar kop."),
        "the article's own text is on the page, not only its poll"
    );
    assert!(
        html.contains(&format!("action=\"{VOTE_PATH}\"")),
        "the form"
    );
    assert!(
        answer_input(html, "nee").contains("checked"),
        "their answer kept"
    );
    assert!(!answer_input(html, "ja").contains("checked"));
    assert!(
        html.contains("Het is erg druk: uw stem is nog niet geteld."),
        "said in the form: {html}"
    );
    // The reader comes back to the top of the page: its title and the top of the article say
    // that the vote was not counted, and lead to the poll.
    assert!(
        html.contains("<title>Uw stem is niet geregistreerd – "),
        "the title says so: {html}"
    );
    let notice = html
        .find("class=\"vote-refused-notice\"")
        .expect("a notice at the top");
    assert!(
        notice < html.find("class=\"article-title\"").unwrap(),
        "above the article's title"
    );
    assert!(
        html[notice..].starts_with(
            "class=\"vote-refused-notice\">Het is erg druk: uw stem is nog niet geteld."
        )
    );
    assert!(html[notice..].contains("<a href=\"#poll\">Naar de poll en uw antwoorden</a>"));
    let key_input = html
        .find("name=\"key\"")
        .map(|at| &html[html[..at].rfind("<input").unwrap()..at + 60])
        .expect("the vote sent again carries a key");
    assert!(key_input.contains("type=\"hidden\""), "{key_input}");
    assert!(
        reply.voter_cookie().is_none(),
        "nothing was stored, no id given"
    );
    assert_eq!(site.voters_in(POLL).await, 0);
}

#[tokio::test]
async fn a_vote_refused_as_busy_when_the_poll_has_closed_is_not_thanked_for() {
    // The node refuses a full class before it reads the poll's state, so a vote that reaches it
    // as the poll closes is refused as busy; the page then has no form to say so in.
    let content = content_with_poll_rules("closes = \"2026-03-01T09:00:00+01:00\"");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap())
        .with_budgets(|budgets| budgets.votes = 0);
    let reply = site.post_form(&vote_body("nee"), None).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let html = &reply.body;
    assert!(html.contains("Deze poll is gesloten."), "{html}");
    assert!(
        html.contains("Het is erg druk: uw stem is nog niet geteld."),
        "the refusal said without a form: {html}"
    );
    assert!(
        !html.contains("Dank u om mee te stemmen") && !html.contains("Uw stem:"),
        "a vote that was not counted is not shown as the reader's: {html}"
    );
    assert_eq!(site.voters_in(POLL).await, 0);
}

#[tokio::test]
async fn a_vote_the_node_is_too_busy_for_from_the_island_is_busy_with_retry_after_and_counted() {
    let site = TestSite::new()
        .with_budgets(|budgets| budgets.votes = 0)
        .kept_router();
    let reply = site.post_fetch(&vote_body("ja"), None).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let refusal: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(refusal["error"], "Busy", "{refusal}");
    assert_eq!(
        refusal["message"],
        "Het is erg druk: uw stem is nog niet geteld. Probeer het over enkele seconden opnieuw.",
        "the island shows the server's words"
    );
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert_eq!(site.voters_in(POLL).await, 0);
    let metrics = site.state.metrics.render();
    assert!(
        metrics.contains("stembus_shed_requests_total{class=\"votes\",reason=\"queue\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("stembus_votes_total{outcome=\"refused\",reason=\"busy\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_vote_whose_answer_was_lost_sent_again_without_javascript_counts_once() {
    let site = TestSite::new();
    let flaky = FlakyStore::around(site.state.store.clone());
    let site = site.with_store(|_| flaky.clone()).kept_router();
    // Stored, but the store cannot say so (a commit whose answer was lost).
    flaky.lose_vote_answers(true);
    let first = site.post_form(&vote_body("ja"), None).await;
    assert_eq!(
        first.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        first.body
    );
    let cookie = first
        .voter_cookie()
        .expect("the reader keeps the id the vote may be stored under");
    assert_eq!(site.voters_in(POLL).await, 1, "it went in after all");
    flaky.lose_vote_answers(false);
    // The reader goes back and votes again, now with the cookie the refusal set.
    let again = site.post_form(&vote_body("ja"), Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(site.voters_in(POLL).await, 1, "counted once");
}

#[tokio::test]
async fn a_vote_sent_again_with_its_key_counts_once() {
    let site = TestSite::new().kept_router();
    let body = format!("{}&key={KEY}", vote_body("ja"));
    let first = site.post_fetch(&body, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(
        first.voter_cookie(),
        Some(format!("stembus_kiezer={KEY}")),
        "a reader without a cookie votes as the key"
    );
    // The answer was lost on its way: the island sends the same vote again, still without a cookie.
    let again = site.post_fetch(&body, None).await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "answered as taken: {}",
        again.body
    );
    assert_eq!(site.voters_in(POLL).await, 1, "counted once");
    // A reader with a cookie votes as their cookie, whatever the key.
    let other = site
        .post_fetch(
            &format!("{}&key={}", vote_body("nee"), "f".repeat(32)),
            Some("stembus_kiezer=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(site.voters_in(POLL).await, 2);
    let own = site
        .post_fetch(
            &format!("{}&key={KEY}", vote_body("nee")),
            Some("stembus_kiezer=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(
        site.voters_in(POLL).await,
        3,
        "the key is not the cookie's reader"
    );
}

#[tokio::test]
async fn a_malformed_or_repeated_key_is_refused_and_changes_nothing() {
    let site = TestSite::new();
    for body in [
        format!("{}&key=kort", vote_body("ja")),
        format!("{}&key={}", vote_body("ja"), "A".repeat(32)),
        format!("{}&key={KEY}&key={KEY}", vote_body("ja")),
    ] {
        let reply = site.post_fetch(&body, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(reply.voter_cookie().is_none());
    }
    assert_eq!(site.voters_in(POLL).await, 0);
}

#[tokio::test]
async fn the_busy_page_carries_security_headers_and_hsts_on_https() {
    let site = TestSite::new()
        .with_budgets(|budgets| budgets.pages = 0)
        .kept_router();
    for https in [false, true] {
        let service = with_limits(
            site.router(),
            site.state.admission.clone(),
            &site.state.messages,
        )
        .over_https(https);
        let page = service
            .oneshot(Request::get(ARTICLE).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
        let headers = page.headers();
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; base-uri 'none'; form-action 'none'",
            "the page loads nothing, so nothing is allowed"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            headers[header::REFERRER_POLICY],
            "strict-origin-when-cross-origin"
        );
        assert!(
            !headers.contains_key(header::X_FRAME_OPTIONS),
            "a refused embed shows in the embedder's frame"
        );
        assert_eq!(
            headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
            https
        );
    }
}

#[tokio::test]
async fn a_full_page_class_is_refused_at_once_while_votes_the_desk_and_health_are_answered() {
    let site = TestSite::new()
        .with_budgets(|budgets| budgets.pages = 0)
        .kept_router();
    let service = with_limits(
        site.router(),
        site.state.admission.clone(),
        &site.state.messages,
    );
    let send = |request: Request<Body>| service.clone().oneshot(request);

    let page = send(Request::get(ARTICLE).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.headers()[header::RETRY_AFTER], "2");
    let text = String::from_utf8(
        axum::body::to_bytes(page.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(
        text.contains("<html lang=\"nl-BE\">") && text.contains("Het is erg druk"),
        "{text}"
    );

    for path in ["/healthz", "/readyz", "/redactie/aanmelden"] {
        let answer = send(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{path} has its own budget");
    }
    let vote = send(
        Request::post(VOTE_PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(vote_body("ja")))
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(vote.status(), StatusCode::OK, "votes have theirs");

    let metrics = site.state.metrics.render();
    assert!(
        metrics.contains("stembus_shed_requests_total{class=\"pages\",reason=\"full\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_full_stream_hub_refuses_before_reading_anything_from_the_store() {
    let content = content_with_poll_rules("show_results = \"after-vote\"");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let cookie = site.vote("ja").await;
    let counting = FlakyStore::around(site.state.store.clone());
    let site = site
        .with_store(|_| counting.clone())
        .with_live_streams_max(0)
        .kept_router();
    let reads_before = counting.voter_reads();
    let refused = site
        .send(
            Request::get(format!("/api/polls/{POLL}/live"))
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT, "text/event-stream")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("retry-after"), Some("30"));
    assert_eq!(
        counting.voter_reads(),
        reads_before,
        "refused without reading this reader's ballot"
    );
    let metrics = site.state.metrics.render();
    assert!(
        metrics.contains("stembus_shed_requests_total{class=\"streams\",reason=\"full\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_full_health_class_refuses_health_uncached_while_pages_are_answered() {
    let site = TestSite::new()
        .with_budgets(|budgets| budgets.health = 0)
        .kept_router();
    let service = with_limits(
        build_router(site.state.clone()),
        site.state.admission.clone(),
        &site.state.messages,
    );
    let health = service
        .clone()
        .oneshot(
            Request::get("/healthz")
                .header(header::ACCEPT, BROWSER_ACCEPT)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.headers()[header::CACHE_CONTROL], "no-store");
    let page = service
        .oneshot(Request::get(ARTICLE).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "pages are not the health checks' class"
    );
}

#[tokio::test]
async fn a_desk_filled_by_sign_in_attempts_leaves_the_health_checks_answered() {
    // Anyone can post the sign-in form, and each attempt holds a desk place through its password
    // check: a full desk class must not take the load balancer's health check with it.
    let site = TestSite::new()
        .with_budgets(|budgets| budgets.desk = 0)
        .kept_router();
    let service = with_limits(
        build_router(site.state.clone()),
        site.state.admission.clone(),
        &site.state.messages,
    );
    let desk = service
        .clone()
        .oneshot(
            Request::get("/redactie/aanmelden")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(desk.status(), StatusCode::SERVICE_UNAVAILABLE);
    for path in ["/healthz", "/readyz"] {
        let health = service
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(health.status(), StatusCode::OK, "{path}");
    }
}

/// A vote posted from the embed's frame by a browser without JavaScript.
fn vote_from_the_frame(body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(VOTE_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .header("sec-fetch-dest", "iframe");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

const EMBEDDER: &str = "https://www.example.be";

#[tokio::test]
async fn a_busy_vote_from_the_embed_without_javascript_gets_the_embed_back_framable_by_the_embedder()
 {
    let site = TestSite::new()
        .with_settings(|settings| settings.embed_origins = vec![EMBEDDER.to_string()])
        .with_budgets(|budgets| budgets.votes = 0);
    let cookie = "stembus_kiezer=cccccccccccccccccccccccccccccccc";
    let reply = site
        .send(vote_from_the_frame(&vote_body("ja"), Some(cookie)))
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.header("retry-after"), Some("2"));
    let html = &reply.body;
    assert!(html.contains("class=\"embed"), "the embed's page: {html}");
    assert!(
        answer_input(html, "ja").contains("checked"),
        "their answer kept"
    );
    assert!(
        html.contains("name=\"key\""),
        "a key for the vote sent again"
    );
    assert!(html.contains("Het is erg druk: uw stem is nog niet geteld."));
    let policy = reply.header("content-security-policy").unwrap();
    assert!(
        policy.contains(&format!("frame-ancestors 'self' {EMBEDDER}")),
        "{policy}"
    );
    assert!(reply.header("x-frame-options").is_none());
    assert_eq!(site.voters_in(POLL).await, 0);
}

#[tokio::test]
async fn every_refusal_of_a_vote_from_the_embed_can_be_shown_in_the_embedders_frame() {
    let site = TestSite::new()
        .with_settings(|settings| settings.embed_origins = vec![EMBEDDER.to_string()]);
    // No voter cookie in the frame: refused, and said so inside the frame.
    let reply = site.send(vote_from_the_frame(&vote_body("ja"), None)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let policy = reply.header("content-security-policy").unwrap();
    assert!(
        policy.contains(&format!("frame-ancestors 'self' {EMBEDDER}")),
        "{policy}"
    );
    assert!(reply.header("x-frame-options").is_none());
    // The article's own refusals stay this site's alone.
    let own = site.post_form(&vote_body("bestaat-niet"), None).await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    assert!(
        own.header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'self';")
            || own
                .header("content-security-policy")
                .unwrap()
                .ends_with("frame-ancestors 'self'")
    );
    assert_eq!(own.header("x-frame-options"), Some("SAMEORIGIN"));
}

#[tokio::test]
async fn in_the_embeds_frame_a_refusal_and_an_error_lead_only_where_a_frame_can_go() {
    let site = TestSite::new()
        .with_settings(|settings| settings.embed_origins = vec![EMBEDDER.to_string()]);
    // A vote from the frame for an answer the poll does not have: the short refusal, in the
    // embed's shell (the site's header and footer link pages that refuse to be framed), back to
    // the embed in the same frame.
    let cookie = site
        .get(&format!("/embed/{POLL}"), None)
        .await
        .voter_cookie();
    let reply = site
        .send(vote_from_the_frame(
            &vote_body("bestaat-niet"),
            cookie.as_deref(),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(!reply.body.contains("site-header"), "{}", reply.body);
    assert!(!reply.body.contains("site-footer"), "{}", reply.body);
    assert!(
        reply
            .body
            .contains(&format!("href=\"/embed/{POLL}#poll\">")),
        "{}",
        reply.body
    );
    // The embed of a poll that is not there: its way to the front page opens a window of its own.
    let missing = site.get("/embed/bestaat-niet", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing
            .body
            .contains("<a href=\"/\" target=\"_blank\" rel=\"noopener\">"),
        "{}",
        missing.body
    );
    // The site's own error page keeps its link in the window it is in.
    let page = site.get("/artikel/bestaat-niet", None).await;
    assert!(page.body.contains("<a href=\"/\">"), "{}", page.body);
}

/// `GET path` over a connection of its own to `address`: the status line and the whole answer.
fn get_over_tcp(address: std::net::SocketAddr, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: {BROWSER_ACCEPT}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    (
        answer.lines().next().unwrap_or_default().to_string(),
        answer,
    )
}

#[tokio::test]
async fn the_desks_own_address_serves_the_desk_health_and_metrics_and_sends_readers_to_the_site() {
    let site = TestSite::new().kept_router();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let limited = with_limits(
        site.router(),
        site.state.admission.clone(),
        &site.state.messages,
    );
    let desk = stembus_ops::desk_listener::spawn(
        listener,
        limited.clone(),
        limited.connection_limit(8),
        site.state.admission.clone(),
        &site.state.settings.base_url,
    )
    .unwrap();
    let answers = tokio::task::spawn_blocking(move || {
        [
            "/healthz",
            "/readyz",
            "/metrics",
            "/redactie/aanmelden",
            ARTICLE,
            "/",
        ]
        .map(|path| (path, get_over_tcp(address, path)))
    })
    .await
    .unwrap();
    for (path, (status, answer)) in &answers[..4] {
        assert!(status.contains(" 200 "), "{path}: {answer}");
    }
    let (_, (_, sign_in)) = &answers[3];
    assert!(sign_in.contains("<html lang=\"nl-BE\""), "{sign_in}");
    // The site's own links on a desk page (its front page, the article, `/privacy`) go to the site.
    for (path, (status, answer)) in &answers[4..] {
        assert!(status.contains(" 308 "), "{path}: {answer}");
        assert!(
            answer.contains(&format!("location: http://127.0.0.1:3000{path}\r\n")),
            "{path}: {answer}"
        );
    }
    desk.stop().await;
}

/// `GET path` on `stream`, which stays open: the status line and the whole answer (its body read
/// by its `Content-Length`).
fn get_kept_open(stream: &mut std::net::TcpStream, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    write!(stream, "GET {path} HTTP/1.1\r\nHost: stembus\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream.read(&mut buffer).unwrap();
        assert!(read > 0, "the connection closed before its answer");
        answer.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&answer).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_string)
                })
                .and_then(|length| length.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return (text.lines().next().unwrap_or_default().to_string(), text);
            }
        }
    }
}

#[tokio::test]
async fn a_connection_past_the_bound_gets_the_busy_page_and_the_held_one_is_still_served() {
    let site = TestSite::new().kept_router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = with_limits(
        site.router(),
        site.state.admission.clone(),
        &site.state.messages,
    );
    // One connection at a time, as a node at its limit on open files.
    let connections = app.connection_limit(1);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(stembus_ops::serve::serve(
        listener,
        app,
        connections,
        async {
            let _ = stopped.await;
        },
    ));
    let (held_first, past, health_past, held_again, after) =
        tokio::task::spawn_blocking(move || {
            let mut held = std::net::TcpStream::connect(address).unwrap();
            held.set_read_timeout(Some(std::time::Duration::from_secs(20)))
                .unwrap();
            let held_first = get_kept_open(&mut held, "/healthz");
            let past = get_over_tcp(address, ARTICLE);
            let health_past = get_over_tcp(address, "/healthz");
            let held_again = get_kept_open(&mut held, "/healthz");
            drop(held);
            // The place comes back once the server has seen the connection close.
            let after = (0..100)
                .map(|_| {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    get_over_tcp(address, "/healthz")
                })
                .find(|(status, _)| status.contains("200"));
            (held_first, past, health_past, held_again, after)
        })
        .await
        .unwrap();
    assert!(held_first.0.contains("200"), "{}", held_first.1);
    let (status, answer) = past;
    assert!(status.contains("503"), "{answer}");
    let head = answer
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.contains("retry-after: 2"), "{head}");
    assert!(head.contains("connection: close"), "{head}");
    assert!(
        answer.contains("lang=\"nl-BE\""),
        "the busy page, in Dutch: {answer}"
    );
    assert!(
        health_past.0.contains("200"),
        "a health check past the bound is answered: {}",
        health_past.1
    );
    assert!(
        held_again.0.contains("200"),
        "the held connection is still served"
    );
    assert!(
        after.is_some(),
        "a new connection is served once the held one closed"
    );
    let metrics = site.state.metrics.render();
    assert!(
        metrics.contains("stembus_shed_requests_total{class=\"pages\",reason=\"connections\"} 1"),
        "{metrics}"
    );
    let _ = stop.send(());
    server.await.unwrap();
}
