//! The HTTP clients Rust users already use, end to end: each sends signed
//! requests over loopback to the local API Gateway stand-in
//! (`examples/common/gateway.rs`: `tiny_http` on 127.0.0.1, an ephemeral
//! port, verifying with `Verifier`), which answers 200 with an echo of what
//! it verified, or 403.
//!
//! | module | client | how it signs | feature |
//! | --- | --- | --- | --- |
//! | `with_tower` | hyper-util's legacy `Client` under tower's `ServiceBuilder` | `SigningLayer` | `tower` |
//! | `with_reqwest` | reqwest 0.13 | `SignReqwest::sign_reqwest` | `reqwest` |
//! | `with_reqwest_middleware` | reqwest-middleware 0.5 | `SigningMiddleware` | `reqwest-middleware` |
//! | `with_hyper` | hyper 1's `client::conn::http1` | `sign(&mut req)`, no adapter | `bytes` (default) |
//! | `with_ureq` | ureq 3's `Agent::run` | `sign(&mut req)`, no adapter | — |
//!
//! Each module sends a POST with a body, a GET with a query, a retry that is
//! signed again, and requests the server must reject; the long-running
//! clients also pick up rotated credentials from a provider.
//!
//! Every test starts its own gateway and stops it (waiting at most 5 s);
//! every HTTP call is bounded by [`TIMEOUT`], no proxy is used, and nothing
//! leaves 127.0.0.1.

// Without default features only the ureq module runs, and the async
// helpers sit unused.
#![cfg_attr(not(feature = "bytes"), allow(dead_code))]

use std::rc::Rc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_sigv4::{CachingProvider, Credentials, Error, ProvideCredentials};

#[path = "../examples/common/gateway.rs"]
mod gateway;

// Signs `http::Request<Bytes>`: the `bytes` feature (a default one).
#[cfg(feature = "bytes")]
#[path = "clients/hyper.rs"]
mod with_hyper;
#[cfg(feature = "reqwest")]
#[path = "clients/reqwest.rs"]
mod with_reqwest;
#[cfg(feature = "reqwest-middleware")]
#[path = "clients/reqwest_middleware.rs"]
mod with_reqwest_middleware;
#[cfg(feature = "tower")]
#[path = "clients/tower.rs"]
mod with_tower;
#[path = "clients/ureq.rs"]
mod with_ureq;

use gateway::Gateway;

/// Every HTTP exchange gives up after this long.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A JSON body for the POSTs.
const PET: &str = r#"{"name":"Rex","type":"dog","price":249.99}"#;

/// A query with a space as `%20`, a literal plus as `%2B`, a raw `+` (a
/// space to SigV4) and an empty value, which must arrive and verify byte
/// for byte.
const QUERY: &str = "type=dog&page=2&q=hello%20world&tag=a%2Bb&plus=a+b&empty=";

/// The API Gateway error message for a signature mismatch.
const SIGNATURE_MISMATCH: &str =
    "The request signature we calculated does not match the signature you provided";

/// Runs `test` against a fresh gateway on a current-thread tokio runtime,
/// then stops the gateway (and checks that it stopped).
fn with_gateway<F, Fut>(test: F)
where
    F: FnOnce(Rc<Gateway>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let gateway = Rc::new(Gateway::start().expect("start the gateway"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        tokio::time::timeout(4 * TIMEOUT, test(Rc::clone(&gateway)))
            .await
            .expect("the test finished in time")
    });
    drop(runtime);
    Rc::try_unwrap(gateway)
        .ok()
        .expect("the test released the gateway")
        .stop()
        .expect("stop the gateway");
}

/// The gateway's answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    /// The `x-amzn-ErrorType` of a rejection.
    error_type: Option<String>,
    /// The echo of a verified request, or `{"message": ...}`.
    json: serde_json::Value,
}

impl Reply {
    fn new(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Reply {
        Reply {
            status,
            error_type: headers
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            json: serde_json::from_slice(body)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body))),
        }
    }

    fn message(&self) -> &str {
        self.json["message"].as_str().unwrap_or_default()
    }

    #[track_caller]
    fn assert_accepted(&self, access_key_id: &str) {
        assert_eq!(self.status, 200, "{:#}", self.json);
        assert_eq!(self.error_type, None);
        assert_eq!(self.json["access_key_id"], access_key_id, "{:#}", self.json);
    }

    #[track_caller]
    fn assert_rejected(&self, error_type: &str, message_part: &str) {
        assert_eq!(self.status, 403, "{:#}", self.json);
        assert_eq!(
            self.error_type.as_deref(),
            Some(error_type),
            "{:#}",
            self.json
        );
        assert!(
            self.message().contains(message_part),
            "expected {message_part:?} in {:?}",
            self.message()
        );
    }

    /// The names of the headers that were signed.
    fn signed_headers(&self) -> Vec<&str> {
        self.json["signed_headers"]
            .as_array()
            .map(|names| names.iter().filter_map(|n| n.as_str()).collect())
            .unwrap_or_default()
    }
}

/// Credentials the gateway does not know.
fn unknown_credentials() -> Credentials {
    Credentials::new(
        "AKIDUNKNOWN",
        "not-a-secret-the-gateway-knows",
        None::<String>,
    )
}

/// A provider that hands out `sequence` in order (then its last element for
/// good), and counts its calls: a rotation that the first attempt of a
/// retried request missed.
#[derive(Clone)]
struct Sequence {
    sequence: Arc<Vec<Credentials>>,
    calls: Arc<AtomicUsize>,
}

impl Sequence {
    fn new(sequence: Vec<Credentials>) -> Sequence {
        Sequence {
            sequence: Arc::new(sequence),
            calls: Arc::default(),
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Sequence {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(self.sequence[n.min(self.sequence.len() - 1)].clone())
    }
}

/// Refreshing credentials: a [`CachingProvider`] over a source that returns
/// the long-term credentials valid for an hour, then the temporary ones, on
/// a clock the test moves forward ([`Rotation::advance`]).
struct Rotation {
    provider: CachingProvider,
    offset_secs: Arc<AtomicU64>,
}

impl Rotation {
    fn new() -> Rotation {
        let start = SystemTime::now();
        let fetched = Arc::new(AtomicUsize::new(0));
        let source = move || {
            let n = fetched.fetch_add(1, Ordering::SeqCst);
            let expiry = start + Duration::from_secs(3600 * (n as u64 + 1));
            let creds = match n {
                0 => gateway::long_term_credentials(),
                _ => gateway::temporary_credentials(),
            };
            Ok(creds.with_expiry(expiry))
        };
        let offset_secs = Arc::new(AtomicU64::new(0));
        let clock = {
            let offset = Arc::clone(&offset_secs);
            move || start + Duration::from_secs(offset.load(Ordering::SeqCst))
        };
        Rotation {
            provider: CachingProvider::new(source).clock(clock),
            offset_secs,
        }
    }

    /// Moves the provider's clock to the first credentials' expiry: the
    /// next signature waits for the rotated ones. (Within the refresh
    /// margin, it would still get the first ones while a refresh runs in
    /// the background.)
    fn advance(&self) {
        self.offset_secs.store(3600, Ordering::SeqCst);
    }
}
