//! The picture's size and format, its text inside the canvas whatever the newsroom wrote, the
//! contrast of its colours, what it shows and hides, and its words for screen readers.

use super::*;
use stembus_messages::Messages;
use stembus_poll::language::PollTranslation;
use stembus_poll::moment::Moment;
use stembus_poll::{PollOption, test_support};

/// 6 December 2026, 14.05 in Brussels.
const AT: i64 = 1_796_562_300;

fn words(language: Language) -> Words {
    Messages::load().unwrap().words(language)
}

fn poll_with(question: &str, labels: &[&str], show_results: ResultsVisibility) -> PollDefinition {
    let mut poll = test_support::poll();
    poll.question = question.to_string();
    poll.options = labels
        .iter()
        .enumerate()
        .map(|(index, label)| PollOption {
            key: format!("a{index}"),
            label: label.to_string(),
        })
        .collect();
    poll.show_results = show_results;
    poll
}

fn deepseek() -> PollDefinition {
    poll_with(
        "Brengt DeepSeek blijvende schade toe aan Nvidia?",
        &["Ja", "Nee", "Weet ik niet"],
        ResultsVisibility::Always,
    )
}

/// `poll` with `results` at the tests' moment, `AT`.
fn standing_of<'a>(poll: &'a PollDefinition, results: &'a PollResults) -> Standing<'a> {
    Standing {
        poll,
        results: Some(results),
        at: AT,
    }
}

fn results_of(poll: &PollDefinition, counts: &[u64]) -> PollResults {
    let counts: Vec<(String, u64)> = poll
        .options
        .iter()
        .zip(counts)
        .map(|(option, n)| (option.key.clone(), *n))
        .collect();
    let voters = counts.iter().map(|(_, n)| n).sum();
    PollResults::from_counts(poll, &counts, voters)
}

/// Every line of text in `svg` as usvg lays it out with the shipped fonts: its text and its box.
fn laid_out_text(svg: &str) -> Vec<(String, usvg::Rect)> {
    fn walk(group: &usvg::Group, found: &mut Vec<(String, usvg::Rect)>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(group) => walk(group, found),
                usvg::Node::Text(text) => {
                    let content = text.chunks().iter().map(|chunk| chunk.text()).collect();
                    found.push((content, text.abs_bounding_box()));
                }
                _ => {}
            }
        }
    }
    let tree = usvg::Tree::from_str(svg, &options()).expect("the SVG parses");
    let mut found = Vec::new();
    walk(tree.root(), &mut found);
    found
}

/// The picture's text, its lines joined by a space.
fn shown(svg: &str) -> String {
    let lines: Vec<String> = laid_out_text(svg)
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    lines.join(" ")
}

/// The relative luminance of `#rrggbb` (WCAG 2.x).
fn luminance(colour: &str) -> f64 {
    let channel = |index: usize| {
        let value = u8::from_str_radix(&colour[1 + 2 * index..3 + 2 * index], 16).unwrap();
        let value = f64::from(value) / 255.0;
        if value <= 0.04045 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn a_picture_is_a_png_of_1200_by_630() {
    let poll = deepseek();
    let results = results_of(&poll, &[716, 371, 147]);
    let standing = standing_of(&poll, &results);
    let png = render(&standing, &words(Language::Dutch)).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "the PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1200, 630));
}

#[test]
fn long_texts_wrap_and_stay_inside_the_canvas() {
    let long_word = "Onvoorstelbaarlangsamengesteldwoordzonderenigespatie".repeat(4);
    let question = format!(
        "{} Is dit een vraag die veel te lang is voor één afbeelding, ook al schreef de redactie haar met de beste bedoelingen en heel veel bijzinnen?",
        "Waarom ".repeat(20)
    );
    let labels: Vec<String> = (1..=10)
        .map(|n| match n {
            1 => long_word.clone(),
            n => format!("Antwoord {n}: een lang antwoord dat zeker niet op één regel past, zelfs niet op een brede afbeelding van twaalfhonderd pixels"),
        })
        .collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    for visibility in [ResultsVisibility::Always, ResultsVisibility::AfterClose] {
        let poll = poll_with(&question, &labels, visibility);
        let results = results_of(&poll, &[5, 4, 3, 2, 1, 1, 1, 1, 1, 1]);
        for language in Language::ALL {
            let standing = standing_of(&poll, &results);
            let svg = svg(&standing, &words(language));
            let lines = laid_out_text(&svg);
            assert!(lines.len() > 5, "{svg}");
            for (text, bounds) in &lines {
                assert!(
                    bounds.left() >= MARGIN_X - 1.0
                        && bounds.right() <= WIDTH as f32 - MARGIN_X + 1.0,
                    "{text:?} runs out of the canvas: {bounds:?}"
                );
                assert!(
                    bounds.top() >= 0.0 && bounds.bottom() <= HEIGHT as f32,
                    "{text:?} runs off the canvas: {bounds:?}"
                );
            }
            let question_lines: Vec<_> = lines
                .iter()
                .filter(|(text, _)| text.contains("Waarom") || text.contains("bedoelingen"))
                .collect();
            assert!(question_lines.len() <= 3, "{question_lines:?}");
            assert!(
                question_lines.last().unwrap().0.ends_with('…'),
                "a cut question ends with an ellipsis: {question_lines:?}"
            );
            // Nothing overlaps the footer's rule but the footer.
            for (text, bounds) in &lines {
                let footer = text.contains("Stembus") || text.starts_with(['S', 'R']);
                if !footer {
                    assert!(bounds.bottom() <= RULE_Y, "{text:?} overlaps the footer");
                }
            }
            let more = match language {
                Language::Dutch => "andere antwoorden.",
                Language::French => "autres réponses.",
            };
            assert!(
                lines.iter().any(|(text, _)| text.contains(more)),
                "says how many answers it left out: {lines:?}"
            );
        }
    }
}

#[test]
fn the_colours_have_a_contrast_of_at_least_4_5_to_1_on_the_background() {
    for (name, colour) in [
        ("text", colours::TEXT),
        ("muted", colours::MUTED),
        ("accent (bars, site name)", colours::ACCENT),
    ] {
        let ratio = contrast(colour, colours::BACKGROUND);
        assert!(ratio >= 4.5, "{name} {colour}: {ratio:.2}:1");
    }
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 0.01);
}

#[test]
fn a_standing_not_yet_public_shows_no_figures_and_says_when_it_will() {
    let mut poll = deepseek();
    poll.show_results = ResultsVisibility::AfterVote;
    let results = results_of(&poll, &[3, 2, 1]);
    let standing = standing_of(&poll, &results);
    let dutch = svg(&standing, &words(Language::Dutch));
    assert!(!dutch.contains('%'), "{dutch}");
    assert!(!dutch.contains("lezers stemden"), "{dutch}");
    assert!(
        dutch.contains("De uitslag is te zien na het stemmen."),
        "{dutch}"
    );
    assert!(
        dutch.contains("Weet ik niet"),
        "the answers are there: {dutch}"
    );

    poll.show_results = ResultsVisibility::AfterClose;
    poll.closes = Some(Moment::parse("2026-12-31T18:00:00+01:00").unwrap());
    let standing = standing_of(&poll, &results);
    let dutch = svg(&standing, &words(Language::Dutch));
    assert!(!dutch.contains('%'), "{dutch}");
    assert!(
        shown(&dutch).contains(
            "De uitslag verschijnt wanneer de poll sluit, op 31 december 2026 om 18.00 uur."
        ),
        "{dutch}"
    );

    // Once it closed, everyone sees it, and the picture says it is closed.
    let closed = Standing {
        poll: &poll,
        results: Some(&results),
        at: poll.closes.unwrap().unix_seconds(),
    };
    let dutch = svg(&closed, &words(Language::Dutch));
    assert!(dutch.contains("50%"), "{dutch}");
    assert!(
        dutch.contains("Deze poll is gesloten. 6 lezers stemden."),
        "{dutch}"
    );
}

#[test]
fn the_picture_names_the_moment_and_the_site_in_its_language() {
    let mut poll = deepseek();
    poll.french = Some(PollTranslation {
        question: "DeepSeek nuit-il durablement à Nvidia\u{a0}?".into(),
        labels: [("a0", "Oui"), ("a1", "Non"), ("a2", "Je ne sais pas")]
            .iter()
            .map(|(key, label)| (key.to_string(), label.to_string()))
            .collect(),
    });
    let results = results_of(&poll, &[716, 371, 147]);
    let dutch = svg(&standing_of(&poll, &results), &words(Language::Dutch));
    assert!(
        dutch.contains("Stand op 6 december 2026 om 14.05 uur"),
        "{dutch}"
    );
    assert!(dutch.contains(">Stembus<"), "{dutch}");
    assert!(dutch.contains("1.234 lezers stemden."), "{dutch}");
    assert!(dutch.contains(">58%<"), "{dutch}");

    let french_poll = poll.in_language(Language::French).unwrap();
    let french_results = results_of(&french_poll, &[716, 371, 147]);
    let french = svg(
        &standing_of(&french_poll, &french_results),
        &words(Language::French),
    );
    assert!(
        french.contains("Résultats au 6 décembre 2026 à 14\u{a0}h\u{a0}05"),
        "{french}"
    );
    assert!(french.contains("58\u{a0}%"), "{french}");
    assert!(french.contains("Je ne sais pas"), "{french}");
    assert!(
        french.contains("1\u{202f}234 lecteurs ont voté."),
        "{french}"
    );
}

#[test]
fn text_from_the_newsroom_is_escaped() {
    let poll = poll_with(
        "<script>alert('x')</script> & \"meer\"\u{1}?",
        &["<b>Ja</b>", "Nee & ja"],
        ResultsVisibility::Always,
    );
    let results = results_of(&poll, &[1, 1]);
    let standing = standing_of(&poll, &results);
    let svg = svg(&standing, &words(Language::Dutch));
    assert!(!svg.contains("<script>"), "{svg}");
    assert!(!svg.contains("<b>"), "{svg}");
    assert!(svg.contains("&lt;b&gt;Ja&lt;/b&gt;"), "{svg}");
    let lines = laid_out_text(&svg);
    assert!(
        lines.iter().any(|(text, _)| text.contains("<script>alert")),
        "read back as the text it was: {lines:?}"
    );
    render(&standing, &words(Language::Dutch)).unwrap();
}

#[test]
fn the_words_for_a_screen_reader_name_the_leader_a_tie_or_no_votes() {
    let poll = deepseek();
    let dutch = words(Language::Dutch);
    let leading = results_of(&poll, &[716, 371, 147]);
    assert_eq!(
        alt_text(&poll, Some(&leading), &dutch),
        "Brengt DeepSeek blijvende schade toe aan Nvidia? “Ja” leidt met 58%."
    );
    let tie = results_of(&poll, &[4, 4, 4]);
    assert_eq!(
        alt_text(&poll, Some(&tie), &dutch),
        "Brengt DeepSeek blijvende schade toe aan Nvidia? “Ja”, “Nee” en “Weet ik niet” staan gelijk, met elk 4 stemmen."
    );
    let none = results_of(&poll, &[0, 0, 0]);
    assert_eq!(
        alt_text(&poll, Some(&none), &dutch),
        "Brengt DeepSeek blijvende schade toe aan Nvidia? Nog niemand stemde."
    );
    assert_eq!(
        alt_text(&poll, None, &dutch),
        "Brengt DeepSeek blijvende schade toe aan Nvidia? De uitslag is nog niet te zien."
    );
    let french = words(Language::French);
    let mut french_poll = poll.clone();
    french_poll.question = "DeepSeek nuit-il durablement à Nvidia\u{a0}?".into();
    french_poll.options[0].label = "Oui".into();
    french_poll.options[1].label = "Non".into();
    let leading = results_of(&french_poll, &[716, 371, 147]);
    assert_eq!(
        alt_text(&french_poll, Some(&leading), &french),
        "DeepSeek nuit-il durablement à Nvidia\u{a0}? «\u{a0}Oui\u{a0}» est en tête avec 58\u{a0}%."
    );
    let two = results_of(&french_poll, &[2, 2, 1]);
    assert_eq!(
        alt_text(&french_poll, Some(&two), &french),
        "DeepSeek nuit-il durablement à Nvidia\u{a0}? «\u{a0}Oui\u{a0}» et «\u{a0}Non\u{a0}» sont à égalité, avec 2 votes chacune."
    );
}

#[test]
fn the_address_names_the_language_only_for_french() {
    assert_eq!(path("p", Language::Dutch), "/api/polls/p/standing.png");
    assert_eq!(
        path("p", Language::French),
        "/api/polls/p/standing.png?lang=fr-BE"
    );
}

#[test]
fn a_word_wider_than_a_line_is_broken_and_a_cut_line_ends_with_an_ellipsis() {
    let lines = layout::wrap(&"x".repeat(200), Face::Regular, 34.0, 500.0, 2);
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with('…'), "{lines:?}");
    for line in &lines {
        assert!(layout::width(line, Face::Regular, 34.0) <= 500.0, "{line}");
    }
    let kept = layout::wrap("twee\u{a0}woorden samen", Face::Regular, 34.0, 260.0, 3);
    assert_eq!(
        kept[0], "twee\u{a0}woorden",
        "a no-break space holds: {kept:?}"
    );
}
