//! One run: each load's requests dispatched at their planned times on an idle connection of the
//! load or a new one, each probe on a connection of its own, every outcome counted, and the
//! server's metrics read before and after.

use crate::cli::Options;
use crate::connection::{Connection, Dialer, Failure, Slot};
use crate::latency::Samples;
use crate::prometheus;
use crate::report::{LoadReport, Report};
use crate::response::Response;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::time::MissedTickBehavior;

/// A request dispatched later than this after its planned time was held up by the generator
/// itself (its thread busy), not by the server: it is counted as never sent.
const LATE: Duration = Duration::from_millis(100);
/// How often due requests are dispatched; the timer's own resolution.
const TICK: Duration = Duration::from_millis(1);
const METRICS_TIMEOUT: Duration = Duration::from_secs(5);
/// Only the server's own families are compared; the process's are someone else's concern.
const METRICS_PREFIX: &str = "stembus_";

/// One load or probe during the run.
struct Target {
    name: String,
    request: Vec<u8>,
    timeout: Duration,
    dialer: Arc<Dialer>,
    /// Kept-alive connections free for the next request, the most recently used on top.
    idle: Mutex<Vec<Connection>>,
    tally: Mutex<Tally>,
    in_flight: AtomicUsize,
    connections_opened: AtomicU64,
}

#[derive(Default)]
struct Tally {
    planned: u64,
    sent: u64,
    never_sent: BTreeMap<&'static str, u64>,
    answered: BTreeMap<u16, Samples>,
    timed_out: u64,
    errors: BTreeMap<&'static str, u64>,
    retry_after_on_503: u64,
    skipped_while_busy: u64,
}

/// The connection a request starts on.
enum Begin {
    Reused(Connection),
    New(Slot),
}

enum Outcome {
    NeverSent(&'static str),
    Answered(Response, Duration),
    TimedOut,
    Failed(Failure),
}

/// Runs the loads and probes of `options` and counts what became of every request. Fails only when
/// the metrics asked for cannot be read before the run (a server that is not there).
pub async fn run(options: &Options) -> Result<Report, String> {
    warn_if_few_files(options.max_connections);
    let before = match &options.metrics {
        Some(path) => Some(
            read_metrics(options.server, path)
                .await
                .map_err(|problem| format!("reading {path} before the run: {problem}"))?,
        ),
        None => None,
    };
    let dialer = Arc::new(Dialer::new(options.server, options.sources));
    let probe_server = options.probe_server.unwrap_or(options.server);
    let probe_dialer = match options.probe_server {
        Some(address) => Arc::new(Dialer::new(address, options.sources)),
        None => dialer.clone(),
    };
    let target = |name: &str, request: Vec<u8>, dialer: &Arc<Dialer>| {
        Arc::new(Target {
            name: name.to_string(),
            request,
            timeout: options.timeout,
            dialer: dialer.clone(),
            idle: Mutex::new(Vec::new()),
            tally: Mutex::new(Tally::default()),
            in_flight: AtomicUsize::new(0),
            connections_opened: AtomicU64::new(0),
        })
    };
    let loads: Vec<_> = options
        .loads
        .iter()
        .map(|load| {
            let request = load.request(options.server);
            (load, target(&load.name, request, &dialer))
        })
        .collect();
    let probes: Vec<_> = options
        .probes
        .iter()
        .map(|probe| {
            let request = probe.request(probe_server);
            (probe, target(&probe.name, request, &probe_dialer))
        })
        .collect();
    let total_rate: f64 = options.loads.iter().map(|load| load.rate).sum();
    eprintln!(
        "open-loop: {} loads ({total_rate} requests/s in all) against {} and {} probes against {} \
         for {} s",
        loads.len(),
        options.server,
        probes.len(),
        probe_server,
        options.seconds
    );

    let start = Instant::now();
    let end = start + Duration::from_secs_f64(options.seconds);
    let mut drivers = Vec::new();
    for (load, target) in &loads {
        let planned = (options.seconds * load.rate).round() as u64;
        drivers.push(tokio::spawn(drive_load(
            target.clone(),
            start,
            load.rate,
            planned,
            options.max_connections,
        )));
    }
    for (probe, target) in &probes {
        drivers.push(tokio::spawn(drive_probe(
            target.clone(),
            start,
            end,
            probe.interval,
        )));
    }
    let everyone: Vec<Arc<Target>> = loads
        .iter()
        .map(|(_, target)| target.clone())
        .chain(probes.iter().map(|(_, target)| target.clone()))
        .collect();
    let progress = tokio::spawn(report_progress(everyone.clone(), dialer.clone(), start));
    for driver in drivers {
        driver
            .await
            .map_err(|error| format!("a driver failed: {error}"))?;
    }
    // Every request is settled by its deadline, its planned time plus the timeout; one still out
    // well after that shows up in the counts that do not add up.
    let settle_by = Instant::now() + options.timeout + Duration::from_secs(1);
    while everyone
        .iter()
        .any(|target| target.in_flight.load(Ordering::Relaxed) > 0)
        && Instant::now() < settle_by
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    progress.abort();
    for target in &everyone {
        lock(&target.idle).clear();
    }

    let server = match (&options.metrics, before) {
        (Some(path), Some(before)) => match read_metrics(options.server, path).await {
            Ok(after) => Some(prometheus::compare(&before, &after, METRICS_PREFIX)),
            Err(problem) => {
                eprintln!("open-loop: reading {path} after the run: {problem}");
                None
            }
        },
        _ => None,
    };
    let (_, peak, opened) = dialer.counts();
    Ok(Report {
        seconds: options.seconds,
        loads: loads
            .iter()
            .map(|(load, target)| figures(target, load.rate, None, options.seconds))
            .collect(),
        probes: probes
            .iter()
            .map(|(probe, target)| {
                let interval = probe.interval.as_millis() as u64;
                figures(
                    target,
                    1000.0 / interval as f64,
                    Some(interval),
                    options.seconds,
                )
            })
            .collect(),
        connections_opened: opened,
        connections_peak: peak,
        server,
    })
}

/// Dispatches a load's `planned` requests, the i-th at `start + i / rate`, whatever the server does.
async fn drive_load(target: Arc<Target>, start: Instant, rate: f64, planned: u64, max: usize) {
    let mut ticker = tokio::time::interval_at(start.into(), TICK);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut next = 0u64;
    while next < planned {
        ticker.tick().await;
        let now = Instant::now();
        let due =
            ((now.saturating_duration_since(start).as_secs_f64() * rate) as u64 + 1).min(planned);
        let mut late = 0;
        let mut capped = 0;
        let first = next;
        while next < due {
            let at = start + Duration::from_secs_f64(next as f64 / rate);
            next += 1;
            if now.saturating_duration_since(at) > LATE {
                late += 1;
                continue;
            }
            let idle = lock(&target.idle).pop();
            let begin = match idle {
                Some(connection) => Begin::Reused(connection),
                // No idle connection: a new reader arrives, so a new connection, as a browser opens.
                None => match target.dialer.reserve(max) {
                    Some(slot) => Begin::New(slot),
                    None => {
                        capped += 1;
                        continue;
                    }
                },
            };
            target.in_flight.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(request(target.clone(), at, begin));
        }
        if next > first {
            let mut tally = lock(&target.tally);
            tally.planned += next - first;
            count_never_sent(&mut tally, "late", late);
            count_never_sent(&mut tally, "max_connections", capped);
        }
    }
}

async fn request(target: Arc<Target>, planned: Instant, begin: Begin) {
    let (outcome, connection) = attempt(&target, planned, begin).await;
    if let Some(connection) = connection {
        lock(&target.idle).push(connection);
    }
    record(&target, outcome);
    target.in_flight.fetch_sub(1, Ordering::Relaxed);
}

/// Sends one request every `interval` on the probe's own connection. A tick that comes while the
/// previous request is still out is skipped (and counted as skipped), not queued behind it: the
/// request still out already shows how slow the address is.
async fn drive_probe(target: Arc<Target>, start: Instant, end: Instant, interval: Duration) {
    let mut connection = None;
    let mut index = 0u32;
    loop {
        let planned = start + interval * index;
        if planned >= end {
            break;
        }
        tokio::time::sleep_until(planned.into()).await;
        lock(&target.tally).planned += 1;
        let begin = match connection.take() {
            Some(connection) => Begin::Reused(connection),
            None => Begin::New(target.dialer.reserve_beyond_cap()),
        };
        let (outcome, back) = attempt(&target, planned, begin).await;
        connection = back;
        record(&target, outcome);
        // The next tick not yet past: those that passed while this request was out are skipped.
        let elapsed = start.elapsed().as_nanos();
        let next = u32::try_from(elapsed.div_ceil(interval.as_nanos().max(1)))
            .unwrap_or(u32::MAX)
            .max(index + 1);
        let ticks = u32::try_from(
            end.duration_since(start)
                .as_nanos()
                .div_ceil(interval.as_nanos().max(1)),
        )
        .unwrap_or(u32::MAX);
        lock(&target.tally).skipped_while_busy +=
            u64::from(next.min(ticks).saturating_sub(index + 1));
        index = next;
    }
}

/// One request on `begin`'s connection, bounded by its deadline: its planned time plus the timeout.
/// Gives back the connection when it can carry the next request.
async fn attempt(target: &Target, planned: Instant, begin: Begin) -> (Outcome, Option<Connection>) {
    if Instant::now().saturating_duration_since(planned) > LATE {
        let connection = match begin {
            Begin::Reused(connection) => Some(connection),
            Begin::New(_) => None,
        };
        return (Outcome::NeverSent("late"), connection);
    }
    let exchange = async {
        let (mut connection, reused) = match begin {
            Begin::Reused(connection) => (connection, true),
            Begin::New(slot) => (connect(target, slot).await?, false),
        };
        match connection.exchange(&target.request, false).await {
            Ok(response) => Ok((response, connection)),
            // The server let the idle connection go: a browser sends again on a new one.
            Err(Failure::ClosedBeforeAnswer) if reused => {
                let mut fresh = connect(target, connection.into_slot()).await?;
                let response = fresh.exchange(&target.request, false).await?;
                Ok((response, fresh))
            }
            Err(failure) => Err(failure),
        }
    };
    match tokio::time::timeout_at((planned + target.timeout).into(), exchange).await {
        // Dropping the exchange closed its connection: an answer still coming cannot be read as
        // the next request's.
        Err(_) => (Outcome::TimedOut, None),
        Ok(Err(Failure::Local)) => (Outcome::NeverSent("local"), None),
        Ok(Err(failure)) => (Outcome::Failed(failure), None),
        Ok(Ok((response, connection))) => {
            let latency = planned.elapsed();
            let connection = (!response.close).then_some(connection);
            (Outcome::Answered(response, latency), connection)
        }
    }
}

async fn connect(target: &Target, slot: Slot) -> Result<Connection, Failure> {
    target.connections_opened.fetch_add(1, Ordering::Relaxed);
    target.dialer.connect(slot).await
}

fn record(target: &Target, outcome: Outcome) {
    let mut tally = lock(&target.tally);
    match outcome {
        Outcome::NeverSent(why) => count_never_sent(&mut tally, why, 1),
        Outcome::Answered(response, latency) => {
            tally.sent += 1;
            if response.status == 503 && response.retry_after {
                tally.retry_after_on_503 += 1;
            }
            tally
                .answered
                .entry(response.status)
                .or_default()
                .record(latency);
        }
        Outcome::TimedOut => {
            tally.sent += 1;
            tally.timed_out += 1;
        }
        Outcome::Failed(failure) => {
            tally.sent += 1;
            *tally.errors.entry(failure.name()).or_default() += 1;
        }
    }
}

fn count_never_sent(tally: &mut Tally, why: &'static str, count: u64) {
    if count > 0 {
        *tally.never_sent.entry(why).or_default() += count;
    }
}

/// The figures of one target once its requests are settled.
fn figures(target: &Target, rate: f64, interval_ms: Option<u64>, seconds: f64) -> LoadReport {
    let mut tally = lock(&target.tally);
    let mut refused = Samples::default();
    for (_, samples) in tally.answered.iter().filter(|(status, _)| **status != 200) {
        refused.extend(samples);
    }
    let ok = tally
        .answered
        .get_mut(&200)
        .map_or(0, |samples| samples.len() as u64);
    LoadReport {
        name: target.name.clone(),
        rate,
        interval_ms,
        planned: tally.planned,
        sent: tally.sent,
        never_sent: tally.never_sent.values().sum(),
        never_sent_why: tally.never_sent.clone(),
        answered: tally
            .answered
            .iter()
            .map(|(status, samples)| (*status, samples.len() as u64))
            .collect(),
        timed_out: tally.timed_out,
        errors: tally.errors.values().sum(),
        error_kinds: tally.errors.clone(),
        retry_after_on_503: tally.retry_after_on_503,
        ok_ms: tally.answered.get_mut(&200).and_then(Samples::percentiles),
        refused_ms: refused.percentiles(),
        sent_per_second: tally.sent as f64 / seconds,
        ok_per_second: ok as f64 / seconds,
        connections_opened: target.connections_opened.load(Ordering::Relaxed),
        skipped_while_busy: tally.skipped_while_busy,
    }
}

/// A line a second on stderr, so that a long run shows it is alive and keeping up.
async fn report_progress(targets: Vec<Arc<Target>>, dialer: Arc<Dialer>, start: Instant) {
    let mut ticker = tokio::time::interval_at(
        (start + Duration::from_secs(1)).into(),
        Duration::from_secs(1),
    );
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        ticker.tick().await;
        let (mut planned, mut sent, mut never_sent, mut answered, mut in_flight) = (0, 0, 0, 0, 0);
        for target in &targets {
            let tally = lock(&target.tally);
            planned += tally.planned;
            sent += tally.sent;
            never_sent += tally.never_sent.values().sum::<u64>();
            answered += tally
                .answered
                .values()
                .map(|samples| samples.len() as u64)
                .sum::<u64>();
            in_flight += target.in_flight.load(Ordering::Relaxed);
        }
        let (open, _, _) = dialer.counts();
        eprintln!(
            "open-loop: {:.0} s: planned {planned}, settled {sent} (answered {answered}), never sent \
             {never_sent}, in flight {in_flight}, open connections {open}",
            start.elapsed().as_secs_f64()
        );
    }
}

/// Reads the server's metrics page on a connection of its own.
async fn read_metrics(
    server: std::net::SocketAddr,
    path: &str,
) -> Result<prometheus::Scrape, String> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {server}\r\nAccept: text/plain\r\nConnection: close\r\n\r\n"
    );
    // From 127.0.0.1, the address a metrics allow-list names on a test machine.
    let dialer = Dialer::new(server, 1);
    let exchange = async {
        let mut connection = dialer.connect(dialer.reserve_beyond_cap()).await?;
        connection.exchange(request.as_bytes(), true).await
    };
    let response = tokio::time::timeout(METRICS_TIMEOUT, exchange)
        .await
        .map_err(|_| format!("no answer within {} s", METRICS_TIMEOUT.as_secs()))?
        .map_err(|failure| format!("the connection failed ({})", failure.name()))?;
    if response.status != 200 {
        return Err(format!("answered {}", response.status));
    }
    Ok(prometheus::parse(&String::from_utf8_lossy(&response.body)))
}

/// Warns when the process may not open as many files as connections are allowed: beyond its
/// limit a connection cannot be made, and the requests needing one count as never sent.
fn warn_if_few_files(max_connections: usize) {
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse::<usize>().ok());
    if let Some(soft) = soft
        && soft < max_connections + 64
    {
        eprintln!(
            "open-loop: this process may open {soft} files, fewer than --max-connections \
             {max_connections}: raise it (ulimit -n) or lower the cap"
        );
    }
}

/// The lock, even if a task panicked holding it: the counts are still the best there are.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
