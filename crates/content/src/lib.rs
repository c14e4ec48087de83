//! The articles and their polls as the site serves them (the library), loaded from the content
//! folder: one Markdown file per article, with TOML front matter between `+++` lines. The folder
//! is watched in `folder`, a file parsed and checked in `parse`, its body rendered in `markdown`,
//! and `current` is the library as it changes while the site runs.

pub mod article;
pub mod current;
mod folder;
pub mod identifier;
mod markdown;
mod parse;
#[cfg(test)]
mod tests;

pub use folder::ContentFolder;
pub use markdown::render_markdown;
pub use parse::parse_article;

use crate::article::Article;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use stembus_poll::PollDefinition;
use stembus_poll::language::Language;
use stembus_poll::moment::Moment;

/// The articles the site serves, newest first, and the polls made in the desk that no article
/// shows (reachable by their embed and the API).
#[derive(Debug, Clone, Default)]
pub struct Library {
    articles: Vec<Article>,
    /// The content file each article came from, by slug; empty for a library built from articles.
    files: HashMap<String, String>,
    /// Desk-made polls on the site that no article shows, newest first.
    unplaced: Vec<PollDefinition>,
}

/// What to do with a content file that does not pass validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BadContent {
    /// Stop start-up: what an editor previewing locally wants to hear at once.
    Stop,
    /// Log the file and serve the others: one broken file must not take a live site down.
    Skip,
}

/// Why the content could not be loaded; the message names the file and the field.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("cannot read content folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("{file}: {problem}")]
    File { file: String, problem: String },
}

/// A content file that does not pass, as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentProblem {
    /// The file's name within the content folder, like `deepseek-nvidia-beurswaarde.md`.
    pub file: String,
    /// What is wrong, naming the field.
    pub problem: String,
}

impl Library {
    /// Reads every `.md` file in `dir`. A bad file stops loading (`Stop`) or is logged and left out
    /// (`Skip`); either way its message names the file and the field.
    pub fn load(dir: &Path, bad_content: BadContent) -> Result<Library, ContentError> {
        ContentFolder::load(dir, bad_content).map(|folder| folder.library())
    }

    /// Builds a library from articles already checked to have unique slugs and poll ids.
    fn from_articles(mut articles: Vec<Article>, files: HashMap<String, String>) -> Library {
        articles.sort_by(|a, b| b.published.cmp(&a.published).then(a.slug.cmp(&b.slug)));
        Library {
            articles,
            files,
            unplaced: Vec::new(),
        }
    }

    /// This library with `polls` (desk-made, on the site, shown by no article) beside its
    /// articles. Their ids must differ from the articles' polls'.
    pub fn with_unplaced_polls(mut self, polls: Vec<PollDefinition>) -> Library {
        self.unplaced = polls;
        self
    }

    /// Builds a library from parsed articles; slugs and poll ids must be unique.
    pub fn new(articles: Vec<Article>) -> Result<Library, String> {
        let mut checked = Vec::with_capacity(articles.len());
        for article in articles {
            let article = check_unique(&checked, article)?;
            checked.push(article);
        }
        Ok(Library::from_articles(checked, HashMap::new()))
    }

    /// Every article, newest first.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// The article with this slug.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        self.articles.iter().find(|article| article.slug == slug)
    }

    /// The name of the content file (within the folder) the article with this slug came from;
    /// `None` for an unknown slug or a library built from articles (`Library::new`).
    pub fn file_of(&self, slug: &str) -> Option<&str> {
        self.files.get(slug).map(String::as_str)
    }

    /// The poll with this id and the article in `language` that shows it (`None` for a poll no
    /// article in that language shows, which its embed still does).
    pub fn poll_in(
        &self,
        poll_id: &str,
        language: Language,
    ) -> Option<(Option<&Article>, &PollDefinition)> {
        let (_, poll) = self.poll(poll_id)?;
        let article = self.articles.iter().find(|article| {
            article.language == language
                && article.poll.as_ref().is_some_and(|poll| poll.id == poll_id)
        });
        Some((article, poll))
    }

    /// When the poll with this id opened: its `opens`, else the publication of the article whose
    /// file defines it, in whichever language. Not the article a page shows it with: a French
    /// article naming a Dutch article's poll came later, and an embed may have no article in its
    /// language at all. `None` for a poll the library does not hold.
    pub fn opened(&self, poll_id: &str) -> Option<Moment> {
        let (_, poll) = self.poll(poll_id)?;
        poll.opens.or_else(|| {
            self.articles
                .iter()
                .find(|article| {
                    article.desk_poll.is_none()
                        && article.poll.as_ref().is_some_and(|poll| poll.id == poll_id)
                })
                .map(|article| article.published)
        })
    }

    /// The poll with this id and the article that shows it: the Dutch one, where a Dutch and a
    /// French article both do, else the first, newest first (`None` for a desk-made poll that only
    /// its embed shows).
    pub fn poll(&self, poll_id: &str) -> Option<(Option<&Article>, &PollDefinition)> {
        let showing =
            |article: &&Article| article.poll.as_ref().is_some_and(|poll| poll.id == poll_id);
        let dutch = self
            .articles
            .iter()
            .filter(showing)
            .find(|article| article.language == Language::Dutch);
        dutch
            .or_else(|| self.articles.iter().find(showing))
            .and_then(|article| article.poll.as_ref().map(|poll| (Some(article), poll)))
            .or_else(|| self.poll_without_article(poll_id))
    }

    fn poll_without_article(&self, poll_id: &str) -> Option<(Option<&Article>, &PollDefinition)> {
        self.unplaced
            .iter()
            .find(|poll| poll.id == poll_id)
            .map(|poll| (None, poll))
    }

    /// Every poll on the site, once each: the articles' (newest article first; a poll a Dutch
    /// and a French article both show, once), then the desk-made ones no article shows.
    pub fn polls(&self) -> impl Iterator<Item = &PollDefinition> {
        let mut seen = HashSet::new();
        self.articles
            .iter()
            .filter_map(|article| article.poll.as_ref())
            .filter(move |poll| seen.insert(poll.id.as_str()))
            .chain(self.unplaced.iter())
    }

    /// The desk-made polls on the site that no article shows, newest first.
    pub fn unplaced_polls(&self) -> &[PollDefinition] {
        &self.unplaced
    }

    /// Up to `limit` other articles sharing a tag with `article`: most shared tags first, then newest.
    pub fn related(&self, article: &Article, limit: usize) -> Vec<&Article> {
        let mut scored: Vec<(usize, &Article)> = self
            .articles
            .iter()
            .filter(|other| other.slug != article.slug)
            .map(|other| {
                let shared = other
                    .tags
                    .iter()
                    .filter(|tag| article.tags.contains(tag))
                    .count();
                (shared, other)
            })
            .filter(|(shared, _)| *shared > 0)
            .collect();
        // Stable sort over a newest-first list: equal scores stay newest first.
        scored.sort_by_key(|(shared, _)| std::cmp::Reverse(*shared));
        scored
            .into_iter()
            .take(limit)
            .map(|(_, other)| other)
            .collect()
    }
}

fn check_unique(existing: &[Article], article: Article) -> Result<Article, String> {
    if existing.iter().any(|other| other.slug == article.slug) {
        return Err(taken("slug", &article.slug, None));
    }
    // One poll may be shown by one article per language, and is then the same poll (the library
    // as served places a named poll so); two definitions under one id are two polls.
    if let Some(poll) = &article.poll
        && existing.iter().any(|other| {
            other.poll.as_ref().is_some_and(|other_poll| {
                other_poll.id == poll.id
                    && (other.language == article.language || other_poll != poll)
            })
        })
    {
        return Err(taken("poll.id", &poll.id, None));
    }
    Ok(article)
}

/// The problem of an article claiming a `field` value another article has, in `holder` if known.
fn taken(field: &str, value: &str, holder: Option<&str>) -> String {
    match holder {
        Some(holder) => {
            format!("field `{field}`: `{value}` is used by another article, in {holder}")
        }
        None => format!("field `{field}`: `{value}` is used by another article"),
    }
}
