//! The page cache, for the pages of the page table (`crate::pages`): such a page as a reader without
//! a vote sees it is the same for everyone, so it is rendered once per process, kept in memory with
//! its brotli and gzip forms, and served with an entity tag and a `Cache-Control` a CDN may honour.
//! A reader with a voter cookie sees their own vote, so they get the page as every reader with the
//! same own answers sees it, kept `VOTER_PAGE_TTL` per set of answers and marked `private`.
//!
//! Only a page's own spelling of its address is kept: the site's addresses hold letters, digits,
//! dashes and slashes, so a path with a percent sign (`/artikel/%64eepseek`, which the router reads
//! as `/artikel/deepseek`) is rendered for its request alone, like a query string. Kept by the path
//! as sent, a thousand spellings of one article took a thousand places and left no room for any
//! page. A full cache first drops what has expired.
//!
//! A kept page is rendered anew after `PAGE_TTL`, and dropped at once when the content or the
//! desk changes its poll (the content tells the listener `WebState` registered, which calls
//! `forget`). The TTL bounds what else moves with the clock alone: a poll opens, closes, and then
//! shows its counts to everyone. A re-render with the same bytes keeps its entity tag, so caches
//! that revalidate get a 304 and nothing moves.

use super::encoding::{Accepted, Representation, brotli, gzip};
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use stembus_site::cache_control::{PRIVATE_PAGE, PUBLIC_PAGE};
pub use stembus_site::metrics::LookupCounters;
use stembus_site::voter_cookie::VoterId;
use tokio::sync::OnceCell;

/// How long a rendered page is served from memory before it is rendered again.
pub const PAGE_TTL: Duration = Duration::from_secs(60);
/// How long a voter's page (the page as every reader with the same own answers sees it) is served
/// from memory: the standing a voter sees is at most this old.
pub const VOTER_PAGE_TTL: Duration = Duration::from_secs(2);
/// Voter pages kept at most (per path, one per set of own answers: a handful per poll).
const MAX_VOTER_PAGES: usize = 4096;
/// Marks a rendered page that must not be kept here (it lacks part of its data); it is sent to the
/// reader who asked, with the `Cache-Control` the page set, and rendered anew for the next one.
#[derive(Debug, Clone, Copy)]
pub struct NotShareable;
/// The same address is a different page with a voter cookie, and compressed differently per client.
const VARY: &str = "accept-encoding, cookie";
/// Only pages that rendered with 200 are kept, so only real articles; this bounds the memory even
/// when a client asks for thousands of made-up addresses.
const MAX_PAGES: usize = 1024;
/// Per-request compression of a private page: fast settings, the page is small and used once.
const PRIVATE_BROTLI_QUALITY: u32 = 4;
const PRIVATE_GZIP_LEVEL: u32 = 5;
/// A rendered page is a few tens of KB; anything near this is not a page we want in memory.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// A page and when it was rendered.
struct Kept {
    page: Representation,
    rendered: Instant,
}

type Slot = Arc<OnceCell<Kept>>;

type Slots<K> = Arc<Mutex<HashMap<K, Slot>>>;

/// The rendered pages for readers without a vote, by path, and the voters' pages, by path and own
/// answers. Cloning shares the cache.
#[derive(Clone)]
pub struct PageCache {
    pages: Slots<String>,
    ttl: Duration,
    voter_pages: Slots<(String, String)>,
    counters: LookupCounters,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::with_ttl(PAGE_TTL)
    }
}

impl PageCache {
    pub fn new() -> PageCache {
        PageCache::default()
    }

    /// A cache whose pages are rendered again after `ttl`.
    pub fn with_ttl(ttl: Duration) -> PageCache {
        PageCache {
            pages: Arc::default(),
            ttl,
            voter_pages: Arc::default(),
            counters: LookupCounters::default(),
        }
    }

    /// The same cache, counting its hits and misses in `counters` (the metrics' own).
    pub fn counted(mut self, counters: LookupCounters) -> PageCache {
        self.counters = counters;
        self
    }

    /// The shared page for `request` when it is in memory and fresh (a GET or HEAD without a query
    /// string and without a well-formed voter cookie), answered at once; `None` when `serve` has
    /// more to do. Synchronous, so that the hot path carries no render future; `serve` answers the
    /// same requests the same way, later.
    pub fn kept_page(&self, request: &Request) -> Option<Response> {
        if !is_shared(request) {
            return None;
        }
        let slot = {
            let slots = lock(&self.pages);
            let slot = slots.get(request.uri().path())?;
            let kept = slot.get()?;
            if kept.rendered.elapsed() >= self.ttl {
                return None;
            }
            slot.clone()
        };
        self.counters.hits.inc();
        slot.get().map(|kept| kept.page.respond(request.headers()))
    }

    /// Answers `request` for a page that `render` produces.
    ///
    /// A GET or HEAD without a query string and without a well-formed voter cookie gets the shared
    /// page: rendered on the first request for that path (concurrent first requests wait for the one
    /// render), later from memory, with `304` for a matching `If-None-Match`. Anything else is
    /// rendered for this request alone and marked `private`. A page that does not render with 200
    /// (an unknown article) is passed on as it is and not kept.
    pub async fn serve<R, F>(&self, request: Request, render: R) -> Response
    where
        R: FnOnce(Request) -> F,
        F: Future<Output = Response>,
    {
        if !is_shared(&request) {
            let headers = request.headers().clone();
            return private_response(render(request).await, &headers).await;
        }

        let path = request.uri().path();
        let Some(slot) = slot(&self.pages, path, self.ttl, MAX_PAGES) else {
            let headers = request.headers().clone();
            return private_response(render(request).await, &headers).await;
        };
        let forget = |uri: &Uri| forget_if_empty(&self.pages, uri.path());
        self.serve_kept(slot, forget, PUBLIC_PAGE, request, render)
            .await
    }

    /// Answers `request`, from a reader with a voter cookie, with the page as every reader whose own
    /// answers are `answers` sees it: rendered once per `VOTER_PAGE_TTL` (by `render`, from a request
    /// without the cookie; the page must depend on the reader only through `answers`), sent
    /// `private`. A query string, a method other than GET or HEAD, or a full cache: rendered for this
    /// request alone.
    pub async fn serve_voter<R, F>(&self, request: Request, answers: String, render: R) -> Response
    where
        R: FnOnce(Request) -> F,
        F: Future<Output = Response>,
    {
        let cacheable = matches!(*request.method(), Method::GET | Method::HEAD)
            && request.uri().query().is_none()
            && is_own_spelling(request.uri());
        let key = (request.uri().path().to_string(), answers);
        let slot = cacheable
            .then(|| slot(&self.voter_pages, &key, VOTER_PAGE_TTL, MAX_VOTER_PAGES))
            .flatten();
        let Some(slot) = slot else {
            self.counters.misses.inc();
            let headers = request.headers().clone();
            return private_response(render(request).await, &headers).await;
        };
        let forget = |_: &Uri| forget_if_empty(&self.voter_pages, &key);
        self.serve_kept(slot, forget, PRIVATE_PAGE, request, render)
            .await
    }

    /// Serves the page kept in `slot`, rendering it first when it is empty; `forget` drops the
    /// slot when the render cannot be kept.
    async fn serve_kept<R, F>(
        &self,
        slot: Slot,
        forget: impl FnOnce(&Uri),
        cache_control: &'static str,
        request: Request,
        render: R,
    ) -> Response
    where
        R: FnOnce(Request) -> F,
        F: Future<Output = Response>,
    {
        // The page is rendered from an anonymous request of its own: this one is needed only for its
        // path and its headers, which are taken rather than copied.
        let (parts, _) = request.into_parts();
        let (uri, headers) = (parts.uri, parts.headers);
        let mut rendered_here = false;
        let rendered = slot
            .get_or_try_init(|| async {
                rendered_here = true;
                // Rendered from a request that carries nothing of this reader: no cookie, no
                // language, nothing a page could (now or later) vary on by accident.
                let anonymous = Request::get(uri.path())
                    .header(header::ACCEPT, "text/html")
                    .body(Body::empty())
                    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
                let response = render(anonymous).await;
                if response.status() != StatusCode::OK
                    || response.extensions().get::<NotShareable>().is_some()
                {
                    return Err(response);
                }
                let page = compress_once(response, cache_control).await?;
                Ok(Kept {
                    page,
                    rendered: Instant::now(),
                })
            })
            .await;
        if rendered_here {
            self.counters.misses.inc();
        } else {
            self.counters.hits.inc();
        }
        match rendered {
            Ok(kept) => kept.page.respond(&headers),
            Err(response) => {
                forget(&uri);
                private_response(response, &headers).await
            }
        }
    }

    /// Drops the kept pages of `path`, voters' pages too: the next reader gets it rendered anew (a
    /// poll was changed).
    pub fn forget(&self, path: &str) {
        lock(&self.pages).remove(path);
        lock(&self.voter_pages).retain(|(kept, _), _| kept != path);
    }

    /// Drops every kept page (the content was read again).
    pub fn clear(&self) {
        lock(&self.pages).clear();
        lock(&self.voter_pages).clear();
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        let pages = self
            .pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pages.values().filter(|slot| slot.initialized()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether `uri` spells its path as the site writes its addresses: without percent-encoding.
fn is_own_spelling(uri: &Uri) -> bool {
    !uri.path().contains('%')
}

/// Whether `request` asks for the page every reader without a vote sees.
fn is_shared(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD)
        && request.uri().query().is_none()
        && is_own_spelling(request.uri())
        && VoterId::from_headers(request.headers()).is_none()
}

fn lock<K>(slots: &Slots<K>) -> std::sync::MutexGuard<'_, HashMap<K, Slot>> {
    slots
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The slot for `key` in `slots`: the kept one while it is younger than `ttl`, else a new one (made
/// when there are fewer than `max`) that the next render fills. Readers holding the old slot finish
/// with the old page.
fn slot<K, Q>(slots: &Slots<K>, key: &Q, ttl: Duration, max: usize) -> Option<Slot>
where
    K: std::hash::Hash + Eq + Borrow<Q>,
    Q: std::hash::Hash + Eq + ToOwned<Owned = K> + ?Sized,
{
    let mut slots = lock(slots);
    if let Some(slot) = slots.get(key) {
        let expired = slot
            .get()
            .is_some_and(|kept| kept.rendered.elapsed() >= ttl);
        if !expired {
            return Some(slot.clone());
        }
        slots.remove(key);
    }
    if slots.len() >= max {
        // Expired pages stay until their address is asked again; a full cache makes room first.
        slots.retain(|_, slot| slot.get().is_none_or(|kept| kept.rendered.elapsed() < ttl));
    }
    if slots.len() >= max {
        return None;
    }
    let slot = Slot::default();
    slots.insert(key.to_owned(), slot.clone());
    Some(slot)
}

/// Drops a slot whose render failed, so an unknown address leaves nothing behind.
fn forget_if_empty<K, Q>(slots: &Slots<K>, key: &Q)
where
    K: std::hash::Hash + Eq + Borrow<Q>,
    Q: std::hash::Hash + Eq + ?Sized,
{
    let mut slots = lock(slots);
    if slots.get(key).is_some_and(|slot| !slot.initialized()) {
        slots.remove(key);
    }
}

/// A kept page with its brotli (best) and gzip (best) forms, computed once.
async fn compress_once(
    response: Response,
    cache_control: &'static str,
) -> Result<Representation, Response> {
    let (parts, body) = response.into_parts();
    let Ok(html) = to_bytes(body, MAX_PAGE_BYTES).await else {
        return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("text/html; charset=utf-8"));
    // Brotli 11 on a page takes milliseconds: once per process, off the async workers.
    let compressed = tokio::task::spawn_blocking(move || {
        let brotli = brotli(&html, 11);
        let gzip = gzip(&html, 9);
        (html, brotli, gzip)
    })
    .await;
    let Ok((html, brotli, gzip)) = compressed else {
        return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    Ok(
        Representation::new(content_type, HeaderValue::from_static(cache_control), html)
            .with_vary(HeaderValue::from_static(VARY))
            .with_brotli(brotli)
            .with_gzip(gzip),
    )
}

/// A page rendered for one request: never stored by a shared cache (`private`, unless the page set
/// a stricter `Cache-Control` itself), compressed quickly if the client accepts it. Other statuses
/// (a 404, a redirect) keep their body as it is.
pub async fn private_response(response: Response, request: &HeaderMap) -> Response {
    let (mut parts, body) = response.into_parts();
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts.headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PRIVATE_PAGE),
        );
    }
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static(VARY));
    if parts.status != StatusCode::OK || parts.headers.contains_key(header::CONTENT_ENCODING) {
        return Response::from_parts(parts, body);
    }
    let Ok(html) = to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let accepted = Accepted::from_headers(request);
    let (encoding, body) = if accepted.brotli {
        (
            Some("br"),
            Bytes::from(brotli(&html, PRIVATE_BROTLI_QUALITY)),
        )
    } else if accepted.gzip {
        (Some("gzip"), Bytes::from(gzip(&html, PRIVATE_GZIP_LEVEL)))
    } else {
        (None, html)
    };
    if let Some(encoding) = encoding {
        parts
            .headers
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
