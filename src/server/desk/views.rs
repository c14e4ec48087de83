//! The desk's pages as Leptos components, rendered on the server only: plain forms and tables, no
//! island, so every action works without JavaScript and with a screen reader.

use super::activity::{BURST_FACTOR, BURST_MIN_VOTES, Burst, SHOWN_HOURS};
use super::poll_list::{ListQuery, StateFilter};
use crate::app::PageTitle;
use crate::error::AppError;
use crate::moment::Moment;
use crate::poll::{PollResults, PollStatus, ResultsVisibility};
use crate::server::content::ContentProblem;
use crate::server::escape_markup;
use crate::server::store::desk::{AuditAction, AuditEntry, VoidedWindow};
use crate::server::web::embed::{FRAME_HEIGHT, FRAME_WIDTH};
use leptos::prelude::*;
use leptos_meta::Meta;

/// Who is signed in, and the token their forms carry.
#[derive(Debug, Clone)]
pub struct Frame {
    pub editor: String,
    pub csrf: String,
}

/// The hidden field with the session's form token.
#[component]
pub(super) fn Csrf(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=token /> }
}

/// Every signed-in desk page: the desk's navigation, who is signed in, sign-out, the page.
#[component]
pub(super) fn DeskFrame(frame: Frame, title: String, children: Children) -> impl IntoView {
    view! {
        <PageTitle text=format!("{title} | Redactie Stembus") />
        <Meta name="robots" content="noindex, nofollow" />
        <div class="desk">
            <nav class="desk-nav" aria-label="Redactie">
                <ul>
                    <li>
                        <a href="/redactie">"Polls"</a>
                    </li>
                    <li>
                        <a href="/redactie/logboek">"Logboek"</a>
                    </li>
                </ul>
                <form method="post" action="/redactie/afmelden" class="desk-signout">
                    <span>{format!("Aangemeld als {}", frame.editor)}</span>
                    <Csrf token=frame.csrf.clone() />
                    <button type="submit">"Afmelden"</button>
                </form>
            </nav>
            {children()}
        </div>
    }
}

/// The sign-in form, with the message of a refused attempt.
#[component]
pub fn SignInPage(error: Option<AppError>, name: String, form_token: String) -> impl IntoView {
    view! {
        <PageTitle text="Aanmelden | Redactie Stembus" />
        <Meta name="robots" content="noindex, nofollow" />
        <section class="desk desk-sign-in">
            <h1>"Aanmelden voor de redactie"</h1>
            {error
                .map(|error| {
                    view! {
                        <p class="desk-error" role="alert">
                            {error.message()}
                        </p>
                    }
                })}
            <form method="post" action="/redactie/aanmelden">
                <input type="hidden" name="formulier" value=form_token />
                <p>
                    <label for="naam">"Naam"</label>
                    <input
                        id="naam"
                        name="naam"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        value=name
                    />
                </p>
                <p>
                    <label for="wachtwoord">"Wachtwoord"</label>
                    <input
                        id="wachtwoord"
                        name="wachtwoord"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </p>
                <p>
                    <button type="submit">"Aanmelden"</button>
                </p>
            </form>
        </section>
    }
}

/// A refusal on a desk address, with the way back.
#[component]
pub fn DeskNotice(error: AppError) -> impl IntoView {
    crate::response_status::set(error.status_code());
    let (href, link) = match error {
        AppError::NotSignedIn | AppError::FormExpired | AppError::ForeignForm => {
            ("/redactie/aanmelden", "Naar het aanmelden")
        }
        _ => ("/redactie", "Naar de polls"),
    };
    view! {
        <PageTitle text="Redactie | Stembus" />
        <Meta name="robots" content="noindex, nofollow" />
        <section class="desk error-notice">
            <h1>"Dat lukte niet"</h1>
            <p>{error.message()}</p>
            <p>
                <a href=href>{link}</a>
            </p>
        </section>
    }
}

/// One poll in the desk's list.
#[derive(Debug, Clone)]
pub struct PollRow {
    pub poll_id: String,
    pub question: String,
    /// The title and address of the article that shows it; `None`: only its embed does.
    pub article: Option<(String, String)>,
    /// Where it comes from: "uit bestand …" or "gemaakt op de redactie".
    pub origin: String,
    /// "opent binnenkort", "open", "gesloten" or "gearchiveerd".
    pub state: &'static str,
    /// `None` when the figures could not be read.
    pub voters: Option<u64>,
    pub last_hour: Option<u64>,
}

fn figure(value: Option<u64>) -> String {
    value.map_or("onbekend".to_string(), |n| n.to_string())
}

/// One page of the desk's list: its polls, where they stand in the whole (`first` of `total`),
/// the page among `pages`, the addresses of the pages beside it, and what was asked.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub polls: Vec<PollRow>,
    /// The number of the page's first poll in the list, from 1.
    pub first: usize,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub query: ListQuery,
}

/// `/redactie`: one page of the polls, newest first, the search and filter that chose them, the
/// way to the pages beside it, and the content files that do not pass.
#[component]
pub fn PollListPage(frame: Frame, list: ListPage, problems: Vec<ContentProblem>) -> impl IntoView {
    let ListPage {
        polls,
        first,
        total,
        page,
        pages,
        previous,
        next,
        query,
    } = list;
    let shown = polls.len();
    let rows = polls
        .into_iter()
        .map(|row| {
            let desk_href = format!("/redactie/poll/{}", row.poll_id);
            let article = match row.article {
                Some((title, path)) => view! { <a href=path>{title}</a> }.into_any(),
                None => "alleen als embed".into_any(),
            };
            view! {
                <tr>
                    <th scope="row">
                        <a href=desk_href>{row.question}</a>
                        " "
                        <code class="desk-code">{row.poll_id}</code>
                    </th>
                    <td>{article}</td>
                    <td>{row.origin}</td>
                    <td>{row.state}</td>
                    <td class="desk-number">{figure(row.voters)}</td>
                    <td class="desk-number">{figure(row.last_hour)}</td>
                </tr>
            }
        })
        .collect_view();
    let problems = (!problems.is_empty()).then(|| {
        let items = problems
            .into_iter()
            .map(|problem| {
                view! {
                    <li>
                        <code>{problem.file}</code>
                        ": "
                        {problem.problem}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="desk-problems" aria-labelledby="problemen-titel">
                <h2 id="problemen-titel">"Inhoudsbestanden met fouten"</h2>
                <p>
                    "Deze bestanden zijn niet ingelezen; de site toont de laatste versie die wel in orde was (of het artikel niet, als er nooit een was)."
                </p>
                <ul>{items}</ul>
            </section>
        }
    });
    let filtered = !query.search.is_empty() || query.state != StateFilter::All;
    let chosen = match (query.search.is_empty(), query.state) {
        (true, StateFilter::All) => String::new(),
        (true, state) => format!(" met toestand “{}”", state.label().to_lowercase()),
        (false, StateFilter::All) => format!(" voor “{}”", query.search),
        (false, state) => format!(
            " voor “{}” met toestand “{}”",
            query.search,
            state.label().to_lowercase()
        ),
    };
    let caption = match total {
        0 => format!("Geen polls{chosen}"),
        1 => format!("1 poll{chosen}"),
        _ => format!(
            "Polls {} tot {} van {}{chosen}, nieuwste eerst",
            first,
            first + shown - 1,
            total
        ),
    };
    let table = (total > 0).then(|| {
        view! {
            <table class="desk-table">
                <caption>{caption.clone()}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Vraag"</th>
                        <th scope="col">"Artikel"</th>
                        <th scope="col">"Herkomst"</th>
                        <th scope="col">"Toestand"</th>
                        <th scope="col">"Lezers die stemden"</th>
                        <th scope="col">"Stemmen laatste uur"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let nothing = (total == 0).then(|| {
        view! {
            <p class="desk-empty">
                {format!("{caption}.")}
                {filtered
                    .then(|| {
                        view! {
                            " "
                            <a href=super::HOME>"Toon alle polls"</a>
                        }
                    })}
            </p>
        }
    });
    let paging = (pages > 1).then(|| {
        view! {
            <nav class="desk-pages" aria-label="Pagina's van de lijst">
                {previous.map(|href| view! { <a href=href rel="prev">"Vorige pagina"</a> })}
                <span>{format!("Pagina {page} van {pages}")}</span>
                {next.map(|href| view! { <a href=href rel="next">"Volgende pagina"</a> })}
            </nav>
        }
    });
    let options = StateFilter::ALL
        .into_iter()
        .map(|state| {
            view! {
                <option value=state.key() selected=state == query.state>
                    {state.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <DeskFrame frame title="Polls".to_string()>
            <h1>"Polls"</h1>
            <p>
                <a href=super::NEW_POLL class="desk-new-poll">
                    "Nieuwe poll"
                </a>
            </p>
            {problems}
            <form method="get" action=super::HOME class="desk-filter" role="search">
                <div class="desk-field">
                    <label for="zoeken">"Zoeken"</label>
                    <input
                        type="search"
                        id="zoeken"
                        name="zoeken"
                        value=query.search.clone()
                        maxlength="200"
                        aria-describedby="zoeken-uitleg"
                    />
                    <p id="zoeken-uitleg" class="desk-hint">"In de vraag of de code van een poll."</p>
                </div>
                <div class="desk-field">
                    <label for="toestand">"Toestand"</label>
                    <select id="toestand" name="toestand">
                        {options}
                    </select>
                </div>
                <button type="submit">"Toon polls"</button>
            </form>
            {nothing}
            {table}
            {paging}
        </DeskFrame>
    }
}

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
        /// The frame to copy, as oEmbed hands it out.
        iframe_html: String,
        /// The embed's full address.
        embed_url: String,
    },
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

/// Everything a poll's desk page shows.
#[derive(Debug, Clone)]
pub struct PollDetail {
    pub poll_id: String,
    pub question: String,
    pub answers: Vec<String>,
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
    pub visibility: Setting,
    pub visibility_now: ResultsVisibility,
    pub results: Option<PollResults>,
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

fn when(unix_seconds: i64) -> String {
    Moment::brussels_from_unix(unix_seconds).long_nl_with_time()
}

/// What a visibility means, in the desk's words.
pub fn visibility_words(visibility: ResultsVisibility) -> &'static str {
    match visibility {
        ResultsVisibility::AfterVote => "na het stemmen",
        ResultsVisibility::Always => "altijd, ook voor wie niet stemde",
        ResultsVisibility::AfterClose => "pas na het sluiten",
    }
}

/// A poll's state, in the desk's words.
pub fn state_words(status: PollStatus) -> &'static str {
    match status {
        PollStatus::NotYetOpen => "opent binnenkort",
        PollStatus::Open => "open",
        PollStatus::Closed => "gesloten",
    }
}

/// What the audit log calls an action, in the desk's words.
pub fn action_label(action: AuditAction) -> &'static str {
    match action {
        AuditAction::SignIn => "aangemeld",
        AuditAction::SignOut => "afgemeld",
        AuditAction::FailedSignIn => "mislukte aanmelding",
        AuditAction::Close => "poll gesloten",
        AuditAction::Reopen => "poll heropend",
        AuditAction::ClosingMoment => "sluitingsmoment gewijzigd",
        AuditAction::ResultsVisibility => "zichtbaarheid uitslag gewijzigd",
        AuditAction::Void => "stemmen ongeldig verklaard",
        AuditAction::Restore => "stemmen hersteld",
        AuditAction::Export => "export gedownload",
        AuditAction::EditorAdded => "redacteur toegevoegd",
        AuditAction::EditorRemoved => "redacteur verwijderd",
        AuditAction::PasswordChanged => "wachtwoord gewijzigd",
        AuditAction::VotersForgotten => "kiezerscodes verwijderd",
        AuditAction::PollCreated => "poll aangemaakt",
        AuditAction::PollEdited => "poll gewijzigd",
        AuditAction::Archived => "poll gearchiveerd",
        AuditAction::Unarchived => "poll teruggezet",
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

#[component]
fn StandingTable(results: Option<PollResults>, caption: String) -> impl IntoView {
    match results {
        None => view! { <p>"De stand kan nu even niet gelezen worden."</p> }.into_any(),
        Some(results) => {
            let rows = results
                .rows
                .into_iter()
                .map(|row| {
                    view! {
                        <tr>
                            <th scope="row">{row.label}</th>
                            <td class="desk-number">{row.votes}</td>
                            <td class="desk-number">{format!("{} %", row.percent)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="desk-table">
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Antwoord"</th>
                            <th scope="col">"Stemmen"</th>
                            <th scope="col">"Aandeel"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Lezers die stemden"</th>
                            <td class="desk-number">{results.voters}</td>
                            <td></td>
                        </tr>
                    </tfoot>
                </table>
            }
            .into_any()
        }
    }
}

#[component]
fn AuditTable(entries: Vec<AuditEntry>, caption: String, with_poll: bool) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p>"Nog niets in het logboek."</p> }.into_any();
    }
    let rows = entries
        .into_iter()
        .map(|entry| {
            let poll = with_poll.then(|| {
                let cell = match &entry.poll_id {
                    Some(id) => {
                        view! { <a href=format!("/redactie/poll/{id}")>{id.clone()}</a> }.into_any()
                    }
                    None => "—".into_any(),
                };
                view! { <td>{cell}</td> }
            });
            let at = Moment::brussels_from_unix(entry.at);
            view! {
                <tr>
                    <td>
                        <time datetime=at.to_string()>{at.long_nl_with_time()}</time>
                    </td>
                    <td>{entry.editor}</td>
                    <td>{action_label(entry.action)}</td>
                    {poll}
                    <td>{entry.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="desk-table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Wanneer"</th>
                    <th scope="col">"Wie"</th>
                    <th scope="col">"Wat"</th>
                    {with_poll.then(|| view! { <th scope="col">"Poll"</th> })}
                    <th scope="col">"Details"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// `/redactie/poll/{id}`: the standing, the hourly chart with its table, the actions, the bursts,
/// the voided windows and this poll's audit log.
#[component]
pub fn PollDeskPage(frame: Frame, detail: PollDetail) -> impl IntoView {
    let PollDetail {
        poll_id,
        question,
        answers,
        origin,
        article,
        opens,
        max_choices,
        state,
        is_closed,
        closes,
        closes_input,
        visibility,
        visibility_now,
        results,
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
    let answers = answers
        .into_iter()
        .map(|answer| view! { <li>{answer}</li> })
        .collect_view();
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
                    <th scope="row">{format!("{} {} u", hour.long_nl(), hour.clock_nl())}</th>
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
                let minute = Moment::brussels_from_unix(burst.minute);
                let value = minute.local_input_value();
                let href = format!("{base}/ongeldig?van={value}&tot={value}");
                view! {
                    <li>
                        {format!("{}: {} stemmen ", minute.long_nl_with_time(), burst.votes)}
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
                                "{} tot {}",
                                when(window.window.from),
                                Moment::brussels_from_unix(window.window.until).clock_nl(),
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
                <ul>{answers}</ul>
            }
            .into_any(),
            None,
        ),
        Origin::Desk {
            created,
            archived,
            iframe_html,
            embed_url,
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
            let embed_path = format!("/embed/{poll_id}");
            let preview_title = format!("Voorbeeld van de poll: {question}");
            (
                view! {
                    <p>{format!("Poll van de redactie, {created}. Vraag en antwoorden:")}</p>
                    <ul>{answers}</ul>
                    <p>{format!("Opent: {opens}. Maximaal aantal antwoorden per lezer: {max_choices}.")}</p>
                    {edit}
                    {archive}
                }
                .into_any(),
                Some(view! {
                    <section aria-labelledby="insluiten-titel">
                        <h2 id="insluiten-titel">"Insluiten"</h2>
                        <p>
                            "Adres van de poll: " <a href=embed_path.clone()>{embed_url}</a>
                        </p>
                        <p>
                            <label for="iframe-code">"Iframe-code om te kopiëren"</label>
                            // Leptos writes a textarea's text as it is; the browser decodes
                            // entities there, so the frame is escaped once, here.
                            <textarea
                                id="iframe-code"
                                class="desk-iframe-code"
                                readonly
                                rows="4"
                                inner_html=escape_markup(&iframe_html)
                            ></textarea>
                        </p>
                        <h3>"Voorbeeld"</h3>
                        <iframe
                            class="desk-preview"
                            src=embed_path
                            title=preview_title
                            width=FRAME_WIDTH.to_string()
                            height=FRAME_HEIGHT.to_string()
                        ></iframe>
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
                        <input id="sluit" name="sluit" type="datetime-local" step="60" value=closes_input />
                        <button type="submit">"Sluitingsmoment instellen"</button>
                    </p>
                </form>
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

/// A desk-made poll that is archived cannot be edited: put it back first.
#[component]
pub fn ArchivedNotice(frame: Frame, poll_id: String) -> impl IntoView {
    view! {
        <DeskFrame frame title="Gearchiveerde poll".to_string()>
            <h1>"Deze poll is gearchiveerd"</h1>
            <p class="desk-error" role="alert">
                "Een gearchiveerde poll kan niet bewerkt worden. Zet hem eerst terug op de site en bewerk hem dan."
            </p>
            <p>
                <a href=format!("/redactie/poll/{poll_id}")>"Terug naar de poll"</a>
            </p>
        </DeskFrame>
    }
}

/// What voiding a window would do, before the editor confirms.
#[derive(Debug, Clone)]
pub struct VoidPreviewDetail {
    pub poll_id: String,
    pub question: String,
    /// The window in words.
    pub window: String,
    pub van: String,
    pub tot: String,
    pub ballots: u64,
    pub before: Option<PollResults>,
    pub after: Option<PollResults>,
}

/// `/redactie/poll/{id}/ongeldig`: how many votes, per answer, and how the percentages move.
#[component]
pub fn VoidPreviewPage(frame: Frame, detail: VoidPreviewDetail) -> impl IntoView {
    let base = format!("/redactie/poll/{}", detail.poll_id);
    let csrf = frame.csrf.clone();
    let rows = match (&detail.before, &detail.after) {
        (Some(before), Some(after)) => before
            .rows
            .iter()
            .zip(&after.rows)
            .map(|(b, a)| {
                view! {
                    <tr>
                        <th scope="row">{b.label.clone()}</th>
                        <td class="desk-number">{b.votes - a.votes}</td>
                        <td class="desk-number">{format!("{} ({} %)", b.votes, b.percent)}</td>
                        <td class="desk-number">{format!("{} ({} %)", a.votes, a.percent)}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    let confirm = (detail.ballots > 0).then(|| {
        view! {
            <form method="post" action=format!("{base}/ongeldig")>
                <Csrf token=csrf.clone() />
                <input type="hidden" name="van" value=detail.van.clone() />
                <input type="hidden" name="tot" value=detail.tot.clone() />
                <button type="submit">
                    {format!("Deze {} stemmen ongeldig verklaren", detail.ballots)}
                </button>
            </form>
        }
    });
    view! {
        <DeskFrame frame title=format!("Voorbeeld: {}", detail.question)>
            <h1>"Stemmen ongeldig verklaren: voorbeeld"</h1>
            <p>{format!("Poll: {}", detail.question)}</p>
            <p>
                <strong>
                    {format!(
                        "In het venster {} brachten {} lezers een stem uit die nu meetelt.",
                        detail.window,
                        detail.ballots,
                    )}
                </strong>
            </p>
            <table class="desk-table">
                <caption>"Wat er verandert per antwoord"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Antwoord"</th>
                        <th scope="col">"Gaan eruit"</th>
                        <th scope="col">"Nu"</th>
                        <th scope="col">"Daarna"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p>
                "Ongeldig verklaarde stemmen blijven bewaard en kunnen hersteld worden. Onder het artikel staat daarna hoeveel stemmen niet meegeteld zijn en waarom."
            </p>
            {confirm}
            <p>
                <a href=base>"Terug naar de poll, zonder iets te wijzigen"</a>
            </p>
        </DeskFrame>
    }
}

/// `/redactie/logboek`: the whole audit log, newest first.
#[component]
pub fn AuditPage(frame: Frame, entries: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <DeskFrame frame title="Logboek".to_string()>
            <h1>"Logboek"</h1>
            <p>"Elke aanmelding en elke handeling van de redactie, de nieuwste eerst."</p>
            <AuditTable entries caption="Het logboek van de redactie".to_string() with_poll=true />
        </DeskFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_audit_action_has_its_own_dutch_label() {
        let labels: HashSet<&str> = AuditAction::ALL.into_iter().map(action_label).collect();
        assert_eq!(labels.len(), AuditAction::ALL.len());
        assert!(
            AuditAction::ALL
                .into_iter()
                .all(|action| action_label(action) != action.key()),
            "the desk shows words, not the store's keys"
        );
    }
}
