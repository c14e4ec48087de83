//! The vote's door: the one address the `cast_vote` server function is reached at, the checks in
//! front of it, and the shape of its reply.
//!
//! The checks are one middleware on the route (`check_vote`: the same-site check, the form content
//! type, the rate limit, in that order), then the body limit (tower-http's `RequestBodyLimitLayer`).
//! Each refuses with a `Refusal`; `refusal::shape_refusals`, around them all, turns a refusal into
//! the reply the client can read. The form itself is read in `form`.
//!
//! What stays in the handler has to: the form's repeated `choice` fields are joined for the server
//! function (its codec takes one value per argument), the server function is told to answer as it
//! does to the island (left alone it would send a plain form post back to the `Referer`, with its
//! error in the query string), and only the handler knows from the parsed form which poll to send
//! the reader back to.

use super::cast::FirstVoteStood;
use super::form::VoteForm;
use super::refusal::{Refusal, Shaping, accepts_html, shape_refusals, with_cookies_of};
use crate::embed;
use crate::state::WebState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use leptos::prelude::provide_context;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::FromServerFnError;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;
use stembus::poll::CastVote;
use stembus::poll::door::SharedVoteDoor;
use stembus_poll::error::AppError;
use stembus_site::admission::{Arrival, BUSY_RETRY_AFTER_SECONDS};
use stembus_site::client_address::ClientAddress;
use stembus_site::clock::SharedClock;
use stembus_site::config::Settings;
use stembus_site::guard::{self, RateLimiter};
use stembus_site::voter_cookie::{VoteKey, VoterId};
use tower_http::limit::RequestBodyLimitLayer;

/// Where the vote form posts: the `cast_vote` server function's own address, `/api/stem`.
pub const PATH: &str = <CastVote as ServerFn>::PATH;
/// A vote is two short fields; anything much larger is not a vote.
pub const MAX_VOTE_BODY: usize = 4 * 1024;
/// An encoded error is a short JSON string.
const MAX_ERROR_BODY: usize = 16 * 1024;
/// The query field on the poll a reader without JavaScript is sent back to when their vote was
/// not taken because their first one stands (`?al-gestemd=nee#poll`): it holds the answers they
/// sent, and the page says the notice only when the reader's stored answers are others. It only
/// asks: what the notice names is read from the store.
pub const SECOND_VOTE_FIELD: &str = "al-gestemd";

/// The answers a reader sent in a vote that was not taken (`SECOND_VOTE_FIELD`), when `query`,
/// a page's query string, holds them.
pub fn second_vote_in(query: Option<&str>) -> Option<Vec<String>> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == SECOND_VOTE_FIELD)
        .map(|(_, answers)| answers.split(',').map(str::to_string).collect())
}

/// `back` (a poll's address, `…#poll`) asking the page to say that the answers in `choices` were
/// not taken.
fn with_second_vote(back: &str, choices: &[String]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair(SECOND_VOTE_FIELD, &choices.join(","))
        .finish();
    match back.split_once('#') {
        Some((path, fragment)) => format!("{path}?{query}#{fragment}"),
        None => format!("{back}?{query}"),
    }
}

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
        // A vote is a POST; the door asked otherwise (its address typed in) says so as the API
        // around it does, not with axum's empty 405.
        .fallback(post_only)
        .route_layer(RequestBodyLimitLayer::new(MAX_VOTE_BODY))
        .route_layer(middleware::from_fn_with_state(guard, check_vote))
        .route_layer(middleware::from_fn_with_state(
            Arc::new(Shaping {
                state: state.clone(),
                frame_policy: embed::frame_policy(state),
            }),
            shape_refusals,
        ))
}

/// The door asked with another method than POST.
async fn post_only(State(state): State<WebState>) -> Response {
    crate::api::results::method_refused(&state, "api-post-only", "POST")
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
    let language = form.language;
    // A vote from the embedded poll goes back to the embed, and is only taken with the voter
    // cookie the embed handed out: a browser that kept none would vote afresh on every load. Back
    // to the poll in the language it was cast in.
    let embedded = embed::from_embed(&parts.headers);
    let (back_to_poll, most_choices) = state
        .library()
        .poll_in(&form.poll, language)
        .map(|(article, poll)| {
            let back = match article {
                Some(article) if !embedded => format!("{}#poll", article.path()),
                _ => format!("{}#poll", embed::embed_path(&poll.id, language)),
            };
            (Some(back), Some(poll.max_choices))
        })
        .unwrap_or_default();
    if embedded && VoterId::from_headers(&parts.headers).is_none() {
        // The frame keeps no cookie: the reader can vote in a window of the site's own, on the
        // article (or the poll's own page when no article has it), which the refusal opens.
        let outside_the_frame =
            state
                .library()
                .poll_in(&form.poll, language)
                .map(|(article, poll)| match article {
                    Some(article) => format!("{}#poll", article.path()),
                    None => format!("{}#poll", embed::embed_path(&poll.id, language)),
                });
        return Refusal {
            back_to_poll: outside_the_frame,
            language: Some(language),
            ..Refusal::new(AppError::CookiesBlocked)
        }
        .into_response();
    }
    // The vote's place in the node, held until its answer is written (see `admission`). The
    // checks above cost next to nothing; what follows is the store's writer.
    let arrived = parts
        .extensions
        .get::<Arrival>()
        .map_or_else(tokio::time::Instant::now, |arrival| arrival.0);
    let Ok(_place) = state.admission.enter_vote(arrived).await else {
        return Refusal {
            back_to_poll,
            retry_after: Some(BUSY_RETRY_AFTER_SECONDS),
            kept: Some(Box::new((form, embedded))),
            language: Some(language),
            ..Refusal::new(AppError::Busy)
        }
        .into_response();
    };
    if let Some(key) = form.key.clone() {
        parts.extensions.insert(VoteKey(key));
    }
    parts
        .headers
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));

    // The server function's body reaches this room through the door in its context, and answers
    // in the words of the vote's language, beside it.
    let door: SharedVoteDoor = Arc::new(state.clone());
    let words = state.words(language);
    let stood = FirstVoteStood::default();
    let slot = stood.clone();
    let context = move || {
        provide_context(door.clone());
        provide_context(words.clone());
        provide_context(slot.clone());
    };
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
        // database and the voter cookie set here; asked to, it says the vote was not taken.
        let mut back = back_to_poll.unwrap_or_else(|| "/".to_string());
        if stood.0.load(Ordering::Relaxed) {
            back = with_second_vote(&back, &form.choices);
        }
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
            language: Some(language),
            most_choices,
            ..Refusal::new(error)
        }
        .into_response(),
    )
}
