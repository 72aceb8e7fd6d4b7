//! hyper 1, no adapter: an `http::Request<Bytes>` is signed as it is, then
//! sent as `req.map(Full::new)` on a `hyper::client::conn::http1`
//! connection (origin-form URI and a `Host` header, as hyper expects).
//!
//! Starts the local API Gateway stand-in (`examples/common/gateway.rs`, on
//! 127.0.0.1), sends it a signed POST with a JSON body and a signed GET with
//! a query, and exits 0 only if both are accepted.
//!
//! Run with `cargo run --example client_hyper`.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use http_sigv4::ApiGatewaySigner;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

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
        .and_then(|runtime| {
            runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(10), run(&gateway))
                    .await
                    .map_err(|_| BoxError::from("timed out"))?
            })
        });
    let _ = gateway.stop();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("client_hyper example FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(gateway: &gateway::Gateway) -> Result<(), BoxError> {
    // In a real program: ApiGatewaySigner::from_env()?, or with_provider(..)
    // for credentials that rotate.
    let signer = ApiGatewaySigner::new(gateway::long_term_credentials(), gateway::REGION);
    let url: http::Uri = gateway.url("/").parse()?;
    let host = url.authority().ok_or("no authority")?.to_string();

    let stream = TcpStream::connect(&host).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);

    let post = http::Request::post("/pets")
        .header("host", &host)
        .header("content-type", "application/json")
        .body(Bytes::from(r#"{"name":"Rex","type":"dog"}"#))?;
    let get = http::Request::get("/pets?type=dog&q=hello%20world")
        .header("host", &host)
        .body(Bytes::new())?;

    for mut req in [post, get] {
        signer.sign(&mut req)?; // the one line
        let what = format!("{} {}", req.method(), req.uri());
        let response = sender.send_request(req.map(Full::new)).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        println!("{what}\n  -> {status} {}", String::from_utf8_lossy(&body));
        if status != 200 {
            return Err(format!("{what}: expected 200, got {status}").into());
        }
    }
    Ok(())
}
