//! The hardening headers every answer carries, whoever writes it: the router's layer (the web
//! room's `security_headers`, beside its page policy) and the refusals the serve loop writes itself
//! (`stembus_ops::serve`). One list below both, so the two cannot drift apart.

use axum::http::{HeaderName, HeaderValue, header};

/// On every answer.
pub const HARDENING: [(HeaderName, HeaderValue); 2] = [
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    ),
];

/// On every answer of a site served over https (its `base_url`).
pub const HSTS: (HeaderName, HeaderValue) = (
    header::STRICT_TRANSPORT_SECURITY,
    HeaderValue::from_static("max-age=31536000; includeSubDomains"),
);

/// `HARDENING`, and `HSTS` when the site is served over https.
pub fn hardening_headers(https: bool) -> impl Iterator<Item = (HeaderName, HeaderValue)> {
    HARDENING.into_iter().chain(https.then_some(HSTS))
}
