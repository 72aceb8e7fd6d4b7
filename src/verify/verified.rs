//! What a successful verification established.

use std::time::SystemTime;

use super::payload::VerifiedPayload;
use super::signature::replay_key;
use crate::chunked::{ChecksumCheck, ChunkedSummary};

/// What the head check established, carried to the end of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) access_key_id: String,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signed_at: SystemTime,
    /// `Some` for presigned URLs: when the URL (or, if sooner, the
    /// credentials) expire.
    pub(crate) presigned_until: Option<SystemTime>,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) session_token: bool,
}

/// What a successful verification established: who signed, for which
/// scope, when, and what is known of the body.
///
/// ```
/// # use std::time::{Duration, UNIX_EPOCH};
/// # use http_sigv4::{Credentials, Signer, Verifier, VerifiedPayload};
/// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
/// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// # let mut req = http::Request::get("https://h/").body(()).unwrap();
/// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
/// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
/// assert_eq!(verified.access_key_id(), "AKID");
/// assert_eq!(verified.signed_headers(), ["host", "x-amz-date"]);
/// assert_eq!(verified.signed_at(), t);
/// assert!(!verified.is_presigned());
/// assert_eq!(verified.payload(), VerifiedPayload::Sha256);
/// assert_eq!(verified.credential_scope(), "20150830/us-east-1/service/aws4_request");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    facts: Facts,
    credential_scope: String,
    payload: VerifiedPayload,
    /// Kept for [`replay_key`](Self::replay_key), hashed only when asked.
    string_to_sign: String,
    chunked: Option<ChunkedSummary>,
}

impl VerifiedRequest {
    /// The request `facts` describe, signed for `credential_scope` over
    /// `string_to_sign` (both moved in, not copied).
    pub(crate) fn new(
        facts: Facts,
        credential_scope: String,
        payload: VerifiedPayload,
        string_to_sign: String,
    ) -> Self {
        VerifiedRequest {
            facts,
            credential_scope,
            payload,
            string_to_sign,
            chunked: None,
        }
    }

    /// Adds what an aws-chunked body held.
    pub(crate) fn with_chunked(mut self, summary: ChunkedSummary) -> Self {
        self.chunked = Some(summary);
        self
    }

    /// For an aws-chunked body, the length of its data once decoded (equal
    /// to `x-amz-decoded-content-length` when the request declared it);
    /// `None` for other bodies.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"x".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.decoded_length(), None); // not aws-chunked
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn decoded_length(&self) -> Option<u64> {
        self.chunked.as_ref().map(|s| s.decoded_length)
    }

    /// For an aws-chunked body, its trailers in order (names lowercase,
    /// `x-amz-trailer-signature` excluded); empty for other bodies.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"x".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert!(verified.trailers().is_empty());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn trailers(&self) -> &[(String, String)] {
        self.chunked.as_ref().map_or(&[], |s| &s.trailers)
    }

    /// For an aws-chunked body with an `x-amz-checksum-*` trailer that was
    /// computed over the data and matched, the trailer's name (e.g.
    /// `x-amz-checksum-crc32c`). `None` without such a trailer, or when
    /// this build cannot compute it (without the `checksums` feature; only
    /// accepted when the trailer is signed). A
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` body is accepted only with a
    /// matching checksum, so it always has one.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"x".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.checksum_verified(), None);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn checksum_verified(&self) -> Option<&str> {
        match self.chunked.as_ref().map(|s| &s.checksum) {
            Some(ChecksumCheck::Verified { name }) => Some(name),
            _ => None,
        }
    }

    /// The access key id that signed the request.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.access_key_id(), "AKID");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.facts.access_key_id
    }

    /// The names of the headers the signature covers, sorted. Headers not
    /// listed were not signed (only `x-amz-*` ones are refused unsigned):
    /// do not trust them.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.signed_headers(), ["host", "x-amz-date"]);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn signed_headers(&self) -> &[String] {
        &self.facts.signed_headers
    }

    /// When the request was signed.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.signed_at(), t);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn signed_at(&self) -> SystemTime {
        self.facts.signed_at
    }

    /// Whether the signature was in the query string (a presigned URL).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert!(!verified.is_presigned());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn is_presigned(&self) -> bool {
        self.facts.presigned_until.is_some()
    }

    /// For a presigned URL, when it stops being valid: its `X-Amz-Expires`,
    /// or the expiry of the credentials that signed it if sooner. `None`
    /// for header-signed requests.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// Signer::new(creds, "us-east-1", "service").presign_at(&mut req, Duration::from_secs(60), t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.presigned_expires_at(), Some(t + Duration::from_secs(60)));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn presigned_expires_at(&self) -> Option<SystemTime> {
        self.facts.presigned_until
    }

    /// What is known of the body: its SHA-256 checked, unsigned, or
    /// aws-chunked with every chunk checked.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier, VerifiedPayload};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"x".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.payload(), VerifiedPayload::Sha256);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn payload(&self) -> VerifiedPayload {
        self.payload
    }

    /// The credential scope the request was signed for,
    /// `YYYYMMDD/region/service/aws4_request` (SigV4a:
    /// `YYYYMMDD/service/aws4_request`).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.credential_scope(), "20150830/us-east-1/service/aws4_request");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn credential_scope(&self) -> &str {
        &self.credential_scope
    }

    /// The region the request was verified for (the verifier's, which the
    /// scope, or the SigV4a region set, includes).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!((verified.region(), verified.service()), ("us-east-1", "service"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn region(&self) -> &str {
        &self.facts.region
    }

    /// The service the request was signed for.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert_eq!(verified.service(), "service");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn service(&self) -> &str {
        &self.facts.service
    }

    /// Whether the request carried a session token (temporary
    /// credentials); it matched the looked-up credentials'.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// let creds = Credentials::new("ASIA", "SECRET", Some("TOKEN".to_owned()));
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verified = Verifier::new(lookup, "us-east-1", "service").verify_at(&req, t)?;
    /// assert!(verified.has_session_token());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn has_session_token(&self) -> bool {
        self.facts.session_token
    }

    /// A key that identifies this request for replay detection: SHA-256
    /// over the access key id and the string to sign (algorithm, time,
    /// scope, hash of the canonical request). Two requests have the same
    /// key exactly when they sign the same thing, however the signature is
    /// encoded (a SigV4a signature and its `n − s` twin give one key).
    /// Keep the keys of accepted requests for the skew window (or a
    /// presigned URL's lifetime) and refuse repeats to refuse replays.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let verifier = Verifier::new(lookup, "us-east-1", "service");
    /// let first = verifier.verify_at(&req, t)?;
    /// let replayed = verifier.verify_at(&req, t + Duration::from_secs(60))?;
    /// assert_eq!(first.replay_key(), replayed.replay_key());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn replay_key(&self) -> [u8; 32] {
        replay_key(&self.facts.access_key_id, &self.string_to_sign)
    }
}
