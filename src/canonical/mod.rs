//! Step 1: the canonical request.
//!
//! ```text
//! HTTPMethod\n
//! CanonicalURI\n
//! CanonicalQueryString\n
//! CanonicalHeaders\n        (one `name:value\n` line per signed header)
//! SignedHeaders\n
//! HashedPayload
//! ```
//! Each part has its own module: [`uri`], [`query`], [`headers`].

use std::ops::Range;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

use crate::settings::{PathNormalization, UriEncoding};
use crate::Error;

pub(crate) mod headers;
pub(crate) mod query;
pub(crate) mod uri;

pub(crate) use headers::HeaderSet;

/// The bytes SigV4 leaves unencoded: `A-Z a-z 0-9 - . _ ~` (RFC 3986
/// unreserved). Everything else becomes `%XX` with uppercase hex.
pub(crate) const SIGV4_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What goes into a canonical request, borrowed from the request and the
/// signer.
pub(crate) struct Parts<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    /// The raw query string without `?`; for presigning it already holds the
    /// `X-Amz-*` parameters.
    pub(crate) query: &'a str,
    pub(crate) headers: &'a HeaderSet<'a>,
    /// The signed-headers list if the caller wrote it already (it must be
    /// what `headers` writes); else it is written from `headers`.
    pub(crate) signed_headers: Option<&'a str>,
    pub(crate) payload_hash: &'a str,
    pub(crate) uri_encoding: UriEncoding,
    pub(crate) path_normalization: PathNormalization,
}

/// Appends the canonical request for `parts` to `out`; returns where the
/// signed-headers list is in `out`.
pub(crate) fn write_canonical_request(
    out: &mut String,
    parts: &Parts<'_>,
) -> Result<Range<usize>, Error> {
    out.push_str(parts.method);
    out.push('\n');
    uri::write_canonical_uri(
        out,
        parts.path,
        parts.uri_encoding,
        parts.path_normalization,
    );
    out.push('\n');
    query::write_canonical_query(out, parts.query);
    out.push('\n');
    parts.headers.write_canonical_headers(out)?;
    out.push('\n');
    let start = out.len();
    match parts.signed_headers {
        Some(list) => out.push_str(list),
        None => parts.headers.write_signed_headers(out),
    }
    let signed_headers = start..out.len();
    out.push('\n');
    out.push_str(parts.payload_hash);
    Ok(signed_headers)
}
