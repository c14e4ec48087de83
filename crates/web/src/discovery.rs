//! How search engines, feed readers and social sites find the articles: the Atom feed, the sitemap,
//! robots.txt, JSON-LD `NewsArticle` and plain share links.

use crate::address_part::AddressPart;
use crate::state::WebState;
use crate::views::{ArticleVersions, ShareLink};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use stembus_content::Library;
use stembus_content::article::Article;
use stembus_poll::language::Language;
use stembus_site::cache_control;
use stembus_site::escape_markup;

/// The publisher's name, as feeds and structured data give it.
pub const SITE_NAME: &str = "Stembus";

/// The newest articles a feed holds: a feed says what is new, and a reader's feed program fetches
/// it every few minutes, so it must not grow with the archive.
pub const FEED_ENTRIES: usize = 50;

/// The addresses one sitemap file may hold (sitemaps.org); past them `/sitemap.xml` is an index
/// of files of this many.
pub const SITEMAP_URLS: usize = 50_000;

/// `GET /feed.xml`: an Atom feed of the newest `FEED_ENTRIES` articles, newest first.
pub async fn feed(State(state): State<WebState>) -> Response {
    let subtitle = state.words(Language::Dutch).text("feed-subtitle");
    let body = atom_feed(&state.library(), &state.settings.base_url, &subtitle);
    with_type(body, "application/atom+xml; charset=utf-8")
}

/// `GET /sitemap.xml`: the front page and every article, or past `SITEMAP_URLS` addresses the
/// index of the files that hold them.
pub async fn sitemap(State(state): State<WebState>) -> Response {
    let body = sitemap_xml(&state.library(), &state.settings.base_url, SITEMAP_URLS);
    with_type(body, "application/xml; charset=utf-8")
}

/// `GET /sitemap/{n}.xml`: the `n`th file of a sitemap index (from 1); a 404 for any other.
pub async fn sitemap_file(
    State(state): State<WebState>,
    AddressPart(file): AddressPart,
) -> Response {
    let body = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| {
            sitemap_file_xml(&state.library(), &state.settings.base_url, SITEMAP_URLS, n)
        });
    match body {
        Some(body) => with_type(body, "application/xml; charset=utf-8"),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, cache_control::no_store())],
            "Deze sitemap bestaat niet.",
        )
            .into_response(),
    }
}

/// `GET /robots.txt`: `robots_txt` for the site's address.
pub async fn robots(State(state): State<WebState>) -> Response {
    with_type(
        robots_txt(&state.settings.base_url),
        "text/plain; charset=utf-8",
    )
}

/// robots.txt for the site at `base_url`: the pages may be crawled, the API (the vote endpoint
/// `/api/stem`, the results, the live stream, the view counter) may not, except each poll's
/// standing picture, which pages name as their `og:image` and `twitter:image`: the bots that draw
/// link previews (Twitterbot, LinkedInBot) obey robots.txt and would otherwise show none. Under
/// RFC 9309 (2.2.2) the longest matching rule wins, whatever the order, so the picture's `Allow`
/// outweighs `Disallow: /api/`; without a `$` it also covers `?lang=fr-BE`.
pub fn robots_txt(base_url: &str) -> String {
    format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nAllow: /api/polls/*/standing.png\n\nSitemap: {base_url}/sitemap.xml\n"
    )
}

fn with_type(body: String, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control::DISCOVERY),
            ),
        ],
        body,
    )
        .into_response()
}

/// The Atom feed (RFC 4287) of the library, in Dutch with `subtitle` (a French article's entry
/// says its language).
pub fn atom_feed(library: &Library, base_url: &str, subtitle: &str) -> String {
    let updated = library
        .articles()
        .iter()
        .map(Article::last_modified)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |m| m.to_rfc3339());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"nl-BE\">\n\
         <title>{SITE_NAME}</title>\n<subtitle>{}</subtitle>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/feed.xml\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/\"/>\n\
         <id>{base}/</id>\n<updated>{updated}</updated>\n",
        escape_markup(subtitle),
        base = escape_markup(base_url),
    );
    for article in library.articles().iter().take(FEED_ENTRIES) {
        let url = escape_markup(&article.url(base_url));
        xml.push_str(&format!(
            "<entry xml:lang=\"{}\">\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             <id>{url}</id>\n<published>{}</published>\n<updated>{}</updated>\n\
             <author><name>{}</name></author>\n<summary>{}</summary>\n",
            article.language.tag(),
            escape_markup(&article.title),
            article.published.to_rfc3339(),
            article.last_modified().to_rfc3339(),
            escape_markup(&article.author),
            escape_markup(&article.lead),
        ));
        for tag in &article.tags {
            xml.push_str(&format!("<category term=\"{}\"/>\n", escape_markup(tag)));
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// The sitemap (sitemaps.org 0.9) of the library: one file of every address (the front page, then
/// every article) while they are at most `per_file`, else the index of the files that hold them
/// (`/sitemap/1.xml`, …), as search engines read no more than 50,000 addresses from one file.
pub fn sitemap_xml(library: &Library, base_url: &str, per_file: usize) -> String {
    let addresses = 1 + library.articles().len();
    if addresses <= per_file {
        return sitemap_file_xml(library, base_url, per_file, 1).unwrap_or_default();
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=addresses.div_ceil(per_file) {
        xml.push_str(&format!(
            "<sitemap><loc>{}/sitemap/{n}.xml</loc></sitemap>\n",
            escape_markup(base_url)
        ));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// The `n`th file (from 1) of `per_file` addresses of the sitemap: the front page, then every
/// article, newest first; `None` past the last.
pub fn sitemap_file_xml(
    library: &Library,
    base_url: &str,
    per_file: usize,
    n: usize,
) -> Option<String> {
    let addresses = 1 + library.articles().len();
    if n == 0 || (n - 1) * per_file >= addresses {
        return None;
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let front = std::iter::once(format!(
        "<url><loc>{}/</loc></url>\n",
        escape_markup(base_url)
    ));
    // An article in more than one language names every version, its own too, as its page's head
    // does (Google's "Tell Google about localized versions of your page").
    let every_version = ArticleVersions::of(library);
    let articles = library.articles().iter().map(|article| {
        let versions = every_version.of_article(article, base_url);
        let alternates: String = if versions.len() > 1 {
            versions
                .iter()
                .map(|(language, href)| {
                    format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        language.tag(),
                        escape_markup(href)
                    )
                })
                .collect()
        } else {
            String::new()
        };
        format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod>{alternates}</url>\n",
            escape_markup(&article.url(base_url)),
            article.last_modified(),
        )
    });
    for line in front
        .chain(articles)
        .skip((n - 1) * per_file)
        .take(per_file)
    {
        xml.push_str(&line);
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// JSON-LD `NewsArticle` for the article, safe to place inside a `<script>` element.
pub fn structured_data(article: &Article, base_url: &str) -> String {
    let url = article.url(base_url);
    let mut data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.description,
        "datePublished": article.published.to_rfc3339(),
        "dateModified": article.last_modified().to_rfc3339(),
        "inLanguage": article.language.tag(),
        "mainEntityOfPage": { "@type": "WebPage", "@id": url },
        "url": url,
        "author": [{ "@type": "Person", "name": article.author }],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": SITE_NAME,
            "url": format!("{base_url}/"),
        },
        "keywords": article.tags,
    });
    if let Some(image) = &article.image {
        data["image"] = serde_json::json!([format!("{base_url}{}", image.path)]);
    }
    script_safe_json(&data.to_string())
}

/// JSON with `<`, `>` and `&` written as escapes, so no text in it can close or open a tag.
fn script_safe_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Plain links that share the article; opening one loads nothing from those sites until clicked.
pub fn share_links(article: &Article, base_url: &str) -> Vec<ShareLink> {
    let url = article.url(base_url);
    let encoded_url = encode(&url);
    let encoded_title = encode(&article.title);
    let with_title = encode(&format!("{} {url}", article.title));
    [
        (
            "E-mail",
            format!("mailto:?subject={encoded_title}&body={encoded_url}"),
        ),
        ("WhatsApp", format!("https://wa.me/?text={with_title}")),
        (
            "Facebook",
            format!("https://www.facebook.com/sharer/sharer.php?u={encoded_url}"),
        ),
        (
            "X",
            format!("https://x.com/intent/tweet?url={encoded_url}&text={encoded_title}"),
        ),
        (
            "LinkedIn",
            format!("https://www.linkedin.com/sharing/share-offsite/?url={encoded_url}"),
        ),
    ]
    .into_iter()
    .map(|(label, href)| ShareLink {
        label: label.to_string(),
        href,
    })
    .collect()
}

/// Percent-encodes a query value (spaces as `%20`, which mail clients read too).
fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests;
