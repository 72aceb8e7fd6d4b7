//! Signing inside async code while the credentials are being refreshed: a
//! [`CachingProvider`] whose provider takes seconds to refresh must not hold
//! up a signer on a tokio runtime while the cached credentials still work,
//! so a `tokio::time::timeout` around a signed call fires on time.
//!
//! The provider's first answer (the first load, done before the runtime
//! starts, as the `CachingProvider` docs advise) expires in ten minutes;
//! every later call sleeps [`REFRESH_TAKES`]. With the default five-minute
//! refresh margin, a clock moved six minutes on makes the next signature
//! start a refresh.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, UNIX_EPOCH};

use http_sigv4::{CachingProvider, Credentials, ProvideCredentials, Signer};

/// How long a refresh takes.
const REFRESH_TAKES: Duration = Duration::from_secs(3);

/// The timeout around each signed call.
const TIMEOUT: Duration = Duration::from_millis(200);

/// A cache whose clock the test moves, and how many times its provider ran.
fn slow_cache() -> (CachingProvider, Arc<AtomicU64>, Arc<AtomicUsize>) {
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let source = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        if n > 0 {
            thread::sleep(REFRESH_TAKES);
        }
        Ok(
            Credentials::new(format!("ASIA{n}"), "SECRET", Some("TOKEN".to_owned()))
                .with_expiry(start + Duration::from_secs(600 * (n as u64 + 1))),
        )
    };
    let offset = Arc::new(AtomicU64::new(0));
    let clock = offset.clone();
    let cache = CachingProvider::new(source)
        .clock(move || start + Duration::from_secs(clock.load(Ordering::SeqCst)));
    (cache, offset, calls)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

/// Waits until the background refresh has replaced `ASIA0`.
fn wait_for_refresh(cache: &CachingProvider) {
    let deadline = Instant::now() + REFRESH_TAKES * 10;
    while cache.provide_credentials().unwrap().access_key_id() != "ASIA1" {
        assert!(Instant::now() < deadline, "the refresh never landed");
        thread::sleep(Duration::from_millis(10));
    }
}

fn key_id_in(req: &http::Request<impl Sized>) -> String {
    let auth = req.headers()["authorization"].to_str().unwrap();
    auth.split("Credential=").nth(1).unwrap()[..5].to_owned()
}

#[test]
fn a_timeout_around_signing_fires_on_time_while_the_credentials_refresh() {
    let (cache, offset, calls) = slow_cache();
    // The first load blocks: done before the runtime, as the docs advise.
    assert_eq!(
        cache.provide_credentials().unwrap().access_key_id(),
        "ASIA0"
    );
    let signer = Signer::with_provider(cache.clone(), "us-east-1", "service");
    offset.store(360, Ordering::SeqCst); // within the margin: refresh due

    runtime().block_on(async {
        for _ in 0..3 {
            let started = Instant::now();
            let mut req = http::Request::get("https://example.amazonaws.com/")
                .body(())
                .unwrap();
            // Sign, then wait on the network for longer than the timeout.
            let outcome = tokio::time::timeout(TIMEOUT, async {
                signer.sign(&mut req).unwrap();
                tokio::time::sleep(Duration::from_secs(30)).await;
            })
            .await;
            let took = started.elapsed();
            assert!(outcome.is_err(), "the timeout did not fire");
            assert!(
                took < TIMEOUT + Duration::from_millis(500),
                "the {TIMEOUT:?} timeout fired after {took:?}: signing waited on the refresh"
            );
            assert_eq!(
                key_id_in(&req),
                "ASIA0",
                "signed with the cached credentials"
            );
        }
    });
    // Once the refresh is done, signatures use the new credentials.
    wait_for_refresh(&cache);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one refresh, in the background"
    );
    let mut req = http::Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap();
    signer.sign(&mut req).unwrap();
    assert_eq!(key_id_in(&req), "ASIA1");
}

/// The same under tower's `SigningLayer`, as in the report that found a
/// 200 ms timeout returning only after a 3 s credential helper.
#[cfg(feature = "tower")]
#[test]
fn a_timeout_around_a_signing_layer_fires_on_time_while_the_credentials_refresh() {
    use std::sync::Mutex;

    use bytes::Bytes;
    use http_body_util::Full;
    use http_sigv4::{SignedBody, SigningLayer};
    use tower::{Layer, ServiceExt};

    let (cache, offset, calls) = slow_cache();
    assert_eq!(
        cache.provide_credentials().unwrap().access_key_id(),
        "ASIA0"
    );
    let signer = Signer::with_provider(cache.clone(), "us-east-1", "service");
    offset.store(360, Ordering::SeqCst);

    // A "network" that records the request and never answers in time.
    let seen = Arc::new(Mutex::new(None::<String>));
    let record = seen.clone();
    let network = tower::service_fn(move |req: http::Request<SignedBody<Full<Bytes>>>| {
        *record.lock().unwrap() = Some(key_id_in(&req));
        async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok::<_, std::convert::Infallible>(http::Response::new(()))
        }
    });
    let service = SigningLayer::new(signer).layer(network);

    runtime().block_on(async {
        let started = Instant::now();
        let req = http::Request::post("https://example.amazonaws.com/")
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap();
        let outcome = tokio::time::timeout(TIMEOUT, service.oneshot(req)).await;
        let took = started.elapsed();
        assert!(outcome.is_err(), "the timeout did not fire");
        assert!(
            took < TIMEOUT + Duration::from_millis(500),
            "the {TIMEOUT:?} timeout fired after {took:?}"
        );
    });
    assert_eq!(seen.lock().unwrap().as_deref(), Some("ASIA0"));
    wait_for_refresh(&cache);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one refresh, in the background"
    );
}
