//! The desk's own address (`desk_listen_address`): the editors' desk, the health checks and the
//! metrics served on a thread and a runtime of their own, so that a node whose readers keep its
//! main runtime busy still answers a load balancer's health check and an editor at once.
//!
//! A second listener rather than a priority inside the one runtime: a request's path is known only
//! once its connection's task has run, and that task waits in the run queue behind every reader's
//! (docs/performance.md measured `/healthz` at p99 195 ms on a full node). A thread of its own is
//! scheduled by the kernel, which gives a thread that mostly sleeps the core soon after its socket
//! becomes readable, however busy the other thread is. The site is the same router with the same
//! budgets (the desk's class keeps its own); only the desk's class and the built files its pages
//! load are served here, so readers sent to this address by mistake cannot fill its runtime: a
//! reader's page asked for here (the site's links on a desk page: the front page, `/privacy`, the
//! feed) is sent on to the same address on the site.

use crate::serve;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use stembus_site::admission::{Admission, RequestClass};
use tokio::sync::oneshot;
use tower::Service;

/// What a request for the site other than a page (a vote, a form) gets on the desk's address.
const NOT_HERE: &str = "Dit adres is er alleen voor de redactie, de gezondheidscontroles en de \
metrics. Lezers vinden de site op haar gewone adres.\n";

/// The desk's listener while it runs; `stop` ends it after the requests in flight.
pub struct DeskListener {
    stop: oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// Serves `app` on `listener` on a thread named `stembus-desk` with a current-thread runtime of its
/// own, passing only the desk's class (as `admission` classes requests) and the built files; a
/// reader's page is redirected to the site at `base_url`; at most `connections` at once.
pub fn spawn<S>(
    listener: std::net::TcpListener,
    app: S,
    connections: serve::ConnectionLimit,
    admission: Arc<Admission>,
    base_url: &str,
) -> std::io::Result<DeskListener>
where
    S: Service<Request<Incoming>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let site: Arc<str> = Arc::from(base_url.trim_end_matches('/'));
    let thread = std::thread::Builder::new()
        .name("stembus-desk".to_string())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::error!(%error, "the desk's address cannot be served");
                        return;
                    }
                };
                let app = DeskOnly {
                    inner: app,
                    admission,
                    site,
                };
                // A dropped sender (the node stopping some other way) stops it too.
                serve::serve(listener, app, connections, async move {
                    let _ = stopped.await;
                })
                .await;
            });
        })?;
    Ok(DeskListener { stop, thread })
}

impl DeskListener {
    /// Stops taking connections, lets the requests in flight finish (as the main listener does),
    /// and returns once the thread has ended.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let thread = self.thread;
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
}

/// Passes the desk's class and the built files (`/pkg/…`, the favicon) its pages load; a reader's
/// page (`GET` or `HEAD`) is redirected to the site, anything else is a 404 that says where readers
/// go.
#[derive(Clone)]
struct DeskOnly<S> {
    inner: S,
    admission: Arc<Admission>,
    /// The site's public address (`base_url`), without a trailing slash.
    site: Arc<str>,
}

fn served_here(admission: &Admission, request: &Request<Incoming>) -> bool {
    let path = request.uri().path();
    matches!(
        admission.class_of(request.method(), path),
        RequestClass::Desk | RequestClass::SignIn | RequestClass::Health
    ) || path.starts_with("/pkg/")
        || path == "/favicon.ico"
}

impl<S> Service<Request<Incoming>> for DeskOnly<S>
where
    S: Service<Request<Incoming>, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request<Incoming>) -> Self::Future {
        let answer = if served_here(&self.admission, &request) {
            return Box::pin(self.inner.call(request));
        } else if matches!(*request.method(), Method::GET | Method::HEAD) {
            to_the_site(&self.site, &request)
        } else {
            not_here(self.site.starts_with("https://"))
        };
        Box::pin(std::future::ready(Ok(answer)))
    }
}

/// A permanent redirect to the same path and query on the site.
fn to_the_site(site: &str, request: &Request<Incoming>) -> Response {
    let https = site.starts_with("https://");
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |path| path.as_str());
    match HeaderValue::try_from(format!("{site}{path}")) {
        Ok(location) => serve::with_refusal_headers(
            (
                StatusCode::PERMANENT_REDIRECT,
                [
                    (header::LOCATION, location),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
            )
                .into_response(),
            https,
        ),
        Err(_) => not_here(https),
    }
}

fn not_here(https: bool) -> Response {
    serve::with_refusal_headers(
        (
            StatusCode::NOT_FOUND,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            NOT_HERE,
        )
            .into_response(),
        https,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};

    fn admission() -> Arc<Admission> {
        let writer = stembus_store::writer::WriterMetrics::default();
        Arc::new(Admission::new(
            Default::default(),
            "/api/stem",
            Arc::new(stembus_site::metrics::Metrics::new("sqlite", &writer, 10)),
        ))
    }

    fn site() -> Router {
        Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route("/redactie", get(|| async { "bureau" }))
            .route("/artikel/x", get(|| async { "artikel" }))
            .route("/pkg/stembus.css", get(|| async { "css" }))
    }

    /// `method path` on a connection of its own; the status line, the head and the body.
    fn ask(address: std::net::SocketAddr, method: &str, path: &str) -> (String, String, String) {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: stembus\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.lines().next().unwrap_or_default().to_string();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
        (status, head.to_string(), body.to_string())
    }

    fn desk_listener() -> (DeskListener, std::net::SocketAddr) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let admission = admission();
        let messages = stembus_messages::Messages::load().unwrap();
        let busy = Arc::new(serve::BusyPages::new(&messages));
        let connections = serve::ConnectionLimit::new(8, admission.clone(), busy);
        let desk = spawn(
            listener,
            site(),
            connections,
            admission,
            "https://nieuws.example.be/",
        )
        .unwrap();
        (desk, address)
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_health_check_answers_while_the_readers_runtime_is_stuck() {
        let (desk, address) = desk_listener();
        let asked = std::thread::spawn(move || {
            let (status, _, body) = ask(address, "GET", "/healthz");
            (status, body, Instant::now())
        });
        // This test's runtime stands for the node's main one, kept busy by readers: it does not
        // get to poll anything for two seconds.
        std::thread::sleep(Duration::from_secs(2));
        let unstuck = Instant::now();
        let (status, body, answered) = asked.join().unwrap();
        assert!(status.contains("200"), "{status}");
        assert_eq!(body, "ok");
        assert!(
            answered < unstuck,
            "answered only once the main runtime ran again"
        );
        desk.stop().await;
    }

    #[tokio::test]
    async fn the_desk_and_its_files_are_served_there_and_a_readers_page_is_sent_to_the_site() {
        let (desk, address) = desk_listener();
        let answers = tokio::task::spawn_blocking(move || {
            [
                ask(address, "GET", "/redactie"),
                ask(address, "GET", "/pkg/stembus.css"),
                ask(address, "GET", "/artikel/x?keuze=ja"),
                ask(address, "POST", "/api/stem"),
            ]
        })
        .await
        .unwrap();
        assert!(
            answers[0].0.contains("200") && answers[0].2 == "bureau",
            "{answers:?}"
        );
        assert!(answers[1].0.contains("200"), "{answers:?}");
        let (status, head, _) = &answers[2];
        assert!(status.contains("308"), "{answers:?}");
        assert!(
            head.contains("location: https://nieuws.example.be/artikel/x?keuze=ja"),
            "{head}"
        );
        let (status, not_here, body) = &answers[3];
        assert!(status.contains("404"), "{answers:?}");
        assert!(body.contains("alleen voor de redactie"), "{body}");
        for head in [head, not_here] {
            assert!(
                head.contains("x-content-type-options: nosniff")
                    && head.contains("content-security-policy: default-src 'none'")
                    && head.contains("strict-transport-security: max-age="),
                "the security headers, HSTS for an https site: {head}"
            );
        }
        desk.stop().await;
        assert!(
            std::net::TcpStream::connect(address).is_err(),
            "stopped: the address is closed"
        );
    }
}
