//! The poll as one reader sees it, wherever it is shown (the article page, the embed): the
//! standing with their own answers, the form or not, and the transparency facts beside it.

use crate::state::WebState;
use crate::views::{PollFacts, VoidedVotes};
use stembus_content::article::Article;
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, PollView};
use stembus_site::standing::standing;
use stembus_site::voter_cookie::VoterId;

/// Whose poll a page shows: the reader's by their voter id (none: not voted), or that of every
/// reader with these own answers (a voter's page kept for all of them).
pub(crate) enum Reader {
    Voter(Option<VoterId>),
    WithAnswers(Vec<String>),
}

/// The poll as the reader with `voter` sees it at `path` (the article, or the embed; `changing`
/// when they asked to change their vote), and the transparency facts. If the store cannot be read
/// the page still shows, with the form and a notice that the figures cannot be shown right now; a
/// vote then gets an honest answer of its own.
pub(crate) async fn poll_for_reader(
    state: &WebState,
    reader: Reader,
    changing: bool,
    path: &str,
    article: Option<&Article>,
    poll: &PollDefinition,
) -> (PollView, PollFacts) {
    let now = state.now();
    let standing = match reader {
        Reader::Voter(voter) => standing(&state.store, poll, voter.as_ref()).await.ok(),
        Reader::WithAnswers(answers) => standing(&state.store, poll, None)
            .await
            .ok()
            .map(|(results, _)| (results, answers)),
    };
    // After the read: a live reading begun before this moment may be older than these figures.
    let read_at = state.clock.unix_millis();
    let standing = standing.map(|(results, own)| (results.read_at(read_at), own));
    let voters = standing.as_ref().map(|(results, _)| results.voters);
    let (results, own_choices) = standing.unzip();
    let view = PollView::for_reader(
        path,
        poll,
        results,
        own_choices.unwrap_or_default(),
        now,
        changing,
    );
    let desk = state.content.desk();
    let status = poll.status_at(now);
    let public_results = poll.results_visible(status, false);
    // The views are read only where the box says the participation: an embed is rendered for
    // every reader, and most polls show their standing to voters alone.
    let seen = match public_results {
        true => crate::api::results::seen_total(state, &poll.id).await,
        false => None,
    };
    let facts = PollFacts {
        seen,
        public_results,
        voters,
        // A desk-made poll always has its opening; a file's poll without one opened with the
        // article that defines it, whatever the language of the page or article showing it
        // (`article` only if the library changed in between and no longer holds the poll).
        opened: poll
            .opens
            .or_else(|| state.library().opened(&poll.id))
            .or(article.map(|article| article.published))
            .unwrap_or_else(|| Moment::brussels_from_unix(now)),
        closes: poll.closes,
        status,
        counted_at: Moment::brussels_from_unix(now),
        clarified: desk.made_poll(&poll.id).is_some_and(|made| made.clarified),
        voided: desk
            .voided_of(&poll.id)
            .iter()
            .map(|window| VoidedVotes {
                votes: window.ballots,
                from: Moment::brussels_from_unix(window.window.from),
                last_minute: Moment::brussels_from_unix(
                    (window.window.until - 1).div_euclid(60) * 60,
                ),
            })
            .collect(),
    };
    (view, facts)
}
