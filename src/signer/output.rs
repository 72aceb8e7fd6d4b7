//! [`SigningOutput`]: what a signature was computed from.

use std::fmt;
use std::ops::Range;

use crate::credentials::redact_session_token;

/// What a signature was computed from, for debugging a
/// `SignatureDoesNotMatch`: compare [`canonical_request`](Self::canonical_request)
/// and [`string_to_sign`](Self::string_to_sign) with the ones in AWS's error
/// message.
///
/// ```
/// use std::time::SystemTime;
/// use http_sigv4::{Credentials, Signer};
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
/// let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
/// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
/// assert!(out.canonical_request().starts_with("GET\n/\n\nhost:example.amazonaws.com\n"));
/// assert!(out.string_to_sign().starts_with("AWS4-HMAC-SHA256\n19700101T000000Z\n"));
/// assert_eq!(out.signed_headers(), "host;x-amz-date");
/// assert_eq!(out.signature().len(), 64);
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// The canonical request, the string to sign and the signature, one
    /// after the other (one allocation per signature).
    pub(super) buf: String,
    pub(super) canonical_request: Range<usize>,
    pub(super) signed_headers: Range<usize>,
    pub(super) string_to_sign: Range<usize>,
    pub(super) scope: Range<usize>,
    pub(super) signature: Range<usize>,
}

impl fmt::Debug for SigningOutput {
    /// Shows a signed session token as `<redacted>`; the accessors return
    /// the exact strings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field(
                "canonical_request",
                &redact_session_token(self.canonical_request()),
            )
            .field("string_to_sign", &self.string_to_sign())
            .field("signature", &self.signature())
            .finish()
    }
}

impl SigningOutput {
    /// The canonical request (step 1).
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().ends_with("\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn canonical_request(&self) -> &str {
        &self.buf[self.canonical_request.clone()]
    }

    /// The string to sign (steps 2 and 3).
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(out.string_to_sign().lines().nth(2), Some("19700101/us-east-1/service/aws4_request"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn string_to_sign(&self) -> &str {
        &self.buf[self.string_to_sign.clone()]
    }

    /// The signature in lowercase hex: 64 digits (an HMAC-SHA256) for SigV4;
    /// for SigV4a, a DER-encoded ECDSA signature (usually 140 to 144 digits).
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(req.headers()["authorization"].to_str().unwrap().ends_with(out.signature()));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn signature(&self) -> &str {
        &self.buf[self.signature.clone()]
    }

    /// The `;`-separated names of the signed headers.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
    /// let mut req = http::Request::get("https://h/").header("content-type", "text/plain").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(out.signed_headers(), "content-type;host;x-amz-date");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn signed_headers(&self) -> &str {
        &self.buf[self.signed_headers.clone()]
    }

    /// The credential scope, `20150830/us-east-1/service/aws4_request`.
    pub(crate) fn scope(&self) -> &str {
        &self.buf[self.scope.clone()]
    }
}
