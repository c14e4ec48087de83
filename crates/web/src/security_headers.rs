//! Security headers on every response: a Content-Security-Policy that allows only our own scripts
//! and WASM, and the usual hardening headers, set by one `tower` response map; what is ours is the
//! policy, whose script hashes are read from what Leptos renders.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use stembus_site::config::Settings;
use stembus_site::hardening::hardening_headers;
use tower::util::MapResponseLayer;

/// The inline scripts leptos_axum appends to every streamed page, as it writes them. Pages are served
/// from a shared cache, so a per-response nonce cannot work; these are allowed by their hashes.
const LEPTOS_STREAM_SCRIPTS: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// Marks a response that other sites may show in a frame (the embedded poll, whose own
/// `frame-ancestors` names them): it gets no `X-Frame-Options`, which can only say "this site".
#[derive(Debug, Clone, Copy)]
pub struct Framable;

/// Adds the security headers to every response that does not set them itself. One layer for all
/// of them: five tower-http `SetResponseHeader` layers cost five futures on every request,
/// measurable on the shared page (issue 14).
pub fn security_headers_layer(
    options: &LeptosOptions,
    settings: &Settings,
) -> MapResponseLayer<impl Fn(Response) -> Response + Clone + use<>> {
    let headers: Arc<[(HeaderName, HeaderValue)]> = security_headers(options, settings).into();
    MapResponseLayer::new(move |mut response: Response| {
        let framable = response.extensions().get::<Framable>().is_some();
        let set = response.headers_mut();
        for (name, value) in headers.iter() {
            if framable && name == header::X_FRAME_OPTIONS {
                continue;
            }
            if !set.contains_key(name) {
                set.insert(name.clone(), value.clone());
            }
        }
        response
    })
}

/// The headers for this site; the policy's script hashes are computed once, here.
pub fn security_headers(
    options: &LeptosOptions,
    settings: &Settings,
) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&content_security_policy(options))
                .expect("hashes and fixed sources form a valid header"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ),
    ];
    headers.extend(hardening_headers(settings.is_https()));
    headers
}

/// Scripts only from this site, WASM compiled by the browser, and the few inline scripts Leptos
/// writes into every page, allowed by hash. Under `cargo leptos watch` the live-reload socket too.
fn content_security_policy(options: &LeptosOptions) -> String {
    let owner = Owner::new();
    let rendered = owner.with(|| {
        let mut html =
            view! { <HydrationScripts options=options.clone() islands=true /> }.to_html();
        html.push_str(&view! { <AutoReload options=options.clone() /> }.to_html());
        html
    });
    let mut hashes: Vec<String> = inline_scripts(&rendered)
        .into_iter()
        .chain(
            LEPTOS_STREAM_SCRIPTS
                .iter()
                .map(|script| script.to_string()),
        )
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    hashes.sort();
    hashes.dedup();
    // `AutoReload` renders its script, and opens its socket, only under `cargo leptos watch`.
    let connect = if std::env::var_os("LEPTOS_WATCH").is_some() {
        format!(
            "'self' ws://{}:{}",
            options.site_addr.ip(),
            options.reload_port
        )
    } else {
        "'self'".to_string()
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src {connect}; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
        hashes.join(" ")
    )
}

/// The text of every `<script>` element in `html`.
fn inline_scripts(html: &str) -> Vec<String> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let body_start = start + open_end + 1;
        let Some(body_len) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + body_len];
        if !body.is_empty() {
            scripts.push(body.to_string());
        }
        rest = &rest[body_start + body_len..];
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_with_their_exact_text() {
        let html = "<p>x</p><script type=\"module\" nonce=\"n\">a();</script><script src=\"/x.js\"></script><script>b()</script>";
        assert_eq!(inline_scripts(html), vec!["a();", "b()"]);
    }

    #[test]
    fn the_policy_allows_only_own_scripts_wasm_and_hashed_inline_scripts() {
        let options = LeptosOptions::builder().output_name("stembus").build();
        let policy = content_security_policy(&options);
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'self'"));
        assert!(
            policy.contains("connect-src 'self';"),
            "no reload socket in production"
        );
        // The hydration script and the two stream scripts.
        assert!(policy.matches("'sha256-").count() >= 3, "{policy}");
    }

    #[test]
    fn hsts_only_for_https_sites() {
        let options = LeptosOptions::builder().output_name("stembus").build();
        let plain = security_headers(&options, &Settings::default());
        assert!(
            !plain
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        );
        let secure = Settings {
            base_url: "https://nieuws.example.be".into(),
            ..Settings::default()
        };
        let headers = security_headers(&options, &secure);
        assert!(
            headers
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        );
    }
}
