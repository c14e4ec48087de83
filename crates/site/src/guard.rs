//! What keeps scripted and cross-site votes out: a same-site check and a per-client rate limit that
//! never stores or logs an IP address.

use axum::http::{HeaderMap, header};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use stembus_poll::error::AppError;

/// Refuses a vote a browser sent from another site: `Sec-Fetch-Site: cross-site`, an `Origin` of
/// `null`, or an `Origin` that is neither the configured site nor the host the request was sent to.
/// A request with neither header is a non-browser client; the other defences deal with those.
pub fn check_same_site(headers: &HeaderMap, base_url: &str) -> Result<(), AppError> {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return Err(AppError::CrossSite);
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let authority = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, authority)| authority)
        .ok_or(AppError::CrossSite)?;
    let configured = base_url.split_once("://").map(|(_, authority)| authority);
    let requested = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok());
    if Some(authority) == configured || Some(authority) == requested {
        Ok(())
    } else {
        Err(AppError::CrossSite)
    }
}

/// The address a vote comes from: the peer, or, when the peer is the configured proxy, the last
/// address that proxy added to `X-Forwarded-For` (earlier entries are the client's own claims).
/// That entry may carry a port (`203.0.113.7:5555`, `[2001:db8::1]:443`), as some proxies write it.
///
/// From the proxy, a last entry that is missing or does not read (`unknown`, an obfuscated name,
/// garbage) makes the client unknown (`None`), never the proxy itself: the proxy's address is in
/// `metrics_allow` when it runs on the node's host (127.0.0.1), and taking it would open
/// `/metrics` to anyone whose request it forwards that way, and put every such reader in one rate
/// limit bucket and one sign-in key with the proxy. Unknown clients share a key of their own
/// instead (`RateLimiter::check`, the desk's sign-in limit), apart from every reader's, and are
/// never in `metrics_allow`. The first time it happens the log says so, without the header's value.
///
/// In its canonical form: on a dual-stack listener (`[::]:3000`) an IPv4 peer arrives mapped into
/// IPv6 (`::ffff:127.0.0.1`), which would never equal a `trusted_proxy` or `metrics_allow` written
/// as the IPv4 address it is.
pub fn client_address(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trusted_proxy: Option<IpAddr>,
) -> Option<IpAddr> {
    let peer = peer?.ip().to_canonical();
    if Some(peer) != trusted_proxy.map(|proxy| proxy.to_canonical()) {
        return Some(peer);
    }
    // The last header's last entry: headers sent twice are one list, in order.
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(forwarded_address);
    if forwarded.is_none() && !UNREADABLE_FORWARD_LOGGED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            "a request from trusted_proxy had no readable X-Forwarded-For: it counts as from an \
             unknown client (no /metrics, one shared rate limit); does the proxy set the header?"
        );
    }
    forwarded
}

/// Whether `client_address` has logged an unreadable forwarded address yet: once a process is
/// enough to point at the proxy's configuration, and a log line per request is not.
static UNREADABLE_FORWARD_LOGGED: AtomicBool = AtomicBool::new(false);

/// An entry of `X-Forwarded-For`: an address, or an address with a port (`ip:port`, `[v6]:port`),
/// or a bracketed IPv6 address; anything else is `None`.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address = entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|with_port| with_port.ip()))
        .ok()
        .or_else(|| {
            let bracketed = entry.strip_prefix('[')?.strip_suffix(']')?;
            bracketed.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
        })?;
    Some(address.to_canonical())
}

/// The part of a client's address that the rate limit keys on: an IPv4 address whole (also when it
/// arrives mapped into IPv6), an IPv6 address by its /64, since one subscriber is handed a whole /64
/// and could otherwise spread a burst over 2^64 addresses.
pub fn rate_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & (u128::MAX << 64);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

/// A token bucket per client (see `rate_key`), keyed by a keyed hash of its address. The key is random and replaced
/// every day (with all buckets), so no address, nor a stable stand-in for one, is kept longer.
/// Readers behind one shared address still vote: the limit slows bursts, it does not count votes.
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    state: Mutex<LimiterState>,
}

struct LimiterState {
    day: i64,
    key: RandomState,
    buckets: HashMap<u64, Bucket>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Buckets beyond this are pruned of the ones that have filled up again, bounding memory under a
/// flood of distinct addresses.
const MAX_BUCKETS: usize = 100_000;

impl RateLimiter {
    /// Allows `burst` votes at once per client, refilled at `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> RateLimiter {
        RateLimiter {
            burst: f64::from(burst),
            per_second: f64::from(per_minute) / 60.0,
            state: Mutex::new(LimiterState {
                day: i64::MIN,
                key: RandomState::new(),
                buckets: HashMap::new(),
            }),
        }
    }

    /// Takes one vote from the client's bucket, or says in how many seconds one will be there.
    /// Votes whose client is unknown share one bucket.
    pub fn check(&self, client: Option<IpAddr>, now: Instant, unix_day: i64) -> Result<(), u64> {
        let Ok(mut state) = self.state.lock() else {
            return Ok(());
        };
        if state.day != unix_day {
            state.day = unix_day;
            state.key = RandomState::new();
            state.buckets.clear();
        }
        let id = state.key.hash_one(client.map(rate_key));
        if state.buckets.len() >= MAX_BUCKETS {
            let (burst, rate) = (self.burst, self.per_second);
            state.buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * rate < burst
            });
        }
        let bucket = state.buckets.entry(id).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let refilled = now.duration_since(bucket.updated).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refilled).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use stembus_poll::test_support::headers;

    const SITE: &str = "https://nieuws.example.be";

    #[test]
    fn same_site_votes_and_non_browser_clients_pass() {
        assert!(check_same_site(&headers(&[]), SITE).is_ok());
        assert!(check_same_site(&headers(&[("origin", SITE)]), SITE).is_ok());
        assert!(check_same_site(&headers(&[("sec-fetch-site", "same-origin")]), SITE).is_ok());
        let local = headers(&[
            ("origin", "http://localhost:3000"),
            ("host", "localhost:3000"),
        ]);
        assert!(
            check_same_site(&local, SITE).is_ok(),
            "same origin as the request's host"
        );
    }

    #[test]
    fn cross_site_votes_are_refused() {
        for case in [
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("origin", "https://kwaadwillig.example")]),
            headers(&[
                ("origin", "https://kwaadwillig.example"),
                ("host", "nieuws.example.be"),
            ]),
            headers(&[("origin", "null")]),
            headers(&[("origin", "https://nieuws.example.be.kwaad.example")]),
        ] {
            assert_eq!(
                check_same_site(&case, SITE),
                Err(AppError::CrossSite),
                "{case:?}"
            );
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_the_trusted_proxy() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 5.6.7.8")]);
        assert_eq!(client_address(Some(peer), &spoofed, None), Some(peer.ip()));
        let proxy = Some("10.0.0.1".parse().unwrap());
        assert_eq!(
            client_address(Some(peer), &spoofed, proxy),
            Some("5.6.7.8".parse().unwrap())
        );
        assert_eq!(client_address(None, &spoofed, proxy), None);
    }

    #[test]
    fn a_forwarded_address_with_a_port_is_that_address() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let proxy = Some("127.0.0.1".parse().unwrap());
        for (forwarded, expected) in [
            ("203.0.113.7:5555", "203.0.113.7"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            (" 2001:db8::1 ", "2001:db8::1"),
            ("[::ffff:203.0.113.7]:80", "203.0.113.7"),
            ("198.51.100.1, 203.0.113.7:5555", "203.0.113.7"),
        ] {
            assert_eq!(
                client_address(
                    Some(peer),
                    &headers(&[("x-forwarded-for", forwarded)]),
                    proxy
                ),
                Some(expected.parse().unwrap()),
                "{forwarded}"
            );
        }
    }

    #[test]
    fn from_the_proxy_a_missing_or_unreadable_forwarded_address_is_unknown_never_the_proxy() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let proxy = Some("127.0.0.1".parse().unwrap());
        assert_eq!(client_address(Some(peer), &headers(&[]), proxy), None);
        for forwarded in [
            "unknown",
            "",
            "_hidden",
            "203.0.113.7, ",
            "203.0.113.7, unknown",
            "203.0.113.7:99999",
            "2001:db8::1]:443",
            "[203.0.113.7]",
            "203.0.113.7 junk",
        ] {
            assert_eq!(
                client_address(
                    Some(peer),
                    &headers(&[("x-forwarded-for", forwarded)]),
                    proxy
                ),
                None,
                "{forwarded:?}"
            );
        }
        let twice = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-for", "unknown"),
        ]);
        assert_eq!(
            client_address(Some(peer), &twice, proxy),
            None,
            "the last header holds the last entry"
        );
    }

    #[test]
    fn on_a_dual_stack_listener_an_ipv4_peer_is_its_ipv4_address() {
        // `listen_address = "[::]:3000"`: nginx on 127.0.0.1 arrives as ::ffff:127.0.0.1.
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        let forwarded = headers(&[("x-forwarded-for", "::ffff:203.0.113.7")]);
        let proxy = Some("127.0.0.1".parse().unwrap());
        assert_eq!(
            client_address(Some(mapped), &forwarded, proxy),
            Some("203.0.113.7".parse().unwrap()),
            "the proxy is known, and the reader's address is IPv4 too"
        );
        assert_eq!(
            client_address(Some(mapped), &headers(&[]), None),
            Some("127.0.0.1".parse().unwrap()),
            "as metrics_allow writes it"
        );
    }

    #[test]
    fn a_burst_is_allowed_then_slowed_then_refilled() {
        let limiter = RateLimiter::new(3, 60);
        let client = Some("192.0.2.7".parse().unwrap());
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(client, start, 1), Ok(()));
        }
        assert_eq!(limiter.check(client, start, 1), Err(1));
        let other = Some("192.0.2.8".parse().unwrap());
        assert_eq!(
            limiter.check(other, start, 1),
            Ok(()),
            "another client has its own bucket"
        );
        assert_eq!(
            limiter.check(client, start + Duration::from_secs(1), 1),
            Ok(())
        );
    }

    #[test]
    fn a_new_day_brings_a_new_key_and_empty_buckets() {
        let limiter = RateLimiter::new(1, 1);
        let client = Some("192.0.2.7".parse().unwrap());
        let now = Instant::now();
        assert_eq!(limiter.check(client, now, 1), Ok(()));
        assert!(limiter.check(client, now, 1).is_err());
        assert_eq!(limiter.check(client, now, 2), Ok(()));
    }

    #[test]
    fn one_ipv6_network_shares_a_bucket_and_ipv4_is_keyed_whole() {
        let limiter = RateLimiter::new(2, 1);
        let now = Instant::now();
        let in_network = |host: &str| Some(format!("2001:db8:aa:bb:{host}").parse().unwrap());
        assert_eq!(limiter.check(in_network("1:2:3:4"), now, 1), Ok(()));
        assert_eq!(limiter.check(in_network("ffff:0:0:9"), now, 1), Ok(()));
        assert!(
            limiter.check(in_network("dead:beef:0:1"), now, 1).is_err(),
            "another address in the same /64 draws on the same bucket"
        );
        let next_network = Some("2001:db8:aa:bc::1".parse().unwrap());
        assert_eq!(
            limiter.check(next_network, now, 1),
            Ok(()),
            "the next /64 is another client"
        );
        let a: Option<IpAddr> = Some("192.0.2.1".parse().unwrap());
        let b: Option<IpAddr> = Some("192.0.2.2".parse().unwrap());
        for _ in 0..2 {
            assert_eq!(limiter.check(a, now, 1), Ok(()));
        }
        assert_eq!(
            limiter.check(b, now, 1),
            Ok(()),
            "IPv4 neighbours are apart"
        );
    }

    #[test]
    fn the_rate_key_is_the_ipv4_address_or_the_ipv6_network() {
        let key = |text: &str| rate_key(text.parse().unwrap()).to_string();
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(
            key("::ffff:192.0.2.7"),
            "192.0.2.7",
            "IPv4 mapped into IPv6"
        );
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2::"), "2001:db8:1:2::");
    }
}
