//! A vote that is not taken and the reply to it: the `Refusal` the door's checks and handler
//! answer with, and `shape_refusals`, around them all, which writes it in the form the client reads
//! and in the language of the card the vote came from: the form again with the reader's answers (a
//! vote the node was too busy for), a short page in the site's shell for a browser without
//! JavaScript, the error's name and words as JSON for the island.

use super::form::VoteForm;
use crate::embed;
use crate::pages::vote_refused_page;
use crate::state::WebState;
use crate::views::VoteRefused;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::{IntoAny, view};
use std::sync::Arc;
use stembus_content::Library;
use stembus_messages::Words;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_site::cache_control;
use stembus_site::render::{render_embed, render_page};
use stembus_site::shell::PageContent;
use stembus_site::voter_cookie::VoterId;

/// A vote the node refused before storing it, for the form shown again with the reader's answers:
/// the poll, the answers, why, the idempotency key the vote sent again carries, and the language of
/// the card it came from.
pub(crate) struct RefusedVote<'a> {
    pub(crate) poll_id: &'a str,
    pub(crate) choices: Vec<String>,
    pub(crate) error: AppError,
    pub(crate) retry_key: String,
    pub(crate) language: Language,
}

/// What writing a refusal needs: the state, and the embed's policy for a refusal the embed's frame
/// shows (a frame on another site would otherwise refuse to show it).
pub(super) struct Shaping {
    pub(super) state: WebState,
    pub(super) frame_policy: embed::FramePolicy,
}

/// A vote that is not taken, and where its error page links back to.
#[derive(Debug, Clone)]
pub(super) struct Refusal {
    pub(super) error: AppError,
    pub(super) back_to_poll: Option<String>,
    /// Seconds the client should wait before voting again (the rate limit, a full node).
    pub(super) retry_after: Option<u64>,
    /// The vote as the form sent it, when the reader without JavaScript gets the form back with
    /// their answers (a vote the node was too busy for), and whether it came from the embed.
    /// Boxed: the checks pass refusals around by value.
    pub(super) kept: Option<Box<(VoteForm, bool)>>,
    /// The language of the card the vote came from, once the form is read; before that, the
    /// language of the page it came from (`embed::referer_language`).
    pub(super) language: Option<Language>,
    /// How many answers the poll takes, once its form is read: a reader who ticked too many is
    /// told the number.
    pub(super) most_choices: Option<u8>,
}

impl Refusal {
    pub(super) fn new(error: AppError) -> Refusal {
        Refusal {
            error,
            back_to_poll: None,
            retry_after: None,
            kept: None,
            language: None,
            most_choices: None,
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

/// Writes the reply to a refused vote (or to a body the limit cut off) in the form the client
/// reads, keeping the refusal's `Retry-After` and any voter cookie that was set.
pub(super) async fn shape_refusals(
    State(shaping): State<Arc<Shaping>>,
    request: Request,
    next: Next,
) -> Response {
    let state = &shaping.state;
    let wants_html = accepts_html(request.headers());
    let embedded = embed::from_embed(request.headers());
    let page_language = embed::referer_language(request.headers());
    // Kept as it came: read only for a refusal that lacks its way back, so that a vote taken
    // never pays for it.
    let referer = request.headers().get(header::REFERER).cloned();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let refusal = match response.extensions().get::<Refusal>() {
        // Refused before its form was read (too many votes, another site, not a form): back to
        // the poll the reader came from, when that is one of this site's.
        Some(refusal) if refusal.back_to_poll.is_none() => Refusal {
            back_to_poll: referer
                .as_ref()
                .and_then(embed::path_of_referer)
                .and_then(|path| poll_page_at(&state.library(), path)),
            ..refusal.clone()
        },
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
    let page = error_response(state, uri, &refusal, wants_html, embedded, words).await;
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

/// `path` (a `Referer`'s, query and fragment dropped) with `#poll` when it is the address of one of
/// the site's articles or of a known poll's embed, in either language; anything else (another
/// site's path, `//host/…`) is not a way back.
fn poll_page_at(library: &Library, path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    // The last segment is an article's slug or a poll's id; the whole path must be its address.
    let (_, name) = path.rsplit_once('/')?;
    let article = library
        .article(name)
        .is_some_and(|article| article.path() == path);
    let embed = library.poll(name).is_some()
        && Language::ALL
            .into_iter()
            .any(|language| embed::embed_path(name, language) == path);
    (article || embed).then(|| format!("{path}#poll"))
}

/// The refusal as the island reads it: the error's name and the reader's words for it in the
/// card's language, which the island shows as they are (its WASM carries none of them).
fn island_refusal(refusal: &Refusal, words: &Words) -> String {
    let message = refusal_message(refusal, words);
    serde_json::json!({ "error": refusal.error, "message": message }).to_string()
}

/// What the reader reads of a refusal: the error's words, and for too many answers ticked how
/// many the poll takes, when its form was read.
fn refusal_message(refusal: &Refusal, words: &Words) -> String {
    match refusal.most_choices {
        Some(most) if refusal.error == AppError::TooManyChoices => {
            words.counted("error-too-many-choices-at-most", u64::from(most))
        }
        _ => words.error(refusal.error),
    }
}

/// The refusal with its status, in the language of `words`: for a browser without JavaScript the
/// form again with the reader's answers (a vote the node was too busy for) or else a short page,
/// both in the site's shell, or the embed's for a vote from the embed (`embedded`: the site's
/// header and footer would lead to pages that refuse to be framed); for the island the encoded
/// error it decodes.
async fn error_response(
    state: &WebState,
    uri: Uri,
    refusal: &Refusal,
    wants_html: bool,
    embedded: bool,
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
            match form.key.clone().map(Ok).unwrap_or_else(VoterId::generate) {
                Ok(key) => {
                    let vote = RefusedVote {
                        poll_id: &form.poll,
                        choices: form.choices.clone(),
                        error,
                        retry_key: key.as_str().to_string(),
                        language: form.language,
                    };
                    if *embedded {
                        embed::vote_refused_embed(state, request(), vote).await
                    } else {
                        vote_refused_page(state, request(), vote).await
                    }
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
        let message = refusal_message(refusal, &words);
        // A frame that keeps no cookie sends the reader to vote in a window of the site's own.
        let new_window = embedded && error == AppError::CookiesBlocked;
        let content = PageContent::new(words.clone(), move || {
            view! {
                <VoteRefused
                    message=message.clone()
                    back=back.clone()
                    words=page_words.clone()
                    new_window
                />
            }
            .into_any()
        });
        if embedded {
            render_embed(&state.leptos_options, content, request()).await
        } else {
            render_page(&state.leptos_options, content, request()).await
        }
    } else {
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            island_refusal(refusal, &words),
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

/// `reply` with the cookies the server function set on `original`.
pub(super) fn with_cookies_of(original: &Response, mut reply: Response) -> Response {
    for cookie in original.headers().get_all(header::SET_COOKIE) {
        reply
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    reply
}

/// Whether the client asks for a page (a browser without JavaScript) rather than the island's JSON.
pub(super) fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}
