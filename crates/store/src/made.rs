//! What both engines share of polls made in the desk: a poll rebuilt from its stored values, and
//! the one judgement of an edit, so SQLite and PostgreSQL answer an editor alike.

use crate::desk::MadePoll;
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, PollOption, ResultsVisibility};

/// The columns each engine's `made_poll_row` reads, in this order.
pub const MADE_POLL: &str = "SELECT id, key, question, opens_at, closes_at, max_choices,
        allow_change, show_results, created_by, created_at, archived_by, archived_at, clarified
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

/// A poll's values as stored, read back into a definition.
pub struct StoredPoll {
    pub key: String,
    pub question: String,
    /// `(key, label)` of the shown answers, in their order.
    pub options: Vec<(String, String)>,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub max_choices: i64,
    pub allow_change: bool,
    pub show_results: String,
}

impl StoredPoll {
    pub fn into_definition(self) -> PollDefinition {
        PollDefinition {
            id: self.key,
            question: self.question,
            options: self
                .options
                .into_iter()
                .map(|(key, label)| PollOption { key, label })
                .collect(),
            opens: self.opens_at.map(Moment::brussels_from_unix),
            closes: self.closes_at.map(Moment::brussels_from_unix),
            // The schema's CHECKs keep both in range; the fallbacks only guard a hand-edited row.
            max_choices: u8::try_from(self.max_choices).unwrap_or(u8::MAX),
            show_results: ResultsVisibility::from_key(&self.show_results).unwrap_or_default(),
            french: None,
            allow_change: self.allow_change,
        }
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

/// Judges replacing `before` with `after` (both as stored) on a poll that has ballots or not.
/// Once anyone voted, the answers (keys, in order), the opening moment and the number a reader
/// may pick are what those readers chose under, so they stay; the wording may be corrected.
pub fn judge_edit(before: &PollDefinition, after: &PollDefinition, has_ballots: bool) -> Verdict {
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
            || before.allow_change != after.allow_change)
    {
        return Verdict::AnswersLocked;
    }
    let labels = |poll: &PollDefinition| -> Vec<String> {
        poll.options
            .iter()
            .map(|option| option.label.clone())
            .collect()
    };
    let reworded = before.question != after.question || labels(before) != labels(after);
    Verdict::Edited {
        clarified: has_ballots && reworded,
    }
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
    fn after_the_first_vote_only_the_wording_and_closing_may_change() {
        let before = poll();
        let mut reworded = poll();
        reworded.options[0].label = "Ja, zeker".into();
        assert_eq!(
            judge_edit(&before, &reworded, true),
            Verdict::Edited { clarified: true }
        );
        assert_eq!(
            judge_edit(&before, &reworded, false),
            Verdict::Edited { clarified: false }
        );
        let closes = PollDefinition {
            closes: Some(Moment::brussels_from_unix(1_000)),
            ..poll()
        };
        assert_eq!(
            judge_edit(&before, &closes, true),
            Verdict::Edited { clarified: false }
        );
        let mut reordered = poll();
        reordered.options.swap(0, 1);
        assert_eq!(
            judge_edit(&before, &reordered, true),
            Verdict::AnswersLocked
        );
        assert_eq!(
            judge_edit(&before, &before.clone(), true),
            Verdict::Unchanged
        );
    }
}
