//! The desk's poll list with years of polls, through the router: newest first, 50 a page with the
//! pages beside it, a search over question and code, a filter by state, all in plain links and a
//! plain form, and bad queries refused in Dutch.

use crate::common::*;
use crate::desk::{Editor, signed_in};
use axum::http::StatusCode;
use scraper::{Html, Selector};
use stembus_poll::ResultsVisibility;
use stembus_store::desk::{AuditAction, AuditEntry};

/// `count` polls made one minute apart, `poll-001` the oldest, and the site reading them; the
/// editor signed in.
async fn archive_of(count: usize) -> (TestSite, Editor) {
    let site = TestSite::new();
    for n in 1..=count {
        let poll = desk_poll(
            &format!("poll-{n:03}"),
            &format!("Vraag nummer {n}?"),
            &[("ja", "Ja"), ("nee", "Nee")],
            ResultsVisibility::AfterVote,
        );
        make_in_desk(&site, &poll, TEST_NOW - 100_000 + 60 * n as i64).await;
    }
    site.state.refresh_content().await.unwrap();
    let editor = signed_in(&site).await;
    (site, editor)
}

/// The codes of the polls a list page shows, in its order.
fn codes(body: &str) -> Vec<String> {
    let page = Html::parse_document(body);
    let selector = Selector::parse("table.desk-table tbody th code").unwrap();
    page.select(&selector)
        .map(|code| code.text().collect())
        .collect()
}

fn link(body: &str, rel: &str) -> Option<String> {
    let page = Html::parse_document(body);
    let selector = Selector::parse(&format!("nav.desk-pages a[rel={rel}]")).unwrap();
    page.select(&selector)
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
}

#[tokio::test]
async fn the_list_shows_fifty_polls_a_page_newest_first_with_links_to_the_pages_beside() {
    let (site, editor) = archive_of(120).await;
    let first = editor.get(&site, "/redactie").await;
    assert_eq!(first.status, StatusCode::OK);
    let shown = codes(&first.body);
    assert_eq!(shown.len(), 50);
    assert_eq!(shown[0], "poll-120", "newest first");
    assert_eq!(shown[49], "poll-071");
    // 120 made polls and the two of the shipped content files.
    assert!(
        first
            .body
            .contains("Polls 1 tot 50 van 122, nieuwste eerst")
    );
    assert!(first.body.contains("Pagina 1 van 3"));
    assert_eq!(link(&first.body, "prev"), None);
    assert_eq!(
        link(&first.body, "next").as_deref(),
        Some("/redactie?pagina=2")
    );

    let third = editor.get(&site, "/redactie?pagina=3").await;
    let shown = codes(&third.body);
    assert_eq!(shown.len(), 22);
    assert_eq!(shown[19], "poll-001");
    assert!(
        shown[20..].contains(&"deepseek-schade-nvidia".to_string()),
        "the content files' polls, older, come last: {shown:?}"
    );
    assert_eq!(link(&third.body, "next"), None);
    assert_eq!(
        link(&third.body, "prev").as_deref(),
        Some("/redactie?pagina=2")
    );
    assert!(
        first.body.len() < 100_000,
        "a page stays small whatever the archive: {} bytes",
        first.body.len()
    );
}

#[tokio::test]
async fn the_search_finds_polls_by_question_or_code_and_the_filter_by_state() {
    let (site, editor) = archive_of(60).await;
    let found = editor.get(&site, "/redactie?zoeken=nummer+5").await;
    assert_eq!(
        codes(&found.body),
        [
            "poll-059", "poll-058", "poll-057", "poll-056", "poll-055", "poll-054", "poll-053",
            "poll-052", "poll-051", "poll-050", "poll-005"
        ]
    );
    assert!(found.body.contains("voor “nummer 5”"));
    assert!(
        found.body.contains("value=\"nummer 5\""),
        "the field keeps the search"
    );
    let by_code = editor.get(&site, "/redactie?zoeken=POLL-042").await;
    assert_eq!(
        codes(&by_code.body),
        ["poll-042"],
        "by code, whatever the case"
    );

    // Archive two; the filter shows them, and only them; the others' filter leaves them out.
    for id in ["poll-010", "poll-020"] {
        let entry = AuditEntry {
            at: TEST_NOW,
            editor: "an".to_string(),
            action: AuditAction::Archived,
            poll_id: Some(id.to_string()),
            detail: String::new(),
        };
        assert!(
            site.state
                .store
                .set_archived(id, true, &entry)
                .await
                .unwrap()
        );
    }
    site.state.refresh_content().await.unwrap();
    let archived = editor.get(&site, "/redactie?toestand=gearchiveerd").await;
    assert_eq!(codes(&archived.body), ["poll-020", "poll-010"]);
    assert!(
        archived
            .body
            .contains("<option value=\"gearchiveerd\" selected")
    );
    let open = editor.get(&site, "/redactie?toestand=open&pagina=2").await;
    assert_eq!(open.status, StatusCode::OK);
    let all_open: Vec<String> = [
        codes(&editor.get(&site, "/redactie?toestand=open").await.body),
        codes(&open.body),
    ]
    .concat();
    assert_eq!(
        all_open.len(),
        60,
        "58 made polls and the content files' 2 are open"
    );
    assert!(!all_open.contains(&"poll-010".to_string()));
    assert_eq!(
        link(&open.body, "prev").as_deref(),
        Some("/redactie?toestand=open"),
        "the links keep the filter"
    );
    let nothing = editor
        .get(&site, "/redactie?zoeken=bestaat+niet&toestand=gesloten")
        .await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(
        nothing
            .body
            .contains("Geen polls voor “bestaat niet” met toestand “gesloten”.")
    );
    assert!(nothing.body.contains(">Toon alle polls</a>"));

    // The form's fields, labelled, for use without JavaScript.
    for label in [
        "<label for=\"zoeken\">Zoeken</label>",
        "<label for=\"toestand\">Toestand</label>",
    ] {
        assert!(nothing.body.contains(label), "{label}");
    }
}

#[tokio::test]
async fn a_page_the_list_cannot_read_is_refused_in_dutch() {
    let (site, editor) = archive_of(3).await;
    for bad in [
        "/redactie?pagina=0",
        "/redactie?pagina=twee",
        "/redactie?toestand=weg",
    ] {
        let reply = editor.get(&site, bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            reply.body.contains("Kijk het na en probeer opnieuw."),
            "{bad}"
        );
    }
    let beyond = editor.get(&site, "/redactie?pagina=2").await;
    assert_eq!(beyond.status, StatusCode::NOT_FOUND);
    assert!(beyond.body.contains("Deze pagina bestaat niet (meer)."));
    let anonymous = site.get("/redactie?pagina=2", None).await;
    assert_eq!(
        anonymous.status,
        StatusCode::SEE_OTHER,
        "signing in comes first"
    );
}

#[tokio::test]
async fn a_french_article_naming_a_desk_poll_without_french_is_listed_with_the_content_problems() {
    let content = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(shipped_content()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, content.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        content.path().join("fietspaden-fr.md"),
        "+++\nslug = \"pistes-cyclables\"\nlang = \"fr-BE\"\ntitle = \"Des pistes cyclables\"\nlead = \"La ville.\"\nauthor = \"La rédaction\"\nsource = \"Stembus\"\npublished = \"2026-03\"\npoll = \"fietspaden\"\n+++\n\nTexte.\n",
    )
    .unwrap();
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let editor = signed_in(&site).await;
    let dutch_only = desk_poll(
        "fietspaden",
        "Meer fietspaden?",
        &[("ja", "Ja"), ("nee", "Nee")],
        ResultsVisibility::AfterVote,
    );
    make_in_desk(&site, &dutch_only, TEST_NOW).await;
    site.state.refresh_content().await.unwrap();

    let article = site.get("/fr/article/pistes-cyclables", None).await;
    assert_eq!(article.status, StatusCode::OK);
    assert!(
        !article.decoded().contains("Meer fietspaden?"),
        "no poll on the French article"
    );
    let list = editor.get(&site, "/redactie").await.decoded();
    assert!(list.contains("Inhoudsbestanden met fouten"), "{list}");
    assert!(
        list.contains("fietspaden-fr.md")
            && list.contains(
                "field `poll`: the poll `fietspaden` has no fr-BE texts, so this fr-BE article shows no poll"
            ),
        "{list}"
    );
}

#[tokio::test]
async fn each_row_counts_the_votes_of_the_last_hour_only() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    for (n, cast_at) in [TEST_NOW - 7_200, TEST_NOW - 1_800, TEST_NOW - 60]
        .into_iter()
        .enumerate()
    {
        let vote = stembus_store::NewVote {
            poll_id: POLL.into(),
            choices: vec!["ja".into()],
            voter: format!("{n:032x}"),
            cast_at,
        };
        site.state.store.record_vote(vote).await.unwrap();
    }
    let page = editor.get(&site, "/redactie").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = Html::parse_document(&page.body);
    let rows = Selector::parse("tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    let row = html
        .select(&rows)
        .find(|row| {
            row.inner_html()
                .contains(&format!("/redactie/poll/{POLL}\""))
        })
        .expect("the poll's row");
    let figures: Vec<String> = row
        .select(&cells)
        .map(|cell| cell.text().collect::<String>())
        .collect();
    assert_eq!(figures.last().map(String::as_str), Some("2"), "{figures:?}");
    assert!(
        figures.contains(&"3".to_string()),
        "three voters in all: {figures:?}"
    );
}
