//! The first phase: everything but the body, and what the body checker
//! needs afterwards.

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use http::Request;

use super::authentication::{Authentication, Scheme};
use super::body::BodyChecker;
use super::key_cache::KeyCache;
use super::payload::{Claim, StreamingMarker, UnsignedSource, VerifiedPayload};
use super::request_checks::check_host;
use super::signature::{constant_time_eq, Key, SignatureCheck};
use super::verified::{Facts, VerifiedRequest};
use super::{CredentialsLookup, Verifier};
use crate::digest_hex::LowercaseHex;
use crate::error::Malformed;
use crate::payload::UNSIGNED_PAYLOAD;
use crate::settings::SessionTokenMode;
use crate::signing_key::SigningKey;
#[cfg(feature = "sigv4a")]
use crate::sigv4a;
use crate::string_to_sign::{write_scope, ALGORITHM};
use crate::{Credentials, Error};

/// `x-amz-decoded-content-length`: the length of an aws-chunked body once
/// decoded.
const X_AMZ_DECODED_CONTENT_LENGTH: &str = "x-amz-decoded-content-length";
/// `x-amz-trailer`: the trailers an aws-chunked body ends with.
const X_AMZ_TRAILER: &str = "x-amz-trailer";

/// A request whose head is verified ([`Verifier::verify_head_at`]); its
/// body, unless unsigned, is not yet.
///
/// Pass the body through [`into_body_checker`](Self::into_body_checker);
/// only a request whose payload is unsigned is complete without it
/// ([`without_body`](Self::without_body)). So a head can never be taken
/// for a request with an empty body.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{Credentials, Error, Signer, Verifier};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
/// let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let mut req = http::Request::put("https://h/").body(b"signed body".to_vec()).unwrap();
/// Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
///
/// let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
/// assert_eq!(head.access_key_id(), "AKID");
/// assert_eq!(head.without_body().unwrap_err(), Error::BodyUnchecked);
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[must_use = "the body is not verified until it goes through into_body_checker"]
pub struct VerifiedHead {
    pub(super) facts: Facts,
    pub(super) signature: SignatureCheck,
    pub(super) state: HeadState,
}

/// How far the head check got, by payload kind.
pub(super) enum HeadState {
    /// `UNSIGNED-PAYLOAD`: signature checked, nothing to check in the body.
    Complete {
        payload: VerifiedPayload,
        string_to_sign: String,
    },
    /// A signed hash in `x-amz-content-sha256`: signature checked, the body
    /// must hash to `expected`.
    Sha256 {
        expected: [u8; 32],
        string_to_sign: String,
    },
    /// No `x-amz-content-sha256`: the signature covers the body's hash, so
    /// it is checked at the end of the body.
    SignatureAfterBody {
        /// A presigned URL where `UNSIGNED-PAYLOAD` is refused: if the
        /// body's hash does not match, a signature over the marker is
        /// answered with [`Error::UnsignedPayloadRefused`].
        unsigned_refused: bool,
    },
    /// aws-chunked: seed signature checked; the chunks are next.
    Streaming {
        marker: StreamingMarker,
        string_to_sign: String,
        decoded_content_length: Option<u64>,
        /// `x-amz-trailer`: the trailers the body declares.
        trailer: Option<String>,
    },
}

impl<L: CredentialsLookup> Verifier<L> {
    pub(super) fn check_head<B>(
        &self,
        req: &Request<B>,
        now: SystemTime,
    ) -> Result<VerifiedHead, Error> {
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
        check_host(req)?;
        self.check_unsigned_headers(req, &auth)?;
        let claim = Claim::from_headers(req.headers())?;
        let (decoded_content_length, trailer) = match claim {
            Some(Claim::Streaming(_)) => (decoded_content_length(req)?, trailer(req)?),
            _ => (None, None),
        };
        let canonical_prefix = self.canonical_prefix(req, &auth)?;

        let Some(credentials) = self.lookup.lookup(&auth.access_key_id) else {
            spend_like_a_signature_check(&self.keys, &auth, claim, canonical_prefix);
            return Err(Error::UnknownAccessKey {
                access_key_id: auth.access_key_id,
            });
        };
        if let Some(expired_at) = credentials.expiry() {
            if now >= expired_at {
                return Err(Error::ExpiredToken { expired_at });
            }
        }
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

        let mut scope = String::with_capacity(64);
        // `region` is the verifier's: SigV4's scope names it (checked
        // above), so the parsed copy is moved rather than cloned.
        let (algorithm, key, region) = match auth.scheme {
            Scheme::Hmac { region, signature } => {
                write_scope(&mut scope, &auth.scope_date, &region, &auth.service);
                let key = self
                    .keys
                    .get(&credentials, &auth.scope_date, &region, &auth.service);
                (ALGORITHM, Key::Hmac { key, signature }, region)
            }
            #[cfg(feature = "sigv4a")]
            Scheme::Ecdsa { signature, .. } => {
                sigv4a::write_scope(&mut scope, &auth.scope_date, &auth.service);
                let key = self.public_keys.get(&credentials)?;
                let region = self.region.clone();
                (sigv4a::ALGORITHM, Key::Ecdsa { key, signature }, region)
            }
        };
        let signed_at = auth.time.system_time();
        let presigned_until = auth.presigned.as_ref().map(|p| {
            let url = signed_at + Duration::from_secs(p.expires_secs);
            credentials.expiry().map_or(url, |c| url.min(c))
        });
        let facts = Facts {
            access_key_id: auth.access_key_id,
            signed_headers: auth.signed_headers,
            signed_at,
            presigned_until,
            region,
            service: auth.service,
            session_token: auth.session_token.is_some(),
        };
        let signature = SignatureCheck {
            algorithm,
            time: auth.time,
            scope,
            canonical_prefix,
            key,
        };

        let unsigned_allowed = self.unsigned_payload.allows(&self.service);
        let state = match claim {
            Some(Claim::Sha256(expected)) => HeadState::Sha256 {
                string_to_sign: signature.check(LowercaseHex::new(&expected).as_str())?,
                expected,
            },
            Some(Claim::Unsigned) => {
                let string_to_sign = signature.check(UNSIGNED_PAYLOAD)?;
                if !unsigned_allowed {
                    return Err(Error::UnsignedPayloadRefused);
                }
                HeadState::Complete {
                    payload: VerifiedPayload::Unsigned(UnsignedSource::Header),
                    string_to_sign,
                }
            }
            Some(Claim::Streaming(marker)) => {
                let string_to_sign = signature.check(marker.as_str())?;
                if marker == StreamingMarker::UnsignedPayloadTrailer && !unsigned_allowed {
                    return Err(Error::UnsignedPayloadRefused);
                }
                HeadState::Streaming {
                    marker,
                    string_to_sign,
                    decoded_content_length,
                    trailer,
                }
            }
            // A presigned URL without `x-amz-content-sha256` is signed with
            // `UNSIGNED-PAYLOAD` (S3's rule) or the body's hash. The marker
            // is under the signature, so accepting it lets no one change
            // what the client signed.
            // Where the marker is allowed (S3, whose presigned URLs all
            // sign it) it is tried here; elsewhere the body's hash is the
            // common case, and the marker is tried only if that fails, to
            // answer `UnsignedPayloadRefused` rather than a mismatch.
            None if facts.presigned_until.is_some() && unsigned_allowed => {
                match signature.matching(UNSIGNED_PAYLOAD) {
                    Ok(Some(string_to_sign)) => HeadState::Complete {
                        payload: VerifiedPayload::Unsigned(UnsignedSource::PresignedUrl),
                        string_to_sign,
                    },
                    Ok(None) | Err(_) => HeadState::SignatureAfterBody {
                        unsigned_refused: false,
                    },
                }
            }
            None => HeadState::SignatureAfterBody {
                unsigned_refused: facts.presigned_until.is_some(),
            },
        };
        Ok(VerifiedHead {
            facts,
            signature,
            state,
        })
    }
}

/// Does the work of a SigV4 signature check, with a key derived from a
/// stand-in secret, so that an unknown access key id is not answered much
/// faster than a known one with a bad signature (the lookup's own timing
/// remains); the stand-in key comes from the key cache, as a known one's. SigV4a's key derivation is cached per access key and not
/// imitated.
fn spend_like_a_signature_check(
    keys: &KeyCache,
    auth: &Authentication,
    claim: Option<Claim>,
    prefix: String,
) {
    let (region, signature) = match &auth.scheme {
        Scheme::Hmac { region, signature } => (region, signature),
        #[cfg(feature = "sigv4a")]
        Scheme::Ecdsa { .. } => return,
    };
    let mut scope = String::with_capacity(64);
    write_scope(&mut scope, &auth.scope_date, region, &auth.service);
    let check = SignatureCheck {
        algorithm: ALGORITHM,
        time: auth.time,
        scope,
        canonical_prefix: prefix,
        key: Key::Hmac {
            // From the cache, as a known key's is.
            key: keys.get(
                stand_in_credentials(),
                &auth.scope_date,
                region,
                &auth.service,
            ),
            signature: *signature,
        },
    };
    let hash = match claim {
        Some(Claim::Sha256(hash)) => Some(LowercaseHex::new(&hash)),
        _ => None,
    };
    // The outcome is meaningless: only the time spent matters.
    let _ = check.check(hash.as_ref().map_or(UNSIGNED_PAYLOAD, LowercaseHex::as_str));
}

/// The credentials an unknown access key id is checked with: one instance,
/// so that its secret's digest is computed once, as a known key's is.
fn stand_in_credentials() -> &'static Credentials {
    static STAND_IN: OnceLock<Credentials> = OnceLock::new();
    STAND_IN.get_or_init(|| Credentials::new("", "unknown access key", None::<String>))
}

/// `x-amz-decoded-content-length`, if any.
fn decoded_content_length<B>(req: &Request<B>) -> Result<Option<u64>, Malformed> {
    let mut values = req.headers().get_all(X_AMZ_DECODED_CONTENT_LENGTH).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(_), Some(_)) => Err(Malformed::Repeated {
            name: X_AMZ_DECODED_CONTENT_LENGTH,
        }),
        (Some(value), None) => {
            let text = value
                .to_str()
                .map_err(|_| Malformed::InvalidDecodedContentLength)?;
            let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            match text.parse() {
                Ok(length) if digits => Ok(Some(length)),
                _ => Err(Malformed::InvalidDecodedContentLength),
            }
        }
    }
}

/// `x-amz-trailer`, if any (one header; names separated by commas).
fn trailer<B>(req: &Request<B>) -> Result<Option<String>, Malformed> {
    let mut values = req.headers().get_all(X_AMZ_TRAILER).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(_), Some(_)) => Err(Malformed::Repeated {
            name: X_AMZ_TRAILER,
        }),
        // Names outside visible ASCII match no trailer, and fail there.
        (Some(value), None) => Ok(Some(String::from_utf8_lossy(value.as_bytes()).into_owned())),
    }
}

impl VerifiedHead {
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
    /// let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// assert_eq!(head.access_key_id(), "AKID");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.facts.access_key_id
    }

    /// Whether the body must go through
    /// [`into_body_checker`](Self::into_body_checker): always, unless the
    /// payload is unsigned.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{ContentSha256Header, Credentials, Payload, Signer, Verifier};
    /// # use http_sigv4::{UnsignedSource, VerifiedPayload};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap();
    /// Signer::new(creds, "us-east-1", "s3")
    ///     .payload(Payload::Unsigned)
    ///     .content_sha256_header(ContentSha256Header::Signed)
    ///     .sign_at(&mut req, t)?;
    /// let head = Verifier::new(lookup, "us-east-1", "s3").verify_head_at(&req, t)?;
    /// assert!(!head.needs_body());
    /// let verified = head.without_body()?;
    /// assert_eq!(verified.payload(), VerifiedPayload::Unsigned(UnsignedSource::Header));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn needs_body(&self) -> bool {
        !matches!(self.state, HeadState::Complete { .. })
    }

    /// The verified request, when its payload is unsigned (nothing in the
    /// body to check); else [`Error::BodyUnchecked`].
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Error, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// // Signed over the body's hash: "no body seen" is not "empty body".
    /// assert_eq!(head.without_body(), Err(Error::BodyUnchecked));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn without_body(self) -> Result<VerifiedRequest, Error> {
        match self.state {
            HeadState::Complete {
                payload,
                string_to_sign,
            } => Ok(VerifiedRequest::new(
                self.facts,
                self.signature.scope,
                payload,
                string_to_sign,
            )),
            _ => Err(Error::BodyUnchecked),
        }
    }

    /// The second phase: a checker to pass the body through as it arrives
    /// (aws-chunked bodies are decoded and each chunk checked). SigV4a
    /// aws-chunked bodies (`STREAMING-AWS4-ECDSA-P256-SHA256-*`) are
    /// refused ([`Error::AwsChunkedUnsupported`]) rather than accepted
    /// unchecked.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Error, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"abc".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// let mut checker = head.into_body_checker()?;
    /// let mut out = Vec::new();
    /// checker.feed(b"abd", &mut out)?; // changed in transit
    /// assert!(matches!(checker.finish(), Err(Error::SignatureMismatch { .. })));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn into_body_checker(self) -> Result<BodyChecker, Error> {
        BodyChecker::new(self)
    }

    /// The aws-chunked marker, for a streaming body.
    pub(crate) fn streaming_marker(&self) -> Option<StreamingMarker> {
        match self.state {
            HeadState::Streaming { marker, .. } => Some(marker),
            _ => None,
        }
    }

    /// `x-amz-decoded-content-length`, for a streaming body.
    pub(crate) fn decoded_content_length(&self) -> Option<u64> {
        match self.state {
            HeadState::Streaming {
                decoded_content_length,
                ..
            } => decoded_content_length,
            _ => None,
        }
    }

    /// `x-amz-trailer`, for a streaming body that declares trailers.
    pub(crate) fn trailer_header(&self) -> Option<&str> {
        match &self.state {
            HeadState::Streaming { trailer, .. } => trailer.as_deref(),
            _ => None,
        }
    }

    /// kSigning, which signs each chunk's string to sign (SigV4 only).
    pub(crate) fn signing_key(&self) -> Option<&SigningKey> {
        match &self.signature.key {
            Key::Hmac { key, .. } => Some(key),
            #[cfg(feature = "sigv4a")]
            Key::Ecdsa { .. } => None,
        }
    }

    /// The seed signature (the request's own), which the first chunk's
    /// signature chains from, as 64 lowercase hex digits (SigV4 only).
    pub(crate) fn seed_signature(&self) -> Option<String> {
        match &self.signature.key {
            Key::Hmac { signature, .. } => Some(hex::encode(signature)),
            #[cfg(feature = "sigv4a")]
            Key::Ecdsa { .. } => None,
        }
    }

    /// The signing time as `YYYYMMDDTHHMMSSZ`, the second line of each
    /// chunk's string to sign.
    pub(crate) fn amz_date(&self) -> &str {
        self.signature.time.amz_date()
    }

    /// The credential scope, the third line of each chunk's string to sign.
    pub(crate) fn credential_scope(&self) -> &str {
        &self.signature.scope
    }
}

impl fmt::Debug for VerifiedHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signing key is never shown.
        f.debug_struct("VerifiedHead")
            .field("access_key_id", &self.facts.access_key_id)
            .field("credential_scope", &self.signature.scope)
            .field("needs_body", &self.needs_body())
            .finish_non_exhaustive()
    }
}
