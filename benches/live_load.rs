//! The load generator for live results: opens many `GET /api/polls/{poll}/live` streams against a
//! running server, from several loopback source addresses so that the ephemeral ports of one
//! address do not run out, casts tracer votes while they are open and times how long each vote
//! takes to show on every stream. A process of its own, so that the server's figures (its resident
//! size above all) hold the server alone. `bench/live.sh` and `bench/viral.sh` run it.
//!
//! Hand-written on tokio's TCP rather than an HTTP client: it holds tens of thousands of
//! connections in a few MB, and it needs only to find each `data:` line of a stream. A standing
//! event is one body chunk (axum writes each event as one frame), so a chunk-size line never falls
//! inside one; lines that are not `data:` lines are skipped.
//!
//! Usage: `cargo bench --features ssr --bench live_load -- --server 127.0.0.1:3000 --poll ID
//! --streams N [--sources K] [--hold SECONDS] [--tracers T] [--rss-pid PID] [--open-within S]
//! [--cookie stembus_kiezer=ID]`.
//! Progress goes to stderr; the figures, one JSON object on one line, to stdout.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Semaphore;

/// Streams being opened at once (connected, asked, the answer's head not yet in): above it the
/// listen backlog overflows and SYNs are retried after a second, which would time the kernel's
/// retry rather than the server.
const CONNECTING_AT_ONCE: usize = 256;

struct Options {
    server: SocketAddr,
    poll: String,
    streams: usize,
    sources: u8,
    hold: Duration,
    tracers: usize,
    rss_pid: Option<u32>,
    open_within: Duration,
    /// A voter's cookie (`name=value`) the streams carry: a poll that shows its standing only to
    /// readers who voted refuses a stream without one.
    cookie: Option<String>,
}

fn options() -> Result<Options, String> {
    // `cargo bench` appends `--bench` to a harness-less bench's arguments; it is not ours.
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut options = Options {
        server: "127.0.0.1:3000".parse().expect("a literal address"),
        poll: "deepseek-schade-nvidia".into(),
        streams: 1_000,
        sources: 4,
        hold: Duration::from_secs(10),
        tracers: 5,
        rss_pid: None,
        open_within: Duration::from_secs(30),
        cookie: None,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |_| format!("{flag}: cannot read {value:?}");
        match flag.as_str() {
            "--server" => options.server = value.parse().map_err(|_| bad(()))?,
            "--poll" => options.poll = value,
            "--streams" => options.streams = value.parse().map_err(|_| bad(()))?,
            "--sources" => options.sources = value.parse().map_err(|_| bad(()))?,
            "--hold" => options.hold = Duration::from_secs_f64(value.parse().map_err(|_| bad(()))?),
            "--tracers" => options.tracers = value.parse().map_err(|_| bad(()))?,
            "--cookie" => options.cookie = Some(value),
            "--rss-pid" => options.rss_pid = Some(value.parse().map_err(|_| bad(()))?),
            "--open-within" => {
                options.open_within = Duration::from_secs_f64(value.parse().map_err(|_| bad(()))?)
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.sources == 0 || options.sources > 250 {
        return Err("--sources must be from 1 to 250".into());
    }
    Ok(options)
}

/// What became of one stream.
#[derive(Default)]
struct StreamRecord {
    /// From the start of the run until its first standing arrived.
    opened_after: Option<Duration>,
    /// Each standing it received: when, and the voters it counted.
    standings: Vec<(Instant, u64)>,
    /// A refusal's status (503 beyond the node's maximum), or 0 for a failure without one.
    refused: Option<u16>,
}

/// One tracer vote: when its answer came, and the voters that answer counted (its own vote in).
struct Tracer {
    answered: Instant,
    voters: u64,
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(problem) => {
            eprintln!("live_load: {problem}");
            return ExitCode::from(2);
        }
    };
    // One thread: the generator is pinned to a core of its own, and one thread per core is what
    // holds the most connections for the least.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run(options))
}

async fn run(options: Options) -> ExitCode {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let rss_before = options.rss_pid.and_then(resident_kb);
    let records: Arc<Vec<Mutex<StreamRecord>>> = Arc::new(
        (0..options.streams)
            .map(|_| Mutex::new(StreamRecord::default()))
            .collect(),
    );
    let opened = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let connecting = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let cookie = options
        .cookie
        .as_ref()
        .map_or(String::new(), |cookie| format!("Cookie: {cookie}\r\n"));
    let request = format!(
        "GET /api/polls/{}/live HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n{cookie}\r\n",
        options.poll, options.server
    );
    let started = Instant::now();
    eprintln!(
        "live_load: opening {} streams to {} from {} source addresses",
        options.streams, options.server, options.sources
    );
    let mut tasks = Vec::with_capacity(options.streams);
    for index in 0..options.streams {
        let source = Ipv4Addr::new(127, 0, 0, 2 + (index % options.sources as usize) as u8);
        let context = StreamContext {
            index,
            source,
            server: options.server,
            request: request.clone(),
            records: records.clone(),
            opened: opened.clone(),
            finished: finished.clone(),
            connecting: connecting.clone(),
            started,
        };
        tasks.push(tokio::spawn(hold_stream(context)));
    }
    // Every stream open (or refused), or the time allowed for it spent.
    let open_deadline = started + options.open_within;
    loop {
        let settled = opened.load(Ordering::SeqCst) + finished.load(Ordering::SeqCst);
        if settled >= options.streams || Instant::now() >= open_deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open_all = started.elapsed();
    let open_now = opened.load(Ordering::SeqCst);
    eprintln!(
        "live_load: {open_now} streams open after {:.1} s",
        open_all.as_secs_f64()
    );
    // The resident size once the streams are open and their first standings sent.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = options.rss_pid.and_then(resident_kb);

    let mut tracers = Vec::new();
    let spacing = options.hold.div_f64(options.tracers.max(1) as f64);
    for number in 0..options.tracers {
        // A random moment within each second, so the wait for the next snapshot is not always
        // the same: spread by the tracer's number over the snapshot interval.
        let offset = Duration::from_millis((number as u64 * 377) % 1000);
        tokio::time::sleep(spacing.saturating_sub(Duration::from_secs(1)) + offset).await;
        match tracer_vote(options.server, &options.poll).await {
            Ok(tracer) => tracers.push(tracer),
            Err(problem) => eprintln!("live_load: tracer vote {number} failed: {problem}"),
        }
    }
    // Time for the last tracer to reach every stream.
    tokio::time::sleep(Duration::from_secs(5)).await;
    for task in &tasks {
        task.abort();
    }

    let records: Vec<StreamRecord> = records
        .iter()
        .map(|record| std::mem::take(&mut *record.lock().unwrap_or_else(|p| p.into_inner())))
        .collect();
    let open_times: Vec<f64> = records
        .iter()
        .filter_map(|record| record.opened_after)
        .map(|after| after.as_secs_f64() * 1000.0)
        .collect();
    let refused = records
        .iter()
        .filter(|record| record.refused.is_some_and(|status| status != 0))
        .count();
    let failed = records
        .iter()
        .filter(|record| record.refused == Some(0))
        .count();
    let mut refusals: Vec<(u16, usize)> = Vec::new();
    for status in records.iter().filter_map(|record| record.refused) {
        match refusals.iter_mut().find(|(seen, _)| *seen == status) {
            Some((_, count)) => *count += 1,
            None => refusals.push((status, 1)),
        }
    }
    refusals.sort();
    // Statuses and failures (0) as a JSON object, e.g. {"503":12,"0":3}.
    let refusals = refusals
        .iter()
        .map(|(status, count)| format!("\"{status}\":{count}"))
        .collect::<Vec<_>>()
        .join(",");
    // For every tracer and every open stream: how long after the tracer's answer the stream first
    // showed a standing that counts it. A standing may beat the answer to the generator by a hair
    // (both leave the server after the commit): that counts as 0.
    let mut reach = Vec::new();
    let mut pairs = 0usize;
    for tracer in &tracers {
        for record in records
            .iter()
            .filter(|record| record.opened_after.is_some())
        {
            pairs += 1;
            if let Some((at, _)) = record
                .standings
                .iter()
                .find(|(_, voters)| *voters >= tracer.voters)
            {
                reach.push(at.saturating_duration_since(tracer.answered).as_secs_f64() * 1000.0);
            }
        }
    }
    let reached_share = if pairs == 0 {
        0.0
    } else {
        reach.len() as f64 / pairs as f64
    };
    let kb_per_stream = match (rss_before, rss_after) {
        (Some(before), Some(after)) if open_now > 0 => {
            Some((after.saturating_sub(before)) as f64 / open_now as f64)
        }
        _ => None,
    };
    let json = |value: Option<f64>| value.map_or("null".to_string(), |v| format!("{v:.2}"));
    println!(
        "{{\"streams_requested\":{},\"streams_open\":{},\"streams_refused\":{},\"streams_failed\":{},\
         \"refusals\":{{{}}},\"open_all_seconds\":{:.2},\"open_p99_ms\":{},\"tracers\":{},\"reach_p50_ms\":{},\
         \"reach_p99_ms\":{},\"reached_share\":{:.4},\"rss_kb_before\":{},\"rss_kb_after\":{},\
         \"kb_per_stream\":{}}}",
        options.streams,
        open_now,
        refused,
        failed,
        refusals,
        open_all.as_secs_f64(),
        json(percentile(open_times, 0.99)),
        tracers.len(),
        json(percentile(reach.clone(), 0.50)),
        json(percentile(reach, 0.99)),
        reached_share,
        rss_before.map_or("null".into(), |kb| kb.to_string()),
        rss_after.map_or("null".into(), |kb| kb.to_string()),
        json(kb_per_stream),
    );
    ExitCode::SUCCESS
}

struct StreamContext {
    index: usize,
    source: Ipv4Addr,
    server: SocketAddr,
    request: String,
    records: Arc<Vec<Mutex<StreamRecord>>>,
    opened: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    connecting: Arc<Semaphore>,
    started: Instant,
}

/// Opens one stream and records its standings until the task is aborted or the server ends it.
async fn hold_stream(context: StreamContext) {
    let outcome = read_stream(&context).await;
    let mut record = context.records[context.index]
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    // Counted once: a stream that opened and later ended is counted among the opened.
    if record.opened_after.is_none() {
        record.refused = Some(outcome.unwrap_or(0));
        context.finished.fetch_add(1, Ordering::SeqCst);
    }
}

/// The stream's life; `Some(status)` when the server refused it, `None` when it failed or ended.
async fn read_stream(context: &StreamContext) -> Option<u16> {
    // The turn is held until the answer's head is in: a reader's browser opens a stream and waits
    // for it, so at most `CONNECTING_AT_ONCE` requests are in flight, not ever more of them.
    let mut turn = Some(context.connecting.acquire().await.ok()?);
    let mut stream = {
        let socket = TcpSocket::new_v4().ok()?;
        socket.bind(SocketAddr::from((context.source, 0))).ok()?;
        let mut stream = socket.connect(context.server).await.ok()?;
        stream.write_all(context.request.as_bytes()).await.ok()?;
        stream
    };
    let mut buffer = Vec::with_capacity(1024);
    let mut status_read = false;
    let mut chunk = [0u8; 2048];
    loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        let now = Instant::now();
        buffer.extend_from_slice(&chunk[..read]);
        if !status_read {
            let Some(end) = find(&buffer, b"\r\n\r\n") else {
                continue;
            };
            let status = status_of(&buffer)?;
            turn.take();
            if status != 200 {
                return Some(status);
            }
            status_read = true;
            buffer.drain(..end + 4);
        }
        let mut consumed = 0;
        while let Some(line_end) = find(&buffer[consumed..], b"\n") {
            let line = &buffer[consumed..consumed + line_end];
            if let Some(voters) = voters_in(line) {
                let mut record = context.records[context.index]
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                if record.opened_after.is_none() {
                    record.opened_after = Some(now - context.started);
                    context.opened.fetch_add(1, Ordering::SeqCst);
                }
                record.standings.push((now, voters));
            }
            consumed += line_end + 1;
        }
        buffer.drain(..consumed);
    }
}

/// The voters a `data: {"voters":N,…}` line counts.
fn voters_in(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"data: ")?;
    let start = find(rest, b"\"voters\":")? + b"\"voters\":".len();
    let digits: Vec<u8> = rest[start..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

fn status_of(head: &[u8]) -> Option<u16> {
    let line = &head[..find(head, b"\r\n")?];
    let text = std::str::from_utf8(line).ok()?;
    text.split(' ').nth(1)?.parse().ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// A vote from a new reader (no cookie), from 127.0.0.1, as the island sends it.
async fn tracer_vote(server: SocketAddr, poll: &str) -> Result<Tracer, String> {
    let body = format!("poll={poll}&choice=ja");
    let request = format!(
        "POST /api/stem HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(server)
        .await
        .map_err(|error| error.to_string())?;
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|error| error.to_string())?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|error| error.to_string())?;
    let answered = Instant::now();
    match status_of(&answer) {
        Some(200) => {}
        status => return Err(format!("answered {status:?}")),
    }
    let start = find(&answer, b"\"voters\":").ok_or("no voters in the answer")? + 9;
    let digits: String = answer[start..]
        .iter()
        .map(|&byte| byte as char)
        .take_while(char::is_ascii_digit)
        .collect();
    let voters = digits.parse().map_err(|_| "no voters in the answer")?;
    Ok(Tracer { answered, voters })
}

/// The resident size of process `pid` in KB.
fn resident_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The `share` quantile of `values` (nearest rank), or `None` without values.
fn percentile(mut values: Vec<f64>, share: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((share * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1])
}
