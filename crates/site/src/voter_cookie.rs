//! The reader's first-party voter cookie: a random id that tells one reader's votes apart, and nothing more.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

/// The cookie's name.
pub const COOKIE_NAME: &str = "stembus_kiezer";
/// Two years: a reader who comes back to an old poll still sees their own vote.
pub const MAX_AGE_SECONDS: i64 = 2 * 365 * 24 * 60 * 60;
/// 16 random bytes (128 bits), written as 32 lower-case hex digits.
const ID_BYTES: usize = 16;

/// A vote's idempotency key (the form's `key`, which has a voter id's form), handed from the vote's
/// door to the server function: a reader without a voter cookie votes as this id, so the same
/// vote sent again (its answer lost, or the node busy) is found stored and counts once. It gives a
/// client nothing a cookie of its own choosing would not: an id is only ever a reader's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteKey(pub VoterId);

/// A voter id that is well formed. It proves nothing about who the reader is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterId(String);

impl VoterId {
    /// Accepts exactly 32 lower-case hex digits; anything else is not one of our ids.
    pub fn parse(text: &str) -> Option<VoterId> {
        let well_formed = text.len() == ID_BYTES * 2
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| VoterId(text.to_string()))
    }

    /// A fresh id from the operating system's random source.
    pub fn generate() -> Result<VoterId, getrandom::Error> {
        let mut bytes = [0u8; ID_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(VoterId(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// The reader's id from the request's cookies. A missing, malformed or repeated cookie gives
    /// `None`: the reader is then given a fresh id, never the one they sent.
    pub fn from_headers(headers: &HeaderMap) -> Option<VoterId> {
        VoterId::parse(&single_cookie(headers, COOKIE_NAME)?)
    }

    /// The `Set-Cookie` value that hands this id to the reader.
    pub fn cookie(&self, secure: bool) -> HeaderValue {
        let cookie = Cookie::build((COOKIE_NAME, self.0.as_str()))
            .path("/")
            .max_age(cookie::time::Duration::seconds(MAX_AGE_SECONDS))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .build();
        HeaderValue::from_str(&cookie.to_string())
            .expect("a hex id and fixed attributes form a valid header")
    }

    /// The `Set-Cookie` the embedded poll hands out: in a frame on another site a `Lax` cookie is
    /// never sent back, so on https it is `SameSite=None`, `Secure` and `Partitioned` (kept apart per
    /// embedding site, which is what lets browsers that block third-party cookies keep it). On a
    /// developer's plain http it is the site's usual cookie.
    pub fn embed_cookie(&self, https: bool) -> HeaderValue {
        if !https {
            return self.cookie(false);
        }
        let cookie = Cookie::build((COOKIE_NAME, self.0.as_str()))
            .path("/")
            .max_age(cookie::time::Duration::seconds(MAX_AGE_SECONDS))
            .http_only(true)
            .same_site(SameSite::None)
            .secure(true)
            .partitioned(true)
            .build();
        HeaderValue::from_str(&cookie.to_string())
            .expect("a hex id and fixed attributes form a valid header")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The value of the cookie `name` when the request carries it exactly once: a repeated cookie (one
/// set by a sibling domain beside ours, say) is trusted for neither value.
pub fn single_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut found = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == name);
    let first = found.next()?;
    found.next().is_none().then(|| first.value().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Request headers with one `Cookie` header per entry of `cookies`.
    fn with_cookies(cookies: &[&str]) -> HeaderMap {
        let pairs: Vec<(&str, &str)> = cookies.iter().map(|cookie| ("cookie", *cookie)).collect();
        stembus_poll::test_support::headers(&pairs)
    }

    #[test]
    fn generated_ids_are_well_formed_and_differ() {
        let a = VoterId::generate().unwrap();
        let b = VoterId::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(VoterId::parse(a.as_str()), Some(a));
    }

    #[test]
    fn the_id_is_read_among_other_cookies() {
        let id = "0123456789abcdef0123456789abcdef";
        let found = VoterId::from_headers(&with_cookies(&[&format!(
            "thema=donker; {COOKIE_NAME}={id}"
        )]));
        assert_eq!(found.unwrap().as_str(), id);
    }

    #[test]
    fn forged_oversized_or_duplicated_cookies_are_not_trusted() {
        let id = "0123456789abcdef0123456789abcdef";
        let cases = [
            format!("{COOKIE_NAME}=admin"),
            format!("{COOKIE_NAME}={id}00"),
            format!("{COOKIE_NAME}=0123456789ABCDEF0123456789ABCDEF"),
            format!("{COOKIE_NAME}={id}; {COOKIE_NAME}={id}"),
            format!("{COOKIE_NAME}="),
            format!("{COOKIE_NAME}={}", "a".repeat(4000)),
        ];
        for case in &cases {
            assert_eq!(
                VoterId::from_headers(&with_cookies(&[case])),
                None,
                "{case}"
            );
        }
        let split = with_cookies(&[
            &format!("{COOKIE_NAME}={id}"),
            &format!("{COOKIE_NAME}={id}"),
        ]);
        assert_eq!(VoterId::from_headers(&split), None);
        assert_eq!(VoterId::from_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_long_lived() {
        let id = VoterId::parse("0123456789abcdef0123456789abcdef").unwrap();
        let plain = id.cookie(false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with(&format!("{COOKIE_NAME}={};", id.as_str())));
        assert!(plain.contains("; HttpOnly") && plain.contains("; SameSite=Lax"));
        assert!(plain.contains("; Path=/") && plain.contains("; Max-Age=63072000"));
        assert!(!plain.contains("Secure"));
        assert!(id.cookie(true).to_str().unwrap().contains("; Secure"));
    }
}
