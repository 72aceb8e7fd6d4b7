//! Signs (or verifies) one benchmark case many times, for
//! `valgrind --tool=callgrind`: `cargo run --release --example
//! profile_signing -- <case> [iterations]`. Cases: get-vanilla, apigw-get,
//! apigw-post-1k, presign, verify-get-vanilla, verify-apigw-get,
//! verify-presign.
//!
//! As in `benches/signing.rs`, each request is cloned before it is signed
//! and dropped afterwards, outside [`timed`]; to count only what criterion
//! times, add `--toggle-collect='profile_signing::timed*'` to callgrind.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Request;
use http_sigv4::{ApiGatewaySigner, Credentials, Error, Signer, SigningOutput, Verifier};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn apigw_get() -> Request<Vec<u8>> {
    Request::get(
        "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/a%2Fb?limit=10&q=red%20shoes&sort=asc",
    )
    .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
    .header("accept", "application/json")
    .header("content-type", "application/json")
    .header("x-request-id", "5f2b7e4c-1d2a-4b4e-9c1a-3f5e6d7c8b9a")
    .header("x-api-version", "2024-01-01")
    .body(Vec::new())
    .unwrap()
}

/// Runs one operation: what criterion times.
#[inline(never)]
fn timed<T>(operation: impl FnOnce() -> T) -> T {
    black_box(operation())
}

/// Signs a fresh clone of `template` with `sign` and returns the
/// signature, as `benches/signing.rs` does (the clone and its drop are
/// outside [`timed`], as in criterion's `iter_batched_ref`).
fn sign_clone(
    template: &Request<Vec<u8>>,
    sign: impl FnOnce(&mut Request<Vec<u8>>) -> Result<SigningOutput, Error>,
) -> Result<String, Error> {
    let mut req = black_box(template.clone());
    timed(|| sign(&mut req).map(|out| out.signature().to_owned()))
}

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "get-vanilla".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None::<String>);
    let signer = Signer::new(creds.clone(), "us-east-1", "service");
    let apigw = ApiGatewaySigner::new(creds.clone(), "us-east-1");
    let vanilla = Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(Vec::new())
        .unwrap();
    let lookup = {
        let creds = creds.clone();
        move |_: &str| Some(creds.clone())
    };
    let verifier = Verifier::new(lookup.clone(), "us-east-1", "service");
    let apigw_verifier = Verifier::new(lookup, "us-east-1", "execute-api");
    let post = Request::post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/items")
        .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
        .header("content-type", "application/json")
        .header("content-length", "1024")
        .body(vec![b'x'; 1024])
        .unwrap();
    let presign_req = Request::get("https://example.amazonaws.com/file?x=1")
        .header("host", "example.amazonaws.com")
        .body(Vec::new())
        .unwrap();
    let mut signed_vanilla = vanilla.clone();
    signer.sign_at(&mut signed_vanilla, time())?;
    let apigw_template = apigw_get();
    let mut signed_apigw = apigw_get();
    apigw.sign_at(&mut signed_apigw, time())?;
    let mut presigned = presign_req.clone();
    signer.presign_at(&mut presigned, Duration::from_secs(900), time())?;
    for _ in 0..n {
        match case.as_str() {
            "get-vanilla" => {
                sign_clone(&vanilla, |req| signer.sign_at(req, time()))?;
            }
            "apigw-get" => {
                sign_clone(&apigw_template, |req| apigw.sign_at(req, time()))?;
            }
            "apigw-post-1k" => {
                sign_clone(&post, |req| apigw.sign_at(req, time()))?;
            }
            "presign" => {
                sign_clone(&presign_req, |req| {
                    signer.presign_at(req, Duration::from_secs(900), time())
                })?;
            }
            "verify-get-vanilla" => {
                timed(|| verifier.verify_at(&signed_vanilla, time()))?;
            }
            "verify-apigw-get" => {
                timed(|| apigw_verifier.verify_at(&signed_apigw, time()))?;
            }
            "verify-presign" => {
                timed(|| verifier.verify_at(&presigned, time()))?;
            }
            other => panic!("unknown case {other}"),
        }
    }
    Ok(())
}
