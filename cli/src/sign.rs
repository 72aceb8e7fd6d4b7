//! Signing with the library: `ApiGatewaySigner` for `execute-api`, the
//! library's S3 preset for `s3`, the generic `Signer` for other services.

use std::time::Duration;

use http::Request;
use http_sigv4::{ApiGatewaySigner, Credentials, Signer, SigningOutput, EXECUTE_API, S3};

use crate::failure::Failure;

/// The signer for a service.
pub(crate) enum ServiceSigner {
    /// API Gateway's rules (`x-amz-content-sha256`, `content-length`, …).
    ApiGateway(ApiGatewaySigner),
    /// Any other service.
    Generic(Signer),
}

impl ServiceSigner {
    /// A signer for `service` in `region`; for S3 the library's preset
    /// ([`Signer::s3`]: the path encoded once and not normalized,
    /// `x-amz-content-sha256` sent, presigned URLs on `UNSIGNED-PAYLOAD`).
    pub(crate) fn new(credentials: Credentials, region: &str, service: &str) -> ServiceSigner {
        match service {
            EXECUTE_API => ServiceSigner::ApiGateway(ApiGatewaySigner::new(credentials, region)),
            S3 => ServiceSigner::Generic(Signer::s3(credentials, region)),
            _ => ServiceSigner::Generic(Signer::new(credentials, region, service)),
        }
    }

    /// Signs `req` into its headers, now.
    pub(crate) fn sign(&self, req: &mut Request<Vec<u8>>) -> Result<SigningOutput, Failure> {
        match self {
            ServiceSigner::ApiGateway(s) => s.sign(req),
            ServiceSigner::Generic(s) => s.sign(req),
        }
        .map_err(|e| Failure::setup(format!("cannot sign the request: {e}")))
    }

    /// Signs `req` into its query string, valid for `expires_in` from now.
    pub(crate) fn presign(
        &self,
        req: &mut Request<Vec<u8>>,
        expires_in: Duration,
    ) -> Result<SigningOutput, Failure> {
        match self {
            ServiceSigner::ApiGateway(s) => s.presign(req, expires_in),
            ServiceSigner::Generic(s) => s.presign(req, expires_in),
        }
        .map_err(|e| Failure::setup(format!("cannot presign the request: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>)
    }

    fn signed(service: &str, uri: &str) -> (Request<Vec<u8>>, SigningOutput) {
        let mut req = Request::put(uri).body(b"data".to_vec()).unwrap();
        let out = ServiceSigner::new(creds(), "eu-west-1", service)
            .sign(&mut req)
            .unwrap();
        (req, out)
    }

    #[test]
    fn execute_api_uses_api_gateway_rules() {
        let (req, out) = signed(
            "execute-api",
            "https://abc.execute-api.eu-west-1.amazonaws.com/a%2Fb",
        );
        assert_eq!(req.headers()["content-length"], "4");
        assert!(out.signed_headers().contains("x-amz-content-sha256"));
        assert!(out.canonical_request().starts_with("PUT\n/a%252Fb\n"));
    }

    #[test]
    fn s3_encodes_once_and_sends_the_payload_hash() {
        let (req, out) = signed("s3", "https://b.s3.eu-west-1.amazonaws.com/a%2Fb//c");
        assert!(req.headers().contains_key("x-amz-content-sha256"));
        assert!(out.canonical_request().starts_with("PUT\n/a%2Fb//c\n"));

        let mut req = Request::get("https://b.s3.eu-west-1.amazonaws.com/k")
            .body(Vec::new())
            .unwrap();
        let out = ServiceSigner::new(creds(), "eu-west-1", "s3")
            .presign(&mut req, Duration::from_secs(60))
            .unwrap();
        assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
    }

    #[test]
    fn other_services_use_the_defaults() {
        let (req, out) = signed("sts", "https://sts.eu-west-1.amazonaws.com/a%2Fb");
        assert!(!req.headers().contains_key("x-amz-content-sha256"));
        assert!(out.canonical_request().starts_with("PUT\n/a%252Fb\n"));
        assert!(out.string_to_sign().contains("/eu-west-1/sts/aws4_request"));
    }

    #[test]
    fn signer_errors_are_setup_failures() {
        let mut req = Request::get("https://h/").body(Vec::new()).unwrap();
        let failure = ServiceSigner::new(creds(), "bad region/", "sts")
            .sign(&mut req)
            .unwrap_err();
        assert_eq!(failure.code, 2);
        assert!(
            failure.message.starts_with("cannot sign the request: "),
            "{}",
            failure.message
        );
    }
}
