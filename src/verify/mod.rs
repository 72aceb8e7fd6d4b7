//! The other half: checking an incoming SigV4 request, for servers that
//! stand in for AWS (S3-compatible stores, proxies, test doubles).
//!
//! The [`Verifier`] parses the `Authorization` header (or the presigned
//! query), looks up the secret for the access key id, rebuilds the canonical
//! request from the request as received, and compares signatures in
//! constant time. It enforces a clock-skew window and presign expiry.
//!
//! With the `sigv4a` feature it also accepts SigV4a
//! (`AWS4-ECDSA-P256-SHA256`) requests: their region set must include the
//! verifier's region, and the ECDSA signature must verify under the public
//! key derived from the looked-up secret (cached per access key).

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::header::{HeaderName, HOST};
use http::Request;
use sha2::{Digest, Sha256};

use crate::canonical::{self, HeaderSet};
use crate::credentials::redact_session_token;
use crate::error::Malformed;
use crate::payload::{SignableBody, UNSIGNED_PAYLOAD};
use crate::settings::{PathNormalization, SessionTokenMode, UriEncoding};
use crate::signer::{host_of_uri, X_AMZ_CONTENT_SHA256};
use crate::signing_key::SigningKey;
#[cfg(feature = "sigv4a")]
use crate::sigv4a;
use crate::string_to_sign::{string_to_sign, write_scope, ALGORITHM};
use crate::{Credentials, Error};

mod authentication;

use authentication::{Authentication, Scheme};

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
    #[cfg(feature = "sigv4a")]
    public_keys: sigv4a::PublicKeyCache,
}

impl<L: CredentialsLookup> Verifier<L> {
    /// A verifier for requests signed for `region` and `service`, finding
    /// secrets with `lookup`. Defaults: ±15 minutes of clock skew, double
    /// encoding, path normalization (the rules of every service but S3).
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

    /// Verifies `req` as of `now`.
    ///
    /// The checks, in order, each with its own error: the authentication is
    /// well formed ([`Error::Malformed`]); the scope's region and service are
    /// the verifier's ([`Error::ScopeMismatch`]; for SigV4a, the region set
    /// includes the verifier's region, else `Error::RegionNotInSet`, where
    /// `*` in an entry matches anything); the signing time is within
    /// the skew window ([`Error::ClockSkew`]) and a presigned URL has not
    /// expired ([`Error::Expired`]); the access key is known
    /// ([`Error::UnknownAccessKey`]) and its session token matches
    /// ([`Error::SessionTokenMismatch`]); the body matches a signed
    /// `x-amz-content-sha256` ([`Error::PayloadMismatch`]); and the
    /// signature matches ([`Error::SignatureMismatch`]).
    ///
    /// Without an `x-amz-content-sha256` header the body's SHA-256 is signed
    /// (so the body must be readable, else [`Error::UnhashableBody`]);
    /// `UNSIGNED-PAYLOAD` and streaming markers in that header are accepted
    /// as signed.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, Error, Signer, Verifier};
    /// let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// let verifier = Verifier::new(lookup, "us-east-1", "service");
    ///
    /// let signed_at = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// Signer::new(creds, "us-east-1", "service").presign_at(&mut req, Duration::from_secs(60), signed_at)?;
    ///
    /// assert!(verifier.verify_at(&req, signed_at + Duration::from_secs(59)).is_ok());
    /// let err = verifier.verify_at(&req, signed_at + Duration::from_secs(61)).unwrap_err();
    /// assert!(matches!(err, Error::Expired { .. }));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn verify_at<B: SignableBody>(
        &self,
        req: &Request<B>,
        now: SystemTime,
    ) -> Result<VerifiedRequest, Error> {
        let token_signed = self.session_token == SessionTokenMode::Signed;
        let auth = Authentication::from_request(req.headers(), req.uri().query(), token_signed)?;
        match &auth.scheme {
            Scheme::Hmac { region, .. } if *region != self.region => {
                return Err(Error::ScopeMismatch {
                    field: "region",
                    expected: self.region.clone(),
                    found: region.clone(),
                });
            }
            #[cfg(feature = "sigv4a")]
            Scheme::Ecdsa { region_set, .. }
                if !sigv4a::region_set::contains(region_set, &self.region) =>
            {
                return Err(Error::RegionNotInSet {
                    region: self.region.clone(),
                    region_set: region_set.clone(),
                });
            }
            _ => {}
        }
        if auth.service != self.service {
            return Err(Error::ScopeMismatch {
                field: "service",
                expected: self.service.clone(),
                found: auth.service.clone(),
            });
        }
        self.check_time(&auth, now)?;
        let credentials =
            self.lookup
                .lookup(&auth.access_key_id)
                .ok_or_else(|| Error::UnknownAccessKey {
                    access_key_id: auth.access_key_id.clone(),
                })?;
        let token_matches = match (credentials.session_token(), auth.session_token.as_deref()) {
            (None, None) => true,
            (Some(expected), Some(found)) => {
                constant_time_eq(expected.as_bytes(), found.as_bytes())
            }
            _ => false,
        };
        if !token_matches {
            return Err(Error::SessionTokenMismatch);
        }

        let payload_hash = payload_hash(req)?;
        let first = self.check_signature(req, &auth, &credentials, &payload_hash)?;
        if let Some(mismatch) = first {
            // A presigned URL without `x-amz-content-sha256` may have been
            // signed with `UNSIGNED-PAYLOAD` (S3's rule) rather than the body's
            // hash. The marker is under the signature, so accepting it lets
            // no one change what the client signed.
            let unsigned_presign =
                auth.presigned.is_some() && !req.headers().contains_key(X_AMZ_CONTENT_SHA256);
            if !unsigned_presign
                || self
                    .check_signature(req, &auth, &credentials, UNSIGNED_PAYLOAD)?
                    .is_some()
            {
                return Err(mismatch);
            }
        }
        Ok(VerifiedRequest {
            access_key_id: auth.access_key_id,
            signed_headers: auth.signed_headers,
            signed_at: auth.time.system_time(),
            presigned: auth.presigned.is_some(),
        })
    }

    /// Rebuilds the canonical request with `payload_hash` and checks the
    /// signature: `None` when it matches, else the mismatch error.
    fn check_signature<B>(
        &self,
        req: &Request<B>,
        auth: &Authentication,
        credentials: &Credentials,
        payload_hash: &str,
    ) -> Result<Option<Error>, Error> {
        let canonical_request = self.canonical_request(req, auth, payload_hash)?;
        let mut scope = String::with_capacity(64);
        let algorithm = match &auth.scheme {
            Scheme::Hmac { region, .. } => {
                write_scope(&mut scope, &auth.scope_date, region, &auth.service);
                ALGORITHM
            }
            #[cfg(feature = "sigv4a")]
            Scheme::Ecdsa { .. } => {
                sigv4a::write_scope(&mut scope, &auth.scope_date, &auth.service);
                sigv4a::ALGORITHM
            }
        };
        let string_to_sign = string_to_sign(algorithm, &auth.time, &scope, &canonical_request);
        let matches = match &auth.scheme {
            Scheme::Hmac { region, signature } => {
                let key = SigningKey::derive(
                    credentials.secret_access_key(),
                    &auth.scope_date,
                    region,
                    &auth.service,
                );
                key.verify(string_to_sign.as_bytes(), signature)
            }
            #[cfg(feature = "sigv4a")]
            Scheme::Ecdsa { signature, .. } => {
                let key = self.public_keys.get(credentials)?;
                sigv4a::verify(&key, string_to_sign.as_bytes(), signature)?
            }
        };
        Ok((!matches).then(|| Error::SignatureMismatch {
            // The client's token is not echoed into logs.
            canonical_request: redact_session_token(&canonical_request),
            string_to_sign,
        }))
    }

    fn check_time(&self, auth: &Authentication, now: SystemTime) -> Result<(), Error> {
        let signed_at = auth.time.system_time();
        // Differences, not sums: `now + skew` overflows `SystemTime` for a
        // far-off `now` or a huge skew.
        let ahead = signed_at.duration_since(now).unwrap_or_default();
        let behind = now.duration_since(signed_at).unwrap_or_default();
        // A presigned URL may be used until it expires, but may not be
        // signed in the future.
        let skewed =
            ahead > self.clock_skew || (auth.presigned.is_none() && behind > self.clock_skew);
        if skewed {
            return Err(Error::ClockSkew { signed_at, now });
        }
        if let Some(presigned) = &auth.presigned {
            let expired_at = signed_at + Duration::from_secs(presigned.expires_secs);
            if now > expired_at {
                return Err(Error::Expired { expired_at });
            }
        }
        Ok(())
    }

    fn canonical_request<B>(
        &self,
        req: &Request<B>,
        auth: &Authentication,
        payload_hash: &str,
    ) -> Result<String, Error> {
        // The list is checked to be sorted and free of duplicates, so a
        // binary search keeps this linear in the number of headers.
        let signed = |name: &HeaderName| {
            auth.signed_headers
                .binary_search_by(|s| s.as_str().cmp(name.as_str()))
                .is_ok()
        };
        let mut headers = HeaderSet::from_request(req.headers(), |name| !signed(name));
        // HTTP/2 requests carry the host as `:authority`, which `http` puts
        // in the URI; it is signed as the signer derives it (no default
        // port, no userinfo, lowercase).
        let authority;
        if !req.headers().contains_key(HOST) {
            authority = host_of_uri(req.uri()).map_err(|_| Malformed::SignedHeaderMissing {
                name: "host".into(),
            })?;
            headers.add("host", &authority);
        }
        headers.sort();
        let mut present = String::new();
        headers.write_signed_headers(&mut present);
        let listed = auth.signed_headers.join(";");
        if present != listed {
            // `host` is present by now: from the Host header or the URI.
            let missing = auth
                .signed_headers
                .iter()
                .find(|n| *n != "host" && !req.headers().contains_key(n.as_str()))
                .cloned()
                .unwrap_or_default();
            return Err(Malformed::SignedHeaderMissing { name: missing }.into());
        }
        let query = match &auth.presigned {
            Some(presigned) => presigned.signed_query.as_str(),
            None => req.uri().query().unwrap_or(""),
        };
        let mut out = String::with_capacity(512);
        canonical::write_canonical_request(
            &mut out,
            &canonical::Parts {
                method: req.method().as_str(),
                path: req.uri().path(),
                query,
                headers: &headers,
                signed_headers: Some(&listed),
                payload_hash,
                uri_encoding: self.uri_encoding,
                path_normalization: self.path_normalization,
            },
        )?;
        Ok(out)
    }
}

/// The payload hash the client must have signed: the `x-amz-content-sha256`
/// header if any (checked against the body when it is a hash), else the
/// body's SHA-256.
fn payload_hash<B: SignableBody>(req: &Request<B>) -> Result<String, Error> {
    let body = req.body().body_bytes();
    let Some(claimed) = req.headers().get(X_AMZ_CONTENT_SHA256) else {
        let body = body.ok_or(Error::UnhashableBody)?;
        return Ok(hex::encode(Sha256::digest(body)));
    };
    let claimed = claimed.to_str().map_err(|_| Error::PayloadMismatch)?.trim();
    let is_hash = claimed.len() == 64 && claimed.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hash {
        let body = body.ok_or(Error::UnhashableBody)?;
        let actual: [u8; 32] = Sha256::digest(body).into();
        let mut expected = [0u8; 32];
        if hex::decode_to_slice(claimed, &mut expected).is_err()
            || !constant_time_eq(&actual, &expected)
        {
            return Err(Error::PayloadMismatch);
        }
    }
    Ok(claimed.to_owned())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<L> fmt::Debug for Verifier<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("clock_skew", &self.clock_skew)
            .field("uri_encoding", &self.uri_encoding)
            .field("path_normalization", &self.path_normalization)
            .finish_non_exhaustive()
    }
}

/// What a successful verification established.
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
/// assert_eq!(verified.signed_headers(), ["host", "x-amz-date"]);
/// assert_eq!(verified.signed_at(), t);
/// assert!(!verified.is_presigned());
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    access_key_id: String,
    signed_headers: Vec<String>,
    signed_at: SystemTime,
    presigned: bool,
}

impl VerifiedRequest {
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
        &self.access_key_id
    }

    /// The names of the headers the signature covers, sorted.
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
        &self.signed_headers
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
        self.signed_at
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
        self.presigned
    }
}
