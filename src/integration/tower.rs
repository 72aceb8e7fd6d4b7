//! [`SigningLayer`] → [`Signing<S>`]: a tower service that signs each
//! `http::Request<B>` before passing it on (feature `tower`).
//!
//! ```text
//! Request<B> ──► Signing ──► body hashed? ──yes─► buffer B (≤ body_limit) ──► sign ──► Request<SignedBody<B>> ──► inner
//!                                          └─no──► sign (Payload::Unsigned / Precomputed) ──► B passed on unread ─┘
//! ```

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::{Buf, Bytes};
use http::{HeaderMap, Request};
use http_body::{Body, Frame, SizeHint};
use tower_layer::Layer;
use tower_service::Service;

use super::{RequestSigner, SignWith, Unread};
use crate::{Error, Payload};

/// The error type of [`Signing`]: what tower middleware returns when it adds
/// errors of its own (tower's `BoxError`).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The default [`SigningLayer::body_limit`]: 10 MiB, API Gateway's largest
/// payload.
///
/// ```
/// assert_eq!(http_sigv4::DEFAULT_BODY_LIMIT, 10_485_760);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// A tower [`Layer`] that wraps a service in [`Signing`], which signs every
/// request with a [`Signer`](crate::Signer), an
/// [`ApiGatewaySigner`](crate::ApiGatewaySigner) or a `SigV4aSigner`.
///
/// Put it **last** among the layers that change the request (closest to the
/// client): whatever a layer below it changes is no longer what was signed.
/// Layers above it (retry, timeout) are fine: a retried request is signed
/// again, with the current time and credentials.
///
/// Bodies: when the signature covers the body's SHA-256 (the default; API
/// Gateway needs it), the body is read into memory, up to
/// [`body_limit`](Self::body_limit), hashed, and sent from memory. When the
/// signer signs `UNSIGNED-PAYLOAD` or a precomputed hash, or the request's
/// extensions hold a [`Payload`] saying so, the body is passed on unread
/// (a stream stays a stream).
///
/// # Examples
///
/// Under hyper-util's client (`cargo run --example client_tower --features
/// tower` sends such requests to a verifying server):
///
/// ```no_run
/// use bytes::Bytes;
/// use http_body_util::Full;
/// use http_sigv4::{ApiGatewaySigner, SigningLayer};
/// use hyper_util::client::legacy::Client;
/// use hyper_util::rt::TokioExecutor;
/// use tower::{Service, ServiceBuilder, ServiceExt};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// let client = Client::builder(TokioExecutor::new()).build_http();
/// let mut client = ServiceBuilder::new()
///     .layer(SigningLayer::new(ApiGatewaySigner::from_env()?))
///     .service(client);
///
/// let req = http::Request::post("http://abc123.execute-api.us-east-1.amazonaws.com/prod/pets")
///     .header("content-type", "application/json")
///     .body(Full::new(Bytes::from(r#"{"name":"Rex"}"#)))?;
/// let response = client.ready().await?.call(req).await?;
/// # let _ = response;
/// # Ok(())
/// # }
/// ```
///
/// Any tower service will do; this one shows what it receives:
///
/// ```
/// use std::convert::Infallible;
/// use bytes::Bytes;
/// use http_body_util::Full;
/// use http_sigv4::{Credentials, SignedBody, Signer, SigningLayer};
/// use tower::{ServiceBuilder, ServiceExt};
///
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
/// let service = ServiceBuilder::new()
///     .layer(SigningLayer::new(signer))
///     .service_fn(|req: http::Request<SignedBody<Full<Bytes>>>| async move {
///         Ok::<_, Infallible>(req.headers()["authorization"].to_str().unwrap().to_owned())
///     });
///
/// let req = http::Request::post("https://example.amazonaws.com/").body(Full::new(Bytes::from("{}")))?;
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// let authorization = runtime.block_on(service.oneshot(req))?;
/// assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKID/"));
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
#[derive(Clone, Debug)]
pub struct SigningLayer {
    config: Arc<Config>,
}

#[derive(Debug)]
struct Config {
    signer: RequestSigner,
    body_limit: usize,
}

impl SigningLayer {
    /// A layer that signs with `signer` (a [`Signer`](crate::Signer), an
    /// [`ApiGatewaySigner`](crate::ApiGatewaySigner), a `SigV4aSigner`, or a
    /// [`RequestSigner`]) and buffers bodies up to [`DEFAULT_BODY_LIMIT`].
    ///
    /// ```
    /// use http_sigv4::{ApiGatewaySigner, Credentials, SigningLayer};
    /// let layer = SigningLayer::new(ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1"));
    /// # let _ = layer;
    /// ```
    pub fn new(signer: impl Into<RequestSigner>) -> Self {
        SigningLayer {
            config: Arc::new(Config {
                signer: signer.into(),
                body_limit: DEFAULT_BODY_LIMIT,
            }),
        }
    }

    /// The longest body, in bytes, read into memory to be hashed (default
    /// [`DEFAULT_BODY_LIMIT`]). A longer one fails with
    /// [`Error::BodyTooLarge`] before anything is sent: as soon as its
    /// [`size_hint`](Body::size_hint) says so, else when reading passes the
    /// limit.
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use bytes::Bytes;
    /// use http_body_util::Full;
    /// use http_sigv4::{Credentials, Error, SignedBody, Signer, SigningLayer};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
    /// let service = ServiceBuilder::new()
    ///     .layer(SigningLayer::new(signer).body_limit(4))
    ///     .service_fn(|_: http::Request<SignedBody<Full<Bytes>>>| async { Ok::<_, Infallible>(()) });
    ///
    /// let req = http::Request::post("https://example.amazonaws.com/").body(Full::new(Bytes::from("12345")))?;
    /// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    /// let err = runtime.block_on(service.oneshot(req)).unwrap_err();
    /// assert_eq!(err.downcast_ref::<Error>(), Some(&Error::BodyTooLarge { limit: 4 }));
    /// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    /// ```
    pub fn body_limit(self, limit: usize) -> Self {
        SigningLayer {
            config: Arc::new(Config {
                signer: self.config.signer.clone(),
                body_limit: limit,
            }),
        }
    }
}

impl<S> Layer<S> for SigningLayer {
    type Service = Signing<S>;

    fn layer(&self, inner: S) -> Signing<S> {
        Signing {
            inner,
            config: Arc::clone(&self.config),
        }
    }
}

/// A tower [`Service`] that signs each `http::Request<B>` and passes it on
/// as an `http::Request<SignedBody<B>>`; built by [`SigningLayer`] (see
/// there for bodies and where to put it).
///
/// Its error is tower's `BoxError`: an [`Error`] from signing (downcast it;
/// e.g. [`Error::BodyTooLarge`], or a credentials provider's error), the
/// body's own error while it was read, or the inner service's error.
///
/// ```
/// use std::convert::Infallible;
/// use http_sigv4::{ApiGatewaySigner, Credentials, SignedBody, Signing};
/// use tower::ServiceExt;
///
/// let signer = ApiGatewaySigner::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1");
/// let inner = tower::service_fn(|req: http::Request<SignedBody<String>>| async move {
///     Ok::<_, Infallible>(req.headers()["x-amz-content-sha256"].clone())
/// });
/// let service = Signing::new(inner, signer);
///
/// let req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod").body(String::new())?;
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// let hash = runtime.block_on(service.oneshot(req))?;
/// assert_eq!(hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
#[derive(Clone)]
pub struct Signing<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> Signing<S> {
    /// Wraps `inner`: the same as `SigningLayer::new(signer).layer(inner)`.
    ///
    /// ```
    /// use http_sigv4::{Credentials, Signer, Signing};
    /// let inner = tower::service_fn(|_: http::Request<http_sigv4::SignedBody<String>>| async { Ok::<_, std::convert::Infallible>(()) });
    /// let service = Signing::new(inner, Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service"));
    /// # let _ = service;
    /// ```
    pub fn new(inner: S, signer: impl Into<RequestSigner>) -> Self {
        SigningLayer::new(signer).layer(inner)
    }

    /// The wrapped service.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer, Signing};
    /// let service = Signing::new(7, Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service"));
    /// assert_eq!(*service.get_ref(), 7);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer, Signing};
    /// let mut service = Signing::new(7, Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service"));
    /// *service.get_mut() += 1;
    /// assert_eq!(*service.get_ref(), 8);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the service.
    ///
    /// ```
    /// # use http_sigv4::{Credentials, Signer, Signing};
    /// let service = Signing::new(7, Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service"));
    /// assert_eq!(service.into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for Signing<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signing")
            .field("inner", &self.inner)
            .field("signer", &self.config.signer)
            .field("body_limit", &self.config.body_limit)
            .finish()
    }
}

impl<S, B> Service<Request<B>> for Signing<S>
where
    S: Service<Request<SignedBody<B>>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The service that was made ready goes into the future; `self`
        // keeps a clone, which is polled ready before its own call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let config = Arc::clone(&self.config);
        Box::pin(async move {
            let req = sign(req, &config).await?;
            inner.call(req).await.map_err(Into::into)
        })
    }
}

/// Signs `req` now: reads its body first if the signature covers it.
async fn sign<B>(req: Request<B>, config: &Config) -> Result<Request<SignedBody<B>>, BoxError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let payload = req.extensions().get::<Payload>().cloned();
    let (parts, body) = req.into_parts();
    if !config.signer.reads_body(payload.as_ref()) {
        let mut head = Request::from_parts(parts, Unread);
        config
            .signer
            .sign_with(&mut head, SystemTime::now(), payload.as_ref())?;
        let (parts, Unread) = head.into_parts();
        return Ok(Request::from_parts(parts, SignedBody::streaming(body)));
    }
    let (data, trailers) = read_body(body, config.body_limit).await?;
    let mut buffered = Request::from_parts(parts, data);
    config
        .signer
        .sign_with(&mut buffered, SystemTime::now(), payload.as_ref())?;
    let (parts, data) = buffered.into_parts();
    Ok(Request::from_parts(
        parts,
        SignedBody(Kind::Buffered {
            data: Some(data),
            trailers,
        }),
    ))
}

/// Reads a whole body (and its trailers), failing as soon as it is known to
/// be longer than `limit`.
async fn read_body<B>(body: B, limit: usize) -> Result<(Bytes, Option<HeaderMap>), BoxError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let too_large = || Box::new(Error::BodyTooLarge { limit });
    if body.size_hint().lower() > limit as u64 {
        return Err(too_large());
    }
    let mut body = pin!(body);
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut length = 0usize;
    let mut trailers: Option<HeaderMap> = None;
    while let Some(frame) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        match frame.map_err(Into::into)?.into_data() {
            Ok(mut data) => {
                length = length.saturating_add(data.remaining());
                if length > limit {
                    return Err(too_large());
                }
                if data.has_remaining() {
                    chunks.push(data.copy_to_bytes(data.remaining()));
                }
            }
            Err(frame) => {
                if let Ok(more) = frame.into_trailers() {
                    trailers.get_or_insert_with(HeaderMap::new).extend(more);
                }
            }
        }
    }
    let data = match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => Bytes::from(chunks.concat()),
    };
    Ok((data, trailers))
}

/// The body of a request [`Signing`] passes on: the original body read into
/// memory (when its hash was signed), or the original body itself, unread.
///
/// Its data are [`Bytes`] and its error is `B`'s. It reports an exact
/// [`size_hint`](Body::size_hint) when buffered, so hyper sends a
/// `content-length` for it.
///
/// ```
/// use http_body::Body;
/// use http_sigv4::SignedBody;
///
/// let body = SignedBody::<String>::from_bytes("hello");
/// assert_eq!(body.size_hint().exact(), Some(5));
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub struct SignedBody<B>(Kind<B>);

enum Kind<B> {
    Buffered {
        data: Option<Bytes>,
        trailers: Option<HeaderMap>,
    },
    /// Boxed so that `SignedBody` is `Unpin` whatever `B` is.
    Streaming(Pin<Box<B>>),
}

impl<B> SignedBody<B> {
    fn streaming(body: B) -> Self {
        SignedBody(Kind::Streaming(Box::pin(body)))
    }

    /// A body of these bytes (what a buffered body becomes), e.g. to build
    /// requests for a service that takes `SignedBody` without going through
    /// [`Signing`].
    ///
    /// ```
    /// use http_body::Body;
    /// use http_sigv4::SignedBody;
    /// let body = SignedBody::<String>::from_bytes(bytes::Bytes::from_static(b"{}"));
    /// assert!(!body.is_end_stream());
    /// assert!(SignedBody::<String>::from_bytes("").is_end_stream());
    /// ```
    pub fn from_bytes(data: impl Into<Bytes>) -> Self {
        SignedBody(Kind::Buffered {
            data: Some(data.into()),
            trailers: None,
        })
    }
}

impl<B> fmt::Debug for SignedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Buffered { data, .. } => f
                .debug_struct("SignedBody::Buffered")
                .field("len", &data.as_ref().map_or(0, Bytes::len))
                .finish_non_exhaustive(),
            Kind::Streaming(_) => f.write_str("SignedBody::Streaming"),
        }
    }
}

impl<B> Body for SignedBody<B>
where
    B: Body,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match &mut self.get_mut().0 {
            Kind::Buffered { data, trailers } => {
                if let Some(data) = data.take().filter(|d| !d.is_empty()) {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Poll::Ready(trailers.take().map(|t| Ok(Frame::trailers(t))))
            }
            Kind::Streaming(body) => body.as_mut().poll_frame(cx).map(|frame| {
                frame.map(|frame| {
                    frame.map(|frame| frame.map_data(|mut d| d.copy_to_bytes(d.remaining())))
                })
            }),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Kind::Buffered { data, trailers } => {
                data.as_ref().is_none_or(Bytes::is_empty) && trailers.is_none()
            }
            Kind::Streaming(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Kind::Buffered { data, .. } => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
            Kind::Streaming(body) => body.size_hint(),
        }
    }
}
