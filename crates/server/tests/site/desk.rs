//! The editors' desk through the router: sign-in and its refusals, sessions, every poll action
//! and what readers then see, voiding with its preview, the exports, the audit log, content
//! reloaded without a restart, and (on PostgreSQL) a change reaching a second node.

use crate::common::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, Request, StatusCode, header};
use std::net::SocketAddr;
use stembus_content::current;
use stembus_desk::accounts;
use stembus_store::NewVote;
use stembus_store::desk::{AuditAction, AuditEntry};

const EDITOR: &str = "an";
const PASSWORD: &str = "een lang wachtwoord";

/// The value of the hidden field `name` in a page.
pub(crate) fn hidden(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_string())
}

/// The `name=value` of the cookie `name` that `reply` sets.
fn cookie_set(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .map(|value| value.to_string())
}

fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

/// A signed-in editor: their session cookie and form token.
pub(crate) struct Editor {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

/// Adds the editor `name` as `stembus editor add` does, with its audit line (`EditorAdded`).
async fn add_editor(site: &TestSite, name: &str, password: &str) {
    let hash = accounts::hash_password(password).unwrap();
    let audit = command_line(AuditAction::EditorAdded, name);
    assert!(
        site.state
            .store
            .add_editor(name, &hash, TEST_NOW, &audit)
            .await
            .unwrap()
    );
}

/// An audit line of the command line about the editor `name`.
fn command_line(action: AuditAction, name: &str) -> AuditEntry {
    AuditEntry {
        at: TEST_NOW,
        editor: "(opdrachtregel)".into(),
        action,
        poll_id: None,
        detail: format!("redacteur {name}"),
    }
}

/// Fetches the sign-in form and posts `name` and `password` with its token.
async fn sign_in(site: &TestSite, name: &str, password: &str) -> Reply {
    sign_in_from(site, None, name, password).await
}

/// `sign_in`, posted over a connection from `peer` (as `ops::serve` records it) when given.
async fn sign_in_from(
    site: &TestSite,
    peer: Option<SocketAddr>,
    name: &str,
    password: &str,
) -> Reply {
    let form = site.get("/redactie/aanmelden", None).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = hidden(&form.body, "formulier").unwrap();
    let cookie = pair(&cookie_set(&form, "stembus-aanmelden").unwrap());
    let body = format!(
        "formulier={token}&naam={}&wachtwoord={}",
        name,
        password.replace(' ', "+")
    );
    let mut request = Request::post("/redactie/aanmelden")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    if let Some(peer) = peer {
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    site.send(request).await
}

pub(crate) async fn post(
    site: &TestSite,
    path: &str,
    body: &str,
    cookie: Option<&str>,
    headers: &[(HeaderName, &str)],
) -> Reply {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, BROWSER_ACCEPT);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    site.send(request.body(Body::from(body.to_string())).unwrap())
        .await
}

/// Adds the editor and signs them in.
pub(crate) async fn signed_in(site: &TestSite) -> Editor {
    signed_in_as(site, EDITOR).await
}

/// Adds the editor `name` and signs them in: a second editor beside `signed_in`'s.
pub(crate) async fn signed_in_as(site: &TestSite, name: &str) -> Editor {
    add_editor(site, name, PASSWORD).await;
    let reply = sign_in(site, name, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some("/redactie"));
    let cookie = pair(&cookie_set(&reply, "stembus-redactie").unwrap());
    let home = site.get("/redactie", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    Editor {
        csrf: hidden(&home.body, "csrf").unwrap(),
        cookie,
    }
}

impl Editor {
    /// Posts a desk form with this editor's cookie and token.
    pub(crate) async fn post(&self, site: &TestSite, path: &str, fields: &str) -> Reply {
        let body = if fields.is_empty() {
            format!("csrf={}", self.csrf)
        } else {
            format!("csrf={}&{fields}", self.csrf)
        };
        post(site, path, &body, Some(&self.cookie), &[]).await
    }

    pub(crate) async fn get(&self, site: &TestSite, path: &str) -> Reply {
        site.get(path, Some(&self.cookie)).await
    }
}

/// `editor` voids the ballots of the minute `minute` (`2026-03-02T08:30`) of the shipped poll, as
/// the desk's preview counted `count` of them.
pub(crate) async fn void_the_minute(site: &TestSite, editor: &Editor, minute: &str, count: u64) {
    let reply = editor
        .post(
            site,
            &format!("{}/ongeldig", desk_poll()),
            &format!("van={minute}&tot={minute}&aantal={count}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

fn desk_poll() -> String {
    format!("/redactie/poll/{POLL}")
}

pub(crate) async fn actions(site: &TestSite) -> Vec<AuditAction> {
    let log = site.state.store.audit_log(None, 100).await.unwrap();
    log.iter().map(|entry| entry.action).collect()
}

/// Whether the anonymous article page offers the vote form.
async fn article_has_form(site: &TestSite) -> bool {
    let page = site.get(ARTICLE, None).await;
    assert_eq!(page.status, StatusCode::OK);
    page.decoded().contains(&format!("action=\"{VOTE_PATH}\""))
}

#[tokio::test]
async fn without_a_session_pages_send_to_the_sign_in_form_and_actions_are_refused() {
    let site = TestSite::new();
    for path in [
        "/redactie".to_string(),
        "/redactie/logboek".to_string(),
        desk_poll(),
        format!("{}/export/totalen.csv", desk_poll()),
    ] {
        let reply = site.get(&path, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(reply.location(), Some("/redactie/aanmelden"), "{path}");
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
    }
    let reply = post(
        &site,
        &format!("{}/sluiten", desk_poll()),
        "csrf=x",
        None,
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply.body.contains("niet (meer) aangemeld"),
        "{}",
        reply.body
    );
    assert!(article_has_form(&site).await, "the poll is still open");
}

#[tokio::test]
async fn the_sign_in_form_is_labelled_in_dutch_and_never_stored() {
    let site = TestSite::new();
    let reply = site.get("/redactie/aanmelden", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(
        reply.body.contains(r#"<label for="naam">Naam</label>"#),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains(r#"<label for="wachtwoord">Wachtwoord</label>"#)
    );
    assert!(reply.body.contains(r#"type="password""#));
    let cookie = cookie_set(&reply, "stembus-aanmelden").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn signing_in_sets_a_strict_session_cookie_and_shows_every_poll() {
    let site = TestSite::new();
    add_editor(&site, EDITOR, PASSWORD).await;
    let reply = sign_in(&site, EDITOR, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let cookie = cookie_set(&reply, "stembus-redactie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http on a developer's machine"
    );
    let home = site.get("/redactie", Some(&pair(&cookie))).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.header("cache-control"), Some("no-store"));
    for text in [
        "Brengt DeepSeek blijvende schade toe aan Nvidia?",
        "Vindt u een lezerspoll onder een nieuwsartikel nuttig?",
        &format!("href=\"{ARTICLE}\""),
        &format!("href=\"{}\"", desk_poll()),
        "<td>open</td>",
        "Aangemeld als an",
    ] {
        assert!(home.body.contains(text), "{text} in {}", home.body);
    }
    assert_eq!(
        actions(&site).await,
        vec![AuditAction::SignIn, AuditAction::EditorAdded]
    );
}

#[tokio::test]
async fn on_https_the_session_cookie_is_host_prefixed_and_secure() {
    let site = TestSite::new().with_settings(|s| s.base_url = "https://stembus.example".into());
    add_editor(&site, EDITOR, PASSWORD).await;
    let form = site.get("/redactie/aanmelden", None).await;
    let form_cookie = cookie_set(&form, "__Host-stembus-aanmelden").unwrap();
    let body = format!(
        "formulier={}&naam={EDITOR}&wachtwoord={}",
        hidden(&form.body, "formulier").unwrap(),
        PASSWORD.replace(' ', "+")
    );
    let reply = post(
        &site,
        "/redactie/aanmelden",
        &body,
        Some(&pair(&form_cookie)),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let cookie = cookie_set(&reply, "__Host-stembus-redactie").unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_get_the_same_answer() {
    let site = TestSite::new();
    add_editor(&site, EDITOR, PASSWORD).await;
    let wrong = sign_in(&site, EDITOR, "niet het wachtwoord").await;
    let unknown = sign_in(&site, "bert", PASSWORD).await;
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(
            reply
                .body
                .contains("Die naam en dat wachtwoord horen niet bij elkaar.")
        );
        assert!(cookie_set(reply, "stembus-redactie").is_none());
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
    let mut log = site.state.store.audit_log(None, 10).await.unwrap();
    assert_eq!(
        log.pop().map(|entry| entry.action),
        Some(AuditAction::EditorAdded),
        "the oldest line: the editor was added"
    );
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|entry| entry.action == AuditAction::FailedSignIn)
    );
    assert!(log.iter().any(|entry| entry.editor == "bert"));
    for password in [PASSWORD, "niet het wachtwoord"] {
        assert!(
            log.iter()
                .all(|entry| !entry.detail.contains(password) && !entry.editor.contains(password)),
            "no password in the log: {log:?}"
        );
    }
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_name_even_for_the_right_password() {
    let site = TestSite::new().kept_router();
    add_editor(&site, EDITOR, PASSWORD).await;
    for _ in 0..5 {
        let reply = sign_in(&site, EDITOR, "fout fout fout").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = sign_in(&site, EDITOR, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("Te veel mislukte aanmeldingen"));
    let wait: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait));
    assert!(cookie_set(&reply, "stembus-redactie").is_none());
}

#[tokio::test]
async fn sign_ins_sent_at_once_are_limited_as_if_sent_one_by_one() {
    let site = TestSite::new().kept_router();
    add_editor(&site, EDITOR, PASSWORD).await;
    let wrong = || sign_in(&site, EDITOR, "fout fout fout");
    // Eight at once: each waits for its password check (argon2, off the runtime) while the others
    // are let in, so a limit that counted only finished failures would let all eight try.
    let replies = tokio::join!(
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong(),
        wrong()
    );
    let replies = [
        replies.0, replies.1, replies.2, replies.3, replies.4, replies.5, replies.6, replies.7,
    ];
    let statuses: Vec<StatusCode> = replies.iter().map(|reply| reply.status).collect();
    let tried = statuses
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|status| **status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((tried, refused), (5, 3), "{statuses:?}");
    let reply = sign_in(&site, EDITOR, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_address_across_names() {
    let site = TestSite::new().kept_router();
    add_editor(&site, EDITOR, PASSWORD).await;
    for n in 0..20 {
        let reply = sign_in(&site, &format!("naam{n}"), PASSWORD).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = sign_in(&site, EDITOR, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failed_sign_ins_from_one_address_do_not_stop_an_editor_at_another() {
    let site = TestSite::new().kept_router();
    add_editor(&site, EDITOR, PASSWORD).await;
    let busy: SocketAddr = "192.0.2.7:50000".parse().unwrap();
    let other: SocketAddr = "198.51.100.9:50000".parse().unwrap();
    for n in 0..20 {
        let reply = sign_in_from(&site, Some(busy), &format!("naam{n}"), PASSWORD).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = sign_in_from(&site, Some(busy), EDITOR, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let reply = sign_in_from(&site, Some(other), EDITOR, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some("/redactie"));
}

#[tokio::test]
async fn a_signed_in_editor_asking_for_the_sign_in_form_goes_to_the_desk() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let reply = editor.get(&site, "/redactie/aanmelden").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/redactie"));
    assert!(cookie_set(&reply, "stembus-aanmelden").is_none());
}

#[tokio::test]
async fn a_sign_in_without_the_forms_own_token_is_refused() {
    let site = TestSite::new();
    add_editor(&site, EDITOR, PASSWORD).await;
    let body = format!(
        "formulier={}&naam={EDITOR}&wachtwoord=een+lang+wachtwoord",
        "a".repeat(64)
    );
    let reply = post(&site, "/redactie/aanmelden", &body, None, &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(cookie_set(&reply, "stembus-redactie").is_none());
    let cross = post(
        &site,
        "/redactie/aanmelden",
        &body,
        None,
        &[(header::ORIGIN, "https://elders.example")],
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(cross.body.contains("kwam niet van de redactiepagina"));
}

#[tokio::test]
async fn a_cross_site_post_changes_nothing() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let body = format!("csrf={}", editor.csrf);
    for headers in [
        vec![(header::ORIGIN, "https://elders.example")],
        vec![(HeaderName::from_static("sec-fetch-site"), "cross-site")],
    ] {
        let reply = post(
            &site,
            &format!("{}/sluiten", desk_poll()),
            &body,
            Some(&editor.cookie),
            &headers,
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
    assert!(article_has_form(&site).await);
    assert!(site.state.store.overrides().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_wrong_or_missing_form_token_changes_nothing() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    for body in [
        "csrf=verkeerd".to_string(),
        String::new(),
        format!("csrf={}&csrf={}", editor.csrf, editor.csrf),
    ] {
        let reply = post(
            &site,
            &format!("{}/sluiten", desk_poll()),
            &body,
            Some(&editor.cookie),
            &[],
        )
        .await;
        assert!(
            matches!(
                reply.status,
                StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST
            ),
            "{body}: {}",
            reply.status
        );
    }
    assert!(article_has_form(&site).await);
    assert!(site.state.store.overrides().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_desk_form_over_16_kib_is_refused_and_changes_nothing() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let padding = format!("opvulling={}", "x".repeat(17 * 1024));
    let reply = editor
        .post(&site, &format!("{}/sluiten", desk_poll()), &padding)
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(reply.body.contains("Dat lukte niet"), "{}", reply.body);
    assert!(article_has_form(&site).await);
    assert!(site.state.store.overrides().await.unwrap().is_empty());
}

#[tokio::test]
async fn without_a_session_a_form_is_refused_as_not_signed_in_before_its_body_is_read() {
    let site = TestSite::new();
    let body = format!("csrf=x&opvulling={}", "x".repeat(17 * 1024));
    let reply = post(&site, &format!("{}/sluiten", desk_poll()), &body, None, &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply.body.contains("niet (meer) aangemeld"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn a_session_ends_after_an_idle_hour_and_after_a_working_day() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    site.clock.set(TEST_NOW + 59 * 60);
    assert_eq!(editor.get(&site, "/redactie").await.status, StatusCode::OK);
    site.clock.set(TEST_NOW + 59 * 60 + 61 * 60);
    let reply = editor.get(&site, "/redactie").await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "idle for more than an hour"
    );
    let reply = editor
        .post(&site, &format!("{}/sluiten", desk_poll()), "")
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    // Busy all day: the session still ends eight hours after sign-in.
    site.clock.set(TEST_NOW);
    let busy = {
        let reply = sign_in(&site, EDITOR, PASSWORD).await;
        pair(&cookie_set(&reply, "stembus-redactie").unwrap())
    };
    let mut now = TEST_NOW;
    while now < TEST_NOW + 8 * 3600 - 30 * 60 {
        now += 30 * 60;
        site.clock.set(now);
        assert_eq!(
            site.get("/redactie", Some(&busy)).await.status,
            StatusCode::OK
        );
    }
    site.clock.set(TEST_NOW + 8 * 3600 + 60);
    assert_eq!(
        site.get("/redactie", Some(&busy)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn removing_an_editor_ends_their_session_at_once() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let audit = command_line(AuditAction::EditorRemoved, EDITOR);
    assert!(
        site.state
            .store
            .remove_editor(EDITOR, &audit)
            .await
            .unwrap()
    );
    assert_eq!(
        editor.get(&site, "/redactie").await.status,
        StatusCode::SEE_OTHER
    );
    let reply = editor
        .post(&site, &format!("{}/sluiten", desk_poll()), "")
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(article_has_form(&site).await);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let reply = editor.post(&site, "/redactie/afmelden", "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/redactie/aanmelden"));
    assert!(
        cookie_set(&reply, "stembus-redactie")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        editor.get(&site, "/redactie").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        actions(&site).await,
        vec![
            AuditAction::SignOut,
            AuditAction::SignIn,
            AuditAction::EditorAdded
        ]
    );
}

#[tokio::test]
async fn closing_a_poll_shows_on_the_article_at_once_and_reopening_brings_the_form_back() {
    let site = TestSite::new().kept_router();
    let editor = signed_in(&site).await;
    assert!(article_has_form(&site).await, "kept in the page cache now");
    let reply = editor
        .post(&site, &format!("{}/sluiten", desk_poll()), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some(desk_poll().as_str()));

    let page = site.get(ARTICLE, None).await.decoded();
    assert!(
        !page.contains(&format!("action=\"{VOTE_PATH}\"")),
        "no form for a closed poll"
    );
    assert!(page.contains("De poll liep van"), "{page}");
    let vote = site.post_form(&vote_body("ja"), None).await;
    assert_eq!(
        vote.status,
        StatusCode::FORBIDDEN,
        "the writer refuses it too"
    );
    assert_eq!(site.voters_in(POLL).await, 0);
    let desk = editor.get(&site, &desk_poll()).await;
    assert!(desk.body.contains("<strong>gesloten</strong>"));
    assert!(
        desk.body.contains("gewijzigd op de redactie door an"),
        "{}",
        desk.body
    );

    let reply = editor
        .post(&site, &format!("{}/heropenen", desk_poll()), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(article_has_form(&site).await);
    site.vote("ja").await;
    assert_eq!(site.voters_in(POLL).await, 1);
    let log = actions(&site).await;
    assert_eq!(&log[..2], &[AuditAction::Reopen, AuditAction::Close]);
}

#[tokio::test]
async fn each_setting_changed_on_the_desk_names_the_editor_who_changed_it() {
    let site = TestSite::new().kept_router();
    let an = signed_in(&site).await;
    let reply = an
        .post(&site, &format!("{}/sluiten", desk_poll()), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    site.clock.set(TEST_NOW + 60);
    let bo = signed_in_as(&site, "bo").await;
    let reply = bo
        .post(
            &site,
            &format!("{}/uitslag", desk_poll()),
            "zichtbaarheid=always",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let desk = an.get(&site, &desk_poll()).await.body;
    assert!(
        desk.contains("gewijzigd op de redactie door an op 2 maart 2026 om 9.00 uur"),
        "the closing is an's: {desk}"
    );
    assert_eq!(
        desk.matches("gewijzigd op de redactie door bo op 2 maart 2026 om 9.01 uur")
            .count(),
        1,
        "the visibility alone is bo's: {desk}"
    );
}

#[tokio::test]
async fn a_closing_moment_and_results_visibility_set_on_the_desk_override_the_file_and_say_so() {
    let site = TestSite::new().kept_router();
    let editor = signed_in(&site).await;
    let reply = editor
        .post(
            &site,
            &format!("{}/sluitingsmoment", desk_poll()),
            "sluit=2026-03-04T18:30",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(
        page.contains("sluit op 4 maart 2026 om 18.30 uur"),
        "{page}"
    );
    let desk = editor.get(&site, &desk_poll()).await.body;
    assert!(
        desk.contains("op 4 maart 2026 om 18.30 uur — gewijzigd op de redactie door an"),
        "{desk}"
    );
    assert!(desk.contains("(daar: nooit (geen einddatum))"), "{desk}");
    assert!(
        desk.contains("deepseek-nvidia-beurswaarde.md"),
        "the file is named"
    );

    assert!(
        !page.contains("poll-result-list"),
        "no results for a reader who did not vote"
    );
    let reply = editor
        .post(
            &site,
            &format!("{}/uitslag", desk_poll()),
            "zichtbaarheid=always",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(
        page.contains("Tussenstand") && page.contains("poll-result-list"),
        "results for everyone now: {page}"
    );

    let reply = editor
        .post(
            &site,
            &format!("{}/sluitingsmoment", desk_poll()),
            "bestand=1",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(
        page.contains("zonder einddatum"),
        "back to the file's value"
    );
    let desk = editor.get(&site, &desk_poll()).await.body;
    assert!(
        desk.contains("nooit (geen einddatum) — zoals in het inhoudsbestand"),
        "{desk}"
    );
}

/// Posts `sluit` to the shipped poll's "Sluitingsmoment" form.
async fn set_closing_moment(site: &TestSite, editor: &Editor, sluit: &str) -> Reply {
    editor
        .post(
            site,
            &format!("{}/sluitingsmoment", desk_poll()),
            &format!("sluit={}", sluit.replace('+', "%2B")),
        )
        .await
}

#[tokio::test]
async fn a_closing_moment_that_is_past_or_unreadable_is_refused_at_its_field_and_changes_nothing() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    // The test clock stands on 2 March 2026, 9.00; the shipped poll is open.
    for (sluit, message) in [
        (
            "2026-03-02T08:00",
            "Sluitingsmoment: dit moment is al voorbij; kies een moment in de toekomst. Wilt u de poll nu sluiten, gebruik dan „Nu sluiten”.",
        ),
        (
            "2026-03-29T02:30",
            "Sluitingsmoment: dit moment bestaat niet in Brussel: op de laatste zondag van maart springt de klok van 2.00 meteen naar 3.00 uur.",
        ),
        (
            "gisteren",
            "Sluitingsmoment: dit is geen geldig moment; kies een dag en een uur (Brusselse tijd).",
        ),
        (
            "",
            "Sluitingsmoment: vul een dag en een uur in (Brusselse tijd).",
        ),
    ] {
        let reply = set_closing_moment(&site, &editor, sluit).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{sluit}: {}",
            reply.body
        );
        let page = reply.decoded();
        assert!(page.contains(message), "{sluit}: {page}");
        assert!(
            page.contains(&format!(
                "value=\"{sluit}\" aria-invalid=\"true\" aria-describedby=\"sluit-fout\""
            )),
            "what was typed is back in the field, described by the message: {page}"
        );
        assert!(page.contains("id=\"sluit-fout\""), "{page}");
    }
    assert!(site.state.store.overrides().await.unwrap().is_empty());
    assert!(!actions(&site).await.contains(&AuditAction::ClosingMoment));
    assert!(article_has_form(&site).await, "the poll is still open");
}

#[tokio::test]
async fn a_closing_moment_before_the_opening_is_refused_naming_the_opening() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let tomorrow = stembus_poll::PollDefinition {
        opens: Some(stembus_poll::moment::Moment::brussels_from_unix(
            TEST_NOW + 24 * 3600,
        )),
        ..crate::common::desk_poll(
            "morgen",
            "Morgen?",
            &[("ja", "Ja"), ("nee", "Nee")],
            stembus_poll::ResultsVisibility::AfterVote,
        )
    };
    make_in_desk(&site, &tomorrow, TEST_NOW).await;
    site.state.refresh_content().await.unwrap();
    let reply = editor
        .post(
            &site,
            "/redactie/poll/morgen/sluitingsmoment",
            "sluit=2026-03-03T08:00",
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(
        reply.decoded().contains(
            "Sluitingsmoment: dit moment moet na het openen liggen (de poll opent op 3 maart 2026 om 9.00 uur)."
        ),
        "{}",
        reply.body
    );
    assert!(site.state.store.overrides().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_closing_moment_the_autumn_clock_shows_twice_is_set_only_once_the_editor_chose() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let reply = set_closing_moment(&site, &editor, "2026-10-25T02:30").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let page = reply.decoded();
    assert!(
        page.contains("Sluitingsmoment: 25 oktober 2026 om 2.30 uur komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd. Kies hieronder welk van de twee u bedoelt."),
        "{page}"
    );
    assert!(
        page.contains("Sluiten op 25 oktober 2026 om 2.30 uur (zomertijd)")
            && page.contains("Sluiten op 25 oktober 2026 om 2.30 uur (wintertijd)"),
        "{page}"
    );
    assert!(site.state.store.overrides().await.unwrap().is_empty());
    // The winter time's button sends the moment with its offset.
    assert!(
        page.contains("name=\"sluit\" value=\"2026-10-25T02:30+01:00\""),
        "{page}"
    );
    let reply = set_closing_moment(&site, &editor, "2026-10-25T02:30+01:00").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let overrides = site.state.store.overrides().await.unwrap();
    // 2.30 in winter time is 1.30 UTC.
    assert_eq!(overrides[0].1.closes, Some(Some(1_792_891_800)));
}

#[tokio::test]
async fn an_address_that_does_not_read_gets_the_dutch_notice_after_the_session_check() {
    let site = TestSite::new();
    let unreadable = "/redactie/poll/%FF";
    let visitor = site.get(unreadable, None).await;
    assert_eq!(visitor.status, StatusCode::SEE_OTHER, "the session first");
    assert_eq!(visitor.location(), Some("/redactie/aanmelden"));
    let editor = signed_in(&site).await;
    for reply in [
        editor.get(&site, unreadable).await,
        editor
            .get(&site, "/redactie/poll/%FF/export/totalen.csv")
            .await,
        editor.post(&site, "/redactie/poll/%FF/sluiten", "").await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
        assert!(
            reply
                .header("content-type")
                .is_some_and(|value| value.starts_with("text/html")),
            "a page, not a line of text"
        );
        assert!(
            reply.body.contains("Deze pagina bestaat niet (meer)."),
            "{}",
            reply.body
        );
    }
}

#[tokio::test]
async fn a_bad_field_is_refused_with_a_dutch_message_and_changes_nothing() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    for (path, fields) in [
        ("uitslag", "zichtbaarheid=iedereen"),
        ("ongeldig", "van=2026-03-02T09:00&tot=2026-03-02T08:00"),
        ("herstellen", "venster=drie"),
    ] {
        let reply = editor
            .post(&site, &format!("{}/{path}", desk_poll()), fields)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path} {fields}");
        assert!(
            reply
                .body
                .contains("Een veld van het formulier is leeg of ongeldig")
        );
    }
    let reply = editor
        .post(&site, "/redactie/poll/bestaat-niet/sluiten", "")
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(site.state.store.overrides().await.unwrap().is_empty());
    assert!(
        site.state
            .store
            .voided_windows(None)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Stores a ballot for `choice` from a new reader at `cast_at`.
async fn ballot(site: &TestSite, n: usize, choice: &str, cast_at: i64) {
    let vote = NewVote {
        poll_id: POLL.into(),
        choices: vec![choice.into()],
        voter: format!("{n:032x}"),
        cast_at,
    };
    site.state.store.record_vote(vote).await.unwrap();
}

/// The desk's preview of voiding the minute of 9.00 on 2 March (`TEST_NOW`).
async fn nine_oclock_preview(site: &TestSite, editor: &Editor) -> Reply {
    editor
        .get(
            site,
            &format!(
                "{}/ongeldig?van=2026-03-02T09:00&tot=2026-03-02T09:00",
                desk_poll()
            ),
        )
        .await
}

#[tokio::test]
async fn voiding_a_window_after_its_preview_takes_its_votes_out_and_tells_readers() {
    let site = TestSite::new().kept_router();
    let editor = signed_in(&site).await;
    // Two readers an hour before, three in the minute of 9.00 on 2 March.
    ballot(&site, 1, "nee", TEST_NOW - 3600).await;
    ballot(&site, 2, "weet-niet", TEST_NOW - 3500).await;
    for n in 3..6 {
        ballot(&site, n, "ja", TEST_NOW + n as i64).await;
    }
    let preview = nine_oclock_preview(&site, &editor).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("brachten 3 lezers een stem uit"),
        "{}",
        preview.body
    );
    // "Ja" goes from 3 (60 %) to 0 (0 %).
    assert!(
        preview.body.contains("3 (60 %)") && preview.body.contains("0 (0 %)"),
        "{}",
        preview.body
    );
    assert_eq!(site.voters_in(POLL).await, 5, "a preview changes nothing");
    let seen = hidden(&preview.body, "aantal").unwrap();
    assert_eq!(
        seen, "3",
        "the confirmation carries what the preview counted"
    );
    let confirm = format!("van=2026-03-02T09:00&tot=2026-03-02T09:00&aantal={seen}");

    let reply = editor
        .post(&site, &format!("{}/ongeldig", desk_poll()), &confirm)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(site.voters_in(POLL).await, 2);
    // The same confirmation again (a double click): nothing more is voided or logged.
    let twice = editor
        .post(&site, &format!("{}/ongeldig", desk_poll()), &confirm)
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    assert!(
        twice
            .body
            .contains("Niets ongeldig verklaard: in dit venster telt geen enkele stem (meer) mee."),
        "{}",
        twice.body
    );
    assert_eq!(site.voters_in(POLL).await, 2);
    assert_eq!(
        site.state.store.voided_windows(None).await.unwrap().len(),
        1,
        "no window of 0 votes"
    );
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(
        page.contains(
            "3 stemmen uit een ongewone piek op 2 maart om 9.00 uur zijn niet meegeteld."
        ),
        "{page}"
    );
    let desk = editor.get(&site, &desk_poll()).await.body;
    let window = hidden(&desk, "venster").unwrap();

    let reply = editor
        .post(
            &site,
            &format!("{}/herstellen", desk_poll()),
            &format!("venster={window}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(site.voters_in(POLL).await, 5);
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(!page.contains("ongewone piek"), "{page}");
    let again = editor
        .post(
            &site,
            &format!("{}/herstellen", desk_poll()),
            &format!("venster={window}"),
        )
        .await;
    // A second "Herstellen" (a double click, another editor) is told so, like a second void.
    assert_eq!(again.status, StatusCode::CONFLICT, "restored already");
    assert!(
        again
            .decoded()
            .contains("De stemmen van dit venster tellen al weer mee: an herstelde het op"),
        "{}",
        again.body
    );
    assert_eq!(site.voters_in(POLL).await, 5);
    let log = actions(&site).await;
    assert_eq!(
        log.iter()
            .filter(|action| **action == AuditAction::Void)
            .count(),
        1
    );
    assert_eq!(&log[..2], &[AuditAction::Restore, AuditAction::Void]);
}

#[tokio::test]
async fn a_void_confirmed_after_new_votes_came_into_its_window_voids_nothing_and_shows_them() {
    let site = TestSite::new().kept_router();
    let editor = signed_in(&site).await;
    for n in 3..6 {
        ballot(&site, n, "ja", TEST_NOW + n as i64).await;
    }
    let preview = nine_oclock_preview(&site, &editor).await;
    let seen = hidden(&preview.body, "aantal").unwrap();
    assert_eq!(seen, "3");
    // A fourth reader in the same minute, between the preview and the confirmation.
    ballot(&site, 6, "nee", TEST_NOW + 30).await;
    let reply = editor
        .post(
            &site,
            &format!("{}/ongeldig", desk_poll()),
            &format!("van=2026-03-02T09:00&tot=2026-03-02T09:00&aantal={seen}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(
        reply.body.contains("(nu 4, in het voorbeeld 3)")
            && reply.body.contains("brachten 4 lezers een stem uit"),
        "the preview again, as it is now: {}",
        reply.body
    );
    assert_eq!(hidden(&reply.body, "aantal").as_deref(), Some("4"));
    assert_eq!(site.voters_in(POLL).await, 4);
    assert!(!actions(&site).await.contains(&AuditAction::Void));
}

#[tokio::test]
async fn a_minute_far_busier_than_usual_is_flagged_with_the_rule() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let mut n = 0;
    for minute in 0..6 {
        n += 1;
        ballot(&site, n, "nee", TEST_NOW - 3600 + minute * 60).await;
    }
    for second in 0..25 {
        n += 1;
        ballot(&site, n, "ja", TEST_NOW - 600 + second).await;
    }
    let desk = editor.get(&site, &desk_poll()).await.body;
    assert!(desk.contains("meer dan 5 keer zoveel stemmen"), "{desk}");
    assert!(desk.contains("(nu 1)"), "the median minute");
    assert!(
        desk.contains("2 maart 2026 om 8.50 uur: 25 stemmen"),
        "{desk}"
    );
    assert!(
        desk.contains("ongeldig?van=2026-03-02T08:50%2B01:00&amp;tot=2026-03-02T08:50%2B01:00"),
        "the minute with its offset: {desk}"
    );
    assert!(desk.contains("<svg"), "the chart");
    assert!(
        desk.contains("Stemmen per uur per antwoord"),
        "the table beside it"
    );
}

/// 31 October 2027, 00:30 UTC: 2.30 in summer time, the first of the two 2.30s of that night;
/// the second, in winter time, is an hour later.
const FIRST_TWO_THIRTY: i64 = 1_824_942_600;
const SECOND_TWO_THIRTY: i64 = FIRST_TWO_THIRTY + 3600;

/// The address of the first link to a void preview on a desk page, as a browser follows it.
fn first_preview_link(page: &str) -> String {
    let start = page.find("href=\"/redactie/poll/").unwrap() + "href=\"".len();
    let link = &page[start..];
    let link = &link[..link.find('"').unwrap()];
    assert!(link.contains("/ongeldig?"), "{link}");
    link.replace("&amp;", "&")
}

#[tokio::test]
async fn in_the_hour_the_autumn_clock_shows_twice_the_flagged_minute_voids_its_own_votes() {
    let site = TestSite::new().kept_router();
    site.clock.set(SECOND_TWO_THIRTY + 600);
    let editor = signed_in(&site).await;
    // Three "Ja" at the first 2.30 (summer time), a quiet reader a minute after it for six
    // minutes, and thirty "Nee" at the second 2.30 (winter time).
    for n in 0..3 {
        ballot(&site, n, "ja", FIRST_TWO_THIRTY + n as i64).await;
    }
    for n in 3..9 {
        ballot(
            &site,
            n,
            "weet-niet",
            FIRST_TWO_THIRTY + (n as i64 - 2) * 60,
        )
        .await;
    }
    for n in 9..39 {
        ballot(&site, n, "nee", SECOND_TWO_THIRTY + n as i64).await;
    }

    let desk = editor.get(&site, &desk_poll()).await.decoded();
    assert!(
        desk.contains("31 oktober 2027 om 2.30 uur (wintertijd): 30 stemmen"),
        "{desk}"
    );
    // The chart's table tells the two hours of 2.00 apart.
    assert!(
        desk.contains("31 oktober 2027 2.00 u (zomertijd)")
            && desk.contains("31 oktober 2027 2.00 u (wintertijd)"),
        "{desk}"
    );
    let hourly = editor
        .get(&site, &format!("{}/export/per-uur.csv", desk_poll()))
        .await;
    let lines: Vec<&str> = hourly.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[1], "2027-10-31 02:00 (zomertijd);3;0;6;0");
    assert_eq!(lines[2], "2027-10-31 02:00 (wintertijd);0;30;0;0");
    let preview = editor.get(&site, &first_preview_link(&desk)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("brachten 30 lezers een stem uit"),
        "the flagged minute's own votes: {}",
        preview.body
    );
    let van = hidden(&preview.body, "van").unwrap();
    assert_eq!(
        van, "2027-10-31T02:30+01:00",
        "the confirmation names it whole"
    );
    let confirm = format!(
        "van={0}&tot={0}&aantal={1}",
        van.replace('+', "%2B"),
        hidden(&preview.body, "aantal").unwrap()
    );
    let reply = editor
        .post(&site, &format!("{}/ongeldig", desk_poll()), &confirm)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let counts = site.state.store.tally(POLL, None).await.unwrap();
    assert_eq!(
        counts.voters, 9,
        "the thirty are out, the three and six stay"
    );
    let windows = site.state.store.voided_windows(Some(POLL)).await.unwrap();
    assert_eq!(windows[0].window.from, SECOND_TWO_THIRTY);
    assert_eq!(windows[0].ballots, 30);
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(page.contains("30 stemmen uit een ongewone piek"), "{page}");

    // A window typed by hand in that hour is not guessed: the editor chooses.
    let typed = editor
        .get(
            &site,
            &format!(
                "{}/ongeldig?van=2027-10-31T02:30&tot=2027-10-31T02:30",
                desk_poll()
            ),
        )
        .await;
    assert_eq!(typed.status, StatusCode::BAD_REQUEST, "{}", typed.body);
    let body = typed.decoded();
    assert!(
        body.contains("Van: 31 oktober 2027 om 2.30 uur komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd."),
        "{body}"
    );
    assert!(
        body.contains("Het venster van de minuut 31 oktober 2027 om 2.30 uur (zomertijd) bekijken")
            && body.contains(
                "Het venster van de minuut 31 oktober 2027 om 2.30 uur (wintertijd) bekijken"
            ),
        "{body}"
    );
    let summer = editor.get(&site, &first_preview_link(&body)).await;
    assert!(
        summer.body.contains("brachten 3 lezers een stem uit"),
        "{}",
        summer.body
    );

    let voided = editor
        .get(&site, &format!("{}/export/ongeldig.csv", desk_poll()))
        .await;
    assert!(
        voided
            .body
            .contains("\r\n2027-10-31 02:30 (wintertijd);2027-10-31 02:31 (wintertijd);30;an;"),
        "{}",
        voided.body
    );
}

#[tokio::test]
async fn the_exports_are_semicolon_csv_with_a_bom_and_are_logged() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    ballot(&site, 1, "ja", TEST_NOW - 7200).await;
    ballot(&site, 2, "ja", TEST_NOW).await;
    ballot(&site, 3, "nee", TEST_NOW).await;
    let totals = editor
        .get(&site, &format!("{}/export/totalen.csv", desk_poll()))
        .await;
    assert_eq!(totals.status, StatusCode::OK);
    assert_eq!(
        totals.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        totals.header("content-disposition"),
        Some(format!("attachment; filename=\"{POLL}-totalen.csv\"").as_str())
    );
    assert_eq!(totals.header("cache-control"), Some("no-store"));
    assert!(totals.body.starts_with('\u{feff}'));
    let rows: Vec<Vec<&str>> = totals
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(';').collect())
        .collect();
    assert_eq!(rows[0], ["antwoord", "stemmen", "percentage"]);
    assert_eq!(rows[1], ["Ja", "2", "67"]);
    assert_eq!(rows[2], ["Nee", "1", "33"]);
    assert_eq!(rows[4], ["lezers die stemden", "3", ""]);

    let hourly = editor
        .get(&site, &format!("{}/export/per-uur.csv", desk_poll()))
        .await;
    let lines: Vec<&str> = hourly.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "uur (Brussel);Ja;Nee;Weet ik niet;keer gezien");
    assert_eq!(lines[1], "2026-03-02 07:00;1;0;0;0");
    assert_eq!(lines[2], "2026-03-02 08:00;0;0;0;0");
    assert_eq!(lines[3], "2026-03-02 09:00;1;1;0;0");

    let voided = editor
        .get(&site, &format!("{}/export/ongeldig.csv", desk_poll()))
        .await;
    assert!(
        voided
            .body
            .trim_start_matches('\u{feff}')
            .starts_with("van (Brussel);tot (Brussel);stemmen")
    );
    let unknown = editor
        .get(&site, &format!("{}/export/alles.csv", desk_poll()))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let exports = actions(&site)
        .await
        .into_iter()
        .filter(|a| *a == AuditAction::Export)
        .count();
    assert_eq!(exports, 3);
}

#[tokio::test]
async fn a_standing_that_cannot_be_read_refuses_its_export_with_a_dutch_notice_and_leaves_the_pages_up()
 {
    let (site, flaky) = TestSite::new().with_flaky_store();
    let editor = signed_in(&site).await;
    flaky.fail_reads(true);
    let export = editor
        .get(&site, &format!("{}/export/totalen.csv", desk_poll()))
        .await;
    assert_eq!(export.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(export.header("cache-control"), Some("no-store"));
    assert!(
        export
            .header("content-type")
            .unwrap()
            .starts_with("text/html"),
        "a page, not a file"
    );
    assert!(export.body.contains("Dat lukte niet"), "{}", export.body);
    let home = editor.get(&site, "/redactie").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("onbekend"), "{}", home.body);
    let poll = editor.get(&site, &desk_poll()).await;
    assert_eq!(poll.status, StatusCode::OK);
    assert!(
        poll.body
            .contains("De stand kan nu even niet gelezen worden."),
        "{}",
        poll.body
    );
}

#[tokio::test]
async fn a_sign_in_the_store_cannot_record_is_answered_503_without_a_session_cookie_and_a_later_one_works()
 {
    let (site, flaky) = TestSite::new().with_flaky_store();
    add_editor(&site, EDITOR, PASSWORD).await;
    flaky.fail_audit(true);
    let refused = sign_in(&site, EDITOR, PASSWORD).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("cache-control"), Some("no-store"));
    assert!(refused.body.contains("Dat lukte niet"), "{}", refused.body);
    assert_eq!(cookie_set(&refused, "stembus-redactie"), None);
    // A wrong password is refused as always, though its line could not be written either.
    let wrong = sign_in(&site, EDITOR, "niet-het-wachtwoord").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .body
            .contains("Die naam en dat wachtwoord horen niet bij elkaar."),
        "{}",
        wrong.body
    );
    assert_eq!(actions(&site).await, vec![AuditAction::EditorAdded]);
    flaky.fail_audit(false);
    let signed_in = sign_in(&site, EDITOR, PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(
        actions(&site).await,
        vec![AuditAction::SignIn, AuditAction::EditorAdded]
    );
}

#[tokio::test]
async fn the_audit_log_page_shows_who_did_what_and_when() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    editor
        .post(&site, &format!("{}/sluiten", desk_poll()), "")
        .await;
    let page = editor.get(&site, "/redactie/logboek").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    for text in [
        "poll gesloten",
        "aangemeld",
        "2 maart 2026 om 9.00 uur",
        "<td>an</td>",
        POLL,
    ] {
        assert!(page.body.contains(text), "{text} in {}", page.body);
    }
}

#[tokio::test]
async fn the_editor_commands_add_list_change_and_remove_accounts() {
    let site = TestSite::new();
    let store = &site.state.store;
    let run = |args: &'static [&'static str], input: &'static str| async move {
        let mut input = std::io::Cursor::new(input);
        accounts::run_command(store, args, &mut input, TEST_NOW).await
    };
    assert!(
        run(&["add", "an"], "kort\n")
            .await
            .unwrap_err()
            .contains("at least 12")
    );
    assert!(
        run(&["add", "An Smet"], "een lang wachtwoord\n")
            .await
            .is_err()
    );
    assert!(run(&["add", "an"], "een lang wachtwoord\n").await.is_ok());
    assert!(
        run(&["add", "an"], "een ander wachtwoord\n")
            .await
            .unwrap_err()
            .contains("already")
    );
    assert!(run(&["list"], "").await.unwrap().starts_with("an\t"));
    let hash = store.password_hash("an").await.unwrap().unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(accounts::verify_password("een lang wachtwoord", &hash));
    assert!(
        run(&["password", "an"], "een nieuw wachtwoord\n")
            .await
            .is_ok()
    );
    let hash = store.password_hash("an").await.unwrap().unwrap();
    assert!(accounts::verify_password("een nieuw wachtwoord", &hash));
    assert!(run(&["remove", "an"], "").await.is_ok());
    assert!(
        run(&["remove", "an"], "")
            .await
            .unwrap_err()
            .contains("no editor")
    );
    assert!(store.password_hash("an").await.unwrap().is_none());
    assert_eq!(
        store.audit_log(None, 10).await.unwrap(),
        [
            AuditAction::EditorRemoved,
            AuditAction::PasswordChanged,
            AuditAction::EditorAdded,
        ]
        .map(|action| command_line(action, "an")),
        "one line per change, none for a refused one"
    );
}

#[tokio::test]
async fn a_changed_content_file_is_served_without_a_restart_and_a_broken_one_keeps_its_last_version()
 {
    let content = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(shipped_content()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, content.path().join(path.file_name().unwrap())).unwrap();
    }
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap()).kept_router();
    let editor = signed_in(&site).await;
    let file = content.path().join("deepseek-nvidia-beurswaarde.md");
    let original = std::fs::read_to_string(&file).unwrap();
    assert!(
        site.get(ARTICLE, None)
            .await
            .decoded()
            .contains("Brengt DeepSeek blijvende schade")
    );

    std::fs::write(
        &file,
        original.replace(
            "Brengt DeepSeek blijvende schade toe aan Nvidia?",
            "Is Nvidia nu voorgoed geraakt?",
        ),
    )
    .unwrap();
    site.state.refresh_content().await.unwrap();
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(page.contains("Is Nvidia nu voorgoed geraakt?"), "{page}");

    std::fs::write(&file, original.replace("question = ", "vraag = ")).unwrap();
    site.state.refresh_content().await.unwrap();
    let page = site.get(ARTICLE, None).await.decoded();
    assert!(
        page.contains("Is Nvidia nu voorgoed geraakt?"),
        "the last good version stays"
    );
    let desk = editor.get(&site, "/redactie").await.body;
    assert!(desk.contains("Inhoudsbestanden met fouten"), "{desk}");
    assert!(desk.contains("deepseek-nvidia-beurswaarde.md"), "{desk}");
    assert!(desk.contains("vraag"), "the field is named: {desk}");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: STEMBUS_TEST_DATABASE_URL (scripts/test.sh starts one)"]
async fn on_postgres_a_poll_closed_on_one_node_closes_on_the_other_within_seconds() {
    let mut nodes = TestSite::postgres_nodes(2).await.into_iter();
    let (first, second) = (nodes.next().unwrap(), nodes.next().unwrap());
    let refresher = second.refreshing();
    assert!(
        article_has_form(&second).await,
        "kept in the second node's page cache"
    );
    let editor = signed_in(&first).await;
    let reply = editor
        .post(&first, &format!("{}/sluiten", desk_poll()), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let started = std::time::Instant::now();
    while article_has_form(&second).await {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "still open after 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(started.elapsed() <= current::REFRESH_EVERY * 3);
    // The session works on the second node too: it lives in the database.
    assert_eq!(
        editor.get(&second, "/redactie").await.status,
        StatusCode::OK
    );
    refresher.abort();
}

#[tokio::test]
async fn an_overlong_password_of_many_byte_characters_is_refused_like_any_wrong_one() {
    let site = TestSite::new();
    add_editor(&site, EDITOR, PASSWORD).await;
    let reply = sign_in(&site, EDITOR, &"é".repeat(700)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply
            .body
            .contains("Die naam en dat wachtwoord horen niet bij elkaar.")
    );
}

#[tokio::test]
async fn a_get_on_an_action_address_gets_the_desks_dutch_notice_with_405() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    for path in [
        "/redactie/afmelden".to_string(),
        format!("{}/sluiten", desk_poll()),
        format!("{}/herstellen", desk_poll()),
    ] {
        for cookie in [None, Some(editor.cookie.as_str())] {
            let reply = site.get(&path, cookie).await;
            assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
            assert!(
                reply
                    .decoded()
                    .contains("Dit adres voert een actie van de redactie uit en is geen pagina."),
                "{path}: {}",
                reply.body
            );
            assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
        }
    }
    // Still signed in: the GET did not sign out.
    assert_eq!(editor.get(&site, "/redactie").await.status, StatusCode::OK);
}
