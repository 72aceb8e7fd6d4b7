//! The `Date` header's forms: what a verifier reads from clients.
//!
//! RFC 9110 section 5.6.7: senders use IMF-fixdate
//! (`Sun, 30 Aug 2015 12:36:00 GMT`), recipients also accept RFC 850
//! (`Sunday, 30-Aug-15 12:36:00 GMT`) and asctime
//! (`Sun Aug 30 12:36:00 2015`). botocore writes RFC 2822 dates with a
//! numeric zone (`Sun, 30 Aug 2015 12:36:00 -0000`, Python's
//! `email.utils.formatdate`), which RFC 2822 allows with any offset
//! (`+0200`) and without the weekday.

use time::{Date, Month, PrimitiveDateTime, Time, Weekday};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const WEEKDAYS: [(&str, &str, Weekday); 7] = [
    ("Mon", "Monday", Weekday::Monday),
    ("Tue", "Tuesday", Weekday::Tuesday),
    ("Wed", "Wednesday", Weekday::Wednesday),
    ("Thu", "Thursday", Weekday::Thursday),
    ("Fri", "Friday", Weekday::Friday),
    ("Sat", "Saturday", Weekday::Saturday),
    ("Sun", "Sunday", Weekday::Sunday),
];

/// Seconds since the Unix epoch of an HTTP or RFC 2822 date; `None` if it
/// is none of the forms, names an impossible date, or a weekday that is
/// not the date's.
pub(crate) fn parse(s: &str) -> Option<i64> {
    let s = s.trim_matches([' ', '\t']);
    let (weekday, rest) = match s.split_once(", ") {
        Some((name, rest)) => (Some(weekday(name, true)?), rest),
        None => match s.split_once(' ') {
            // asctime: `Sun Aug 30 12:36:00 2015` (day padded with a space).
            Some((name, rest)) if weekday(name, false).is_some() => {
                return asctime(weekday(name, false)?, rest)
            }
            // RFC 2822 without a weekday.
            _ => (None, s),
        },
    };
    let fields: Vec<&str> = rest.split(' ').collect();
    let (date, clock, zone) = match fields[..] {
        // RFC 850: `30-Aug-15 12:36:00 GMT`.
        [date, clock, "GMT"] => {
            let mut parts = date.split('-');
            let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || year.len() != 2 {
                return None;
            }
            // Two-digit years: 70..99 are 19xx, the rest 20xx.
            let yy: i32 = number(year)?;
            let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
            ((number(day)?, month, year), clock, 0)
        }
        // IMF-fixdate and RFC 2822: `30 Aug 2015 12:36:00 GMT` / `-0000`.
        [day, month, year, clock, zone] if year.len() == 4 => {
            ((number(day)?, month, number(year)?), clock, offset(zone)?)
        }
        _ => return None,
    };
    let (day, month, year) = date;
    let unix = unix_seconds(year, month, day, clock, weekday)?;
    Some(unix - zone)
}

fn asctime(weekday: Weekday, rest: &str) -> Option<i64> {
    let fields: Vec<&str> = rest.split(' ').filter(|f| !f.is_empty()).collect();
    match fields[..] {
        [month, day, clock, year] if year.len() == 4 && day.len() <= 2 => {
            unix_seconds(number(year)?, month, number(day)?, clock, Some(weekday))
        }
        _ => None,
    }
}

fn weekday(name: &str, long_allowed: bool) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|(short, long, _)| name == *short || (long_allowed && name == *long))
        .map(|(_, _, day)| *day)
}

/// Seconds east of UTC, as a number to subtract.
fn offset(zone: &str) -> Option<i64> {
    match zone {
        "GMT" | "UT" | "UTC" | "Z" => return Some(0),
        _ => {}
    }
    let (sign, digits) = match zone.split_at_checked(1)? {
        ("+", digits) => (1, digits),
        ("-", digits) => (-1, digits),
        _ => return None,
    };
    if digits.len() != 4 {
        return None;
    }
    let (hours, minutes): (i64, i64) = (number(&digits[..2])?, number(&digits[2..])?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

fn unix_seconds(
    year: i32,
    month: &str,
    day: u8,
    clock: &str,
    weekday: Option<Weekday>,
) -> Option<i64> {
    let month_index = MONTHS.iter().position(|m| *m == month)?;
    let month = Month::try_from(u8::try_from(month_index + 1).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    if weekday.is_some_and(|w| w != date.weekday()) {
        return None;
    }
    let mut hms = clock.split(':');
    let (h, m, s) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() || [h, m, s].iter().any(|f| f.len() != 2) {
        return None;
    }
    let time = Time::from_hms(number(h)?, number(m)?, number(s)?).ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// A decimal number of ASCII digits only (no sign, no spaces).
fn number<T: std::str::FromStr>(digits: &str) -> Option<T> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2015-08-30T12:36:00Z, the AWS suite's time (a Sunday).
    const SUITE: i64 = 1_440_938_160;

    #[test]
    fn every_form_botocore_and_the_http_rfcs_produce() {
        for (form, date) in [
            ("IMF-fixdate", "Sun, 30 Aug 2015 12:36:00 GMT"),
            ("botocore (formatdate)", "Sun, 30 Aug 2015 12:36:00 -0000"),
            ("RFC 2822 +0000", "Sun, 30 Aug 2015 12:36:00 +0000"),
            ("RFC 2822 east", "Sun, 30 Aug 2015 14:36:00 +0200"),
            ("RFC 2822 west", "Sun, 30 Aug 2015 07:06:00 -0530"),
            ("RFC 2822 no weekday", "30 Aug 2015 12:36:00 GMT"),
            ("RFC 2822 UT", "Sun, 30 Aug 2015 12:36:00 UT"),
            ("RFC 850", "Sunday, 30-Aug-15 12:36:00 GMT"),
            ("asctime", "Sun Aug 30 12:36:00 2015"),
        ] {
            assert_eq!(parse(date), Some(SUITE), "{form}: {date:?}");
        }
        assert_eq!(parse("Mon Aug  3 12:36:00 2015"), Some(SUITE - 27 * 86_400));
        assert_eq!(
            parse("Thursday, 01-Jan-70 00:00:00 GMT"),
            Some(0),
            "RFC 850, 19xx"
        );
    }

    #[test]
    fn refuses_what_is_none_of_them() {
        for bad in [
            "",
            "Mon, 30 Aug 2015 12:36:00 GMT",
            "Sun, 30 Aug 2015 12:36 GMT",
            "Sun, 31 Sep 2015 12:36:00 GMT",
            "Sun, 30 Aug 2015 12:36:00 +2400",
            "Sun, 30 Aug 2015 12:36:00 0000",
            "Sun, 30 Aug 2015 12:36:00 EST",
            "Sun, 30 Aug 15 12:36:00 GMT",
            "Sunday, 30-Aug-2015 12:36:00 GMT",
            "Sun Aug 30 12:36:00 15",
            "Sun, +30 Aug 2015 12:36:00 GMT",
            "Sun, 30 aug 2015 12:36:00 GMT",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
