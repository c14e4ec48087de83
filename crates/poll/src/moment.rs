//! Moments as newsrooms give them (a month, a day, or a time with its UTC offset), their Belgian Dutch
//! spelling, and Brussels local time.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// A moment known to the month ("2025-01"), the day ("2025-01-27") or the minute with its UTC
/// offset ("2025-01-27T18:05:00+01:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Moment {
    year: u16,
    month: u8,
    day: Option<u8>,
    time: Option<ClockTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClockTime {
    hour: u8,
    minute: u8,
    second: u8,
    /// Minutes east of UTC.
    offset: i16,
}

/// Why a moment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a moment of the form YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]+HH:MM (or Z)"
)]
pub struct InvalidMoment(String);

/// What a Brussels clock time stands for (`Moment::read_brussels_local`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrusselsTime {
    /// One instant, in unix seconds.
    Once(i64),
    /// A time the clock shows twice on the last Sunday of October, between 2.00 and 3.00: first
    /// in summer time (+02:00), an hour later in winter time (+01:00).
    Twice { summer: i64, winter: i64 },
    /// A time the clock skips on the last Sunday of March, from 2.00 straight to 3.00.
    Skipped,
}

/// Which of its two moments a time in the hour the Brussels clock shows twice is
/// (`Moment::doubled_hour`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoubledHour {
    /// The first, in summer time (+02:00).
    SummerTime,
    /// The second, an hour later, in winter time (+01:00).
    WinterTime,
}

impl Moment {
    /// Parses the three forms above; fails on anything else, including days a month lacks and a
    /// time without its offset (a newsroom's "18:05" means nothing without knowing where).
    pub fn parse(text: &str) -> Result<Self, InvalidMoment> {
        let invalid = || InvalidMoment(text.to_string());
        let (date, time) = match text.split_once('T') {
            Some((date, time)) => (date, Some(time)),
            None => (text, None),
        };
        let parts: Vec<&str> = date.split('-').collect();
        let number = |part: &str, len: usize| digits(part, len).ok_or_else(invalid);
        let (year, month, day) = match parts.as_slice() {
            [y, m] => (number(y, 4)?, number(m, 2)?, None),
            [y, m, d] => (number(y, 4)?, number(m, 2)?, Some(number(d, 2)?)),
            _ => return Err(invalid()),
        };
        if !(1..=12).contains(&month) {
            return Err(invalid());
        }
        let month = month as u8;
        let day = match day {
            None => None,
            Some(d) if d >= 1 && d <= u16::from(days_in_month(year, month)) => Some(d as u8),
            Some(_) => return Err(invalid()),
        };
        let time = match time {
            None => None,
            Some(_) if day.is_none() => return Err(invalid()),
            Some(time) => Some(parse_time(time).ok_or_else(invalid)?),
        };
        Ok(Moment {
            year,
            month,
            day,
            time,
        })
    }

    /// The moment `unix_seconds` after 1970 as a clock in Brussels shows it.
    pub fn brussels_from_unix(unix_seconds: i64) -> Moment {
        let offset = brussels_offset_minutes(unix_seconds);
        let local = unix_seconds + i64::from(offset) * 60;
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let second_of_day = local.rem_euclid(86_400);
        Moment {
            year: year as u16,
            month,
            day: Some(day),
            time: Some(ClockTime {
                hour: (second_of_day / 3600) as u8,
                minute: (second_of_day / 60 % 60) as u8,
                second: (second_of_day % 60) as u8,
                offset,
            }),
        }
    }

    /// The date as readers in Flanders write it: "januari 2025" or "27 januari 2025".
    pub fn long_nl(&self) -> String {
        let month = MONTHS_NL[usize::from(self.month - 1)];
        match self.day {
            Some(day) => format!("{day} {month} {}", self.year),
            None => format!("{month} {}", self.year),
        }
    }

    /// The date and, when known, the time: "27 januari 2025 om 18.05 uur".
    pub fn long_nl_with_time(&self) -> String {
        match self.time {
            Some(time) => format!("{} om {}.{:02} uur", self.long_nl(), time.hour, time.minute),
            None => self.long_nl(),
        }
    }

    /// Seconds since 1970 (UTC) of the moment, or of the start of its month or day when that is all
    /// that is known (read as UTC).
    pub fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day.unwrap_or(1));
        let time = self.time.map_or(0, |t| {
            i64::from(t.hour) * 3600 + i64::from(t.minute) * 60 + i64::from(t.second)
                - i64::from(t.offset) * 60
        });
        days * 86_400 + time
    }

    /// The moment as a full RFC 3339 timestamp, as Atom feeds and structured data want it; a month
    /// or day stands for its first second, in UTC.
    pub fn to_rfc3339(&self) -> String {
        match self.time {
            Some(_) => self.to_string(),
            None => format!(
                "{:04}-{:02}-{:02}T00:00:00Z",
                self.year,
                self.month,
                self.day.unwrap_or(1)
            ),
        }
    }

    /// The day and month without the year, with the time when known: "27 januari om 18.05 uur".
    pub fn day_month_nl_with_time(&self) -> String {
        let month = MONTHS_NL[usize::from(self.month - 1)];
        let date = match self.day {
            Some(day) => format!("{day} {month}"),
            None => month.to_string(),
        };
        match self.time {
            Some(time) => format!("{date} om {}.{:02} uur", time.hour, time.minute),
            None => date,
        }
    }

    /// The time of day as Flemish readers write it, "18.05"; empty for a moment without a time.
    pub fn clock_nl(&self) -> String {
        self.time
            .map(|time| format!("{}.{:02}", time.hour, time.minute))
            .unwrap_or_default()
    }

    /// The moment as an HTML `datetime-local` field shows it: "2025-01-27T18:05", local time.
    pub fn local_input_value(&self) -> String {
        let time = self.time.map_or((0, 0), |t| (t.hour, t.minute));
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            self.year,
            self.month,
            self.day.unwrap_or(1),
            time.0,
            time.1
        )
    }

    /// The moment as a `datetime-local` value with its offset, "2027-10-31T02:30+01:00": one
    /// instant even in the hour the Brussels clock shows twice, which the value alone is not.
    pub fn local_value_with_offset(&self) -> String {
        let offset = self.time.map_or(0, |t| t.offset).unsigned_abs();
        let sign = if self.time.is_some_and(|t| t.offset < 0) {
            '-'
        } else {
            '+'
        };
        format!(
            "{}{sign}{:02}:{:02}",
            self.local_input_value(),
            offset / 60,
            offset % 60
        )
    }

    /// Reads a `datetime-local` value ("2025-01-27T18:05", seconds optional), optionally with its
    /// offset ("…+01:00"), as a clock in Brussels shows it. `None` for anything else, and for an
    /// offset Brussels did not keep then. Without an offset a time in the hour the clock shows
    /// twice in autumn is `Twice`, for the caller to ask which: picking one would be a guess.
    pub fn read_brussels_local(text: &str) -> Option<BrusselsTime> {
        let (date, clock) = text.split_once('T')?;
        let parts: Vec<&str> = date.split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            return None;
        };
        let (year, month, day) = (digits(year, 4)?, digits(month, 2)?, digits(day, 2)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > u16::from(days_in_month(year, month as u8))
        {
            return None;
        }
        let (clock, offset) = match clock.split_once('+') {
            Some((clock, offset)) => {
                let (hours, minutes) = offset.split_once(':')?;
                let minutes = i64::from(digits(hours, 2)?) * 60 + i64::from(digits(minutes, 2)?);
                (clock, Some(minutes))
            }
            None => (clock, None),
        };
        let clock: Vec<&str> = clock.split(':').collect();
        let (hour, minute, second) = match clock.as_slice() {
            [h, m] => (digits(h, 2)?, digits(m, 2)?, 0),
            [h, m, s] => (digits(h, 2)?, digits(m, 2)?, digits(s, 2)?),
            _ => return None,
        };
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let local = days_from_civil(i64::from(year), month as u8, day as u8) * 86_400
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second);
        // The instant this clock time is at `offset` minutes east of UTC, if Brussels kept it then.
        let at = |offset: i64| {
            let candidate = local - offset * 60;
            (i64::from(brussels_offset_minutes(candidate)) == offset).then_some(candidate)
        };
        if let Some(offset) = offset {
            return at(offset).map(BrusselsTime::Once);
        }
        Some(match (at(120), at(60)) {
            (Some(summer), Some(winter)) => BrusselsTime::Twice { summer, winter },
            (Some(once), None) | (None, Some(once)) => BrusselsTime::Once(once),
            (None, None) => BrusselsTime::Skipped,
        })
    }

    /// The moment's calendar as written: year, month (1 to 12), the day when known, and the clock
    /// (hour, minute) when known; what the readers' words spell in their language.
    pub fn calendar(&self) -> (u16, u8, Option<u8>, Option<(u8, u8)>) {
        (
            self.year,
            self.month,
            self.day,
            self.time.map(|time| (time.hour, time.minute)),
        )
    }

    /// For a moment the Brussels clock shows in the hour it shows twice (the last Sunday of
    /// October, 2.00 to 3.00), which of the two it is; `None` for any other moment, and for one
    /// without a time. Read from the instant, whatever offset the moment was written in.
    pub fn doubled_hour(&self) -> Option<DoubledHour> {
        self.time?;
        let unix_seconds = self.unix_seconds();
        let minute = unix_seconds - unix_seconds.rem_euclid(60);
        let shown = Moment::brussels_from_unix(minute).local_input_value();
        match Moment::read_brussels_local(&shown)? {
            BrusselsTime::Twice { summer, .. } if summer == minute => Some(DoubledHour::SummerTime),
            BrusselsTime::Twice { .. } => Some(DoubledHour::WinterTime),
            _ => None,
        }
    }

    /// Whether the moment is known to the minute, as poll openings and closings must be.
    pub fn has_time(&self) -> bool {
        self.time.is_some()
    }

    /// The same instant as a clock in Brussels shows it, whatever offset it was written in: pages
    /// spell a moment's date and time as they read, so `2025-06-02T23:30:00Z` must be 3 June,
    /// 1.30. A month or a day has no instant to move and stays as written.
    pub fn in_brussels(self) -> Moment {
        match self.time {
            Some(_) => Moment::brussels_from_unix(self.unix_seconds()),
            None => self,
        }
    }

    /// The Dutch preposition before `long_nl`: "op 27 januari 2025", but "in januari 2025" for a
    /// moment known to the month only.
    pub fn on_or_in_nl(&self) -> &'static str {
        if self.day.is_some() { "op" } else { "in" }
    }
}

/// Ordered by when they happened (the start of the month or day for coarser moments).
impl Ord for Moment {
    fn cmp(&self, other: &Self) -> Ordering {
        self.unix_seconds()
            .cmp(&other.unix_seconds())
            .then(self.day.is_some().cmp(&other.day.is_some()))
            .then(self.time.is_some().cmp(&other.time.is_some()))
    }
}

impl PartialOrd for Moment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A fixed-width run of ASCII digits.
fn digits(part: &str, len: usize) -> Option<u16> {
    if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

fn parse_time(text: &str) -> Option<ClockTime> {
    let (clock, offset) = if let Some(clock) = text.strip_suffix('Z') {
        (clock, 0)
    } else {
        let split = text.rfind(['+', '-'])?;
        let (clock, offset) = text.split_at(split);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':')?;
        let hours = digits(hours, 2)?;
        let minutes = digits(minutes, 2)?;
        if hours > 14 || minutes > 59 {
            return None;
        }
        (clock, sign * (hours as i16 * 60 + minutes as i16))
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] => (digits(h, 2)?, digits(m, 2)?, 0),
        [h, m, s] => (digits(h, 2)?, digits(m, 2)?, digits(s, 2)?),
        _ => return None,
    };
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(ClockTime {
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        offset,
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01; the inverse of `days_from_civil`.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u8;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Brussels keeps Central European Time, with summer time (+02:00) from 01:00 UTC on the last
/// Sunday of March to 01:00 UTC on the last Sunday of October.
fn brussels_offset_minutes(unix_seconds: i64) -> i16 {
    let (year, _, _) = civil_from_days(unix_seconds.div_euclid(86_400));
    let last_sunday = |month: u8| {
        let last_day = days_from_civil(year, month, 31);
        // 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on Sundays.
        last_day - (last_day + 4).rem_euclid(7)
    };
    let summer_starts = last_sunday(3) * 86_400 + 3600;
    let summer_ends = last_sunday(10) * 86_400 + 3600;
    if (summer_starts..summer_ends).contains(&unix_seconds) {
        120
    } else {
        60
    }
}

/// The ISO 8601 form, as used in `<time datetime>`, feeds and structured data.
impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        if let Some(t) = self.time {
            write!(f, "T{:02}:{:02}:{:02}", t.hour, t.minute, t.second)?;
            if t.offset == 0 {
                write!(f, "Z")?;
            } else {
                let sign = if t.offset < 0 { '-' } else { '+' };
                let offset = t.offset.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", offset / 60, offset % 60)?;
            }
        }
        Ok(())
    }
}

impl TryFrom<String> for Moment {
    type Error = InvalidMoment;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Moment::parse(&text)
    }
}

impl From<Moment> for String {
    fn from(moment: Moment) -> String {
        moment.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_local_brussels_time_reads_back_as_it_was_written() {
        use super::{BrusselsTime, Moment};
        // 27 January 2025, 18:05 in Brussels is 17:05 UTC (winter time).
        let winter = Moment::read_brussels_local("2025-01-27T18:05");
        assert_eq!(winter, Some(BrusselsTime::Once(1_737_997_500)));
        let moment = Moment::brussels_from_unix(1_737_997_500);
        assert_eq!(moment.local_input_value(), "2025-01-27T18:05");
        assert_eq!(moment.local_value_with_offset(), "2025-01-27T18:05+01:00");
        assert_eq!(moment.day_month_nl_with_time(), "27 januari om 18.05 uur");
        assert_eq!(moment.clock_nl(), "18.05");
        // Summer time: 2 June 2025, 09:00 is 07:00 UTC.
        let Some(BrusselsTime::Once(summer)) = Moment::read_brussels_local("2025-06-02T09:00")
        else {
            panic!("one instant")
        };
        assert_eq!(
            Moment::brussels_from_unix(summer).local_input_value(),
            "2025-06-02T09:00"
        );
        assert_eq!(summer % 86_400, 7 * 3600);
        // 30 March 2025, 02:30 does not exist in Brussels; nonsense is refused.
        assert_eq!(
            Moment::read_brussels_local("2025-03-30T02:30"),
            Some(BrusselsTime::Skipped)
        );
        for bad in [
            "2025-02-30T10:00",
            "2025-01-27 18:05",
            "2025-01-27T25:00",
            "2025-01-27T18:05+1",
            "2025-01-27T18:05-01:00",
            "gisteren",
            "",
        ] {
            assert_eq!(Moment::read_brussels_local(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_autumn_hour_the_clock_shows_twice_is_told_apart_only_by_its_offset() {
        use super::{BrusselsTime, Moment};
        // 31 October 2027: 02:30 in summer time is 00:30 UTC, in winter time 01:30 UTC.
        let (summer, winter) = (1_824_942_600, 1_824_946_200);
        assert_eq!(
            Moment::read_brussels_local("2027-10-31T02:30"),
            Some(BrusselsTime::Twice { summer, winter }),
            "without an offset neither is picked"
        );
        for (instant, written) in [
            (summer, "2027-10-31T02:30+02:00"),
            (winter, "2027-10-31T02:30+01:00"),
        ] {
            let moment = Moment::brussels_from_unix(instant);
            assert_eq!(moment.local_value_with_offset(), written);
            assert_eq!(
                Moment::read_brussels_local(written),
                Some(BrusselsTime::Once(instant))
            );
        }
        assert_eq!(
            Moment::read_brussels_local("2027-10-31T02:30:00+01:00"),
            Some(BrusselsTime::Once(winter)),
            "seconds may be written"
        );
        // An offset Brussels did not keep at that time names no Brussels clock time.
        assert_eq!(Moment::read_brussels_local("2027-07-01T10:00+01:00"), None);
        assert_eq!(Moment::read_brussels_local("2027-10-31T03:30+02:00"), None);
    }

    use super::*;

    #[test]
    fn a_moment_in_another_offset_reads_as_the_brussels_clock_and_a_date_stays_a_date() {
        let late = Moment::parse("2025-06-02T23:30:00Z").unwrap().in_brussels();
        assert_eq!(late.long_nl_with_time(), "3 juni 2025 om 1.30 uur");
        assert_eq!(
            late.unix_seconds(),
            Moment::parse("2025-06-02T23:30:00Z")
                .unwrap()
                .unix_seconds()
        );
        for coarse in ["2025-06", "2025-06-02"] {
            let moment = Moment::parse(coarse).unwrap();
            assert_eq!(moment.in_brussels(), moment, "{coarse}");
        }
    }

    #[test]
    fn month_precision_reads_as_month_and_year() {
        let moment = Moment::parse("2025-01").unwrap();
        assert_eq!(moment.long_nl(), "januari 2025");
        assert_eq!(moment.to_string(), "2025-01");
        assert_eq!(
            moment.on_or_in_nl(),
            "in",
            "\"in januari 2025\", not \"op januari\""
        );
    }

    #[test]
    fn day_precision_reads_as_day_month_year() {
        let moment = Moment::parse("2025-01-27").unwrap();
        assert_eq!(moment.long_nl(), "27 januari 2025");
        assert_eq!(moment.to_string(), "2025-01-27");
        assert_eq!(moment.on_or_in_nl(), "op");
        let timed = Moment::parse("2025-01-27T18:05:00+01:00").unwrap();
        assert_eq!(timed.on_or_in_nl(), "op");
    }

    #[test]
    fn a_time_keeps_its_offset_and_reads_in_dutch() {
        let moment = Moment::parse("2025-01-27T18:05:00+01:00").unwrap();
        assert_eq!(moment.to_string(), "2025-01-27T18:05:00+01:00");
        assert_eq!(moment.long_nl_with_time(), "27 januari 2025 om 18.05 uur");
        assert_eq!(moment.unix_seconds(), 1_737_997_500);
        assert_eq!(
            Moment::parse("2025-01-27T17:05Z").unwrap().unix_seconds(),
            1_737_997_500
        );
    }

    #[test]
    fn rfc3339_fills_in_what_a_coarse_moment_leaves_out() {
        assert_eq!(
            Moment::parse("2025-01").unwrap().to_rfc3339(),
            "2025-01-01T00:00:00Z"
        );
        assert_eq!(
            Moment::parse("2025-01-27").unwrap().to_rfc3339(),
            "2025-01-27T00:00:00Z"
        );
        let exact = Moment::parse("2025-01-27T18:05:00+01:00").unwrap();
        assert_eq!(exact.to_rfc3339(), "2025-01-27T18:05:00+01:00");
    }

    #[test]
    fn malformed_and_impossible_moments_are_refused() {
        for bad in [
            "",
            "2025",
            "2025-1",
            "2025-13",
            "2025-00",
            "2025-02-30",
            "2023-02-29",
            "25-01",
            "2025-01-01-01",
            "2025-ja",
            "２０２５-01",
            "2025-01T10:00Z",
            "2025-01-27T18:05",
            "2025-01-27T24:00+01:00",
            "2025-01-27T18:05+1",
            "2025-01-27T18:05+15:00",
        ] {
            assert!(Moment::parse(bad).is_err(), "{bad}");
        }
        assert!(Moment::parse("2024-02-29").is_ok());
    }

    #[test]
    fn moments_sort_by_when_they_happened() {
        let jan = Moment::parse("2025-01").unwrap();
        let jan27 = Moment::parse("2025-01-27").unwrap();
        let jan27_evening = Moment::parse("2025-01-27T18:05+01:00").unwrap();
        let feb = Moment::parse("2025-02-01").unwrap();
        assert!(jan < jan27 && jan27 < jan27_evening && jan27_evening < feb);
    }

    #[test]
    fn brussels_local_time_follows_summer_time() {
        // 2025-03-30 00:59:59 UTC is still winter time; one second later summer time begins.
        let winter = Moment::brussels_from_unix(1_743_296_399);
        assert_eq!(winter.to_string(), "2025-03-30T01:59:59+01:00");
        let summer = Moment::brussels_from_unix(1_743_296_400);
        assert_eq!(summer.to_string(), "2025-03-30T03:00:00+02:00");
        // 2025-10-26 01:00 UTC: back to winter time.
        let autumn = Moment::brussels_from_unix(1_761_440_400);
        assert_eq!(autumn.to_string(), "2025-10-26T02:00:00+01:00");
        assert_eq!(
            Moment::brussels_from_unix(0).to_string(),
            "1970-01-01T01:00:00+01:00"
        );
    }

    #[test]
    fn civil_dates_round_trip_through_day_counts() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
