//! For other pages and apps: the results API (`/api/polls`) with its OpenAPI document, and the
//! live results stream (`/api/polls/{poll_id}/live`).

pub mod live_results;
pub mod results;
