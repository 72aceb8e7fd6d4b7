//! Plain reqwest: build the request, `signer.sign_reqwest(&mut req)`, then
//! `client.execute(req)`.
//!
//! Starts the local API Gateway stand-in (`examples/common/gateway.rs`, on
//! 127.0.0.1), sends it a signed POST with a JSON body and a signed GET with
//! a query, and exits 0 only if both are accepted.
//!
//! Run with `cargo run --example client_reqwest --features reqwest`.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use http_sigv4::{ApiGatewaySigner, SignReqwest};

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
            eprintln!("client_reqwest example FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(gateway: &gateway::Gateway) -> Result<(), BoxError> {
    // In a real program: ApiGatewaySigner::from_env()?, or with_provider(..)
    // for credentials that rotate.
    let signer = ApiGatewaySigner::new(gateway::long_term_credentials(), gateway::REGION);
    let client = reqwest::Client::builder()
        .no_proxy() // loopback only
        .timeout(Duration::from_secs(10))
        .build()?;

    let post = client
        .post(gateway.url("/pets"))
        .header("content-type", "application/json")
        .body(r#"{"name":"Rex","type":"dog"}"#)
        .build()?;
    let get = client
        .get(gateway.url("/pets?type=dog&q=hello%20world"))
        .build()?;

    for mut req in [post, get] {
        signer.sign_reqwest(&mut req)?; // the one line
        let what = format!("{} {}", req.method(), req.url());
        let response = client.execute(req).await?;
        let status = response.status();
        println!("{what}\n  -> {status} {}", response.text().await?);
        if status != 200 {
            return Err(format!("{what}: expected 200, got {status}").into());
        }
    }
    Ok(())
}
