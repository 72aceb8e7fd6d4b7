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

/// A shared [`HttpClient`], cheap to clone, shown in `Debug` by name only.
#[derive(Clone)]
pub(crate) struct SharedHttpClient(pub(crate) std::sync::Arc<dyn HttpClient>);

impl SharedHttpClient {
    pub(crate) fn new(client: impl HttpClient + 'static) -> Self {
        SharedHttpClient(std::sync::Arc::new(client))
    }
}

impl Default for SharedHttpClient {
    fn default() -> Self {
        default_client()
    }
}

impl std::fmt::Debug for SharedHttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

/// The client the network sources use when none was given with
/// `http_client`: a [`DefaultHttpClient`](crate::DefaultHttpClient).
pub(crate) fn default_client() -> SharedHttpClient {
    SharedHttpClient::new(super::DefaultHttpClient::new())
}

/// A stand-in client for unit tests: answers with scripted responses in
/// order and keeps the requests it was sent.
#[cfg(test)]
pub(crate) mod scripted {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::{HttpClient, SharedHttpClient};

    /// One scripted answer: a response (status, body) or an I/O error.
    pub(crate) type Answer = Result<(u16, String), std::io::ErrorKind>;

    #[derive(Clone, Default)]
    pub(crate) struct Scripted {
        answers: Arc<Mutex<Vec<Answer>>>,
        pub(crate) sent: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
    }

    impl Scripted {
        pub(crate) fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
            let mut answers: Vec<Answer> = answers.into_iter().collect();
            answers.reverse();
            Scripted {
                answers: Arc::new(Mutex::new(answers)),
                sent: Arc::default(),
            }
        }

        pub(crate) fn shared(&self) -> SharedHttpClient {
            SharedHttpClient::new(self.clone())
        }

        pub(crate) fn sent(&self) -> Vec<http::Request<Vec<u8>>> {
            std::mem::take(&mut *self.sent.lock().unwrap())
        }
    }

    impl HttpClient for Scripted {
        fn send(
            &self,
            request: http::Request<Vec<u8>>,
            _timeout: Duration,
        ) -> std::io::Result<http::Response<Vec<u8>>> {
            self.sent.lock().unwrap().push(request);
            match self.answers.lock().unwrap().pop() {
                Some(Ok((status, body))) => Ok(http::Response::builder()
                    .status(status)
                    .body(body.into_bytes())
                    .unwrap()),
                Some(Err(kind)) => Err(kind.into()),
                None => Err(std::io::Error::other("no more scripted answers")),
            }
        }
    }
}
