//! Keeping the site up: the serve loop (connections, deadlines, the peer address), the desk's own
//! address on a runtime of its own, health checks for load balancers, and the endpoint an
//! operator's Prometheus scrapes (the registry every room counts into is the site's).

pub mod desk_listener;
pub mod health;
pub mod metrics;
pub mod serve;

use axum::Router;
use axum::routing::get;
use stembus_site::state::SiteState;

/// The operators' addresses: `/healthz`, `/readyz` and `/metrics`.
pub fn routes() -> Router<SiteState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::endpoint))
}
