//! The one error type of the crate.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong while signing a request.
///
/// Each variant says what was wrong with the input and its message says what
/// to change. Messages name headers and settings, but never print a secret
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
    /// cannot appear in a credential scope (`/`, whitespace, control
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
                "the {field} must be non-empty and must not contain `/`, whitespace or \
                 control characters (e.g. `us-east-1`, `execute-api`)"
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
        }
    }
}

impl std::error::Error for Error {}

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
