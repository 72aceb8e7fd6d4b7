//! tower: hyper-util's legacy `Client` under `ServiceBuilder`, with
//! `SigningLayer` as the last layer before the client.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::{ready, Ready};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use http_sigv4::{
    ApiGatewaySigner, Error, Payload, PayloadHasher, RequestSigner, SignedBody, Signer,
    SigningLayer, EXECUTE_API,
};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::retry::Policy;
use tower::{Service, ServiceBuilder, ServiceExt};

use super::gateway::{self, ACCESS_KEY_ID, REGION, TEMP_ACCESS_KEY_ID};
use super::{
    unknown_credentials, with_gateway, Reply, Rotation, Sequence, PET, QUERY, SIGNATURE_MISMATCH,
    TIMEOUT,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// hyper-util's client for bodies the signing layer passes on.
fn client<B>() -> Client<HttpConnector, SignedBody<B>>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends `req` through `service` and reads the gateway's answer.
async fn send<S, B>(service: &mut S, req: Request<B>) -> Result<Reply, BoxError>
where
    S: Service<Request<B>, Response = Response<Incoming>, Error = BoxError>,
{
    let response = service.ready().await?.call(req).await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(Reply::new(parts.status.as_u16(), &parts.headers, &body))
}

fn full(body: &'static str) -> Full<Bytes> {
    Full::new(Bytes::from_static(body.as_bytes()))
}

/// A streamed body: chunks of unknown total length (hyper sends it with
/// `transfer-encoding: chunked`).
struct Chunks(VecDeque<Bytes>);

impl Chunks {
    fn of(chunks: &[&'static str]) -> Chunks {
        Chunks(
            chunks
                .iter()
                .map(|c| Bytes::from_static(c.as_bytes()))
                .collect(),
        )
    }
}

impl Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }
}

#[test]
fn post_with_a_body_is_hashed_and_accepted() {
    with_gateway(|gw| async move {
        let mut service = ServiceBuilder::new()
            .timeout(TIMEOUT)
            .layer(SigningLayer::new(ApiGatewaySigner::new(
                gateway::long_term_credentials(),
                REGION,
            )))
            .service(client());
        let req = Request::post(gw.url("/pets"))
            .header("content-type", "application/json")
            .body(full(PET))
            .unwrap();
        let reply = send(&mut service, req).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["method"], "POST");
        assert_eq!(reply.json["body_length"], PET.len());
        // The API Gateway rules: content-length derived and signed, the body
        // hash sent and signed.
        assert_eq!(
            reply.signed_headers(),
            [
                "content-length",
                "content-type",
                "host",
                "x-amz-content-sha256",
                "x-amz-date"
            ]
        );
    });
}

#[test]
fn get_with_a_query_is_accepted_as_sent() {
    with_gateway(|gw| async move {
        let signer = Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API);
        let mut service = ServiceBuilder::new()
            .timeout(TIMEOUT)
            .layer(SigningLayer::new(signer))
            .service(client());
        let req = Request::get(gw.url(&format!("/pets/best%20friends?{QUERY}")))
            .header("x-custom", "  spaced   value ")
            .body(Full::<Bytes>::default())
            .unwrap();
        let reply = send(&mut service, req).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["path"], "/pets/best%20friends");
        assert_eq!(reply.json["query"], QUERY);
        assert_eq!(reply.signed_headers(), ["host", "x-amz-date", "x-custom"]);
    });
}

/// Retries once when the gateway answers 403.
#[derive(Clone)]
struct RetryOnForbidden {
    attempts_left: usize,
}

impl<B: Clone, E> Policy<Request<B>, Response<Incoming>, E> for RetryOnForbidden {
    type Future = Ready<()>;

    fn retry(
        &mut self,
        _: &mut Request<B>,
        result: &mut Result<Response<Incoming>, E>,
    ) -> Option<Ready<()>> {
        match result {
            Ok(response) if response.status() == 403 && self.attempts_left > 0 => {
                self.attempts_left -= 1;
                Some(ready(()))
            }
            _ => None,
        }
    }

    fn clone_request(&mut self, req: &Request<B>) -> Option<Request<B>> {
        Some(req.clone())
    }
}

#[test]
fn a_retry_layer_gets_each_attempt_signed_again() {
    with_gateway(|gw| async move {
        // The credentials were rotated after the first attempt was signed:
        // it is refused, and the retry is signed with the new ones.
        let provider = Sequence::new(vec![
            unknown_credentials(),
            gateway::long_term_credentials(),
        ]);
        let signer = ApiGatewaySigner::with_provider(provider.clone(), REGION);
        let mut service = ServiceBuilder::new()
            .retry(RetryOnForbidden { attempts_left: 1 })
            .timeout(TIMEOUT)
            .layer(SigningLayer::new(signer))
            .service(client());
        let req = Request::post(gw.url("/orders?retry=1"))
            .header("content-type", "application/json")
            .body(full(PET))
            .unwrap();
        let reply = send(&mut service, req).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["query"], "retry=1");
        assert_eq!(reply.json["body_length"], PET.len());
        assert_eq!(provider.calls(), 2, "each attempt was signed");
    });
}

#[test]
fn requests_the_gateway_must_reject_are_rejected() {
    with_gateway(|gw| async move {
        // A layer below the signing layer changes the query after signing.
        let signer = Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API);
        let mut tampered = ServiceBuilder::new()
            .layer(SigningLayer::new(signer))
            .map_request(|mut req: Request<SignedBody<Full<Bytes>>>| {
                *req.uri_mut() = format!("{}&admin=true", req.uri()).parse().unwrap();
                req
            })
            .service(client())
            .map_err(BoxError::from);
        let req = Request::get(gw.url("/pets?type=dog"))
            .body(Full::default())
            .unwrap();
        let reply = send(&mut tampered, req).await.unwrap();
        reply.assert_rejected("InvalidSignatureException", SIGNATURE_MISMATCH);

        // Credentials the gateway does not know.
        let signer = ApiGatewaySigner::new(unknown_credentials(), REGION);
        let mut stranger = ServiceBuilder::new()
            .timeout(TIMEOUT)
            .layer(SigningLayer::new(signer))
            .service(client());
        let req = Request::post(gw.url("/pets")).body(full(PET)).unwrap();
        let reply = send(&mut stranger, req).await.unwrap();
        reply.assert_rejected("UnrecognizedClientException", "AKIDUNKNOWN");
    });
}

#[test]
fn a_long_running_client_picks_up_refreshed_credentials() {
    with_gateway(|gw| async move {
        let rotation = Rotation::new();
        let signer = ApiGatewaySigner::with_provider(rotation.provider.clone(), REGION);
        let mut service = ServiceBuilder::new()
            .timeout(TIMEOUT)
            .layer(SigningLayer::new(signer))
            .service(client());
        let get = || {
            Request::get(gw.url("/pets"))
                .body(Full::<Bytes>::default())
                .unwrap()
        };
        send(&mut service, get())
            .await
            .unwrap()
            .assert_accepted(ACCESS_KEY_ID);

        rotation.advance();
        let reply = send(&mut service, get()).await.unwrap();
        reply.assert_accepted(TEMP_ACCESS_KEY_ID);
        assert!(reply.signed_headers().contains(&"x-amz-security-token"));
    });
}

#[test]
fn a_streamed_body_is_buffered_when_its_hash_is_signed() {
    with_gateway(|gw| async move {
        let signer = ApiGatewaySigner::new(gateway::long_term_credentials(), REGION);
        let mut service = ServiceBuilder::new()
            .timeout(TIMEOUT)
            .layer(SigningLayer::new(signer))
            .service(client());
        let chunks = [r#"{"name":"#, r#""Rex","#, r#""type":"dog"}"#];
        let req = Request::put(gw.url("/pets/42"))
            .body(Chunks::of(&chunks))
            .unwrap();
        let reply = send(&mut service, req).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], chunks.concat().len());
        assert!(reply.signed_headers().contains(&"content-length"));
    });
}

#[test]
fn a_streamed_body_with_a_payload_in_its_extensions_is_sent_unread() {
    with_gateway(|gw| async move {
        let signer = ApiGatewaySigner::new(gateway::long_term_credentials(), REGION);
        let mut service = ServiceBuilder::new()
            .timeout(TIMEOUT)
            // Limit 0: the body is never read.
            .layer(SigningLayer::new(signer).body_limit(0))
            .service(client());
        let chunks = ["hello ", "streamed ", "world"];

        // A hash computed while the body was produced.
        let mut hasher = PayloadHasher::new();
        chunks.iter().for_each(|c| hasher.update(c.as_bytes()));
        let req = Request::put(gw.url("/uploads/1"))
            .extension(hasher.finish())
            .body(Chunks::of(&chunks))
            .unwrap();
        let reply = send(&mut service, req).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], 20);
        // Sent chunked: there was no length to sign.
        assert!(!reply.signed_headers().contains(&"content-length"));

        // UNSIGNED-PAYLOAD, where the service allows it (the gateway does).
        let req = Request::put(gw.url("/uploads/2"))
            .extension(Payload::Unsigned)
            .body(Chunks::of(&chunks))
            .unwrap();
        let reply = send(&mut service, req).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], 20);
    });
}

#[test]
fn an_over_limit_body_is_an_error_and_nothing_is_sent() {
    with_gateway(|gw| async move {
        let sent = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&sent);
        let signer = RequestSigner::from(ApiGatewaySigner::new(
            gateway::long_term_credentials(),
            REGION,
        ));
        let mut service = ServiceBuilder::new()
            .layer(SigningLayer::new(signer).body_limit(8))
            .map_request(move |req: Request<SignedBody<Chunks>>| {
                counted.fetch_add(1, Ordering::SeqCst);
                req
            })
            .service(client())
            .map_err(BoxError::from);

        // Found while reading: no size hint.
        let req = Request::post(gw.url("/pets"))
            .body(Chunks::of(&["12345", "6789"]))
            .unwrap();
        let err = send(&mut service, req).await.unwrap_err();
        assert_eq!(
            err.downcast_ref::<Error>(),
            Some(&Error::BodyTooLarge { limit: 8 })
        );

        // At the limit: sent.
        let req = Request::post(gw.url("/pets"))
            .body(Chunks::of(&["1234", "5678"]))
            .unwrap();
        send(&mut service, req)
            .await
            .unwrap()
            .assert_accepted(ACCESS_KEY_ID);
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn a_body_whose_size_hint_is_over_the_limit_fails_before_anything_is_sent() {
    let signer = Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API);
    let service = ServiceBuilder::new()
        .layer(SigningLayer::new(signer).body_limit(3))
        .service_fn(|_: Request<SignedBody<Full<Bytes>>>| async {
            Err::<(), _>(std::io::Error::other("the request was sent"))
        });
    let req = Request::post("http://127.0.0.1:9/")
        .body(full("four"))
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = runtime.block_on(service.oneshot(req)).unwrap_err();
    let err = err.downcast::<Error>().unwrap();
    assert_eq!(*err, Error::BodyTooLarge { limit: 3 });
    assert!(err.to_string().contains("3 bytes"), "{err}");
}

#[cfg(feature = "sigv4a")]
#[test]
fn a_sigv4a_signer_works_in_the_layer_too() {
    with_gateway(|gw| async move {
        // The gateway's Verifier accepts SigV4a when the feature is on; its
        // region must be in the signed region set.
        let signer =
            http_sigv4::SigV4aSigner::new(gateway::long_term_credentials(), "us-*", EXECUTE_API);
        let mut service = ServiceBuilder::new()
            .timeout(TIMEOUT)
            .layer(SigningLayer::new(signer))
            .service(client());
        let req = Request::post(gw.url(&format!("/pets?{QUERY}")))
            .body(full(PET))
            .unwrap();
        let reply = send(&mut service, req).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert!(reply.signed_headers().contains(&"x-amz-region-set"));
    });
}
