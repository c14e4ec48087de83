//! The message files agree with each other and say what readers should read.

use super::*;
use fluent_bundle::FluentResource;
use fluent_syntax::ast::Entry;
use std::collections::BTreeSet;

fn words(language: Language) -> Words {
    Messages::load().unwrap().words(language)
}

fn ids(text: &str) -> BTreeSet<String> {
    let resource = FluentResource::try_new(text.to_string()).unwrap();
    resource
        .entries()
        .filter_map(|entry| match entry {
            Entry::Message(message) => Some(message.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_message_exists_in_both_languages() {
    let [(_, dutch), (_, french)] = FILES;
    assert_eq!(dutch.len(), french.len(), "the same files in each language");
    for ((dutch_file, dutch_text), (french_file, french_text)) in dutch.iter().zip(french.iter()) {
        assert_eq!(dutch_file, french_file);
        let (dutch_ids, french_ids) = (ids(dutch_text), ids(french_text));
        let only_dutch: Vec<_> = dutch_ids.difference(&french_ids).collect();
        let only_french: Vec<_> = french_ids.difference(&dutch_ids).collect();
        assert!(
            only_dutch.is_empty() && only_french.is_empty(),
            "{dutch_file}: only in Dutch {only_dutch:?}, only in French {only_french:?}"
        );
    }
}

#[test]
fn the_files_parse_without_a_fault() {
    for (_, files) in FILES {
        for (file, text) in files {
            assert!(FluentResource::try_new(text.to_string()).is_ok(), "{file}");
        }
    }
    Messages::load().unwrap();
}

#[test]
fn every_error_has_its_words_in_both_languages() {
    for language in Language::ALL {
        let words = words(language);
        for error in AppError::ALL {
            let text = words.error(error);
            assert!(
                !text.starts_with("error-"),
                "{language:?} {error:?}: {text}"
            );
            assert!(text.ends_with('.'), "{language:?} {error:?}: {text}");
        }
    }
    assert_eq!(
        words(Language::French).error(AppError::TooManyChoices),
        "Vous avez choisi plus de réponses que ce sondage n’en permet."
    );
}

#[test]
fn counts_follow_each_languages_plural_rules() {
    let dutch = words(Language::Dutch);
    assert_eq!(dutch.votes(0), "0 stemmen");
    assert_eq!(dutch.votes(1), "1 stem");
    assert_eq!(dutch.votes(1234), "1.234 stemmen");
    assert_eq!(dutch.voters(0), "Nog niemand stemde.");
    assert_eq!(dutch.voters(1), "1 lezer stemde.");
    assert_eq!(dutch.voters(2500), "2.500 lezers stemden.");
    assert_eq!(
        dutch.facts_voters(Some(0), false),
        "Tot nu toe stemden 0 lezers."
    );
    assert_eq!(
        dutch.facts_voters(Some(18), true),
        "In totaal stemden 18 lezers."
    );
    assert_eq!(
        dutch.facts_voters(Some(1), true),
        "In totaal stemde 1 lezer."
    );
    assert_eq!(
        dutch.facts_voters(Some(1), false),
        "Tot nu toe stemde 1 lezer."
    );
    let french = words(Language::French);
    // In French, zero takes the singular.
    assert_eq!(french.votes(0), "0 vote");
    assert_eq!(french.votes(1), "1 vote");
    assert_eq!(french.votes(2), "2 votes");
    assert_eq!(french.voters(0), "Personne n’a encore voté.");
    assert_eq!(french.voters(1), "1 lecteur a voté.");
    assert_eq!(
        french.facts_voters(Some(0), false),
        "Jusqu’ici, 0 lecteur a voté."
    );
    assert_eq!(
        french.facts_voters(Some(18), true),
        "Au total, 18 lecteurs ont voté."
    );
    assert_eq!(
        french.facts_voters(Some(1_234_567), false),
        "Jusqu’ici, 1\u{202f}234\u{202f}567 lecteurs ont voté."
    );
}

#[test]
fn numbers_and_shares_are_written_as_each_language_writes_them() {
    let (dutch, french) = (words(Language::Dutch), words(Language::French));
    assert_eq!(dutch.count(0), "0");
    assert_eq!(dutch.count(999), "999");
    assert_eq!(dutch.count(1000), "1.000");
    assert_eq!(french.count(1_234_567), "1\u{202f}234\u{202f}567");
    assert_eq!(dutch.percent(58), "58%");
    assert_eq!(french.percent(58), "58\u{a0}%");
    assert_eq!(dutch.figures(58, 7), "58% · 7 stemmen");
    assert_eq!(french.figures(100, 1), "100\u{a0}% · 1 vote");
}

#[test]
fn dates_and_times_are_spelled_in_each_language() {
    let moment = Moment::parse("2025-01-27T18:05:00+01:00").unwrap();
    let month = Moment::parse("2025-08").unwrap();
    let (dutch, french) = (words(Language::Dutch), words(Language::French));
    assert_eq!(dutch.date(&moment), "27 januari 2025");
    assert_eq!(dutch.date_time(&moment), "27 januari 2025 om 18.05 uur");
    assert_eq!(dutch.day_month_time(&moment), "27 januari om 18.05 uur");
    assert_eq!(dutch.date_time(&month), "augustus 2025");
    assert_eq!(french.date(&month), "août 2025");
    assert_eq!(
        french.date_time(&moment),
        "27 janvier 2025 à 18\u{a0}h\u{a0}05"
    );
    assert_eq!(french.clock(&moment), "18\u{a0}h\u{a0}05");
    assert_eq!(Words::precision(&moment), "day");
    assert_eq!(Words::precision(&month), "month");
}

#[test]
fn the_first_of_the_month_is_an_ordinal_in_french_and_a_number_in_dutch() {
    let first = Moment::parse("2025-07-01T10:05:00+02:00").unwrap();
    let later = Moment::parse("2025-07-21T10:05:00+02:00").unwrap();
    let (dutch, french) = (words(Language::Dutch), words(Language::French));
    assert_eq!(french.date(&first), "1er juillet 2025");
    assert_eq!(
        french.date_time(&first),
        "1er juillet 2025 à 10\u{a0}h\u{a0}05"
    );
    assert_eq!(french.day_month(&first), "1er juillet");
    assert_eq!(
        french.day_month_time(&first),
        "1er juillet à 10\u{a0}h\u{a0}05"
    );
    assert_eq!(french.date(&later), "21 juillet 2025", "only the first");
    assert_eq!(french.day_month(&later), "21 juillet");
    assert_eq!(dutch.date(&first), "1 juli 2025");
    assert_eq!(dutch.day_month(&first), "1 juli");
    // The messages that take a date read it as given: the box, the picture, the voided lines.
    let on = french.day_month(&first);
    assert_eq!(
        french.with(
            "facts-voided-between",
            &[
                ("day", Arg::Text(&on)),
                ("from", Arg::Text("10\u{a0}h\u{a0}05")),
                ("until", Arg::Text("10\u{a0}h\u{a0}06")),
            ],
        ),
        "le 1er juillet entre 10\u{a0}h\u{a0}05 et 10\u{a0}h\u{a0}06"
    );
}

#[test]
fn every_french_message_keeps_a_no_break_space_before_high_punctuation_and_inside_guillemets() {
    let [_, (_, french)] = FILES;
    let mut faults = Vec::new();
    for (file, text) in french {
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let chars: Vec<char> = line.trim_start().chars().collect();
            let ordinary_space = chars
                .windows(2)
                .any(|pair| matches!(pair, [' ', ':' | ';' | '?' | '!' | '»'] | ['«', ' ']));
            if ordinary_space {
                faults.push(format!("{file}:{}: {line}", number + 1));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "an ordinary space where French sets a no-break one (U+00A0 or U+202F):\n{}",
        faults.join("\n")
    );
}

#[test]
fn messages_take_their_values_without_isolation_marks() {
    let french = words(Language::French);
    let title = french.with("frame-title", &[("question", Arg::Text("Oui ?"))]);
    assert_eq!(title, "Sondage des lecteurs\u{a0}: Oui ?");
    assert_eq!(
        french.with("vote-registered-for", &[("answers", Arg::Text("Oui"))]),
        "Votre vote pour «\u{a0}Oui\u{a0}» est enregistré."
    );
    assert_eq!(french.text("vote-answers-separator"), "\u{a0}», «\u{a0}");
    assert_eq!(
        words(Language::Dutch).with("article-published", &[("precision", Arg::Text("month"))]),
        "Gepubliceerd in"
    );
}

#[test]
fn a_time_in_the_hour_the_autumn_clock_shows_twice_says_which_of_the_two_it_is() {
    // 31 October 2027, 2.30 in Brussels: first in summer time (00:30 UTC), an hour later in
    // winter time (01:30 UTC).
    let summer = Moment::brussels_from_unix(1_824_942_600);
    let winter = Moment::brussels_from_unix(1_824_946_200);
    let (dutch, french) = (words(Language::Dutch), words(Language::French));
    assert_eq!(
        dutch.date_time(&summer),
        "31 oktober 2027 om 2.30 uur (zomertijd)"
    );
    assert_eq!(
        dutch.day_month_time(&winter),
        "31 oktober om 2.30 uur (wintertijd)"
    );
    assert_eq!(
        french.date_time(&winter),
        "31 octobre 2027 à 2\u{a0}h\u{a0}30 (heure d’hiver)"
    );
    assert_eq!(
        french.day_month_time(&summer),
        "31 octobre à 2\u{a0}h\u{a0}30 (heure d’été)"
    );
    // An hour before and after, and any other day: the clock shows those once.
    for once in [
        1_824_942_600 - 3_600,
        1_824_946_200 + 3_600,
        1_824_942_600 - 86_400,
    ] {
        let moment = Moment::brussels_from_unix(once);
        assert!(
            !dutch.date_time(&moment).contains('('),
            "{}",
            dutch.date_time(&moment)
        );
    }
}
