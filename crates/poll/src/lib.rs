//! The poll itself, shared by the browser and every server room: a poll's definition and rules,
//! its status at a moment, the standing's figures (`tally`), its languages (`language`), the errors
//! a reader can act on (`error`) and times in Brussels (`moment`). The words readers read are in
//! `stembus-messages`. No view and no server code:
//! an edit of the island (the `stembus` crate) does not rebuild the rooms that only need these.

pub mod error;
pub mod language;
pub mod moment;
pub mod tally;
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;

use crate::error::AppError;
use crate::language::{Language, PollTranslation, TranslationProblem};
use crate::moment::Moment;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A poll as the newsroom defines it in the article's content file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollDefinition {
    /// Stable identifier; votes are stored under it, so it never changes once a poll is live.
    pub id: String,
    pub question: String,
    pub options: Vec<PollOption>,
    /// Votes are taken from this moment on; without it, from publication.
    #[serde(default)]
    pub opens: Option<Moment>,
    /// Votes are refused from this moment on; without it, the poll stays open.
    #[serde(default)]
    pub closes: Option<Moment>,
    /// How many answers a reader may pick: 1 is a single-choice poll.
    #[serde(default = "single_choice")]
    pub max_choices: u8,
    /// Whether a reader may replace their vote until the poll closes.
    #[serde(default)]
    pub allow_change: bool,
    /// Who sees the standing, and when.
    #[serde(default)]
    pub show_results: ResultsVisibility,
    /// The question and answers in French, for French pages and the French embed; the same
    /// answers and the same tally.
    #[serde(rename = "fr-BE", default, skip_serializing_if = "Option::is_none")]
    pub french: Option<PollTranslation>,
}

fn single_choice() -> u8 {
    1
}

/// When the standing of a poll is shown. Once a poll has closed, everyone sees it. Written as its
/// `key` wherever it is written: the content file, the store, the desk's form and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum ResultsVisibility {
    /// To readers who voted.
    #[default]
    AfterVote,
    /// To every reader, voted or not.
    Always,
    /// To nobody until the poll closes.
    AfterClose,
}

impl ResultsVisibility {
    pub const ALL: [ResultsVisibility; 3] = [
        ResultsVisibility::AfterVote,
        ResultsVisibility::Always,
        ResultsVisibility::AfterClose,
    ];

    /// The one spelling of each: `after-vote`, `always`, `after-close`.
    pub fn key(self) -> &'static str {
        match self {
            ResultsVisibility::AfterVote => "after-vote",
            ResultsVisibility::Always => "always",
            ResultsVisibility::AfterClose => "after-close",
        }
    }

    /// The visibility spelled `key`, if any.
    pub fn from_key(key: &str) -> Option<ResultsVisibility> {
        ResultsVisibility::ALL
            .into_iter()
            .find(|visibility| visibility.key() == key)
    }
}

impl From<ResultsVisibility> for &'static str {
    fn from(visibility: ResultsVisibility) -> &'static str {
        visibility.key()
    }
}

impl TryFrom<String> for ResultsVisibility {
    type Error = String;

    fn try_from(key: String) -> Result<ResultsVisibility, String> {
        ResultsVisibility::from_key(&key).ok_or_else(|| {
            format!("unknown variant `{key}`, expected `after-vote`, `always` or `after-close`")
        })
    }
}

/// Whether a poll takes votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PollStatus {
    NotYetOpen,
    Open,
    Closed,
}

impl PollDefinition {
    /// The poll's status at `unix_seconds`: open from `opens` (inclusive) until `closes` (exclusive).
    /// A closing moment that has passed wins over an opening still to come: an editor who closes a
    /// poll before it opened has closed it.
    pub fn status_at(&self, unix_seconds: i64) -> PollStatus {
        if self
            .closes
            .is_some_and(|closes| unix_seconds >= closes.unix_seconds())
        {
            PollStatus::Closed
        } else if self
            .opens
            .is_some_and(|opens| unix_seconds < opens.unix_seconds())
        {
            PollStatus::NotYetOpen
        } else {
            PollStatus::Open
        }
    }

    /// Whether a reader may see the standing, given the poll's status and whether they voted.
    pub fn results_visible(&self, status: PollStatus, voted: bool) -> bool {
        status == PollStatus::Closed
            || match self.show_results {
                ResultsVisibility::AfterVote => voted,
                ResultsVisibility::Always => true,
                ResultsVisibility::AfterClose => false,
            }
    }

    /// The languages the poll speaks: Dutch, and French when it has its French texts.
    pub fn languages(&self) -> Vec<Language> {
        Language::ALL
            .into_iter()
            .filter(|language| *language == Language::Dutch || self.french.is_some())
            .collect()
    }

    /// The poll as a reader of `language` reads it: its question and labels in that language, the
    /// rest (keys, rules, moments) the same; `None` when the poll does not speak it. A label
    /// missing from the translation (which `french_problem` refuses) stays Dutch.
    pub fn in_language(&self, language: Language) -> Option<PollDefinition> {
        match language {
            Language::Dutch => Some(self.clone()),
            Language::French => {
                let french = self.french.as_ref()?;
                let mut poll = self.clone();
                poll.question = french.question.clone();
                for option in &mut poll.options {
                    if let Some(label) = french.labels.get(&option.key) {
                        option.label = label.clone();
                    }
                }
                Some(poll)
            }
        }
    }

    /// What is wrong with the poll's French texts, if it has them: a question, and a label for
    /// every answer key and no other, none of them blank.
    pub fn french_problem(&self) -> Option<TranslationProblem> {
        let french = self.french.as_ref()?;
        if french.question.trim().is_empty() {
            return Some(TranslationProblem::EmptyQuestion);
        }
        if let Some(option) = self.options.iter().find(|option| {
            french
                .labels
                .get(&option.key)
                .is_none_or(|label| label.trim().is_empty())
        }) {
            return Some(TranslationProblem::MissingLabel(option.key.clone()));
        }
        french
            .labels
            .keys()
            .find(|key| !self.options.iter().any(|option| option.key == **key))
            .map(|key| TranslationProblem::UnknownKey(key.clone()))
    }

    /// The labels of `keys`, in the poll's order.
    pub fn labels_of(&self, keys: &[String]) -> Vec<String> {
        self.options
            .iter()
            .filter(|option| keys.contains(&option.key))
            .map(|option| option.label.clone())
            .collect()
    }
}

/// One answer a reader can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollOption {
    /// Stable identifier of the answer, sent by the form.
    pub key: String,
    pub label: String,
}

/// What the poll island needs to render for one reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollView {
    pub poll: PollDefinition,
    /// The standing, when this reader may see it.
    pub results: Option<PollResults>,
    /// The answers this reader chose; empty while they have not voted.
    pub own_choices: Vec<String>,
    /// Whether the form is shown: the poll is open and the reader has not voted (or is changing).
    pub show_form: bool,
    /// Where a reader who voted can change their vote, when the poll allows it and is open.
    pub change_href: Option<String>,
    /// The standing could not be read just now: the reader is told so instead of seeing no votes.
    pub standing_unavailable: bool,
    /// Whether the poll takes votes at the moment the view was made; the card says so in words.
    pub status: PollStatus,
    /// Why the reader's last vote from this form was not taken, when the card is shown again for
    /// it (a vote the node was too busy for): the form says so, with their answers still ticked.
    pub refused: Option<AppError>,
    /// The idempotency key a vote sent again from this form carries (see `VOTE_KEY_FIELD`), so
    /// that it counts once however often it is sent.
    pub retry_key: Option<String>,
    /// The answer the link the reader came by suggests (`?keuze=ja` in a newsletter), ticked in
    /// the form; only ever a tick, never a vote: the reader still presses the button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested: Option<String>,
    /// The reader voted again with other answers, which were not counted: the poll keeps a first
    /// vote, and the card says that theirs (`own_choices`) stands. Set by `voted_again`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_vote_stands: bool,
}

impl PollView {
    /// What the poll of the article at `article_path` shows a reader with `own_choices` (empty:
    /// not voted) at `now`, given the standing (`None`: it could not be read); `changing` when a
    /// reader who voted asked to change their vote.
    pub fn for_reader(
        article_path: &str,
        poll: &PollDefinition,
        results: Option<PollResults>,
        own_choices: Vec<String>,
        now: i64,
        changing: bool,
    ) -> PollView {
        let status = poll.status_at(now);
        let open = status == PollStatus::Open;
        let Some(results) = results else {
            // Without the figures it is unknown whether this reader voted: the form stays, and a
            // second vote is refused by the store as it would be anyway.
            return PollView {
                poll: poll.clone(),
                results: None,
                own_choices: Vec::new(),
                show_form: open,
                change_href: None,
                standing_unavailable: true,
                status,
                refused: None,
                retry_key: None,
                suggested: None,
                first_vote_stands: false,
            };
        };
        let voted = !own_choices.is_empty();
        let may_change = open && voted && poll.allow_change;
        PollView {
            results: poll.results_visible(status, voted).then_some(results),
            show_form: open && (!voted || (changing && may_change)),
            change_href: may_change.then(|| format!("{article_path}?wijzigen#poll")),
            poll: poll.clone(),
            own_choices,
            standing_unavailable: false,
            status,
            refused: None,
            retry_key: None,
            suggested: None,
            first_vote_stands: false,
        }
    }

    /// The same view with the answer `key` ticked in the form, for a reader who came by a link
    /// that suggests it: only while the form is shown to a reader who has not voted, and only for
    /// one of the poll's own answers (any other key is ignored).
    pub fn suggesting(mut self, key: &str) -> PollView {
        let known = self.poll.options.iter().any(|option| option.key == key);
        if known && self.show_form && self.own_choices.is_empty() {
            self.suggested = Some(key.to_string());
        }
        self
    }

    /// The same view for a reader who sent a vote for `submitted` after they had voted already, in a
    /// poll that keeps a first vote: the card says their first vote stands, naming it. Only when
    /// their stored answers (`own_choices`) are known and are not `submitted` (in any order): the
    /// same vote sent again (a retry with the same key, a double click) was not refused, it is
    /// their vote. What the card names always comes from the store, never from `submitted`.
    pub fn voted_again(mut self, submitted: &[String]) -> PollView {
        let stored: BTreeSet<&String> = self.own_choices.iter().collect();
        let submitted: BTreeSet<&String> = submitted.iter().collect();
        self.first_vote_stands =
            !stored.is_empty() && !self.poll.allow_change && stored != submitted;
        self
    }

    /// The form again for a reader whose vote for `choices` was refused with `error` before it
    /// was stored: their answers ticked, the refusal said, and `retry_key` carried by the vote
    /// they send again. A reader without JavaScript gets it in place of the vote's answer. When
    /// the poll no longer takes votes (it closed while the vote was on its way) there is no form:
    /// the refusal is said above the standing, and the reader's own vote stays what the store
    /// holds, never the refused answers, which were not counted.
    pub fn vote_refused(
        mut self,
        choices: Vec<String>,
        error: AppError,
        retry_key: String,
    ) -> PollView {
        self.show_form = self.status == PollStatus::Open;
        if self.show_form {
            self.own_choices = choices;
        }
        self.change_href = None;
        self.refused = Some(error);
        self.retry_key = Some(retry_key);
        self.suggested = None;
        self
    }
}

/// The vote form's field that carries its idempotency key: a random id the island draws once per
/// vote (and the server writes into a form shown again after a refusal), sent with every try of
/// that vote. A reader without a voter cookie is given the key as their voter id, so a vote sent
/// again after an answer that was lost on its way finds itself stored and counts once.
pub const VOTE_KEY_FIELD: &str = "key";

/// The vote form's field that names the language of the card it came from (`nl-BE`, `fr-BE`):
/// the vote's answer and its refusals speak it. Without it, Dutch.
pub const VOTE_LANGUAGE_FIELD: &str = "lang";

/// The standing of a poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResults {
    /// One row per answer; with multiple choice the shares are of all answers given.
    pub rows: Vec<ResultRow>,
    /// Number of readers who voted.
    pub voters: u64,
    /// When the standing was read, in milliseconds since 1970 (0: not said): the island shows
    /// live figures only when they were read after the figures it shows (the page's, or the
    /// vote's answer's). A changed vote leaves the number of voters as it was, and a voided
    /// window lowers it, so the count cannot tell which of two readings is the newer.
    #[serde(skip)]
    pub read_at_ms: u64,
}

/// One answer with its count and its share in whole percent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRow {
    pub key: String,
    pub label: String,
    pub votes: u64,
    pub percent: u8,
}

impl PollResults {
    /// Builds the standing from how often each answer was chosen (by key, in any order; an answer
    /// missing there has no votes, a key the poll no longer has is left out) and the number of
    /// readers who voted. The shares are whole percentages that add up to 100.
    pub fn from_counts(
        poll: &PollDefinition,
        counts_by_key: &[(String, u64)],
        voters: u64,
    ) -> Self {
        let counts: Vec<u64> = poll
            .options
            .iter()
            .map(|option| {
                counts_by_key
                    .iter()
                    .find(|(key, _)| *key == option.key)
                    .map_or(0, |(_, count)| *count)
            })
            .collect();
        let percents = tally::percentages(&counts);
        let rows = poll
            .options
            .iter()
            .zip(counts.iter().zip(percents))
            .map(|(option, (&votes, percent))| ResultRow {
                key: option.key.clone(),
                label: option.label.clone(),
                votes,
                percent,
            })
            .collect();
        PollResults {
            rows,
            voters,
            read_at_ms: 0,
        }
    }

    /// The same standing, said to be read at `unix_millis` (see `read_at_ms`).
    pub fn read_at(self, unix_millis: i64) -> Self {
        PollResults {
            read_at_ms: u64::try_from(unix_millis).unwrap_or(0),
            ..self
        }
    }
}

/// A whole number with the Belgian Dutch thousands separator: 1234567 becomes "1.234.567".
///
/// Written out digit by digit rather than with `to_string`: the island formats the live figures
/// with it, and this keeps the formatting machinery's share of its WASM down.
pub fn format_count(n: u64) -> String {
    let mut digits = Vec::with_capacity(20);
    let mut rest = n;
    loop {
        digits.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.iter().rev().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(char::from(*digit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_support::poll;

    fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs.iter().map(|(key, n)| (key.to_string(), *n)).collect()
    }

    #[test]
    fn only_other_answers_sent_after_a_kept_first_vote_are_said_to_be_refused() {
        let poll = poll();
        let results = PollResults::from_counts(&poll, &counts(&[("ja", 1)]), 1);
        let view = |own: &[&str], poll: &PollDefinition| {
            let own = own.iter().map(|key| key.to_string()).collect();
            PollView::for_reader("/artikel/a", poll, Some(results.clone()), own, 0, false)
        };
        let keys = |keys: &[&str]| keys.iter().map(|key| key.to_string()).collect::<Vec<_>>();
        assert!(
            view(&["ja"], &poll)
                .voted_again(&keys(&["nee"]))
                .first_vote_stands
        );
        assert!(
            !view(&["ja"], &poll)
                .voted_again(&keys(&["ja"]))
                .first_vote_stands,
            "the same vote sent again is the reader's vote"
        );
        assert!(
            !view(&[], &poll)
                .voted_again(&keys(&["nee"]))
                .first_vote_stands,
            "a reader who has not voted has no first vote"
        );
        let changeable = PollDefinition {
            allow_change: true,
            ..poll.clone()
        };
        assert!(
            !view(&["ja"], &changeable)
                .voted_again(&keys(&["nee"]))
                .first_vote_stands,
            "where a vote may change, a second vote is not refused"
        );
        let several = PollDefinition {
            max_choices: 2,
            ..poll.clone()
        };
        assert!(
            !view(&["ja", "nee"], &several)
                .voted_again(&keys(&["nee", "ja"]))
                .first_vote_stands,
            "the same answers in another order are the same vote"
        );
    }

    #[test]
    fn a_vote_refused_when_the_poll_has_closed_is_not_the_readers_own() {
        let closed = PollDefinition {
            closes: Some(Moment::brussels_from_unix(1_000)),
            ..poll()
        };
        let results = PollResults::from_counts(&closed, &counts(&[("ja", 1)]), 1);
        let view = PollView::for_reader(
            "/artikel/a",
            &closed,
            Some(results),
            Vec::new(),
            2_000,
            false,
        )
        .vote_refused(vec!["nee".into()], AppError::Busy, "k".into());
        assert!(!view.show_form);
        assert!(view.own_choices.is_empty(), "nee was not counted");
        assert_eq!(view.refused, Some(AppError::Busy));

        let open = PollView::for_reader("/artikel/a", &poll(), None, Vec::new(), 2_000, false)
            .vote_refused(vec!["nee".into()], AppError::Busy, "k".into());
        assert!(open.show_form);
        assert_eq!(
            open.own_choices,
            vec!["nee".to_string()],
            "ticked again in the form"
        );
    }

    #[test]
    fn results_pair_each_option_with_its_count_and_share() {
        let results = PollResults::from_counts(
            &poll(),
            &counts(&[("weet-niet", 6), ("ja", 4), ("nee", 4)]),
            14,
        );
        assert_eq!(results.voters, 14);
        let shares: Vec<u8> = results.rows.iter().map(|r| r.percent).collect();
        assert_eq!(shares, vec![29, 28, 43]);
        assert_eq!(results.rows[2].votes, 6);
    }

    #[test]
    fn answers_without_votes_count_zero_and_dropped_answers_are_left_out() {
        let results =
            PollResults::from_counts(&poll(), &counts(&[("nee", 2), ("geschrapt", 5)]), 2);
        let votes: Vec<u64> = results.rows.iter().map(|r| r.votes).collect();
        assert_eq!(votes, vec![0, 2, 0]);
        let shares: Vec<u8> = results.rows.iter().map(|r| r.percent).collect();
        assert_eq!(shares, vec![0, 100, 0]);
    }

    #[test]
    fn labels_follow_the_poll_order() {
        let keys = vec!["weet-niet".to_string(), "ja".to_string()];
        assert_eq!(poll().labels_of(&keys), vec!["JA", "WEET-NIET"]);
        assert!(poll().labels_of(&[]).is_empty());
    }

    #[test]
    fn results_show_to_voters_to_all_or_after_closing_as_configured() {
        use PollStatus::*;
        let mut rules = poll();
        assert!(!rules.results_visible(Open, false));
        assert!(rules.results_visible(Open, true));
        assert!(rules.results_visible(Closed, false));
        rules.show_results = ResultsVisibility::Always;
        assert!(rules.results_visible(Open, false));
        assert!(rules.results_visible(NotYetOpen, false));
        rules.show_results = ResultsVisibility::AfterClose;
        assert!(!rules.results_visible(Open, true));
        assert!(rules.results_visible(Closed, false));
    }

    #[test]
    fn a_poll_is_open_from_its_opening_until_its_closing() {
        let mut timed = poll();
        timed.opens = Some(Moment::parse("2025-01-27T18:00:00+01:00").unwrap());
        timed.closes = Some(Moment::parse("2025-02-03T18:00:00+01:00").unwrap());
        let opens = timed.opens.unwrap().unix_seconds();
        let closes = timed.closes.unwrap().unix_seconds();
        assert_eq!(timed.status_at(opens - 1), PollStatus::NotYetOpen);
        assert_eq!(timed.status_at(opens), PollStatus::Open);
        assert_eq!(timed.status_at(closes - 1), PollStatus::Open);
        assert_eq!(timed.status_at(closes), PollStatus::Closed);
        assert_eq!(
            poll().status_at(0),
            PollStatus::Open,
            "no moments: always open"
        );
    }

    #[test]
    fn counts_use_the_belgian_thousands_separator() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1.000");
        assert_eq!(format_count(1_234_567), "1.234.567");
    }
}
