//! The web room's state: the site's shared parts, and what only readers' requests keep: the page
//! cache, each voter's own answers, the live-result streams and the views counted. The server builds it once; the
//! page cache hears from the content what changed.

use crate::api::live_results::LiveResults;
use crate::api::seen::SeenCounts;
use crate::api::standing_picture::StandingPictures;
use crate::delivery::page_cache::{PageCache, VOTER_PAGE_TTL};
use crate::vote::own_answers::OwnAnswers;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::ops::Deref;
use std::sync::Arc;
use stembus_content::current::ContentChange;
use stembus_site::state::SiteState;

/// A handle on the web room's parts; it reads as the `SiteState` below it too.
#[derive(Clone)]
pub struct WebState(Arc<WebParts>);

#[derive(Clone)]
pub struct WebParts {
    pub site: SiteState,
    /// The kept pages, which the content drops when a poll changes.
    pub page_cache: PageCache,
    /// What each voter chose, so that their pages need no store read.
    pub own_answers: Arc<OwnAnswers>,
    /// The live-result streams of this node.
    pub live_results: Arc<LiveResults>,
    /// The views of polls this node counted and has not written yet.
    pub seen_counts: Arc<SeenCounts>,
    /// Each poll's standing as a picture, rendered at most once per ten seconds.
    pub standing_pictures: Arc<StandingPictures>,
}

impl Deref for WebState {
    type Target = WebParts;

    fn deref(&self) -> &WebParts {
        &self.0
    }
}

impl Deref for WebParts {
    type Target = SiteState;

    fn deref(&self) -> &SiteState {
        &self.site
    }
}

impl FromRef<WebState> for SiteState {
    fn from_ref(state: &WebState) -> SiteState {
        state.site.clone()
    }
}

impl FromRef<WebState> for LeptosOptions {
    fn from_ref(state: &WebState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

impl WebState {
    /// The web room on `site`, holding at most `live_streams_max` live-result streams (counted in
    /// the site's metrics), with a page cache counting into them too.
    pub fn new(site: SiteState, live_streams_max: u32) -> WebState {
        let parts = WebParts {
            page_cache: counted_page_cache(&site),
            own_answers: Arc::new(OwnAnswers::for_engine(site.store.engine(), VOTER_PAGE_TTL)),
            live_results: live_results(&site, live_streams_max),
            seen_counts: Arc::new(SeenCounts::new(
                site.settings.vote_burst,
                site.settings.votes_per_minute,
            )),
            standing_pictures: standing_pictures(&site),
            site,
        };
        WebState(Arc::new(parts))
    }

    /// The same room with an empty page cache of its own (counting into the same metrics): a
    /// router that keeps no page of another's.
    pub fn with_empty_page_cache(&self) -> WebState {
        let mut parts = (*self.0).clone();
        parts.page_cache = counted_page_cache(&self.site);
        WebState(Arc::new(parts))
    }

    /// The same room on another `site` (the built files' hashed name set).
    pub fn with_site(&self, site: SiteState) -> WebState {
        let mut parts = (*self.0).clone();
        parts.site = site;
        WebState(Arc::new(parts))
    }
}

/// The standing's pictures, which the content drops when it changes.
fn standing_pictures(site: &SiteState) -> Arc<StandingPictures> {
    let pictures = Arc::new(StandingPictures::new());
    let kept = Arc::downgrade(&pictures);
    site.content.on_change(Box::new(move |_| {
        if let Some(pictures) = kept.upgrade() {
            pictures.clear();
        }
    }));
    pictures
}

/// The live-result streams, whose readings the content wakes when it changes.
fn live_results(site: &SiteState, live_streams_max: u32) -> Arc<LiveResults> {
    let live = LiveResults::new(live_streams_max, site.metrics.live_streams.clone());
    let woken = Arc::downgrade(&live);
    site.content.on_change(Box::new(move |_| {
        if let Some(live) = woken.upgrade() {
            live.content_changed();
        }
    }));
    live
}

/// A page cache counting into the site's metrics, which drops the pages the content says changed.
fn counted_page_cache(site: &SiteState) -> PageCache {
    let cache = PageCache::new().counted(site.metrics.page_cache_counters());
    let kept = cache.clone();
    site.content.on_change(Box::new(move |change| match change {
        ContentChange::Everything => kept.clear(),
        ContentChange::Pages(paths) => {
            for path in paths {
                kept.forget(path);
            }
        }
    }));
    cache
}
