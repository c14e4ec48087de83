//! One poll in Dutch and in French, one tally: the French embed, article and privacy page, votes
//! through the French card (with and without JavaScript) counted with the Dutch ones, refusals in
//! French, oEmbed and the API in both languages.

use crate::common::*;
use axum::http::{StatusCode, header};
use serde_json::Value;

const FRENCH_EMBED: &str = "/fr/embed/deepseek-schade-nvidia";
const FRENCH_ARTICLE: &str = "/fr/article/deepseek-nvidia-valeur-boursiere";
const DUTCH_ARTICLE: &str = "/artikel/deepseek-nvidia-beurswaarde";
const FRENCH_QUESTION: &str = "DeepSeek nuit-il durablement à Nvidia\u{a0}?";

/// A vote from the French card: its form carries the card's language.
fn french_vote(choice: &str) -> String {
    format!("{}&lang=fr-BE", vote_body(choice))
}

/// Words of the Dutch card that a French page must not show.
const DUTCH_WORDS: [&str; 6] = [
    ">Stem<",
    "Lezerspoll",
    "Over deze poll",
    "Tot nu toe",
    "Uw stem",
    "Cijfers bijgewerkt",
];

fn assert_french(page: &str) {
    assert!(page.contains("<html lang=\"fr-BE\""), "{page}");
    for dutch in DUTCH_WORDS {
        assert!(!page.contains(dutch), "{dutch} on a French page: {page}");
    }
}

#[tokio::test]
async fn the_french_embed_speaks_french_in_every_word_of_its_card() {
    let site = TestSite::new();
    let page = site.get(FRENCH_EMBED, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_french(&page.body);
    for french in [
        "Sondage des lecteurs",
        FRENCH_QUESTION,
        ">Oui<",
        ">Je ne sais pas<",
        ">Voter<",
        "name=\"lang\" value=\"fr-BE\"",
        "À propos de ce sondage",
        "Jusqu’ici, 0 lecteur a voté.",
        "href=\"/fr/vie-privee\"",
        "data-live=\"/api/polls/deepseek-schade-nvidia/live?lang=fr-BE\"",
        "data-retrying=\"Il y a beaucoup de monde",
    ] {
        assert!(
            page.body.contains(french),
            "{french} missing: {}",
            page.body
        );
    }
    // The Dutch embed of the same poll stays Dutch.
    let dutch = site.get("/embed/deepseek-schade-nvidia", None).await;
    assert!(dutch.body.contains("<html lang=\"nl-BE\""));
    assert!(dutch.body.contains(">Stem<"));
    assert!(!dutch.body.contains("name=\"lang\""));
}

#[tokio::test]
async fn a_poll_without_french_texts_or_no_poll_at_all_is_a_french_404() {
    let site = TestSite::new();
    for path in ["/fr/embed/nut-van-lezerspolls", "/fr/embed/bestaat-niet"] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<html lang=\"fr-BE\""), "{path}");
        assert!(
            page.body.contains("Ce sondage n’existe pas."),
            "{path}: {}",
            page.body
        );
    }
    let unknown = site.get("/fr/nulle-part", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown.body.contains("Page introuvable"),
        "{}",
        unknown.body
    );
    assert!(unknown.body.contains("<html lang=\"fr-BE\""));
}

#[tokio::test]
async fn the_french_article_is_french_at_its_own_address_only() {
    let site = TestSite::new();
    let page = site.get(FRENCH_ARTICLE, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_french(&page.body);
    for french in [
        "content=\"fr_BE\"",
        "Publié en",
        "janvier 2025",
        "min de lecture",
        "Source\u{a0}:",
        ">Voter<",
        FRENCH_QUESTION,
        "\"inLanguage\":\"fr-BE\"",
        "Vie privée",
    ] {
        assert!(
            page.body.contains(french),
            "{french} missing: {}",
            page.body
        );
    }
    // An article is at the address of its own language, not the other's.
    for wrong in [
        "/artikel/deepseek-nvidia-valeur-boursiere",
        "/fr/article/deepseek-nvidia-beurswaarde",
    ] {
        assert_eq!(
            site.get(wrong, None).await.status,
            StatusCode::NOT_FOUND,
            "{wrong}"
        );
    }
    // The Dutch front page lists it, marked as French.
    let front = site.get("/", None).await;
    assert!(front.body.contains("lang=\"fr-BE\""), "{}", front.body);
    assert!(front.body.contains(&format!("href=\"{FRENCH_ARTICLE}\"")));
}

#[tokio::test]
async fn the_privacy_page_speaks_french_at_its_french_address() {
    let site = TestSite::new();
    let page = site.get("/fr/vie-privee", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_french(&page.body);
    assert!(page.body.contains("Ce que Stembus conserve à votre sujet"));
    assert!(page.body.contains("stembus_kiezer"));
    assert!(
        page.body
            .contains("href=\"http://127.0.0.1:3000/fr/vie-privee\"")
            || page.body.contains("/fr/vie-privee\"")
    );
    // Both say what a vote on another site's frame means.
    assert!(page.body.contains("Voter sur un autre site"));
    let dutch = site.get("/privacy", None).await;
    assert!(dutch.body.contains("Stemmen op een andere site"));
}

#[tokio::test]
async fn a_vote_without_javascript_in_french_goes_back_to_the_french_page_and_counts_in_the_one_tally()
 {
    let site = TestSite::new().kept_router();
    let reply = site.post_form(&french_vote("nee"), None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some(&*format!("{FRENCH_ARTICLE}#poll")));
    let cookie = reply.voter_cookie().unwrap();
    let french = site.get(FRENCH_ARTICLE, Some(&cookie)).await;
    assert!(french.body.contains("Votre vote"), "{}", french.body);
    assert!(
        french.body.contains("<strong>Non</strong>"),
        "{}",
        french.body
    );
    assert!(french.body.contains("1 lecteur a voté."), "{}", french.body);

    // The same reader on the Dutch article: their vote, no form, one voter.
    let dutch = site.get(DUTCH_ARTICLE, Some(&cookie)).await;
    assert!(
        dutch.body.contains("<strong>Nee</strong>"),
        "{}",
        dutch.body
    );
    assert!(dutch.body.contains("1 lezer stemde."), "{}", dutch.body);
    assert!(!dutch.body.contains(">Stem<"), "no second vote");
    // A second vote in Dutch does not count twice.
    site.post_form(&vote_body("ja"), Some(&cookie)).await;
    assert_eq!(site.voters_in(POLL).await, 1);
    let (_, api) = {
        let reply = site.get(&format!("/api/polls/{POLL}"), None).await;
        let value: Value = serde_json::from_str(&reply.body).unwrap();
        (reply, value)
    };
    assert_eq!(api["id"], POLL);
}

#[tokio::test]
async fn a_vote_from_the_french_island_is_answered_and_refused_in_french() {
    let site = TestSite::new();
    let reply = site.post_fetch(&french_vote("ja"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let answer: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        answer["announcement_html"],
        "Votre vote pour «\u{a0}Oui\u{a0}» est enregistré."
    );
    assert_eq!(answer["facts_voters"], "Jusqu’ici, 1 lecteur a voté.");
    assert!(
        answer["standing_html"]
            .as_str()
            .unwrap()
            .contains("Votre vote"),
        "{answer}"
    );

    let refused = site.post_fetch(&french_vote("peut-etre"), None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let refusal: Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(
        refusal["message"],
        "Choisissez une des réponses du sondage."
    );
    let page = site.post_form(&french_vote("peut-etre"), None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("<html lang=\"fr-BE\""), "{}", page.body);
    assert!(
        page.body.contains("Votre vote n’a pas été enregistré"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("href=\"{FRENCH_ARTICLE}#poll\"")),
        "{}",
        page.body
    );

    let unknown_language = site
        .post_fetch(&format!("{}&lang=de-BE", vote_body("ja")), None)
        .await;
    assert_eq!(unknown_language.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        site.voters_in(POLL).await,
        1,
        "nothing stored by the refusals"
    );
}

#[tokio::test]
async fn the_closed_and_not_yet_open_french_card_says_so_with_brussels_dates_in_french() {
    let content = content_with_poll_rules(
        "opens = \"2026-03-05T18:00:00+01:00\"\ncloses = \"2026-03-09T20:30:00+01:00\"",
    );
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let upcoming = site.get(FRENCH_EMBED, None).await;
    assert!(
        upcoming
            .body
            .contains("Ce sondage ouvre le 5 mars 2026 à 18\u{a0}h\u{a0}00."),
        "{}",
        upcoming.body
    );
    site.clock.set(1_773_100_000); // 10 March 2026, after the closing
    let closed = site.get(FRENCH_EMBED, None).await;
    assert!(
        closed.body.contains("Ce sondage est clos."),
        "{}",
        closed.body
    );
    assert!(
        closed
            .body
            .contains("Le sondage a eu lieu du 5 mars 2026 à 18\u{a0}h\u{a0}00 au 9 mars 2026 à 20\u{a0}h\u{a0}30."),
        "{}",
        closed.body
    );
}

#[tokio::test]
async fn oembed_hands_out_the_french_frame_for_french_addresses() {
    let site = TestSite::new();
    let base = "http://127.0.0.1:3000";
    for url in [
        format!("{base}{FRENCH_EMBED}"),
        format!("{base}{FRENCH_ARTICLE}"),
    ] {
        let reply = site
            .get(&format!("/oembed?url={}", urlencode(&url)), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{url}: {}", reply.body);
        let oembed: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(
            oembed["title"],
            format!("Sondage des lecteurs\u{a0}: {FRENCH_QUESTION}")
        );
        let html = oembed["html"].as_str().unwrap();
        assert!(
            html.contains(&format!("src=\"{base}{FRENCH_EMBED}\"")),
            "{html}"
        );
    }
    let narrow = site
        .get(
            &format!(
                "/oembed?url={}&maxwidth=100",
                urlencode(&format!("{base}{FRENCH_EMBED}"))
            ),
            None,
        )
        .await;
    assert_eq!(narrow.status, StatusCode::NOT_FOUND);
    assert!(
        narrow
            .body
            .contains("Ce sondage ne tient pas dans un cadre de moins de 280 sur 240 pixels."),
        "{}",
        narrow.body
    );
    let dutch_only = format!("{base}/fr/embed/nut-van-lezerspolls");
    let reply = site
        .get(&format!("/oembed?url={}", urlencode(&dutch_only)), None)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_gives_the_texts_in_every_language_the_poll_speaks() {
    let site = TestSite::new();
    let reply = site.get(&format!("/api/polls/{POLL}"), None).await;
    let poll: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        poll["texts"]["nl-BE"]["question"],
        "Brengt DeepSeek blijvende schade toe aan Nvidia?"
    );
    assert_eq!(poll["texts"]["fr-BE"]["question"], FRENCH_QUESTION);
    assert_eq!(poll["texts"]["fr-BE"]["options"][2]["key"], "weet-niet");
    assert_eq!(
        poll["texts"]["fr-BE"]["options"][2]["label"],
        "Je ne sais pas"
    );
    let other = site.get("/api/polls/nut-van-lezerspolls", None).await;
    let other: Value = serde_json::from_str(&other.body).unwrap();
    let languages: Vec<&String> = other["texts"].as_object().unwrap().keys().collect();
    assert_eq!(languages, ["nl-BE"]);
}

#[tokio::test]
async fn a_full_node_says_it_is_busy_in_the_language_of_the_page_asked_for() {
    let site = TestSite::new().with_budgets(|budgets| budgets.pages = 0);
    let service = stembus_ops::serve::with_limits(
        site.router(),
        site.state.admission.clone(),
        &site.state.messages,
    );
    for (path, words) in [
        (FRENCH_ARTICLE, "Il y a beaucoup de monde"),
        (DUTCH_ARTICLE, "Het is erg druk"),
    ] {
        use tower::ServiceExt;
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let reply = Reply::from(service.clone().oneshot(request).await.unwrap()).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(reply.header(header::RETRY_AFTER.as_str()).is_some());
        assert!(reply.body.contains(words), "{path}: {}", reply.body);
    }
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The shipped Dutch article, published `published`, its poll without an opening, in a fresh
/// content folder; with the shipped French article naming its poll, published `french`, if given.
fn content_published(published: &str, french: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let dutch = std::fs::read_to_string(shipped_content().join("deepseek-nvidia-beurswaarde.md"))
        .unwrap()
        .replacen(
            "published = \"2025-01\"",
            &format!("published = \"{published}\""),
            1,
        );
    assert!(
        !dutch.contains("opens ="),
        "the poll has no opening of its own"
    );
    std::fs::write(dir.path().join("artikel.md"), dutch).unwrap();
    if let Some(french) = french {
        let text =
            std::fs::read_to_string(shipped_content().join("deepseek-nvidia-valeur-boursiere.md"))
                .unwrap()
                .replacen(
                    "published = \"2025-01\"",
                    &format!("published = \"{french}\""),
                    1,
                );
        std::fs::write(dir.path().join("article.md"), text).unwrap();
    }
    dir
}

#[tokio::test]
async fn a_french_embed_or_article_says_the_poll_opened_with_the_dutch_article_that_defines_it() {
    let opened_fr =
        "Le sondage est ouvert depuis le 2 juin 2025 à 9\u{a0}h\u{a0}00, sans date de clôture.";
    // No French article: the French embed has no article in its language to take it from.
    let content = content_published("2025-06-02T09:00:00+02:00", None);
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let dutch = site.get("/embed/deepseek-schade-nvidia", None).await.body;
    assert!(
        dutch.contains("De poll is open sinds 2 juni 2025 om 9.00 uur, zonder einddatum."),
        "{dutch}"
    );
    let embed = site.get(FRENCH_EMBED, None).await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(embed.body.contains(opened_fr), "{}", embed.body);

    // A French article published later naming the poll: not its own date either.
    let content = content_published("2025-06-02T09:00:00+02:00", Some("2025-07-10"));
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    for path in [FRENCH_ARTICLE, FRENCH_EMBED] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(opened_fr), "{path}: {}", page.body);
        assert!(!page.body.contains("10 juillet 2025, sans"), "{path}");
    }
}

#[tokio::test]
async fn the_french_box_writes_the_first_of_the_month_as_an_ordinal() {
    let content = content_with_poll_rules("opens = \"2026-03-01T10:00:00+01:00\"");
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let french = site.get(FRENCH_EMBED, None).await.body;
    assert!(
        french.contains(
            "Le sondage est ouvert depuis le 1er mars 2026 à 10\u{a0}h\u{a0}00, sans date de clôture."
        ),
        "{french}"
    );
    let dutch = site.get("/embed/deepseek-schade-nvidia", None).await.body;
    assert!(
        dutch.contains("De poll is open sinds 1 maart 2026 om 10.00 uur"),
        "{dutch}"
    );
}

#[tokio::test]
async fn a_second_french_vote_for_another_answer_says_in_french_that_the_first_vote_stands() {
    const STANDS: &str =
        "Vous aviez déjà voté\u{a0}: votre premier vote, pour «\u{a0}Oui\u{a0}», reste compté.";
    let site = TestSite::new();
    let first = site.post_form(&french_vote("ja"), None).await;
    let cookie = first.voter_cookie().unwrap();

    // With JavaScript: the island's live region says it.
    let reply = site.post_fetch(&french_vote("nee"), Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let answer: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer["announcement_html"], STANDS);

    // Without JavaScript, from the article and from the embed: the page sent back to says it.
    let from_embed = axum::http::Request::post(VOTE_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-dest", "iframe")
        .body(axum::body::Body::from(french_vote("nee")))
        .unwrap();
    for (reply, page) in [
        (
            site.post_form(&french_vote("nee"), Some(&cookie)).await,
            FRENCH_ARTICLE,
        ),
        (site.send(from_embed).await, FRENCH_EMBED),
    ] {
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(
            reply.location(),
            Some(&*format!("{page}?al-gestemd=nee#poll"))
        );
        let shown = site
            .get(&format!("{page}?al-gestemd=nee"), Some(&cookie))
            .await;
        assert_eq!(shown.status, StatusCode::OK);
        assert_french(&shown.body);
        let html = scraper::Html::parse_document(&shown.body);
        let alert = scraper::Selector::parse(".poll-first-vote-stands[role=alert]").unwrap();
        let notices: Vec<String> = html
            .select(&alert)
            .map(|notice| notice.text().collect())
            .collect();
        assert_eq!(notices, vec![STANDS.to_string()], "{page}: {}", shown.body);
    }
    assert_eq!(site.voters_in(POLL).await, 1);
}

#[tokio::test]
async fn the_dutch_and_french_versions_of_a_page_name_each_other_for_search_engines() {
    /// Whether `html` has a `tag` element with every one of `attributes`, in any order.
    fn has(html: &str, tag: &str, attributes: &[String]) -> bool {
        html.split(&format!("<{tag} "))
            .skip(1)
            .filter_map(|rest| rest.split('>').next())
            .any(|element| attributes.iter().all(|a| element.contains(a.as_str())))
    }
    let site = TestSite::new();
    let base = "http://127.0.0.1:3000";
    let version = |language: &str, path: &str| {
        vec![
            "rel=\"alternate\"".to_string(),
            format!("hreflang=\"{language}\""),
            format!("href=\"{base}{path}\""),
        ]
    };
    for (path, other_locale) in [(DUTCH_ARTICLE, "fr_BE"), (FRENCH_ARTICLE, "nl_BE")] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.decoded();
        assert!(
            has(&html, "link", &version("nl-BE", DUTCH_ARTICLE)),
            "{path}: {html}"
        );
        assert!(
            has(&html, "link", &version("fr-BE", FRENCH_ARTICLE)),
            "{path}: {html}"
        );
        let alternate = [
            "property=\"og:locale:alternate\"".to_string(),
            format!("content=\"{other_locale}\""),
        ];
        assert!(has(&html, "meta", &alternate), "{path}: {html}");
    }
    let privacy = site.get("/privacy", None).await.decoded();
    assert!(
        has(&privacy, "link", &version("fr-BE", "/fr/vie-privee")),
        "{privacy}"
    );
    // An article in one language names no other.
    let alone = site
        .get("/artikel/voorbeeld-hoe-werkt-de-lezerspoll", None)
        .await
        .decoded();
    assert!(!alone.contains("hreflang"), "{alone}");
}
