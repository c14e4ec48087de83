//! The address a request came from, as an extractor: what the vote's rate limit, the desk's
//! sign-in limit and `/metrics` know a client by.

use crate::guard;
use crate::state::SiteState;
use axum::extract::FromRef;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the connection's peer, or, when the peer is the trusted proxy, the
/// address that proxy forwarded (see `guard::client_address`). `None` when the request carries no
/// `ConnectInfo`, which only `ops::serve` inserts (a router test through `oneshot` has none), and
/// when it came from the trusted proxy without a forwarded address that reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The address of a request known by its extensions and headers; for a middleware, which holds
    /// the whole request rather than its parts.
    pub fn of(
        extensions: &Extensions,
        headers: &HeaderMap,
        trusted_proxy: Option<IpAddr>,
    ) -> ClientAddress {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| *peer);
        ClientAddress(guard::client_address(peer, headers, trusted_proxy))
    }
}

/// Never refuses: an unknown address is `ClientAddress(None)`, and each user decides what that
/// means for it.
impl<S> FromRequestParts<S> for ClientAddress
where
    S: Send + Sync,
    SiteState: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ClientAddress, Infallible> {
        Ok(ClientAddress::of(
            &parts.extensions,
            &parts.headers,
            SiteState::from_ref(state).settings.trusted_proxy,
        ))
    }
}
