//! For other pages and apps: the results API (`/api/polls`) with its OpenAPI document, the live
//! results stream (`/api/polls/{poll_id}/live`), the image that counts a poll's views
//! (`/api/polls/{poll_id}/seen.gif`), and the standing as a picture
//! (`/api/polls/{poll_id}/standing.png`).

pub mod live_results;
pub mod results;
pub mod seen;
pub mod standing_picture;
