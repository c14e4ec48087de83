//! The public results API, its OpenAPI document, the embeddable poll and oEmbed, through the router.

use crate::common::*;
use axum::body::Body;
use axum::http::{HeaderName, Request, StatusCode, header};
use serde_json::Value;
use std::collections::BTreeSet;

fn api_path() -> String {
    format!("/api/polls/{POLL}")
}

async fn json(site: &TestSite, path: &str) -> (Reply, Value) {
    let reply = site.get(path, None).await;
    let value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply, value)
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn a_poll_is_described_with_its_counts_hidden_where_a_reader_who_did_not_vote_would_not_see_them()
 {
    let site = TestSite::new();
    let cookie = site.vote("ja").await;
    let (reply, poll) = json(&site, &api_path()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(poll["id"], POLL);
    assert_eq!(
        poll["question"],
        "Brengt DeepSeek blijvende schade toe aan Nvidia?"
    );
    assert_eq!(poll["status"], "open");
    assert_eq!(poll["opens"], Value::Null);
    assert_eq!(poll["closes"], Value::Null);
    assert_eq!(
        poll["voters"],
        Value::Null,
        "after-vote: hidden from the API"
    );
    let options = poll["options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    assert_eq!(options[0]["key"], "ja");
    assert_eq!(options[0]["label"], "Ja");
    assert!(
        options
            .iter()
            .all(|o| o["votes"].is_null() && o["percent"].is_null())
    );
    // The API reads no cookie: a voter gets the same answer.
    let with_cookie = site.get(&api_path(), Some(&cookie)).await;
    assert_eq!(with_cookie.body, reply.body);

    let content = content_with_poll_rules("show_results = \"always\"");
    let open = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    open.vote("ja").await;
    open.vote("nee").await;
    open.vote("ja").await;
    let (_, poll) = json(&open, &api_path()).await;
    assert_eq!(poll["voters"], 3);
    assert_eq!(poll["options"][0]["votes"], 2);
    assert_eq!(poll["options"][0]["percent"], 67);
    assert_eq!(poll["options"][2]["votes"], 0);

    let content = content_with_poll_moments_closed();
    let closed = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let (_, poll) = json(&closed, &api_path()).await;
    assert_eq!(poll["status"], "closed");
    assert_eq!(
        poll["voters"], 0,
        "a closed poll shows its standing to everyone"
    );
    assert_eq!(poll["opens"], "2026-03-01T09:00:00+01:00");
    assert_eq!(poll["closes"], "2026-03-02T08:00:00+01:00");

    let content = content_with_poll_rules("opens = \"2026-04-01T09:00:00+02:00\"");
    let upcoming = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    assert_eq!(json(&upcoming, &api_path()).await.1["status"], "upcoming");
}

fn content_with_poll_moments_closed() -> tempfile::TempDir {
    content_with_poll_rules(
        "opens = \"2026-03-01T09:00:00+01:00\"\ncloses = \"2026-03-02T08:00:00+01:00\"",
    )
}

#[tokio::test]
async fn answers_are_shared_briefly_with_an_etag_and_open_to_every_origin() {
    let site = TestSite::new();
    let first = site.get(&api_path(), None).await;
    assert_eq!(
        first.header("cache-control"),
        Some("public, max-age=5, s-maxage=5")
    );
    let tag = first.header("etag").unwrap().to_string();
    assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
    let again = site
        .get_with(&api_path(), &[(header::IF_NONE_MATCH, tag.as_str())])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());

    let content = content_with_poll_rules("show_results = \"always\"");
    let open = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let before = open
        .get(&api_path(), None)
        .await
        .header("etag")
        .unwrap()
        .to_string();
    open.vote("nee").await;
    let after = open
        .get_with(&api_path(), &[(header::IF_NONE_MATCH, before.as_str())])
        .await;
    assert_eq!(after.status, StatusCode::OK, "new figures, a new tag");
    assert_ne!(after.header("etag"), Some(before.as_str()));

    let cross = site
        .get_with(
            &api_path(),
            &[(header::ORIGIN, "https://andere-krant.example")],
        )
        .await;
    assert_eq!(cross.header("access-control-allow-origin"), Some("*"));
    let preflight = site
        .send(
            Request::builder()
                .method("OPTIONS")
                .uri(api_path())
                .header(header::ORIGIN, "https://andere-krant.example")
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );
    let post = site
        .send(Request::post(api_path()).body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        post.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "the API only reads"
    );
}

#[tokio::test]
async fn every_poll_is_listed_and_an_unknown_one_is_a_json_404() {
    let site = TestSite::new();
    let (reply, list) = json(&site, "/api/polls").await;
    assert_eq!(reply.status, StatusCode::OK);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["nut-van-lezerspolls", POLL]);
    let (missing, error) = json(&site, "/api/polls/bestaat-niet").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("cache-control"), Some("no-store"));
    assert_eq!(error["error"], "Deze poll bestaat niet.");
}

#[tokio::test]
async fn every_refusal_under_api_is_the_apis_json_whatever_the_address_or_method() {
    let site = TestSite::new();
    for (path, status) in [
        ("/api/nope", StatusCode::NOT_FOUND),
        ("/api/polls/deepseek-schade-nvidia/", StatusCode::NOT_FOUND),
        ("/api/polls/%FF", StatusCode::NOT_FOUND),
        ("/api/polls/%FF/live", StatusCode::NOT_FOUND),
        ("/api/polls/%FF/standing.png", StatusCode::NOT_FOUND),
        ("/api/polls/%FF/seen.gif", StatusCode::NOT_FOUND),
        ("/api/polls/bestaat-niet/seen.gif", StatusCode::NOT_FOUND),
    ] {
        let (reply, error) = json(&site, path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{path}"
        );
        assert!(error["error"].is_string(), "{path}: {}", reply.body);
        assert!(!reply.body.contains("Invalid"), "{path}: {}", reply.body);
    }
    // An address that names nothing is a 404 whatever the method: no method would find it.
    let unknown = site
        .send(Request::post("/api/nope").body(Body::empty()).unwrap())
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.header("allow"), None);
    for path in ["/api/polls", "/api/polls/deepseek-schade-nvidia"] {
        let post = site
            .send(Request::post(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(post.header("content-type"), Some("application/json"));
        assert_eq!(post.header("allow"), Some("GET, HEAD"));
        assert!(post.body.contains("alleen GET"), "{}", post.body);
    }
    // The other addresses a reader reaches with a part that does not read: that route's own
    // "not found", never axum's line of English.
    let embed = site.get("/embed/%FF", None).await;
    assert_eq!(embed.status, StatusCode::NOT_FOUND);
    assert!(
        embed.body.contains("<html lang=\"nl-BE\""),
        "{}",
        embed.body
    );
    // Kept by no cache: a poll put back is there again at once.
    for path in [
        "/embed/%FF",
        "/embed/bestaat-niet",
        "/fr/embed/bestaat-niet",
    ] {
        let reply = site.get(path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            reply.header("cache-control"),
            Some("private, no-store"),
            "{path}"
        );
    }
    let sitemap = site.get("/sitemap/%FF", None).await;
    assert_eq!(sitemap.status, StatusCode::NOT_FOUND);
    assert!(!sitemap.body.contains("Invalid"), "{}", sitemap.body);
}

#[tokio::test]
async fn the_standing_picture_is_open_to_every_origin_like_the_rest_of_the_api() {
    let site = TestSite::new();
    let picture = site
        .get_with(
            &format!("/api/polls/{POLL}/standing.png"),
            &[(header::ORIGIN, "https://krant.example")],
        )
        .await;
    assert_eq!(picture.status, StatusCode::OK);
    assert_eq!(picture.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn the_openapi_document_describes_the_routes_and_fields_the_api_has() {
    let site = TestSite::new();
    let (reply, document) = json(&site, "/api/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert_eq!(
        paths.keys().cloned().collect::<BTreeSet<_>>(),
        [
            "/api/openapi.json",
            "/api/polls",
            "/api/polls/{poll_id}",
            "/api/polls/{poll_id}/live",
            "/api/polls/{poll_id}/seen.gif",
            "/api/polls/{poll_id}/standing.png"
        ]
        .map(String::from)
        .into_iter()
        .collect()
    );
    for path in paths.keys() {
        let concrete = path.replace("{poll_id}", POLL);
        let reply = site.get(&concrete, None).await;
        assert_ne!(reply.status, StatusCode::NOT_FOUND, "{path} is routed");
        assert!(paths[path]["get"].is_object(), "{path} documents GET");
    }
    let schemas = &document["components"]["schemas"];
    let required = |schema: &Value| -> BTreeSet<String> {
        schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    };
    let (_, poll) = json(&site, &api_path()).await;
    assert_eq!(keys(&poll), required(&schemas["Poll"]));
    assert_eq!(keys(&schemas["Poll"]["properties"]), keys(&poll));
    assert_eq!(keys(&poll["options"][0]), required(&schemas["Option"]));
    let statuses: Vec<&str> = schemas["Poll"]["properties"]["status"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["upcoming", "open", "closed"]);
    // A live reading as the stream sends it, to a reader who voted (who sees the standing).
    let voter = site.vote("ja").await;
    let snapshot = first_live_reading(&site, POLL, &voter).await;
    assert_eq!(keys(&snapshot), required(&schemas["Standing"]));
    assert_eq!(keys(&schemas["Standing"]["properties"]), keys(&snapshot));
}

/// The data of the first `standing` event of poll `poll_id`'s live stream, for `cookie`.
async fn first_live_reading(site: &TestSite, poll_id: &str, cookie: &str) -> Value {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = Request::get(format!("/api/polls/{poll_id}/live"))
        .header(header::ACCEPT, "text/event-stream")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = site.router().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut read = String::new();
    loop {
        if let Some(data) = read.lines().find_map(|line| line.strip_prefix("data:")) {
            return serde_json::from_str(data.trim()).unwrap();
        }
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .expect("a reading within 5 s")
            .expect("the stream is open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            read.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

fn embed_path() -> String {
    format!("/embed/{POLL}")
}

fn frame_ancestors(reply: &Reply) -> String {
    let policy = reply.header("content-security-policy").unwrap();
    policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("frame-ancestors"))
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_embed_is_the_poll_alone_framable_only_by_the_listed_origins() {
    let site = TestSite::new();
    let plain = site.get(&embed_path(), None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(frame_ancestors(&plain), "frame-ancestors 'self'");
    assert!(
        plain
            .body
            .contains("Brengt DeepSeek blijvende schade toe aan Nvidia?")
    );
    assert!(plain.body.contains("action=\"/api/stem\""), "the form");
    assert!(
        plain.body.contains("Over deze poll"),
        "the transparency box"
    );
    assert!(!plain.body.contains("site-header"), "no site frame");
    assert!(
        plain.body.contains("target=\"_blank\""),
        "the way to the article"
    );
    assert_eq!(plain.header("cache-control"), Some("private, no-store"));

    let listed = TestSite::new().with_settings(|s| {
        s.embed_origins = vec![
            "https://www.krant.example".into(),
            "http://127.0.0.1:4000".into(),
        ]
    });
    let reply = listed.get(&embed_path(), None).await;
    assert_eq!(
        frame_ancestors(&reply),
        "frame-ancestors 'self' https://www.krant.example http://127.0.0.1:4000"
    );
    assert_eq!(
        reply.header("x-frame-options"),
        None,
        "it would forbid every other site"
    );
    let article = listed.get(ARTICLE, None).await;
    assert_eq!(
        frame_ancestors(&article),
        "frame-ancestors 'self'",
        "the article is not framable"
    );
    assert_eq!(article.header("x-frame-options"), Some("SAMEORIGIN"));

    let unknown = site.get("/embed/bestaat-niet", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_embed_hands_out_the_voter_cookie_and_a_vote_from_it_needs_that_cookie() {
    let site = TestSite::new();
    let page = site.get(&embed_path(), None).await;
    let cookie = page.voter_cookie().expect("the embed gives a voter cookie");
    assert!(
        site.get(&embed_path(), Some(&cookie))
            .await
            .voter_cookie()
            .is_none(),
        "once"
    );

    let from_frame: [(HeaderName, &str); 1] =
        [(HeaderName::from_static("sec-fetch-dest"), "iframe")];
    let from_page: [(HeaderName, &str); 1] = [(
        header::REFERER,
        "http://127.0.0.1:3000/embed/deepseek-schade-nvidia",
    )];
    for headers in [&from_frame, &from_page] {
        let mut request = Request::post(VOTE_PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, BROWSER_ACCEPT);
        for (name, value) in headers.iter() {
            request = request.header(name, *value);
        }
        let blocked = site
            .send(request.body(Body::from(vote_body("ja"))).unwrap())
            .await;
        assert_eq!(blocked.status, StatusCode::FORBIDDEN);
        assert!(
            blocked.body.contains("Uw stem is niet geteld"),
            "{}",
            blocked.body
        );
        // To vote where the site's own cookie is kept: the article, in a window of its own (the
        // article refuses to be framed by another site), from the embed's frame, without the
        // site's header and footer, whose pages would not show in the frame either.
        assert!(
            blocked.body.contains(
                "href=\"/artikel/deepseek-nvidia-beurswaarde#poll\" target=\"_blank\" rel=\"noopener\""
            ),
            "{}",
            blocked.body
        );
        assert!(!blocked.body.contains("site-header"), "{}", blocked.body);
        assert!(blocked.voter_cookie().is_none());
    }
    assert_eq!(site.voters_in(POLL).await, 0, "nothing was counted");

    let mut request = Request::post(VOTE_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .header(header::COOKIE, &cookie);
    for (name, value) in from_frame.iter() {
        request = request.header(name, *value);
    }
    let voted = site
        .send(request.body(Body::from(vote_body("ja"))).unwrap())
        .await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
    assert_eq!(voted.location(), Some("/embed/deepseek-schade-nvidia#poll"));
    assert_eq!(site.voters_in(POLL).await, 1);
    let after = site.get(&embed_path(), Some(&cookie)).await;
    assert!(
        after.body.contains("Uw stem: <strong>Ja</strong>"),
        "{}",
        after.body
    );
}

#[test]
fn on_https_the_embed_cookie_crosses_sites_partitioned() {
    let voter = stembus_site::voter_cookie::VoterId::generate().unwrap();
    let cookie = voter.embed_cookie(true);
    let cookie = cookie.to_str().unwrap();
    for attribute in [
        "SameSite=None",
        "Secure",
        "Partitioned",
        "HttpOnly",
        "Path=/",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        voter
            .embed_cookie(false)
            .to_str()
            .unwrap()
            .contains("SameSite=Lax")
    );
}

#[tokio::test]
async fn oembed_hands_out_the_frame_for_an_article_or_an_embed_address() {
    let site = TestSite::new();
    let base = "http://127.0.0.1:3000";
    let url = |target: &str| {
        format!(
            "/oembed?url={}",
            form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
        )
    };
    let (reply, embed) = json(&site, &url(&format!("{base}{ARTICLE}"))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(embed["version"], "1.0");
    assert_eq!(embed["type"], "rich");
    assert_eq!(embed["provider_name"], "Stembus");
    assert_eq!(embed["width"], 480);
    let html = embed["html"].as_str().unwrap();
    assert!(
        html.starts_with(&format!("<iframe src=\"{base}/embed/{POLL}\"")),
        "{html}"
    );
    assert!(
        html.contains("title=\"Lezerspoll: Brengt DeepSeek blijvende schade toe aan Nvidia?\"")
    );

    let (_, same) = json(&site, &url(&format!("{base}/embed/{POLL}"))).await;
    assert_eq!(same["html"], embed["html"]);
    let (_, narrow) = json(
        &site,
        &format!("{}&maxwidth=320", url(&format!("{base}{ARTICLE}"))),
    )
    .await;
    assert_eq!(narrow["width"], 320);
    assert_eq!(reply.header("cache-control"), Some("public, max-age=60"));
    assert_eq!(embed["cache_age"], 60);
    let (_, low) = json(
        &site,
        &format!("{}&maxheight=300", url(&format!("{base}{ARTICLE}"))),
    )
    .await;
    assert_eq!(low["height"], 300);
    // A frame smaller than the poll can be read in is not handed out (the spec: it must fit).
    for too_small in ["&maxwidth=100", "&maxheight=0", "&maxheight=50"] {
        let refused = site
            .get(
                &format!("{}{too_small}", url(&format!("{base}{ARTICLE}"))),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{too_small}");
        assert_eq!(refused.header("cache-control"), Some("no-store"));
        assert_eq!(refused.header("access-control-allow-origin"), Some("*"));
    }
    for missing in [
        url("https://elders.example/artikel/x"),
        url(&format!("{base}/artikel/bestaat-niet")),
        "/oembed".to_string(),
    ] {
        assert_eq!(
            site.get(&missing, None).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let xml = site
        .get(
            &format!("{}&format=xml", url(&format!("{base}{ARTICLE}"))),
            None,
        )
        .await;
    assert_eq!(xml.status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(xml.header("cache-control"), Some("no-store"));

    let article = site.get(ARTICLE, None).await.body;
    let link = article
        .split("<link ")
        .find(|tag| tag.contains("type=\"application/json+oembed\""))
        .expect("the discovery link");
    assert!(link.contains("rel=\"alternate\""), "{link}");
    assert!(
        link.contains(&format!("href=\"{base}/oembed?url=http%3A%2F%2F127.0.0.1%3A3000%2Fartikel%2Fdeepseek-nvidia-beurswaarde&amp;format=json\"")),
        "{link}"
    );
}

#[tokio::test]
async fn the_list_answers_a_hundred_polls_a_page_newest_first_with_a_link_to_the_next() {
    use stembus_poll::moment::Moment;
    use stembus_poll::{PollDefinition, ResultsVisibility};
    let site = TestSite::new();
    // 230 polls made in the desk, opened a minute apart, `poll-230` the newest.
    for n in 1..=230_i64 {
        let poll = PollDefinition {
            opens: Some(Moment::brussels_from_unix(TEST_NOW - 100_000 + 60 * n)),
            ..desk_poll(
                &format!("poll-{n:03}"),
                &format!("Vraag {n}?"),
                &[("ja", "Ja"), ("nee", "Nee")],
                ResultsVisibility::Always,
            )
        };
        make_in_desk(&site, &poll, TEST_NOW).await;
    }
    site.state.refresh_content().await.unwrap();
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|poll| poll["id"].as_str().unwrap().to_string())
            .collect()
    };

    let (first, list) = json(&site, "/api/polls").await;
    assert_eq!(first.status, StatusCode::OK);
    let shown = ids(&list);
    assert_eq!(shown.len(), 100);
    assert_eq!(
        (shown[0].as_str(), shown[99].as_str()),
        ("poll-230", "poll-131")
    );
    assert_eq!(
        first.header("link"),
        Some("<http://127.0.0.1:3000/api/polls?page=2>; rel=\"next\"")
    );
    let (second, list) = json(&site, "/api/polls?page=2").await;
    assert_eq!(ids(&list)[0], "poll-130");
    assert_eq!(
        second.header("link"),
        Some(
            "<http://127.0.0.1:3000/api/polls?page=3>; rel=\"next\", <http://127.0.0.1:3000/api/polls?page=1>; rel=\"prev\""
        )
    );
    // The last page: the rest of the made polls, then the content files' (older) two.
    let (last, list) = json(&site, "/api/polls?page=3").await;
    let shown = ids(&list);
    assert_eq!(shown.len(), 32);
    assert_eq!(shown[29], "poll-001");
    assert_eq!(&shown[30..], ["nut-van-lezerspolls", POLL]);
    assert_eq!(
        last.header("link"),
        Some("<http://127.0.0.1:3000/api/polls?page=2>; rel=\"prev\"")
    );
    assert_eq!(
        list[0]["voters"], 0,
        "each poll as /api/polls/{{id}} describes it"
    );

    for (bad, status) in [
        ("/api/polls?page=0", StatusCode::BAD_REQUEST),
        ("/api/polls?page=twee", StatusCode::BAD_REQUEST),
        ("/api/polls?page=4", StatusCode::NOT_FOUND),
    ] {
        let (reply, error) = json(&site, bad).await;
        assert_eq!(reply.status, status, "{bad}");
        assert!(error["error"].is_string(), "{bad}");
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
}

#[tokio::test]
async fn a_language_the_site_does_not_speak_is_refused_with_the_languages_it_does() {
    let site = TestSite::new();
    for path in [
        format!("/api/polls/{POLL}/live"),
        format!("/api/polls/{POLL}/standing.png"),
    ] {
        let (reply, error) = json(&site, &format!("{path}?lang=de")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        let message = error["error"].as_str().unwrap_or_default();
        assert!(
            message.contains("nl-BE") && message.contains("fr-BE") && message.contains("taal"),
            "{path}: {message}"
        );
        assert!(
            !message.contains("formulier"),
            "not the vote form's: {message}"
        );
        // Asked in another French, it is answered in French.
        let (reply, error) = json(&site, &format!("{path}?lang=fr-FR")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        let message = error["error"].as_str().unwrap_or_default();
        assert!(
            message.contains("langue") && message.contains("fr-BE"),
            "{path}: {message}"
        );
    }
    let (_, document) = json(&site, "/api/openapi.json").await;
    let said = document["components"]["schemas"]["Error"]["properties"]["error"]["description"]
        .as_str()
        .unwrap();
    assert!(said.contains("French"), "{said}");
    assert!(
        document["paths"]["/api/polls/{poll_id}/live"]["get"]["responses"]["400"].is_object(),
        "the live stream documents its 400"
    );
}
