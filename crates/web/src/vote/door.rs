//! The vote's door: the one address the `cast_vote` server function is reached at, the checks in
//! front of it, and the shape of its reply.
//!
//! The checks are one middleware on the route (`check_vote`: the same-site check, the form content
//! type, the rate limit, in that order), then the body limit (tower-http's `RequestBodyLimitLayer`).
//! Each refuses with a `Refusal`; `shape_refusals`, around them all, turns a refusal into the reply
//! the client can read: a short Dutch page for a browser without JavaScript, the encoded error for
//! the island.
//!
//! What stays in the handler has to: the form's repeated `choice` fields are joined for the server
//! function (its codec takes one value per argument), the server function is told to answer as it
//! does to the island (left alone it would send a plain form post back to the `Referer`, with its
//! error in the query string), and only the handler knows from the parsed form which poll to send
//! the reader back to.

use crate::embed;
use crate::state::WebState;
use crate::views::VoteRefused;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use leptos::prelude::{IntoAny, provide_context, view};
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::FromServerFnError;
use std::sync::Arc;
use std::time::Instant;
use stembus::poll::CastVote;
use stembus::poll::door::SharedVoteDoor;
use stembus_content::article::article_path;
use stembus_poll::error::AppError;
use stembus_site::cache_control;
use stembus_site::client_address::ClientAddress;
use stembus_site::clock::SharedClock;
use stembus_site::config::Settings;
use stembus_site::guard::{self, RateLimiter};
use stembus_site::render::render_page;
use stembus_site::shell::PageContent;
use stembus_site::voter_cookie::VoterId;
use tower_http::limit::RequestBodyLimitLayer;

/// Where the vote form posts: the `cast_vote` server function's own address, `/api/stem`.
pub const PATH: &str = <CastVote as ServerFn>::PATH;
/// A vote is two short fields; anything much larger is not a vote.
pub const MAX_VOTE_BODY: usize = 4 * 1024;
/// An encoded error is a short JSON string.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// What the checks in front of the door need: the rate limiter of this router, the settings and
/// the clock (for the limiter's daily key).
struct VoteGuard {
    limiter: RateLimiter,
    settings: Arc<Settings>,
    clock: SharedClock,
}

/// The door with its checks, for `PATH`. Other methods than POST get a 405 before any check.
pub fn route(state: &WebState) -> MethodRouter<WebState> {
    let guard = Arc::new(VoteGuard {
        limiter: RateLimiter::new(state.settings.vote_burst, state.settings.votes_per_minute),
        settings: state.settings.clone(),
        clock: state.clock.clone(),
    });
    post(handle)
        .route_layer(RequestBodyLimitLayer::new(MAX_VOTE_BODY))
        .route_layer(middleware::from_fn_with_state(guard, check_vote))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            shape_refusals,
        ))
}

/// A vote that is not taken, and where its error page links back to.
#[derive(Debug, Clone)]
struct Refusal {
    error: AppError,
    back_to_poll: Option<String>,
    /// Seconds the client should wait before voting again (the rate limit).
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(error: AppError) -> Refusal {
        Refusal {
            error,
            back_to_poll: None,
            retry_after: None,
        }
    }
}

/// The bare status; `shape_refusals` writes the body once it knows what the client reads.
impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.error.status_code())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        if let Some(wait) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// The door's checks, in order: the same site, a form, the rate limit. One middleware for the three:
/// each `from_fn` layer clones the service behind it and boxes a future on every vote.
async fn check_vote(State(guard): State<Arc<VoteGuard>>, request: Request, next: Next) -> Response {
    let checked = require_same_site(&guard, &request)
        .and_then(|()| require_form(&request))
        .and_then(|()| rate_limit(&guard, &request));
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// Refuses a vote a browser sent from another site (see `guard::check_same_site`).
fn require_same_site(guard: &VoteGuard, request: &Request) -> Result<(), Refusal> {
    guard::check_same_site(request.headers(), &guard.settings.base_url).map_err(Refusal::new)
}

/// Only what a browser form sends is a vote: a text/plain or JSON body is not (and text/plain is
/// what a page on another site can send without asking).
fn require_form(request: &Request) -> Result<(), Refusal> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if is_form {
        Ok(())
    } else {
        Err(Refusal::new(AppError::InvalidInput))
    }
}

/// Slows a burst of votes from one client (see `guard::RateLimiter`), with `Retry-After`.
fn rate_limit(guard: &VoteGuard, request: &Request) -> Result<(), Refusal> {
    let ClientAddress(client) = ClientAddress::of(
        request.extensions(),
        request.headers(),
        guard.settings.trusted_proxy,
    );
    let day = guard.clock.unix_seconds().div_euclid(86_400);
    match guard.limiter.check(client, Instant::now(), day) {
        Ok(()) => Ok(()),
        Err(wait) => Err(Refusal {
            retry_after: Some(wait),
            ..Refusal::new(AppError::TooManyRequests)
        }),
    }
}

/// Writes the reply to a refused vote (or to a body the limit cut off) in the form the client
/// reads, keeping the refusal's `Retry-After` and any voter cookie that was set.
async fn shape_refusals(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let wants_html = accepts_html(request.headers());
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let refusal = match response.extensions().get::<Refusal>() {
        Some(refusal) => refusal.clone(),
        None if response.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Refusal::new(AppError::PayloadTooLarge)
        }
        None => {
            state.metrics.vote_acknowledged();
            return response;
        }
    };
    state.metrics.vote_refused(refusal.error);
    // Rendered before the original is borrowed: a response's body is not `Sync`.
    let page = error_response(&state, uri, refusal.error, wants_html, refusal.back_to_poll).await;
    let mut reply = with_cookies_of(&response, page);
    if let Some(wait) = response.headers().get(header::RETRY_AFTER) {
        reply
            .headers_mut()
            .insert(header::RETRY_AFTER, wait.clone());
    }
    reply
}

/// Runs the vote server function and shapes its reply: a redirect to the poll for a plain form
/// post, the poll as the reader now sees it for the island, a `Refusal` for an error.
async fn handle(State(state): State<WebState>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let wants_html = accepts_html(&parts.headers);
    // The body limit layer ends the read at `MAX_VOTE_BODY`.
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return Refusal::new(AppError::PayloadTooLarge).into_response();
    };
    let form = match VoteForm::parse(&body) {
        Ok(form) => form,
        Err(error) => return Refusal::new(error).into_response(),
    };
    // A vote from the embedded poll goes back to the embed, and is only taken with the voter
    // cookie the embed handed out: a browser that kept none would vote afresh on every load.
    let embedded = embed::from_embed(&parts.headers);
    let back_to_poll = state
        .library()
        .poll(&form.poll)
        .map(|(article, poll)| match article {
            Some(article) if !embedded => format!("{}#poll", article_path(&article.slug)),
            _ => format!("{}#poll", embed::embed_path(&poll.id)),
        });
    if embedded && VoterId::from_headers(&parts.headers).is_none() {
        return Refusal {
            back_to_poll,
            ..Refusal::new(AppError::CookiesBlocked)
        }
        .into_response();
    }
    parts
        .headers
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));

    // The server function's body reaches this room through the door in its context.
    let door: SharedVoteDoor = Arc::new(state.clone());
    let context = move || provide_context(door.clone());
    let request = Request::from_parts(parts, Body::from(form.encode()));
    let response = leptos_axum::handle_server_fns_with_context(context, request)
        .await
        .into_response();
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        if !wants_html {
            return response;
        }
        // Without JavaScript the reader lands on the article, which renders the results from the
        // database and the voter cookie set here.
        let back = back_to_poll.unwrap_or_else(|| "/".to_string());
        return with_cookies_of(&response, Redirect::to(&back).into_response());
    }

    let (failed, body) = response.into_parts();
    let error = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => AppError::de(bytes),
        Err(_) => AppError::Internal,
    };
    // A vote stored before a later step failed still belongs to the id in the cookie.
    with_cookies_of(
        &Response::from_parts(failed, Body::empty()),
        Refusal {
            back_to_poll,
            ..Refusal::new(error)
        }
        .into_response(),
    )
}

/// `reply` with the cookies the server function set on `original`.
fn with_cookies_of(original: &Response, mut reply: Response) -> Response {
    for cookie in original.headers().get_all(header::SET_COOKIE) {
        reply
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    reply
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The vote as a form sends it: one `poll`, and one `choice` per chosen answer (checkboxes repeat
/// the field). The server function takes the answers joined by commas, which answer keys never hold.
#[derive(Debug, PartialEq, Eq)]
struct VoteForm {
    poll: String,
    choices: Vec<String>,
}

impl VoteForm {
    /// Reads the form body; a missing or repeated `poll`, or any other field, is `InvalidInput`.
    fn parse(body: &[u8]) -> Result<VoteForm, AppError> {
        let mut poll = None;
        let mut choices = Vec::new();
        for (name, value) in form_urlencoded::parse(body) {
            match name.as_ref() {
                "poll" if poll.is_none() => poll = Some(value.into_owned()),
                "choice" => choices.push(value.into_owned()),
                _ => return Err(AppError::InvalidInput),
            }
        }
        let poll = poll.ok_or(AppError::InvalidInput)?;
        Ok(VoteForm { poll, choices })
    }

    /// The body the server function decodes.
    fn encode(&self) -> Bytes {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("poll", &self.poll)
            .append_pair("choice", &self.choices.join(","))
            .finish()
            .into()
    }
}

/// The error with its status: a short Dutch page in the site's shell for a browser without
/// JavaScript, else the encoded error the island decodes.
async fn error_response(
    state: &WebState,
    uri: Uri,
    error: AppError,
    wants_html: bool,
    back_to_poll: Option<String>,
) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if wants_html {
        let back = back_to_poll.unwrap_or_else(|| "/".to_string());
        let content =
            PageContent::new(move || view! { <VoteRefused error back=back.clone() /> }.into_any());
        let mut request = Request::new(Body::empty());
        *request.uri_mut() = uri;
        let mut page = render_page(&state.leptos_options, content, request).await;
        *page.status_mut() = status;
        page
    } else {
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            error.ser(),
        )
            .into_response()
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, cache_control::no_store());
    if error == AppError::Unavailable {
        // Not acknowledged; a client that retries after a short pause will most likely succeed, and
        // a vote that went in after all (a commit whose answer was lost) still counts once.
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_choices_are_joined_and_odd_fields_refused() {
        let form = VoteForm::parse(b"poll=p&choice=ja&choice=nee").unwrap();
        assert_eq!(form.choices, vec!["ja", "nee"]);
        assert_eq!(&form.encode()[..], b"poll=p&choice=ja%2Cnee");
        let none = VoteForm::parse(b"poll=p").unwrap();
        assert_eq!(&none.encode()[..], b"poll=p&choice=");
        for bad in [
            &b"poll=p&poll=q&choice=ja"[..],
            b"choice=ja",
            b"poll=p&choice=ja&extra=1",
            b"",
        ] {
            assert_eq!(VoteForm::parse(bad), Err(AppError::InvalidInput));
        }
    }
}
