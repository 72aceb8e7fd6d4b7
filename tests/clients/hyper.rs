//! hyper 1, no adapter: build an `http::Request<Bytes>` in origin form with
//! a `Host` header, as hyper's HTTP/1 client expects, sign it, and send it
//! as `req.map(Full::new)` on a `client::conn::http1` connection.

use bytes::Bytes;
use http::header::HOST;
use http::Request;
use http_body_util::{BodyExt, Full};
use http_sigv4::{ApiGatewaySigner, Signer, EXECUTE_API};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::gateway::{self, Gateway, ACCESS_KEY_ID, REGION};
use super::{
    unknown_credentials, with_gateway, Reply, Sequence, PET, QUERY, SIGNATURE_MISMATCH, TIMEOUT,
};

/// The gateway's `host:port`.
fn authority(gw: &Gateway) -> String {
    let url: http::Uri = gw.url("/").parse().unwrap();
    url.authority().unwrap().to_string()
}

/// One HTTP/1 connection to the gateway.
async fn connect(gw: &Gateway) -> SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(authority(gw)).await.unwrap();
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    sender
}

/// Sends a copy of the signed `req` and reads the answer.
async fn send(sender: &mut SendRequest<Full<Bytes>>, req: &Request<Bytes>) -> Reply {
    let exchange = async {
        sender.ready().await?;
        let response = sender.send_request(req.clone().map(Full::new)).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok::<_, hyper::Error>(Reply::new(parts.status.as_u16(), &parts.headers, &body))
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .expect("the gateway answered in time")
        .expect("the HTTP exchange")
}

#[test]
fn post_with_a_body_is_accepted() {
    with_gateway(|gw| async move {
        let mut sender = connect(&gw).await;
        let mut req = Request::post("/pets")
            .header(HOST, authority(&gw))
            .header("content-type", "application/json")
            .body(Bytes::from_static(PET.as_bytes()))
            .unwrap();
        ApiGatewaySigner::new(gateway::long_term_credentials(), REGION)
            .sign(&mut req)
            .unwrap();
        let reply = send(&mut sender, &req).await;
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], PET.len());
        assert!(reply.signed_headers().contains(&"content-length"));
    });
}

#[test]
fn get_with_a_query_is_accepted_as_sent() {
    with_gateway(|gw| async move {
        let mut sender = connect(&gw).await;
        let mut req = Request::get(format!("/pets?{QUERY}"))
            .header(HOST, authority(&gw))
            .body(Bytes::new())
            .unwrap();
        Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API)
            .sign(&mut req)
            .unwrap();
        let reply = send(&mut sender, &req).await;
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["query"], QUERY);
    });
}

#[test]
fn a_retry_signs_the_same_request_again() {
    with_gateway(|gw| async move {
        let mut sender = connect(&gw).await;
        let provider = Sequence::new(vec![
            unknown_credentials(),
            gateway::long_term_credentials(),
        ]);
        let signer = ApiGatewaySigner::with_provider(provider.clone(), REGION);
        let mut req = Request::post("/orders")
            .header(HOST, authority(&gw))
            .body(Bytes::from_static(PET.as_bytes()))
            .unwrap();
        signer.sign(&mut req).unwrap();
        let reply = send(&mut sender, &req).await;
        reply.assert_rejected("UnrecognizedClientException", "AKIDUNKNOWN");

        signer.sign(&mut req).unwrap();
        for name in [
            "authorization",
            "x-amz-date",
            "x-amz-content-sha256",
            "content-length",
        ] {
            assert_eq!(req.headers().get_all(name).iter().count(), 1, "{name}");
        }
        send(&mut sender, &req).await.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(provider.calls(), 2);
    });
}

#[test]
fn a_body_or_query_changed_after_signing_is_rejected() {
    with_gateway(|gw| async move {
        let mut sender = connect(&gw).await;
        let mut req = Request::post("/pets")
            .header(HOST, authority(&gw))
            .body(Bytes::from_static(br#"{"type":"dog"}"#))
            .unwrap();
        ApiGatewaySigner::new(gateway::long_term_credentials(), REGION)
            .sign(&mut req)
            .unwrap();
        *req.body_mut() = Bytes::from_static(br#"{"type":"cat"}"#);
        let reply = send(&mut sender, &req).await;
        reply.assert_rejected(
            "InvalidSignatureException",
            "the body was changed after signing",
        );

        let mut req = Request::get("/pets?type=dog")
            .header(HOST, authority(&gw))
            .body(Bytes::new())
            .unwrap();
        Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API)
            .sign(&mut req)
            .unwrap();
        *req.uri_mut() = "/pets?type=cat".parse().unwrap();
        let reply = send(&mut sender, &req).await;
        reply.assert_rejected("InvalidSignatureException", SIGNATURE_MISMATCH);
    });
}
