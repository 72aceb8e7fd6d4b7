//! `VerifyLayer` / `Verify` (feature `server`) as a tower service: the head
//! checked before any body read, the body checked as it streams (its
//! verdict at the end), the buffered mode, the extensions, and failures
//! answered as S3 or API Gateway answer them, or passed to the app.
//! (Over loopback with hyper: tests/s3_server.rs.)
#![cfg(feature = "server")]

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Request, Response};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use http_sigv4::{
    ContentSha256Header, Credentials, Error, ErrorStyle, Payload, Signer, UnsignedSource,
    Verification, VerifiedBody, VerifiedPayload, VerifiedRequest, Verifier, VerifyLayer,
};
use tower::{Layer, ServiceExt};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET, None::<String>)
}

fn verifier(service: &str) -> Verifier<impl Fn(&str) -> Option<Credentials> + Send + Sync> {
    Verifier::new(
        |akid: &str| (akid == AKID).then(creds),
        "us-east-1",
        service,
    )
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// A body given in pieces that counts how often it is polled.
struct Counted {
    pieces: Vec<Bytes>,
    polls: Arc<AtomicUsize>,
}

impl Body for Counted {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        this.polls.fetch_add(1, Ordering::SeqCst);
        if this.pieces.is_empty() {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(Frame::data(this.pieces.remove(0)))))
    }
}

/// `req`'s body split in pieces of 3 bytes, with a poll counter.
fn counted(req: Request<Vec<u8>>) -> (Request<Counted>, Arc<AtomicUsize>) {
    let polls = Arc::new(AtomicUsize::new(0));
    let req = req.map(|body| Counted {
        pieces: body.chunks(3).map(Bytes::copy_from_slice).collect(),
        polls: Arc::clone(&polls),
    });
    (req, polls)
}

/// What the app saw.
#[derive(Debug, Default)]
struct Seen {
    calls: usize,
    /// The `Verification` before reading the body.
    before: Option<Option<Result<VerifiedRequest, Error>>>,
    /// The `VerifiedRequest` extension.
    verified: Option<VerifiedRequest>,
    /// The body read, or its error.
    body: Option<Result<Bytes, String>>,
    /// The `Verification` after reading the body.
    after: Option<Option<Result<VerifiedRequest, Error>>>,
    /// A body error, downcast.
    body_error: Option<Error>,
}

/// Sends `req` through the layer to an app that reads the whole body;
/// returns the answer (status, content type, error type, body) and what
/// the app saw.
fn through<B>(
    layer: VerifyLayer<impl Fn(&str) -> Option<Credentials> + Send + Sync + 'static>,
    req: Request<B>,
) -> (Response<Bytes>, Seen)
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let seen = Arc::new(std::sync::Mutex::new(Seen::default()));
    let app = {
        let seen = Arc::clone(&seen);
        tower::service_fn(move |req: Request<VerifiedBody<B>>| {
            let seen = Arc::clone(&seen);
            async move {
                let verification = req.extensions().get::<Verification>().cloned().unwrap();
                let verified = req.extensions().get::<VerifiedRequest>().cloned();
                let before = verification.result();
                let body = req.into_body().collect().await;
                let mut seen = seen.lock().unwrap();
                seen.calls += 1;
                seen.before = Some(before);
                seen.verified = verified;
                seen.after = Some(verification.result());
                seen.body = Some(match body {
                    Ok(collected) => Ok(collected.to_bytes()),
                    Err(err) => {
                        seen.body_error = err.downcast_ref::<Error>().cloned();
                        Err(err.to_string())
                    }
                });
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"app"))))
            }
        })
    };
    let response = block_on(async {
        let response = layer.layer(app).oneshot(req).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Response::from_parts(parts, body)
    });
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    (response, seen)
}

fn signed(body: &[u8]) -> Request<Vec<u8>> {
    let mut req = Request::put("https://h.example/upload")
        .body(body.to_vec())
        .unwrap();
    Signer::new(creds(), "us-east-1", "service")
        .content_sha256_header(ContentSha256Header::Signed)
        .sign(&mut req)
        .unwrap();
    req
}

#[test]
fn a_bad_signature_is_answered_without_reading_the_body_or_calling_the_app() {
    // Signed an hour ago: beyond the 15 minutes of skew allowed.
    let mut req = Request::put("https://h.example/upload")
        .body(b"hello world".to_vec())
        .unwrap();
    Signer::new(creds(), "us-east-1", "service")
        .sign_at(&mut req, SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    let (req, polls) = counted(req);
    let (response, seen) = through(VerifyLayer::new(verifier("service")), req);
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["content-type"], "application/xml");
    let text = String::from_utf8_lossy(response.body()).into_owned();
    assert!(text.contains("<Code>RequestTimeTooSkewed</Code>"), "{text}");
    assert_eq!(seen.calls, 0);
    assert_eq!(polls.load(Ordering::SeqCst), 0, "no body read");

    // An unknown key, in API Gateway's style.
    let mut other = Request::put("https://h.example/upload")
        .body(b"x".to_vec())
        .unwrap();
    Signer::new(
        Credentials::new("AKIDOTHER", "S", None::<String>),
        "us-east-1",
        "service",
    )
    .sign(&mut other)
    .unwrap();
    let (other, polls) = counted(other);
    // A clone configured on its own: the original keeps S3's style.
    let base = VerifyLayer::new(verifier("service"));
    let layer = base.clone().error_style(ErrorStyle::ApiGatewayJson);
    assert!(format!("{base:?}").contains("S3Xml"));
    let (response, seen) = through(layer, other);
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.headers()["x-amzn-ErrorType"],
        "UnrecognizedClientException"
    );
    let json: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert!(
        json["message"].as_str().unwrap().contains("AKIDOTHER"),
        "{json}"
    );
    assert_eq!((seen.calls, polls.load(Ordering::SeqCst)), (0, 0));
}

#[test]
fn a_good_body_streams_through_and_is_verified_at_its_end() {
    let (req, _) = counted(signed(b"hello world"));
    let (response, seen) = through(VerifyLayer::new(verifier("service")), req);
    assert_eq!(response.status(), 200);
    assert_eq!(seen.calls, 1);
    // Nothing known of the body before it is read, verified after.
    assert!(matches!(seen.before, Some(None)));
    assert!(seen.verified.is_none());
    assert_eq!(seen.body, Some(Ok(Bytes::from_static(b"hello world"))));
    let after = seen.after.unwrap().unwrap().unwrap();
    assert_eq!(after.payload(), VerifiedPayload::Sha256);
    assert_eq!(after.access_key_id(), AKID);
}

#[test]
fn a_changed_body_ends_in_an_error_frame() {
    let mut req = signed(b"hello world");
    *req.body_mut() = b"hello WORLD".to_vec();
    let (req, _) = counted(req);
    let (_, seen) = through(VerifyLayer::new(verifier("service")), req);
    assert_eq!(
        seen.calls, 1,
        "streaming: the app is called, the body fails"
    );
    assert!(matches!(seen.body, Some(Err(_))));
    assert_eq!(seen.body_error, Some(Error::PayloadMismatch));
    assert!(matches!(
        seen.after,
        Some(Some(Err(Error::PayloadMismatch)))
    ));
}

#[test]
fn buffered_verifies_before_calling_the_app() {
    let layer = || VerifyLayer::new(verifier("service")).buffered(1024);
    let (req, _) = counted(signed(b"hello world"));
    let (response, seen) = through(layer(), req);
    assert_eq!(response.status(), 200);
    assert_eq!(
        seen.verified.as_ref().unwrap().payload(),
        VerifiedPayload::Sha256
    );
    assert!(matches!(seen.before, Some(Some(Ok(_)))));
    assert_eq!(seen.body, Some(Ok(Bytes::from_static(b"hello world"))));

    let mut req = signed(b"hello world");
    *req.body_mut() = b"hello WORLD".to_vec();
    let (req, _) = counted(req);
    let (response, seen) = through(layer(), req);
    assert_eq!((response.status().as_u16(), seen.calls), (400, 0));
    let text = String::from_utf8_lossy(response.body()).into_owned();
    assert!(
        text.contains("<Code>XAmzContentSHA256Mismatch</Code>"),
        "{text}"
    );

    let (req, _) = counted(signed(&[b'x'; 2000]));
    let (response, seen) = through(layer(), req);
    assert_eq!((response.status().as_u16(), seen.calls), (400, 0));
    assert!(String::from_utf8_lossy(response.body()).contains("<Code>EntityTooLarge</Code>"));
}

#[test]
fn failures_can_be_passed_to_the_app() {
    let mut req = signed(b"hello world");
    req.headers_mut()
        .insert("x-amz-acl", "public-read".parse().unwrap());
    let (req, polls) = counted(req);
    let layer = VerifyLayer::new(verifier("service")).error_style(ErrorStyle::PassToService);
    let (response, seen) = through(layer, req);
    assert_eq!((response.status().as_u16(), seen.calls), (200, 1));
    assert!(matches!(
        seen.before,
        Some(Some(Err(Error::UnsignedHeader { .. })))
    ));
    assert!(matches!(
        seen.body_error,
        Some(Error::UnsignedHeader { .. })
    ));
    assert_eq!(polls.load(Ordering::SeqCst), 0, "no body read");
}

#[test]
fn an_unsigned_payload_is_verified_before_the_body_and_says_so() {
    let mut req = Request::put("https://bucket.example/k")
        .body(b"anything".to_vec())
        .unwrap();
    Signer::s3(creds(), "us-east-1")
        .payload(Payload::Unsigned)
        .sign(&mut req)
        .unwrap();
    let (req, _) = counted(req);
    let (response, seen) = through(
        VerifyLayer::new(Verifier::s3(
            |akid: &str| (akid == AKID).then(creds),
            "us-east-1",
        )),
        req,
    );
    assert_eq!(response.status(), 200);
    let verified = seen.verified.unwrap();
    assert_eq!(
        verified.payload(),
        VerifiedPayload::Unsigned(UnsignedSource::Header)
    );
    assert!(!verified.payload().is_checked());
    assert_eq!(seen.body, Some(Ok(Bytes::from_static(b"anything"))));
}
