//! Brussels clock times as the desk reads them from its fields and writes them on its pages and
//! in its exports. On the last Sunday of October the clock shows 2.00 to 3.00 twice, first in
//! summer time and then in winter time: a time there names two moments, so the desk writes which
//! one it means wherever such a time appears, carries the offset in its own links and hidden
//! fields, and asks an editor who typed one which they meant instead of guessing.

use stembus_poll::moment::{BrusselsTime, DoubledHour, Moment};

/// What a time typed in a desk field stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// One moment, in unix seconds.
    Once(i64),
    /// A time in the hour the autumn clock shows twice, typed without saying which.
    Twice { summer: i64, winter: i64 },
    /// A time the spring clock skips.
    Skipped,
    /// Not a day and a time at all.
    Invalid,
}

/// Reads a desk field: a `datetime-local` value, or one the desk wrote with its offset.
pub fn read(value: &str) -> Typed {
    match Moment::read_brussels_local(value.trim()) {
        Some(BrusselsTime::Once(at)) => Typed::Once(at),
        Some(BrusselsTime::Twice { summer, winter }) => Typed::Twice { summer, winter },
        Some(BrusselsTime::Skipped) => Typed::Skipped,
        None => Typed::Invalid,
    }
}

/// " (zomertijd)" or " (wintertijd)" after a time the clock shows twice, to say which of the two
/// it is; nothing after any other time.
pub fn season_note(unix_seconds: i64) -> &'static str {
    match Moment::brussels_from_unix(unix_seconds).doubled_hour() {
        Some(DoubledHour::SummerTime) => " (zomertijd)",
        Some(DoubledHour::WinterTime) => " (wintertijd)",
        None => "",
    }
}

/// The date and time in words, "31 oktober 2027 om 2.30 uur", with the season where the clock
/// shows that time twice: "31 oktober 2027 om 2.30 uur (wintertijd)".
pub fn long_with_time(unix_seconds: i64) -> String {
    format!(
        "{}{}",
        Moment::brussels_from_unix(unix_seconds).long_nl_with_time(),
        season_note(unix_seconds)
    )
}

/// The minute as a spreadsheet reads it, "2025-01-27 18:05", with the season where the clock
/// shows it twice: "2027-10-31 02:30 (zomertijd)".
pub fn spreadsheet_minute(unix_seconds: i64) -> String {
    format!(
        "{}{}",
        Moment::brussels_from_unix(unix_seconds)
            .local_input_value()
            .replace('T', " "),
        season_note(unix_seconds)
    )
}

/// The minute as the desk's own links and hidden fields carry it: with its offset, so that it
/// names one moment even where the clock shows it twice ("2027-10-31T02:30+01:00").
pub fn exact_value(unix_seconds: i64) -> String {
    Moment::brussels_from_unix(unix_seconds).local_value_with_offset()
}

/// Why a time in the repeated autumn hour needs a choice, in Dutch: "31 oktober 2027 om 2.30 uur
/// komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd".
pub fn twice_words(summer: i64) -> String {
    format!(
        "{} komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd",
        Moment::brussels_from_unix(summer).long_nl_with_time()
    )
}

/// Why a time in the skipped spring hour is refused, in Dutch.
pub const SKIPPED_WORDS: &str = "dit moment bestaat niet in Brussel: op de laatste zondag van maart springt de klok van 2.00 meteen naar 3.00 uur";

#[cfg(test)]
mod tests {
    use super::*;

    /// 31 October 2027, 02:30 in summer time (00:30 UTC) and in winter time (01:30 UTC).
    const SUMMER: i64 = 1_824_942_600;
    const WINTER: i64 = 1_824_946_200;

    #[test]
    fn a_time_the_clock_shows_twice_says_which_and_others_say_nothing_more() {
        assert_eq!(
            long_with_time(SUMMER + 20),
            "31 oktober 2027 om 2.30 uur (zomertijd)"
        );
        assert_eq!(
            long_with_time(WINTER),
            "31 oktober 2027 om 2.30 uur (wintertijd)"
        );
        assert_eq!(spreadsheet_minute(WINTER), "2027-10-31 02:30 (wintertijd)");
        assert_eq!(
            long_with_time(WINTER + 3600),
            "31 oktober 2027 om 3.30 uur",
            "after the repeated hour"
        );
        assert_eq!(long_with_time(SUMMER - 3600), "31 oktober 2027 om 1.30 uur");
        assert_eq!(spreadsheet_minute(1_737_997_500), "2025-01-27 18:05");
    }

    #[test]
    fn the_desks_own_values_name_one_moment_and_a_typed_one_is_never_guessed() {
        assert_eq!(exact_value(WINTER), "2027-10-31T02:30+01:00");
        assert_eq!(read(&exact_value(WINTER)), Typed::Once(WINTER));
        assert_eq!(read(&exact_value(SUMMER)), Typed::Once(SUMMER));
        assert_eq!(
            read("2027-10-31T02:30"),
            Typed::Twice {
                summer: SUMMER,
                winter: WINTER
            }
        );
        assert_eq!(read("2027-03-28T02:30"), Typed::Skipped);
        assert_eq!(read("morgen"), Typed::Invalid);
        assert_eq!(
            twice_words(SUMMER),
            "31 oktober 2027 om 2.30 uur komt twee keer voor: eerst in zomertijd, een uur later opnieuw in wintertijd"
        );
    }
}
