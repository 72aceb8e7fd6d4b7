//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub mod suite;

/// RFC 3339 `YYYY-MM-DDTHH:MM:SSZ` or `YYYYMMDDTHHMMSSZ` (UTC) to `SystemTime`.
pub fn parse_time(s: &str) -> SystemTime {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let n = |r: std::ops::Range<usize>| digits[r].parse::<i64>().expect("digits");
    let (y, m, d) = (n(0..4), n(4..6), n(6..8));
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + n(8..10) * 3600 + n(10..12) * 60 + n(12..14);
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).expect("after 1970"))
}

/// The AWS suite's signing time, 2015-08-30T12:36:00Z.
pub fn suite_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

/// Percent-decodes a query component (`+` as a space).
pub fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ");
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(&bytes).collect();
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The query of `uri` as sorted, decoded (name, value) pairs.
pub fn query_pairs(uri: &http::Uri) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(n), decode(v))
        })
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn parse_time_matches_the_suite_epoch() {
    assert_eq!(parse_time("2015-08-30T12:36:00Z"), suite_time());
    assert_eq!(
        parse_time("20240229T235959Z"),
        UNIX_EPOCH + Duration::from_secs(1_709_251_199)
    );
}
