//! Text measured with the shipped font's own advance widths, and wrapped into lines that fit.
//!
//! The sum of a line's advances is what usvg lays out before kerning, which in DejaVu Sans only
//! ever narrows a line: a line measured here never comes out wider on the picture (the tests
//! hold usvg's own layout to it).

use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::FontRef;
use std::sync::LazyLock;

/// The two faces of the shipped font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// A face's advance widths at 1 px, for every character it has, and for those it has not (the
/// missing-glyph box usvg draws in their place).
struct Advances {
    font: FontRef<'static>,
    missing: f32,
}

impl Advances {
    fn of(bytes: &'static [u8]) -> Advances {
        let font = FontRef::new(bytes).expect("the shipped font parses");
        let missing = font
            .glyph_metrics(Size::new(1.0), LocationRef::default())
            .advance_width(skrifa::GlyphId::NOTDEF)
            .unwrap_or(1.0);
        Advances { font, missing }
    }

    fn width(&self, text: &str) -> f32 {
        let metrics = self
            .font
            .glyph_metrics(Size::new(1.0), LocationRef::default());
        let charmap = self.font.charmap();
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|glyph| metrics.advance_width(glyph))
                    .unwrap_or(self.missing)
            })
            .sum()
    }
}

static REGULAR: LazyLock<Advances> = LazyLock::new(|| Advances::of(super::REGULAR));
static BOLD: LazyLock<Advances> = LazyLock::new(|| Advances::of(super::BOLD));

/// The width of `text` in `face` at `size` px.
pub fn width(text: &str, face: Face, size: f32) -> f32 {
    let advances = match face {
        Face::Regular => &*REGULAR,
        Face::Bold => &*BOLD,
    };
    advances.width(text) * size
}

/// The ellipsis that ends a text cut short.
const ELLIPSIS: char = '…';

/// `text` in lines no wider than `room` px in `face` at `size` px: broken between words (a
/// no-break space holds its words together), a word wider than a line broken inside it. Past
/// `max_lines` lines the last one is cut and ends with "…". Control characters count as spaces.
pub fn wrap(text: &str, face: Face, size: f32, room: f32, max_lines: usize) -> Vec<String> {
    let fits = |line: &str| width(line, face, size) <= room;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let words = text
        .split(|c: char| c == ' ' || c.is_control() || c == '\u{2028}' || c == '\u{2029}')
        .filter(|word| !word.is_empty());
    for word in words {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word longer than a whole line is broken where it must be.
        for c in word.chars() {
            line.push(c);
            if !fits(&line) && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            *last = ellipsised(last, &fits);
        }
    }
    lines
}

/// `line` shortened until it fits with "…" after it (a trailing space or punctuation dropped).
fn ellipsised(line: &str, fits: &impl Fn(&str) -> bool) -> String {
    let mut kept: Vec<char> = line.chars().collect();
    loop {
        while kept
            .last()
            .is_some_and(|c| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.'))
        {
            kept.pop();
        }
        let candidate: String = kept.iter().chain(std::iter::once(&ELLIPSIS)).collect();
        if fits(&candidate) || kept.is_empty() {
            return candidate;
        }
        kept.pop();
    }
}
