//! reqwest-middleware: `ClientBuilder::new(client).with(SigningMiddleware::new(signer))`.

use bytes::Bytes;
use http::Extensions;
use http_body_util::Full;
use http_sigv4::{ApiGatewaySigner, Error, Payload, Signer, SigningMiddleware, EXECUTE_API};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};

use super::gateway::{self, ACCESS_KEY_ID, REGION, TEMP_ACCESS_KEY_ID};
use super::{unknown_credentials, with_gateway, Reply, Rotation, Sequence, PET, QUERY, TIMEOUT};

/// A client with no proxy from the environment, bounded in time, whose
/// requests go through `middleware` in order (the signing one last).
fn client(middleware: Vec<std::sync::Arc<dyn Middleware>>) -> ClientWithMiddleware {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    middleware
        .into_iter()
        .fold(ClientBuilder::new(client), ClientBuilder::with_arc)
        .build()
}

fn signing(signer: impl Into<http_sigv4::RequestSigner>) -> std::sync::Arc<dyn Middleware> {
    std::sync::Arc::new(SigningMiddleware::new(signer))
}

async fn send(req: reqwest_middleware::RequestBuilder) -> Result<Reply, reqwest_middleware::Error> {
    let response = req.send().await?;
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let body = response.bytes().await?;
    Ok(Reply::new(status, &headers, &body))
}

#[test]
fn post_with_a_body_and_get_with_a_query_are_accepted() {
    with_gateway(|gw| async move {
        let client = client(vec![signing(ApiGatewaySigner::new(
            gateway::long_term_credentials(),
            REGION,
        ))]);
        let reply = send(
            client
                .post(gw.url("/pets"))
                .header("content-type", "application/json")
                .body(PET),
        )
        .await
        .unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], PET.len());
        assert!(reply.signed_headers().contains(&"x-amz-content-sha256"));

        let reply = send(client.get(gw.url(&format!("/pets?{QUERY}"))))
            .await
            .unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["query"], QUERY);
    });
}

/// Sends a request again when the gateway answers 403 the first time.
struct RetryOnForbidden;

#[async_trait::async_trait]
impl Middleware for RetryOnForbidden {
    async fn handle(
        &self,
        req: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let retry = req.try_clone().expect("an in-memory body");
        let response = next.clone().run(req, extensions).await?;
        if response.status() != 403 {
            return Ok(response);
        }
        next.run(retry, extensions).await
    }
}

#[test]
fn a_retry_middleware_before_it_gets_each_attempt_signed_again() {
    with_gateway(|gw| async move {
        let provider = Sequence::new(vec![
            unknown_credentials(),
            gateway::long_term_credentials(),
        ]);
        let client = client(vec![
            std::sync::Arc::new(RetryOnForbidden),
            signing(ApiGatewaySigner::with_provider(provider.clone(), REGION)),
        ]);
        let reply = send(client.post(gw.url("/orders?retry=1")).body(PET))
            .await
            .unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], PET.len());
        assert_eq!(provider.calls(), 2);
    });
}

#[test]
fn refreshed_credentials_are_picked_up() {
    with_gateway(|gw| async move {
        let rotation = Rotation::new();
        let client = client(vec![signing(Signer::with_provider(
            rotation.provider.clone(),
            REGION,
            EXECUTE_API,
        ))]);
        let reply = send(client.get(gw.url("/pets"))).await.unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        rotation.advance();
        let reply = send(client.get(gw.url("/pets"))).await.unwrap();
        reply.assert_accepted(TEMP_ACCESS_KEY_ID);
    });
}

#[test]
fn unknown_keys_are_rejected_and_streams_need_a_payload() {
    with_gateway(|gw| async move {
        let stranger = client(vec![signing(ApiGatewaySigner::new(
            unknown_credentials(),
            REGION,
        ))]);
        let reply = send(stranger.post(gw.url("/pets")).body(PET))
            .await
            .unwrap();
        reply.assert_rejected("UnrecognizedClientException", "AKIDUNKNOWN");

        let client = client(vec![signing(ApiGatewaySigner::new(
            gateway::long_term_credentials(),
            REGION,
        ))]);
        let stream = || reqwest::Body::wrap(Full::new(Bytes::from_static(PET.as_bytes())));

        // Not hashable: the middleware's error, with ours inside; not sent.
        let err = send(client.post(gw.url("/pets")).body(stream()))
            .await
            .unwrap_err();
        let reqwest_middleware::Error::Middleware(inner) = &err else {
            panic!("expected a middleware error, got {err:?}")
        };
        assert_eq!(inner.downcast_ref::<Error>(), Some(&Error::UnhashableBody));
        assert!(err.to_string().contains("Payload::Unsigned"), "{err}");

        // With UNSIGNED-PAYLOAD for this request (the gateway allows it).
        let reply = send(
            client
                .post(gw.url("/pets"))
                .body(stream())
                .with_extension(Payload::Unsigned),
        )
        .await
        .unwrap();
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], PET.len());
    });
}
