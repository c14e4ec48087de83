//! The reader poll: its shared types, the vote server function and the poll island.

mod card;
pub mod tally;

pub use card::PollCard;

use crate::error::AppError;
use crate::moment::Moment;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub fn status_at(&self, unix_seconds: i64) -> PollStatus {
        if self
            .opens
            .is_some_and(|opens| unix_seconds < opens.unix_seconds())
        {
            PollStatus::NotYetOpen
        } else if self
            .closes
            .is_some_and(|closes| unix_seconds >= closes.unix_seconds())
        {
            PollStatus::Closed
        } else {
            PollStatus::Open
        }
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

/// What the poll island needs to render: the poll, and the results when this reader has voted or
/// the poll has closed (the island then shows results instead of the form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollView {
    pub poll: PollDefinition,
    pub results: Option<PollResults>,
}

/// The standing of a poll as one reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResults {
    pub rows: Vec<ResultRow>,
    /// Number of readers who voted.
    pub total: u64,
    /// The key of the answer this reader chose, if they voted.
    pub own_choice: Option<String>,
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
    /// Builds the results from the vote count of each option, given in the poll's option order.
    pub fn new(poll: &PollDefinition, counts: &[u64], own_choice: Option<String>) -> Self {
        let percents = tally::percentages(counts);
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
            total: counts.iter().sum(),
            own_choice,
        }
    }

    /// The label of the answer this reader chose.
    pub fn own_choice_label(&self) -> Option<&str> {
        let own = self.own_choice.as_deref()?;
        self.rows
            .iter()
            .find(|row| row.key == own)
            .map(|row| row.label.as_str())
    }
}

/// Records the reader's vote and answers with the poll's results.
///
/// Readers are told apart by a first-party cookie; a reader who already voted keeps their first
/// vote and gets the results with it. Without JavaScript the browser is sent back to the article's
/// poll. Fails with `UnknownPoll`, `InvalidChoice`, `InvalidInput`, `PollClosed` or `Unavailable`;
/// nothing is stored then.
#[server(endpoint = "stem")]
pub async fn cast_vote(poll: String, choice: String) -> Result<PollResults, AppError> {
    crate::server::voting::cast_vote(poll, choice).await
}

/// Dutch count of voters: "1 lezer stemde", "1.234 lezers stemden".
pub fn voters_sentence(total: u64) -> String {
    match total {
        0 => "Nog niemand stemde.".to_string(),
        1 => "1 lezer stemde.".to_string(),
        n => format!("{} lezers stemden.", format_count(n)),
    }
}

/// Dutch count of votes for one answer: "1 stem", "12 stemmen".
pub fn votes_phrase(votes: u64) -> String {
    if votes == 1 {
        "1 stem".to_string()
    } else {
        format!("{} stemmen", format_count(votes))
    }
}

/// A whole number with the Belgian Dutch thousands separator: 1234567 becomes "1.234.567".
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll() -> PollDefinition {
        PollDefinition {
            opens: None,
            closes: None,
            id: "p".into(),
            question: "Q?".into(),
            options: ["ja", "nee", "weet-niet"]
                .iter()
                .map(|k| PollOption {
                    key: k.to_string(),
                    label: k.to_uppercase(),
                })
                .collect(),
        }
    }

    #[test]
    fn results_pair_each_option_with_its_count_and_share() {
        let results = PollResults::new(&poll(), &[4, 4, 6], Some("nee".into()));
        assert_eq!(results.total, 14);
        let shares: Vec<u8> = results.rows.iter().map(|r| r.percent).collect();
        assert_eq!(shares, vec![29, 28, 43]);
        assert_eq!(results.rows[2].votes, 6);
        assert_eq!(results.own_choice_label(), Some("NEE"));
    }

    #[test]
    fn results_without_own_choice_name_no_label() {
        let results = PollResults::new(&poll(), &[0, 0, 0], None);
        assert_eq!(results.total, 0);
        assert_eq!(results.own_choice_label(), None);
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

    #[test]
    fn dutch_phrases_agree_in_number() {
        assert_eq!(voters_sentence(0), "Nog niemand stemde.");
        assert_eq!(voters_sentence(1), "1 lezer stemde.");
        assert_eq!(voters_sentence(2500), "2.500 lezers stemden.");
        assert_eq!(votes_phrase(1), "1 stem");
        assert_eq!(votes_phrase(0), "0 stemmen");
    }
}
