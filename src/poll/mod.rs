//! The reader poll's interactive part: the poll island, the vote server function (its
//! declaration; the body is the server's, through `door`) and what the vote answers.

mod card;
#[cfg(feature = "ssr")]
pub mod door;

pub use card::PollCard;
pub use stembus_poll::*;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stembus_poll::error::AppError;

/// What the vote answers: only what the island reads of the poll as the reader now sees it
/// (whether the form stays, the voters the standing counts) and what it shows, as HTML or text
/// rendered here so that the browser need not carry the code or the words: the standing that takes
/// the form's place, what the live region says, and the transparency box's count. The poll's definition and the rows are in that HTML already; sending
/// them again cost every vote's answer its size and the server its encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteAnswer {
    /// Whether the form is shown (a reader changing their vote): `PollView::show_form`.
    pub show_form: bool,
    /// The voters the standing counts, when this reader sees it (`null`: not shown); live
    /// figures below it are older than the vote and are not shown.
    pub voters: Option<u64>,
    pub standing_html: String,
    pub announcement_html: String,
    /// The transparency box's count, as text (`facts_voters_sentence`): the box under the card
    /// shows it to every reader, so it comes also when the standing is hidden from this one.
    pub facts_voters: String,
}

impl VoteAnswer {
    /// The answer to a vote that was taken; `view` is the poll as the reader now sees it, and
    /// `voters` the readers who voted, the reader's vote included.
    pub fn new(view: &PollView, voters: u64) -> VoteAnswer {
        let labels = view.poll.labels_of(&view.own_choices);
        // Without the standing the reader's answers are not known just now (see `PollView`).
        let announcement = if labels.is_empty() {
            "Uw stem is geregistreerd.".to_string()
        } else {
            format!("Uw stem voor “{}” is geregistreerd.", labels.join("”, “"))
        };
        VoteAnswer {
            show_form: view.show_form,
            voters: view.results.as_ref().map(|results| results.voters),
            standing_html: card::standing_html(view),
            // Rendered as text: the labels come from the newsroom and are escaped here.
            announcement_html: announcement.to_html(),
            facts_voters: facts_voters_sentence(Some(voters)),
        }
    }
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
    door.cast(poll, choice)
        .await
        .map(|(view, voters)| VoteAnswer::new(&view, voters))
}

#[cfg(test)]
mod tests {
    use super::*;

    use stembus_poll::moment::Moment;
    use stembus_poll::test_support::poll;

    fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs.iter().map(|(key, n)| (key.to_string(), *n)).collect()
    }

    #[test]
    fn the_vote_answer_announces_the_answers_as_escaped_text() {
        let mut poll = poll();
        poll.options[0].label = "Ja & <b>nee</b>".to_string();
        let results = PollResults::from_counts(&poll, &counts(&[("ja", 1)]), 1);
        let view = PollView::for_reader(
            "/artikel/x",
            &poll,
            Some(results),
            vec!["ja".into()],
            0,
            false,
        );
        let answer = VoteAnswer::new(&view, 1);
        assert_eq!(
            answer.announcement_html,
            "Uw stem voor “Ja &amp; &lt;b&gt;nee&lt;/b&gt;” is geregistreerd."
        );
        assert!(
            answer
                .standing_html
                .contains("Ja &amp; &lt;b&gt;nee&lt;/b&gt;")
        );
        assert!(answer.standing_html.contains("class=\"poll-own-vote\""));
    }

    #[test]
    fn the_vote_answer_carries_what_the_island_reads_and_no_definition() {
        let poll = poll();
        let results = PollResults::from_counts(&poll, &counts(&[("ja", 3), ("nee", 1)]), 4);
        let shown = PollView::for_reader(
            "/artikel/x",
            &poll,
            Some(results),
            vec!["ja".into()],
            0,
            false,
        );
        let json = serde_json::to_value(VoteAnswer::new(&shown, 4)).unwrap();
        let mut fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "announcement_html",
                "facts_voters",
                "show_form",
                "standing_html",
                "voters"
            ]
        );
        assert_eq!(json["voters"], 4);
        assert_eq!(json["facts_voters"], "Tot nu toe stemden 4 lezers.");
        assert_eq!(json["show_form"], false);
        let mut hidden_poll = poll.clone();
        hidden_poll.show_results = ResultsVisibility::AfterClose;
        let results = PollResults::from_counts(&hidden_poll, &counts(&[("ja", 3)]), 3);
        let hidden = PollView::for_reader(
            "/artikel/x",
            &hidden_poll,
            Some(results),
            vec!["ja".into()],
            0,
            false,
        );
        let json = serde_json::to_value(VoteAnswer::new(&hidden, 3)).unwrap();
        assert!(json["voters"].is_null(), "a hidden standing sends no count");
        assert_eq!(
            json["facts_voters"], "Tot nu toe stemden 3 lezers.",
            "but the box, which every reader sees, counts the vote"
        );
        assert!(
            !json.to_string().contains("\"votes\""),
            "nor any answer's votes"
        );
    }

    #[test]
    fn a_closed_poll_says_so_in_its_card_and_an_open_one_does_not() {
        let mut timed = poll();
        timed.closes = Some(Moment::parse("2025-02-03T18:00:00+01:00").unwrap());
        let closes = timed.closes.unwrap().unix_seconds();
        let results = PollResults::from_counts(&timed, &counts(&[("ja", 1)]), 1);
        let view_at = |now| {
            PollView::for_reader(
                "/artikel/x",
                &timed,
                Some(results.clone()),
                vec![],
                now,
                false,
            )
        };
        let closed = view_at(closes);
        assert_eq!(closed.status, PollStatus::Closed);
        assert!(card::standing_html(&closed).contains("Deze poll is gesloten."));
        let open = view_at(closes - 1);
        assert_eq!(open.status, PollStatus::Open);
        assert!(!card::standing_html(&open).contains("gesloten"));
    }
}
