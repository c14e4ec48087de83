//! The vote's door: the one address the `cast_vote` server function is reached at, the checks in
//! front of it, and the shape of its reply.
//!
//! The checks are one middleware on the route (`check_vote`: the same-site check, the form content
//! type, the rate limit, in that order), then the body limit (tower-http's `RequestBodyLimitLayer`).
//! Each refuses with a `Refusal`; `shape_refusals`, around them all, turns a refusal into the reply
//! the client can read, in the language of the card the vote came from: a short page for a browser
//! without JavaScript, the encoded error with its words for the island.
//!
//! What stays in the handler has to: the form's repeated `choice` fields are joined for the server
//! function (its codec takes one value per argument), the server function is told to answer as it
//! does to the island (left alone it would send a plain form post back to the `Referer`, with its
//! error in the query string), and only the handler knows from the parsed form which poll to send
//! the reader back to.

use crate::embed;
use crate::pages::vote_refused_page;
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
use stembus_messages::Words;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_poll::{VOTE_KEY_FIELD, VOTE_LANGUAGE_FIELD};
use stembus_site::admission::{Arrival, BUSY_RETRY_AFTER_SECONDS};
use stembus_site::cache_control;
use stembus_site::client_address::ClientAddress;
use stembus_site::clock::SharedClock;
use stembus_site::config::Settings;
use stembus_site::guard::{self, RateLimiter};
use stembus_site::render::render_page;
use stembus_site::shell::PageContent;
use stembus_site::voter_cookie::{VoteKey, VoterId};
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
            Arc::new(Shaping {
                state: state.clone(),
                frame_policy: embed::frame_policy(state),
            }),
            shape_refusals,
        ))
}

/// What writing a refusal needs: the state, and the embed's policy for a refusal the embed's frame
/// shows (a frame on another site would otherwise refuse to show it).
struct Shaping {
    state: WebState,
    frame_policy: embed::FramePolicy,
}

/// A vote that is not taken, and where its error page links back to.
#[derive(Debug, Clone)]
struct Refusal {
    error: AppError,
    back_to_poll: Option<String>,
    /// Seconds the client should wait before voting again (the rate limit, a full node).
    retry_after: Option<u64>,
    /// The vote as the form sent it, when the reader without JavaScript gets the form back with
    /// their answers (a vote the node was too busy for), and whether it came from the embed.
    /// Boxed: the checks pass refusals around by value.
    kept: Option<Box<(VoteForm, bool)>>,
    /// The language of the card the vote came from, once the form is read; before that, the
    /// language of the page it came from (`embed::referer_language`).
    language: Option<Language>,
}

impl Refusal {
    fn new(error: AppError) -> Refusal {
        Refusal {
            error,
            back_to_poll: None,
            retry_after: None,
            kept: None,
            language: None,
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
async fn shape_refusals(
    State(shaping): State<Arc<Shaping>>,
    request: Request,
    next: Next,
) -> Response {
    let state = &shaping.state;
    let wants_html = accepts_html(request.headers());
    let embedded = embed::from_embed(request.headers());
    let page_language = embed::referer_language(request.headers());
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
    let words = state.words(refusal.language.unwrap_or(page_language));
    // Rendered before the original is borrowed: a response's body is not `Sync`.
    let page = error_response(state, uri, &refusal, wants_html, words).await;
    let mut reply = with_cookies_of(&response, page);
    if embedded {
        reply = embed::with_policy(reply, &shaping.frame_policy);
    }
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
    let language = form.language;
    // A vote from the embedded poll goes back to the embed, and is only taken with the voter
    // cookie the embed handed out: a browser that kept none would vote afresh on every load. Back
    // to the poll in the language it was cast in.
    let embedded = embed::from_embed(&parts.headers);
    let back_to_poll = state
        .library()
        .poll_in(&form.poll, language)
        .map(|(article, poll)| match article {
            Some(article) if !embedded => format!("{}#poll", article.path()),
            _ => format!("{}#poll", embed::embed_path(&poll.id, language)),
        });
    if embedded && VoterId::from_headers(&parts.headers).is_none() {
        return Refusal {
            back_to_poll,
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
    let context = move || {
        provide_context(door.clone());
        provide_context(words.clone());
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
            language: Some(language),
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

/// The vote as a form sends it: one `poll`, one `choice` per chosen answer (checkboxes repeat
/// the field), at most one idempotency key (`VOTE_KEY_FIELD`) and at most one language
/// (`VOTE_LANGUAGE_FIELD`, Dutch without it). The server function takes the answers joined by
/// commas, which answer keys never hold; the key reaches it as `VoteKey`, the language as the
/// `Words` in its context.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VoteForm {
    poll: String,
    choices: Vec<String>,
    key: Option<VoterId>,
    language: Language,
}

impl VoteForm {
    /// Reads the form body; a missing or repeated `poll`, a repeated or malformed key or
    /// language, or any other field, is `InvalidInput`.
    fn parse(body: &[u8]) -> Result<VoteForm, AppError> {
        let mut poll = None;
        let mut choices = Vec::new();
        let mut key = None;
        let mut language = None;
        for (name, value) in form_urlencoded::parse(body) {
            match name.as_ref() {
                "poll" if poll.is_none() => poll = Some(value.into_owned()),
                "choice" => choices.push(value.into_owned()),
                VOTE_KEY_FIELD if key.is_none() => {
                    key = Some(parse_key(&value).ok_or(AppError::InvalidInput)?);
                }
                VOTE_LANGUAGE_FIELD if language.is_none() => {
                    language = Some(Language::from_tag(&value).ok_or(AppError::InvalidInput)?);
                }
                _ => return Err(AppError::InvalidInput),
            }
        }
        let poll = poll.ok_or(AppError::InvalidInput)?;
        Ok(VoteForm {
            poll,
            choices,
            key,
            language: language.unwrap_or_default(),
        })
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

/// The refusal as the island reads it: the error's name and the reader's words for it in the
/// card's language, which the island shows as they are (its WASM carries none of them).
fn island_refusal(error: AppError, words: &Words) -> String {
    serde_json::json!({ "error": error, "message": words.error(error) }).to_string()
}

/// A vote's key: 32 lower-case hex digits, as a voter id is written, or a random UUID as the
/// browser's `crypto.randomUUID` writes them (the island sends it as it comes, which spares the
/// WASM a string edit); a UUID's version and variant digits are fixed, so it holds 122 random bits.
fn parse_key(text: &str) -> Option<VoterId> {
    let bytes = text.as_bytes();
    let uuid_shaped = bytes.len() == 36 && [8, 13, 18, 23].iter().all(|&dash| bytes[dash] == b'-');
    if uuid_shaped {
        VoterId::parse(&text.replace('-', ""))
    } else {
        VoterId::parse(text)
    }
}

/// The refusal with its status, in the language of `words`: for a browser without JavaScript the
/// form again with the reader's answers (a vote the node was too busy for) or else a short page,
/// both in the site's shell; for the island the encoded error it decodes.
async fn error_response(
    state: &WebState,
    uri: Uri,
    refusal: &Refusal,
    wants_html: bool,
    words: Words,
) -> Response {
    let error = refusal.error;
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let request = || {
        let mut request = Request::new(Body::empty());
        *request.uri_mut() = uri.clone();
        request
    };
    let form_again = match refusal.kept.as_deref() {
        Some((form, embedded)) if wants_html => {
            // The key the vote sent again carries: the form's own if it had one (a second try).
            let key = form.key.clone().map(Ok).unwrap_or_else(VoterId::generate);
            match key {
                Ok(key) if *embedded => {
                    embed::vote_refused_embed(
                        state,
                        request(),
                        &form.poll,
                        form.choices.clone(),
                        error,
                        key.as_str().to_string(),
                        form.language,
                    )
                    .await
                }
                Ok(key) => {
                    vote_refused_page(
                        state,
                        request(),
                        &form.poll,
                        form.choices.clone(),
                        error,
                        key.as_str().to_string(),
                        form.language,
                    )
                    .await
                }
                Err(error) => {
                    tracing::error!(%error, "no randomness for a vote's key");
                    None
                }
            }
        }
        _ => None,
    };
    let mut response = if let Some(page) = form_again {
        page
    } else if wants_html {
        let back = refusal
            .back_to_poll
            .clone()
            .unwrap_or_else(|| "/".to_string());
        let page_words = words.clone();
        let content = PageContent::new(words.clone(), move || {
            view! { <VoteRefused error back=back.clone() words=page_words.clone() /> }.into_any()
        });
        render_page(&state.leptos_options, content, request()).await
    } else {
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            island_refusal(error, &words),
        )
            .into_response()
    };
    *response.status_mut() = status;
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

    #[test]
    fn a_vote_names_its_language_once_and_dutch_is_the_default() {
        let french = VoteForm::parse(b"poll=p&choice=ja&lang=fr-BE").unwrap();
        assert_eq!(french.language, Language::French);
        assert_eq!(
            &french.encode()[..],
            b"poll=p&choice=ja",
            "the language reaches the server function as its words, not as a field"
        );
        assert_eq!(
            VoteForm::parse(b"poll=p").unwrap().language,
            Language::Dutch
        );
        for bad in [&b"poll=p&lang=de-BE"[..], b"poll=p&lang=fr-BE&lang=fr-BE"] {
            assert_eq!(VoteForm::parse(bad), Err(AppError::InvalidInput));
        }
    }

    #[test]
    fn a_key_is_a_voter_ids_32_hex_digits_or_a_uuid_and_nothing_else() {
        let hex = "0123456789abcdef0123456789abcdef";
        assert_eq!(parse_key(hex).unwrap().as_str(), hex);
        let uuid = "01234567-89ab-4def-8123-456789abcdef";
        assert_eq!(
            parse_key(uuid).unwrap().as_str(),
            "0123456789ab4def8123456789abcdef"
        );
        for bad in [
            "",
            "0123456789ABCDEF0123456789ABCDEF",
            "01234567-89ab-4def-8123-456789abcde",
            "0123456789ab-4def-8123-456789abcdef0",
            "01234567-89ab-4def-8123-456789abcdeg",
            "--------------------------------",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
        let form = VoteForm::parse(format!("poll=p&choice=ja&key={uuid}").as_bytes()).unwrap();
        assert!(form.key.is_some());
    }
}
