//! Router-level tests: the article page and the vote endpoint as a browser uses them, each test on a
//! fresh database, through `oneshot` without a socket.

use crate::common::{ARTICLE, BROWSER_ACCEPT, POLL, TestSite, VOTE_PATH, vote_body};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

#[tokio::test]
async fn article_page_renders_the_article_and_an_open_poll_form() {
    let site = TestSite::new();
    let page = site.get(ARTICLE, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("<html lang=\"nl-BE\""), "{html}");
    assert!(html.contains("<title>Nvidia verliest in één dag 589 miljard dollar"));
    assert!(html.contains("<meta name=\"description\""));
    assert!(html.contains("<h1 class=\"article-title\">"));
    assert!(html.contains("datetime=\"2025-01\">januari 2025</time>"));
    assert!(html.contains("Het Chinese DeepSeek zet de techwereld op haar kop."));
    assert!(html.contains("essentieel zijn in het AI-ontwikkelingsproces."));
    assert!(html.contains("id=\"poll\""));
    assert!(html.contains("<fieldset"));
    assert!(html.contains("Brengt DeepSeek blijvende schade toe aan Nvidia?</legend>"));
    assert_eq!(html.matches("type=\"radio\"").count(), 3);
    assert!(html.contains(&format!("action=\"{VOTE_PATH}\"")));
    assert!(html.contains(">Stem</button>"));
    assert!(!html.contains("Uw stem</strong>"));
    assert!(page.voter_cookie().is_none(), "reading sets no cookie");
}

#[tokio::test]
async fn front_page_links_to_the_article() {
    let site = TestSite::new();
    let page = site.get("/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("href=\"{ARTICLE}\"")));
    assert!(page.body.contains("Poll open"));
}

#[tokio::test]
async fn unknown_article_and_unknown_address_get_a_dutch_404() {
    let site = TestSite::new();
    for path in ["/artikel/bestaat-niet", "/nergens", "/iets/anders"] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.body.contains("Pagina niet gevonden"),
            "{path}: {}",
            page.body
        );
    }
    // Under `/api` the API's own JSON (api.rs).
    let api = site.get("/api/iets-anders", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn vote_without_javascript_is_stored_sets_a_cookie_and_returns_to_the_poll() {
    let site = TestSite::new();
    let reply = site.post_form(&vote_body("nee"), None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some(&*format!("{ARTICLE}#poll")));
    let cookie_header = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie_header.contains("HttpOnly") && cookie_header.contains("SameSite=Lax"));
    assert_eq!(site.voters_in(POLL).await, 1);

    let cookie = reply.voter_cookie().unwrap();
    let page = site.get(ARTICLE, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Uw stem</strong>"), "{}", page.body);
    assert!(page.body.contains("1 lezer stemde."));
    assert!(page.body.contains("100% · 1 stem"));
    assert!(
        !page.body.contains("<fieldset"),
        "a reader who voted sees results, not the form"
    );
}

#[tokio::test]
async fn the_redirect_ignores_the_referer() {
    let site = TestSite::new();
    let request = Request::post(VOTE_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .header(header::REFERER, "https://elders.example/valstrik")
        .body(Body::from(vote_body("ja")))
        .unwrap();
    let reply = site.send(request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some(&*format!("{ARTICLE}#poll")));
}

#[tokio::test]
async fn vote_from_the_island_answers_with_the_results() {
    let site = TestSite::new();
    let reply = site.post_fetch(&vote_body("ja"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.location().is_none());
    let answer: stembus::poll::VoteAnswer = serde_json::from_str(&reply.body).unwrap();
    assert!(!answer.show_form);
    assert_eq!(answer.voters, Some(1), "results after voting");
    assert!(answer.announcement_html.contains("“Ja”"), "{answer:?}");
    let percents: Vec<&str> = answer
        .standing_html
        .match_indices("% ·")
        .map(|(at, _)| answer.standing_html[..at].rsplit('>').next().unwrap())
        .collect();
    assert_eq!(percents, vec!["100", "0", "0"], "{}", answer.standing_html);
    assert!(reply.voter_cookie().is_some());
}

#[tokio::test]
async fn second_vote_from_same_reader_is_not_counted_twice() {
    let site = TestSite::new();
    let first = site.post_form(&vote_body("ja"), None).await;
    let cookie = first.voter_cookie().unwrap();
    let second = site.post_fetch(&vote_body("nee"), Some(&cookie)).await;
    assert_eq!(second.status, StatusCode::OK);
    let answer: stembus::poll::VoteAnswer = serde_json::from_str(&second.body).unwrap();
    assert_eq!(answer.voters, Some(1));
    assert!(
        answer.announcement_html.contains("“Ja”"),
        "they see their recorded choice: {}",
        answer.announcement_html
    );
    assert!(
        second.voter_cookie().is_none(),
        "a known reader keeps their cookie"
    );
    assert_eq!(site.voters_in(POLL).await, 1);
}

/// Sends one vote per cookie, all at once, through one router; returns the statuses.
async fn vote_in_parallel(site: &TestSite, cookies: Vec<String>) -> Vec<StatusCode> {
    let router = site.router();
    let attempts: Vec<_> = cookies
        .into_iter()
        .map(|cookie| {
            let request = Request::post(VOTE_PATH)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header(header::COOKIE, cookie)
                .body(Body::from(vote_body("ja")))
                .unwrap();
            let router = router.clone();
            tokio::spawn(async move { router.oneshot(request).await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_parallel_identical_votes_from_one_reader_count_once() {
    let site = TestSite::new().with_settings(|settings| settings.vote_burst = 1000);
    let cookie = "stembus_kiezer=00112233445566778899aabbccddeeff".to_string();
    let statuses = vote_in_parallel(&site, vec![cookie; 100]).await;
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(site.voters_in(POLL).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_readers_voting_in_parallel_count_a_hundred() {
    let site = TestSite::new().with_settings(|settings| settings.vote_burst = 1000);
    let cookies = (0..100)
        .map(|i| format!("stembus_kiezer={i:032x}"))
        .collect();
    let statuses = vote_in_parallel(&site, cookies).await;
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(site.voters_in(POLL).await, 100);
}

#[tokio::test]
async fn readers_with_different_cookies_each_count() {
    let site = TestSite::new();
    let first = site.post_form(&vote_body("ja"), None).await;
    let second = site.post_form(&vote_body("weet-niet"), None).await;
    assert_ne!(first.voter_cookie(), second.voter_cookie());
    assert_eq!(site.voters_in(POLL).await, 2);
    let page = site
        .get(ARTICLE, Some(&second.voter_cookie().unwrap()))
        .await;
    assert!(page.body.contains("2 lezers stemden."));
    assert!(page.body.contains("50% · 1 stem"));
}

#[tokio::test]
async fn a_forged_cookie_is_replaced_not_trusted() {
    let site = TestSite::new();
    let reply = site
        .post_form(&vote_body("ja"), Some("stembus_kiezer=admin"))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let fresh = reply.voter_cookie().unwrap();
    assert_ne!(fresh, "stembus_kiezer=admin");
    assert_eq!(fresh.len(), "stembus_kiezer=".len() + 32);
}

#[tokio::test]
async fn votes_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let site = TestSite::on_database(dir);
    let cookie = site
        .post_form(&vote_body("nee"), None)
        .await
        .voter_cookie()
        .unwrap();
    site.state.store.shut_down().await;
    let TestSite { dir, .. } = site;

    let restarted = TestSite::on_database(dir);
    assert_eq!(restarted.voters_in(POLL).await, 1);
    let page = restarted.get(ARTICLE, Some(&cookie)).await;
    assert!(page.body.contains("Uw stem</strong>"));
}

#[tokio::test]
async fn bad_votes_get_a_dutch_4xx_and_change_nothing() {
    let site = TestSite::new();
    let oversized = format!("poll={POLL}&choice=ja&opvulling={}", "x".repeat(5000));
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            "poll=bestaat-niet&choice=ja".to_string(),
            StatusCode::NOT_FOUND,
            "Deze poll bestaat niet.",
        ),
        (
            vote_body("misschien"),
            StatusCode::BAD_REQUEST,
            "Kies een van de antwoorden",
        ),
        (
            vote_body(""),
            StatusCode::BAD_REQUEST,
            "Kies een van de antwoorden",
        ),
        (
            vote_body("%3Cscript%3Ealert(2)%3C%2Fscript%3E"),
            StatusCode::BAD_REQUEST,
            "Kies een van de antwoorden",
        ),
        (
            format!("poll={POLL}"),
            StatusCode::BAD_REQUEST,
            "Kies een van de antwoorden",
        ),
        (
            "choice=ja".to_string(),
            StatusCode::BAD_REQUEST,
            "onvolledig of ongeldig",
        ),
        (
            String::new(),
            StatusCode::BAD_REQUEST,
            "onvolledig of ongeldig",
        ),
        (
            "%%%".to_string(),
            StatusCode::BAD_REQUEST,
            "onvolledig of ongeldig",
        ),
        (oversized, StatusCode::PAYLOAD_TOO_LARGE, "te groot"),
    ];
    for (body, status, message) in cases {
        let reply = site.post_form(&body, None).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert!(reply.body.contains(message), "{body}: {}", reply.body);
        assert!(reply.body.contains("<html lang=\"nl-BE\""), "{body}");
        assert!(
            reply.voter_cookie().is_none(),
            "{body}: no cookie for a refused vote"
        );
        assert!(
            !reply.body.contains("alert(2)"),
            "{body}: input is never echoed"
        );
        for internal in ["rusqlite", "ServerFnError", "Args", "panicked", "serde"] {
            assert!(
                !reply.body.contains(internal),
                "{body} leaks {internal}: {}",
                reply.body
            );
        }

        let fetched = site.post_fetch(&body, None).await;
        assert_eq!(fetched.status, status, "{body} (fetch)");
    }
    assert_eq!(site.voters_in(POLL).await, 0);
}

#[tokio::test]
async fn an_error_page_links_back_to_the_poll_it_came_from() {
    let site = TestSite::new();
    let reply = site.post_form(&vote_body("misschien"), None).await;
    assert!(
        reply.body.contains(&format!("href=\"{ARTICLE}#poll\"")),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn a_refused_vote_without_javascript_gets_the_sites_shell_and_its_hashed_style_sheet() {
    let site = TestSite::new().with_built_files();
    let article = site.get(ARTICLE, None).await;
    let style = article
        .body
        .split('"')
        .find(|part| part.starts_with("/pkg/stembus.") && part.ends_with(".css"))
        .expect("the article names its style sheet")
        .to_string();
    assert_ne!(
        style, "/pkg/stembus.css",
        "the built files carry a content hash"
    );
    let refused = site.post_form(&vote_body("misschien"), None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains(&format!("href=\"{style}\"")),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("class=\"site-header\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("<title>Uw stem is niet geregistreerd | Stembus</title>")
    );
}

#[tokio::test]
async fn votes_are_never_taken_through_get() {
    let site = TestSite::new();
    let reply = site
        .get(&format!("{VOTE_PATH}?{}", vote_body("ja")), None)
        .await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert_eq!(site.voters_in(POLL).await, 0);
}

#[tokio::test]
async fn a_store_that_cannot_take_votes_gives_503_with_retry_after_never_an_acknowledgement() {
    let site = TestSite::new();
    site.state.store.shut_down().await;
    for reply in [
        site.post_form(&vote_body("ja"), None).await,
        site.post_fetch(&vote_body("ja"), None).await,
    ] {
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            reply.body
        );
        assert_eq!(reply.headers[header::RETRY_AFTER], "5");
        assert!(reply.location().is_none());
    }
    let page = site.post_form(&vote_body("ja"), None).await;
    assert!(page.body.contains("tijdelijk niet beschikbaar"));
}

#[tokio::test]
async fn health_says_the_process_answers_and_readiness_whether_a_vote_could_be_stored() {
    let site = TestSite::new();
    let health = site.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.header("cache-control"), Some("no-store"));
    let ready = site.get("/readyz", None).await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
    assert_eq!(ready.header("cache-control"), Some("no-store"));

    site.state.store.shut_down().await;
    let stopped = site.get("/readyz", None).await;
    assert_eq!(stopped.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(stopped.body, "not ready: the vote writer is not running");
    assert_eq!(
        site.get("/healthz", None).await.status,
        StatusCode::OK,
        "the process still answers"
    );
}

/// What the Dutch card says when a reader's second vote for other answers was not taken.
const FIRST_VOTE_STANDS: &str = "U had al gestemd: uw eerste stem, voor “Ja”, blijft staan.";

/// The notices in `html` that a reader's first vote stands, each with its `role`, and the
/// parser's complaints about the page (none on valid HTML).
fn first_vote_notices(html: &str) -> (Vec<(Option<String>, String)>, Vec<String>) {
    let page = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(".poll-first-vote-stands").unwrap();
    let notices = page
        .select(&selector)
        .map(|notice| {
            let role = notice.value().attr("role").map(str::to_string);
            (role, notice.text().collect::<String>())
        })
        .collect();
    let errors = page.errors.iter().map(|error| error.to_string()).collect();
    (notices, errors)
}

#[tokio::test]
async fn a_second_vote_for_another_answer_from_the_island_says_the_first_vote_stands() {
    let site = TestSite::new();
    let cookie = site.vote("ja").await;
    let reply = site.post_fetch(&vote_body("nee"), Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let answer: stembus::poll::VoteAnswer = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer.announcement_html, FIRST_VOTE_STANDS);
    assert_eq!(answer.voters, Some(1), "the standing as before");
    let (notices, _) = first_vote_notices(&answer.standing_html);
    assert_eq!(
        notices,
        vec![(None, FIRST_VOTE_STANDS.to_string())],
        "shown in the card, said by the live region alone: {}",
        answer.standing_html
    );
    assert_eq!(site.voters_in(POLL).await, 1);
}

#[tokio::test]
async fn a_second_vote_for_another_answer_without_javascript_lands_on_a_poll_that_says_the_first_vote_stands()
 {
    let site = TestSite::new();
    let first = site.post_form(&vote_body("ja"), None).await;
    let cookie = first.voter_cookie().unwrap();
    let second = site.post_form(&vote_body("nee"), Some(&cookie)).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let location = second.location().unwrap().to_string();
    assert_eq!(location, format!("{ARTICLE}?al-gestemd=nee#poll"));

    let page = site
        .get(location.split('#').next().unwrap(), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let (notices, errors) = first_vote_notices(&page.body);
    assert_eq!(
        notices,
        vec![(Some("alert".to_string()), FIRST_VOTE_STANDS.to_string())],
        "{}",
        page.body
    );
    assert_eq!(errors, Vec::<String>::new(), "valid HTML");
    assert!(
        !page.body.contains("Dank u om mee te stemmen"),
        "the notice takes the own-vote line's place: {}",
        page.body
    );
    assert!(
        page.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private"),
        "rendered for this reader alone"
    );

    // The flag only asks: the notice comes from the reader's stored answers.
    for (path, cookie, who) in [
        (
            format!("{ARTICLE}?al-gestemd=ja"),
            Some(&cookie),
            "the answers match",
        ),
        (
            format!("{ARTICLE}?al-gestemd=nee"),
            None,
            "a reader who has not voted",
        ),
        (ARTICLE.to_string(), Some(&cookie), "no flag"),
    ] {
        let page = site.get(&path, cookie.map(String::as_str)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("al gestemd"), "{who}: {}", page.body);
    }
    let plain = site.get(ARTICLE, Some(&cookie)).await;
    assert!(
        plain.body.contains("Dank u om mee te stemmen"),
        "{}",
        plain.body
    );
}

#[tokio::test]
async fn the_same_vote_sent_again_gets_the_plain_confirmation() {
    let site = TestSite::new();
    // A retry of the island's vote with the same idempotency key, as after a lost answer.
    let keyed = format!("{}&key=0123456789abcdef0123456789abcdef", vote_body("ja"));
    let first = site.post_fetch(&keyed, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = site.post_fetch(&keyed, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let answer: stembus::poll::VoteAnswer = serde_json::from_str(&again.body).unwrap();
    assert_eq!(
        answer.announcement_html,
        "Uw stem voor “Ja” is geregistreerd."
    );
    assert!(!answer.standing_html.contains("al gestemd"), "{answer:?}");

    // A double click without JavaScript: the same vote, back to the poll as usual.
    let cookie = first.voter_cookie().unwrap();
    let twice = site.post_form(&vote_body("ja"), Some(&cookie)).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER);
    assert_eq!(twice.location(), Some(&*format!("{ARTICLE}#poll")));
    assert_eq!(site.voters_in(POLL).await, 1);
}
