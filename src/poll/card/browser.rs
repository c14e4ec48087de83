//! The island's browser side: the card read back from the page, the vote's trip to the server (the
//! form's own fields posted by `fetch` to the form's own address, answered with JSON; sent again,
//! with the same idempotency key, after a pause when the node was busy or the answer was lost) and
//! the live standing (server-sent events, written into the standing the server rendered). Both also
//! carry the transparency box's count as the server worded it, written into the box under the card.
//!
//! Every word it writes came from the server: the card's `data-` attributes (what it says while a
//! vote is sent again, or when no answer came), the vote's answer and the live events.
//!
//! JSON is read with the browser's own `JSON.parse` and picked apart with `Reflect`, never with
//! serde_json: its code and the derives it drives were a fifth of the island's WASM.

use super::{Card, CardState, bar_width};
use crate::poll::VOTE_KEY_FIELD;
use js_sys::{Array, Date, Function, JSON, Math, Promise, Reflect};
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
    /// When the standing the page or the vote's answer showed was read (the server's clock, in
    /// milliseconds since 1970), until the stream has caught up with it (then 0): a live reading
    /// begun before it may be older (the server reads once a second and each stream sends a new
    /// reading at its own moment in half a second) and is not shown. The number of voters cannot
    /// tell: a changed vote keeps it, a voided window lowers it. A number as JavaScript has it, as
    /// it is only compared with one.
    floor: f64,
}

/// The card as the server rendered it: its poll (`data-poll`, taken off once read, so that a second
/// poll on the page finds its own), whether it holds the form, and whether it shows the standing.
pub fn card_from_page() -> Card {
    let mut card = Card::default();
    if let Ok(Some(element)) = document().query_selector(".poll-card[data-poll]") {
        card.poll_id = element.get_attribute("data-poll").unwrap_or_default();
        let attribute = |name| element.get_attribute(name).unwrap_or_default();
        card.words.retrying = attribute("data-retrying");
        card.words.unavailable = attribute("data-unavailable");
        card.words.live_address = attribute("data-live");
        card.show_form = holds(&element, "form");
        card.live.shown = holds(&element, ".poll-result-list");
        card.live.floor = element
            .query_selector(".poll-total[data-read-at]")
            .ok()
            .flatten()
            .and_then(|total| total.get_attribute("data-read-at"))
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
    state.update(start_sending as fn(&mut Card));
    // Said busy to assistive technology, not `disabled`: the button keeps the keyboard's focus
    // while the vote is on its way and sent again.
    let button = form.query_selector("button[type=submit]").ok().flatten();
    if let Some(button) = &button {
        let _ = button.set_attribute("aria-disabled", "true");
    }
    leptos::task::spawn_local(async move {
        let result = send(&form, state).await;
        if let Some(button) = &button {
            let _ = button.remove_attribute("aria-disabled");
        }
        state.update(|card| {
            if let Ok(answer) = &result {
                read_answer(answer, card);
            }
            if result.is_err() {
                // The refusal is said in the form's alert; the live region no longer says it is
                // being sent again.
                card.announcement_html.clear();
            }
            card.pending = false;
            card.error_text = result.as_ref().err().cloned().unwrap_or_default();
        });
        // Hidden here rather than bound in the view: one kind of binding less in the WASM.
        let show_form = state.with_untracked(|card| card.show_form);
        form.unchecked_ref::<HtmlElement>().set_hidden(!show_form);
        // Once the view has caught up (in tasks queued by the update above): after a vote taken,
        // keyboard and screen-reader users land on what replaced the form, and its standing is
        // followed live; after a refusal they are put back on the button (a mouse click leaves
        // the focus elsewhere in some browsers), under the refusal their screen reader just said.
        let taken = result.is_ok();
        leptos::task::spawn_local(async move {
            if taken {
                focus_results();
                follow_if_shown(state);
            } else if let Some(button) = button {
                let _ = button.unchecked_into::<HtmlElement>().focus();
            }
        });
    });
}

/// A click in the standing on the link to change the vote, in a card that holds the form (hidden
/// after a vote taken here): the form is shown again, the keyboard on its first answer. The link's
/// address is the page's own once the reader changed their vote here, which the browser would only
/// scroll to; without the form (the page came with the standing) the link loads the form's page.
// A click reaches it as the `MessageEvent` the live standing's listener takes: both are only ever
// read as `Event`s, and one closure type is one copy of wasm-bindgen's closure glue in the WASM.
fn change_click(event: MessageEvent) {
    let Some(target) = event.target() else {
        return;
    };
    // Only elements are clicked.
    let target: Element = target.unchecked_into();
    let form = target
        .closest(".poll-own-vote a")
        .ok()
        .flatten()
        .and_then(|link| link.closest(".poll-card").ok().flatten())
        .and_then(|card| card.query_selector("form").ok().flatten());
    let Some(form) = form else {
        return;
    };
    event.prevent_default();
    form.unchecked_ref::<HtmlElement>().set_hidden(false);
    // The reader's own answer, or the first (one selector would find the first in the page's
    // order, whichever matched).
    let answer = ["input:checked", "input:not([type=hidden])"]
        .into_iter()
        .find_map(|selector| form.query_selector(selector).ok().flatten());
    if let Some(answer) = answer {
        let _ = answer.unchecked_into::<HtmlElement>().focus();
    }
}

// Each closure handed to `update` is a copy of the signal's update code in the WASM: the two
// without captures are one function type, so they share one.
fn start_sending(card: &mut Card) {
    card.pending = true;
    // Emptied, so that the same refusal again is a change the form's alert says again.
    card.error_text.clear();
}

fn forget_key(card: &mut Card) {
    card.vote_key.clear();
}

fn say_sending_again(card: &mut Card) {
    card.announcement_html = card.words.retrying.clone();
}

/// Tries of one vote at most, the longest pause between two before its jitter (the three pauses
/// take 27 s at most: 6 s and half again, three times), and the time after its first try within
/// which a vote is tried again at all: four tries within 30 s, also when a try takes long to be
/// answered (a full node answers its 503 only after its timeout).
const MOST_TRIES: u32 = 4;
const LONGEST_PAUSE_MS: f64 = 6_000.0;
const TRIES_WITHIN_MS: f64 = 30_000.0;
/// The longest a try waits for its answer: past the server's own limit (`REQUEST_TIMEOUT`, 15 s,
/// after which a node answers a 503 itself), so only a try that will never be answered ends here.
const LONGEST_TRY_MS: f64 = 16_000.0;

/// Posts the form as `application/x-www-form-urlencoded` with the vote's idempotency key, and
/// reads the server function's answer: a `VoteAnswer` on success, else the refusal's words as the
/// server wrote them (its `message`), or the card's words for an unavailable vote when no answer
/// came or it does not decode.
///
/// While the node answers that it is busy (503), or no answer comes, the vote is posted again after a
/// pause: the server's `Retry-After`, or longer as tries go by (1, 2, 4 s), each drawn between one
/// and one and a half times that (never sooner than the server asked) so that readers refused
/// together do not come back together; at most `MOST_TRIES` tries within `TRIES_WITHIN_MS`, a try
/// without any answer given up after `LONGEST_TRY_MS`. Every
/// try carries the same key, and so does the reader's next submit after a vote given up on without
/// an answer, so a vote whose answer was lost after it was stored counts once; the key is dropped
/// once the server answered it. The live region says it is sent again.
async fn send(form: &HtmlFormElement, state: CardState) -> Result<JsValue, String> {
    let unavailable_text = state.with_untracked(|card| card.words.unavailable.clone());
    let unavailable = |_| unavailable_text.clone();
    let window = web_sys::window().ok_or_else(|| unavailable_text.clone())?;
    let fields = FormData::new_with_form(form).map_err(unavailable)?;
    let body = UrlSearchParams::new_with_str_sequence_sequence(&fields).map_err(unavailable)?;
    // `set`, not `append`: a form shown again after a refusal carries a key of the server's
    // already, under which nothing was stored.
    let mut key = state.with_untracked(|card| card.vote_key.clone());
    if key.is_empty() {
        key = vote_key(&window).unwrap_or_default();
        let kept = key.clone();
        state.update_untracked(move |card| card.vote_key = kept);
    }
    if !key.is_empty() {
        body.set(VOTE_KEY_FIELD, &key);
    }
    // fetch's own `Accept: */*` is what tells the vote endpoint this is not a page load: it
    // answers with JSON unless the request asks for `text/html`.
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let first_try = Date::now();
    let mut tries = 1;
    loop {
        let mut retry_after_ms = f64::NAN;
        // A 503 (a full node, a store that cannot take the vote now) or no answer at all is worth
        // another try; any other refusal would be the same again.
        let mut worth_retrying = true;
        // A try that gets no answer at all (a phone's connection gone quiet) is given up after
        // `LONGEST_TRY_MS`, or at the end of the tries' time, as one that failed: the browser has
        // no time limit of its own. The fetch is left to end by itself (aborting it would weigh
        // more WASM than it saves); the key makes its vote count once whichever try is stored.
        let limit_ms = LONGEST_TRY_MS.min(TRIES_WITHIN_MS - (Date::now() - first_try));
        let fetched = window.fetch_with_str_and_init(&form.action(), &init);
        let answered = JsFuture::from(Promise::race(&Array::of2(&fetched, &timer(limit_ms)))).await;
        let mut message = String::new();
        // The timer's win is `undefined`, not a response.
        if let Some(response) = answered.ok().filter(JsValue::is_object) {
            let response: Response = response.unchecked_into();
            // Read by the browser's own parser (Rust's weighs kilobytes of WASM); not a number
            // (no header, or a date) is no pause of the server's, which `max` passes over.
            if let Ok(Some(seconds)) = response.headers().get("retry-after") {
                retry_after_ms = JSON::parse(&seconds)
                    .ok()
                    .and_then(|seconds| seconds.as_f64())
                    .map_or(f64::NAN, |seconds| seconds * 1_000.0);
            }
            let answer = match response.json() {
                Ok(json) => JsFuture::from(json).await.unwrap_or_default(),
                Err(_) => JsValue::UNDEFINED,
            };
            let answered = response.ok() && answer.is_object();
            worth_retrying = !answered && response.status() == 503;
            if !worth_retrying {
                // Taken or refused: either way this vote's key has done its work.
                state.update_untracked(forget_key as fn(&mut Card));
            }
            if answered {
                return Ok(answer);
            }
            message = text(&answer, "message");
        }
        if message.is_empty() {
            message = unavailable_text.clone();
        }
        let pause_ms = f64::from(1_000u32 << (tries - 1))
            .max(retry_after_ms)
            .min(LONGEST_PAUSE_MS)
            * (1.0 + 0.5 * Math::random());
        if !worth_retrying
            || tries == MOST_TRIES
            || Date::now() - first_try + pause_ms > TRIES_WITHIN_MS
        {
            return Err(message);
        }
        state.update(say_sending_again as fn(&mut Card));
        pause(pause_ms).await;
        tries += 1;
    }
}

/// A fresh idempotency key: a random UUID as `crypto.randomUUID` writes it (the server takes its
/// 32 hex digits), or none where the browser has none (outside a secure context).
fn vote_key(window: &web_sys::Window) -> Option<String> {
    let crypto = field(window, "crypto");
    let random_uuid = field(&crypto, "randomUUID");
    // Only a function is called: where it is missing (outside a secure context) there is none.
    random_uuid
        .is_function()
        .then(|| random_uuid.unchecked_into::<Function>().call0(&crypto).ok())
        .flatten()
        .and_then(|uuid| uuid.as_string())
}

/// Waits `ms` milliseconds.
async fn pause(ms: f64) {
    let _ = JsFuture::from(timer(ms)).await;
}

/// A promise fulfilled with `undefined` after `ms` milliseconds.
fn timer(ms: f64) -> Promise {
    Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    })
}

/// Marks the card as taken over from the HTML, and listens for the link to change the vote in its
/// standing (`change_click`).
fn mark_hydrated(state: CardState) {
    let standing_id = state.with_untracked(|card| ["poll-stand-", &card.poll_id].concat());
    let Some(standing) = document().get_element_by_id(&standing_id) else {
        return;
    };
    let on_click = Closure::<dyn FnMut(MessageEvent)>::new(change_click);
    let _ = standing.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_click.forget();
    if let Some(card) = standing.parent_element() {
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
    let (shown, following, poll_id, address) = state.with_untracked(|card| {
        (
            card.live.shown,
            card.live.following,
            card.poll_id.clone(),
            card.words.live_address.clone(),
        )
    });
    if !shown || following || address.is_empty() {
        return;
    }
    state.update_untracked(|card| card.live.following = true);
    // The address the server wrote into the card, with the card's language: the events carry the
    // figures in its words.
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
        // A reading without its time (an older server's, during an upgrade) is shown.
        let floor = state.with_untracked(|card| card.live.floor);
        if field(&standing, "read_at")
            .as_f64()
            .is_some_and(|read_at| read_at < floor)
        {
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
/// is letters, digits and dashes) its figures as the server worded them and the bar, and the count
/// of voters. An answer the event leaves out, or the page does not show, keeps its figures.
fn write_standing(standing: &JsValue, shown: &Element) {
    for option in list(standing, "options") {
        let selector = ["[data-key=\"", &text(&option, "key"), "\"]"].concat();
        let Ok(Some(row)) = shown.query_selector(&selector) else {
            continue;
        };
        let percent = number(&option, "percent").min(100) as u8;
        if let Ok(Some(figures)) = row.query_selector(".poll-result-figures") {
            figures.set_text_content(Some(&text(&option, "figures")));
        }
        if let Ok(Some(bar)) = row.query_selector(".poll-bar-fill") {
            let _ = bar.set_attribute("width", &bar_width(percent));
        }
    }
    if let Ok(Some(total)) = shown.query_selector(".poll-total") {
        total.set_text_content(Some(&text(standing, "total")));
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
    card.show_form = field(answer, "show_form").is_truthy();
    card.live.shown = field(answer, "voters").as_f64().is_some();
    card.live.floor = field(answer, "read_at").as_f64().unwrap_or(0.0);
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
