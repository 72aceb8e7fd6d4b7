//! The one door the network credential sources (container endpoint, EC2
//! instance metadata, STS, IAM Identity Center) go through: send an
//! `http::Request`, get an `http::Response`.
//!
//! A program that already runs an HTTP client plugs it in by implementing
//! [`HttpClient`]; tests replay recorded traffic the same way.

use std::time::Duration;

/// Sends one HTTP request and returns the whole response.
///
/// Implementations must give up after `timeout` (connecting and reading
/// together) and report it as an error of kind
/// [`std::io::ErrorKind::TimedOut`]. Any status code is a response, not an
/// error: the sources read 4xx and 5xx bodies themselves.
///
/// ```
/// use std::time::Duration;
/// use http_sigv4::HttpClient;
///
/// /// Answers every request with a fixed body (a stand-in, as in tests).
/// struct Canned(&'static str);
///
/// impl HttpClient for Canned {
///     fn send(
///         &self,
///         _request: http::Request<Vec<u8>>,
///         _timeout: Duration,
///     ) -> std::io::Result<http::Response<Vec<u8>>> {
///         Ok(http::Response::new(self.0.as_bytes().to_vec()))
///     }
/// }
///
/// let client = Canned("hello");
/// let response = client.send(http::Request::new(Vec::new()), Duration::from_secs(1))?;
/// assert_eq!(response.body(), b"hello");
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait HttpClient: Send + Sync {
    /// Sends `request` and reads the whole response, within `timeout`.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> std::io::Result<http::Response<Vec<u8>>>;
}

impl<T: HttpClient + ?Sized> HttpClient for std::sync::Arc<T> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> std::io::Result<http::Response<Vec<u8>>> {
        (**self).send(request, timeout)
    }
}
