//! Every text reaches the page as text: each hostile string goes into every text a content file
//! and the desk's poll form set (title, lead, description, author, source, tags, image alt text
//! and credit, question, answers), then every page and answer that shows it is read as a browser
//! and a parser read it. An HTML page must have exactly the element tree that a harmless text
//! gives (html5ever, through `scraper`); JSON and XML must parse, with the text in them intact;
//! what a form refuses (a NUL, a text too long) gets a Dutch message and changes nothing.

use crate::common::*;
use crate::desk::{Editor, signed_in};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use scraper::{Html, Node};
use std::time::Duration;

const SLUG: &str = "vijandige-tekst";
const FILE_POLL: &str = "vijandige-poll";
const MADE_POLL: &str = "vijandig-gemaakt";
/// What every field says in the run the others are compared with.
const HARMLESS: &str = "Onschuldige tekst";

/// The longest question the desk's form takes, in characters.
const DESK_MAX_TEXT: usize = 200;

/// The harmless text for `text`: of its length where the desk's form refuses that length, so
/// both runs take the same way through the form.
fn harmless_for(text: &str) -> String {
    if text.chars().count() > DESK_MAX_TEXT {
        "Onschuldig en lang ".repeat(120)[..text.len()].to_string()
    } else {
        HARMLESS.to_string()
    }
}

/// Texts that would change a page around them if any of them reached it as markup.
fn hostile_texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        "Veilig? </title><meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.1:9/\"><title>",
        "</script><script>alert(1)</script>",
        "</style><style>*{display:none}</style>",
        "</textarea><p>buiten het veld</p><textarea>",
        "\" autofocus onfocus=\"alert(1)\" data-x=\"",
        "' autofocus onfocus='alert(1)' data-x='",
        "<!-- de rest is commentaar",
        "]]><![CDATA[<x>",
        "{{ 7 * 7 }} ${7 * 7} <%= 7 * 7 %>",
        "</body></html><p>na het document</p>",
        "&amp; &lt;b&gt; &#60;i&#62; &",
        "<img src=x onerror=alert(1)>",
        "een\u{2028}regel\u{2029}verder",
        "\u{202E}tfel-snaar-sthcer",
        "👩🏽‍💻 🇧🇪 👨‍👩‍👧‍👦 ❤️",
    ]
    .map(String::from)
    .into();
    // 2,000 characters, markup among them: a content file takes it, the desk's form refuses it.
    texts.push("Lang <b>genoeg</b> & \"meer\" ".repeat(80)[..2000].to_string());
    texts
}

/// `text` as a TOML basic string: JSON's string escapes are all TOML escapes too.
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// A content folder with one article whose every text field, and its poll's, says `text`.
fn content_saying(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let t = toml_string(text);
    // A tag holds at most 40 characters; the start of a hostile text is hostile enough.
    let tag = toml_string(&text.chars().take(40).collect::<String>());
    let first = toml_string(&format!("{text} 1"));
    let second = toml_string(&format!("{text} 2"));
    let file = format!(
        "+++\nslug = \"{SLUG}\"\ntitle = {t}\nlead = {t}\ndescription = {t}\nauthor = {t}\nsource = {t}\npublished = \"2025-01-28T09:00:00+01:00\"\ntags = [{tag}]\n\n[image]\npath = \"/afbeeldingen/lezerspoll-staafjes.svg\"\nalt = {t}\ncredit = {t}\nwidth = 1200\nheight = 630\n\n[poll]\nid = \"{FILE_POLL}\"\nquestion = {t}\nshow_results = \"always\"\noptions = [\n  {{ key = \"een\", label = {first} }},\n  {{ key = \"twee\", label = {second} }},\n]\n+++\n\nDe tekst van het artikel.\n"
    );
    std::fs::write(dir.path().join("artikel.md"), file).unwrap();
    dir
}

/// The desk's new-poll form with `text` as question and in both answers.
fn poll_form(editor: &Editor, text: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &editor.csrf)
        .append_pair("vraag", text)
        .append_pair("antwoord1", &format!("{text} 1"))
        .append_pair("antwoord2", &format!("{text} 2"))
        .append_pair("opent", "")
        .append_pair("sluit", "")
        .append_pair("uitslag", "always")
        .append_pair("code", MADE_POLL)
        .finish()
}

async fn post_form(site: &TestSite, editor: &Editor, path: &str, body: String) -> Reply {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .header(header::COOKIE, &editor.cookie)
        .body(Body::from(body))
        .unwrap();
    site.send(request).await
}

/// One answer of the site as a reader's software reads it.
#[derive(Debug)]
enum Read {
    Html(Html),
    Json(serde_json::Value),
    Xml(String),
}

/// What the site answered for every page and answer that shows the texts, by name.
async fn everything_shown(text: &str) -> Vec<(String, Read)> {
    let content = content_saying(text);
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let editor = signed_in(&site).await;
    let made = post_form(&site, &editor, "/redactie/nieuw", poll_form(&editor, text)).await;
    let made_poll = made.status == StatusCode::SEE_OTHER;
    let mut shown = Vec::new();

    let voted = site
        .post_fetch(&format!("poll={FILE_POLL}&choice=een"), None)
        .await;
    assert_eq!(voted.status, StatusCode::OK, "{}", voted.body);
    let cookie = voted.voter_cookie().unwrap();
    shown.push(("the vote's answer".to_string(), json(&voted)));

    let mut pages = vec![
        ("/".to_string(), None),
        (format!("/artikel/{SLUG}"), None),
        (format!("/artikel/{SLUG}"), Some(cookie.as_str())),
        (format!("/artikel/{SLUG}?wijzigen"), Some(cookie.as_str())),
        (format!("/embed/{FILE_POLL}"), None),
        (format!("/embed/{FILE_POLL}"), Some(cookie.as_str())),
        ("/privacy".to_string(), None),
        ("/redactie".to_string(), Some(editor.cookie.as_str())),
        (
            "/redactie/logboek".to_string(),
            Some(editor.cookie.as_str()),
        ),
        (
            format!("/redactie/poll/{FILE_POLL}"),
            Some(editor.cookie.as_str()),
        ),
        (
            format!(
                "/redactie/poll/{FILE_POLL}/ongeldig?van=2026-03-02T08:00&tot=2026-03-02T09:00"
            ),
            Some(editor.cookie.as_str()),
        ),
    ];
    if made_poll {
        pages.extend([
            (format!("/embed/{MADE_POLL}"), None),
            (
                format!("/redactie/poll/{MADE_POLL}"),
                Some(editor.cookie.as_str()),
            ),
            (
                format!("/redactie/poll/{MADE_POLL}/bewerken"),
                Some(editor.cookie.as_str()),
            ),
        ]);
        // The search shows what was searched for, in its field and in its caption.
        let search = form_urlencoded::Serializer::new(String::new())
            .append_pair("zoeken", text)
            .finish();
        let reply = site
            .get(&format!("/redactie?{search}"), Some(&editor.cookie))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "the search: {}", reply.body);
        assert!(
            reply.body.contains("Polls 1 tot 2 van 2 voor"),
            "it finds the file's poll and the desk's"
        );
        shown.push(("/redactie?zoeken=… (editor)".to_string(), html(&reply)));
    } else {
        // The refused form, as the editor gets it back.
        assert_eq!(made.status, StatusCode::BAD_REQUEST, "{}", made.body);
        shown.push(("the refused new-poll form".to_string(), html(&made)));
    }
    for (path, cookie) in pages {
        let reply = site.get(&path, cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        shown.push((format!("{path} ({})", who(cookie)), html(&reply)));
    }

    for path in ["/feed.xml", "/sitemap.xml"] {
        let reply = site.get(path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        shown.push((path.to_string(), Read::Xml(reply.decoded())));
    }

    let mut answers = vec![
        "/api/polls".to_string(),
        format!("/api/polls/{FILE_POLL}"),
        oembed(&site, &format!("/artikel/{SLUG}")),
        oembed(&site, &format!("/embed/{FILE_POLL}")),
    ];
    if made_poll {
        answers.push(format!("/api/polls/{MADE_POLL}"));
        answers.push(oembed(&site, &format!("/embed/{MADE_POLL}")));
    }
    for path in answers {
        let reply = site
            .get_with(&path, &[(header::ACCEPT, "application/json")])
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        shown.push((path, json(&reply)));
    }
    shown.push((
        "the live standing".to_string(),
        Read::Json(first_live_event(&site, FILE_POLL).await),
    ));
    shown
}

fn who(cookie: Option<&str>) -> &'static str {
    match cookie {
        None => "anonymous",
        Some(cookie) if cookie.starts_with("stembus-redactie") => "editor",
        Some(_) => "voter",
    }
}

fn oembed(site: &TestSite, path: &str) -> String {
    let url = format!("{}{path}", site.state.settings.base_url);
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("url", &url)
        .finish();
    format!("/oembed?{query}")
}

fn html(reply: &Reply) -> Read {
    Read::Html(Html::parse_document(&reply.decoded()))
}

fn json(reply: &Reply) -> Read {
    Read::Json(serde_json::from_str(&reply.decoded()).expect("the answer is JSON"))
}

/// The first event of the poll's live stream, its data as JSON.
async fn first_live_event(site: &TestSite, poll_id: &str) -> serde_json::Value {
    let request = Request::get(format!("/api/polls/{poll_id}/live"))
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(site.router(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
        .await
        .expect("a first event within 5 s");
    let data = frame.unwrap().unwrap().into_data().unwrap();
    let event = String::from_utf8(data.to_vec()).unwrap();
    let line = event
        .lines()
        .find_map(|line| line.strip_prefix("data:"))
        .expect("a data line");
    serde_json::from_str(line.trim()).expect("the event's data is JSON")
}

/// The element tree of an HTML document: every element with its attributes' names (not their
/// values, which hold the texts), comments as `<!---->`; text left out. A text that reached the
/// page as markup adds, ends or drops an element or an attribute, or opens a comment.
fn shape_of_document(document: &Html) -> String {
    let mut shape = String::new();
    write_shape(document.tree.root(), &mut shape);
    shape
}

fn write_shape(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Element(element) => {
            out.push('<');
            out.push_str(element.name());
            let mut names: Vec<&str> = element.attrs().map(|(name, _)| name).collect();
            names.sort_unstable();
            for name in names {
                out.push(' ');
                out.push_str(name);
            }
            out.push('>');
            for child in node.children() {
                write_shape(child, out);
            }
            out.push_str("</");
            out.push_str(element.name());
            out.push('>');
        }
        Node::Comment(_) => out.push_str("<!---->"),
        // The desk's embed code is HTML shown as text, to copy: its own tree must hold too.
        Node::Text(text) if is_code_to_copy(node) => {
            write_shape(Html::parse_fragment(text).tree.root(), out)
        }
        _ => {
            for child in node.children() {
                write_shape(child, out);
            }
        }
    }
}

/// Whether `node` is the text of the desk's code to copy (the embed's `<textarea id="iframe-code">`
/// and the newsletter block's `<textarea id="nieuwsbrief-code">`, and their French twins), which
/// is HTML for the editor to copy and so holds the texts escaped once as markup.
fn is_code_to_copy(node: ego_tree::NodeRef<'_, Node>) -> bool {
    const CODE: [&str; 4] = [
        "iframe-code",
        "iframe-code-fr",
        "nieuwsbrief-code",
        "nieuwsbrief-code-fr",
    ];
    node.parent()
        .and_then(|parent| parent.value().as_element().and_then(|element| element.id()))
        .is_some_and(|id| CODE.contains(&id))
}

/// Every text node and attribute value of a document.
fn texts_of_document(document: &Html) -> Vec<String> {
    let mut texts = Vec::new();
    for node in document.tree.nodes() {
        match node.value() {
            Node::Text(text) if is_code_to_copy(node) => {
                texts.extend(texts_of_document(&Html::parse_fragment(text)))
            }
            Node::Text(text) => texts.push(text.to_string()),
            Node::Element(element) => {
                texts.extend(element.attrs().map(|(_, value)| value.to_string()))
            }
            _ => {}
        }
    }
    texts
}

/// The shape of a JSON answer: its keys and arrays, every string emptied except those holding
/// HTML (`html`, `…_html`), which become the shape of their fragment. Its strings, and the texts
/// of those fragments, go to `texts`.
fn shape_of_json(value: &serde_json::Value, key: &str, texts: &mut Vec<String>) -> String {
    use serde_json::Value;
    match value {
        Value::String(text) if key == "html" || key.ends_with("_html") => {
            let fragment = Html::parse_fragment(text);
            texts.extend(texts_of_document(&fragment));
            shape_of_document(&fragment)
        }
        Value::String(text) => {
            texts.push(text.clone());
            "\"\"".to_string()
        }
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|item| shape_of_json(item, key, texts))
                .collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(name, field)| format!("{name}:{}", shape_of_json(field, name, texts)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        other => other.to_string(),
    }
}

/// The shape of an XML document (elements and attribute names) and its texts and values.
fn shape_of_xml(xml: &str, name: &str, texts: &mut Vec<String>) -> String {
    let document = roxmltree::Document::parse(xml)
        .unwrap_or_else(|error| panic!("{name} is no longer XML: {error}"));
    let mut shape = String::new();
    for node in document.root().descendants() {
        if node.is_element() {
            shape.push('<');
            shape.push_str(node.tag_name().name());
            for attribute in node.attributes() {
                shape.push(' ');
                shape.push_str(attribute.name());
                texts.push(attribute.value().to_string());
            }
            shape.push('>');
        } else if let Some(text) = node.text() {
            texts.push(text.to_string());
        }
    }
    shape
}

/// Each answer's shape and texts, by name.
fn read_all(shown: &[(String, Read)]) -> Vec<(String, String, Vec<String>)> {
    shown
        .iter()
        .map(|(name, read)| {
            let mut texts = Vec::new();
            let shape = match read {
                Read::Html(document) => {
                    texts = texts_of_document(document);
                    shape_of_document(document)
                }
                Read::Json(value) => shape_of_json(value, "", &mut texts),
                Read::Xml(xml) => shape_of_xml(xml, name, &mut texts),
            };
            (name.clone(), shape, texts)
        })
        .collect()
}

/// Where two shapes first part, with some context, for the failure message.
fn first_difference(expected: &str, got: &str) -> String {
    let at = expected
        .char_indices()
        .zip(got.chars())
        .find(|((_, a), b)| a != b)
        .map(|((at, _), _)| at)
        .unwrap_or(expected.len().min(got.len()));
    let from = at.saturating_sub(120);
    let window = |text: &str| {
        let start = text.floor_char_boundary(from);
        let end = text.ceil_char_boundary((at + 200).min(text.len()));
        text[start..end].to_string()
    };
    format!(
        "\n harmless: …{}…\n hostile:  …{}…",
        window(expected),
        window(got)
    )
}

/// `text` with the characters HTML escapes written as references, as a page that escaped it
/// twice would show it.
fn escaped_twice(text: &str) -> String {
    stembus_site::escape_markup(text)
}

/// Every page and answer that shows `text` has the element tree (or JSON and XML structure) a
/// harmless text of the same length gives, shows the text whole where that one shows, and never
/// escaped twice.
async fn reaches_every_page_and_answer_as_text(text: &str) {
    let baseline = harmless_for(text);
    let harmless = read_all(&everything_shown(&baseline).await);
    let hostile = read_all(&everything_shown(text).await);
    assert_eq!(
        hostile.iter().map(|(name, ..)| name).collect::<Vec<_>>(),
        harmless.iter().map(|(name, ..)| name).collect::<Vec<_>>(),
        "the same pages and answers for {text:?}"
    );
    for ((name, expected, harmless_texts), (_, shape, texts)) in harmless.iter().zip(&hostile) {
        assert!(
            shape == expected,
            "{name}: the text {text:?} changed the element tree:{}",
            first_difference(expected, shape)
        );
        // Where the harmless text shows, the hostile one shows whole, and never escaped
        // twice (a reader would see `&lt;`).
        if harmless_texts.iter().any(|shown| shown.contains(&baseline)) {
            assert!(
                texts.iter().any(|shown| shown.contains(text)),
                "{name}: the text {text:?} is not shown intact"
            );
        }
        let twice = escaped_twice(text);
        if twice != text {
            let twice_shown = texts.iter().find(|shown| shown.contains(&twice));
            assert!(
                twice_shown.is_none(),
                "{name}: the text {text:?} is shown escaped twice: {twice_shown:?}"
            );
        }
    }
}

/// A test per hostile text (`hostile_texts()[index]`): each renders every page twice, and apart
/// they run side by side and a failure names its text.
macro_rules! each_reaches_every_page_as_text {
    ($($test:ident: $index:literal,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                reaches_every_page_and_answer_as_text(&hostile_texts()[$index]).await;
            }
        )*

        #[test]
        fn every_hostile_text_has_a_test_of_its_own() {
            assert_eq!(hostile_texts().len(), [$($index),*].len());
        }
    };
}

each_reaches_every_page_as_text! {
    a_title_closer_with_a_meta_refresh_reaches_every_page_as_text: 0,
    a_script_closer_reaches_every_page_as_text: 1,
    a_style_closer_reaches_every_page_as_text: 2,
    a_textarea_closer_reaches_every_page_as_text: 3,
    a_double_quote_break_out_reaches_every_page_as_text: 4,
    a_single_quote_break_out_reaches_every_page_as_text: 5,
    a_comment_opener_reaches_every_page_as_text: 6,
    a_cdata_closer_reaches_every_page_as_text: 7,
    template_braces_reach_every_page_as_text: 8,
    a_body_closer_reaches_every_page_as_text: 9,
    character_references_reach_every_page_as_text: 10,
    an_image_with_a_handler_reaches_every_page_as_text: 11,
    line_and_paragraph_separators_reach_every_page_as_text: 12,
    a_right_to_left_override_reaches_every_page_as_text: 13,
    emoji_sequences_reach_every_page_as_text: 14,
    two_thousand_characters_reach_every_page_as_text: 15,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_title_element_and_the_head_tags_hold_a_hostile_question_as_text() {
    // The meta refresh of the report, and character references, which a title escaped too little
    // shows decoded and one escaped twice shows as `&amp;`.
    for index in [0, 10] {
        title_and_head_tags_hold(&hostile_texts()[index]).await;
    }
}

/// The `<title>` and the head's tags of the article, the embed and the desk's poll page hold
/// `text` exactly, and no `<meta http-equiv>` came with it.
async fn title_and_head_tags_hold(text: &str) {
    let shown = everything_shown(text).await;
    let document = |wanted: &str| {
        shown
            .iter()
            .find_map(|(name, read)| match read {
                Read::Html(document) if name == wanted => Some(document),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no page {wanted}"))
    };
    let select = |document: &Html, selector: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        document
            .select(&selector)
            .map(|element| {
                element
                    .value()
                    .attr("content")
                    .map(String::from)
                    .unwrap_or_else(|| element.text().collect())
            })
            .collect()
    };

    let embed = document(&format!("/embed/{MADE_POLL} (anonymous)"));
    assert_eq!(
        select(embed, "head > title"),
        [format!("Lezerspoll: {text} | Stembus")]
    );
    assert!(
        select(embed, "meta[http-equiv]").is_empty(),
        "no meta refresh in the embed"
    );
    let desk = document(&format!("/redactie/poll/{MADE_POLL} (editor)"));
    assert_eq!(
        select(desk, "head > title"),
        [format!("{text} | Redactie Stembus")]
    );
    assert!(select(desk, "meta[http-equiv]").is_empty());

    let article = document(&format!("/artikel/{SLUG} (anonymous)"));
    assert_eq!(
        select(article, "head > title"),
        [format!("{text} | Stembus")]
    );
    assert_eq!(
        select(article, "meta[property='og:title']"),
        [text.to_string()]
    );
    assert_eq!(
        select(article, "meta[name='twitter:title']"),
        [text.to_string()]
    );
    assert_eq!(
        select(article, "meta[name='description']"),
        [text.to_string()]
    );
    // The standing's picture first (its words start with the question), then the lead image.
    let image_alts = select(article, "meta[property='og:image:alt']");
    assert_eq!(image_alts.len(), 2, "{image_alts:?}");
    assert!(
        image_alts[0].starts_with(&format!("{text} “")),
        "{image_alts:?}"
    );
    assert_eq!(image_alts[1], text);
    let structured = select(article, "script[type='application/ld+json']");
    let data: serde_json::Value = serde_json::from_str(&structured[0]).unwrap();
    assert_eq!(data["headline"], text);
    assert_eq!(data["author"][0]["name"], text);
}

#[tokio::test]
async fn a_nul_in_a_content_file_stops_the_load_naming_the_field() {
    let content = content_saying("nul\u{0}teken");
    let error = match stembus_content::ContentFolder::load(
        content.path(),
        stembus_content::BadContent::Stop,
    ) {
        Ok(_) => panic!("a NUL in the title must not load"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains("artikel.md") && error.contains("`title`") && error.contains("U+0000"),
        "{error}"
    );
}

#[tokio::test]
async fn a_nul_in_the_desk_form_is_refused_in_dutch_and_makes_no_poll() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let reply = post_form(
        &site,
        &editor,
        "/redactie/nieuw",
        poll_form(&editor, "Een vraag met een nul\u{0}teken?"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply
            .body
            .contains("Vraag: de tekst bevat een onzichtbaar stuurteken"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("Antwoord 1: de tekst bevat"));
    assert!(site.state.store.made_polls().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_answer_that_looks_like_a_formula_is_exported_as_text() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let made = post_form(
        &site,
        &editor,
        "/redactie/nieuw",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf", &editor.csrf)
            .append_pair("vraag", "Veilig?")
            .append_pair("antwoord1", "=HYPERLINK(\"http://127.0.0.1:9/\";\"klik\")")
            .append_pair("antwoord2", "-1")
            .append_pair("uitslag", "always")
            .append_pair("code", MADE_POLL)
            .finish(),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let choice = site
        .state
        .store
        .made_polls()
        .await
        .unwrap()
        .remove(0)
        .definition
        .options[0]
        .key
        .clone();
    let voted = site
        .post_fetch(&format!("poll={MADE_POLL}&choice={choice}"), None)
        .await;
    assert_eq!(voted.status, StatusCode::OK, "{}", voted.body);

    let totals = editor
        .get(
            &site,
            &format!("/redactie/poll/{MADE_POLL}/export/totalen.csv"),
        )
        .await;
    assert_eq!(totals.status, StatusCode::OK);
    let lines: Vec<&str> = totals.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[1],
        "\"'=HYPERLINK(\"\"http://127.0.0.1:9/\"\";\"\"klik\"\")\";1;100"
    );
    assert_eq!(lines[2], "'-1;0;0");
    let hourly = editor
        .get(
            &site,
            &format!("/redactie/poll/{MADE_POLL}/export/per-uur.csv"),
        )
        .await;
    assert_eq!(hourly.status, StatusCode::OK);
    let header = hourly
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        header,
        "uur (Brussel);\"'=HYPERLINK(\"\"http://127.0.0.1:9/\"\";\"\"klik\"\")\";'-1;keer gezien"
    );
}
