//! The desk's CSV exports at `/redactie/poll/{id}/export/…`: totals, the hourly series and the
//! voided windows, in the form Dutch and Belgian Excel opens with a double click: UTF-8 with a
//! byte order mark and `;` between fields (the figures are whole numbers, so no decimal separator
//! arises). Every text cell is written so that no spreadsheet runs it as a formula. Hand-written:
//! three small tables with one quoting rule and one formula rule do not need a CSV crate.

use super::activity::HourlySeries;
use super::extract::{DeskPath, SignedIn};
use super::find_poll;
use super::refusal::Refusal;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use stembus_poll::PollResults;
use stembus_poll::error::AppError;
use stembus_site::standing::standing;
use stembus_site::state::SiteState;
use stembus_store::desk::{AuditAction, VoidedWindow};

/// The byte order mark Excel needs to read the file as UTF-8.
const BOM: &str = "\u{feff}";

/// One cell: a text an editor or a reader's choice wrote, or a figure the site counted.
enum Cell {
    Text(String),
    Number(u64),
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// The cell as CSV wants it. A text that a spreadsheet would run as a formula (it begins with
    /// `=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's "CSV injection") gets a single quote
    /// in front, which shows the text as text; a text is quoted when it holds a separator, a quote
    /// or a line break. Numbers are written as they are, so they stay numbers.
    fn csv(&self) -> String {
        let text = match self {
            Cell::Number(n) => return n.to_string(),
            Cell::Text(text) => text,
        };
        let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{text}")
        } else {
            text.clone()
        };
        if text.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
}

fn line(cells: &[Cell]) -> String {
    let mut line = cells.iter().map(Cell::csv).collect::<Vec<_>>().join(";");
    line.push_str("\r\n");
    line
}

fn header(names: &[&str]) -> String {
    line(
        &names
            .iter()
            .map(|name| Cell::text(*name))
            .collect::<Vec<_>>(),
    )
}

/// A moment as a spreadsheet reads it: "2025-01-27 18:05", Brussels time; in the hour the autumn
/// clock shows twice with which one it is ("2027-10-31 02:30 (wintertijd)"), or two rows and two
/// windows would read alike.
fn moment_cell(unix_seconds: i64) -> Cell {
    Cell::Text(crate::brussels::spreadsheet_minute(unix_seconds))
}

/// The standing: one row per answer, then the number of readers who voted, how often the poll was
/// seen and the share of those readers who voted (`seen`: the views, none when unreadable).
pub fn totals(results: &PollResults, seen: Option<u64>) -> String {
    let mut csv = String::from(BOM);
    csv.push_str(&header(&["antwoord", "stemmen", "percentage"]));
    for row in &results.rows {
        csv.push_str(&line(&[
            Cell::text(row.label.as_str()),
            Cell::Number(row.votes),
            Cell::Number(u64::from(row.percent)),
        ]));
    }
    csv.push_str(&line(&[
        Cell::text("lezers die stemden"),
        Cell::Number(results.voters),
        Cell::text(""),
    ]));
    if let Some(seen) = seen {
        let participation = stembus_poll::tally::participation(results.voters, seen)
            .map_or(Cell::text(""), |percent| Cell::Number(u64::from(percent)));
        csv.push_str(&line(&[
            Cell::text("keer gezien (schatting)"),
            Cell::Number(seen),
            participation,
        ]));
    }
    csv
}

/// Every hour from the first with votes or views to the last, one column per answer, then how
/// often the poll was seen in that hour (`views`: per hour, its first second).
pub fn hourly(series: &HourlySeries, views: &[(i64, u64)]) -> String {
    let mut csv = String::from(BOM);
    let mut names = vec![Cell::text("uur (Brussel)")];
    names.extend(series.labels.iter().map(|label| Cell::text(label.as_str())));
    names.push(Cell::text("keer gezien"));
    csv.push_str(&line(&names));
    let all_hours = || {
        series
            .hours
            .iter()
            .map(|(hour, _)| *hour)
            .chain(views.iter().map(|(hour, _)| *hour))
    };
    let (Some(first), Some(last)) = (all_hours().min(), all_hours().max()) else {
        return csv;
    };
    let no_votes = vec![0; series.labels.len()];
    for hour in (first..=last).step_by(3_600) {
        let counts = series
            .hours
            .iter()
            .find(|(of, _)| *of == hour)
            .map_or(&no_votes, |(_, counts)| counts);
        let seen = views
            .iter()
            .find(|(of, _)| *of == hour)
            .map_or(0, |(_, seen)| *seen);
        let mut row = vec![moment_cell(hour)];
        row.extend(counts.iter().copied().map(Cell::Number));
        row.push(Cell::Number(seen));
        csv.push_str(&line(&row));
    }
    csv
}

/// Every voided window, restored ones too.
pub fn voided(windows: &[VoidedWindow]) -> String {
    let mut csv = String::from(BOM);
    csv.push_str(&header(&[
        "van (Brussel)",
        "tot (Brussel)",
        "stemmen",
        "ongeldig verklaard door",
        "ongeldig verklaard op",
        "hersteld door",
        "hersteld op",
    ]));
    for window in windows {
        let (restored_by, restored_at) = match &window.restored {
            Some((by, at)) => (Cell::text(by.as_str()), moment_cell(*at)),
            None => (Cell::text(""), Cell::text("")),
        };
        csv.push_str(&line(&[
            moment_cell(window.window.from),
            moment_cell(window.window.until),
            Cell::Number(window.ballots),
            Cell::text(window.voided_by.as_str()),
            moment_cell(window.voided_at),
            restored_by,
            restored_at,
        ]));
    }
    csv
}

/// `GET /redactie/poll/{id}/export/{totalen|per-uur|ongeldig}.csv`, written to the audit log.
pub async fn download(
    State(state): State<SiteState>,
    editor: SignedIn,
    DeskPath((id, file)): DeskPath<(String, String)>,
) -> Result<Response, Refusal> {
    let served = find_poll(&state, &id)?.served;
    let (csv, what) = match file.as_str() {
        "totalen.csv" => {
            let (results, _) = standing(&state.store, &served, None).await?;
            let seen = state
                .store
                .views_per_hour(&id)
                .await
                .ok()
                .map(|hours| hours.iter().map(|(_, views)| views).sum());
            (totals(&results, seen), "totalen")
        }
        "per-uur.csv" => {
            let rows = state.store.choices_per_hour(&id).await?;
            let views = state.store.views_per_hour(&id).await?;
            (
                hourly(&HourlySeries::from_rows(&served, &rows), &views),
                "per uur",
            )
        }
        "ongeldig.csv" => {
            let windows = state.store.voided_windows(Some(&id)).await?;
            (voided(&windows), "ongeldig verklaarde vensters")
        }
        _ => return Err(AppError::NotFound.into()),
    };
    let entry = editor.audit(
        state.now(),
        AuditAction::Export,
        Some(&id),
        format!("CSV {what}"),
    );
    state.store.record_audit(&entry).await?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{id}-{file}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stembus_poll::ResultRow;

    #[test]
    fn totals_are_semicolon_separated_utf8_with_a_bom_and_quote_what_needs_it() {
        let results = PollResults {
            rows: vec![
                ResultRow {
                    key: "ja".into(),
                    label: "Ja; zeker \"nu\"".into(),
                    votes: 3,
                    percent: 75,
                },
                ResultRow {
                    key: "nee".into(),
                    label: "Nee".into(),
                    votes: 1,
                    percent: 25,
                },
            ],
            voters: 4,
            read_at_ms: 0,
        };
        let csv = totals(&results, Some(16));
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "antwoord;stemmen;percentage");
        assert_eq!(lines[1], "\"Ja; zeker \"\"nu\"\"\";3;75");
        assert_eq!(lines[2], "Nee;1;25");
        assert_eq!(lines[3], "lezers die stemden;4;");
        assert_eq!(
            lines[4], "keer gezien (schatting);16;25",
            "4 voters of 16 views: 25%"
        );
        assert_eq!(
            totals(&results, None).lines().count(),
            4,
            "no views row when unreadable"
        );
    }

    #[test]
    fn a_text_a_spreadsheet_would_run_as_a_formula_gets_a_quote_and_numbers_stay_numbers() {
        let labels = [
            "=HYPERLINK(\"http://127.0.0.1:9/\";\"klik\")",
            "+31",
            "-1",
            "@SUM(A1)",
            "\tTab",
            "\rTerug",
            "Gewoon = niets",
        ];
        let results = PollResults {
            rows: labels
                .iter()
                .enumerate()
                .map(|(n, label)| ResultRow {
                    key: format!("a{n}"),
                    label: label.to_string(),
                    votes: 1,
                    percent: 14,
                })
                .collect(),
            voters: 7,
            read_at_ms: 0,
        };
        let csv = totals(&results, None);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://127.0.0.1:9/\"\";\"\"klik\"\")\";1;14"
        );
        assert_eq!(lines[2], "'+31;1;14");
        assert_eq!(lines[3], "'-1;1;14");
        assert_eq!(lines[4], "'@SUM(A1);1;14");
        assert_eq!(lines[5], "'\tTab;1;14");
        assert_eq!(lines[6], "\"'\rTerug\";1;14");
        assert_eq!(lines[7], "Gewoon = niets;1;14");
        assert_eq!(lines[8], "lezers die stemden;7;");

        let series = HourlySeries {
            labels: vec!["=1+1".into(), "Nee".into()],
            hours: vec![(1_737_997_200, vec![2, 0])],
        };
        assert!(
            hourly(&series, &[])
                .contains("uur (Brussel);'=1+1;Nee;keer gezien\r\n2025-01-27 18:00;2;0;0\r\n")
        );
    }

    #[test]
    fn the_hour_the_autumn_clock_shows_twice_is_written_with_its_season() {
        // 31 October 2027: 00:00 UTC is 02:00 summer time, 01:00 UTC 02:00 winter time.
        let (summer, winter) = (1_824_940_800, 1_824_944_400);
        let series = HourlySeries {
            labels: vec!["Ja".into(), "Nee".into()],
            hours: vec![(summer, vec![3, 0]), (winter, vec![0, 30])],
        };
        let csv = hourly(&series, &[]);
        assert!(
            csv.contains(
                "2027-10-31 02:00 (zomertijd);3;0;0\r\n2027-10-31 02:00 (wintertijd);0;30;0\r\n"
            ),
            "{csv}"
        );
        let window = |from: i64| VoidedWindow {
            id: 1,
            poll_id: "p".into(),
            window: stembus_store::desk::TimeWindow {
                from,
                until: from + 60,
            },
            ballots: 3,
            voided_by: "an".into(),
            voided_at: winter + 7200,
            restored: None,
        };
        let csv = voided(&[window(summer + 1800), window(winter + 1800)]);
        assert!(
            csv.contains("\r\n2027-10-31 02:30 (zomertijd);2027-10-31 02:31 (zomertijd);3;an;2027-10-31 04:00;;\r\n"),
            "{csv}"
        );
        assert!(
            csv.contains("\r\n2027-10-31 02:30 (wintertijd);2027-10-31 02:31 (wintertijd);3;"),
            "{csv}"
        );
    }

    #[test]
    fn hours_are_written_in_brussels_time() {
        let series = HourlySeries {
            labels: vec!["Ja".into(), "Nee".into()],
            // 27 January 2025, 17:00 UTC is 18:00 in Brussels.
            hours: vec![(1_737_997_200, vec![2, 0])],
        };
        // Views an hour before the first vote, and in the vote's hour.
        let csv = hourly(&series, &[(1_737_993_600, 5), (1_737_997_200, 9)]);
        assert!(
            csv.contains(
                "uur (Brussel);Ja;Nee;keer gezien\r\n2025-01-27 17:00;0;0;5\r\n2025-01-27 18:00;2;0;9\r\n"
            ),
            "{csv}"
        );
    }
}
