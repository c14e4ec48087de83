//! `GET /api/polls/{poll_id}/standing.png[?lang=fr-BE]`: the poll's standing as a picture
//! (`stembus-picture`), for link previews (`og:image`), the desk's download and newsletters.
//!
//! The picture is the same for everyone (figures only where a reader who did not vote may see
//! them), so it is cheap at any rate: each poll's picture in each language is rendered at most
//! once per `FRESH_FOR` seconds of the state's clock, kept in memory and answered from there;
//! readers who ask while it renders wait for that one render. The render runs off the async
//! runtime (`spawn_blocking`). Answers carry a strong `ETag` (a hash of the bytes, so an unchanged
//! standing keeps its tag across renders), `If-None-Match` gets a 304, and shared caches may keep
//! it `cache_control::STANDING_PICTURE`. An archived poll answers 410, an unknown one, or one
//! without French texts asked in French, 404, as the results API does.
//!
//! A closed poll's standing moves only when an editor voids or restores a window: once its last
//! votes are surely stored (a minute after the close) its picture says when the poll closed (not
//! when it was drawn, so every render is the same bytes with the same tag) and is kept until the
//! content changes (at most an hour), not rendered again every ten seconds for as long as
//! newsletters and previews of it are opened.

use super::results::{api_error, asked_poll};
use crate::address_part::AddressPart;
use crate::state::WebState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use stembus_messages::Words;
use stembus_picture::Standing;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_poll::{PollDefinition, PollResults, PollStatus};
use stembus_site::cache_control;
use tokio::sync::OnceCell;

/// The picture's address.
pub const PATH: &str = "/api/polls/{poll_id}/standing.png";
/// How long a rendered picture is served before the next request renders it again, in seconds.
pub const FRESH_FOR: i64 = 10;
/// How long a closed poll's picture is kept (until the content changes, at most this): it cannot
/// move but by an editor's void, which clears it at once; the bound keeps a cache full of old
/// polls' pictures from staying full.
pub const CLOSED_FRESH_FOR: i64 = 3600;
/// How long after its close a poll's standing is taken as final: a vote accepted in the poll's
/// last moment is stored within milliseconds (on every node); until then its picture is drawn
/// like an open poll's.
const SETTLED_AFTER: i64 = 60;
/// Pictures kept at most: two per poll a newsroom serves is far below it; past it a picture is
/// rendered for its request alone rather than kept.
const MAX_KEPT: usize = 4096;

/// A rendered picture, its entity tag and when it was rendered (seconds of the state's clock).
struct Kept {
    png: Bytes,
    tag: HeaderValue,
    rendered_at: i64,
    /// Of a closed poll: fresh until the content changes (`StandingPictures::clear`).
    closed: bool,
}

type Slot = Arc<OnceCell<Kept>>;

/// The rendered pictures, by poll id and language, and how many renders were made.
#[derive(Default)]
pub struct StandingPictures {
    kept: Mutex<HashMap<(String, Language), Slot>>,
    renders: AtomicU64,
}

impl StandingPictures {
    pub fn new() -> StandingPictures {
        StandingPictures::default()
    }

    /// Forgets every kept picture: the content changed (an editor voided a window of a closed
    /// poll, reworded a question), and the next request renders it anew.
    pub fn clear(&self) {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// How many pictures this node has rendered since it started.
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }

    /// The slot of `key` at `now`: the kept one while it is fresh or still rendering, else a new
    /// one that the next render fills (readers holding the old slot finish with the old bytes).
    /// `None` when the cache is full of fresh pictures of open polls (a full cache first drops
    /// the closed polls' pictures, then any that expired).
    fn slot(&self, key: (String, Language), now: i64) -> Option<Slot> {
        let fresh = |slot: &Slot| {
            slot.get().is_none_or(|kept| {
                let keep_for = if kept.closed {
                    CLOSED_FRESH_FOR
                } else {
                    FRESH_FOR
                };
                now >= kept.rendered_at && now - kept.rendered_at < keep_for
            })
        };
        let open = |slot: &Slot| slot.get().is_none_or(|kept| !kept.closed);
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(slot) = kept.get(&key).filter(|slot| fresh(slot)) {
            return Some(slot.clone());
        }
        if kept.len() >= MAX_KEPT {
            kept.retain(|_, slot| open(slot) && fresh(slot));
            if kept.len() >= MAX_KEPT {
                return None;
            }
        }
        let slot = Slot::default();
        kept.insert(key, slot.clone());
        Some(slot)
    }
}

/// `GET /api/polls/{poll_id}/standing.png[?lang=fr-BE]`.
pub async fn standing_picture(
    State(state): State<WebState>,
    AddressPart(poll_id): AddressPart,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (words, poll) = match asked_poll(&state, &poll_id, &query) {
        Ok(asked) => asked,
        Err((status, message)) => return api_error(status, &message),
    };
    let language = words.language();
    let Some(poll) = poll.in_language(language) else {
        return api_error(StatusCode::NOT_FOUND, &words.error(AppError::UnknownPoll));
    };
    let now = state.now();
    match state
        .standing_pictures
        .slot((poll.id.clone(), language), now)
    {
        Some(slot) => match slot
            .get_or_try_init(|| render(&state, &poll, now, words))
            .await
        {
            Ok(kept) => answer(kept, &headers),
            Err(refusal) => refusal,
        },
        None => match render(&state, &poll, now, words).await {
            Ok(kept) => answer(&kept, &headers),
            Err(refusal) => refusal,
        },
    }
}

/// Reads the standing `poll` (in the picture's language) shows at `now`, when it is public, and
/// renders its picture off the runtime. A standing that cannot be read is a 503, not a picture
/// without figures, and is not kept.
async fn render(
    state: &WebState,
    poll: &PollDefinition,
    now: i64,
    words: Words,
) -> Result<Kept, Response> {
    let status = poll.status_at(now);
    let public = poll.results_visible(status, false);
    // A closed poll's standing is as it was when it closed: drawn as of then, once its last votes
    // are surely stored.
    let closed_at = (status == PollStatus::Closed)
        .then(|| poll.closes.map(|closes| closes.unix_seconds()))
        .flatten()
        .filter(|closed_at| now >= closed_at + SETTLED_AFTER);
    let results: Option<PollResults> = if public {
        match state.store.tally(&poll.id, None).await {
            Ok(tally) => Some(PollResults::from_counts(poll, &tally.counts, tally.voters)),
            Err(error) => {
                tracing::warn!(%error, poll = %poll.id, "no standing for the picture");
                return Err(api_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &words.text("live-unavailable"),
                ));
            }
        }
    } else {
        None
    };
    let poll = poll.clone();
    let unavailable = words.error(AppError::Internal);
    let rendered = tokio::task::spawn_blocking(move || {
        let standing = Standing {
            poll: &poll,
            results: results.as_ref(),
            at: closed_at.unwrap_or(now),
        };
        stembus_picture::render(&standing, &words)
    })
    .await;
    let png = match rendered {
        Ok(Ok(png)) => png,
        Ok(Err(error)) => {
            tracing::error!(%error, "the standing's picture did not render");
            return Err(api_error(StatusCode::INTERNAL_SERVER_ERROR, &unavailable));
        }
        Err(error) => {
            tracing::error!(%error, "the standing's picture's render stopped");
            return Err(api_error(StatusCode::INTERNAL_SERVER_ERROR, &unavailable));
        }
    };
    state
        .standing_pictures
        .renders
        .fetch_add(1, Ordering::Relaxed);
    let digest: String = Sha256::digest(&png)[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let tag = HeaderValue::from_str(&format!("\"{digest}\""))
        .unwrap_or(HeaderValue::from_static("\"0\""));
    Ok(Kept {
        png: Bytes::from(png),
        tag,
        rendered_at: now,
        closed: closed_at.is_some(),
    })
}

/// The kept picture for a request with `request_headers`: 304 when its `If-None-Match` names the
/// tag (or `*`).
fn answer(kept: &Kept, request_headers: &HeaderMap) -> Response {
    let tag = kept.tag.as_bytes();
    let matches = request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|sent| sent == "*" || sent.trim_start_matches("W/").as_bytes() == tag);
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control::STANDING_PICTURE),
        ),
        (header::ETAG, kept.tag.clone()),
    ];
    if matches {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, kept.png.clone()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(rendered_at: i64) -> Kept {
        Kept {
            png: Bytes::from_static(b"png"),
            tag: HeaderValue::from_static("\"abc\""),
            rendered_at,
            closed: false,
        }
    }

    #[test]
    fn a_slot_is_kept_for_ten_seconds_then_replaced() {
        let pictures = StandingPictures::new();
        let key = ("p".to_string(), Language::Dutch);
        let first = pictures.slot(key.clone(), 100).unwrap();
        assert!(first.set(kept(100)).is_ok());
        let same = pictures.slot(key.clone(), 109).unwrap();
        assert!(Arc::ptr_eq(&first, &same), "fresh for ten seconds");
        let other_language = pictures
            .slot(("p".to_string(), Language::French), 109)
            .unwrap();
        assert!(!Arc::ptr_eq(&first, &other_language), "one per language");
        let next = pictures.slot(key.clone(), 110).unwrap();
        assert!(!Arc::ptr_eq(&first, &next), "rendered again after ten");
        assert!(next.get().is_none());
    }

    #[test]
    fn a_matching_tag_gets_a_304_and_another_the_picture() {
        let picture = kept(0);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", \"abc\""),
        );
        assert_eq!(
            answer(&picture, &headers).status(),
            StatusCode::NOT_MODIFIED
        );
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        let response = answer(&picture, &headers);
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "image/png");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=10"
        );
    }
}
