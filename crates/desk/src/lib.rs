//! The editors' desk at `/redactie`: sign-in, the poll list, making and editing a poll in the
//! desk, a poll's page with its actions (close, reopen, closing moment, results visibility,
//! voiding and restoring a window of votes, archiving a desk-made poll), the CSV exports and the
//! audit log.
//!
//! Every desk response is `Cache-Control: no-store` and none passes the page cache. A page asks
//! for a `SignedIn` editor (without a live session the browser is sent to the sign-in form); every
//! request that changes something asks for a `DeskForm`, which passes, in this order, the same-site
//! rules (`guard::check_same_site`), a live session from the database, and the session's form
//! token in the form (`csrf`). The sign-in form, which has no session yet, carries a token of its
//! own that must match its cookie. A refusal is a `Refusal`; a page is a `DeskPage`, rendered in
//! the site's shell by `render_desk_pages` in front of every route. A change is written with its audit entry in
//! one transaction, then this node reads the desk's state again at once (the others within
//! `current::REFRESH_EVERY`), which drops the article's kept page.

pub mod accounts;
pub mod activity;
mod archive;
mod audit_log;
mod brussels;
mod edit_poll;
pub mod export;
mod extract;
mod new_poll;
mod overrides;
mod page;
mod poll_form;
mod poll_list;
mod poll_page;
mod refusal;
pub mod session;
mod sign_in;
mod sign_out;
pub mod views;
mod void;

use self::session::SignInLimiter;
use axum::Router;
use axum::extract::{Extension, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use std::sync::Arc;
use stembus_content::article::Article;
use stembus_poll::PollDefinition;
use stembus_poll::error::AppError;
use stembus_site::cache_control::NO_STORE;
use stembus_site::state::SiteState;
use stembus_store::desk::MadePoll;
use tower_http::set_header::SetResponseHeaderLayer;

/// The desk's home: the poll list.
pub const HOME: &str = "/redactie";
/// The sign-in form: the address the site's admission budgets apart (its posts come before a
/// session), so the one constant is the site's.
pub const SIGN_IN: &str = stembus_site::admission::SIGN_IN_PATH;
/// The form that makes a poll in the desk.
pub const NEW_POLL: &str = "/redactie/nieuw";

/// What the desk keeps between requests on one node.
pub struct Desk {
    limiter: SignInLimiter,
    /// A hash to check a password against when the name is unknown, so that an unknown name takes
    /// as long to refuse as a wrong password.
    stand_in_hash: String,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            limiter: SignInLimiter::default(),
            stand_in_hash: accounts::hash_password("no editor has this password")
                .unwrap_or_default(),
        }
    }
}

/// The desk's routes, with `no-store` on every response and `render_desk_pages` in front of every
/// handler: that is where its `DeskPage` or `Refusal` becomes HTML.
pub fn routes(state: &SiteState) -> Router<SiteState> {
    let desk = Arc::new(Desk::new());
    Router::new()
        .route(HOME, get(poll_list::show))
        .route(SIGN_IN, get(sign_in::form).post(sign_in::submit))
        .route("/redactie/afmelden", post(sign_out::submit))
        .route("/redactie/logboek", get(audit_log::show))
        .route(NEW_POLL, get(new_poll::form).post(new_poll::create))
        .route("/redactie/poll/{id}", get(poll_page::show))
        .route(
            "/redactie/poll/{id}/bewerken",
            get(edit_poll::form).post(edit_poll::save),
        )
        .route("/redactie/poll/{id}/archiveren", post(archive::archive))
        .route("/redactie/poll/{id}/terugzetten", post(archive::unarchive))
        .route(
            "/redactie/poll/{id}/ongeldig",
            get(void::preview).post(void::void),
        )
        .route("/redactie/poll/{id}/herstellen", post(void::restore))
        .route(
            "/redactie/poll/{id}/sluiten",
            overrides::route(overrides::close),
        )
        .route(
            "/redactie/poll/{id}/heropenen",
            overrides::route(overrides::reopen),
        )
        .route(
            "/redactie/poll/{id}/sluitingsmoment",
            overrides::route(overrides::closing_moment),
        )
        .route(
            "/redactie/poll/{id}/uitslag",
            overrides::route(overrides::results_visibility),
        )
        .route("/redactie/poll/{id}/export/{file}", get(export::download))
        // A desk address opened with a method it does not take (an action's address typed in or
        // followed as a link) gets the desk's Dutch notice rather than axum's empty 405.
        .method_not_allowed_fallback(form_only)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            page::render_desk_pages,
        ))
        .layer(Extension(desk))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(NO_STORE),
        ))
}

/// The 405 of a desk address asked with a method it does not take, rendered here: the desk's page
/// layer is a `route_layer`, which the fallback is not behind.
async fn form_only(State(state): State<SiteState>, request: Request) -> Response {
    let page = page::DeskPage::new(|| view! { <views::FormOnlyNotice /> }.into_any());
    let answer = (StatusCode::METHOD_NOT_ALLOWED, page).into_response();
    page::render_for(state, request, answer).await
}

/// Where a poll comes from, and what the desk knows of it there.
enum PollSource {
    /// A content file: its name within the folder, the poll as the file says, and its article.
    File {
        file: String,
        definition: PollDefinition,
        article: Article,
    },
    /// The desk: the poll as the store keeps it (archived or not), and the article that shows it
    /// or, for an archived one, names it in its front matter, if any.
    Desk {
        made: MadePoll,
        article: Option<Article>,
    },
}

/// A poll as the desk looks at it: as served (with the desk's changes) and where it comes from.
struct DeskPoll {
    served: PollDefinition,
    source: PollSource,
}

impl DeskPoll {
    /// The article that shows the poll, if any.
    fn article(&self) -> Option<&Article> {
        match &self.source {
            PollSource::File { article, .. } => Some(article),
            PollSource::Desk { article, .. } => article.as_ref(),
        }
    }

    /// The poll's own settings, before the desk's overrides: the file's or the stored ones.
    fn own(&self) -> &PollDefinition {
        match &self.source {
            PollSource::File { definition, .. } => definition,
            PollSource::Desk { made, .. } => &made.definition,
        }
    }
}

/// The poll `id`, made in the desk (archived ones too) or on an article from a content file;
/// `NotFound` for any other id. A desk-made poll wins over a file's poll with its id, as on the
/// site.
fn find_poll(state: &SiteState, id: &str) -> Result<DeskPoll, AppError> {
    let library = state.library();
    let desk = state.content.desk();
    if let Some(made) = desk.made_poll(id) {
        let (article, served) = match library.poll(id) {
            Some((article, served)) => (article.cloned(), served.clone()),
            None => {
                // Archived: off the site, so the served library has neither it nor its article.
                let served = desk.served_definition(made);
                let named_by = state
                    .content
                    .files()
                    .articles()
                    .iter()
                    .find(|article| article.desk_poll.as_deref() == Some(id))
                    .cloned();
                (named_by, served)
            }
        };
        return Ok(DeskPoll {
            served,
            source: PollSource::Desk {
                made: made.clone(),
                article,
            },
        });
    }
    let (Some(article), served) = library.poll(id).ok_or(AppError::NotFound)? else {
        return Err(AppError::NotFound);
    };
    let files = state.content.files();
    let (_, from_file) = files.poll(id).ok_or(AppError::NotFound)?;
    let file = files
        .file_of(&article.slug)
        .unwrap_or("(onbekend bestand)")
        .to_string();
    Ok(DeskPoll {
        served: served.clone(),
        source: PollSource::File {
            file,
            definition: from_file.clone(),
            article: article.clone(),
        },
    })
}

/// The desk-made poll `id`, archived or not; `NotFound` for a content file's poll or an unknown id,
/// which the desk's poll forms do not change.
fn find_made_poll(state: &SiteState, id: &str) -> Result<MadePoll, AppError> {
    state
        .content
        .desk()
        .made_poll(id)
        .cloned()
        .ok_or(AppError::NotFound)
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static(HOME)),
        )],
    )
        .into_response()
}

/// The answer to a stored change of poll `id`: this node reads the desk's state again (the change
/// is stored either way, so a failed read only delays it here), then back to the poll's page.
async fn back_to_poll(state: &SiteState, id: &str) -> Response {
    if state.refresh_content().await.is_err() {
        tracing::warn!("the desk's change is stored; this node shows it at the next refresh");
    }
    see_other(&format!("/redactie/poll/{id}"))
}
