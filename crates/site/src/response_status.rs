//! Lets a page set its HTTP status while it renders (a Dutch 404 or 500 page).

use leptos::prelude::use_context;

/// Sets the status of the response being rendered.
pub fn set(code: u16) {
    let status = axum::http::StatusCode::from_u16(code);
    if let (Some(response), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), status) {
        response.set_status(status);
    }
}
