//! Router-level tests of the newsroom site: front page, article head and discovery files, the
//! transparency box, and polls before their opening and after their closing.

use crate::common::{ARTICLE, POLL, TestSite, VOTE_PATH, content_with_poll_rules, vote_body};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

const SAMPLE: &str = "/artikel/voorbeeld-hoe-werkt-de-lezerspoll";

/// The JSON inside the page's `<script type="application/ld+json">`.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("valid JSON-LD")
}

#[tokio::test]
async fn front_page_lists_every_article_newest_first_with_poll_state() {
    let site = TestSite::new();
    let page = site.get("/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let sample = page
        .body
        .find(&format!("href=\"{SAMPLE}\""))
        .expect("sample listed");
    let deepseek = page
        .body
        .find(&format!("href=\"{ARTICLE}\""))
        .expect("article listed");
    assert!(sample < deepseek, "June 2025 comes before January 2025");
    assert_eq!(page.body.matches("Poll open").count(), 2);
    assert_eq!(page.body.matches("<h1").count(), 1);
    assert!(
        page.body
            .contains("<link href=\"http://127.0.0.1:3000/\" rel=\"canonical\">")
    );
}

#[tokio::test]
async fn article_head_has_canonical_social_cards_and_news_article_data() {
    let site = TestSite::new();
    let html = site.get(SAMPLE, None).await.body;
    let canonical = "http://127.0.0.1:3000/artikel/voorbeeld-hoe-werkt-de-lezerspoll";
    for tag in [
        format!("<link href=\"{canonical}\" rel=\"canonical\">"),
        format!("<meta property=\"og:url\" content=\"{canonical}\""),
        "<meta property=\"og:type\" content=\"article\"".to_string(),
        "<meta property=\"og:title\" content=\"Voorbeeldartikel: zo werkt de lezerspoll van Stembus\"".to_string(),
        "<meta property=\"og:image\" content=\"http://127.0.0.1:3000/afbeeldingen/lezerspoll-staafjes.svg\"".to_string(),
        "<meta property=\"og:image:alt\" content=\"Drie horizontale staven".to_string(),
        "<meta name=\"twitter:card\" content=\"summary_large_image\"".to_string(),
        "<meta name=\"robots\" content=\"max-image-preview:large\"".to_string(),
        "<meta property=\"article:published_time\" content=\"2025-06-02T09:00:00+02:00\"".to_string(),
        "<meta name=\"description\" content=\"Dit is voorbeeldinhoud".to_string(),
    ] {
        assert!(html.contains(&tag), "missing {tag}");
    }
    let head_end = html.find("</head>").unwrap();
    assert!(
        html.find("og:title").unwrap() < head_end,
        "social tags sit in <head>"
    );

    let data = json_ld(&html);
    assert_eq!(data["@type"], "NewsArticle");
    assert_eq!(
        data["headline"],
        "Voorbeeldartikel: zo werkt de lezerspoll van Stembus"
    );
    assert_eq!(data["datePublished"], "2025-06-02T09:00:00+02:00");
    assert_eq!(data["dateModified"], "2025-06-03T14:30:00+02:00");
    assert_eq!(data["publisher"]["name"], "Stembus");
    assert_eq!(
        data["image"][0],
        "http://127.0.0.1:3000/afbeeldingen/lezerspoll-staafjes.svg"
    );
}

#[tokio::test]
async fn article_without_image_gets_a_summary_card_and_no_image_tags() {
    let site = TestSite::new();
    let html = site.get(ARTICLE, None).await.body;
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\""));
    assert!(!html.contains("og:image"));
    assert!(json_ld(&html).get("image").is_none());
}

#[tokio::test]
async fn article_shows_dates_reading_time_markdown_image_share_links_and_related() {
    let site = TestSite::new();
    let html = site.get(SAMPLE, None).await.body;
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains(
        "Gepubliceerd op <time datetime=\"2025-06-02T09:00:00+02:00\">2 juni 2025</time>"
    ));
    assert!(
        html.contains(
            "Bijgewerkt op <time datetime=\"2025-06-03T14:30:00+02:00\">3 juni 2025</time>"
        )
    );
    assert!(html.contains("min. lezen"));
    assert!(
        html.contains("<h2>Eén stem per lezer</h2>"),
        "Markdown headings render"
    );
    assert!(html.contains("<strong>Stem</strong>"));
    assert!(
        html.contains("width=\"1200\" height=\"630\""),
        "the image reserves its space"
    );
    assert!(html.contains("<figcaption>Illustratie: Stembus</figcaption>"));
    assert!(html.contains("aria-label=\"Artikel delen\""));
    assert!(html.contains("https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2F127.0.0.1%3A3000%2Fartikel%2Fvoorbeeld-hoe-werkt-de-lezerspoll"));
    assert!(
        !html.contains("<script src=\"https://"),
        "no third-party scripts"
    );
    // The two articles share the tag "technologie".
    assert!(html.contains("Lees ook"));
    assert!(html.contains(&format!("href=\"{ARTICLE}\"")));
}

#[tokio::test]
async fn a_date_known_to_the_month_reads_in_and_a_full_date_reads_op() {
    let site = TestSite::new();
    // The DeepSeek article was delivered as published "2025-01".
    let month_only = site.get(ARTICLE, None).await.body;
    assert!(
        month_only.contains("Gepubliceerd in <time datetime=\"2025-01\">januari 2025</time>"),
        "a month reads \"in januari 2025\""
    );
    assert!(!month_only.contains("Gepubliceerd op"));
    let full_date = site.get(SAMPLE, None).await.body;
    assert!(full_date.contains(
        "Gepubliceerd op <time datetime=\"2025-06-02T09:00:00+02:00\">2 juni 2025</time>"
    ));
    assert!(!full_date.contains("Gepubliceerd in"));
}

#[tokio::test]
async fn transparency_box_tells_what_the_poll_means_and_counts_voters() {
    let site = TestSite::new();
    let before = site.get(ARTICLE, None).await.body;
    assert!(before.contains("Over deze poll"));
    assert!(before.contains("niet representatief"));
    assert!(before.contains("Tot nu toe stemden 0 lezers."));
    assert!(before.contains("zonder einddatum"));
    assert!(before.contains("We bewaren geen IP-adressen"));
    assert!(before.contains("Cijfers bijgewerkt op <time datetime=\""));

    site.post_form(&vote_body("ja"), None).await;
    let after = site.get(ARTICLE, None).await.body;
    assert!(after.contains("Tot nu toe stemde 1 lezer."));
    assert!(
        after.contains("<fieldset"),
        "a reader who did not vote still gets the form"
    );

    let sample = site.get(SAMPLE, None).await.body;
    assert!(sample.contains("sluit op 31 december 2035 om 23.59 uur"));
}

#[tokio::test]
async fn feed_sitemap_and_robots_are_served_with_their_types() {
    let site = TestSite::new();
    let feed = site.get("/feed.xml", None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(
        feed.headers[header::CONTENT_TYPE],
        "application/atom+xml; charset=utf-8"
    );
    let doc = roxmltree::Document::parse(&feed.body).expect("feed parses");
    let entries = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "entry")
        .count();
    assert_eq!(
        entries, 3,
        "the Dutch articles and the French one, each an entry"
    );
    let french = doc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "entry"
                && n.attribute(("http://www.w3.org/XML/1998/namespace", "lang")) == Some("fr-BE")
        })
        .expect("the French article's entry says its language");
    assert!(
        french.descendants().any(|n| n
            .attribute("href")
            .is_some_and(|href| href.contains("/fr/article/"))),
        "it links the French address"
    );

    let sitemap = site.get("/sitemap.xml", None).await;
    assert_eq!(sitemap.status, StatusCode::OK);
    let doc = roxmltree::Document::parse(&sitemap.body).expect("sitemap parses");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.tag_name().name() == "url")
            .count(),
        4,
        "the front page and the three articles, the French one at its own address"
    );

    assert_eq!(
        sitemap.headers[header::CONTENT_TYPE],
        "application/xml; charset=utf-8"
    );
    // The files of an index are served too; under the limit the first holds every address.
    let first_file = site.get("/sitemap/1.xml", None).await;
    assert_eq!(first_file.status, StatusCode::OK);
    assert_eq!(first_file.body, sitemap.body);
    for missing in [
        "/sitemap/2.xml",
        "/sitemap/0.xml",
        "/sitemap/een.xml",
        "/sitemap/1",
    ] {
        assert_eq!(
            site.get(missing, None).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let robots = site.get("/robots.txt", None).await;
    assert_eq!(robots.status, StatusCode::OK);
    assert_eq!(
        robots.headers[header::CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    assert!(robots.body.contains("Disallow: /api/"));
    // The standing picture is what link previews show: its bots obey robots.txt.
    assert!(robots.body.contains("Allow: /api/polls/*/standing.png\n"));
    assert!(
        robots
            .body
            .contains("Sitemap: http://127.0.0.1:3000/sitemap.xml")
    );

    let page = site.get("/", None).await.body;
    assert!(page.contains("type=\"application/atom+xml\""));
    assert!(page.contains("href=\"/feed.xml\""));
}

/// Writes the shipped DeepSeek article with its poll's moments replaced.
fn content_with_poll_moments(opens: &str, closes: &str) -> tempfile::TempDir {
    content_with_poll_rules(&format!("opens = \"{opens}\"\ncloses = \"{closes}\""))
}

fn site_with_rules(rules: &str) -> (TestSite, tempfile::TempDir) {
    let content = content_with_poll_rules(rules);
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    (site, content)
}

#[tokio::test]
async fn a_vote_from_the_embed_with_javascript_offers_its_change_in_the_embed() {
    let (site, _content) = site_with_rules("allow_change = true");
    let embed = format!("/embed/{POLL}");
    let cookie = site.get(&embed, None).await.voter_cookie().unwrap();
    // The island's vote from inside the embed's frame: a fetch, sent from the embed's page.
    let request = Request::post(VOTE_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, &cookie)
        .header(header::REFERER, format!("http://127.0.0.1:3000{embed}"))
        .body(Body::from(vote_body("ja")))
        .unwrap();
    let reply = site.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.body.contains(&format!("{embed}?wijzigen#poll")),
        "the change link stays in the frame: {}",
        reply.body
    );
    assert!(
        !reply.body.contains("/artikel/"),
        "not the article, which may not be framed elsewhere: {}",
        reply.body
    );
}

#[tokio::test]
async fn multiple_choice_takes_several_answers_up_to_the_maximum() {
    let (site, _content) = site_with_rules("max_choices = 2");
    let page = site.get(ARTICLE, None).await.body;
    assert_eq!(page.matches("type=\"checkbox\"").count(), 3);
    assert!(page.contains("Kies maximaal 2 antwoorden."));

    let reply = site
        .post_form(&format!("poll={POLL}&choice=ja&choice=weet-niet"), None)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let cookie = reply.voter_cookie().unwrap();
    let page = site.get(ARTICLE, Some(&cookie)).await.body;
    assert!(
        page.contains("Uw stem: <strong>Ja, Weet ik niet</strong>"),
        "{page}"
    );
    assert!(page.contains("1 lezer stemde."));
    assert!(
        page.contains("50% · 1 stem"),
        "shares are of all answers given"
    );

    let too_many = site
        .post_form(
            &format!("poll={POLL}&choice=ja&choice=nee&choice=weet-niet"),
            None,
        )
        .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert!(
        too_many
            .body
            .contains("U koos meer antwoorden dan deze poll toelaat: kies er maximaal 2."),
        "the page names how many answers the poll takes: {}",
        too_many.body
    );
    // The island shows the server's words as they are: the number is in them.
    let too_many = site
        .post_fetch(
            &format!("poll={POLL}&choice=ja&choice=nee&choice=weet-niet"),
            None,
        )
        .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    let refusal: serde_json::Value = serde_json::from_str(&too_many.body).unwrap();
    assert_eq!(refusal["error"], "TooManyChoices");
    assert_eq!(
        refusal["message"],
        "U koos meer antwoorden dan deze poll toelaat: kies er maximaal 2."
    );
    let too_many = site
        .post_fetch(
            &format!("poll={POLL}&lang=fr-BE&choice=ja&choice=nee&choice=weet-niet"),
            None,
        )
        .await;
    let refusal: serde_json::Value = serde_json::from_str(&too_many.body).unwrap();
    assert_eq!(
        refusal["message"],
        "Vous avez choisi plus de réponses que ce sondage n’en permet\u{a0}: choisissez-en 2 au maximum."
    );
    assert_eq!(site.voters_in(POLL).await, 1);
}

#[tokio::test]
async fn a_single_answer_poll_says_it_takes_one_when_two_are_sent() {
    let site = TestSite::new();
    let too_many = site
        .post_form(&format!("poll={POLL}&choice=ja&choice=nee"), None)
        .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert!(
        too_many
            .body
            .contains("U koos meer dan één antwoord: deze poll laat er maar één toe."),
        "{}",
        too_many.body
    );
    assert_eq!(site.voters_in(POLL).await, 0);
}

#[tokio::test]
async fn a_reader_may_change_their_vote_when_the_poll_allows_it() {
    let (site, _content) = site_with_rules("allow_change = true");
    let cookie = site
        .post_form(&vote_body("ja"), None)
        .await
        .voter_cookie()
        .unwrap();
    let page = site.get(ARTICLE, Some(&cookie)).await.body;
    assert!(page.contains("Uw stem is geregistreerd — <a href=\"/artikel/deepseek-nvidia-beurswaarde?wijzigen#poll\">wijzigen</a>"), "{page}");

    let changing = site
        .get(&format!("{ARTICLE}?wijzigen"), Some(&cookie))
        .await
        .body;
    assert!(changing.contains("<fieldset"));
    assert!(
        changing.contains("value=\"ja\" checked"),
        "the earlier answer is ticked: {changing}"
    );

    let changed = site.post_form(&vote_body("nee"), Some(&cookie)).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let page = site.get(ARTICLE, Some(&cookie)).await.body;
    assert!(page.contains("Uw stem: <strong>Nee</strong>"));
    assert!(page.contains("1 lezer stemde."), "replaced, never added");
}

#[tokio::test]
async fn without_change_allowed_there_is_no_change_link_and_the_first_vote_stands() {
    let site = TestSite::new();
    let cookie = site
        .post_form(&vote_body("ja"), None)
        .await
        .voter_cookie()
        .unwrap();
    let page = site
        .get(&format!("{ARTICLE}?wijzigen"), Some(&cookie))
        .await
        .body;
    assert!(!page.contains("wijzigen</a>"));
    assert!(
        !page.contains("<fieldset"),
        "asking to change does not reopen the form"
    );
    site.post_form(&vote_body("nee"), Some(&cookie)).await;
    let page = site.get(ARTICLE, Some(&cookie)).await.body;
    assert!(page.contains("Uw stem: <strong>Ja</strong>"));
}

#[tokio::test]
async fn results_for_everyone_show_the_standing_beside_the_form() {
    let (site, _content) = site_with_rules("show_results = \"always\"");
    site.post_form(&vote_body("nee"), None).await;
    let page = site.get(ARTICLE, None).await.body;
    assert!(page.contains("<fieldset"));
    assert!(page.contains("Tussenstand"));
    assert!(page.contains("100% · 1 stem"));
}

#[tokio::test]
async fn results_after_closing_stay_hidden_from_voters_until_then() {
    let (site, _content) =
        site_with_rules("show_results = \"after-close\"\ncloses = \"2099-01-01T00:00:00+01:00\"");
    let reply = site.post_fetch(&vote_body("ja"), None).await;
    let answer: stembus::poll::VoteAnswer = serde_json::from_str(&reply.body).unwrap();
    assert!(
        answer.voters.is_none() && !answer.standing_html.contains("poll-result-list"),
        "the vote's answer carries no standing either"
    );
    let cookie = reply.voter_cookie().unwrap();
    let page = site.get(ARTICLE, Some(&cookie)).await.body;
    assert!(
        page.contains(
            "De uitslag verschijnt wanneer de poll sluit, op 1 januari 2099 om 0.00 uur."
        )
    );
    assert!(!page.contains("poll-result-list"));
    assert!(page.contains("Uw stem: <strong>Ja</strong>"));
}

#[tokio::test]
async fn a_closed_poll_shows_results_to_everyone_and_refuses_votes() {
    let content =
        content_with_poll_moments("2025-01-27T18:00:00+01:00", "2025-02-03T18:00:00+01:00");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let page = site.get(ARTICLE, None).await;
    assert!(!page.body.contains("<fieldset"), "no form once closed");
    assert!(page.body.contains("poll-results"));
    assert!(page.body.contains(
        "De poll liep van 27 januari 2025 om 18.00 uur tot 3 februari 2025 om 18.00 uur."
    ));

    let vote = site.post_form(&vote_body("ja"), None).await;
    assert_eq!(vote.status, StatusCode::FORBIDDEN);
    assert!(vote.body.contains("Deze poll is gesloten"));
    assert_eq!(site.voters_in(POLL).await, 0);

    let front = site.get("/", None).await.body;
    assert!(front.contains("Poll gesloten"));
}

#[tokio::test]
async fn a_poll_that_has_not_opened_shows_a_notice_and_refuses_votes() {
    let content =
        content_with_poll_moments("2099-01-01T09:00:00+01:00", "2099-02-01T09:00:00+01:00");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let page = site.get(ARTICLE, None).await;
    assert!(!page.body.contains("<fieldset"));
    assert!(
        page.body
            .contains("Deze poll opent op 1 januari 2099 om 9.00 uur.")
    );

    let vote = site.post_fetch(&vote_body("ja"), None).await;
    assert_eq!(vote.status, StatusCode::FORBIDDEN);
    assert_eq!(site.voters_in(POLL).await, 0);
    assert!(
        site.get("/", None)
            .await
            .body
            .contains("Poll opent binnenkort")
    );
}

#[tokio::test]
async fn a_closed_poll_says_so_in_words_on_the_article_and_in_the_embed() {
    let content =
        content_with_poll_moments("2025-01-27T18:00:00+01:00", "2025-02-03T18:00:00+01:00");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    for path in [ARTICLE.to_string(), format!("/embed/{POLL}")] {
        let page = site.get(&path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let card = &page.body[page.body.find("class=\"poll-card\"").expect(&path)..];
        assert!(
            card.contains("<p class=\"poll-state\">Deze poll is gesloten.</p>"),
            "{path}: in the card's own text, without JavaScript too"
        );
        assert!(
            page.body.contains(
                "De poll liep van 27 januari 2025 om 18.00 uur tot 3 februari 2025 om 18.00 uur."
            ),
            "{path}: when it ran stays in the transparency box"
        );
    }
}

#[tokio::test]
async fn a_poll_not_yet_open_says_when_it_opens_in_brussels_time_then_opens() {
    // TEST_NOW is 2 March 2026, 9.00 in Brussels; 9.30 UTC is 10.30 there.
    let content = content_with_poll_moments("2026-03-02T09:30:00Z", "2026-03-09T18:00:00+01:00");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    for path in [ARTICLE.to_string(), format!("/embed/{POLL}")] {
        let page = site.get(&path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body
                .contains("Deze poll opent op 2 maart 2026 om 10.30 uur."),
            "{path}"
        );
        assert!(!page.body.contains("<fieldset"), "{path}: no form yet");
        assert!(!page.body.contains("is gesloten"), "{path}");
    }

    site.clock.set(crate::common::TEST_NOW + 90 * 60);
    let page = site.get(ARTICLE, None).await.body;
    assert!(page.contains("<fieldset"), "open now");
    assert!(!page.contains("Deze poll opent op"));
}

#[tokio::test]
async fn a_poll_closes_when_the_site_clock_passes_its_closing_moment() {
    // TEST_NOW is 2 March 2026, 9.00 in Brussels; the poll closes an hour later.
    let content =
        content_with_poll_moments("2026-03-01T09:00:00+01:00", "2026-03-02T10:00:00+01:00");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    assert!(site.get(ARTICLE, None).await.body.contains("<fieldset"));
    let vote = site.post_fetch(&vote_body("ja"), None).await;
    assert_eq!(vote.status, StatusCode::OK);

    site.clock.set(crate::common::TEST_NOW + 3600);
    let page = site.get(ARTICLE, None).await.body;
    assert!(!page.contains("<fieldset"), "closed on the hour");
    assert!(page.contains("1 lezer stemde."), "everyone sees the result");
    assert!(
        page.contains("tot 2 maart 2026 om 10.00 uur."),
        "the transparency box reads the same clock: {page}"
    );
    let late = site.post_fetch(&vote_body("nee"), None).await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);
    assert_eq!(site.voters_in(POLL).await, 1);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_the_one_sent() {
    let site = TestSite::new().kept_router();
    let page = site.get(ARTICLE, None).await;
    let id = page
        .header("x-request-id")
        .expect("an id for every request");
    let (prefix, count) = id.split_once('-').expect("prefix-counter");
    assert!(
        prefix.len() == 12 && prefix.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert!(u64::from_str_radix(count, 16).is_ok(), "{id}");
    let next = site.get(ARTICLE, None).await;
    assert_ne!(
        next.header("x-request-id"),
        Some(id),
        "every request its own id"
    );
    let missing = site.get("/nergens", None).await;
    assert!(missing.header("x-request-id").is_some());
    let vote = site.post_form(&vote_body("misschien"), None).await;
    assert!(vote.header("x-request-id").is_some());

    let traced = site
        .get_with(
            "/",
            &[(
                header::HeaderName::from_static("x-request-id"),
                "proxy-1234",
            )],
        )
        .await;
    assert_eq!(traced.header("x-request-id"), Some("proxy-1234"));
}

/// A GET of `path` from the socket address `peer`, with an `X-Forwarded-For` when given, asking
/// for OpenMetrics as Prometheus does.
async fn get_from(
    site: &TestSite,
    path: &str,
    peer: &str,
    forwarded: Option<&str>,
) -> crate::common::Reply {
    let mut request = axum::http::Request::get(path).header(
        header::ACCEPT,
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
    );
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    let mut request = request.body(axum::body::Body::empty()).unwrap();
    let peer: std::net::SocketAddr = peer.parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    site.send(request).await
}

#[tokio::test]
async fn metrics_count_votes_requests_and_the_page_cache_for_allowed_addresses_only() {
    let site = TestSite::new()
        .with_settings(|s| s.trusted_proxy = Some("127.0.0.1".parse().unwrap()))
        .kept_router();
    site.post_fetch(&vote_body("ja"), None).await;
    site.post_fetch(&vote_body("misschien"), None).await;
    site.get(ARTICLE, None).await;
    site.get(ARTICLE, None).await;

    let scraped = get_from(&site, "/metrics", "[::1]:9090", None).await;
    assert_eq!(scraped.status, StatusCode::OK, "{}", scraped.body);
    assert!(
        scraped
            .header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = &scraped.body;
    for expected in [
        "stembus_votes_total{outcome=\"acknowledged\",reason=\"\"} 1",
        "stembus_votes_total{outcome=\"refused\",reason=\"invalid_choice\"} 1",
        "stembus_page_cache_lookups_total{result=\"miss\"} 1",
        "stembus_page_cache_lookups_total{result=\"hit\"} 1",
        "stembus_http_requests_total{route=\"/artikel/{slug}\",status=\"200\"} 2",
        "stembus_http_requests_total{route=\"/api/stem\",status=\"200\"} 1",
        "stembus_commit_batch_size_count 1",
        "stembus_writer_queue_depth 0",
        "stembus_writer_queue_capacity 4096",
        "stembus_live_streams 0",
        "stembus_engine{engine=\"sqlite\"} 1",
        "stembus_http_request_duration_seconds_bucket{",
        "# EOF",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    assert!(
        !text.contains("deepseek-nvidia"),
        "routes by pattern, never by address"
    );
    // The node's maximum beside its open streams: derived from this process's limit on open
    // files, as the node would take it at start-up.
    let derived = stembus_server::open_files::stream_capacity(None).streams;
    assert!(
        text.contains(&format!("\nstembus_live_streams_max {derived}\n")),
        "missing stembus_live_streams_max {derived}:\n{text}"
    );

    for (peer, forwarded) in [
        ("192.0.2.1:5000", None),
        ("127.0.0.1:5000", Some("203.0.113.9")),
    ] {
        let refused = get_from(&site, "/metrics", peer, forwarded).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{peer} {forwarded:?}"
        );
        assert!(!refused.body.contains("stembus_"));
    }
}

#[tokio::test]
async fn an_article_published_late_in_the_evening_utc_carries_its_brussels_date_everywhere() {
    let content = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(
        crate::common::shipped_content().join("voorbeeld-hoe-werkt-de-lezerspoll.md"),
    )
    .unwrap();
    let late: String = sample
        .lines()
        .filter(|line| !line.starts_with("updated = ") && !line.starts_with("opens = "))
        .map(|line| match line.starts_with("published = ") {
            true => "published = \"2025-06-02T23:30:00Z\"\n".to_string(),
            false => format!("{line}\n"),
        })
        .collect();
    std::fs::write(content.path().join("laat.md"), late).unwrap();
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());

    let article = site.get(SAMPLE, None).await.body;
    assert!(article.contains(">3 juni 2025<"), "{article}");
    assert!(!article.contains("2 juni 2025"), "{article}");
    assert!(
        article.contains("De poll is open sinds 3 juni 2025 om 1.30 uur"),
        "the box of a poll without its own opening: {article}"
    );
    let front = site.get("/", None).await.body;
    assert!(front.contains("3 juni 2025"), "{front}");
    assert!(!front.contains("2 juni 2025"), "{front}");
}
