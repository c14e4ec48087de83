//! Live results: `GET /api/polls/{poll_id}/live`, a server-sent event stream of a poll's standing.
//!
//! However many readers watch, a node reads a poll's standing once a second: one task per watched
//! poll reads the store and publishes a snapshot on a `watch` channel that every open stream of that
//! poll shares; the task ends when the last stream closes. A vote stored on this node wakes the task
//! at once, and a snapshot goes out no more often than once a second, so on a quiet poll a vote
//! shows on every stream as soon as it is stored (the wait of up to a second was most of its
//! delay), while under a stream of votes every stream still gets one event a second. On PostgreSQL
//! each node reads the shared database, so its snapshot holds every node's votes. Streams are
//! counted and bounded per node (`live_streams_max`, beyond it a 503), carry a heartbeat, tell the
//! browser when to reconnect (`retry`), skip a snapshot the reader already has (`Last-Event-ID`, the
//! snapshot's content hash, the same on every node), and all end at once when the server shuts
//! down. A stream takes its slot before anything is read from the store, and new streams are
//! admitted at a bounded rate (a token bucket: `STREAMS_ADMITTED_AT_ONCE` after a quiet spell, then
//! `STREAMS_ADMITTED_PER_SECOND`): a storm of readers reconnecting at once is spread over seconds
//! instead of arriving as one wave of store reads and handshakes. A stream lives by the rule it was
//! let in by: when the desk hides the standing, archives the poll or the content drops it, the
//! poll's streams end (browsers reconnect and are refused); a content change wakes every reading
//! at once, and a closed poll, whose standing only an editor's void moves, is otherwise read once a
//! minute.
//!
//! A snapshot carries the figures in words as well, in every language the site speaks (the
//! island writes them as they come: its WASM has no words of its own); a stream sends those of its
//! language, `?lang=fr-BE` for a French card, Dutch without it.

use crate::address_part::AddressPart;
use crate::state::WebState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use prometheus_client::metrics::gauge::Gauge;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use stembus_messages::Messages;
use stembus_poll::language::Language;
use stembus_poll::{PollDefinition, PollResults, PollStatus};
use stembus_site::admission::{RequestClass, Shed};
use stembus_site::cache_control;
use stembus_site::state::SiteState;
use stembus_site::voter_cookie::VoterId;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

/// How often a watched poll's standing is read.
pub const SNAPSHOT_EVERY: Duration = Duration::from_secs(1);
/// A comment line this often keeps proxies from closing a quiet stream.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(15);
/// New streams a node admits per second once its bucket is empty.
pub const STREAMS_ADMITTED_PER_SECOND: u32 = 2_000;
/// New streams a node admits at once after a quiet spell (the bucket's size): a viral article's
/// readers opening their pages together, or one node's worth reconnecting after a restart.
pub const STREAMS_ADMITTED_AT_ONCE: u32 = 10_000;
/// Each stream sends a new standing this long after it came, at most, each at its own moment in
/// it: ten thousand streams woken at once would take the node's core for a tenth of a second, and
/// every page and vote arriving then would wait behind them (bench/viral.sh: p99 95-160 ms at 250
/// requests a second with 10,000 streams, before).
const FAN_OUT_SPREAD_MS: u64 = 500;
/// How often a closed poll's standing is read while someone watches it: it moves only when an
/// editor voids or restores a window, which wakes the reading at once on the node where it was
/// done and on every other at its next content refresh; this bounds the wait if a wake is missed.
const CLOSED_READ_EVERY: Duration = Duration::from_secs(60);
/// What the browser waits before reconnecting a dropped stream.
const RECONNECT_AFTER: Duration = Duration::from_secs(5);

/// One reading of a poll's standing, as the streams send it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// A hash of `figures`: the event id, equal on every node for equal figures.
    pub id: String,
    /// The Dutch `data` without its read time: what the snapshot says. Two readings that say the
    /// same are one snapshot, whenever they were read.
    figures: String,
    /// Per language, `{"voters":n,"total":"n lezers stemden.","options":[{"key","votes","percent",
    /// "figures":"70% · 7 stemmen"}],"facts_voters":"Tot nu toe stemden n lezers.","read_at":ms}`:
    /// the figures, the words the island writes (the standing's, each answer's, and the
    /// transparency box's count) rendered here, so that the island does not carry them, and when
    /// the read began (`PollResults::read_at_ms`), by which the island skips a reading older than
    /// the figures it shows.
    data: Vec<(Language, String)>,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        self.figures == other.figures
    }
}

impl Eq for Snapshot {}

#[derive(Serialize)]
struct SnapshotData<'a> {
    voters: u64,
    total: String,
    options: Vec<SnapshotOption<'a>>,
    facts_voters: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_at: Option<u64>,
}

#[derive(Serialize)]
struct SnapshotOption<'a> {
    key: &'a str,
    votes: u64,
    percent: u8,
    figures: String,
}

impl Snapshot {
    /// The snapshot of `results`, with their read time; `closed`: of a poll that has closed (the
    /// box's count says "in all", not "so far").
    fn of(results: &PollResults, closed: bool, messages: &Arc<Messages>) -> Snapshot {
        let in_language = |language: Language, read_at: Option<u64>| {
            let words = messages.words(language);
            let data = SnapshotData {
                voters: results.voters,
                total: words.voters(results.voters),
                options: results
                    .rows
                    .iter()
                    .map(|row| SnapshotOption {
                        key: &row.key,
                        votes: row.votes,
                        percent: row.percent,
                        figures: words.figures(row.percent, row.votes),
                    })
                    .collect(),
                facts_voters: words.facts_voters(Some(results.voters), closed),
                read_at,
            };
            serde_json::to_string(&data).unwrap_or_default()
        };
        let figures = in_language(Language::Dutch, None);
        let id = Sha256::digest(figures.as_bytes())[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let data = Language::ALL
            .into_iter()
            .map(|language| (language, in_language(language, Some(results.read_at_ms))))
            .collect();
        Snapshot { id, figures, data }
    }

    /// The event's data for a stream in `language`.
    pub fn data_in(&self, language: Language) -> &str {
        self.data
            .iter()
            .find(|(of, _)| *of == language)
            .map_or("", |(_, data)| data.as_str())
    }
}

type Channel = watch::Sender<Option<Arc<Snapshot>>>;

/// A watched poll: the channel its streams share, and the nudge that a vote was stored.
struct Watched {
    snapshots: Channel,
    news: Arc<Notify>,
}

/// Every watched poll's channel on this node, and the count of open streams.
pub struct LiveResults {
    polls: Mutex<HashMap<String, Watched>>,
    open: AtomicUsize,
    /// Streams opened so far, for their phases.
    phases: AtomicUsize,
    max: usize,
    gauge: Gauge,
    /// Flips to `true` once at shut-down: every stream ends.
    closing: watch::Sender<bool>,
    admitting: Mutex<TokenBucket>,
}

/// New streams' admission: a token per stream, refilled at a fixed rate up to the bucket's size.
#[derive(Debug)]
struct TokenBucket {
    per_second: f64,
    size: f64,
    tokens: f64,
    filled_at: Option<Instant>,
}

impl TokenBucket {
    fn new(per_second: u32, size: u32) -> TokenBucket {
        TokenBucket {
            per_second: f64::from(per_second),
            size: f64::from(size),
            tokens: f64::from(size),
            filled_at: None,
        }
    }

    /// Takes a token at `now`, if there is one.
    fn take(&mut self, now: Instant) -> bool {
        if let Some(filled_at) = self.filled_at {
            let refill = now.saturating_duration_since(filled_at).as_secs_f64() * self.per_second;
            self.tokens = (self.tokens + refill).min(self.size);
        }
        self.filled_at = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Why a stream was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoSlot {
    /// The node holds as many streams as it may.
    Full,
    /// New streams come faster than the node admits them.
    TooFast,
}

/// An open stream's hold on its slot: dropping it (the stream ended) frees the slot.
struct Slot(Arc<LiveResults>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
        self.0.gauge.dec();
    }
}

impl LiveResults {
    /// A hub for at most `max` open streams, reporting their number on `gauge`, admitting new
    /// ones at `STREAMS_ADMITTED_PER_SECOND`.
    pub fn new(max: u32, gauge: Gauge) -> Arc<LiveResults> {
        LiveResults::admitting(
            max,
            gauge,
            STREAMS_ADMITTED_PER_SECOND,
            STREAMS_ADMITTED_AT_ONCE,
        )
    }

    /// `new`, admitting `per_second` new streams a second, and `at_once` after a quiet spell.
    pub fn admitting(max: u32, gauge: Gauge, per_second: u32, at_once: u32) -> Arc<LiveResults> {
        Arc::new(LiveResults {
            polls: Mutex::new(HashMap::new()),
            open: AtomicUsize::new(0),
            phases: AtomicUsize::new(0),
            max: max as usize,
            gauge,
            closing: watch::Sender::new(false),
            admitting: Mutex::new(TokenBucket::new(per_second, at_once)),
        })
    }

    /// Ends every open stream and refuses new ones: the server is shutting down.
    pub fn shut_down(&self) {
        self.closing.send_replace(true);
    }

    /// A vote in `poll_id` was stored on this node: its standing is read now, unless a snapshot
    /// went out less than a second ago (then a second after it). Nobody watching, nothing to do.
    pub fn vote_stored(&self, poll_id: &str) {
        let polls = self.polls.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(watched) = polls.get(poll_id) {
            watched.news.notify_one();
        }
    }

    /// The moment in `FAN_OUT_SPREAD_MS` at which the next stream sends each new standing: the
    /// streams' phases spread evenly over it (a golden-ratio sequence of their order).
    fn next_phase(&self) -> Duration {
        let n = self.phases.fetch_add(1, Ordering::Relaxed) as u64;
        Duration::from_millis(n.wrapping_mul(2_654_435_761) % FAN_OUT_SPREAD_MS)
    }

    /// How many streams are open on this node.
    pub fn open_streams(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// A slot for one more stream at `now`, unless the node has as many as it may or admitted
    /// as many new ones as it may just now.
    fn take_slot(self: &Arc<Self>, now: Instant) -> Result<Slot, NoSlot> {
        let taken = self
            .open
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |open| {
                (open < self.max).then_some(open + 1)
            })
            .is_ok();
        if !taken {
            return Err(NoSlot::Full);
        }
        let slot = Slot(self.clone());
        self.gauge.inc();
        let admitted = self
            .admitting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take(now);
        // Dropping the slot gives it back.
        admitted.then_some(slot).ok_or(NoSlot::TooFast)
    }

    /// The channel of `poll`, starting the task that reads it when nobody watched it yet.
    /// A channel in the map always has its reading task: the task leaves the map, under its lock,
    /// in the same step in which it sees that nobody watches any more.
    fn watch(
        self: &Arc<Self>,
        poll: &PollDefinition,
        site: &SiteState,
    ) -> watch::Receiver<Option<Arc<Snapshot>>> {
        let mut polls = self.polls.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(watched) = polls.get(&poll.id) {
            return watched.snapshots.subscribe();
        }
        let (channel, receiver) = watch::channel(None);
        let news = Arc::new(Notify::new());
        polls.insert(
            poll.id.clone(),
            Watched {
                snapshots: channel.clone(),
                news: news.clone(),
            },
        );
        tokio::spawn(read_every_second(
            self.clone(),
            poll.clone(),
            site.clone(),
            channel,
            news,
        ));
        receiver
    }

    /// Wakes every watched poll's reading at once: the content changed (an editor voided a window,
    /// hid the standing, archived a poll), which the next reading takes in.
    pub fn content_changed(&self) {
        let polls = self.polls.lock().unwrap_or_else(|p| p.into_inner());
        for watched in polls.values() {
            watched.news.notify_one();
        }
    }

    /// Ends the streams of the poll `poll_id` whose reading task has `channel`.
    fn end_streams(&self, poll_id: &str, channel: &Channel) {
        let mut polls = self.polls.lock().unwrap_or_else(|p| p.into_inner());
        forget(&mut polls, poll_id, channel);
    }
}

/// Takes `channel`, a reading task's, out of `polls` unless another task's took its place.
fn forget(polls: &mut HashMap<String, Watched>, poll_id: &str, channel: &Channel) {
    if polls
        .get(poll_id)
        .is_some_and(|kept| kept.snapshots.same_channel(channel))
    {
        polls.remove(poll_id);
    }
}

/// Who may see a poll's standing at `now`: `(anyone, a reader who voted)`.
fn who_sees(poll: &PollDefinition, now: i64) -> (bool, bool) {
    let status = poll.status_at(now);
    (
        poll.results_visible(status, false),
        poll.results_visible(status, true),
    )
}

/// Reads the standing of `poll` a second after the last read, or at once when a vote was stored,
/// and publishes it when it changed, no more often than once a second; until nobody watches any
/// more. A stream was let in by the rule the poll had then (`may_watch`): when the desk hides the
/// standing from someone it showed it to, archives the poll or the content drops it, the task ends
/// and with it every stream of the poll, so that browsers reconnect and are asked again (and
/// refused) instead of being sent what the newsroom took back. Reworded texts are taken as they
/// come.
async fn read_every_second(
    hub: Arc<LiveResults>,
    mut poll: PollDefinition,
    site: SiteState,
    channel: Channel,
    news: Arc<Notify>,
) {
    let mut last_read: Option<Instant> = None;
    let mut last_published: Option<Instant> = None;
    let (mut anyone_saw, mut voters_saw) = who_sees(&poll, site.now());
    let mut read_every = SNAPSHOT_EVERY;
    loop {
        if let Some(read) = last_read {
            tokio::select! {
                _ = tokio::time::sleep_until(read + read_every) => {}
                _ = news.notified() => {}
            }
        }
        if let Some(published) = last_published {
            tokio::time::sleep_until(published + SNAPSHOT_EVERY).await;
        }
        {
            let mut polls = hub.polls.lock().unwrap_or_else(|p| p.into_inner());
            if channel.receiver_count() == 0 {
                forget(&mut polls, &poll.id, &channel);
                break;
            }
        }
        let now = site.now();
        let Some(current) = site.library().poll(&poll.id).map(|(_, kept)| kept.clone()) else {
            hub.end_streams(&poll.id, &channel);
            break;
        };
        let (anyone_sees, voters_see) = who_sees(&current, now);
        if (anyone_saw && !anyone_sees) || (voters_saw && !voters_see) {
            hub.end_streams(&poll.id, &channel);
            break;
        }
        (anyone_saw, voters_saw) = (anyone_sees, voters_see);
        let closed = current.status_at(now) == PollStatus::Closed;
        read_every = if closed {
            CLOSED_READ_EVERY
        } else {
            SNAPSHOT_EVERY
        };
        poll = current;
        last_read = Some(Instant::now());
        // Before the read: the reading holds at least every vote stored by then.
        let read_at = site.clock.unix_millis();
        match site.store.tally(&poll.id, None).await {
            Ok(tally) => {
                let snapshot = Snapshot::of(
                    &PollResults::from_counts(&poll, &tally.counts, tally.voters).read_at(read_at),
                    closed,
                    &site.messages,
                );
                let published = channel.send_if_modified(|current| {
                    let changed = current.as_deref() != Some(&snapshot);
                    if changed {
                        *current = Some(Arc::new(snapshot));
                    }
                    changed
                });
                if published {
                    last_published = Some(Instant::now());
                }
            }
            // The streams keep the last figures; the next second tries again.
            Err(_) => tracing::warn!("a live standing could not be read"),
        }
    }
}

/// A refusal of the stream: the API's JSON error, which the browser's EventSource gives up on.
fn refusal(status: StatusCode, message: &str) -> Response {
    crate::api::results::api_error(status, message)
}

/// Whether a reader may watch the standing: by the rule the page shows it by
/// (`PollDefinition::results_visible`). Only a standing shown to voters alone needs a read, of this
/// reader's own ballot.
async fn may_watch(state: &WebState, poll: &PollDefinition, headers: &HeaderMap) -> Option<bool> {
    let status = poll.status_at(state.now());
    if poll.results_visible(status, false) {
        return Some(true);
    }
    if !poll.results_visible(status, true) {
        return Some(false);
    }
    let Some(voter) = VoterId::from_headers(headers) else {
        return Some(false);
    };
    let tally = state
        .store
        .tally(&poll.id, Some(voter.as_str()))
        .await
        .ok()?;
    Some(!tally.own_choices.is_empty())
}

/// `GET /api/polls/{poll_id}/live[?lang=fr-BE]`.
pub async fn live(
    State(state): State<WebState>,
    AddressPart(poll_id): AddressPart,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (words, poll) = match super::results::asked_poll(&state, &poll_id, &query) {
        Ok(asked) => asked,
        Err((status, message)) => return refusal(status, &message),
    };
    let language = words.language();
    let hub = state.live_results.clone();
    if *hub.closing.borrow() {
        return refusal(StatusCode::SERVICE_UNAVAILABLE, &words.text("restarting"));
    }
    // The slot first: a full node refuses before it reads anything from the store.
    let slot = match hub.take_slot(Instant::now()) {
        Ok(slot) => slot,
        Err(no_slot) => {
            let (shed, wait, message) = match no_slot {
                NoSlot::Full => (Shed::Full, "30", "live-full"),
                NoSlot::TooFast => (Shed::Rate, "5", "live-too-fast"),
            };
            state.admission.count(RequestClass::Streams, shed);
            let mut response = refusal(StatusCode::SERVICE_UNAVAILABLE, &words.text(message));
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static(wait));
            return response;
        }
    };
    match may_watch(&state, &poll, &headers).await {
        Some(true) => {}
        Some(false) => {
            return refusal(StatusCode::FORBIDDEN, &words.text("live-hidden"));
        }
        None => {
            return refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                &words.text("live-unavailable"),
            );
        }
    }
    let last_seen = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let snapshots = hub.watch(&poll, &state.site);
    let phase = hub.next_phase();
    let mut response = Sse::new(events(
        snapshots,
        hub.closing.subscribe(),
        last_seen,
        slot,
        phase,
        language,
    ))
    .keep_alive(KeepAlive::new().interval(HEARTBEAT_EVERY))
    .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, cache_control::no_store());
    // nginx would otherwise hold the events back in its buffer.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// The stream of `standing` events: the snapshot there is now (unless the reader has it), then each
/// new one `phase` after it came (see `FAN_OUT_SPREAD_MS`), until the server shuts down.
fn events(
    mut snapshots: watch::Receiver<Option<Arc<Snapshot>>>,
    closing: watch::Receiver<bool>,
    last_seen: Option<String>,
    slot: Slot,
    phase: Duration,
    language: Language,
) -> impl Stream<Item = Result<Event, Infallible>> {
    snapshots.mark_changed();
    let state = (snapshots, closing, last_seen, slot, true);
    stream::unfold(
        state,
        move |(mut snapshots, mut closing, mut last_seen, slot, mut first)| async move {
            loop {
                if *closing.borrow() {
                    return None;
                }
                tokio::select! {
                    changed = snapshots.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                    }
                    _ = closing.changed() => return None,
                }
                if !first {
                    tokio::select! {
                        () = tokio::time::sleep(phase) => {}
                        _ = closing.changed() => return None,
                    }
                }
                let Some(snapshot) = snapshots.borrow_and_update().clone() else {
                    continue;
                };
                if last_seen.take().is_some_and(|seen| seen == snapshot.id) {
                    // The snapshot a reconnecting reader already has was this stream's first: the
                    // next one waits for its moment like any other, or every reader reconnecting
                    // after a restart would send it at the same instant.
                    first = false;
                    continue;
                }
                let event = Event::default()
                    .event("standing")
                    .id(snapshot.id.clone())
                    .retry(RECONNECT_AFTER)
                    .data(snapshot.data_in(language));
                return Some((Ok(event), (snapshots, closing, last_seen, slot, false)));
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use stembus_poll::ResultRow;

    #[test]
    fn a_snapshot_is_the_standing_as_compact_json_with_a_content_id() {
        let results = PollResults {
            rows: vec![
                ResultRow {
                    key: "ja".into(),
                    label: "Ja".into(),
                    votes: 7,
                    percent: 70,
                },
                ResultRow {
                    key: "nee".into(),
                    label: "Nee".into(),
                    votes: 3,
                    percent: 30,
                },
            ],
            voters: 10,
            read_at_ms: 1_765_000_000_123,
        };
        let messages = Messages::load().unwrap();
        let snapshot = Snapshot::of(&results, false, &messages);
        assert_eq!(
            snapshot.data_in(Language::Dutch),
            r#"{"voters":10,"total":"10 lezers stemden.","options":[{"key":"ja","votes":7,"percent":70,"figures":"70% · 7 stemmen"},{"key":"nee","votes":3,"percent":30,"figures":"30% · 3 stemmen"}],"facts_voters":"Tot nu toe stemden 10 lezers.","read_at":1765000000123}"#
        );
        assert_eq!(
            snapshot.data_in(Language::French),
            "{\"voters\":10,\"total\":\"10 lecteurs ont voté.\",\"options\":[{\"key\":\"ja\",\"votes\":7,\"percent\":70,\"figures\":\"70\u{a0}% · 7 votes\"},{\"key\":\"nee\",\"votes\":3,\"percent\":30,\"figures\":\"30\u{a0}% · 3 votes\"}],\"facts_voters\":\"Jusqu’ici, 10 lecteurs ont voté.\",\"read_at\":1765000000123}"
        );
        assert_eq!(snapshot.id.len(), 16);
        let mut other = results.clone();
        other.voters = 11;
        assert_ne!(Snapshot::of(&other, false, &messages).id, snapshot.id);
    }

    #[test]
    fn readings_of_the_same_figures_are_one_snapshot_whenever_they_were_read() {
        let messages = Messages::load().unwrap();
        let poll = stembus_poll::test_support::poll();
        let counts = [("ja".to_string(), 2), ("nee".to_string(), 1)];
        let results = PollResults::from_counts(&poll, &counts, 3);
        let first = Snapshot::of(&results.clone().read_at(1_000), false, &messages);
        let later = Snapshot::of(&results.clone().read_at(2_000), false, &messages);
        // Published once (the hub sends a snapshot only when it differs), with one id on every
        // node, so that a reconnecting reader is not sent what it has.
        assert_eq!(first, later);
        assert_eq!(first.id, later.id);
        assert_ne!(
            first.data_in(Language::Dutch),
            later.data_in(Language::Dutch),
            "each says when it was read"
        );
        let changed =
            PollResults::from_counts(&poll, &[("ja".to_string(), 1), ("nee".to_string(), 2)], 3);
        assert_ne!(
            Snapshot::of(&changed.read_at(1_000), false, &messages),
            first,
            "a changed vote keeps the count"
        );
    }

    #[test]
    fn streams_send_a_new_standing_at_phases_spread_over_the_spread() {
        let hub = LiveResults::new(10, Gauge::default());
        let phases: Vec<u64> = (0..1_000)
            .map(|_| hub.next_phase().as_millis() as u64)
            .collect();
        assert!(phases.iter().all(|phase| *phase < FAN_OUT_SPREAD_MS));
        // Every tenth of the spread holds about a tenth of the streams.
        for tenth in 0..10 {
            let from = tenth * FAN_OUT_SPREAD_MS / 10;
            let in_it = phases
                .iter()
                .filter(|phase| (from..from + FAN_OUT_SPREAD_MS / 10).contains(*phase))
                .count();
            assert!((80..=120).contains(&in_it), "{tenth}: {in_it}");
        }
    }

    #[test]
    fn slots_are_bounded_and_freed() {
        let hub = LiveResults::new(2, Gauge::default());
        let now = Instant::now();
        let (a, b) = (hub.take_slot(now), hub.take_slot(now));
        assert!(a.is_ok() && b.is_ok());
        assert_eq!(
            hub.take_slot(now).err(),
            Some(NoSlot::Full),
            "a third is refused"
        );
        assert_eq!(hub.gauge.get(), 2);
        drop(a);
        assert_eq!(hub.open_streams(), 1);
        assert!(hub.take_slot(now).is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_reconnected_stream_sends_the_next_standing_at_its_own_moment() {
        use futures_util::StreamExt;
        let hub = LiveResults::admitting(10, Gauge::default(), 10, 10);
        let slot = hub.take_slot(Instant::now()).unwrap();
        let snapshot = |id: &str| {
            Some(Arc::new(Snapshot {
                id: id.to_string(),
                figures: id.to_string(),
                data: vec![(Language::Dutch, format!("{{\"id\":\"{id}\"}}"))],
            }))
        };
        let (publish, snapshots) = watch::channel(snapshot("a"));
        let (_closing, closing) = watch::channel(false);
        let phase = Duration::from_millis(300);
        // A reader reconnecting with the standing it has ("a", its `Last-Event-ID`).
        let mut events = Box::pin(events(
            snapshots,
            closing,
            Some("a".to_string()),
            slot,
            phase,
            Language::Dutch,
        ));
        assert!(
            tokio::time::timeout(Duration::from_secs(1), events.next())
                .await
                .is_err(),
            "nothing it has not seen"
        );
        let published = Instant::now();
        publish.send(snapshot("b")).unwrap();
        assert!(events.next().await.is_some());
        assert!(
            published.elapsed() >= phase,
            "sent {:?} after the change, not at its moment ({phase:?})",
            published.elapsed()
        );
    }

    #[test]
    fn new_streams_are_admitted_at_the_rate_and_a_refused_one_gives_its_slot_back() {
        let hub = LiveResults::admitting(1_000, Gauge::default(), 10, 10);
        let start = Instant::now();
        let admitted: Vec<_> = (0..15).map(|_| hub.take_slot(start)).collect();
        assert_eq!(
            admitted.iter().filter(|slot| slot.is_ok()).count(),
            10,
            "the bucket's size at once"
        );
        assert!(
            admitted[10..]
                .iter()
                .all(|slot| slot.as_ref().err() == Some(&NoSlot::TooFast))
        );
        assert_eq!(hub.open_streams(), 10, "the refused ones hold no slot");
        let later = start + Duration::from_millis(300);
        let refilled = (0..5).filter(|_| hub.take_slot(later).is_ok()).count();
        assert_eq!(refilled, 3, "ten a second: three in 300 ms");
    }
}
