//! Steps 2 and 3: hash the canonical request and build the string to sign.
//!
//! ```text
//! AWS4-HMAC-SHA256\n
//! 20150830T123600Z\n                          (the signing time)
//! 20150830/us-east-1/service/aws4_request\n   (the credential scope)
//! hex(SHA-256(canonical request))
//! ```
//! (AWS General Reference, *Create a string to sign for Signature Version 4*.)
//! SigV4a has the same four lines with its own algorithm name and a scope
//! without the region (see `sigv4a`).

use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::digest_hex::LowercaseHex;
use crate::timestamp::Timestamp;

/// The signing algorithm's name, first line of the string to sign and first
/// word of the `Authorization` header.
pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last element of every SigV4 credential scope.
pub(crate) const TERMINATOR: &str = "aws4_request";

/// Appends the credential scope, `DATE/REGION/SERVICE/aws4_request`.
pub(crate) fn write_scope(out: &mut String, date: &str, region: &str, service: &str) {
    out.push_str(date);
    out.push('/');
    out.push_str(region);
    out.push('/');
    out.push_str(service);
    out.push('/');
    out.push_str(TERMINATOR);
}

/// Appends the string to sign for the canonical request at
/// `canonical_request` in `out` itself, with `algorithm` at `amz_date`
/// (`YYYYMMDDTHHMMSSZ`);
/// `write_scope` appends the scope. Returns the ranges of the string to sign
/// and of the scope in `out`.
pub(crate) fn write_string_to_sign(
    out: &mut String,
    algorithm: &str,
    amz_date: &str,
    canonical_request: Range<usize>,
    write_scope: impl FnOnce(&mut String),
) -> (Range<usize>, Range<usize>) {
    let hash_hex = LowercaseHex::new(&Sha256::digest(out[canonical_request].as_bytes()).into());
    let start = out.len();
    out.push_str(algorithm);
    out.push('\n');
    out.push_str(amz_date);
    out.push('\n');
    let scope_start = out.len();
    write_scope(out);
    let scope = scope_start..out.len();
    out.push('\n');
    out.push_str(hash_hex.as_str());
    (start..out.len(), scope)
}

/// The string to sign with `algorithm` at time `t` in `scope` for the
/// canonical request made of the consecutive `canonical_request` pieces
/// (hashed one after the other, never joined).
pub(crate) fn string_to_sign_of_pieces(
    algorithm: &str,
    t: &Timestamp,
    scope: &str,
    canonical_request: &[&str],
) -> String {
    let mut hash = Sha256::new();
    canonical_request
        .iter()
        .for_each(|piece| hash.update(piece.as_bytes()));
    let hash_hex = LowercaseHex::new(&hash.finalize().into());
    let mut out = String::with_capacity(algorithm.len() + 16 + scope.len() + 64 + 3);
    out.push_str(algorithm);
    out.push('\n');
    out.push_str(t.amz_date());
    out.push('\n');
    out.push_str(scope);
    out.push('\n');
    out.push_str(hash_hex.as_str());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn appending_form_matches_and_reports_the_scope() {
        let creq = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let t = Timestamp::new(UNIX_EPOCH + Duration::from_secs(1_440_938_160)).unwrap();
        let mut buf = String::from(creq);
        let (sts, scope) =
            write_string_to_sign(&mut buf, ALGORITHM, t.amz_date(), 0..creq.len(), |out| {
                write_scope(out, t.date(), "us-east-1", "service")
            });
        assert_eq!(&buf[scope], "20150830/us-east-1/service/aws4_request");
        // aws-signing-test-suite/v4/get-vanilla/header-string-to-sign.txt
        assert_eq!(
            &buf[sts],
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
    }

    #[test]
    fn suite_get_vanilla_string_to_sign() {
        // aws-signing-test-suite/v4/get-vanilla: header-canonical-request.txt
        // and header-string-to-sign.txt.
        let creq = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let t = Timestamp::new(UNIX_EPOCH + Duration::from_secs(1_440_938_160)).unwrap();
        let mut scope = String::new();
        write_scope(&mut scope, t.date(), "us-east-1", "service");
        assert_eq!(scope, "20150830/us-east-1/service/aws4_request");
        assert_eq!(
            string_to_sign_of_pieces(ALGORITHM, &t, &scope, &[creq]),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
    }
}
