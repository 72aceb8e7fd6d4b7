//! Heap allocations per signature, counted by a global allocator that counts
//! only the current thread's allocations (a count, not a timing, so it is
//! stable enough for `cargo test`).
//!
//! The target (issue 5): at most 4 allocations to sign the `get-vanilla`
//! request: the one buffer holding the canonical request, string to sign and
//! signature, the `authorization` and `x-amz-date` header values, and at
//! most one more. Verifying that request (issue 15) is bounded too; see
//! `verifying_get_vanilla_allocates_a_bounded_few`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, UNIX_EPOCH};

use http_sigv4::{ApiGatewaySigner, Credentials, Signer, Verifier};

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the thread-local may be gone while a thread exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a const-initialized thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

fn creds() -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None::<String>,
    )
}

fn time() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

#[test]
fn get_vanilla_signs_with_at_most_four_allocations() {
    let signer = Signer::new(creds(), "us-east-1", "service");
    let request = http::Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(())
        .unwrap();
    // The first signature of the day derives and caches the signing key.
    signer.sign_at(&mut request.clone(), time()).unwrap();

    let mut req = request.clone();
    let mut signature = String::with_capacity(64);
    let n = allocations_during(|| {
        let out = signer.sign_at(&mut req, time()).unwrap();
        signature.push_str(out.signature());
    });
    // The signature AWS publishes for get-vanilla: the count is of a correct
    // signing, not of a shortcut.
    assert_eq!(
        signature,
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    assert!(n <= 4, "{n} allocations");
}

#[test]
fn api_gateway_post_allocations_do_not_grow_with_the_body() {
    let signer = ApiGatewaySigner::new(creds(), "us-east-1");
    let count = |body: Vec<u8>| {
        let request =
            http::Request::post("https://abc.execute-api.us-east-1.amazonaws.com/prod/items")
                .header("content-type", "application/json")
                .header("content-length", body.len().to_string())
                .body(body)
                .unwrap();
        signer.sign_at(&mut request.clone(), time()).unwrap();
        let mut req = request.clone();
        allocations_during(|| {
            signer.sign_at(&mut req, time()).unwrap();
        })
    };
    let small = count(vec![b'x'; 1024]);
    let large = count(vec![b'x'; 1 << 20]);
    assert_eq!(small, large, "the body is hashed in place, never copied");
    assert!(small <= 8, "{small} allocations");
}

/// Verifying the AWS suite's signed `get-vanilla` request (its published
/// `Authorization` header, not one this crate wrote), with the signing key
/// already cached: 10 allocations. The parsed access key id, date, region,
/// service and signed-headers list with its two names (the
/// `VerifiedRequest` keeps all but the date), the canonical request, the
/// scope and the string to sign (both moved into the result, not copied).
#[test]
fn verifying_get_vanilla_allocates_a_bounded_few() {
    // As a server's lookup does: hand out a clone of credentials it holds.
    let known = creds();
    let lookup = move |akid: &str| (akid == "AKIDEXAMPLE").then(|| known.clone());
    let verifier = Verifier::new(lookup, "us-east-1", "service");
    // aws-signing-test-suite/v4/get-vanilla/header-signed-request.txt
    let request = http::Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .header("x-amz-date", "20150830T123600Z")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        )
        .body(())
        .unwrap();
    // The first check of the day derives and caches the signing key.
    verifier.verify_at(&request, time()).unwrap();

    let mut verified = None;
    let n = allocations_during(|| {
        verified = Some(verifier.verify_at(&request, time()));
    });
    let verified = verified.unwrap().expect("AWS's signature verifies");
    assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(verified.signed_headers(), ["host", "x-amz-date"]);
    eprintln!("{n} allocations to verify get-vanilla");
    assert!(n <= 10, "{n} allocations");

    // A wrong signature is refused after about the same work.
    let mut bad = request.clone();
    let line = bad.headers()["authorization"]
        .to_str()
        .unwrap()
        .replace("bf31", "bf30");
    bad.headers_mut()
        .insert("authorization", line.parse().unwrap());
    assert!(verifier.verify_at(&bad, time()).is_err());
}

/// Verifying the AWS suite's presigned `get-vanilla` URL (its published
/// query, not one this crate wrote), with the signing key already cached:
/// 11 allocations (14 before the query was read in one pass). The decoded
/// credential, the parsed access key id, date, region, service and
/// signed-headers list with its name, the list of the query's parameters,
/// the canonical request, the scope and the string to sign.
#[test]
fn verifying_a_presigned_url_allocates_a_bounded_few() {
    let known = creds();
    let lookup = move |akid: &str| (akid == "AKIDEXAMPLE").then(|| known.clone());
    let verifier = Verifier::new(lookup, "us-east-1", "service");
    // aws-signing-test-suite/v4/get-vanilla/query-signed-request.txt
    let request = http::Request::get(
        "https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
         &X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600\
         &X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
    )
    .header("host", "example.amazonaws.com")
    .body(())
    .unwrap();
    verifier.verify_at(&request, time()).unwrap();

    let mut verified = None;
    let n = allocations_during(|| {
        verified = Some(verifier.verify_at(&request, time()));
    });
    let verified = verified.unwrap().expect("AWS's signature verifies");
    assert!(verified.is_presigned());
    assert_eq!(verified.signed_headers(), ["host"]);
    eprintln!("{n} allocations to verify a presigned get-vanilla");
    assert!(n <= 11, "{n} allocations");

    // One wrong signature digit is refused.
    let bad: http::Uri = request
        .uri()
        .to_string()
        .replace("865d", "865e")
        .parse()
        .unwrap();
    let mut bad_request = request.clone();
    *bad_request.uri_mut() = bad;
    assert!(verifier.verify_at(&bad_request, time()).is_err());
}
