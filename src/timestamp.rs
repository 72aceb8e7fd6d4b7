//! The signing time in the two forms SigV4 uses: `YYYYMMDDTHHMMSSZ`
//! (`X-Amz-Date`) and `YYYYMMDD` (the credential scope), plus the HTTP
//! `Date` form (IMF-fixdate), and RFC 3339 times (credential expiry).

use std::time::{SystemTime, UNIX_EPOCH};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

use crate::Error;

mod http_date;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// 9999-12-31T23:59:59Z: the last second a four-digit year can write.
const MAX_UNIX_SECONDS: u64 = 253_402_300_799;

/// A signing time, already formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timestamp {
    /// `YYYYMMDDTHHMMSSZ`, ASCII.
    amz_date: [u8; 16],
    unix_seconds: u64,
    weekday: Weekday,
}

impl Timestamp {
    /// The time, truncated to the second, or [`Error::InvalidTime`] outside
    /// 1970..=9999.
    pub(crate) fn new(time: SystemTime) -> Result<Self, Error> {
        let seconds = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::InvalidTime)?
            .as_secs();
        if seconds > MAX_UNIX_SECONDS {
            return Err(Error::InvalidTime);
        }
        let seconds_i64 = i64::try_from(seconds).map_err(|_| Error::InvalidTime)?;
        let t = OffsetDateTime::from_unix_timestamp(seconds_i64).map_err(|_| Error::InvalidTime)?;
        let mut amz_date = [0u8; 16];
        let fields = [
            (0, 4, t.year() as u32),
            (4, 2, u32::from(u8::from(t.month()))),
            (6, 2, u32::from(t.day())),
            (9, 2, u32::from(t.hour())),
            (11, 2, u32::from(t.minute())),
            (13, 2, u32::from(t.second())),
        ];
        for (start, width, mut value) in fields {
            for i in (start..start + width).rev() {
                amz_date[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        amz_date[8] = b'T';
        amz_date[15] = b'Z';
        Ok(Timestamp {
            amz_date,
            unix_seconds: seconds,
            weekday: t.weekday(),
        })
    }

    /// Parses `YYYYMMDDTHHMMSSZ` (an `X-Amz-Date`).
    pub(crate) fn parse_amz_date(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<u32> {
            b.get(range)?.iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let month = Month::try_from(u8::try_from(num(4..6)?).ok()?).ok()?;
        Self::from_parts(
            i32::try_from(num(0..4)?).ok()?,
            month,
            num(6..8)?,
            [num(9..11)?, num(11..13)?, num(13..15)?],
        )
    }

    /// Parses a `Date` header: IMF-fixdate (`Sun, 30 Aug 2015 12:36:00
    /// GMT`), RFC 850, asctime, or RFC 2822 with a numeric zone (botocore's
    /// `Sun, 30 Aug 2015 12:36:00 -0000`).
    pub(crate) fn parse_http_date(s: &str) -> Option<Self> {
        let unix = u64::try_from(http_date::parse(s)?).ok()?;
        Self::new(UNIX_EPOCH + std::time::Duration::from_secs(unix)).ok()
    }

    fn from_parts(year: i32, month: Month, day: u32, [h, m, sec]: [u32; 3]) -> Option<Self> {
        let date = Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
        let time = Time::from_hms(
            u8::try_from(h).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(sec).ok()?,
        )
        .ok()?;
        let unix = PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp();
        let unix = u64::try_from(unix).ok()?;
        Self::new(UNIX_EPOCH + std::time::Duration::from_secs(unix)).ok()
    }

    /// The time as a `SystemTime`.
    pub(crate) fn system_time(&self) -> SystemTime {
        UNIX_EPOCH + std::time::Duration::from_secs(self.unix_seconds)
    }

    /// `20150830T123600Z`.
    pub(crate) fn amz_date(&self) -> &str {
        // Only ASCII digits, `T` and `Z` are ever written.
        std::str::from_utf8(&self.amz_date).unwrap_or_default()
    }

    /// `20150830`, the date of the credential scope.
    pub(crate) fn date(&self) -> &str {
        &self.amz_date()[..8]
    }

    /// Seconds since the Unix epoch.
    #[allow(dead_code)]
    pub(crate) fn unix_seconds(&self) -> u64 {
        self.unix_seconds
    }

    /// `Sun, 30 Aug 2015 12:36:00 GMT` (RFC 9110 IMF-fixdate).
    pub(crate) fn http_date(&self) -> String {
        let d = self.amz_date();
        let month: usize = d[4..6].parse().unwrap_or(1);
        let weekday = match self.weekday {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        };
        format!(
            "{weekday}, {} {} {} {}:{}:{} GMT",
            &d[6..8],
            MONTHS[(month - 1) % 12],
            &d[0..4],
            &d[9..11],
            &d[11..13],
            &d[13..15]
        )
    }
}

/// Parses an RFC 3339 date-time, `2030-01-01T00:00:00Z` or
/// `2030-01-01T01:00:00.5+01:00` (`T` or a space, `Z` or an offset;
/// fractions of a second are dropped).
pub(crate) fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = s.get(range)?;
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let date = Date::from_calendar_date(
        i32::try_from(num(0..4)?).ok()?,
        month,
        u8::try_from(num(8..10)?).ok()?,
    )
    .ok()?;
    let time = Time::from_hms(
        u8::try_from(num(11..13)?).ok()?,
        u8::try_from(num(14..16)?).ok()?,
        u8::try_from(num(17..19)?).ok()?,
    )
    .ok()?;
    let mut rest = s.get(19..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset_seconds: i64 = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let hours = i64::from(num(s.len() - 5..s.len() - 3)?);
            let minutes = i64::from(num(s.len() - 2..s.len())?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            match sign {
                b'+' => offset,
                _ => -offset,
            }
        }
        _ => return None,
    };
    let unix = PrimitiveDateTime::new(date, time)
        .assume_utc()
        .unix_timestamp()
        .checked_sub(offset_seconds)?;
    match u64::try_from(unix) {
        Ok(after) => UNIX_EPOCH.checked_add(std::time::Duration::from_secs(after)),
        Err(_) => UNIX_EPOCH.checked_sub(std::time::Duration::from_secs(unix.unsigned_abs())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_forms() {
        let t = |secs: u64| Some(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(parse_rfc3339("2015-08-30T12:36:00Z"), t(1_440_938_160));
        assert_eq!(parse_rfc3339("2015-08-30t12:36:00z"), t(1_440_938_160));
        assert_eq!(parse_rfc3339("2015-08-30 12:36:00Z"), t(1_440_938_160));
        assert_eq!(parse_rfc3339("2015-08-30T12:36:00.999Z"), t(1_440_938_160));
        assert_eq!(parse_rfc3339("2015-08-30T14:36:00+02:00"), t(1_440_938_160));
        assert_eq!(parse_rfc3339("2015-08-30T07:06:00-05:30"), t(1_440_938_160));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), t(0));
        assert_eq!(
            parse_rfc3339("1969-12-31T23:59:59Z"),
            Some(UNIX_EPOCH - Duration::from_secs(1))
        );
        for bad in [
            "",
            "2015-08-30",
            "2015-08-30T12:36:00",
            "2015-08-30T12:36Z",
            "2015-13-30T12:36:00Z",
            "2015-02-30T12:36:00Z",
            "2015-08-30T24:00:00Z",
            "2015-08-30T12:36:00.Z",
            "2015-08-30T12:36:00+0200",
            "2015-08-30T12:36:00+24:00",
            "2015-08-30T12:36:00 Z",
            "2015-08-30X12:36:00Z",
            "+015-08-30T12:36:00Z",
            "2015-08-30T12:36:00Zjunk",
            "2015-08-30T12:36:0\u{e9}Z",
            "2015-08-30T12:36:00+\u{e9}:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    fn at(secs: u64) -> Timestamp {
        Timestamp::new(UNIX_EPOCH + Duration::from_secs(secs)).unwrap()
    }

    #[test]
    fn suite_time() {
        // The AWS suite's 2015-08-30T12:36:00Z is 1440938160 s after the epoch.
        let t = at(1_440_938_160);
        assert_eq!(t.amz_date(), "20150830T123600Z");
        assert_eq!(t.date(), "20150830");
        assert_eq!(t.http_date(), "Sun, 30 Aug 2015 12:36:00 GMT");
    }

    #[test]
    fn range_limits() {
        assert_eq!(at(0).amz_date(), "19700101T000000Z");
        assert_eq!(at(MAX_UNIX_SECONDS).amz_date(), "99991231T235959Z");
        let too_late = UNIX_EPOCH + Duration::from_secs(MAX_UNIX_SECONDS + 1);
        assert!(matches!(Timestamp::new(too_late), Err(Error::InvalidTime)));
        let too_early = UNIX_EPOCH - Duration::from_secs(1);
        assert!(matches!(Timestamp::new(too_early), Err(Error::InvalidTime)));
    }

    #[test]
    fn parses_what_it_formats() {
        let t = at(1_440_938_160);
        assert_eq!(Timestamp::parse_amz_date("20150830T123600Z"), Some(t));
        assert_eq!(
            Timestamp::parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"),
            Some(t)
        );
        assert_eq!(
            t.system_time(),
            UNIX_EPOCH + Duration::from_secs(1_440_938_160)
        );
    }

    #[test]
    fn rejects_invalid_dates() {
        for bad in [
            "",
            "20150830T123600",
            "20150830 123600Z",
            "20151330T123600Z",
            "20150230T123600Z",
            "20150830T246000Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "20150830T12360\u{e9}",
        ] {
            assert_eq!(Timestamp::parse_amz_date(bad), None, "{bad:?}");
        }
        for bad in [
            "",
            "Mon, 30 Aug 2015 12:36:00 GMT",
            "Sun, 30 Aug 2015 12:36 GMT",
            "Sun, 31 Sep 2015 12:36:00 GMT",
            "Sun,  30 Aug 2015 12:36:00 GMT",
        ] {
            assert_eq!(Timestamp::parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn subsecond_part_is_dropped_and_leap_day_formats() {
        // 2024-02-29T23:59:59.9Z (a Thursday).
        let t = Timestamp::new(UNIX_EPOCH + Duration::from_millis(1_709_251_199_900)).unwrap();
        assert_eq!(t.amz_date(), "20240229T235959Z");
        assert_eq!(t.http_date(), "Thu, 29 Feb 2024 23:59:59 GMT");
    }
}
