//! The pages readers read, as Leptos components the server renders (only the poll inside them is
//! an island): the article, the front page, the privacy page, and the data each is rendered from.

mod article;
mod language_versions;
mod privacy;
mod vote_refused;

pub use article::{ArticlePage, EmbeddedPoll, FrontPage};
pub use language_versions::{ArticleVersions, LanguageVersions, Versions, article_versions};
pub use privacy::{PrivacyPage, PrivacyPageData};
pub use vote_refused::VoteRefused;

use serde::{Deserialize, Serialize};
use stembus_content::article::Article;
use stembus_messages::{Arg, Words};
use stembus_poll::language::Language;
use stembus_poll::moment::Moment;
use stembus_poll::{PollStatus, PollView};

/// What the front page and the related-articles list show of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub published: Moment,
    /// The article's language: its teaser speaks it.
    pub language: Language,
    /// The state of the article's poll, if it has one.
    pub poll_status: Option<PollStatus>,
}

/// A plain link that shares the article on another site; no third-party script involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLink {
    pub label: String,
    pub href: String,
}

/// What the transparency box under a poll tells readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollFacts {
    /// How many readers voted; `None` when the figures could not be read just now.
    pub voters: Option<u64>,
    /// When voting opened: the poll's opening, else the article's publication.
    pub opened: Moment,
    pub closes: Option<Moment>,
    pub status: PollStatus,
    /// When the figures on the page were read, in Brussels time.
    pub counted_at: Moment,
    /// The windows of votes the newsroom declared invalid, which the counts leave out.
    pub voided: Vec<VoidedVotes>,
    /// The question or an answer was reworded after the first vote (a desk-made poll).
    pub clarified: bool,
    /// How often the poll was seen while open; `None` when it could not be read, or was not read
    /// because the standing is not public.
    pub seen: Option<u64>,
    /// Whether every reader may see the standing, voted or not: only then does the box say what
    /// share of the readers who saw the question voted.
    pub public_results: bool,
}

impl PollFacts {
    /// The share of the readers who saw the question that voted, in whole percent
    /// (`tally::participation`); none while the standing is not public or nothing was seen.
    pub fn participation(&self) -> Option<u8> {
        if !self.public_results {
            return None;
        }
        stembus_poll::tally::participation(self.voters?, self.seen?)
    }
}

/// Votes the newsroom took out of the counts: how many, and the minutes they were cast in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidedVotes {
    pub votes: u64,
    pub from: Moment,
    /// The last minute of the window (its first second).
    pub last_minute: Moment,
}

impl VoidedVotes {
    /// The transparency box's sentence: "12 stemmen uit een ongewone piek op 27 januari om 18.05
    /// uur zijn niet meegeteld.", in the language of `words`.
    pub fn sentence(&self, words: &Words) -> String {
        let votes = words.votes(self.votes);
        let (first, last) = (
            words.day_month_time(&self.from),
            words.day_month_time(&self.last_minute),
        );
        let (first_day, last_day) = (
            words.day_month(&self.from),
            words.day_month(&self.last_minute),
        );
        // "tussen 2.30 en 2.40 uur" cannot say which 2.30 in the hour the autumn clock shows
        // twice: there each end is written whole, with its season.
        let doubled =
            self.from.doubled_hour().is_some() || self.last_minute.doubled_hour().is_some();
        let when = if first == last {
            words.with("facts-voided-at", &[("moment", Arg::Text(&first))])
        } else if first_day == last_day && !doubled {
            let (from, until) = (words.clock(&self.from), words.clock(&self.last_minute));
            words.with(
                "facts-voided-between",
                &[
                    ("day", Arg::Text(&first_day)),
                    ("from", Arg::Text(&from)),
                    ("until", Arg::Text(&until)),
                ],
            )
        } else {
            words.with(
                "facts-voided-from-to",
                &[("from", Arg::Text(&first)), ("until", Arg::Text(&last))],
            )
        };
        words.with(
            "facts-voided",
            &[
                ("votes", Arg::Text(&votes)),
                ("when", Arg::Text(&when)),
                ("n", Arg::Number(self.votes)),
            ],
        )
    }
}

/// Everything the article page renders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticlePageData {
    pub article: Article,
    pub poll: Option<PollView>,
    pub poll_facts: Option<PollFacts>,
    /// The article's full public address, from the configured base URL.
    pub canonical_url: String,
    /// The oEmbed address of the article's poll, for the discovery link; none without a poll.
    pub oembed_url: Option<String>,
    /// The lead image's full public address.
    pub image_url: Option<String>,
    /// The poll's standing as a picture, for link previews: only where every reader may see it.
    pub standing_picture: Option<SharedPicture>,
    /// JSON-LD `NewsArticle`, with `<` escaped so it cannot end its `<script>`.
    pub structured_data: String,
    pub share_links: Vec<ShareLink>,
    pub related: Vec<ArticleSummary>,
    /// The article in each language that shows its poll (this one too); one entry when it is alone.
    pub versions: Versions,
}

/// A poll's standing as a picture (`/api/polls/{id}/standing.png`), as a page names it for link
/// previews (`og:image`, `twitter:image`): its full address and the words for those who cannot
/// see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedPicture {
    pub url: String,
    /// The question and the leading answer in words ("… “Ja” leidt met 58%.").
    pub alt: String,
}

impl SharedPicture {
    /// The picture of the poll in `view` (in the language of `words`) on the site at `base_url`,
    /// when every reader may see its standing, voted or not, and it could be read: a preview
    /// shared by a reader who voted must not show others what they may not see yet.
    pub fn of(view: &PollView, base_url: &str, words: &Words) -> Option<SharedPicture> {
        if !view.poll.results_visible(view.status, false) {
            return None;
        }
        let results = view.results.as_ref()?;
        Some(SharedPicture {
            url: format!(
                "{base_url}{}",
                stembus_picture::path(&view.poll.id, words.language())
            ),
            alt: stembus_picture::alt_text(&view.poll, Some(results), words),
        })
    }
}

/// The front page: every article, newest first, and the site's address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontPageData {
    pub articles: Vec<ArticleSummary>,
    pub canonical_url: String,
}

#[cfg(test)]
mod tests {
    use super::VoidedVotes;
    use stembus_messages::Messages;
    use stembus_poll::language::Language;
    use stembus_poll::moment::Moment;

    /// 31 October 2027, 2.30 in Brussels in summer time; the same clock time an hour later is in
    /// winter time.
    const SUMMER_2_30: i64 = 1_824_942_600;

    fn voided(from: i64, last_minute: i64) -> VoidedVotes {
        VoidedVotes {
            votes: 12,
            from: Moment::brussels_from_unix(from),
            last_minute: Moment::brussels_from_unix(last_minute),
        }
    }

    #[test]
    fn a_window_within_one_day_names_the_day_once() {
        let words = Messages::load().unwrap().words(Language::Dutch);
        let sentence = voided(SUMMER_2_30 - 86_400, SUMMER_2_30 - 86_400 + 600).sentence(&words);
        assert_eq!(
            sentence,
            "12 stemmen uit een ongewone piek op 30 oktober tussen 2.30 en 2.40 uur zijn niet meegeteld."
        );
    }

    #[test]
    fn a_window_in_the_hour_the_autumn_clock_shows_twice_says_which_hour_it_was() {
        let messages = Messages::load().unwrap();
        let dutch = messages.words(Language::Dutch);
        // The second 2.30 to 2.40, in winter time: without the season a reader could not tell it
        // from the first.
        let winter = voided(SUMMER_2_30 + 3_600, SUMMER_2_30 + 3_600 + 600);
        assert_eq!(
            winter.sentence(&dutch),
            "12 stemmen uit een ongewone piek van 31 oktober om 2.30 uur (wintertijd) tot 31 oktober \
             om 2.40 uur (wintertijd) zijn niet meegeteld."
        );
        let one_minute = voided(SUMMER_2_30, SUMMER_2_30);
        assert_eq!(
            one_minute.sentence(&messages.words(Language::French)),
            "12 votes d’un pic inhabituel le 31 octobre à 2\u{a0}h\u{a0}30 (heure d’été) n’ont pas été comptés."
        );
    }
}
