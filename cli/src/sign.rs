//! Signing with the library: `ApiGatewaySigner` for `execute-api`, the
//! library's S3 preset for `s3`, the generic `Signer` for other services,
//! and `SigV4aSigner` (the S3 preset for `s3`) with `--sigv4a`.

use std::time::{Duration, SystemTime};

use http::Request;
use http_sigv4::{
    ApiGatewaySigner, ChunkSigner, ChunkedUpload, Credentials, Payload, SigV4aSigner, Signer,
    SigningOutput, EXECUTE_API, S3,
};

use crate::failure::Failure;

/// The signer for a service.
pub(crate) enum ServiceSigner {
    /// API Gateway's rules (`x-amz-content-sha256`, `content-length`, …).
    ApiGateway(ApiGatewaySigner),
    /// Any other service.
    Generic(Signer),
    /// SigV4a (`AWS4-ECDSA-P256-SHA256`) for a region set.
    V4a(SigV4aSigner),
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

    /// A SigV4a signer for `service` in `region_set` (`us-*`, `*`,
    /// `us-east-1,eu-west-1`); for S3 the library's preset
    /// ([`SigV4aSigner::s3`]), else the generic rules.
    pub(crate) fn sigv4a(credentials: Credentials, region_set: &str, service: &str) -> Self {
        match service {
            S3 => ServiceSigner::V4a(SigV4aSigner::s3(credentials, region_set)),
            _ => ServiceSigner::V4a(SigV4aSigner::new(credentials, region_set, service)),
        }
    }

    /// Signs `req` into its headers, now.
    pub(crate) fn sign(&self, req: &mut Request<Vec<u8>>) -> Result<SigningOutput, Failure> {
        match self {
            ServiceSigner::ApiGateway(s) => s.sign(req),
            ServiceSigner::Generic(s) => s.sign(req),
            ServiceSigner::V4a(s) => s.sign(req),
        }
        .map_err(sign_failure)
    }

    /// Signs `req` into its headers, now, with `payload` in place of its
    /// body's hash (a body streamed from a file, hashed beforehand).
    pub(crate) fn sign_payload(
        &self,
        req: &mut Request<Vec<u8>>,
        payload: Payload,
    ) -> Result<SigningOutput, Failure> {
        match self {
            ServiceSigner::ApiGateway(s) => s.signer().clone().payload(payload).sign(req),
            ServiceSigner::Generic(s) => s.clone().payload(payload).sign(req),
            ServiceSigner::V4a(s) => s.clone().payload(payload).sign(req),
        }
        .map_err(sign_failure)
    }

    /// Signs `req` as of `time` as the seed of an aws-chunked upload, if
    /// this signer can (SigV4 for S3; `None` otherwise): the signer of its
    /// chunks, and what was signed (for `-v` and a rejected signature).
    pub(crate) fn sign_chunked(
        &self,
        req: &mut Request<Vec<u8>>,
        upload: &ChunkedUpload,
        time: SystemTime,
    ) -> Option<Result<(ChunkSigner, SigningOutput), Failure>> {
        let ServiceSigner::Generic(signer) = self else {
            return None;
        };
        if signer.service() != S3 {
            return None;
        }
        Some(
            (|| {
                let chunks = signer.sign_chunked_at(req, upload, time)?;
                // The library returns no SigningOutput for the seed: the same
                // head, signed again at the same time over the same marker,
                // gives the same signature (checked in the tests) and the
                // canonical request to show.
                let mut head = Request::new(Vec::new());
                *head.method_mut() = req.method().clone();
                *head.uri_mut() = req.uri().clone();
                *head.headers_mut() = req.headers().clone();
                let marker = Payload::Precomputed(upload.get_payload().marker().to_owned());
                let output = signer.clone().payload(marker).sign_at(&mut head, time)?;
                Ok((chunks, output))
            })()
            .map_err(sign_failure),
        )
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
            ServiceSigner::V4a(s) => s.presign(req, expires_in),
        }
        .map_err(|e| Failure::setup(format!("cannot presign the request: {e}")))
    }
}

fn sign_failure(e: http_sigv4::Error) -> Failure {
    Failure::setup(format!("cannot sign the request: {e}"))
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
    fn sigv4a_signs_for_a_region_set() {
        let mut req = Request::put("https://b.example/a%2Fb//c")
            .body(b"data".to_vec())
            .unwrap();
        let out = ServiceSigner::sigv4a(creds(), "us-*", "s3")
            .sign(&mut req)
            .unwrap();
        assert_eq!(req.headers()["x-amz-region-set"], "us-*");
        assert!(req.headers()["authorization"]
            .to_str()
            .unwrap()
            .starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/"));
        // The S3 preset: encoded once, not normalized.
        assert!(out.canonical_request().starts_with("PUT\n/a%2Fb//c\n"));
        let mut req = Request::put("https://b.example/").body(Vec::new()).unwrap();
        let signer = ServiceSigner::sigv4a(creds(), "*", "s3");
        assert!(signer
            .sign_chunked(&mut req, &ChunkedUpload::new(Some(1)), SystemTime::now())
            .is_none());
    }

    #[test]
    fn the_seed_shown_is_the_seed_signed() {
        let creds = Credentials::new("AKIDEXAMPLE", "SECRET", Some("TOKEN".to_owned()));
        let signer = ServiceSigner::new(creds, "us-east-1", "s3");
        for length in [Some(0), Some(100_000), None] {
            let mut req = Request::put("https://b.example/k")
                .header("x-amz-meta-a", "1")
                .body(Vec::new())
                .unwrap();
            let (chunks, out) = signer
                .sign_chunked(&mut req, &ChunkedUpload::new(length), SystemTime::now())
                .unwrap()
                .unwrap();
            assert_eq!(out.signature(), chunks.seed_signature(), "{length:?}");
            assert!(out
                .canonical_request()
                .ends_with("\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
        }
        let sts = ServiceSigner::new(
            Credentials::new("A", "S", None::<String>),
            "us-east-1",
            "sts",
        );
        let mut req = Request::put("https://h/").body(Vec::new()).unwrap();
        assert!(sts
            .sign_chunked(&mut req, &ChunkedUpload::new(Some(1)), SystemTime::now())
            .is_none());
    }

    #[test]
    fn a_precomputed_payload_is_signed_in_place_of_the_body() {
        let hash = "a".repeat(64);
        for service in ["execute-api", "s3", "sts"] {
            let mut req = Request::put("https://h/k").body(Vec::new()).unwrap();
            let out = ServiceSigner::new(creds(), "eu-west-1", service)
                .sign_payload(&mut req, Payload::Precomputed(hash.clone()))
                .unwrap();
            assert!(out.canonical_request().ends_with(&hash), "{service}");
        }
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
