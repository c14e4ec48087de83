//! Log lines never hold a reader's address, voter id or cookie. The site runs under the production
//! log subscriber (JSON, at debug level, more than production's info), every line is captured, and
//! votes, pages and refusals with cookies and addresses go through it.

use crate::common::{ARTICLE, TestSite, VOTE_PATH, vote_body};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use stembus_server::startup::log_subscriber;
use stembus_site::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Every log line written, in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

const READER_ID: &str = "0123456789abcdef0123456789abcdef";
const FORWARDED_CLIENT: &str = "203.0.113.77";
const PEER: &str = "198.51.100.23";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_never_hold_an_address_a_voter_id_or_a_cookie() {
    let captured = Captured::default();
    // This test binary's only subscriber; nextest runs each test in a process of its own.
    tracing::subscriber::set_global_default(log_subscriber(
        LogFormat::Json,
        EnvFilter::new("debug"),
        captured.clone(),
    ))
    .expect("no other subscriber in this process");

    let (site, flaky) = TestSite::new()
        .with_settings(|settings| settings.trusted_proxy = Some("127.0.0.1".parse().unwrap()))
        .with_flaky_store();
    let cookie = format!("stembus_kiezer={READER_ID}");
    let vote = |body: String, cookie: Option<String>, peer: &str, forwarded: Option<&str>| {
        let mut request = Request::post(VOTE_PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(forwarded) = forwarded {
            request = request.header("x-forwarded-for", forwarded);
        }
        let mut request = request.body(Body::from(body)).unwrap();
        let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    };

    let through_proxy = site
        .send(vote(
            vote_body("ja"),
            Some(cookie.clone()),
            "127.0.0.1",
            Some(FORWARDED_CLIENT),
        ))
        .await;
    assert!(through_proxy.status.is_success(), "{}", through_proxy.body);
    let fresh = site.send(vote(vote_body("nee"), None, PEER, None)).await;
    let fresh_id = fresh.voter_cookie().expect("a new reader gets an id");
    let fresh_id = fresh_id.trim_start_matches("stembus_kiezer=").to_string();
    site.send(vote(
        vote_body("misschien"),
        Some(cookie.clone()),
        PEER,
        None,
    ))
    .await;
    site.get(ARTICLE, Some(&cookie)).await;
    flaky.fail_reads(true);
    site.get(ARTICLE, Some(&cookie)).await;
    site.send(vote(
        vote_body("ja"),
        Some(format!("stembus_kiezer={fresh_id}")),
        PEER,
        None,
    ))
    .await;
    flaky.fail_reads(false);
    site.state.store.shut_down().await;
    site.send(vote(vote_body("ja"), Some(cookie.clone()), PEER, None))
        .await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.iter().any(|line| line.contains("\"request\"")),
        "the requests' spans were logged: {text}"
    );
    for line in &lines {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "not a JSON line: {line}");
    }
    for secret in [
        FORWARDED_CLIENT,
        PEER,
        READER_ID,
        fresh_id.as_str(),
        "stembus_kiezer",
        "x-forwarded-for",
    ] {
        assert!(!text.contains(secret), "a log line holds {secret}:\n{text}");
    }
}
