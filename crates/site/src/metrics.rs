//! What an operator's Prometheus scrapes at `GET /metrics`: votes by outcome, the writer's queue
//! beside its capacity, batches and commit latency, HTTP requests by route and status with their
//! latency, the page cache (pages from memory against pages rendered), open live streams beside
//! the node's maximum, the rate limit, and the engine. prometheus-client keeps every metric in a
//! registry owned by the state (no global recorder) and writes the OpenMetrics text format; a
//! scraper that does not ask for that (promtool, curl, an older Prometheus) gets the classic text
//! format 0.0.4, which differs only in its counters' names and the closing `# EOF`.

use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use stembus_poll::error::AppError;
use stembus_store::writer::{QUEUE_CAPACITY, WriterMetrics};
use tower::{Layer, Service};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VoteLabels {
    outcome: &'static str,
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: RouteName,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: RouteName,
}

/// A request's route as a label: the router's own pattern, shared rather than copied per request,
/// or `other` for a request no route matched.
#[derive(Clone, Debug)]
pub enum RouteName {
    Matched(MatchedPath),
    Other,
}

impl RouteName {
    fn as_str(&self) -> &str {
        match self {
            RouteName::Matched(path) => path.as_str(),
            RouteName::Other => "other",
        }
    }
}

impl PartialEq for RouteName {
    fn eq(&self, other: &RouteName) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RouteName {}

impl std::hash::Hash for RouteName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for RouteName {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ShedLabels {
    class: &'static str,
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EngineLabels {
    engine: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_1, 2.0, 18))
}

/// How often a page was answered from memory (`hits`) or rendered (`misses`: for the cache, or
/// for one voter's request it could not keep). Clones share the counts; a cache that nobody reports
/// on counts into its own.
#[derive(Clone, Default)]
pub struct LookupCounters {
    pub hits: Counter,
    pub misses: Counter,
}

/// Every metric of the site, and the registry that writes them out.
pub struct Metrics {
    registry: Registry,
    votes: Family<VoteLabels, Counter>,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    page_cache: Family<CacheLabels, Counter>,
    rate_limited: Counter,
    shed: Family<ShedLabels, Counter>,
    /// Open live-result streams; the stream hub moves it.
    pub live_streams: Gauge,
}

impl Metrics {
    /// The site's metrics, with the store's writer figures, the engine's name and the most
    /// live-result streams this node holds.
    pub fn new(engine: &'static str, writer: &WriterMetrics, live_streams_max: u32) -> Metrics {
        let mut registry = Registry::with_prefix("stembus");
        let votes = Family::<VoteLabels, Counter>::default();
        registry.register(
            "votes",
            "Votes answered, by outcome (acknowledged or refused) and the reason of a refusal",
            votes.clone(),
        );
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            latency.clone(),
        );
        let page_cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "page_cache_lookups",
            "Article pages answered from memory (hit) or rendered (miss), shared and voters' pages",
            page_cache.clone(),
        );
        let rate_limited = Counter::default();
        registry.register(
            "rate_limited_votes",
            "Votes slowed by the per-client rate limit (429)",
            rate_limited.clone(),
        );
        let shed = Family::<ShedLabels, Counter>::default();
        registry.register(
            "shed_requests",
            "Requests a full node refused (503), by class (pages, votes, streams, desk, sign_in, health) and reason (full, queue, rate)",
            shed.clone(),
        );
        registry.register(
            "writer_queue_depth",
            "Votes waiting for the store's writer",
            writer.queue_depth.clone(),
        );
        // The headroom an operator watches as an article takes off: each figure beside its bound.
        let queue_capacity = Gauge::<i64>::default();
        queue_capacity.set(QUEUE_CAPACITY as i64);
        registry.register(
            "writer_queue_capacity",
            "Votes the store's writer queues at most; beyond it a vote is refused (503)",
            queue_capacity,
        );
        registry.register(
            "commit_batch_size",
            "Votes committed together in one transaction",
            writer.batch_size.clone(),
        );
        registry.register(
            "commit_duration_seconds",
            "Time to write and commit one batch of votes",
            writer.commit_seconds.clone(),
        );
        let live_streams = Gauge::default();
        registry.register(
            "live_streams",
            "Live-result streams open on this node",
            live_streams.clone(),
        );
        let streams_max = Gauge::<i64>::default();
        streams_max.set(i64::from(live_streams_max));
        registry.register(
            "live_streams_max",
            "Live-result streams this node holds at most (from its limit on open files unless set)",
            streams_max,
        );
        let engines = Family::<EngineLabels, Gauge>::default();
        engines.get_or_create(&EngineLabels { engine }).set(1);
        registry.register("engine", "The storage engine in use (1)", engines);
        Metrics {
            registry,
            votes,
            requests,
            latency,
            page_cache,
            rate_limited,
            shed,
            live_streams,
        }
    }

    /// A vote that was stored, or found stored (its answer says so).
    pub fn vote_acknowledged(&self) {
        self.votes
            .get_or_create(&VoteLabels {
                outcome: "acknowledged",
                reason: "",
            })
            .inc();
    }

    /// A vote that was refused with `error`.
    pub fn vote_refused(&self, error: AppError) {
        self.votes
            .get_or_create(&VoteLabels {
                outcome: "refused",
                reason: reason(error),
            })
            .inc();
        if error == AppError::TooManyRequests {
            self.rate_limited.inc();
        }
    }

    /// A request of `class` the node refused for `reason` (see `admission`).
    pub fn request_shed(&self, class: &'static str, reason: &'static str) {
        self.shed.get_or_create(&ShedLabels { class, reason }).inc();
    }

    /// The page cache's hit and miss counters, for `PageCache::counted`: the two series of
    /// `page_cache_lookups`.
    pub fn page_cache_counters(&self) -> LookupCounters {
        let counter = |result| {
            self.page_cache
                .get_or_create(&CacheLabels { result })
                .clone()
        };
        LookupCounters {
            hits: counter("hit"),
            misses: counter("miss"),
        }
    }

    /// The metrics in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if encode(&mut text, &self.registry).is_err() {
            tracing::error!("encoding the metrics failed");
        }
        text
    }
}

fn reason(error: AppError) -> &'static str {
    match error {
        AppError::NotFound => "not_found",
        AppError::UnknownPoll => "unknown_poll",
        AppError::InvalidChoice => "invalid_choice",
        AppError::TooManyChoices => "too_many_choices",
        AppError::PollClosed => "poll_closed",
        AppError::PollArchived => "poll_archived",
        AppError::InvalidInput => "invalid_input",
        AppError::PayloadTooLarge => "payload_too_large",
        AppError::CrossSite => "cross_site",
        AppError::TooManyRequests => "too_many_requests",
        AppError::Unavailable => "unavailable",
        AppError::Busy => "busy",
        AppError::Internal => "internal",
        AppError::CookiesBlocked => "cookies_blocked",
        AppError::NotSignedIn => "not_signed_in",
        AppError::SignInRefused => "sign_in_refused",
        AppError::TooManySignIns => "too_many_sign_ins",
        AppError::FormExpired => "form_expired",
        AppError::FormTooSlow => "form_too_slow",
        AppError::ForeignForm => "foreign_form",
        AppError::InvalidField => "invalid_field",
    }
}

/// Counts every request by its route (the pattern, never the address asked for) and status, and
/// times it: a tower layer on the router, inside the routing so that the matched pattern is known.
/// Hand-written rather than `axum::middleware::from_fn`, which clones the inner service and its
/// state on every request and boxes a future (issue 14: a tenth of the shared page's time).
#[derive(Clone)]
pub struct CountRequestsLayer {
    metrics: Arc<Metrics>,
}

impl CountRequestsLayer {
    pub fn new(metrics: Arc<Metrics>) -> CountRequestsLayer {
        CountRequestsLayer { metrics }
    }
}

impl<S> Layer<S> for CountRequestsLayer {
    type Service = CountRequests<S>;

    fn layer(&self, inner: S) -> CountRequests<S> {
        CountRequests {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

/// The service `CountRequestsLayer` wraps around each route.
#[derive(Clone)]
pub struct CountRequests<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

impl<S> Service<Request> for CountRequests<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Counted<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let route = match request.extensions().get::<MatchedPath>() {
            Some(path) => RouteName::Matched(path.clone()),
            None => RouteName::Other,
        };
        Counted {
            inner: self.inner.call(request),
            started: Instant::now(),
            route: Some(route),
            metrics: self.metrics.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's answer, counted and timed when it is ready.
    pub struct Counted<F> {
        #[pin]
        inner: F,
        started: Instant,
        route: Option<RouteName>,
        metrics: Arc<Metrics>,
    }
}

impl<F, E> Future for Counted<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        if let (Ok(response), Some(route)) = (&result, this.route.take()) {
            let metrics = &this.metrics;
            metrics
                .latency
                .get_or_create(&RouteLabels {
                    route: route.clone(),
                })
                .observe(this.started.elapsed().as_secs_f64());
            metrics
                .requests
                .get_or_create(&RequestLabels {
                    route,
                    status: response.status().as_u16(),
                })
                .inc();
        }
        Poll::Ready(result)
    }
}
