//! The languages stembus speaks to readers, and a poll's texts in French beside its Dutch ones.
//!
//! A poll has one set of answer keys and one tally; a language only changes the words a reader
//! reads. Dutch is every poll's own language; French is optional and, once a poll has it, complete
//! (`PollDefinition::french_problem`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A language a page, a card and a poll can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    /// Belgian Dutch: the site's own language, and every poll's.
    #[default]
    #[serde(rename = "nl-BE")]
    Dutch,
    /// Belgian French.
    #[serde(rename = "fr-BE")]
    French,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Dutch, Language::French];

    /// The BCP 47 tag, as `lang` attributes, content files and the API write it.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Dutch => "nl-BE",
            Language::French => "fr-BE",
        }
    }

    /// The language tagged `tag` (`nl-BE`, `fr-BE`), if stembus speaks it.
    pub fn from_tag(tag: &str) -> Option<Language> {
        Language::ALL
            .into_iter()
            .find(|language| language.tag().eq_ignore_ascii_case(tag))
    }

    /// The Open Graph locale: `nl_BE`, `fr_BE`.
    pub fn og_locale(self) -> &'static str {
        match self {
            Language::Dutch => "nl_BE",
            Language::French => "fr_BE",
        }
    }

    /// What the addresses of this language's reader pages start with: nothing for Dutch, `/fr`
    /// for French (`/fr/embed/{poll_id}`, `/fr/vie-privee`).
    pub fn path_prefix(self) -> &'static str {
        match self {
            Language::Dutch => "",
            Language::French => "/fr",
        }
    }
}

/// A poll's question and answers in a language beside Dutch; the answers by their keys, which are
/// the poll's own. In a content file the table `[poll.fr-BE]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollTranslation {
    pub question: String,
    /// Answer key to its label; every key of the poll, and no other.
    pub labels: BTreeMap<String, String>,
}

/// What is wrong with a poll's French texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranslationProblem {
    /// The question is empty.
    EmptyQuestion,
    /// The answer with this key has no label, or an empty one.
    MissingLabel(String),
    /// A label for a key the poll does not have.
    UnknownKey(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::poll;

    fn french(question: &str, labels: &[(&str, &str)]) -> PollTranslation {
        PollTranslation {
            question: question.to_string(),
            labels: labels
                .iter()
                .map(|(key, label)| (key.to_string(), label.to_string()))
                .collect(),
        }
    }

    #[test]
    fn languages_are_written_as_their_tags() {
        assert_eq!(Language::from_tag("fr-BE"), Some(Language::French));
        assert_eq!(Language::from_tag("nl-be"), Some(Language::Dutch));
        assert_eq!(Language::from_tag("de-BE"), None);
        assert_eq!(Language::French.path_prefix(), "/fr");
    }

    #[test]
    fn a_poll_in_french_keeps_its_keys_and_rules_and_changes_its_words() {
        let mut poll = poll();
        assert_eq!(poll.in_language(Language::French), None);
        assert_eq!(poll.languages(), vec![Language::Dutch]);
        poll.french = Some(french(
            "Dommage ?",
            &[
                ("ja", "Oui"),
                ("nee", "Non"),
                ("weet-niet", "Je ne sais pas"),
            ],
        ));
        let french_poll = poll.in_language(Language::French).unwrap();
        assert_eq!(french_poll.question, "Dommage ?");
        let keys: Vec<&str> = french_poll.options.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["ja", "nee", "weet-niet"]);
        assert_eq!(french_poll.options[2].label, "Je ne sais pas");
        assert_eq!(
            poll.in_language(Language::Dutch).unwrap().question,
            "Schade?"
        );
        assert_eq!(poll.languages(), vec![Language::Dutch, Language::French]);
    }

    #[test]
    fn french_texts_need_a_question_and_every_key_once() {
        let mut poll = poll();
        assert_eq!(poll.french_problem(), None);
        poll.french = Some(french("Dommage ?", &[("ja", "Oui"), ("nee", "Non")]));
        assert_eq!(
            poll.french_problem(),
            Some(TranslationProblem::MissingLabel("weet-niet".into()))
        );
        poll.french = Some(french(
            "Dommage ?",
            &[
                ("ja", "Oui"),
                ("nee", "Non"),
                ("weet-niet", " "),
                ("x", "X"),
            ],
        ));
        assert_eq!(
            poll.french_problem(),
            Some(TranslationProblem::MissingLabel("weet-niet".into()))
        );
        poll.french = Some(french(
            "Dommage ?",
            &[
                ("ja", "Oui"),
                ("nee", "Non"),
                ("weet-niet", "?"),
                ("x", "X"),
            ],
        ));
        assert_eq!(
            poll.french_problem(),
            Some(TranslationProblem::UnknownKey("x".into()))
        );
        poll.french = Some(french(" ", &[]));
        assert_eq!(
            poll.french_problem(),
            Some(TranslationProblem::EmptyQuestion)
        );
    }

    #[test]
    fn a_content_file_writes_french_as_a_table_named_by_its_tag() {
        let mut poll = poll();
        poll.french = Some(french("Q ?", &[("ja", "Oui")]));
        let json = serde_json::to_value(&poll).unwrap();
        assert_eq!(json["fr-BE"]["labels"]["ja"], "Oui");
        let back: crate::PollDefinition = serde_json::from_value(json).unwrap();
        assert_eq!(back, poll);
    }
}
