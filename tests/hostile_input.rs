//! Hostile input: what a careless caller or an attacker can hand the signer
//! and the verifier. Every case ends in a typed error or a correct
//! signature, never a panic, and work grows linearly with the input.
//!
//! The first section holds the crashes the fuzz targets in `fuzz/` found,
//! minimized (see `fuzz/README.md`); each names its target.

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderValue, Request, Version};
use http_sigv4::{Credentials, Error, Malformed, Signer, Verifier};

mod common;
use common::suite_time;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET, None::<String>)
}

fn signer() -> Signer {
    Signer::new(creds(), REGION, SERVICE)
}

fn verifier() -> Verifier<impl Fn(&str) -> Option<Credentials>> {
    Verifier::new(|akid: &str| (akid == AKID).then(creds), REGION, SERVICE)
}

fn get(uri: &str) -> Request<Vec<u8>> {
    Request::get(uri).body(Vec::new()).expect("valid request")
}

// ---- Found by fuzzing ----

/// fuzz target `sign`: a service named `GGG,GGGGGGG` was signed, but the
/// `Authorization` header is split at commas, so no verifier (ours included:
/// `Malformed::UnexpectedComponent`) could read the credential back.
#[test]
fn fuzz_sign_comma_in_region_or_service_is_an_error() {
    for (region, service, field) in [
        (REGION, "GGG,GGGGGGG", "service"),
        ("us-east-1,x", SERVICE, "region"),
    ] {
        let signer = Signer::new(creds(), region, service);
        let mut req = get("https://example.amazonaws.com/");
        let expected = Err(Error::InvalidScope { field });
        assert_eq!(signer.sign_at(&mut req, suite_time()), expected);
        let expires = Duration::from_secs(60);
        assert_eq!(signer.presign_at(&mut req, expires, suite_time()), expected);
        assert!(req.headers().is_empty());
    }
}

/// fuzz target `sign`: an HTTP/2 request has no Host header (`:authority`
/// carries the host, and `http` puts it in the URI). The signer signed the
/// host without the scheme's default port, the verifier rebuilt it with the
/// port (`h:443`), so HTTP/2 requests to an explicit default port never
/// verified. `http` also accepts a non-numeric port (`h:8443dt5`), which the
/// signer leaves out; both sides now derive the host with one rule.
#[test]
fn fuzz_sign_http2_authority_is_derived_alike_by_signer_and_verifier() {
    for uri in [
        "https://h:443/",
        "http://Example.COM:80/a",
        "https://user@[::1]:443/",
        "https://h:8443dt5/",
    ] {
        let mut req = get(uri);
        *req.version_mut() = Version::HTTP_2;
        signer().sign_at(&mut req, suite_time()).expect(uri);
        assert!(!req.headers().contains_key("host"), "{uri}");
        assert_eq!(
            verifier().verify_at(&req, suite_time()).map(|_| ()),
            Ok(()),
            "{uri}"
        );
    }
}

/// fuzz target `verify`: checking that a presigned URL was not signed in
/// the future computed `now + clock_skew`, which overflows `SystemTime` and
/// panicked for a huge skew (`clock_skew(Duration::MAX)`, "never reject for
/// skew") or a far-off `now`.
#[test]
fn fuzz_verify_huge_clock_skew_or_far_future_now_does_not_overflow() {
    let mut url = get("https://example.amazonaws.com/");
    let expires = Duration::from_secs(60);
    signer()
        .presign_at(&mut url, expires, suite_time())
        .unwrap();
    let lenient = verifier().clock_skew(Duration::MAX);
    assert!(lenient.verify_at(&url, suite_time()).is_ok());
    assert!(
        lenient.verify_at(&url, UNIX_EPOCH).is_ok(),
        "signed in the future, within the skew"
    );

    let far_future = UNIX_EPOCH + Duration::from_secs(i64::MAX as u64);
    assert_eq!(
        verifier().verify_at(&url, far_future),
        Err(Error::Expired {
            expired_at: suite_time() + expires
        })
    );
    let mut req = get("https://example.amazonaws.com/");
    signer().sign_at(&mut req, suite_time()).unwrap();
    assert!(lenient.verify_at(&req, far_future).is_ok());
    assert_eq!(
        verifier().verify_at(&req, far_future),
        Err(Error::ClockSkew {
            signed_at: suite_time(),
            now: far_future
        })
    );
}
