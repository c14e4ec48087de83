//! The editor's Markdown as the page shows it: raw HTML as text, headings from `h2`, only web
//! addresses in links and images, and the check that its pictures come from the site itself.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Renders the editor's Markdown to HTML. Raw HTML is shown as text, never passed through; headings
/// start at `h2` (the title is the page's one `h1`); links and images may only use web addresses.
pub fn render_markdown(markdown: &str) -> String {
    let events =
        Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                Event::End(TagEnd::Heading(HeadingLevel::H2))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            other => other,
        });
    let mut html = String::with_capacity(markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Keeps web, mail and site-relative addresses; anything else (`javascript:`, `data:`) becomes `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim_start().to_ascii_lowercase();
    let has_scheme = lower
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.contains(['/', '?', '#']));
    let allowed = ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p));
    if has_scheme && !allowed {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

/// The address of the first picture in `markdown` that a browser would fetch from another site
/// (`https://…`, `//host/…`), which the page's `img-src 'self' data:` does not let it show;
/// `None` when every picture is on this site. Reference-style pictures are read resolved.
pub(crate) fn image_from_elsewhere(markdown: &str) -> Option<String> {
    Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).find_map(|event| match event {
        Event::Start(Tag::Image { dest_url, .. }) if is_elsewhere(&dest_url) => {
            Some(dest_url.into_string())
        }
        _ => None,
    })
}

/// Whether a browser resolves `address` to another site: an `http:` or `https:` address, or a
/// network path (`//host/…`, where a browser reads `\\` as `/`). Read as a browser's address
/// parser reads it: leading spaces and controls dropped, tabs and line breaks ignored.
pub(crate) fn is_elsewhere(address: &str) -> bool {
    let read: String = address
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    let mut start = read.chars();
    let network_path = matches!(
        (start.next(), start.next()),
        (Some('/' | '\\'), Some('/' | '\\'))
    );
    network_path || read.starts_with("http:") || read.starts_with("https:")
}
