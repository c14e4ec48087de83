//! A poll's standing as a picture: a 1200 × 630 PNG (the size link previews and newsletters show)
//! of the question, each answer with its bar and share, the number of voters, the moment it shows
//! and the site's name, in the poll's language. The web room serves it at `path` and names it as a
//! page's `og:image`; the desk shows it, offers it for download and puts it in a newsletter block.
//!
//! Why resvg: the picture is drawn as an SVG string (plain text, easy to escape and to read in a
//! test) and rasterised by resvg, whose usvg lays the text out with the font handed to it and
//! whose tiny-skia paints it, all in Rust. No system library (cairo, pango, ImageMagick), no
//! browser, and no system font: the font is DejaVu Sans in `fonts/` (its licence beside it),
//! compiled in and loaded from its bytes, so every machine draws the same pixels, which the golden
//! test holds it to. One render takes about 20 ms of one core (docs/performance.md); the web
//! room keeps its bytes and renders a poll's picture at most once per ten seconds.
//!
//! Text is wrapped by measuring it with the font's own advances (`layout`), never by counting
//! characters, and cut with "…" where it would not fit: a newsroom's question may be long.
//!
//! The parsed fonts (here and in `layout`) are `LazyLock`s: constants of the binary, parsed from
//! its own bytes on the first picture. Nothing in them changes at run time, so they are no state to
//! hand down as the clock or the store are, and every test sees the same.

mod layout;
#[cfg(test)]
mod tests;

use layout::{Face, wrap};
use resvg::{tiny_skia, usvg};
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};
use stembus_messages::{Arg, Words};
use stembus_poll::language::Language;
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, PollResults, PollStatus, ResultsVisibility};

/// The picture's size in pixels: what Open Graph and the social networks' large cards ask for.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// The colours the picture uses, as `#rrggbb`: the site's own (style/main.css). Text and bars
/// stand on `BACKGROUND` with a contrast of at least 4.5:1 (the tests compute it); `TRACK`, the
/// empty part of a bar and the footer's rule, only decorates.
pub mod colours {
    pub const BACKGROUND: &str = "#ffffff";
    /// The question, the answers and their shares.
    pub const TEXT: &str = "#1d1d1f";
    /// The counts, the notes and the moment.
    pub const MUTED: &str = "#555a60";
    /// The bars and the site's name.
    pub const ACCENT: &str = "#0b5cad";
    pub const TRACK: &str = "#dfe3e8";
}

/// The family name of the shipped font, as its files name it.
const FONT_FAMILY: &str = "DejaVu Sans";
const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The shipped fonts, parsed once for usvg: no system font is ever looked up.
static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(REGULAR.to_vec());
    fonts.load_font_data(BOLD.to_vec());
    fonts.set_sans_serif_family(FONT_FAMILY);
    Arc::new(fonts)
});

/// The address of a poll's picture on the site: `/api/polls/{poll_id}/standing.png`, with
/// `?lang=fr-BE` for the French one. The web room serves it; pages and the desk link it.
pub fn path(poll_id: &str, language: Language) -> String {
    match language {
        Language::Dutch => format!("/api/polls/{poll_id}/standing.png"),
        language => format!("/api/polls/{poll_id}/standing.png?lang={}", language.tag()),
    }
}

/// What a picture shows: `poll` in the language of the picture's words (as
/// `PollDefinition::in_language` gives it), its standing (`None` where it is not read: it is not
/// public yet), and the moment of the render (seconds since 1970).
#[derive(Debug, Clone, Copy)]
pub struct Standing<'a> {
    pub poll: &'a PollDefinition,
    pub results: Option<&'a PollResults>,
    pub at: i64,
}

impl Standing<'_> {
    /// The figures the picture may show: only where a reader who did not vote may see them, so a
    /// standing handed in by mistake never leaks.
    fn public_results(&self) -> Option<&PollResults> {
        let status = self.poll.status_at(self.at);
        self.results
            .filter(|_| self.poll.results_visible(status, false))
    }
}

/// Why a picture could not be made; a fault of this code or of the machine, never of the poll.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("the picture's SVG does not parse: {0}")]
    Svg(#[from] usvg::Error),
    #[error("no memory for a {WIDTH} x {HEIGHT} picture")]
    Canvas,
    #[error("the picture could not be encoded as PNG: {0}")]
    Png(String),
}

/// The picture of `standing` in the language of `words`, as PNG bytes. Takes about 20 ms of one
/// core: call it off the async runtime.
pub fn render(standing: &Standing, words: &Words) -> Result<Vec<u8>, PictureError> {
    rasterise(&svg(standing, words))
}

/// `svg` (the picture's SVG) rasterised at `WIDTH` × `HEIGHT`, as PNG bytes.
fn rasterise(svg: &str) -> Result<Vec<u8>, PictureError> {
    let tree = usvg::Tree::from_str(svg, &options())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or(PictureError::Canvas)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|error| PictureError::Png(error.to_string()))
}

/// usvg's options: the shipped fonts only.
fn options() -> usvg::Options<'static> {
    usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: FONTS.clone(),
        ..usvg::Options::default()
    }
}

/// The picture's words for a screen reader and a link preview's `og:image:alt`: the question and
/// the leading answer with its share ("Brengt DeepSeek …? “Ja” leidt met 58%."), a tie, no votes
/// yet, or that the standing is not public (`results` is `None`), in the language of `words`.
pub fn alt_text(poll: &PollDefinition, results: Option<&PollResults>, words: &Words) -> String {
    let question = Arg::Text(&poll.question);
    let Some(results) = results else {
        return words.with("picture-alt-hidden", &[("question", question)]);
    };
    let most = results.rows.iter().map(|row| row.votes).max().unwrap_or(0);
    if most == 0 {
        return words.with("picture-alt-no-votes", &[("question", question)]);
    }
    let quoted = |label: &str| words.with("picture-alt-answer", &[("answer", Arg::Text(label))]);
    let leaders: Vec<_> = results
        .rows
        .iter()
        .filter(|row| row.votes == most)
        .collect();
    if let [leader] = leaders[..] {
        let (answer, percent) = (quoted(&leader.label), words.percent(leader.percent));
        return words.with(
            "picture-alt-leading",
            &[
                ("question", question),
                ("answer", Arg::Text(&answer)),
                ("percent", Arg::Text(&percent)),
            ],
        );
    }
    let mut labels: Vec<String> = leaders.iter().map(|row| quoted(&row.label)).collect();
    let last = labels.pop().unwrap_or_default();
    let answers = words.with(
        "picture-alt-and",
        &[
            ("first", Arg::Text(&labels.join(", "))),
            ("last", Arg::Text(&last)),
        ],
    );
    let votes = words.votes(most);
    words.with(
        "picture-alt-tie",
        &[
            ("question", question),
            ("answers", Arg::Text(&answers)),
            ("votes", Arg::Text(&votes)),
        ],
    )
}

// The layout, in pixels of the 1200 × 630 canvas. Text sizes are what stays readable when the
// picture is shown 600 px wide (half size): the question at 48 px, answers at 32 px or more.
const MARGIN_X: f32 = 64.0;
const CONTENT_WIDTH: f32 = WIDTH as f32 - 2.0 * MARGIN_X;
const TOP: f32 = 48.0;
const QUESTION_SIZE: f32 = 48.0;
const QUESTION_LINE: f32 = 56.0;
/// Between the question and the first answer.
const QUESTION_GAP: f32 = 26.0;
const BAR_HEIGHT: f32 = 14.0;
/// Between an answer's text and its bar.
const BAR_GAP: f32 = 6.0;
/// Between two answers.
const ROW_GAP: f32 = 16.0;
/// Room kept for an answer's share ("100%", "100 %") right of its label.
const SHARE_GAP: f32 = 24.0;
/// The radio mark before an answer when the picture shows no figures.
const MARK_RADIUS: f32 = 11.0;
const MARK_ROOM: f32 = 40.0;
const NOTE_SIZE: f32 = 30.0;
const NOTE_LINE: f32 = 38.0;
const NOTE_LINES: usize = 2;
/// The footer: a rule, then the site's name and the moment on one line.
const RULE_Y: f32 = 562.0;
const FOOTER_BASELINE: f32 = 604.0;
const FOOTER_SIZE: f32 = 28.0;
/// Where a line of text sits in its line box: its baseline, as a share of the font size below
/// the box's top (DejaVu Sans's ascent is 0.93 em; centred in a box 1.2 em high).
const BASELINE: f32 = 0.86;

/// How much the answers may be squeezed, from roomiest to tightest: the question's lines at
/// most, an answer's lines at most, and an answer's size (never below 32 px).
const SQUEEZES: [(usize, usize, f32); 4] = [(3, 2, 34.0), (2, 2, 34.0), (2, 1, 34.0), (2, 1, 32.0)];

/// One answer as the picture draws it: its label's lines and, with figures, its share.
struct Row {
    lines: Vec<String>,
    share: Option<(String, u8)>,
}

/// The picture of `standing` in the language of `words`, as an SVG document: every text escaped,
/// wrapped to the canvas by measuring it, cut with "…" where it would not fit.
pub fn svg(standing: &Standing, words: &Words) -> String {
    let poll = standing.poll;
    let results = standing.public_results();
    let status = poll.status_at(standing.at);
    let notes = wrap(
        &notes(standing, results, status, words),
        Face::Regular,
        NOTE_SIZE,
        CONTENT_WIDTH,
        NOTE_LINES,
    );
    let notes_top = RULE_Y - 22.0 - NOTE_LINE * notes.len() as f32;
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT_FAMILY}">"#
    );
    let _ = write!(
        out,
        r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="{}"/><rect width="{WIDTH}" height="10" fill="{}"/>"#,
        colours::BACKGROUND,
        colours::ACCENT
    );

    // The roomiest squeeze under which every answer fits; else the tightest, with the answers
    // that fit and a line saying how many more there are.
    let answers_bottom = notes_top - 20.0;
    let mut chosen = None;
    for (question_lines, label_lines, size) in SQUEEZES {
        let question = wrap(
            &poll.question,
            Face::Bold,
            QUESTION_SIZE,
            CONTENT_WIDTH,
            question_lines,
        );
        let rows = rows(poll, results, words, size, label_lines);
        let top = TOP + QUESTION_LINE * question.len() as f32 + QUESTION_GAP;
        let height: f32 = rows.iter().map(|row| row_height(row, size)).sum();
        let fits = top + height <= answers_bottom;
        chosen = Some((question, rows, size, top));
        if fits {
            break;
        }
    }
    let Some((question, mut rows, size, top)) = chosen else {
        return out;
    };

    for (index, line) in question.iter().enumerate() {
        let y = TOP + QUESTION_LINE * index as f32 + QUESTION_SIZE * BASELINE + 4.0;
        text(
            &mut out,
            MARGIN_X,
            y,
            QUESTION_SIZE,
            true,
            colours::TEXT,
            false,
            line,
        );
    }

    let hidden = keep_what_fits(&mut rows, size, answers_bottom - top, results.is_some());
    let line_height = size * 1.2;
    let mut y = top;
    for row in &rows {
        let label_x = if row.share.is_some() {
            MARGIN_X
        } else {
            let centre = y + line_height / 2.0;
            let _ = write!(
                out,
                r#"<circle cx="{}" cy="{centre}" r="{MARK_RADIUS}" fill="none" stroke="{}" stroke-width="3"/>"#,
                MARGIN_X + MARK_RADIUS + 1.5,
                colours::MUTED
            );
            MARGIN_X + MARK_ROOM
        };
        for (index, line) in row.lines.iter().enumerate() {
            let baseline = y + line_height * index as f32 + size * BASELINE;
            text(
                &mut out,
                label_x,
                baseline,
                size,
                false,
                colours::TEXT,
                false,
                line,
            );
        }
        if let Some((share, percent)) = &row.share {
            text(
                &mut out,
                MARGIN_X + CONTENT_WIDTH,
                y + size * BASELINE,
                size,
                true,
                colours::TEXT,
                true,
                share,
            );
            let bar_y = y + line_height * row.lines.len() as f32 + BAR_GAP;
            let filled = (CONTENT_WIDTH * f32::from(*percent) / 100.0).max(if *percent > 0 {
                BAR_HEIGHT
            } else {
                0.0
            });
            let radius = BAR_HEIGHT / 2.0;
            let _ = write!(
                out,
                r#"<rect x="{MARGIN_X}" y="{bar_y}" width="{CONTENT_WIDTH}" height="{BAR_HEIGHT}" rx="{radius}" fill="{}"/>"#,
                colours::TRACK
            );
            if filled > 0.0 {
                let _ = write!(
                    out,
                    r#"<rect x="{MARGIN_X}" y="{bar_y}" width="{filled}" height="{BAR_HEIGHT}" rx="{radius}" fill="{}"/>"#,
                    colours::ACCENT
                );
            }
        }
        y += row_height(row, size);
    }
    if hidden > 0 {
        let more = words.counted("picture-more-answers", hidden as u64);
        let line = wrap(&more, Face::Regular, NOTE_SIZE, CONTENT_WIDTH, 1);
        let baseline = y + NOTE_SIZE * BASELINE;
        for line in line {
            text(
                &mut out,
                MARGIN_X,
                baseline,
                NOTE_SIZE,
                false,
                colours::MUTED,
                false,
                &line,
            );
        }
    }

    for (index, line) in notes.iter().enumerate() {
        let baseline = notes_top + NOTE_LINE * index as f32 + NOTE_SIZE * BASELINE;
        text(
            &mut out,
            MARGIN_X,
            baseline,
            NOTE_SIZE,
            false,
            colours::MUTED,
            false,
            line,
        );
    }

    let _ = write!(
        out,
        r#"<rect x="{MARGIN_X}" y="{RULE_Y}" width="{CONTENT_WIDTH}" height="2" fill="{}"/>"#,
        colours::TRACK
    );
    let site = words.text("site-name");
    let site_width = layout::width(&site, Face::Bold, FOOTER_SIZE);
    text(
        &mut out,
        MARGIN_X,
        FOOTER_BASELINE,
        FOOTER_SIZE,
        true,
        colours::ACCENT,
        false,
        &site,
    );
    let moment = words.date_time(&Moment::brussels_from_unix(standing.at));
    let at = words.with("picture-standing-at", &[("moment", Arg::Text(&moment))]);
    let room = CONTENT_WIDTH - site_width - 32.0;
    for line in wrap(&at, Face::Regular, FOOTER_SIZE, room, 1) {
        text(
            &mut out,
            MARGIN_X + CONTENT_WIDTH,
            FOOTER_BASELINE,
            FOOTER_SIZE,
            false,
            colours::MUTED,
            true,
            &line,
        );
    }
    out.push_str("</svg>");
    out
}

/// The answers as rows at `size`, each label in `label_lines` lines at most, with their shares
/// when the picture shows figures.
fn rows(
    poll: &PollDefinition,
    results: Option<&PollResults>,
    words: &Words,
    size: f32,
    label_lines: usize,
) -> Vec<Row> {
    poll.options
        .iter()
        .map(|option| {
            let share = results.map(|results| {
                let percent = results
                    .rows
                    .iter()
                    .find(|row| row.key == option.key)
                    .map_or(0, |row| row.percent);
                (words.percent(percent), percent)
            });
            let room = match &share {
                Some((share, _)) => {
                    CONTENT_WIDTH - layout::width(share, Face::Bold, size) - SHARE_GAP
                }
                None => CONTENT_WIDTH - MARK_ROOM,
            };
            Row {
                lines: wrap(&option.label, Face::Regular, size, room, label_lines),
                share,
            }
        })
        .collect()
}

fn row_height(row: &Row, size: f32) -> f32 {
    let text = size * 1.2 * row.lines.len() as f32;
    match row.share {
        Some(_) => text + BAR_GAP + BAR_HEIGHT + ROW_GAP,
        None => text + ROW_GAP,
    }
}

/// Drops answers until the rest, and a line saying how many were dropped, fit in `room`: with
/// figures the answers with the smallest shares go first, else the last ones; the rest keep the
/// poll's order. How many were dropped.
fn keep_what_fits(rows: &mut Vec<Row>, size: f32, room: f32, figures: bool) -> usize {
    let total: f32 = rows.iter().map(|row| row_height(row, size)).sum();
    if total <= room {
        return 0;
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    if figures {
        // Largest share first; among equal shares the poll's order.
        order.sort_by_key(|&index| {
            std::cmp::Reverse(
                rows[index]
                    .share
                    .as_ref()
                    .map_or(0, |(_, percent)| *percent),
            )
        });
    }
    let room = room - NOTE_LINE;
    let mut used = 0.0;
    let mut kept = Vec::new();
    for index in order {
        let height = row_height(&rows[index], size);
        if used + height > room {
            break;
        }
        used += height;
        kept.push(index);
    }
    kept.sort_unstable();
    let dropped = rows.len() - kept.len();
    let mut index = 0;
    rows.retain(|_| {
        let keep = kept.contains(&index);
        index += 1;
        keep
    });
    dropped
}

/// The sentences under the answers: whether the poll is closed or opens later, and the number of
/// voters; without figures, when the standing will be shown.
fn notes(
    standing: &Standing,
    results: Option<&PollResults>,
    status: PollStatus,
    words: &Words,
) -> String {
    let poll = standing.poll;
    let mut sentences = Vec::new();
    match status {
        PollStatus::Closed => sentences.push(words.text("poll-closed")),
        PollStatus::NotYetOpen => {
            if let Some(opens) = poll.opens {
                let opens = words.date_time(&Moment::brussels_from_unix(opens.unix_seconds()));
                sentences.push(words.with("poll-opens-on", &[("opens", Arg::Text(&opens))]));
            }
        }
        PollStatus::Open => {}
    }
    match results {
        Some(results) => sentences.push(words.voters(results.voters)),
        None => sentences.push(match (poll.show_results, poll.closes) {
            (ResultsVisibility::AfterClose, Some(closes)) => {
                let closes = words.date_time(&closes);
                words.with("poll-results-later-on", &[("closes", Arg::Text(&closes))])
            }
            (ResultsVisibility::AfterClose, None) => words.text("poll-results-later"),
            _ => words.text("picture-results-after-vote"),
        }),
    }
    sentences.join(" ")
}

/// Writes one line of text at (`x`, `baseline`), ending there when `end`.
#[allow(clippy::too_many_arguments)]
fn text(
    out: &mut String,
    x: f32,
    baseline: f32,
    size: f32,
    bold: bool,
    fill: &str,
    end: bool,
    line: &str,
) {
    let weight = if bold { r#" font-weight="bold""# } else { "" };
    let anchor = if end { r#" text-anchor="end""# } else { "" };
    let _ = write!(
        out,
        r#"<text x="{x}" y="{baseline}" font-size="{size}" fill="{fill}"{weight}{anchor} xml:space="preserve">{}</text>"#,
        escape(line)
    );
}

/// `text` for SVG's content: markup escaped, and characters XML may not carry left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            // Noncharacters and lone surrogates cannot reach a `str`; these two are not XML.
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
