//! Everything that runs only on the server, a folder per purpose: `app` builds and starts the site,
//! `content` is the articles and polls, `web` is what readers reach, `desk` what editors reach,
//! `ops` serves and observes, and `store` keeps the votes. Dependencies run down that list: `store`
//! names nothing above it (`scripts/lint.sh` checks).

pub mod app;
pub mod content;
pub mod desk;
pub mod ops;
pub mod store;
pub mod web;

/// Escapes text for HTML and XML content and attribute values alike.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            super::escape_markup("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
