//! The editors' desk at `/redactie`: sign-in, the poll list, a poll's page with its actions
//! (close, reopen, closing moment, results visibility, voiding and restoring a window of votes),
//! the CSV exports and the audit log.
//!
//! Every desk response is `Cache-Control: no-store` and none passes the page cache. Every request
//! that changes something passes, in this order: the same-site rules (`guard::check_same_site`), a
//! live session from the database, and the session's form token in the form (`csrf`). The sign-in
//! form, which has no session yet, carries a token of its own that must match its cookie. A change
//! is written with its audit entry in one transaction, then this node reads the desk's state again
//! at once (the others within `current::REFRESH_EVERY`), which drops the article's kept page.

pub mod accounts;
pub mod activity;
pub mod export;
pub mod session;
pub mod views;

use self::activity::HourlySeries;
use self::session::{SESSION_LIMITS, SignInLimiter};
use self::views::{
    AuditPage, DeskNotice, Frame, PollDeskPage, PollDetail, PollListPage, PollRow, Setting,
    SignInPage, VoidPreviewDetail, VoidPreviewPage,
};
use crate::app::PageContent;
use crate::error::AppError;
use crate::moment::Moment;
use crate::poll::{PollDefinition, PollResults, PollStatus};
use crate::server::app::state::AppState;
use crate::server::store::desk::{
    AuditAction, AuditEntry, OverrideChange, TimeWindow, visibility_from_key, visibility_key,
};
use crate::server::web::cache_control::NO_STORE;
use crate::server::web::render::render_page;
use crate::server::web::vote::guard;
use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, Extension, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tower_http::set_header::SetResponseHeaderLayer;

/// The desk's home: the poll list.
pub const HOME: &str = "/redactie";
/// The sign-in form.
pub const SIGN_IN: &str = "/redactie/aanmelden";
/// A desk form is a few short fields.
const MAX_FORM_BYTES: usize = 16 * 1024;
/// The widest window an editor can void at once.
const MAX_WINDOW_SECONDS: i64 = 31 * 24 * 3600;
/// Audit lines on a poll's page, and on the log page.
const POLL_AUDIT_LINES: usize = 50;
const AUDIT_LINES: usize = 500;
/// The audit log's name for a sign-in under a name that cannot be an editor's.
const INVALID_NAME: &str = "(ongeldige naam)";

/// What the desk keeps between requests on one node.
pub struct Desk {
    limiter: SignInLimiter,
    /// A hash to check a password against when the name is unknown, so that an unknown name takes
    /// as long to refuse as a wrong password.
    stand_in_hash: String,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            limiter: SignInLimiter::default(),
            stand_in_hash: accounts::hash_password("no editor has this password")
                .unwrap_or_default(),
        }
    }
}

/// The desk's routes, with `no-store` on every response.
pub fn routes() -> Router<AppState> {
    let desk = Arc::new(Desk::new());
    Router::new()
        .route(HOME, get(poll_list))
        .route(SIGN_IN, get(sign_in_form).post(sign_in))
        .route("/redactie/afmelden", post(sign_out))
        .route("/redactie/logboek", get(audit_page))
        .route("/redactie/poll/{id}", get(poll_page))
        .route("/redactie/poll/{id}/ongeldig", get(void_preview).post(void))
        .route("/redactie/poll/{id}/herstellen", post(restore))
        .route("/redactie/poll/{id}/sluiten", override_route(close))
        .route("/redactie/poll/{id}/heropenen", override_route(reopen))
        .route(
            "/redactie/poll/{id}/sluitingsmoment",
            override_route(closing_moment),
        )
        .route(
            "/redactie/poll/{id}/uitslag",
            override_route(results_visibility),
        )
        .route("/redactie/poll/{id}/export/{file}", get(export))
        .layer(Extension(desk))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(NO_STORE),
        ))
}

/// A signed-in editor's request.
struct SignedIn {
    editor: String,
    csrf: String,
    token_hash: String,
}

impl SignedIn {
    fn frame(&self) -> Frame {
        Frame {
            editor: self.editor.clone(),
            csrf: self.csrf.clone(),
        }
    }

    fn audit(
        &self,
        at: i64,
        action: AuditAction,
        poll_id: Option<&str>,
        detail: String,
    ) -> AuditEntry {
        AuditEntry {
            at,
            editor: self.editor.clone(),
            action,
            poll_id: poll_id.map(str::to_string),
            detail,
        }
    }
}

/// The session the request's cookie names, if it lives.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, AppError> {
    let name = session::session_cookie_name(state.settings.is_https());
    let token = session::cookie_token(headers, name).ok_or(AppError::NotSignedIn)?;
    let token_hash = session::token_hash(&token);
    let record = state
        .store
        .session(&token_hash, state.now(), SESSION_LIMITS)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    Ok(SignedIn {
        editor: record.editor,
        csrf: record.csrf_token,
        token_hash,
    })
}

/// A desk form's fields; a field sent twice makes the form invalid.
struct Form(HashMap<String, String>);

impl Form {
    fn parse(body: &[u8]) -> Result<Form, AppError> {
        let mut fields = HashMap::new();
        for (key, value) in form_urlencoded::parse(body) {
            if fields
                .insert(key.into_owned(), value.into_owned())
                .is_some()
            {
                return Err(AppError::InvalidField);
            }
        }
        Ok(Form(fields))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn required(&self, name: &str) -> Result<&str, AppError> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .ok_or(AppError::InvalidField)
    }
}

/// The checks every state-changing desk request passes: same site, a live session, its token.
async fn checked_form(state: &AppState, request: Request) -> Result<(SignedIn, Form), AppError> {
    let (parts, body) = request.into_parts();
    guard::check_same_site(&parts.headers, &state.settings.base_url)
        .map_err(|_| AppError::ForeignForm)?;
    let signed_in = signed_in(state, &parts.headers).await?;
    let body = read_body(body).await?;
    let form = Form::parse(&body)?;
    match form.get("csrf") {
        Some(token) if session::same_token(token, &signed_in.csrf) => Ok((signed_in, form)),
        _ => Err(AppError::FormExpired),
    }
}

async fn read_body(body: Body) -> Result<Bytes, AppError> {
    to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::PayloadTooLarge)
}

/// Renders `content` in the site's shell.
async fn page(state: &AppState, content: PageContent) -> Response {
    let request = Request::get(HOME).body(Body::empty()).unwrap_or_default();
    render_page(state.clone(), content, request).await
}

/// The Dutch page for a refusal, with its status.
async fn notice(state: &AppState, error: AppError) -> Response {
    page(
        state,
        PageContent::new(move || view! { <DeskNotice error /> }.into_any()),
    )
    .await
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static(HOME)),
        )],
    )
        .into_response()
}

/// A desk page's answer to an error: no session sends a browser to the sign-in form.
async fn refuse_page(state: &AppState, error: AppError) -> Response {
    match error {
        AppError::NotSignedIn => see_other(SIGN_IN),
        error => notice(state, error).await,
    }
}

/// `GET /redactie/aanmelden`: the form, with a fresh form token in a cookie and in the form.
async fn sign_in_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if signed_in(&state, &headers).await.is_ok() {
        return see_other(HOME);
    }
    sign_in_page(&state, None, String::new(), StatusCode::OK).await
}

async fn sign_in_page(
    state: &AppState,
    error: Option<AppError>,
    name: String,
    status: StatusCode,
) -> Response {
    let Ok(form_token) = session::new_token() else {
        return notice(state, AppError::Internal).await;
    };
    let https = state.settings.is_https();
    let cookie = session::set_cookie(
        session::sign_in_cookie_name(https),
        &form_token,
        https,
        SESSION_LIMITS.idle,
    );
    let mut response = page(
        state,
        PageContent::new(move || {
            let (name, form_token) = (name.clone(), form_token.clone());
            view! { <SignInPage error name form_token /> }.into_any()
        }),
    )
    .await;
    *response.status_mut() = status;
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// `POST /redactie/aanmelden`.
async fn sign_in(
    State(state): State<AppState>,
    Extension(desk): Extension<Arc<Desk>>,
    request: Request,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer);
    let address = guard::client_address(peer, request.headers(), state.settings.trusted_proxy);
    let (parts, body) = request.into_parts();
    if guard::check_same_site(&parts.headers, &state.settings.base_url).is_err() {
        return notice(&state, AppError::ForeignForm).await;
    }
    let form = match read_body(body).await.and_then(|body| Form::parse(&body)) {
        Ok(form) => form,
        Err(error) => return notice(&state, error).await,
    };
    let https = state.settings.is_https();
    let form_cookie = session::cookie_token(&parts.headers, session::sign_in_cookie_name(https));
    let form_matches = matches!(
        (form_cookie, form.get("formulier")),
        (Some(cookie), Some(field)) if session::same_token(&cookie, field)
    );
    let name = form.get("naam").unwrap_or_default().trim().to_lowercase();
    if !form_matches {
        return sign_in_page(
            &state,
            Some(AppError::FormExpired),
            name,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    if let Err(wait) = desk.limiter.check(&name, address, Instant::now()) {
        let mut response = sign_in_page(
            &state,
            Some(AppError::TooManySignIns),
            name,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return response;
    }
    let password = form.get("wachtwoord").unwrap_or_default().to_string();
    let now = state.now();
    let stored = if accounts::valid_name(&name) {
        match state.store.password_hash(&name).await {
            Ok(stored) => stored,
            Err(error) => return notice(&state, error.into()).await,
        }
    } else {
        None
    };
    let known = stored.is_some();
    let hash = stored.unwrap_or_else(|| desk.stand_in_hash.clone());
    let too_long = password.len() > accounts::MAX_PASSWORD_BYTES;
    let verified = tokio::task::spawn_blocking(move || {
        // An overlong password is never hashed as sent (that could be made expensive); an empty
        // one is checked in its place, so the refusal costs what any other does.
        let candidate = if too_long { "" } else { password.as_str() };
        accounts::verify_password(candidate, &hash) && !too_long
    })
    .await
    .unwrap_or(false);
    if !(known && verified) {
        desk.limiter.failed(&name, address, Instant::now());
        let editor = if accounts::valid_name(&name) {
            name.clone()
        } else {
            INVALID_NAME.to_string()
        };
        let entry = AuditEntry {
            at: now,
            editor,
            action: AuditAction::FailedSignIn,
            poll_id: None,
            detail: "naam of wachtwoord klopt niet".to_string(),
        };
        if state.store.record_audit(&entry).await.is_err() {
            tracing::warn!("a failed sign-in could not be written to the audit log");
        }
        return sign_in_page(
            &state,
            Some(AppError::SignInRefused),
            name,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    let (Ok(token), Ok(csrf)) = (session::new_token(), session::new_token()) else {
        return notice(&state, AppError::Internal).await;
    };
    if let Err(error) = state
        .store
        .create_session(&session::token_hash(&token), &name, &csrf, now)
        .await
    {
        return notice(&state, error.into()).await;
    }
    let entry = AuditEntry {
        at: now,
        editor: name.clone(),
        action: AuditAction::SignIn,
        poll_id: None,
        detail: String::new(),
    };
    if state.store.record_audit(&entry).await.is_err() {
        tracing::warn!("a sign-in could not be written to the audit log");
    }
    let mut response = see_other(HOME);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        session::set_cookie(
            session::session_cookie_name(https),
            &token,
            https,
            SESSION_LIMITS.max,
        ),
    );
    headers.append(
        header::SET_COOKIE,
        session::set_cookie(session::sign_in_cookie_name(https), "", https, 0),
    );
    response
}

/// `POST /redactie/afmelden`.
async fn sign_out(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, _) = match checked_form(&state, request).await {
        Ok(checked) => checked,
        Err(error) => return notice(&state, error).await,
    };
    if let Err(error) = state.store.end_session(&signed_in.token_hash).await {
        return notice(&state, error.into()).await;
    }
    let entry = signed_in.audit(state.now(), AuditAction::SignOut, None, String::new());
    if state.store.record_audit(&entry).await.is_err() {
        tracing::warn!("a sign-out could not be written to the audit log");
    }
    let https = state.settings.is_https();
    let mut response = see_other(SIGN_IN);
    response.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(session::session_cookie_name(https), "", https, 0),
    );
    response
}

/// The words for a poll's state at `now`.
fn state_words(status: PollStatus) -> &'static str {
    match status {
        PollStatus::NotYetOpen => "opent binnenkort",
        PollStatus::Open => "open",
        PollStatus::Closed => "gesloten",
    }
}

/// `GET /redactie`: every poll with its article, state and figures.
async fn poll_list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let signed_in = match signed_in(&state, &headers).await {
        Ok(signed_in) => signed_in,
        Err(error) => return refuse_page(&state, error).await,
    };
    let now = state.now();
    let library = state.library();
    let mut polls = Vec::new();
    for article in library.articles() {
        let Some(poll) = &article.poll else { continue };
        let voters = state
            .store
            .tally(&poll.id, None)
            .await
            .ok()
            .map(|t| t.voters);
        let last_hour = state
            .store
            .ballots_per_minute(&poll.id)
            .await
            .ok()
            .map(|minutes| {
                minutes
                    .iter()
                    .filter(|(minute, _)| *minute + 60 > now - 3600)
                    .map(|(_, votes)| votes)
                    .sum()
            });
        polls.push(PollRow {
            poll_id: poll.id.clone(),
            question: poll.question.clone(),
            article_title: article.title.clone(),
            article_path: article.path(),
            state: state_words(poll.status_at(now)),
            voters,
            last_hour,
        });
    }
    let problems = state.content.problems();
    let frame = signed_in.frame();
    page(
        &state,
        PageContent::new(move || {
            let (frame, polls, problems) = (frame.clone(), polls.clone(), problems.clone());
            view! { <PollListPage frame polls problems /> }.into_any()
        }),
    )
    .await
}

/// The poll `id` as served and as its file says, with the file's name.
fn find_poll(
    state: &AppState,
    id: &str,
) -> Result<
    (
        PollDefinition,
        PollDefinition,
        crate::article::Article,
        String,
    ),
    AppError,
> {
    let library = state.library();
    let (article, served) = library.poll(id).ok_or(AppError::NotFound)?;
    let files = state.content.files();
    let (_, from_file) = files.poll(id).ok_or(AppError::NotFound)?;
    let file = files
        .file_of(&article.slug)
        .unwrap_or("(onbekend bestand)")
        .to_string();
    Ok((served.clone(), from_file.clone(), article.clone(), file))
}

fn closes_words(closes: Option<Moment>) -> String {
    match closes {
        Some(moment) => format!("op {}", moment.long_nl_with_time()),
        None => "nooit (geen einddatum)".to_string(),
    }
}

/// `GET /redactie/poll/{id}`.
async fn poll_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let signed_in = match signed_in(&state, &headers).await {
        Ok(signed_in) => signed_in,
        Err(error) => return refuse_page(&state, error).await,
    };
    match poll_detail(&state, &id).await {
        Ok(detail) => {
            let frame = signed_in.frame();
            page(
                &state,
                PageContent::new(move || {
                    let (frame, detail) = (frame.clone(), detail.clone());
                    view! { <PollDeskPage frame detail /> }.into_any()
                }),
            )
            .await
        }
        Err(error) => notice(&state, error).await,
    }
}

async fn poll_detail(state: &AppState, id: &str) -> Result<PollDetail, AppError> {
    let (served, from_file, article, file) = find_poll(state, id)?;
    let now = state.now();
    let overrides = state.content.desk().overrides_of(id);
    let changed_note = overrides.changed.as_ref().map(|(by, at)| {
        format!(
            "gewijzigd op de redactie door {by} op {}",
            Moment::brussels_from_unix(*at).long_nl_with_time()
        )
    });
    let results = crate::server::web::vote::cast::standing(state, &served, None)
        .await
        .ok()
        .map(|(results, _)| results);
    let series = HourlySeries::from_rows(&served, &state.store.choices_per_hour(id).await?);
    let shown = series.shown();
    let chart = activity::chart_svg(
        &series.labels,
        shown,
        &format!("Stemmen per uur: {}", served.question),
    );
    let (median_minute, bursts) = activity::bursts(&state.store.ballots_per_minute(id).await?);
    let status = served.status_at(now);
    Ok(PollDetail {
        poll_id: id.to_string(),
        question: served.question.clone(),
        answers: served.options.iter().map(|o| o.label.clone()).collect(),
        file,
        article_title: article.title.clone(),
        article_path: article.path(),
        state: state_words(status),
        is_closed: status == PollStatus::Closed,
        closes: Setting {
            value: closes_words(served.closes),
            overridden: overrides.closes.and(changed_note.clone()),
            file_value: closes_words(from_file.closes),
        },
        closes_input: served
            .closes
            .map(|moment| moment.local_input_value())
            .unwrap_or_default(),
        visibility: Setting {
            value: views::visibility_words(served.show_results).to_string(),
            overridden: overrides.show_results.and(changed_note),
            file_value: views::visibility_words(from_file.show_results).to_string(),
        },
        visibility_now: served.show_results,
        results,
        chart_svg: chart,
        hours: shown
            .iter()
            .map(|(hour, counts)| (Moment::brussels_from_unix(*hour), counts.clone()))
            .collect(),
        hours_cut: shown.len() < series.hours.len(),
        median_minute,
        bursts,
        voided: state.store.voided_windows(Some(id)).await?,
        audit: state.store.audit_log(Some(id), POLL_AUDIT_LINES).await?,
        window_default: Moment::brussels_from_unix(now - now.rem_euclid(60)).local_input_value(),
    })
}

/// The window from the minutes `van` to `tot` (both included), as the desk's fields give them.
fn window_from(van: &str, tot: &str) -> Result<TimeWindow, AppError> {
    let from = Moment::parse_brussels_local(van).ok_or(AppError::InvalidField)?;
    let last = Moment::parse_brussels_local(tot).ok_or(AppError::InvalidField)?;
    let (from, last) = (from - from.rem_euclid(60), last - last.rem_euclid(60));
    if last < from || last - from > MAX_WINDOW_SECONDS {
        return Err(AppError::InvalidField);
    }
    Ok(TimeWindow {
        from,
        until: last + 60,
    })
}

fn window_words(window: TimeWindow) -> String {
    let from = Moment::brussels_from_unix(window.from);
    let last = Moment::brussels_from_unix(window.until - 60);
    if window.until - window.from == 60 {
        format!("van de minuut {}", from.long_nl_with_time())
    } else {
        format!(
            "van {} tot en met de minuut {}",
            from.long_nl_with_time(),
            last.long_nl_with_time()
        )
    }
}

/// `GET /redactie/poll/{id}/ongeldig?van=…&tot=…`: what voiding the window would do.
async fn void_preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let signed_in = match signed_in(&state, &headers).await {
        Ok(signed_in) => signed_in,
        Err(error) => return refuse_page(&state, error).await,
    };
    let detail = async {
        let (served, _, _, _) = find_poll(&state, &id)?;
        let van = query.get("van").map(String::as_str).unwrap_or_default();
        let tot = query.get("tot").map(String::as_str).unwrap_or_default();
        let window = window_from(van, tot)?;
        let preview = state.store.preview_void(&id, window).await?;
        let before = crate::server::web::vote::cast::standing(&state, &served, None)
            .await
            .ok()
            .map(|(results, _)| results);
        let after = before.as_ref().map(|before| {
            let counts: Vec<(String, u64)> = before
                .rows
                .iter()
                .map(|row| {
                    let out = preview
                        .counts
                        .iter()
                        .find(|(key, _)| *key == row.key)
                        .map_or(0, |(_, n)| *n);
                    (row.key.clone(), row.votes.saturating_sub(out))
                })
                .collect();
            PollResults::from_counts(
                &served,
                &counts,
                before.voters.saturating_sub(preview.ballots),
            )
        });
        Ok::<_, AppError>(VoidPreviewDetail {
            poll_id: id.clone(),
            question: served.question.clone(),
            window: window_words(window),
            van: van.to_string(),
            tot: tot.to_string(),
            ballots: preview.ballots,
            before,
            after,
        })
    }
    .await;
    match detail {
        Ok(detail) => {
            let frame = signed_in.frame();
            page(
                &state,
                PageContent::new(move || {
                    let (frame, detail) = (frame.clone(), detail.clone());
                    view! { <VoidPreviewPage frame detail /> }.into_any()
                }),
            )
            .await
        }
        Err(error) => notice(&state, error).await,
    }
}

/// Runs a poll action: the checks, then `act` with the poll as served, then this node's refresh
/// and back to the poll's page.
async fn poll_action<F, Fut>(state: AppState, id: String, request: Request, act: F) -> Response
where
    F: FnOnce(AppState, SignedIn, Form, PollDefinition) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>>,
{
    let result = async {
        let (signed_in, form) = checked_form(&state, request).await?;
        let (served, _, _, _) = find_poll(&state, &id)?;
        act(state.clone(), signed_in, form, served).await
    }
    .await;
    match result {
        Ok(()) => {
            if state.refresh_content().await.is_err() {
                tracing::warn!(
                    "the desk's change is stored; this node shows it at the next refresh"
                );
            }
            see_other(&format!("/redactie/poll/{id}"))
        }
        Err(error) => notice(&state, error).await,
    }
}

/// What an override form asks for: the change, and how the audit log names it.
type OverrideRequest = (OverrideChange, AuditAction, String);

/// The route of one override form: `parse` reads the form (at `now`) into the change to make, which
/// is then stored with its audit entry.
fn override_route(
    parse: fn(&Form, i64) -> Result<OverrideRequest, AppError>,
) -> axum::routing::MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>, Path(id): Path<String>, request: Request| async move {
            poll_action(
                state,
                id,
                request,
                move |state, signed_in, form, poll| async move {
                    let now = state.now();
                    let (change, action, detail) = parse(&form, now)?;
                    let entry = signed_in.audit(now, action, Some(&poll.id), detail);
                    if state.store.change_poll(&poll.id, change, &entry).await? {
                        Ok(())
                    } else {
                        Err(AppError::NotFound)
                    }
                },
            )
            .await
        },
    )
}

/// `…/sluiten`: closes the poll at this minute.
fn close(_: &Form, now: i64) -> Result<OverrideRequest, AppError> {
    Ok((
        OverrideChange::Closes(Some(now)),
        AuditAction::Close,
        format!(
            "gesloten op {}",
            Moment::brussels_from_unix(now).long_nl_with_time()
        ),
    ))
}

/// `…/heropenen`: opens the poll again, without a closing moment.
fn reopen(_: &Form, _: i64) -> Result<OverrideRequest, AppError> {
    Ok((
        OverrideChange::Closes(None),
        AuditAction::Reopen,
        "heropend, zonder einddatum".to_string(),
    ))
}

/// `…/sluitingsmoment`: `sluit` (a Brussels `datetime-local`), or `bestand` for the file's moment.
fn closing_moment(form: &Form, _: i64) -> Result<OverrideRequest, AppError> {
    if form.get("bestand").is_some() {
        return Ok((
            OverrideChange::ClosesFromFile,
            AuditAction::ClosingMoment,
            "sluitingsmoment van het inhoudsbestand".to_string(),
        ));
    }
    let closes =
        Moment::parse_brussels_local(form.required("sluit")?).ok_or(AppError::InvalidField)?;
    Ok((
        OverrideChange::Closes(Some(closes)),
        AuditAction::ClosingMoment,
        format!(
            "sluitingsmoment {}",
            Moment::brussels_from_unix(closes).long_nl_with_time()
        ),
    ))
}

/// `…/uitslag`: `zichtbaarheid` = `after-vote`, `always`, `after-close`, or `bestand` for the file's.
fn results_visibility(form: &Form, _: i64) -> Result<OverrideRequest, AppError> {
    let key = form.required("zichtbaarheid")?;
    if key == "bestand" {
        return Ok((
            OverrideChange::ShowResultsFromFile,
            AuditAction::ResultsVisibility,
            "zichtbaarheid van het inhoudsbestand".to_string(),
        ));
    }
    let visibility = visibility_from_key(key).ok_or(AppError::InvalidField)?;
    Ok((
        OverrideChange::ShowResults(visibility),
        AuditAction::ResultsVisibility,
        format!(
            "uitslag zichtbaar {} ({})",
            views::visibility_words(visibility),
            visibility_key(visibility)
        ),
    ))
}

/// `POST /redactie/poll/{id}/ongeldig`: voids the window `van`–`tot`.
async fn void(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    poll_action(
        state,
        id,
        request,
        |state, signed_in, form, poll| async move {
            let window = window_from(form.required("van")?, form.required("tot")?)?;
            let preview = state.store.preview_void(&poll.id, window).await?;
            let detail = format!(
                "{} stemmen {} ongeldig verklaard (ongewone piek)",
                preview.ballots,
                window_words(window)
            );
            let entry = signed_in.audit(state.now(), AuditAction::Void, Some(&poll.id), detail);
            match state.store.void_window(&poll.id, window, &entry).await? {
                Some(_) => Ok(()),
                None => Err(AppError::NotFound),
            }
        },
    )
    .await
}

/// `POST /redactie/poll/{id}/herstellen`: counts the votes of window `venster` again.
async fn restore(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    poll_action(
        state,
        id,
        request,
        |state, signed_in, form, poll| async move {
            let window_id: i64 = form
                .required("venster")?
                .parse()
                .map_err(|_| AppError::InvalidField)?;
            let windows = state.store.voided_windows(Some(&poll.id)).await?;
            let window = windows
                .iter()
                .find(|w| w.id == window_id && w.restored.is_none())
                .ok_or(AppError::NotFound)?;
            let detail = format!(
                "{} stemmen {} weer meegeteld",
                window.ballots,
                window_words(window.window)
            );
            let entry = signed_in.audit(state.now(), AuditAction::Restore, Some(&poll.id), detail);
            match state.store.restore_window(window_id, &entry).await? {
                Some(_) => Ok(()),
                None => Err(AppError::NotFound),
            }
        },
    )
    .await
}

/// `GET /redactie/poll/{id}/export/{totalen|per-uur|ongeldig}.csv`.
async fn export(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let signed_in = match signed_in(&state, &headers).await {
        Ok(signed_in) => signed_in,
        Err(error) => return refuse_page(&state, error).await,
    };
    let csv = async {
        let (served, _, _, _) = find_poll(&state, &id)?;
        let (csv, what) = match file.as_str() {
            "totalen.csv" => {
                let (results, _) =
                    crate::server::web::vote::cast::standing(&state, &served, None).await?;
                (export::totals(&results), "totalen")
            }
            "per-uur.csv" => {
                let rows = state.store.choices_per_hour(&id).await?;
                (
                    export::hourly(&HourlySeries::from_rows(&served, &rows)),
                    "per uur",
                )
            }
            "ongeldig.csv" => {
                let windows = state.store.voided_windows(Some(&id)).await?;
                (export::voided(&windows), "ongeldig verklaarde vensters")
            }
            _ => return Err(AppError::NotFound),
        };
        let entry = signed_in.audit(
            state.now(),
            AuditAction::Export,
            Some(&id),
            format!("CSV {what}"),
        );
        state.store.record_audit(&entry).await?;
        Ok::<_, AppError>(csv)
    }
    .await;
    match csv {
        Ok(csv) => {
            let name = format!("{id}-{file}");
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/csv; charset=utf-8"),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                csv,
            )
                .into_response()
        }
        Err(error) => notice(&state, error).await,
    }
}

/// `GET /redactie/logboek`.
async fn audit_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let signed_in = match signed_in(&state, &headers).await {
        Ok(signed_in) => signed_in,
        Err(error) => return refuse_page(&state, error).await,
    };
    let entries = match state.store.audit_log(None, AUDIT_LINES).await {
        Ok(entries) => entries,
        Err(error) => return notice(&state, error.into()).await,
    };
    let frame = signed_in.frame();
    page(
        &state,
        PageContent::new(move || {
            let (frame, entries) = (frame.clone(), entries.clone());
            view! { <AuditPage frame entries /> }.into_any()
        }),
    )
    .await
}
