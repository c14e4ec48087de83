//! What voiding a window of votes would change, shown before the editor confirms.

use super::*;
use leptos::prelude::*;
use stembus_poll::PollResults;

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
    /// Why the editor sees the preview again: their confirmation voided nothing.
    pub notice: Option<String>,
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
    let notice = detail
        .notice
        .clone()
        .map(|notice| view! { <p class="desk-error" role="alert">{notice}</p> });
    let confirm = (detail.ballots > 0).then(|| {
        view! {
            <form method="post" action=format!("{base}/ongeldig")>
                <Csrf token=csrf.clone() />
                <input type="hidden" name="van" value=detail.van.clone() />
                <input type="hidden" name="tot" value=detail.tot.clone() />
                <input type="hidden" name="aantal" value=detail.ballots.to_string() />
                <button type="submit">
                    {format!("Deze {} stemmen ongeldig verklaren", detail.ballots)}
                </button>
            </form>
        }
    });
    view! {
        <DeskFrame frame title=format!("Voorbeeld: {}", detail.question)>
            <h1>"Stemmen ongeldig verklaren: voorbeeld"</h1>
            {notice}
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

/// A window typed with a time the autumn clock shows twice (between 2.00 and 3.00 on the last
/// Sunday of October): why it needs a choice, and each window it may mean as a link to its
/// preview. Nothing is previewed or voided until the editor chooses.
#[component]
pub fn WindowChoicePage(
    frame: Frame,
    poll_id: String,
    /// One Dutch sentence per field that needs a choice.
    why: Vec<String>,
    /// Each window the fields may mean: its words and its preview's address.
    choices: Vec<(String, String)>,
) -> impl IntoView {
    let why = why
        .into_iter()
        .map(|sentence| view! { <p class="desk-error" role="alert">{sentence}</p> })
        .collect_view();
    let choices = choices
        .into_iter()
        .map(|(words, href)| {
            view! {
                <li>
                    <a href=href>{format!("Het venster {words} bekijken")}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <DeskFrame frame title="Welk venster?".to_string()>
            <h1>"Welk venster bedoelt u?"</h1>
            {why}
            <p>"Kies het venster dat u wilt bekijken; er wordt nog niets ongeldig verklaard."</p>
            <ul>{choices}</ul>
            <p>
                <a href=format!("/redactie/poll/{poll_id}")>"Terug naar de poll, zonder iets te wijzigen"</a>
            </p>
        </DeskFrame>
    }
}
