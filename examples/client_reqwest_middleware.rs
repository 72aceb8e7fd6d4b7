//! reqwest-middleware: `SigningMiddleware` signs every request of a
//! `ClientWithMiddleware`.
//!
//! Starts the local API Gateway stand-in (`examples/common/gateway.rs`, on
//! 127.0.0.1), sends it a signed POST with a JSON body and a signed GET with
//! a query, and exits 0 only if both are accepted.
//!
//! Run with `cargo run --example client_reqwest_middleware --features reqwest-middleware`.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use http_sigv4::{ApiGatewaySigner, SigningMiddleware};

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
            eprintln!("client_reqwest_middleware example FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(gateway: &gateway::Gateway) -> Result<(), BoxError> {
    // In a real program: ApiGatewaySigner::from_env()?, or with_provider(..)
    // for credentials that rotate.
    let signer = ApiGatewaySigner::new(gateway::long_term_credentials(), gateway::REGION);
    let reqwest = reqwest::Client::builder()
        .no_proxy() // loopback only
        .timeout(Duration::from_secs(10))
        .build()?;
    let client = reqwest_middleware::ClientBuilder::new(reqwest)
        .with(SigningMiddleware::new(signer)) // the one line (add it last)
        .build();

    let post = client
        .post(gateway.url("/pets"))
        .header("content-type", "application/json")
        .body(r#"{"name":"Rex","type":"dog"}"#);
    let get = client.get(gateway.url("/pets?type=dog&q=hello%20world"));

    for (what, req) in [
        ("POST /pets", post),
        ("GET /pets?type=dog&q=hello%20world", get),
    ] {
        let response = req.send().await?;
        let status = response.status();
        println!("{what}\n  -> {status} {}", response.text().await?);
        if status != 200 {
            return Err(format!("{what}: expected 200, got {status}").into());
        }
    }
    Ok(())
}
