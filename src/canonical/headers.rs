//! Canonical headers and the signed-headers list.
//!
//! AWS rule: "convert all header names to lowercase and remove leading
//! spaces and trailing spaces. Convert sequential spaces in the header value
//! to a single space … Sort the lowercase headers by character code …
//! `SignedHeaders` is an alphabetically sorted, semicolon-separated list of
//! lowercase request header names." Several values of one header are joined
//! with `,` in the order they appear. (AWS General Reference, *Create a
//! canonical request for Signature Version 4*.)

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// How many headers fit in a [`HeaderSet`] before it moves to the heap.
const INLINE_HEADERS: usize = 16;

/// The headers that go into one signature: some taken from the request,
/// some supplied by the signer (`x-amz-date`, a derived `host`, …), sorted
/// by name. Up to 16 headers are kept on the stack.
pub(crate) struct HeaderSet<'a> {
    headers: &'a HeaderMap,
    inline: [Entry<'a>; INLINE_HEADERS],
    len: usize,
    /// All entries, once there are more than `INLINE_HEADERS`.
    spilled: Vec<Entry<'a>>,
}

#[derive(Clone, Copy, Default)]
struct Entry<'a> {
    /// The name's first eight bytes as a big-endian integer, zero-padded:
    /// names mostly differ there, so sorting compares these first.
    prefix: u64,
    name: &'a str,
    source: Source<'a>,
}

impl<'a> Entry<'a> {
    fn new(name: &'a str, source: Source<'a>) -> Self {
        let prefix = match name.as_bytes().first_chunk::<8>() {
            Some(first) => u64::from_be_bytes(*first),
            None => {
                let short = name.bytes().fold(0, |prefix, b| prefix << 8 | u64::from(b));
                // No shift for an empty name (`HeaderName`s never are).
                short.checked_shl(8 * (8 - name.len() as u32)).unwrap_or(0)
            }
        };
        Entry {
            prefix,
            name,
            source,
        }
    }
}

#[derive(Clone, Copy)]
enum Source<'a> {
    /// The request's only value for this name.
    Single(&'a HeaderValue),
    /// Every value of this name on the request, in order (looked up again
    /// when written).
    Request(&'a HeaderName),
    /// A value the signer is about to set on the request.
    Own(&'a str),
}

impl Default for Source<'_> {
    fn default() -> Self {
        Source::Own("")
    }
}

impl<'a> HeaderSet<'a> {
    /// The request's headers, minus those for which `skip` returns true.
    ///
    /// `http::HeaderName`s are lowercase already, so the names need no
    /// conversion.
    pub(crate) fn from_request(
        headers: &'a HeaderMap,
        mut skip: impl FnMut(&HeaderName) -> bool,
    ) -> Self {
        // Room for the signer's own few, so that a large set is allocated
        // once.
        let spilled = match headers.keys_len() {
            n if n > INLINE_HEADERS => Vec::with_capacity(n + 8),
            _ => Vec::new(),
        };
        let mut set = HeaderSet {
            headers,
            inline: [Entry::default(); INLINE_HEADERS],
            len: 0,
            spilled,
        };
        // `HeaderMap::iter` yields the values of one name one after the
        // other; most names have one value, which is kept here so that
        // writing needs no second lookup.
        let mut previous: Option<(&HeaderName, bool)> = None;
        for (name, value) in headers.iter() {
            if let Some((last, kept)) = previous {
                if last == name {
                    if kept {
                        set.last_mut().source = Source::Request(name);
                    }
                    continue;
                }
            }
            let keep = !skip(name);
            if keep {
                set.push(Entry::new(name.as_str(), Source::Single(value)));
            }
            previous = Some((name, keep));
        }
        set
    }

    /// Adds a header the signer will set; `name` must be lowercase and not
    /// already in the set. `value` is written as it is: the signer's own
    /// values (a time, a hash, a token, a host) have no whitespace to fold.
    pub(crate) fn add(&mut self, name: &'a str, value: &'a str) {
        debug_assert!(!needs_folding(value), "{name} needs whitespace folding");
        self.push(Entry::new(name, Source::Own(value)));
    }

    fn push(&mut self, entry: Entry<'a>) {
        if self.spilled.is_empty() && self.len < INLINE_HEADERS {
            self.inline[self.len] = entry;
            self.len += 1;
            return;
        }
        if self.spilled.is_empty() {
            self.spilled.extend_from_slice(&self.inline[..self.len]);
        }
        self.spilled.push(entry);
    }

    /// The entry pushed last; only called after a push.
    fn last_mut(&mut self) -> &mut Entry<'a> {
        let entries = match self.spilled.is_empty() {
            true => &mut self.inline[..self.len],
            false => &mut self.spilled[..],
        };
        let last = entries.len() - 1;
        &mut entries[last]
    }

    fn entries(&self) -> &[Entry<'a>] {
        match self.spilled.is_empty() {
            true => &self.inline[..self.len],
            false => &self.spilled,
        }
    }

    /// Sorts the set by name; call after the last [`add`](Self::add).
    pub(crate) fn sort(&mut self) {
        let entries = match self.spilled.is_empty() {
            true => &mut self.inline[..self.len],
            false => &mut self.spilled[..],
        };
        // By prefix, then (the same prefix) by the whole name: byte order.
        entries.sort_unstable_by(|a, b| a.prefix.cmp(&b.prefix).then_with(|| a.name.cmp(b.name)));
    }

    /// About how many bytes the canonical headers and the signed-headers
    /// list take, to size buffers.
    pub(crate) fn estimated_len(&self) -> usize {
        // Names appear twice (their line and the signed-headers list); most
        // values are short, and a longer one only costs a reallocation.
        self.entries()
            .iter()
            .map(|entry| 2 * entry.name.len() + 48)
            .sum()
    }

    /// The names, in order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.entries().iter().map(|entry| entry.name)
    }

    /// Appends the `;`-separated signed-headers list (`host;x-amz-date`).
    pub(crate) fn write_signed_headers(&self, out: &mut String) {
        for (i, entry) in self.entries().iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(entry.name);
        }
    }

    /// Appends one `name:value\n` line per header.
    ///
    /// Fails with [`Error::InvalidHeaderValue`] when a value is not UTF-8.
    pub(crate) fn write_canonical_headers(&self, out: &mut String) -> Result<(), Error> {
        for entry in self.entries() {
            out.push_str(entry.name);
            out.push(':');
            let utf8 = |value: &'a HeaderValue| {
                std::str::from_utf8(value.as_bytes()).map_err(|_| Error::InvalidHeaderValue {
                    name: entry.name.to_owned(),
                })
            };
            match entry.source {
                Source::Own(value) => out.push_str(value),
                Source::Single(value) => push_trimmed(out, utf8(value)?),
                Source::Request(name) => {
                    for (i, value) in self.headers.get_all(name).iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        push_trimmed(out, utf8(value)?);
                    }
                }
            }
            out.push('\n');
        }
        Ok(())
    }
}

/// Appends `value` without leading and trailing whitespace and with each
/// inner run of whitespace folded to one space.
///
/// Whitespace is the space and the tab (the only ones a header value may
/// hold). AWS's rule names spaces only, and the `aws-sigv4` crate keeps a
/// tab; botocore, `@smithy/signature-v4`, `aws4` and aws-c-auth (where
/// AWS's test suite comes from) fold a tab as a space, so requests from
/// them verify only if a tab is folded too.
fn push_trimmed(out: &mut String, value: &str) {
    if !needs_folding(value) {
        out.push_str(value);
        return;
    }
    let mut pieces = value.split([' ', '\t']).filter(|piece| !piece.is_empty());
    if let Some(first) = pieces.next() {
        out.push_str(first);
        for piece in pieces {
            out.push(' ');
            out.push_str(piece);
        }
    }
}

/// Whether [`push_trimmed`] would change `value`: it has a tab, a space at
/// either end or two spaces in a row.
fn needs_folding(value: &str) -> bool {
    // Most values hold no space at all, which one pass tells: a fold
    // without an early exit, so that it is vectorized (a value holds no
    // byte below the space but the tab).
    let bytes = value.as_bytes();
    let blank = bytes.iter().fold(false, |blank, &b| blank | (b <= b' '));
    blank
        && (bytes.contains(&b'\t')
            || bytes.first() == Some(&b' ')
            || bytes.last() == Some(&b' ')
            || bytes.windows(2).any(|pair| pair == b"  "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(headers: &HeaderMap) -> (String, String) {
        let mut set = HeaderSet::from_request(headers, |n| n == http::header::USER_AGENT);
        set.add("x-amz-date", "20150830T123600Z");
        set.sort();
        let (mut lines, mut signed) = (String::new(), String::new());
        set.write_canonical_headers(&mut lines).unwrap();
        set.write_signed_headers(&mut signed);
        (lines, signed)
    }

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn suite_get_header_key_duplicate_joins_in_order() {
        // aws-signing-test-suite/v4/get-header-key-duplicate.
        let h = map(&[
            ("host", "example.amazonaws.com"),
            ("my-header1", "value2"),
            ("my-header1", "value2"),
            ("my-header1", "value1"),
        ]);
        let (lines, signed) = canonical(&h);
        assert_eq!(
            lines,
            "host:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n"
        );
        assert_eq!(signed, "host;my-header1;x-amz-date");
    }

    #[test]
    fn suite_get_header_value_trim() {
        // aws-signing-test-suite/v4/get-header-value-trim.
        let h = map(&[
            ("host", "example.amazonaws.com"),
            ("my-header1", " value1"),
            ("my-header2", " \"a   b   c\""),
        ]);
        let (lines, _) = canonical(&h);
        assert_eq!(
            lines,
            "host:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n"
        );
    }

    #[test]
    fn skipped_headers_are_not_signed() {
        let h = map(&[("host", "h"), ("user-agent", "agent/1.0")]);
        let (lines, signed) = canonical(&h);
        assert!(!lines.contains("agent"));
        assert_eq!(signed, "host;x-amz-date");
    }

    #[test]
    fn more_headers_than_fit_inline_are_all_kept_in_order() {
        let mut h = HeaderMap::new();
        for i in (0..40).rev() {
            h.insert(
                HeaderName::from_bytes(format!("x-h{i:02}").as_bytes()).unwrap(),
                HeaderValue::from_static("v"),
            );
        }
        let mut set = HeaderSet::from_request(&h, |_| false);
        set.add("a-own", "1");
        set.sort();
        let mut signed = String::new();
        set.write_signed_headers(&mut signed);
        let names: Vec<&str> = signed.split(';').collect();
        assert_eq!(names.len(), 41);
        assert_eq!(names[0], "a-own");
        assert_eq!(names[1], "x-h00");
        assert_eq!(names[40], "x-h39");
    }

    proptest::proptest! {
        #[test]
        fn names_sort_in_byte_order(names in proptest::collection::btree_set("[a-c-]{1,10}", 0..24)) {
            let headers = HeaderMap::new();
            let mut set = HeaderSet::from_request(&headers, |_| false);
            // Added in reverse order: the sort has something to do.
            names.iter().rev().for_each(|name| set.add(name, "v"));
            set.sort();
            let sorted: Vec<&str> = set.names().collect();
            let expected: Vec<&str> = names.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(sorted, expected);
        }
    }

    #[test]
    fn tabs_fold_like_spaces_and_empty_values_are_allowed() {
        // botocore: `' '.join(value.split())`.
        let h = map(&[
            ("host", "h"),
            ("a", "\tx\t \ty\t"),
            ("b", "   "),
            ("c", "p\tq"),
        ]);
        let (lines, _) = canonical(&h);
        assert_eq!(
            lines,
            "a:x y\nb:\nc:p q\nhost:h\nx-amz-date:20150830T123600Z\n"
        );
    }

    #[test]
    fn non_utf8_value_is_a_typed_error_naming_the_header() {
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("h"));
        h.insert("x-bin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let set = HeaderSet::from_request(&h, |_| false);
        let err = set.write_canonical_headers(&mut String::new()).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidHeaderValue {
                name: "x-bin".into()
            }
        );
    }

    #[test]
    fn utf8_obs_text_is_signed_as_bytes() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-name",
            HeaderValue::from_bytes("café".as_bytes()).unwrap(),
        );
        let set = HeaderSet::from_request(&h, |_| false);
        let mut out = String::new();
        set.write_canonical_headers(&mut out).unwrap();
        assert_eq!(out, "x-name:café\n");
    }
}
