//! Keeping the site up: the serve loop (connections, deadlines, the peer address), health checks
//! for load balancers, and the metrics an operator's Prometheus scrapes.

pub(crate) mod health;
pub(crate) mod metrics;
pub mod serve;
