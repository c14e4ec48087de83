//! The island's browser side: the card read back from the page, the vote's trip to the server (the
//! form's own fields posted by `fetch` to the form's own address, answered with JSON) and the live
//! standing (server-sent events, written into the standing the server rendered). Both also carry
//! the transparency box's count as the server worded it, written into the box under the card.
//!
//! JSON is read with the browser's own `JSON.parse` and picked apart with `Reflect`, never with
//! serde_json: its code and the derives it drives were a fifth of the island's WASM.

use super::{Card, CardState, bar_width, figures_text};
use crate::error::AppError;
use crate::poll::voters_sentence;
use js_sys::{Array, JSON, Reflect};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Element, EventSource, FormData, HtmlElement, HtmlFormElement, MessageEvent, RequestInit,
    Response, UrlSearchParams,
};

/// The live standing, as far as the island follows it.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// The standing is shown to this reader, and so followed.
    shown: bool,
    /// The stream is open already.
    following: bool,
    /// The number of voters in the standing the page or the vote's answer showed, until the stream
    /// has caught up with it (then 0): a reading with fewer voters is older (the server reads once
    /// a second) and is not shown. A number as JavaScript has it, as it is only compared with one.
    floor: f64,
}

/// The card as the server rendered it: its poll (`data-poll`, taken off once read, so that a second
/// poll on the page finds its own), whether it holds the form, and whether it shows the standing.
pub fn card_from_page() -> Card {
    let mut card = Card::default();
    if let Ok(Some(element)) = document().query_selector(".poll-card[data-poll]") {
        card.poll_id = element.get_attribute("data-poll").unwrap_or_default();
        card.show_form = holds(&element, "form");
        card.live.shown = holds(&element, ".poll-result-list");
        card.live.floor = element
            .query_selector(".poll-total[data-voters]")
            .ok()
            .flatten()
            .and_then(|total| total.get_attribute("data-voters"))
            .and_then(|voters| JSON::parse(&voters).ok())
            .and_then(|voters| voters.as_f64())
            .unwrap_or(0.0);
        let _ = element.remove_attribute("data-poll");
    }
    card
}

/// Whether `element` holds an element `selector` finds.
fn holds(element: &Element, selector: &str) -> bool {
    matches!(element.query_selector(selector), Ok(Some(_)))
}

/// Once the island has taken over from the HTML (the next turn of the browser's task queue, right
/// after hydration): marks the card so, and follows the standing live if it is shown.
pub fn after_hydration(state: CardState) {
    leptos::task::spawn_local(async move {
        mark_hydrated(state);
        follow_if_shown(state);
    });
}

/// Sends the vote in the background and keeps the server's answer. A second submit while one is on
/// its way is ignored. Without a target (which a submit event always has: its form) the browser
/// posts as usual.
pub fn submit(event: SubmitEvent, state: CardState) {
    let Some(form) = event.target() else {
        return;
    };
    // Only a form is the target of a submit event.
    let form: HtmlFormElement = form.unchecked_into();
    event.prevent_default();
    if state.with_untracked(|card| card.pending) {
        return;
    }
    state.update(|card| card.pending = true);
    leptos::task::spawn_local(async move {
        let result = post(&form).await;
        state.update(|card| {
            if let Ok(answer) = &result {
                read_answer(answer, card);
            }
            card.pending = false;
            card.error = result.as_ref().err().copied();
        });
        if result.is_ok() {
            // Once the page shows what replaced the form (the view catches up in tasks queued
            // by the update above), keyboard and screen-reader users land on it, and its standing
            // is followed live.
            leptos::task::spawn_local(async move {
                focus_results();
                follow_if_shown(state);
            });
        }
    });
}

/// Posts the form as `application/x-www-form-urlencoded` and reads the server function's answer: a
/// `VoteAnswer` on success, the encoded `AppError` otherwise. A network failure or
/// an answer that does not decode is `Unavailable`, as the server-function client reported it.
async fn post(form: &HtmlFormElement) -> Result<JsValue, AppError> {
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
    let answer = JsFuture::from(response.json().map_err(unavailable)?)
        .await
        .map_err(unavailable)?;
    if response.ok() && answer.is_object() {
        Ok(answer)
    } else {
        // The error is its variant's name as a JSON string.
        let name = answer.as_string().unwrap_or_default();
        Err(AppError::from_name(&name).unwrap_or(AppError::Unavailable))
    }
}

/// Marks the card as taken over from the HTML.
fn mark_hydrated(state: CardState) {
    let standing_id = state.with_untracked(|card| ["poll-stand-", &card.poll_id].concat());
    if let Some(card) = document()
        .get_element_by_id(&standing_id)
        .and_then(|standing| standing.parent_element())
    {
        let _ = card.set_attribute("data-hydrated", "true");
    }
}

/// Moves the keyboard focus to the heading of what replaced the form.
fn focus_results() {
    // The heading is an `h3`, an HTML element.
    if let Some(heading) = document().get_element_by_id("poll-resultaten") {
        let _ = heading.unchecked_into::<HtmlElement>().focus();
    }
}

/// Follows the standing live: every `standing` event writes the new figures into the standing on
/// the page. On a dropped connection the browser reconnects by itself (the server names the delay);
/// on a refusal (too many streams, or a standing this reader may not see) it gives up and the
/// figures stay as they are.
fn follow_if_shown(state: CardState) {
    let (shown, following, poll_id) =
        state.with_untracked(|card| (card.live.shown, card.live.following, card.poll_id.clone()));
    if !shown || following {
        return;
    }
    state.update_untracked(|card| card.live.following = true);
    // Poll ids are lower-case letters, digits and dashes (the content check): safe in an address.
    let address = ["/api/polls/", &poll_id, "/live"].concat();
    let Ok(source) = EventSource::new(&address) else {
        return;
    };
    let standing_id = ["poll-stand-", &poll_id].concat();
    let on_standing = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let standing = event
            .data()
            .as_string()
            .and_then(|data| JSON::parse(&data).ok());
        let Some((standing, shown)) = standing.zip(document().get_element_by_id(&standing_id))
        else {
            return;
        };
        let voters = field(&standing, "voters").as_f64().unwrap_or(0.0);
        if voters < state.with_untracked(|card| card.live.floor) {
            return;
        }
        state.update_untracked(|card| card.live.floor = 0.0);
        write_standing(&standing, &shown);
        write_facts_voters(&poll_id, &standing);
    });
    let _ =
        source.add_event_listener_with_callback("standing", on_standing.as_ref().unchecked_ref());
    // The stream lives as long as the page.
    on_standing.forget();
}

/// Writes a standing event's figures into the shown standing: per answer (found by its key, which
/// is letters, digits and dashes) the share, the count and the bar, and the number of voters. An
/// answer the event leaves out, or the page does not show, keeps its figures.
fn write_standing(standing: &JsValue, shown: &Element) {
    for option in list(standing, "options") {
        let selector = ["[data-key=\"", &text(&option, "key"), "\"]"].concat();
        let Ok(Some(row)) = shown.query_selector(&selector) else {
            continue;
        };
        let percent = number(&option, "percent").min(100) as u8;
        if let Ok(Some(figures)) = row.query_selector(".poll-result-figures") {
            figures.set_text_content(Some(&figures_text(percent, number(&option, "votes"))));
        }
        if let Ok(Some(bar)) = row.query_selector(".poll-bar-fill") {
            let _ = bar.set_attribute("width", &bar_width(percent));
        }
    }
    if let Ok(Some(total)) = shown.query_selector(".poll-total") {
        total.set_text_content(Some(&voters_sentence(number(standing, "voters"))));
    }
}

/// Writes the transparency box's count, as the server rendered it for a vote's answer or a live
/// standing (`facts_voters`), into the box under the card of `poll_id`: it counts with the poll.
/// An answer without it (an older server's, during an upgrade) leaves the box as it was.
fn write_facts_voters(poll_id: &str, answer: &JsValue) {
    let Some(sentence) = field(answer, "facts_voters").as_string() else {
        return;
    };
    if let Some(count) = document().get_element_by_id(&["poll-facts-voters-", poll_id].concat()) {
        count.set_text_content(Some(&sentence));
    }
}

/// Takes the vote's answer (a `VoteAnswer` as JSON) into `card`: what is shown now, the standing
/// that replaces the form, and what the live region says; and the box's count into the box.
fn read_answer(answer: &JsValue, card: &mut Card) {
    let voters = field(answer, "voters").as_f64();
    card.show_form = field(answer, "show_form").is_truthy();
    card.live.shown = voters.is_some();
    card.live.floor = voters.unwrap_or(0.0);
    card.standing_html = text(answer, "standing_html");
    card.announcement_html = text(answer, "announcement_html");
    write_facts_voters(&card.poll_id, answer);
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn text(object: &JsValue, name: &str) -> String {
    field(object, name).as_string().unwrap_or_default()
}

/// A whole number, or 0 when the field holds none (the cast saturates: no negative counts).
fn number(object: &JsValue, name: &str) -> u64 {
    field(object, name).as_f64().unwrap_or(0.0) as u64
}

/// The items of an array field; none when the field is not an array.
fn list(object: &JsValue, name: &str) -> impl Iterator<Item = JsValue> {
    let value = field(object, name);
    let items = if Array::is_array(&value) {
        value.unchecked_into::<Array>()
    } else {
        Array::new()
    };
    items.into_iter()
}
