//! What readers read, in Dutch and in French: the message files under `locales/` (Project Fluent,
//! through `fluent-bundle`), and numbers and dates as each language writes them.
//!
//! Fluent rather than `leptos_i18n` or `fluent-templates`: the messages are only ever rendered on
//! the server (the island's WASM carries no words; it gets them rendered in the page and in the
//! server's answers), so nothing here needs to compile for the browser, and `fluent-bundle` alone
//! gives the message syntax translators know and CLDR's plural rules without a global loader:
//! the bundles are built once at start-up and handed down as state (`Messages`, `Words`).
//!
//! Numbers are formatted here, not by Fluent: fluent-rs's `NUMBER()` writes digits without the
//! language's grouping (projectfluent/fluent-rs#164, no `Intl.NumberFormat` in Rust). A message
//! takes the number twice: `$n` for the plural and `$count` as the language writes it.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::Arc;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_poll::moment::{DoubledHour, Moment};

/// Every message file, per language: the same names in each, the same ids in each file's twin.
const FILES: [(Language, &[(&str, &str)]); 2] = [
    (
        Language::Dutch,
        &[
            ("reader.ftl", include_str!("../locales/nl-BE/reader.ftl")),
            ("privacy.ftl", include_str!("../locales/nl-BE/privacy.ftl")),
        ],
    ),
    (
        Language::French,
        &[
            ("reader.ftl", include_str!("../locales/fr-BE/reader.ftl")),
            ("privacy.ftl", include_str!("../locales/fr-BE/privacy.ftl")),
        ],
    ),
];

/// The message files of every language, parsed once.
pub struct Messages {
    bundles: Vec<(Language, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Messages")
    }
}

/// A message file that does not parse, or an id given twice: a fault of the build, said at
/// start-up.
#[derive(Debug, thiserror::Error)]
#[error("the message file {language}/{file} is not valid Fluent: {problem}")]
pub struct MessagesError {
    language: &'static str,
    file: &'static str,
    problem: String,
}

impl Messages {
    /// Parses the message files compiled into the binary.
    pub fn load() -> Result<Arc<Messages>, MessagesError> {
        let mut bundles = Vec::new();
        for (language, files) in FILES {
            let tag = language
                .tag()
                .parse()
                .expect("the languages' tags are valid BCP 47");
            let mut bundle = FluentBundle::new_concurrent(vec![tag]);
            // Fluent wraps every placeable in bidirectional isolation marks by default; both
            // languages run left to right, and the marks would land in titles, counts and
            // attributes.
            bundle.set_use_isolating(false);
            for (file, text) in files {
                let problem = |problem: String| MessagesError {
                    language: language.tag(),
                    file,
                    problem,
                };
                let resource = FluentResource::try_new(text.to_string())
                    .map_err(|(_, errors)| problem(format!("{errors:?}")))?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| problem(format!("{errors:?}")))?;
            }
            bundles.push((language, bundle));
        }
        Ok(Arc::new(Messages { bundles }))
    }

    /// The words of `language`.
    pub fn words(self: &Arc<Self>, language: Language) -> Words {
        Words {
            messages: self.clone(),
            language,
        }
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        self.bundles
            .iter()
            .find(|(bundle_language, _)| *bundle_language == language)
            .map(|(_, bundle)| bundle)
            .unwrap_or(&self.bundles[0].1)
    }
}

/// A value a message takes: a text, or a whole number (for its plural).
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(u64),
}

/// What a page, a card or an answer says in one language: the messages, numbers and dates of
/// `language`. Cheap to clone; handed to Leptos views by context.
#[derive(Debug, Clone)]
pub struct Words {
    messages: Arc<Messages>,
    language: Language,
}

impl Words {
    pub fn language(&self) -> Language {
        self.language
    }

    /// The same messages in `language`.
    pub fn in_language(&self, language: Language) -> Words {
        Words {
            messages: self.messages.clone(),
            language,
        }
    }

    /// The message `id`, which takes no values.
    pub fn text(&self, id: &str) -> String {
        self.with(id, &[])
    }

    /// The message `id` with its values. An id missing from the files (which the tests rule out)
    /// is written as itself rather than failing the page.
    pub fn with(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let bundle = self.messages.bundle(self.language);
        let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
            return id.to_string();
        };
        let mut values = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => values.set(*name, FluentValue::from(*text)),
                Arg::Number(number) => values.set(*name, FluentValue::from(*number)),
            }
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&values), &mut errors)
            .into_owned()
    }

    /// The message `id` about `n` of something: `$n` chooses the plural, `$count` is `n` as the
    /// language writes it.
    pub fn counted(&self, id: &str, n: u64) -> String {
        let count = self.count(n);
        self.with(id, &[("n", Arg::Number(n)), ("count", Arg::Text(&count))])
    }

    /// A whole number as the language writes it: "1.234.567" in Dutch, "1 234 567" in French
    /// (a narrow no-break space, as CLDR has it for fr-BE).
    pub fn count(&self, n: u64) -> String {
        let separator = match self.language {
            Language::Dutch => '.',
            Language::French => '\u{202f}',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(digit);
        }
        out
    }

    /// A share in whole percent: "58%", "58 %".
    pub fn percent(&self, percent: u8) -> String {
        let value = self.count(u64::from(percent));
        self.with("percent", &[("value", Arg::Text(&value))])
    }

    /// How many votes an answer has: "1 stem", "12 stemmen", "0 vote", "12 votes".
    pub fn votes(&self, votes: u64) -> String {
        self.counted("poll-votes", votes)
    }

    /// An answer's figures as the standing shows them: "58% · 7 stemmen".
    pub fn figures(&self, percent: u8, votes: u64) -> String {
        let (percent, votes) = (self.percent(percent), self.votes(votes));
        self.with(
            "poll-figures",
            &[
                ("percent", Arg::Text(&percent)),
                ("votes", Arg::Text(&votes)),
            ],
        )
    }

    /// The standing's count of voters: "1.234 lezers stemden.", "Personne n’a encore voté."
    pub fn voters(&self, voters: u64) -> String {
        self.counted("poll-voters", voters)
    }

    /// The transparency box's count of voters: "so far" while the poll runs, "in all" once it has
    /// closed; `None` when the figures cannot be read just now.
    pub fn facts_voters(&self, voters: Option<u64>, closed: bool) -> String {
        match voters {
            Some(voters) if closed => self.counted("facts-voters-closed", voters),
            Some(voters) => self.counted("facts-voters", voters),
            None => self.text("facts-voters-unavailable"),
        }
    }

    /// What a reader reads of `error`.
    pub fn error(&self, error: AppError) -> String {
        self.text(&error_id(error))
    }

    /// The date as the language writes it: "27 januari 2025", "27 janvier 2025" (but "1er
    /// janvier 2025"), or the month alone ("januari 2025") for a moment known to the month.
    pub fn date(&self, moment: &Moment) -> String {
        let (year, month, day, _) = moment.calendar();
        let month = self.text(&format!("month-{month}"));
        let year = year.to_string();
        match day {
            // A number, not a text: a language may choose a variant by it ("1er juillet").
            Some(day) => self.with(
                "date-day",
                &[
                    ("day", Arg::Number(u64::from(day))),
                    ("month", Arg::Text(&month)),
                    ("year", Arg::Text(&year)),
                ],
            ),
            None => self.with(
                "date-month",
                &[("month", Arg::Text(&month)), ("year", Arg::Text(&year))],
            ),
        }
    }

    /// The date and, when known, the time: "27 januari 2025 om 18.05 uur", "27 janvier 2025 à
    /// 18 h 05".
    pub fn date_time(&self, moment: &Moment) -> String {
        self.with_clock(moment, self.date(moment))
    }

    /// The day and month without the year, with the time when known: "27 januari om 18.05 uur".
    pub fn day_month_time(&self, moment: &Moment) -> String {
        self.with_clock(moment, self.day_month(moment))
    }

    /// The day and month without the year: "27 januari", "27 janvier".
    pub fn day_month(&self, moment: &Moment) -> String {
        let (_, month, day, _) = moment.calendar();
        let month = self.text(&format!("month-{month}"));
        match day {
            Some(day) => self.with(
                "date-day-month",
                &[
                    ("day", Arg::Number(u64::from(day))),
                    ("month", Arg::Text(&month)),
                ],
            ),
            None => month,
        }
    }

    /// The time of day: "18.05", "18 h 05"; empty for a moment without a time.
    pub fn clock(&self, moment: &Moment) -> String {
        let (_, _, _, clock) = moment.calendar();
        clock.map_or_else(String::new, |(hour, minute)| {
            self.with(
                "clock",
                &[
                    ("hour", Arg::Text(&hour.to_string())),
                    ("minute", Arg::Text(&format!("{minute:02}"))),
                ],
            )
        })
    }

    /// `date` followed by the moment's time, when it has one, and in the hour the autumn clock
    /// shows twice which of the two it is: "31 oktober om 2.30 uur (wintertijd)".
    fn with_clock(&self, moment: &Moment, date: String) -> String {
        let clock = self.clock(moment);
        if clock.is_empty() {
            return date;
        }
        let written = self.with(
            "date-with-time",
            &[("date", Arg::Text(&date)), ("clock", Arg::Text(&clock))],
        );
        let season = match moment.doubled_hour() {
            Some(DoubledHour::SummerTime) => "time-summer",
            Some(DoubledHour::WinterTime) => "time-winter",
            None => return written,
        };
        self.with(
            "time-in-season",
            &[
                ("time", Arg::Text(&written)),
                ("season", Arg::Text(&self.text(season))),
            ],
        )
    }

    /// Whether the moment is known to the day (`day`) or only to the month (`month`): what a
    /// message's preposition depends on ("op 27 januari", "in januari").
    pub fn precision(moment: &Moment) -> &'static str {
        match moment.calendar().2 {
            Some(_) => "day",
            None => "month",
        }
    }
}

/// The message id of `error`: `error-` and its variant in kebab case (`error-too-many-choices`).
fn error_id(error: AppError) -> String {
    let mut id = String::from("error");
    for c in format!("{error:?}").chars() {
        if c.is_ascii_uppercase() {
            id.push('-');
        }
        id.push(c.to_ascii_lowercase());
    }
    id
}

#[cfg(test)]
mod tests;
