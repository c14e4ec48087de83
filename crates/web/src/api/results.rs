//! The public results API: `GET /api/polls` and `GET /api/polls/{poll_id}` as JSON, the live stream
//! beside them (`live_results`), and the OpenAPI document that describes all three
//! (`/api/openapi.json`, written by hand in `openapi.json` and checked against the answers by the
//! router tests).
//!
//! The API answers the same for everyone: it reads no cookie, so the counts are those a reader who
//! did not vote may see (null where the poll's visibility hides them). That makes every answer
//! shareable: a short shared lifetime, an `ETag` for revalidation, and CORS open to every origin for
//! GET (tower-http's `CorsLayer`).

use crate::address_part::AddressPart;
use crate::api::{live_results, seen};
use crate::state::WebState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use stembus_messages::Words;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_poll::{PollDefinition, PollResults, PollStatus};
use stembus_site::cache_control;
use tower_http::cors::{Any, CorsLayer};

/// The OpenAPI 3.1 document of the API.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The API's routes, CORS open for GET.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/api/polls", get(polls))
        .route("/api/polls/{poll_id}", get(poll))
        .route("/api/polls/{poll_id}/live", get(live_results::live))
        .route("/api/polls/{poll_id}/seen.gif", get(seen::seen))
        .route("/api/openapi.json", get(openapi))
        .route(
            crate::api::standing_picture::PATH,
            get(crate::api::standing_picture::standing_picture),
        )
        // Under `/api` every answer is the API's JSON, also for a method or an address it does
        // not know (else axum's empty 405, or the site's Dutch page). The unknown address comes
        // after the fallback for other methods: it is a 404 whatever the method.
        .method_not_allowed_fallback(get_only)
        .route("/api/{*unknown}", any(unknown_address))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET]),
        )
}

/// A poll as the API describes it.
#[derive(Debug, Serialize)]
pub struct ApiPoll {
    pub id: String,
    pub question: String,
    /// `upcoming`, `open` or `closed`.
    pub status: &'static str,
    /// RFC 3339, or null.
    pub opens: Option<String>,
    pub closes: Option<String>,
    /// Null where the poll's visibility hides the standing from a reader who did not vote, or
    /// where it could not be read just now.
    pub voters: Option<u64>,
    /// How often the poll was seen while it was open (`seen.gif`), summed over the nodes, as
    /// written a few seconds ago; null where it could not be read just now.
    pub seen: Option<u64>,
    pub options: Vec<ApiOption>,
    /// The question and every answer's label in each language the poll speaks, by its tag
    /// (`nl-BE`, and `fr-BE` where the poll has its French texts); `question` and `label` above
    /// are the Dutch ones.
    pub texts: BTreeMap<&'static str, ApiTexts>,
}

/// A poll's words in one language.
#[derive(Debug, Serialize)]
pub struct ApiTexts {
    pub question: String,
    /// Every answer's label with its key, in the poll's order.
    pub options: Vec<ApiLabel>,
}

#[derive(Debug, Serialize)]
pub struct ApiLabel {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct ApiOption {
    pub key: String,
    pub label: String,
    pub votes: Option<u64>,
    pub percent: Option<u8>,
}

fn status_word(status: PollStatus) -> &'static str {
    match status {
        PollStatus::NotYetOpen => "upcoming",
        PollStatus::Open => "open",
        PollStatus::Closed => "closed",
    }
}

/// `poll` for the API at `now`: the standing only where a reader who did not vote sees it, and
/// `seen`, how often it was seen (`None`: it could not be read).
async fn describe(state: &WebState, poll: &PollDefinition, now: i64, seen: Option<u64>) -> ApiPoll {
    let status = poll.status_at(now);
    let results: Option<PollResults> = if poll.results_visible(status, false) {
        state
            .store
            .tally(&poll.id, None)
            .await
            .ok()
            .map(|tally| PollResults::from_counts(poll, &tally.counts, tally.voters))
    } else {
        None
    };
    ApiPoll {
        id: poll.id.clone(),
        question: poll.question.clone(),
        status: status_word(status),
        opens: poll.opens.map(|moment| moment.to_rfc3339()),
        closes: poll.closes.map(|moment| moment.to_rfc3339()),
        voters: results.as_ref().map(|results| results.voters),
        seen,
        options: poll
            .options
            .iter()
            .map(|option| {
                let row = results
                    .as_ref()
                    .and_then(|results| results.rows.iter().find(|row| row.key == option.key));
                ApiOption {
                    key: option.key.clone(),
                    label: option.label.clone(),
                    votes: row.map(|row| row.votes),
                    percent: row.map(|row| row.percent),
                }
            })
            .collect(),
        texts: poll
            .languages()
            .into_iter()
            .filter_map(|language| {
                let spoken = poll.in_language(language)?;
                let options = spoken
                    .options
                    .into_iter()
                    .map(|option| ApiLabel {
                        key: option.key,
                        label: option.label,
                    })
                    .collect();
                Some((
                    language.tag(),
                    ApiTexts {
                        question: spoken.question,
                        options,
                    },
                ))
            })
            .collect(),
    }
}

/// A JSON answer with the API's caching: `304` when the client's `If-None-Match` holds its tag.
fn json_answer(request_headers: &HeaderMap, body: String) -> Response {
    let tag = format!(
        "\"{}\"",
        Sha256::digest(body.as_bytes())[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|sent| {
            sent.split(',')
                .any(|one| one.trim().trim_start_matches("W/") == tag || one.trim() == "*")
        });
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control::RESULTS_API),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"0\"")),
        ),
    ];
    if matches {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, body).into_response()
    }
}

/// An API error as JSON, never stored.
pub fn api_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, cache_control::no_store()),
        ],
        serde_json::json!({ "error": message }).to_string(),
    )
        .into_response()
}

/// An address under `/api` that names nothing.
async fn unknown_address(State(state): State<WebState>) -> Response {
    api_refusal(&state, AppError::NotFound)
}

/// An API address asked with another method than GET (or HEAD).
async fn get_only(State(state): State<WebState>) -> Response {
    method_refused(&state, "api-get-only", "GET, HEAD")
}

/// The API's refusal of `error`, in Dutch, the API's language where none is asked.
pub(crate) fn api_refusal(state: &WebState, error: AppError) -> Response {
    api_error(status_of(error), &state.words(Language::Dutch).error(error))
}

/// A 405 saying (message `message_id`) which methods the address takes (`allow`).
pub(crate) fn method_refused(state: &WebState, message_id: &str, allow: &'static str) -> Response {
    let mut response = api_error(
        StatusCode::METHOD_NOT_ALLOWED,
        &state.words(Language::Dutch).text(message_id),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Polls in one answer of `GET /api/polls`: a newsroom keeps years of polls, and one answer with
/// all of them grew without end (1.3 MB at 5,000), each with a read of its standing.
pub const POLLS_PER_PAGE: usize = 100;

/// `GET /api/polls?page=N`: the polls on the site, newest first (by their opening, else their
/// article's publication), `POLLS_PER_PAGE` a page, with an RFC 8288 `Link` header to the next
/// page and the previous one. A page that is not a whole number from 1 is a 400, a page past the
/// last a 404 (the first page is there, empty, on a site without polls).
async fn polls(
    State(state): State<WebState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let page = match query.get("page").map(|page| page.trim()) {
        None => 1,
        Some(page) => match page.parse::<usize>() {
            Ok(page) if page >= 1 => page,
            _ => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "De pagina is een geheel getal vanaf 1.",
                );
            }
        },
    };
    let now = state.now();
    let library = state.library();
    // A poll a Dutch and a French article both show is listed once.
    let mut listed = std::collections::HashSet::new();
    let mut newest_first: Vec<(i64, &PollDefinition)> = library
        .articles()
        .iter()
        .filter(|article| {
            article
                .poll
                .as_ref()
                .is_some_and(|poll| listed.insert(poll.id.as_str()))
        })
        .filter_map(|article| {
            article.poll.as_ref().map(|poll| {
                // Opened with the article that defines it, not a later one naming it.
                let since = library
                    .opened(&poll.id)
                    .unwrap_or(article.published)
                    .unix_seconds();
                (since, poll)
            })
        })
        .chain(
            library
                .unplaced_polls()
                .iter()
                .map(|poll| (poll.opens.map_or(0, |opens| opens.unix_seconds()), poll)),
        )
        .collect();
    newest_first
        .sort_by(|(a_since, a), (b_since, b)| b_since.cmp(a_since).then_with(|| a.id.cmp(&b.id)));
    let pages = newest_first.len().div_ceil(POLLS_PER_PAGE).max(1);
    if page > pages {
        return api_error(StatusCode::NOT_FOUND, "Deze pagina bestaat niet (meer).");
    }
    // One read of every poll's views for the page, not one per poll.
    let seen: Option<HashMap<String, u64>> = state
        .store
        .view_totals()
        .await
        .ok()
        .map(|totals| totals.into_iter().collect());
    let mut described = Vec::new();
    for (_, poll) in newest_first
        .into_iter()
        .skip((page - 1) * POLLS_PER_PAGE)
        .take(POLLS_PER_PAGE)
    {
        let seen_poll = seen
            .as_ref()
            .map(|seen| seen.get(&poll.id).copied().unwrap_or(0));
        described.push(describe(&state, poll, now, seen_poll).await);
    }
    let mut answer = json_answer(
        &headers,
        serde_json::to_string(&described).unwrap_or_default(),
    );
    let base = &state.settings.base_url;
    let links: Vec<String> = [
        (page < pages).then(|| format!("<{base}/api/polls?page={}>; rel=\"next\"", page + 1)),
        (page > 1).then(|| format!("<{base}/api/polls?page={}>; rel=\"prev\"", page - 1)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Ok(link) = HeaderValue::from_str(&links.join(", "))
        && !links.is_empty()
    {
        answer.headers_mut().insert(header::LINK, link);
    }
    answer
}

/// `GET /api/polls/{poll_id}`.
async fn poll(
    State(state): State<WebState>,
    AddressPart(poll_id): AddressPart,
    headers: HeaderMap,
) -> Response {
    let library = state.library();
    let Some((_, poll)) = library.poll(&poll_id) else {
        let error = state.missing_poll(&poll_id);
        return api_refusal(&state, error);
    };
    let seen = seen_total(&state, &poll.id).await;
    let described = describe(&state, poll, state.now(), seen).await;
    json_answer(
        &headers,
        serde_json::to_string(&described).unwrap_or_default(),
    )
}

/// The language a request for the API's words asks for with `?lang=`: Dutch without it; `None`
/// for a language the site does not speak, which the caller refuses with 400.
fn asked_language(query: &HashMap<String, String>) -> Option<Language> {
    match query.get("lang") {
        None => Some(Language::Dutch),
        Some(tag) => Language::from_tag(tag),
    }
}

/// The poll `poll_id` and the words of the language `query` asks for (`?lang=`), or the status and
/// message of the API's refusal: 400 for a language the site does not speak, naming those it
/// does, else what `missing_poll` says (404, 410), in the words asked for. The poll is as defined
/// (its Dutch texts); callers that need it in the language take `PollDefinition::in_language`.
pub(crate) fn asked_poll(
    state: &WebState,
    poll_id: &str,
    query: &HashMap<String, String>,
) -> Result<(Words, PollDefinition), (StatusCode, String)> {
    let Some(language) = asked_language(query) else {
        // Said in French to a request for another French (`fr`, `fr-FR`), else in Dutch, the
        // API's language where none is asked.
        let french = query.get("lang").is_some_and(|tag| {
            let primary = tag.split(['-', '_']).next().unwrap_or_default();
            primary.eq_ignore_ascii_case("fr")
        });
        let words = state.words(if french {
            Language::French
        } else {
            Language::Dutch
        });
        return Err((StatusCode::BAD_REQUEST, words.text("api-unknown-language")));
    };
    let words = state.words(language);
    match state.library().poll(poll_id) {
        Some((_, poll)) => Ok((words, poll.clone())),
        None => {
            let error = state.missing_poll(poll_id);
            Err((status_of(error), words.error(error)))
        }
    }
}

/// How often the poll `poll_id` was seen, as the store holds it; `None` when it cannot be read.
pub(crate) async fn seen_total(state: &WebState, poll_id: &str) -> Option<u64> {
    state
        .store
        .views_per_hour(poll_id)
        .await
        .ok()
        .map(|hours| hours.iter().map(|(_, views)| views).sum())
}

/// The HTTP status of an API refusal for `error`.
pub(super) fn status_of(error: AppError) -> StatusCode {
    StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `GET /api/openapi.json`.
async fn openapi() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control::ONE_HOUR),
            ),
        ],
        OPENAPI,
    )
        .into_response()
}
