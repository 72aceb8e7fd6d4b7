//! SigV4a (`AWS4-ECDSA-P256-SHA256`): one signature valid in several
//! regions, for endpoints that are not in a single region.
//!
//! SigV4a is SigV4 with three changes; the canonical request is built by the
//! same code (module `canonical`):
//!
//! ```text
//! canonical request   + x-amz-region-set:us-east-1,us-west-2   (signed header;
//!                       or X-Amz-Region-Set=… in a presigned query)
//! string to sign        AWS4-ECDSA-P256-SHA256\n
//!                       20150830T123600Z\n
//!                       20150830/service/aws4_request\n          (no region)
//!                       hex(SHA-256(canonical request))
//! signature             hex(DER(ECDSA-P256-SHA256(key, string to sign)))
//! ```
//! The key pair is derived from the access key id and secret (module
//! `key`), once per access key; it does not change with the date, region
//! or service. Whoever holds the public key can check a signature, so the
//! [`Verifier`](crate::Verifier) checks SigV4a requests with the public key it
//! derives from the looked-up secret.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::header::HeaderName;
use http::Request;

use crate::payload::{Payload, SignableBody};
use crate::settings::{ContentSha256Header, PathNormalization, SessionTokenMode, UriEncoding};
use crate::signer::{Algorithm, Signer, SigningOutput};
use crate::string_to_sign::TERMINATOR;
use crate::{Credentials, Error};

mod key;
pub(crate) mod region_set;

pub(crate) use key::{verify, PublicKeyCache, SigningKeyCell, MAX_DER_SIGNATURE_LEN};

/// The SigV4a algorithm's name, first line of its string to sign.
pub(crate) const ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";

/// Appends the SigV4a credential scope, `DATE/SERVICE/aws4_request`.
pub(crate) fn write_scope(out: &mut String, date: &str, service: &str) {
    out.push_str(date);
    out.push('/');
    out.push_str(service);
    out.push('/');
    out.push_str(TERMINATOR);
}

/// Signs `http::Request`s with SigV4a (`AWS4-ECDSA-P256-SHA256`), for a set
/// of regions.
///
/// Use it where AWS asks for SigV4a: S3 Multi-Region Access Points,
/// EventBridge global endpoints, and APIs behind CloudFront that check the
/// signature at edge locations in any region. Everywhere else use
/// [`Signer`], which is faster (an HMAC instead of an ECDSA signature).
///
/// The region set (`X-Amz-Region-Set`) is one region, a comma-separated
/// list (`us-east-1,us-west-2`), or a pattern where `*` matches anything
/// (`*` for every region). The settings and the signing methods are those of
/// [`Signer`]. Like it, a `SigV4aSigner` is `Send + Sync` and cheap to clone;
/// clones share the key pair, which is derived from the credentials on first
/// use.
///
/// # Examples
///
/// Sign the AWS SigV4a test suite's `get-vanilla` request and check it
/// against the suite's expected string to sign:
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{Credentials, SigV4aSigner};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
/// let signer = SigV4aSigner::new(creds, "us-east-1", "service");
///
/// let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
/// let out = signer.sign_at(&mut req, time)?;
///
/// assert_eq!(
///     out.string_to_sign(),
///     "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n\
///      cf59db423e841c8b7e3444158185aa261b724a5c27cbe762676f3eed19f4dc02"
/// );
/// assert_eq!(req.headers()["x-amz-region-set"], "us-east-1");
/// let authorization = req.headers()["authorization"].to_str().unwrap();
/// assert!(authorization.starts_with(
///     "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, \
///      SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=30"
/// ));
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
#[derive(Clone)]
pub struct SigV4aSigner {
    inner: Signer,
    /// The fixed credentials `inner` signs with; the key pair in `key` is
    /// derived from them once.
    credentials: Credentials,
    key: Arc<SigningKeyCell>,
}

impl SigV4aSigner {
    /// A SigV4a signer for `service` (e.g. `s3`, `events`) in `region_set`
    /// (e.g. `*`, `us-east-1`, `us-east-1,eu-west-1`), with the defaults of
    /// [`Signer::new`].
    ///
    /// The region set and service are checked when signing
    /// ([`Error::InvalidScope`]): the region set's entries must be non-empty
    /// and made of ASCII letters, digits, `-` and `*`.
    ///
    /// ```
    /// use http_sigv4::{Credentials, SigV4aSigner};
    /// let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3");
    /// assert_eq!(signer.region_set(), "*");
    /// assert_eq!(signer.service(), "s3");
    /// ```
    pub fn new(
        credentials: Credentials,
        region_set: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        let key = Arc::new(SigningKeyCell::default());
        let inner = Signer::new(credentials.clone(), region_set, service)
            .algorithm(Algorithm::EcdsaP256(Arc::clone(&key)));
        SigV4aSigner {
            inner,
            credentials,
            key,
        }
    }

    /// Changes the [`Signer`] that does the work (the S3 preset).
    pub(crate) fn map_inner(mut self, f: impl FnOnce(Signer) -> Signer) -> Self {
        self.inner = f(self.inner);
        self
    }

    /// What to sign for the body (default: its SHA-256); see
    /// [`Signer::payload`].
    ///
    /// ```
    /// use http_sigv4::{Credentials, Payload, SigV4aSigner};
    /// # use std::time::SystemTime;
    /// let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3")
    ///     .payload(Payload::Unsigned);
    /// let mut req = http::Request::put("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key")
    ///     .body(())
    ///     .unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn payload(mut self, payload: Payload) -> Self {
        self.inner = self.inner.payload(payload);
        self
    }

    /// Whether to add and sign `x-amz-content-sha256` (default: not added);
    /// see [`Signer::content_sha256_header`]. S3 requires it.
    ///
    /// ```
    /// use http_sigv4::{ContentSha256Header, Credentials, SigV4aSigner};
    /// # use std::time::SystemTime;
    /// let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3")
    ///     .content_sha256_header(ContentSha256Header::Signed);
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(out.signed_headers(), "host;x-amz-content-sha256;x-amz-date;x-amz-region-set");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn content_sha256_header(mut self, mode: ContentSha256Header) -> Self {
        self.inner = self.inner.content_sha256_header(mode);
        self
    }

    /// How the path is percent-encoded (default: [`UriEncoding::Double`]; S3
    /// needs [`UriEncoding::Single`]); see [`Signer::uri_encoding`].
    ///
    /// ```
    /// use http_sigv4::{Credentials, SigV4aSigner, UriEncoding};
    /// # use std::time::SystemTime;
    /// let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3")
    ///     .uri_encoding(UriEncoding::Single);
    /// let mut req = http::Request::get("https://h/a%2Fb").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().starts_with("GET\n/a%2Fb\n"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn uri_encoding(mut self, encoding: UriEncoding) -> Self {
        self.inner = self.inner.uri_encoding(encoding);
        self
    }

    /// Whether `.`, `..` and empty path segments are removed before signing
    /// (default: [`PathNormalization::Enabled`]; S3 needs `Disabled`); see
    /// [`Signer::path_normalization`].
    ///
    /// ```
    /// use http_sigv4::{Credentials, PathNormalization, SigV4aSigner};
    /// # use std::time::SystemTime;
    /// let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3")
    ///     .path_normalization(PathNormalization::Disabled);
    /// let mut req = http::Request::get("https://h//a/./b").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().starts_with("GET\n//a/./b\n"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn path_normalization(mut self, normalization: PathNormalization) -> Self {
        self.inner = self.inner.path_normalization(normalization);
        self
    }

    /// Where the session token of temporary credentials goes (default: set
    /// and signed); see [`Signer::session_token_mode`].
    ///
    /// ```
    /// use http_sigv4::{Credentials, SessionTokenMode, SigV4aSigner};
    /// # use std::time::SystemTime;
    /// let creds = Credentials::new("ASIAEXAMPLE", "SECRET", Some("TOKEN".to_owned()));
    /// let signer = SigV4aSigner::new(creds, "*", "service")
    ///     .session_token_mode(SessionTokenMode::AddedAfterSigning);
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(req.headers()["x-amz-security-token"], "TOKEN");
    /// assert_eq!(out.signed_headers(), "host;x-amz-date;x-amz-region-set");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn session_token_mode(mut self, mode: SessionTokenMode) -> Self {
        self.inner = self.inner.session_token_mode(mode);
        self
    }

    /// Leaves one more header out of the signature, in addition to
    /// [`DEFAULT_UNSIGNED_HEADERS`](crate::DEFAULT_UNSIGNED_HEADERS); see
    /// [`Signer::unsigned_header`]. `host` is always signed.
    ///
    /// ```
    /// use http_sigv4::{Credentials, SigV4aSigner};
    /// # use std::time::SystemTime;
    /// let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "service")
    ///     .unsigned_header(http::header::HeaderName::from_static("x-forwarded-for"));
    /// let mut req = http::Request::get("https://h/").header("x-forwarded-for", "10.0.0.1").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(out.signed_headers(), "host;x-amz-date;x-amz-region-set");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn unsigned_header(mut self, name: HeaderName) -> Self {
        self.inner = self.inner.unsigned_header(name);
        self
    }

    /// The region set this signer signs for, as sent in `X-Amz-Region-Set`.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, SigV4aSigner};
    /// let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1,us-west-2", "s3");
    /// assert_eq!(signer.region_set(), "us-east-1,us-west-2");
    /// ```
    pub fn region_set(&self) -> &str {
        self.inner.region()
    }

    /// The service this signer signs for.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, SigV4aSigner};
    /// # let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3");
    /// assert_eq!(signer.service(), "s3");
    /// ```
    pub fn service(&self) -> &str {
        self.inner.service()
    }

    /// The credentials this signer signs with.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, SigV4aSigner};
    /// # let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3");
    /// assert_eq!(signer.credentials().access_key_id(), "AKID");
    /// ```
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The public key of the key pair derived from the credentials, as an
    /// uncompressed SEC1 point: `0x04`, then X and Y (32 bytes each, big
    /// endian). Anyone holding it can check this signer's signatures.
    ///
    /// Fails with [`Error::InvalidCredentials`] only if no key can be derived
    /// (a chance of about 2^-8000).
    ///
    /// ```
    /// use http_sigv4::{Credentials, SigV4aSigner};
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let key = SigV4aSigner::new(creds, "*", "service").public_key()?;
    /// // The AWS SigV4a test suite's public-key.json for these credentials.
    /// assert_eq!(key[0], 0x04);
    /// assert_eq!(key[1..33], [
    ///     0xb6, 0x61, 0x8f, 0x6a, 0x65, 0x74, 0x0a, 0x99, 0xe6, 0x50, 0xb3, 0x3b, 0x6b, 0x4b, 0x5b, 0xd0,
    ///     0xd4, 0x3b, 0x17, 0x6d, 0x72, 0x1a, 0x3e, 0xdf, 0xea, 0x7e, 0x7d, 0x2d, 0x56, 0xd9, 0x36, 0xb1,
    /// ]);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn public_key(&self) -> Result<[u8; 65], Error> {
        let key = self.key.get(&self.credentials)?;
        Ok(key::sec1_uncompressed(key.verifying_key()))
    }

    /// Signs `req` now; see [`sign_at`](Self::sign_at).
    ///
    /// ```
    /// # use http_sigv4::{Credentials, SigV4aSigner};
    /// # let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "events");
    /// let mut req = http::Request::post("https://abcde.veo.endpoints.event.amazonaws.com/")
    ///     .body("{}")
    ///     .unwrap();
    /// signer.sign(&mut req)?;
    /// assert_eq!(req.headers()["x-amz-region-set"], "*");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign<B: SignableBody>(&self, req: &mut Request<B>) -> Result<SigningOutput, Error> {
        self.inner.sign(req)
    }

    /// Signs `req` as of `time`, into its headers.
    ///
    /// Sets the same headers as [`Signer::sign_at`], plus
    /// `x-amz-region-set` (signed, replacing one already there), and writes
    /// `AWS4-ECDSA-P256-SHA256` into `authorization`. The signature is
    /// deterministic (the ECDSA nonce is derived as RFC 6979 specifies; AWS's
    /// own signer draws a random one, and both verify alike).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, SigV4aSigner, Verifier};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = SigV4aSigner::new(creds.clone(), "us-east-1", "service");
    /// // AWS SigV4a suite case get-vanilla-query-order-key-case.
    /// let mut req = http::Request::get("https://example.amazonaws.com/?Param2=value2&Param1=value1")
    ///     .body(())
    ///     .unwrap();
    /// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let out = signer.sign_at(&mut req, time)?;
    /// assert!(out.canonical_request().starts_with("GET\n/\nParam1=value1&Param2=value2\n"));
    ///
    /// // A server in us-east-1 accepts it.
    /// let verifier = Verifier::new(move |_: &str| Some(creds.clone()), "us-east-1", "service");
    /// verifier.verify_at(&req, time)?;
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign_at<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        self.inner.sign_at(req, time)
    }

    /// The [`Signer`] that does the work (with the SigV4a algorithm).
    #[cfg(any(feature = "tower", feature = "reqwest"))]
    pub(crate) fn inner(&self) -> &Signer {
        &self.inner
    }

    /// Presigns `req` now; see [`presign_at`](Self::presign_at).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use http_sigv4::{Credentials, SigV4aSigner};
    /// # let signer = SigV4aSigner::new(Credentials::new("AKID", "SECRET", None::<String>), "*", "s3");
    /// let mut req = http::Request::get("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/file")
    ///     .body(())
    ///     .unwrap();
    /// signer.presign(&mut req, Duration::from_secs(900))?;
    /// assert!(req.uri().query().unwrap().contains("X-Amz-Region-Set=%2A"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn presign<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        expires_in: Duration,
    ) -> Result<SigningOutput, Error> {
        self.inner.presign(req, expires_in)
    }

    /// Signs `req` as of `time` into its query string (a presigned URL),
    /// valid for `expires_in` (1 second to 7 days).
    ///
    /// Adds the parameters of [`Signer::presign_at`] plus `X-Amz-Region-Set`
    /// (part of the signed query), with `X-Amz-Algorithm` set to
    /// `AWS4-ECDSA-P256-SHA256`.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, SigV4aSigner};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = SigV4aSigner::new(creds, "us-east-1", "service");
    /// // AWS SigV4a suite case get-vanilla, query form.
    /// let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
    /// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let out = signer.presign_at(&mut req, Duration::from_secs(3600), time)?;
    /// assert_eq!(
    ///     out.string_to_sign(),
    ///     "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n\
    ///      890c4ed28c1a1ac10b5862719b537afbe392e987dc1aab1efa16fe7de41d3c81"
    /// );
    /// assert!(req.uri().to_string().ends_with(&format!("&X-Amz-Signature={}", out.signature())));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn presign_at<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        expires_in: Duration,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        self.inner.presign_at(req, expires_in, time)
    }
}

impl fmt::Debug for SigV4aSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4aSigner")
            .field("credentials", &self.credentials)
            .field("region_set", &self.inner.region())
            .field("service", &self.inner.service())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(region_set: &str) -> SigV4aSigner {
        SigV4aSigner::new(
            Credentials::new("AKID", "SECRET", None::<String>),
            region_set,
            "service",
        )
    }

    #[test]
    fn invalid_region_sets_are_typed_errors() {
        for set in ["", "us-east-1,", "us east 1", "us/east-1"] {
            let mut req = http::Request::get("https://h/").body(()).unwrap();
            assert_eq!(
                signer(set).sign(&mut req).unwrap_err(),
                Error::InvalidScope {
                    field: "region set"
                },
                "{set:?}"
            );
            assert!(req.headers().is_empty(), "request changed on error");
        }
    }

    #[test]
    fn stale_region_set_is_replaced() {
        let mut req = http::Request::get("https://h/?X-Amz-Region-Set=eu-west-1&a=1")
            .header("x-amz-region-set", "eu-west-1")
            .body(())
            .unwrap();
        let out = signer("us-east-1")
            .sign_at(&mut req, SystemTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(req.headers().get_all("x-amz-region-set").iter().count(), 1);
        assert_eq!(req.headers()["x-amz-region-set"], "us-east-1");
        assert!(out
            .canonical_request()
            .contains("\nx-amz-region-set:us-east-1\n"));

        // Presigning drops the header and any earlier parameter.
        signer("*")
            .presign_at(&mut req, Duration::from_secs(60), SystemTime::UNIX_EPOCH)
            .unwrap();
        assert!(!req.headers().contains_key("x-amz-region-set"));
        let query = req.uri().query().unwrap();
        assert_eq!(query.matches("X-Amz-Region-Set=").count(), 1, "{query}");
        assert!(query.contains("X-Amz-Region-Set=%2A"), "{query}");
        assert!(query.starts_with("a=1&"), "{query}");
    }

    #[test]
    fn signer_and_verifier_are_send_sync() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<SigV4aSigner>();
        fn assert_send_sync<T: Send + Sync>(_: &T) {}
        let verifier = crate::Verifier::new(|_: &str| None, "us-east-1", "s3");
        assert_send_sync(&verifier);
    }

    #[test]
    fn clones_share_the_key_pair() {
        let a = signer("*");
        let b = a.clone();
        assert_eq!(a.public_key().unwrap(), b.public_key().unwrap());
        assert!(Arc::ptr_eq(&a.key, &b.key));
    }

    #[test]
    fn debug_redacts_the_secret() {
        let shown = format!("{:?}", signer("*"));
        assert!(shown.contains("SigV4aSigner") && shown.contains("AKID"));
        assert!(!shown.contains("SECRET"));
    }
}
