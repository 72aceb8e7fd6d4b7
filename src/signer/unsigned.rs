//! The headers a signer leaves out of signatures, with a quick test for
//! the names that are not among them (most of a request's).

use http::header::{HeaderName, HOST};

use super::DEFAULT_UNSIGNED_HEADERS;

/// [`DEFAULT_UNSIGNED_HEADERS`] and the names added with
/// `Signer::unsigned_header`.
///
/// Each name sets one bit of a 128-bit filter, picked by a hash of its
/// length and a few of its bytes: a name whose bit is clear is not in the
/// set, which takes a few instructions instead of a comparison with every
/// name (with the API Gateway signer's eleven names, about one name in
/// twelve has its bit set without being in the set).
#[derive(Debug, Clone)]
pub(super) struct UnsignedHeaders {
    extra: Vec<HeaderName>,
    filter: u128,
}

impl Default for UnsignedHeaders {
    fn default() -> Self {
        let filter = DEFAULT_UNSIGNED_HEADERS
            .iter()
            .fold(0, |filter, name| filter | filter_bit(name.as_str()));
        UnsignedHeaders {
            extra: Vec::new(),
            filter,
        }
    }
}

impl UnsignedHeaders {
    /// Adds `name`; `host` is always signed, so it is never added.
    pub(super) fn add(&mut self, name: HeaderName) {
        if name != HOST && !self.extra.contains(&name) {
            self.filter |= filter_bit(name.as_str());
            self.extra.push(name);
        }
    }

    /// Whether `name` is left unsigned.
    pub(super) fn contains(&self, name: &HeaderName) -> bool {
        self.filter & filter_bit(name.as_str()) != 0
            && (DEFAULT_UNSIGNED_HEADERS.contains(name) || self.extra.contains(name))
    }
}

/// The filter bit of the (non-empty, lowercase) header name `name`.
fn filter_bit(name: &str) -> u128 {
    let bytes = name.as_bytes();
    let (first, last) = match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => (usize::from(first), usize::from(last)),
        _ => (0, 0),
    };
    let middle = usize::from(bytes.get(bytes.len() / 2).copied().unwrap_or(0));
    let hash = bytes.len() * 31 + first * 7 + middle + last * 3;
    1 << (hash % 128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::API_GATEWAY_UNSIGNED_HEADERS;

    #[test]
    fn holds_exactly_the_names_added_and_the_defaults() {
        let mut set = UnsignedHeaders::default();
        API_GATEWAY_UNSIGNED_HEADERS
            .iter()
            .for_each(|name| set.add(name.clone()));
        set.add(HOST);
        let names = [
            "host",
            "accept",
            "content-type",
            "content-length",
            "x-request-id",
            "x-api-version",
            "x-amz-date",
            "x-amz-acl",
            "if-none-match",
            "a",
            "x-amzn-trace-i",
        ];
        for name in names {
            let name = HeaderName::from_static(name);
            assert!(!set.contains(&name), "{name}");
        }
        let (defaults, api_gateway) = (DEFAULT_UNSIGNED_HEADERS, API_GATEWAY_UNSIGNED_HEADERS);
        for name in defaults.iter().chain(&api_gateway) {
            assert!(set.contains(name), "{name}");
        }
        assert!(!UnsignedHeaders::default().contains(&http::header::CONNECTION));
    }
}
