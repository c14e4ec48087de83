//! Publication dates as newsrooms give them (a month, or a day) and their Belgian Dutch spelling.

use serde::{Deserialize, Serialize};
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

/// A calendar date known to the month ("2025-01") or to the day ("2025-01-27").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PublicationDate {
    year: u16,
    month: u8,
    day: Option<u8>,
}

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date of the form YYYY-MM or YYYY-MM-DD")]
pub struct InvalidDate(String);

impl PublicationDate {
    /// Parses "YYYY-MM" or "YYYY-MM-DD"; fails on anything else, including days a month lacks.
    pub fn parse(text: &str) -> Result<Self, InvalidDate> {
        let invalid = || InvalidDate(text.to_string());
        let parts: Vec<&str> = text.split('-').collect();
        let number = |part: &str, len: usize| -> Result<u16, InvalidDate> {
            if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
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
        Ok(PublicationDate { year, month, day })
    }

    /// The date as readers in Flanders write it: "januari 2025" or "27 januari 2025".
    pub fn long_nl(&self) -> String {
        let month = MONTHS_NL[usize::from(self.month - 1)];
        match self.day {
            Some(day) => format!("{day} {month} {}", self.year),
            None => format!("{month} {}", self.year),
        }
    }
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

/// The machine-readable form, as used in `<time datetime>`.
impl fmt::Display for PublicationDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for PublicationDate {
    type Error = InvalidDate;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        PublicationDate::parse(&text)
    }
}

impl From<PublicationDate> for String {
    fn from(date: PublicationDate) -> String {
        date.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_precision_reads_as_month_and_year() {
        let date = PublicationDate::parse("2025-01").unwrap();
        assert_eq!(date.long_nl(), "januari 2025");
        assert_eq!(date.to_string(), "2025-01");
    }

    #[test]
    fn day_precision_reads_as_day_month_year() {
        let date = PublicationDate::parse("2025-01-27").unwrap();
        assert_eq!(date.long_nl(), "27 januari 2025");
        assert_eq!(date.to_string(), "2025-01-27");
    }

    #[test]
    fn malformed_and_impossible_dates_are_refused() {
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
        ] {
            assert!(PublicationDate::parse(bad).is_err(), "{bad}");
        }
        assert!(PublicationDate::parse("2024-02-29").is_ok());
    }

    #[test]
    fn later_dates_sort_after_earlier_ones() {
        let jan = PublicationDate::parse("2025-01").unwrap();
        let jan27 = PublicationDate::parse("2025-01-27").unwrap();
        let feb = PublicationDate::parse("2025-02-01").unwrap();
        assert!(jan < jan27 && jan27 < feb);
    }
}
