//! The editor's Markdown as the page shows it: raw HTML as text, headings from `h2`, only web
//! addresses in links and images.

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
