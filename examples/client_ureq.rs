//! ureq 3, no adapter: ureq sends `http::Request`s, so sign one and run it.
//! (`examples/api_gateway.rs` walks through more cases with ureq.)
//!
//! Starts the local API Gateway stand-in (`examples/common/gateway.rs`, on
//! 127.0.0.1), sends it a signed POST with a JSON body and a signed GET with
//! a query, and exits 0 only if both are accepted.
//!
//! Run with `cargo run --example client_ureq`.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use http_sigv4::ApiGatewaySigner;

#[path = "common/gateway.rs"]
mod gateway;

fn main() -> ExitCode {
    let gateway = match gateway::Gateway::start() {
        Ok(gateway) => gateway,
        Err(e) => {
            eprintln!("cannot start the gateway: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = run(&gateway);
    let _ = gateway.stop();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("client_ureq example FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(gateway: &gateway::Gateway) -> Result<(), Box<dyn Error>> {
    // In a real program: ApiGatewaySigner::from_env()?, or with_provider(..)
    // for credentials that rotate.
    let signer = ApiGatewaySigner::new(gateway::long_term_credentials(), gateway::REGION);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .proxy(None) // loopback only
        .http_status_as_error(false)
        .build()
        .into();

    let post = http::Request::post(gateway.url("/pets"))
        .header("content-type", "application/json")
        .body(r#"{"name":"Rex","type":"dog"}"#.to_owned())?;
    let get =
        http::Request::get(gateway.url("/pets?type=dog&q=hello%20world")).body(String::new())?;

    for mut req in [post, get] {
        signer.sign(&mut req)?; // the one line
        let what = format!("{} {}", req.method(), req.uri());
        let mut response = agent.run(req)?;
        let status = response.status();
        println!(
            "{what}\n  -> {status} {}",
            response.body_mut().read_to_string()?
        );
        if status != 200 {
            return Err(format!("{what}: expected 200, got {status}").into());
        }
    }
    Ok(())
}
