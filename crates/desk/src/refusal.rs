//! Why a desk request is not answered with what it asked for: a page without a session sends the
//! browser to the sign-in form, anything else gets the Dutch notice with the error's status.

use super::page::DeskPage;
use super::views::DeskNotice;
use super::{SIGN_IN, see_other};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use stembus_poll::error::AppError;
use stembus_store::StoreError;

/// A desk request refused. From an `AppError` (or a store's error) it is the notice, so that a
/// handler can use `?`; only `SignedIn` on a page answers `SignInFirst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No live session on a page: `303 See Other` to the sign-in form.
    SignInFirst,
    /// The Dutch notice page for the error, with the error's status and the way back. A form
    /// posted without a session gets this too (`NotSignedIn`, 401), so the editor reads why
    /// nothing changed.
    Notice(AppError),
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Refusal {
        Refusal::Notice(error)
    }
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Refusal {
        Refusal::Notice(error.into())
    }
}

/// The notice is a `DeskPage`: `render_desk_pages` renders it for the request.
impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::SignInFirst => see_other(SIGN_IN),
            Refusal::Notice(error) => {
                let status = StatusCode::from_u16(error.status_code())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let notice = DeskPage::new(move || view! { <DeskNotice error /> }.into_any());
                (status, notice).into_response()
            }
        }
    }
}
