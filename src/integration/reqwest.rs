//! [`SignReqwest`]: signing a `reqwest::Request` (feature `reqwest`).
//!
//! reqwest sends the request target of `url.as_str()` parsed as an
//! `http::Uri` (its path and query exactly as the `Url` holds them), the
//! request's headers, and its body. The signature is computed over exactly
//! that: the same `http::Uri`, the same headers, the body's bytes. The URL
//! is never re-parsed or re-encoded, and header signing leaves it as it is.

use std::time::SystemTime;

use http::{HeaderMap, Request};

use super::{RequestSigner, SignWith};
use crate::{ApiGatewaySigner, Error, Payload, SignableBody, Signer, SigningOutput};

/// Signs a [`reqwest::Request`] built by hand, just before
/// [`Client::execute`](reqwest::Client::execute). Implemented by
/// [`Signer`], [`ApiGatewaySigner`], `SigV4aSigner` and [`RequestSigner`].
///
/// The body must be in memory (`String`, `Vec<u8>`, `Bytes`, `&'static
/// str`, JSON or form bodies); a streaming body (`Body::wrap_stream`,
/// `Body::wrap`) is an [`Error::UnhashableBody`], unless the signer signs
/// `UNSIGNED-PAYLOAD` or a precomputed hash ([`Signer::payload`]).
///
/// A retry signs the same request again: the earlier `authorization`,
/// `x-amz-date` and `x-amz-security-token` are replaced.
///
/// ```
/// use http_sigv4::{ApiGatewaySigner, Credentials, SignReqwest};
///
/// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1");
/// let client = reqwest::Client::builder().no_proxy().build()?;
/// let mut req = client
///     .post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets")
///     .header("content-type", "application/json")
///     .body(r#"{"name":"Rex"}"#)
///     .build()?;
/// signer.sign_reqwest(&mut req)?;
/// // Then: client.execute(req).await
/// assert_eq!(req.headers()["host"], "abc123.execute-api.us-east-1.amazonaws.com");
/// assert_eq!(req.headers()["content-length"], "14");
/// assert!(req.headers().contains_key("authorization"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub trait SignReqwest {
    /// Signs `req` now, into its headers; see
    /// [`sign_reqwest_at`](Self::sign_reqwest_at).
    ///
    /// ```
    /// use http_sigv4::{Credentials, SignReqwest, Signer};
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "sts");
    /// let mut req = reqwest::Request::new(
    ///     reqwest::Method::GET,
    ///     "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15".parse()?,
    /// );
    /// signer.sign_reqwest(&mut req)?;
    /// assert!(req.headers().contains_key("x-amz-date"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn sign_reqwest(&self, req: &mut reqwest::Request) -> Result<SigningOutput, Error> {
        self.sign_reqwest_at(req, SystemTime::now())
    }

    /// Signs `req` as of `time`, into its headers, as the signer's `sign_at`
    /// does for an `http::Request` (its method, URL, version, headers and
    /// body). On error the request is left unchanged.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{Credentials, SignReqwest, Signer};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = Signer::new(creds, "us-east-1", "service");
    /// // The AWS test suite's get-vanilla, as a reqwest request.
    /// let mut req = reqwest::Request::new(reqwest::Method::GET, "https://example.amazonaws.com/".parse()?);
    /// let out = signer.sign_reqwest_at(&mut req, UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
    /// assert_eq!(out.signature(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn sign_reqwest_at(
        &self,
        req: &mut reqwest::Request,
        time: SystemTime,
    ) -> Result<SigningOutput, Error>;
}

macro_rules! sign_reqwest_for {
    ($($signer:ty),*) => {$(
        impl SignReqwest for $signer {
            fn sign_reqwest_at(
                &self,
                req: &mut reqwest::Request,
                time: SystemTime,
            ) -> Result<SigningOutput, Error> {
                sign(self, req, time, None)
            }
        }
    )*};
}

sign_reqwest_for!(Signer, ApiGatewaySigner, RequestSigner);
#[cfg(feature = "sigv4a")]
sign_reqwest_for!(crate::SigV4aSigner);

/// A reqwest body as the signer sees it: its bytes, or `None` for a stream.
struct ReqwestBody<'a>(Option<&'a [u8]>);

impl SignableBody for ReqwestBody<'_> {
    fn body_bytes(&self) -> Option<&[u8]> {
        self.0
    }
}

/// Signs `req` with `signer` as of `time`; `payload` overrides the
/// signer's payload setting. The headers move into an `http::Request` view
/// of `req` and back, signed or (on error) untouched.
pub(crate) fn sign(
    signer: &impl SignWith,
    req: &mut reqwest::Request,
    time: SystemTime,
    payload: Option<&Payload>,
) -> Result<SigningOutput, Error> {
    // What reqwest itself sends (`Url::as_str`, parsed as an `http::Uri`).
    let uri: http::Uri = req.url().as_str().parse().map_err(|_| Error::InvalidUri)?;
    let headers = std::mem::take(req.headers_mut());
    let body = match req.body() {
        None => Some(&[][..]),
        Some(body) => body.as_bytes(),
    };
    let mut view = Request::new(ReqwestBody(body));
    *view.method_mut() = req.method().clone();
    *view.uri_mut() = uri;
    *view.version_mut() = req.version();
    *view.headers_mut() = headers;
    let result = signer.sign_with(&mut view, time, payload);
    let headers: HeaderMap = std::mem::take(view.headers_mut());
    *req.headers_mut() = headers;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Credentials, Verifier};

    fn creds() -> Credentials {
        Credentials::new("AKID", "SECRET", None::<String>)
    }

    /// The `http::Request` reqwest would send for `req` (URL as reqwest
    /// parses it, headers, body bytes).
    fn as_sent(req: &reqwest::Request) -> Request<Vec<u8>> {
        let mut wire = Request::new(
            req.body()
                .and_then(|b| b.as_bytes())
                .unwrap_or_default()
                .to_vec(),
        );
        *wire.method_mut() = req.method().clone();
        *wire.uri_mut() = req.url().as_str().parse().unwrap();
        *wire.headers_mut() = req.headers().clone();
        wire
    }

    fn verifier(service: &str) -> Verifier<impl Fn(&str) -> Option<Credentials>> {
        Verifier::new(|_: &str| Some(creds()), "us-east-1", service)
    }

    #[test]
    fn signs_what_reqwest_sends_including_the_urls_own_encoding() {
        // `url` rewrites this URL when parsing it (dot segments removed, a
        // space and `"` percent-encoded, the host lowercased): the signature
        // must cover what it became, which is what goes on the wire.
        let url = reqwest::Url::parse("https://Example.com/a/./b/../c d/%2F?q=a b&x=\"y\"&p=1+2")
            .unwrap();
        assert_eq!(url.path(), "/a/c%20d/%2F");
        let mut req = reqwest::Request::new(reqwest::Method::GET, url);
        let signer = Signer::new(creds(), "us-east-1", "service");
        let out = signer.sign_reqwest(&mut req).unwrap();
        assert!(
            out.canonical_request()
                .starts_with("GET\n/a/c%2520d/%252F\n"),
            "{}",
            out.canonical_request()
        );
        assert_eq!(req.headers()["host"], "example.com");
        verifier("service").verify(&as_sent(&req)).unwrap();
    }

    #[test]
    fn a_fragment_is_not_signed_and_raw_query_characters_are_encoded_for_signing() {
        let signer = Signer::new(creds(), "us-east-1", "service");
        let url = reqwest::Url::parse("https://h.example/p?q=1#section").unwrap();
        let mut req = reqwest::Request::new(reqwest::Method::GET, url);
        let out = signer.sign_reqwest(&mut req).unwrap();
        assert!(out.canonical_request().starts_with("GET\n/p\nq=1\n"));
        verifier("service").verify(&as_sent(&req)).unwrap();

        // `url` leaves `{`, `}` and `|` raw in a query, and so does the
        // request line: they are signed percent-encoded, as AWS does.
        let url = reqwest::Url::parse("https://h.example/a?q={x}|y").unwrap();
        assert_eq!(url.query(), Some("q={x}|y"));
        let mut req = reqwest::Request::new(reqwest::Method::GET, url);
        let out = signer.sign_reqwest(&mut req).unwrap();
        assert!(out
            .canonical_request()
            .starts_with("GET\n/a\nq=%7Bx%7D%7Cy\n"));
        verifier("service").verify(&as_sent(&req)).unwrap();
    }

    #[test]
    fn a_bytes_body_is_hashed_and_a_stream_is_refused() {
        let signer = ApiGatewaySigner::new(creds(), "us-east-1");
        let url: reqwest::Url = "https://h.example/pets".parse().unwrap();
        let mut req = reqwest::Request::new(reqwest::Method::POST, url.clone());
        *req.body_mut() = Some(reqwest::Body::from("{\"a\":1}"));
        signer.sign_reqwest(&mut req).unwrap();
        assert_eq!(req.headers()["content-length"], "7");
        verifier("execute-api").verify(&as_sent(&req)).unwrap();

        let stream = http_body_util::Full::new(bytes::Bytes::from_static(b"{}"));
        let mut req = reqwest::Request::new(reqwest::Method::POST, url);
        *req.body_mut() = Some(reqwest::Body::wrap(stream));
        req.headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        let before = req.headers().clone();
        assert_eq!(signer.sign_reqwest(&mut req), Err(Error::UnhashableBody));
        assert_eq!(*req.headers(), before, "unchanged on error");

        let unsigned = Signer::new(creds(), "us-east-1", "s3").payload(Payload::Unsigned);
        let out = unsigned.sign_reqwest(&mut req).unwrap();
        assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
    }

    #[test]
    fn re_signing_replaces_the_earlier_signature() {
        let signer = Signer::new(creds(), "us-east-1", "service");
        let mut req =
            reqwest::Request::new(reqwest::Method::GET, "https://h.example/".parse().unwrap());
        signer
            .sign_reqwest_at(&mut req, SystemTime::UNIX_EPOCH)
            .unwrap();
        let first = req.headers()["authorization"].clone();
        signer.sign_reqwest(&mut req).unwrap();
        assert_eq!(req.headers().get_all("authorization").iter().count(), 1);
        assert_ne!(req.headers()["authorization"], first);
        verifier("service").verify(&as_sent(&req)).unwrap();
    }
}
