//! A news article as the newsroom wrote it: its text, lead image and poll, and its address.

use serde::{Deserialize, Serialize};
use stembus_poll::PollDefinition;
use stembus_poll::language::Language;
use stembus_poll::moment::Moment;

/// An article as the newsroom wrote it, with its optional poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The last part of the article's address, `/artikel/<slug>` (`/fr/article/<slug>` in French).
    pub slug: String,
    pub title: String,
    /// The opening paragraph, shown in bold above the body and on the front page.
    pub lead: String,
    /// The meta description for search engines and link previews.
    pub description: String,
    pub author: String,
    pub source: String,
    pub published: Moment,
    pub updated: Option<Moment>,
    pub tags: Vec<String>,
    pub image: Option<LeadImage>,
    /// The body as HTML, rendered from the editor's Markdown with any raw HTML escaped.
    pub body_html: String,
    pub reading_minutes: u32,
    /// The language the article is written in, and its page speaks (`lang` in the front matter).
    #[serde(default)]
    pub language: Language,
    /// The poll at the bottom: the content file's own, or, as served, the poll `desk_poll` names
    /// (in the article's language, as `PollDefinition::in_language` gives it on the page).
    pub poll: Option<PollDefinition>,
    /// The id of a poll defined elsewhere that this article shows (`poll = "id"` in its front
    /// matter): made in the desk, or another article's in the other language; the library as
    /// served puts that poll in `poll`.
    #[serde(default)]
    pub desk_poll: Option<String>,
}

/// The picture above an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadImage {
    /// The address of the file on this site, e.g. `/afbeeldingen/poll.svg`.
    pub path: String,
    pub alt: String,
    pub credit: String,
    /// Intrinsic size in pixels, so the page reserves its space before the picture arrives.
    pub width: u32,
    pub height: u32,
}

impl Article {
    /// The article's address on the site.
    pub fn path(&self) -> String {
        article_path(&self.slug, self.language)
    }

    /// The article's full public address on the site at `base_url`.
    pub fn url(&self, base_url: &str) -> String {
        format!("{base_url}{}", self.path())
    }

    /// The last time the article changed: its update, else its publication.
    pub fn last_modified(&self) -> Moment {
        self.updated.unwrap_or(self.published)
    }
}

/// The address of the article with this slug in `language`: `/artikel/<slug>` in Dutch,
/// `/fr/article/<slug>` in French, the addresses the page table routes.
pub fn article_path(slug: &str, language: Language) -> String {
    match language {
        Language::Dutch => format!("/artikel/{slug}"),
        Language::French => format!("/fr/article/{slug}"),
    }
}
