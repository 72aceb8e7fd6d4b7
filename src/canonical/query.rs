//! The canonical query string.
//!
//! AWS rule: "URI-encode each parameter name and value … sort the parameters
//! in the canonical query string alphabetically by key name … build the
//! canonical query string by starting with the first parameter name in the
//! sorted list, … then `=`, then the value (an empty string if none), then
//! `&` between parameters." (AWS General Reference, *Create a canonical
//! request for Signature Version 4*.)

use std::ops::Range;

/// Appends the canonical form of the raw query string `query` (without the
/// leading `?`) to `out`.
///
/// Each `name=value` pair is percent-decoded and encoded again with the
/// SigV4 unreserved set, so `%7e`, `~` and `%7E` all become `~` and a space
/// becomes `%20`. A raw `+` is read as a space (the HTML form rule that
/// `aws-sigv4` and Envoy follow; botocore signs a raw `+` as it is and AWS's
/// JavaScript signer as `%2B`): send a literal plus as `%2B`. Pairs are sorted by encoded name, then encoded
/// value; duplicate names are kept; a name without `=` has an empty value
/// (`name=`); empty pieces between `&&` are dropped.
pub(crate) fn write_canonical_query(out: &mut String, query: &str) {
    if query.is_empty() {
        return;
    }
    let mut pairs = BorrowedPairs::default();
    if split_canonically_encoded(query, &mut pairs) {
        pairs.sort_and_write(out);
        return;
    }
    // Every encoded name and value goes into one scratch buffer; the pairs
    // are ranges into it, sorted without copying the strings.
    let mut scratch = String::with_capacity(query.len() + query.len() / 2 + 8);
    let pairs = encode_pairs(&mut scratch, query, |_| true);
    write_merged(out, &scratch, &pairs, &[]);
}

/// How many query parameters [`BorrowedPairs`] keeps on the stack.
const INLINE_PAIRS: usize = 16;

/// Splits `query` into `(name, value)` pairs borrowed from it, into
/// `pairs`, if every name and value is already in its canonical form (so
/// that decoding and encoding it again would give it back): only
/// unreserved bytes and `%XX` escapes (uppercase hex) of bytes that are not
/// unreserved, at most one `=` per `&`-separated piece. Returns false,
/// with `pairs` unfinished, at the first byte that is not.
fn split_canonically_encoded<'q>(query: &'q str, pairs: &mut BorrowedPairs<'q>) -> bool {
    let bytes = query.as_bytes();
    let mut piece_start = 0;
    let mut equals: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b if UNRESERVED[usize::from(b)] => {}
            b'&' => {
                pairs.push_piece(query, piece_start, equals, i);
                piece_start = i + 1;
                equals = None;
            }
            b'=' if equals.is_none() => equals = Some(i),
            b'%' => match bytes.get(i + 1..i + 3) {
                Some(&[hi, lo]) if is_upper_hex(hi) && is_upper_hex(lo) => match hex_pair(hi, lo) {
                    Some(byte) if !UNRESERVED[usize::from(byte)] => i += 2,
                    _ => return false,
                },
                _ => return false,
            },
            _ => return false,
        }
        i += 1;
    }
    pairs.push_piece(query, piece_start, equals, bytes.len());
    true
}

fn is_upper_hex(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'A'..=b'F')
}

/// Query parameters borrowed from the query, up to [`INLINE_PAIRS`] of
/// them on the stack.
struct BorrowedPairs<'q> {
    inline: [(&'q str, &'q str); INLINE_PAIRS],
    len: usize,
    /// All pairs, once there are more than `INLINE_PAIRS`.
    spilled: Vec<(&'q str, &'q str)>,
}

impl Default for BorrowedPairs<'_> {
    fn default() -> Self {
        BorrowedPairs {
            inline: [("", ""); INLINE_PAIRS],
            len: 0,
            spilled: Vec::new(),
        }
    }
}

impl<'q> BorrowedPairs<'q> {
    /// Adds the piece `query[start..end]`, whose first `=` (if any) is at
    /// `equals`; an empty piece (between `&&`) is dropped. The bounds are
    /// those of ASCII bytes, so they fall on character boundaries.
    fn push_piece(&mut self, query: &'q str, start: usize, equals: Option<usize>, end: usize) {
        if start == end {
            return;
        }
        let slice = |range: Range<usize>| query.get(range).unwrap_or_default();
        let pair = match equals {
            Some(equals) => (slice(start..equals), slice(equals + 1..end)),
            None => (slice(start..end), ""),
        };
        if self.spilled.is_empty() && self.len < INLINE_PAIRS {
            self.inline[self.len] = pair;
            self.len += 1;
            return;
        }
        if self.spilled.is_empty() {
            self.spilled.extend_from_slice(&self.inline);
        }
        self.spilled.push(pair);
    }

    /// Sorts the pairs by name, then value, and appends them as the
    /// canonical query.
    fn sort_and_write(&mut self, out: &mut String) {
        let pairs = match self.spilled.is_empty() {
            true => &mut self.inline[..self.len],
            false => &mut self.spilled[..],
        };
        pairs.sort_unstable();
        for (i, (name, value)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
    }
}

/// A query parameter, encoded: ranges of its name and value in a scratch
/// buffer.
pub(crate) type EncodedPair = (Range<usize>, Range<usize>);

/// Encodes each `name=value` piece of the raw `query` whose raw name
/// `keep` accepts into `scratch` (as [`write_canonical_query`] does) and
/// returns the pairs sorted by encoded name, then value.
pub(crate) fn encode_pairs(
    scratch: &mut String,
    query: &str,
    keep: impl Fn(&str) -> bool,
) -> Vec<EncodedPair> {
    let mut pairs = Vec::new();
    for piece in query.split('&').filter(|piece| !piece.is_empty()) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        if !keep(name) {
            continue;
        }
        let name = push_encoded_component(scratch, name);
        let value = push_encoded_component(scratch, value);
        pairs.push((name, value));
    }
    let key = |(name, value): &EncodedPair| (&scratch[name.clone()], &scratch[value.clone()]);
    pairs.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    pairs
}

/// Appends the canonical query made of `pairs` (sorted ranges into
/// `scratch`, from [`encode_pairs`]) merged with `own` (encoded
/// `(name, value)` pairs, sorted), in sorted order.
pub(crate) fn write_merged(
    out: &mut String,
    scratch: &str,
    pairs: &[EncodedPair],
    own: &[(&str, &str)],
) {
    let mut theirs = pairs
        .iter()
        .map(|(name, value)| (&scratch[name.clone()], &scratch[value.clone()]))
        .peekable();
    let mut own = own.iter().copied().peekable();
    let mut first = true;
    loop {
        let next = match (theirs.peek(), own.peek()) {
            (Some(a), Some(b)) if a <= b => theirs.next(),
            (Some(_), Some(_)) => own.next(),
            (Some(_), None) => theirs.next(),
            (None, _) => own.next(),
        };
        let Some((name, value)) = next else { break };
        if !first {
            out.push('&');
        }
        first = false;
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

/// Decodes one query component (`+` as a space, `%XX` as a byte) and
/// appends it encoded with the SigV4 unreserved set; returns where it went.
///
/// Runs of unreserved bytes decode and encode to themselves, so they are
/// copied whole.
fn push_encoded_component(out: &mut String, raw: &str) -> Range<usize> {
    let start = out.len();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = unreserved_run(&bytes[i..]);
        if run > 0 {
            // A run of ASCII bytes ends on a character boundary.
            out.push_str(raw.get(i..i + run).unwrap_or_default());
            i += run;
            continue;
        }
        let (byte, width) = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => match hex_pair(*hi, *lo) {
                Some(byte) => (byte, 3),
                None => (b'%', 1),
            },
            _ if bytes[i] == b'+' => (b' ', 1),
            _ => (bytes[i], 1),
        };
        push_encoded_byte(out, byte);
        i += width;
    }
    start..out.len()
}

/// Appends `value` percent-encoded with the SigV4 unreserved set, as it is
/// (no decoding: a `+` becomes `%2B`, a `%` becomes `%25`).
pub(crate) fn push_encoded(out: &mut String, value: &str) {
    push_encoded_except(out, value, &UNRESERVED);
}

/// [`push_encoded`], with `/` kept as it is (a path whose segments are
/// encoded one by one).
pub(crate) fn push_encoded_keeping_slashes(out: &mut String, value: &str) {
    push_encoded_except(out, value, &UNRESERVED_OR_SLASH);
}

/// Appends `value` with every byte that `kept` does not list
/// percent-encoded.
fn push_encoded_except(out: &mut String, value: &str, kept: &[bool; 256]) {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|&b| !kept[usize::from(b)])
            .unwrap_or(bytes.len() - i);
        // A run of ASCII bytes ends on a character boundary.
        out.push_str(value.get(i..i + run).unwrap_or_default());
        i += run;
        if let Some(&byte) = bytes.get(i) {
            push_encoded_byte(out, byte);
            i += 1;
        }
    }
}

/// How many bytes at the start of `bytes` are unreserved.
fn unreserved_run(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !UNRESERVED[usize::from(b)])
        .unwrap_or(bytes.len())
}

/// [`UNRESERVED`] and `/`.
static UNRESERVED_OR_SLASH: [bool; 256] = {
    let mut table = UNRESERVED;
    table[b'/' as usize] = true;
    table
};

/// `UNRESERVED[b]`: whether SigV4 leaves byte `b` unencoded.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// Appends `byte` as itself if it is unreserved, else as `%XX`.
pub(crate) fn push_encoded_byte(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if UNRESERVED[usize::from(byte)] {
        out.push(char::from(byte));
    } else {
        out.push('%');
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
}

/// Percent-decodes a query component, reading `+` as a space. A `%` that is
/// not followed by two hex digits is kept as it is.
pub(crate) fn decode_component(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex_pair(*hi, *lo),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, byte) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

fn hex_pair(hi: u8, lo: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    Some(digit(hi)? << 4 | digit(lo)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(query: &str) -> String {
        let mut out = String::new();
        write_canonical_query(&mut out, query);
        out
    }

    // Expected values are the canonical queries of the AWS suite cases named
    // in each message (aws-signing-test-suite/v4/<case>).
    #[test]
    fn suite_cases() {
        assert_eq!(
            canonical("Param1=value1"),
            "Param1=value1",
            "get-vanilla-empty-query-key"
        );
        assert_eq!(
            canonical("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2",
            "get-vanilla-query-order-key-case"
        );
        assert_eq!(
            canonical("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3",
            "get-vanilla-query-order-encoded"
        );
        assert_eq!(
            canonical("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            "get-vanilla-query-unreserved"
        );
        assert_eq!(
            canonical("Param1=value1"),
            "Param1=value1",
            "post-vanilla-query"
        );
        assert_eq!(canonical(""), "", "get-vanilla");
    }

    #[test]
    fn classic_suite_sorts_duplicates_by_value() {
        // aws-sig-v4-test-suite: get-vanilla-query-order-key / -value.
        assert_eq!(
            canonical("Param1=value2&Param1=value1"),
            "Param1=value1&Param1=value2"
        );
        assert_eq!(
            canonical("Param1=value1&Param1=Value2"),
            "Param1=Value2&Param1=value1"
        );
    }

    #[test]
    fn pitfall_plus_is_a_space_and_space_is_percent_20() {
        assert_eq!(canonical("q=a+b"), "q=a%20b");
        assert_eq!(canonical("q=a%20b"), "q=a%20b");
        assert_eq!(canonical("q=a%2Bb"), "q=a%2Bb");
    }

    #[test]
    fn pitfall_sub_delims_are_encoded() {
        // API Gateway answers 403 when these stay raw.
        assert_eq!(canonical("k=*!'()"), "k=%2A%21%27%28%29");
        assert_eq!(canonical("t=12:30"), "t=12%3A30");
    }

    #[test]
    fn pitfall_empty_values_names_and_duplicates() {
        assert_eq!(canonical("b&a="), "a=&b=");
        assert_eq!(canonical("=x"), "=x");
        assert_eq!(canonical("a=2&a=1&a=1"), "a=1&a=1&a=2");
        assert_eq!(canonical("a=1&&b=2&"), "a=1&b=2");
        assert_eq!(canonical("k=a=b"), "k=a%3Db");
    }

    #[test]
    fn sorts_by_encoded_name() {
        // `%` (0x25) sorts before letters; the raw `~` (0x7E) after them.
        assert_eq!(canonical("~=1&a=2&%20=3"), "%20=3&a=2&~=1");
    }

    #[test]
    fn encoded_bytes_agree_with_the_unreserved_set() {
        // push_encoded_byte must encode exactly what SIGV4_UNRESERVED does.
        for byte in 0..=255u8 {
            let mut ours = String::new();
            push_encoded_byte(&mut ours, byte);
            let theirs: String =
                percent_encoding::percent_encode(&[byte], super::super::SIGV4_UNRESERVED).collect();
            assert_eq!(ours, theirs, "byte {byte:#04x}");
        }
    }

    #[test]
    fn merged_pairs_sort_with_the_callers() {
        let mut scratch = String::new();
        let pairs = encode_pairs(&mut scratch, "z=1&b=2&X-Amz-Date=old&a=%7e", |name| {
            name != "X-Amz-Date"
        });
        let mut out = String::new();
        let own = [("X-Amz-Algorithm", "A"), ("X-Amz-Date", "D"), ("c", "3")];
        write_merged(&mut out, &scratch, &pairs, &own);
        // Byte order: uppercase before lowercase.
        assert_eq!(out, "X-Amz-Algorithm=A&X-Amz-Date=D&a=~&b=2&c=3&z=1");
    }

    #[test]
    fn push_encoded_agrees_with_the_unreserved_set() {
        let value = "AKID/20150830/us-east-1/s3/aws4_request+é~%";
        let mut ours = String::new();
        push_encoded(&mut ours, value);
        let theirs: String =
            percent_encoding::utf8_percent_encode(value, super::super::SIGV4_UNRESERVED).collect();
        assert_eq!(ours, theirs);
    }

    /// The canonical query by the general path: every component decoded
    /// and encoded again.
    fn reencoded(query: &str) -> String {
        let mut scratch = String::new();
        let pairs = encode_pairs(&mut scratch, query, |_| true);
        let mut out = String::new();
        write_merged(&mut out, &scratch, &pairs, &[]);
        out
    }

    #[test]
    fn canonically_encoded_queries_are_recognized() {
        let is_canonically_encoded =
            |query| split_canonically_encoded(query, &mut BorrowedPairs::default());
        for query in [
            "a=1",
            "limit=10&q=red%20shoes&sort=asc",
            "b&a=",
            "=x",
            "a=%2F%E1%88%B4",
            "a=1&&b",
        ] {
            assert!(is_canonically_encoded(query), "{query}");
        }
        // Each needs decoding or encoding: `+`, a lowercase or an unneeded
        // escape, a raw reserved byte, a second `=`, a stray `%`.
        for query in [
            "q=a+b", "a=%2f", "a=%41", "a=%7E", "t=12:30", "k=a=b", "a=100%", "a=%4", "a=%zz",
            "a=é",
        ] {
            assert!(!is_canonically_encoded(query), "{query}");
        }
    }

    #[test]
    fn queries_written_as_they_are_match_the_reencoded_form() {
        let queries = [
            "z=1&b=2&a=%7E",
            "limit=10&q=red%20shoes&sort=asc",
            "sort=asc&q=red%20shoes&limit=10",
            "b&a=&b=",
            "a=2&a=1&a=10",
            "=x&=&x",
        ];
        for query in queries {
            assert_eq!(canonical(query), reencoded(query), "{query}");
        }
        // More parameters than fit on the stack.
        let many: Vec<String> = (0..40).rev().map(|i| format!("p{i:02}=v%20{i}")).collect();
        let many = many.join("&");
        assert!(split_canonically_encoded(
            &many,
            &mut BorrowedPairs::default()
        ));
        assert_eq!(canonical(&many), reencoded(&many));
        assert!(canonical(&many).starts_with("p00=v%200&p01=v%201&"));
    }

    proptest::proptest! {
        #[test]
        fn every_query_canonicalizes_as_if_reencoded(query in "([a-cA-C0-2=&+~%]|%[0-9a-fA-F]{2}){0,24}") {
            proptest::prop_assert_eq!(canonical(&query), reencoded(&query));
        }
    }

    #[test]
    fn lowercase_and_invalid_escapes() {
        assert_eq!(canonical("a=%7e%2f"), "a=~%2F");
        assert_eq!(canonical("a=100%&b=%zz&c=%4"), "a=100%25&b=%25zz&c=%254");
    }
}
