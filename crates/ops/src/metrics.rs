//! `GET /metrics`: the registry's figures for the addresses allowed to read them, in the
//! OpenMetrics or the classic Prometheus text format. The registry itself is `stembus_site::metrics`,
//! which every room counts into.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use stembus_site::cache_control;
use stembus_site::client_address::ClientAddress;
use stembus_site::state::SiteState;

/// `GET /metrics`, for the addresses in `metrics_allow` only (a client behind the trusted proxy is
/// known by its forwarded address, so the proxy cannot open it to the world).
pub async fn endpoint(
    State(state): State<SiteState>,
    ClientAddress(client): ClientAddress,
    request: Request,
) -> Response {
    let allowed = client.is_some_and(|client| state.settings.metrics_allow.contains(&client));
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            [(header::CACHE_CONTROL, cache_control::no_store())],
            "Alleen voor de beheerders van deze site.",
        )
            .into_response();
    }
    let wants_openmetrics = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("application/openmetrics-text"));
    let openmetrics = state.metrics.render();
    let (content_type, body) = if wants_openmetrics {
        (
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            openmetrics,
        )
    } else {
        (
            "text/plain; version=0.0.4; charset=utf-8",
            classic_text_format(&openmetrics),
        )
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, cache_control::no_store()),
        ],
        body,
    )
        .into_response()
}

/// The classic Prometheus text format of an OpenMetrics text: a counter's `HELP` and `TYPE` name its
/// samples (`…_total`), and there is no `# EOF` or `# UNIT`.
fn classic_text_format(openmetrics: &str) -> String {
    let counters: Vec<&str> = openmetrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.strip_suffix(" counter"))
        .collect();
    let mut text = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(&name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        text.push_str(renamed.as_deref().unwrap_or(line));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_classic_format_names_counters_by_their_samples() {
        let openmetrics = "# HELP x_votes Votes.\n# TYPE x_votes counter\nx_votes_total 3\n# HELP x_depth Depth.\n# TYPE x_depth gauge\nx_depth 1\n# EOF\n";
        assert_eq!(
            super::classic_text_format(openmetrics),
            "# HELP x_votes_total Votes.\n# TYPE x_votes_total counter\nx_votes_total 3\n# HELP x_depth Depth.\n# TYPE x_depth gauge\nx_depth 1\n"
        );
    }
}
