//! Valid HTML from what Leptos 0.8 renders: `repair` rewrites a rendered page so that the W3C Nu
//! checker finds no error in it, while the browser builds the same document from it as from the
//! page Leptos wrote. It stands in for three things upstream writes on every page:
//!
//! - leptos#4843: `HydrationScripts` (leptos 0.8.23) writes the request's CSP nonce as the value
//!   of `crossorigin` on `<link rel="modulepreload">` and `<link rel="preload" as="fetch">` ("Bad
//!   value … for attribute crossorigin"); its fix, leptos#4844, still writes it there. A value that
//!   is not a CORS keyword is the Anonymous state, the same as `crossorigin=""`, so the link gets
//!   `crossorigin=""`. The fetches are the same: CORS mode with same-origin credentials, so the
//!   preloads still match the island's `import()` and wasm-bindgen's `fetch()`.
//! - leptos_axum 0.8 gives every render a fresh random nonce (`provide_nonce`, unconditionally),
//!   which Leptos writes on its scripts. The site's policy (`security_headers`) allows scripts by
//!   `'self'` and by hash, never by nonce (pages come from a shared cache), so a nonce allows and
//!   blocks nothing; but it made every render's bytes differ, and with them the entity tag: a
//!   browser or CDN revalidating a page against another render, or another node, always got the
//!   whole page again. Every `nonce` attribute is dropped, so equal pages are equal bytes.
//! - tachys 0.2, Leptos 0.8's renderer, writes `<!>` as its marker between two adjacent text nodes
//!   and for a view that renders nothing ("Bogus comment"; no upstream issue). The HTML parser
//!   makes an empty comment node of it; `<!---->` is the same empty comment, written validly, and
//!   hydration, which walks nodes, finds the same comment.
//! - leptos_axum 0.8 appends its resolved-resources scripts (`<script>__RESOLVED_RESOURCES=…`)
//!   after the app's `</html>` ("Stray start tag script"; no upstream issue). The parser puts
//!   them at the end of `<body>` (after `</body>` and `</html>` it goes back to the body), so they
//!   move to just before `</body>`, with their text unchanged (their CSP hashes still match).
//!
//! Only markup is rewritten: the page is read as the HTML tokenizer reads it, so the text of
//! comments, attribute values and of `<script>`, `<style>`, `<title>`, `<textarea>` and the other
//! raw-text elements is copied as it is, even where it holds `<!>` (serde writes a `<!>` in a JSON
//! string as it is). SVG and MathML are read as HTML: a `<title>` or `<style>` there counts as
//! raw text too, which can only leave a marker as it was, never change text. A page is read once,
//! in linear time, into one allocation; it is meant to run once per rendered page, before a kept
//! page is compressed.

use axum::body::{Body, to_bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The largest page read for repair (the page cache keeps none larger).
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// What a `<!>` marker becomes: the same empty comment, in the valid form.
const EMPTY_COMMENT: &str = "<!---->";
/// What a rewritten `crossorigin` adds at most: `=""` for the one `=`.
const CROSSORIGIN_GROWTH: usize = 3;

/// `response` with its HTML repaired (`repair`); anything that is not an uncompressed HTML page is
/// passed on as it is.
pub(crate) async fn repaired(response: Response) -> Response {
    let headers = response.headers();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !is_html || headers.contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let body = match std::str::from_utf8(&bytes) {
        Ok(html) => Body::from(repair(html)),
        Err(_) => Body::from(bytes),
    };
    // The length changed; the server counts it again from the body.
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

/// `html` rewritten so that it validates, with the same document (see the module's header).
pub(crate) fn repair(html: &str) -> String {
    let mut state = Repair {
        html,
        bytes: html.as_bytes(),
        out: String::with_capacity(capacity_for(html)),
        copied: 0,
        closing_seen: false,
        nonce: None,
    };
    state.run();
    state.out
}

/// Room for every rewrite `html` can need: each `<!>` grows by 4 bytes, each `crossorigin` (in
/// any case) by at most `CROSSORIGIN_GROWTH`; moved scripts keep their length.
fn capacity_for(html: &str) -> usize {
    let crossorigins = html
        .as_bytes()
        .windows(b"crossorigin".len())
        .filter(|window| window.eq_ignore_ascii_case(b"crossorigin"))
        .count();
    html.len()
        + (EMPTY_COMMENT.len() - 3) * html.matches("<!>").count()
        + CROSSORIGIN_GROWTH * crossorigins
}

struct Repair<'a> {
    html: &'a str,
    bytes: &'a [u8],
    out: String,
    /// Everything before this index is in `out`.
    copied: usize,
    /// Whether the document's first `</body>` or `</html>` was looked past.
    closing_seen: bool,
    /// The render's nonce as the first tag with one wrote it (quotes included), by which the
    /// scripts after the document, copied whole, lose theirs.
    nonce: Option<&'a str>,
}

/// Where a piece of the page starts and ends (byte indices).
type Span = (usize, usize);

/// A start or end tag: where its name is, where it ends, and the attributes `repair` looks at.
struct Tag {
    name: (usize, usize),
    /// Just after its `>`.
    end: usize,
    /// The first `crossorigin`: the end of its name and its value as written (quotes included);
    /// `None` for the value when it has none.
    crossorigin: Option<(usize, Option<(usize, usize)>)>,
    /// A `nonce` attribute: from the white space before it to its end, and its value as written.
    nonce: Option<(Span, Option<Span>)>,
}

/// Elements whose text the tokenizer reads up to their end tag (raw text and escapable raw text).
/// (`<script>` has escape states of its own, `<plaintext>` runs to the end of the page.)
const RAW_TEXT: [&[u8]; 8] = [
    b"style",
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

impl Repair<'_> {
    fn run(&mut self) {
        let len = self.bytes.len();
        let mut at = 0;
        while let Some(found) = find(self.bytes, b'<', at) {
            at = self.markup(found);
        }
        self.copy_to(len);
    }

    /// Reads the markup at `at` (a `<`), rewriting it if needed; returns where reading goes on.
    fn markup(&mut self, at: usize) -> usize {
        let bytes = self.bytes;
        let len = bytes.len();
        let rest = &bytes[at..];
        if rest.starts_with(b"<!--") {
            return comment_end(bytes, at + 4);
        }
        if rest.starts_with(b"<!>") {
            self.copy_to(at);
            self.out.push_str(EMPTY_COMMENT);
            self.copied = at + 3;
            return at + 3;
        }
        if rest.starts_with(b"<![CDATA[") {
            // Only SVG and MathML have CDATA sections (elsewhere this is a bogus comment up to the
            // first `>`): skipped whole either way, nothing in it is rewritten.
            return find_slice(bytes, b"]]>", at + 9).map_or(len, |end| end + 3);
        }
        match rest.get(1) {
            // A doctype, a bogus comment (`<!x>`, `<?x>`): up to the first `>`.
            Some(b'!' | b'?') => after_byte(bytes, b'>', at + 2),
            Some(b'/') => match rest.get(2) {
                Some(c) if c.is_ascii_alphabetic() => self.end_tag(at),
                Some(b'>') => at + 3,
                _ => after_byte(bytes, b'>', at + 2),
            },
            Some(c) if c.is_ascii_alphabetic() => self.start_tag(at),
            _ => at + 1,
        }
    }

    fn start_tag(&mut self, at: usize) -> usize {
        let Some(tag) = tag(self.bytes, at + 1) else {
            return self.bytes.len();
        };
        let name = &self.bytes[tag.name.0..tag.name.1];
        let crossorigin = name
            .eq_ignore_ascii_case(b"link")
            .then(|| self.crossorigin_repair(&tag))
            .flatten();
        let nonce = tag.nonce.map(|(span, value)| {
            if let (None, Some((start, end))) = (self.nonce, value) {
                self.nonce = Some(&self.html[start..end]);
            }
            (span, "")
        });
        let mut edits = [crossorigin, nonce];
        edits.sort_by_key(|edit| edit.map(|((start, _), _)| start));
        for ((start, end), replacement) in edits.into_iter().flatten() {
            self.copy_to(start);
            self.out.push_str(replacement);
            self.copied = end;
        }
        if name.eq_ignore_ascii_case(b"script") {
            script_end(self.bytes, tag.end)
        } else if name.eq_ignore_ascii_case(b"plaintext") {
            self.bytes.len()
        } else if RAW_TEXT.iter().any(|raw| name.eq_ignore_ascii_case(raw)) {
            raw_text_end(self.bytes, tag.end, name)
        } else {
            tag.end
        }
    }

    fn end_tag(&mut self, at: usize) -> usize {
        let Some(tag) = tag(self.bytes, at + 2) else {
            return self.bytes.len();
        };
        let name = &self.bytes[tag.name.0..tag.name.1];
        let closes = name.eq_ignore_ascii_case(b"body") || name.eq_ignore_ascii_case(b"html");
        if closes && !self.closing_seen {
            self.closing_seen = true;
            if self.move_trailing_scripts(at) {
                return self.bytes.len();
            }
        }
        tag.end
    }

    /// A link's `crossorigin` that is no CORS keyword (the nonce, leptos#4843) becomes
    /// `crossorigin=""`, the same Anonymous state: the span of `=` and the value, and what replaces
    /// it. A value with a character reference is left alone: it may decode to a keyword.
    fn crossorigin_repair(&self, tag: &Tag) -> Option<((usize, usize), &'static str)> {
        let (name_end, Some((start, end))) = tag.crossorigin? else {
            return None;
        };
        let written = &self.html[start..end];
        let value = written
            .strip_prefix(['"', '\''])
            .and_then(|inner| inner.strip_suffix(['"', '\'']))
            .unwrap_or(written);
        let keyword = ["", "anonymous", "use-credentials"]
            .iter()
            .any(|keyword| value.eq_ignore_ascii_case(keyword));
        if keyword || value.contains('&') {
            return None;
        }
        Some(((name_end, end), "=\"\""))
    }

    /// At the document's first `</body>` or `</html>` (`at`): when what follows the closing tags
    /// is only `<script>` elements and white space, writes that white space, the scripts, then the
    /// closing tags, and says so. The parser appends all of it to the body in that order either
    /// way, as text and scripts after `</body>` and `</html>` go back to the body.
    fn move_trailing_scripts(&mut self, at: usize) -> bool {
        let bytes = self.bytes;
        let len = bytes.len();
        let closers_end = closers_end(bytes, at);
        if !only_scripts(bytes, closers_end) {
            return false;
        }
        self.copy_to(at);
        let mut pos = at;
        while pos < closers_end {
            match closer_end(bytes, pos) {
                Some(end) => pos = end,
                None => {
                    self.out.push(char::from(bytes[pos]));
                    pos += 1;
                }
            }
        }
        let trailing = &self.html[closers_end..];
        // The scripts' own nonce where no tag before them had one.
        let nonce = self.nonce.or_else(|| {
            let script = find_slice(bytes, b"<script", closers_end)?;
            let (start, end) = tag(bytes, script + 1)?.nonce?.1?;
            Some(&self.html[start..end])
        });
        match nonce {
            Some(nonce) => self
                .out
                .push_str(&trailing.replace(&format!(" nonce={nonce}"), "")),
            None => self.out.push_str(trailing),
        }
        let mut pos = at;
        while pos < closers_end {
            match closer_end(bytes, pos) {
                Some(end) => {
                    self.out.push_str(&self.html[pos..end]);
                    pos = end;
                }
                None => pos += 1,
            }
        }
        self.copied = len;
        true
    }

    fn copy_to(&mut self, end: usize) {
        if end > self.copied {
            self.out.push_str(&self.html[self.copied..end]);
            self.copied = end;
        }
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// What may follow a tag's name: white space, `/` or `>`.
fn ends_name(byte: u8) -> bool {
    is_space(byte) || byte == b'/' || byte == b'>'
}

fn find(bytes: &[u8], byte: u8, from: usize) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|&b| b == byte)
        .map(|offset| from + offset)
}

fn find_slice(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from + offset)
}

/// Just after the first `byte` from `from`, or the end.
fn after_byte(bytes: &[u8], byte: u8, from: usize) -> usize {
    find(bytes, byte, from).map_or(bytes.len(), |at| at + 1)
}

/// The end of a comment whose text starts at `from` (just after `<!--`): `-->`, `--!>`, or the
/// abrupt `<!-->` and `<!--->`.
fn comment_end(bytes: &[u8], from: usize) -> usize {
    let rest = &bytes[from.min(bytes.len())..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let mut at = from;
    while let Some(dashes) = find_slice(bytes, b"--", at) {
        match bytes.get(dashes + 2) {
            Some(b'>') => return dashes + 3,
            Some(b'!') if bytes.get(dashes + 3) == Some(&b'>') => return dashes + 4,
            _ => at = dashes + 1,
        }
    }
    bytes.len()
}

/// Whether `<` + `/`? + `name` + one of white space, `/`, `>` starts at `at`.
fn is_tag_named(bytes: &[u8], at: usize, end_tag: bool, name: &[u8]) -> bool {
    let start = at + 1 + usize::from(end_tag);
    bytes.get(at) == Some(&b'<')
        && (!end_tag || bytes.get(at + 1) == Some(&b'/'))
        && bytes
            .get(start..start + name.len())
            .is_some_and(|found| found.eq_ignore_ascii_case(name))
        && bytes
            .get(start + name.len())
            .is_some_and(|&next| ends_name(next))
}

/// Reads a tag whose name starts at `name_start`, attributes and all, as the tokenizer does;
/// `None` when the page ends inside it.
fn tag(bytes: &[u8], name_start: usize) -> Option<Tag> {
    let len = bytes.len();
    let mut at = name_start;
    while at < len && !ends_name(bytes[at]) {
        at += 1;
    }
    let mut tag = Tag {
        name: (name_start, at),
        end: len,
        crossorigin: None,
        nonce: None,
    };
    loop {
        let space_start = at;
        while at < len && (is_space(bytes[at]) || bytes[at] == b'/') {
            at += 1;
        }
        match bytes.get(at) {
            None => return None,
            Some(b'>') => {
                tag.end = at + 1;
                return Some(tag);
            }
            Some(_) => {}
        }
        // An attribute's name (its first character may be `=`), then perhaps `=` and a value.
        let name_start = at;
        at += 1;
        while at < len && !ends_name(bytes[at]) && bytes[at] != b'=' {
            at += 1;
        }
        let name = &bytes[name_start..at];
        let name_end = at;
        let mut after = at;
        while after < len && is_space(bytes[after]) {
            after += 1;
        }
        let mut value = None;
        if bytes.get(after) == Some(&b'=') {
            after += 1;
            while after < len && is_space(bytes[after]) {
                after += 1;
            }
            match *bytes.get(after)? {
                quote @ (b'"' | b'\'') => {
                    let close = find(bytes, quote, after + 1)?;
                    value = Some((after, close + 1));
                    at = close + 1;
                }
                b'>' => at = after,
                _ => {
                    let start = after;
                    while after < len && !is_space(bytes[after]) && bytes[after] != b'>' {
                        after += 1;
                    }
                    value = Some((start, after));
                    at = after;
                }
            }
        }
        if name.eq_ignore_ascii_case(b"crossorigin") && tag.crossorigin.is_none() {
            tag.crossorigin = Some((name_end, value));
        } else if name.eq_ignore_ascii_case(b"nonce") && tag.nonce.is_none() {
            tag.nonce = Some(((space_start, at), value));
        }
    }
}

/// Where the raw text of an element named `name` that starts at `from` ends: at its end tag's
/// `<`, or the end of the page.
fn raw_text_end(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut at = from;
    while let Some(found) = find_slice(bytes, b"</", at) {
        if is_tag_named(bytes, found, true, name) {
            return found;
        }
        at = found + 2;
    }
    bytes.len()
}

/// Where a script's text that starts at `from` ends, at its `</script` or the end of the page,
/// with the tokenizer's escape states: after `<!--` a `<script` hides the next `</script>`.
fn script_end(bytes: &[u8], from: usize) -> usize {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let len = bytes.len();
    let mut state = State::Data;
    let mut dashes = 0;
    let mut at = from;
    while at < len {
        let byte = bytes[at];
        if state == State::Data {
            if byte == b'<' {
                if bytes[at..].starts_with(b"<!--") {
                    state = State::Escaped;
                    dashes = 2;
                    at += 4;
                    continue;
                }
                if is_tag_named(bytes, at, true, b"script") {
                    return at;
                }
            }
            at += 1;
            continue;
        }
        match byte {
            b'-' => dashes += 1,
            b'>' if dashes >= 2 => {
                state = State::Data;
                dashes = 0;
            }
            b'<' => {
                dashes = 0;
                if is_tag_named(bytes, at, true, b"script") {
                    if state == State::Escaped {
                        return at;
                    }
                    state = State::Escaped;
                    at += "</script".len();
                    continue;
                }
                if state == State::Escaped && is_tag_named(bytes, at, false, b"script") {
                    state = State::DoubleEscaped;
                    at += "<script".len();
                    continue;
                }
            }
            _ => dashes = 0,
        }
        at += 1;
    }
    len
}

/// The end of a `</body>` or `</html>` at `at`.
fn closer_end(bytes: &[u8], at: usize) -> Option<usize> {
    if is_tag_named(bytes, at, true, b"body") || is_tag_named(bytes, at, true, b"html") {
        tag(bytes, at + 2).map(|tag| tag.end)
    } else {
        None
    }
}

/// The end of the run of `</body>`, `</html>` and white space that starts at `at`.
fn closers_end(bytes: &[u8], mut at: usize) -> usize {
    loop {
        if let Some(end) = closer_end(bytes, at) {
            at = end;
        } else if bytes.get(at).is_some_and(|&byte| is_space(byte)) {
            at += 1;
        } else {
            return at;
        }
    }
}

/// Whether what starts at `from` is one or more whole `<script>` elements and white space only.
fn only_scripts(bytes: &[u8], from: usize) -> bool {
    let len = bytes.len();
    let mut at = from;
    let mut scripts = 0;
    loop {
        while at < len && is_space(bytes[at]) {
            at += 1;
        }
        if at == len {
            return scripts > 0;
        }
        if !is_tag_named(bytes, at, false, b"script") {
            return false;
        }
        let Some(start) = tag(bytes, at + 1) else {
            return false;
        };
        let text_end = script_end(bytes, start.end);
        if text_end == len {
            return false;
        }
        let Some(end) = tag(bytes, text_end + 2) else {
            return false;
        };
        at = end.end;
        scripts += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONCE: &str = "pkMgEuG0o6dP6tFanVuGoA";

    /// `repair(html)`, checked to have fitted in its one allocation and to change nothing more
    /// when run again.
    fn checked(html: &str) -> String {
        let once = repair(html);
        assert!(once.len() <= capacity_for(html), "grew past its allocation");
        assert_eq!(repair(&once), once, "a repaired page needs no more repair");
        once
    }

    fn unchanged(html: &str) {
        assert_eq!(checked(html), html);
    }

    #[test]
    fn markers_become_empty_comments() {
        assert_eq!(
            checked("<p>Stembus<!>, <!>12<!> stemmen</p><!>"),
            "<p>Stembus<!---->, <!---->12<!----> stemmen</p><!---->"
        );
        assert_eq!(checked("<!><!>"), "<!----><!---->");
        assert_eq!(checked("<p>café<!>ü — é</p>"), "<p>café<!---->ü — é</p>");
    }

    #[test]
    fn markers_in_text_that_is_not_markup_stay() {
        unchanged(r#"<script type="application/ld+json">{"headline":"a<!>b"}</script>"#);
        unchanged("<script>var a = '<!>';</script><style>p::after{content:'<!>'}</style>");
        unchanged("<title>Ja<!>nee</title><textarea>x<!>y</textarea><noscript><!></noscript>");
        unchanged(r#"<div title="<!>" data-a='<!>' data-b=x<!></div>"#);
        unchanged("<!-- <!> --><!----><!--<!>--!><!-->");
        unchanged("<!DOCTYPE html><p>1 < 2, a <! b, a <? b</p>");
        unchanged("<svg><![CDATA[<!>]]></svg>");
        unchanged("<plaintext><!><p></p>");
        // Where the page ends inside a tag, a comment or a script, the rest is left as it is.
        unchanged(r#"<p title="<!>"#);
        unchanged("<!-- <!>");
        unchanged("<script><!>");
    }

    #[test]
    fn a_script_ends_where_the_tokenizer_ends_it() {
        // After `<!--`, `<script>` hides the next `</script>`: all of this is one script's text.
        unchanged(r#"<script>a="<!--<script>";b="</script>";c="<!>";</script>"#);
        assert_eq!(
            checked(r#"<script>a="<!--<script>-->";</script><!>"#),
            r#"<script>a="<!--<script>-->";</script><!---->"#
        );
        assert_eq!(
            checked("<script>x</SCRIPT ><!></script>"),
            "<script>x</SCRIPT ><!----></script>"
        );
        // `</scripts>` is no end tag, and neither is `</style>` inside a script.
        unchanged("<script>a='</scripts><!></style><!>'</script>");
        assert_eq!(
            checked("<style>a{}</style><!><title>t</title><!>"),
            "<style>a{}</style><!----><title>t</title><!---->"
        );
    }

    #[test]
    fn the_nonce_in_crossorigin_becomes_anonymous_and_every_nonce_goes() {
        let head = format!(
            r#"<link rel="modulepreload" href="/pkg/stembus.js" crossorigin="{NONCE}"><link rel="preload" href="/pkg/stembus.wasm" as="fetch" type="application/wasm" crossorigin="{NONCE}"><script type="module" nonce="{NONCE}">x</script>"#
        );
        assert_eq!(
            checked(&head),
            r#"<link rel="modulepreload" href="/pkg/stembus.js" crossorigin=""><link rel="preload" href="/pkg/stembus.wasm" as="fetch" type="application/wasm" crossorigin=""><script type="module">x</script>"#
        );
        assert_eq!(
            checked("<LINK CrossOrigin = 'abc' href=/x>"),
            "<LINK CrossOrigin=\"\" href=/x>"
        );
        assert_eq!(
            checked("<link crossorigin=abc/>"),
            "<link crossorigin=\"\">"
        );
        // Only the first `crossorigin` counts; a nonce before it goes as well.
        assert_eq!(
            checked(r#"<link nonce="n" crossorigin="abc" crossorigin="def">"#),
            r#"<link crossorigin="" crossorigin="def">"#
        );
        assert_eq!(
            checked("<script\tNONCE=abc>x</script>"),
            "<script>x</script>"
        );
        // A nonce written as text is text.
        unchanged(r#"<p> nonce="abc"</p><script>" nonce=\"abc\""</script>"#);
    }

    #[test]
    fn two_renders_that_differ_only_by_their_nonce_are_the_same_bytes() {
        let page = |nonce: &str| {
            format!(
                r#"<html><head><link rel="modulepreload" href="/x.js" crossorigin="{nonce}"><script type="module" nonce="{nonce}">x</script></head><body><p>a</p></body></html><script nonce="{nonce}">__INCOMPLETE_CHUNKS=[];</script>"#
            )
        };
        assert_eq!(checked(&page(NONCE)), checked(&page("R4nd0mAg41nXyZ")));
        // Also where only the scripts after the document carry it.
        let trailing = |nonce: &str| {
            format!(r#"<body><p>a</p></body></html><script nonce="{nonce}">b()</script>"#)
        };
        assert_eq!(
            checked(&trailing(NONCE)),
            "<body><p>a</p><script>b()</script></body></html>"
        );
    }

    #[test]
    fn a_valid_crossorigin_and_other_elements_stay() {
        unchanged(r#"<link rel="preload" href="/a" crossorigin="">"#);
        unchanged(r#"<link rel="preload" href="/a" crossorigin>"#);
        unchanged(r#"<link rel="preload" href="/a" crossorigin="Anonymous">"#);
        unchanged(r#"<link rel="preload" href="/a" crossorigin='use-credentials'>"#);
        unchanged(r#"<link rel="preload" href="/a" crossorigin=>"#);
        // A character reference might decode to a keyword: not guessed at.
        unchanged(r#"<link rel="preload" href="/a" crossorigin="use&#45;credentials">"#);
        unchanged(r#"<img src="/a.png" crossorigin="abc"><script crossorigin="abc"></script>"#);
        unchanged(r#"<link title='crossorigin="abc"' data-crossorigin="abc">"#);
    }

    #[test]
    fn scripts_after_the_document_move_into_the_body() {
        let scripts = format!(
            r#"<script nonce="{NONCE}">__RESOLVED_RESOURCES=[];</script><script nonce="{NONCE}">__INCOMPLETE_CHUNKS=[];</script>"#
        );
        assert_eq!(
            checked(&format!("<html><body><p>x</p></body></html>{scripts}")),
            "<html><body><p>x</p><script>__RESOLVED_RESOURCES=[];</script><script>__INCOMPLETE_CHUNKS=[];</script></body></html>"
        );
        // White space before and between them goes to the body too, in the same order.
        assert_eq!(
            checked("<body><p>x</p></body>\n</html >\n<script>a()</script>\n"),
            "<body><p>x</p>\n\n<script>a()</script>\n</body></html >"
        );
        assert_eq!(
            checked("<p>x</p></html><script>a()</script>"),
            "<p>x</p><script>a()</script></html>"
        );
        // A script's text with a closing tag in it is still the script's.
        assert_eq!(
            checked("<body></body></html><script>'</body></html>'</script>"),
            "<body><script>'</body></html>'</script></body></html>"
        );
    }

    #[test]
    fn what_else_follows_the_document_stays_where_it_is() {
        unchanged("<html><body><p>x</p></body></html>");
        unchanged("<html><body><p>x</p></body></html>\n");
        // A comment after `</html>` belongs to the document, not the body.
        unchanged("<body></body></html><script>a()</script><!-- c -->");
        unchanged("<body></body></html><script>a()</script><p>x</p>");
        unchanged("<body></body></html><script>a()");
        // Only the document's first closing tag counts, not one in a script's text.
        unchanged("<body><script>'</body>'</script><p>x</p></body></html>");
        assert_eq!(
            checked("<body></body></html><p><!></p>"),
            "<body></body></html><p><!----></p>"
        );
    }

    /// Pieces of an article page as the release server wrote it (leptos 0.8.23): the head, the
    /// poll island's start and the end of the page.
    #[test]
    fn a_page_as_leptos_writes_it() {
        let page = format!(
            r#"<!DOCTYPE html><html lang="nl-BE"><head><meta charset="utf-8"><link rel="stylesheet" id="leptos" href="/pkg/stembus.561f4fe1da38ccb8.css"><!><link rel="modulepreload" href="/pkg/stembus.561f4fe1da38ccb8.js" crossorigin="{NONCE}"><link rel="preload" href="/pkg/stembus.561f4fe1da38ccb8.wasm" as="fetch" type="application/wasm" crossorigin="{NONCE}"><script type="module" nonce="{NONCE}">((root, pkg_path, output_name, wasm_output_name) => {{}})("", "pkg", "stembus.561f4fe1da38ccb8", "stembus.561f4fe1da38ccb8", false);</script><script type="application/ld+json">{{"headline":"a \u003c!> b"}}</script><title>DeepSeek | Stembus</title></head><body><main id="inhoud" class="site-main"><!--<() />--><!--<() />--><!><article class="article"><fieldset class="poll-fieldset"><legend class="poll-question">Ja of nee?</legend><!><input type="hidden" name="poll" value="deepseek-schade-nvidia"></fieldset><div class="poll-standing"><!><!></div></article></main></body></html><script nonce="{NONCE}">__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];</script><script nonce="{NONCE}">__INCOMPLETE_CHUNKS=[];</script>"#
        );
        let expected = r#"<!DOCTYPE html><html lang="nl-BE"><head><meta charset="utf-8"><link rel="stylesheet" id="leptos" href="/pkg/stembus.561f4fe1da38ccb8.css"><!----><link rel="modulepreload" href="/pkg/stembus.561f4fe1da38ccb8.js" crossorigin=""><link rel="preload" href="/pkg/stembus.561f4fe1da38ccb8.wasm" as="fetch" type="application/wasm" crossorigin=""><script type="module">((root, pkg_path, output_name, wasm_output_name) => {})("", "pkg", "stembus.561f4fe1da38ccb8", "stembus.561f4fe1da38ccb8", false);</script><script type="application/ld+json">{"headline":"a \u003c!> b"}</script><title>DeepSeek | Stembus</title></head><body><main id="inhoud" class="site-main"><!--<() />--><!--<() />--><!----><article class="article"><fieldset class="poll-fieldset"><legend class="poll-question">Ja of nee?</legend><!----><input type="hidden" name="poll" value="deepseek-schade-nvidia"></fieldset><div class="poll-standing"><!----><!----></div></article></main><script>__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];</script><script>__INCOMPLETE_CHUNKS=[];</script></body></html>"#;
        assert_eq!(checked(&page), expected);
    }

    #[tokio::test]
    async fn a_response_gets_its_page_repaired() {
        let page = (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<p>a<!>b</p>",
        )
            .into_response();
        let response = repaired(page).await;
        assert!(!response.headers().contains_key(header::CONTENT_LENGTH));
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        assert_eq!(&body[..], b"<p>a<!---->b</p>");

        let json = (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"a":"<!>"}"#,
        )
            .into_response();
        let body = to_bytes(repaired(json).await.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(&body[..], br#"{"a":"<!>"}"#);
    }
}
