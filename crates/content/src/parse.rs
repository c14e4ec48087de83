//! One content file from text to a checked `Article`: the front matter, its fields' rules and the
//! article's derived facts (description, reading time).

use super::identifier::is_identifier;
use super::markdown::{image_from_elsewhere, is_elsewhere, render_markdown};
use crate::article::{Article, LeadImage};
use serde::Deserialize;
use std::collections::HashSet;
use stembus_poll::language::{Language, TranslationProblem};
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, ResultsVisibility};

/// The front matter as an editor writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    slug: String,
    title: String,
    lead: String,
    /// Defaults to the lead, shortened.
    description: Option<String>,
    author: String,
    source: String,
    published: String,
    updated: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    image: Option<LeadImage>,
    /// The article's language: `nl-BE` (the default) or `fr-BE`.
    lang: Option<String>,
    poll: Option<PollField>,
}

/// The front matter's `poll`: a table defines the article's own poll; a string (`poll = "id"`)
/// names a poll defined elsewhere, made in the desk or another article's in the other language,
/// which the article shows once it is on the site.
#[derive(Debug)]
enum PollField {
    Inline(PollDefinition),
    MadeInDesk(String),
}

impl<'de> Deserialize<'de> for PollField {
    // By hand rather than `#[serde(untagged)]`: untagged would swallow the table's own errors
    // (an unknown field, a bad value) into "did not match any variant", and toml's message quotes
    // the offending line only when the error comes from the table itself.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> serde::de::Visitor<'de> for FieldVisitor {
            type Value = PollField;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a poll table, or the id of a poll made in the desk")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<PollField, E> {
                Ok(PollField::MadeInDesk(id.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PollField, A::Error> {
                PollDefinition::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(PollField::Inline)
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

/// Reading speed used for the reading time, in words per minute.
const WORDS_PER_MINUTE: usize = 200;
/// Search engines show about this many characters of a description.
const DESCRIPTION_LENGTH: usize = 160;

/// Parses one content file; the error names the field at fault.
pub fn parse_article(text: &str) -> Result<Article, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A file saved on Windows (Notepad, git's `autocrlf`) ends its lines with CR LF; TOML refuses
    // the lone CR the front matter's slice would end with, so the lines are read as LF throughout.
    let unix_lines;
    let text = if text.contains('\r') {
        unix_lines = text.replace("\r\n", "\n");
        unix_lines.as_str()
    } else {
        text
    };
    let rest = text
        .strip_prefix("+++\n")
        .ok_or("must start with a `+++` line opening the front matter")?;
    let end = rest
        .find("\n+++")
        .ok_or("the front matter is not closed by a `+++` line")?;
    // The full message quotes the offending line, so it names the field even for a bad value.
    // TOML counts lines from the text it is given; the empty line stands for the opening `+++`,
    // so the line it names is the file's own.
    let front: FrontMatter = toml::from_str(&format!("\n{}", &rest[..end])).map_err(|error| {
        let quoted = error
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // A moment written without quotes is TOML's own date, which reaches us as a map.
        let hint = if quoted.contains("invalid type: map, expected a string") {
            " (a moment is written in quotes: opens = \"2025-01-27T18:00:00+01:00\")"
        } else {
            ""
        };
        format!("front matter: {quoted}{hint}")
    })?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    if body.trim().is_empty() {
        return Err("the body after the front matter is empty".to_string());
    }
    // The page allows pictures from the site itself only (`img-src 'self' data:`): a browser
    // would leave a picture from elsewhere out, so the editor hears of it now.
    if let Some(address) = image_from_elsewhere(body) {
        return Err(format!(
            "the body shows the picture `{address}` from another site, which the page's security policy does not let a browser show: put it on this site, like /afbeeldingen/foto.jpg"
        ));
    }

    // In Brussels time, as the poll's moments are: the article's date is the one its readers'
    // calendar shows, whatever offset the file wrote it in.
    let moment = |field: &str, value: &str| {
        Moment::parse(value)
            .map(Moment::in_brussels)
            .map_err(|error| format!("field `{field}`: {error}"))
    };
    let published = moment("published", &front.published)?;
    let updated = front
        .updated
        .as_deref()
        .map(|value| moment("updated", value))
        .transpose()?;
    if updated.is_some_and(|updated| updated < published) {
        return Err("field `updated` lies before `published`".to_string());
    }
    for (field, value) in [
        ("title", &front.title),
        ("lead", &front.lead),
        ("author", &front.author),
        ("source", &front.source),
    ] {
        if value.trim().is_empty() {
            return Err(format!("field `{field}` must not be empty"));
        }
    }
    check_identifier("slug", &front.slug)?;
    for (field, value) in [
        ("title", &front.title),
        ("lead", &front.lead),
        ("author", &front.author),
        ("source", &front.source),
    ] {
        check_text(field, value)?;
    }
    if let Some(description) = &front.description {
        check_text("description", description)?;
    }
    for tag in &front.tags {
        check_text("tags", tag)?;
        if tag.trim().is_empty() || tag.chars().count() > 40 {
            return Err(format!("field `tags`: `{tag}` must be 1 to 40 characters"));
        }
    }
    if let Some(image) = &front.image {
        check_image(image)?;
    }
    let language = match front.lang.as_deref() {
        None => Language::Dutch,
        Some(tag) => Language::from_tag(tag).ok_or_else(|| {
            format!("field `lang`: `{tag}` is not a language of the site (nl-BE or fr-BE)")
        })?,
    };
    let (poll, desk_poll) = match front.poll {
        None => (None, None),
        Some(PollField::Inline(poll)) => {
            check_poll(&poll)?;
            if language == Language::French && poll.french.is_none() {
                return Err(
                    "table `poll.fr-BE` is missing: a French article's poll needs its question and answers in French"
                        .to_string(),
                );
            }
            (Some(in_brussels_time(poll)), None)
        }
        Some(PollField::MadeInDesk(id)) => {
            check_identifier("poll", &id)?;
            (None, Some(id))
        }
    };
    let description = match front.description {
        Some(description) if description.trim().is_empty() => {
            return Err("field `description` must not be empty when given".to_string());
        }
        Some(description) => description,
        None => shorten(&front.lead, DESCRIPTION_LENGTH),
    };
    let words = front.lead.split_whitespace().count() + body.split_whitespace().count();
    Ok(Article {
        slug: front.slug,
        title: front.title,
        lead: front.lead,
        description,
        author: front.author,
        source: front.source,
        published,
        updated,
        tags: front.tags,
        image: front.image,
        body_html: render_markdown(body),
        reading_minutes: words.div_ceil(WORDS_PER_MINUTE).max(1) as u32,
        language,
        poll,
        desk_poll,
    })
}

/// Cuts `text` at a word boundary so that it fits in `limit` characters, ending with an ellipsis.
pub(super) fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > limit {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

fn check_image(image: &LeadImage) -> Result<(), String> {
    if !image.path.starts_with('/')
        || is_elsewhere(&image.path)
        || image.path.contains("..")
        || image.path.contains(char::is_whitespace)
    {
        return Err(
            "field `image.path` must be a path on this site, like /afbeeldingen/foto.jpg"
                .to_string(),
        );
    }
    check_text("image.alt", &image.alt)?;
    check_text("image.credit", &image.credit)?;
    if image.alt.trim().is_empty() {
        return Err("field `image.alt` must describe the picture".to_string());
    }
    if image.credit.trim().is_empty() {
        return Err("field `image.credit` must not be empty".to_string());
    }
    if image.width == 0 || image.height == 0 {
        return Err(
            "fields `image.width` and `image.height` must be the picture's size in pixels"
                .to_string(),
        );
    }
    Ok(())
}

/// `poll` with its opening and closing as Brussels clock times, whatever offset the file wrote them
/// in: the same instants, but a page, the picture and the desk show a moment as its clock reads,
/// so `2025-07-01T18:00:00+01:00` (winter's offset copied into a summer date) must read 19.00, the
/// time Brussels votes close, not 18.00.
fn in_brussels_time(poll: PollDefinition) -> PollDefinition {
    PollDefinition {
        opens: poll.opens.map(Moment::in_brussels),
        closes: poll.closes.map(Moment::in_brussels),
        ..poll
    }
}

fn check_poll(poll: &PollDefinition) -> Result<(), String> {
    check_identifier("poll.id", &poll.id)?;
    if poll.question.trim().is_empty() {
        return Err("field `poll.question` must not be empty".to_string());
    }
    check_text("poll.question", &poll.question)?;
    for option in &poll.options {
        check_text("poll.options.label", &option.label)?;
    }
    if poll.options.len() < 2 {
        return Err("field `poll.options` needs at least two answers".to_string());
    }
    let mut keys = HashSet::new();
    for option in &poll.options {
        check_identifier("poll.options.key", &option.key)?;
        if option.label.trim().is_empty() {
            return Err(format!(
                "field `poll.options.label` of `{}` must not be empty",
                option.key
            ));
        }
        if !keys.insert(option.key.as_str()) {
            return Err(format!(
                "field `poll.options.key`: `{}` appears twice",
                option.key
            ));
        }
    }
    let labels = poll
        .options
        .iter()
        .map(|option| (option.key.as_str(), option.label.as_str()));
    check_distinct_labels("poll.options.label", labels)?;
    if poll.max_choices == 0 || usize::from(poll.max_choices) > poll.options.len() {
        return Err(format!(
            "field `poll.max_choices` must be between 1 and the number of answers ({})",
            poll.options.len()
        ));
    }
    if poll.show_results == ResultsVisibility::AfterClose && poll.closes.is_none() {
        return Err(
            "field `poll.show_results`: \"after-close\" needs `poll.closes`, or the results never show"
                .to_string(),
        );
    }
    for (field, moment) in [("poll.opens", poll.opens), ("poll.closes", poll.closes)] {
        if moment.is_some_and(|moment| !moment.has_time()) {
            return Err(format!(
                "field `{field}` needs a time with its offset, like 2025-01-27T18:00:00+01:00"
            ));
        }
    }
    if let (Some(opens), Some(closes)) = (poll.opens, poll.closes)
        && closes <= opens
    {
        return Err("field `poll.closes` must come after `poll.opens`".to_string());
    }
    if let Some(french) = &poll.french {
        check_text("poll.fr-BE.question", &french.question)?;
        for label in french.labels.values() {
            check_text("poll.fr-BE.labels", label)?;
        }
    }
    match poll.french_problem() {
        None => match &poll.french {
            // In the poll's order, so the message names the keys as the file lists them.
            Some(french) => check_distinct_labels(
                "poll.fr-BE.labels",
                poll.options.iter().filter_map(|option| {
                    let label = french.labels.get(&option.key)?;
                    Some((option.key.as_str(), label.as_str()))
                }),
            ),
            None => Ok(()),
        },
        Some(TranslationProblem::EmptyQuestion) => {
            Err("field `poll.fr-BE.question` must not be empty".to_string())
        }
        Some(TranslationProblem::MissingLabel(key)) => Err(format!(
            "field `poll.fr-BE.labels`: the answer `{key}` needs its French label"
        )),
        Some(TranslationProblem::UnknownKey(key)) => Err(format!(
            "field `poll.fr-BE.labels`: `{key}` is not an answer key of the poll"
        )),
    }
}

/// Two answers a reader cannot tell apart split the votes of one meaning, and the standing and
/// the export show two bars under one name: every label (`(key, label)`, in the poll's order)
/// must differ from the others, ignoring case and spacing. The error names both keys.
fn check_distinct_labels<'a>(
    field: &str,
    labels: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(), String> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (key, label) in labels {
        let spoken = label
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if let Some((_, first)) = seen.iter().find(|(other, _)| *other == spoken) {
            return Err(format!(
                "field `{field}`: the answers `{first}` and `{key}` have the same label `{}`",
                label.trim()
            ));
        }
        seen.push((spoken, key));
    }
    Ok(())
}

/// A text that reaches pages, feeds and exports holds no control character (a NUL, an escape):
/// XML cannot carry one at all, HTML parsers replace or flag it, and a reader never means one.
/// Tabs and line breaks pass; TOML's escapes are the only way to write the others anyway.
fn check_text(field: &str, value: &str) -> Result<(), String> {
    match value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some(c) => Err(format!(
            "field `{field}` holds the control character U+{:04X}, which no page can show",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// Identifiers end up in addresses and form fields: lower-case letters, digits and single dashes.
fn check_identifier(field: &str, value: &str) -> Result<(), String> {
    if is_identifier(value) {
        Ok(())
    } else {
        Err(format!(
            "field `{field}`: `{value}` must be lower-case letters and digits joined by single dashes"
        ))
    }
}
