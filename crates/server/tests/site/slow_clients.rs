//! Clients that hold a connection or a request open without finishing it: the node closes them in
//! time and keeps its places (the connection bound, the desk's budget) for everyone else.

use crate::common::{TestSite, real_server};
use std::time::{Duration, Instant};
use stembus_ops::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the server sent on `stream` until it closed it, or until `limit` passed; and when its
/// first byte came (or the close, if it sent nothing), measured from `since`. `None` for that
/// moment when the server neither answered nor closed within `limit`.
async fn until_closed(
    stream: &mut TcpStream,
    since: Instant,
    limit: Duration,
) -> (String, Option<Duration>, bool) {
    let mut answer = Vec::new();
    let mut first = None;
    let mut buffer = [0u8; 4096];
    let closed = loop {
        let left = limit.saturating_sub(since.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => break false,
            // A reset is the server closing too.
            Ok(Ok(0) | Err(_)) => break true,
            Ok(Ok(read)) => {
                first.get_or_insert_with(|| since.elapsed());
                answer.extend_from_slice(&buffer[..read]);
            }
        }
    };
    if closed {
        first.get_or_insert_with(|| since.elapsed());
    }
    (String::from_utf8_lossy(&answer).into_owned(), first, closed)
}

/// The start of an HTTP/2 connection without TLS ("h2c" with prior knowledge): the client preface
/// and an empty SETTINGS frame, then nothing.
const H2C_PREFACE_AND_SETTINGS: &[u8] =
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";

#[tokio::test]
async fn a_connection_that_sends_nothing_or_stops_early_is_closed_after_the_header_deadline() {
    let site = TestSite::new().kept_router();
    let deadline = Duration::from_millis(300);
    let (address, _stop) = real_server(&site, deadline).await;
    // The deadline, and as much again for a machine busy with other tests.
    let limit = deadline + Duration::from_secs(2);
    let clients: [(&str, &[u8]); 5] = [
        ("nothing", b""),
        ("the start of HTTP/2's preface", b"PRI * HT"),
        ("HTTP/2's preface and SETTINGS", H2C_PREFACE_AND_SETTINGS),
        ("the start of a request line", b"G"),
        ("half a header", b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "),
    ];
    let held = clients.map(|(what, bytes)| {
        tokio::spawn(async move {
            let started = Instant::now();
            let mut stream = TcpStream::connect(address).await.unwrap();
            stream.write_all(bytes).await.unwrap();
            let (answer, closed_after, closed) = until_closed(&mut stream, started, limit).await;
            (what, answer, closed_after, closed)
        })
    });
    for client in held {
        let (what, answer, closed_after, closed) = client.await.unwrap();
        assert!(
            closed,
            "a client that sent {what} is still held after {limit:?}"
        );
        assert!(!answer.contains(" 200 "), "{what}: {answer}");
        let closed_after = closed_after.unwrap();
        assert!(
            closed_after <= limit,
            "{what}: closed after {closed_after:?}"
        );
    }
}

#[tokio::test]
async fn an_idle_connection_after_its_answer_is_closed_after_the_header_deadline() {
    let site = TestSite::new().kept_router();
    let deadline = Duration::from_millis(300);
    let (address, _stop) = real_server(&site, deadline).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let (answer, _, closed) =
        until_closed(&mut stream, started, deadline + Duration::from_secs(2)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        closed,
        "a kept-alive connection that asks nothing more is held"
    );
}

/// More sign-in posts than the desk has places, each declaring a body it never sends.
const SLOW_SIGN_INS: usize = 40;

/// How long the sign-in's body may take (`stembus_desk`'s `SIGN_IN_BODY_DEADLINE`).
const SIGN_IN_BODY_DEADLINE: Duration = Duration::from_secs(2);

#[tokio::test]
async fn sign_in_posts_whose_bodies_never_come_lock_no_editor_out_and_are_refused_soon() {
    let site = TestSite::new().kept_router();
    let editor = crate::desk::signed_in(&site).await;
    let (address, _stop) = real_server(&site, serve::HEADER_READ_TIMEOUT).await;
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..SLOW_SIGN_INS {
        slow.push(slow_sign_in(address).await);
    }
    // Long enough for every one of them to have been given its place or refused.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let get = |path: &'static str, cookie: Option<String>| async move {
        let mut stream = TcpStream::connect(address).await.unwrap();
        let cookie = cookie.map_or(String::new(), |cookie| format!("Cookie: {cookie}\r\n"));
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: stembus\r\n{cookie}Connection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        until_closed(&mut stream, Instant::now(), Duration::from_secs(5))
            .await
            .0
    };
    let desk = get("/redactie", Some(editor.cookie.clone())).await;
    assert!(
        desk.starts_with("HTTP/1.1 200"),
        "a signed-in editor is locked out: {desk}"
    );
    let form = get("/redactie/aanmelden", None).await;
    assert!(
        form.starts_with("HTTP/1.1 200"),
        "the sign-in form is locked out: {form}"
    );

    // Every slow body is answered well before the request timeout (15 s): refused at once for
    // want of a place, or after the sign-in's deadline for its body.
    let limit = Duration::from_secs(5);
    let mut timed_out = 0;
    for mut stream in slow {
        let (answer, answered_after, _) = until_closed(&mut stream, started, limit).await;
        let status = answer.lines().next().unwrap_or_default().to_string();
        assert!(
            answered_after.is_some_and(|after| after < limit) && !answer.is_empty(),
            "a slow sign-in body is still held after {limit:?}: {answer}"
        );
        if status.contains(" 408 ") {
            timed_out += 1;
            let after = answered_after.unwrap_or_default();
            assert!(
                after >= SIGN_IN_BODY_DEADLINE && after < SIGN_IN_BODY_DEADLINE * 2,
                "refused after the sign-in's deadline for its body, not the request timeout: \
                 {after:?}"
            );
            assert!(
                answer.contains("Het formulier kwam niet op tijd aan: de verbinding was te traag."),
                "the desk's Dutch notice says what happened, not that the form expired: {answer}"
            );
        } else {
            assert!(status.contains(" 503 "), "{answer}");
        }
    }
    assert!(timed_out > 0, "no slow body got its place and then the 408");
}

/// A sign-in post that declares a body and sends only its start, from the test's address.
async fn slow_sign_in(address: std::net::SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            b"POST /redactie/aanmelden HTTP/1.1\r\nHost: stembus\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 10000\r\n\r\nnaam=",
        )
        .await
        .unwrap();
    stream
}

#[tokio::test]
async fn an_address_whose_sign_in_bodies_keep_coming_too_slowly_is_refused_before_its_body() {
    let site = TestSite::new().kept_router();
    let (address, _stop) = real_server(&site, serve::HEADER_READ_TIMEOUT).await;
    // Rounds of slow bodies, each given its place and refused after the deadline, until the
    // address has sent twenty (`SignInLimiter`'s failures per address).
    let mut timed_out = 0;
    while timed_out < 20 {
        let mut round = Vec::new();
        for _ in 0..8 {
            round.push(slow_sign_in(address).await);
        }
        for mut stream in round {
            let limit = SIGN_IN_BODY_DEADLINE * 3;
            let (answer, _, _) = until_closed(&mut stream, Instant::now(), limit).await;
            if answer.starts_with("HTTP/1.1 408") {
                timed_out += 1;
            }
        }
    }
    // The next is refused at once, its body never waited for: it holds no sign-in place.
    let started = Instant::now();
    let mut stream = slow_sign_in(address).await;
    let (answer, answered_after, _) =
        until_closed(&mut stream, started, SIGN_IN_BODY_DEADLINE * 3).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(
        answered_after.is_some_and(|after| after < SIGN_IN_BODY_DEADLINE / 2),
        "refused before its body's deadline: {answered_after:?}"
    );
    assert!(
        answer.to_ascii_lowercase().contains("\r\nretry-after: "),
        "{answer}"
    );
    assert!(answer.contains("Te veel mislukte aanmeldingen"), "{answer}");
}
