//! Router-level tests of the newsroom site: front page, article head and discovery files, the
//! transparency box, and polls before their opening and after their closing.

#![cfg(feature = "ssr")]

mod common;

use axum::http::{StatusCode, header};
use common::{TestSite, shipped_content};

const ARTICLE: &str = "/artikel/deepseek-nvidia-beurswaarde";
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
async fn transparency_box_tells_what_the_poll_means_and_counts_voters() {
    let site = TestSite::new();
    let before = site.get(ARTICLE, None).await.body;
    assert!(before.contains("Over deze poll"));
    assert!(before.contains("niet representatief"));
    assert!(before.contains("Tot nu toe stemden 0 lezers."));
    assert!(before.contains("zonder einddatum"));
    assert!(before.contains("We bewaren geen IP-adressen"));
    assert!(before.contains("Cijfers bijgewerkt op <time datetime=\""));

    site.post_form("poll=deepseek-schade-nvidia&choice=ja", None)
        .await;
    let after = site.get(ARTICLE, None).await.body;
    assert!(after.contains("Tot nu toe stemden 1 lezer."));
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
    assert_eq!(entries, 2);

    let sitemap = site.get("/sitemap.xml", None).await;
    assert_eq!(sitemap.status, StatusCode::OK);
    let doc = roxmltree::Document::parse(&sitemap.body).expect("sitemap parses");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.tag_name().name() == "url")
            .count(),
        3
    );

    let robots = site.get("/robots.txt", None).await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(robots.body.contains("Disallow: /api/"));
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
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(shipped_content().join("deepseek-nvidia-beurswaarde.md")).unwrap();
    let text = text.replacen(
        "question = ",
        &format!("opens = \"{opens}\"\ncloses = \"{closes}\"\nquestion = "),
        1,
    );
    std::fs::write(dir.path().join("artikel.md"), text).unwrap();
    dir
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

    let vote = site
        .post_form("poll=deepseek-schade-nvidia&choice=ja", None)
        .await;
    assert_eq!(vote.status, StatusCode::FORBIDDEN);
    assert!(vote.body.contains("Deze poll is gesloten"));
    assert_eq!(site.votes_in("deepseek-schade-nvidia").await, 0);

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

    let vote = site
        .post_fetch("poll=deepseek-schade-nvidia&choice=ja", None)
        .await;
    assert_eq!(vote.status, StatusCode::FORBIDDEN);
    assert_eq!(site.votes_in("deepseek-schade-nvidia").await, 0);
    assert!(
        site.get("/", None)
            .await
            .body
            .contains("Poll opent binnenkort")
    );
}
