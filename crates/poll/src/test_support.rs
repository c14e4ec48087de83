//! Fixtures the unit tests share: one sample poll and one way to build request headers.

use crate::{PollDefinition, PollOption, ResultsVisibility};
use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// A single-choice poll "deepseek" with the answers ja, nee and weet-niet (labels in capitals),
/// always open, results after voting.
pub fn poll() -> PollDefinition {
    PollDefinition {
        id: "deepseek".into(),
        question: "Schade?".into(),
        options: ["ja", "nee", "weet-niet"]
            .iter()
            .map(|key| PollOption {
                key: key.to_string(),
                label: key.to_uppercase(),
            })
            .collect(),
        opens: None,
        closes: None,
        max_choices: 1,
        allow_change: false,
        show_results: ResultsVisibility::AfterVote,
        french: None,
    }
}

/// Request headers from `(name, value)` pairs; a name may repeat.
pub fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}
