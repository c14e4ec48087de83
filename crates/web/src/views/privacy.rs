//! `/privacy` and `/fr/vie-privee`: what Stembus keeps about a reader and for how long, in plain
//! Dutch or French, with the figures of the configuration in force.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use serde::{Deserialize, Serialize};
use stembus_messages::{Arg, Words};
use stembus_site::shell::PageTitle;

/// The figures the privacy page states, read from the running site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyPageData {
    /// The voter cookie's name.
    pub cookie_name: String,
    /// How many days the browser keeps the voter cookie.
    pub cookie_days: u32,
    /// How many days after a poll closes its ballots keep their voter ids.
    pub voter_retention_days: u32,
    /// The rate limit: votes one address may send at once, and how many a minute after that.
    pub vote_burst: u32,
    pub votes_per_minute: u32,
    pub canonical_url: String,
    /// The page in each language.
    pub versions: super::Versions,
}

/// The privacy page: the voter cookie, the vote in the database, the rate limit, no IP addresses,
/// and what a vote on another site's frame means; in the language of `words`.
#[component]
pub fn PrivacyPage(data: PrivacyPageData, words: Words) -> impl IntoView {
    let PrivacyPageData {
        cookie_name,
        cookie_days,
        voter_retention_days,
        vote_burst,
        votes_per_minute,
        canonical_url,
        versions,
    } = data;
    let days = |n: u32| words.counted("privacy-days", u64::from(n));
    let removal = match voter_retention_days {
        0 => words.text("privacy-removal-at-close"),
        n => words.with("privacy-removal-after", &[("days", Arg::Text(&days(n)))]),
    };
    let cookie_kept = words.with(
        "privacy-cookie-kept",
        &[("days", Arg::Text(&days(cookie_days)))],
    );
    let (burst, per_minute) = (
        words.votes(u64::from(vote_burst)),
        words.votes(u64::from(votes_per_minute)),
    );
    let flood_limit = words.with(
        "privacy-flood-limit",
        &[
            ("burst", Arg::Text(&burst)),
            ("per-minute", Arg::Text(&per_minute)),
        ],
    );
    let text = |id: &str| words.text(id);
    view! {
        <PageTitle text=text("privacy-page-title") />
        <Meta name="description" content=text("privacy-description") />
        <Link rel="canonical" href=canonical_url />
        <super::LanguageVersions versions own=words.language() />
        <article class="article privacy">
            <h1 class="article-title">{text("privacy-title")}</h1>
            <div class="article-body">
                <p>{text("privacy-intro")}</p>
                <h2>{text("privacy-cookie-title")}</h2>
                <p>
                    {text("privacy-cookie-named") + " "} <code>{cookie_name}</code>
                    {text("privacy-cookie-holds")}
                </p>
                <p>{cookie_kept}</p>
                <h2>{text("privacy-vote-title")}</h2>
                <p>
                    {text("privacy-vote-kept") + " "} {removal}
                    {" ".to_string() + &text("privacy-vote-remains")}
                </p>
                <p>{text("privacy-memory")}</p>
                <h2>{text("privacy-flood-title")}</h2>
                <p>{flood_limit} {" ".to_string() + &text("privacy-flood-hash")}</p>
                <h2>{text("privacy-seen-title")}</h2>
                <p>{text("privacy-seen")}</p>
                <h2>{text("privacy-no-ip-title")}</h2>
                <p>{text("privacy-no-ip")}</p>
                <h2>{text("privacy-two-sites-title")}</h2>
                <p>{text("privacy-two-sites")}</p>
            </div>
        </article>
    }
}
