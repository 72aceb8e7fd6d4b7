//! Parsing what a signed request claims: the `Authorization` header or the
//! presigned `X-Amz-*` query parameters.
//!
//! ```text
//! Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
//!                SignedHeaders=host;x-amz-date, Signature=<64 hex digits>
//! ```
//! SigV4a (feature `sigv4a`): `AWS4-ECDSA-P256-SHA256`, a credential without
//! the region, the region set in a signed `X-Amz-Region-Set` header (or query
//! parameter), and the hex of a DER-encoded ECDSA signature.

use std::borrow::Cow;

use http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, DATE};

use super::presigned::{self, Params, SignedQuery};
#[cfg(feature = "sigv4a")]
use crate::canonical::query::decode_component;
use crate::error::Malformed;
use crate::signer::{X_AMZ_DATE, X_AMZ_SECURITY_TOKEN};
#[cfg(feature = "sigv4a")]
use crate::signer::{X_AMZ_REGION_SET, X_AMZ_REGION_SET_PARAM};
#[cfg(feature = "sigv4a")]
use crate::sigv4a;
use crate::string_to_sign::{ALGORITHM, TERMINATOR};
use crate::timestamp::Timestamp;

/// What a request claims about its signature.
#[derive(Debug)]
pub(crate) struct Authentication {
    pub(crate) access_key_id: String,
    /// `YYYYMMDD` of the credential scope.
    pub(crate) scope_date: String,
    pub(crate) service: String,
    /// Sorted, lowercase, as the request lists them.
    pub(crate) signed_headers: Vec<String>,
    /// The algorithm, with its region (set) and signature.
    pub(crate) scheme: Scheme,
    pub(crate) time: Timestamp,
    pub(crate) session_token: Option<String>,
    /// Presigned requests only.
    pub(crate) presigned: Option<Presigned>,
}

/// What depends on the algorithm.
#[derive(Debug)]
pub(crate) enum Scheme {
    /// SigV4: the scope names one region; the signature is an HMAC-SHA256.
    Hmac { region: String, signature: [u8; 32] },
    /// SigV4a: `X-Amz-Region-Set` lists the regions; the signature is a
    /// DER-encoded ECDSA P-256 signature.
    #[cfg(feature = "sigv4a")]
    Ecdsa {
        region_set: String,
        signature: Vec<u8>,
    },
}

/// The algorithms a request may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    SigV4,
    #[cfg(feature = "sigv4a")]
    SigV4a,
}

impl Kind {
    fn from_name(algorithm: &str) -> Result<Self, Malformed> {
        match algorithm {
            ALGORITHM => Ok(Kind::SigV4),
            #[cfg(feature = "sigv4a")]
            sigv4a::ALGORITHM => Ok(Kind::SigV4a),
            _ => Err(Malformed::UnknownAlgorithm),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Presigned {
    pub(crate) expires_secs: u64,
    /// The canonical query of the parameters the signature covers.
    pub(crate) signed_query: SignedQuery,
}

impl Authentication {
    /// Reads the `Authorization` header, or the presigned query when there is
    /// none. `token_signed` says whether a presigned URL's
    /// `X-Amz-Security-Token` is part of its signature.
    pub(crate) fn from_request(
        headers: &HeaderMap,
        query: Option<&str>,
        token_signed: bool,
    ) -> Result<Self, Malformed> {
        let mut authorizations = headers.get_all(AUTHORIZATION).iter();
        match (authorizations.next(), authorizations.next()) {
            (Some(_), Some(_)) => Err(Malformed::Repeated {
                name: "authorization",
            }),
            (Some(value), None) => {
                let value = value.to_str().map_err(|_| Malformed::UnexpectedComponent)?;
                Self::from_header(value, headers)
            }
            (None, _) => match query.map(|q| presigned::read(q, token_signed)) {
                Some(Ok(Some((params, signed_query)))) => Self::from_query(params, signed_query),
                Some(Err(e)) => Err(e),
                Some(Ok(None)) | None => Err(Malformed::MissingAuthentication),
            },
        }
    }

    fn from_header(value: &str, headers: &HeaderMap) -> Result<Self, Malformed> {
        let (algorithm, components) = split_once_ascii(value, b' ').unwrap_or((value, ""));
        let kind = Kind::from_name(algorithm)?;
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        // `to_str` let only visible ASCII, space and tab through, so
        // trimming ASCII whitespace is trimming all of it.
        for component in split_ascii(components, b',') {
            let (name, value) = split_once_ascii(component.trim_ascii(), b'=')
                .ok_or(Malformed::UnexpectedComponent)?;
            let slot = match name {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => return Err(Malformed::UnexpectedComponent),
            };
            if slot.replace(value).is_some() {
                return Err(Malformed::UnexpectedComponent);
            }
        }
        let credential = credential.ok_or(Malformed::MissingComponent { name: "Credential" })?;
        let signed_headers = signed_headers.ok_or(Malformed::MissingComponent {
            name: "SignedHeaders",
        })?;
        let signature = signature.ok_or(Malformed::MissingComponent { name: "Signature" })?;
        let time = header_time(headers)?;
        // A token that is not visible ASCII belongs to no credentials: the
        // token check rejects it (`SessionTokenMismatch`).
        let session_token = single_header(headers, &X_AMZ_SECURITY_TOKEN, "x-amz-security-token")?
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned());
        let region_set = match kind {
            Kind::SigV4 => None,
            // A region set that is not text matches no region
            // (`RegionNotInSet`).
            #[cfg(feature = "sigv4a")]
            Kind::SigV4a => single_header(headers, &X_AMZ_REGION_SET, "x-amz-region-set")?
                .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned()),
        };
        Self::assemble(
            kind,
            credential,
            signed_headers,
            signature,
            time,
            session_token,
            region_set,
            None,
        )
    }

    fn from_query(params: Params<'_>, signed_query: SignedQuery) -> Result<Self, Malformed> {
        #[cfg(feature = "sigv4a")]
        let region_sets = params.region_sets;
        let [algorithm, credential, date, expires, signed_headers, signature, token] =
            params.values;
        fn required<'q>(
            value: Option<Cow<'q, str>>,
            name: &'static str,
        ) -> Result<Cow<'q, str>, Malformed> {
            value.ok_or(Malformed::MissingComponent { name })
        }
        let kind = Kind::from_name(&required(algorithm, "X-Amz-Algorithm")?)?;
        let region_set = match kind {
            Kind::SigV4 => None,
            #[cfg(feature = "sigv4a")]
            Kind::SigV4a => match region_sets[..] {
                [] => None,
                [raw] => Some(
                    String::from_utf8(decode_component(raw))
                        .map_err(|_| Malformed::InvalidCredential)?,
                ),
                _ => {
                    return Err(Malformed::Repeated {
                        name: X_AMZ_REGION_SET_PARAM,
                    })
                }
            },
        };
        let credential = required(credential, "X-Amz-Credential")?;
        let time = Timestamp::parse_amz_date(&required(date, "X-Amz-Date")?)
            .ok_or(Malformed::InvalidDate)?;
        let expires = required(expires, "X-Amz-Expires")?;
        let expires_secs: u64 = match expires.parse() {
            Ok(secs @ 1..=604_800) if expires.bytes().all(|b| b.is_ascii_digit()) => secs,
            _ => return Err(Malformed::InvalidExpires),
        };
        let signed_headers = required(signed_headers, "X-Amz-SignedHeaders")?;
        let signature = required(signature, "X-Amz-Signature")?;
        Self::assemble(
            kind,
            &credential,
            &signed_headers,
            &signature,
            time,
            token.map(Cow::into_owned),
            region_set,
            Some(Presigned {
                expires_secs,
                signed_query,
            }),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        kind: Kind,
        credential: &str,
        signed_headers: &str,
        signature: &str,
        time: Timestamp,
        session_token: Option<String>,
        region_set: Option<String>,
        presigned: Option<Presigned>,
    ) -> Result<Self, Malformed> {
        // At most five parts; a sixth (or more) is left in the last slot
        // and counts as a sixth.
        let mut parts = [""; 6];
        let mut count = 0;
        let mut rest = Some(credential);
        while let Some(text) = rest {
            if count == parts.len() - 1 {
                parts[count] = text;
                count += 1;
                break;
            }
            let (part, after) = match split_once_ascii(text, b'/') {
                Some((part, after)) => (part, Some(after)),
                None => (text, None),
            };
            parts[count] = part;
            count += 1;
            rest = after;
        }
        let (access_key_id, date, region, service, terminator) = match (kind, &parts[..count]) {
            (Kind::SigV4, &[akid, date, region, service, terminator]) if !region.is_empty() => {
                (akid, date, region, service, terminator)
            }
            #[cfg(feature = "sigv4a")]
            (Kind::SigV4a, &[akid, date, service, terminator]) => {
                (akid, date, "", service, terminator)
            }
            _ => return Err(Malformed::InvalidCredential),
        };
        if access_key_id.is_empty()
            || service.is_empty()
            || terminator != TERMINATOR
            || date.len() != 8
            || !date.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Malformed::InvalidCredential);
        }
        if date != time.date() {
            return Err(Malformed::ScopeDateMismatch);
        }
        // Checked before anything reaches the credentials lookup, a log or
        // an error message (F10).
        check_characters(access_key_id, "access key id", b"")?;
        check_characters(service, "service", b"")?;
        if kind == Kind::SigV4 {
            check_characters(region, "region", b"")?;
        }
        let separators = signed_headers.bytes().filter(|&b| b == b';').count();
        let mut names = Vec::with_capacity(separators + 1);
        names.extend(split_ascii(signed_headers, b';').map(str::to_owned));
        let well_formed = names.iter().all(|n| {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
        }) && names.windows(2).all(|w| w[0] < w[1]);
        if !well_formed {
            return Err(Malformed::InvalidSignedHeaders);
        }
        if !names.iter().any(|n| n == "host") {
            return Err(Malformed::HostNotSigned);
        }
        let scheme = match kind {
            Kind::SigV4 => {
                let _ = region_set;
                // Refuses anything but 64 lowercase hex digits.
                let raw_signature =
                    decode_lower_hex_32(signature).ok_or(Malformed::InvalidSignature)?;
                Scheme::Hmac {
                    region: region.to_owned(),
                    signature: raw_signature,
                }
            }
            #[cfg(feature = "sigv4a")]
            Kind::SigV4a => {
                let is_lower_hex = signature
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !is_lower_hex {
                    return Err(Malformed::InvalidSignature);
                }
                let region_set = region_set.ok_or(Malformed::MissingComponent {
                    name: X_AMZ_REGION_SET_PARAM,
                })?;
                check_characters(&region_set, "region set", b" ")?;
                if presigned.is_none() && !names.iter().any(|n| n == "x-amz-region-set") {
                    return Err(Malformed::RegionSetNotSigned);
                }
                if signature.len() > 2 * sigv4a::MAX_DER_SIGNATURE_LEN {
                    return Err(Malformed::InvalidSignature);
                }
                let raw_signature =
                    hex::decode(signature).map_err(|_| Malformed::InvalidSignature)?;
                Scheme::Ecdsa {
                    region_set,
                    signature: raw_signature,
                }
            }
        };
        Ok(Authentication {
            access_key_id: access_key_id.to_owned(),
            scope_date: date.to_owned(),
            service: service.to_owned(),
            signed_headers: names,
            scheme,
            time,
            session_token,
            presigned,
        })
    }
}

/// `text` split at every `separator` (an ASCII byte), as `str::split`
/// would, by a plain byte loop: the pieces of an `Authorization` header are
/// a few bytes long, where `str::split`'s `memchr` costs more than it saves.
fn split_ascii(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match split_once_ascii(current, separator) {
            Some((piece, after)) => {
                rest = Some(after);
                Some(piece)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `text` before and after its first `separator` (an ASCII byte), as
/// `str::split_once` would, by a plain byte loop.
fn split_once_ascii(text: &str, separator: u8) -> Option<(&str, &str)> {
    debug_assert!(separator.is_ascii());
    // An ASCII byte never sits inside a multi-byte character, so both
    // slices fall on character boundaries.
    let at = text.bytes().position(|b| b == separator)?;
    Some((&text[..at], &text[at + 1..]))
}

/// The longest access key id, region, service or region set accepted.
const MAX_FIELD_LEN: usize = 256;

/// Refuses an empty or over-long `value`, or one holding a byte outside
/// visible ASCII (plus `extra`) or one of the quoting characters
/// `"'\<>;=` and the backquote: no AWS client sends them, and they are
/// what injects into the lookup's database query, a log line or a
/// terminal.
fn check_characters(value: &str, field: &'static str, extra: &[u8]) -> Result<(), Malformed> {
    let allowed = |b: u8| ALLOWED[usize::from(b)] || extra.contains(&b);
    if value.is_empty() || value.len() > MAX_FIELD_LEN || !value.bytes().all(allowed) {
        return Err(Malformed::ForbiddenCharacter { field });
    }
    Ok(())
}

/// `ALLOWED[b]`: whether [`check_characters`] lets byte `b` through (before
/// its `extra`).
static ALLOWED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_graphic()
            && !matches!(
                byte,
                b'"' | b'\'' | b'\\' | b'<' | b'>' | b';' | b'=' | b'`'
            );
        b += 1;
    }
    table
};

/// The 32 bytes written as 64 lowercase hex digits in `hex`, or `None`.
fn decode_lower_hex_32(hex: &str) -> Option<[u8; 32]> {
    let bytes: &[u8; 64] = hex.as_bytes().try_into().ok()?;
    let mut out = [0u8; 32];
    // Each digit's value, or 0xff: or-ed together, any bad digit shows.
    let mut bad = 0u8;
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let (hi, lo) = (
            LOWER_HEX[usize::from(pair[0])],
            LOWER_HEX[usize::from(pair[1])],
        );
        bad |= hi | lo;
        *byte = hi << 4 | lo;
    }
    (bad < 16).then_some(out)
}

/// `LOWER_HEX[b]`: the value of the lowercase hex digit `b`, or 0xff.
static LOWER_HEX: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            _ => 0xff,
        };
        b += 1;
    }
    table
};

/// The signing time of a header-signed request: `x-amz-date`, or `date`
/// when there is no `x-amz-date` (the API Gateway rule).
fn header_time(headers: &HeaderMap) -> Result<Timestamp, Malformed> {
    if let Some(value) = single_header(headers, &X_AMZ_DATE, "x-amz-date")? {
        return Timestamp::parse_amz_date(header_text(value)?).ok_or(Malformed::InvalidDate);
    }
    match single_header(headers, &DATE, "date")? {
        Some(value) => {
            Timestamp::parse_http_date(header_text(value)?).ok_or(Malformed::InvalidDate)
        }
        None => Err(Malformed::InvalidDate),
    }
}

/// A date header's value, trimmed; not ASCII is an invalid date.
fn header_text(value: &HeaderValue) -> Result<&str, Malformed> {
    value
        .to_str()
        .map(str::trim)
        .map_err(|_| Malformed::InvalidDate)
}

/// The value of a header that may appear at most once.
fn single_header<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
    label: &'static str,
) -> Result<Option<&'h HeaderValue>, Malformed> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(_), Some(_)) => Err(Malformed::Repeated { name: label }),
        (value, _) => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte-loop splitting agrees with `str::split`, `split_once`
        /// and (for the credential) `splitn(6, '/')`, on any text.
        #[test]
        fn byte_splitting_is_str_splitting(text in "[a-z/;=, \u{e9}\u{1f600}]{0,24}") {
            for separator in [b'/', b';', b'=', b',', b' '] {
                let pieces: Vec<&str> = split_ascii(&text, separator).collect();
                let expected: Vec<&str> = text.split(char::from(separator)).collect();
                proptest::prop_assert_eq!(pieces, expected);
                proptest::prop_assert_eq!(
                    split_once_ascii(&text, separator),
                    text.split_once(char::from(separator))
                );
            }
        }

        #[test]
        fn credentials_split_as_splitn_six(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "AKID", "20150830", "us-east-1", "service", "aws4_request", "", "x",
                ]),
                3..8,
            )
        ) {
            let credential = parts.join("/");
            let header = format!(
                "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host;x-amz-date, Signature={}",
                "0".repeat(64)
            );
            let mut h = HeaderMap::new();
            h.insert(AUTHORIZATION, header.parse().unwrap());
            h.insert(X_AMZ_DATE, "20150830T123600Z".parse().unwrap());
            let parsed = Authentication::from_request(&h, None, false);
            let split: Vec<&str> = credential.splitn(6, '/').collect();
            let well_formed = matches!(
                split[..],
                [akid, "20150830", region, service, "aws4_request"]
                    if !akid.is_empty() && !region.is_empty() && !service.is_empty()
            );
            proptest::prop_assert_eq!(parsed.is_ok(), well_formed, "{:?}", parsed.err());
            if let Ok(auth) = parsed {
                proptest::prop_assert_eq!(auth.access_key_id.as_str(), split[0]);
                proptest::prop_assert_eq!(auth.service.as_str(), split[3]);
            }
        }
    }

    const SUITE_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    fn headers(authorization: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("example.amazonaws.com"));
        h.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        h.insert(AUTHORIZATION, HeaderValue::from_str(authorization).unwrap());
        h
    }

    fn parse(authorization: &str) -> Result<Authentication, Malformed> {
        Authentication::from_request(&headers(authorization), None, true)
    }

    #[test]
    fn parses_the_suite_get_vanilla_header() {
        let a = parse(SUITE_AUTHORIZATION).unwrap();
        assert_eq!(a.access_key_id, "AKIDEXAMPLE");
        assert_eq!(
            (a.scope_date.as_str(), a.service.as_str()),
            ("20150830", "service")
        );
        assert_eq!(a.signed_headers, ["host", "x-amz-date"]);
        // The only variant without the `sigv4a` feature.
        #[allow(irrefutable_let_patterns)]
        let Scheme::Hmac { region, signature } = a.scheme
        else {
            panic!("not SigV4: {:?}", a.scheme);
        };
        assert_eq!(region, "us-east-1");
        assert_eq!(
            hex::encode(signature),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert!(a.presigned.is_none());
    }

    #[cfg(feature = "sigv4a")]
    #[test]
    fn parses_the_suite_v4a_get_vanilla_header_and_query() {
        // aws-signing-test-suite/v4a/get-vanilla/header-signed-request.txt
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("example.amazonaws.com"));
        h.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        h.insert("x-amz-region-set", HeaderValue::from_static("us-east-1"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3046022100fddaaf816a31e30d04973875b13bc27b98da10907a3a1872fd5819a221334abc022100de2ee81d83b54f31efc82834de07e6cd4d5c6f25bfa08e0f29a15bb0977c343e"));
        let a = Authentication::from_request(&h, None, true).unwrap();
        assert_eq!(a.service, "service");
        let Scheme::Ecdsa {
            region_set,
            signature,
        } = &a.scheme
        else {
            panic!("not SigV4a: {:?}", a.scheme);
        };
        assert_eq!(region_set, "us-east-1");
        assert_eq!(signature.len(), 72);

        // The same without the region set, or with it unsigned.
        let mut missing = h.clone();
        missing.remove("x-amz-region-set");
        assert_eq!(
            Authentication::from_request(&missing, None, true).unwrap_err(),
            Malformed::MissingComponent {
                name: "X-Amz-Region-Set"
            }
        );
        let mut unsigned = h.clone();
        unsigned.insert(AUTHORIZATION, HeaderValue::from_static("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=3046022100fddaaf816a31e30d04973875b13bc27b98da10907a3a1872fd5819a221334abc022100de2ee81d83b54f31efc82834de07e6cd4d5c6f25bfa08e0f29a15bb0977c343e"));
        assert_eq!(
            Authentication::from_request(&unsigned, None, true).unwrap_err(),
            Malformed::RegionSetNotSigned
        );
        // A SigV4 credential (with a region) under the SigV4a algorithm.
        let mut v4_credential = h.clone();
        v4_credential.insert(AUTHORIZATION, HeaderValue::from_static("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3046"));
        assert_eq!(
            Authentication::from_request(&v4_credential, None, true).unwrap_err(),
            Malformed::InvalidCredential
        );

        // aws-signing-test-suite/v4a/get-vanilla/query-signed-request.txt
        let q = "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Region-Set=us-east-1&X-Amz-Signature=3045022100a28466db6c76223d5aa6ed436a8451b30e21ba0a076e7f2f943dd1f3d2816249022049e4b3746929cd2a2cb7b7984dbe0f5d40a300e7d9a7a7f1307c196b6f96b61a";
        let a = Authentication::from_request(&HeaderMap::new(), Some(q), true).unwrap();
        assert!(matches!(&a.scheme, Scheme::Ecdsa { region_set, .. } if region_set == "us-east-1"));
        let p = a.presigned.unwrap().signed_query.to_canonical(q);
        assert!(p.contains("X-Amz-Region-Set=us-east-1"));
        assert!(!p.contains("X-Amz-Signature"));
        let twice = q.replace("X-Amz-Expires", "X-Amz-Region-Set=*&X-Amz-Expires");
        assert_eq!(
            Authentication::from_request(&HeaderMap::new(), Some(&twice), true).unwrap_err(),
            Malformed::Repeated {
                name: "X-Amz-Region-Set"
            }
        );

        // In a SigV4 URL the parameter is the caller's own, even repeated.
        let v4 = "X-Amz-Region-Set=a&X-Amz-Region-Set=b&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        let a = Authentication::from_request(&HeaderMap::new(), Some(v4), true).unwrap();
        assert!(matches!(a.scheme, Scheme::Hmac { .. }));
        assert!(a
            .presigned
            .unwrap()
            .signed_query
            .to_canonical(v4)
            .contains("&X-Amz-Region-Set=a&X-Amz-Region-Set=b&"));
    }

    #[test]
    fn each_defect_has_its_own_kind() {
        let cases = [
            ("AWS4-HMAC-SHA512 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=00", Malformed::UnknownAlgorithm),
            ("AWS4-HMAC-SHA256", Malformed::UnexpectedComponent),
            ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Malformed::MissingComponent { name: "Credential" }),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Malformed::MissingComponent { name: "SignedHeaders" }),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host", Malformed::MissingComponent { name: "Signature" }),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=00", Malformed::UnexpectedComponent),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=00, Extra=1", Malformed::UnexpectedComponent),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s, SignedHeaders=host, Signature=00", Malformed::InvalidCredential),
            ("AWS4-HMAC-SHA256 Credential=A/2015083/r/s/aws4_request, SignedHeaders=host, Signature=00", Malformed::InvalidCredential),
            ("AWS4-HMAC-SHA256 Credential=A/20150829/r/s/aws4_request, SignedHeaders=host, Signature=00", Malformed::ScopeDateMismatch),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=x-amz-date;host, Signature=00", Malformed::InvalidSignedHeaders),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=Host, Signature=00", Malformed::InvalidSignedHeaders),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=, Signature=00", Malformed::InvalidSignedHeaders),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=x-amz-date, Signature=00", Malformed::HostNotSigned),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=5fa00fa3", Malformed::InvalidSignature),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=5FA00FA31553B73EBF1942676E86291E8372FF2A2260956D9B8AAE1D763FBF31", Malformed::InvalidSignature),
            ("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=zfa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Malformed::InvalidSignature),
        ];
        for (header, expected) in cases {
            assert_eq!(parse(header).unwrap_err(), expected, "{header}");
        }
    }

    #[test]
    fn signatures_decode_from_lowercase_hex_only() {
        let good = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        for byte in 0..=127u8 {
            for at in [0, 63] {
                let mut digits = good.as_bytes().to_vec();
                digits[at] = byte;
                let text = String::from_utf8(digits).unwrap();
                let expected = match byte {
                    b'0'..=b'9' | b'a'..=b'f' => hex::decode(&text).ok(),
                    _ => None,
                };
                assert_eq!(
                    decode_lower_hex_32(&text).map(Vec::from),
                    expected,
                    "{text}"
                );
            }
        }
        assert_eq!(decode_lower_hex_32(&good[..62]), None);
    }

    #[test]
    fn repeated_or_missing_headers() {
        let mut h = headers(SUITE_AUTHORIZATION);
        h.append(
            AUTHORIZATION,
            HeaderValue::from_static("AWS4-HMAC-SHA256 x"),
        );
        assert_eq!(
            Authentication::from_request(&h, None, true).unwrap_err(),
            Malformed::Repeated {
                name: "authorization"
            }
        );

        let mut h = headers(SUITE_AUTHORIZATION);
        h.remove("x-amz-date");
        assert_eq!(
            Authentication::from_request(&h, None, true).unwrap_err(),
            Malformed::InvalidDate
        );

        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("h"));
        assert_eq!(
            Authentication::from_request(&h, Some("a=1"), true).unwrap_err(),
            Malformed::MissingAuthentication
        );
    }

    #[test]
    fn parses_the_suite_get_vanilla_presigned_query() {
        // aws-signing-test-suite/v4/get-vanilla/query-signed-request.txt
        let q = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        let a = Authentication::from_request(&HeaderMap::new(), Some(q), true).unwrap();
        assert_eq!(a.access_key_id, "AKIDEXAMPLE");
        let p = a.presigned.unwrap();
        assert_eq!(p.expires_secs, 3600);
        let signed_query = p.signed_query.to_canonical(q);
        assert!(!signed_query.contains("X-Amz-Signature"));
        // aws-signing-test-suite/v4/get-vanilla: the canonical query
        // in query-canonical-request.txt.
        assert_eq!(signed_query, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host");
    }

    #[test]
    fn presigned_defects() {
        let base = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fr%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
        let parse =
            |q: &str| Authentication::from_request(&HeaderMap::new(), Some(q), true).map(|_| ());
        assert_eq!(
            parse(&format!("{base}&X-Amz-Expires=604801")),
            Err(Malformed::InvalidExpires)
        );
        assert_eq!(
            parse(&format!("{base}&X-Amz-Expires=0")),
            Err(Malformed::InvalidExpires)
        );
        assert_eq!(
            parse(&format!("{base}&X-Amz-Expires=+60")),
            Err(Malformed::InvalidExpires)
        );
        assert_eq!(
            parse(base),
            Err(Malformed::MissingComponent {
                name: "X-Amz-Expires"
            })
        );
        assert_eq!(
            parse(&format!(
                "{base}&X-Amz-Expires=60&X-Amz-Date=20150830T123600Z"
            )),
            Err(Malformed::Repeated { name: "X-Amz-Date" })
        );
        assert_eq!(parse(&format!("{base}&X-Amz-Expires=60")), Ok(()));
        let sha1 = base.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1");
        assert_eq!(
            parse(&format!("{sha1}&X-Amz-Expires=60")),
            Err(Malformed::UnknownAlgorithm)
        );
    }
}
