//! The API Gateway stand-in of `examples/api_gateway.rs`, built on
//! [`VerifyLayer`] (feature `server`): hyper 1 on 127.0.0.1 (an ephemeral
//! port), every request verified for service `execute-api` before the
//! application sees it, failures answered as API Gateway answers them.
//!
//! The stack is what a real service would run:
//!
//! ```text
//! hyper ─► VerifyLayer (ApiGatewayJson, buffered 1 MiB) ─► echo service
//! ```
//!
//! - Rejected: the layer answers, as API Gateway does: `403` with a JSON
//!   body `{"message": "..."}` and an `x-amzn-ErrorType` header; a
//!   signature mismatch in API Gateway's words, with the canonical request
//!   and string to sign the server built.
//! - Accepted: the echo service answers `200` with a JSON echo of what was
//!   verified (the [`VerifiedRequest`] the layer put in the extensions):
//!   method, path, query, access key id, signed headers, whether it was
//!   presigned, the body length, and the names of the headers that arrived.
//!
//! It knows the two access keys of `examples/common/gateway.rs` (the plain
//! [`Verifier`](http_sigv4::Verifier) stand-in the client examples and
//! tests send to), and the same rules: `UNSIGNED-PAYLOAD` allowed, bodies up
//! to 1 MiB.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener};

use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use http_sigv4::{
    Credentials, ErrorStyle, UnsignedPayloadPolicy, VerifiedBody, VerifiedRequest, Verifier,
    VerifyLayer, EXECUTE_API,
};
use hyper::body::Incoming;
use serde_json::json;
use tower::Layer;

use crate::gateway::{long_term_credentials, temporary_credentials, REGION};

#[path = "hyper_server.rs"]
mod hyper_server;

use hyper_server::HyperServer;

/// The most a body may hold; the layer answers a larger one `413`.
const MAX_BODY: usize = 1 << 20;

/// A running stand-in. Stop it with [`GatewayServer::stop`]; dropping it
/// also stops it.
pub struct GatewayServer {
    server: HyperServer,
}

impl GatewayServer {
    /// Starts the stand-in on 127.0.0.1, on a port the OS picks.
    pub fn start() -> io::Result<GatewayServer> {
        GatewayServer::start_on(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts the stand-in on `addr`, which must be a loopback address
    /// (127.0.0.1, [::1]; port 0: one the OS picks).
    pub fn start_on(addr: SocketAddr) -> io::Result<GatewayServer> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{addr} is not a loopback address: the stand-in listens on 127.0.0.1 or [::1] only"),
            ));
        }
        let keys: HashMap<String, Credentials> = [long_term_credentials(), temporary_credentials()]
            .into_iter()
            .map(|creds| (creds.access_key_id().to_owned(), creds))
            .collect();
        // The real clock and the default ±15 minutes of skew, like AWS.
        // UNSIGNED-PAYLOAD (refused by default for services other than S3)
        // is allowed, as in the plain stand-in.
        let verifier = Verifier::new(keys, REGION, EXECUTE_API)
            .unsigned_payload(UnsignedPayloadPolicy::Allowed);
        let service = VerifyLayer::new(verifier)
            .error_style(ErrorStyle::ApiGatewayJson)
            .buffered(MAX_BODY)
            .layer(tower::service_fn(echo));
        let server = HyperServer::start(TcpListener::bind(addr)?, "gateway", service)?;
        Ok(GatewayServer { server })
    }

    /// The URL of `path_and_query` on this stand-in, e.g. `url("/pets?type=dog")`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.server.addr())
    }

    /// Writes what to point a client at: the URL, the keys the stand-in
    /// knows, and `sigv4` commands to try (the example's `--serve` mode).
    pub fn write_try_it(&self, out: &mut impl io::Write) -> io::Result<()> {
        let creds = long_term_credentials();
        let temporary = temporary_credentials();
        writeln!(
            out,
            "Local API Gateway stand-in (SigV4 for {EXECUTE_API} in {REGION}, on VerifyLayer) at {}\n\n\
             It knows two access keys:\n\
             \x20 {} with secret {}\n\
             \x20 {} with secret {} and session token {}\n\
             and answers 200 with a JSON echo of what it verified, or 403 saying why not.\n\n\
             Try it with the sigv4 tool:\n\
             \x20 export AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_REGION={REGION}\n\
             \x20 cargo run -p http-sigv4-cli -- '{}'\n\
             \x20 cargo run -p http-sigv4-cli -- -d '{{\"name\":\"Rex\"}}' -H 'content-type: application/json' {}\n\n\
             Serving until Ctrl-C.",
            self.url("/"),
            creds.access_key_id(),
            creds.secret_access_key(),
            temporary.access_key_id(),
            temporary.secret_access_key(),
            temporary.session_token().unwrap_or_default(),
            creds.access_key_id(),
            creds.secret_access_key(),
            self.url("/pets?type=dog"),
            self.url("/pets"),
        )?;
        out.flush()
    }

    /// Serves until the process is stopped (Ctrl-C).
    #[allow(dead_code)] // Used by api_gateway's --serve only.
    pub fn serve_forever(self) -> Result<(), String> {
        self.server.join()
    }

    /// Stops the server (connections in progress end with it).
    pub fn stop(mut self) -> Result<(), String> {
        self.server.stop()
    }
}

/// The application behind the layer: called only for verified requests
/// (buffered: the body was read and checked before the call), it echoes
/// what the layer verified.
async fn echo(req: Request<VerifiedBody<Incoming>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    // Checked bodies were read by the layer; an UNSIGNED-PAYLOAD one (which
    // the policy lets through unread) is read here, within the same limit.
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) => {
            return Ok(answer(
                StatusCode::BAD_REQUEST,
                &json!({ "message": e.to_string() }),
            ))
        }
    };
    let Some(verified) = parts.extensions.get::<VerifiedRequest>() else {
        // Not reached: the layer answers every failure itself.
        let message = json!({ "message": "no verified request in the extensions" });
        return Ok(answer(StatusCode::INTERNAL_SERVER_ERROR, &message));
    };
    let echo = json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query().unwrap_or(""),
        "access_key_id": verified.access_key_id(),
        "signed_headers": verified.signed_headers(),
        "presigned": verified.is_presigned(),
        "body_length": body.len(),
        "received_headers": parts
            .headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
    });
    Ok(answer(StatusCode::OK, &echo))
}

fn answer(status: StatusCode, json: &serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(json.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}
