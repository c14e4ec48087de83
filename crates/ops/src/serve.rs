//! Serving connections: TCP_NODELAY, deadlines against slow clients, the peer address for the rate
//! limit, the time each request arrived, a budget of requests in flight per class (the site's
//! `admission`), a bound on connections held at once, and a stop that lets requests in flight
//! finish.
//!
//! The bound on connections keeps descriptors for everything else: a node that readers pushed to
//! its limit on open files could not open the database's files for the next vote's write (SQLite's
//! "unable to open database file") nor accept the next connection. A connection past the bound is
//! still read, so its request is answered properly (the busy page, 503, `Retry-After`), and closed.
//!
//! The connection loop is hand-written because hyper's HTTP/1 builder is the one place that takes
//! the header-read deadline (slowloris), which `axum::serve` does not expose; it also sets
//! TCP_NODELAY and hands each request its peer address.
//!
//! HTTP/1.1 only. The deadline runs from the moment a connection is accepted (and again after
//! every answer, so an idle kept-alive connection goes too): a client that sends nothing, or half a
//! request line, is closed when it passes. hyper-util's `auto::Builder`, used before, first waited
//! without any timer for the 24 bytes that tell HTTP/2's preface from HTTP/1, so a connection that
//! sent nothing (or `PRI * HT`) held its descriptor and its place under the connection bound for
//! good, and one that sent the preface was served as HTTP/2, which has no header deadline and no
//! idle bound. Nothing needs HTTP/2 here: nginx speaks HTTP/1.1 to its upstreams
//! (`deploy/nginx-stembus.conf`), browsers speak HTTP/2 only over TLS, which the node leaves to its
//! proxy, and no test or tool uses cleartext HTTP/2 (h2c). A request that opens with the preface is
//! refused by hyper and its connection closed.

use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use stembus_messages::Messages;
use stembus_poll::language::Language;
use stembus_site::admission::{
    Admission, Admitted, Arrival, BUSY_RETRY_AFTER_SECONDS, RequestClass, Shed,
};
use stembus_site::escape_markup;
use stembus_site::hardening::hardening_headers;
use stembus_site::shell::{language_of_path, page_title};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt};

/// A client must have sent its request headers within this time of connecting, or of its last
/// answer (slowloris defence; also how long an idle kept-alive connection is kept).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A request must be answered within this time, body included, or it gets a 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// After the stop signal, requests in flight get this long to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The whole site as one service, with the request timeout and the budgets per class around it
/// (`AdmitByClass`). Around the whole router, not on it: axum's `Router::layer` gives every route
/// its own copy.
pub type Limited = AdmitByClass<Router>;

/// `app` with the limits of `Limited`, the classes' budgets being `admission`'s, refusing with the
/// busy page in the words of `messages`.
pub fn with_limits(app: Router, admission: Arc<Admission>, messages: &Arc<Messages>) -> Limited {
    AdmitByClass {
        inner: app,
        admission,
        busy: Arc::new(BusyPages::new(messages)),
    }
}

/// Takes a place in the request's class for as long as its answer is being produced, or answers
/// `busy` at once when the class is full; an answer that takes longer than `REQUEST_TIMEOUT` is
/// given up for `busy` too (tokio's timeout in the answer's own future: one place for every
/// refusal, in the language of the page asked for). Votes pass: the vote's door takes their place,
/// as only it can answer a refused vote with the form that sent it.
#[derive(Clone)]
pub struct AdmitByClass<S> {
    inner: S,
    admission: Arc<Admission>,
    busy: Arc<BusyPages>,
}

impl<S> AdmitByClass<S> {
    /// The same for a site served over https (its `base_url`): its refusals carry HSTS too.
    pub fn over_https(mut self, https: bool) -> AdmitByClass<S> {
        Arc::make_mut(&mut self.busy).https = https;
        self
    }

    /// At most `max` connections at once on a listener serving this site, one past them answered
    /// with this site's busy page and counted with its admission.
    pub fn connection_limit(&self, max: usize) -> ConnectionLimit {
        ConnectionLimit::new(max, self.admission.clone(), self.busy.clone())
    }
}

impl<S, B> Service<Request<B>> for AdmitByClass<S>
where
    S: Service<Request<B>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Holding<S::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let path = request.uri().path();
        let class = self.admission.class_of(request.method(), path);
        let busy = self.busy.answer(language_of_path(path));
        match self.admission.admit(class) {
            Ok(place) => Holding::Admitted {
                answer: tokio::time::timeout(REQUEST_TIMEOUT, self.inner.call(request)),
                place: Some(place),
                busy,
            },
            Err(_) => Holding::Refused { busy },
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's answer, holding its place in the class until the answer is there; or the
    /// refusal.
    #[project = HoldingProjection]
    pub enum Holding<F> {
        Admitted { #[pin] answer: tokio::time::Timeout<F>, place: Option<Admitted>, busy: BusyAnswer },
        Refused { busy: BusyAnswer },
    }
}

impl<F> Future for Holding<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: std::pin::Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            HoldingProjection::Admitted {
                answer,
                place,
                busy,
            } => {
                let answer = std::task::ready!(answer.poll(context));
                place.take();
                Poll::Ready(match answer {
                    Ok(answered) => answered,
                    Err(_) => {
                        tracing::warn!("a request took longer than {REQUEST_TIMEOUT:?}");
                        Ok(busy.response())
                    }
                })
            }
            HoldingProjection::Refused { busy } => Poll::Ready(Ok(busy.response())),
        }
    }
}

/// A 503 with `Retry-After` and the short busy page, the same for every class: written once per
/// language at start-up, as a full node must refuse for almost nothing. No vote is acknowledged by
/// it: a refused vote was not stored, and a timed-out one that the writer still commits counts
/// once when the reader sends it again (its idempotency key).
pub struct BusyAnswer {
    page: Bytes,
    https: bool,
}

impl BusyAnswer {
    fn response(&self) -> Response {
        with_refusal_headers(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [
                    (
                        header::RETRY_AFTER,
                        HeaderValue::from(BUSY_RETRY_AFTER_SECONDS),
                    ),
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                self.page.clone(),
            )
                .into_response(),
            self.https,
        )
    }
}

/// The security headers of an answer written here rather than by the router (whose layer sets
/// the site's): the busy page and the desk address's redirects and notices. They load nothing, so
/// their policy allows nothing; they set no `frame-ancestors` and no `X-Frame-Options`, as a
/// refused request from the embed must show in the embedder's frame (the page has no action to
/// trick a reader into).
pub fn with_refusal_headers(mut response: Response, https: bool) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; base-uri 'none'; form-action 'none'"),
    );
    for (name, value) in hardening_headers(https) {
        headers.insert(name, value);
    }
    response
}

/// The busy page in each language: no style sheet or script, which a full node would be asked for
/// next.
#[derive(Clone)]
pub struct BusyPages {
    pages: Vec<(Language, Bytes)>,
    /// Whether the site is served over https (its refusals then carry HSTS).
    https: bool,
}

impl BusyPages {
    pub fn new(messages: &Arc<Messages>) -> BusyPages {
        let pages = Language::ALL
            .into_iter()
            .map(|language| {
                let words = messages.words(language);
                let text = |id: &str| escape_markup(&words.text(id));
                let page = format!(
                    "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
                     <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                     <title>{}</title></head><body><main><h1>{}</h1><p>{}</p></main></body></html>\n",
                    language.tag(),
                    escape_markup(&page_title(&words, &words.text("busy-page-title"))),
                    text("busy-title"),
                    text("busy-text"),
                );
                (language, Bytes::from(page))
            })
            .collect();
        BusyPages {
            pages,
            https: false,
        }
    }

    /// The busy answer for a request for a page in `language`.
    fn answer(&self, language: Language) -> BusyAnswer {
        let page = self
            .pages
            .iter()
            .find(|(of, _)| *of == language)
            .map(|(_, page)| page.clone())
            .unwrap_or_default();
        BusyAnswer {
            page,
            https: self.https,
        }
    }
}

/// How many connections a listener holds at once, and how one past them is answered: the busy
/// page, counted as a refusal of its request's class; a health check is served on it all the same.
#[derive(Clone)]
pub struct ConnectionLimit {
    places: Arc<Semaphore>,
    admission: Arc<Admission>,
    busy: Arc<BusyPages>,
}

impl ConnectionLimit {
    /// At most `max` connections; refusals counted in `admission`'s metrics, answered with `busy`.
    /// A site's own comes from `AdmitByClass::connection_limit`, which shares its busy pages.
    pub(crate) fn new(
        max: usize,
        admission: Arc<Admission>,
        busy: Arc<BusyPages>,
    ) -> ConnectionLimit {
        ConnectionLimit {
            places: Arc::new(Semaphore::new(max)),
            admission,
            busy,
        }
    }

    /// The answer to a request on a connection past the bound, which is then closed.
    fn refuse<B>(&self, request: &Request<B>) -> Response {
        let path = request.uri().path();
        let class = self.admission.class_of(request.method(), path);
        self.admission.count(class, Shed::Connections);
        let mut refused = self.busy.answer(language_of_path(path)).response();
        refused
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        refused
    }
}

/// Hands `request` its peer's address (for the rate limit) and the moment it arrived (for the
/// vote queue's wait).
fn stamp(request: &mut Request<Incoming>, peer: std::net::SocketAddr) {
    request.extensions_mut().insert(ConnectInfo(peer));
    request
        .extensions_mut()
        .insert(Arrival(tokio::time::Instant::now()));
}

/// Accepts connections on `listener`, at most as many at once as `connections` allows, and serves
/// `app` on them until `stop` completes, then waits (at most `DRAIN_TIMEOUT`) for the requests in
/// flight.
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    connections: ConnectionLimit,
    stop: impl Future<Output = ()>,
) where
    S: Service<Request<Incoming>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    serve_with_header_timeout(listener, app, connections, stop, HEADER_READ_TIMEOUT).await;
}

/// `serve`, with the deadline for request headers given (tests use a short one).
pub async fn serve_with_header_timeout<S>(
    listener: TcpListener,
    app: S,
    connections: ConnectionLimit,
    stop: impl Future<Output = ()>,
    header_read_timeout: Duration,
) where
    S: Service<Request<Incoming>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: back off instead of spinning.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // Without TCP_NODELAY every keep-alive response waits on a delayed ACK (~40 ms).
        let _ = stream.set_nodelay(true);
        let Ok(place) = connections.places.clone().try_acquire_owned() else {
            let limit = connections.clone();
            let app = app.clone();
            let refusing = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                let (limit, app) = (limit.clone(), app.clone());
                async move {
                    // A health check is answered all the same: its connection is open already,
                    // and a load balancer must not take a node out because readers filled it.
                    let path = request.uri().path();
                    if limit.admission.class_of(request.method(), path) != RequestClass::Health {
                        return Ok::<_, Infallible>(limit.refuse(&request));
                    }
                    stamp(&mut request, peer);
                    let mut answer = app.oneshot(request).await?;
                    answer
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                    Ok(answer)
                }
            });
            let connection = builder.serve_connection(TokioIo::new(stream), refusing);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                let _ = connection.await;
            });
            continue;
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            stamp(&mut request, peer);
            app.clone().oneshot(request)
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that vanished or timed out is no fault of ours; nothing to report upwards.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(place);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("requests still in flight after {DRAIN_TIMEOUT:?}; stopping anyway");
        }
    }
}
