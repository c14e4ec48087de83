//! Everything that runs only on the server: configuration, content, the vote store and HTTP.

pub mod api;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod delivery;
pub mod desk;
pub mod discovery;
pub mod embed;
pub mod guard;
pub mod headers;
pub mod health;
pub mod http;
pub mod live;
pub mod metrics;
pub mod own_answers;
pub mod pages;
pub mod results_stream;
pub mod router;
pub mod startup;
pub mod state;
pub mod store;
pub mod vote_door;
pub mod voter;
pub mod voting;

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
