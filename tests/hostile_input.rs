//! Hostile input: what a careless caller or an attacker can hand the signer
//! and the verifier. Every case ends in a typed error or a correct
//! signature, never a panic, and work grows linearly with the input.
//!
//! The first section holds the crashes the fuzz targets in `fuzz/` found,
//! minimized (see `fuzz/README.md`); each names its target.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderValue, Request, Version};
use http_sigv4::{Credentials, Error, Malformed, Signer, SigningOutput, Verifier};
use sha2::{Digest, Sha256};

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

/// A signed `GET https://example.amazonaws.com/` at the suite's time, with
/// `headers` added before signing.
fn signed(headers: &[(&str, &str)]) -> Request<Vec<u8>> {
    let mut req = get("https://example.amazonaws.com/");
    for (name, value) in headers {
        req.headers_mut().append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    signer().sign_at(&mut req, suite_time()).unwrap();
    req
}

/// The same request presigned for an hour.
fn presigned() -> Request<Vec<u8>> {
    let mut req = get("https://example.amazonaws.com/");
    signer()
        .presign_at(&mut req, Duration::from_secs(3600), suite_time())
        .unwrap();
    req
}

fn verify(req: &Request<Vec<u8>>) -> Result<(), Error> {
    verifier().verify_at(req, suite_time()).map(|_| ())
}

fn malformed(m: Malformed) -> Result<(), Error> {
    Err(Error::Malformed(m))
}

fn set_header(req: &mut Request<Vec<u8>>, name: &'static str, value: &[u8]) {
    req.headers_mut()
        .insert(name, HeaderValue::from_bytes(value).unwrap());
}

fn with_query(req: &Request<Vec<u8>>, query: &str) -> Request<Vec<u8>> {
    let mut out = req.clone();
    *out.uri_mut() = format!("https://example.amazonaws.com/?{query}")
        .parse()
        .unwrap();
    out
}

/// The signature of `canonical_request` at the suite's time, computed here
/// from the AWS definition, independently of the crate.
fn independent_signature(canonical_request: &str) -> String {
    let hmac = |key: &[u8], data: &[u8]| {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    };
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/{REGION}/{SERVICE}/aws4_request\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{SECRET}").as_bytes(), b"20150830");
    for part in [REGION, SERVICE, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    hex::encode(hmac(&key, string_to_sign.as_bytes()))
}

/// Asserts that `out` is the signature of exactly `canonical_request`.
fn assert_signed_as(out: &SigningOutput, canonical_request: &str) {
    assert!(
        out.canonical_request() == canonical_request,
        "canonical request differs (lengths {} and {})",
        out.canonical_request().len(),
        canonical_request.len()
    );
    assert_eq!(out.signature(), independent_signature(canonical_request));
}

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// ---- Measuring cost: bytes allocated (exact) and time (generous) ----

/// Counts the bytes each thread allocates: tests run on parallel threads.
struct CountingAllocator;

thread_local! {
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    // `try_with`: the thread-local may be gone while a thread exits.
    let _ = ALLOCATED.try_with(|a| a.set(a.get() + bytes as u64));
}

// SAFETY: every call is forwarded to `System` with the same arguments.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// What one run of an operation costs: bytes allocated (the same on every
/// run) and the fastest of three runs.
#[derive(Debug, Clone, Copy)]
struct Cost {
    bytes: u64,
    time: Duration,
}

/// Runs `small` and `large` (an input `factor` times larger) three times
/// each, interleaved, and asserts that the large one costs at most
/// `factor * 1.5` times the bytes and `factor * 5` times the time of the
/// small one: linear growth passes with a wide margin, quadratic growth
/// (`factor²`) fails. The time bound is that generous so that a busy
/// machine cannot fail it; the byte count is exact.
fn assert_linear(what: &str, factor: u64, small: impl Fn(), large: impl Fn()) {
    let measure = |f: &dyn Fn(), cost: &mut Option<Cost>| {
        let before = ALLOCATED.with(Cell::get);
        let start = Instant::now();
        f();
        let time = start.elapsed();
        let bytes = ALLOCATED.with(Cell::get) - before;
        let best = cost.map_or(time, |c| c.time.min(time));
        *cost = Some(Cost { bytes, time: best });
    };
    let (mut s, mut l) = (None, None);
    for _ in 0..3 {
        measure(&small, &mut s);
        measure(&large, &mut l);
    }
    let (s, l) = (s.unwrap(), l.unwrap());
    eprintln!("{what}: small {s:?}, {factor}x larger {l:?}");
    assert!(
        l.bytes * 2 <= s.bytes * factor * 3,
        "{what}: {factor}x the input allocated {}x the bytes ({s:?} vs {l:?})",
        l.bytes / s.bytes.max(1)
    );
    assert!(
        l.time <= s.time.max(Duration::from_micros(50)) * (factor as u32 * 5),
        "{what}: {factor}x the input took {:.1}x the time ({s:?} vs {l:?})",
        l.time.as_secs_f64() / s.time.as_secs_f64()
    );
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
    // Userinfo is signed by no one (the signer drops it): a server refuses
    // a URI that carries it.
    let mut req = get("https://user@[::1]:443/");
    *req.version_mut() = Version::HTTP_2;
    signer().sign_at(&mut req, suite_time()).unwrap();
    assert_eq!(
        verifier().verify_at(&req, suite_time()).map(|_| ()),
        Err(Error::UserinfoInUri)
    );
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

// ---- Signing: control characters, obs-text, very large inputs ----

/// `http` lets a header value hold tabs and bytes 0x80–0xFF (obs-text) but
/// no other control character. Tabs are trimmed and folded like spaces
/// (as botocore and aws-c-auth do) and UTF-8 obs-text is signed as its
/// bytes; both verify.
#[test]
fn tabs_fold_and_utf8_obs_text_signs_as_it_is_and_verifies() {
    for bad in [&b"a\x00b"[..], b"a\rb", b"a\nb", b"\x7f", b"\x1b[0m"] {
        assert!(HeaderValue::from_bytes(bad).is_err(), "{bad:?}");
    }
    let mut req = get("https://example.amazonaws.com/");
    set_header(&mut req, "x-tab", b"\ta\t b\t");
    set_header(&mut req, "x-utf8", "caf\u{e9} \u{1f980}".as_bytes());
    let out = signer().sign_at(&mut req, suite_time()).unwrap();
    assert_signed_as(
        &out,
        &format!(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\
             x-tab:a b\nx-utf8:caf\u{e9} \u{1f980}\n\n\
             host;x-amz-date;x-tab;x-utf8\n{EMPTY_SHA256}"
        ),
    );
    assert_eq!(verify(&req), Ok(()));
}

/// Bytes that are not UTF-8 cannot be put in a canonical request (a
/// string): a typed error on either side, naming the header. Unsigned
/// headers may hold anything.
#[test]
fn non_utf8_obs_text_is_a_typed_error_when_signed_and_ignored_when_not() {
    let mut req = signed(&[("x-signed", "v")]);
    set_header(&mut req, "user-agent", b"agent/\xff\xfe");
    assert_eq!(verify(&req), Ok(()));
    set_header(&mut req, "x-signed", b"caf\xe9");
    assert_eq!(
        verify(&req),
        Err(Error::InvalidHeaderValue {
            name: "x-signed".into()
        })
    );
}

/// A 1 MiB header value, with runs of spaces to fold and tabs to keep.
fn big_value(len: usize) -> String {
    "ab   c\td ".repeat(len / 10)
}

fn fold_spaces(value: &str) -> String {
    value
        .split([' ', '\t'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn sign_and_verify(req: &mut Request<Vec<u8>>) -> SigningOutput {
    let out = signer().sign_at(req, suite_time()).unwrap();
    assert_eq!(verify(req), Ok(()));
    out
}

#[test]
fn one_mib_header_value_signs_correctly_and_verifies() {
    let value = big_value(1 << 20);
    let mut req = signed(&[]);
    set_header(&mut req, "x-big", value.as_bytes());
    let out = sign_and_verify(&mut req);
    assert_signed_as(
        &out,
        &format!(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-big:{}\n\n\
             host;x-amz-date;x-big\n{EMPTY_SHA256}",
            fold_spaces(&value)
        ),
    );
    let with_value = |len: usize| {
        let value = big_value(len);
        move || {
            let mut req = get("https://example.amazonaws.com/");
            set_header(&mut req, "x-big", value.as_bytes());
            sign_and_verify(&mut req);
        }
    };
    assert_linear(
        "a header value",
        10,
        with_value(100 << 10),
        with_value(1000 << 10),
    );
}

/// `n` headers `x-h00000: v0` …, and one header with `n` values.
fn many_headers(n: usize) -> Request<Vec<u8>> {
    let mut req = get("https://example.amazonaws.com/");
    for i in 0..n {
        let name = http::HeaderName::from_bytes(format!("x-h{i:05}").as_bytes()).unwrap();
        let value = HeaderValue::from_str(&format!("v{i}")).unwrap();
        req.headers_mut().insert(name, value.clone());
        req.headers_mut().append("x-multi", value);
    }
    req
}

#[test]
fn ten_thousand_headers_sign_correctly_and_verify() {
    let n = 10_000;
    let mut req = many_headers(n);
    let out = sign_and_verify(&mut req);
    let names: Vec<String> = (0..n).map(|i| format!("x-h{i:05}")).collect();
    let lines: String = names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{name}:v{i}\n"))
        .collect();
    let values: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    assert_signed_as(
        &out,
        &format!(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n{lines}\
             x-multi:{}\n\nhost;x-amz-date;{};x-multi\n{EMPTY_SHA256}",
            values.join(","),
            names.join(";")
        ),
    );
    let with_headers = |n: usize| {
        let req = many_headers(n);
        move || {
            sign_and_verify(&mut req.clone());
        }
    };
    assert_linear("headers", 10, with_headers(1_000), with_headers(10_000));
}

/// `n` query parameters `0000=+` … (`n` ≤ 65536) in reverse order of
/// their names, so that canonicalization has to sort them.
fn many_params(n: usize) -> Request<Vec<u8>> {
    let query: Vec<String> = (0..n).rev().map(|i| format!("{i:04x}=+")).collect();
    get(&format!(
        "https://example.amazonaws.com/?{}",
        query.join("&")
    ))
}

/// `http` caps a URI at 65,534 bytes, so 100,000 parameters cannot reach
/// the signer (nor a server built on `http`); the largest query that fits
/// (8,000 parameters, about 64 KiB) signs and verifies, presigned too.
#[test]
fn largest_query_http_allows_signs_correctly_and_verifies() {
    let hundred_thousand = "a&".repeat(100_000);
    let uri = format!("https://example.amazonaws.com/?{hundred_thousand}");
    assert!(uri.parse::<http::Uri>().is_err());

    let n = 8_000;
    let mut req = many_params(n);
    let out = sign_and_verify(&mut req);
    let query: Vec<String> = (0..n).map(|i| format!("{i:04x}=%20")).collect();
    assert_signed_as(
        &out,
        &format!(
            "GET\n/\n{}\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
             host;x-amz-date\n{EMPTY_SHA256}",
            query.join("&")
        ),
    );
    let mut url = many_params(n);
    signer()
        .presign_at(&mut url, Duration::from_secs(60), suite_time())
        .unwrap();
    assert_eq!(verify(&url), Ok(()));

    let with_params = |n: usize| {
        let req = many_params(n);
        move || {
            sign_and_verify(&mut req.clone());
        }
    };
    assert_linear("query parameters", 10, with_params(800), with_params(8_000));
}

// ---- Verifying: malformed, repeated, truncated, oversized ----

/// Every proper prefix of a valid Authorization header is malformed (never
/// a panic, never accepted, never a signature mismatch).
#[test]
fn authorization_truncated_at_every_byte_is_malformed() {
    let req = signed(&[]);
    let full = req.headers()["authorization"].to_str().unwrap().to_owned();
    let signature_at = full.find("Signature=").unwrap() + "Signature=".len();
    for end in 0..full.len() {
        let mut cut = req.clone();
        set_header(&mut cut, "authorization", &full.as_bytes()[..end]);
        let result = verify(&cut);
        assert!(
            matches!(result, Err(Error::Malformed(_))),
            "{end}: {result:?}"
        );
        let expected = match end {
            0..16 => Some(Malformed::UnknownAlgorithm),
            _ if end >= signature_at => Some(Malformed::InvalidSignature),
            _ => None,
        };
        if let Some(m) = expected {
            assert_eq!(result, malformed(m), "{:?}", &full[..end]);
        }
    }
    assert_eq!(verify(&req), Ok(()));
}

/// Every proper prefix of a presigned URL's query is malformed.
#[test]
fn presigned_query_truncated_at_every_byte_is_malformed() {
    let req = presigned();
    let full = req.uri().query().unwrap().to_owned();
    for end in 0..full.len() {
        let result = verify(&with_query(&req, &full[..end]));
        assert!(
            matches!(result, Err(Error::Malformed(_))),
            "{end}: {result:?}"
        );
    }
    assert_eq!(verify(&with_query(&req, &full)), Ok(()));
}

#[test]
fn repeated_headers_are_rejected_by_name() {
    let req = signed(&[]);
    let authorization = req.headers()["authorization"].clone();
    let date = req.headers()["x-amz-date"].clone();
    for (name, value, kind) in [
        ("authorization", authorization.clone(), "authorization"),
        ("x-amz-date", date, "x-amz-date"),
        (
            "x-amz-security-token",
            HeaderValue::from_static("t"),
            "x-amz-security-token",
        ),
    ] {
        let mut twice = req.clone();
        twice.headers_mut().append(name, value.clone());
        twice.headers_mut().append(name, value);
        assert_eq!(
            verify(&twice),
            malformed(Malformed::Repeated { name: kind }),
            "{name}"
        );
    }
    let mut dated = req.clone();
    dated.headers_mut().remove("x-amz-date");
    let http_date = HeaderValue::from_static("Sun, 30 Aug 2015 12:36:00 GMT");
    dated.headers_mut().append("date", http_date.clone());
    dated.headers_mut().append("date", http_date);
    assert_eq!(
        verify(&dated),
        malformed(Malformed::Repeated { name: "date" })
    );

    // A proxy that folds two Authorization headers into one line.
    let mut folded = req.clone();
    let line = format!("{0}, {0}", authorization.to_str().unwrap());
    set_header(&mut folded, "authorization", line.as_bytes());
    assert_eq!(verify(&folded), malformed(Malformed::UnexpectedComponent));
}

#[test]
fn repeated_presigned_parameters_are_rejected_by_name() {
    let mut req = get("https://example.amazonaws.com/");
    Signer::new(
        Credentials::new(AKID, SECRET, Some("TOKEN".to_owned())),
        REGION,
        SERVICE,
    )
    .presign_at(&mut req, Duration::from_secs(60), suite_time())
    .unwrap();
    let query = req.uri().query().unwrap().to_owned();
    for piece in query.split('&') {
        let name = piece.split_once('=').unwrap().0;
        let kind = match verify(&with_query(&req, &format!("{query}&{piece}"))) {
            Err(Error::Malformed(Malformed::Repeated { name })) => name,
            other => panic!("{piece}: {other:?}"),
        };
        assert_eq!(kind, name);
    }
}

#[test]
fn unknown_algorithms_are_rejected() {
    let req = signed(&[]);
    let full = req.headers()["authorization"].to_str().unwrap().to_owned();
    let rest = full.strip_prefix("AWS4-HMAC-SHA256").unwrap();
    // SigV4a's algorithm is known when the `sigv4a` feature is on.
    let sigv4a_known = cfg!(feature = "sigv4a");
    let algorithms = [
        "aws4-hmac-sha256",
        "AWS4-ECDSA-P256-SHA256",
        "AWS4-HMAC-SHA256\t",
        "AWS",
    ];
    for algorithm in algorithms
        .into_iter()
        .filter(|a| !(sigv4a_known && *a == "AWS4-ECDSA-P256-SHA256"))
    {
        let mut other = req.clone();
        set_header(
            &mut other,
            "authorization",
            format!("{algorithm}{rest}").as_bytes(),
        );
        assert_eq!(
            verify(&other),
            malformed(Malformed::UnknownAlgorithm),
            "{algorithm}"
        );
    }
    let url = presigned();
    let other = if sigv4a_known {
        "AWS4-HMAC-SHA512"
    } else {
        "AWS4-ECDSA-P256-SHA256"
    };
    let query = url
        .uri()
        .query()
        .unwrap()
        .replace("AWS4-HMAC-SHA256", other);
    assert_eq!(
        verify(&with_query(&url, &query)),
        malformed(Malformed::UnknownAlgorithm)
    );
}

/// The presigned counterparts of the Authorization header checks in
/// `src/verify/authentication.rs`.
#[test]
fn presigned_scope_signed_headers_and_expiry_defects() {
    let url = presigned();
    let query = url.uri().query().unwrap().to_owned();
    let changed = |from: &str, to: &str| {
        assert!(query.contains(from), "{from}");
        verify(&with_query(&url, &query.replace(from, to)))
    };
    assert_eq!(
        changed("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date"),
        malformed(Malformed::HostNotSigned)
    );
    assert_eq!(
        changed(
            "X-Amz-SignedHeaders=host",
            "X-Amz-SignedHeaders=host%3Bx-absent"
        ),
        malformed(Malformed::SignedHeaderMissing {
            name: "x-absent".into()
        })
    );
    assert_eq!(
        changed(
            "X-Amz-SignedHeaders=host",
            "X-Amz-SignedHeaders=host%3Bhost"
        ),
        malformed(Malformed::InvalidSignedHeaders)
    );
    assert_eq!(
        changed("%2F20150830%2F", "%2F20150831%2F"),
        malformed(Malformed::ScopeDateMismatch)
    );
    assert_eq!(
        changed("X-Amz-Date=20150830T123600Z", "X-Amz-Date=20150830T123600"),
        malformed(Malformed::InvalidDate)
    );
    assert_eq!(
        changed("X-Amz-Expires=3600", "X-Amz-Expires=604801"),
        malformed(Malformed::InvalidExpires)
    );
    assert_eq!(
        changed("X-Amz-Expires=3600", "X-Amz-Expires=18446744073709551616"),
        malformed(Malformed::InvalidExpires)
    );
    assert!(matches!(
        changed("X-Amz-Expires=3600", "X-Amz-Expires=604800"),
        Err(Error::SignatureMismatch { .. })
    ));
}

/// Signatures that are not 64 lowercase hex digits, in both forms; 64 hex
/// digits that are wrong are a mismatch, not malformed.
#[test]
fn signatures_of_the_wrong_length_or_not_hex_are_malformed() {
    let req = signed(&[]);
    let full = req.headers()["authorization"].to_str().unwrap().to_owned();
    let (head, good) = full.split_at(full.find("Signature=").unwrap() + "Signature=".len());
    let url = presigned();
    let query = url.uri().query().unwrap().to_owned();
    let (qhead, qgood) = query.split_at(query.find("X-Amz-Signature=").unwrap() + 16);
    let bad = [
        String::new(),
        good[..63].to_owned(),
        format!("{good}0"),
        good.repeat(2),
        format!("{} ", &good[..63]),
        good.replace(|c: char| c.is_ascii_digit(), "g"),
    ];
    for sig in &bad {
        let mut r = req.clone();
        set_header(&mut r, "authorization", format!("{head}{sig}").as_bytes());
        assert_eq!(
            verify(&r),
            malformed(Malformed::InvalidSignature),
            "{sig:?}"
        );
        let encoded: String =
            percent_encoding::utf8_percent_encode(sig, percent_encoding::NON_ALPHANUMERIC)
                .collect();
        let q = format!("{qhead}{encoded}");
        assert_eq!(
            verify(&with_query(&url, &q)),
            malformed(Malformed::InvalidSignature),
            "{sig:?}"
        );
    }
    // 64 bytes, not ASCII: a header must be ASCII to be read at all.
    let accented = format!("{head}{}\u{e9}", &good[..62]);
    let mut r = req.clone();
    set_header(&mut r, "authorization", accented.as_bytes());
    assert_eq!(verify(&r), malformed(Malformed::UnexpectedComponent));
    let q = format!("{qhead}{}%C3%A9", &qgood[..62]);
    assert_eq!(
        verify(&with_query(&url, &q)),
        malformed(Malformed::InvalidSignature)
    );

    let wrong = format!("{head}{}", "0".repeat(64));
    let mut r = req.clone();
    set_header(&mut r, "authorization", wrong.as_bytes());
    assert!(matches!(verify(&r), Err(Error::SignatureMismatch { .. })));
}

/// Bytes that are not UTF-8 in each part the verifier reads: the error
/// names the part.
#[test]
fn non_utf8_authentication_parts_have_their_own_error_kinds() {
    let req = signed(&[]);
    let mut r = req.clone();
    set_header(&mut r, "authorization", b"AWS4-HMAC-SHA256 Credential=\xff");
    assert_eq!(verify(&r), malformed(Malformed::UnexpectedComponent));
    let mut r = req.clone();
    set_header(&mut r, "x-amz-date", b"20150830T12360\xff");
    assert_eq!(verify(&r), malformed(Malformed::InvalidDate));
    // Unsigned `x-amz-*` headers are refused first; allowed, their values
    // are read.
    let lenient = verifier()
        .allow_unsigned_header(http::HeaderName::from_static("x-amz-security-token"))
        .allow_unsigned_header(http::HeaderName::from_static("x-amz-content-sha256"));
    let mut r = req.clone();
    set_header(&mut r, "x-amz-security-token", b"t\xff");
    assert_eq!(
        verify(&r),
        Err(Error::UnsignedHeader {
            name: "x-amz-security-token".into()
        })
    );
    assert_eq!(
        lenient.verify_at(&r, suite_time()).map(|_| ()),
        Err(Error::SessionTokenMismatch)
    );
    let mut r = req.clone();
    set_header(&mut r, "x-amz-content-sha256", b"\xff");
    assert_eq!(
        lenient.verify_at(&r, suite_time()).map(|_| ()),
        malformed(Malformed::InvalidContentSha256)
    );

    let url = presigned();
    let query = url.uri().query().unwrap().to_owned();
    for (param, kind) in [
        ("X-Amz-Algorithm", Malformed::UnknownAlgorithm),
        ("X-Amz-Credential", Malformed::InvalidCredential),
        ("X-Amz-Date", Malformed::InvalidDate),
        ("X-Amz-Expires", Malformed::InvalidExpires),
        ("X-Amz-SignedHeaders", Malformed::InvalidSignedHeaders),
        ("X-Amz-Signature", Malformed::InvalidSignature),
    ] {
        let q: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((n, v)) if n == param => format!("{n}=%FF{v}"),
                _ => p.to_owned(),
            })
            .collect();
        assert_eq!(
            verify(&with_query(&url, &q.join("&"))),
            malformed(kind),
            "{param}"
        );
    }
    let q = format!("{query}&X-Amz-Security-Token=%FF");
    assert_eq!(
        verify(&with_query(&url, &q)),
        Err(Error::SessionTokenMismatch)
    );
}

/// A 1 MiB Authorization header in a few shapes: each a typed error.
#[test]
fn one_mib_authorization_headers_are_typed_errors() {
    let req = signed(&[]);
    let full = req.headers()["authorization"].to_str().unwrap().to_owned();
    let mib = 1 << 20;
    let names: Vec<String> = (0..mib / 8).map(|i| format!("i{i:06}")).collect();
    let cases = [
        (", ".repeat(mib / 2), Malformed::UnknownAlgorithm),
        (
            format!("AWS4-HMAC-SHA256 {}", ",".repeat(mib)),
            Malformed::UnexpectedComponent,
        ),
        (
            full.replace(
                "Credential=AKIDEXAMPLE/",
                &format!("Credential={}/", "/".repeat(mib)),
            ),
            Malformed::InvalidCredential,
        ),
        (
            full.replace(
                "SignedHeaders=host;x-amz-date",
                &format!("SignedHeaders=host;{};x-amz-date", names.join(";")),
            ),
            Malformed::SignedHeaderMissing {
                name: "i000000".into(),
            },
        ),
        (
            format!("{full}{}", "0".repeat(mib)),
            Malformed::InvalidSignature,
        ),
    ];
    for (value, kind) in cases {
        let mut r = req.clone();
        set_header(&mut r, "authorization", value.as_bytes());
        assert_eq!(verify(&r), malformed(kind));
    }
    let mut r = req.clone();
    let akid = "A".repeat(mib);
    set_header(
        &mut r,
        "authorization",
        full.replace(AKID, &akid).as_bytes(),
    );
    // Longer than any access key id: refused before the lookup.
    assert_eq!(
        verify(&r),
        malformed(Malformed::ForbiddenCharacter {
            field: "access key id"
        })
    );
}

/// A request listing every one of its `n` headers, plus one it does not
/// carry: finding that one must not take `n²` steps.
#[test]
fn verifier_cost_is_linear_in_the_signed_headers_list() {
    let listing_an_absent_header = |n: usize| {
        let mut req = many_headers(n);
        signer().sign_at(&mut req, suite_time()).unwrap();
        let line = req.headers()["authorization"]
            .to_str()
            .unwrap()
            .replace(";x-multi", ";x-multi;zz-absent");
        set_header(&mut req, "authorization", line.as_bytes());
        move || {
            let expected = malformed(Malformed::SignedHeaderMissing {
                name: "zz-absent".into(),
            });
            assert_eq!(verify(&req), expected);
        }
    };
    assert_linear(
        "an absent signed header",
        10,
        listing_an_absent_header(1_000),
        listing_an_absent_header(10_000),
    );
}

// ---- Gaps the fuzz targets' round trip found, now closed ----

/// S3 presigned URLs sign `UNSIGNED-PAYLOAD` and carry no
/// `x-amz-content-sha256` header. `Verifier` tries the body's hash first,
/// then the marker (which is under the signature, so nothing the client
/// signed can change).
#[test]
fn s3_style_unsigned_payload_presigned_urls_verify() {
    let s3 = signer().payload(http_sigv4::Payload::Unsigned);
    let mut url = get("https://example.amazonaws.com/key");
    s3.presign_at(&mut url, Duration::from_secs(60), suite_time())
        .unwrap();
    // Accepted when the policy allows it (by default, for service `s3`
    // only: this verifier's service is `service`).
    let allowing = verifier().unsigned_payload(http_sigv4::UnsignedPayloadPolicy::Allowed);
    let verified = allowing.verify_at(&url, suite_time()).unwrap();
    assert_eq!(
        verified.payload(),
        http_sigv4::VerifiedPayload::Unsigned(http_sigv4::UnsignedSource::PresignedUrl)
    );
    assert_eq!(verify(&url), Err(Error::UnsignedPayloadRefused));
}

/// With the default `ContentSha256Header::Omitted`, a caller's own
/// `x-amz-content-sha256` used to be signed as it was while the canonical
/// request ended with the body's hash; a server (AWS or `Verifier`) takes
/// the payload hash from that header, so the request could never verify.
/// The signer now replaces the header's value with the payload hash.
#[test]
fn a_callers_x_amz_content_sha256_is_consistent_with_the_signed_payload() {
    let mut req = get("https://example.amazonaws.com/");
    set_header(&mut req, "x-amz-content-sha256", b"UNSIGNED-PAYLOAD");
    signer().sign_at(&mut req, suite_time()).unwrap();
    assert_eq!(verify(&req), Ok(()));
}
