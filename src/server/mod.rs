//! [`VerifyLayer`] → [`Verify<S, L>`]: a tower service for servers that
//! verifies each request before its inner service sees it (feature
//! `server`).
//!
//! ```text
//! Request<B> ──► head verified? ──no──► AWS's error answer (no body byte read)
//!                     │yes
//!                     ▼
//!        streaming: Request<VerifiedBody<B>> ──► inner (body checked as read; the end decides)
//!        buffered:  body read ≤ limit and checked ──ok──► Request<VerifiedBody<B>> ──► inner
//!                                                 └bad──► AWS's error answer
//! ```

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::{Buf, Bytes};
use http::{Request, Response};
use http_body::Body;
use tower_layer::Layer;
use tower_service::Service;

use crate::verify::CredentialsLookup;
use crate::{BodyChecker, Error, VerifiedRequest, Verifier};

mod body;
mod response;

pub use body::{VerifiedBody, VerifyResponseBody};
pub use response::{error_response, ErrorStyle};

/// Errors of bodies, as tower's `BoxError`.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What [`Verify`] found, in the extensions of every request it passes
/// to its inner service.
///
/// The head is verified when the inner service is called (unless
/// [`ErrorStyle::PassToService`] passes failures on); the body, when
/// streamed, only once it has been read to its end: until then
/// [`result`](Self::result) is `None`. A request whose body was verified
/// before the call (buffered, or an unsigned payload) also carries its
/// [`VerifiedRequest`] as an extension of its own.
///
/// ```
/// use http_sigv4::Verification;
/// fn handler(req: &http::Request<()>) {
///     if let Some(v) = req.extensions().get::<Verification>() {
///         println!("signed by {:?}", v.access_key_id());
///     }
/// }
/// # handler(&http::Request::new(()));
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
#[derive(Clone)]
pub struct Verification {
    access_key_id: Option<Arc<str>>,
    result: Arc<Mutex<Option<Result<VerifiedRequest, Error>>>>,
}

impl Verification {
    fn new(access_key_id: Option<&str>, result: Option<Result<VerifiedRequest, Error>>) -> Self {
        Verification {
            access_key_id: access_key_id.map(Arc::from),
            result: Arc::new(Mutex::new(result)),
        }
    }

    pub(super) fn set(&self, result: Result<VerifiedRequest, Error>) {
        // A poisoned lock still holds a valid Option.
        let mut slot = self.result.lock().unwrap_or_else(|e| e.into_inner());
        *slot = Some(result);
    }

    /// The access key id that signed the request, once its head is
    /// verified (`None` if the head failed).
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use std::convert::Infallible;
    /// # use bytes::Bytes;
    /// # use http_body_util::{BodyExt, Full};
    /// # use http_sigv4::{Credentials, Signer, Verification, VerifiedBody, Verifier, Verify};
    /// # use tower::ServiceExt;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None);
    /// # let keys = HashMap::from([("AKIDEXAMPLE".to_owned(), creds.clone())]);
    /// # let (seen, slot) = std::sync::mpsc::channel::<Verification>();
    /// # let app = tower::service_fn(move |req: http::Request<VerifiedBody<Full<Bytes>>>| {
    /// #     let seen = seen.clone();
    /// #     async move {
    /// #         let verification = req.extensions().get::<Verification>().cloned().unwrap();
    /// #         req.into_body().collect().await.unwrap(); // the body, read to its end
    /// #         seen.send(verification).unwrap();
    /// #         Ok::<_, Infallible>(http::Response::new(String::new()))
    /// #     }
    /// # });
    /// # let service = Verify::new(app, Verifier::s3(keys, "us-east-1"));
    /// # let mut req = http::Request::get("https://bucket.s3.us-east-1.amazonaws.com/key")
    /// #     .body(Bytes::new()).unwrap();
    /// # Signer::s3(creds, "us-east-1").sign(&mut req)?;
    /// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// # runtime.block_on(service.oneshot(req.map(Full::new))).unwrap();
    /// // In the inner service: `req.extensions().get::<Verification>()`.
    /// let verification: Verification = slot.recv().unwrap();
    /// assert_eq!(verification.access_key_id(), Some("AKIDEXAMPLE"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn access_key_id(&self) -> Option<&str> {
        self.access_key_id.as_deref()
    }

    /// The outcome: `None` while a streamed body has not been read to its
    /// end, then the [`VerifiedRequest`] or the failure.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use std::convert::Infallible;
    /// # use bytes::Bytes;
    /// # use http_body_util::{BodyExt, Full};
    /// # use http_sigv4::{Credentials, Signer, Verification, VerifiedBody, Verifier, Verify};
    /// # use tower::ServiceExt;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None);
    /// # let keys = HashMap::from([("AKIDEXAMPLE".to_owned(), creds.clone())]);
    /// # let (seen, slot) = std::sync::mpsc::channel::<Verification>();
    /// # let app = tower::service_fn(move |req: http::Request<VerifiedBody<Full<Bytes>>>| {
    /// #     let seen = seen.clone();
    /// #     async move {
    /// #         let verification = req.extensions().get::<Verification>().cloned().unwrap();
    /// #         req.into_body().collect().await.unwrap(); // the body, read to its end
    /// #         seen.send(verification).unwrap();
    /// #         Ok::<_, Infallible>(http::Response::new(String::new()))
    /// #     }
    /// # });
    /// # let service = Verify::new(app, Verifier::s3(keys, "us-east-1"));
    /// # let mut req = http::Request::get("https://bucket.s3.us-east-1.amazonaws.com/key")
    /// #     .body(Bytes::new()).unwrap();
    /// # Signer::s3(creds, "us-east-1").sign(&mut req)?;
    /// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// # runtime.block_on(service.oneshot(req.map(Full::new))).unwrap();
    /// // In the inner service: `req.extensions().get::<Verification>()`.
    /// let verification: Verification = slot.recv().unwrap();
    /// // Once the inner service has read the body to its end:
    /// assert_eq!(verification.result().unwrap()?.access_key_id(), "AKIDEXAMPLE");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn result(&self) -> Option<Result<VerifiedRequest, Error>> {
        let slot = self.result.lock().unwrap_or_else(|e| e.into_inner());
        slot.clone()
    }

    /// Whether the request, body included, is verified.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use std::convert::Infallible;
    /// # use bytes::Bytes;
    /// # use http_body_util::{BodyExt, Full};
    /// # use http_sigv4::{Credentials, Signer, Verification, VerifiedBody, Verifier, Verify};
    /// # use tower::ServiceExt;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None);
    /// # let keys = HashMap::from([("AKIDEXAMPLE".to_owned(), creds.clone())]);
    /// # let (seen, slot) = std::sync::mpsc::channel::<Verification>();
    /// # let app = tower::service_fn(move |req: http::Request<VerifiedBody<Full<Bytes>>>| {
    /// #     let seen = seen.clone();
    /// #     async move {
    /// #         let verification = req.extensions().get::<Verification>().cloned().unwrap();
    /// #         req.into_body().collect().await.unwrap(); // the body, read to its end
    /// #         seen.send(verification).unwrap();
    /// #         Ok::<_, Infallible>(http::Response::new(String::new()))
    /// #     }
    /// # });
    /// # let service = Verify::new(app, Verifier::s3(keys, "us-east-1"));
    /// # let mut req = http::Request::get("https://bucket.s3.us-east-1.amazonaws.com/key")
    /// #     .body(Bytes::new()).unwrap();
    /// # Signer::s3(creds, "us-east-1").sign(&mut req)?;
    /// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// # runtime.block_on(service.oneshot(req.map(Full::new))).unwrap();
    /// // In the inner service: `req.extensions().get::<Verification>()`.
    /// let verification: Verification = slot.recv().unwrap();
    /// assert!(verification.is_verified());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn is_verified(&self) -> bool {
        matches!(self.result(), Some(Ok(_)))
    }
}

impl fmt::Debug for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verification")
            .field("access_key_id", &self.access_key_id)
            .field("result", &self.result())
            .finish()
    }
}

/// A tower [`Layer`] that wraps a service in [`Verify`], which verifies
/// the SigV4 signature of every request with a [`Verifier`] before the
/// service sees it.
///
/// - The head (signature, key, scope, time, headers) is checked first,
///   reading no body byte: a forged or unknown-key request costs nothing
///   more and is answered as AWS answers ([`ErrorStyle`]).
/// - The body goes to the inner service as a [`VerifiedBody`]: the payload
///   (aws-chunked bodies decoded, each chunk's signature checked before
///   its data comes through), checked as it is read. **The final check
///   happens at the end of the body**: a SHA-256 mismatch, a truncated
///   aws-chunked body or a bad trailer shows as an error frame at the end,
///   so the app must not commit side effects before the body has ended
///   without error. Or [`buffered`](Self::buffered): the body is read and
///   verified in full (up to a limit) before the inner service is called.
/// - The inner service finds a [`Verification`] in the request's
///   extensions (and the [`VerifiedRequest`] itself when the body was
///   verified before the call).
///
/// ```
/// use std::collections::HashMap;
/// use http_sigv4::{Credentials, Verifier, VerifyLayer};
/// let keys: HashMap<String, Credentials> = HashMap::new();
/// let layer = VerifyLayer::new(Verifier::s3(keys, "us-east-1"));
/// // tower::ServiceBuilder::new().layer(layer).service(app) under hyper.
/// # let _ = layer;
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub struct VerifyLayer<L> {
    config: Config<L>,
}

/// The settings of a layer and its services: the verifier shared.
struct Config<L> {
    verifier: Arc<Verifier<L>>,
    style: ErrorStyle,
    buffer_limit: Option<usize>,
}

impl<L> Clone for Config<L> {
    fn clone(&self) -> Self {
        Config {
            verifier: Arc::clone(&self.verifier),
            style: self.style,
            buffer_limit: self.buffer_limit,
        }
    }
}

impl<L> Clone for VerifyLayer<L> {
    fn clone(&self) -> Self {
        VerifyLayer {
            config: self.config.clone(),
        }
    }
}

impl<L> fmt::Debug for VerifyLayer<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyLayer")
            .field("verifier", &self.config.verifier)
            .field("style", &self.config.style)
            .field("buffer_limit", &self.config.buffer_limit)
            .finish()
    }
}

impl<L> VerifyLayer<L> {
    /// A layer verifying with `verifier`; failures answered in S3's XML,
    /// bodies streamed.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, Verifier, VerifyLayer, EXECUTE_API};
    /// let verifier = Verifier::new(HashMap::<String, Credentials>::new(), "us-east-1", EXECUTE_API);
    /// let layer = VerifyLayer::new(verifier);
    /// # let _ = layer;
    /// ```
    pub fn new(verifier: Verifier<L>) -> Self {
        VerifyLayer {
            config: Config {
                verifier: Arc::new(verifier),
                style: ErrorStyle::S3Xml,
                buffer_limit: None,
            },
        }
    }

    /// How failures are answered (default [`ErrorStyle::S3Xml`]).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, ErrorStyle, Verifier, VerifyLayer};
    /// let layer = VerifyLayer::new(Verifier::s3(HashMap::<String, Credentials>::new(), "us-east-1"))
    ///     .error_style(ErrorStyle::PassToService);
    /// # let _ = layer;
    /// ```
    pub fn error_style(mut self, style: ErrorStyle) -> Self {
        self.config.style = style;
        self
    }

    /// Reads and verifies each body in full, up to `limit` bytes of
    /// payload (else `EntityTooLarge`), before calling the inner service,
    /// which then never sees an unverified byte (but for an
    /// `UNSIGNED-PAYLOAD` body, which the verifier's
    /// [`UnsignedPayloadPolicy`](crate::UnsignedPayloadPolicy) let through
    /// and which passes unread, as
    /// [`VerifiedPayload::Unsigned`](crate::VerifiedPayload::Unsigned)
    /// says). Memory: up to `limit` per request in flight.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use http_sigv4::{Credentials, Verifier, VerifyLayer};
    /// let layer = VerifyLayer::new(Verifier::s3(HashMap::<String, Credentials>::new(), "us-east-1"))
    ///     .buffered(1 << 20);
    /// # let _ = layer;
    /// ```
    pub fn buffered(mut self, limit: usize) -> Self {
        self.config.buffer_limit = Some(limit);
        self
    }
}

impl<S, L> Layer<S> for VerifyLayer<L> {
    type Service = Verify<S, L>;

    fn layer(&self, inner: S) -> Verify<S, L> {
        Verify {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service of [`VerifyLayer`]: verifies each request, then calls the
/// inner service with a [`VerifiedBody`], or answers the failure.
///
/// A signed PUT reaches the inner service, which reads the verified body
/// and finds the [`Verification`]; an unsigned one is answered in S3's XML
/// without reaching it:
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use bytes::Bytes;
/// use http_body_util::{BodyExt, Full};
/// use http_sigv4::{Credentials, Signer, Verification, VerifiedBody, Verifier, Verify};
/// use tower::ServiceExt;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None);
/// let keys = HashMap::from([("AKIDEXAMPLE".to_owned(), creds.clone())]);
/// let app = tower::service_fn(|req: http::Request<VerifiedBody<Full<Bytes>>>| async move {
///     let verification = req.extensions().get::<Verification>().cloned();
///     let body = req.into_body().collect().await.expect("verified").to_bytes();
///     assert!(verification.is_some_and(|v| v.is_verified()));
///     Ok::<_, Infallible>(http::Response::new(Full::new(body)))
/// });
/// let service = Verify::new(app, Verifier::s3(keys, "us-east-1"));
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let mut put = http::Request::put("https://bucket.s3.us-east-1.amazonaws.com/key")
///     .body(Bytes::from_static(b"hello"))
///     .unwrap();
/// Signer::s3(creds, "us-east-1").sign(&mut put)?;
/// let put = put.map(Full::new);
/// let answer = runtime.block_on(service.clone().oneshot(put)).unwrap();
/// assert_eq!(answer.status(), 200);
/// let echoed = runtime.block_on(answer.into_body().collect()).unwrap().to_bytes();
/// assert_eq!(echoed, "hello");
///
/// let unsigned = http::Request::put("https://bucket.s3.us-east-1.amazonaws.com/key")
///     .body(Full::new(Bytes::from_static(b"hello")))
///     .unwrap();
/// let answer = runtime.block_on(service.oneshot(unsigned)).unwrap();
/// assert_eq!(answer.status(), 403);
/// let xml = runtime.block_on(answer.into_body().collect()).unwrap().to_bytes();
/// assert!(String::from_utf8_lossy(&xml).contains("<Code>"));
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub struct Verify<S, L> {
    inner: S,
    config: Config<L>,
}

impl<S: Clone, L> Clone for Verify<S, L> {
    fn clone(&self) -> Self {
        Verify {
            inner: self.inner.clone(),
            config: self.config.clone(),
        }
    }
}

impl<S: fmt::Debug, L> fmt::Debug for Verify<S, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verify")
            .field("inner", &self.inner)
            .field("style", &self.config.style)
            .field("buffer_limit", &self.config.buffer_limit)
            .finish_non_exhaustive()
    }
}

impl<S, L> Verify<S, L> {
    /// Wraps `inner`; see [`VerifyLayer::new`], and the example on
    /// [`Verify`].
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use http_sigv4::{Credentials, Verifier, Verify};
    /// # let verifier = Verifier::s3(HashMap::<String, Credentials>::new(), "us-east-1");
    /// let service = Verify::new(tower::service_fn(|_: http::Request<http_sigv4::VerifiedBody<String>>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }), verifier);
    /// # let _ = service;
    /// ```
    pub fn new(inner: S, verifier: Verifier<L>) -> Self {
        VerifyLayer::new(verifier).layer(inner)
    }

    /// The inner service.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use http_sigv4::{Credentials, Verifier, Verify};
    /// # let verifier = Verifier::s3(HashMap::<String, Credentials>::new(), "us-east-1");
    /// let service = Verify::new(7, verifier);
    /// assert_eq!(*service.get_ref(), 7);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use http_sigv4::{Credentials, Verifier, Verify};
    /// # let verifier = Verifier::s3(HashMap::<String, Credentials>::new(), "us-east-1");
    /// let mut service = Verify::new(7, verifier);
    /// *service.get_mut() += 1;
    /// assert_eq!(*service.get_ref(), 8);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, unwrapped.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use http_sigv4::{Credentials, Verifier, Verify};
    /// # let verifier = Verifier::s3(HashMap::<String, Credentials>::new(), "us-east-1");
    /// assert_eq!(Verify::new(7, verifier).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// What the request becomes: passed on, or answered here.
// Built and moved once per request: boxing would not save anything.
#[allow(clippy::large_enum_variant)]
enum Next<B> {
    Call(Request<VerifiedBody<B>>),
    Answer(Response<String>),
}

impl<S, L, B, ResB> Service<Request<B>> for Verify<S, L>
where
    S: Service<Request<VerifiedBody<B>>, Response = Response<ResB>> + Clone + Send + 'static,
    S::Future: Send,
    L: CredentialsLookup + Send + Sync + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<VerifyResponseBody<ResB>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The service made ready goes into the future; `self` keeps a
        // clone, polled ready before its own call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let config = self.config.clone();
        Box::pin(async move {
            match prepare(req, &config).await {
                Next::Call(req) => {
                    let response = inner.call(req).await?;
                    Ok(response.map(VerifyResponseBody::inner))
                }
                Next::Answer(answer) => Ok(answer.map(VerifyResponseBody::error)),
            }
        })
    }
}

/// Verifies the head and sets the body up (or reads it, buffered).
async fn prepare<B, L>(req: Request<B>, config: &Config<L>) -> Next<B>
where
    B: Body,
    B::Error: Into<BoxError>,
    L: CredentialsLookup,
{
    let failed = |req: Request<B>, key: Option<&str>, err: Error| {
        if config.style != ErrorStyle::PassToService {
            return Next::Answer(error_response(&err, config.style));
        }
        let (mut parts, _) = req.into_parts();
        parts
            .extensions
            .insert(Verification::new(key, Some(Err(err.clone()))));
        Next::Call(Request::from_parts(parts, VerifiedBody::failed(err)))
    };
    let head = match config.verifier.verify_head_at(&req, SystemTime::now()) {
        Ok(head) => head,
        Err(err) => return failed(req, None, err),
    };
    let key = head.access_key_id().to_owned();
    if !head.needs_body() {
        // An unsigned payload: nothing in the body to check.
        return match head.without_body() {
            Ok(verified) => {
                let (mut parts, body) = req.into_parts();
                parts
                    .extensions
                    .insert(Verification::new(Some(&key), Some(Ok(verified.clone()))));
                parts.extensions.insert(verified);
                Next::Call(Request::from_parts(parts, VerifiedBody::unchecked(body)))
            }
            Err(err) => failed(req, Some(&key), err),
        };
    }
    let checker = match head.into_body_checker() {
        Ok(checker) => checker,
        Err(err) => return failed(req, Some(&key), err),
    };
    let Some(limit) = config.buffer_limit else {
        let (mut parts, body) = req.into_parts();
        let verification = Verification::new(Some(&key), None);
        parts.extensions.insert(verification.clone());
        return Next::Call(Request::from_parts(
            parts,
            VerifiedBody::checking(body, checker, verification),
        ));
    };
    let (mut parts, body) = req.into_parts();
    let (result, body) = match read_checked(body, checker, limit).await {
        Ok((data, verified)) => {
            parts.extensions.insert(verified.clone());
            (Ok(verified), VerifiedBody::buffered(data))
        }
        Err(Read::Verify(err)) if config.style == ErrorStyle::PassToService => {
            (Err(err.clone()), VerifiedBody::failed(err))
        }
        Err(Read::Verify(err)) => return Next::Answer(error_response(&err, config.style)),
        Err(Read::Transport(message)) => {
            return Next::Answer(incomplete_body(&message, config.style))
        }
    };
    parts
        .extensions
        .insert(Verification::new(Some(&key), Some(result)));
    Next::Call(Request::from_parts(parts, body))
}

/// A body that could not be read to its end (the connection failed).
fn incomplete_body(message: &str, style: ErrorStyle) -> Response<String> {
    let status = http::StatusCode::BAD_REQUEST;
    let (content_type, body) = match style {
        ErrorStyle::ApiGatewayJson => (
            "application/json",
            "{\"message\":\"the request body could not be read\"}".to_owned(),
        ),
        _ => (
            "application/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>IncompleteBody</Code>\
                 <Message>The request body could not be read: {}</Message></Error>",
                message
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            ),
        ),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

enum Read {
    Verify(Error),
    Transport(String),
}

/// Reads `body` through `checker`, keeping at most `limit` bytes of payload.
async fn read_checked<B>(
    body: B,
    mut checker: BodyChecker,
    limit: usize,
) -> Result<(Bytes, VerifiedRequest), Read>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = pin!(body);
    let mut payload = Vec::new();
    while let Some(frame) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|e| Read::Transport(e.into().to_string()))?;
        if let Ok(mut data) = frame.into_data() {
            while data.has_remaining() {
                let piece = data.chunk();
                let n = piece.len();
                checker.feed(piece, &mut payload).map_err(Read::Verify)?;
                data.advance(n);
                if payload.len() > limit {
                    return Err(Read::Verify(Error::PayloadTooLarge { limit }));
                }
            }
        }
    }
    let verified = checker.finish().map_err(Read::Verify)?;
    Ok((Bytes::from(payload), verified))
}
