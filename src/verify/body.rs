//! The second phase: the body, checked as it arrives.

use std::fmt;

use sha2::{Digest, Sha256};

use super::head::{HeadState, VerifiedHead};
use super::payload::VerifiedPayload;
use super::signature::{constant_time_eq, Hex64, SignatureCheck};
use super::verified::{Facts, VerifiedRequest};
use crate::Error;

/// Checks a request's body as it arrives, after its head
/// ([`VerifiedHead::into_body_checker`]).
///
/// [`feed`](Self::feed) each piece of the body as it is read; it appends
/// the body's bytes to `out` for the app. [`finish`](Self::finish) at the
/// end of the body says whether the body is the one signed. A SHA-256 can
/// only be checked once the last byte is in, so **act on the bytes only
/// after `finish` succeeds** (write an upload to a temporary file, commit
/// it after `finish`). Memory use does not grow with the body.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{Credentials, Error, Signer, Verifier};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
/// let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let mut req = http::Request::put("https://h/").body(b"hello".to_vec()).unwrap();
/// Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
///
/// let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
/// let mut checker = head.into_body_checker()?;
/// let mut body = Vec::new();
/// checker.feed(b"hel", &mut body)?;
/// checker.feed(b"lo", &mut body)?;
/// let verified = checker.finish()?;
/// assert_eq!(body, b"hello");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub struct BodyChecker {
    facts: Facts,
    signature: SignatureCheck,
    state: BodyState,
}

enum BodyState {
    /// The body must hash to `expected`, the signed claim.
    Sha256 {
        hasher: Sha256,
        expected: [u8; 32],
        string_to_sign: String,
    },
    /// The body's hash completes the canonical request; the signature is
    /// checked at the end.
    SignatureAfterBody { hasher: Sha256 },
    /// Unsigned payload: bytes pass through unchecked.
    Unchecked {
        payload: VerifiedPayload,
        string_to_sign: String,
    },
    // WIRING: an aws-chunked variant holding
    // `crate::chunked::ChunkedDecoder::new(context, mode, decoded_len)`,
    // built in `BodyChecker::new` from the head's `signing_key()`,
    // `amz_date()`, `credential_scope()`, `seed_signature()`,
    // `streaming_marker()` and `decoded_content_length()`; `feed` calls
    // the decoder's `feed(input, out)`, `finish` its `finish()` and returns
    // `VerifiedPayload::AwsChunked(marker)` with the head's string to sign.
}

impl BodyChecker {
    pub(super) fn new(head: VerifiedHead) -> Result<Self, Error> {
        let VerifiedHead {
            facts,
            signature,
            state,
        } = head;
        let state = match state {
            HeadState::Complete {
                payload,
                string_to_sign,
            } => BodyState::Unchecked {
                payload,
                string_to_sign,
            },
            HeadState::Sha256 {
                expected,
                string_to_sign,
            } => BodyState::Sha256 {
                hasher: Sha256::new(),
                expected,
                string_to_sign,
            },
            HeadState::SignatureAfterBody => BodyState::SignatureAfterBody {
                hasher: Sha256::new(),
            },
            // WIRING: build the chunk decoder here instead of refusing.
            HeadState::Streaming { marker, .. } => {
                return Err(Error::AwsChunkedUnsupported {
                    marker: marker.as_str(),
                })
            }
        };
        Ok(BodyChecker {
            facts,
            signature,
            state,
        })
    }

    /// Feeds the next piece of the body as received, and appends its bytes
    /// (the payload) to `out`. Fails at the first defect it can see; a
    /// SHA-256 mismatch shows only at [`finish`](Self::finish).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"abc".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// # let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// let mut checker = head.into_body_checker()?;
    /// let mut out = Vec::new();
    /// checker.feed(b"abc", &mut out)?;
    /// assert_eq!(out, b"abc");
    /// checker.finish()?;
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.update(input)?;
        out.extend_from_slice(input);
        Ok(())
    }

    /// Like [`feed`](Self::feed), for bodies whose bytes are their payload
    /// (not aws-chunked), without copying them.
    pub(crate) fn update(&mut self, input: &[u8]) -> Result<(), Error> {
        match &mut self.state {
            BodyState::Sha256 { hasher, .. } | BodyState::SignatureAfterBody { hasher } => {
                hasher.update(input);
            }
            BodyState::Unchecked { .. } => {}
        }
        Ok(())
    }

    /// Ends the body: checks its SHA-256 ([`Error::PayloadMismatch`]), or
    /// the signature over it ([`Error::SignatureMismatch`]) for requests
    /// without `x-amz-content-sha256`, and says what was verified.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier, VerifiedPayload};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// # let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// // No bytes fed: the body was empty, as signed.
    /// let verified = head.into_body_checker()?.finish()?;
    /// assert_eq!(verified.payload(), VerifiedPayload::Sha256);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn finish(self) -> Result<VerifiedRequest, Error> {
        let (payload, string_to_sign) = match self.state {
            BodyState::Sha256 {
                hasher,
                expected,
                string_to_sign,
            } => {
                let actual: [u8; 32] = hasher.finalize().into();
                if !constant_time_eq(&actual, &expected) {
                    return Err(Error::PayloadMismatch);
                }
                (VerifiedPayload::Sha256, string_to_sign)
            }
            BodyState::SignatureAfterBody { hasher } => {
                let hash = Hex64::new(&hasher.finalize().into());
                (
                    VerifiedPayload::Sha256,
                    self.signature.check(hash.as_str())?,
                )
            }
            BodyState::Unchecked {
                payload,
                string_to_sign,
            } => (payload, string_to_sign),
        };
        Ok(VerifiedRequest::new(self.facts, payload, &string_to_sign))
    }
}

impl fmt::Debug for BodyChecker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyChecker")
            .field("access_key_id", &self.facts.access_key_id)
            .finish_non_exhaustive()
    }
}
