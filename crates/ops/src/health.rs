//! Health for operators and load balancers: `/healthz` (the process answers) and `/readyz` (a vote
//! could be stored right now). Neither is cached or rate limited, and neither logs per request.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use stembus_site::cache_control;
use stembus_site::state::SiteState;

/// A readiness check that takes longer than this counts as not ready: a load balancer asks often
/// and must not pile up waiting checks.
const READY_DEADLINE: Duration = Duration::from_secs(3);

/// `GET /healthz`: 200 whenever the process answers at all.
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok".to_string())
}

/// `GET /readyz`: 200 when the store takes a vote right now (its writer runs, the database is
/// reachable and takes writes), else 503 with a short reason, e.g. during a PostgreSQL failover.
pub async fn readyz(State(state): State<SiteState>) -> Response {
    match tokio::time::timeout(READY_DEADLINE, state.store.check_ready()).await {
        Ok(Ok(())) => plain(StatusCode::OK, "ready".to_string()),
        Ok(Err(reason)) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {reason}"),
        ),
        Err(_) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the store did not answer in time".to_string(),
        ),
    }
}

fn plain(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, cache_control::no_store()),
        ],
        body,
    )
        .into_response()
}
