//! [`ApiGatewaySigner`]: a [`Signer`] for API Gateway (`execute-api`) with
//! the header rules of the Python package this crate succeeds.

use std::time::{Duration, SystemTime};

use http::header::{
    HeaderName, HeaderValue, CONNECTION, CONTENT_LENGTH, EXPECT, PROXY_AUTHORIZATION, TE, TRAILER,
    TRANSFER_ENCODING, UPGRADE,
};
use http::{Method, Request};

use crate::payload::SignableBody;
use crate::provider::{Env, ProvideCredentials};
use crate::settings::{ContentSha256Header, SessionTokenMode};
use crate::signer::{DateHeader, Signer, SigningOutput};
use crate::{Credentials, Error, Payload};

/// The service name of API Gateway in credential scopes.
///
/// ```
/// let signer = http_sigv4::ApiGatewaySigner::new(
///     http_sigv4::Credentials::new("AKID", "SECRET", None::<String>),
///     "us-east-1",
/// );
/// assert_eq!(signer.signer().service(), http_sigv4::EXECUTE_API);
/// ```
pub const EXECUTE_API: &str = "execute-api";

/// Headers the API Gateway signer leaves unsigned on top of
/// [`DEFAULT_UNSIGNED_HEADERS`](crate::DEFAULT_UNSIGNED_HEADERS): hop-by-hop
/// headers and `expect`, which clients and proxies add, change or drop after
/// signing.
///
/// ```
/// use http_sigv4::API_GATEWAY_UNSIGNED_HEADERS;
/// assert!(API_GATEWAY_UNSIGNED_HEADERS.contains(&http::header::CONNECTION));
/// assert!(API_GATEWAY_UNSIGNED_HEADERS.contains(&http::header::EXPECT));
/// ```
pub const API_GATEWAY_UNSIGNED_HEADERS: [HeaderName; 7] = [
    CONNECTION,
    EXPECT,
    HeaderName::from_static("keep-alive"),
    TE,
    TRAILER,
    UPGRADE,
    PROXY_AUTHORIZATION,
];

/// Signs requests to API Gateway endpoints protected by IAM authorization.
///
/// The rules (from the Python Requests plugin this crate succeeds, with its
/// known bugs fixed):
///
/// | rule | what the signer does |
/// | --- | --- |
/// | service | `execute-api`; the path is double-encoded and normalized |
/// | payload | always the SHA-256 of the body, sent as `x-amz-content-sha256` and signed |
/// | signed headers | every header on the request, except `authorization`, `user-agent`, `x-amzn-trace-id`, `transfer-encoding`, `connection`, `expect`, `keep-alive`, `te`, `trailer`, `upgrade`, `proxy-authorization` |
/// | stale headers | a caller's `authorization`, `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` are replaced, never signed as given |
/// | temporary credentials | `x-amz-security-token` is set and signed ([`session_token_mode`](Self::session_token_mode) moves it after signing) |
/// | no `host` | derived from the URI (lowercase, port only when not the default), signed, and set on the request (HTTP/1.x) |
/// | body and no `content-length` | for methods other than GET/HEAD/OPTIONS with a non-empty body and no `transfer-encoding`: derived, set and signed; never `content-length: 0` |
/// | `date` header present | replaced by the signing time (`Sun, 30 Aug 2015 12:36:00 GMT`) and signed; no `x-amz-date` is sent |
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{ApiGatewaySigner, Credentials};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
/// let signer = ApiGatewaySigner::new(creds, "us-east-1");
///
/// let mut req = http::Request::post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets")
///     .header("content-type", "application/json")
///     .body(r#"{"name": "café", "qty": 2}"#)
///     .unwrap();
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
/// let out = signer.sign_at(&mut req, time)?;
///
/// // Expected values computed by botocore (test-vectors/api-gateway, case
/// // post_json_derived_content_length).
/// assert_eq!(req.headers()["content-length"], "27");
/// assert_eq!(out.signed_headers(), "content-length;content-type;host;x-amz-content-sha256;x-amz-date");
/// assert_eq!(out.signature(), "01999f21177d5ab0dfc68696ac16082729cf11e1a7d60d35e125c144e4b1564b");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ApiGatewaySigner {
    signer: Signer,
}

impl ApiGatewaySigner {
    /// A signer for API Gateway in `region` (e.g. `eu-west-1`).
    ///
    /// ```
    /// use http_sigv4::{ApiGatewaySigner, Credentials};
    /// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "eu-west-1");
    /// assert_eq!(signer.region(), "eu-west-1");
    /// ```
    pub fn new(credentials: Credentials, region: impl Into<String>) -> Self {
        ApiGatewaySigner::configure(Signer::new(credentials, region, EXECUTE_API))
    }

    /// A signer for API Gateway in `region` that asks `provider` for
    /// credentials each time it signs (see [`Signer::with_provider`]).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use http_sigv4::{ApiGatewaySigner, CachingProvider, Credentials, Env, EnvProvider};
    ///
    /// let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "SECRET")]);
    /// let signer = ApiGatewaySigner::with_provider(CachingProvider::new(EnvProvider::new().env(env)), "us-east-1");
    /// let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod").body(()).unwrap();
    /// signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(req.headers()["authorization"].to_str().unwrap().contains("Credential=AKIDENV/"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn with_provider(
        provider: impl ProvideCredentials + Send + Sync + 'static,
        region: impl Into<String>,
    ) -> Self {
        ApiGatewaySigner::configure(Signer::with_provider(provider, region, EXECUTE_API))
    }

    /// A signer for API Gateway with the credentials and region the AWS CLI
    /// would use: the environment's keys, else the `AWS_PROFILE` (or
    /// `default`) profile of `~/.aws/credentials` and `~/.aws/config`; the
    /// region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile. See
    /// [`Signer::from_env`].
    ///
    /// ```no_run
    /// use http_sigv4::ApiGatewaySigner;
    ///
    /// match ApiGatewaySigner::from_env() {
    ///     Ok(signer) => {
    ///         let mut req = http::Request::get("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets")
    ///             .body(())
    ///             .unwrap();
    ///         signer.sign(&mut req)?;
    ///     }
    ///     // On a machine without AWS credentials: says what to set.
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        ApiGatewaySigner::from_sources(Env::process(), None)
    }

    /// A signer for API Gateway with the credentials of `profile` in the
    /// shared files, and the region from `AWS_REGION`, `AWS_DEFAULT_REGION`
    /// or that profile. See [`Signer::from_profile`].
    ///
    /// ```
    /// use http_sigv4::ApiGatewaySigner;
    ///
    /// if let Err(e) = ApiGatewaySigner::from_profile("http-sigv4-doc-example-no-such-profile") {
    ///     // e.g. "profile `…` is in neither ~/.aws/credentials nor ~/.aws/config: add it …"
    ///     eprintln!("{e}");
    /// }
    /// ```
    pub fn from_profile(profile: &str) -> Result<Self, Error> {
        ApiGatewaySigner::from_sources(Env::process(), Some(profile))
    }

    /// [`from_env`](Self::from_env) (no `profile`) or
    /// [`from_profile`](Self::from_profile) on the environment `env`.
    pub(crate) fn from_sources(env: Env, profile: Option<&str>) -> Result<Self, Error> {
        Signer::from_sources(env, profile, EXECUTE_API).map(ApiGatewaySigner::configure)
    }

    /// Applies the API Gateway rules to a signer for `execute-api`.
    fn configure(signer: Signer) -> Self {
        let mut signer = signer
            .payload(Payload::Sha256)
            .content_sha256_header(ContentSha256Header::Signed)
            .date_header(DateHeader::DateIfPresent);
        for name in API_GATEWAY_UNSIGNED_HEADERS {
            signer = signer.unsigned_header(name);
        }
        ApiGatewaySigner { signer }
    }

    /// Where the session token of temporary credentials goes (default:
    /// set and signed, as API Gateway expects).
    ///
    /// ```
    /// use http_sigv4::{ApiGatewaySigner, Credentials, SessionTokenMode};
    /// # use std::time::SystemTime;
    /// let creds = Credentials::new("ASIAEXAMPLE", "SECRET", Some("TOKEN".to_owned()));
    /// let signer = ApiGatewaySigner::new(creds, "us-east-1")
    ///     .session_token_mode(SessionTokenMode::AddedAfterSigning);
    /// let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/").body(()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(req.headers()["x-amz-security-token"], "TOKEN");
    /// assert!(!out.signed_headers().contains("x-amz-security-token"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn session_token_mode(mut self, mode: SessionTokenMode) -> Self {
        self.signer = self.signer.session_token_mode(mode);
        self
    }

    /// Leaves one more header unsigned (see [`Signer::unsigned_header`]).
    ///
    /// ```
    /// use http_sigv4::{ApiGatewaySigner, Credentials};
    /// # use std::time::SystemTime;
    /// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1")
    ///     .unsigned_header(http::header::HeaderName::from_static("traceparent"));
    /// let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/")
    ///     .header("traceparent", "00-abc-def-01")
    ///     .body(())
    ///     .unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(out.signed_headers(), "host;x-amz-content-sha256;x-amz-date");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn unsigned_header(mut self, name: HeaderName) -> Self {
        self.signer = self.signer.unsigned_header(name);
        self
    }

    /// The region this signer signs for.
    ///
    /// ```
    /// # use http_sigv4::{ApiGatewaySigner, Credentials};
    /// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "ap-south-1");
    /// assert_eq!(signer.region(), "ap-south-1");
    /// ```
    pub fn region(&self) -> &str {
        self.signer.region()
    }

    /// The underlying generic [`Signer`] (service `execute-api`).
    ///
    /// ```
    /// # use http_sigv4::{ApiGatewaySigner, Credentials};
    /// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1");
    /// assert_eq!(signer.signer().service(), "execute-api");
    /// ```
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// Signs `req` now; see [`sign_at`](Self::sign_at).
    ///
    /// ```
    /// # use http_sigv4::{ApiGatewaySigner, Credentials};
    /// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1");
    /// let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod").body(()).unwrap();
    /// signer.sign(&mut req)?;
    /// assert!(req.headers().contains_key("x-amz-content-sha256"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign<B: SignableBody>(&self, req: &mut Request<B>) -> Result<SigningOutput, Error> {
        self.sign_at(req, SystemTime::now())
    }

    /// Signs `req` as of `time`, into its headers, with the rules in the
    /// [type's documentation](Self). On error the request is left unchanged.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{ApiGatewaySigner, Credentials};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = ApiGatewaySigner::new(creds, "us-east-1");
    /// // A `date` header is replaced by the signing time; no x-amz-date is sent.
    /// let mut req = http::Request::get("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets")
    ///     .header("date", "Mon, 01 Jan 2001 00:00:00 GMT")
    ///     .body(())
    ///     .unwrap();
    /// signer.sign_at(&mut req, UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
    /// assert_eq!(req.headers()["date"], "Sun, 30 Aug 2015 12:36:00 GMT");
    /// assert!(!req.headers().contains_key("x-amz-date"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign_at<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        self.sign_with(req, time, &Payload::Sha256)
    }

    /// [`sign_at`](Self::sign_at) with `payload` in place of the body's
    /// SHA-256 (the integrations' per-request override: a hash computed
    /// while streaming the body).
    pub(crate) fn sign_with<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: &Payload,
    ) -> Result<SigningOutput, Error> {
        let added_length = add_content_length(req);
        let result = self.signer.sign_with(req, time, payload);
        if result.is_err() && added_length {
            req.headers_mut().remove(CONTENT_LENGTH);
        }
        result
    }

    /// Presigns `req` now; see [`presign_at`](Self::presign_at).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use http_sigv4::{ApiGatewaySigner, Credentials};
    /// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1");
    /// let mut req = http::Request::get("wss://abc.execute-api.us-east-1.amazonaws.com/prod").body(()).unwrap();
    /// signer.presign(&mut req, Duration::from_secs(300))?;
    /// assert!(req.uri().query().unwrap().contains("X-Amz-Signature="));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn presign<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        expires_in: Duration,
    ) -> Result<SigningOutput, Error> {
        self.presign_at(req, expires_in, SystemTime::now())
    }

    /// A presigned URL as of `time`, valid for `expires_in` (API Gateway
    /// WebSocket APIs authorize `$connect` this way). The body's SHA-256 is
    /// signed (the empty string's for a GET), no `x-amz-content-sha256`
    /// header is sent, and the caller's headers are signed with the same
    /// exclusions as [`sign_at`](Self::sign_at). On error the request is left
    /// unchanged.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{ApiGatewaySigner, Credentials};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = ApiGatewaySigner::new(creds, "us-east-1");
    /// let mut req = http::Request::get("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets").body(()).unwrap();
    /// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let out = signer.presign_at(&mut req, Duration::from_secs(900), time)?;
    /// // Computed by botocore (test-vectors/api-gateway, case presign_get).
    /// assert_eq!(out.signature(), "0a861384903ec7ccc21c98969d38ef25dda7cc4a594684ad83284e15674965c1");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn presign_at<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        expires_in: Duration,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        let added_length = add_content_length(req);
        let result = self.signer.presign_at(req, expires_in, time);
        if result.is_err() && added_length {
            req.headers_mut().remove(CONTENT_LENGTH);
        }
        result
    }
}

/// Sets `content-length` for a method other than GET, HEAD or OPTIONS with a
/// non-empty, readable body, when the request has neither `content-length`
/// nor `transfer-encoding` (the two must not appear together). Returns
/// whether it added the header.
fn add_content_length<B: SignableBody>(req: &mut Request<B>) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.headers().contains_key(CONTENT_LENGTH)
        || req.headers().contains_key(TRANSFER_ENCODING)
    {
        return false;
    }
    let length = req.body().body_bytes().map_or(0, <[u8]>::len);
    if length == 0 {
        return false;
    }
    req.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(length));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn length_after(
        method: Method,
        body: &'static str,
        headers: &[(&str, &str)],
    ) -> Option<String> {
        let mut b = Request::builder().method(method).uri("https://h/");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(body).unwrap();
        add_content_length(&mut req);
        req.headers()
            .get(CONTENT_LENGTH)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn content_length_rule() {
        assert_eq!(
            length_after(Method::POST, "hello", &[]),
            Some("5".to_owned())
        );
        assert_eq!(
            length_after(Method::PUT, "", &[]),
            None,
            "never content-length: 0"
        );
        assert_eq!(length_after(Method::GET, "body", &[]), None);
        assert_eq!(length_after(Method::HEAD, "body", &[]), None);
        assert_eq!(length_after(Method::OPTIONS, "body", &[]), None);
        assert_eq!(
            length_after(Method::POST, "hello", &[("content-length", "5")]),
            Some("5".to_owned())
        );
        assert_eq!(
            length_after(Method::POST, "hello", &[("transfer-encoding", "chunked")]),
            None
        );
        assert_eq!(length_after(Method::DELETE, "x", &[]), Some("1".to_owned()));
    }
}
