//! [`DefaultHttpClient`]: the [`HttpClient`] the network credential sources
//! use unless given another, on ureq 3 and rustls.

use std::fmt;
use std::io;
use std::time::Duration;

use super::HttpClient;

/// The most a response body may hold. Credential answers are a few
/// kilobytes; a larger body is an error, not a memory sink.
const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// A small blocking HTTP/1.1 client: ureq 3 over rustls (ring, webpki
/// roots), the client the network credential sources use unless given
/// another.
///
/// - the `timeout` of each [`send`](HttpClient::send) bounds the whole
///   exchange (DNS, connecting, TLS, sending, reading the body); running
///   out of it is an error of kind [`io::ErrorKind::TimedOut`];
/// - response bodies larger than 1 MiB are an error of kind
///   [`io::ErrorKind::InvalidData`];
/// - redirects are not followed (a `3xx` is returned as it is) and no proxy
///   is used (the endpoints are link-local or loopback; `HTTPS_PROXY` and
///   friends are not read);
/// - every status is a response; transport failures are `io::Error`s.
///
/// Cheap to clone (clones share connections).
///
/// ```
/// use http_sigv4::{ContainerProvider, DefaultHttpClient};
/// let provider = ContainerProvider::new().http_client(DefaultHttpClient::new());
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct DefaultHttpClient {
    agent: ureq::Agent,
}

impl DefaultHttpClient {
    /// A client with the settings above.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{DefaultHttpClient, HttpClient};
    ///
    /// // Nothing listens on port 9 of loopback: an I/O error, not a panic.
    /// let request = http::Request::get("http://127.0.0.1:9/").body(Vec::new()).unwrap();
    /// assert!(DefaultHttpClient::new().send(request, Duration::from_secs(1)).is_err());
    /// ```
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .user_agent(concat!("http-sigv4/", env!("CARGO_PKG_VERSION")))
            .build();
        DefaultHttpClient {
            agent: config.into(),
        }
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        request: http::Request<B>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, ureq::Error> {
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(timeout))
            .build();
        let (parts, mut body) = self.agent.run(request)?.into_parts();
        let body = body.with_config().limit(MAX_RESPONSE_BYTES).read_to_vec()?;
        Ok(http::Response::from_parts(parts, body))
    }
}

impl Default for DefaultHttpClient {
    fn default() -> Self {
        DefaultHttpClient::new()
    }
}

impl HttpClient for DefaultHttpClient {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> io::Result<http::Response<Vec<u8>>> {
        let (parts, body) = request.into_parts();
        // An empty body on a method that has none (GET, HEAD, DELETE...) is
        // sent as no body: no `content-length: 0` on a GET. A `PUT` or a
        // `POST` always carries a sized body, so an empty one goes out as
        // `content-length: 0`, as botocore sends the IMDSv2 token `PUT`,
        // rather than as an empty chunked body that a server may take for
        // the start of the next request.
        let bodyless = matches!(
            parts.method,
            http::Method::GET | http::Method::HEAD | http::Method::DELETE | http::Method::OPTIONS
        );
        let result = match body.is_empty() && bodyless {
            true => self.run(http::Request::from_parts(parts, ()), timeout),
            false => self.run(http::Request::from_parts(parts, body), timeout),
        };
        result.map_err(into_io)
    }
}

impl fmt::Debug for DefaultHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultHttpClient").finish_non_exhaustive()
    }
}

/// ureq's error as the [`HttpClient`] contract wants it: timeouts of kind
/// `TimedOut`, a body over the limit of kind `InvalidData`.
fn into_io(error: ureq::Error) -> io::Error {
    match error {
        ureq::Error::Timeout(_) => io::Error::new(io::ErrorKind::TimedOut, error.to_string()),
        ureq::Error::BodyExceedsLimit(limit) => io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the response body is larger than {limit} bytes"),
        ),
        ureq::Error::Io(e) if e.kind() == io::ErrorKind::WouldBlock => {
            io::Error::new(io::ErrorKind::TimedOut, e.to_string())
        }
        other => other.into_io(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_and_oversized_bodies_map_to_the_contract_kinds() {
        let timeout = into_io(ureq::Error::Timeout(ureq::Timeout::Global));
        assert_eq!(timeout.kind(), io::ErrorKind::TimedOut);
        let large = into_io(ureq::Error::BodyExceedsLimit(MAX_RESPONSE_BYTES));
        assert_eq!(large.kind(), io::ErrorKind::InvalidData);
        assert!(large.to_string().contains("1048576"), "{large}");
        let refused = into_io(ureq::Error::Io(io::ErrorKind::ConnectionRefused.into()));
        assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
    }
}
