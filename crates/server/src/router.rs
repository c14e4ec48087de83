//! The HTTP router: the pages from the page table, the vote door, the discovery files, the built
//! files from memory, and the site folder with a Dutch 404 behind them; every response with a
//! request id and the security headers.

use crate::state::AppState;
use any_spawner::Executor;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use stembus_site::metrics;
use stembus_site::render;
use stembus_site::state::SiteState;
use stembus_web::delivery::assets::StaticAssets;
use stembus_web::security_headers;
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnFailure, TraceLayer};

/// The header that carries a request's id, set when the client sent none and echoed in the reply.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole application for `state`.
///
/// Pages are mounted from the page table instead of through `leptos_routes`, which would also give
/// every server function a public address: the vote is the one server function readers reach,
/// through its own door.
pub fn build_router(state: AppState) -> Router {
    // Leptos spawns its rendering tasks on tokio; a second call (another router) is harmless.
    let _ = Executor::init_tokio();
    // Built files are read once, here; pages then name the island's files by their content hash.
    let assets = StaticAssets::load(&state.leptos_options);
    let state = match assets.hashed_output_name() {
        Some(name) => state.with_output_name(name),
        None => state,
    };

    // Each room's routes on its own part of the state.
    let web = state.web();
    let site = state.site();
    let router = stembus_web::routes(&web, &assets)
        .with_state(web)
        .merge(stembus_desk::routes(&site).with_state(site.clone()))
        .merge(stembus_ops::routes().with_state(site.clone()))
        .fallback(render::not_found::<SiteState>(site.messages.clone()).with_state(site));
    // One `layer` call for all of them: each call boxes every route once more, and a boxed route
    // is cloned on every request (issue 14 measured it). They run per route, after the routing,
    // so the request counter knows the route's pattern.
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, NodeRequestIds::new()))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    // A 5xx is not logged as an error here: a full node answers thousands of 503s a
                    // second (counted in /metrics), and a fault is logged where it happens, with
                    // its cause.
                    .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(security_headers::security_headers_layer(
                &state.leptos_options,
                &state.settings,
            ))
            .layer(metrics::CountRequestsLayer::new(state.metrics.clone())),
    )
}

/// Request ids unique across nodes without a system call per request (a UUID v4 asks the kernel
/// for randomness each time): a random prefix drawn once per router, then a counter.
#[derive(Clone)]
struct NodeRequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl NodeRequestIds {
    fn new() -> NodeRequestIds {
        let mut bytes = [0u8; 6];
        let _ = getrandom::fill(&mut bytes);
        let prefix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        NodeRequestIds {
            prefix: prefix.into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for NodeRequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}-{n:x}", self.prefix);
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// A request's span: its id, method and path. Never the query string, the client's address or a
/// cookie: none of those belongs in a log.
fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id,
        method = %request.method(),
        path = request.uri().path(),
    )
}
