//! The canonical URI: the request path, normalized and percent-encoded.
//!
//! AWS rule: "URI-encode each path segment … Each path segment must be
//! URI-encoded twice (except for Amazon S3 which only gets URI-encoded
//! once)", and paths are normalized per RFC 3986 for every service but S3.
//! (AWS General Reference, *Create a canonical request for Signature
//! Version 4*.)

use percent_encoding::percent_decode_str;

use super::query::{push_encoded_byte, push_encoded_keeping_slashes};
use crate::settings::{PathNormalization, UriEncoding};

/// Appends the canonical form of `path` (as it appears on the wire, already
/// percent-encoded) to `out`.
///
/// - [`UriEncoding::Double`]: every byte of the wire path that is not
///   unreserved or `/` is percent-encoded, so `%2F` becomes `%252F` and `@`
///   becomes `%40`. This is what every service but S3 computes on its side.
/// - [`UriEncoding::Single`]: each segment of the wire path is
///   percent-decoded and encoded once, so `%41` and `A` both become `A`,
///   `%7e` becomes `~` and a raw `!` becomes `%21`. An encoded slash stays
///   `%2F`: it is part of a key, not a separator (the AWS SDKs sign it so).
///   A path the SDKs would send (already canonically encoded) is signed
///   exactly as sent.
///
/// With [`PathNormalization::Enabled`], `.` and `..` segments are removed
/// and empty segments (`//`) collapsed first (RFC 3986 section 5.2.4). An
/// empty path is `/`.
pub(crate) fn write_canonical_uri(
    out: &mut String,
    path: &str,
    encoding: UriEncoding,
    normalization: PathNormalization,
) {
    let normalized;
    let path = match normalization {
        PathNormalization::Enabled if needs_normalization(path) => {
            normalized = normalize(path);
            normalized.as_str()
        }
        _ => path,
    };
    if path.is_empty() {
        out.push('/');
        return;
    }
    match encoding {
        // Each segment encoded, `/` kept between them: the whole path
        // encoded with `/` left as it is.
        UriEncoding::Double => push_encoded_keeping_slashes(out, path),
        UriEncoding::Single => {
            for (i, segment) in path.split('/').enumerate() {
                if i > 0 {
                    out.push('/');
                }
                for byte in percent_decode_str(segment) {
                    push_encoded_byte(out, byte);
                }
            }
        }
    }
}

/// Whether `path` has anything [`normalize`] would change: an empty, `.`
/// or `..` segment, or no leading `/`.
fn needs_normalization(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return true;
    };
    let bytes = rest.as_bytes();
    let mut start = 0;
    for end in 0..=bytes.len() {
        let is_last = end == bytes.len();
        if !is_last && bytes[end] != b'/' {
            continue;
        }
        let segment = &bytes[start..end];
        if segment == b"." || segment == b".." || (segment.is_empty() && !is_last) {
            return true;
        }
        start = end + 1;
    }
    false
}

/// Removes `.` and `..` segments and empty segments; keeps a trailing `/`
/// only when the path ends in `/`.
///
/// So `/a/b/..` is `/a`, as botocore, `@smithy/signature-v4`, `aws4` and
/// aws-c-auth (where AWS's test suite comes from) sign it; RFC 3986 and the
/// `aws-sigv4` crate would give `/a/`.
fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing_slash = path.ends_with('/');
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if trailing_slash || segments.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(path: &str, encoding: UriEncoding, normalization: PathNormalization) -> String {
        let mut out = String::new();
        write_canonical_uri(&mut out, path, encoding, normalization);
        out
    }

    fn double(path: &str) -> String {
        canonical(path, UriEncoding::Double, PathNormalization::Enabled)
    }

    // Expected values below are the canonical URIs of the AWS suite cases
    // named in each assertion's message (aws-signing-test-suite/v4/<case>).
    #[test]
    fn suite_normalization_cases() {
        assert_eq!(double("/example/.."), "/", "get-relative-normalized");
        assert_eq!(
            double("/example1/example2/../.."),
            "/",
            "get-relative-relative-normalized"
        );
        assert_eq!(double("/"), "/", "get-slash-normalized");
        assert_eq!(double("/./"), "/", "get-slash-dot-slash-normalized");
        assert_eq!(
            double("/./example"),
            "/example",
            "get-slash-pointless-dot-normalized"
        );
        assert_eq!(double("//example//"), "/example/", "get-slashes-normalized");
        assert_eq!(double("/"), "/", "get-vanilla");
    }

    #[test]
    fn suite_unnormalized_cases() {
        let raw = |p| canonical(p, UriEncoding::Double, PathNormalization::Disabled);
        assert_eq!(
            raw("/example/.."),
            "/example/..",
            "get-relative-unnormalized"
        );
        assert_eq!(
            raw("/example1/example2/../.."),
            "/example1/example2/../..",
            "get-relative-relative-unnormalized"
        );
        assert_eq!(raw("/./"), "/./", "get-slash-dot-slash-unnormalized");
        assert_eq!(
            raw("//example//"),
            "//example//",
            "get-slashes-unnormalized"
        );
    }

    #[test]
    fn suite_double_encoding_cases() {
        // double-url-encode (Lambda) and double-encode-path (API Gateway).
        assert_eq!(
            double("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A892717189312%3Afunction%3Amy-rusty-fun/invocations"),
            "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-west-2%253A892717189312%253Afunction%253Amy-rusty-fun/invocations"
        );
        assert_eq!(
            double("/test/@connections/JBDvjfGEIAMCERw%3D"),
            "/test/%40connections/JBDvjfGEIAMCERw%253D"
        );
    }

    #[test]
    fn unreserved_characters_are_kept() {
        let unreserved = "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        assert_eq!(double(unreserved), unreserved, "get-unreserved");
    }

    #[test]
    fn pitfall_encoded_slash_is_double_encoded_for_non_s3() {
        // PITFALLS.md: `%2F` -> `%252F`, `@` -> `%40`, `=` -> `%3D`.
        assert_eq!(double("/items/a%2Fb"), "/items/a%252Fb");
        assert_eq!(double("/a@b=c"), "/a%40b%3Dc");
    }

    #[test]
    fn single_encoding_decodes_then_encodes_once() {
        let single = |p| canonical(p, UriEncoding::Single, PathNormalization::Disabled);
        // get-space / get-utf8: the suite's expected paths for a raw space and raw UTF-8.
        assert_eq!(single("/example%20space/"), "/example%20space/");
        assert_eq!(single("/%E1%88%B4"), "/%E1%88%B4");
        // S3 does not normalize.
        assert_eq!(single("//a/./b/../"), "//a/./b/../");
        // Over-encoded unreserved bytes and lowercase hex become canonical.
        assert_eq!(single("/%41%7e%3a"), "/A~%3A");
        // A stray `%` is encoded itself.
        assert_eq!(single("/100%"), "/100%25");
        // An encoded slash is part of a segment, not a separator.
        assert_eq!(single("/a%2Fb/c%2fd"), "/a%2Fb/c%2Fd");
        assert_eq!(single("/a!b/%7e"), "/a%21b/~");
    }

    proptest::proptest! {
        #[test]
        fn only_paths_that_normalization_changes_are_normalized(path in "[/.a%]{0,12}") {
            proptest::prop_assert_eq!(needs_normalization(&path), normalize(&path) != path);
        }

        #[test]
        fn double_encoding_encodes_each_segment(path in "(/|[a-z.~%@:]|%2F){0,16}") {
            let mut segments = Vec::new();
            for segment in path.split('/') {
                let mut encoded = String::new();
                super::super::query::push_encoded(&mut encoded, segment);
                segments.push(encoded);
            }
            let raw = canonical(&path, UriEncoding::Double, PathNormalization::Disabled);
            let expected = match path.is_empty() {
                true => "/".to_owned(),
                false => segments.join("/"),
            };
            proptest::prop_assert_eq!(raw, expected);
        }
    }

    #[test]
    fn empty_and_relative_paths() {
        assert_eq!(double(""), "/");
        assert_eq!(
            canonical("", UriEncoding::Single, PathNormalization::Disabled),
            "/"
        );
        // botocore and aws-c-auth: a trailing slash only where the path
        // ends in one.
        assert_eq!(double("/a/b/."), "/a/b");
        assert_eq!(double("/a/b/.."), "/a");
        assert_eq!(double("/a/b/../"), "/a/");
        assert_eq!(double("/../a"), "/a");
        assert_eq!(double("/a/./b"), "/a/b");
    }
}
