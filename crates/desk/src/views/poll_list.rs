//! The desk's list of polls: 50 a page, searched and filtered without JavaScript.

use super::*;
use crate::poll_list::{ListQuery, StateFilter};
use leptos::prelude::*;
use stembus_content::ContentProblem;

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
    /// How often the poll was seen while open (`None`: could not be read).
    pub seen: Option<u64>,
}

/// The share of the readers who saw the question that voted: "12 %", or "–" when nothing was seen.
fn participation_cell(voters: Option<u64>, seen: Option<u64>) -> String {
    match (voters, seen) {
        (Some(voters), Some(seen)) => stembus_poll::tally::participation(voters, seen)
            .map_or("–".to_string(), |percent| format!("{percent} %")),
        _ => "onbekend".to_string(),
    }
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
                    <td class="desk-number">{figure(row.seen)}</td>
                    <td class="desk-number">{figure(row.voters)}</td>
                    <td class="desk-number">{participation_cell(row.voters, row.seen)}</td>
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
                    "De site toont deze bestanden niet zoals bedoeld. Een bestand met een fout is niet ingelezen: de site toont de laatste versie die wel in orde was (of het artikel niet, als er nooit een was). Een artikel dat een poll noemt zonder teksten in zijn taal, toont geen poll."
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
                        <th scope="col">"Gezien"</th>
                        <th scope="col">"Lezers die stemden"</th>
                        <th scope="col">"Deelname"</th>
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
                            <a href=crate::HOME>"Toon alle polls"</a>
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
                <a href=crate::NEW_POLL class="desk-new-poll">
                    "Nieuwe poll"
                </a>
            </p>
            {problems}
            <form method="get" action=crate::HOME class="desk-filter" role="search">
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
