//! Canonical headers and the signed-headers list.
//!
//! AWS rule: "convert all header names to lowercase and remove leading
//! spaces and trailing spaces. Convert sequential spaces in the header value
//! to a single space … Sort the lowercase headers by character code …
//! `SignedHeaders` is an alphabetically sorted, semicolon-separated list of
//! lowercase request header names." Several values of one header are joined
//! with `,` in the order they appear. (AWS General Reference, *Create a
//! canonical request for Signature Version 4*.)

use http::header::{GetAll, HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// The headers that go into one signature: some taken from the request,
/// some supplied by the signer (`x-amz-date`, a derived `host`, …), sorted
/// by name.
pub(crate) struct HeaderSet<'a> {
    entries: Vec<Entry<'a>>,
}

struct Entry<'a> {
    name: &'a str,
    values: Values<'a>,
}

enum Values<'a> {
    /// Every value of this name on the request, in order.
    Request(GetAll<'a, HeaderValue>),
    /// A value the signer is about to set on the request.
    Own(&'a str),
}

impl<'a> HeaderSet<'a> {
    /// The request's headers, minus those for which `skip` returns true.
    ///
    /// `http::HeaderName`s are lowercase already, so the names need no
    /// conversion.
    pub(crate) fn from_request(headers: &'a HeaderMap, skip: impl Fn(&HeaderName) -> bool) -> Self {
        let mut entries = Vec::with_capacity(headers.keys_len() + 4);
        for name in headers.keys() {
            if !skip(name) {
                entries.push(Entry {
                    name: name.as_str(),
                    values: Values::Request(headers.get_all(name)),
                });
            }
        }
        HeaderSet { entries }
    }

    /// Adds a header the signer will set; `name` must be lowercase and not
    /// already in the set.
    pub(crate) fn add(&mut self, name: &'a str, value: &'a str) {
        self.entries.push(Entry {
            name,
            values: Values::Own(value),
        });
    }

    /// Sorts the set by name; call after the last [`add`](Self::add).
    pub(crate) fn sort(&mut self) {
        self.entries.sort_unstable_by(|a, b| a.name.cmp(b.name));
    }

    /// Appends the `;`-separated signed-headers list (`host;x-amz-date`).
    pub(crate) fn write_signed_headers(&self, out: &mut String) {
        for (i, entry) in self.entries.iter().enumerate() {
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
        for entry in &self.entries {
            out.push_str(entry.name);
            out.push(':');
            match &entry.values {
                Values::Own(value) => push_trimmed(out, value),
                Values::Request(values) => {
                    for (i, value) in values.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        let value = std::str::from_utf8(value.as_bytes()).map_err(|_| {
                            Error::InvalidHeaderValue {
                                name: entry.name.to_owned(),
                            }
                        })?;
                        push_trimmed(out, value);
                    }
                }
            }
            out.push('\n');
        }
        Ok(())
    }
}

/// Appends `value` without leading and trailing spaces and with each inner
/// run of spaces folded to one.
///
/// Only the space character is trimmed and folded, as in AWS's rule (and as
/// S3 and the `aws-sigv4` crate do); a tab is kept.
fn push_trimmed(out: &mut String, value: &str) {
    let mut pieces = value.split(' ').filter(|piece| !piece.is_empty());
    if let Some(first) = pieces.next() {
        out.push_str(first);
        for piece in pieces {
            out.push(' ');
            out.push_str(piece);
        }
    }
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
    fn tabs_are_kept_and_empty_values_allowed() {
        let h = map(&[("host", "h"), ("a", "x\ty"), ("b", "   ")]);
        let (lines, _) = canonical(&h);
        assert_eq!(lines, "a:x\ty\nb:\nhost:h\nx-amz-date:20150830T123600Z\n");
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
