//! S3: the signer preset ([`Signer::s3`]) and object URIs ([`S3Endpoint`]),
//! checked against what others produce:
//!
//! - AWS's documented S3 examples ("Signature Calculations for the
//!   Authorization Header", GET Object; "Authenticating Requests: Using Query
//!   Parameters", the presigned URL);
//! - botocore 1.43.11's presigned URLs (`generate_presigned_url('get_object')`
//!   against `http://localhost:9000` with path-style addressing, at the AWS
//!   examples' credentials and fixed time), for the keys that tripped an
//!   interop test against an S3 server;
//! - the AWS SDK for Rust's key encoding (`aws_smithy_http::label::fmt_string`
//!   with `EncodingStrategy::Greedy`, what `aws-sdk-s3` formats `Key` with);
//! - the `aws-sigv4` crate configured for S3 (single encoding, no path
//!   normalization, `x-amz-content-sha256` sent; `UNSIGNED-PAYLOAD` when
//!   presigning), signing the same URIs;
//! - and this crate's own [`Verifier::s3`], round trip.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody as AwsBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_http::label::{fmt_string, EncodingStrategy};
use aws_smithy_runtime_api::client::identity::Identity;
use http_sigv4::{Addressing, Credentials, Error, S3Endpoint, Signer, Verifier};

/// The credentials of AWS's S3 signing examples.
const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// 2013-05-24T00:00:00Z, the time of AWS's S3 signing examples.
fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_369_353_600)
}

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET, None)
}

/// The keys that an interop test against an S3 server found hard to send.
const KEYS: [&str; 7] = [
    "with space.txt",
    "plus+sign.txt",
    "tilde~and=eq&amp.txt",
    "ünïcödé-日本.txt",
    "percent%25literal.txt",
    "double//slash.txt",
    "dot/./seg/../x.txt",
];

/// botocore 1.43.11's presigned GET URLs for [`KEYS`] in bucket `my-bucket`
/// at `http://localhost:9000` (path style), region `us-east-1`, expiring in
/// 86400 s, signed at [`time`] with [`AKID`]/[`SECRET`].
const BOTOCORE_PRESIGNED: [(&str, &str); 7] = [
    (
        "with%20space.txt",
        "0a18e5fbc573e6cab553989e77a9ebaf9e09197d4a63da7ca9e2014a2157c904",
    ),
    (
        "plus%2Bsign.txt",
        "f12dafe563d4a27a4dfd891fcc7e1ee192039ab2464b3a024aed6ba70c1321d2",
    ),
    (
        "tilde~and%3Deq%26amp.txt",
        "259a3dd321450d1063eaddba1c05be3e7b02253a61735a49775db77b8694306a",
    ),
    (
        "%C3%BCn%C3%AFc%C3%B6d%C3%A9-%E6%97%A5%E6%9C%AC.txt",
        "5eaa6e40dbb6c5111e0d21bb76d8a2548f572c2e37fe8a6ae2bfdde37d4df605",
    ),
    (
        "percent%2525literal.txt",
        "f252f3613477939fb8d5d2510e02deb869b43500a1c6ae9a0358e8fdfc4c4040",
    ),
    (
        "double//slash.txt",
        "55c546eabd977738c67d23e8a64d7e7924be63578633608b2f1d7ad56b67267f",
    ),
    (
        "dot/./seg/../x.txt",
        "f85839d7162174d4d2b568b49806253948716ffb93ddcd4ea5a29b0e725ce5ae",
    ),
];

/// The endpoints every key is tried on.
fn endpoints() -> Vec<(&'static str, S3Endpoint)> {
    vec![
        ("aws virtual-hosted", S3Endpoint::aws("eu-west-1").unwrap()),
        (
            "aws path style",
            S3Endpoint::aws("eu-west-1")
                .unwrap()
                .addressing(Addressing::Path),
        ),
        (
            "minio",
            S3Endpoint::custom("http://localhost:9000").unwrap(),
        ),
        (
            "r2 virtual-hosted",
            S3Endpoint::custom("https://0123456789abcdef.r2.cloudflarestorage.com")
                .unwrap()
                .addressing(Addressing::VirtualHosted),
        ),
    ]
}

// ---------------------------------------------------------------------------
// AWS's documented examples
// ---------------------------------------------------------------------------

/// AWS S3 docs, "Example: GET Object" (header-based authentication).
#[test]
fn aws_docs_get_object_example() {
    let mut req = http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt")
        .header("range", "bytes=0-9")
        .body(())
        .unwrap();
    let out = Signer::s3(creds(), "us-east-1")
        .sign_at(&mut req, time())
        .unwrap();
    assert_eq!(
        out.canonical_request(),
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n\
         x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        out.signature(),
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
}

/// AWS S3 docs, the presigned URL example ("Authenticating Requests: Using
/// Query Parameters"); botocore produces the same URL.
#[test]
fn aws_docs_presigned_url_example() {
    let mut req = http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt")
        .body(())
        .unwrap();
    Signer::s3(creds(), "us-east-1")
        .presign_at(&mut req, Duration::from_secs(86400), time())
        .unwrap();
    assert_eq!(
        req.uri(),
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
}

// ---------------------------------------------------------------------------
// botocore and the AWS SDK for Rust: key encoding
// ---------------------------------------------------------------------------

#[test]
fn presigned_urls_for_awkward_keys_equal_botocores() {
    let minio = S3Endpoint::custom("http://localhost:9000").unwrap();
    let signer = Signer::s3(creds(), "us-east-1");
    for (key, (encoded, signature)) in KEYS.iter().zip(BOTOCORE_PRESIGNED) {
        let mut req = http::Request::get(minio.object_uri("my-bucket", key).unwrap())
            .body(())
            .unwrap();
        signer
            .presign_at(&mut req, Duration::from_secs(86400), time())
            .unwrap();
        assert_eq!(
            req.uri().to_string(),
            format!(
                "http://localhost:9000/my-bucket/{encoded}?X-Amz-Algorithm=AWS4-HMAC-SHA256\
                 &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
                 &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
                 &X-Amz-Signature={signature}"
            ),
            "{key:?}"
        );
    }
}

#[test]
fn keys_are_encoded_as_the_aws_sdk_for_rust_encodes_them() {
    let ascii: String = (1u8..=127).map(char::from).collect();
    let more = [
        ascii.as_str(),
        "/leading/slash",
        "trailing/",
        "emoji-🦀.txt",
        "a?b#c[d]e{f}g|h@i!j$k'l(m)n*o;p:q,r<s>t\"u^v`w\\x",
        "日本語/ファイル 名.txt",
    ];
    let aws = S3Endpoint::aws("us-east-1").unwrap();
    for key in KEYS.iter().chain(&more) {
        let uri = aws.object_uri("my-bucket", key).unwrap();
        assert_eq!(
            uri.path(),
            format!("/{}", fmt_string(key, EncodingStrategy::Greedy)),
            "{key:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// aws-sigv4 configured for S3
// ---------------------------------------------------------------------------

/// Signs `req` with `aws-sigv4` set up as S3 needs it: the canonical request
/// it traces and its signature.
fn sign_with_aws_sigv4(req: &http::Request<Vec<u8>>, presign: bool) -> (String, String) {
    let identity: Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "s3-test").into();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let body = match presign {
        true => {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(900));
            settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
            AwsBody::UnsignedPayload
        }
        false => {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            AwsBody::Bytes(req.body())
        }
    };
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("eu-west-1")
        .name("s3")
        .time(time())
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers = req
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap()));
    let signable =
        SignableRequest::new(req.method().as_str(), req.uri().to_string(), headers, body).unwrap();
    let capture = CanonicalRequestCapture::default();
    let output =
        tracing::subscriber::with_default(capture.clone(), || sign(signable, &params)).unwrap();
    let canonical_request = capture.0.lock().unwrap().take().unwrap();
    (canonical_request, output.signature().to_owned())
}

/// A request for `uri` as a client would send it: PUT with a body and an
/// explicit `host` (`aws-sigv4` signs the header, it never adds one).
fn put(uri: http::Uri) -> http::Request<Vec<u8>> {
    let host = uri.authority().unwrap().as_str().to_owned();
    http::Request::put(uri)
        .header("host", host)
        .header("content-type", "text/plain")
        .body(b"hello, S3".to_vec())
        .unwrap()
}

#[test]
fn object_uris_sign_as_aws_sigv4_configured_for_s3_does() {
    let signer = Signer::s3(creds(), "eu-west-1");
    for (name, endpoint) in endpoints() {
        for key in KEYS {
            let uri = endpoint.object_uri("my-bucket", key).unwrap();

            let mut ours = put(uri.clone());
            let theirs = sign_with_aws_sigv4(&ours, false);
            let out = signer.sign_at(&mut ours, time()).unwrap();
            assert_eq!(
                (out.canonical_request(), out.signature()),
                (theirs.0.as_str(), theirs.1.as_str()),
                "{name}, {key:?}"
            );

            let mut ours = put(uri);
            let theirs = sign_with_aws_sigv4(&ours, true);
            let out = signer
                .presign_at(&mut ours, Duration::from_secs(900), time())
                .unwrap();
            assert_eq!(
                (out.canonical_request(), out.signature()),
                (theirs.0.as_str(), theirs.1.as_str()),
                "{name}, {key:?}, presigned"
            );
        }
    }
}

/// A `tracing` subscriber that keeps the `canonical_request` field of the
/// event `aws-sigv4` emits while signing (as in tests/differential.rs).
#[derive(Clone, Default)]
struct CanonicalRequestCapture(Arc<Mutex<Option<String>>>);

impl tracing::Subscriber for CanonicalRequestCapture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("aws_sigv4")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut CanonicalRequestVisitor(&self.0));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

struct CanonicalRequestVisitor<'a>(&'a Mutex<Option<String>>);

impl tracing::field::Visit for CanonicalRequestVisitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "canonical_request" {
            *self.0.lock().unwrap() = Some(format!("{value:?}"));
        }
    }
}

// ---------------------------------------------------------------------------
// Round trips through the Verifier
// ---------------------------------------------------------------------------

fn verifier() -> Verifier<impl Fn(&str) -> Option<Credentials>> {
    Verifier::s3(|akid: &str| (akid == AKID).then(creds), "eu-west-1")
}

#[test]
fn signed_object_requests_verify_and_tampering_is_caught() {
    let signer = Signer::s3(creds(), "eu-west-1");
    let verifier = verifier();
    for (name, endpoint) in endpoints() {
        for key in KEYS {
            let uri = endpoint.object_uri("my-bucket", key).unwrap();
            let mut req = put(uri.clone());
            signer.sign_at(&mut req, time()).unwrap();
            verifier
                .verify_at(&req, time())
                .unwrap_or_else(|e| panic!("{name}, {key:?}: {e}"));

            // Another key (one more `/`) is another request.
            let other = format!("{}/", uri.path());
            *req.uri_mut() = http::Uri::builder()
                .scheme(uri.scheme_str().unwrap())
                .authority(uri.authority().unwrap().as_str())
                .path_and_query(other)
                .build()
                .unwrap();
            assert!(
                matches!(
                    verifier.verify_at(&req, time()),
                    Err(Error::SignatureMismatch { .. })
                ),
                "{name}, {key:?}"
            );

            // A different body.
            let mut req = put(uri.clone());
            signer.sign_at(&mut req, time()).unwrap();
            *req.body_mut() = b"hello, S4".to_vec();
            assert_eq!(
                verifier.verify_at(&req, time()).unwrap_err(),
                Error::PayloadMismatch,
                "{name}, {key:?}"
            );

            // Presigned: UNSIGNED-PAYLOAD, which S3 verifiers accept.
            let mut req = http::Request::get(uri).body(Vec::new()).unwrap();
            signer
                .presign_at(&mut req, Duration::from_secs(900), time())
                .unwrap();
            let verified = verifier
                .verify_at(&req, time())
                .unwrap_or_else(|e| panic!("{name}, {key:?}, presigned: {e}"));
            assert!(verified.is_presigned());
        }
    }
}

/// Why the preset matters: what S3 clients send does not verify under the
/// default (double-encoding, normalizing) rules, so a server must use
/// `Verifier::s3` and a client `Signer::s3`.
#[test]
fn default_rules_reject_s3_requests_with_encoded_keys() {
    let endpoint = S3Endpoint::aws("eu-west-1").unwrap();
    let lookup = |akid: &str| (akid == AKID).then(creds);
    let default_rules = Verifier::new(lookup, "eu-west-1", "s3");
    for key in ["with space.txt", "double//slash.txt", "dot/./seg/../x.txt"] {
        let mut req = put(endpoint.object_uri("my-bucket", key).unwrap());
        Signer::s3(creds(), "eu-west-1")
            .sign_at(&mut req, time())
            .unwrap();
        assert!(
            matches!(
                default_rules.verify_at(&req, time()),
                Err(Error::SignatureMismatch { .. })
            ),
            "{key:?}"
        );
    }
}
