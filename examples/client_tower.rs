//! tower + hyper-util: `SigningLayer` signs every request of hyper-util's
//! client, under a tower `ServiceBuilder` with a timeout.
//!
//! Starts the local API Gateway stand-in (`examples/common/gateway.rs`, on
//! 127.0.0.1), sends it a signed POST with a JSON body and a signed GET with
//! a query, and exits 0 only if both are accepted.
//!
//! Run with `cargo run --example client_tower --features tower`.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use http_sigv4::{ApiGatewaySigner, SigningLayer};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{Service, ServiceBuilder, ServiceExt};

#[path = "common/gateway.rs"]
mod gateway;

type BoxError = Box<dyn Error + Send + Sync>;

fn main() -> ExitCode {
    let gateway = match gateway::Gateway::start() {
        Ok(gateway) => gateway,
        Err(e) => {
            eprintln!("cannot start the gateway: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(BoxError::from)
        .and_then(|runtime| runtime.block_on(run(&gateway)));
    let _ = gateway.stop();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("client_tower example FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(gateway: &gateway::Gateway) -> Result<(), BoxError> {
    // In a real program: ApiGatewaySigner::from_env()?, or with_provider(..)
    // for credentials that rotate.
    let signer = ApiGatewaySigner::new(gateway::long_term_credentials(), gateway::REGION);
    let mut client = ServiceBuilder::new()
        .timeout(Duration::from_secs(10))
        .layer(SigningLayer::new(signer)) // the one line
        .service(Client::builder(TokioExecutor::new()).build_http());

    let post = http::Request::post(gateway.url("/pets"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(r#"{"name":"Rex","type":"dog"}"#)))?;
    let get = http::Request::get(gateway.url("/pets?type=dog&q=hello%20world"))
        .body(Full::new(Bytes::new()))?;

    for req in [post, get] {
        let what = format!("{} {}", req.method(), req.uri());
        let response = client.ready().await?.call(req).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        println!("{what}\n  -> {status} {}", String::from_utf8_lossy(&body));
        if status != 200 {
            return Err(format!("{what}: expected 200, got {status}").into());
        }
    }
    Ok(())
}
