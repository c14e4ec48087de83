//! `/privacy` and the removal of old voter ids: the page states the figures of the settings in
//! force, the transparency box links it, and the ids go `voter_retention_days` after a poll closed.
//! Also the address the page says the rate limit hashes: behind the proxy, the reader's own, and
//! never the proxy's when the proxy's `X-Forwarded-For` does not read.

use crate::common::{
    ARTICLE, POLL, TEST_NOW, TestSite, VOTE_PATH, content_with_poll_rules, vote_body,
};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use std::net::SocketAddr;
use stembus_server::voter_retention::forget_old_voters;
use stembus_store::desk::AuditAction;
use tower::ServiceExt;

/// The transparency box of a page: from its `<aside>` to its end.
fn facts_box(html: &str) -> &str {
    let start = html
        .find("class=\"poll-facts\"")
        .expect("a transparency box");
    let end = html[start..].find("</aside>").expect("its end") + start;
    &html[start..end]
}

#[tokio::test]
async fn the_privacy_page_says_in_dutch_what_is_kept_and_for_how_long() {
    let site = TestSite::new();
    let page = site.get("/privacy", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.decoded();
    assert!(html.contains("lang=\"nl-BE\""), "a Dutch page");
    assert!(html.contains("<h1 class=\"article-title\">Wat Stembus over u bewaart</h1>"));
    assert!(
        html.contains("<code>stembus_kiezer</code>"),
        "the cookie's name"
    );
    assert!(html.contains("willekeurige code van 32 tekens en niets anders"));
    assert!(html.contains("De browser bewaart de cookie 730 dagen"));
    assert!(html.contains("30 dagen nadat een poll gesloten is, verwijderen we die codes"));
    assert!(html.contains("60 stemmen kort na elkaar sturen en daarna 120 stemmen per minuut"));
    assert!(html.contains("een hash van uw adres"));
    assert!(html.contains("We bewaren geen IP-adressen"));
}

#[tokio::test]
async fn the_privacy_page_states_the_settings_in_force() {
    let site = TestSite::new().with_settings(|settings| {
        settings.voter_retention_days = 7;
        settings.vote_burst = 5;
        settings.votes_per_minute = 1;
    });
    let html = site.get("/privacy", None).await.decoded();
    assert!(
        html.contains("7 dagen nadat een poll gesloten is"),
        "{html}"
    );
    assert!(!html.contains(" 30 dagen nadat"));
    assert!(html.contains("5 stemmen kort na elkaar sturen en daarna 1 stem per minuut"));

    let at_once = TestSite::new().with_settings(|settings| settings.voter_retention_days = 0);
    let html = at_once.get("/privacy", None).await.decoded();
    assert!(html.contains("Zodra een poll gesloten is, verwijderen we die codes"));
}

#[tokio::test]
async fn the_voter_cookie_is_handed_out_where_the_privacy_page_says() {
    let site = TestSite::new();
    let privacy = site.get("/privacy", None).await.decoded();
    // On the site: only who votes gets it.
    assert!(
        privacy.contains("Wie stemt, krijgt in de browser een cookie"),
        "{privacy}"
    );
    assert!(site.get(ARTICLE, None).await.voter_cookie().is_none());
    let vote = site.post_form(&vote_body("ja"), None).await;
    assert!(vote.voter_cookie().is_some());
    // In the embed: as soon as the poll is shown, and the page says so.
    assert!(
        privacy.contains("krijgt uw browser daar de cookie al wanneer de poll getoond wordt"),
        "{privacy}"
    );
    let embed = site.get(&format!("/embed/{POLL}"), None).await;
    assert!(embed.voter_cookie().is_some());
}

#[tokio::test]
async fn the_transparency_box_links_the_privacy_page_on_the_article_and_in_the_embed() {
    let site = TestSite::new();
    let article = site.get(ARTICLE, None).await.decoded();
    let link = facts_box(&article);
    assert!(
        link.contains("<a href=\"/privacy\">Wat we bewaren en hoe lang</a>"),
        "{link}"
    );

    let embed = site.get(&format!("/embed/{POLL}"), None).await.decoded();
    assert!(
        facts_box(&embed).contains("href=\"/privacy\" target=\"_blank\" rel=\"noopener\""),
        "out of the frame: the privacy page may not be framed by other sites"
    );
}

#[tokio::test]
async fn voter_ids_go_the_configured_days_after_the_poll_closed_and_the_votes_stay() {
    // TEST_NOW is 2 March 2026, 9.00 in Brussels; the poll closes an hour later.
    let content = content_with_poll_rules(
        "opens = \"2026-03-01T09:00:00+01:00\"\ncloses = \"2026-03-02T10:00:00+01:00\"",
    );
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap())
        .with_settings(|settings| settings.voter_retention_days = 2);
    let reply = site.post_form(&vote_body("ja"), None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let cookie = reply.voter_cookie().unwrap();
    let closes = TEST_NOW + 3_600;

    site.clock.set(closes + 2 * 86_400 - 1);
    assert_eq!(forget_old_voters(&site.state).await, 0, "not yet two days");
    let page = site.get(ARTICLE, Some(&cookie)).await.decoded();
    assert!(
        page.contains("Uw stem: <strong>Ja</strong>"),
        "the id still finds the vote"
    );

    site.clock.set(closes + 2 * 86_400);
    assert_eq!(forget_old_voters(&site.state).await, 1);
    assert_eq!(forget_old_voters(&site.state).await, 0, "once is enough");
    assert_eq!(site.voters_in(POLL).await, 1, "the vote is still counted");
    let page = site.get(ARTICLE, Some(&cookie)).await.decoded();
    assert!(!page.contains("Uw stem:"), "the old id finds nothing now");
    assert!(page.contains("1 lezer stemde."));

    let log = site.state.store.audit_log(Some(POLL), 10).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].action, AuditAction::VotersForgotten);
    assert_eq!(log[0].at, closes + 2 * 86_400);
    assert!(log[0].detail.contains("1 stem"), "{}", log[0].detail);
}

#[tokio::test]
async fn voter_ids_of_a_poll_whose_article_was_removed_go_all_the_same() {
    let content = content_with_poll_rules(
        "opens = \"2026-03-01T09:00:00+01:00\"\ncloses = \"2026-03-02T10:00:00+01:00\"",
    );
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap())
        .with_settings(|settings| settings.voter_retention_days = 2);
    let reply = site.post_form(&vote_body("ja"), None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // The newsroom takes the article down: no page serves the poll, its ballot stays stored.
    std::fs::remove_file(content.path().join("artikel.md")).unwrap();
    site.state.refresh_content().await.unwrap();
    assert!(site.state.library().poll(POLL).is_none());

    site.clock.set(TEST_NOW + 3_600 + 2 * 86_400);
    assert_eq!(
        forget_old_voters(&site.state).await,
        1,
        "the privacy page's promise holds for every poll"
    );
    let log = site.state.store.audit_log(Some(POLL), 10).await.unwrap();
    assert_eq!(log[0].action, AuditAction::VotersForgotten);
}

/// The trusted proxy of the tests below, on the node's host as `deploy/nginx-stembus.conf` runs it,
/// and so in the default `metrics_allow`.
const PROXY: &str = "127.0.0.1";

/// `request` as the proxy hands it over: from its address, with `X-Forwarded-For: forwarded` when
/// given.
fn through_proxy(request: axum::http::request::Builder, forwarded: Option<&str>) -> Request<Body> {
    let request = match forwarded {
        Some(forwarded) => request.header("x-forwarded-for", forwarded),
        None => request,
    };
    let mut request = request.body(Body::empty()).unwrap();
    let peer: SocketAddr = format!("{PROXY}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

#[tokio::test]
async fn metrics_through_the_proxy_are_refused_when_its_forwarded_address_does_not_read() {
    let site = TestSite::new()
        .with_settings(|settings| settings.trusted_proxy = Some(PROXY.parse().unwrap()));
    let metrics = |forwarded: Option<&'static str>| {
        let router = site.router();
        async move {
            let request = through_proxy(Request::get("/metrics"), forwarded);
            router.oneshot(request).await.unwrap().status()
        }
    };
    assert_eq!(
        metrics(Some("127.0.0.1")).await,
        StatusCode::OK,
        "a scraper on the node's host, through the proxy"
    );
    for forwarded in [
        None,
        Some("unknown"),
        Some("203.0.113.7:5555"),
        Some("[2001:db8::1]:443"),
        Some("203.0.113.7, garbage"),
    ] {
        assert_eq!(
            metrics(forwarded).await,
            StatusCode::FORBIDDEN,
            "the proxy's own address is never the reader's: {forwarded:?}"
        );
    }
}

#[tokio::test]
async fn behind_the_proxy_a_forwarded_address_with_a_port_has_its_own_rate_limit_and_unreadable_ones_share_another()
 {
    let site = TestSite::new().with_settings(|settings| {
        settings.vote_burst = 1;
        settings.votes_per_minute = 1;
        settings.trusted_proxy = Some(PROXY.parse().unwrap());
    });
    let router = site.router();
    let mut statuses = Vec::new();
    for forwarded in [
        "198.51.100.1:4000",
        "198.51.100.2:4000",
        "[2001:db8:1::7]:443",
        "198.51.100.2:4001",
        "unknown",
        "nobody",
        "198.51.100.3",
    ] {
        let request = Request::post(VOTE_PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        let mut request = through_proxy(request, Some(forwarded));
        *request.body_mut() = Body::from(vote_body("ja"));
        let status = router.clone().oneshot(request).await.unwrap().status();
        statuses.push((forwarded, status));
    }
    use StatusCode as S;
    assert_eq!(
        statuses,
        vec![
            ("198.51.100.1:4000", S::OK),
            ("198.51.100.2:4000", S::OK),
            ("[2001:db8:1::7]:443", S::OK),
            ("198.51.100.2:4001", S::TOO_MANY_REQUESTS),
            ("unknown", S::OK),
            ("nobody", S::TOO_MANY_REQUESTS),
            ("198.51.100.3", S::OK),
        ],
        "each reader their own bucket; the unreadable ones one of their own"
    );
}
