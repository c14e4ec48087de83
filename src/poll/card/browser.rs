//! The vote's trip from the island to the server: the form's own fields posted by `fetch` to the form's
//! own address, exactly what the browser would send without JavaScript, but answered with JSON.

use super::VoteReply;
use crate::error::AppError;
use crate::poll::PollView;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
// The serde_json that Leptos already ships for the island's props: no second copy in the WASM.
use leptos::serde_json;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, HtmlFormElement, RequestInit, Response, UrlSearchParams};

/// Sends the vote in the background and keeps the server's reply. A second submit while one is on its way
/// is ignored. If the event has no form (which a submit event always has) the browser posts as usual.
pub fn submit(event: SubmitEvent, pending: RwSignal<bool>, reply: RwSignal<VoteReply>) {
    let Some(form) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    event.prevent_default();
    if pending.get_untracked() {
        return;
    }
    pending.set(true);
    leptos::task::spawn_local(async move {
        let result = post(&form).await;
        pending.set(false);
        reply.set(Some(result));
    });
}

/// Posts the form as `application/x-www-form-urlencoded` and reads the server function's answer: the
/// poll as this reader now sees it on success, the encoded `AppError` otherwise. A network failure or
/// an answer that does not decode is `Unavailable`, as the server-function client reported it.
async fn post(form: &HtmlFormElement) -> Result<PollView, AppError> {
    let unavailable = |_| AppError::Unavailable;
    let fields = FormData::new_with_form(form).map_err(unavailable)?;
    let body = UrlSearchParams::new_with_str_sequence_sequence(&fields).map_err(unavailable)?;
    // fetch's own `Accept: */*` is what tells the vote endpoint this is not a page load: it answers
    // with JSON unless the request asks for `text/html`.
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let window = web_sys::window().ok_or(AppError::Unavailable)?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(&form.action(), &init))
        .await
        .map_err(unavailable)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(unavailable)?)
        .await
        .map_err(unavailable)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|_| AppError::Unavailable)
    } else {
        Err(serde_json::from_str(&text).unwrap_or(AppError::Unavailable))
    }
}
