//! Every `Cache-Control` value the site sends, each with who may keep the answer and why: a route
//! picks one of these, so what a cache may do with an answer is decided here and nowhere else.

use axum::http::HeaderValue;

/// A reader's page without a vote of theirs: browsers revalidate every time (a reader who just
/// voted without JavaScript must get their own page, not the form from their browser's cache);
/// shared caches may keep it as long as this server does (`PAGE_TTL`), so a reader sees a page at
/// most two TTLs old.
pub const PUBLIC_PAGE: &str = "public, max-age=0, must-revalidate, s-maxage=60";
/// A page with this reader's own vote in it: no shared cache may keep it.
pub const PRIVATE_PAGE: &str = "private, no-cache";
/// An answer nobody may keep: an editor's page, a page whose figures could not be read, a vote's
/// answer, a live stream, health and metrics (each is about this moment or this person).
pub const NO_STORE: &str = "no-store";
/// The embed, rendered for this reader (their vote, their cookie) inside another site's frame.
pub const PRIVATE_NO_STORE: &str = "private, no-store";
/// The results API: figures any cache may share for a few seconds, so a burst of readers on a
/// newsroom's other pages costs this server one read per poll every five seconds at most.
pub const RESULTS_API: &str = "public, max-age=5, s-maxage=5";
/// A poll's standing as a picture (`/api/polls/{id}/standing.png`): the same for everyone, and
/// rendered at most once per ten seconds per poll and language, so browsers and shared caches may
/// keep it that long; a link preview or a newsletter that fetches it again gets it anew after that.
pub const STANDING_PICTURE: &str = "public, max-age=10";
/// The feed, sitemap and robots.txt: they change when an article does, which is rare.
pub const DISCOVERY: &str = "public, max-age=300";
/// Documents that change with a release only: the OpenAPI document.
pub const ONE_HOUR: &str = "public, max-age=3600";
/// oEmbed's answer: its title is the poll's question, which an editor may reword in the desk, and
/// an archived poll's frame is gone; a minute, as its `cache_age` says.
pub const OEMBED: &str = "public, max-age=60";
/// Built files under names that change whenever their content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `NO_STORE` as a header value.
pub fn no_store() -> HeaderValue {
    HeaderValue::from_static(NO_STORE)
}
