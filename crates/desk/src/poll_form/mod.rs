//! The poll form of the desk, shared by making a poll (`new_poll`) and editing one (`edit_poll`):
//! the fields as typed, their rules with a Dutch message naming the field, the answer keys, and
//! the form itself as a component. A refused form comes back with everything typed kept and each
//! message linked to its field, so an editor without JavaScript or with a screen reader finds it.
//! The component is in `view`.
//!
//! A poll may have its question and answers in French beside the Dutch ones (the same answers,
//! the same tally). The French fields are optional, but once one is filled in the French must be
//! complete: a question and a text for every answer, as `PollDefinition::french_problem` asks.

use super::brussels::{self, Typed};
use super::extract::Form;
use stembus_content::identifier::{identifier_from, unique_identifier};
use stembus_poll::language::{PollTranslation, TranslationProblem};
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, PollOption, ResultsVisibility};

mod view;

pub use view::{FormKind, PollFormView, Seen, form_page};

/// How many answer fields the form has.
pub const ANSWER_SLOTS: usize = 10;
/// The longest question and the longest answer, in characters: more does not fit the poll card.
pub const MAX_TEXT: usize = 200;

/// What an editor reads when a text holds a control character (a NUL, an escape), which often
/// rides along when text is pasted from another program.
const CONTROL_CHARACTER_ADVICE: &str = "de tekst bevat een onzichtbaar stuurteken (zoals een nulteken), dat geen pagina kan tonen. Typ de tekst opnieuw, of plak hem als platte tekst.";

/// Whether `text` holds a control character: no page, feed or export can carry one (XML refuses
/// it outright), and one line of a form never means one, not even a tab or a line break.
fn has_control_character(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// The sentence an editor reads when readers voted: what the store then refuses.
pub const LOCKED_SENTENCE: &str = "Er hebben al lezers gestemd: antwoorden kunnen niet meer toegevoegd, verwijderd of van volgorde veranderd worden, en het openen en het aantal antwoorden per lezer liggen vast. De vraag en de tekst van een antwoord kunnen nog verduidelijkt worden, in het Nederlands en in het Frans; lezers zien dan dat dat gebeurde. Een antwoord kan wel niet de woorden krijgen die een ander antwoord sinds de eerste stem had, in het Nederlands of in het Frans, ook niet over enkele bewerkingen heen: de stemmen blijven bij hun antwoord en zouden zo naar het andere verhuizen. Frans dat na de eerste stem weggehaald werd, wordt daarvoor vergeleken met de Franse teksten van toen als het terugkomt.";

/// The field of the French question.
pub const FRENCH_QUESTION: &str = "vraag-fr";

/// The field of answer `slot` (counted from 1) in Dutch: `antwoord2`.
pub fn answer_field(slot: usize) -> String {
    format!("antwoord{slot}")
}

/// The field of answer `slot` (counted from 1) in French: `antwoord2-fr`.
pub fn french_answer_field(slot: usize) -> String {
    format!("antwoord{slot}-fr")
}

/// The poll form as typed (or as a poll fills it in), field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollFields {
    pub question: String,
    /// `ANSWER_SLOTS` answers, empty ones included.
    pub answers: Vec<String>,
    /// The key each answer slot carries when editing (`sleutel1` …); empty for a new answer.
    pub keys: Vec<String>,
    /// The question in French ("Vraag (Frans)"); empty for a poll without French.
    pub french_question: String,
    /// `ANSWER_SLOTS` answers in French, each beside the Dutch answer of its slot.
    pub french_answers: Vec<String>,
    pub multiple: bool,
    pub max_choices: String,
    pub opens: String,
    pub closes: String,
    pub visibility: String,
    /// The poll's id ("Code in het adres"); only when making a poll.
    pub code: String,
}

impl PollFields {
    /// An empty form: results after the vote, as most polls have it.
    pub fn empty() -> PollFields {
        PollFields {
            answers: vec![String::new(); ANSWER_SLOTS],
            keys: vec![String::new(); ANSWER_SLOTS],
            french_answers: vec![String::new(); ANSWER_SLOTS],
            visibility: ResultsVisibility::AfterVote.key().to_string(),
            ..PollFields::default()
        }
    }

    /// The fields as the form sent them; a missing field is empty.
    pub fn from_form(form: &Form) -> PollFields {
        let field = |name: &str| form.get(name).unwrap_or_default().to_string();
        PollFields {
            question: field("vraag"),
            answers: (1..=ANSWER_SLOTS)
                .map(|slot| field(&answer_field(slot)))
                .collect(),
            keys: (1..=ANSWER_SLOTS)
                .map(|slot| field(&format!("sleutel{slot}")))
                .collect(),
            french_question: field(FRENCH_QUESTION),
            french_answers: (1..=ANSWER_SLOTS)
                .map(|slot| field(&french_answer_field(slot)))
                .collect(),
            multiple: form.get("meerdere").is_some(),
            max_choices: field("maximaal"),
            opens: field("opent"),
            closes: field("sluit"),
            visibility: field("uitslag"),
            code: field("code"),
        }
    }

    /// The fields filled in with `poll` as it is served (its closing moment and visibility with
    /// the desk's overrides, which an edit makes the poll's own).
    pub fn of_poll(poll: &PollDefinition) -> PollFields {
        let mut fields = PollFields::empty();
        fields.question = poll.question.clone();
        for (slot, option) in poll.options.iter().take(ANSWER_SLOTS).enumerate() {
            fields.answers[slot] = option.label.clone();
            fields.keys[slot] = option.key.clone();
            if let Some(label) = poll
                .french
                .as_ref()
                .and_then(|french| french.labels.get(&option.key))
            {
                fields.french_answers[slot] = label.clone();
            }
        }
        if let Some(french) = &poll.french {
            fields.french_question = french.question.clone();
        }
        fields.multiple = poll.max_choices > 1;
        fields.max_choices = if poll.max_choices > 1 {
            poll.max_choices.to_string()
        } else {
            String::new()
        };
        fields.opens = input_value(poll.opens);
        fields.closes = input_value(poll.closes);
        fields.visibility = poll.show_results.key().to_string();
        fields
    }

    /// The fields as typed, with what readers' votes lock put back as `served` has it: the answers
    /// (a slot without an answer stays empty, an emptied answer gets its text back, each slot its
    /// key), the opening, and how many answers a reader picks. Those fields are read-only once
    /// readers voted, so a refused edit would otherwise come back with its refused value in a
    /// field the editor cannot correct, and be refused again at every try. The wording, the
    /// closing moment and the visibility stay as typed.
    pub fn with_locked_from(mut self, served: &PollDefinition) -> PollFields {
        let stored = PollFields::of_poll(served);
        for slot in 0..ANSWER_SLOTS {
            if stored.answers[slot].is_empty() {
                self.answers[slot].clear();
                self.french_answers[slot].clear();
            } else if self.answers[slot].trim().is_empty() {
                self.answers[slot] = stored.answers[slot].clone();
                if self.french_answers[slot].trim().is_empty() {
                    self.french_answers[slot] = stored.french_answers[slot].clone();
                }
            }
            self.keys[slot] = stored.keys[slot].clone();
        }
        self.multiple = stored.multiple;
        self.max_choices = stored.max_choices;
        self.opens = stored.opens;
        self
    }
}

fn input_value(moment: Option<Moment>) -> String {
    moment
        .map(|moment| moment.local_input_value())
        .unwrap_or_default()
}

/// A refused field: its `id` (and name) in the form, and the Dutch message, which starts with the
/// field's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: String) -> FieldError {
        FieldError {
            field: field.to_string(),
            message,
        }
    }
}

/// What an edit keeps when its field is sent as the form showed it: the moments exactly as stored
/// (the field only shows minutes) and the keys of the answers.
pub struct Before<'a> {
    /// The poll as the form was filled in with it (`PollFields::of_poll`).
    pub shown: &'a PollDefinition,
    /// The keys of the poll's answers as stored; a carried key must be one of them.
    pub keys: Vec<String>,
}

/// A form that passed its rules: the poll it asks for, without its id.
#[derive(Debug, Clone)]
pub struct CheckedPoll {
    pub question: String,
    pub options: Vec<PollOption>,
    pub max_choices: u8,
    pub opens: Option<Moment>,
    pub closes: Option<Moment>,
    pub show_results: ResultsVisibility,
    /// The question and answers in French, by the answers' keys; `None` when every French field
    /// was left empty.
    pub french: Option<PollTranslation>,
}

impl CheckedPoll {
    /// The poll with id `id`.
    pub fn with_id(self, id: &str, allow_change: bool) -> PollDefinition {
        PollDefinition {
            id: id.to_string(),
            question: self.question,
            options: self.options,
            opens: self.opens,
            closes: self.closes,
            max_choices: self.max_choices,
            allow_change,
            show_results: self.show_results,
            french: self.french,
        }
    }
}

/// Where `field` is in the form, counted from the top; a field the form does not have goes last.
fn form_position(field: &str) -> usize {
    let mut order = vec!["vraag".to_string(), FRENCH_QUESTION.to_string()];
    for slot in 1..=ANSWER_SLOTS {
        order.push(answer_field(slot));
        order.push(french_answer_field(slot));
    }
    order.extend(["maximaal", "opent", "sluit", "uitslag", "code"].map(String::from));
    order
        .iter()
        .position(|known| known == field)
        .unwrap_or(order.len())
}

/// What is wrong with one line of text (a question or an answer, in either language), with the
/// field's label in front: a control character, or more than `MAX_TEXT` characters (`counted`
/// names what was counted: "deze vraag", "dit antwoord").
fn text_error(field: &str, label: &str, text: &str, counted: &str) -> Option<FieldError> {
    let length = text.chars().count();
    if has_control_character(text) {
        Some(FieldError::new(
            field,
            format!("{label}: {CONTROL_CHARACTER_ADVICE}"),
        ))
    } else if length > MAX_TEXT {
        Some(FieldError::new(
            field,
            format!("{label}: ten hoogste {MAX_TEXT} tekens; {counted} telt er {length}."),
        ))
    } else {
        None
    }
}

/// The refusal of a French answer that `slot` needs and lacks.
fn missing_french_answer(slot: usize) -> FieldError {
    FieldError::new(
        &french_answer_field(slot),
        format!(
            "Antwoord {slot} (Frans): vul de Franse tekst van antwoord {slot} in, of laat alle Franse velden leeg."
        ),
    )
}

fn missing_french_question() -> FieldError {
    FieldError::new(
        FRENCH_QUESTION,
        "Vraag (Frans): vul de Franse vraag in, of laat alle Franse velden leeg.".to_string(),
    )
}

/// Checks the French fields beside the Dutch `answers` (slot, text) that passed: `Ok(None)` when
/// every French field is empty, else the French question and the French text of each slot of
/// `answers`, in their order. A French field is refused with the same rules as its Dutch one, and
/// the French is all or nothing: a question and a text for every Dutch answer, and none where
/// there is no Dutch answer.
fn check_french(
    fields: &PollFields,
    answers: &[(usize, String)],
    errors: &mut Vec<FieldError>,
) -> Option<(String, Vec<String>)> {
    let question = fields.french_question.trim().to_string();
    let french_answer = |slot: usize| {
        fields
            .french_answers
            .get(slot - 1)
            .map(|text| text.trim())
            .unwrap_or_default()
    };
    let any_french =
        !question.is_empty() || (1..=ANSWER_SLOTS).any(|slot| !french_answer(slot).is_empty());
    if !any_french {
        return None;
    }
    let before = errors.len();
    if question.is_empty() {
        errors.push(missing_french_question());
    } else if let Some(error) =
        text_error(FRENCH_QUESTION, "Vraag (Frans)", &question, "deze vraag")
    {
        errors.push(error);
    }
    // (slot, text) of every filled-in French answer.
    let mut filled: Vec<(usize, String)> = Vec::new();
    for slot in 1..=ANSWER_SLOTS {
        let text = french_answer(slot);
        let dutch = fields
            .answers
            .get(slot - 1)
            .is_some_and(|dutch| !dutch.trim().is_empty());
        let field = french_answer_field(slot);
        let label = format!("Antwoord {slot} (Frans)");
        if text.is_empty() {
            if dutch {
                errors.push(missing_french_answer(slot));
            }
            continue;
        }
        if !dutch {
            errors.push(FieldError::new(
                &field,
                format!(
                    "{label}: er is geen antwoord {slot} in het Nederlands; vul dat in, of laat dit Franse veld leeg."
                ),
            ));
        } else if let Some(error) = text_error(&field, &label, text, "dit antwoord") {
            errors.push(error);
        } else if let Some((first, _)) = filled
            .iter()
            .find(|(_, earlier)| earlier.to_lowercase() == text.to_lowercase())
        {
            errors.push(FieldError::new(
                &field,
                format!("{label}: dit antwoord staat er al, als antwoord {first}."),
            ));
        }
        filled.push((slot, text.to_string()));
    }
    if errors.len() > before {
        return None;
    }
    let texts = answers
        .iter()
        .map(|(slot, _)| {
            filled
                .iter()
                .find(|(french_slot, _)| french_slot == slot)
                .map(|(_, text)| text.clone())
                .unwrap_or_default()
        })
        .collect();
    Some((question, texts))
}

/// A French problem the poll's own rule finds, as a refusal at its field. The form's rules find
/// each of them first; this is the last word, so a form never stores French the site refuses.
fn french_refusal(problem: TranslationProblem, options: &[PollOption]) -> FieldError {
    let slot_of = |key: &str| {
        options
            .iter()
            .position(|option| option.key == key)
            .map(|index| index + 1)
    };
    match problem {
        TranslationProblem::EmptyQuestion => missing_french_question(),
        TranslationProblem::MissingLabel(key) => match slot_of(&key) {
            Some(slot) => missing_french_answer(slot),
            None => missing_french_question(),
        },
        TranslationProblem::UnknownKey(_) => FieldError::new(
            FRENCH_QUESTION,
            "Vraag (Frans): de Franse teksten passen niet bij de antwoorden; vul bij elk antwoord de Franse tekst in, of laat alle Franse velden leeg.".to_string(),
        ),
    }
}

/// Reads a `datetime-local` field; `Ok(None)` when empty. A time the autumn clock shows twice is
/// refused naming both rather than taken for one of them: the field cannot say which.
fn moment_field(value: &str, label: &str, field: &str) -> Result<Option<i64>, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let refused = |why: String| Err(FieldError::new(field, format!("{label}: {why}")));
    match brussels::read(value) {
        Typed::Once(at) => Ok(Some(at)),
        Typed::Twice { summer, .. } => refused(format!(
            "{}. Kies een moment buiten het uur van 2.00 tot 3.00 uur.",
            brussels::twice_words(summer)
        )),
        Typed::Skipped => refused(format!("{}.", brussels::SKIPPED_WORDS)),
        Typed::Invalid => refused(INVALID_MOMENT.to_string()),
    }
}

/// What is wrong with a closing moment, by the rules the poll form and the desk's
/// "Sluitingsmoment" share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosingProblem {
    /// It is not after `now`.
    Past,
    /// It is not after the poll's opening.
    BeforeOpening,
}

impl ClosingProblem {
    /// What an editor reads of it, after the field's name (both forms say it alike).
    pub fn words(self) -> &'static str {
        match self {
            ClosingProblem::Past => "dit moment is al voorbij; kies een moment in de toekomst",
            ClosingProblem::BeforeOpening => "dit moment moet na het openen liggen",
        }
    }
}

/// What an editor reads of a moment field that does not read as a day and an hour.
pub const INVALID_MOMENT: &str =
    "dit is geen geldig moment; kies een dag en een uur (Brusselse tijd).";

/// Whether the closing moment `closes` breaks a rule: after `now` (when given), then after the
/// opening `opens` (when known), all in unix seconds. The past is told first: with the opening
/// left empty a poll opens now, and "after the opening" would then tell an editor who typed
/// yesterday something true but beside the point.
pub fn closing_problem(
    closes: i64,
    opens: Option<i64>,
    now: Option<i64>,
) -> Option<ClosingProblem> {
    if now.is_some_and(|now| closes <= now) {
        Some(ClosingProblem::Past)
    } else if opens.is_some_and(|opens| closes <= opens) {
        Some(ClosingProblem::BeforeOpening)
    } else {
        None
    }
}

/// Checks `fields` against the poll rules at unix second `now`; `before` is the poll being edited.
/// Every refused field is named, in the order of the form.
pub fn check(
    fields: &PollFields,
    now: i64,
    before: Option<&Before<'_>>,
) -> Result<CheckedPoll, Vec<FieldError>> {
    let mut errors = Vec::new();
    let question = fields.question.trim().to_string();
    if question.is_empty() {
        errors.push(FieldError::new("vraag", "Vraag: vul de vraag in.".into()));
    } else if let Some(error) = text_error("vraag", "Vraag", &question, "deze vraag") {
        errors.push(error);
    }

    // (slot, text) of every filled-in answer, slots counted from 1.
    let mut answers: Vec<(usize, String)> = Vec::new();
    for (index, text) in fields.answers.iter().enumerate().take(ANSWER_SLOTS) {
        let slot = index + 1;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let field = answer_field(slot);
        if let Some(error) = text_error(&field, &format!("Antwoord {slot}"), text, "dit antwoord") {
            errors.push(error);
        } else if let Some((first, _)) = answers
            .iter()
            .find(|(_, earlier)| earlier.to_lowercase() == text.to_lowercase())
        {
            errors.push(FieldError::new(
                &field,
                format!("Antwoord {slot}: dit antwoord staat er al, als antwoord {first}."),
            ));
        }
        answers.push((slot, text.to_string()));
    }
    if answers.len() < 2 {
        let slot = (1..=ANSWER_SLOTS)
            .find(|slot| {
                fields
                    .answers
                    .get(slot - 1)
                    .is_none_or(|a| a.trim().is_empty())
            })
            .unwrap_or(1);
        errors.push(FieldError::new(
            &answer_field(slot),
            format!("Antwoord {slot}: een poll heeft minstens twee antwoorden."),
        ));
    }
    let french = check_french(fields, &answers, &mut errors);

    let max_choices = if fields.multiple {
        let most = answers.len();
        match fields.max_choices.trim().parse::<usize>() {
            Ok(n) if (2..=most).contains(&n) => n as u8,
            _ => {
                if most >= 2 {
                    errors.push(FieldError::new(
                        "maximaal",
                        format!(
                            "Maximaal aantal antwoorden: kies een getal van 2 tot {most} (het aantal ingevulde antwoorden)."
                        ),
                    ));
                }
                1
            }
        }
    } else {
        1
    };

    // A moment sent as the form showed it stays as stored, to the second.
    let shown_opens = before.and_then(|before| before.shown.opens);
    let shown_closes = before.and_then(|before| before.shown.closes);
    let opens = if before.is_some() && fields.opens.trim() == input_value(shown_opens) {
        Ok(shown_opens)
    } else {
        moment_field(&fields.opens, "Opent", "opent")
            .map(|opens| Some(Moment::brussels_from_unix(opens.unwrap_or(now))))
    };
    let closes_kept = before.is_some() && fields.closes.trim() == input_value(shown_closes);
    let closes = if closes_kept {
        Ok(shown_closes)
    } else {
        moment_field(&fields.closes, "Sluit", "sluit")
            .map(|closes| closes.map(Moment::brussels_from_unix))
    };
    let opens = opens.unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    let closes = closes.unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    if let Some(closes) = closes {
        let opens_at = opens.map_or(now, |opens| opens.unix_seconds());
        // A closing moment shown by the edit form and sent back unchanged may lie in the past.
        let now = if closes_kept { None } else { Some(now) };
        if let Some(problem) = closing_problem(closes.unix_seconds(), Some(opens_at), now) {
            errors.push(FieldError::new(
                "sluit",
                format!("Sluit: {}.", problem.words()),
            ));
        }
    }

    let show_results = match ResultsVisibility::from_key(fields.visibility.trim()) {
        Some(ResultsVisibility::AfterClose)
            if closes.is_none() && !fields.closes.trim().is_empty() =>
        {
            // The closing moment itself was refused above; one message is enough.
            ResultsVisibility::AfterClose
        }
        Some(ResultsVisibility::AfterClose) if closes.is_none() => {
            errors.push(FieldError::new(
                "uitslag",
                "Resultaten tonen: „na het sluiten” kan alleen als de poll een moment heeft bij Sluit.".into(),
            ));
            ResultsVisibility::AfterClose
        }
        Some(visibility) => visibility,
        None => {
            errors.push(FieldError::new(
                "uitslag",
                "Resultaten tonen: kies wanneer lezers de uitslag zien.".into(),
            ));
            ResultsVisibility::AfterVote
        }
    };

    if !errors.is_empty() {
        // Each French field sits under its Dutch one, so its message does too.
        errors.sort_by_key(|error| form_position(&error.field));
        return Err(errors);
    }
    let keys = answer_keys(&answers, &fields.keys, before.map_or(&[][..], |b| &b.keys));
    let french = french.map(|(question, texts)| PollTranslation {
        question,
        labels: keys.iter().cloned().zip(texts).collect(),
    });
    let checked = CheckedPoll {
        question,
        options: answers
            .into_iter()
            .zip(keys)
            .map(|((_, label), key)| PollOption { key, label })
            .collect(),
        max_choices,
        opens,
        closes,
        show_results,
        french,
    };
    if let Some(problem) = checked.clone().with_id("", false).french_problem() {
        return Err(vec![french_refusal(problem, &checked.options)]);
    }
    Ok(checked)
}

/// The key of each answer: the key its slot carries when that is one of the poll's (`known`) and
/// no earlier slot claimed it, which keeps a reworded answer's votes with it; else one made from
/// its text, unique within the poll and never one of the poll's earlier keys.
fn answer_keys(answers: &[(usize, String)], carried: &[String], known: &[String]) -> Vec<String> {
    let mut kept: Vec<Option<String>> = Vec::with_capacity(answers.len());
    for (slot, _) in answers {
        let key = carried
            .get(slot - 1)
            .map(|key| key.trim())
            .unwrap_or_default();
        let claimed = kept.iter().flatten().any(|k| k == key);
        kept.push((known.iter().any(|k| k == key) && !claimed).then(|| key.to_string()));
    }
    let mut taken: Vec<String> = known.to_vec();
    taken.extend(kept.iter().flatten().cloned());
    answers
        .iter()
        .zip(kept)
        .map(|((_, text), kept)| {
            kept.unwrap_or_else(|| {
                let base = match identifier_from(text) {
                    base if base.is_empty() => "antwoord".to_string(),
                    base => base,
                };
                let key =
                    unique_identifier(&base, |candidate| taken.iter().any(|k| k == candidate));
                taken.push(key.clone());
                key
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2 March 2026, 9.00 in Brussels.
    const NOW: i64 = 1_772_438_400;

    fn fields(answers: &[&str]) -> PollFields {
        let mut fields = PollFields::empty();
        fields.question = "Vraag?".to_string();
        for (slot, answer) in answers.iter().enumerate() {
            fields.answers[slot] = answer.to_string();
        }
        fields
    }

    fn refused_fields(fields: &PollFields) -> Vec<String> {
        check(fields, NOW, None)
            .unwrap_err()
            .into_iter()
            .map(|error| error.field)
            .collect()
    }

    #[test]
    fn a_control_character_in_the_question_or_an_answer_is_refused_with_the_field_named() {
        let mut typed = fields(&["Ja", "Ne\u{0}e", "Weet niet"]);
        typed.question = "Vraag\u{1b}?".to_string();
        let errors = check(&typed, NOW, None).unwrap_err();
        let named: Vec<(&str, &str)> = errors
            .iter()
            .map(|error| (error.field.as_str(), error.message.as_str()))
            .collect();
        assert_eq!(named.len(), 2, "{named:?}");
        assert_eq!(named[0].0, "vraag");
        assert!(
            named[0]
                .1
                .starts_with("Vraag: de tekst bevat een onzichtbaar stuurteken")
        );
        assert_eq!(named[1].0, "antwoord2");
        assert!(named[1].1.starts_with("Antwoord 2: de tekst bevat"));
        // What only looks odd is text: a right-to-left override, a line separator, emoji.
        let mut odd = fields(&["\u{202e}aJ", "Nee\u{2028}", "👩🏽‍💻"]);
        odd.question = "Vraag {{ x }} <!-- ?".to_string();
        assert!(check(&odd, NOW, None).is_ok());
    }

    #[test]
    fn a_new_poll_opens_now_and_its_keys_come_from_its_answers() {
        let checked = check(&fields(&["Ja", "", " Één café ", "?!"]), NOW, None).unwrap();
        let keys: Vec<&str> = checked.options.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["ja", "een-cafe", "antwoord"]);
        assert_eq!(checked.options[1].label, "Één café");
        assert_eq!(checked.opens.map(|o| o.unix_seconds()), Some(NOW));
        assert_eq!(checked.closes, None);
        assert_eq!(checked.max_choices, 1);
    }

    #[test]
    fn answers_that_make_the_same_key_get_numbered_keys() {
        // Only the same text (whatever its case and outer spaces) is refused, not the same key.
        let checked = check(&fields(&["Ja!", "Ja?", "ja."]), NOW, None).unwrap();
        let keys: Vec<&str> = checked.options.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["ja", "ja-2", "ja-3"]);
        let checked = check(&fields(&["Ja, zeker", "Ja zeker!"]), NOW, None).unwrap();
        let keys: Vec<&str> = checked.options.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["ja-zeker", "ja-zeker-2"]);
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(refused_fields(&fields(&["Ja"])), ["antwoord2"]);
        assert_eq!(refused_fields(&fields(&["Ja", "JA "])), ["antwoord2"]);
        let mut multiple = fields(&["Ja", "Nee"]);
        multiple.multiple = true;
        multiple.max_choices = "3".into();
        assert_eq!(refused_fields(&multiple), ["maximaal"]);
        multiple.max_choices = "2".into();
        assert_eq!(check(&multiple, NOW, None).unwrap().max_choices, 2);
        let mut after_close = fields(&["Ja", "Nee"]);
        after_close.visibility = "after-close".into();
        assert_eq!(refused_fields(&after_close), ["uitslag"]);
        after_close.closes = "2026-03-09T09:00".into();
        assert!(check(&after_close, NOW, None).is_ok());
        let mut bad_moment = fields(&["Ja", "Nee"]);
        bad_moment.opens = "morgen".into();
        assert_eq!(refused_fields(&bad_moment), ["opent"]);
    }

    #[test]
    fn a_time_the_autumn_clock_shows_twice_or_the_spring_clock_skips_is_refused_naming_why() {
        let mut twice = fields(&["Ja", "Nee"]);
        twice.closes = "2027-10-31T02:30".into();
        assert_eq!(
            refusals(&twice),
            [(
                "sluit".to_string(),
                "Sluit: 31 oktober 2027 om 2.30 uur komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd. Kies een moment buiten het uur van 2.00 tot 3.00 uur."
                    .to_string()
            )]
        );
        let mut skipped = fields(&["Ja", "Nee"]);
        skipped.opens = "2027-03-28T02:30".into();
        assert_eq!(refused_fields(&skipped), ["opent"]);
        assert!(
            refusals(&skipped)[0]
                .1
                .starts_with("Opent: dit moment bestaat niet in Brussel")
        );
    }

    #[test]
    fn a_past_closing_moment_is_refused_as_past_and_one_before_a_later_opening_as_such() {
        let mut past = fields(&["Ja", "Nee"]);
        past.closes = "2026-03-01T09:00".into();
        assert_eq!(
            refusals(&past),
            [(
                "sluit".to_string(),
                "Sluit: dit moment is al voorbij; kies een moment in de toekomst.".to_string()
            )],
            "Opent empty: the poll opens now, but the moment is simply past"
        );
        let mut before_opening = fields(&["Ja", "Nee"]);
        before_opening.opens = "2026-03-10T09:00".into();
        before_opening.closes = "2026-03-09T09:00".into();
        assert_eq!(
            refusals(&before_opening),
            [(
                "sluit".to_string(),
                "Sluit: dit moment moet na het openen liggen.".to_string()
            )]
        );
    }

    #[test]
    fn an_edit_keeps_moments_shown_unchanged_to_the_second_and_its_carried_keys() {
        let mut stored = check(&fields(&["Ja", "Nee"]), NOW - 3600 + 37, None)
            .unwrap()
            .with_id("p", false);
        stored.closes = Some(Moment::brussels_from_unix(NOW - 60));
        let before = Before {
            shown: &stored,
            keys: vec!["ja".into(), "nee".into()],
        };
        let mut edit = PollFields::of_poll(&stored);
        edit.answers[1] = "Neen".into();
        edit.answers[2] = "Ja".into();
        edit.keys[2] = "ja".into();
        edit.answers[0] = "Misschien".into();
        let checked = check(&edit, NOW + 120, Some(&before)).unwrap();
        assert_eq!(checked.opens, stored.opens, "kept to the second");
        assert_eq!(
            checked.closes, stored.closes,
            "a past closing moment shown is kept"
        );
        let keys: Vec<&str> = checked.options.iter().map(|o| o.key.as_str()).collect();
        // Slot 1 keeps its key while reworded; a key carried twice stays with its first slot.
        assert_eq!(keys, ["ja", "nee", "ja-2"]);
    }

    /// `fields(answers)` with the French question and `french` answers, slot by slot.
    fn in_french(answers: &[&str], question: &str, french: &[&str]) -> PollFields {
        let mut typed = fields(answers);
        typed.french_question = question.to_string();
        for (slot, answer) in french.iter().enumerate() {
            typed.french_answers[slot] = answer.to_string();
        }
        typed
    }

    fn refusals(fields: &PollFields) -> Vec<(String, String)> {
        check(fields, NOW, None)
            .unwrap_err()
            .into_iter()
            .map(|error| (error.field, error.message))
            .collect()
    }

    #[test]
    fn a_poll_with_every_french_field_empty_has_no_french() {
        let checked = check(&in_french(&["Ja", "Nee"], "  ", &["", " "]), NOW, None).unwrap();
        assert_eq!(checked.french, None);
    }

    #[test]
    fn french_texts_go_with_the_keys_of_their_dutch_answers() {
        let typed = in_french(&["Ja", "", "Nee"], "Question ?", &[" Oui ", "", "Non"]);
        let poll = check(&typed, NOW, None).unwrap().with_id("p", false);
        let french = poll.french.clone().unwrap();
        assert_eq!(french.question, "Question ?");
        assert_eq!(
            french.labels.into_iter().collect::<Vec<_>>(),
            vec![
                ("ja".to_string(), "Oui".to_string()),
                ("nee".to_string(), "Non".to_string())
            ]
        );
        assert_eq!(poll.french_problem(), None);
    }

    #[test]
    fn french_answers_without_a_french_question_are_refused_at_the_french_question() {
        assert_eq!(
            refusals(&in_french(&["Ja", "Nee"], "", &["Oui", "Non"])),
            [(
                "vraag-fr".to_string(),
                "Vraag (Frans): vul de Franse vraag in, of laat alle Franse velden leeg."
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_filled_answer_without_its_french_text_is_refused_at_its_french_field() {
        assert_eq!(
            refusals(&in_french(&["Ja", "Nee", "Weet niet"], "Question ?", &["Oui"])),
            [
                (
                    "antwoord2-fr".to_string(),
                    "Antwoord 2 (Frans): vul de Franse tekst van antwoord 2 in, of laat alle Franse velden leeg."
                        .to_string()
                ),
                (
                    "antwoord3-fr".to_string(),
                    "Antwoord 3 (Frans): vul de Franse tekst van antwoord 3 in, of laat alle Franse velden leeg."
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_french_question_alone_asks_for_every_french_answer() {
        let fields: Vec<String> = refusals(&in_french(&["Ja", "Nee"], "Question ?", &[]))
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(fields, ["antwoord1-fr", "antwoord2-fr"]);
    }

    #[test]
    fn a_french_answer_where_there_is_no_dutch_answer_is_refused() {
        assert_eq!(
            refusals(&in_french(
                &["Ja", "Nee"],
                "Question ?",
                &["Oui", "Non", "Peut-être"]
            )),
            [(
                "antwoord3-fr".to_string(),
                "Antwoord 3 (Frans): er is geen antwoord 3 in het Nederlands; vul dat in, of laat dit Franse veld leeg."
                    .to_string()
            )]
        );
    }

    #[test]
    fn french_texts_follow_the_rules_of_their_dutch_fields() {
        let long = "Pourquoi ".repeat(25);
        let typed = in_french(
            &["Ja", "Nee", "Weet niet"],
            &long,
            &["Oui", "Non\u{1b}", "Je ne sais pas"],
        );
        let found = refusals(&typed);
        let fields: Vec<&str> = found.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(fields, ["vraag-fr", "antwoord2-fr"]);
        assert!(
            found[0]
                .1
                .starts_with("Vraag (Frans): ten hoogste 200 tekens")
        );
        assert!(found[1].1.starts_with("Antwoord 2 (Frans): de tekst bevat"));
        let twice = in_french(&["Ja", "Nee"], "Question ?", &["Oui", " oui"]);
        assert_eq!(
            refusals(&twice)[0].1,
            "Antwoord 2 (Frans): dit antwoord staat er al, als antwoord 1."
        );
    }

    #[test]
    fn refusals_are_listed_in_the_order_of_the_form_french_under_dutch() {
        let mut typed = in_french(&["Ja", "Nee"], "", &["Oui"]);
        typed.question = String::new();
        typed.visibility = "onbekend".into();
        let fields: Vec<String> = refusals(&typed)
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(fields, ["vraag", "vraag-fr", "antwoord2-fr", "uitslag"]);
    }

    #[test]
    fn an_edit_form_is_filled_in_with_the_french_texts_by_their_answers() {
        let stored = check(
            &in_french(&["Ja", "Nee"], "Question ?", &["Oui", "Non"]),
            NOW,
            None,
        )
        .unwrap()
        .with_id("p", false);
        let shown = PollFields::of_poll(&stored);
        assert_eq!(shown.french_question, "Question ?");
        assert_eq!(&shown.french_answers[..3], ["Oui", "Non", ""]);
        let before = Before {
            shown: &stored,
            keys: vec!["ja".into(), "nee".into()],
        };
        let again = check(&shown, NOW, Some(&before))
            .unwrap()
            .with_id("p", false);
        assert_eq!(again.french, stored.french);
    }

    #[test]
    fn the_polls_own_french_rule_is_a_refusal_at_the_field_it_names() {
        let options = vec![
            PollOption {
                key: "ja".into(),
                label: "Ja".into(),
            },
            PollOption {
                key: "nee".into(),
                label: "Nee".into(),
            },
        ];
        let missing = french_refusal(TranslationProblem::MissingLabel("nee".into()), &options);
        assert_eq!(missing.field, "antwoord2-fr");
        let empty = french_refusal(TranslationProblem::EmptyQuestion, &options);
        assert_eq!(empty.field, "vraag-fr");
        let unknown = french_refusal(TranslationProblem::UnknownKey("x".into()), &options);
        assert!(unknown.message.starts_with("Vraag (Frans): "));
    }
}
