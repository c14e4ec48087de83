//! One poll's desk page: its settings, its standing, its activity, its corrections and its log.

use super::*;
use crate::activity::{BURST_FACTOR, BURST_MIN_VOTES, Burst, SHOWN_HOURS};
use leptos::prelude::*;
use stembus_poll::language::Language;
use stembus_poll::moment::Moment;
use stembus_poll::{PollResults, ResultsVisibility};
use stembus_site::embed_code::{FRAME_HEIGHT, FRAME_WIDTH};
use stembus_site::escape_markup;
use stembus_store::desk::{AuditEntry, TimeWindow, VoidedWindow};

/// Where a poll comes from, as its desk page shows it.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A content file, by its name in the folder: question and answers are changed there.
    File { file: String },
    /// The desk: who made it and when, whether it is archived, and how to embed it.
    Desk {
        /// "gemaakt door an op …".
        created: String,
        /// "gearchiveerd door an op …" while off the site.
        archived: Option<String>,
        /// The embed in each language the poll speaks, Dutch first; none while it is archived.
        embeds: Vec<EmbedCode>,
    },
}

/// A desk-made poll's embed in one language, to copy.
#[derive(Debug, Clone)]
pub struct EmbedCode {
    pub language: Language,
    /// The question in that language, for the preview's title.
    pub question: String,
    /// The frame to copy, as oEmbed hands it out.
    pub iframe_html: String,
    /// The embed's address on this site (`/embed/{id}`, `/fr/embed/{id}`).
    pub path: String,
    /// The embed's full address.
    pub url: String,
}

/// The standing as a picture in one language, for the desk to show, download and hand out.
#[derive(Debug, Clone)]
pub struct PictureShare {
    pub language: Language,
    /// The picture's address on this site (`/api/polls/{id}/standing.png[?lang=fr-BE]`).
    pub path: String,
    /// What the picture shows, in words.
    pub alt: String,
    /// The name a download is saved under.
    pub file_name: String,
    /// The newsletter block to copy (see `poll_page::newsletter_html`).
    pub newsletter_html: String,
}

/// A poll's question and answers in French, in the order of its answers.
#[derive(Debug, Clone)]
pub struct FrenchTexts {
    pub question: String,
    pub answers: Vec<String>,
}

/// Where a setting of a poll comes from, as the desk says it.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The value in force, in words.
    pub value: String,
    /// `Some("gewijzigd op de redactie door an op …")` when the desk overrides the file.
    pub overridden: Option<String>,
    /// The content file's own value, in words.
    pub file_value: String,
}

/// A closing moment the "Sluitingsmoment" form sent and the desk refused, shown at the field.
#[derive(Debug, Clone)]
pub struct ClosesRefusal {
    /// What the editor typed, back in the field.
    pub typed: String,
    /// Why, in Dutch, starting with the field's label.
    pub message: String,
    /// For a time the autumn clock shows twice: each of the two moments that would pass, as its
    /// words and the value (with its offset) a button sends.
    pub choices: Vec<(String, String)>,
}

/// Everything a poll's desk page shows.
#[derive(Debug, Clone)]
pub struct PollDetail {
    pub poll_id: String,
    pub question: String,
    pub answers: Vec<String>,
    /// The question and answers in French, when the poll has them.
    pub french: Option<FrenchTexts>,
    pub origin: Origin,
    /// The title and address of the article that shows it (or names it, when archived).
    pub article: Option<(String, String)>,
    /// When it opens, in words.
    pub opens: String,
    pub max_choices: u8,
    pub state: &'static str,
    pub is_closed: bool,
    pub closes: Setting,
    /// The closing moment in force, for the field.
    pub closes_input: String,
    /// The closing moment just refused, when the page answers that refusal.
    pub closes_refused: Option<ClosesRefusal>,
    pub visibility: Setting,
    pub visibility_now: ResultsVisibility,
    pub results: Option<PollResults>,
    /// How often the poll was seen while open (`None`: could not be read).
    pub seen: Option<u64>,
    /// The standing as a picture in each language the poll speaks; none when it is archived.
    pub pictures: Vec<PictureShare>,
    pub chart_svg: String,
    /// The hours shown (Brussels time) with each answer's count.
    pub hours: Vec<(Moment, Vec<u64>)>,
    pub hours_cut: bool,
    pub median_minute: u64,
    pub bursts: Vec<Burst>,
    pub voided: Vec<VoidedWindow>,
    pub audit: Vec<AuditEntry>,
    /// The field values for a window to look at: now's minute.
    pub window_default: String,
}

/// How often the poll was seen and what share of those readers voted: "Gezien: 8 keer. 13 % van de
/// lezers die de vraag zagen, stemde." (an estimate: docs/redactie.md).
fn participation_words(results: Option<&PollResults>, seen: Option<u64>) -> String {
    let Some(seen) = seen else {
        return "Hoe vaak de poll gezien werd, kan nu even niet gelezen worden.".to_string();
    };
    let share = results
        .and_then(|results| stembus_poll::tally::participation(results.voters, seen))
        .map(|percent| format!(" {percent} % van de lezers die de vraag zagen, stemde."))
        .unwrap_or_default();
    format!("Gezien: {seen} keer (een schatting).{share}")
}

/// The question and answers: a list of the answers, or, for a poll that has them in French too, a
/// table with the Dutch and the French side by side.
#[component]
fn PollTexts(question: String, answers: Vec<String>, french: Option<FrenchTexts>) -> impl IntoView {
    let Some(french) = french else {
        let items = answers
            .into_iter()
            .map(|answer| view! { <li>{answer}</li> })
            .collect_view();
        return view! { <ul>{items}</ul> }.into_any();
    };
    let mut french_answers = french.answers.into_iter();
    let rows = answers
        .into_iter()
        .enumerate()
        .map(|(index, answer)| {
            let french_answer = french_answers.next().unwrap_or_default();
            view! {
                <tr>
                    <th scope="row">{format!("Antwoord {}", index + 1)}</th>
                    <td lang="nl-BE">{answer}</td>
                    <td lang="fr-BE">{french_answer}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="desk-table">
            <caption>"Vraag en antwoorden in het Nederlands en in het Frans"</caption>
            <thead>
                <tr>
                    <td></td>
                    <th scope="col">"Nederlands"</th>
                    <th scope="col">"Frans"</th>
                </tr>
            </thead>
            <tbody>
                <tr>
                    <th scope="row">"Vraag"</th>
                    <td lang="nl-BE">{question}</td>
                    <td lang="fr-BE">{french.question}</td>
                </tr>
                {rows}
            </tbody>
        </table>
    }
    .into_any()
}

/// `text` naming `language` where the page shows `several` languages' parts: "Voorbeeld (Frans)";
/// with one language the wording is as it always was.
fn named_in(text: &str, language: Language, several: bool) -> String {
    if !several {
        return text.to_string();
    }
    let name = match language {
        Language::Dutch => "Nederlands",
        Language::French => "Frans",
    };
    format!("{text} ({name})")
}

/// One language's embed: its address, the frame to copy and a preview. With one language the
/// wording is as it always was; with two each part names its language.
#[component]
fn EmbedSection(embed: EmbedCode, several: bool) -> impl IntoView {
    let EmbedCode {
        language,
        question,
        iframe_html,
        path,
        url,
    } = embed;
    // The Dutch code keeps the id it always had.
    let id = match language {
        Language::Dutch => "iframe-code",
        Language::French => "iframe-code-fr",
    };
    let tag = language.tag();
    let named = |text: &str| named_in(text, language, several);
    view! {
        <p>
            {named("Adres van de poll")} ": " <a href=path.clone() hreflang=tag>{url}</a>
        </p>
        <p>
            <label for=id>{named("Iframe-code om te kopiëren")}</label>
            // Leptos writes a textarea's text as it is; the browser decodes
            // entities there, so the frame is escaped once, here.
            <textarea
                id=id
                class="desk-iframe-code"
                readonly
                rows="4"
                inner_html=escape_markup(&iframe_html)
            ></textarea>
        </p>
        <h3>{named("Voorbeeld")}</h3>
        <iframe
            class="desk-preview"
            src=path
            title=format!("{}: {question}", named("Voorbeeld van de poll"))
            width=FRAME_WIDTH.to_string()
            height=FRAME_HEIGHT.to_string()
        ></iframe>
    }
}

/// The standing's picture in one language: the picture, its download and the newsletter block to
/// copy. With one language the wording names none; with two each part names its language.
#[component]
fn PictureSection(picture: PictureShare, several: bool) -> impl IntoView {
    let PictureShare {
        language,
        path,
        alt,
        file_name,
        newsletter_html,
    } = picture;
    let id = match language {
        Language::Dutch => "nieuwsbrief-code",
        Language::French => "nieuwsbrief-code-fr",
    };
    let named = |text: &str| named_in(text, language, several);
    view! {
        <figure class="desk-picture">
            <img src=path.clone() alt=alt width="600" height="315" lang=language.tag() />
            <figcaption>{named("De stand als afbeelding")}</figcaption>
        </figure>
        <p>
            <a href=path download=file_name>
                {named("Afbeelding downloaden")}
            </a>
            " (PNG, 1200 × 630 pixels)"
        </p>
        <p>
            <label for=id>{named("Blok voor een nieuwsbrief om te kopiëren")}</label>
            // Escaped once here, as the iframe code: the browser decodes entities in a textarea.
            <textarea
                id=id
                class="desk-iframe-code"
                readonly
                rows="6"
                inner_html=escape_markup(&newsletter_html)
            ></textarea>
        </p>
    }
}

#[component]
fn SettingLine(label: &'static str, setting: Setting, from_file: bool) -> impl IntoView {
    let source = match (setting.overridden, from_file) {
        (Some(note), true) => format!(
            " — {note}; dit gaat voor op het inhoudsbestand (daar: {}).",
            setting.file_value
        ),
        (Some(note), false) => format!(
            " — {note}; dit gaat voor op de instelling van de poll (daar: {}).",
            setting.file_value
        ),
        (None, true) => " — zoals in het inhoudsbestand.".to_string(),
        (None, false) => " — zoals ingesteld bij het aanmaken of bewerken.".to_string(),
    };
    view! {
        <p>
            <strong>{label}</strong>
            {format!(": {}{source}", setting.value)}
        </p>
    }
}

/// `/redactie/poll/{id}`: the standing, the hourly chart with its table, the actions, the bursts,
/// the voided windows and this poll's audit log.
#[component]
pub fn PollDeskPage(frame: Frame, detail: PollDetail) -> impl IntoView {
    let PollDetail {
        poll_id,
        question,
        answers,
        french,
        origin,
        article,
        opens,
        max_choices,
        state,
        is_closed,
        closes,
        closes_input,
        closes_refused,
        visibility,
        visibility_now,
        results,
        seen,
        pictures,
        chart_svg,
        hours,
        hours_cut,
        median_minute,
        bursts,
        voided,
        audit,
        window_default,
    } = detail;
    let base = format!("/redactie/poll/{poll_id}");
    let csrf = frame.csrf.clone();
    let answers = view! { <PollTexts question=question.clone() answers french /> };
    let open_or_close = if is_closed {
        view! {
            <form method="post" action=format!("{base}/heropenen")>
                <Csrf token=csrf.clone() />
                <button type="submit">"Heropenen (zonder einddatum)"</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <form method="post" action=format!("{base}/sluiten")>
                <Csrf token=csrf.clone() />
                <button type="submit">"Nu sluiten"</button>
            </form>
        }
        .into_any()
    };
    // A refused closing moment: the field shows what was typed, described by the message, with a
    // button for each moment a time the autumn clock shows twice may mean.
    let (closes_value, closes_message, closes_choices) = match closes_refused {
        None => (closes_input, None, None),
        Some(ClosesRefusal {
            typed,
            message,
            choices,
        }) => {
            let buttons = choices
                .into_iter()
                .map(|(words, value)| {
                    view! {
                        <form method="post" action=format!("{base}/sluitingsmoment")>
                            <Csrf token=csrf.clone() />
                            <input type="hidden" name="sluit" value=value />
                            <button type="submit">{format!("Sluiten op {words}")}</button>
                        </form>
                    }
                })
                .collect_view();
            let message = view! {
                <p id="sluit-fout" class="desk-error" role="alert">
                    {message}
                </p>
            };
            (typed, Some(message), Some(buttons))
        }
    };
    let closes_invalid = closes_message.as_ref().map(|_| "true");
    let closes_described = closes_message.as_ref().map(|_| "sluit-fout");
    let visibility_options = [
        ResultsVisibility::AfterVote,
        ResultsVisibility::Always,
        ResultsVisibility::AfterClose,
    ]
    .into_iter()
    .map(|option| {
        let key = option.key();
        view! {
            <option value=key selected=option == visibility_now>
                {visibility_words(option)}
            </option>
        }
    })
    .collect_view();
    let hour_rows = hours
        .into_iter()
        .map(|(hour, counts)| {
            let cells = counts
                .into_iter()
                .map(|count| view! { <td class="desk-number">{count}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{crate::activity::hour_label(hour.unix_seconds())}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let answer_headers = results.as_ref().map(|results| {
        results
            .rows
            .iter()
            .map(|row| view! { <th scope="col">{row.label.clone()}</th> })
            .collect_view()
    });
    let bursts_view = if bursts.is_empty() {
        view! { <p>"Geen minuten die opvallen."</p> }.into_any()
    } else {
        let items = bursts
            .into_iter()
            .map(|burst| {
                // The link carries the minute with its offset: in the hour the autumn clock shows
                // twice, the clock time alone would name the other one too.
                let href = crate::void::preview_href(
                    &poll_id,
                    TimeWindow {
                        from: burst.minute,
                        until: burst.minute + 60,
                    },
                );
                view! {
                    <li>
                        {format!("{}: {} stemmen ", when(burst.minute), burst.votes)}
                        <a href=href>"Bekijken en ongeldig verklaren"</a>
                    </li>
                }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    let voided_view = if voided.is_empty() {
        view! { <p>"Er zijn geen stemmen ongeldig verklaard."</p> }.into_any()
    } else {
        let rows = voided
            .into_iter()
            .map(|window| {
                let action = match &window.restored {
                    Some((by, at)) => format!("hersteld door {by} op {}", when(*at)).into_any(),
                    None => view! {
                        <form method="post" action=format!("{base}/herstellen")>
                            <Csrf token=csrf.clone() />
                            <input type="hidden" name="venster" value=window.id.to_string() />
                            <button type="submit">"Herstellen"</button>
                        </form>
                    }
                    .into_any(),
                };
                view! {
                    <tr>
                        <td>
                            {format!(
                                "{} tot {}{}",
                                when(window.window.from),
                                Moment::brussels_from_unix(window.window.until).clock_nl(),
                                crate::brussels::season_note(window.window.until),
                            )}
                        </td>
                        <td class="desk-number">{window.ballots}</td>
                        <td>{format!("{} op {}", window.voided_by, when(window.voided_at))}</td>
                        <td>{action}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="desk-table">
                <caption>"Ongeldig verklaarde vensters"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Venster"</th>
                        <th scope="col">"Stemmen"</th>
                        <th scope="col">"Ongeldig verklaard"</th>
                        <th scope="col">"Herstellen"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let chart_note = hours_cut.then(|| {
        view! {
            <p>
                {format!(
                    "De grafiek en de tabel tonen de laatste {} uur met stemmen; de export per uur bevat alle uren.",
                    SHOWN_HOURS,
                )}
            </p>
        }
    });
    let picture_view = if pictures.is_empty() {
        view! {
            <p>"De poll is gearchiveerd: er is geen afbeelding van de stand (het adres antwoordt 410)."</p>
        }
        .into_any()
    } else {
        let several = pictures.len() > 1;
        pictures
            .into_iter()
            .map(|picture| view! { <PictureSection picture several /> })
            .collect_view()
            .into_any()
    };
    let from_file = matches!(origin, Origin::File { .. });
    let placed = match article {
        Some((title, path)) => view! {
            "Bij het artikel "
            <a href=path>{title}</a>
            ". "
        }
        .into_any(),
        None => "Bij geen artikel: alleen als embed. ".into_any(),
    };
    let (source, embed) = match origin {
        Origin::File { file } => (
            view! {
                <p>
                    "Poll uit bestand " <code>{file}</code>
                    ": vraag en antwoorden staan in dat inhoudsbestand en worden daar gewijzigd."
                </p>
                {answers}
            }
            .into_any(),
            None,
        ),
        Origin::Desk {
            created,
            archived,
            embeds,
        } => {
            let archive = match archived {
                None => view! {
                    <form method="post" action=format!("{base}/archiveren")>
                        <Csrf token=csrf.clone() />
                        <button type="submit">"Archiveren"</button>
                        <span class="desk-hint">
                            " Haalt de poll van de site; de stemmen blijven bewaard en Terugzetten brengt hem terug."
                        </span>
                    </form>
                }
                .into_any(),
                Some(archived) => view! {
                    <p>
                        <strong>{format!("Gearchiveerd: {archived}.")}</strong>
                        " De poll staat niet op de site en neemt geen stemmen aan; de stemmen blijven bewaard."
                    </p>
                    <form method="post" action=format!("{base}/terugzetten")>
                        <Csrf token=csrf.clone() />
                        <button type="submit">"Terugzetten"</button>
                    </form>
                }
                .into_any(),
            };
            let edit = view! {
                <p>
                    <a href=format!("{base}/bewerken")>"Bewerken"</a>
                </p>
            };
            let several = embeds.len() > 1;
            let embeds = if embeds.is_empty() {
                view! {
                    <p>"De poll is gearchiveerd: er is geen iframe-code om te kopiëren (de embed antwoordt 410). Na Terugzetten staat ze hier weer."</p>
                }
                .into_any()
            } else {
                embeds
                    .into_iter()
                    .map(|embed| view! { <EmbedSection embed several /> })
                    .collect_view()
                    .into_any()
            };
            (
                view! {
                    <p>{format!("Poll van de redactie, {created}. Vraag en antwoorden:")}</p>
                    {answers}
                    <p>{format!("Opent: {opens}. Maximaal aantal antwoorden per lezer: {max_choices}.")}</p>
                    {edit}
                    {archive}
                }
                .into_any(),
                Some(view! {
                    <section aria-labelledby="insluiten-titel">
                        <h2 id="insluiten-titel">"Insluiten"</h2>
                        {embeds}
                    </section>
                }),
            )
        }
    };
    let own = if from_file {
        "het inhoudsbestand"
    } else {
        "de poll zelf"
    };
    view! {
        <DeskFrame frame title=question.clone()>
            <h1>{question.clone()}</h1>
            <p>{placed} "Toestand: " <strong>{state}</strong> "."</p>
            <section aria-labelledby="stand-titel">
                <h2 id="stand-titel">"Stand"</h2>
                <StandingTable
                    results=results.clone()
                    caption="De stand zoals de site die toont".to_string()
                />
                <p class="desk-participation">{participation_words(results.as_ref(), seen)}</p>
            </section>
            <section aria-labelledby="afbeelding-titel">
                <h2 id="afbeelding-titel">"De stand als afbeelding"</h2>
                <p>
                    "Voor sociale media en nieuwsbrieven: de vraag, de antwoorden en, waar de uitslag voor iedereen zichtbaar is, de cijfers; hoogstens tien seconden oud. Artikels en de embed tonen ze als voorbeeldafbeelding wanneer hun adres gedeeld wordt. Een link in het nieuwsbriefblok opent de poll met dat antwoord aangevinkt: de lezer stemt zelf met de knop."
                </p>
                {picture_view}
            </section>
            <section aria-labelledby="instellingen-titel">
                <h2 id="instellingen-titel">"Instellingen"</h2>
                {source}
                <SettingLine label="Sluit" setting=closes from_file />
                <SettingLine label="Uitslag zichtbaar" setting=visibility from_file />
                {open_or_close}
                <form method="post" action=format!("{base}/sluitingsmoment")>
                    <Csrf token=csrf.clone() />
                    <p>
                        <label for="sluit">"Sluitingsmoment (Brusselse tijd)"</label>
                        <input
                            id="sluit"
                            name="sluit"
                            type="datetime-local"
                            step="60"
                            value=closes_value
                            aria-invalid=closes_invalid
                            aria-describedby=closes_described
                        />
                        <button type="submit">"Sluitingsmoment instellen"</button>
                    </p>
                    {closes_message}
                </form>
                {closes_choices}
                <form method="post" action=format!("{base}/sluitingsmoment")>
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="bestand" value="1" />
                    <button type="submit">{format!("Sluitingsmoment van {own} gebruiken")}</button>
                </form>
                <form method="post" action=format!("{base}/uitslag")>
                    <Csrf token=csrf.clone() />
                    <p>
                        <label for="zichtbaarheid">"Wie ziet de uitslag"</label>
                        <select id="zichtbaarheid" name="zichtbaarheid">
                            {visibility_options}
                            <option value="bestand">{format!("zoals in {own}")}</option>
                        </select>
                        <button type="submit">"Zichtbaarheid instellen"</button>
                    </p>
                </form>
            </section>
            {embed}
            <section aria-labelledby="verloop-titel">
                <h2 id="verloop-titel">"Stemmen per uur"</h2>
                {chart_note}
                <div class="desk-chart-and-table">
                    <div class="desk-chart-box" inner_html=chart_svg></div>
                    <table class="desk-table">
                        <caption>"Stemmen per uur per antwoord (Brusselse tijd)"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Uur"</th>
                                {answer_headers}
                            </tr>
                        </thead>
                        <tbody>{hour_rows}</tbody>
                    </table>
                </div>
            </section>
            <section aria-labelledby="pieken-titel">
                <h2 id="pieken-titel">"Ongewone pieken"</h2>
                <p>
                    {format!(
                        "Een minuut valt op als ze meer dan {BURST_FACTOR} keer zoveel stemmen telt als de mediane minuut met stemmen van deze poll (nu {median_minute}) en minstens {BURST_MIN_VOTES} stemmen.",
                    )}
                </p>
                {bursts_view}
                <form method="get" action=format!("{base}/ongeldig")>
                    <fieldset>
                        <legend>"Een venster bekijken om ongeldig te verklaren"</legend>
                        <p>
                            <label for="van">"Van (minuut, Brusselse tijd)"</label>
                            <input id="van" name="van" type="datetime-local" step="60" required value=window_default.clone() />
                        </p>
                        <p>
                            <label for="tot">"Tot en met (minuut)"</label>
                            <input id="tot" name="tot" type="datetime-local" step="60" required value=window_default />
                        </p>
                        <button type="submit">"Voorbeeld bekijken"</button>
                    </fieldset>
                </form>
            </section>
            <section aria-labelledby="ongeldig-titel" id="ongeldig">
                <h2 id="ongeldig-titel">"Ongeldig verklaarde stemmen"</h2>
                <p>
                    "Ongeldig verklaarde stemmen blijven bewaard en tellen nergens mee; onder het artikel staat hoeveel het er zijn en waarom. Herstellen telt ze weer mee."
                </p>
                {voided_view}
            </section>
            <section aria-labelledby="export-titel">
                <h2 id="export-titel">"Exporteren"</h2>
                <p>
                    "CSV-bestanden voor Excel: UTF-8, velden gescheiden door een puntkomma."
                </p>
                <ul>
                    <li>
                        <a href=format!("{base}/export/totalen.csv")>"Stand (totalen)"</a>
                    </li>
                    <li>
                        <a href=format!("{base}/export/per-uur.csv")>"Stemmen per uur"</a>
                    </li>
                    <li>
                        <a href=format!("{base}/export/ongeldig.csv")>"Ongeldig verklaarde vensters"</a>
                    </li>
                </ul>
            </section>
            <section aria-labelledby="logboek-titel">
                <h2 id="logboek-titel">"Logboek van deze poll"</h2>
                <AuditTable entries=audit caption="Wat de redactie aan deze poll deed".to_string() with_poll=false />
            </section>
        </DeskFrame>
    }
}
