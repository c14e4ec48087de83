//! Content negotiation, compression and conditional requests, shared by the page cache and the static
//! files: a body kept in memory in up to three encodings, sent as the one the client prefers.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::io::Write;

/// Headers a kept page is sent with: its own five, the six security headers and the request id.
const RESPONSE_HEADERS: usize = 12;

/// An encoding a response body can be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn content_encoding(self) -> Option<HeaderValue> {
        match self {
            Encoding::Brotli => Some(HeaderValue::from_static("br")),
            Encoding::Gzip => Some(HeaderValue::from_static("gzip")),
            Encoding::Identity => None,
        }
    }

    /// Each encoding is its own representation, so it gets its own strong entity tag.
    fn tag_suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => "-br",
            Encoding::Gzip => "-gz",
            Encoding::Identity => "",
        }
    }
}

/// Which compressed encodings the request's `Accept-Encoding` allows. Identity is always allowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accepted {
    pub brotli: bool,
    pub gzip: bool,
}

impl Accepted {
    /// Reads `Accept-Encoding`; a coding with `q=0` is refused, `*` stands for any other coding.
    pub fn from_headers(headers: &HeaderMap) -> Accepted {
        let mut brotli = None;
        let mut gzip = None;
        let mut any = None;
        let codings = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','));
        for coding in codings {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let refused = parts.any(|param| {
                param
                    .trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            let slot = match name.as_str() {
                "br" => &mut brotli,
                "gzip" | "x-gzip" => &mut gzip,
                "*" => &mut any,
                _ => continue,
            };
            *slot = Some(!refused);
        }
        Accepted {
            brotli: brotli.or(any).unwrap_or(false),
            gzip: gzip.or(any).unwrap_or(false),
        }
    }
}

/// Brotli at `quality` (0-11): 11 for bodies compressed once, lower for bodies compressed per request.
pub fn brotli(data: &[u8], quality: u32) -> Vec<u8> {
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 4096, quality, 22);
    // Writing into a Vec cannot fail.
    let _ = writer.write_all(data);
    writer.into_inner()
}

/// Gzip at `level` (0-9).
pub fn gzip(data: &[u8], level: u32) -> Vec<u8> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level.min(9)));
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// A stable 64-bit FNV-1a hash of `data`, as 16 hex digits: the same bytes give the same tag on
/// every server, so a CDN in front of several can revalidate against any of them.
pub fn content_hash(data: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in data {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// One resource kept in memory: its identity bytes, its compressed forms when worth having, and the
/// headers that go with every response for it.
#[derive(Debug, Clone)]
pub struct Representation {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    vary: HeaderValue,
    tag: String,
    /// The entity tag of each encoding (identity, gzip, brotli), made once rather than per response.
    etags: [HeaderValue; 3],
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Representation {
    pub fn new(content_type: HeaderValue, cache_control: HeaderValue, identity: Bytes) -> Self {
        let tag = content_hash(&identity);
        let etag = |encoding: Encoding| {
            HeaderValue::from_str(&format!("\"{tag}{}\"", encoding.tag_suffix()))
                .unwrap_or(HeaderValue::from_static("\"\""))
        };
        Representation {
            content_type,
            cache_control,
            vary: HeaderValue::from_static("accept-encoding"),
            etags: [
                etag(Encoding::Identity),
                etag(Encoding::Gzip),
                etag(Encoding::Brotli),
            ],
            tag,
            identity,
            gzip: None,
            brotli: None,
        }
    }

    /// Adds the gzip form, unless it is no smaller than the original (a PNG, a tiny file).
    pub fn with_gzip(mut self, gzip: Vec<u8>) -> Self {
        if gzip.len() < self.identity.len() {
            self.gzip = Some(Bytes::from(gzip));
        }
        self
    }

    /// Adds the brotli form, unless it is no smaller than the original.
    pub fn with_brotli(mut self, brotli: Vec<u8>) -> Self {
        if brotli.len() < self.identity.len() {
            self.brotli = Some(Bytes::from(brotli));
        }
        self
    }

    pub fn with_cache_control(mut self, cache_control: HeaderValue) -> Self {
        self.cache_control = cache_control;
        self
    }

    pub fn with_vary(mut self, vary: HeaderValue) -> Self {
        self.vary = vary;
        self
    }

    /// The hash of the identity bytes, on which every entity tag of this resource is based.
    #[cfg(test)]
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The response to a GET or HEAD for this resource: `304 Not Modified` when `If-None-Match`
    /// names any of its representations, else the encoding the client prefers.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let accepted = Accepted::from_headers(request);
        let (encoding, body) = match (&self.brotli, &self.gzip) {
            (Some(body), _) if accepted.brotli => (Encoding::Brotli, body.clone()),
            (_, Some(body)) if accepted.gzip => (Encoding::Gzip, body.clone()),
            _ => (Encoding::Identity, self.identity.clone()),
        };
        let etag = self.etags[match encoding {
            Encoding::Identity => 0,
            Encoding::Gzip => 1,
            Encoding::Brotli => 2,
        }]
        .clone();
        let mut response = if self.matches(request) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut response = Response::new(Body::from(body));
            // Room for these and the security headers at once, rather than growing twice.
            response.headers_mut().reserve(RESPONSE_HEADERS);
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, self.content_type.clone());
            if let Some(value) = encoding.content_encoding() {
                headers.insert(header::CONTENT_ENCODING, value);
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, etag);
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        headers.insert(header::VARY, self.vary.clone());
        response
    }

    /// Whether `If-None-Match` names this resource in any encoding: a cache that holds the gzip form
    /// may revalidate for a client that now wants brotli, and the bytes behind both are the same.
    fn matches(&self, request: &HeaderMap) -> bool {
        request
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/").trim_matches('"'))
            .any(|tag| {
                tag == "*"
                    || [Encoding::Identity, Encoding::Gzip, Encoding::Brotli]
                        .iter()
                        .any(|e| tag.strip_suffix(e.tag_suffix()) == Some(self.tag.as_str()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Accepted {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        Accepted::from_headers(&headers)
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert_eq!(
            accept("gzip, deflate, br, zstd"),
            Accepted {
                brotli: true,
                gzip: true
            }
        );
        assert_eq!(
            accept("gzip;q=1.0, br;q=0"),
            Accepted {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(
            accept("*"),
            Accepted {
                brotli: true,
                gzip: true
            }
        );
        assert_eq!(
            accept("*;q=0, gzip"),
            Accepted {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(
            Accepted::from_headers(&HeaderMap::new()),
            Accepted::default()
        );
    }

    #[test]
    fn the_content_hash_is_stable_fnv1a() {
        assert_eq!(content_hash(b""), "cbf29ce484222325");
        assert_eq!(content_hash(b"a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn a_tag_of_any_encoding_revalidates() {
        let page = Representation::new(
            HeaderValue::from_static("text/html"),
            HeaderValue::from_static("no-cache"),
            Bytes::from_static(b"hallo"),
        );
        let tag = page.tag().to_string();
        for sent in [
            format!("\"{tag}\""),
            format!("W/\"{tag}-gz\""),
            format!("\"x\", \"{tag}-br\""),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&sent).unwrap());
            assert_eq!(
                page.respond(&headers).status(),
                StatusCode::NOT_MODIFIED,
                "{sent}"
            );
        }
        let mut other = HeaderMap::new();
        other.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"0000\""));
        assert_eq!(page.respond(&other).status(), StatusCode::OK);
    }
}
