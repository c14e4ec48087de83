//! The other language's version of a page, named in its `<head>` (and for an article in the
//! sitemap): search engines then send a French reader to the French article and a Dutch one to the
//! Dutch, instead of taking them for two unrelated pages.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use stembus_content::Library;
use stembus_content::article::Article;
use stembus_poll::language::Language;

/// A page's address in each language it is in, this page's own among them.
pub type Versions = Vec<(Language, String)>;

/// `article` and the articles in the other languages that show its poll: the same story, each
/// in its language (a French article naming a Dutch article's poll).
pub fn article_versions(library: &Library, article: &Article, base_url: &str) -> Versions {
    let Some(poll) = &article.poll else {
        return vec![(article.language, article.url(base_url))];
    };
    Language::ALL
        .into_iter()
        .filter_map(|language| {
            let (shown_in, _) = library.poll_in(&poll.id, language)?;
            let shown_in = if language == article.language {
                article
            } else {
                shown_in?
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
