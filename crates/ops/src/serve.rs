//! Serving connections: TCP_NODELAY, deadlines against slow clients, the peer address for the rate
//! limit, a cap on requests in flight, and a stop that lets requests in flight finish.
//!
//! The connection loop is hand-written because hyper-util's `auto::Builder` is the one place that
//! takes the header-read deadline (slowloris), which `axum::serve` does not expose; it also
//! sets TCP_NODELAY and hands each request its peer address.

use axum::Router;
use axum::error_handling::{HandleError, HandleErrorLayer};
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::future::Ready;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::limit::ConcurrencyLimit;
use tower::load_shed::LoadShed;
use tower::timeout::Timeout;
use tower::{BoxError, Service, ServiceBuilder, ServiceExt};

/// A client must have sent its request headers within this time (slowloris defence).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A request must be answered within this time, body included, or it gets a 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Requests handled at once; beyond this new ones are shed with a 503 instead of queueing up.
pub const MAX_REQUESTS_IN_FLIGHT: usize = 512;
/// After the stop signal, requests in flight get this long to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The whole site as one service, with the request timeout and the load-shedding cap around it:
/// tower's `Timeout`, `ConcurrencyLimit` and `LoadShed`, whose errors (too slow, too many at once)
/// one handler answers with the same Dutch 503. (tower-http's `TimeoutLayer` would answer a timeout
/// with an empty body, and a shed request still needs this handler.) Around the whole router, not
/// on it: axum's `Router::layer` gives every route its own copy.
pub type Limited =
    HandleError<LoadShed<ConcurrencyLimit<Timeout<Router>>>, fn(BoxError) -> Ready<Response>, ()>;

/// `app` with the limits of `Limited`.
pub fn with_limits(app: Router) -> Limited {
    ServiceBuilder::new()
        .layer(HandleErrorLayer::new(
            answer_limit_error as fn(BoxError) -> Ready<Response>,
        ))
        .load_shed()
        .concurrency_limit(MAX_REQUESTS_IN_FLIGHT)
        .timeout(REQUEST_TIMEOUT)
        .service(app)
}

/// The answer to a request the limits stopped.
fn answer_limit_error(error: BoxError) -> Ready<Response> {
    if error.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!("a request took longer than {REQUEST_TIMEOUT:?}");
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        tracing::warn!("shedding a request: too many in flight");
    } else {
        tracing::error!(%error, "a request failed in the service layers");
    }
    std::future::ready(busy())
}

/// A 503 with `Retry-After` and a short Dutch text. No vote is acknowledged by it: a shed vote was not
/// stored, and a timed-out one that the writer still commits counts once when the reader sends it again.
fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, HeaderValue::from_static("5")),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
        ],
        "Het is erg druk. Probeer het over enkele seconden opnieuw.",
    )
        .into_response()
}

/// Accepts connections on `listener` and serves `app` on them until `stop` completes, then waits
/// (at most `DRAIN_TIMEOUT`) for the requests in flight.
pub async fn serve<S>(listener: TcpListener, app: S, stop: impl Future<Output = ()>)
where
    S: Service<Request<Incoming>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    serve_with_header_timeout(listener, app, stop, HEADER_READ_TIMEOUT).await;
}

/// `serve`, with the deadline for request headers given (tests use a short one).
pub async fn serve_with_header_timeout<S>(
    listener: TcpListener,
    app: S,
    stop: impl Future<Output = ()>,
    header_read_timeout: Duration,
) where
    S: Service<Request<Incoming>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    builder.http2().timer(TokioTimer::new());
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
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that vanished or timed out is no fault of ours; nothing to report upwards.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
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
