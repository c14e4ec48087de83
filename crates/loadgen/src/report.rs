//! A run's figures: every planned request accounted for per load and probe, the check that the
//! counts add up, and the one-line JSON the benchmark scripts read.

use crate::latency::Percentiles;
use crate::prometheus::ServerFigures;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Above this share of requests never sent, the generator was the bottleneck and the run says
/// nothing about the server.
const NEVER_SENT_ALLOWED: f64 = 0.001;

/// What became of one load's (or probe's) requests.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub name: String,
    /// Requests a second it was asked at.
    pub rate: f64,
    /// A probe's interval; `None` for a load.
    pub interval_ms: Option<u64>,
    pub planned: u64,
    pub sent: u64,
    pub never_sent: u64,
    /// Why requests were never sent: `late` (the generator fell behind its plan), `max_connections`,
    /// `local` (no socket to be had).
    pub never_sent_why: BTreeMap<&'static str, u64>,
    pub answered: BTreeMap<u16, u64>,
    pub timed_out: u64,
    pub errors: u64,
    pub error_kinds: BTreeMap<&'static str, u64>,
    pub retry_after_on_503: u64,
    /// Latencies of the 200 answers and of all others.
    pub ok_ms: Option<Percentiles>,
    pub refused_ms: Option<Percentiles>,
    pub sent_per_second: f64,
    pub ok_per_second: f64,
    pub connections_opened: u64,
    /// A probe's ticks that came while its previous request was still out (its latency shows why).
    pub skipped_while_busy: u64,
}

/// The whole run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub seconds: f64,
    pub loads: Vec<LoadReport>,
    pub probes: Vec<LoadReport>,
    pub connections_opened: usize,
    pub connections_peak: usize,
    /// The server's own figures, when its metrics were read.
    pub server: Option<ServerFigures>,
}

impl LoadReport {
    pub fn answered_total(&self) -> u64 {
        self.answered.values().sum()
    }

    /// The load sent nearly all it planned: at most 0.1 % never left the generator.
    pub fn kept_up(&self) -> bool {
        self.never_sent as f64 <= NEVER_SENT_ALLOWED * self.planned as f64
    }
}

impl Report {
    /// Every load sent what it planned; a run where the generator fell behind does not count.
    pub fn generator_kept_up(&self) -> bool {
        self.loads.iter().all(LoadReport::kept_up)
    }

    /// Where the counts do not add up (empty when every planned request is accounted for once).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for load in self.loads.iter().chain(&self.probes) {
            if load.planned != load.sent + load.never_sent {
                problems.push(format!(
                    "{}: planned {} is not sent {} + never sent {}",
                    load.name, load.planned, load.sent, load.never_sent
                ));
            }
            if load.sent != load.answered_total() + load.timed_out + load.errors {
                problems.push(format!(
                    "{}: sent {} is not answered {} + timed out {} + errors {}",
                    load.name,
                    load.sent,
                    load.answered_total(),
                    load.timed_out,
                    load.errors
                ));
            }
        }
        problems
    }

    /// The figures as one JSON object on one line.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("{\"seconds\":");
        number(&mut out, self.seconds);
        let _ = write!(
            out,
            ",\"generator_kept_up\":{},\"connections\":{{\"opened\":{},\"peak_open\":{}}},\"loads\":{{",
            self.generator_kept_up(),
            self.connections_opened,
            self.connections_peak
        );
        for (index, load) in self.loads.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            load_json(&mut out, load);
        }
        out.push_str("},\"probes\":{");
        for (index, probe) in self.probes.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            load_json(&mut out, probe);
        }
        out.push_str("},\"server\":");
        match &self.server {
            None => out.push_str("null,\"server_p99_seconds\":null"),
            Some(server) => {
                out.push('{');
                for (index, (key, value)) in server.samples.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    string(&mut out, key);
                    out.push(':');
                    number(&mut out, *value);
                }
                out.push_str("},\"server_p99_seconds\":{");
                for (index, (key, p99)) in server.p99.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    string(&mut out, key);
                    out.push(':');
                    // Beyond the largest finite bucket: the histogram cannot say how far.
                    match p99 {
                        Some(seconds) => number(&mut out, *seconds),
                        None => out.push_str("\"+Inf\""),
                    }
                }
                out.push('}');
            }
        }
        out.push('}');
        out
    }
}

fn load_json(out: &mut String, load: &LoadReport) {
    string(out, &load.name);
    out.push_str(":{\"rate\":");
    number(out, load.rate);
    if let Some(interval) = load.interval_ms {
        let _ = write!(out, ",\"interval_ms\":{interval}");
    }
    let _ = write!(
        out,
        ",\"planned\":{},\"sent\":{},\"never_sent\":{},\"never_sent_why\":",
        load.planned, load.sent, load.never_sent
    );
    counts(
        out,
        load.never_sent_why
            .iter()
            .map(|(why, n)| (why.to_string(), *n)),
    );
    out.push_str(",\"answered\":");
    counts(
        out,
        load.answered
            .iter()
            .map(|(status, n)| (status.to_string(), *n)),
    );
    let _ = write!(
        out,
        ",\"timed_out\":{},\"errors\":{},\"error_kinds\":",
        load.timed_out, load.errors
    );
    counts(
        out,
        load.error_kinds
            .iter()
            .map(|(kind, n)| (kind.to_string(), *n)),
    );
    let _ = write!(
        out,
        ",\"retry_after_on_503\":{},\"ok_ms\":",
        load.retry_after_on_503
    );
    percentiles(out, load.ok_ms);
    out.push_str(",\"refused_ms\":");
    percentiles(out, load.refused_ms);
    out.push_str(",\"sent_per_second\":");
    number(out, round(load.sent_per_second, 1));
    out.push_str(",\"ok_per_second\":");
    number(out, round(load.ok_per_second, 1));
    let _ = write!(out, ",\"connections_opened\":{}", load.connections_opened);
    if load.interval_ms.is_some() {
        let _ = write!(out, ",\"skipped_while_busy\":{}", load.skipped_while_busy);
    }
    out.push('}');
}

fn counts(out: &mut String, entries: impl Iterator<Item = (String, u64)>) {
    out.push('{');
    for (index, (key, count)) in entries.enumerate() {
        if index > 0 {
            out.push(',');
        }
        string(out, &key);
        let _ = write!(out, ":{count}");
    }
    out.push('}');
}

fn percentiles(out: &mut String, percentiles: Option<Percentiles>) {
    let Some(p) = percentiles else {
        out.push_str("null");
        return;
    };
    for (index, (name, value)) in [
        ("p50", p.p50),
        ("p90", p.p90),
        ("p99", p.p99),
        ("max", p.max),
    ]
    .into_iter()
    .enumerate()
    {
        out.push_str(if index == 0 { "{\"" } else { ",\"" });
        out.push_str(name);
        out.push_str("\":");
        number(out, round(value, 3));
    }
    out.push('}');
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// A JSON number; JSON has none for NaN or infinity.
fn number(out: &mut String, value: f64) {
    if value.is_finite() {
        let _ = write!(out, "{value}");
    } else {
        out.push_str("null");
    }
}

/// A JSON string: metric keys carry quotes and backslashes of their own.
fn string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if u32::from(control) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balanced() -> LoadReport {
        LoadReport {
            name: "pages".into(),
            rate: 100.0,
            planned: 100,
            sent: 99,
            never_sent: 1,
            answered: BTreeMap::from([(200, 90), (503, 5)]),
            timed_out: 3,
            errors: 1,
            ..LoadReport::default()
        }
    }

    #[test]
    fn counts_that_add_up_raise_no_problem() {
        let report = Report {
            loads: vec![balanced()],
            ..Report::default()
        };

        assert!(report.problems().is_empty());
    }

    #[test]
    fn a_request_neither_answered_nor_failed_is_a_problem() {
        let mut load = balanced();
        load.timed_out -= 1;
        let report = Report {
            loads: vec![load],
            ..Report::default()
        };

        assert_eq!(report.problems().len(), 1);
    }

    #[test]
    fn a_planned_request_neither_sent_nor_counted_unsent_is_a_problem() {
        let mut load = balanced();
        load.never_sent = 0;
        let report = Report {
            probes: vec![load],
            ..Report::default()
        };

        assert_eq!(report.problems().len(), 1);
    }

    #[test]
    fn more_than_a_thousandth_never_sent_means_the_generator_did_not_keep_up() {
        let mut load = balanced();
        load.planned = 1_000;
        load.never_sent = 2;

        let report = Report {
            loads: vec![load],
            ..Report::default()
        };

        assert!(!report.generator_kept_up());
        assert!(report.to_json().contains("\"generator_kept_up\":false"));
    }

    #[test]
    fn metric_keys_are_escaped_in_the_json() {
        let report = Report {
            server: Some(ServerFigures {
                samples: vec![("stembus_x_total{route=\"/a\\b\"}".into(), 3.0)],
                p99: vec![("stembus_t{route=\"/\"}".into(), None)],
            }),
            ..Report::default()
        };

        let json = report.to_json();

        assert!(
            json.contains(r#""server":{"stembus_x_total{route=\"/a\\b\"}":3}"#),
            "{json}"
        );
        assert!(
            json.contains(r#""server_p99_seconds":{"stembus_t{route=\"/\"}":"+Inf"}"#),
            "{json}"
        );
    }
}
