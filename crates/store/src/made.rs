//! What both engines share of polls made in the desk: a poll rebuilt from its stored values, and
//! the one judgement of an edit, so SQLite and PostgreSQL answer an editor alike.
//!
//! A desk poll's French texts are stored beside its Dutch ones: the question on the poll's row
//! (`french_question`, NULL for a poll without French) and each answer's label on the answer's row
//! (`french_label`). A content file's poll keeps its French in its file, which is what the site
//! serves it from, so the poll sync leaves those columns empty.
//!
//! French removed after the first vote leaves its labels on the answers' rows, unseen: without a
//! French question a poll has no French. They are what French readers voted on, so French added
//! again is judged against them, and answers cannot trade their French words by way of an edit
//! that removes them.

use crate::desk::{MadePoll, PollEdit, PollOverrides};
use std::collections::BTreeMap;
use stembus_poll::language::{Language, PollTranslation};
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, PollOption, ResultsVisibility};

/// The columns each engine's `made_poll_row` reads, in this order.
pub const MADE_POLL: &str = "SELECT id, key, question, opens_at, closes_at, max_choices,
        allow_change, show_results, created_by, created_at, archived_by, archived_at, clarified,
        french_question
    FROM poll";

/// What a desk-made poll's row says beside its definition.
pub struct MadeRow {
    pub created: (String, i64),
    pub archived: Option<(String, i64)>,
    pub clarified: bool,
}

impl MadeRow {
    /// The poll made in the desk that this row and `definition` describe.
    pub fn with(self, definition: PollDefinition) -> MadePoll {
        MadePoll {
            definition,
            created: self.created,
            archived: self.archived,
            clarified: self.clarified,
        }
    }
}

/// What an edit may do to a stored desk-made poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Unchanged,
    AnswersLocked,
    /// Write it; `clarified`: readers already voted on the earlier wording.
    Edited {
        clarified: bool,
    },
}

impl Verdict {
    /// Whether the edit to be written is a correction (`Ok`), or the answer an engine gives
    /// instead of writing it (`Err`).
    pub fn clarified(self) -> Result<bool, PollEdit> {
        match self {
            Verdict::Unchanged => Err(PollEdit::Unchanged),
            Verdict::AnswersLocked => Err(PollEdit::AnswersLocked),
            Verdict::Edited { clarified } => Ok(clarified),
        }
    }
}

/// A poll's values as stored, read back into a definition.
pub struct StoredPoll {
    pub key: String,
    pub question: String,
    /// The French question; `None`: the poll has no French texts.
    pub french_question: Option<String>,
    /// `(key, label, French label)` of the shown answers, in their order.
    pub options: Vec<(String, String, Option<String>)>,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub max_choices: i64,
    pub allow_change: bool,
    pub show_results: String,
}

impl StoredPoll {
    pub fn into_definition(self) -> PollDefinition {
        self.into_definition_and_last_french().0
    }

    /// The definition, and for a poll without French the French labels its answers' rows still
    /// hold (by key; `None` when they hold none): those it had when its French was removed after
    /// the first vote, which an edit is judged against (`judge_edit`).
    pub fn into_definition_and_last_french(
        self,
    ) -> (PollDefinition, Option<BTreeMap<String, String>>) {
        let last_french = match self.french_question {
            Some(_) => None,
            None => Some(
                self.options
                    .iter()
                    .filter_map(|(key, _, french)| Some((key.clone(), french.clone()?)))
                    .collect::<BTreeMap<_, _>>(),
            )
            .filter(|labels| !labels.is_empty()),
        };
        // The French labels go with the French question: without one the poll has no French,
        // whatever an answer's row may still hold.
        let french = self.french_question.map(|question| PollTranslation {
            question,
            labels: self
                .options
                .iter()
                .filter_map(|(key, _, french)| Some((key.clone(), french.clone()?)))
                .collect(),
        });
        let definition = PollDefinition {
            id: self.key,
            question: self.question,
            options: self
                .options
                .into_iter()
                .map(|(key, label, _)| PollOption { key, label })
                .collect(),
            opens: self.opens_at.map(Moment::brussels_from_unix),
            closes: self.closes_at.map(Moment::brussels_from_unix),
            // The schema's CHECKs keep both in range; the fallbacks only guard a hand-edited row.
            max_choices: u8::try_from(self.max_choices).unwrap_or(u8::MAX),
            show_results: ResultsVisibility::from_key(&self.show_results).unwrap_or_default(),
            french,
            allow_change: self.allow_change,
        };
        (definition, last_french)
    }
}

/// `poll` as the store will give it back: moments are stored as unix seconds and read back as
/// Brussels clock times, so "the same moment written otherwise" compares equal to what is stored.
pub fn as_stored(poll: &PollDefinition) -> PollDefinition {
    let round_trip =
        |moment: Option<Moment>| moment.map(|m| Moment::brussels_from_unix(m.unix_seconds()));
    PollDefinition {
        opens: round_trip(poll.opens),
        closes: round_trip(poll.closes),
        ..poll.clone()
    }
}

/// A text an answer of a desk-made poll had while readers could vote on it: kept for good, so no
/// other answer takes it later, however many edits in between (`judge_edit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VotedLabel {
    pub key: String,
    pub language: Language,
    pub label: String,
}

/// The texts of `before`'s answers, Dutch and French, to keep as voted on when an edit replaces
/// them on a poll with ballots; none before the first vote, when no reader voted on any text.
/// Every text an answer shows while readers vote is either still shown (`before`, at the next
/// edit) or kept here by the edit that replaced it; texts replaced before the table existed (SQLite
/// migration 10, PostgreSQL 8) are only in the audit log's Dutch lines, which the store does not
/// read back (docs/redactie.md).
pub fn labels_voted_on(before: &PollDefinition, has_ballots: bool) -> Vec<VotedLabel> {
    if !has_ballots {
        return Vec::new();
    }
    let dutch = before.options.iter().map(|option| VotedLabel {
        key: option.key.clone(),
        language: Language::Dutch,
        label: option.label.clone(),
    });
    let french = before.french.iter().flat_map(|french| {
        french.labels.iter().map(|(key, label)| VotedLabel {
            key: key.clone(),
            language: Language::French,
            label: label.clone(),
        })
    });
    dutch.chain(french).collect()
}

/// Judges replacing `before` with `after` (both as stored) on a poll that has ballots or not;
/// `last_french`: the French labels its answers carried when its French was removed after the
/// first vote (`StoredPoll::into_definition_and_last_french`); `voted_on`: every text its answers
/// had at an edit after the first vote (`labels_voted_on`).
/// Once anyone voted, the answers (keys, in order), the opening moment and the number a reader
/// may pick are what those readers chose under, so they stay; the wording may be corrected, in
/// Dutch and in French alike. A correction is a change of a text some reader may have voted on:
/// the Dutch question or an answer's label, or French texts the poll already had (changed or
/// removed). French added to a poll that had none corrects nothing a reader read, so it is an edit
/// but no correction. A correction may not give an answer the words another answer had: votes stay
/// with the answer's key, so two answers' texts swapped in their fields (which keep their keys)
/// would move every vote to the other answer, a reordering in other words. French added again
/// after it was removed is held to that rule against the French it had: removing it and adding
/// it back swapped is the same swap in two edits. And an answer may not take words another
/// answer had earlier since the first vote (`voted_on`): Ja→X, Nee→Ja, X→Nee is the same swap in
/// three edits.
pub fn judge_edit(
    before: &PollDefinition,
    after: &PollDefinition,
    has_ballots: bool,
    last_french: Option<&BTreeMap<String, String>>,
    voted_on: &[VotedLabel],
) -> Verdict {
    if before == after {
        return Verdict::Unchanged;
    }
    let keys = |poll: &PollDefinition| -> Vec<String> {
        poll.options
            .iter()
            .map(|option| option.key.clone())
            .collect()
    };
    if has_ballots
        && (keys(before) != keys(after)
            || before.opens != after.opens
            || before.max_choices != after.max_choices
            || before.allow_change != after.allow_change
            || takes_anothers_words(before, after, last_french, voted_on))
    {
        return Verdict::AnswersLocked;
    }
    let labels = |poll: &PollDefinition| -> Vec<String> {
        poll.options
            .iter()
            .map(|option| option.label.clone())
            .collect()
    };
    let reworded = before.question != after.question
        || labels(before) != labels(after)
        || (before.french.is_some() && before.french != after.french);
    Verdict::Edited {
        clarified: has_ballots && reworded,
    }
}

/// Whether an answer of `after` reads as a different answer of `before` did, or had since the
/// first vote (`voted_on`), in Dutch or in French (`before`'s, or for a poll without French the
/// `last_french` it had), while it did not read so itself: the texts are compared by their
/// letters and digits alone, in any case and with accents folded (`comparable`), so "Nee." takes
/// "Nee"'s place as surely as "nee" does. An answer whose text says what it said before takes nothing, even in a
/// poll whose answers already read alike.
fn takes_anothers_words(
    before: &PollDefinition,
    after: &PollDefinition,
    last_french: Option<&BTreeMap<String, String>>,
    voted_on: &[VotedLabel],
) -> bool {
    // `old` holds each answer's text as it reads now first, then the texts it had before.
    fn takes<'a>(
        old: impl Iterator<Item = (&'a str, &'a str)> + Clone,
        new: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> bool {
        new.into_iter().any(|(new_key, new_label)| {
            let new_label = comparable(new_label);
            let own = old.clone().find(|(key, _)| *key == new_key);
            own.is_none_or(|(_, own_label)| comparable(own_label) != new_label)
                && old
                    .clone()
                    .any(|(key, label)| key != new_key && comparable(label) == new_label)
        })
    }
    fn labels(poll: &PollDefinition) -> Vec<(&str, &str)> {
        poll.options
            .iter()
            .map(|option| (option.key.as_str(), option.label.as_str()))
            .collect()
    }
    let earlier = |language: Language| {
        voted_on
            .iter()
            .filter(move |voted| voted.language == language)
            .map(|voted| (voted.key.as_str(), voted.label.as_str()))
    };
    let (old, new) = (labels(before), labels(after));
    let dutch = takes(
        old.iter().copied().chain(earlier(Language::Dutch)),
        new.iter().copied(),
    );
    let old_french = before
        .french
        .as_ref()
        .map(|old| &old.labels)
        .or(last_french)
        .into_iter()
        .flatten()
        .map(|(key, label)| (key.as_str(), label.as_str()));
    let french = after.french.as_ref().is_some_and(|new| {
        takes(
            old_french.chain(earlier(Language::French)),
            new.labels
                .iter()
                .map(|(key, label)| (key.as_str(), label.as_str())),
        )
    });
    dutch || french
}

/// The French labels to keep on the answers' rows once `after` is stored: when it has no French
/// and readers voted, the labels `before` had, or the `last_french` it kept already (an edit
/// rewrites every row's French label). `None`: keep none.
pub fn french_to_keep(
    before: &PollDefinition,
    after: &PollDefinition,
    has_ballots: bool,
    last_french: Option<BTreeMap<String, String>>,
) -> Option<BTreeMap<String, String>> {
    if !has_ballots || after.french.is_some() {
        return None;
    }
    before
        .french
        .as_ref()
        .map(|french| french.labels.clone())
        .or(last_french)
}

/// An answer's text as the swap rule compares it: its letters and digits only, in lower case,
/// with accents folded ("Één café." → "eencafe"), by `slug`, as the content crate makes answer
/// keys. A text with no letter or digit at all ("?", "👍") is compared trimmed and in lower case
/// instead, so two such answers do not read alike merely for having none.
pub fn comparable(text: &str) -> String {
    // Letter by letter: `slug` spells a symbol out ("👍" as "+1", "👎" as "-1"), which would make
    // two answers of symbols alone read alike.
    let folded: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|letter| slug::slugify(letter.to_string()).replace('-', ""))
        .collect();
    if folded.is_empty() {
        text.trim().to_lowercase()
    } else {
        folded
    }
}

/// Lays the desk's closing moment and results visibility, where it set them, over `poll`: the
/// poll as readers are served it, what the edit form shows and an edit is judged against. The
/// content crate serves polls with it too.
pub fn apply_overrides(poll: &mut PollDefinition, overrides: &PollOverrides) {
    if let Some(closes) = overrides.closes {
        poll.closes = closes.map(Moment::brussels_from_unix);
    }
    if let Some(visibility) = overrides.show_results {
        poll.show_results = visibility;
    }
}

/// A short fingerprint of a poll as served (`apply_overrides`), which the edit form carries so the
/// store can tell whether the poll still reads as the editor saw it when the form was loaded.
/// FNV-1a over the poll's debug form, as stored: the same on every node running the same build;
/// a node of another build may read it otherwise, which refuses an edit once (the form then
/// comes back with a fresh one) and never lets a changed poll pass.
pub fn fingerprint(served: &PollDefinition) -> String {
    let text = format!("{:?}", as_stored(served));
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use stembus_poll::test_support::poll;

    #[test]
    fn a_moment_written_in_another_offset_is_the_same_stored_moment() {
        let utc = PollDefinition {
            opens: Some(Moment::parse("2026-03-01T09:00:00Z").unwrap()),
            ..poll()
        };
        let brussels = PollDefinition {
            opens: Some(Moment::parse("2026-03-01T10:00:00+01:00").unwrap()),
            ..poll()
        };
        assert_eq!(as_stored(&utc), as_stored(&brussels));
    }

    #[test]
    fn after_the_first_vote_two_answers_may_not_swap_their_words() {
        let before = poll();
        // As the desk's form sends it: each field keeps its key, only the texts trade places.
        let mut swapped = poll();
        swapped.options[0].label = " nee ".into();
        swapped.options[1].label = "JA".into();
        assert_eq!(
            judge_edit(&before, &swapped, true, None, &[]),
            Verdict::AnswersLocked
        );
        assert_eq!(
            judge_edit(&before, &swapped, false, None, &[]),
            Verdict::Edited { clarified: false }
        );
        // One answer taking another's words is the same move, half done.
        let mut taken = poll();
        taken.options[2].label = "Nee".into();
        assert_eq!(
            judge_edit(&before, &taken, true, None, &[]),
            Verdict::AnswersLocked
        );
    }

    #[test]
    fn an_answer_may_not_take_words_another_answer_had_since_the_first_vote() {
        // Ja → "Zeker" was taken (a clarification); "Ja" is kept as voted on.
        let mut before = poll();
        before.options[0].label = "Zeker".into();
        let voted_on = labels_voted_on(&poll(), true);
        let mut takes_ja = before.clone();
        takes_ja.options[1].label = "ja!".into();
        assert_eq!(
            judge_edit(&before, &takes_ja, true, None, &voted_on),
            Verdict::AnswersLocked
        );
        assert_eq!(
            judge_edit(&before, &takes_ja, true, None, &[]),
            Verdict::Edited { clarified: true },
            "without what was voted on, the words read as no answer's"
        );
        // Its own earlier words an answer takes back.
        assert_eq!(
            judge_edit(&before, &poll(), true, None, &voted_on),
            Verdict::Edited { clarified: true }
        );
        assert!(
            labels_voted_on(&poll(), false).is_empty(),
            "no vote, no words voted on"
        );
    }

    #[test]
    fn after_the_first_vote_two_answers_may_not_swap_their_words_with_a_full_stop() {
        let before = poll();
        let mut swapped = poll();
        swapped.options[0].label = "Nee.".into();
        swapped.options[1].label = "Ja.".into();
        assert_eq!(
            judge_edit(&before, &swapped, true, None, &[]),
            Verdict::AnswersLocked
        );
        let mut taken = poll();
        taken.options[2].label = "Néé!".into();
        assert_eq!(
            judge_edit(&before, &taken, true, None, &[]),
            Verdict::AnswersLocked
        );
        // An answer's own words with a full stop added take nothing.
        let mut own = poll();
        own.options[0].label = "Ja.".into();
        assert_eq!(
            judge_edit(&before, &own, true, None, &[]),
            Verdict::Edited { clarified: true }
        );
    }

    #[test]
    fn answers_are_compared_by_their_letters_and_digits_with_accents_folded() {
        assert_eq!(comparable(" Één café, 2 crèmes! "), "eencafe2cremes");
        assert_eq!(comparable("Œuvre"), comparable("oeuvre"));
        assert_eq!(comparable("NEE."), comparable("nee"));
        assert_ne!(
            comparable("👍"),
            comparable("👎"),
            "no letters: compared as written"
        );
    }

    #[test]
    fn after_the_first_vote_two_french_answers_may_not_swap_their_words() {
        let translation = |ja: &str, nee: &str| PollTranslation {
            question: "Dommage?".into(),
            labels: [("ja", ja), ("nee", nee), ("weet-niet", "Je ne sais pas")]
                .iter()
                .map(|(key, label)| (key.to_string(), label.to_string()))
                .collect(),
        };
        let before = PollDefinition {
            french: Some(translation("Oui", "Non")),
            ..poll()
        };
        let swapped = PollDefinition {
            french: Some(translation("Non", "Oui")),
            ..poll()
        };
        assert_eq!(
            judge_edit(&before, &swapped, true, None, &[]),
            Verdict::AnswersLocked
        );
        let reworded = PollDefinition {
            french: Some(translation("Oui, certainement", "Non")),
            ..poll()
        };
        assert_eq!(
            judge_edit(&before, &reworded, true, None, &[]),
            Verdict::Edited { clarified: true }
        );
    }

    #[test]
    fn after_the_first_vote_only_the_wording_and_closing_may_change() {
        let before = poll();
        let mut reworded = poll();
        reworded.options[0].label = "Ja, zeker".into();
        assert_eq!(
            judge_edit(&before, &reworded, true, None, &[]),
            Verdict::Edited { clarified: true }
        );
        assert_eq!(
            judge_edit(&before, &reworded, false, None, &[]),
            Verdict::Edited { clarified: false }
        );
        let closes = PollDefinition {
            closes: Some(Moment::brussels_from_unix(1_000)),
            ..poll()
        };
        assert_eq!(
            judge_edit(&before, &closes, true, None, &[]),
            Verdict::Edited { clarified: false }
        );
        let mut reordered = poll();
        reordered.options.swap(0, 1);
        assert_eq!(
            judge_edit(&before, &reordered, true, None, &[]),
            Verdict::AnswersLocked
        );
        assert_eq!(
            judge_edit(&before, &before.clone(), true, None, &[]),
            Verdict::Unchanged
        );
    }

    fn with_french(question: &str, labels: [&str; 3]) -> PollDefinition {
        let mut poll = poll();
        poll.french = Some(PollTranslation {
            question: question.into(),
            labels: ["ja", "nee", "weet-niet"]
                .into_iter()
                .zip(labels)
                .map(|(key, label)| (key.to_string(), label.to_string()))
                .collect(),
        });
        poll
    }

    #[test]
    fn a_french_rewording_after_the_first_vote_is_a_correction_like_a_dutch_one() {
        let before = with_french("Dommage ?", ["Oui", "Non", "Je ne sais pas"]);
        let question = with_french("Un dommage ?", ["Oui", "Non", "Je ne sais pas"]);
        let label = with_french("Dommage ?", ["Oui", "Non", "Aucune idée"]);
        for after in [&question, &label, &poll()] {
            assert_eq!(
                judge_edit(&before, after, true, None, &[]),
                Verdict::Edited { clarified: true }
            );
            assert_eq!(
                judge_edit(&before, after, false, None, &[]),
                Verdict::Edited { clarified: false }
            );
        }
        assert_eq!(
            judge_edit(&poll(), &before, true, None, &[]),
            Verdict::Edited { clarified: false },
            "French added to a poll without it corrects nothing a reader read"
        );
        assert_eq!(
            judge_edit(&before, &before.clone(), true, None, &[]),
            Verdict::Unchanged
        );
    }

    #[test]
    fn french_removed_after_the_first_vote_and_added_back_swapped_is_a_swap() {
        let before = with_french("Dommage ?", ["Oui", "Non", "Je ne sais pas"]);
        let removed = poll();
        assert_eq!(
            judge_edit(&before, &removed, true, None, &[]),
            Verdict::Edited { clarified: true },
            "removing the French is still a correction"
        );
        let last = french_to_keep(&before, &removed, true, None);
        assert_eq!(
            last,
            before.french.as_ref().map(|french| french.labels.clone()),
            "what French readers voted on is kept"
        );
        let swapped = with_french("Dommage ?", ["Non", "Oui", "Je ne sais pas"]);
        assert_eq!(
            judge_edit(&removed, &swapped, true, last.as_ref(), &[]),
            Verdict::AnswersLocked
        );
        let same = with_french("Dommage ?", ["Oui", "Non", "Aucune idée"]);
        assert_eq!(
            judge_edit(&removed, &same, true, last.as_ref(), &[]),
            Verdict::Edited { clarified: false },
            "added back in its own words, or reworded, it is no swap"
        );
        // An edit that leaves the poll without French keeps the labels kept before; one before
        // the first vote, or with French, keeps none.
        assert_eq!(french_to_keep(&removed, &removed, true, last.clone()), last);
        assert_eq!(french_to_keep(&before, &removed, false, None), None);
        assert_eq!(french_to_keep(&removed, &same, true, last), None);
    }

    #[test]
    fn a_stored_poll_without_a_french_question_gives_its_rows_french_labels_as_its_last_french() {
        let stored = |french_question: Option<&str>, nee: Option<&str>| StoredPoll {
            key: "p".into(),
            question: "Schade?".into(),
            french_question: french_question.map(str::to_string),
            options: vec![
                ("ja".into(), "Ja".into(), Some("Oui".into())),
                ("nee".into(), "Nee".into(), nee.map(str::to_string)),
            ],
            opens_at: None,
            closes_at: None,
            max_choices: 1,
            allow_change: false,
            show_results: "always".into(),
        };
        let (definition, last) = stored(None, Some("Non")).into_definition_and_last_french();
        assert_eq!(definition.french, None);
        assert_eq!(
            last.unwrap().into_iter().collect::<Vec<_>>(),
            [
                ("ja".to_string(), "Oui".to_string()),
                ("nee".to_string(), "Non".to_string())
            ]
        );
        let (definition, last) =
            stored(Some("Dommage ?"), Some("Non")).into_definition_and_last_french();
        assert!(definition.french.is_some() && last.is_none());
    }

    #[test]
    fn a_stored_poll_has_french_only_with_its_french_question() {
        let stored = |french_question: Option<&str>| StoredPoll {
            key: "p".into(),
            question: "Schade?".into(),
            french_question: french_question.map(str::to_string),
            options: vec![
                ("ja".into(), "Ja".into(), Some("Oui".into())),
                ("nee".into(), "Nee".into(), None),
            ],
            opens_at: None,
            closes_at: None,
            max_choices: 1,
            allow_change: false,
            show_results: "always".into(),
        };
        let french = stored(Some("Dommage ?")).into_definition().french.unwrap();
        assert_eq!(french.question, "Dommage ?");
        assert_eq!(
            french.labels.into_iter().collect::<Vec<_>>(),
            vec![("ja".to_string(), "Oui".to_string())]
        );
        assert_eq!(stored(None).into_definition().french, None);
    }
}
