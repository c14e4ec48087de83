//! A poll's standing read from the store, and one reader's answers in it: what the article page,
//! the vote's answer and the desk's poll page and export all show.

use crate::voter_cookie::VoterId;
use stembus_poll::error::AppError;
use stembus_poll::{PollDefinition, PollResults};
use stembus_store::Store;

/// The poll's standing, and the answers `voter` chose in it (none without a voter).
pub async fn standing(
    store: &Store,
    poll: &PollDefinition,
    voter: Option<&VoterId>,
) -> Result<(PollResults, Vec<String>), AppError> {
    let tally = store.tally(&poll.id, voter.map(VoterId::as_str)).await?;
    Ok((
        PollResults::from_counts(poll, &tally.counts, tally.voters),
        tally.own_choices,
    ))
}
