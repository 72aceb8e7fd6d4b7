use std::time::{Duration, SystemTime};

use crate::provider::Env;
use crate::{Credentials, Error, Payload, Signer, S3};

fn creds() -> Credentials {
    Credentials::new("AKID", "SECRET", None)
}

const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[test]
fn preset_encodes_once_does_not_normalize_and_sends_the_payload_hash() {
    let mut req = http::Request::get("https://b.s3.us-east-1.amazonaws.com/a%20b//./c%2Fd")
        .body(())
        .unwrap();
    let out = Signer::s3(creds(), "us-east-1")
        .sign_at(&mut req, SystemTime::UNIX_EPOCH)
        .unwrap();
    assert!(
        out.canonical_request()
            .starts_with("GET\n/a%20b//./c%2Fd\n"),
        "{}",
        out.canonical_request()
    );
    assert_eq!(req.headers()["x-amz-content-sha256"], EMPTY);
    assert_eq!(out.signed_headers(), "host;x-amz-content-sha256;x-amz-date");
    assert!(out.canonical_request().ends_with(EMPTY));
    assert!(out
        .string_to_sign()
        .contains("/us-east-1/s3/aws4_request\n"));
}

#[test]
fn presigned_urls_sign_unsigned_payload_without_the_header() {
    let signer = Signer::s3(creds(), "us-east-1");
    let mut req = http::Request::put("https://b.s3.us-east-1.amazonaws.com/k")
        .header("x-amz-content-sha256", "stale")
        .body(b"body".to_vec())
        .unwrap();
    let out = signer
        .presign_at(&mut req, Duration::from_secs(60), SystemTime::UNIX_EPOCH)
        .unwrap();
    assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
    assert!(!req.headers().contains_key("x-amz-content-sha256"));
    assert_eq!(out.signed_headers(), "host");

    // Header signing with the same signer still hashes the body.
    let mut req = http::Request::put("https://b.s3.us-east-1.amazonaws.com/k")
        .body(b"body".to_vec())
        .unwrap();
    let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH).unwrap();
    assert!(!out.canonical_request().ends_with("UNSIGNED-PAYLOAD"));
}

#[test]
fn an_explicit_payload_setting_applies_to_presigned_urls_too() {
    let hash = "230d8358dc8e8890b4c58deeb62912ee2f20357ae92a5cc861b98e68fe31acb5";
    let signer = Signer::s3(creds(), "us-east-1").payload(Payload::Precomputed(hash.into()));
    let mut req = http::Request::put("https://b.s3.us-east-1.amazonaws.com/k")
        .body(())
        .unwrap();
    let out = signer
        .presign_at(&mut req, Duration::from_secs(60), SystemTime::UNIX_EPOCH)
        .unwrap();
    assert!(out.canonical_request().ends_with(hash));

    let signer = Signer::s3(creds(), "us-east-1").payload(Payload::Unsigned);
    let mut req = http::Request::put("https://b.s3.us-east-1.amazonaws.com/k")
        .body(())
        .unwrap();
    signer.sign_at(&mut req, SystemTime::UNIX_EPOCH).unwrap();
    assert_eq!(req.headers()["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
}

#[test]
fn provider_forms_have_the_s3_settings() {
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ("AWS_REGION", "eu-central-1"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ]);
    let from_env = Signer::s3_from_sources(env, None).unwrap();
    let with_provider = Signer::s3_with_provider(
        || Ok(Credentials::new("AKIDENV", "SECRET", None)),
        "eu-central-1",
    );
    for signer in [from_env, with_provider] {
        assert_eq!(signer.service(), S3);
        assert_eq!(signer.region(), "eu-central-1");
        let mut req = http::Request::get("http://localhost:9000/b/a//b")
            .body(())
            .unwrap();
        let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH).unwrap();
        assert!(out.canonical_request().starts_with("GET\n/b/a//b\n"));
        assert!(req.headers().contains_key("x-amz-content-sha256"));
        assert!(req.headers()["authorization"]
            .to_str()
            .unwrap()
            .contains("Credential=AKIDENV/"));
    }
}

#[test]
fn from_env_without_a_region_says_so() {
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ]);
    assert!(matches!(
        Signer::s3_from_sources(env, None),
        Err(Error::MissingRegion { .. })
    ));
}

#[cfg(feature = "sigv4a")]
#[test]
fn sigv4a_preset_has_the_s3_settings() {
    let signer = crate::SigV4aSigner::s3(creds(), "*");
    assert_eq!(signer.service(), S3);
    let mut req = http::Request::get("https://mrap.accesspoint.s3-global.amazonaws.com/a//b")
        .body(())
        .unwrap();
    let out = signer
        .presign_at(&mut req, Duration::from_secs(60), SystemTime::UNIX_EPOCH)
        .unwrap();
    assert!(out.canonical_request().starts_with("GET\n/a//b\n"));
    assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
    let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH).unwrap();
    assert_eq!(req.headers()["x-amz-content-sha256"], EMPTY);
    assert!(out.signed_headers().contains("x-amz-content-sha256"));
}
