//! The other half: checking an incoming SigV4 request, for servers that
//! stand in for AWS (S3-compatible stores, proxies, test doubles).
//!
//! The [`Verifier`] parses the `Authorization` header (or the presigned
//! query), looks up the secret for the access key id, rebuilds the canonical
//! request from the request as received, and compares signatures in
//! constant time. It enforces a clock-skew window, presign expiry and the
//! expiry of the looked-up credentials, and refuses what AWS refuses:
//! unsigned `x-amz-*` headers, a `Host` that is not the URI's authority,
//! `x-amz-content-sha256` values that are neither a hash nor a marker, and
//! (except for S3) `UNSIGNED-PAYLOAD`.
//!
//! Two phases, for servers that stream bodies:
//! [`Verifier::verify_head_at`] checks the head and reads no body byte;
//! [`VerifiedHead::into_body_checker`] then checks the body as it arrives,
//! and [`BodyChecker::finish`] says what was verified
//! ([`VerifiedRequest`], with its [`VerifiedPayload`]). aws-chunked
//! bodies (the `STREAMING-*` markers of S3 uploads) are decoded and each
//! chunk's signature checked, chained from the request's own.
//! [`Verifier::verify_at`] does both on a body held in memory.
//!
//! With the `sigv4a` feature it also accepts SigV4a
//! (`AWS4-ECDSA-P256-SHA256`) requests: their region set must include the
//! verifier's region, and the ECDSA signature must verify under the public
//! key derived from the looked-up secret (cached per access key).
//!
//! # Replay
//! A signature stays valid for the whole skew window (15 minutes each way
//! by default), and a presigned URL until it expires: the verifier does not
//! remember requests, so a captured request can be sent again in that
//! time. A server that must refuse replays keeps the
//! [`VerifiedRequest::replay_key`] of the requests it accepted for the
//! skew window (or the URL's lifetime) and refuses a key it has seen.
//! The key is a SHA-256 over the access key id and the string to sign
//! (algorithm, time, scope and the canonical request's hash), not over the
//! signature bytes: SigV4a ECDSA signatures are malleable (`s` and `n − s`
//! both verify, and AWS's own signers emit both forms, so both are
//! accepted), and the two forms of one request give one replay key.
//!
//! # Timing
//! An unknown access key id is refused after the same work as a bad
//! signature (a SigV4 key derived from a stand-in secret, the canonical
//! request hashed and signed), so the two are answered in about the same
//! time; what remains is your lookup's own timing (a database hit or miss)
//! and, for SigV4a, the public-key derivation, which is cached per known
//! key and not imitated. Access key ids are not secrets (they are in every
//! request and log); if yours are, make the lookup take equal time.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::header::HeaderName;
use http::Request;

#[cfg(doc)]
use crate::error::Malformed;
use crate::payload::SignableBody;
use crate::settings::{PathNormalization, SessionTokenMode, UriEncoding};
#[cfg(feature = "sigv4a")]
use crate::sigv4a;
use crate::{Credentials, Error};

mod authentication;
mod body;
mod head;
mod key_cache;
mod payload;
mod presigned;
mod request_checks;
mod signature;
mod verified;

pub use body::BodyChecker;
pub use head::VerifiedHead;
pub use payload::{StreamingMarker, UnsignedPayloadPolicy, UnsignedSource, VerifiedPayload};
pub use verified::VerifiedRequest;

/// Finds the credentials for an access key id, for a [`Verifier`].
///
/// Implemented for closures and for `HashMap<String, Credentials>`.
///
/// ```
/// use std::collections::HashMap;
/// use http_sigv4::{Credentials, CredentialsLookup};
///
/// let mut keys = HashMap::new();
/// keys.insert("AKID".to_string(), Credentials::new("AKID", "SECRET", None::<String>));
/// assert!(keys.lookup("AKID").is_some());
///
/// let from_db = |akid: &str| (akid == "AKID").then(|| Credentials::new("AKID", "SECRET", None::<String>));
/// assert!(from_db.lookup("OTHER").is_none());
/// ```
pub trait CredentialsLookup {
    /// The credentials for `access_key_id`, or `None` if it is unknown.
    fn lookup(&self, access_key_id: &str) -> Option<Credentials>;
}

impl<F> CredentialsLookup for F
where
    F: Fn(&str) -> Option<Credentials>,
{
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self(access_key_id)
    }
}

impl CredentialsLookup for HashMap<String, Credentials> {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }
}

/// The default clock-skew window: 15 minutes, as AWS allows.
///
/// ```
/// assert_eq!(http_sigv4::DEFAULT_CLOCK_SKEW, std::time::Duration::from_secs(15 * 60));
/// ```
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// Verifies SigV4-signed requests (header or presigned form), and with the
/// `sigv4a` feature SigV4a-signed ones too.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{Credentials, Error, Signer, Verifier};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
/// let lookup = {
///     let creds = creds.clone();
///     move |akid: &str| (akid == "AKIDEXAMPLE").then(|| creds.clone())
/// };
/// let verifier = Verifier::new(lookup, "us-east-1", "service");
///
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let mut req = http::Request::get("https://example.amazonaws.com/?a=1").body(()).unwrap();
/// Signer::new(creds, "us-east-1", "service").sign_at(&mut req, time)?;
///
/// let verified = verifier.verify_at(&req, time + Duration::from_secs(5))?;
/// assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
///
/// // Any change to what was signed is caught.
/// *req.uri_mut() = "https://example.amazonaws.com/?a=2".parse().unwrap();
/// assert!(matches!(verifier.verify_at(&req, time), Err(Error::SignatureMismatch { .. })));
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub struct Verifier<L> {
    lookup: L,
    region: String,
    service: String,
    clock_skew: Duration,
    uri_encoding: UriEncoding,
    path_normalization: PathNormalization,
    session_token: SessionTokenMode,
    unsigned_payload: UnsignedPayloadPolicy,
    unsigned_allowed: Vec<HeaderName>,
    /// Derived SigV4 signing keys, by secret, date, region and service.
    keys: key_cache::KeyCache,
    #[cfg(feature = "sigv4a")]
    public_keys: sigv4a::PublicKeyCache,
}

impl<L: CredentialsLookup> Verifier<L> {
    /// A verifier for requests signed for `region` and `service`, finding
    /// secrets with `lookup`. Defaults: ±15 minutes of clock skew, double
    /// encoding, path normalization (the rules of every service but S3),
    /// `UNSIGNED-PAYLOAD` only for service `s3`, every `x-amz-*` header
    /// signed.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, Verifier};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "eu-west-1", "execute-api");
    /// # let _ = verifier;
    /// ```
    pub fn new(lookup: L, region: impl Into<String>, service: impl Into<String>) -> Self {
        Verifier {
            lookup,
            region: region.into(),
            service: service.into(),
            clock_skew: DEFAULT_CLOCK_SKEW,
            uri_encoding: UriEncoding::Double,
            path_normalization: PathNormalization::Enabled,
            session_token: SessionTokenMode::Signed,
            unsigned_payload: UnsignedPayloadPolicy::S3Only,
            unsigned_allowed: Vec::new(),
            keys: key_cache::KeyCache::default(),
            #[cfg(feature = "sigv4a")]
            public_keys: sigv4a::PublicKeyCache::default(),
        }
    }

    /// How far the signing time may be from the verifier's clock (default
    /// [`DEFAULT_CLOCK_SKEW`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, Verifier};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", "s3")
    ///     .clock_skew(Duration::from_secs(60));
    /// # let _ = verifier;
    /// ```
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// How clients encode the path (default double; S3 clients single).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, UriEncoding, Verifier};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", "s3")
    ///     .uri_encoding(UriEncoding::Single);
    /// # let _ = verifier;
    /// ```
    pub fn uri_encoding(mut self, encoding: UriEncoding) -> Self {
        self.uri_encoding = encoding;
        self
    }

    /// Whether clients normalize the path (default yes; S3 clients no).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, PathNormalization, Verifier};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", "s3")
    ///     .path_normalization(PathNormalization::Disabled);
    /// # let _ = verifier;
    /// ```
    pub fn path_normalization(mut self, normalization: PathNormalization) -> Self {
        self.path_normalization = normalization;
        self
    }

    /// Whether clients sign a presigned URL's `X-Amz-Security-Token`
    /// (default) or append it after signing. Header-signed requests say
    /// themselves, in their signed-headers list.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, SessionTokenMode, Verifier};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", "iotdevicegateway")
    ///     .session_token_mode(SessionTokenMode::AddedAfterSigning);
    /// # let _ = verifier;
    /// ```
    pub fn session_token_mode(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }

    /// When `UNSIGNED-PAYLOAD` (a body the signature does not cover) is
    /// accepted; default [`UnsignedPayloadPolicy::S3Only`].
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, UnsignedPayloadPolicy, Verifier};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", "s3")
    ///     .unsigned_payload(UnsignedPayloadPolicy::Refused);
    /// # let _ = verifier;
    /// ```
    pub fn unsigned_payload(mut self, policy: UnsignedPayloadPolicy) -> Self {
        self.unsigned_payload = policy;
        self
    }

    /// Accepts the `x-amz-*` header `name` on requests that do not sign it.
    /// By default every `x-amz-*` header on a request must be signed
    /// ([`Error::UnsignedHeader`]), as S3 requires: an unsigned one
    /// (`x-amz-acl`, `x-amz-copy-source`, …) may have been added in transit.
    /// Other headers may stay unsigned; the app must not trust them.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http::header::HeaderName;
    /// use http_sigv4::{Credentials, Verifier};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", "s3")
    ///     .allow_unsigned_header(HeaderName::from_static("x-amz-user-agent"));
    /// # let _ = verifier;
    /// ```
    pub fn allow_unsigned_header(mut self, name: HeaderName) -> Self {
        if !self.unsigned_allowed.contains(&name) {
            self.unsigned_allowed.push(name);
        }
        self
    }

    /// Verifies `req` against the current time; see
    /// [`verify_at`](Self::verify_at).
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// let mut req = http::Request::put("https://h/obj").body(b"data".to_vec()).unwrap();
    /// Signer::new(creds, "us-east-1", "service").sign(&mut req)?;
    /// Verifier::new(lookup, "us-east-1", "service").verify(&req)?;
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn verify<B: SignableBody>(&self, req: &Request<B>) -> Result<VerifiedRequest, Error> {
        self.verify_at(req, SystemTime::now())
    }

    /// Verifies `req`, head and whole body, as of `now`: both phases of
    /// [`verify_head_at`](Self::verify_head_at) and
    /// [`VerifiedHead::into_body_checker`] in one call.
    ///
    /// The body `B` is the whole body: `()` means an empty body. A server
    /// that holds only the head (the body still streaming in) must call
    /// [`verify_head_at`](Self::verify_head_at) instead, which cannot be
    /// mistaken for an empty body. A body that cannot be read as bytes is
    /// [`Error::UnhashableBody`] unless the payload is unsigned.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, Error, Signer, VerifiedPayload, Verifier};
    /// let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// let verifier = Verifier::new(lookup, "us-east-1", "service");
    ///
    /// let signed_at = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// Signer::new(creds, "us-east-1", "service").presign_at(&mut req, Duration::from_secs(60), signed_at)?;
    ///
    /// let verified = verifier.verify_at(&req, signed_at + Duration::from_secs(59))?;
    /// assert_eq!(verified.payload(), VerifiedPayload::Sha256);
    /// let err = verifier.verify_at(&req, signed_at + Duration::from_secs(61)).unwrap_err();
    /// assert!(matches!(err, Error::Expired { .. }));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn verify_at<B: SignableBody>(
        &self,
        req: &Request<B>,
        now: SystemTime,
    ) -> Result<VerifiedRequest, Error> {
        let head = self.verify_head_at(req, now)?;
        if !head.needs_body() {
            return head.without_body();
        }
        let body = req.body().body_bytes().ok_or(Error::UnhashableBody)?;
        let mut checker = head.into_body_checker()?;
        checker.update(body)?;
        checker.finish()
    }

    /// Verifies the head of `req` against the current time; see
    /// [`verify_head_at`](Self::verify_head_at).
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// Signer::new(creds, "us-east-1", "service").sign(&mut req)?;
    /// let head = Verifier::new(lookup, "us-east-1", "service").verify_head(&req)?;
    /// assert!(head.needs_body());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn verify_head<B>(&self, req: &Request<B>) -> Result<VerifiedHead, Error> {
        self.verify_head_at(req, SystemTime::now())
    }

    /// The first phase, for servers that stream bodies: checks everything
    /// but the body, **reading no byte of it** (the body type `B` is not
    /// even required to be readable).
    ///
    /// The checks, in order, each with its own error: the authentication is
    /// well formed ([`Error::Malformed`], which includes characters no
    /// client sends in the access key id, region, service or region set);
    /// the scope's region and service are the verifier's
    /// ([`Error::ScopeMismatch`]; for SigV4a, the region set includes the
    /// verifier's region, else `Error::RegionNotInSet`, where `*` in an
    /// entry matches anything); the signing time is within the skew window
    /// ([`Error::ClockSkew`]) and a presigned URL has not expired
    /// ([`Error::Expired`]); the `Host` header agrees with the URI's
    /// authority ([`Error::HostMismatch`], [`Error::UserinfoInUri`]); every
    /// `x-amz-*` header is signed ([`Error::UnsignedHeader`]);
    /// `x-amz-content-sha256` is a hash or a marker
    /// ([`Malformed::InvalidContentSha256`]); the access key is known
    /// ([`Error::UnknownAccessKey`]), its credentials have not expired
    /// ([`Error::ExpiredToken`]) and its session token matches
    /// ([`Error::SessionTokenMismatch`]); the signature matches the claimed
    /// payload hash ([`Error::SignatureMismatch`]); `UNSIGNED-PAYLOAD` is
    /// allowed ([`Error::UnsignedPayloadRefused`]).
    ///
    /// A request without `x-amz-content-sha256` signs its body's SHA-256,
    /// which only the body can tell: its signature is checked by the body
    /// checker, at the end of the body (after the key, scope and time
    /// checks here). Requests with the header (all S3 clients send it) get
    /// their signature checked here, before any body byte is read. So does
    /// a presigned URL that signed `UNSIGNED-PAYLOAD` where that is allowed;
    /// where it is refused, the body checker answers
    /// [`Error::UnsignedPayloadRefused`] if the body's hash does not match
    /// and the marker does.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, Payload, Signer, VerifiedPayload, Verifier};
    /// let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// let verifier = Verifier::new(lookup, "us-east-1", "s3");
    /// let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    ///
    /// // A body hashed while it was written, signed by its hash.
    /// let hash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; // "hello"
    /// let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key")
    ///     .header("x-amz-content-sha256", hash)
    ///     .body(())
    ///     .unwrap();
    /// Signer::new(creds, "us-east-1", "s3")
    ///     .payload(Payload::Precomputed(hash.into()))
    ///     .sign_at(&mut req, t)?;
    ///
    /// let head = verifier.verify_head_at(&req, t)?; // no body read
    /// let mut checker = head.into_body_checker()?;
    /// let mut verified_bytes = Vec::new();
    /// for piece in [&b"hel"[..], &b"lo"[..]] {
    ///     checker.feed(piece, &mut verified_bytes)?; // as the body arrives
    /// }
    /// let verified = checker.finish()?; // the hash is checked here
    /// assert_eq!(verified.payload(), VerifiedPayload::Sha256);
    /// assert_eq!(verified_bytes, b"hello");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn verify_head_at<B>(
        &self,
        req: &Request<B>,
        now: SystemTime,
    ) -> Result<VerifiedHead, Error> {
        self.check_head(req, now)
    }
}

impl<L> fmt::Debug for Verifier<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("clock_skew", &self.clock_skew)
            .field("uri_encoding", &self.uri_encoding)
            .field("path_normalization", &self.path_normalization)
            .field("session_token", &self.session_token)
            .field("unsigned_payload", &self.unsigned_payload)
            .field("unsigned_allowed", &self.unsigned_allowed)
            .finish_non_exhaustive()
    }
}
