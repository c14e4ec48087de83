//! Lets a page set its HTTP status while it renders on the server; in the browser there is none to set.

#[cfg(feature = "ssr")]
mod imp {
    use leptos::prelude::use_context;

    /// Sets the status of the response being rendered.
    pub fn set(code: u16) {
        let status = axum::http::StatusCode::from_u16(code);
        if let (Some(response), Ok(status)) =
            (use_context::<leptos_axum::ResponseOptions>(), status)
        {
            response.set_status(status);
        }
    }
}

#[cfg(not(feature = "ssr"))]
mod imp {
    /// Pages are only rendered on the server; the browser has no response to change.
    pub fn set(_code: u16) {}
}

pub use imp::set;
