//! The embedded poll's address and the frame that shows it, which oEmbed hands out and the desk
//! gives editors to copy: one place, so the two never differ.

use crate::escape_markup;
use stembus_messages::{Arg, Words};
use stembus_poll::PollDefinition;
use stembus_poll::language::Language;

/// The frame's size that oEmbed proposes and the desk hands out (the poll fits at this width
/// without scrolling).
pub const FRAME_WIDTH: u32 = 480;
pub const FRAME_HEIGHT: u32 = 560;
/// The embed's address of a poll in `language`: `/embed/{poll_id}`, `/fr/embed/{poll_id}`.
pub fn embed_path(poll_id: &str, language: Language) -> String {
    format!("{}/embed/{poll_id}", language.path_prefix())
}

/// The frame's title, which a screen reader announces for the frame: "Lezerspoll: {question}" in
/// the language of `words`, with `question` in that language.
pub fn frame_title(question: &str, words: &Words) -> String {
    words.with("frame-title", &[("question", Arg::Text(question))])
}

/// The `<iframe>` that shows `poll` in the language of `words` from this site (`base_url`) at
/// `width` by `height`; `poll` as `PollDefinition::in_language` gives it. oEmbed hands it out and
/// the desk gives it to copy: one function, so the two never differ.
pub fn iframe_html(
    base_url: &str,
    poll: &PollDefinition,
    words: &Words,
    width: u32,
    height: u32,
) -> String {
    format!(
        "<iframe src=\"{}\" width=\"{width}\" height=\"{height}\" title=\"{}\" loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>",
        escape_markup(&format!(
            "{base_url}{}",
            embed_path(&poll.id, words.language())
        )),
        escape_markup(&frame_title(&poll.question, words)),
    )
}
