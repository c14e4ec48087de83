//! The island's server side: the card as the page hands it over, and everything of it that only
//! the server renders (the form's fields, the standing, the reader's own vote, the vote's answer),
//! in the words of the page's language. None of it is compiled for the browser.

use super::{Card, CardWords, PageCard, PollIsland, bar_width};
use crate::error::AppError;
use crate::poll::{
    PollResults, PollStatus, PollView, VOTE_KEY_FIELD, VOTE_LANGUAGE_FIELD, VoteAnswer,
};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use stembus_messages::{Arg, Words};
use stembus_poll::language::Language;

/// The poll at the bottom of an article or in the embed: the form, the standing, or the reader's
/// own vote, as the server decided for this reader (`view`, its poll in the language of `words`).
///
/// Without JavaScript the form posts to the `cast_vote` server function and the server sends the
/// reader back to the poll; with it, the vote goes through the same function and its answer (the
/// poll as the reader now sees it) replaces the form in place.
#[component]
pub fn PollCard(view: PollView, words: Words) -> impl IntoView {
    // A closed poll's standing no longer moves (but for an editor's void, which a reload shows):
    // its card follows nothing, so a page left open for years holds no stream (an empty address is
    // one the island does not follow).
    let live_address = match words.language() {
        _ if view.status == PollStatus::Closed => String::new(),
        Language::Dutch => format!("/api/polls/{}/live", view.poll.id),
        language => format!("/api/polls/{}/live?lang={}", view.poll.id, language.tag()),
    };
    provide_context(PageCard {
        card: Card {
            poll_id: view.poll.id.clone(),
            show_form: view.show_form,
            standing_html: standing_html(&view, &words),
            error_text: view
                .refused
                .map(|error| words.error(error))
                .unwrap_or_default(),
            words: CardWords {
                kicker_html: words.text("poll-kicker").to_html(),
                submit_html: words.text("poll-submit").to_html(),
                retrying: words.text("vote-retrying"),
                unavailable: words.error(AppError::Unavailable),
                live_address,
            },
            ..Card::default()
        },
        fields_html: if view.show_form {
            fields_html(&view, &words)
        } else {
            String::new()
        },
    });
    view! { <PollIsland /> }
}

impl VoteAnswer {
    /// The answer to a vote that was taken, in the words of the reader's language; `view` is the
    /// poll as the reader now sees it, and `voters` the readers who voted, the reader's vote
    /// included.
    pub fn new(view: &PollView, voters: u64, words: &Words) -> VoteAnswer {
        let labels = view.poll.labels_of(&view.own_choices);
        // Without the standing the reader's answers are not known just now (see `PollView`).
        let announcement = if labels.is_empty() {
            words.text("vote-registered")
        } else {
            let answers = labels.join(&words.text("vote-answers-separator"));
            // Answers other than the kept first vote were not counted: the reader is told so,
            // never that the vote they just sent is registered.
            let message = if view.first_vote_stands {
                "vote-first-stands"
            } else {
                "vote-registered-for"
            };
            words.with(message, &[("answers", Arg::Text(&answers))])
        };
        VoteAnswer {
            show_form: view.show_form,
            voters: view.results.as_ref().map(|results| results.voters),
            read_at: view
                .results
                .as_ref()
                .map_or(0, |results| results.read_at_ms),
            standing_html: rendered_standing(view, words, SaidBy::LiveRegion),
            // Rendered as text: the labels come from the newsroom and are escaped here.
            announcement_html: announcement.to_html(),
            // A vote is taken only while the poll is open.
            facts_voters: words.facts_voters(Some(voters), false),
        }
    }
}

/// The form's fields, as HTML: radio buttons (one answer) or check boxes (several). A reader
/// changing their vote finds their answers already ticked, one who came by a link that suggests an
/// answer (`?keuze=`) finds that one ticked.
fn fields_html(view: &PollView, words: &Words) -> String {
    let poll = &view.poll;
    let multiple = poll.max_choices > 1;
    let input_type = if multiple { "checkbox" } else { "radio" };
    // How many answers a reader may tick is said once above the boxes; each box names it as its
    // description, so that a screen reader moving from box to box hears it.
    let hint_id = multiple.then(|| format!("poll-hint-{}", poll.id));
    let fields = poll
        .options
        .iter()
        .map(|option| {
            let input_id = format!("keuze-{}", option.key);
            let checked = view.own_choices.contains(&option.key)
                || view.suggested.as_deref() == Some(option.key.as_str());
            view! {
                <div class="poll-option">
                    <input
                        type=input_type
                        name="choice"
                        id=input_id.clone()
                        value=option.key.clone()
                        checked=checked
                        required=!multiple
                        aria-describedby=hint_id.clone()
                    />
                    <label for=input_id>{option.label.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let hint = multiple.then(|| {
        let hint = words.counted("poll-max-choices", u64::from(poll.max_choices));
        view! { <p class="poll-hint" id=hint_id.clone()>{hint}</p> }
    });
    // A vote sent again from a form shown after a refusal carries its key (`VOTE_KEY_FIELD`).
    let key = view
        .retry_key
        .clone()
        .map(|key| view! { <input type="hidden" name=VOTE_KEY_FIELD value=key /> });
    // The vote's answer and refusals speak the card's language; Dutch is the default.
    let language = (words.language() != Language::Dutch).then(|| {
        view! { <input type="hidden" name=VOTE_LANGUAGE_FIELD value=words.language().tag() /> }
    });
    view! {
        <legend class="poll-question">{poll.question.clone()}</legend>
        {hint}
        <input type="hidden" name="poll" value=poll.id.clone() />
        {key}
        {language}
        {fields}
    }
    .to_html()
}

/// The standing as this reader may see it, as HTML: under the form ("Tussenstand") while the form
/// is shown, else in its place, with the reader's own vote and how to change it. Rendered on the
/// server only (the browser puts it in place).
pub fn standing_html(view: &PollView, words: &Words) -> String {
    rendered_standing(view, words, SaidBy::Card)
}

/// Who tells a screen reader the card's notice that a first vote stands: the card itself, as an
/// alert, on a page; the island's live region, in the standing a vote's answer carries (the answer
/// says it there, and an alert put in with the standing would say it a second time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SaidBy {
    Card,
    LiveRegion,
}

/// `standing_html`, with the notice said by `said_by`.
fn rendered_standing(view: &PollView, words: &Words, said_by: SaidBy) -> String {
    let unavailable = view
        .standing_unavailable
        .then(|| view! { <p class="poll-unavailable">{words.text("poll-unavailable")}</p> });
    let standing = if view.show_form {
        Either::Left(view.results.clone().map(|results| {
            view! {
                <h3 class="poll-standing-title">{words.text("poll-standing-title")}</h3>
                <ResultList results own_choices=Vec::new() words=words.clone() />
            }
        }))
    } else {
        Either::Right(view! { <VotedPanel view=view.clone() words=words.clone() said_by /> })
    };
    view! { {unavailable} {standing} }.to_html()
}

/// What a reader sees instead of the form: the standing when they may see it, their own vote, and
/// how to change it when the poll allows that; after a second vote that was not counted, that
/// their first vote stands (said as `said_by` says).
#[component]
fn VotedPanel(view: PollView, words: Words, said_by: SaidBy) -> impl IntoView {
    let PollView {
        poll,
        results,
        own_choices,
        change_href,
        status,
        refused,
        first_vote_stands,
        ..
    } = view;
    // A vote refused when the poll no longer takes votes has no form to say it in.
    let refusal =
        refused.map(|error| view! { <p class="poll-error" role="alert">{words.error(error)}</p> });
    // A second vote the poll did not take, said where a refusal is and in its manner: it names the
    // first vote, so it takes the place of the own-vote line below, which would repeat it.
    let first_vote_stands = (first_vote_stands && !own_choices.is_empty()).then(|| {
        let answers = poll
            .labels_of(&own_choices)
            .join(&words.text("vote-answers-separator"));
        let notice = words.with("vote-first-stands", &[("answers", Arg::Text(&answers))]);
        let role = (said_by == SaidBy::Card).then_some("alert");
        view! { <p class="poll-error poll-first-vote-stands" role=role>{notice}</p> }
    });
    // Said in the card's own text, so that a screen reader and a browser without JavaScript get
    // it too; when it ran is in the transparency box under the card.
    let closed = (status == PollStatus::Closed)
        .then(|| view! { <p class="poll-state">{words.text("poll-closed")}</p> });
    let own_labels = poll.labels_of(&own_choices).join(", ");
    let voted = !own_choices.is_empty();
    let standing = match results {
        Some(results) => {
            EitherOf3::A(view! { <ResultList results own_choices words=words.clone() /> })
        }
        None if voted => {
            let later = match poll.closes {
                Some(closes) => {
                    let closes = words.date_time(&closes);
                    words.with("poll-results-later-on", &[("closes", Arg::Text(&closes))])
                }
                None => words.text("poll-results-later"),
            };
            EitherOf3::B(view! { <p class="poll-later">{later}</p> })
        }
        None => EitherOf3::C(()),
    };
    let own_vote_label = words.text("poll-own-vote") + " ";
    let own_vote = (voted && first_vote_stands.is_none()).then(|| match change_href {
        Some(href) => Either::Left(view! {
            <p class="poll-own-vote">
                {own_vote_label.clone()} <strong>{own_labels.clone()}</strong>
                {words.text("poll-own-vote-change") + " "}
                <a href=href>{words.text("poll-change-link")}</a>
            </p>
        }),
        None => Either::Right(view! {
            <p class="poll-own-vote">
                {own_vote_label.clone()} <strong>{own_labels.clone()}</strong>
                {words.text("poll-own-vote-thanks")}
            </p>
        }),
    });
    view! {
        <div class="poll-results">
            <h3 class="poll-question" id="poll-resultaten" tabindex="-1">
                {poll.question}
            </h3>
            {closed}
            {refusal}
            {first_vote_stands}
            {standing}
            {own_vote}
        </div>
    }
}

/// A bar and the figures per answer, and the number of voters; the reader's own answers marked.
/// Each answer carries its key, so the live standing finds its figures.
#[component]
fn ResultList(results: PollResults, own_choices: Vec<String>, words: Words) -> impl IntoView {
    let own_badge = words.text("poll-own-badge");
    let rows = results
        .rows
        .into_iter()
        .map(|row| {
            let is_own = own_choices.contains(&row.key);
            let figures = words.figures(row.percent, row.votes);
            // The space keeps the badge a word of its own for screen readers and copied text
            // ("Nee Uw stem", not "NeeUw stem"); the style sheet only draws the gap.
            let badge = is_own.then(|| view! { " " <strong class="poll-own-badge">{own_badge.clone()}</strong> });
            view! {
                <li class="poll-result" class:poll-result-own=is_own data-key=row.key>
                    <div class="poll-result-text">
                        <span class="poll-result-label">
                            {row.label}
                            {badge}
                        </span>
                        <span class="poll-result-figures">{figures}</span>
                    </div>
                    <svg class="poll-bar" aria-hidden="true" focusable="false">
                        <rect class="poll-bar-track" width="100%" height="100%" rx="4" />
                        <rect class="poll-bar-fill" width=bar_width(row.percent) height="100%" rx="4" />
                    </svg>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="poll-result-list">{rows}</ul>
        <p class="poll-total" data-read-at=results.read_at_ms.to_string()>
            {words.voters(results.voters)}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::ResultsVisibility;
    use stembus_messages::Messages;
    use stembus_poll::language::PollTranslation;

    fn dutch() -> Words {
        Messages::load().unwrap().words(Language::Dutch)
    }

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
        let answer = VoteAnswer::new(&view, 1, &dutch());
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
    fn a_second_vote_not_taken_names_the_first_as_alert_on_the_page_and_aloud_in_the_answer() {
        let poll = poll();
        let results = PollResults::from_counts(&poll, &counts(&[("ja", 1)]), 1);
        let view = PollView::for_reader(
            "/artikel/x",
            &poll,
            Some(results),
            vec!["ja".into()],
            0,
            false,
        )
        .voted_again(&["nee".to_string()]);
        let said = "U had al gestemd: uw eerste stem, voor “JA”, blijft staan.";
        let page = standing_html(&view, &dutch());
        assert!(page.contains(&format!("{said}</p>")), "{page}");
        assert!(page.contains("role=\"alert\""), "{page}");
        assert!(!page.contains("poll-own-vote"), "said once: {page}");
        let answer = VoteAnswer::new(&view, 1, &dutch());
        assert_eq!(answer.announcement_html, said);
        assert!(
            answer.standing_html.contains(said) && !answer.standing_html.contains("role="),
            "the live region says it, not an alert besides: {}",
            answer.standing_html
        );
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
        let json = serde_json::to_value(VoteAnswer::new(&shown, 4, &dutch())).unwrap();
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
                "read_at",
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
        let json = serde_json::to_value(VoteAnswer::new(&hidden, 3, &dutch())).unwrap();
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
        assert!(standing_html(&closed, &dutch()).contains("Deze poll is gesloten."));
        let open = view_at(closes - 1);
        assert_eq!(open.status, PollStatus::Open);
        assert!(!standing_html(&open, &dutch()).contains("gesloten"));
    }

    /// The card as a page renders it, under an owner of its own (which holds the context the card
    /// hands its island).
    fn rendered(view: PollView, words: Words) -> String {
        Owner::new().with(|| view! { <PollCard view words /> }.to_html())
    }

    fn french_poll() -> crate::poll::PollDefinition {
        let mut poll = poll();
        poll.french = Some(PollTranslation {
            question: "Dommage\u{a0}?".into(),
            labels: [
                ("ja", "Oui"),
                ("nee", "Non"),
                ("weet-niet", "Je ne sais pas"),
            ]
            .iter()
            .map(|(key, label)| (key.to_string(), label.to_string()))
            .collect(),
        });
        poll.in_language(Language::French).unwrap()
    }

    #[test]
    fn a_french_card_speaks_french_and_its_vote_says_so() {
        let french = Messages::load().unwrap().words(Language::French);
        let poll = french_poll();
        let form = PollView::for_reader("/fr/embed/deepseek", &poll, None, vec![], 0, false);
        let html = rendered(form, french.clone());
        assert!(html.contains("Sondage des lecteurs"), "{html}");
        assert!(html.contains(">Voter</button>"), "{html}");
        assert!(html.contains("name=\"lang\" value=\"fr-BE\""), "{html}");
        assert!(
            html.contains("data-live=\"/api/polls/deepseek/live?lang=fr-BE\""),
            "{html}"
        );
        assert!(html.contains("Je ne sais pas"), "{html}");
        assert!(!html.contains("Stem"), "no Dutch word: {html}");

        let results = PollResults::from_counts(&poll, &counts(&[("ja", 1234), ("nee", 1)]), 1235);
        let voted = PollView::for_reader(
            "/fr/embed/deepseek",
            &poll,
            Some(results),
            vec!["ja".into()],
            0,
            false,
        );
        let answer = VoteAnswer::new(&voted, 1235, &french);
        assert_eq!(
            answer.announcement_html,
            "Votre vote pour «\u{a0}Oui\u{a0}» est enregistré."
        );
        assert!(
            answer.standing_html.contains("1\u{202f}234 votes"),
            "{}",
            answer.standing_html
        );
        assert!(
            answer.standing_html.contains("1 vote<"),
            "{}",
            answer.standing_html
        );
        assert!(
            answer.standing_html.contains("Votre vote"),
            "{}",
            answer.standing_html
        );
        assert_eq!(
            answer.facts_voters,
            "Jusqu’ici, 1\u{202f}235 lecteurs ont voté."
        );
    }

    #[test]
    fn a_suggested_answer_is_ticked_only_for_a_reader_who_has_not_voted() {
        let form = PollView::for_reader("/artikel/x", &poll(), None, vec![], 0, false);
        let html = rendered(form.clone().suggesting("nee"), dutch());
        assert!(
            html.contains("value=\"nee\" checked"),
            "the suggested answer is ticked: {html}"
        );
        assert_eq!(html.matches(" checked").count(), 1, "{html}");
        let unknown = rendered(form.suggesting("misschien"), dutch());
        assert!(!unknown.contains(" checked"), "{unknown}");

        let results = PollResults::from_counts(&poll(), &counts(&[("ja", 1)]), 1);
        let voted = PollView::for_reader(
            "/artikel/x",
            &poll(),
            Some(results),
            vec!["ja".into()],
            0,
            false,
        )
        .suggesting("nee");
        assert_eq!(voted.suggested, None, "a reader who voted keeps their vote");
    }

    #[test]
    fn the_own_answers_badge_is_a_word_of_its_own() {
        let results = PollResults::from_counts(&poll(), &counts(&[("nee", 1)]), 1);
        let view = PollView::for_reader(
            "/artikel/x",
            &poll(),
            Some(results),
            vec!["nee".into()],
            0,
            false,
        );
        let html = standing_html(&view, &dutch())
            .replace("<!>", "")
            .replace("<!---->", "");
        assert!(
            html.contains("NEE <strong class=\"poll-own-badge\">"),
            "{html}"
        );
    }

    #[test]
    fn each_check_box_is_described_by_how_many_answers_may_be_ticked() {
        let mut several = poll();
        several.max_choices = 2;
        let html = rendered(
            PollView::for_reader("/artikel/x", &several, None, vec![], 0, false),
            dutch(),
        );
        let hint_id = format!("poll-hint-{}", several.id);
        assert!(
            html.contains(&format!("<p id=\"{hint_id}\" class=\"poll-hint\">")),
            "{html}"
        );
        assert_eq!(
            html.matches(&format!("aria-describedby=\"{hint_id}\""))
                .count(),
            several.options.len(),
            "{html}"
        );
        let single = rendered(
            PollView::for_reader("/artikel/x", &poll(), None, vec![], 0, false),
            dutch(),
        );
        assert!(!single.contains("aria-describedby"), "{single}");
    }

    #[test]
    fn a_closed_polls_card_follows_no_live_standing() {
        let mut closed = poll();
        closed.closes = Some(Moment::parse("2026-03-01T12:00:00+01:00").unwrap());
        let results = PollResults::from_counts(&closed, &counts(&[("ja", 1)]), 1);
        let html = rendered(
            PollView::for_reader(
                "/artikel/x",
                &closed,
                Some(results),
                vec![],
                1_772_445_600,
                false,
            ),
            dutch(),
        );
        assert!(html.contains("data-live=\"\""), "{html}");
        assert!(!html.contains("/live"), "{html}");
    }

    #[test]
    fn a_dutch_card_carries_no_language_field_and_follows_the_plain_live_address() {
        let html = rendered(
            PollView::for_reader("/artikel/x", &poll(), None, vec![], 0, false),
            dutch(),
        );
        assert!(html.contains(">Lezerspoll</h2>"), "{html}");
        assert!(html.contains(">Stem</button>"), "{html}");
        assert!(!html.contains("name=\"lang\""), "{html}");
        assert!(
            html.contains("data-live=\"/api/polls/deepseek/live\""),
            "{html}"
        );
        assert!(html.contains("data-retrying=\"Het is erg druk"), "{html}");
    }
}
