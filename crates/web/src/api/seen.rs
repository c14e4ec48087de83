//! How many readers saw a poll: `GET /api/polls/{poll_id}/seen.gif`, a transparent 1×1 image the
//! page asks for, lazily, when the poll comes into view (`loading="lazy"`: it works without
//! JavaScript and behind page caches, as the image is never cached), counted per poll and hour.
//!
//! Nothing of the reader is kept: no cookie is read or set, no identifier, no address. The rate
//! limit is the votes' (`guard::RateLimiter`, the same settings, a keyed hash of the address in
//! memory only), so one client reloading a page cannot inflate the count faster than it could vote.
//! Counts are added up in memory and written to the store every few seconds (`SeenCounts::flush`,
//! started at start-up and run once more at shut-down): a view is a hint, not a vote, and a write
//! per view would cost the store as much as a vote. Every node writes its own counts; the store
//! adds them up, so the figure is the sum over the nodes. Only views of an open poll count: a
//! participation rate is about readers who could vote.

use crate::address_part::AddressPart;
use crate::state::WebState;
// A view not counted is said as every API refusal is (JSON, in Dutch): a page's pixel shows
// nothing either way, and a newsroom's script that calls it reads why.
use super::results::api_refusal;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use stembus_poll::PollStatus;
use stembus_poll::error::AppError;
use stembus_site::cache_control;
use stembus_site::client_address::ClientAddress;
use stembus_site::guard::RateLimiter;
use stembus_store::Store;
use stembus_store::desk::HourViews;

/// The address of the image that counts a view of `poll_id`.
pub fn seen_path(poll_id: &str) -> String {
    format!("/api/polls/{poll_id}/seen.gif")
}

/// A transparent GIF of one pixel: the smallest image every browser shows.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// The views this node counted and has not written yet, per poll and hour, and the rate limit.
pub struct SeenCounts {
    pending: Mutex<HashMap<(String, i64), u64>>,
    limiter: RateLimiter,
}

impl SeenCounts {
    /// Counts with the votes' rate limit: `burst` at once, then `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> SeenCounts {
        SeenCounts {
            pending: Mutex::default(),
            limiter: RateLimiter::new(burst, per_minute),
        }
    }

    fn count(&self, poll_id: &str, at: i64) {
        let hour = at - at.rem_euclid(3_600);
        *self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry((poll_id.to_string(), hour))
            .or_default() += 1;
    }

    /// Writes the views counted since the last flush to `store`. Counts that could not be written
    /// are kept for the next flush.
    pub async fn flush(&self, store: &Store) {
        let taken: Vec<HourViews> = std::mem::take(
            &mut *self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
        .into_iter()
        .map(|((poll_id, hour), views)| HourViews {
            poll_id,
            hour,
            views,
        })
        .collect();
        if taken.is_empty() {
            return;
        }
        if store.add_views(&taken).await.is_err() {
            tracing::warn!(
                counts = taken.len(),
                "views could not be written; kept for the next flush"
            );
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for counted in taken {
                *pending.entry((counted.poll_id, counted.hour)).or_default() += counted.views;
            }
        }
    }
}

/// `GET /api/polls/{poll_id}/seen.gif`: counts a view of an open poll and answers the pixel; a
/// client past the rate limit gets 429 and is not counted, an unknown poll 404, an archived one
/// 410. Never cached, so every view reaches the node.
pub async fn seen(
    State(state): State<WebState>,
    AddressPart(poll_id): AddressPart,
    request: Request,
) -> Response {
    let library = state.library();
    let Some((_, poll)) = library.poll(&poll_id) else {
        return api_refusal(&state, state.missing_poll(&poll_id));
    };
    let ClientAddress(client) = ClientAddress::of(
        request.extensions(),
        request.headers(),
        state.settings.trusted_proxy,
    );
    let now = state.now();
    if state
        .seen_counts
        .limiter
        .check(client, Instant::now(), now.div_euclid(86_400))
        .is_err()
    {
        return api_refusal(&state, AppError::TooManyRequests);
    }
    if poll.status_at(now) == PollStatus::Open {
        state.seen_counts.count(&poll.id, now);
    }
    pixel()
}

/// The counted view's answer: the pixel, never kept.
fn pixel() -> Response {
    let mut response = PIXEL.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, cache_control::no_store());
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pixel_is_a_gif_of_one_by_one() {
        assert_eq!(&PIXEL[..6], b"GIF89a");
        assert_eq!((PIXEL[6], PIXEL[8]), (1, 1));
        assert_eq!(PIXEL.last(), Some(&0x3b), "the GIF trailer");
    }

    #[test]
    fn views_are_counted_per_poll_and_hour() {
        let counts = SeenCounts::new(5, 60);
        counts.count("a", 7_200);
        counts.count("a", 10_799);
        counts.count("a", 10_800);
        counts.count("b", 7_201);
        let pending = counts.pending.lock().unwrap();
        assert_eq!(pending[&("a".to_string(), 7_200)], 2);
        assert_eq!(pending[&("a".to_string(), 10_800)], 1);
        assert_eq!(pending[&("b".to_string(), 7_200)], 1);
    }
}
