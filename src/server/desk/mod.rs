//! The editors' desk at `/redactie`: sign-in, the poll list, a poll's page with its actions
//! (close, reopen, closing moment, results visibility, voiding and restoring a window of votes),
//! the CSV exports and the audit log.
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
pub(crate) mod activity;
mod audit_log;
pub(crate) mod export;
mod extract;
mod overrides;
mod page;
mod poll_list;
mod poll_page;
mod refusal;
pub(crate) mod session;
mod sign_in;
mod sign_out;
pub(crate) mod views;
mod void;

use self::session::SignInLimiter;
use crate::article::Article;
use crate::error::AppError;
use crate::poll::PollDefinition;
use crate::server::app::state::AppState;
use crate::server::web::cache_control::NO_STORE;
use axum::Router;
use axum::extract::Extension;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// The desk's home: the poll list.
pub const HOME: &str = "/redactie";
/// The sign-in form.
pub const SIGN_IN: &str = "/redactie/aanmelden";

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
pub fn routes(state: &AppState) -> Router<AppState> {
    let desk = Arc::new(Desk::new());
    Router::new()
        .route(HOME, get(poll_list::show))
        .route(SIGN_IN, get(sign_in::form).post(sign_in::submit))
        .route("/redactie/afmelden", post(sign_out::submit))
        .route("/redactie/logboek", get(audit_log::show))
        .route("/redactie/poll/{id}", get(poll_page::show))
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

/// A poll as the desk looks at it: as served (the file with the desk's changes) and as its
/// content file says, with its article and the file's name.
struct DeskPoll {
    served: PollDefinition,
    from_file: PollDefinition,
    article: Article,
    file: String,
}

/// The poll `id`; `NotFound` when no article of the library or no content file has it.
fn find_poll(state: &AppState, id: &str) -> Result<DeskPoll, AppError> {
    let library = state.library();
    let (article, served) = library.poll(id).ok_or(AppError::NotFound)?;
    let files = state.content.files();
    let (_, from_file) = files.poll(id).ok_or(AppError::NotFound)?;
    let file = files
        .file_of(&article.slug)
        .unwrap_or("(onbekend bestand)")
        .to_string();
    Ok(DeskPoll {
        served: served.clone(),
        from_file: from_file.clone(),
        article: article.clone(),
        file,
    })
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
async fn back_to_poll(state: &AppState, id: &str) -> Response {
    if state.refresh_content().await.is_err() {
        tracing::warn!("the desk's change is stored; this node shows it at the next refresh");
    }
    see_other(&format!("/redactie/poll/{id}"))
}
