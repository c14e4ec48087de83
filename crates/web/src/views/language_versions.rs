//! The other language's version of a page, named in its `<head>` (and for an article in the
//! sitemap): search engines then send a French reader to the French article and a Dutch one to the
//! Dutch, instead of taking them for two unrelated pages.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use std::collections::HashMap;
use stembus_content::Library;
use stembus_content::article::Article;
use stembus_poll::language::Language;

/// A page's address in each language it is in, this page's own among them.
pub type Versions = Vec<(Language, String)>;

/// `article` and the articles in the other languages that show its poll: the same story, each
/// in its language (a French article naming a Dutch article's poll). For one page: it searches the
/// library; the sitemap, which asks for every article, uses `ArticleVersions`.
pub fn article_versions(library: &Library, article: &Article, base_url: &str) -> Versions {
    versions_of(article, base_url, |poll_id, language| {
        library.poll_in(poll_id, language)?.0
    })
}

/// Every article's versions, from one pass over the library: a search per article, as
/// `article_versions` makes, would cost the sitemap of years of articles their number squared.
pub struct ArticleVersions<'a> {
    /// The articles that show each poll, in the library's order.
    showing: HashMap<&'a str, Vec<&'a Article>>,
}

impl<'a> ArticleVersions<'a> {
    pub fn of(library: &'a Library) -> ArticleVersions<'a> {
        let mut showing: HashMap<&str, Vec<&Article>> = HashMap::new();
        for article in library.articles() {
            if let Some(poll) = &article.poll {
                showing.entry(poll.id.as_str()).or_default().push(article);
            }
        }
        ArticleVersions { showing }
    }

    /// What `article_versions` gives for `article`, an article of the library.
    pub fn of_article(&self, article: &'a Article, base_url: &str) -> Versions {
        versions_of(article, base_url, |poll_id, language| {
            self.showing
                .get(poll_id)?
                .iter()
                .find(|other| other.language == language)
                .copied()
        })
    }
}

/// `article`'s address in its language and, for an article with a poll, in each other language
/// the article `shown_in(poll, language)` finds shows that poll in.
fn versions_of<'a>(
    article: &'a Article,
    base_url: &str,
    shown_in: impl Fn(&str, Language) -> Option<&'a Article>,
) -> Versions {
    let Some(poll) = &article.poll else {
        return vec![(article.language, article.url(base_url))];
    };
    Language::ALL
        .into_iter()
        .filter_map(|language| {
            let shown_in = if language == article.language {
                article
            } else {
                shown_in(&poll.id, language)?
            };
            Some((language, shown_in.url(base_url)))
        })
        .collect()
}

/// `<link rel="alternate" hreflang>` for every version (the page's own too, as search engines
/// ask), and `og:locale:alternate` for the others; nothing for a page in one language.
#[component]
pub fn LanguageVersions(versions: Versions, own: Language) -> impl IntoView {
    (versions.len() > 1).then(|| {
        versions
            .into_iter()
            .map(|(language, href)| {
                let other = (language != own)
                    .then(|| view! { <Meta property="og:locale:alternate" content=language.og_locale() /> });
                view! {
                    <Link rel="alternate" hreflang=language.tag() href />
                    {other}
                }
            })
            .collect_view()
    })
}
