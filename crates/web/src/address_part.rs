//! The one variable part of a reader's address (`/api/polls/{poll_id}`, `/embed/{poll_id}`,
//! `/sitemap/{file}`), read so that an address that does not read is that route's own "not found".
//!
//! axum's `Path` refuses a segment that is not UTF-8 once decoded (`/embed/%FF`) with a 400 and a
//! line of English naming the route's parameter, which is neither the API's JSON, the embed's page
//! in the reader's language, nor anything a reader should see. No poll and no sitemap file has such
//! a name, so here it reads as the empty name, which none has either, and each route answers it as
//! it answers any name it does not know.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use std::convert::Infallible;

/// The route's one parameter, or `""` when the address does not read.
pub struct AddressPart(pub String);

impl<S: Send + Sync> FromRequestParts<S> for AddressPart {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<AddressPart, Infallible> {
        let read = <Path<String> as FromRequestParts<S>>::from_request_parts(parts, state).await;
        Ok(AddressPart(read.map(|Path(part)| part).unwrap_or_default()))
    }
}
