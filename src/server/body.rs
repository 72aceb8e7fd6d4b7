//! The bodies of [`Verify`](crate::Verify): the request body handed to the
//! inner service ([`VerifiedBody`]), checked as it is read, and the
//! response body ([`VerifyResponseBody`]), the inner service's or an error
//! document.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes};
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};

use super::{BoxError, Verification};
use crate::{BodyChecker, Error};

/// The request body the inner service of [`Verify`](crate::Verify) reads:
/// the payload (an aws-chunked body decoded), checked as it is read.
///
/// Streaming (the default): bytes come through as they arrive, but the
/// check of the whole (the SHA-256, the end of the chunks, the trailer)
/// is only done **at the end of the body**: if it fails, the last frame is
/// an error (an [`Error`] in the box), never the end of the body. So the
/// app must not commit anything (store an upload, act on a command) before
/// it has read the body to its end without error; write uploads to a
/// temporary place and commit after. aws-chunked data only comes through
/// once its chunk's signature is checked (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`
/// has none: its data comes as it arrives, its checksum is checked at the
/// end). With
/// [`VerifyLayer::buffered`](crate::VerifyLayer::buffered) the body is
/// verified in full before the inner service is called.
///
/// Errors are boxed `http_sigv4::Error`s for a verification failure, and
/// the underlying body's own errors otherwise. The example on
/// [`Verify`](crate::Verify) reads one.
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub struct VerifiedBody<B>(State<B>);

enum State<B> {
    /// Read from `body`, through `checker`.
    Checking {
        body: Pin<Box<B>>,
        checker: Option<Box<BodyChecker>>,
        chunked: bool,
        verification: Verification,
        trailers: Option<HeaderMap>,
        /// Checked aws-chunked data still to give: slices of the frames
        /// read, not copies.
        ready: VecDeque<Bytes>,
    },
    /// An unsigned payload: passed on as it is.
    Unchecked(Pin<Box<B>>),
    /// Verified in full beforehand.
    Buffered(Option<Bytes>),
    /// The request failed verification (the app handles failures).
    Failed(Option<Error>),
    /// Verified, trailers (if any) still to give.
    Done(Option<HeaderMap>),
}

impl<B> VerifiedBody<B> {
    pub(super) fn checking(body: B, checker: BodyChecker, verification: Verification) -> Self {
        VerifiedBody(State::Checking {
            body: Box::pin(body),
            chunked: checker.is_aws_chunked(),
            checker: Some(Box::new(checker)),
            verification,
            trailers: None,
            ready: VecDeque::new(),
        })
    }

    pub(super) fn unchecked(body: B) -> Self {
        VerifiedBody(State::Unchecked(Box::pin(body)))
    }

    pub(super) fn buffered(data: Bytes) -> Self {
        VerifiedBody(State::Buffered(Some(data)))
    }

    pub(super) fn failed(err: Error) -> Self {
        VerifiedBody(State::Failed(Some(err)))
    }
}

impl<B> fmt::Debug for VerifiedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.0 {
            State::Checking { .. } => "Checking",
            State::Unchecked(_) => "Unchecked",
            State::Buffered(_) => "Buffered",
            State::Failed(_) => "Failed",
            State::Done(_) => "Done",
        };
        f.debug_tuple("VerifiedBody").field(&state).finish()
    }
}

impl<B> Body for VerifiedBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match &mut this.0 {
            State::Buffered(data) => Poll::Ready(
                data.take()
                    .filter(|d| !d.is_empty())
                    .map(|d| Ok(Frame::data(d))),
            ),
            State::Failed(err) => Poll::Ready(err.take().map(|e| Err(Box::new(e) as BoxError))),
            State::Done(trailers) => Poll::Ready(trailers.take().map(|t| Ok(Frame::trailers(t)))),
            State::Unchecked(body) => {
                let frame = ready!(body.as_mut().poll_frame(cx));
                Poll::Ready(frame.map(|f| match f {
                    Ok(f) => Ok(f.map_data(|mut d| d.copy_to_bytes(d.remaining()))),
                    Err(e) => Err(e.into()),
                }))
            }
            State::Checking {
                body,
                checker,
                chunked,
                verification,
                trailers,
                ready,
            } => loop {
                if let Some(data) = ready.pop_front() {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                let Some(check) = checker.as_mut() else {
                    return Poll::Ready(None);
                };
                match ready!(body.as_mut().poll_frame(cx)) {
                    Some(Ok(frame)) => match frame.into_data() {
                        Ok(mut data) => {
                            let data = data.copy_to_bytes(data.remaining());
                            let result = if *chunked {
                                let mut out = Vec::new();
                                check.feed_bytes(data, &mut out).map(|()| {
                                    ready.extend(out);
                                    Bytes::new()
                                })
                            } else {
                                check.update(&data).map(|()| data)
                            };
                            match result {
                                Ok(out) if out.is_empty() => continue,
                                Ok(out) => return Poll::Ready(Some(Ok(Frame::data(out)))),
                                Err(err) => {
                                    *checker = None;
                                    verification.set(Err(err.clone()));
                                    return Poll::Ready(Some(Err(Box::new(err))));
                                }
                            }
                        }
                        // HTTP trailers: given after the body is verified.
                        Err(frame) => {
                            if let Ok(more) = frame.into_trailers() {
                                trailers.get_or_insert_with(HeaderMap::new).extend(more);
                            }
                        }
                    },
                    Some(Err(err)) => {
                        *checker = None;
                        return Poll::Ready(Some(Err(err.into())));
                    }
                    None => {
                        let result = checker.take().map(|c| c.finish());
                        let Some(result) = result else {
                            return Poll::Ready(None);
                        };
                        verification.set(result.clone());
                        return match result {
                            Ok(_) => {
                                let trailers = trailers.take();
                                this.0 = State::Done(None);
                                Poll::Ready(trailers.map(|t| Ok(Frame::trailers(t))))
                            }
                            Err(err) => Poll::Ready(Some(Err(Box::new(err)))),
                        };
                    }
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            State::Buffered(data) => data.as_ref().is_none_or(Bytes::is_empty),
            State::Failed(err) => err.is_none(),
            State::Done(trailers) => trailers.is_none(),
            State::Unchecked(body) => body.is_end_stream(),
            State::Checking { checker, .. } => checker.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            State::Buffered(Some(data)) => SizeHint::with_exact(data.len() as u64),
            State::Unchecked(body) => body.size_hint(),
            State::Checking {
                body,
                chunked: false,
                ..
            } => body.size_hint(),
            State::Checking { .. } => SizeHint::default(),
            _ => SizeHint::with_exact(0),
        }
    }
}

/// The response body of [`Verify`](crate::Verify): the inner service's,
/// or AWS's error document for a request refused before reaching it.
/// The example on [`Verify`](crate::Verify) reads both kinds.
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub struct VerifyResponseBody<B>(ResponseKind<B>);

enum ResponseKind<B> {
    Inner(Pin<Box<B>>),
    Error(Option<Bytes>),
}

impl<B> VerifyResponseBody<B> {
    pub(super) fn inner(body: B) -> Self {
        VerifyResponseBody(ResponseKind::Inner(Box::pin(body)))
    }

    pub(super) fn error(document: String) -> Self {
        VerifyResponseBody(ResponseKind::Error(Some(Bytes::from(document))))
    }
}

impl<B> fmt::Debug for VerifyResponseBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            ResponseKind::Inner(_) => f.write_str("VerifyResponseBody::Inner"),
            ResponseKind::Error(_) => f.write_str("VerifyResponseBody::Error"),
        }
    }
}

impl<B> Body for VerifyResponseBody<B>
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
            ResponseKind::Error(document) => {
                Poll::Ready(document.take().map(|d| Ok(Frame::data(d))))
            }
            ResponseKind::Inner(body) => body.as_mut().poll_frame(cx).map(|frame| {
                frame.map(|frame| {
                    frame.map(|frame| frame.map_data(|mut d| d.copy_to_bytes(d.remaining())))
                })
            }),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            ResponseKind::Error(document) => document.is_none(),
            ResponseKind::Inner(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            ResponseKind::Error(Some(d)) => SizeHint::with_exact(d.len() as u64),
            ResponseKind::Error(None) => SizeHint::with_exact(0),
            ResponseKind::Inner(body) => body.size_hint(),
        }
    }
}
