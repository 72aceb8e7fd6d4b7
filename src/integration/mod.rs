//! What the client integrations share: [`RequestSigner`], which is any of
//! the crate's header signers, and the per-request payload override.
//!
//! Each integration is one module behind its own feature:
//!
//! | feature | module | what it adds |
//! | --- | --- | --- |
//! | `tower` | `tower` | [`SigningLayer`](crate::SigningLayer) → [`Signing<S>`](crate::Signing), for hyper-util's client and any tower stack |
//! | `reqwest` | `reqwest` | [`SignReqwest`](crate::SignReqwest): `signer.sign_reqwest(&mut req)` |
//! | `reqwest-middleware` | `reqwest_middleware` | [`SigningMiddleware`](crate::SigningMiddleware) |
//!
//! ureq 3 and hyper 1 send `http::Request`s: sign them as they are (see
//! `examples/client_ureq.rs` and `examples/client_hyper.rs`).

use std::time::SystemTime;

use http::Request;

use crate::{ApiGatewaySigner, Error, Payload, SignableBody, Signer, SigningOutput};

#[cfg(feature = "reqwest")]
pub(crate) mod reqwest;
#[cfg(feature = "reqwest-middleware")]
pub(crate) mod reqwest_middleware;
#[cfg(feature = "tower")]
pub(crate) mod tower;

/// Any signer of this crate that signs into headers: a [`Signer`], an
/// [`ApiGatewaySigner`], or (feature `sigv4a`) a `SigV4aSigner`. The
/// integrations take `impl Into<RequestSigner>`, so pass the signer itself.
///
/// Its credentials are asked for at each request: a signer built with
/// [`Signer::with_provider`] (or `from_env`, `from_profile`) picks up
/// rotated and refreshed credentials in a long-running client.
///
/// In a tower stack or a reqwest-middleware client, a [`Payload`] in the
/// request's extensions replaces the signer's payload setting for that
/// request: `Payload::Precomputed(hash)` for a body hashed while it was
/// produced, or `Payload::Unsigned` where the service allows it; the body
/// is then sent without being read.
///
/// ```
/// use http_sigv4::{ApiGatewaySigner, Credentials, RequestSigner, Signer};
///
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let s3: RequestSigner = Signer::new(creds.clone(), "us-east-1", "s3").into();
/// let apigw = RequestSigner::from(ApiGatewaySigner::new(creds, "eu-west-1"));
/// assert!(format!("{s3:?}").contains("s3"));
/// assert!(format!("{apigw:?}").contains("execute-api"));
/// ```
#[cfg_attr(docsrs, doc(cfg(any(feature = "tower", feature = "reqwest"))))]
#[derive(Clone, Debug)]
pub struct RequestSigner(Kind);

#[derive(Clone, Debug)]
enum Kind {
    /// A `Signer`, or the `Signer` inside a `SigV4aSigner`.
    Generic(Signer),
    ApiGateway(ApiGatewaySigner),
}

impl From<Signer> for RequestSigner {
    fn from(signer: Signer) -> Self {
        RequestSigner(Kind::Generic(signer))
    }
}

impl From<ApiGatewaySigner> for RequestSigner {
    fn from(signer: ApiGatewaySigner) -> Self {
        RequestSigner(Kind::ApiGateway(signer))
    }
}

#[cfg(feature = "sigv4a")]
impl From<crate::SigV4aSigner> for RequestSigner {
    fn from(signer: crate::SigV4aSigner) -> Self {
        RequestSigner(Kind::Generic(signer.inner().clone()))
    }
}

/// Signing into headers with an optional per-request payload, for the
/// integrations.
pub(crate) trait SignWith {
    /// Signs `req` as of `time`; `payload` replaces the signer's payload
    /// setting when given.
    fn sign_with<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: Option<&Payload>,
    ) -> Result<SigningOutput, Error>;

    /// Whether signing with `payload` (or the signer's setting) hashes the
    /// body, so that the body must be read first (the tower layer's
    /// question; reqwest's bodies are in memory or refused).
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    fn reads_body(&self, payload: Option<&Payload>) -> bool;
}

impl SignWith for Signer {
    fn sign_with<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: Option<&Payload>,
    ) -> Result<SigningOutput, Error> {
        Signer::sign_with(self, req, time, payload.unwrap_or(self.payload_setting()))
    }

    fn reads_body(&self, payload: Option<&Payload>) -> bool {
        *payload.unwrap_or(self.payload_setting()) == Payload::Sha256
    }
}

impl SignWith for ApiGatewaySigner {
    fn sign_with<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: Option<&Payload>,
    ) -> Result<SigningOutput, Error> {
        ApiGatewaySigner::sign_with(self, req, time, payload.unwrap_or(&Payload::Sha256))
    }

    fn reads_body(&self, payload: Option<&Payload>) -> bool {
        payload.is_none_or(|p| *p == Payload::Sha256)
    }
}

#[cfg(feature = "sigv4a")]
impl SignWith for crate::SigV4aSigner {
    fn sign_with<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: Option<&Payload>,
    ) -> Result<SigningOutput, Error> {
        SignWith::sign_with(self.inner(), req, time, payload)
    }

    fn reads_body(&self, payload: Option<&Payload>) -> bool {
        self.inner().reads_body(payload)
    }
}

impl SignWith for RequestSigner {
    fn sign_with<B: SignableBody>(
        &self,
        req: &mut Request<B>,
        time: SystemTime,
        payload: Option<&Payload>,
    ) -> Result<SigningOutput, Error> {
        match &self.0 {
            Kind::Generic(signer) => SignWith::sign_with(signer, req, time, payload),
            Kind::ApiGateway(signer) => SignWith::sign_with(signer, req, time, payload),
        }
    }

    fn reads_body(&self, payload: Option<&Payload>) -> bool {
        match &self.0 {
            Kind::Generic(signer) => signer.reads_body(payload),
            Kind::ApiGateway(signer) => signer.reads_body(payload),
        }
    }
}

/// A body that is not read: signing it with a hash of the body is an
/// [`Error::UnhashableBody`].
#[cfg_attr(not(feature = "tower"), allow(dead_code))]
pub(crate) struct Unread;

impl SignableBody for Unread {
    fn body_bytes(&self) -> Option<&[u8]> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;

    fn creds() -> Credentials {
        Credentials::new("AKID", "SECRET", None::<String>)
    }

    #[test]
    fn which_signers_read_the_body() {
        let plain = RequestSigner::from(Signer::new(creds(), "us-east-1", "service"));
        let unsigned =
            RequestSigner::from(Signer::new(creds(), "us-east-1", "s3").payload(Payload::Unsigned));
        let apigw = RequestSigner::from(ApiGatewaySigner::new(creds(), "us-east-1"));
        let hash = Payload::Precomputed(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
        );
        assert!(plain.reads_body(None));
        assert!(!plain.reads_body(Some(&Payload::Unsigned)));
        assert!(!unsigned.reads_body(None));
        assert!(unsigned.reads_body(Some(&Payload::Sha256)));
        assert!(apigw.reads_body(None));
        assert!(!apigw.reads_body(Some(&hash)));
    }

    #[test]
    fn a_payload_override_is_signed_instead_of_the_setting() {
        let signer = RequestSigner::from(ApiGatewaySigner::new(creds(), "us-east-1"));
        let mut req = Request::put("https://h/upload").body(Unread).unwrap();
        assert_eq!(
            signer.sign_with(&mut req, SystemTime::UNIX_EPOCH, None),
            Err(Error::UnhashableBody)
        );
        assert!(!req.headers().contains_key("authorization"));
        let out = signer
            .sign_with(&mut req, SystemTime::UNIX_EPOCH, Some(&Payload::Unsigned))
            .unwrap();
        assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
        assert_eq!(req.headers()["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
        // An unread body gets no content-length from the API Gateway rule.
        assert!(!req.headers().contains_key("content-length"));
    }
}
