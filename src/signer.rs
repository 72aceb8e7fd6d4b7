//! Step 5: the [`Signer`], which runs steps 1–4 on an `http::Request` and
//! writes the result into its headers or its query string.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use http::header::{
    HeaderName, HeaderValue, AUTHORIZATION, DATE, HOST, TRANSFER_ENCODING, USER_AGENT,
};
use http::Request;

use crate::canonical::{self, HeaderSet};
use crate::credentials::Credentials;
use crate::digest_hex::LowercaseHex;
use crate::payload::{Payload, SignableBody, EMPTY_SHA256, UNSIGNED_PAYLOAD};
use crate::settings::{ContentSha256Header, PathNormalization, SessionTokenMode, UriEncoding};
use crate::signing_key::{SigningKey, SigningKeyCache};
#[cfg(feature = "sigv4a")]
use crate::sigv4a;
use crate::string_to_sign::{write_string_to_sign, ALGORITHM};
use crate::timestamp::Timestamp;
use crate::Error;

/// `x-amz-date`: the signing time, `YYYYMMDDTHHMMSSZ`.
pub(crate) const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
/// `x-amz-security-token`: the session token of temporary credentials.
pub(crate) const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
/// `x-amz-content-sha256`: the payload hash.
pub(crate) const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
/// `x-amz-region-set`: the regions a SigV4a signature is valid in.
pub(crate) const X_AMZ_REGION_SET: HeaderName = HeaderName::from_static("x-amz-region-set");
/// `x-amzn-trace-id`: X-Ray's trace header, rewritten by AWS's front ends.
pub(crate) const X_AMZN_TRACE_ID: HeaderName = HeaderName::from_static("x-amzn-trace-id");

/// Headers that are never signed unless asked: clients and proxies add or
/// change them after signing.
///
/// - `authorization`: it carries the signature itself.
/// - `user-agent`: HTTP clients and proxies rewrite it.
/// - `x-amzn-trace-id`: AWS's load balancers and X-Ray add or extend it.
/// - `transfer-encoding`: hop-by-hop; proxies and CloudFront remove it.
///
/// ```
/// use http_sigv4::DEFAULT_UNSIGNED_HEADERS;
/// assert!(DEFAULT_UNSIGNED_HEADERS.contains(&http::header::USER_AGENT));
/// assert!(!DEFAULT_UNSIGNED_HEADERS.contains(&http::header::HOST));
/// ```
pub const DEFAULT_UNSIGNED_HEADERS: [HeaderName; 4] = [
    AUTHORIZATION,
    USER_AGENT,
    X_AMZN_TRACE_ID,
    TRANSFER_ENCODING,
];

/// Signs `http::Request`s with AWS Signature Version 4.
///
/// Build one per (credentials, region, service) and share it: it is
/// `Send + Sync`, cheap to clone (clones share one signing-key cache), and
/// derives a new signing key once a day, or when its credentials change.
///
/// Credentials are fixed ([`Signer::new`]) or come from a
/// [`ProvideCredentials`](crate::ProvideCredentials) asked at each signature
/// ([`Signer::with_provider`]); [`Signer::from_env`] and
/// [`Signer::from_profile`] read them, and the region, from where the AWS
/// CLI does. For S3 and S3-compatible stores use [`Signer::s3`] (and its
/// `s3_with_provider`, `s3_from_env`, `s3_from_profile`), which sets S3's
/// rules.
///
/// # Examples
///
/// Sign the AWS test suite's `get-vanilla` request at its fixed time:
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{Credentials, Signer};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
/// let signer = Signer::new(creds, "us-east-1", "service");
///
/// let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
/// let out = signer.sign_at(&mut req, time)?;
///
/// assert_eq!(out.signature(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
/// assert_eq!(req.headers()["host"], "example.amazonaws.com");
/// assert_eq!(req.headers()["x-amz-date"], "20150830T123600Z");
/// assert_eq!(
///     req.headers()["authorization"],
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
///      SignedHeaders=host;x-amz-date, \
///      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
/// );
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    credentials: CredentialsSource,
    /// Which part of the scope (region, region set or service) cannot be
    /// signed with, if any: checked once, when they are set.
    invalid_scope: Option<&'static str>,
    /// The credential scope after its date, `/REGION/SERVICE/aws4_request`
    /// (SigV4a: `/SERVICE/aws4_request`): fixed, so written once.
    scope_after_date: Arc<str>,
    /// The region; for SigV4a, the region set.
    region: Arc<str>,
    service: Arc<str>,
    settings: Settings,
    keys: Arc<SigningKeyCache>,
    algorithm: Algorithm,
}

/// Which algorithm signs: SigV4's HMAC (the region is in the scope, and the
/// key in `Signer::keys`), or SigV4a's ECDSA (no region in the scope; the
/// region set is sent as `X-Amz-Region-Set`).
#[derive(Clone, Default)]
pub(crate) enum Algorithm {
    /// `AWS4-HMAC-SHA256`.
    #[default]
    HmacSha256,
    /// `AWS4-ECDSA-P256-SHA256`, with the key pair derived on first use.
    #[cfg(feature = "sigv4a")]
    EcdsaP256(Arc<sigv4a::SigningKeyCell>),
}

impl Algorithm {
    fn name(&self) -> &'static str {
        match self {
            Algorithm::HmacSha256 => ALGORITHM,
            #[cfg(feature = "sigv4a")]
            Algorithm::EcdsaP256(_) => sigv4a::ALGORITHM,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Settings {
    payload: Payload,
    /// What presigned URLs sign for the body; `None`: as `payload`.
    presign_payload: Option<Payload>,
    content_sha256: ContentSha256Header,
    uri_encoding: UriEncoding,
    path_normalization: PathNormalization,
    session_token: SessionTokenMode,
    unsigned_headers: UnsignedHeaders,
    date_header: DateHeader,
}

/// Which header carries the signing time when signing into headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DateHeader {
    /// Always `x-amz-date`.
    #[default]
    XAmzDate,
    /// A `date` header already on the request is replaced by the signing
    /// time (IMF-fixdate) and signed, and no `x-amz-date` is sent; without
    /// one, `x-amz-date` as usual. The API Gateway rule.
    DateIfPresent,
}

impl Signer {
    /// What to sign for the body (default: its SHA-256), in headers and in
    /// presigned URLs (this replaces the [`Signer::s3`] preset's
    /// `UNSIGNED-PAYLOAD` for presigned URLs too).
    ///
    /// ```
    /// use http_sigv4::{Credentials, Payload, Signer};
    /// # use std::time::SystemTime;
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3")
    ///     .payload(Payload::Unsigned);
    /// let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn payload(mut self, payload: Payload) -> Self {
        self.settings.payload = payload;
        self.settings.presign_payload = None;
        self
    }

    /// What presigned URLs sign for the body, in place of the
    /// [`payload`](Self::payload) setting (the S3 preset's
    /// `UNSIGNED-PAYLOAD`: whoever uses the URL sends the body).
    pub(crate) fn presign_payload(mut self, payload: Payload) -> Self {
        self.settings.presign_payload = Some(payload);
        self
    }

    /// The payload setting of presigned URLs.
    pub(crate) fn presign_payload_setting(&self) -> &Payload {
        self.settings
            .presign_payload
            .as_ref()
            .unwrap_or(&self.settings.payload)
    }

    /// Whether to add and sign `x-amz-content-sha256` (default: not added).
    ///
    /// ```
    /// use http_sigv4::{ContentSha256Header, Credentials, Signer};
    /// # use std::time::SystemTime;
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3")
    ///     .content_sha256_header(ContentSha256Header::Signed);
    /// let mut req = http::Request::get("https://bucket.s3.amazonaws.com/").body(()).unwrap();
    /// signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(
    ///     req.headers()["x-amz-content-sha256"],
    ///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// );
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn content_sha256_header(mut self, mode: ContentSha256Header) -> Self {
        self.settings.content_sha256 = mode;
        self
    }

    /// How the path is percent-encoded (default: [`UriEncoding::Double`];
    /// S3 needs [`UriEncoding::Single`]).
    ///
    /// ```
    /// use http_sigv4::{Credentials, Signer, UriEncoding};
    /// # use std::time::SystemTime;
    /// let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// let mut req = http::Request::get("https://h/a%2Fb").body(()).unwrap();
    /// let double = Signer::new(creds.clone(), "us-east-1", "execute-api").sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(double.canonical_request().starts_with("GET\n/a%252Fb\n"));
    /// let single = Signer::new(creds, "us-east-1", "s3").uri_encoding(UriEncoding::Single);
    /// let out = single.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().starts_with("GET\n/a%2Fb\n"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn uri_encoding(mut self, encoding: UriEncoding) -> Self {
        self.settings.uri_encoding = encoding;
        self
    }

    /// Whether `.`, `..` and empty path segments are removed before signing
    /// (default: [`PathNormalization::Enabled`]; S3 needs `Disabled`).
    ///
    /// ```
    /// use http_sigv4::{Credentials, PathNormalization, Signer};
    /// # use std::time::SystemTime;
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service")
    ///     .path_normalization(PathNormalization::Disabled);
    /// let mut req = http::Request::get("https://h//a/./b").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().starts_with("GET\n//a/./b\n"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn path_normalization(mut self, normalization: PathNormalization) -> Self {
        self.settings.path_normalization = normalization;
        self
    }

    /// Where the session token of temporary credentials goes (default: set
    /// and signed).
    ///
    /// ```
    /// use http_sigv4::{Credentials, SessionTokenMode, Signer};
    /// # use std::time::SystemTime;
    /// let creds = Credentials::new("ASIAEXAMPLE", "SECRET", Some("TOKEN".to_owned()));
    /// let signer = Signer::new(creds, "us-east-1", "service")
    ///     .session_token_mode(SessionTokenMode::AddedAfterSigning);
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(req.headers()["x-amz-security-token"], "TOKEN");
    /// assert_eq!(out.signed_headers(), "host;x-amz-date");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn session_token_mode(mut self, mode: SessionTokenMode) -> Self {
        self.settings.session_token = mode;
        self
    }

    /// Leaves one more header out of the signature, in addition to
    /// [`DEFAULT_UNSIGNED_HEADERS`]: one that something between you and AWS
    /// adds or changes after signing. `host` is always signed.
    ///
    /// ```
    /// use http_sigv4::{Credentials, Signer};
    /// # use std::time::SystemTime;
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service")
    ///     .unsigned_header(http::header::HeaderName::from_static("x-forwarded-for"));
    /// let mut req = http::Request::get("https://h/").header("x-forwarded-for", "10.0.0.1").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(out.signed_headers(), "host;x-amz-date");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn unsigned_header(mut self, name: HeaderName) -> Self {
        self.settings.unsigned_headers.add(name);
        self
    }

    /// Sets the algorithm (SigV4a signers are `Signer`s with the region set
    /// in place of the region).
    #[cfg(feature = "sigv4a")]
    pub(crate) fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.invalid_scope = scope::invalid_scope_part(&algorithm, &self.region, &self.service);
        self.scope_after_date = scope::scope_after_date(&algorithm, &self.region, &self.service);
        self.algorithm = algorithm;
        self
    }

    /// The region set, for a SigV4a signer.
    fn region_set(&self) -> Option<&str> {
        match self.algorithm {
            Algorithm::HmacSha256 => None,
            #[cfg(feature = "sigv4a")]
            Algorithm::EcdsaP256(_) => Some(&self.region),
        }
    }

    /// Sets which header carries the signing time.
    pub(crate) fn date_header(mut self, rule: DateHeader) -> Self {
        self.settings.date_header = rule;
        self
    }

    /// The region this signer signs for.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// assert_eq!(signer.region(), "us-east-1");
    /// ```
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service this signer signs for.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// assert_eq!(signer.service(), "s3");
    /// ```
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The fixed credentials this signer signs with, or `None` for a
    /// signer with a provider (ask the provider).
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer};
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// assert_eq!(signer.credentials().map(|c| c.access_key_id()), Some("AKID"));
    ///
    /// let signer = Signer::with_provider(|| Ok(Credentials::new("AKID", "SECRET", None::<String>)), "us-east-1", "s3");
    /// assert!(signer.credentials().is_none());
    /// ```
    pub fn credentials(&self) -> Option<&Credentials> {
        match &self.credentials {
            CredentialsSource::Fixed(credentials, _) => Some(credentials),
            CredentialsSource::Provider(_) => None,
        }
    }

    /// Signs `req` now; see [`sign_at`](Self::sign_at).
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
    /// let mut req = http::Request::post("https://example.amazonaws.com/").body("{}").unwrap();
    /// signer.sign(&mut req)?;
    /// assert!(req.headers().contains_key("authorization"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign<B: SignableBody>(&self, req: &mut Request<B>) -> Result<SigningOutput, Error> {
        self.sign_at(req, SystemTime::now())
    }

    /// Signs `req` as of `time`, into its headers.
    ///
    /// Sets `x-amz-date`, `authorization`, `x-amz-security-token` (temporary
    /// credentials), `x-amz-content-sha256` (when
    /// [`ContentSha256Header::Signed`], or when the request already has one:
    /// its value becomes the payload hash signed), and `host` when the request has none
    /// (derived from the URI: lowercase, without a default port, without
    /// userinfo). Those headers are replaced if the request already has them
    /// (a retry signs afresh). For HTTP/2 and later no `host` header is added,
    /// since `:authority` carries it, but the same value is signed.
    ///
    /// Every other header on the request is signed, except
    /// [`DEFAULT_UNSIGNED_HEADERS`] and those named with
    /// [`unsigned_header`](Self::unsigned_header); so set `content-type`,
    /// `content-length` and the like **before** signing, and add nothing
    /// afterwards. On error the request is left unchanged.
    ///
    /// The query is signed with a raw `+` read as a space (`%20`); send a
    /// literal plus as `%2B`.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, Signer};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = Signer::new(creds, "us-east-1", "service");
    /// // AWS suite case get-vanilla-query-order-key-case.
    /// let mut req = http::Request::get("https://example.amazonaws.com/?Param2=value2&Param1=value1")
    ///     .body(())
    ///     .unwrap();
    /// let out = signer.sign_at(&mut req, UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
    /// assert!(out.canonical_request().starts_with("GET\n/\nParam1=value1&Param2=value2\n"));
    /// assert_eq!(out.signature(), "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign_at<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        self.sign_with(req, time, &self.settings.payload)
    }

    /// The payload setting ([`payload`](Self::payload)).
    #[cfg(any(feature = "tower", feature = "reqwest"))]
    pub(crate) fn payload_setting(&self) -> &Payload {
        &self.settings.payload
    }

    /// [`sign_at`](Self::sign_at) with `payload` in place of the payload
    /// setting (the integrations' per-request override).
    pub(crate) fn sign_with<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: &Payload,
    ) -> Result<SigningOutput, Error> {
        let credentials = self.current_credentials()?;
        self.sign_with_credentials(req, time, payload, &credentials)
    }

    /// [`sign_with`](Self::sign_with) with credentials already asked for
    /// (aws-chunked uploads sign their chunks with the same ones).
    pub(crate) fn sign_with_credentials<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: &Payload,
        credentials: &Credentials,
    ) -> Result<SigningOutput, Error> {
        let t = Timestamp::new(time)?;
        self.check_scope()?;
        let hash = payload.hash_for(req.body().body_bytes())?;
        let payload_hash = hash.as_str();
        let amz_date = t.amz_date();
        let region_set = self.region_set();

        // One pass over the request's headers collects those to sign and
        // notes those that signing sets, which saves a lookup for each.
        let mut present = PresentHeaders::default();
        let date_if_present = self.settings.date_header == DateHeader::DateIfPresent;
        let mut headers = HeaderSet::from_request(req.headers(), |name| {
            // Listed first: the names whose header signing replaces, so
            // that it is never signed as the caller gave it.
            if *name == HOST {
                present.host = true;
                // `host` is always signed (`unsigned_header` refuses it).
                return false;
            }
            if *name == X_AMZ_DATE {
                present.amz_date = true;
                return true;
            }
            if *name == X_AMZ_SECURITY_TOKEN {
                present.token = true;
                return true;
            }
            if *name == X_AMZ_CONTENT_SHA256 {
                // A caller's own is replaced by the payload hash this
                // signature ends with: servers take the payload hash from
                // that header, so the two must agree.
                present.content_sha256 = true;
                return true;
            }
            if *name == DATE {
                present.date = true;
                if date_if_present {
                    return true;
                }
            }
            (region_set.is_some() && *name == X_AMZ_REGION_SET) || self.is_unsigned(name)
        });
        let host = resolve_host(req, present.host)?;
        let add_content_sha256 =
            self.settings.content_sha256 == ContentSha256Header::Signed || present.content_sha256;
        let token = session_token(credentials)?;
        let signed_token =
            token.filter(|_| self.settings.session_token == SessionTokenMode::Signed);
        let use_date = date_if_present && present.date;
        let http_date = use_date.then(|| t.http_date());

        if let Host::Derived { value, .. } = &host {
            headers.add("host", value.to_str().map_err(|_| Error::InvalidHost)?);
        }
        match &http_date {
            Some(date) => headers.add("date", date),
            None => headers.add("x-amz-date", amz_date),
        }
        if let Some(token) = signed_token {
            headers.add("x-amz-security-token", token);
        }
        if add_content_sha256 {
            headers.add("x-amz-content-sha256", payload_hash);
        }
        if let Some(set) = region_set {
            headers.add("x-amz-region-set", set);
        }
        headers.sort();

        let query = canonical::Query::Raw(req.uri().query().unwrap_or(""));
        let output = self.sign_parts(credentials, &t, req, query, &headers, None, payload_hash)?;
        let authorization = self.authorization(credentials, &output)?;
        let token_value = token.map(header_value_of_token).transpose()?;
        let content_sha256 = match add_content_sha256 {
            true => Some(header_value_of_payload_hash(payload_hash)?),
            false => None,
        };
        let date = HeaderValue::try_from(http_date.as_deref().unwrap_or(amz_date))
            .map_err(|_| Error::InvalidTime)?;
        let region_set_value = region_set
            .map(HeaderValue::try_from)
            .transpose()
            .map_err(|_| Error::InvalidScope {
                field: "region set",
            })?;

        // Nothing below can fail: the request changes only on success.
        let map = req.headers_mut();
        // Room for the headers added below (those replaced need none), so
        // that the map grows at most once.
        let added = [
            matches!(host, Host::Derived { send: true, .. }),
            !use_date && !present.amz_date,
            token_value.is_some() && !present.token,
            content_sha256.is_some() && !present.content_sha256,
            region_set_value.is_some(),
            true, // authorization
        ];
        map.reserve(added.iter().filter(|&&added| added).count());
        if let Host::Derived { value, send: true } = host {
            map.insert(HOST, value);
        }
        match use_date {
            true => {
                if present.amz_date {
                    map.remove(X_AMZ_DATE);
                }
                map.insert(DATE, date);
            }
            false => {
                map.insert(X_AMZ_DATE, date);
            }
        }
        match token_value {
            Some(token) => {
                map.insert(X_AMZ_SECURITY_TOKEN, token);
            }
            None if present.token => {
                map.remove(X_AMZ_SECURITY_TOKEN);
            }
            None => {}
        }
        if let Some(hash) = content_sha256 {
            map.insert(X_AMZ_CONTENT_SHA256, hash);
        }
        if let Some(set) = region_set_value {
            map.insert(X_AMZ_REGION_SET, set);
        }
        map.insert(AUTHORIZATION, authorization);
        Ok(output)
    }

    /// Steps 1–4 for a request whose headers and query are settled, into
    /// one buffer: canonical request, string to sign, signature.
    ///
    /// `signed_headers` is the list already written into a presigned query,
    /// if any (it equals what `headers` writes).
    #[allow(clippy::too_many_arguments)]
    fn sign_parts<B>(
        &self,
        credentials: &Credentials,
        t: &Timestamp,
        req: &Request<B>,
        query: canonical::Query<'_>,
        headers: &HeaderSet<'_>,
        signed_headers: Option<&str>,
        payload_hash: &str,
    ) -> Result<SigningOutput, Error> {
        let path = req.uri().path();
        let capacity = 384 + 3 * path.len() + query.len_hint() + headers.estimated_len();
        let mut buf = String::with_capacity(capacity);
        let signed_headers = canonical::write_canonical_request(
            &mut buf,
            &canonical::Parts {
                method: req.method().as_str(),
                path,
                query,
                headers,
                signed_headers,
                payload_hash,
                uri_encoding: self.settings.uri_encoding,
                path_normalization: self.settings.path_normalization,
            },
        )?;
        let canonical_request = 0..buf.len();
        // Read once: each read checks the bytes are UTF-8.
        let amz_date = t.amz_date();
        let date = &amz_date[..8];
        let (string_to_sign, scope) = write_string_to_sign(
            &mut buf,
            self.algorithm.name(),
            amz_date,
            canonical_request.clone(),
            |out| self.write_scope(out, date),
        );
        let sts = &buf[string_to_sign.clone()];
        match &self.algorithm {
            Algorithm::HmacSha256 => {
                let signature = self.keys.with_key(
                    date,
                    credentials,
                    || self.derive_signing_key(credentials, date),
                    |key| key.sign(sts.as_bytes()),
                );
                buf.push_str(LowercaseHex::new(&signature).as_str());
            }
            #[cfg(feature = "sigv4a")]
            Algorithm::EcdsaP256(key) => {
                let signature = key.sign(credentials, sts.as_bytes())?;
                buf.push_str(&signature);
            }
        }
        let signature = string_to_sign.end..buf.len();
        Ok(SigningOutput {
            buf,
            canonical_request,
            signed_headers,
            string_to_sign,
            scope,
            signature,
        })
    }

    /// The SigV4 signing key for `credentials` on the date of `t`, from the
    /// cache shared by this signer's clones.
    pub(crate) fn signing_key(&self, credentials: &Credentials, t: &Timestamp) -> SigningKey {
        self.keys.get_or_derive(t.date(), credentials, || {
            self.derive_signing_key(credentials, t.date())
        })
    }

    /// Runs the HMAC chain for `credentials` on `date` (`YYYYMMDD`).
    fn derive_signing_key(&self, credentials: &Credentials, date: &str) -> SigningKey {
        SigningKey::derive(
            credentials.secret_access_key(),
            date,
            &self.region,
            &self.service,
        )
    }

    /// Whether this signer signs with SigV4a's ECDSA (chunk signatures are
    /// only written for SigV4's HMAC).
    pub(crate) fn is_sigv4a(&self) -> bool {
        self.region_set().is_some()
    }

    /// `AWS4-HMAC-SHA256 Credential=AKID/SCOPE, SignedHeaders=..., Signature=...`,
    /// allocated once at its exact length.
    fn authorization(
        &self,
        credentials: &Credentials,
        output: &SigningOutput,
    ) -> Result<HeaderValue, Error> {
        let parts = [
            self.algorithm.name(),
            " Credential=",
            credentials.access_key_id(),
            "/",
            output.scope(),
            ", SignedHeaders=",
            output.signed_headers(),
            ", Signature=",
            output.signature(),
        ];
        let mut value = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        parts.iter().for_each(|part| value.push_str(part));
        HeaderValue::try_from(value).map_err(|_| Error::InvalidCredentials {
            field: "access key id",
        })
    }

    /// Appends the credential scope for `date` (`YYYYMMDD`).
    fn write_scope(&self, out: &mut String, date: &str) {
        out.push_str(date);
        out.push_str(&self.scope_after_date);
    }

    fn is_unsigned(&self, name: &HeaderName) -> bool {
        self.settings.unsigned_headers.contains(name)
    }

    /// Checks the region and service, which are written into the credential
    /// scope.
    fn check_scope(&self) -> Result<(), Error> {
        match self.invalid_scope {
            Some(field) => Err(Error::InvalidScope { field }),
            None => Ok(()),
        }
    }
}

fn session_token(credentials: &Credentials) -> Result<Option<&str>, Error> {
    match credentials.session_token() {
        Some(token) if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) => {
            Err(Error::InvalidCredentials {
                field: "session token",
            })
        }
        token => Ok(token),
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Which of the headers that signing sets the request had already, noted
/// while its headers are collected.
#[derive(Default)]
struct PresentHeaders {
    host: bool,
    date: bool,
    amz_date: bool,
    content_sha256: bool,
    token: bool,
}

/// The `x-amz-content-sha256` value: the constants (an empty body's hash,
/// `UNSIGNED-PAYLOAD`) without a copy.
fn header_value_of_payload_hash(hash: &str) -> Result<HeaderValue, Error> {
    match hash {
        EMPTY_SHA256 => Ok(HeaderValue::from_static(EMPTY_SHA256)),
        UNSIGNED_PAYLOAD => Ok(HeaderValue::from_static(UNSIGNED_PAYLOAD)),
        hash => HeaderValue::try_from(hash).map_err(|_| Error::InvalidPayloadHash),
    }
}

fn header_value_of_token(token: &str) -> Result<HeaderValue, Error> {
    HeaderValue::try_from(token).map_err(|_| Error::InvalidCredentials {
        field: "session token",
    })
}

// Constructors first: rustdoc lists the impl blocks of `sources` (which
// holds `Signer::new`) and `s3` before those of `presign` and this file.
mod s3;
mod sources;

mod chunked;

mod host;
mod output;
mod presign;
mod scope;
mod unsigned;

pub(crate) use host::host_of_uri;
use host::{resolve_host, Host};
pub use output::SigningOutput;
pub use presign::MAX_PRESIGN_EXPIRY;
#[cfg(feature = "sigv4a")]
pub(crate) use presign::X_AMZ_REGION_SET_PARAM;
#[cfg(test)]
mod tests;

use sources::CredentialsSource;
use unsigned::UnsignedHeaders;
