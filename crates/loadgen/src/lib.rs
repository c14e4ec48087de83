//! An open-loop HTTP load generator for stembus: each `--load` asks one address at a fixed rate
//! whatever the server does, and every request it planned is accounted for (sent or never sent;
//! answered by status, timed out, or failed), beside the server's own metrics before and after.
//!
//! Hand-written on tokio's TCP rather than oha: oha with a fixed `-c` queues requests inside itself,
//! so its latencies include the time a request waited for one of oha's own connections, and the
//! requests it never got to send are not reported. Readers do not queue behind each other: this
//! generator opens a new connection whenever no idle one of the load is free, counts the requests
//! it could not send (the connection cap reached, or dispatch more than 100 ms behind the plan),
//! and reads the server's own histograms to print beside its view.
//!
//! Latency runs from a request's planned send time (start + i / RATE) to the last byte of its
//! answer; requests are dispatched on a 1 ms tick, so each figure holds up to a millisecond of it.
//! A request's deadline (`--timeout-ms`, 2 s: when a reader gives up) also counts from its planned
//! time; past it the request counts as timed out and its connection is closed.
//!
//! Usage: `open-loop --server 127.0.0.1:PORT --seconds S [--timeout-ms 2000] [--sources K]
//! [--metrics /metrics] [--max-connections 20000] [--threads 1] --load NAME,RATE,METHOD,PATH[,BODY]
//! [--load ...] [--probe NAME,INTERVAL_MS,PATH ...] [--probe-server 127.0.0.1:PORT]`, built with
//! `cargo build -p stembus-loadgen
//! --release` as target/release/open-loop; run it with `ulimit -n` above `--max-connections`.
//! Progress goes to stderr; the figures, one JSON object on one line, to stdout. Exit status 1: the
//! counts do not add up; 2: a bad command line or no metrics; 3: the generator did not keep up
//! (more than 0.1 % of a load never sent), so the run does not count.

pub mod cli;
pub mod connection;
pub mod latency;
pub mod prometheus;
pub mod report;
pub mod response;
mod run;

pub use cli::{LoadSpec, Options, ProbeSpec};
pub use report::{LoadReport, Report};
pub use run::run;
