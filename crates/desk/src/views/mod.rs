//! The desk's pages as Leptos components, rendered on the server only: plain forms and tables, no
//! island, so every action works without JavaScript and with a screen reader. A file per page;
//! here the frame every signed-in page shares, and the words and tables more than one page shows.

mod audit;
mod notice;
mod poll_list;
mod poll_page;
mod sign_in;
mod void_preview;

pub use audit::AuditPage;
pub use notice::{ArchivedNotice, DeskNotice, FormOnlyNotice, RestoredAlreadyNotice};
pub use poll_list::{ListPage, PollListPage, PollRow};
pub use poll_page::{
    ClosesRefusal, EmbedCode, FrenchTexts, Origin, PictureShare, PollDeskPage, PollDetail, Setting,
};
pub use sign_in::SignInPage;
pub use void_preview::{VoidPreviewDetail, VoidPreviewPage, WindowChoicePage};

use leptos::prelude::*;
use leptos_meta::Meta;
use stembus_poll::moment::Moment;
use stembus_poll::{PollResults, PollStatus, ResultsVisibility};
use stembus_site::shell::PageTitle;
use stembus_store::desk::{AuditAction, AuditEntry};

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

/// A moment in the desk's words, with the season where the autumn clock shows its time twice.
fn when(unix_seconds: i64) -> String {
    crate::brussels::long_with_time(unix_seconds)
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
                        <time datetime=at.to_string()>{when(entry.at)}</time>
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
