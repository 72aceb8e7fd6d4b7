//! End to end: a real HTTP client (`ureq`) sends signed requests to a local
//! server (`tiny_http` on 127.0.0.1, an ephemeral port) that verifies them
//! with `Verifier` (`examples/common/gateway.rs`; `cargo run --example
//! api_gateway --features server` runs the same checks behind
//! `VerifyLayer`). The server uses the real clock.
//!
//! Every test starts its own gateway and stops it; each HTTP call times out
//! after 10 s and stopping waits at most 5 s.

use std::time::{Duration, SystemTime};

use http_sigv4::{ApiGatewaySigner, Credentials, Signer, EXECUTE_API};

#[path = "../examples/common/client.rs"]
mod client;
#[path = "../examples/common/gateway.rs"]
mod gateway;

use client::{send, Reply};
use gateway::{Gateway, ACCESS_KEY_ID, REGION, TEMP_ACCESS_KEY_ID};

const SIGNATURE_MISMATCH: &str =
    "The request signature we calculated does not match the signature you provided";

/// Runs `test` against a fresh gateway, then stops it (and checks it stopped).
fn with_gateway(test: impl FnOnce(&Gateway)) {
    let gateway = Gateway::start().expect("start the gateway");
    test(&gateway);
    gateway.stop().expect("stop the gateway");
}

fn signer() -> Signer {
    Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API)
}

fn apigw() -> ApiGatewaySigner {
    ApiGatewaySigner::new(gateway::long_term_credentials(), REGION)
}

fn send_ok<B: http_sigv4::SignableBody>(req: &http::Request<B>) -> Reply {
    send(&client::agent(), req).expect("the HTTP call")
}

#[track_caller]
fn assert_accepted(reply: &Reply, access_key_id: &str) {
    assert_eq!(reply.status, 200, "{:#}", reply.json);
    assert_eq!(reply.error_type, None);
    assert_eq!(
        reply.json["access_key_id"], access_key_id,
        "{:#}",
        reply.json
    );
}

#[track_caller]
fn assert_rejected(reply: &Reply, error_type: &str, message_part: &str) {
    assert_eq!(reply.status, 403, "{:#}", reply.json);
    assert_eq!(
        reply.error_type.as_deref(),
        Some(error_type),
        "{:#}",
        reply.json
    );
    assert!(
        reply.message().contains(message_part),
        "expected {message_part:?} in {:?}",
        reply.message()
    );
}

#[test]
fn signed_get_with_query_is_accepted_and_echoed() {
    with_gateway(|gw| {
        // A space as %20, a literal plus as %2B, a raw `+` (a space to SigV4),
        // an empty value: sent and verified byte for byte.
        let query = "type=dog&page=2&q=hello%20world&tag=a%2Bb&plus=a+b&empty=";
        let mut req = http::Request::get(gw.url(&format!("/pets/best%20friends?{query}")))
            .header("x-custom", "  spaced   value ")
            .header("x-multi", "1")
            .header("x-multi", "two")
            .body(())
            .unwrap();
        let out = signer().sign(&mut req).unwrap();
        assert_eq!(out.signed_headers(), "host;x-amz-date;x-custom;x-multi");

        let reply = send_ok(&req);
        assert_accepted(&reply, ACCESS_KEY_ID);
        let echo = &reply.json;
        assert_eq!(echo["method"], "GET");
        assert_eq!(echo["path"], "/pets/best%20friends");
        assert_eq!(echo["query"], query);
        assert_eq!(echo["presigned"], false);
        assert_eq!(echo["body_length"], 0);
        assert_eq!(
            echo["signed_headers"],
            serde_json::json!(["host", "x-amz-date", "x-custom", "x-multi"])
        );
        // ureq adds unsigned headers of its own, which the verifier ignores.
        let received = echo["received_headers"].as_array().unwrap();
        for name in [
            "host",
            "x-amz-date",
            "authorization",
            "user-agent",
            "accept",
        ] {
            assert!(received.iter().any(|h| h == name), "{name}: {received:?}");
        }
    });
}

#[test]
fn post_with_json_body_signed_by_api_gateway_signer_is_accepted() {
    with_gateway(|gw| {
        let body = r#"{"name":"Rex","type":"dog","price":249.99}"#;
        let mut req = http::Request::post(gw.url("/pets"))
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .unwrap();
        let out = apigw().sign(&mut req).unwrap();
        assert_eq!(
            out.signed_headers(),
            "content-length;content-type;host;x-amz-content-sha256;x-amz-date"
        );

        let reply = send_ok(&req);
        assert_accepted(&reply, ACCESS_KEY_ID);
        assert_eq!(reply.json["method"], "POST");
        assert_eq!(reply.json["path"], "/pets");
        assert_eq!(reply.json["body_length"], body.len());
        // ureq sent our content-length instead of adding a second one.
        let received = reply.json["received_headers"].as_array().unwrap();
        let lengths = received.iter().filter(|h| *h == "content-length").count();
        assert_eq!(lengths, 1, "{received:?}");
    });
}

#[test]
fn temporary_credentials_are_accepted() {
    with_gateway(|gw| {
        let temp = ApiGatewaySigner::new(gateway::temporary_credentials(), REGION);
        let mut req = http::Request::put(gw.url("/pets/42"))
            .body("{\"sold\":true}".to_owned())
            .unwrap();
        let out = temp.sign(&mut req).unwrap();
        assert!(
            out.signed_headers().contains("x-amz-security-token"),
            "{}",
            out.signed_headers()
        );

        let reply = send_ok(&req);
        assert_accepted(&reply, TEMP_ACCESS_KEY_ID);
        assert_eq!(reply.json["method"], "PUT");
    });
}

#[test]
fn presigned_get_is_accepted_with_only_host() {
    with_gateway(|gw| {
        let mut req = http::Request::get(gw.url("/pets?type=cat"))
            .body(())
            .unwrap();
        apigw().presign(&mut req, Duration::from_secs(300)).unwrap();
        let url = req.uri().to_string();

        // Only the URL travels; no user-agent or accept either.
        let fresh = http::Request::get(&url).body(()).unwrap();
        let reply = send(&client::bare_agent(), &fresh).unwrap();
        assert_accepted(&reply, ACCESS_KEY_ID);
        assert_eq!(reply.json["presigned"], true);
        assert_eq!(reply.json["signed_headers"], serde_json::json!(["host"]));
        assert_eq!(reply.json["received_headers"], serde_json::json!(["host"]));
        assert!(reply.json["query"]
            .as_str()
            .unwrap()
            .starts_with("type=cat&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    });
}

#[test]
fn presigned_url_with_temporary_credentials_is_accepted() {
    with_gateway(|gw| {
        let temp = ApiGatewaySigner::new(gateway::temporary_credentials(), REGION);
        let mut req = http::Request::get(gw.url("/pets")).body(()).unwrap();
        temp.presign(&mut req, Duration::from_secs(60)).unwrap();
        assert!(req.uri().query().unwrap().contains("X-Amz-Security-Token="));

        let fresh = http::Request::get(req.uri().to_string()).body(()).unwrap();
        let reply = send(&client::bare_agent(), &fresh).unwrap();
        assert_accepted(&reply, TEMP_ACCESS_KEY_ID);
    });
}

#[test]
fn a_retry_signs_the_same_request_again() {
    with_gateway(|gw| {
        let apigw = apigw();
        let mut req = http::Request::post(gw.url("/orders?retry=1"))
            .header("content-type", "application/json")
            .body(r#"{"pet":42}"#.to_owned())
            .unwrap();
        // The first attempt was signed 20 minutes ago: too old by now.
        let long_ago = SystemTime::now() - Duration::from_secs(20 * 60);
        let first = apigw.sign_at(&mut req, long_ago).unwrap();
        let reply = send_ok(&req);
        assert_rejected(&reply, "InvalidSignatureException", "beyond the allowed");

        // The retry signs the same request object again: the stale
        // authorization, x-amz-date and x-amz-content-sha256 are replaced.
        let second = apigw.sign(&mut req).unwrap();
        assert_ne!(first.signature(), second.signature());
        for name in [
            "authorization",
            "x-amz-date",
            "x-amz-content-sha256",
            "content-length",
        ] {
            assert_eq!(req.headers().get_all(name).iter().count(), 1, "{name}");
        }
        let reply = send_ok(&req);
        assert_accepted(&reply, ACCESS_KEY_ID);
        assert_eq!(reply.json["query"], "retry=1");
    });
}

#[test]
fn a_body_changed_after_signing_is_rejected() {
    with_gateway(|gw| {
        // ApiGatewaySigner signs x-amz-content-sha256: the verifier sees the
        // body no longer matches it.
        let mut req = http::Request::post(gw.url("/pets"))
            .header("content-type", "application/json")
            .body(r#"{"name":"Rex","type":"dog"}"#.to_owned())
            .unwrap();
        apigw().sign(&mut req).unwrap();
        *req.body_mut() = r#"{"name":"Rex","type":"cat"}"#.to_owned();
        let reply = send_ok(&req);
        assert_rejected(
            &reply,
            "InvalidSignatureException",
            "the body was changed after signing",
        );

        // The plain Signer sends no payload hash header: the body's hash is
        // part of the canonical request, so the signature no longer matches.
        let mut req = http::Request::post(gw.url("/pets"))
            .body(b"amount=10".to_vec())
            .unwrap();
        signer().sign(&mut req).unwrap();
        *req.body_mut() = b"amount=99".to_vec();
        let reply = send_ok(&req);
        assert_rejected(&reply, "InvalidSignatureException", SIGNATURE_MISMATCH);
    });
}

#[test]
fn a_query_changed_after_signing_is_rejected() {
    with_gateway(|gw| {
        let mut req = http::Request::get(gw.url("/pets?type=dog"))
            .body(())
            .unwrap();
        signer().sign(&mut req).unwrap();
        *req.uri_mut() = gw.url("/pets?type=cat").parse().unwrap();
        let reply = send_ok(&req);
        assert_rejected(&reply, "InvalidSignatureException", SIGNATURE_MISMATCH);
        // Like API Gateway, the answer shows the canonical request the server
        // built: with the query that arrived.
        assert!(
            reply
                .message()
                .contains("should have been\n'GET\n/pets\ntype=cat\n"),
            "{}",
            reply.message()
        );
    });
}

#[test]
fn an_unknown_access_key_is_rejected() {
    with_gateway(|gw| {
        let stranger = Credentials::new("AKIDUNKNOWN", "some-other-secret", None::<String>);
        let mut req = http::Request::get(gw.url("/pets")).body(()).unwrap();
        Signer::new(stranger, REGION, EXECUTE_API)
            .sign(&mut req)
            .unwrap();
        let reply = send_ok(&req);
        assert_rejected(&reply, "UnrecognizedClientException", "AKIDUNKNOWN");
    });
}

#[test]
fn a_known_access_key_with_the_wrong_secret_is_rejected() {
    with_gateway(|gw| {
        let forged = Credentials::new(ACCESS_KEY_ID, "a-guessed-secret", None::<String>);
        let mut req = http::Request::get(gw.url("/pets")).body(()).unwrap();
        Signer::new(forged, REGION, EXECUTE_API)
            .sign(&mut req)
            .unwrap();
        let reply = send_ok(&req);
        assert_rejected(&reply, "InvalidSignatureException", SIGNATURE_MISMATCH);
    });
}

#[test]
fn an_expired_presigned_url_is_rejected() {
    with_gateway(|gw| {
        let mut req = http::Request::get(gw.url("/pets")).body(()).unwrap();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        apigw()
            .presign_at(&mut req, Duration::from_secs(60), an_hour_ago)
            .unwrap();
        let fresh = http::Request::get(req.uri().to_string()).body(()).unwrap();
        let reply = send(&client::bare_agent(), &fresh).unwrap();
        assert_rejected(&reply, "InvalidSignatureException", "expired");
    });
}

#[test]
fn an_unsigned_request_is_rejected() {
    with_gateway(|gw| {
        let req = http::Request::get(gw.url("/pets")).body(()).unwrap();
        let reply = send_ok(&req);
        assert_rejected(
            &reply,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
    });
}
