//! What a request says about its body (`x-amz-content-sha256`), and what
//! the verifier established about it.
//!
//! AWS rule: the last line of the canonical request is the hex SHA-256 of
//! the body, `UNSIGNED-PAYLOAD`, or one of the streaming markers of
//! aws-chunked uploads (S3's *Signature calculations for the Authorization
//! header: Transferring payload in multiple chunks*). Anything else in
//! `x-amz-content-sha256` is refused, as S3 refuses it.

use http::HeaderMap;

use crate::error::Malformed;
use crate::payload::UNSIGNED_PAYLOAD;
use crate::signer::X_AMZ_CONTENT_SHA256;

/// The aws-chunked streaming markers an `x-amz-content-sha256` header may
/// carry: the body is framed in chunks, each with its own signature (or a
/// checksum trailer).
///
/// ```
/// use http_sigv4::StreamingMarker;
/// assert_eq!(
///     StreamingMarker::HmacSha256Payload.as_str(),
///     "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamingMarker {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: each chunk signed, chained from
    /// the seed signature.
    HmacSha256Payload,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and a
    /// signed trailer.
    HmacSha256PayloadTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks, an
    /// `x-amz-checksum-*` trailer.
    UnsignedPayloadTrailer,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`: SigV4a-signed chunks.
    EcdsaP256Sha256Payload,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER`: SigV4a-signed
    /// chunks and trailer.
    EcdsaP256Sha256PayloadTrailer,
}

impl StreamingMarker {
    const ALL: [StreamingMarker; 5] = [
        StreamingMarker::HmacSha256Payload,
        StreamingMarker::HmacSha256PayloadTrailer,
        StreamingMarker::UnsignedPayloadTrailer,
        StreamingMarker::EcdsaP256Sha256Payload,
        StreamingMarker::EcdsaP256Sha256PayloadTrailer,
    ];

    /// The marker as it appears in `x-amz-content-sha256`.
    ///
    /// ```
    /// use http_sigv4::StreamingMarker;
    /// assert_eq!(
    ///     StreamingMarker::UnsignedPayloadTrailer.as_str(),
    ///     "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    /// );
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            StreamingMarker::HmacSha256Payload => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            StreamingMarker::HmacSha256PayloadTrailer => {
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
            }
            StreamingMarker::UnsignedPayloadTrailer => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            StreamingMarker::EcdsaP256Sha256Payload => "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
            StreamingMarker::EcdsaP256Sha256PayloadTrailer => {
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
            }
        }
    }

    fn from_str(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Where an unchecked body's `UNSIGNED-PAYLOAD` came from.
///
/// ```
/// use http_sigv4::{UnsignedSource, VerifiedPayload};
/// let payload = VerifiedPayload::Unsigned(UnsignedSource::PresignedUrl);
/// assert!(!payload.is_checked());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnsignedSource {
    /// The request's `x-amz-content-sha256: UNSIGNED-PAYLOAD` header.
    Header,
    /// A presigned URL without `x-amz-content-sha256`, signed over
    /// `UNSIGNED-PAYLOAD` (what S3 presigned URLs are).
    PresignedUrl,
}

/// What the verifier established about the body
/// ([`VerifiedRequest::payload`](crate::VerifiedRequest::payload)).
///
/// ```
/// use http_sigv4::VerifiedPayload;
/// assert!(VerifiedPayload::Sha256.is_checked());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifiedPayload {
    /// The body's SHA-256 is the one the signature covers: every byte of
    /// the body was checked.
    Sha256,
    /// The client signed `UNSIGNED-PAYLOAD`: the body was **not** checked,
    /// anyone on the path may have changed it. Allowed by
    /// [`UnsignedPayloadPolicy`].
    Unsigned(UnsignedSource),
    /// An aws-chunked body, decoded and checked: every chunk's signature
    /// (chained from the seed signature, the final empty chunk included)
    /// and the trailer's signature for the signed forms; for
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (accepted only under the
    /// [`UnsignedPayloadPolicy`]) the `x-amz-checksum-*` trailer computed
    /// over the data, which catches corruption but not a deliberate change
    /// (the checksum itself is unsigned). The length is
    /// [`VerifiedRequest::decoded_length`](crate::VerifiedRequest::decoded_length).
    AwsChunked(StreamingMarker),
}

impl VerifiedPayload {
    /// Whether the body's bytes are covered by what was verified.
    ///
    /// ```
    /// use http_sigv4::{UnsignedSource, VerifiedPayload};
    /// assert!(!VerifiedPayload::Unsigned(UnsignedSource::Header).is_checked());
    /// ```
    pub fn is_checked(self) -> bool {
        !matches!(self, VerifiedPayload::Unsigned(_))
    }
}

/// When a verifier accepts `UNSIGNED-PAYLOAD` (and
/// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`), whose body the signature does not
/// cover.
///
/// ```
/// use std::collections::HashMap;
/// use http_sigv4::{Credentials, UnsignedPayloadPolicy, Verifier};
/// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", "execute-api")
///     .unsigned_payload(UnsignedPayloadPolicy::Allowed);
/// # let _ = verifier;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnsignedPayloadPolicy {
    /// Accepted when the verifier's service is `s3`, refused otherwise:
    /// S3 allows it, most other services do not. The default.
    #[default]
    S3Only,
    /// Accepted for any service (servers that take large uploads without
    /// checking them, and say so to the app through
    /// [`VerifiedPayload::Unsigned`]).
    Allowed,
    /// Refused for every service, S3 included.
    Refused,
}

impl UnsignedPayloadPolicy {
    pub(crate) fn allows(self, service: &str) -> bool {
        match self {
            UnsignedPayloadPolicy::S3Only => service == "s3",
            UnsignedPayloadPolicy::Allowed => true,
            UnsignedPayloadPolicy::Refused => false,
        }
    }
}

/// The `x-amz-content-sha256` header, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    /// 64 lowercase hex digits.
    Sha256([u8; 32]),
    Unsigned,
    Streaming(StreamingMarker),
}

impl Claim {
    /// The header's claim, `None` without the header.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Result<Option<Self>, Malformed> {
        let mut values = headers.get_all(X_AMZ_CONTENT_SHA256).iter();
        let value = match (values.next(), values.next()) {
            (None, _) => return Ok(None),
            (Some(_), Some(_)) => {
                return Err(Malformed::Repeated {
                    name: "x-amz-content-sha256",
                })
            }
            (Some(value), None) => value,
        };
        let text = value
            .to_str()
            .map_err(|_| Malformed::InvalidContentSha256)?
            .trim_matches([' ', '\t']);
        if text == UNSIGNED_PAYLOAD {
            return Ok(Some(Claim::Unsigned));
        }
        if let Some(marker) = StreamingMarker::from_str(text) {
            return Ok(Some(Claim::Streaming(marker)));
        }
        let lower_hex =
            text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let mut hash = [0u8; 32];
        if !lower_hex || hex::decode_to_slice(text, &mut hash).is_err() {
            return Err(Malformed::InvalidContentSha256);
        }
        Ok(Some(Claim::Sha256(hash)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn claim(value: &str) -> Result<Option<Claim>, Malformed> {
        let mut headers = HeaderMap::new();
        headers.insert(X_AMZ_CONTENT_SHA256, HeaderValue::from_str(value).unwrap());
        Claim::from_headers(&headers)
    }

    #[test]
    fn markers_and_hashes_parse() {
        assert_eq!(claim("UNSIGNED-PAYLOAD"), Ok(Some(Claim::Unsigned)));
        for marker in StreamingMarker::ALL {
            assert_eq!(claim(marker.as_str()), Ok(Some(Claim::Streaming(marker))));
        }
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(matches!(claim(empty), Ok(Some(Claim::Sha256(h))) if h[0] == 0xe3));
        assert_eq!(Claim::from_headers(&HeaderMap::new()), Ok(None));
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            "",
            "STREAMING-PAYLOAD",
            "unsigned-payload",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
            "not a hash",
        ] {
            assert_eq!(claim(bad), Err(Malformed::InvalidContentSha256), "{bad:?}");
        }
    }

    #[test]
    fn policy_defaults_to_s3_only() {
        let policy = UnsignedPayloadPolicy::default();
        assert!(policy.allows("s3"));
        assert!(!policy.allows("execute-api"));
        assert!(UnsignedPayloadPolicy::Allowed.allows("execute-api"));
        assert!(!UnsignedPayloadPolicy::Refused.allows("s3"));
    }
}
