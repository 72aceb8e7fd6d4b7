//! Presigned URLs: the signature in the query string instead of the
//! `Authorization` header.

use std::cell::Cell;
use std::ops::Range;
use std::time::{Duration, SystemTime};

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use http::uri::{PathAndQuery, Uri};
use http::Request;

use super::{
    resolve_host, session_token, Host, Signer, SigningOutput, X_AMZ_CONTENT_SHA256, X_AMZ_DATE,
    X_AMZ_REGION_SET, X_AMZ_SECURITY_TOKEN,
};
use crate::canonical::query::{encode_pairs, push_encoded};
use crate::canonical::{HeaderSet, Query};
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
        let host = resolve_host(req, req.headers().contains_key(HOST))?;
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
        // Whether the request has a header this removes (most have none,
        // and then no removal needs a lookup).
        let stale = Cell::new(false);
        let mut headers = HeaderSet::from_request(req.headers(), |name| {
            let skip = replaced(name) || self.is_unsigned(name);
            if skip && (*name == AUTHORIZATION || replaced(name)) {
                stale.set(true);
            }
            skip
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

        // The caller's parameters, minus those the signer owns, canonically
        // encoded into `scratch`; then the signed-headers list and the
        // scope as they are.
        let raw_query = req.uri().query().unwrap_or("");
        let owned = |name: &str| {
            PRESIGN_PARAMS.contains(&name)
                || (region_set.is_some() && name == X_AMZ_REGION_SET_PARAM)
        };
        let mut scratch = String::with_capacity(2 * raw_query.len() + 192);
        let pairs = encode_pairs(&mut scratch, raw_query, |name| !owned(name));
        let signed_headers = push_range(&mut scratch, |out| headers.write_signed_headers(out));
        let scope = push_range(&mut scratch, |out| self.write_scope(out, t.date()));

        // The path and query as they will be sent, written once: the
        // caller's pieces as they were, then the signer's parameters, each
        // value percent-encoded once (the form the canonical query holds
        // too, so they are not canonicalized again).
        let path = match req.uri().path() {
            "" => "/",
            path => path,
        };
        let mut target =
            String::with_capacity(path.len() + raw_query.len() + 2 * scratch.len() + 320);
        target.push_str(path);
        target.push('?');
        for piece in raw_query.split('&') {
            let name = piece.split_once('=').map_or(piece, |(name, _)| name);
            if !piece.is_empty() && !owned(name) {
                target.push_str(piece);
                target.push('&');
            }
        }
        let mut own = OwnParams::default();
        own.push(&mut target, X_AMZ_ALGORITHM_PARAM, |out| {
            push_encoded(out, self.algorithm.name())
        });
        own.push(&mut target, X_AMZ_CREDENTIAL_PARAM, |out| {
            push_encoded(out, credentials.access_key_id());
            out.push_str("%2F");
            push_encoded(out, &scratch[scope.clone()]);
        });
        own.push(&mut target, X_AMZ_DATE_PARAM, |out| {
            push_encoded(out, t.amz_date())
        });
        own.push(&mut target, X_AMZ_EXPIRES_PARAM, |out| {
            // Digits only: nothing to encode.
            push_decimal(out, expires_in.as_secs())
        });
        own.push(&mut target, X_AMZ_SIGNED_HEADERS_PARAM, |out| {
            push_encoded(out, &scratch[signed_headers.clone()])
        });
        if let (Some(token), SessionTokenMode::Signed) = (token, self.settings.session_token) {
            own.push(&mut target, X_AMZ_SECURITY_TOKEN_PARAM, |out| {
                push_encoded(out, token)
            });
        }
        if let Some(set) = region_set {
            own.push(&mut target, X_AMZ_REGION_SET_PARAM, |out| {
                push_encoded(out, set)
            });
        }

        let own_pairs = own.sorted(&target);
        let output = self.sign_parts(
            &credentials,
            &t,
            req,
            Query::Merged {
                scratch: &scratch,
                pairs: &pairs,
                own: own_pairs.as_slice(),
            },
            &headers,
            Some(&scratch[signed_headers]),
            payload_hash.as_str(),
        )?;
        let mut own = OwnParams::default();
        if let (Some(token), SessionTokenMode::AddedAfterSigning) =
            (token, self.settings.session_token)
        {
            own.push(&mut target, X_AMZ_SECURITY_TOKEN_PARAM, |out| {
                push_encoded(out, token)
            });
        }
        own.push(&mut target, X_AMZ_SIGNATURE_PARAM, |out| {
            out.push_str(output.signature())
        });
        let path_and_query = PathAndQuery::try_from(target).map_err(|_| Error::InvalidUri)?;
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = Some(path_and_query);
        let uri = Uri::from_parts(parts).map_err(|_| Error::InvalidUri)?;

        // Nothing below can fail: the request changes only on success.
        *req.uri_mut() = uri;
        let map = req.headers_mut();
        if stale.get() {
            map.remove(AUTHORIZATION);
            map.remove(X_AMZ_DATE);
            map.remove(X_AMZ_SECURITY_TOKEN);
            map.remove(X_AMZ_CONTENT_SHA256);
            if region_set.is_some() {
                map.remove(X_AMZ_REGION_SET);
            }
        }
        if let Some(hash) = content_sha256 {
            map.insert(X_AMZ_CONTENT_SHA256, hash);
        }
        if let Host::Derived { value, send: true } = host {
            map.insert(HOST, value);
        }
        Ok(output)
    }
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // ASCII digits.
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

/// Appends what `write` writes to `out`; returns where it went.
fn push_range(out: &mut String, write: impl FnOnce(&mut String)) -> Range<usize> {
    let start = out.len();
    write(out);
    start..out.len()
}

/// The signer's own query parameters, as ranges of their values in the
/// query being written, by their place in sorted order.
#[derive(Default)]
struct OwnParams {
    params: [Option<Range<usize>>; SORTED_PARAMS.len()],
}

/// Every parameter the signer writes, sorted by name (byte order), so that
/// they need no sorting per URL.
const SORTED_PARAMS: [&str; 8] = [
    X_AMZ_ALGORITHM_PARAM,
    X_AMZ_CREDENTIAL_PARAM,
    X_AMZ_DATE_PARAM,
    X_AMZ_EXPIRES_PARAM,
    X_AMZ_REGION_SET_PARAM,
    X_AMZ_SECURITY_TOKEN_PARAM,
    X_AMZ_SIGNATURE_PARAM,
    X_AMZ_SIGNED_HEADERS_PARAM,
];

impl OwnParams {
    /// Appends `&name=` and the value `write` writes (already encoded) to
    /// `query`, and remembers it; `name` is one of [`SORTED_PARAMS`].
    fn push(&mut self, query: &mut String, name: &'static str, write: impl FnOnce(&mut String)) {
        if !query.ends_with(['?', '&']) {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        let value = push_range(query, write);
        if let Some(place) = SORTED_PARAMS.iter().position(|known| *known == name) {
            self.params[place] = Some(value);
        }
    }

    /// The parameters as `(name, value)`, sorted by name (names are
    /// distinct and unreserved, so already canonical).
    fn sorted<'a>(&self, query: &'a str) -> SortedParams<'a> {
        let mut out = SortedParams {
            pairs: [("", ""); SORTED_PARAMS.len()],
            len: 0,
        };
        for (name, value) in SORTED_PARAMS.iter().zip(&self.params) {
            if let Some(value) = value {
                out.pairs[out.len] = (name, &query[value.clone()]);
                out.len += 1;
            }
        }
        out
    }
}

struct SortedParams<'a> {
    pairs: [(&'a str, &'a str); SORTED_PARAMS.len()],
    len: usize,
}

impl<'a> SortedParams<'a> {
    fn as_slice(&self) -> &[(&'a str, &'a str)] {
        &self.pairs[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_params_are_sorted_and_complete() {
        assert!(SORTED_PARAMS.windows(2).all(|w| w[0] < w[1]));
        for name in PRESIGN_PARAMS.iter().chain([&X_AMZ_REGION_SET_PARAM]) {
            assert!(SORTED_PARAMS.contains(name), "{name}");
        }
    }

    #[test]
    fn decimal() {
        for n in [0, 1, 9, 10, 900, 604_800, u64::MAX] {
            let mut out = String::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
