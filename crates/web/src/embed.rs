//! The embeddable poll: `/embed/{poll_id}` (and `/fr/embed/{poll_id}` in French, for a poll that
//! has its French texts), the poll alone for a frame on the newsroom's other pages, and the oEmbed
//! endpoint (`/oembed?url=…`) that hands out the frame's HTML.
//!
//! Only the origins in `embed_origins` may frame it (`frame-ancestors`). Inside a frame on another
//! site many browsers keep no cookie, and without the voter cookie one reader could vote again and
//! again. So the embed hands out the voter cookie with the page (partitioned to the embedding site
//! on https), and the vote door refuses a vote from the embed that arrives without one (see
//! `from_embed`): the reader is told that their vote was not counted and where to vote instead.

use crate::address_part::AddressPart;
use crate::reader_poll::{Reader, poll_for_reader};
use crate::security_headers::{self, Framable};
use crate::state::WebState;
use crate::views::{EmbeddedPoll, PollFacts, SharedPicture};
use crate::vote::refusal::RefusedVote;
use axum::Router;
use axum::extract::{Extension, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;
use stembus_content::article::Article;
use stembus_messages::{Arg, Words};
use stembus_poll::PollView;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_site::cache_control;
pub use stembus_site::embed_code::{
    FRAME_HEIGHT, FRAME_WIDTH, embed_path, frame_title, iframe_html,
};
use stembus_site::render::render_embed;
use stembus_site::shell::{PageContent, language_of_path};
use stembus_site::voter_cookie::VoterId;

/// The narrowest frame the poll is laid out for (the embed's style sheet).
const MIN_FRAME_WIDTH: u32 = 280;
/// The lowest frame oEmbed hands out: the kicker, the question and the first answers; a frame as
/// low as a few lines, or of no height, would hide the poll it is for.
const MIN_FRAME_HEIGHT: u32 = 240;
/// How long a consumer may keep an oEmbed answer (its `cache_age`, and `max-age`): the frame's
/// title is the question an editor may reword, and an archived poll's frame is gone.
const OEMBED_CACHE_AGE_SECONDS: u32 = 60;

/// The embed's own policy: the site's, with the embedding origins as frame ancestors. What the
/// embed's frame shows (the poll, and a vote's refusal from it) carries it.
#[derive(Clone)]
pub struct FramePolicy(HeaderValue);

/// The embed and oEmbed routes. Call with the state whose `output_name` the built files set, as
/// the site's own policy is computed from it.
pub fn routes(state: &WebState) -> Router<WebState> {
    Router::new()
        .route("/embed/{poll_id}", get(embed_in::<DUTCH>))
        .route("/fr/embed/{poll_id}", get(embed_in::<FRENCH>))
        .route("/oembed", get(oembed))
        .layer(Extension(Arc::new(frame_policy(state))))
}

/// The embed's policy for `state` (see `routes`).
pub fn frame_policy(state: &WebState) -> FramePolicy {
    let site_policy = security_headers::security_headers(&state.leptos_options, &state.settings)
        .into_iter()
        .find(|(name, _)| name == header::CONTENT_SECURITY_POLICY)
        .map(|(_, value)| value.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    let ancestors = std::iter::once("'self'".to_string())
        .chain(state.settings.embed_origins.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let policy = site_policy.replace(
        "frame-ancestors 'self'",
        &format!("frame-ancestors {ancestors}"),
    );
    FramePolicy(
        HeaderValue::from_str(&policy)
            .unwrap_or(HeaderValue::from_static("frame-ancestors 'self'")),
    )
}

/// The oEmbed address for `url` (an article's or an embed's full address).
pub fn oembed_url(base_url: &str, url: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("url", url)
        .append_pair("format", "json")
        .finish();
    format!("{base_url}/oembed?{query}")
}

/// Whether a vote comes from the embedded poll: sent by its frame (a browser navigating a frame
/// says `Sec-Fetch-Dest: iframe`), or from its page (the `Referer`, which our policy
/// `strict-origin-when-cross-origin` keeps whole for requests to this site).
pub fn from_embed(headers: &HeaderMap) -> bool {
    let framed = headers
        .get("sec-fetch-dest")
        .is_some_and(|dest| dest.as_bytes().eq_ignore_ascii_case(b"iframe"));
    let from_embed_page = referer_path(headers).is_some_and(|path| {
        Language::ALL
            .into_iter()
            .any(|language| path.starts_with(&embed_path("", language)))
    });
    framed || from_embed_page
}

/// The path of the page a request came from (its `Referer`), when it names one.
pub fn referer_path(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::REFERER).and_then(path_of_referer)
}

/// The path a `Referer` value names, when it names one.
pub fn path_of_referer(referer: &HeaderValue) -> Option<&str> {
    referer
        .to_str()
        .ok()
        .and_then(|referer| referer.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
}

/// The language of the page a request came from: French from a page under `/fr/`, else Dutch.
pub fn referer_language(headers: &HeaderMap) -> Language {
    referer_path(headers).map_or(Language::Dutch, language_of_path)
}

/// The embed's languages as route parameters (a handler per language, no parsing of the path).
const DUTCH: u8 = 0;
const FRENCH: u8 = 1;

fn language_of(code: u8) -> Language {
    if code == FRENCH {
        Language::French
    } else {
        Language::Dutch
    }
}

/// `GET /embed/{poll_id}` and `GET /fr/embed/{poll_id}`.
async fn embed_in<const LANGUAGE: u8>(
    state: State<WebState>,
    policy: Extension<Arc<FramePolicy>>,
    poll_id: AddressPart,
    request: Request,
) -> Response {
    embed(state, policy, poll_id, language_of(LANGUAGE), request).await
}

/// The poll alone, in `language`. A reader without a voter cookie is given one with the page, so
/// that a vote from the frame can show it came from a browser that keeps it. A poll without texts
/// in `language` is not there in that language (404, in that language).
async fn embed(
    State(state): State<WebState>,
    Extension(policy): Extension<Arc<FramePolicy>>,
    AddressPart(poll_id): AddressPart,
    language: Language,
    request: Request,
) -> Response {
    let library = state.library();
    let words = state.words(language);
    let found = library.poll_in(&poll_id, language).map(|(article, poll)| {
        let poll = poll.in_language(language);
        (article, poll)
    });
    let Some((article, Some(poll))) = found else {
        let error = match found {
            Some(_) => AppError::UnknownPoll,
            None => state.missing_poll(&poll_id),
        };
        let content = PageContent::embed_error(words, error);
        let mut response = render_embed(&state.leptos_options, content, request).await;
        *response.status_mut() =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::NOT_FOUND);
        // Kept by no cache: an archived poll put back, or a poll given its French, is there again
        // the moment the editor says so.
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control::PRIVATE_NO_STORE),
        );
        return with_policy(response, &policy);
    };
    let voter = VoterId::from_headers(request.headers());
    let query = request.uri().query().unwrap_or_default();
    let changing = query.split('&').any(|pair| pair == "wijzigen");
    // `?keuze=ja`: a link (the desk's newsletter block) suggests an answer; it is only ticked.
    let suggested = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == crate::pages::SUGGESTED_ANSWER)
        .map(|(_, value)| value.into_owned());
    let (view, facts) = poll_for_reader(
        &state,
        Reader::Voter(voter.clone()),
        changing,
        &embed_path(&poll.id, language),
        article,
        &poll,
    )
    .await;
    let view = match suggested {
        Some(key) => view.suggesting(&key),
        None => view,
    };
    // Back from a vote without JavaScript that was not taken (see `vote::door`).
    let view = match crate::vote::door::second_vote_in(Some(query)) {
        Some(submitted) => view.voted_again(&submitted),
        None => view,
    };
    let mut response = embed_page(&state, request, article, view, facts, words).await;
    if voter.is_none() {
        match VoterId::generate() {
            Ok(fresh) => {
                response.headers_mut().append(
                    header::SET_COOKIE,
                    fresh.embed_cookie(state.settings.is_https()),
                );
            }
            Err(error) => tracing::error!(%error, "no randomness for a voter id"),
        }
    }
    // Rendered for this reader (their vote, their cookie): no cache keeps it.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control::PRIVATE_NO_STORE),
    );
    with_policy(response, &policy)
}

/// The embed with the poll of `vote` again, for a reader without JavaScript whose vote from the
/// frame the node refused before storing it: as `pages::vote_refused_page` does for the article.
/// `None` for a poll readers are not served in the card's language.
pub(crate) async fn vote_refused_embed(
    state: &WebState,
    request: Request,
    vote: RefusedVote<'_>,
) -> Option<Response> {
    let RefusedVote {
        poll_id,
        choices,
        error,
        retry_key,
        language,
    } = vote;
    let library = state.library();
    let (article, poll) = library.poll_in(poll_id, language)?;
    let poll = poll.in_language(language)?;
    let (view, facts) = poll_for_reader(
        state,
        Reader::WithAnswers(Vec::new()),
        false,
        &embed_path(&poll.id, language),
        article,
        &poll,
    )
    .await;
    let view = view.vote_refused(choices, error, retry_key);
    let words = state.words(language);
    Some(embed_page(state, request, article, view, facts, words).await)
}

/// The embed's page for `view`, rendered for `request`.
async fn embed_page(
    state: &WebState,
    request: Request,
    article: Option<&Article>,
    view: PollView,
    facts: PollFacts,
    words: Words,
) -> Response {
    let base_url = &state.settings.base_url;
    let article = article.map(|article| (article.url(base_url), article.title.clone()));
    let site_url = format!("{base_url}/");
    let picture = SharedPicture::of(&view, base_url, &words);
    let page_words = words.clone();
    let content = PageContent::new(words, move || {
        let (view, facts, article, site_url, picture, words) = (
            view.clone(),
            facts.clone(),
            article.clone(),
            site_url.clone(),
            picture.clone(),
            page_words.clone(),
        );
        view! { <EmbeddedPoll view facts article site_url picture words /> }.into_any()
    });
    render_embed(&state.leptos_options, content, request).await
}

/// `response` with the embed's policy: other sites' frames may show it.
pub fn with_policy(mut response: Response, policy: &FramePolicy) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, policy.0.clone());
    response.extensions_mut().insert(Framable);
    response
}

/// An oEmbed refusal: plain JSON, status as the oEmbed spec asks (404 unknown, 501 format), kept
/// by no cache (a poll archived today may be put back) and readable from any origin, as the answer.
fn oembed_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, cache_control::no_store()),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        serde_json::json!({ "error": message }).to_string(),
    )
        .into_response()
}

/// `GET /oembed?url=…[&maxwidth=…][&maxheight=…][&format=json]`: the frame for an article with a
/// poll, or for an embed address.
async fn oembed(
    State(state): State<WebState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if query.get("format").is_some_and(|format| format != "json") {
        return oembed_error(
            StatusCode::NOT_IMPLEMENTED,
            "Alleen het formaat json wordt ondersteund.",
        );
    }
    let base = &state.settings.base_url;
    let Some(path) = query
        .get("url")
        .and_then(|url| url.strip_prefix(base.as_str()))
        .map(|path| {
            path.split(['?', '#'])
                .next()
                .unwrap_or_default()
                .to_string()
        })
    else {
        return oembed_error(
            StatusCode::NOT_FOUND,
            "Dit adres is geen poll van deze site.",
        );
    };
    let library = state.library();
    let language = language_of_path(&path);
    let words = state.words(language);
    let article_prefix = stembus_content::article::article_path("", language);
    let found = if let Some(slug) = path.strip_prefix(&article_prefix) {
        library
            .article(slug)
            .filter(|article| article.language == language)
            .and_then(|article| article.poll.as_ref().map(|poll| (Some(article), poll)))
    } else if let Some(poll_id) = path.strip_prefix(&embed_path("", language)) {
        if state.content.desk().is_archived(poll_id) {
            return oembed_error(StatusCode::GONE, &words.error(AppError::PollArchived));
        }
        library.poll_in(poll_id, language)
    } else {
        None
    };
    let found = found.and_then(|(article, poll)| Some((article, poll.in_language(language)?)));
    let Some((article, poll)) = found else {
        return oembed_error(
            StatusCode::NOT_FOUND,
            "Dit adres is geen poll van deze site.",
        );
    };
    // A desk-made poll no article shows is the newsroom's own.
    let author = article.map_or("Redactie Stembus", |article| article.author.as_str());
    // The spec: the frame must fit `maxwidth` × `maxheight`. One narrower or lower than the poll
    // can be read in is no frame of it: 404, as for an address without one.
    let limit = |key: &str| query.get(key).and_then(|value| value.parse::<u32>().ok());
    let width = limit("maxwidth").map_or(FRAME_WIDTH, |max| max.min(FRAME_WIDTH));
    let height = limit("maxheight").map_or(FRAME_HEIGHT, |max| max.min(FRAME_HEIGHT));
    if width < MIN_FRAME_WIDTH || height < MIN_FRAME_HEIGHT {
        let (width, height) = (MIN_FRAME_WIDTH.to_string(), MIN_FRAME_HEIGHT.to_string());
        let message = words.with(
            "oembed-too-small",
            &[("width", Arg::Text(&width)), ("height", Arg::Text(&height))],
        );
        return oembed_error(StatusCode::NOT_FOUND, &message);
    }
    let title = frame_title(&poll.question, &words);
    let html = iframe_html(base, &poll, &words, width, height);
    let body = serde_json::json!({
        "version": "1.0",
        "type": "rich",
        "provider_name": "Stembus",
        "provider_url": format!("{base}/"),
        "title": title,
        "author_name": author,
        "html": html,
        "width": width,
        "height": height,
        "cache_age": OEMBED_CACHE_AGE_SECONDS,
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control::OEMBED),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stembus_poll::test_support::headers;

    #[test]
    fn a_vote_from_the_embed_is_known_by_its_frame_or_its_page() {
        assert!(from_embed(&headers(&[("sec-fetch-dest", "iframe")])));
        assert!(from_embed(&headers(&[(
            "referer",
            "https://stembus.example/embed/deepseek-schade-nvidia"
        )])));
        assert!(!from_embed(&headers(&[(
            "referer",
            "https://stembus.example/artikel/deepseek-nvidia-beurswaarde"
        )])));
        assert!(!from_embed(&headers(&[("sec-fetch-dest", "document")])));
        assert!(!from_embed(&headers(&[])));
    }

    #[test]
    fn the_oembed_address_carries_the_url_encoded() {
        assert_eq!(
            oembed_url("https://s.example", "https://s.example/artikel/a b"),
            "https://s.example/oembed?url=https%3A%2F%2Fs.example%2Fartikel%2Fa+b&format=json"
        );
    }
}
