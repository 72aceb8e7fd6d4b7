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
    /// The query.
    pub(crate) query: Query<'a>,
    pub(crate) headers: &'a HeaderSet<'a>,
    /// The signed-headers list if the caller wrote it already (it must be
    /// what `headers` writes); else it is written from `headers`.
    pub(crate) signed_headers: Option<&'a str>,
    pub(crate) payload_hash: &'a str,
    pub(crate) uri_encoding: UriEncoding,
    pub(crate) path_normalization: PathNormalization,
}

/// The query of a canonical request.
#[derive(Clone, Copy)]
pub(crate) enum Query<'a> {
    /// The raw query string without `?`, canonicalized as it is written.
    Raw(&'a str),
    /// Already encoded: the caller's parameters (sorted ranges into
    /// `scratch`, from [`query::encode_pairs`]) and the signer's own
    /// (sorted), merged as they are written.
    Merged {
        scratch: &'a str,
        pairs: &'a [query::EncodedPair],
        own: &'a [(&'a str, &'a str)],
    },
}

impl Query<'_> {
    /// About how many bytes the canonical query takes, to size buffers.
    pub(crate) fn len_hint(&self) -> usize {
        match self {
            Query::Raw(raw) => 3 * raw.len(),
            Query::Merged { scratch, own, .. } => {
                scratch.len()
                    + own
                        .iter()
                        .map(|(n, v)| n.len() + v.len() + 2)
                        .sum::<usize>()
            }
        }
    }
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
    match parts.query {
        Query::Raw(raw) => query::write_canonical_query(out, raw),
        Query::Merged {
            scratch,
            pairs,
            own,
        } => query::write_merged(out, scratch, pairs, own),
    }
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
