//! How the votes of a poll came in: the hourly series per answer with its chart (SVG, drawn on the
//! server so it needs no JavaScript), and the minutes that stand out as bursts.
//!
//! The burst rule, as the desk states it: a minute is flagged when it holds more than
//! `BURST_FACTOR` times the median number of votes of the poll's minutes with votes, and at least
//! `BURST_MIN_VOTES` votes. The median over minutes with votes (not over every minute since the
//! opening) keeps a quiet poll's median from being zero, which would flag every busy minute.

use stembus_poll::PollDefinition;
use stembus_site::escape_markup;

/// A minute is a burst above this many times the median minute…
pub const BURST_FACTOR: u64 = 5;
/// …and with at least this many votes.
pub const BURST_MIN_VOTES: u64 = 20;
/// The chart and the table beside it show at most this many hours (the last ones with votes); the
/// CSV export has every hour.
pub const SHOWN_HOURS: usize = 7 * 24;

/// A minute that stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Burst {
    /// The minute's first unix second.
    pub minute: i64,
    pub votes: u64,
}

/// The median of the counts (the lower of the two middle ones for an even number); 0 for none.
pub fn median(counts: &[u64]) -> u64 {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => 0,
        n => sorted[(n - 1) / 2],
    }
}

/// The median minute and the bursts among `per_minute` (minute, votes), oldest first.
pub fn bursts(per_minute: &[(i64, u64)]) -> (u64, Vec<Burst>) {
    let counts: Vec<u64> = per_minute.iter().map(|(_, votes)| *votes).collect();
    let median = median(&counts);
    let bursts = per_minute
        .iter()
        .filter(|(_, votes)| *votes > BURST_FACTOR * median && *votes >= BURST_MIN_VOTES)
        .map(|&(minute, votes)| Burst { minute, votes })
        .collect();
    (median, bursts)
}

/// Votes per hour per answer, every hour from the first with votes to the last, zeros included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourlySeries {
    /// The answers' labels, in the poll's order.
    pub labels: Vec<String>,
    /// Per hour (its first unix second), the count of each answer in `labels` order.
    pub hours: Vec<(i64, Vec<u64>)>,
}

impl HourlySeries {
    /// The series of `poll` from the store's `(hour, answer key, count)` rows.
    pub fn from_rows(poll: &PollDefinition, rows: &[(i64, String, u64)]) -> HourlySeries {
        let labels = poll.options.iter().map(|o| o.label.clone()).collect();
        let (Some(first), Some(last)) = (
            rows.iter().map(|row| row.0).min(),
            rows.iter().map(|row| row.0).max(),
        ) else {
            return HourlySeries {
                labels,
                hours: Vec::new(),
            };
        };
        let mut hours: Vec<(i64, Vec<u64>)> = (0..=(last - first) / 3600)
            .map(|n| (first + n * 3600, vec![0; poll.options.len()]))
            .collect();
        for (hour, key, count) in rows {
            let Some(answer) = poll.options.iter().position(|o| &o.key == key) else {
                continue;
            };
            if let Some(slot) = hours.get_mut(((hour - first) / 3600) as usize) {
                slot.1[answer] += count;
            }
        }
        HourlySeries { labels, hours }
    }

    /// The last `SHOWN_HOURS` hours, for the page.
    pub fn shown(&self) -> &[(i64, Vec<u64>)] {
        &self.hours[self.hours.len().saturating_sub(SHOWN_HOURS)..]
    }
}

/// An hour as the chart and its table name it, "27 januari 2025 18.00 u", with the season on the
/// night the autumn clock shows 2.00 twice ("31 oktober 2027 2.00 u (zomertijd)"), whose two
/// hours would otherwise read alike.
pub fn hour_label(hour: i64) -> String {
    let moment = stembus_poll::moment::Moment::brussels_from_unix(hour);
    format!(
        "{} {} u{}",
        moment.long_nl(),
        moment.clock_nl(),
        crate::brussels::season_note(hour)
    )
}

/// Fill colours per answer: distinguishable with the common colour blindnesses (Okabe–Ito) and
/// at least 3:1 against the white chart background.
const COLOURS: [&str; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56627a",
];

/// The chart of `hours` as a stacked bar per hour, one colour per answer, with a legend; `title`
/// names it for screen readers (the table beside it carries the same figures).
pub fn chart_svg(labels: &[String], hours: &[(i64, Vec<u64>)], title: &str) -> String {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 260.0;
    const LEFT: f64 = 48.0;
    const TOP: f64 = 12.0;
    const PLOT_HEIGHT: f64 = 170.0;
    let plot_width = WIDTH - LEFT - 12.0;
    let highest = hours
        .iter()
        .map(|(_, counts)| counts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let total: u64 = hours.iter().flat_map(|(_, c)| c.iter()).sum();
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="grafiek-titel grafiek-uitleg" class="desk-chart"><title id="grafiek-titel">{}</title><desc id="grafiek-uitleg">{}</desc><rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##,
        escape_markup(title),
        escape_markup(&format!(
            "Gestapelde staven, één per uur, {} uur, samen {total} keer gekozen; het drukste uur telt {highest}. De tabel naast de grafiek geeft dezelfde cijfers.",
            hours.len()
        )),
    );
    let axis_bottom = TOP + PLOT_HEIGHT;
    svg.push_str(&format!(
        r##"<line x1="{LEFT}" y1="{axis_bottom}" x2="{}" y2="{axis_bottom}" stroke="#333333"/><text x="{}" y="{}" font-size="12" text-anchor="end" fill="#333333">{highest}</text><text x="{}" y="{axis_bottom}" font-size="12" text-anchor="end" fill="#333333">0</text>"##,
        LEFT + plot_width,
        LEFT - 6.0,
        TOP + 10.0,
        LEFT - 6.0
    ));
    if !hours.is_empty() {
        let slot = plot_width / hours.len() as f64;
        let bar = (slot * 0.8).max(1.0);
        for (index, (_, counts)) in hours.iter().enumerate() {
            let x = LEFT + index as f64 * slot + (slot - bar) / 2.0;
            let mut y = axis_bottom;
            for (answer, count) in counts.iter().enumerate() {
                if *count == 0 {
                    continue;
                }
                let height = *count as f64 / highest as f64 * PLOT_HEIGHT;
                y -= height;
                svg.push_str(&format!(
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{height:.1}" fill="{}"/>"#,
                    COLOURS[answer % COLOURS.len()]
                ));
            }
        }
        let first = hour_label(hours[0].0);
        let last = hour_label(hours[hours.len() - 1].0);
        svg.push_str(&format!(
            r##"<text x="{LEFT}" y="{}" font-size="12" fill="#333333">{}</text><text x="{}" y="{}" font-size="12" text-anchor="end" fill="#333333">{}</text>"##,
            axis_bottom + 16.0,
            escape_markup(&first),
            LEFT + plot_width,
            axis_bottom + 16.0,
            escape_markup(&last)
        ));
    }
    let mut x = LEFT;
    for (answer, label) in labels.iter().enumerate() {
        let y = HEIGHT - 24.0;
        svg.push_str(&format!(
            r##"<rect x="{x:.1}" y="{y}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{}" font-size="12" fill="#333333">{}</text>"##,
            COLOURS[answer % COLOURS.len()],
            x + 16.0,
            y + 11.0,
            escape_markup(label)
        ));
        x += 24.0 + label.chars().count().min(40) as f64 * 7.0;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use stembus_poll::test_support::poll;

    #[test]
    fn a_minute_far_above_the_median_with_enough_votes_is_a_burst() {
        let minutes: Vec<(i64, u64)> = (0..20).map(|m| (m * 60, 3)).collect();
        let mut with_burst = minutes.clone();
        with_burst.push((20 * 60, 40));
        let (median, bursts) = bursts(&with_burst);
        assert_eq!(median, 3);
        assert_eq!(
            bursts,
            vec![Burst {
                minute: 1200,
                votes: 40
            }]
        );
        // Far above the median but too few votes to matter: no burst.
        let mut small = minutes.clone();
        small.push((20 * 60, 19));
        assert!(super::bursts(&small).1.is_empty());
        // Enough votes, but busy is this poll's normal: no burst.
        let busy: Vec<(i64, u64)> = (0..10).map(|m| (m * 60, 30 + m as u64)).collect();
        assert!(super::bursts(&busy).1.is_empty());
    }

    #[test]
    fn the_hourly_series_fills_empty_hours_and_keeps_the_poll_order() {
        let poll = poll();
        let keys: Vec<String> = poll.options.iter().map(|o| o.key.clone()).collect();
        let rows = vec![
            (7200, keys[1].clone(), 2),
            (0, keys[0].clone(), 5),
            (7200, keys[0].clone(), 1),
            (7200, "weg-uit-de-inhoud".to_string(), 9),
        ];
        let series = HourlySeries::from_rows(&poll, &rows);
        assert_eq!(series.hours.len(), 3);
        assert_eq!(series.hours[0], (0, vec![5, 0, 0]));
        assert_eq!(series.hours[1], (3600, vec![0, 0, 0]));
        assert_eq!(series.hours[2], (7200, vec![1, 2, 0]));
    }

    #[test]
    fn the_chart_names_itself_and_escapes_labels() {
        let labels = vec!["Ja <zeker>".to_string(), "Nee".to_string()];
        let svg = chart_svg(
            &labels,
            &[(0, vec![3, 1]), (3600, vec![0, 4])],
            "Stemmen per uur",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"grafiek-titel\">Stemmen per uur</title>"));
        assert!(svg.contains("Ja &lt;zeker&gt;"));
        assert_eq!(
            svg.matches("<rect").count(),
            1 + 3 + 2,
            "background, bars, legend"
        );
        roxmltree::Document::parse(&svg).expect("well-formed SVG");
    }
}
