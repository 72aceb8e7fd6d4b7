//! Presigned URLs: the signature in the query string instead of the
//! `Authorization` header.

use std::time::{Duration, SystemTime};

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use http::uri::{PathAndQuery, Uri};
use http::Request;

use super::{
    resolve_host, session_token, Host, Signer, SigningOutput, X_AMZ_CONTENT_SHA256, X_AMZ_DATE,
    X_AMZ_REGION_SET, X_AMZ_SECURITY_TOKEN,
};
use crate::canonical::{HeaderSet, SIGV4_UNRESERVED};
use crate::payload::SignableBody;
use crate::settings::{ContentSha256Header, SessionTokenMode};
use crate::timestamp::Timestamp;
use crate::Error;

/// The query parameters a presigned URL carries, in the order they are
/// appended.
const X_AMZ_ALGORITHM_PARAM: &str = "X-Amz-Algorithm";
const X_AMZ_CREDENTIAL_PARAM: &str = "X-Amz-Credential";
const X_AMZ_DATE_PARAM: &str = "X-Amz-Date";
const X_AMZ_EXPIRES_PARAM: &str = "X-Amz-Expires";
const X_AMZ_SIGNED_HEADERS_PARAM: &str = "X-Amz-SignedHeaders";
const X_AMZ_SECURITY_TOKEN_PARAM: &str = "X-Amz-Security-Token";
const X_AMZ_SIGNATURE_PARAM: &str = "X-Amz-Signature";
/// SigV4a only.
pub(crate) const X_AMZ_REGION_SET_PARAM: &str = "X-Amz-Region-Set";
const PRESIGN_PARAMS: [&str; 7] = [
    X_AMZ_ALGORITHM_PARAM,
    X_AMZ_CREDENTIAL_PARAM,
    X_AMZ_DATE_PARAM,
    X_AMZ_EXPIRES_PARAM,
    X_AMZ_SIGNED_HEADERS_PARAM,
    X_AMZ_SECURITY_TOKEN_PARAM,
    X_AMZ_SIGNATURE_PARAM,
];

/// The longest expiry SigV4 allows for a presigned URL: seven days.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use http_sigv4::{Credentials, Error, Signer, MAX_PRESIGN_EXPIRY};
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
/// let mut req = http::Request::get("https://h/key").body(()).unwrap();
/// let too_long = MAX_PRESIGN_EXPIRY + Duration::from_secs(1);
/// assert_eq!(
///     signer.presign_at(&mut req, too_long, SystemTime::UNIX_EPOCH),
///     Err(Error::InvalidExpiry { requested: too_long })
/// );
/// assert!(signer.presign_at(&mut req, MAX_PRESIGN_EXPIRY, SystemTime::UNIX_EPOCH).is_ok());
/// ```
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

impl Signer {
    /// Presigns `req` now; see [`presign_at`](Self::presign_at).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use http_sigv4::{Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
    /// let mut req = http::Request::get("https://example.amazonaws.com/file").body(()).unwrap();
    /// signer.presign(&mut req, Duration::from_secs(900))?;
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

    /// Signs `req` as of `time` into its query string (a presigned URL),
    /// valid for `expires_in` (1 second to 7 days, whole seconds).
    ///
    /// Adds `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
    /// `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Security-Token`
    /// (temporary credentials) and `X-Amz-Signature` to the URI, replacing
    /// any earlier ones. The headers on the request (at least `host`, set as
    /// in [`sign_at`](Self::sign_at)) are signed: whoever uses the URL must
    /// send them too. The body is hashed as for header signing (the empty
    /// string's hash for a GET), except that an S3 signer ([`Signer::s3`])
    /// signs `UNSIGNED-PAYLOAD`, as S3 expects; no `x-amz-content-sha256`
    /// header is added.
    /// A stale `authorization`, `x-amz-date` or `x-amz-security-token`
    /// header is removed (and `x-amz-content-sha256` with
    /// [`ContentSha256Header::Signed`]; without it, a caller's own
    /// `x-amz-content-sha256` stays but carries the payload hash signed).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, Signer};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = Signer::new(creds, "us-east-1", "service");
    /// // AWS suite case get-vanilla, query form.
    /// let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
    /// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let out = signer.presign_at(&mut req, Duration::from_secs(3600), time)?;
    /// assert_eq!(out.signature(), "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
    /// assert!(req.uri().to_string().ends_with(&format!("&X-Amz-Signature={}", out.signature())));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn presign_at<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        expires_in: Duration,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        if expires_in < Duration::from_secs(1) || expires_in > MAX_PRESIGN_EXPIRY {
            return Err(Error::InvalidExpiry {
                requested: expires_in,
            });
        }
        let t = Timestamp::new(time)?;
        self.check_scope()?;
        let payload_hash = self
            .presign_payload_setting()
            .hash_for(req.body().body_bytes())?;
        let host = resolve_host(req)?;
        let credentials = self.current_credentials()?;
        let token = session_token(&credentials)?;

        // The signer owns these; a caller's (or an earlier signature's) are
        // dropped rather than signed.
        let owns_content_sha256 = self.settings.content_sha256 == ContentSha256Header::Signed;
        // Without that setting, a caller's own header stays, but carries the
        // payload hash this signature ends with (servers read it from there).
        let keeps_content_sha256 =
            !owns_content_sha256 && req.headers().contains_key(X_AMZ_CONTENT_SHA256);
        let region_set = self.region_set();
        let replaced = |name: &HeaderName| {
            *name == X_AMZ_DATE
                || *name == X_AMZ_SECURITY_TOKEN
                || *name == X_AMZ_CONTENT_SHA256
                || (region_set.is_some() && *name == X_AMZ_REGION_SET)
        };
        let mut headers = HeaderSet::from_request(req.headers(), |name| {
            replaced(name) || self.is_unsigned(name)
        });
        if let Host::Derived { value, .. } = &host {
            headers.add("host", value.to_str().map_err(|_| Error::InvalidHost)?);
        }
        if keeps_content_sha256 && !self.is_unsigned(&X_AMZ_CONTENT_SHA256) {
            headers.add("x-amz-content-sha256", payload_hash.as_str());
        }
        let content_sha256 = match keeps_content_sha256 {
            true => Some(
                HeaderValue::try_from(payload_hash.as_str())
                    .map_err(|_| Error::InvalidPayloadHash)?,
            ),
            false => None,
        };
        headers.sort();
        let mut signed_headers = String::new();
        headers.write_signed_headers(&mut signed_headers);
        let mut scope = String::with_capacity(64);
        self.write_scope(&mut scope, &t);

        // The query as it will be sent, minus the signature (and minus a
        // token added after signing).
        let mut query = String::new();
        for piece in req.uri().query().unwrap_or("").split('&') {
            let name = piece.split_once('=').map_or(piece, |(name, _)| name);
            let owned = PRESIGN_PARAMS.contains(&name)
                || (region_set.is_some() && name == X_AMZ_REGION_SET_PARAM);
            if !piece.is_empty() && !owned {
                query.push_str(piece);
                query.push('&');
            }
        }
        let credential = format!("{}/{scope}", credentials.access_key_id());
        let expires = expires_in.as_secs().to_string();
        let mut params = vec![
            (X_AMZ_ALGORITHM_PARAM, self.algorithm.name()),
            (X_AMZ_CREDENTIAL_PARAM, credential.as_str()),
            (X_AMZ_DATE_PARAM, t.amz_date()),
            (X_AMZ_EXPIRES_PARAM, expires.as_str()),
            (X_AMZ_SIGNED_HEADERS_PARAM, signed_headers.as_str()),
        ];
        if let (Some(token), SessionTokenMode::Signed) = (token, self.settings.session_token) {
            params.push((X_AMZ_SECURITY_TOKEN_PARAM, token));
        }
        if let Some(set) = region_set {
            params.push((X_AMZ_REGION_SET_PARAM, set));
        }
        push_params(&mut query, &params);

        let output = self.sign_parts(
            &credentials,
            &t,
            req,
            &query,
            &headers,
            Some(&signed_headers),
            payload_hash.as_str(),
        )?;
        if let (Some(token), SessionTokenMode::AddedAfterSigning) =
            (token, self.settings.session_token)
        {
            push_params(&mut query, &[(X_AMZ_SECURITY_TOKEN_PARAM, token)]);
        }
        push_params(&mut query, &[(X_AMZ_SIGNATURE_PARAM, output.signature())]);
        let path = match req.uri().path() {
            "" => "/",
            path => path,
        };
        let path_and_query =
            PathAndQuery::try_from(format!("{path}?{query}")).map_err(|_| Error::InvalidUri)?;
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = Some(path_and_query);
        let uri = Uri::from_parts(parts).map_err(|_| Error::InvalidUri)?;

        // Nothing below can fail: the request changes only on success.
        *req.uri_mut() = uri;
        let map = req.headers_mut();
        map.remove(AUTHORIZATION);
        map.remove(X_AMZ_DATE);
        map.remove(X_AMZ_SECURITY_TOKEN);
        match content_sha256 {
            Some(hash) => map.insert(X_AMZ_CONTENT_SHA256, hash),
            None => map.remove(X_AMZ_CONTENT_SHA256),
        };
        if region_set.is_some() {
            map.remove(X_AMZ_REGION_SET);
        }
        if let Host::Derived { value, send: true } = host {
            map.insert(HOST, value);
        }
        Ok(output)
    }
}

/// Appends `name=value` pairs to a query, percent-encoding each value as
/// it is (a `+` in a session token becomes `%2B`).
fn push_params(query: &mut String, params: &[(&str, &str)]) {
    for (name, value) in params {
        if !query.is_empty() && !query.ends_with('&') {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.extend(percent_encoding::percent_encode(
            value.as_bytes(),
            SIGV4_UNRESERVED,
        ));
    }
}
