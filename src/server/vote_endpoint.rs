//! The HTTP door of the vote server function: the body limit, and the reply's shape. A plain form post
//! (no JavaScript) is sent back to the article's poll, or gets a Dutch error page with a 4xx/5xx; the
//! island's fetch gets the results or the encoded error.

use super::escape_markup;
use super::guard::{self, RateLimiter};
use super::state::AppState;
use super::unix_now;
use crate::article::article_path;
use crate::error::AppError;
use axum::Extension;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use leptos::server_fn::error::FromServerFnError;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Where the vote form posts; the `cast_vote` server function's address.
pub const VOTE_PATH: &str = "/api/stem";
/// A vote is two short fields; anything much larger is not a vote.
pub const MAX_VOTE_BODY: usize = 4 * 1024;
/// An encoded error is a short JSON string.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// Runs the vote server function and turns its failures into responses a reader understands.
pub async fn handle(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<RateLimiter>>,
    request: Request,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let wants_html = accepts_html(&parts.headers);
    if let Err(error) = guard::check_same_site(&parts.headers, &state.settings.base_url) {
        return error_response(error, wants_html, None);
    }
    // Only what a browser form sends; a text/plain or JSON body is not a vote (and text/plain is
    // what a cross-site page can send without asking).
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return error_response(AppError::InvalidInput, wants_html, None);
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let client = guard::client_address(peer, &parts.headers, state.settings.trusted_proxy);
    if let Err(wait) = limiter.check(client, Instant::now(), unix_now().div_euclid(86_400)) {
        let mut response = error_response(AppError::TooManyRequests, wants_html, None);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return response;
    }
    // The server function always answers as it does to the island. Left to itself it would send a
    // plain form post back to the Referer, with its error in the query string; this door decides
    // instead, from the poll the form names.
    parts
        .headers
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    // Refuse a declared oversize at once, rather than wait for a body that is never read.
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_VOTE_BODY as u64) {
        return error_response(AppError::PayloadTooLarge, wants_html, None);
    }
    let Ok(body) = to_bytes(body, MAX_VOTE_BODY).await else {
        return error_response(AppError::PayloadTooLarge, wants_html, None);
    };
    let form = match VoteForm::parse(&body) {
        Ok(form) => form,
        Err(error) => return error_response(error, wants_html, None),
    };
    let back_to_poll = state
        .library
        .poll(&form.poll)
        .map(|(article, _)| format!("{}#poll", article_path(&article.slug)));
    let body = form.encode();

    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let request = Request::from_parts(parts, Body::from(body));
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
        error_response(error, wants_html, back_to_poll),
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

/// The error with its status: a short Dutch page for a browser without JavaScript, else the
/// encoded error the island decodes.
pub fn error_response(error: AppError, wants_html: bool, back_to_poll: Option<String>) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if wants_html {
        let back = back_to_poll.unwrap_or_else(|| "/".to_string());
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"nl-BE\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"robots\" content=\"noindex\">\
             <title>Uw stem is niet geregistreerd | Stembus</title>\
             <link rel=\"stylesheet\" href=\"/pkg/stembus.css\"></head>\
             <body><main id=\"inhoud\" class=\"site-main\"><section class=\"error-notice\">\
             <h1>Uw stem is niet geregistreerd</h1><p>{}</p>\
             <p><a href=\"{}\">Terug naar de poll</a></p></section></main></body></html>\n",
            escape_markup(error.message()),
            escape_markup(&back),
        );
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            page,
        )
            .into_response()
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
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if error == AppError::Unavailable {
        // Nothing was stored; a client that retries after a short pause will most likely succeed.
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
