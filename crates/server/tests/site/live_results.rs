//! The live-result stream through the router: one store read per second for a thousand watchers,
//! the events as the browser gets them, who may watch, the per-node bound, the in-flight limit it
//! stays out of, and the end of every stream at shut-down.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::time::{Duration, Instant};
use stembus_ops::serve::with_limits;
use stembus_server::router::build_router;
use tower::ServiceExt;

fn live_path() -> String {
    format!("/api/polls/{POLL}/live")
}

/// A site whose poll shows its standing to everyone, so any reader may watch it.
fn open_standing_site() -> (TestSite, tempfile::TempDir) {
    let content = content_with_poll_rules("show_results = \"always\"");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    (site, content)
}

fn live_request(cookie: Option<&str>, last_event_id: Option<&str>) -> Request<Body> {
    let mut request = Request::get(live_path()).header(header::ACCEPT, "text/event-stream");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    request.body(Body::empty()).unwrap()
}

/// The next event of a stream (comment lines, the heartbeat, skipped), or `None` at its end or
/// after `wait`.
pub(crate) async fn next_event(
    body: &mut Body,
    pending: &mut String,
    wait: Duration,
) -> Option<String> {
    let deadline = Instant::now() + wait;
    loop {
        while let Some(end) = pending.find("\n\n") {
            let event: String = pending.drain(..end + 2).collect();
            if event.lines().any(|line| line.starts_with("data:")) {
                return Some(event);
            }
        }
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    pending.push_str(&String::from_utf8_lossy(&data));
                }
            }
            _ => return None,
        }
    }
}

/// An anonymous reader's stream, once its first standing has arrived: its body and what is left
/// of what was read.
async fn watching(site: &TestSite) -> (Body, String) {
    watching_poll(site, POLL).await
}

/// `watching` the poll `poll_id`.
pub(crate) async fn watching_poll(site: &TestSite, poll_id: &str) -> (Body, String) {
    let request = Request::get(format!("/api/polls/{poll_id}/live"))
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::empty())
        .unwrap();
    let response = site.router().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut pending = String::new();
    next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .expect("the standing at once");
    (body, pending)
}

/// Whether the stream ends within `wait` without sending another standing.
pub(crate) async fn ends_without_a_standing(
    body: &mut Body,
    pending: &mut String,
    wait: Duration,
) -> bool {
    let read = async {
        loop {
            if pending.contains("data:") {
                return false;
            }
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        pending.push_str(&String::from_utf8_lossy(&data));
                    }
                }
                _ => return true,
            }
        }
    };
    tokio::time::timeout(wait, read).await.unwrap_or(false)
}

fn field<'a>(event: &'a str, name: &str) -> Option<&'a str> {
    event
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}:")))
        .map(str::trim)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_open_streams_cost_one_store_read_a_second() {
    let (site, _content) = open_standing_site();
    let counting = FlakyStore::around(site.state.store.clone());
    let site = site.with_store(|_| counting.clone()).kept_router();
    let started = Instant::now();
    let mut streams = Vec::new();
    for _ in 0..1000 {
        let response = site
            .router()
            .oneshot(live_request(None, None))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        streams.push((response.into_body(), String::new()));
    }
    assert_eq!(site.state.live_results.open_streams(), 1000);
    for (body, pending) in streams.iter_mut() {
        let event = next_event(body, pending, Duration::from_secs(5)).await;
        let event = event.expect("every stream gets the standing");
        assert!(event.contains("\"voters\":0"), "{event}");
    }
    site.vote("ja").await;
    for (body, pending) in streams.iter_mut().take(10) {
        let event = next_event(body, pending, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(event.contains("\"voters\":1"), "the vote shows: {event}");
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let seconds = started.elapsed().as_secs() as usize;
    let reads = counting.anonymous_reads();
    assert!(
        (1..=seconds + 2).contains(&reads),
        "{reads} reads in {seconds} s for 1000 streams: one a second, not one per reader"
    );
    drop(streams);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        site.state.live_results.open_streams(),
        0,
        "closed streams free their slots"
    );
    let after = counting.anonymous_reads();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert!(
        counting.anonymous_reads() <= after + 1,
        "nobody watches: the reading stops"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_quiet_poll_a_stored_vote_shows_at_once_not_at_the_next_read() {
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    let (mut body, mut pending) = watching(&site).await;
    // The stream's first read was just now; the reads on the clock come a second apart after it.
    // Halfway between the next two of them, a vote read only on the clock would show half a
    // second later.
    let first_read = Instant::now();
    tokio::time::sleep_until((first_read + Duration::from_millis(1500)).into()).await;
    site.vote("ja").await;
    let stored = Instant::now();
    let event = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .expect("the vote shows");
    let shown_after = stored.elapsed();
    assert!(event.contains("\"voters\":1"), "{event}");
    assert!(
        shown_after < Duration::from_millis(250),
        "a vote on a quiet poll shows at once, not at the next read on the clock: {shown_after:?}"
    );

    // Under a stream of votes, still no more than one event a second.
    let burst_started = Instant::now();
    for _ in 0..5 {
        site.vote("nee").await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut events = 0;
    while next_event(&mut body, &mut pending, Duration::from_millis(1500))
        .await
        .is_some()
    {
        events += 1;
    }
    let seconds = burst_started.elapsed().as_secs_f64();
    assert!(
        (1..=2).contains(&events),
        "{events} events for five votes in half a second ({seconds:.1} s watched): one a second at most"
    );
}

#[tokio::test]
async fn the_stream_sends_the_standing_with_an_id_a_retry_and_skips_what_the_reader_has() {
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    let response = site
        .router()
        .oneshot(live_request(None, None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    let mut body = response.into_body();
    let mut pending = String::new();
    let event = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(field(&event, "event"), Some("standing"));
    assert_eq!(field(&event, "retry"), Some("5000"));
    let id = field(&event, "id").unwrap().to_string();
    let read_at = TEST_NOW * 1_000;
    assert_eq!(
        field(&event, "data"),
        Some(
            format!(
                r#"{{"voters":0,"total":"Nog niemand stemde.","options":[{{"key":"ja","votes":0,"percent":0,"figures":"0% · 0 stemmen"}},{{"key":"nee","votes":0,"percent":0,"figures":"0% · 0 stemmen"}},{{"key":"weet-niet","votes":0,"percent":0,"figures":"0% · 0 stemmen"}}],"facts_voters":"Tot nu toe stemden 0 lezers.","read_at":{read_at}}}"#
            )
            .as_str()
        )
    );

    // A reader reconnecting with those figures gets nothing until they change.
    let again = site
        .router()
        .oneshot(live_request(None, Some(&id)))
        .await
        .unwrap();
    let mut again_body = again.into_body();
    let mut again_pending = String::new();
    assert!(
        next_event(
            &mut again_body,
            &mut again_pending,
            Duration::from_millis(1800)
        )
        .await
        .is_none(),
        "the figures the reader has are not sent again"
    );
    site.vote("nee").await;
    let changed = next_event(&mut again_body, &mut again_pending, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(changed.contains("\"voters\":1"));
    assert_ne!(field(&changed, "id"), Some(id.as_str()));
}

#[tokio::test]
async fn only_a_reader_who_may_see_the_standing_may_watch_it() {
    // The shipped poll shows its standing after voting.
    let site = TestSite::new().kept_router();
    let refused = site.send(live_request(None, None)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.header("content-type"), Some("application/json"));
    assert!(refused.body.contains("niet zichtbaar"), "{}", refused.body);
    let stranger = site
        .send(live_request(
            Some("stembus_kiezer=ffffffffffffffffffffffffffffffff"),
            None,
        ))
        .await;
    assert_eq!(
        stranger.status,
        StatusCode::FORBIDDEN,
        "a voter id that did not vote"
    );
    let cookie = site.vote("ja").await;
    let response = site
        .router()
        .oneshot(live_request(Some(&cookie), None))
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a reader who voted watches"
    );
    let unknown = site
        .send(
            Request::get("/api/polls/bestaat-niet/live")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let (hidden, _content) = {
        let content = content_with_poll_rules(
            "show_results = \"after-close\"\ncloses = \"2026-03-09T09:00:00+01:00\"",
        );
        (
            TestSite::with_content(content.path(), tempfile::tempdir().unwrap()),
            content,
        )
    };
    let cookie = hidden.vote("ja").await;
    let refused = hidden.send(live_request(Some(&cookie), None)).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "hidden until the poll closes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_stream_ends_when_the_desk_hides_the_standing_instead_of_sending_it() {
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    let (mut body, mut pending) = watching(&site).await;
    let editor = crate::desk::signed_in(&site).await;
    let hidden = editor
        .post(
            &site,
            &format!("/redactie/poll/{POLL}/uitslag"),
            "zichtbaarheid=after-close",
        )
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    site.vote("nee").await;
    assert!(
        ends_without_a_standing(&mut body, &mut pending, Duration::from_secs(5)).await,
        "the stream ends instead of sending the hidden count: {pending}"
    );
    let again = site.send(live_request(None, None)).await;
    assert_eq!(
        again.status,
        StatusCode::FORBIDDEN,
        "the browser's reconnect"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_polls_standing_is_not_read_every_second_and_a_void_still_shows_at_once() {
    let (site, _content) = closed_poll_with_three_voters().await;
    let counting = FlakyStore::around(site.state.store.clone());
    let site = site.with_store(|_| counting.clone()).kept_router();
    let (mut body, mut pending) = watching(&site).await;
    let reads = counting.anonymous_reads();
    assert!(
        next_event(&mut body, &mut pending, Duration::from_millis(2500))
            .await
            .is_none()
    );
    assert_eq!(
        counting.anonymous_reads(),
        reads,
        "a closed poll's standing is not read again every second"
    );
    let editor = crate::desk::signed_in(&site).await;
    crate::desk::void_the_minute(&site, &editor, "2026-03-02T08:30", 3).await;
    let event = next_event(&mut body, &mut pending, Duration::from_secs(3))
        .await
        .expect("the void shows on the open stream within its spread");
    assert!(event.contains("\"voters\":0"), "{event}");
    assert!(
        event.contains("\"facts_voters\":\"In totaal stemden 0 lezers.\""),
        "a closed poll's box does not say \"so far\": {event}"
    );
}

#[tokio::test]
async fn beyond_its_bound_a_node_answers_503_and_a_closed_stream_frees_its_place() {
    let (site, _content) = open_standing_site();
    let site = site.with_live_streams_max(2).kept_router();
    let first = site
        .router()
        .oneshot(live_request(None, None))
        .await
        .unwrap();
    let second = site
        .router()
        .oneshot(live_request(None, None))
        .await
        .unwrap();
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let third = site.send(live_request(None, None)).await;
    assert_eq!(third.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(third.header("retry-after").is_some());
    assert!(third.body.contains("cijfers op de pagina blijven staan"));
    let metrics = site.state.metrics.render();
    for full in [
        "\nstembus_live_streams 2\n",
        "\nstembus_live_streams_max 2\n",
    ] {
        assert!(
            metrics.contains(full),
            "the operator sees the node full: {metrics}"
        );
    }
    drop(first);
    let fourth = site
        .router()
        .oneshot(live_request(None, None))
        .await
        .unwrap();
    assert_eq!(fourth.status(), StatusCode::OK);
}

/// More open streams than any class's budget of requests in flight.
const STREAMS_PAST_EVERY_BUDGET: usize = 520;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_streams_stay_out_of_the_in_flight_limit() {
    let (site, _content) = open_standing_site();
    let service = with_limits(
        build_router(site.state.clone()),
        site.state.admission.clone(),
        &site.state.messages,
    );
    let mut streams = Vec::new();
    for _ in 0..STREAMS_PAST_EVERY_BUDGET {
        let response = service
            .clone()
            .oneshot(live_request(None, None))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        streams.push(response.into_body());
    }
    let page = service
        .clone()
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "a page is still answered beside the streams"
    );
    assert_eq!(
        site.state.live_results.open_streams(),
        STREAMS_PAST_EVERY_BUDGET
    );
}

#[tokio::test]
async fn every_stream_ends_at_once_when_the_server_shuts_down() {
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    let (mut body, _) = watching(&site).await;
    let started = Instant::now();
    site.state.live_results.shut_down();
    let end = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match body.frame().await {
                None => break,
                Some(_) => continue,
            }
        }
    })
    .await;
    assert!(end.is_ok(), "the stream ended");
    assert!(started.elapsed() < Duration::from_secs(1));
    let refused = site.send(live_request(None, None)).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "no new streams while stopping"
    );
}

#[tokio::test]
async fn the_number_of_open_streams_is_a_metric() {
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    let first = site
        .router()
        .oneshot(live_request(None, None))
        .await
        .unwrap();
    let _second = site
        .router()
        .oneshot(live_request(None, None))
        .await
        .unwrap();
    let text = site.state.metrics.render();
    assert!(text.contains("stembus_live_streams 2"), "{text}");
    drop(first);
    assert!(
        site.state
            .metrics
            .render()
            .contains("stembus_live_streams 1")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn on_postgres_a_stream_on_one_node_shows_the_votes_cast_on_another() {
    let mut nodes = TestSite::postgres_nodes(2).await.into_iter();
    let (voting, watching) = (nodes.next().unwrap(), nodes.next().unwrap());
    let cookie = watching.vote("ja").await;
    let response = watching
        .router()
        .oneshot(live_request(Some(&cookie), None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut pending = String::new();
    let first = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(first.contains("\"voters\":1"), "{first}");
    voting.vote("nee").await;
    voting.vote("nee").await;
    let mut seen = first;
    while !seen.contains("\"voters\":3") {
        seen = next_event(&mut body, &mut pending, Duration::from_secs(5))
            .await
            .expect("the other node's votes arrive within seconds");
    }
    assert!(
        seen.contains(r#"{"key":"nee","votes":2,"percent":67,"figures":"67% · 2 stemmen"}"#),
        "{seen}"
    );
}

/// Each PostgreSQL node reports its own engine, its own writer's batches and its own open streams:
/// nothing of another store or another node's metrics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn each_postgres_node_reports_its_own_engine_writer_and_streams() {
    let mut nodes = TestSite::postgres_nodes(2).await.into_iter();
    let (voting, watching) = (nodes.next().unwrap(), nodes.next().unwrap());
    // Two readers vote on one node, one on the other: two batches against one.
    voting.vote("ja").await;
    voting.vote("nee").await;
    let cookie = watching.vote("ja").await;
    let stream = watching
        .router()
        .oneshot(live_request(Some(&cookie), None))
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let voting_text = voting.state.metrics.render();
    let watching_text = watching.state.metrics.render();
    for text in [&voting_text, &watching_text] {
        assert!(
            text.contains("stembus_engine{engine=\"postgres\"} 1"),
            "{text}"
        );
    }
    assert!(
        voting_text.contains("stembus_commit_batch_size_count 2"),
        "{voting_text}"
    );
    assert!(
        watching_text.contains("stembus_commit_batch_size_count 1"),
        "{watching_text}"
    );
    assert!(
        watching_text.contains("stembus_live_streams 1"),
        "{watching_text}"
    );
    assert!(
        voting_text.contains("stembus_live_streams 0"),
        "{voting_text}"
    );
    drop(stream);
}

/// The transparency box's count as a page shows it: the element the island rewrites.
fn box_count(html: &str) -> &str {
    let open = format!("<span id=\"poll-facts-voters-{POLL}\">");
    let start = html
        .find(&open)
        .expect("the box's count in its own element")
        + open.len();
    let end = start + html[start..].find("</span>").unwrap();
    &html[start..end]
}

/// The standing's count of voters as a page shows it.
fn total_of(html: &str) -> &str {
    let start = html
        .find("class=\"poll-total\"")
        .expect("the standing's count");
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</p>").unwrap();
    &html[start..end]
}

#[tokio::test]
async fn the_box_counts_with_the_poll_in_the_page_the_vote_answer_and_the_live_standing() {
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    for path in [ARTICLE.to_string(), format!("/embed/{POLL}")] {
        let page = site.get(&path, None).await.body;
        assert_eq!(box_count(&page), "Tot nu toe stemden 0 lezers.", "{path}");
        assert_eq!(
            total_of(&page),
            "Nog niemand stemde.",
            "{path}: the poll says 0 too"
        );
    }
    let (mut body, mut pending) = watching(&site).await;

    // The island writes the box's count from the vote's answer...
    let reply = site.post_fetch(&vote_body("ja"), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer["voters"], 1);
    assert_eq!(answer["facts_voters"], "Tot nu toe stemde 1 lezer.");

    // ...and from every live standing, which brings other readers' votes.
    let event = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .expect("the vote shows");
    assert!(event.contains("\"voters\":1"), "{event}");
    assert!(
        event.contains("\"facts_voters\":\"Tot nu toe stemde 1 lezer.\""),
        "{event}"
    );
    let second_reader = site.vote("nee").await;
    let event = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .expect("the second reader's vote shows");
    assert!(event.contains("\"voters\":2"), "{event}");
    assert!(
        event.contains("\"facts_voters\":\"Tot nu toe stemden 2 lezers.\""),
        "{event}"
    );

    // The page a reader gets after voting without JavaScript, rendered afresh, agrees with both.
    for path in [ARTICLE.to_string(), format!("/embed/{POLL}")] {
        let page = site.get(&path, Some(&second_reader)).await.body;
        assert_eq!(box_count(&page), "Tot nu toe stemden 2 lezers.", "{path}");
        assert_eq!(total_of(&page), "2 lezers stemden.", "{path}");
    }
}

#[tokio::test]
async fn where_the_standing_is_hidden_the_vote_answer_still_counts_in_the_box() {
    let content = content_with_poll_rules(
        "show_results = \"after-close\"\ncloses = \"2026-03-09T09:00:00+01:00\"",
    );
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let page = site.get(ARTICLE, None).await.body;
    assert_eq!(box_count(&page), "Tot nu toe stemden 0 lezers.");
    let reply = site.post_fetch(&vote_body("ja"), None).await;
    let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert!(answer["voters"].is_null(), "the standing stays hidden");
    assert_eq!(
        answer["facts_voters"], "Tot nu toe stemde 1 lezer.",
        "the box, shown to every reader, counts the vote"
    );
}

#[tokio::test]
async fn a_french_stream_sends_the_same_figures_in_french_words_and_an_unknown_language_is_refused()
{
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    site.vote("ja").await;
    let french = Request::get(format!("{}?lang=fr-BE", live_path()))
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::empty())
        .unwrap();
    let response = site.router().oneshot(french).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut pending = String::new();
    let event = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        field(&event, "data"),
        Some(
            "{\"voters\":1,\"total\":\"1 lecteur a voté.\",\"options\":[{\"key\":\"ja\",\"votes\":1,\"percent\":100,\"figures\":\"100\u{a0}% · 1 vote\"},{\"key\":\"nee\",\"votes\":0,\"percent\":0,\"figures\":\"0\u{a0}% · 0 vote\"},{\"key\":\"weet-niet\",\"votes\":0,\"percent\":0,\"figures\":\"0\u{a0}% · 0 vote\"}],\"facts_voters\":\"Jusqu’ici, 1 lecteur a voté.\",\"read_at\":1772438400000}"
        )
    );
    let unknown = site.get(&format!("{}?lang=de-BE", live_path()), None).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

/// When a page's standing, a vote's answer's and a live reading were read, as the island compares
/// them: the page's attribute and the answer's `read_at` after their read, a reading's when it
/// began.
fn read_at_of_page(html: &str) -> i64 {
    let start = html
        .find("data-read-at=\"")
        .expect("the standing's read time")
        + 14;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].parse().unwrap()
}

fn read_at_of_event(event: &str) -> i64 {
    let data: serde_json::Value = serde_json::from_str(field(event, "data").unwrap()).unwrap();
    data["read_at"]
        .as_i64()
        .expect("a reading says when it was read")
}

#[tokio::test]
async fn a_live_reading_from_before_a_vote_says_it_was_read_before_the_vote_s_answer() {
    let (site, _content) = open_standing_site();
    let site = site.kept_router();
    let page = site.get(ARTICLE, None).await.body;
    assert_eq!(read_at_of_page(&page), TEST_NOW * 1_000);
    let response = site
        .router()
        .oneshot(live_request(None, None))
        .await
        .unwrap();
    let mut body = response.into_body();
    let mut pending = String::new();
    let before = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .expect("the standing at once");
    assert_eq!(read_at_of_event(&before), TEST_NOW * 1_000);

    // The reader votes a second later; the live reading the stream had came from before it, with
    // the same number of voters as the answer when the vote is a change, so only the time tells.
    site.clock.set(TEST_NOW + 1);
    let reply = site.post_fetch(&vote_body("ja"), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let answered = answer["read_at"].as_i64().unwrap();
    assert_eq!(answered, (TEST_NOW + 1) * 1_000);
    let event = next_event(&mut body, &mut pending, Duration::from_secs(5))
        .await
        .expect("the vote shows");
    assert!(event.contains("\"voters\":1"), "{event}");
    assert!(
        read_at_of_event(&before) < answered,
        "the reading from before the vote is older than the answer"
    );
    assert!(
        read_at_of_event(&event) >= answered,
        "a reading that holds the vote is not older than the answer: {event}"
    );
}
