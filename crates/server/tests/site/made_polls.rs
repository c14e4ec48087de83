//! Polls made in the desk as readers and other sites reach them, through the router: on the
//! article whose content file names one, alone at its embed, in the API, oEmbed and the live
//! stream exactly like a file's poll; archived, 410 everywhere with its ballots kept; reworded
//! after the start, said so in the transparency box; and on PostgreSQL, made on one node and
//! served by the other within two seconds.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::time::{Duration, Instant};
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, ResultsVisibility};
use stembus_store::desk::{AuditAction, AuditEntry, PollEdit};

const MADE: &str = "krant-op-papier";
const QUESTION: &str = "Leest u de krant liever op papier?";
const CLARIFIED: &str = "De vraag of een antwoord werd na de start verduidelijkt.";

fn made_poll(id: &str) -> PollDefinition {
    desk_poll(
        id,
        QUESTION,
        &[("papier", "Op papier"), ("scherm", "Op het scherm")],
        ResultsVisibility::Always,
    )
}

fn audit(action: AuditAction, poll_id: &str) -> AuditEntry {
    AuditEntry {
        at: TEST_NOW,
        editor: "an".to_string(),
        action,
        poll_id: Some(poll_id.to_string()),
        detail: "in de test".to_string(),
    }
}

/// Makes `poll` in the desk's store of `site` and has the site read the desk again.
async fn create(site: &TestSite, poll: &PollDefinition) {
    assert!(
        site.state
            .store
            .create_poll(poll, &audit(AuditAction::PollCreated, &poll.id))
            .await
            .unwrap()
    );
    site.state.refresh_content().await.unwrap();
}

async fn archive(site: &TestSite, poll_id: &str, archived: bool) {
    let action = if archived {
        AuditAction::Archived
    } else {
        AuditAction::Unarchived
    };
    assert!(
        site.state
            .store
            .set_archived(poll_id, archived, &audit(action, poll_id))
            .await
            .unwrap()
    );
    site.state.refresh_content().await.unwrap();
}

fn vote_in(poll_id: &str, choice: &str) -> String {
    format!("poll={poll_id}&choice={choice}")
}

/// A content folder with one article whose front matter names the desk-made poll `poll_id`.
fn content_naming(poll_id: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "+++\nslug = \"papier-of-scherm\"\ntitle = \"Papier of scherm\"\nlead = \"Hoe leest u?\"\nauthor = \"Redactie\"\nsource = \"Stembus\"\npublished = \"2025-01-28T09:00:00+01:00\"\npoll = \"{poll_id}\"\n+++\n\nDe krant verandert.\n"
    );
    std::fs::write(dir.path().join("papier.md"), text).unwrap();
    dir
}

async fn oembed_of(site: &TestSite, path: &str) -> Reply {
    let url = format!("{}{path}", site.state.settings.base_url);
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("url", &url)
        .finish();
    site.get(&format!("/oembed?{query}"), None).await
}

async fn live_status(site: &TestSite, poll_id: &str) -> StatusCode {
    let request = Request::get(format!("/api/polls/{poll_id}/live"))
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(site.router(), request)
        .await
        .unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        // The first event is the standing; the stream itself stays open until dropped.
        let mut body = response.into_body();
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("a first event within 5 s");
        let data = frame.unwrap().unwrap().into_data().unwrap();
        assert!(String::from_utf8_lossy(&data).contains("data:"));
    }
    status
}

#[tokio::test]
async fn a_desk_poll_no_article_names_lives_at_its_embed_in_the_api_oembed_and_live_results() {
    let site = TestSite::new();
    create(&site, &made_poll(MADE)).await;

    let embed = site.get(&format!("/embed/{MADE}"), None).await;
    assert_eq!(embed.status, StatusCode::OK, "{}", embed.body);
    assert!(embed.body.contains(QUESTION), "{}", embed.body);
    assert!(
        embed.body.contains("Een lezerspoll van"),
        "no article to point to: {}",
        embed.body
    );
    let cookie = embed
        .voter_cookie()
        .expect("the embed hands out the voter cookie");

    let list = site.get("/api/polls", None).await;
    let polls: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert!(
        polls
            .as_array()
            .unwrap()
            .iter()
            .any(|poll| poll["id"] == MADE),
        "{}",
        list.body
    );
    let one = site.get(&format!("/api/polls/{MADE}"), None).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);

    let oembed = oembed_of(&site, &format!("/embed/{MADE}")).await;
    assert_eq!(oembed.status, StatusCode::OK, "{}", oembed.body);
    let oembed: serde_json::Value = serde_json::from_str(&oembed.body).unwrap();
    assert!(
        oembed["html"]
            .as_str()
            .unwrap()
            .contains(&format!("/embed/{MADE}\""))
    );

    assert_eq!(live_status(&site, MADE).await, StatusCode::OK);

    // A vote from the embed's frame, without JavaScript, goes back to the embed and counts.
    let request = Request::post(VOTE_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .header("sec-fetch-dest", "iframe")
        .header(header::COOKIE, &cookie)
        .body(Body::from(vote_in(MADE, "scherm")))
        .unwrap();
    let reply = site.send(request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location(),
        Some(format!("/embed/{MADE}#poll").as_str())
    );
    assert_eq!(site.voters_in(MADE).await, 1);
}

#[tokio::test]
async fn an_article_naming_a_desk_poll_shows_it_and_a_vote_without_javascript_returns_to_it() {
    let content = content_naming(MADE);
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let before = site.get("/artikel/papier-of-scherm", None).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        !before.body.contains(QUESTION),
        "no poll until the desk has it"
    );

    create(&site, &made_poll(MADE)).await;
    let page = site.get("/artikel/papier-of-scherm", None).await;
    assert!(page.body.contains(QUESTION), "{}", page.body);
    assert!(page.body.contains("name=\"choice\""), "the form is there");

    let reply = site.post_form(&vote_in(MADE, "papier"), None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some("/artikel/papier-of-scherm#poll"));
    assert_eq!(site.voters_in(MADE).await, 1);
    // The embed points back to the article that shows the poll.
    let embed = site.get(&format!("/embed/{MADE}"), None).await;
    assert!(embed.body.contains("Papier of scherm"), "{}", embed.body);
}

#[tokio::test]
async fn an_archived_poll_answers_410_everywhere_keeps_its_ballots_and_comes_back() {
    let site = TestSite::new();
    create(&site, &made_poll(MADE)).await;
    let reply = site.post_fetch(&vote_in(MADE, "papier"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    archive(&site, MADE, true).await;
    let gone = "Deze poll is gearchiveerd";
    let embed = site.get(&format!("/embed/{MADE}"), None).await;
    assert_eq!(embed.status, StatusCode::GONE);
    assert!(embed.body.contains(gone), "{}", embed.body);
    let api = site.get(&format!("/api/polls/{MADE}"), None).await;
    assert_eq!(api.status, StatusCode::GONE);
    assert!(api.body.contains(gone), "{}", api.body);
    let list = site.get("/api/polls", None).await;
    assert!(!list.body.contains(MADE), "off the list: {}", list.body);
    let oembed = oembed_of(&site, &format!("/embed/{MADE}")).await;
    assert_eq!(oembed.status, StatusCode::GONE);
    assert!(oembed.body.contains(gone));
    assert_eq!(live_status(&site, MADE).await, StatusCode::GONE);
    let vote = site.post_form(&vote_in(MADE, "scherm"), None).await;
    assert_eq!(vote.status, StatusCode::GONE);
    assert!(vote.body.contains(gone), "a Dutch page: {}", vote.body);
    assert_eq!(site.voters_in(MADE).await, 1, "the ballot is kept");

    archive(&site, MADE, false).await;
    assert_eq!(
        site.get(&format!("/embed/{MADE}"), None).await.status,
        StatusCode::OK
    );
    let vote = site.post_fetch(&vote_in(MADE, "scherm"), None).await;
    assert_eq!(vote.status, StatusCode::OK, "{}", vote.body);
    assert_eq!(site.voters_in(MADE).await, 2);
}

#[tokio::test]
async fn a_poll_reworded_after_its_first_vote_says_so_in_its_transparency_box() {
    let site = TestSite::new();
    create(&site, &made_poll(MADE)).await;
    let reworded_before_votes = PollDefinition {
        question: "Leest u de krant het liefst op papier?".to_string(),
        ..made_poll(MADE)
    };
    let edit = |poll: PollDefinition| {
        let store = site.state.store.clone();
        async move {
            store
                .edit_poll(&poll, None, "an", TEST_NOW, |_, _| {
                    "herformuleerd".to_string()
                })
                .await
                .unwrap()
        }
    };
    assert_eq!(edit(reworded_before_votes.clone()).await, PollEdit::Edited);
    site.state.refresh_content().await.unwrap();
    let embed = site.get(&format!("/embed/{MADE}"), None).await;
    assert!(
        !embed.body.contains(CLARIFIED),
        "a change before any vote changes nobody's answer"
    );

    site.post_fetch(&vote_in(MADE, "papier"), None).await;
    let mut reworded = reworded_before_votes;
    reworded.options[0].label = "Op papier, bij het ontbijt".to_string();
    assert_eq!(edit(reworded).await, PollEdit::Edited);
    site.state.refresh_content().await.unwrap();
    let embed = site.get(&format!("/embed/{MADE}"), None).await;
    assert!(embed.body.contains(CLARIFIED), "{}", embed.body);
    assert!(embed.body.contains("Op papier, bij het ontbijt"));
}

#[tokio::test]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn on_postgres_a_poll_made_on_one_node_is_served_by_the_other_within_two_seconds() {
    let mut nodes = TestSite::postgres_nodes(2).await.into_iter();
    let (first, second) = (nodes.next().unwrap(), nodes.next().unwrap());
    let refresher = second.refreshing();
    let path = format!("/embed/{MADE}");
    assert_eq!(second.get(&path, None).await.status, StatusCode::NOT_FOUND);

    create(&first, &made_poll(MADE)).await;
    let made_at = Instant::now();
    while second.get(&path, None).await.status != StatusCode::OK {
        assert!(
            made_at.elapsed() < Duration::from_secs(2),
            "the second node did not serve it within 2 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A vote on the second node counts in the one database.
    let vote = second.post_fetch(&vote_in(MADE, "scherm"), None).await;
    assert_eq!(vote.status, StatusCode::OK, "{}", vote.body);
    assert_eq!(first.voters_in(MADE).await, 1);

    archive(&first, MADE, true).await;
    let archived_at = Instant::now();
    while second.get(&path, None).await.status != StatusCode::GONE {
        assert!(
            archived_at.elapsed() < Duration::from_secs(2),
            "the second node still served it after 2 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    refresher.abort();
}

#[tokio::test]
async fn an_archived_polls_voter_ids_go_after_the_retention_like_any_closed_polls() {
    let site = TestSite::new().with_settings(|settings| settings.voter_retention_days = 2);
    let closes = TEST_NOW + 3_600;
    let poll = PollDefinition {
        closes: Some(Moment::brussels_from_unix(closes)),
        ..made_poll(MADE)
    };
    create(&site, &poll).await;
    let vote = site.post_fetch(&vote_in(MADE, "papier"), None).await;
    assert_eq!(vote.status, StatusCode::OK, "{}", vote.body);
    archive(&site, MADE, true).await;

    site.clock.set(closes + 2 * 86_400);
    assert_eq!(
        stembus_server::voter_retention::forget_old_voters(&site.state).await,
        1,
        "off the site, its ballots still lose their ids"
    );
    assert_eq!(site.voters_in(MADE).await, 1, "the vote is still counted");
}

#[tokio::test]
async fn an_idle_node_reads_the_desks_version_and_the_desks_state_only_when_it_moved() {
    let site = TestSite::new();
    let counting = FlakyStore::around(site.state.store.clone());
    let site = site.with_store(|_| counting.clone());
    site.state.refresh_content().await.unwrap();
    let read_once = counting.desk_reads();
    assert_eq!(read_once, 1, "the first refresh reads the desk");
    for _ in 0..5 {
        site.state.refresh_content().await.unwrap();
    }
    assert_eq!(
        counting.desk_reads(),
        read_once,
        "nothing changed: the desk is not read again"
    );
    // Sign-ins and exports change nothing readers see.
    site.state
        .store
        .record_audit(&audit(AuditAction::Export, POLL))
        .await
        .unwrap();
    site.state.refresh_content().await.unwrap();
    assert_eq!(counting.desk_reads(), read_once);

    // A poll made elsewhere (another node, here the store directly) moves the version: it is read.
    assert!(
        site.state
            .store
            .create_poll(&made_poll(MADE), &audit(AuditAction::PollCreated, MADE))
            .await
            .unwrap()
    );
    site.state.refresh_content().await.unwrap();
    assert_eq!(counting.desk_reads(), read_once + 1);
    assert_eq!(
        site.get(&format!("/embed/{MADE}"), None).await.status,
        StatusCode::OK
    );
    site.state.refresh_content().await.unwrap();
    assert_eq!(counting.desk_reads(), read_once + 1, "and once only");
}
