//! Plain reqwest: build the request by hand, `signer.sign_reqwest(&mut
//! req)`, `client.execute(req)`.

use bytes::Bytes;
use http_body_util::Full;
use http_sigv4::{ApiGatewaySigner, Error, SignReqwest, Signer, EXECUTE_API};

use super::gateway::{self, ACCESS_KEY_ID, REGION, TEMP_ACCESS_KEY_ID};
use super::{unknown_credentials, with_gateway, Reply, Rotation, Sequence, PET, QUERY, TIMEOUT};

/// No proxy from the environment, bounded in time.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .unwrap()
}

async fn execute(client: &reqwest::Client, req: reqwest::Request) -> Reply {
    let response = client.execute(req).await.expect("the HTTP call");
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let body = response.bytes().await.expect("the body");
    Reply::new(status, &headers, &body)
}

#[test]
fn post_with_a_body_is_accepted() {
    with_gateway(|gw| async move {
        let client = client();
        let mut req = client
            .post(gw.url("/pets"))
            .header("content-type", "application/json")
            .body(PET)
            .build()
            .unwrap();
        ApiGatewaySigner::new(gateway::long_term_credentials(), REGION)
            .sign_reqwest(&mut req)
            .unwrap();
        let reply = execute(&client, req).await;
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], PET.len());
        assert!(reply.signed_headers().contains(&"content-length"));
    });
}

#[test]
fn get_with_a_query_is_accepted_as_the_url_sends_it() {
    with_gateway(|gw| async move {
        let client = client();
        let signer = Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API);

        let mut req = client
            .get(gw.url(&format!("/pets?{QUERY}")))
            .build()
            .unwrap();
        signer.sign_reqwest(&mut req).unwrap();
        let reply = execute(&client, req).await;
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["query"], QUERY);

        // `url` encodes what it must (a space, `"`, `<`) when the URL is
        // parsed; that encoding is what is signed and what is sent.
        let mut req = client
            .get(gw.url(r#"/pets/best friends?q=a "quoted" <word>&b=1"#))
            .build()
            .unwrap();
        assert_eq!(req.url().path(), "/pets/best%20friends");
        assert_eq!(
            req.url().query(),
            Some("q=a%20%22quoted%22%20%3Cword%3E&b=1")
        );
        signer.sign_reqwest(&mut req).unwrap();
        let reply = execute(&client, req).await;
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["path"], "/pets/best%20friends");
        assert_eq!(reply.json["query"], "q=a%20%22quoted%22%20%3Cword%3E&b=1");
    });
}

#[test]
fn a_retry_signs_the_same_request_again() {
    with_gateway(|gw| async move {
        let client = client();
        let provider = Sequence::new(vec![
            unknown_credentials(),
            gateway::long_term_credentials(),
        ]);
        let signer = ApiGatewaySigner::with_provider(provider.clone(), REGION);
        let mut req = client
            .post(gw.url("/orders?retry=1"))
            .body(PET)
            .build()
            .unwrap();
        signer.sign_reqwest(&mut req).unwrap();
        let mut retry = req.try_clone().expect("an in-memory body");
        execute(&client, req)
            .await
            .assert_rejected("UnrecognizedClientException", "AKIDUNKNOWN");

        signer.sign_reqwest(&mut retry).unwrap();
        assert_eq!(retry.headers().get_all("authorization").iter().count(), 1);
        let reply = execute(&client, retry).await;
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["query"], "retry=1");
        assert_eq!(provider.calls(), 2);
    });
}

#[test]
fn refreshed_credentials_are_picked_up() {
    with_gateway(|gw| async move {
        let client = client();
        let rotation = Rotation::new();
        let signer = Signer::with_provider(rotation.provider.clone(), REGION, EXECUTE_API);
        let mut req = client.get(gw.url("/pets")).build().unwrap();
        signer.sign_reqwest(&mut req).unwrap();
        execute(&client, req).await.assert_accepted(ACCESS_KEY_ID);

        rotation.advance();
        let mut req = client.get(gw.url("/pets")).build().unwrap();
        signer.sign_reqwest(&mut req).unwrap();
        execute(&client, req)
            .await
            .assert_accepted(TEMP_ACCESS_KEY_ID);
    });
}

#[test]
fn requests_the_gateway_must_reject_are_rejected_and_streams_refused() {
    with_gateway(|gw| async move {
        let client = client();
        let mut req = client.post(gw.url("/pets")).body(PET).build().unwrap();
        ApiGatewaySigner::new(unknown_credentials(), REGION)
            .sign_reqwest(&mut req)
            .unwrap();
        execute(&client, req)
            .await
            .assert_rejected("UnrecognizedClientException", "AKIDUNKNOWN");

        // Signed, then a header added: headers added after signing are not
        // signed (ignored), but a changed signed one is a mismatch.
        let mut req = client
            .post(gw.url("/pets"))
            .header("content-type", "application/json")
            .body(PET)
            .build()
            .unwrap();
        ApiGatewaySigner::new(gateway::long_term_credentials(), REGION)
            .sign_reqwest(&mut req)
            .unwrap();
        req.headers_mut()
            .insert("content-type", "text/plain".parse().unwrap());
        execute(&client, req)
            .await
            .assert_rejected("InvalidSignatureException", super::SIGNATURE_MISMATCH);

        // A streaming body cannot be hashed up front: an error, not an
        // unsigned request.
        let mut req = client
            .post(gw.url("/pets"))
            .body(reqwest::Body::wrap(Full::new(Bytes::from_static(
                PET.as_bytes(),
            ))))
            .build()
            .unwrap();
        let err = ApiGatewaySigner::new(gateway::long_term_credentials(), REGION)
            .sign_reqwest(&mut req)
            .unwrap_err();
        assert_eq!(err, Error::UnhashableBody);
        assert!(!req.headers().contains_key("authorization"));
    });
}
