//! How many readers saw a poll: the image that counts a view (once per request, never cached,
//! rate-limited like votes, only while the poll is open), the sums in the store across nodes, and
//! where the count shows: the API's `seen`, the transparency box's participation (only where the
//! standing is public), the desk's list and its CSV files.

use crate::common::*;
use crate::desk::signed_in;
use axum::http::{StatusCode, header};
use serde_json::Value;

fn seen_path() -> String {
    format!("/api/polls/{POLL}/seen.gif")
}

const DUTCH_ARTICLE: &str = "/artikel/deepseek-nvidia-beurswaarde";

/// The views the site counted, written to its store as the node does every few seconds.
async fn write_views(site: &TestSite) {
    site.state.seen_counts.flush(&site.state.store).await;
}

async fn api_poll(site: &TestSite) -> Value {
    let reply = site.get(&format!("/api/polls/{POLL}"), None).await;
    serde_json::from_str(&reply.body).unwrap()
}

#[tokio::test]
async fn every_view_of_an_open_poll_is_counted_once_and_the_image_is_never_kept() {
    let site = TestSite::new().kept_router();
    assert_eq!(api_poll(&site).await["seen"], 0);
    for _ in 0..3 {
        let reply = site.get(&seen_path(), None).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.header(header::CONTENT_TYPE.as_str()),
            Some("image/gif")
        );
        assert_eq!(
            reply.header(header::CACHE_CONTROL.as_str()),
            Some("no-store")
        );
        assert!(reply.bytes.starts_with(b"GIF89a"));
        assert!(
            reply.header(header::SET_COOKIE.as_str()).is_none(),
            "no cookie"
        );
    }
    write_views(&site).await;
    assert_eq!(api_poll(&site).await["seen"], 3);
    // Written once: a second flush adds nothing.
    write_views(&site).await;
    assert_eq!(api_poll(&site).await["seen"], 3);
    let hours = site.state.store.views_per_hour(POLL).await.unwrap();
    assert_eq!(
        hours,
        vec![(TEST_NOW - TEST_NOW % 3_600, 3)],
        "one row for the hour"
    );
}

#[tokio::test]
async fn views_past_the_rate_limit_are_refused_and_not_counted() {
    let site = TestSite::new()
        .with_settings(|settings| {
            settings.vote_burst = 2;
            settings.votes_per_minute = 1;
        })
        .kept_router();
    let statuses: Vec<StatusCode> = {
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(site.get(&seen_path(), None).await.status);
        }
        statuses
    };
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    write_views(&site).await;
    assert_eq!(api_poll(&site).await["seen"], 2);
}

#[tokio::test]
async fn an_unknown_poll_is_a_404_and_a_closed_one_is_not_counted() {
    let site = TestSite::new();
    let unknown = site.get("/api/polls/bestaat-niet/seen.gif", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let content = content_with_poll_rules("closes = \"2026-03-01T12:00:00+01:00\"");
    let closed = TestSite::with_content(content.path(), tempfile::tempdir().unwrap()).kept_router();
    let reply = closed.get(&seen_path(), None).await;
    assert_eq!(reply.status, StatusCode::OK, "the image still shows");
    write_views(&closed).await;
    assert!(
        closed
            .state
            .store
            .views_per_hour(POLL)
            .await
            .unwrap()
            .is_empty()
    );
    // A closed poll's page does not ask for it either.
    let page = closed.get(DUTCH_ARTICLE, None).await;
    assert!(!page.body.contains("seen.gif"), "{}", page.body);
}

#[tokio::test]
async fn the_page_asks_for_the_image_lazily_and_the_box_says_the_participation_only_where_results_are_public()
 {
    // Results after voting: the page counts views but the box says nothing of participation.
    let site = TestSite::new().kept_router();
    let page = site.get(DUTCH_ARTICLE, None).await;
    assert!(
        page.body.contains(&format!(
            "<img src=\"{}\" alt=\"\" width=\"1\" height=\"1\" loading=\"lazy\"",
            seen_path()
        )),
        "{}",
        page.body
    );
    site.get(&seen_path(), None).await;
    site.vote("ja").await;
    write_views(&site).await;
    let voted = site.get(DUTCH_ARTICLE, None).await;
    assert!(
        !voted.body.contains("poll-facts-participation"),
        "{}",
        voted.body
    );

    // Results for everyone: 1 voter of 4 views.
    let content = content_with_poll_rules("show_results = \"always\"");
    let public = TestSite::with_content(content.path(), tempfile::tempdir().unwrap()).kept_router();
    for _ in 0..4 {
        public.get(&seen_path(), None).await;
    }
    public.vote("ja").await;
    write_views(&public).await;
    assert_eq!(public.voters_in(POLL).await, 1);
    assert_eq!(api_poll(&public).await["voters"], 1);
    let page = public
        .get_with(DUTCH_ARTICLE, &[(header::CACHE_CONTROL, "no-cache")])
        .await;
    assert!(
        page.body
            .contains("25% van de lezers die de vraag zagen, stemde."),
        "{}",
        page.body
    );
    let french = public.get("/fr/embed/deepseek-schade-nvidia", None).await;
    assert!(
        french
            .body
            .contains("25\u{a0}% des lecteurs qui ont vu la question ont voté."),
        "{}",
        french.body
    );
    // The privacy page says what is counted, in both languages.
    let privacy = public.get("/privacy", None).await;
    assert!(privacy.body.contains("Hoe vaak een poll gezien werd"));
    let vie_privee = public.get("/fr/vie-privee", None).await;
    assert!(
        vie_privee
            .body
            .contains("Combien de fois un sondage a été vu")
    );
}

#[tokio::test]
async fn the_desk_shows_seen_voters_and_participation_and_the_csv_files_carry_the_views() {
    let site = TestSite::new().kept_router();
    for _ in 0..8 {
        site.get(&seen_path(), None).await;
    }
    site.vote("ja").await;
    write_views(&site).await;
    let editor = signed_in(&site).await;
    let list = editor.get(&site, "/redactie").await;
    assert!(
        list.body.contains("<th scope=\"col\">Gezien</th>"),
        "{}",
        list.body
    );
    assert!(list.body.contains("<th scope=\"col\">Deelname</th>"));
    assert!(list.body.contains(">8</td>"), "{}", list.body);
    assert!(
        list.body.contains(">13 %</td>"),
        "1 voter of 8 views: {}",
        list.body
    );
    let page = editor.get(&site, &format!("/redactie/poll/{POLL}")).await;
    assert!(
        page.body.contains(
            "Gezien: 8 keer (een schatting). 13 % van de lezers die de vraag zagen, stemde."
        ),
        "{}",
        page.body
    );

    let totals = editor
        .get(&site, &format!("/redactie/poll/{POLL}/export/totalen.csv"))
        .await;
    assert!(
        totals.body.contains("keer gezien (schatting);8;13\r\n"),
        "{}",
        totals.body
    );
    let hourly = editor
        .get(&site, &format!("/redactie/poll/{POLL}/export/per-uur.csv"))
        .await;
    assert!(hourly.body.contains(";keer gezien\r\n"), "{}", hourly.body);
    assert!(hourly.body.contains(";8\r\n"), "{}", hourly.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn on_postgres_the_views_counted_on_two_nodes_add_up() {
    let nodes = TestSite::postgres_nodes(2).await;
    for (node, views) in nodes.iter().zip([3, 5]) {
        for _ in 0..views {
            assert_eq!(node.get(&seen_path(), None).await.status, StatusCode::OK);
        }
    }
    for node in &nodes {
        write_views(node).await;
    }
    for node in &nodes {
        assert_eq!(api_poll(node).await["seen"], 8, "the sum over the nodes");
    }
}
