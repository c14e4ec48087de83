//! The standing as a picture through the router: `/api/polls/{id}/standing.png` as a PNG with a
//! strong tag, rendered once per ten seconds whatever the votes, with figures only where every
//! reader may see them, in French for a poll with French texts, 410 and 404 as the API; the
//! pages that name it for link previews; the link that suggests an answer without voting; and the
//! desk's picture, download and newsletter block.

use crate::common::*;
use crate::desk::signed_in;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use stembus_picture::Standing;
use stembus_poll::language::Language;
use stembus_poll::{PollResults, ResultsVisibility};
use stembus_store::desk::{AuditAction, AuditEntry};
use tower::ServiceExt;

const PICTURE: &str = "/api/polls/deepseek-schade-nvidia/standing.png";
const FRENCH_PICTURE: &str = "/api/polls/deepseek-schade-nvidia/standing.png?lang=fr-BE";

/// The shipped Dutch and French DeepSeek articles with the poll's standing shown to every reader,
/// and the folder that holds them (keep it while the site runs).
fn public_site() -> (TestSite, tempfile::TempDir) {
    let content = content_with_poll_rules("show_results = \"always\"");
    let french = "deepseek-nvidia-valeur-boursiere.md";
    std::fs::copy(shipped_content().join(french), content.path().join(french)).unwrap();
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    (site, content)
}

/// The picture the site should serve now for the poll `poll_id` in `language`: rendered here
/// from the same standing, with figures only where the poll shows them to everyone.
async fn expected(site: &TestSite, poll_id: &str, language: Language) -> Vec<u8> {
    let library = site.state.library();
    let poll = library
        .poll(poll_id)
        .unwrap()
        .1
        .in_language(language)
        .unwrap();
    let now = site.state.now();
    let results = if poll.results_visible(poll.status_at(now), false) {
        let tally = site.state.store.tally(poll_id, None).await.unwrap();
        Some(PollResults::from_counts(&poll, &tally.counts, tally.voters))
    } else {
        None
    };
    let standing = Standing {
        poll: &poll,
        results: results.as_ref(),
        at: now,
    };
    stembus_picture::render(&standing, &site.state.words(language)).unwrap()
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

#[tokio::test]
async fn the_picture_is_a_1200_by_630_png_with_a_strong_tag_and_a_304() {
    let (site, _content) = public_site();
    let reply = site.get(PICTURE, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("image/png"));
    assert_eq!(reply.header("cache-control"), Some("public, max-age=10"));
    assert_eq!(&reply.bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        &reply.bytes[16..24],
        &[0, 0, 4, 176, 0, 0, 2, 118],
        "1200 x 630"
    );
    let tag = reply.header("etag").unwrap().to_string();
    assert!(
        tag.starts_with('"') && !tag.starts_with("W/"),
        "strong: {tag}"
    );

    let again = site
        .get_with(PICTURE, &[(header::IF_NONE_MATCH, tag.as_str())])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    assert_eq!(again.header("etag"), Some(tag.as_str()));
    let other = site
        .get_with(PICTURE, &[(header::IF_NONE_MATCH, "\"anders\"")])
        .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.bytes, reply.bytes);
}

#[tokio::test]
async fn a_picture_is_rendered_once_per_ten_seconds_and_then_shows_the_new_count() {
    let (site, _content) = public_site();
    let first = site.get(PICTURE, None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.bytes, expected(&site, POLL, Language::Dutch).await);
    let before_vote = first.bytes.clone();

    site.vote("ja").await;
    site.clock.set(TEST_NOW + 9);
    let within = site.get(PICTURE, None).await;
    assert_eq!(
        within.bytes, before_vote,
        "the same bytes within ten seconds"
    );
    assert_eq!(within.header("etag"), first.header("etag"));
    assert_eq!(site.state.standing_pictures.renders(), 1);

    site.clock.set(TEST_NOW + 11);
    let after = site.get(PICTURE, None).await;
    assert_eq!(site.state.standing_pictures.renders(), 2);
    assert_ne!(after.bytes, before_vote, "the vote shows after ten seconds");
    assert_eq!(
        after.bytes,
        expected(&site, POLL, Language::Dutch).await,
        "the picture of the standing with one voter"
    );
    assert_ne!(after.header("etag"), first.header("etag"));
}

#[tokio::test]
async fn a_closed_polls_picture_is_drawn_as_of_its_close_and_kept_until_an_editor_changes_it() {
    let (site, _content) = closed_poll_with_three_voters().await;
    let site = site.kept_router();
    let first = site.get(PICTURE, None).await;
    assert_eq!(first.status, StatusCode::OK);
    // Drawn as of the close (8.59), whenever it is asked for.
    let poll = site.state.library().poll(POLL).unwrap().1.clone();
    let tally = site.state.store.tally(POLL, None).await.unwrap();
    let results = PollResults::from_counts(&poll, &tally.counts, tally.voters);
    let as_of_close = stembus_picture::render(
        &Standing {
            poll: &poll,
            results: Some(&results),
            at: TEST_NOW - 60,
        },
        &site.state.words(Language::Dutch),
    )
    .unwrap();
    assert_eq!(first.bytes, as_of_close);
    site.clock.set(TEST_NOW + 1800);
    let later = site.get(PICTURE, None).await;
    assert_eq!(later.header("etag"), first.header("etag"));
    assert_eq!(
        site.state.standing_pictures.renders(),
        1,
        "not drawn again every ten seconds"
    );
    // An editor voids the three votes: the picture is drawn anew.
    let editor = signed_in(&site).await;
    crate::desk::void_the_minute(&site, &editor, "2026-03-02T08:30", 3).await;
    let after = site.get(PICTURE, None).await;
    assert_ne!(after.header("etag"), first.header("etag"));
    assert_eq!(site.state.standing_pictures.renders(), 2);
}

#[tokio::test]
async fn a_picture_drawn_just_after_the_close_is_not_kept_as_final() {
    // Closed 30 s before `TEST_NOW`: a vote taken in its last moment may still be on its way.
    let content = content_with_poll_rules(
        "show_results = \"always\"\ncloses = \"2026-03-02T08:59:30+01:00\"",
    );
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap()).kept_router();
    let first = site.get(PICTURE, None).await;
    assert_eq!(first.status, StatusCode::OK);
    let late = stembus_store::NewVote {
        poll_id: POLL.into(),
        choices: vec!["ja".into()],
        voter: format!("{:032x}", 1),
        cast_at: TEST_NOW - 31,
    };
    site.state.store.record_vote(late).await.unwrap();
    site.clock.set(TEST_NOW + 11);
    let after = site.get(PICTURE, None).await;
    assert_ne!(
        after.header("etag"),
        first.header("etag"),
        "the late vote shows"
    );
    assert_eq!(site.state.standing_pictures.renders(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_asking_at_once_wait_for_one_render() {
    let (site, _content) = public_site();
    let router = site.router();
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let request = Request::get(PICTURE).body(Body::empty()).unwrap();
            tokio::spawn(router.clone().oneshot(request))
        })
        .collect();
    for request in requests {
        let response = request.await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(site.state.standing_pictures.renders(), 1);
    site.get(FRENCH_PICTURE, None).await;
    assert_eq!(
        site.state.standing_pictures.renders(),
        2,
        "each language its own"
    );
}

#[tokio::test]
async fn a_standing_not_yet_public_is_pictured_without_figures_even_after_a_vote() {
    // The shipped poll shows its standing after voting.
    let site = TestSite::new();
    site.vote("ja").await;
    let reply = site.get(PICTURE, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let library = site.state.library();
    let poll = library.poll(POLL).unwrap().1;
    assert_eq!(poll.show_results, ResultsVisibility::AfterVote);
    let without_figures = stembus_picture::render(
        &Standing {
            poll,
            results: None,
            at: TEST_NOW,
        },
        &site.state.words(Language::Dutch),
    )
    .unwrap();
    assert_eq!(reply.bytes, without_figures);
    let svg = stembus_picture::svg(
        &Standing {
            poll,
            results: None,
            at: TEST_NOW,
        },
        &site.state.words(Language::Dutch),
    );
    assert!(
        svg.contains("De uitslag is te zien na het stemmen."),
        "{svg}"
    );

    let content = content_with_poll_rules(
        "show_results = \"after-close\"\ncloses = \"2026-12-31T18:00:00+01:00\"",
    );
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    site.vote("nee").await;
    let reply = site.get(PICTURE, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.bytes, expected(&site, POLL, Language::Dutch).await);
    let library = site.state.library();
    let poll = library.poll(POLL).unwrap().1;
    let svg = stembus_picture::svg(
        &Standing {
            poll,
            results: None,
            at: TEST_NOW,
        },
        &site.state.words(Language::Dutch),
    );
    assert!(svg.contains("wanneer de poll sluit"), "{svg}");
    assert!(!svg.contains('%'), "{svg}");
}

#[tokio::test]
async fn an_unknown_poll_is_a_404_and_an_archived_one_a_410() {
    let site = TestSite::new();
    let unknown = site.get("/api/polls/bestaat-niet/standing.png", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.header("content-type"), Some("application/json"));
    assert!(
        unknown.body.contains("Deze poll bestaat niet."),
        "{}",
        unknown.body
    );
    assert_eq!(unknown.header("cache-control"), Some("no-store"));

    let made = desk_poll(
        "krant-op-papier",
        "Leest u de krant liever op papier?",
        &[("papier", "Op papier"), ("scherm", "Op het scherm")],
        ResultsVisibility::Always,
    );
    let store = &site.state.store;
    assert!(
        store
            .create_poll(&made, &audit(AuditAction::PollCreated, &made.id))
            .await
            .unwrap()
    );
    site.state.refresh_content().await.unwrap();
    let path = "/api/polls/krant-op-papier/standing.png";
    assert_eq!(site.get(path, None).await.status, StatusCode::OK);
    let french = site.get(&format!("{path}?lang=fr-BE"), None).await;
    assert_eq!(french.status, StatusCode::NOT_FOUND, "no French texts");
    assert!(
        french.body.contains("Ce sondage n’existe pas."),
        "{}",
        french.body
    );

    assert!(
        store
            .set_archived(&made.id, true, &audit(AuditAction::Archived, &made.id))
            .await
            .unwrap()
    );
    site.state.refresh_content().await.unwrap();
    let gone = site.get(path, None).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(
        gone.body.contains("Deze poll is gearchiveerd"),
        "{}",
        gone.body
    );

    let odd = site.get(&format!("{PICTURE}?lang=xx"), None).await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_poll_with_french_texts_has_a_french_picture() {
    let (site, _content) = public_site();
    let dutch = site.get(PICTURE, None).await;
    let french = site.get(FRENCH_PICTURE, None).await;
    assert_eq!(french.status, StatusCode::OK);
    assert_eq!(french.header("content-type"), Some("image/png"));
    assert_ne!(french.bytes, dutch.bytes);
    assert_eq!(french.bytes, expected(&site, POLL, Language::French).await);
}

/// The `content` of the `<meta>` whose `property` or `name` is `key`, every one in order.
fn meta(body: &str, key: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(body);
    let selector =
        scraper::Selector::parse(&format!("meta[property=\"{key}\"], meta[name=\"{key}\"]"))
            .unwrap();
    html.select(&selector)
        .filter_map(|element| element.value().attr("content").map(str::to_string))
        .collect()
}

#[tokio::test]
async fn pages_name_the_picture_for_previews_only_where_the_standing_is_public() {
    let (site, _content) = public_site();
    site.vote("ja").await;
    let base = site.state.settings.base_url.clone();
    let page = site.get(ARTICLE, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.decoded();
    assert_eq!(meta(&body, "og:image"), [format!("{base}{PICTURE}")]);
    assert_eq!(meta(&body, "twitter:image"), [format!("{base}{PICTURE}")]);
    assert_eq!(meta(&body, "twitter:card"), ["summary_large_image"]);
    assert_eq!(meta(&body, "og:image:width"), ["1200"]);
    assert_eq!(meta(&body, "og:image:height"), ["630"]);
    assert_eq!(
        meta(&body, "og:image:alt"),
        ["Brengt DeepSeek blijvende schade toe aan Nvidia? “Ja” leidt met 100%."]
    );
    assert_eq!(
        meta(&body, "twitter:image:alt"),
        meta(&body, "og:image:alt")
    );

    let french = site
        .get("/fr/article/deepseek-nvidia-valeur-boursiere", None)
        .await
        .decoded();
    assert_eq!(
        meta(&french, "og:image"),
        [format!("{base}{FRENCH_PICTURE}")]
    );
    assert_eq!(
        meta(&french, "og:image:alt"),
        [
            "DeepSeek nuit-il durablement à Nvidia\u{a0}? «\u{a0}Oui\u{a0}» est en tête avec 100\u{a0}%."
        ]
    );

    let embed = site.get(&format!("/embed/{POLL}"), None).await.decoded();
    assert_eq!(meta(&embed, "og:image"), [format!("{base}{PICTURE}")]);
    assert_eq!(meta(&embed, "twitter:card"), ["summary_large_image"]);
    let french_embed = site.get(&format!("/fr/embed/{POLL}"), None).await.decoded();
    assert_eq!(
        meta(&french_embed, "og:image"),
        [format!("{base}{FRENCH_PICTURE}")]
    );

    // The shipped poll shows its standing only to those who voted: a preview must not show it,
    // not even on the page of a reader who voted.
    let site = TestSite::new();
    let cookie = site.vote("ja").await;
    for cookie in [None, Some(cookie.as_str())] {
        let body = site.get(ARTICLE, cookie).await.decoded();
        assert!(!body.contains("standing.png"), "{cookie:?}");
        assert_eq!(meta(&body, "twitter:card"), ["summary"]);
        let embed = site.get(&format!("/embed/{POLL}"), cookie).await.decoded();
        assert!(!embed.contains("standing.png"), "{cookie:?}");
    }
}

#[tokio::test]
async fn a_link_with_keuze_ticks_that_answer_and_casts_no_vote() {
    let site = TestSite::new().kept_router();
    let plain = site.get(ARTICLE, None).await;
    assert!(
        !plain.decoded().contains(" checked"),
        "the shared page ticks nothing"
    );

    let suggested = site.get(&format!("{ARTICLE}?keuze=nee"), None).await;
    assert_eq!(suggested.status, StatusCode::OK);
    let body = suggested.decoded();
    assert!(body.contains("value=\"nee\" checked"), "{body}");
    assert_eq!(body.matches(" checked").count(), 1);
    assert!(
        suggested
            .header("cache-control")
            .is_some_and(|value| value.starts_with("private")),
        "never kept for others: {:?}",
        suggested.header("cache-control")
    );
    assert_eq!(site.voters_in(POLL).await, 0, "a link is no vote");

    let plain_again = site.get(ARTICLE, None).await.decoded();
    assert!(
        !plain_again.contains(" checked"),
        "the shared page is untouched"
    );
    let unknown = site.get(&format!("{ARTICLE}?keuze=misschien"), None).await;
    assert!(!unknown.decoded().contains(" checked"));

    let embed = site.get(&format!("/embed/{POLL}?keuze=ja"), None).await;
    assert!(embed.decoded().contains("value=\"ja\" checked"));
    assert_eq!(site.voters_in(POLL).await, 0);

    // A reader who voted keeps seeing their vote, not the suggestion.
    let cookie = site.vote("ja").await;
    let voter = site
        .get(&format!("{ARTICLE}?keuze=nee"), Some(&cookie))
        .await
        .decoded();
    assert!(!voter.contains("value=\"nee\" checked"));
    assert_eq!(site.voters_in(POLL).await, 1);
}

#[tokio::test]
async fn the_desk_shows_the_pictures_their_download_and_a_newsletter_block() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let page = site
        .get(&format!("/redactie/poll/{POLL}"), Some(&editor.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.decoded();
    let html = scraper::Html::parse_document(&body);
    let images: Vec<_> = html
        .select(&scraper::Selector::parse("figure.desk-picture img").unwrap())
        .map(|img| {
            (
                img.value().attr("src").unwrap().to_string(),
                img.value().attr("alt").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        images,
        [
            (
                PICTURE.to_string(),
                "Brengt DeepSeek blijvende schade toe aan Nvidia? De uitslag is nog niet te zien."
                    .to_string()
            ),
            (
                FRENCH_PICTURE.to_string(),
                "DeepSeek nuit-il durablement à Nvidia\u{a0}? Les résultats ne sont pas encore visibles."
                    .to_string()
            ),
        ]
    );
    let downloads: Vec<_> = html
        .select(&scraper::Selector::parse("a[download]").unwrap())
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.value().attr("download").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        downloads,
        [
            (
                PICTURE.to_string(),
                "stembus-deepseek-schade-nvidia-nl-BE.png".to_string()
            ),
            (
                FRENCH_PICTURE.to_string(),
                "stembus-deepseek-schade-nvidia-fr-BE.png".to_string()
            ),
        ]
    );
    let block = |id: &str| {
        html.select(&scraper::Selector::parse(&format!("textarea#{id}")).unwrap())
            .next()
            .unwrap()
            .text()
            .collect::<String>()
    };
    let base = site.state.settings.base_url.clone();
    let dutch = block("nieuwsbrief-code");
    assert!(
        dutch.contains("<strong>Brengt DeepSeek blijvende schade toe aan Nvidia?</strong>"),
        "{dutch}"
    );
    assert!(
        dutch.contains(&format!("<img src=\"{base}{PICTURE}\"")),
        "{dutch}"
    );
    assert!(
        dutch.contains(&format!(
            "<a href=\"{base}{ARTICLE}?keuze=nee#poll\">Nee</a>"
        )),
        "{dutch}"
    );
    assert!(
        dutch.contains("alt=\"Lezerspoll: Brengt DeepSeek"),
        "{dutch}"
    );
    let french = block("nieuwsbrief-code-fr");
    assert!(
        french.contains(&format!("<img src=\"{base}{FRENCH_PICTURE}\"")),
        "{french}"
    );
    assert!(
        french.contains(&format!(
            "<a href=\"{base}/fr/article/deepseek-nvidia-valeur-boursiere?keuze=weet-niet#poll\">Je ne sais pas</a>"
        )),
        "{french}"
    );
    // What the desk shows is there.
    assert_eq!(site.get(PICTURE, None).await.status, StatusCode::OK);
}
