//! Sending a signed `http::Request` with a real HTTP client (`ureq` 3), and
//! reading the gateway's JSON answer.
//!
//! What `ureq` does to a request after we sign it (checked on the wire):
//! it keeps our `host`, `content-length` and every other header as they are
//! (names lowercased, values untouched, repeated headers kept), sends the
//! path and query byte for byte, and adds `user-agent` and `accept` when
//! they are missing, plus `content-length: 0` for an empty `Vec` body (so
//! [`send`] passes `()` for an empty body). What it adds is not signed, so
//! the verifier ignores it; [`bare_agent`] turns `user-agent` and `accept`
//! off.
//!
//! Shared by `examples/api_gateway.rs` and `tests/end_to_end.rs`.

use std::time::Duration;

use http_sigv4::SignableBody;

/// Every call gives up after this long.
const TIMEOUT: Duration = Duration::from_secs(10);

/// An agent for loopback calls: bounded in time, no proxy from the
/// environment, and 4xx/5xx answers returned as responses, not errors.
pub fn agent() -> ureq::Agent {
    config().build().into()
}

/// Like [`agent`], but sends no `user-agent` or `accept` of its own: a
/// request goes out with exactly the headers it has (plus `host`, which
/// the signer already set).
pub fn bare_agent() -> ureq::Agent {
    config()
        .user_agent(ureq::config::AutoHeaderValue::None)
        .accept(ureq::config::AutoHeaderValue::None)
        .build()
        .into()
}

fn config() -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
    ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .proxy(None)
        .http_status_as_error(false)
}

/// The gateway's answer.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The `x-amzn-ErrorType` header of a rejection.
    pub error_type: Option<String>,
    /// The JSON body: the echo of a verified request, or `{"message": ...}`.
    pub json: serde_json::Value,
}

impl Reply {
    /// The `message` of a rejection ("" when there is none).
    pub fn message(&self) -> &str {
        self.json["message"].as_str().unwrap_or_default()
    }
}

/// Sends `req` as it is (method, URI, version, headers, body) and reads the
/// JSON answer. The request is copied, so it can be tampered with or signed
/// again and sent once more.
pub fn send<B: SignableBody>(agent: &ureq::Agent, req: &http::Request<B>) -> Result<Reply, String> {
    let body = req
        .body()
        .body_bytes()
        .ok_or("the body cannot be read as bytes")?;
    let wire = http::Request::builder()
        .method(req.method().clone())
        .uri(req.uri().clone())
        .version(req.version());
    let what = format!("{} {}", req.method(), req.uri());
    let copy_failed = |e: http::Error| format!("{what}: cannot copy the request: {e}");
    let sent = if body.is_empty() {
        // With a `()` body ureq sends no `content-length: 0` of its own.
        let mut wire = wire.body(()).map_err(copy_failed)?;
        *wire.headers_mut() = req.headers().clone();
        agent.run(wire)
    } else {
        let mut wire = wire.body(body.to_vec()).map_err(copy_failed)?;
        *wire.headers_mut() = req.headers().clone();
        agent.run(wire)
    };
    let mut response = sent.map_err(|e| format!("{what}: the HTTP call failed: {e}"))?;
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{what}: cannot read the response body: {e}"))?;
    let json = serde_json::from_str(&text)
        .map_err(|e| format!("{what}: the response is not JSON ({e}): {text}"))?;
    Ok(Reply {
        status,
        error_type,
        json,
    })
}
