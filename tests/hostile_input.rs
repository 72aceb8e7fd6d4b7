//! Hostile input: what a careless caller or an attacker can hand the signer
//! and the verifier. Every case ends in a typed error or a correct
//! signature, never a panic, and work grows linearly with the input.
//!
//! The first section holds the crashes the fuzz targets in `fuzz/` found,
//! minimized (see `fuzz/README.md`); each names its target.

use std::time::Duration;

use http::{HeaderValue, Request};
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
