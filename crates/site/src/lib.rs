//! What every room of the site shares, below them all: the settings and the clock, the state the
//! rooms build theirs on, the HTML shell and the one renderer every page goes through, the cache
//! rules, the client's address, the voter cookie and the rate guard that readers' votes and
//! editors' sign-ins both use, a poll's standing, and the metrics registry (its endpoint is ops').
//! It knows the store and the content below it, and no room above it.

pub mod admission;
pub mod cache_control;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod embed_code;
pub mod guard;
pub mod hardening;
pub mod metrics;
pub mod render;
pub mod response_status;
pub mod shell;
pub mod standing;
pub mod state;
pub mod valid_html;
pub mod voter_cookie;

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
