//! End to end against a local stand-in for API Gateway's IAM check.
//!
//! Starts an HTTP server (hyper) on 127.0.0.1 (an ephemeral port) behind
//! [`VerifyLayer`](http_sigv4::VerifyLayer) (feature `server`), which
//! verifies SigV4 signatures for service `execute-api` in `us-east-1` and
//! answers failures as API Gateway does (see
//! `examples/common/gateway_server.rs`), then sends it signed requests
//! through a real HTTP client (`ureq`):
//!
//! 1. a GET with query parameters, signed with [`Signer`];
//! 2. a POST with a JSON body, signed with [`ApiGatewaySigner`];
//! 3. a request signed with temporary credentials (session token);
//! 4. a presigned URL, fetched with no headers besides `host`;
//! 5. requests changed after signing (body, query): rejected with 403;
//! 6. an unknown access key: rejected with 403.
//!
//! It prints what was signed and what the server answered, and exits 0 only
//! if every outcome is the expected one. Nothing leaves the loopback
//! interface.
//!
//! Run with `cargo run --example api_gateway --features server`.
//!
//! `cargo run --example api_gateway --features server -- --serve [ADDR]`
//! only starts the stand-in (on ADDR, e.g. `127.0.0.1:8080`; by default a
//! port the OS picks) and prints its URL and the keys it knows, to try a
//! client or the `sigv4` tool against until Ctrl-C.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use http_sigv4::{ApiGatewaySigner, Credentials, Signer, SigningOutput, EXECUTE_API};

#[path = "common/client.rs"]
mod client;
#[path = "common/gateway.rs"]
#[allow(dead_code)] // The client side of the tests uses the rest.
mod gateway;
#[path = "common/gateway_server.rs"]
mod gateway_server;

use client::{send, Reply};
use gateway::{ACCESS_KEY_ID, REGION, TEMP_ACCESS_KEY_ID};
use gateway_server::GatewayServer;

type Outcome = Result<(), Box<dyn Error>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {}
        ["--serve"] => return serve("127.0.0.1:0"),
        ["--serve", addr] => return serve(addr),
        _ => {
            eprintln!("usage: api_gateway [--serve [ADDR]]   (ADDR: a loopback address, e.g. 127.0.0.1:8080)");
            return ExitCode::from(2);
        }
    }
    match run() {
        Ok(()) => {
            println!("\nEvery outcome was as expected.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\napi_gateway example FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Outcome {
    let gateway = GatewayServer::start().map_err(|e| format!("cannot start the gateway: {e}"))?;
    println!(
        "Local API Gateway stand-in (SigV4 for {EXECUTE_API} in {REGION}) at {}",
        gateway.url("/")
    );
    let outcome = walk_through(&gateway);
    let stopped = gateway.stop();
    outcome?;
    stopped?;
    println!("\nGateway stopped.");
    Ok(())
}

/// `--serve`: the stand-in alone, with what to point a client at.
fn serve(addr: &str) -> ExitCode {
    let started = addr
        .parse()
        .map_err(|e| format!("`{addr}` is not an address such as 127.0.0.1:8080: {e}"))
        .and_then(|addr| GatewayServer::start_on(addr).map_err(|e| e.to_string()));
    let gateway = match started {
        Ok(gateway) => gateway,
        Err(e) => {
            eprintln!("cannot start the gateway: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = gateway.write_try_it(&mut std::io::stdout().lock()) {
        eprintln!("cannot print the instructions: {e}");
        return ExitCode::FAILURE;
    }
    match gateway.serve_forever() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn walk_through(gateway: &GatewayServer) -> Outcome {
    let agent = client::agent();
    let signer = Signer::new(gateway::long_term_credentials(), REGION, EXECUTE_API);
    let apigw = ApiGatewaySigner::new(gateway::long_term_credentials(), REGION);

    step("1. GET with query parameters, signed with Signer (service execute-api)");
    let query = "type=dog&page=2&q=hello%20world";
    let mut req = http::Request::get(gateway.url(&format!("/pets?{query}"))).body(())?;
    show_signed(&signer.sign(&mut req)?);
    let reply = send(&agent, &req)?;
    show_reply(&reply);
    expect_accepted(&reply, ACCESS_KEY_ID)?;
    expect_echo(&reply, "query", query)?;

    step("2. POST with a JSON body, signed with ApiGatewaySigner");
    let body = r#"{"name":"Rex","type":"dog","price":249.99}"#;
    let mut req = http::Request::post(gateway.url("/pets"))
        .header("content-type", "application/json")
        .body(body.to_owned())?;
    show_signed(&apigw.sign(&mut req)?);
    let reply = send(&agent, &req)?;
    show_reply(&reply);
    expect_accepted(&reply, ACCESS_KEY_ID)?;
    expect_echo(&reply, "body_length", body.len())?;

    step("3. GET signed with temporary credentials (x-amz-security-token)");
    let temp = ApiGatewaySigner::new(gateway::temporary_credentials(), REGION);
    let mut req = http::Request::get(gateway.url("/pets/42")).body(())?;
    show_signed(&temp.sign(&mut req)?);
    let reply = send(&agent, &req)?;
    show_reply(&reply);
    expect_accepted(&reply, TEMP_ACCESS_KEY_ID)?;

    step("4. Presigned GET URL (valid 5 minutes), fetched with no headers besides host");
    let mut req = http::Request::get(gateway.url("/pets?type=cat")).body(())?;
    show_signed(&apigw.presign(&mut req, Duration::from_secs(300))?);
    let url = req.uri().to_string();
    println!("Presigned URL:\n    {url}");
    // Only the URL travels: a fresh request, as a browser or curl would send.
    let reply = send(&client::bare_agent(), &http::Request::get(&url).body(())?)?;
    show_reply(&reply);
    expect_accepted(&reply, ACCESS_KEY_ID)?;
    expect_echo(&reply, "presigned", true)?;
    expect_echo(&reply, "received_headers", ["host"])?;

    step("5a. Tampered body: signed, then the JSON changed (same length)");
    let mut req = http::Request::post(gateway.url("/pets"))
        .header("content-type", "application/json")
        .body(r#"{"name":"Rex","type":"dog"}"#.to_owned())?;
    apigw.sign(&mut req)?;
    *req.body_mut() = r#"{"name":"Rex","type":"cat"}"#.to_owned();
    let reply = send(&agent, &req)?;
    show_reply(&reply);
    expect_rejected(&reply, "the body was changed after signing")?;

    step("5b. Tampered query: signed for type=dog, sent with type=cat");
    let mut req = http::Request::get(gateway.url("/pets?type=dog")).body(())?;
    signer.sign(&mut req)?;
    *req.uri_mut() = gateway.url("/pets?type=cat").parse()?;
    let reply = send(&agent, &req)?;
    show_reply(&reply);
    expect_rejected(
        &reply,
        "The request signature we calculated does not match the signature you provided",
    )?;

    step("6. Unknown access key");
    let stranger = Credentials::new(
        "AKIDUNKNOWN",
        "not-a-secret-the-gateway-knows",
        None::<String>,
    );
    let mut req = http::Request::get(gateway.url("/pets")).body(())?;
    Signer::new(stranger, REGION, EXECUTE_API).sign(&mut req)?;
    let reply = send(&agent, &req)?;
    show_reply(&reply);
    expect_rejected(&reply, "AKIDUNKNOWN")?;
    Ok(())
}

fn step(title: &str) {
    println!("\n=== {title}");
}

fn show_signed(out: &SigningOutput) {
    println!("Signed headers: {}", out.signed_headers());
    println!("Canonical request:");
    for line in out.canonical_request().lines() {
        println!("    {line}");
    }
}

fn show_reply(reply: &Reply) {
    match &reply.error_type {
        None => println!(
            "-> {}\n{}",
            reply.status,
            serde_json::to_string_pretty(&reply.json).unwrap_or_default()
        ),
        Some(error_type) => {
            println!("-> {} ({error_type})", reply.status);
            for line in reply.message().lines() {
                println!("    {line}");
            }
        }
    }
}

fn expect_accepted(reply: &Reply, access_key_id: &str) -> Outcome {
    if reply.status != 200 {
        return Err(format!("expected 200, got {}: {}", reply.status, reply.json).into());
    }
    expect_echo(reply, "access_key_id", access_key_id)
}

fn expect_echo(reply: &Reply, field: &str, expected: impl Into<serde_json::Value>) -> Outcome {
    let expected = expected.into();
    if reply.json[field] != expected {
        return Err(format!(
            "the gateway verified {field} = {}, expected {expected}",
            reply.json[field]
        )
        .into());
    }
    Ok(())
}

fn expect_rejected(reply: &Reply, message_part: &str) -> Outcome {
    if reply.status != 403 || !reply.message().contains(message_part) {
        return Err(format!(
            "expected 403 with a message containing {message_part:?}, got {}: {}",
            reply.status, reply.json
        )
        .into());
    }
    println!("Rejected, as expected.");
    Ok(())
}
