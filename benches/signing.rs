//! `http_sigv4` and the `aws-sigv4` crate signing the same requests, side by
//! side in one run. Each case asserts once, before timing, that both produce
//! the same signature. Run with `cargo bench --bench signing`.

use std::hint::black_box;
use std::io::{IoSlice, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use http::Request;
use http_sigv4::{
    ApiGatewaySigner, ChunkedUpload, Credentials, Error, Signer, Verifier, DEFAULT_CHUNK_SIZE,
};
use sha2::{Digest, Sha256};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

/// How `aws-sigv4` is configured for a case.
#[derive(Clone, Copy)]
enum AwsMode {
    Plain,
    ApiGateway,
    Presign(Duration),
}

/// Signs `req` with `aws-sigv4` and applies the result, returning the
/// signature: what a user of that crate writes to sign an `http::Request`.
fn aws_sign(req: &mut Request<Vec<u8>>, service: &str, mode: AwsMode) -> String {
    let identity: Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "bench").into();
    let mut settings = SigningSettings::default();
    match mode {
        AwsMode::Plain => {}
        AwsMode::ApiGateway => settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256,
        AwsMode::Presign(expires) => {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(expires);
        }
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(service)
        .time(time())
        .settings(settings)
        .build()
        .expect("params")
        .into();
    let headers = req
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().expect("ASCII")));
    let signable = SignableRequest::new(
        req.method().as_str(),
        req.uri().to_string(),
        headers,
        SignableBody::Bytes(req.body()),
    )
    .expect("signable");
    let (instructions, signature) = sign(signable, &params).expect("signs").into_parts();
    instructions.apply_to_request_http1x(req);
    signature
}

struct Case {
    name: &'static str,
    request: Request<Vec<u8>>,
    service: &'static str,
    mode: AwsMode,
}

fn cases() -> Vec<Case> {
    let body_1k = {
        let mut s = String::from("{\"items\":[");
        while s.len() < 1000 {
            s.push_str("{\"id\":12345,\"name\":\"widget\"},");
        }
        s.truncate(1022);
        s.push_str("]}");
        s.into_bytes()
    };
    assert_eq!(body_1k.len(), 1024);
    let body_1m = vec![b'x'; 1 << 20];
    vec![
        Case {
            name: "get-vanilla",
            request: Request::get("https://example.amazonaws.com/")
                .header("host", "example.amazonaws.com")
                .body(Vec::new())
                .unwrap(),
            service: "service",
            mode: AwsMode::Plain,
        },
        Case {
            name: "apigw-get",
            request: Request::get(
                "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/a%2Fb?limit=10&q=red%20shoes&sort=asc",
            )
            .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .header("x-request-id", "5f2b7e4c-1d2a-4b4e-9c1a-3f5e6d7c8b9a")
            .header("x-api-version", "2024-01-01")
            .body(Vec::new())
            .unwrap(),
            service: "execute-api",
            mode: AwsMode::ApiGateway,
        },
        Case {
            name: "apigw-post-1k",
            request: Request::post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/items")
                .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
                .header("content-type", "application/json")
                .header("content-length", "1024")
                .body(body_1k)
                .unwrap(),
            service: "execute-api",
            mode: AwsMode::ApiGateway,
        },
        Case {
            name: "post-1m",
            request: Request::post("https://example.amazonaws.com/upload")
                .header("host", "example.amazonaws.com")
                .body(body_1m)
                .unwrap(),
            service: "service",
            mode: AwsMode::Plain,
        },
        Case {
            name: "presign",
            request: Request::get("https://example.amazonaws.com/file?x=1")
                .header("host", "example.amazonaws.com")
                .body(Vec::new())
                .unwrap(),
            service: "service",
            mode: AwsMode::Presign(Duration::from_secs(900)),
        },
    ]
}

/// Signs with this crate, the way a user would for the case.
fn ours_sign(signer: &Ours, req: &mut Request<Vec<u8>>, mode: AwsMode) -> String {
    let out = match (signer, mode) {
        (Ours::Plain(s), AwsMode::Presign(expires)) => s.presign_at(req, expires, time()),
        (Ours::Plain(s), _) => s.sign_at(req, time()),
        (Ours::ApiGateway(s), _) => s.sign_at(req, time()),
    };
    out.expect("signs").signature().to_owned()
}

enum Ours {
    Plain(Signer),
    ApiGateway(ApiGatewaySigner),
}

fn ours_for(case: &Case) -> Ours {
    let creds = Credentials::new(AKID, SECRET, None::<String>);
    match case.mode {
        AwsMode::ApiGateway => Ours::ApiGateway(ApiGatewaySigner::new(creds, REGION)),
        _ => Ours::Plain(Signer::new(creds, REGION, case.service)),
    }
}

fn bench_cases(c: &mut Criterion) {
    for case in cases() {
        let ours = ours_for(&case);
        // Both crates must agree before they are timed.
        let (mut a, mut b) = (case.request.clone(), case.request.clone());
        let theirs = aws_sign(&mut a, case.service, case.mode);
        let mine = ours_sign(&ours, &mut b, case.mode);
        assert_eq!(mine, theirs, "{}: the two crates disagree", case.name);

        let mut group = c.benchmark_group(case.name);
        group.throughput(Throughput::Elements(1));
        group.bench_function("http-sigv4", |bench| {
            bench.iter_batched_ref(
                || case.request.clone(),
                |req| black_box(ours_sign(&ours, req, case.mode)),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("aws-sigv4", |bench| {
            bench.iter_batched_ref(
                || case.request.clone(),
                |req| black_box(aws_sign(req, case.service, case.mode)),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

/// The `Verifier` beside signing the same request: `verify-<case>/verify`
/// against `verify-<case>/sign`. Plus a request whose signature is wrong
/// (one hex digit changed), which must cost about what a good one does.
fn bench_verifier(c: &mut Criterion) {
    let creds = Credentials::new(AKID, SECRET, None::<String>);
    let lookup = move |akid: &str| (akid == AKID).then(|| creds.clone());
    for case in cases()
        .into_iter()
        .filter(|case| matches!(case.name, "get-vanilla" | "apigw-get" | "presign"))
    {
        let ours = ours_for(&case);
        let mut signed = case.request.clone();
        ours_sign(&ours, &mut signed, case.mode);
        let verifier = Verifier::new(lookup.clone(), REGION, case.service);
        verifier.verify_at(&signed, time()).expect("verifies");

        let mut group = c.benchmark_group(format!("verify-{}", case.name));
        group.throughput(Throughput::Elements(1));
        group.bench_function("sign", |bench| {
            bench.iter_batched_ref(
                || case.request.clone(),
                |req| black_box(ours_sign(&ours, req, case.mode)),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("verify", |bench| {
            bench.iter(|| {
                black_box(
                    verifier
                        .verify_at(black_box(&signed), time())
                        .expect("verifies"),
                )
            })
        });
        if case.name == "get-vanilla" {
            let mut bad = signed.clone();
            let line = bad.headers()["authorization"].to_str().unwrap().to_owned();
            let last = if line.ends_with('0') { "1" } else { "0" };
            let line = format!("{}{last}", &line[..line.len() - 1]);
            bad.headers_mut()
                .insert("authorization", line.parse().unwrap());
            assert!(matches!(
                verifier.verify_at(&bad, time()),
                Err(Error::SignatureMismatch { .. })
            ));
            group.bench_function("verify-bad-signature", |bench| {
                bench.iter(|| black_box(verifier.verify_at(black_box(&bad), time()).is_err()))
            });
        }
        group.finish();
    }
}

/// aws-chunked signing of 1 MiB in 64 KiB chunks (`ChunkSigner`), beside
/// its floor: SHA-256 of the same 1 MiB.
fn bench_chunked(c: &mut Criterion) {
    let signer = Signer::new(Credentials::new(AKID, SECRET, None::<String>), REGION, "s3");
    let data = vec![b'x'; 1 << 20];
    let upload = ChunkedUpload::new(Some(data.len() as u64));
    let mut out = Vec::with_capacity(data.len() + 4096);
    let mut group = c.benchmark_group("chunked-1m");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("sign-64k-chunks", |bench| {
        bench.iter(|| {
            let mut req = Request::put("https://bucket.s3.amazonaws.com/key")
                .body(())
                .unwrap();
            let mut chunks = signer
                .sign_chunked_at(&mut req, &upload, time())
                .expect("signs");
            out.clear();
            for chunk in data.chunks(DEFAULT_CHUNK_SIZE) {
                chunks.write_chunk(chunk, &mut out);
            }
            chunks.write_final(&mut out);
            black_box(out.len())
        })
    });
    // The same, sent without copying the data: `sign_chunk` hands out each
    // chunk's header, and the header, the borrowed data and the line end go
    // out in one vectored write (to `io::sink`, standing in for a socket).
    group.bench_function("sign-64k-chunks-vectored", |bench| {
        bench.iter(|| {
            let mut req = Request::put("https://bucket.s3.amazonaws.com/key")
                .body(())
                .unwrap();
            let mut chunks = signer
                .sign_chunked_at(&mut req, &upload, time())
                .expect("signs");
            let mut sink = std::io::sink();
            let mut sent = 0;
            for chunk in data.chunks(DEFAULT_CHUNK_SIZE) {
                let frame = chunks.sign_chunk(chunk).expect("a chunk");
                let parts = [
                    IoSlice::new(frame.header()),
                    IoSlice::new(chunk),
                    IoSlice::new(frame.trailer()),
                ];
                sent += sink.write_vectored(&parts).expect("sink");
            }
            out.clear();
            chunks.write_final(&mut out);
            black_box(sent + out.len())
        })
    });
    group.bench_function("sha256-floor", |bench| {
        bench.iter(|| black_box(Sha256::digest(black_box(&data))))
    });
    group.finish();
}

/// The Verifier's body checker on the aws-chunked body `ChunkSigner` writes
/// for 1 MiB in 64 KiB chunks, fed in 64 KiB reads as a server reads a
/// socket (the app takes `out` after each), beside SHA-256 of the same
/// 1 MiB.
fn bench_chunked_check(c: &mut Criterion) {
    let creds = Credentials::new(AKID, SECRET, None::<String>);
    let signer = Signer::new(creds.clone(), REGION, "s3");
    let lookup = move |akid: &str| (akid == AKID).then(|| creds.clone());
    let verifier = Verifier::new(lookup, REGION, "s3");
    let data = vec![b'x'; 1 << 20];
    let upload = ChunkedUpload::new(Some(data.len() as u64));
    let mut req = Request::put("https://bucket.s3.amazonaws.com/key")
        .body(())
        .unwrap();
    let mut chunks = signer
        .sign_chunked_at(&mut req, &upload, time())
        .expect("signs");
    let mut body = Vec::new();
    for chunk in data.chunks(DEFAULT_CHUNK_SIZE) {
        chunks.write_chunk(chunk, &mut body);
    }
    chunks.write_final(&mut body);
    let check = |out: &mut Vec<u8>| {
        let head = verifier.verify_head_at(&req, time()).expect("head");
        let mut checker = head.into_body_checker().expect("checker");
        let mut decoded = 0;
        for piece in body.chunks(DEFAULT_CHUNK_SIZE) {
            checker.feed(piece, out).expect("chunk verifies");
            decoded += out.len();
            out.clear();
        }
        checker.finish().expect("body verifies");
        decoded
    };
    let mut out = Vec::with_capacity(2 * DEFAULT_CHUNK_SIZE);
    assert_eq!(check(&mut out), data.len());

    let mut group = c.benchmark_group("chunked-check-1m");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("check-64k-chunks", |bench| {
        bench.iter(|| black_box(check(&mut out)))
    });
    // The same, the body as `Bytes` (as hyper hands it over): the data comes
    // out as slices of it, not copied.
    let body = bytes::Bytes::from(body.clone());
    let mut pieces = Vec::new();
    group.bench_function("check-64k-chunks-bytes", |bench| {
        bench.iter(|| {
            let head = verifier.verify_head_at(&req, time()).expect("head");
            let mut checker = head.into_body_checker().expect("checker");
            let mut decoded = 0;
            for start in (0..body.len()).step_by(DEFAULT_CHUNK_SIZE) {
                let piece = body.slice(start..body.len().min(start + DEFAULT_CHUNK_SIZE));
                checker
                    .feed_bytes(piece, &mut pieces)
                    .expect("chunk verifies");
                decoded += pieces.iter().map(|p| p.len()).sum::<usize>();
                pieces.clear();
            }
            checker.finish().expect("body verifies");
            black_box(decoded)
        })
    });
    group.bench_function("sha256-floor", |bench| {
        bench.iter(|| black_box(Sha256::digest(black_box(&data))))
    });
    group.finish();
}

/// The floor for `post-1m`: SHA-256 of the same 1 MiB.
fn bench_sha256_floor(c: &mut Criterion) {
    let body = vec![b'x'; 1 << 20];
    c.bench_function("sha256-1m/sha2", |bench| {
        bench.iter(|| black_box(Sha256::digest(black_box(&body))))
    });
}

/// One shared signer, every core signing `get-vanilla`: requests per second
/// compared with one thread.
fn bench_threads(c: &mut Criterion) {
    let signer = Arc::new(Signer::new(
        Credentials::new(AKID, SECRET, None::<String>),
        REGION,
        "service",
    ));
    let request = Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(Vec::new())
        .unwrap();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut group = c.benchmark_group("threads-get-vanilla");
    for n in [1, threads] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("http-sigv4/{n}-threads"), |bench| {
            bench.iter_custom(|iters| {
                let start = Instant::now();
                std::thread::scope(|scope| {
                    for _ in 0..n {
                        let signer = Arc::clone(&signer);
                        let request = &request;
                        scope.spawn(move || {
                            for _ in 0..iters {
                                let mut req = request.clone();
                                black_box(signer.sign_at(&mut req, time()).expect("signs"));
                            }
                        });
                    }
                });
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = bench_cases, bench_sha256_floor, bench_threads, bench_verifier, bench_chunked, bench_chunked_check
}
criterion_main!(benches);
