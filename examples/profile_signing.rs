//! Signs (or verifies) one benchmark case many times, for
//! `valgrind --tool=callgrind`: `cargo run --release --example
//! profile_signing -- <case> [iterations]`. Cases: get-vanilla, apigw-get,
//! apigw-post-1k, presign, verify-get-vanilla, verify-apigw-get,
//! verify-presign; aws-chunked, 1 MiB in 64 KiB chunks: chunked-sign
//! (`write_chunk` into one buffer), chunked-sign-vectored (`sign_chunk`,
//! the data not copied), chunked-check (the Verifier's body checker, fed
//! 64 KiB at a time), chunked-check-bytes (the same with `feed_bytes`, the
//! data not copied), sha256-1m (their floor). A third argument `--time`
//! prints the fastest and the median wall-clock time of one operation.
//!
//! As in `benches/signing.rs`, each request is cloned before it is signed
//! and dropped afterwards, outside [`timed`]; to count only what criterion
//! times, add `--toggle-collect='profile_signing::timed*'` to callgrind
//! (for the signing and verify cases; the chunked cases and sha256-1m run
//! outside `timed`: count them whole).

use std::hint::black_box;
use std::io::{IoSlice, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::Request;
use http_sigv4::{
    ApiGatewaySigner, ChunkedUpload, Credentials, Error, Signer, SigningOutput, Verifier,
    DEFAULT_CHUNK_SIZE,
};
use sha2::{Digest, Sha256};

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
    let s3 = Signer::new(creds.clone(), "us-east-1", "s3");
    let s3_verifier = {
        let creds = creds.clone();
        Verifier::new(move |_: &str| Some(creds.clone()), "us-east-1", "s3")
    };
    let data = vec![b'x'; 1 << 20];
    let upload = ChunkedUpload::new(Some(data.len() as u64));
    let mut chunked_req = Request::put("https://bucket.s3.amazonaws.com/key")
        .body(())
        .unwrap();
    let mut chunks = s3.sign_chunked_at(&mut chunked_req, &upload, time())?;
    // Signed only where it is checked, so that the other cases' counts
    // include no setup of this size.
    let mut framed = Vec::new();
    if case.starts_with("chunked-check") {
        for chunk in data.chunks(DEFAULT_CHUNK_SIZE) {
            chunks.write_chunk(chunk, &mut framed);
        }
        chunks.write_final(&mut framed);
    }
    let mut out = Vec::with_capacity(framed.len());
    let framed_bytes = bytes::Bytes::from(framed.clone());
    let mut pieces = Vec::new();
    // With `--time`: the fastest and the median of the operations'
    // wall-clock times (the fastest is the least disturbed by other load).
    let wall_clock = args.next().as_deref() == Some("--time");
    let mut times = Vec::with_capacity(if wall_clock { n } else { 0 });
    for _ in 0..n {
        let start = Instant::now();
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
            "chunked-sign" => {
                let mut req = chunked_req.clone();
                let mut chunks = s3.sign_chunked_at(&mut req, &upload, time())?;
                out.clear();
                for chunk in data.chunks(DEFAULT_CHUNK_SIZE) {
                    chunks.write_chunk(chunk, &mut out);
                }
                chunks.write_final(&mut out);
                black_box(out.len());
            }
            "chunked-sign-vectored" => {
                let mut req = chunked_req.clone();
                let mut chunks = s3.sign_chunked_at(&mut req, &upload, time())?;
                let mut sent = 0;
                for chunk in data.chunks(DEFAULT_CHUNK_SIZE) {
                    if let Some(frame) = chunks.sign_chunk(chunk) {
                        let parts = [
                            IoSlice::new(frame.header()),
                            IoSlice::new(chunk),
                            IoSlice::new(frame.trailer()),
                        ];
                        sent += std::io::sink().write_vectored(&parts).unwrap_or(0);
                    }
                }
                out.clear();
                chunks.write_final(&mut out);
                black_box(sent + out.len());
            }
            "chunked-check" => {
                let head = s3_verifier.verify_head_at(&chunked_req, time())?;
                let mut checker = head.into_body_checker()?;
                for piece in framed.chunks(DEFAULT_CHUNK_SIZE) {
                    out.clear();
                    checker.feed(piece, &mut out)?;
                }
                black_box(checker.finish()?);
            }
            "chunked-check-bytes" => {
                let head = s3_verifier.verify_head_at(&chunked_req, time())?;
                let mut checker = head.into_body_checker()?;
                for start in (0..framed_bytes.len()).step_by(DEFAULT_CHUNK_SIZE) {
                    let end = framed_bytes.len().min(start + DEFAULT_CHUNK_SIZE);
                    pieces.clear();
                    checker.feed_bytes(framed_bytes.slice(start..end), &mut pieces)?;
                }
                black_box(checker.finish()?);
            }
            "sha256-1m" => {
                black_box(Sha256::digest(black_box(&data)));
            }
            other => panic!("unknown case {other}"),
        }
        if wall_clock {
            times.push(start.elapsed());
        }
    }
    if wall_clock && n > 0 {
        times.sort();
        println!(
            "{case}: fastest {:?}, median {:?} of {n}",
            times[0],
            times[n / 2]
        );
    }
    Ok(())
}
