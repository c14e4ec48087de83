//! The generator against small servers of its own, each on 127.0.0.1:0 in a thread of its own (so
//! that the generator's thread is not the server's): one that answers at once, one that never
//! answers an address, one that takes 300 ms, one that closes after each answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use stembus_loadgen::{LoadReport, LoadSpec, Options, ProbeSpec, Report, run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const VOTE_BODY: &str = "poll=p&choice=ja";

/// Starts the test server; it answers by path:
/// - `/fast`: 200 at once, chunked; `/vote`: 200 if the form body came whole, else 400;
/// - `/never`: nothing, ever; `/slow`: 200 after 300 ms; `/close`: 200 and `Connection: close`;
/// - `/healthz`: 200 at once; `/metrics`: how many `/fast` it answered, as a counter and a histogram.
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("a tokio listener");
            let fast_answered = Arc::new(AtomicU64::new(0));
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(serve_connection(stream, fast_answered.clone()));
            }
        });
    });
    address
}

async fn serve_connection(mut stream: TcpStream, fast_answered: Arc<AtomicU64>) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    loop {
        let Some((head, body)) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let path = head.split(' ').nth(1).unwrap_or("").to_string();
        let answer = match path.as_str() {
            "/fast" => {
                fast_answered.fetch_add(1, Ordering::Relaxed);
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                    .to_string()
            }
            "/vote" => {
                let form = head.contains("Content-Type: application/x-www-form-urlencoded")
                    && head.contains("Accept: application/json");
                if form && body == VOTE_BODY.as_bytes() {
                    "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"voters\":1}".to_string()
                } else {
                    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_string()
                }
            }
            "/never" => std::future::pending().await,
            "/slow" => {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow".to_string()
            }
            "/close" => {
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok".to_string()
            }
            "/healthz" => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_string(),
            "/metrics" => {
                let answered = fast_answered.load(Ordering::Relaxed);
                let text = format!(
                    "# TYPE stembus_test_requests counter\n\
                     stembus_test_requests_total{{path=\"/fast\"}} {answered}\n\
                     # TYPE stembus_test_seconds histogram\n\
                     stembus_test_seconds_bucket{{path=\"/fast\",le=\"0.001\"}} {answered}\n\
                     stembus_test_seconds_bucket{{path=\"/fast\",le=\"+Inf\"}} {answered}\n\
                     stembus_test_seconds_count{{path=\"/fast\"}} {answered}\n# EOF\n"
                );
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{text}",
                    text.len()
                )
            }
            _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_string(),
        };
        if stream.write_all(answer.as_bytes()).await.is_err() || path == "/close" {
            return;
        }
    }
}

/// One request's head (as text) and body, or `None` when the client closed.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<(String, Vec<u8>)> {
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("Content-Length: "))
                .and_then(|length| length.parse().ok())
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                let body = buffer[end + 4..end + 4 + length].to_vec();
                buffer.drain(..end + 4 + length);
                return Some((head, body));
            }
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
}

fn get(name: &str, rate: f64, path: &str) -> LoadSpec {
    LoadSpec {
        name: name.into(),
        rate,
        method: "GET".into(),
        path: path.into(),
        body: None,
    }
}

fn load<'a>(report: &'a Report, name: &str) -> &'a LoadReport {
    report
        .loads
        .iter()
        .chain(&report.probes)
        .find(|load| load.name == name)
        .expect("the load is reported")
}

#[tokio::test]
async fn fast_server_answers_everything_planned_and_the_counts_add_up() {
    let server = start_server();
    let mut options = Options::new(server, 1.0);
    options.loads.push(get("pages", 500.0, "/fast"));
    options.loads.push(LoadSpec {
        body: Some(VOTE_BODY.into()),
        ..get("votes", 100.0, "/vote")
    });
    options.probes.push(ProbeSpec {
        name: "health".into(),
        interval: Duration::from_millis(50),
        path: "/healthz".into(),
    });
    options.metrics = Some("/metrics".into());

    let report = run(&options).await.expect("a run");

    let pages = load(&report, "pages");
    assert_eq!((pages.planned, pages.sent, pages.never_sent), (500, 500, 0));
    assert_eq!(pages.answered.get(&200), Some(&500));
    assert_eq!((pages.timed_out, pages.errors), (0, 0));
    // A fast server frees each connection before the next request: they are reused, not reopened.
    assert!(pages.connections_opened <= 50, "{pages:?}");
    let votes = load(&report, "votes");
    assert_eq!(votes.answered.get(&200), Some(&100), "{votes:?}");
    let health = load(&report, "health");
    assert_eq!(health.answered.get(&200), Some(&20), "{health:?}");
    assert!(report.problems().is_empty(), "{:?}", report.problems());
    assert!(report.generator_kept_up());
    let server = report.server.as_ref().expect("the server's figures");
    assert!(
        server
            .samples
            .contains(&("stembus_test_requests_total{path=\"/fast\"}".into(), 500.0)),
        "{server:?}"
    );
    assert_eq!(
        server.p99,
        vec![("stembus_test_seconds{path=\"/fast\"}".into(), Some(0.001))]
    );
    assert!(
        report
            .to_json()
            .starts_with("{\"seconds\":1,\"generator_kept_up\":true,")
    );
}

#[tokio::test]
async fn requests_the_server_never_answers_count_as_timed_out_after_the_timeout() {
    let server = start_server();
    let mut options = Options::new(server, 1.0);
    options.timeout = Duration::from_millis(200);
    options.loads.push(get("stuck", 200.0, "/never"));
    options.loads.push(get("fine", 200.0, "/fast"));

    let report = run(&options).await.expect("a run");

    let stuck = load(&report, "stuck");
    assert_eq!(
        (stuck.planned, stuck.sent, stuck.timed_out),
        (200, 200, 200),
        "{stuck:?}"
    );
    assert!(stuck.answered.is_empty());
    // Each stuck request held its connection until its deadline: none could be reused.
    assert_eq!(stuck.connections_opened, 200);
    let fine = load(&report, "fine");
    assert_eq!(fine.answered.get(&200), Some(&200), "{fine:?}");
    assert!(report.problems().is_empty(), "{:?}", report.problems());
}

#[tokio::test]
async fn slow_server_gets_more_connections_instead_of_a_queue() {
    let server = start_server();
    let mut options = Options::new(server, 1.0);
    options.loads.push(get("slow", 200.0, "/slow"));
    options.probes.push(ProbeSpec {
        name: "health".into(),
        interval: Duration::from_millis(50),
        path: "/healthz".into(),
    });

    let report = run(&options).await.expect("a run");

    let slow = load(&report, "slow");
    assert_eq!(slow.answered.get(&200), Some(&200), "{slow:?}");
    let latency = slow.ok_ms.expect("latencies");
    // Queued behind one connection, the 200th request would wait 200 × 300 ms; with a connection
    // per waiting request every one takes the server's 300 ms and no more.
    assert!(
        (295.0..450.0).contains(&latency.p50) && latency.max < 700.0,
        "{latency:?}"
    );
    // 200 a second for 300 ms each: about 60 at once, so about 60 connections.
    assert!(slow.connections_opened >= 40, "{slow:?}");
    // The probe's own connection is not stuck behind the slow requests.
    let health = load(&report, "health").ok_ms.expect("latencies");
    assert!(health.p99 < 100.0, "{health:?}");
    assert!(report.problems().is_empty(), "{:?}", report.problems());
}

#[tokio::test]
async fn requests_beyond_the_connection_cap_are_counted_as_never_sent() {
    let server = start_server();
    let mut options = Options::new(server, 1.0);
    options.max_connections = 5;
    options.loads.push(get("slow", 100.0, "/slow"));

    let report = run(&options).await.expect("a run");

    let slow = load(&report, "slow");
    // Five connections at 300 ms carry about 17 requests a second of the 100 planned.
    assert!(
        slow.never_sent_why
            .get("max_connections")
            .copied()
            .unwrap_or(0)
            >= 60,
        "{slow:?}"
    );
    assert!(report.problems().is_empty(), "{:?}", report.problems());
    assert!(!report.generator_kept_up());
    assert!(report.to_json().contains("\"generator_kept_up\":false"));
}

#[tokio::test]
async fn an_answer_with_connection_close_is_followed_by_a_new_connection() {
    let server = start_server();
    let mut options = Options::new(server, 0.5);
    options.loads.push(get("closing", 100.0, "/close"));

    let report = run(&options).await.expect("a run");

    let closing = load(&report, "closing");
    assert_eq!(closing.answered.get(&200), Some(&50), "{closing:?}");
    assert_eq!(closing.connections_opened, 50);
    assert_eq!(closing.errors, 0);
}

#[tokio::test]
async fn refused_connections_count_as_errors_not_answers() {
    let nobody = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let server = nobody.local_addr().expect("an address");
    drop(nobody);
    let mut options = Options::new(server, 0.5);
    options.loads.push(get("pages", 100.0, "/"));

    let report = run(&options).await.expect("a run");

    let pages = load(&report, "pages");
    assert_eq!(pages.error_kinds.get("refused"), Some(&50), "{pages:?}");
    assert!(pages.answered.is_empty());
    assert!(report.problems().is_empty(), "{:?}", report.problems());
}

#[tokio::test]
async fn probes_ask_the_probe_server_and_the_loads_ask_theirs() {
    let server = start_server();
    // An address where nothing listens: every probe sent there fails, and no load request does.
    let nobody = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.local_addr().expect("an address")
    };
    let mut options = Options::new(server, 1.0);
    options.loads.push(get("pages", 100.0, "/fast"));
    options.probes.push(ProbeSpec {
        name: "health".into(),
        interval: Duration::from_millis(100),
        path: "/healthz".into(),
    });
    options.probe_server = Some(nobody);

    let report = run(&options).await.expect("a run");

    let pages = load(&report, "pages");
    assert_eq!(pages.answered.get(&200), Some(&100), "{pages:?}");
    let health = load(&report, "health");
    assert_eq!(health.answered.get(&200), None, "{health:?}");
    assert!(health.errors > 0, "{health:?}");
}
