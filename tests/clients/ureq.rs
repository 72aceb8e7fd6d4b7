//! ureq 3, no adapter: `Agent::run` sends an `http::Request` as it is, so
//! sign it and run it. (`tests/end_to_end.rs` covers ureq in more depth.)

use std::time::Duration;

use http::Request;
use http_sigv4::{ApiGatewaySigner, Signer, EXECUTE_API};

use super::gateway::{self, Gateway, ACCESS_KEY_ID, REGION, TEMP_ACCESS_KEY_ID};
use super::{unknown_credentials, Reply, Rotation, Sequence, PET, QUERY, TIMEOUT};

/// Bounded in time, no proxy, and 4xx answers returned as responses.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .into()
}

fn send<B: ureq::AsSendBody>(agent: &ureq::Agent, req: Request<B>) -> Reply {
    let mut response = agent.run(req).expect("the HTTP call");
    let body = response.body_mut().read_to_vec().expect("the body");
    Reply::new(response.status().as_u16(), response.headers(), &body)
}

/// Runs `test` against a fresh gateway, then stops it.
fn with_gateway(test: impl FnOnce(&Gateway)) {
    let gateway = Gateway::start().expect("start the gateway");
    test(&gateway);
    gateway.stop().expect("stop the gateway");
}

#[test]
fn post_with_a_body_and_get_with_a_query_are_accepted() {
    with_gateway(|gw| {
        let agent = agent();
        let mut req = Request::post(gw.url("/pets"))
            .header("content-type", "application/json")
            .body(PET.to_owned())
            .unwrap();
        ApiGatewaySigner::new(gateway::long_term_credentials(), REGION)
            .sign(&mut req)
            .unwrap();
        let reply = send(&agent, req);
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["body_length"], PET.len());

        let mut req = Request::get(gw.url(&format!("/pets?{QUERY}")))
            .body(())
            .unwrap();
        Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API)
            .sign(&mut req)
            .unwrap();
        let reply = send(&agent, req);
        reply.assert_accepted(ACCESS_KEY_ID);
        assert_eq!(reply.json["query"], QUERY);
    });
}

#[test]
fn a_retry_signs_the_same_request_again() {
    with_gateway(|gw| {
        let agent = agent();
        let provider = Sequence::new(vec![
            unknown_credentials(),
            gateway::long_term_credentials(),
        ]);
        let signer = ApiGatewaySigner::with_provider(provider.clone(), REGION);
        let mut req = Request::put(gw.url("/pets/42"))
            .body(PET.to_owned())
            .unwrap();
        signer.sign(&mut req).unwrap();
        send(&agent, req.clone()).assert_rejected("UnrecognizedClientException", "AKIDUNKNOWN");
        signer.sign(&mut req).unwrap();
        send(&agent, req).assert_accepted(ACCESS_KEY_ID);
        assert_eq!(provider.calls(), 2);
    });
}

#[test]
fn refreshed_credentials_are_picked_up_and_strangers_rejected() {
    with_gateway(|gw| {
        let agent = agent();
        let rotation = Rotation::new();
        let signer = Signer::with_provider(rotation.provider.clone(), REGION, EXECUTE_API);
        let get = || Request::get(gw.url("/pets")).body(()).unwrap();
        let mut req = get();
        signer.sign(&mut req).unwrap();
        send(&agent, req).assert_accepted(ACCESS_KEY_ID);
        rotation.advance();
        let mut req = get();
        signer.sign(&mut req).unwrap();
        send(&agent, req).assert_accepted(TEMP_ACCESS_KEY_ID);

        let mut req = get();
        Signer::new(unknown_credentials(), REGION, EXECUTE_API)
            .sign(&mut req)
            .unwrap();
        send(&agent, req).assert_rejected("UnrecognizedClientException", "AKIDUNKNOWN");

        // Signed 20 minutes ago: beyond the gateway's clock skew.
        let mut req = get();
        let long_ago = std::time::SystemTime::now() - Duration::from_secs(20 * 60);
        signer.sign_at(&mut req, long_ago).unwrap();
        send(&agent, req).assert_rejected("InvalidSignatureException", "beyond the allowed");
    });
}
