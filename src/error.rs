//! The one error type of the crate.

use std::fmt;
use std::time::{Duration, SystemTime};

/// Everything that can go wrong while signing or verifying a request.
///
/// Each variant says what was wrong with the input and its message says what
/// to change. The signing variants come first; the verification variants
/// (returned by [`Verifier`](crate::Verifier)) start at
/// [`Error::Malformed`]. Messages name headers and settings, but never print a secret
/// key, a session token or a header value.
///
/// ```
/// use http_sigv4::{Credentials, Error, Signer};
///
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
/// // A relative URI and no Host header: there is nothing to sign as `host`.
/// let mut req = http::Request::get("/no-authority").body(()).unwrap();
/// let err = signer.sign(&mut req).unwrap_err();
/// assert_eq!(err, Error::MissingHost);
/// assert!(err.to_string().contains("set a Host header"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The request URI has no authority (`https://host/...`) and the request
    /// has no `Host` header, so there is no host to sign.
    MissingHost,
    /// The request's `Host` header, or the host derived from its URI, is not
    /// a valid header value.
    InvalidHost,
    /// A header that would be signed has a value that is not valid UTF-8.
    ///
    /// The value is not shown, only the header's name.
    InvalidHeaderValue {
        /// The lowercase name of the header.
        name: String,
    },
    /// A credential cannot be written into the `Authorization` header or
    /// the query string (it is empty or holds characters such as control
    /// characters, spaces, `/` or `,` in the access key id).
    InvalidCredentials {
        /// Which part of the credentials: `access key id`, `secret access
        /// key` or `session token`.
        field: &'static str,
    },
    /// The region or service name is empty or contains characters that
    /// cannot appear in a credential scope (`/`, `,`, whitespace, control
    /// characters).
    InvalidScope {
        /// `region` or `service`.
        field: &'static str,
    },
    /// The signing time lies before 1970 or after the year 9999.
    InvalidTime,
    /// A presigned URL's expiry is zero or longer than the seven days SigV4
    /// allows.
    InvalidExpiry {
        /// The expiry that was asked for.
        requested: Duration,
    },
    /// A precomputed payload hash is neither 64 lowercase hex digits nor a
    /// marker such as `UNSIGNED-PAYLOAD` or `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
    InvalidPayloadHash,
    /// The payload must be hashed but the body cannot be read as bytes
    /// (a stream).
    UnhashableBody,
    /// The signed URI could not be rebuilt (presigning only); this happens
    /// when the original URI cannot take a query string.
    InvalidUri,

    // ---- Verification ----
    /// The request's SigV4 authentication is missing or malformed: the
    /// `Authorization` header or the presigned query parameters cannot be
    /// parsed. [`Malformed`] says which part.
    Malformed(Malformed),
    /// No credentials are known for the access key id in the request.
    UnknownAccessKey {
        /// The access key id the request named (not a secret).
        access_key_id: String,
    },
    /// The credential scope names another region or service than the
    /// verifier expects.
    ScopeMismatch {
        /// `region` or `service`.
        field: &'static str,
        /// What the verifier expects.
        expected: String,
        /// What the request's scope says.
        found: String,
    },
    /// The request's signing time is further from the verifier's clock than
    /// the allowed skew.
    ClockSkew {
        /// The time the request says it was signed.
        signed_at: SystemTime,
        /// The verifier's clock.
        now: SystemTime,
    },
    /// A presigned URL has expired.
    Expired {
        /// When it stopped being valid.
        expired_at: SystemTime,
    },
    /// The body's SHA-256 differs from the `x-amz-content-sha256` header the
    /// request signed: the body was changed after signing.
    PayloadMismatch,
    /// The request carries another session token than the credentials the
    /// access key id belongs to.
    SessionTokenMismatch,
    /// The signature does not match the request. The server's canonical
    /// request and string to sign are included for debugging: compare them
    /// with the client's.
    SignatureMismatch {
        /// The canonical request the verifier built from the request.
        canonical_request: String,
        /// The string to sign the verifier built.
        string_to_sign: String,
    },
}

/// What is malformed in a request's SigV4 authentication
/// ([`Error::Malformed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Neither an `Authorization` header nor presigned query parameters.
    MissingAuthentication,
    /// More than one `Authorization` header, or a presigned parameter given
    /// twice.
    Repeated {
        /// The header or parameter.
        name: &'static str,
    },
    /// An algorithm other than `AWS4-HMAC-SHA256`.
    UnknownAlgorithm,
    /// A component (`Credential`, `SignedHeaders`, `Signature`, or a
    /// presigned parameter) is missing.
    MissingComponent {
        /// The component's name.
        name: &'static str,
    },
    /// A component appears twice in the `Authorization` header, or one is
    /// unknown.
    UnexpectedComponent,
    /// The credential is not `AKID/YYYYMMDD/region/service/aws4_request`.
    InvalidCredential,
    /// The signing time (`X-Amz-Date`, or `Date`) is missing or not a valid
    /// `YYYYMMDDTHHMMSSZ` (IMF-fixdate for `Date`).
    InvalidDate,
    /// The credential scope's date is not the date of the signing time.
    ScopeDateMismatch,
    /// The signed-headers list is empty, not sorted, or not lowercase.
    InvalidSignedHeaders,
    /// `host` is not among the signed headers.
    HostNotSigned,
    /// A header named in the signed-headers list is not on the request.
    SignedHeaderMissing {
        /// The header's name.
        name: String,
    },
    /// The signature is not 64 lowercase hex digits.
    InvalidSignature,
    /// `X-Amz-Expires` is not a whole number of seconds from 1 to 604800.
    InvalidExpires,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingHost => f.write_str(
                "the request URI has no authority and there is no Host header: \
                 use an absolute URI (https://host/path) or set a Host header",
            ),
            Error::InvalidHost => f.write_str(
                "the Host header (or the host derived from the URI) is not a valid \
                 header value: set a Host header of visible ASCII characters",
            ),
            Error::InvalidHeaderValue { name } => write!(
                f,
                "the value of header `{name}` is not valid UTF-8 and cannot be signed: \
                 encode it (e.g. percent- or base64-encode it) or leave the header \
                 unsigned with Signer::unsigned_header"
            ),
            Error::InvalidCredentials { field } => write!(
                f,
                "the {field} cannot be used in a SigV4 signature: it must be non-empty \
                 visible ASCII (and the access key id must not contain `/`, `,` or `=`)"
            ),
            Error::InvalidScope { field } => write!(
                f,
                "the {field} must be non-empty and must not contain `/`, `,`, whitespace \
                 or control characters (e.g. `us-east-1`, `execute-api`)"
            ),
            Error::InvalidTime => {
                f.write_str("the signing time must lie between 1970-01-01 and 9999-12-31 (UTC)")
            }
            Error::InvalidExpiry { requested } => write!(
                f,
                "a presigned URL must expire after 1 second to 7 days (604800 s), \
                 not {} s: choose an expiry in that range",
                requested.as_secs()
            ),
            Error::InvalidPayloadHash => f.write_str(
                "a precomputed payload hash must be 64 lowercase hex digits (the \
                 SHA-256 of the body) or a marker such as UNSIGNED-PAYLOAD",
            ),
            Error::UnhashableBody => f.write_str(
                "the request body cannot be read as bytes, so its SHA-256 cannot be \
                 computed: hash it while reading it and use Payload::Precomputed, \
                 or use Payload::Unsigned where the service allows it",
            ),
            Error::InvalidUri => f.write_str(
                "the request URI could not be rebuilt with the presigned query: \
                 use an absolute or origin-form URI",
            ),
            Error::Malformed(m) => write!(f, "malformed SigV4 authentication: {m}"),
            Error::UnknownAccessKey { access_key_id } => write!(
                f,
                "no credentials are known for access key id `{access_key_id}`"
            ),
            Error::ScopeMismatch {
                field,
                expected,
                found,
            } => write!(
                f,
                "the credential scope's {field} is `{found}` but this endpoint expects \
                 `{expected}`: sign for `{expected}`"
            ),
            Error::ClockSkew { signed_at, now } => {
                let (later, earlier) = match signed_at > now {
                    true => (signed_at, now),
                    false => (now, signed_at),
                };
                let skew = later.duration_since(*earlier).unwrap_or_default();
                write!(
                    f,
                    "the request was signed {} s {} the server's clock, beyond the allowed \
                     skew: check the client's clock",
                    skew.as_secs(),
                    if signed_at > now {
                        "ahead of"
                    } else {
                        "behind"
                    }
                )
            }
            Error::Expired { .. } => f.write_str("the presigned URL has expired: presign it again"),
            Error::PayloadMismatch => f.write_str(
                "the body's SHA-256 differs from the signed x-amz-content-sha256 header: \
                 the body was changed after signing",
            ),
            Error::SessionTokenMismatch => f.write_str(
                "the request's session token does not belong to its access key id: \
                 use current temporary credentials",
            ),
            Error::SignatureMismatch { .. } => f.write_str(
                "the request signature does not match: compare the server's canonical \
                 request and string to sign (in this error) with the client's",
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<Malformed> for Error {
    fn from(m: Malformed) -> Self {
        Error::Malformed(m)
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::MissingAuthentication => {
                f.write_str("no Authorization header and no X-Amz-Algorithm query parameter")
            }
            Malformed::Repeated { name } => write!(f, "`{name}` is given more than once"),
            Malformed::UnknownAlgorithm => f.write_str("the algorithm is not AWS4-HMAC-SHA256"),
            Malformed::MissingComponent { name } => write!(f, "`{name}` is missing"),
            Malformed::UnexpectedComponent => f.write_str(
                "the Authorization header has a repeated or unknown component \
                 (expected Credential, SignedHeaders, Signature)",
            ),
            Malformed::InvalidCredential => f.write_str(
                "the credential is not ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request",
            ),
            Malformed::InvalidDate => f.write_str(
                "the signing time is missing or invalid (X-Amz-Date must be YYYYMMDDTHHMMSSZ)",
            ),
            Malformed::ScopeDateMismatch => {
                f.write_str("the credential scope's date is not the date of X-Amz-Date")
            }
            Malformed::InvalidSignedHeaders => f.write_str(
                "the signed headers must be a non-empty, sorted, lowercase, `;`-separated list",
            ),
            Malformed::HostNotSigned => f.write_str("`host` must be among the signed headers"),
            Malformed::SignedHeaderMissing { name } => {
                write!(f, "signed header `{name}` is not on the request")
            }
            Malformed::InvalidSignature => {
                f.write_str("the signature must be 64 lowercase hex digits")
            }
            Malformed::InvalidExpires => {
                f.write_str("X-Amz-Expires must be a whole number of seconds from 1 to 604800")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync_static() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn messages_name_the_header_but_not_its_value() {
        let e = Error::InvalidHeaderValue {
            name: "x-custom".into(),
        };
        let msg = e.to_string();
        assert!(msg.contains("`x-custom`"), "{msg}");
        assert!(msg.contains("unsigned_header"), "{msg}");
    }

    #[test]
    fn expiry_message_shows_the_requested_seconds() {
        let msg = Error::InvalidExpiry {
            requested: Duration::from_secs(604_801),
        }
        .to_string();
        assert!(msg.contains("604801 s"), "{msg}");
    }
}
