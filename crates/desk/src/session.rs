//! Signing in and staying signed in: the session cookie, its token (only its hash is stored), the
//! per-session form token, the sign-in form's own token, and the limit on failed sign-ins.
//!
//! Sessions live in the database, so every node knows them and removing an editor ends them at
//! once. The limiter is per node and in memory, keyed by a salted hash of the name and of the
//! address (never the address itself), as the vote limiter is.

use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use stembus_site::guard::rate_key;
use stembus_site::voter_cookie::single_cookie;

use stembus_store::desk::SessionLimits;

/// A session ends after an hour without a request, and a working day after sign-in at the latest.
pub const SESSION_LIMITS: SessionLimits = SessionLimits {
    idle: 60 * 60,
    max: 8 * 60 * 60,
};

/// The session cookie: `__Host-` on https (only this host, only secure, path `/`), plain on a
/// developer's http (browsers refuse `__Host-` cookies without https).
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-stembus-redactie"
    } else {
        "stembus-redactie"
    }
}

/// The sign-in form's own cookie, which its hidden field must repeat (a form posted from elsewhere
/// cannot read it).
pub fn sign_in_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-stembus-aanmelden"
    } else {
        "stembus-aanmelden"
    }
}

/// A fresh random token: 32 bytes as hex.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What the database keeps of a session token: a leaked table signs nobody in.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |differ, (x, y)| differ | (x ^ y))
            == 0
}

/// The value of the cookie `name`, when the request carries exactly one well-formed token in it.
pub fn cookie_token(headers: &HeaderMap, name: &str) -> Option<String> {
    let token = single_cookie(headers, name)?;
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then_some(token)
}

/// A `Set-Cookie` for `name` = `value`: HttpOnly, SameSite=Strict, path `/`, secure on https, for
/// `max_age` seconds (0 removes it).
pub fn set_cookie(name: &str, value: &str, https: bool, max_age: i64) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// How many failed sign-ins a name may have within `FAILURE_WINDOW`, and a connection.
const FAILURES_PER_NAME: usize = 5;
const FAILURES_PER_ADDRESS: usize = 20;
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept at most; beyond it the oldest failures are forgotten first.
const MAX_KEYS: usize = 50_000;

/// Failed sign-ins of the last quarter of an hour, per name and per address.
pub struct SignInLimiter {
    key: RandomState,
    failures: Mutex<HashMap<u64, VecDeque<Instant>>>,
}

impl Default for SignInLimiter {
    fn default() -> Self {
        SignInLimiter {
            key: RandomState::new(),
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl SignInLimiter {
    fn keys(&self, name: &str, address: Option<IpAddr>) -> [(u64, usize); 2] {
        [
            (self.key.hash_one(("name", name)), FAILURES_PER_NAME),
            self.address_key(address),
        ]
    }

    fn address_key(&self, address: Option<IpAddr>) -> (u64, usize) {
        (
            self.key.hash_one(("address", address.map(rate_key))),
            FAILURES_PER_ADDRESS,
        )
    }

    /// `Err(seconds)` while `address` has used up its failed sign-ins, counting nothing: asked
    /// before a sign-in's body is read, so that an address which sent its share of failures (slow
    /// bodies among them, `body_too_slow`) holds no sign-in place while a body comes.
    pub fn address_waits(&self, address: Option<IpAddr>, now: Instant) -> Result<(), u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (key, limit) = self.address_key(address);
        match failures.get_mut(&key) {
            Some(times) => wait_for(times, limit, now).map_or(Ok(()), Err),
            None => Ok(()),
        }
    }

    /// A sign-in from `address` whose body did not come within its deadline: a failure of the
    /// address (no name was read). Twenty of them in a quarter of an hour, and the address's next
    /// sign-ins are refused before their bodies: slow bodies sent on purpose hold the few sign-in
    /// places a few seconds, not for as long as they are sent.
    pub fn body_too_slow(&self, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        self.make_room(&mut failures, now);
        let (key, _) = self.address_key(address);
        failures.entry(key).or_default().push_back(now);
    }

    /// Forgets the keys whose failures are all past the window, once there are `MAX_KEYS`.
    fn make_room(&self, failures: &mut HashMap<u64, VecDeque<Instant>>, now: Instant) {
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|at| now.duration_since(*at) < FAILURE_WINDOW)
            });
        }
    }

    /// Begins a sign-in for `name` from `address`, or `Err(seconds)` while the name or the address
    /// has used up its failed attempts: how long until the next is allowed. The attempt counts as a
    /// failure from now on, so sign-ins sent at once cannot all pass this check while their
    /// passwords are still being checked (argon2 takes tens of milliseconds); it is forgotten again
    /// unless `Attempt::failed` says it failed.
    pub fn attempt(
        &self,
        name: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<Attempt<'_>, u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let keys = self.keys(name, address);
        let mut wait = None;
        for (key, limit) in keys {
            if let Some(seconds) = failures
                .get_mut(&key)
                .and_then(|times| wait_for(times, limit, now))
            {
                wait = Some(wait.map_or(seconds, |w: u64| w.max(seconds)));
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        self.make_room(&mut failures, now);
        for (key, _) in keys {
            failures.entry(key).or_default().push_back(now);
        }
        Ok(Attempt {
            limiter: self,
            keys: keys.map(|(key, _)| key),
            at: now,
            failed: false,
        })
    }
}

/// The seconds until a key with the failures `times` may try again, when it has `limit` of them
/// within the window; the failures past the window are forgotten.
fn wait_for(times: &mut VecDeque<Instant>, limit: usize, now: Instant) -> Option<u64> {
    while times
        .front()
        .is_some_and(|at| now.duration_since(*at) >= FAILURE_WINDOW)
    {
        times.pop_front();
    }
    let oldest = times.front().filter(|_| times.len() >= limit)?;
    let left = FAILURE_WINDOW.saturating_sub(now.duration_since(*oldest));
    Some(left.as_secs().max(1))
}

/// A sign-in whose password is being checked, counted among the failures until it is dropped
/// without having failed.
pub struct Attempt<'a> {
    limiter: &'a SignInLimiter,
    keys: [u64; 2],
    at: Instant,
    failed: bool,
}

impl Attempt<'_> {
    /// The password was wrong: the attempt stays counted for the quarter of an hour.
    pub fn failed(mut self) {
        self.failed = true;
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.failed {
            return;
        }
        let mut failures = self
            .limiter
            .failures
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        for key in self.keys {
            if let Some(times) = failures.get_mut(&key) {
                if let Some(index) = times.iter().rposition(|at| *at == self.at) {
                    times.remove(index);
                }
                if times.is_empty() {
                    failures.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_for_a_name_wait_a_quarter_of_an_hour() {
        let limiter = SignInLimiter::default();
        let start = Instant::now();
        let address = Some("192.0.2.1".parse().unwrap());
        for _ in 0..FAILURES_PER_NAME {
            limiter.attempt("an", address, start).unwrap().failed();
        }
        let wait = limiter.attempt("an", address, start).err().unwrap();
        assert_eq!(wait, FAILURE_WINDOW.as_secs());
        assert!(
            limiter.attempt("bert", address, start).is_ok(),
            "another name"
        );
        assert!(
            limiter
                .attempt("an", address, start + FAILURE_WINDOW)
                .is_ok()
        );
    }

    #[test]
    fn sign_ins_sent_at_once_count_before_their_passwords_are_checked() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        let address = Some("192.0.2.1".parse().unwrap());
        let in_flight: Vec<Attempt> = (0..FAILURES_PER_NAME)
            .map(|_| limiter.attempt("an", address, now).unwrap())
            .collect();
        assert!(
            limiter.attempt("an", address, now).is_err(),
            "a sixth while five are being checked"
        );
        drop(in_flight);
        assert!(
            limiter.attempt("an", address, now).is_ok(),
            "attempts that did not fail are forgotten"
        );
    }

    #[test]
    fn a_sign_in_that_succeeds_is_not_counted() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        let address = Some("192.0.2.1".parse().unwrap());
        for _ in 0..FAILURES_PER_NAME * 3 {
            drop(limiter.attempt("an", address, now).unwrap());
        }
        assert!(limiter.attempt("an", address, now).is_ok());
    }

    #[test]
    fn twenty_failures_from_one_address_stop_every_name() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        let address = Some("2001:db8::1".parse().unwrap());
        for n in 0..FAILURES_PER_ADDRESS {
            limiter
                .attempt(&format!("naam{n}"), address, now)
                .unwrap()
                .failed();
        }
        assert!(limiter.attempt("nieuw", address, now).is_err());
        let elsewhere = Some("198.51.100.7".parse().unwrap());
        assert!(limiter.attempt("nieuw", elsewhere, now).is_ok());
    }

    #[test]
    fn tokens_are_random_hex_and_compared_whole() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b));
        assert!(!same_token(&a, &a[..63]));
        assert_ne!(token_hash(&a), a);
    }
}
