//! The server's own view of a run: its metrics page (Prometheus or OpenMetrics text) read before and
//! after, counters and histograms as their growth during the run, gauges as they stand at its end,
//! and each histogram's p99 over the run.

use std::collections::HashMap;

/// One reading of a metrics page.
#[derive(Debug, Default)]
pub struct Scrape {
    /// The type each `# TYPE` line gives a metric family.
    types: HashMap<String, String>,
    /// Each sample as (its text up to the value: name and labels; its name; its value), in page order.
    samples: Vec<(String, String, f64)>,
}

/// What the server counted during a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerFigures {
    /// Every sample of the chosen families, keyed by its name and labels: the growth during the run
    /// for counters and histograms, the value at the end for gauges.
    pub samples: Vec<(String, f64)>,
    /// Each histogram's p99 over the run, in its unit (seconds), per label set other than `le`:
    /// the upper bound of the first bucket holding 99 % of the run's observations; `None` when
    /// that is the `+Inf` bucket. Label sets without observations during the run are left out.
    pub p99: Vec<(String, Option<f64>)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Counter,
    Histogram,
    Summary,
    Gauge,
}

/// Reads a metrics page. Lines it cannot read are skipped: a page it half understands still gives
/// the figures it does.
pub fn parse(text: &str) -> Scrape {
    let mut scrape = Scrape::default();
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            if let Some((name, kind)) = rest.split_once(' ') {
                scrape
                    .types
                    .insert(name.to_string(), kind.trim().to_string());
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, name_end, rest)) = split_sample(line) else {
            continue;
        };
        let Some(value) = rest.split_whitespace().next().and_then(parse_value) else {
            continue;
        };
        scrape
            .samples
            .push((key.to_string(), key[..name_end].to_string(), value));
    }
    scrape
}

/// The figures of the families whose names start with `prefix`, from the readings before and after.
pub fn compare(before: &Scrape, after: &Scrape, prefix: &str) -> ServerFigures {
    let earlier: HashMap<&str, f64> = before
        .samples
        .iter()
        .map(|(key, _, value)| (key.as_str(), *value))
        .collect();
    let mut figures = ServerFigures::default();
    // Per histogram label set: its buckets (upper bound, growth) and its count's growth.
    let mut histograms: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    let mut counts: HashMap<String, f64> = HashMap::new();
    for (key, name, value) in &after.samples {
        if !name.starts_with(prefix) {
            continue;
        }
        let (kind, suffix) = after.kind_of(name);
        let grows = match kind {
            Kind::Counter => suffix != "_created",
            Kind::Histogram => suffix != "_created",
            Kind::Summary => suffix == "_sum" || suffix == "_count",
            Kind::Gauge => false,
        };
        let figure = if grows {
            value - earlier.get(key.as_str()).copied().unwrap_or(0.0)
        } else {
            *value
        };
        figures.samples.push((key.clone(), figure));
        if kind != Kind::Histogram {
            continue;
        }
        let family = &name[..name.len() - suffix.len()];
        let labels = labels(&key[name.len()..]);
        let others: Vec<String> = labels
            .iter()
            .filter(|(label, _)| *label != "le")
            .map(|(label, raw)| format!("{label}=\"{raw}\""))
            .collect();
        let set = if others.is_empty() {
            family.to_string()
        } else {
            format!("{family}{{{}}}", others.join(","))
        };
        match suffix {
            "_count" => {
                counts.insert(set, figure);
            }
            "_bucket" => {
                let Some(bound) = labels
                    .iter()
                    .find(|(label, _)| *label == "le")
                    .and_then(|(_, raw)| parse_value(raw))
                else {
                    continue;
                };
                match histograms.iter_mut().find(|(seen, _)| *seen == set) {
                    Some((_, buckets)) => buckets.push((bound, figure)),
                    None => histograms.push((set, vec![(bound, figure)])),
                }
            }
            _ => {}
        }
    }
    for (set, mut buckets) in histograms {
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Buckets are cumulative: the +Inf bucket holds every observation, as `_count` does.
        let total = counts
            .get(&set)
            .copied()
            .or_else(|| buckets.last().map(|bucket| bucket.1))
            .unwrap_or(0.0);
        if total <= 0.0 {
            continue;
        }
        let p99 = buckets
            .iter()
            .find(|(_, cumulative)| *cumulative >= 0.99 * total)
            .map(|(bound, _)| *bound)
            .filter(|bound| bound.is_finite());
        figures.p99.push((set, p99));
    }
    figures
}

impl Scrape {
    /// A sample's family type and the suffix that names it within the family (`_bucket`, `_total`,
    /// or "" when the sample bears the family's own name). OpenMetrics names a counter's family
    /// without `_total`; the classic format names it with.
    fn kind_of<'a>(&self, name: &'a str) -> (Kind, &'a str) {
        let kind = |text: &str| match text {
            "counter" => Kind::Counter,
            "histogram" => Kind::Histogram,
            "summary" => Kind::Summary,
            _ => Kind::Gauge,
        };
        if let Some(text) = self.types.get(name) {
            return (kind(text), "");
        }
        for suffix in ["_bucket", "_sum", "_count", "_total", "_created"] {
            if let Some(family) = name.strip_suffix(suffix)
                && let Some(text) = self.types.get(family)
            {
                return (kind(text), &name[family.len()..]);
            }
        }
        (Kind::Gauge, "")
    }
}

/// Splits a sample line into its key (name and labels), the length of its name, and the rest.
fn split_sample(line: &str) -> Option<(&str, usize, &str)> {
    let name_end = line.find(['{', ' ', '\t'])?;
    if !line[name_end..].starts_with('{') {
        return Some((&line[..name_end], name_end, &line[name_end..]));
    }
    // A label value may hold `}` or spaces inside its quotes.
    let mut quoted = false;
    let mut escaped = false;
    for (offset, character) in line[name_end..].char_indices() {
        match character {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '}' if !quoted => {
                let end = name_end + offset + 1;
                return Some((&line[..end], name_end, &line[end..]));
            }
            _ => {}
        }
    }
    None
}

/// The labels of `{a="1",b="x"}` as (name, value as written, escapes kept).
fn labels(text: &str) -> Vec<(&str, &str)> {
    let inner = text
        .strip_prefix('{')
        .and_then(|text| text.strip_suffix('}'))
        .unwrap_or("");
    let mut labels = Vec::new();
    let mut rest = inner;
    while let Some((name, after)) = rest.split_once('=') {
        let Some(after) = after.trim_start().strip_prefix('"') else {
            break;
        };
        let mut escaped = false;
        let Some(end) = after.char_indices().find_map(|(offset, character)| {
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return Some(offset),
                _ => {}
            }
            None
        }) else {
            break;
        };
        labels.push((name.trim_matches([',', ' ']), &after[..end]));
        rest = &after[end + 1..];
    }
    labels
}

fn parse_value(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "\
# HELP stembus_requests Requests answered.
# TYPE stembus_requests counter
stembus_requests_total{route=\"/artikel/{slug}\",status=\"200\"} 10
# TYPE stembus_open_connections gauge
stembus_open_connections 3
# TYPE stembus_request_duration_seconds histogram
# UNIT stembus_request_duration_seconds seconds
stembus_request_duration_seconds_sum{route=\"/\"} 1.5
stembus_request_duration_seconds_count{route=\"/\"} 10
stembus_request_duration_seconds_bucket{le=\"0.001\",route=\"/\"} 10
stembus_request_duration_seconds_bucket{le=\"0.01\",route=\"/\"} 10
stembus_request_duration_seconds_bucket{le=\"0.1\",route=\"/\"} 10
stembus_request_duration_seconds_bucket{le=\"+Inf\",route=\"/\"} 10
process_cpu_seconds_total 4
# EOF
";

    const AFTER: &str = "\
# HELP stembus_requests Requests answered.
# TYPE stembus_requests counter
stembus_requests_total{route=\"/artikel/{slug}\",status=\"200\"} 110
stembus_requests_total{route=\"/artikel/{slug}\",status=\"503\"} 7
# TYPE stembus_open_connections gauge
stembus_open_connections 40
# TYPE stembus_request_duration_seconds histogram
stembus_request_duration_seconds_sum{route=\"/\"} 2.5
stembus_request_duration_seconds_count{route=\"/\"} 110
stembus_request_duration_seconds_bucket{le=\"0.001\",route=\"/\"} 50
stembus_request_duration_seconds_bucket{le=\"0.01\",route=\"/\"} 100
stembus_request_duration_seconds_bucket{le=\"0.1\",route=\"/\"} 110
stembus_request_duration_seconds_bucket{le=\"+Inf\",route=\"/\"} 110
process_cpu_seconds_total 9
# EOF
";

    fn figure(figures: &ServerFigures, key: &str) -> Option<f64> {
        figures
            .samples
            .iter()
            .find(|(seen, _)| seen == key)
            .map(|(_, value)| *value)
    }

    #[test]
    fn counters_report_their_growth_during_the_run() {
        let figures = compare(&parse(BEFORE), &parse(AFTER), "stembus_");

        assert_eq!(
            figure(
                &figures,
                "stembus_requests_total{route=\"/artikel/{slug}\",status=\"200\"}"
            ),
            Some(100.0)
        );
        // A label set first seen after the start grew from nothing.
        assert_eq!(
            figure(
                &figures,
                "stembus_requests_total{route=\"/artikel/{slug}\",status=\"503\"}"
            ),
            Some(7.0)
        );
    }

    #[test]
    fn gauges_report_their_value_at_the_end() {
        let figures = compare(&parse(BEFORE), &parse(AFTER), "stembus_");

        assert_eq!(figure(&figures, "stembus_open_connections"), Some(40.0));
    }

    #[test]
    fn histogram_samples_report_their_growth() {
        let figures = compare(&parse(BEFORE), &parse(AFTER), "stembus_");

        assert_eq!(
            figure(
                &figures,
                "stembus_request_duration_seconds_sum{route=\"/\"}"
            ),
            Some(1.0)
        );
        assert_eq!(
            figure(
                &figures,
                "stembus_request_duration_seconds_bucket{le=\"0.001\",route=\"/\"}"
            ),
            Some(40.0)
        );
    }

    #[test]
    fn histogram_p99_is_the_bound_of_the_first_bucket_holding_99_percent_of_the_run() {
        // During the run: 40 of 100 under 1 ms, 90 under 10 ms, all 100 under 100 ms; the 99th
        // needs the 0.1 bucket.
        let figures = compare(&parse(BEFORE), &parse(AFTER), "stembus_");

        assert_eq!(
            figures.p99,
            vec![(
                "stembus_request_duration_seconds{route=\"/\"}".to_string(),
                Some(0.1)
            )]
        );
    }

    #[test]
    fn histogram_p99_reads_the_run_and_not_the_process_life() {
        // Before the run 1000 slow observations; during it 100 fast ones.
        let before = "# TYPE stembus_t histogram\nstembus_t_bucket{le=\"0.01\"} 0\nstembus_t_bucket{le=\"1\"} 1000\nstembus_t_bucket{le=\"+Inf\"} 1000\nstembus_t_count 1000\n";
        let after = "# TYPE stembus_t histogram\nstembus_t_bucket{le=\"0.01\"} 100\nstembus_t_bucket{le=\"1\"} 1100\nstembus_t_bucket{le=\"+Inf\"} 1100\nstembus_t_count 1100\n";

        let figures = compare(&parse(before), &parse(after), "stembus_");

        assert_eq!(figures.p99, vec![("stembus_t".to_string(), Some(0.01))]);
    }

    #[test]
    fn histogram_p99_in_the_inf_bucket_has_no_bound() {
        let after = "# TYPE stembus_t histogram\nstembus_t_bucket{le=\"0.01\"} 1\nstembus_t_bucket{le=\"+Inf\"} 10\nstembus_t_count 10\n";

        let figures = compare(&Scrape::default(), &parse(after), "stembus_");

        assert_eq!(figures.p99, vec![("stembus_t".to_string(), None)]);
    }

    #[test]
    fn histogram_without_observations_during_the_run_has_no_p99() {
        let figures = compare(&parse(AFTER), &parse(AFTER), "stembus_");

        assert!(figures.p99.is_empty());
    }

    #[test]
    fn classic_format_counter_named_with_total_is_a_counter() {
        let before = "# TYPE stembus_votes_total counter\nstembus_votes_total 5\n";
        let after = "# TYPE stembus_votes_total counter\nstembus_votes_total 8\n";

        let figures = compare(&parse(before), &parse(after), "stembus_");

        assert_eq!(figure(&figures, "stembus_votes_total"), Some(3.0));
    }

    #[test]
    fn families_without_the_prefix_are_left_out() {
        let figures = compare(&parse(BEFORE), &parse(AFTER), "stembus_");

        assert_eq!(figure(&figures, "process_cpu_seconds_total"), None);
    }

    #[test]
    fn label_values_with_spaces_braces_and_quotes_are_read() {
        let scrape =
            parse("# TYPE stembus_x counter\nstembus_x_total{path=\"/a b}\\\"c\"} 2 1700000000\n");

        assert_eq!(
            scrape.samples,
            vec![(
                "stembus_x_total{path=\"/a b}\\\"c\"}".to_string(),
                "stembus_x_total".to_string(),
                2.0
            )]
        );
    }
}
