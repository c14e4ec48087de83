//! The reader poll's interactive part: the poll island, the vote server function (its
//! declaration; the body is the server's, through `door`) and what the vote answers.

mod card;
#[cfg(feature = "ssr")]
pub mod door;

#[cfg(feature = "ssr")]
pub use card::{PollCard, standing_html};
pub use stembus_poll::*;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stembus_poll::error::AppError;

/// What the vote answers: only what the island reads of the poll as the reader now sees it
/// (whether the form stays, the voters the standing counts) and what it shows, as HTML or text
/// rendered on the server in the vote's language (`VoteAnswer::new`, in `card/render.rs`) so that
/// the browser need not carry the code or the words: the standing that takes the form's place,
/// what the live region says, and the transparency box's count. The poll's definition and the rows
/// are in that HTML already; sending them again cost every vote's answer its size and the server
/// its encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteAnswer {
    /// Whether the form is shown (a reader changing their vote): `PollView::show_form`.
    pub show_form: bool,
    /// The voters the standing counts, when this reader sees it (`null`: not shown).
    pub voters: Option<u64>,
    /// When the standing was read, after the vote, in milliseconds since 1970 (0: not shown):
    /// live figures whose read began before it may not hold the vote, and are not shown.
    pub read_at: u64,
    pub standing_html: String,
    pub announcement_html: String,
    /// The transparency box's count, as text (`Words::facts_voters`): the box under the card
    /// shows it to every reader, so it comes also when the standing is hidden from this one.
    pub facts_voters: String,
}

/// Records the reader's vote and answers with the poll as this reader now sees it, with what the
/// island shows of it (`VoteAnswer`).
///
/// `choice` holds the chosen answer keys, separated by commas (a plain form's repeated `choice`
/// fields are joined so by the vote endpoint). Readers are told apart by a first-party cookie; a
/// reader who already voted keeps their vote unless the poll allows changing it. Without JavaScript
/// the browser is sent back to the article's poll. Fails with `UnknownPoll`, `InvalidChoice`,
/// `TooManyChoices`, `InvalidInput`, `PollClosed` or `Unavailable`; nothing is stored then.
#[server(endpoint = "stem")]
pub async fn cast_vote(poll: String, choice: String) -> Result<VoteAnswer, AppError> {
    let door = leptos::prelude::use_context::<door::SharedVoteDoor>().ok_or(AppError::Internal)?;
    // The words of the language the vote came in, which the door put beside itself.
    let words =
        leptos::prelude::use_context::<stembus_messages::Words>().ok_or(AppError::Internal)?;
    door.cast(poll, choice)
        .await
        .map(|(view, voters)| VoteAnswer::new(&view, voters, &words))
}
