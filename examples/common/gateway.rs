//! A local stand-in for API Gateway's IAM authorization, built on
//! [`Verifier`]: an HTTP server (tiny_http, blocking, no async runtime) on
//! 127.0.0.1 (an ephemeral port) that checks the SigV4 signature of every
//! request. The client examples and tests send to it; it needs no feature.
//! `examples/api_gateway.rs` runs the same checks as a real service would,
//! behind `VerifyLayer` (`examples/common/gateway_server.rs`, feature
//! `server`), with the same keys.
//!
//! - Rejected: `403` with a JSON body `{"message": "..."}` and an
//!   `x-amzn-ErrorType` header, as API Gateway answers. A signature mismatch
//!   gets API Gateway's wording plus the canonical request and string to sign
//!   the server built; other errors get their `Display` text.
//! - Accepted: `200` with a JSON echo of what was verified: method, path,
//!   query, access key id, signed headers, whether it was presigned, the body
//!   length, and the names of the headers that arrived (in order), so a
//!   client can see what its HTTP library added after signing.
//!
//! It knows two access keys: long-term credentials ([`ACCESS_KEY_ID`]) and
//! temporary credentials with a session token ([`TEMP_ACCESS_KEY_ID`]).
//!
//! Shared by `tests/end_to_end.rs`, the client examples and tests, and
//! `examples/api_gateway.rs` (for its keys); the `sigv4` tool's tests use a
//! copy (`cli/tests/support/gateway.rs`).

use std::collections::HashMap;
use std::io::{self, Read};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use http_sigv4::{
    Credentials, CredentialsLookup, Error, Malformed, UnsignedPayloadPolicy, Verifier, EXECUTE_API,
};
use serde_json::json;

/// The region the gateway verifies (the scope's region must match).
pub const REGION: &str = "us-east-1";
/// The long-term access key the gateway knows (AWS's documentation example).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The temporary (STS-style) access key the gateway knows.
pub const TEMP_ACCESS_KEY_ID: &str = "ASIAEXAMPLETEMPORARY";
const TEMP_SECRET_ACCESS_KEY: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const TEMP_SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE//////////SESSION+TOKEN/EXAMPLE=";

/// Requests with a larger body are answered `413`.
const MAX_BODY: usize = 1 << 20;
/// How long [`Gateway::stop`] waits for the server thread.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// The long-term credentials of [`ACCESS_KEY_ID`].
pub fn long_term_credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None::<String>)
}

/// The temporary credentials of [`TEMP_ACCESS_KEY_ID`], with a session token.
pub fn temporary_credentials() -> Credentials {
    Credentials::new(
        TEMP_ACCESS_KEY_ID,
        TEMP_SECRET_ACCESS_KEY,
        Some(TEMP_SESSION_TOKEN.to_owned()),
    )
}

/// A running gateway. Stop it with [`Gateway::stop`]; dropping it also
/// stops it.
pub struct Gateway {
    server: Arc<tiny_http::Server>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
    /// Disconnects when the server thread ends.
    done: mpsc::Receiver<()>,
}

impl Gateway {
    /// Starts the gateway on 127.0.0.1, on a port the OS picks.
    pub fn start() -> io::Result<Gateway> {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let server = tiny_http::Server::http(addr).map_err(io::Error::other)?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("the server is not listening on an IP address"))?;
        let server = Arc::new(server);

        let keys: HashMap<String, Credentials> = [long_term_credentials(), temporary_credentials()]
            .into_iter()
            .map(|creds| (creds.access_key_id().to_owned(), creds))
            .collect();
        // The real clock and the default ±15 minutes of skew, like AWS.
        // UNSIGNED-PAYLOAD (refused by default for services other than S3)
        // is allowed, for the clients' streamed-body tests.
        let verifier = Verifier::new(keys, REGION, EXECUTE_API)
            .unsigned_payload(UnsignedPayloadPolicy::Allowed);

        let (done_tx, done) = mpsc::channel::<()>();
        let thread = thread::Builder::new().name("gateway".into()).spawn({
            let server = Arc::clone(&server);
            move || {
                // Dropped when this thread ends, which `stop` waits for.
                let _done = done_tx;
                // Ends when `unblock` is called.
                for request in server.incoming_requests() {
                    handle(&verifier, request);
                }
            }
        })?;
        Ok(Gateway {
            server,
            addr,
            thread: Some(thread),
            done,
        })
    }

    /// The URL of `path_and_query` on this gateway, e.g. `url("/pets?type=dog")`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    /// Stops the server thread, waiting at most a few seconds for it.
    pub fn stop(mut self) -> Result<(), String> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<(), String> {
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        self.server.unblock();
        match self.done.recv_timeout(STOP_TIMEOUT) {
            Err(mpsc::RecvTimeoutError::Disconnected) => thread
                .join()
                .map_err(|_| "the gateway's server thread panicked".to_owned()),
            // The thread is stuck in a request; leave it detached.
            _ => Err(format!(
                "the gateway's server thread did not stop within {} s",
                STOP_TIMEOUT.as_secs()
            )),
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}

/// Verifies one request and answers it.
fn handle<L: CredentialsLookup>(verifier: &Verifier<L>, mut request: tiny_http::Request) {
    let (status, error_type, body) = match to_http_request(&mut request) {
        Err(Rejected(status, message)) => {
            (status, Some("BadRequestException"), message_json(&message))
        }
        Ok(req) => match verifier.verify(&req) {
            Ok(verified) => {
                let echo = json!({
                    "method": req.method().as_str(),
                    "path": req.uri().path(),
                    "query": req.uri().query().unwrap_or(""),
                    "access_key_id": verified.access_key_id(),
                    "signed_headers": verified.signed_headers(),
                    "presigned": verified.is_presigned(),
                    "body_length": req.body().len(),
                    "received_headers": request
                        .headers()
                        .iter()
                        .map(|h| h.field.as_str().as_str().to_ascii_lowercase())
                        .collect::<Vec<_>>(),
                });
                (200, None, echo)
            }
            Err(err) => {
                let (error_type, message) = rejection(&err);
                (403, Some(error_type), message_json(&message))
            }
        },
    };
    let mut response = tiny_http::Response::from_string(body.to_string())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json"));
    if let Some(error_type) = error_type {
        response = response.with_header(header("x-amzn-ErrorType", error_type));
    }
    // The client may have gone away; there is no one to tell.
    let _ = request.respond(response);
}

/// API Gateway's error type and message for a failed verification.
fn rejection(err: &Error) -> (&'static str, String) {
    match err {
        // API Gateway's wording, with the server's side of the computation.
        Error::SignatureMismatch {
            canonical_request,
            string_to_sign,
        } => (
            "InvalidSignatureException",
            format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service \
                 documentation for details.\n\n\
                 The Canonical String for this request should have been\n'{canonical_request}'\n\n\
                 The String-to-Sign should have been\n'{string_to_sign}'\n"
            ),
        ),
        Error::Malformed(Malformed::MissingAuthentication) => (
            "MissingAuthenticationTokenException",
            "Missing Authentication Token".to_owned(),
        ),
        Error::Malformed(_) => ("IncompleteSignatureException", err.to_string()),
        Error::UnknownAccessKey { .. } | Error::SessionTokenMismatch => {
            ("UnrecognizedClientException", err.to_string())
        }
        Error::PayloadMismatch
        | Error::Expired { .. }
        | Error::ClockSkew { .. }
        | Error::ScopeMismatch { .. } => ("InvalidSignatureException", err.to_string()),
        _ => ("AccessDeniedException", err.to_string()),
    }
}

/// A request the gateway cannot even verify: status and message.
struct Rejected(u16, String);

/// Converts what arrived into an `http::Request`: the method, the request
/// target as sent (origin-form path and query), every header in order
/// (repeated ones too), and the body.
fn to_http_request(request: &mut tiny_http::Request) -> Result<http::Request<Vec<u8>>, Rejected> {
    let bad = |what: &str| Rejected(400, format!("invalid {what}"));
    let version = match request.http_version() {
        tiny_http::HTTPVersion(1, 0) => http::Version::HTTP_10,
        _ => http::Version::HTTP_11,
    };
    let mut builder = http::Request::builder()
        .method(request.method().as_str())
        .uri(request.url())
        .version(version);
    for h in request.headers() {
        // `header` appends, so repeated headers keep all their values.
        builder = builder.header(h.field.as_str().as_str(), h.value.as_str());
    }

    let mut body = Vec::new();
    request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|_| bad("body"))?;
    if body.len() > MAX_BODY {
        return Err(Rejected(413, format!("the body exceeds {MAX_BODY} bytes")));
    }
    builder
        .body(body)
        .map_err(|_| bad("request line or header"))
}

fn message_json(message: &str) -> serde_json::Value {
    json!({ "message": message })
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name, value).expect("a valid ASCII header")
}
