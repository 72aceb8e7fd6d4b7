//! [`ChunkedBody`]: an `http_body::Body` that frames another body into
//! signed chunks (feature `tower`).

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use http_body::{Body, Frame, SizeHint};

use super::{ChunkSigner, ChunkedError};
use crate::Error;

/// The error of a [`ChunkedBody`]: the inner body's, or an
/// [`Error::Chunked`](crate::Error::Chunked) when it yields more or fewer
/// bytes than declared.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An `http_body::Body` that yields the aws-chunked framing of another
/// body's data: chunks of [`ChunkedUpload::get_chunk_size`](crate::ChunkedUpload::get_chunk_size)
/// bytes, each signed as it is complete, then the final chunk (and
/// trailer). It holds at most one chunk of data at a time. Trailers of the
/// inner body are dropped.
///
/// A chunk that lies whole in one of the inner body's frames is sent as a
/// slice of that frame, not copied: its header line, the slice and the
/// line end go out as three frames. Chunks that span frames are gathered
/// into a buffer first.
///
/// Made by [`ChunkSigner::into_body`]; the size hint is exact (what is
/// left of the framed length) when the length is known.
///
/// ```
/// use bytes::Bytes;
/// use http_body::Body;
/// use http_body_util::{BodyExt, Full};
/// use http_sigv4::{ChunkedUpload, Credentials, Signer};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
/// let upload = ChunkedUpload::new(Some(5));
/// let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap();
/// let chunks = signer.sign_chunked(&mut req, &upload)?;
/// let body = chunks.into_body(Full::new(Bytes::from_static(b"hello")));
/// assert_eq!(body.size_hint().exact(), upload.framed_length());
/// let req = req.map(|()| body); // ready for hyper
/// # let framed = futures_lite_block_on(req.into_body().collect())?.to_bytes();
/// # assert_eq!(framed.len() as u64, upload.framed_length().unwrap());
/// # Ok(())
/// # }
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub struct ChunkedBody<B> {
    inner: Pin<Box<B>>,
    signer: ChunkSigner,
    data: Vec<u8>,
    /// The rest of the inner body's last data frame.
    pending: Bytes,
    inner_done: bool,
    done: bool,
    /// Framed bytes still to yield, when the length is known.
    remaining: Option<u64>,
    /// Frames ready to yield: a chunk taken whole from the inner body goes
    /// out as its header, its data (not copied) and its line end.
    queued: VecDeque<Bytes>,
}

impl<B> ChunkedBody<B> {
    pub(crate) fn new(inner: B, signer: ChunkSigner) -> Self {
        let size = signer.upload().get_chunk_size();
        ChunkedBody {
            inner: Box::pin(inner),
            remaining: signer.upload().framed_length(),
            signer,
            data: Vec::with_capacity(size),
            pending: Bytes::new(),
            inner_done: false,
            done: false,
            queued: VecDeque::new(),
        }
    }

    /// Frames the buffered data (all of it when the inner body is done).
    fn frame(&mut self) -> Result<Bytes, BoxError> {
        let total = self.signer.written() + self.data.len() as u64;
        self.check_length(total, self.inner_done)?;
        let mut out = Vec::with_capacity(self.data.len() + 256);
        self.signer.write_chunk(&self.data, &mut out);
        self.data.clear();
        if self.inner_done {
            self.signer.write_final(&mut out);
            self.done = true;
        }
        Ok(Bytes::from(out))
    }

    /// Signs `chunk`, a whole chunk taken from the inner body, and queues
    /// its header, the chunk itself and its line end.
    fn queue_chunk(&mut self, chunk: Bytes) -> Result<(), BoxError> {
        self.check_length(self.signer.written() + chunk.len() as u64, false)?;
        if let Some(frame) = self.signer.sign_chunk(&chunk) {
            self.queued
                .push_back(Bytes::copy_from_slice(frame.header()));
            self.queued.push_back(chunk);
            self.queued.push_back(Bytes::from_static(frame.trailer()));
        }
        Ok(())
    }

    /// Fails when `total` bytes of data are more than declared, or fewer
    /// at the `end`.
    fn check_length(&self, total: u64, end: bool) -> Result<(), BoxError> {
        if let Some(declared) = self.signer.upload().decoded_length() {
            if total > declared || (end && total < declared) {
                let error = Error::Chunked(ChunkedError::DecodedLengthMismatch {
                    declared,
                    actual: total,
                });
                return Err(Box::new(error));
            }
        }
        Ok(())
    }

    /// `frame`, counted off what is left to yield.
    fn yielded(&mut self, frame: Bytes) -> Frame<Bytes> {
        let len = frame.len() as u64;
        self.remaining = self.remaining.map(|n| n.saturating_sub(len));
        Frame::data(frame)
    }
}

impl<B> Body for ChunkedBody<B>
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
        // Every field is Unpin (the inner body is boxed).
        let this = self.get_mut();
        let size = this.signer.upload().get_chunk_size();
        loop {
            if let Some(frame) = this.queued.pop_front() {
                return Poll::Ready(Some(Ok(this.yielded(frame))));
            }
            if this.done {
                return Poll::Ready(None);
            }
            // A whole chunk in the inner body's frame: sent as it is.
            if this.data.is_empty() && this.pending.len() >= size {
                let chunk = this.pending.split_to(size);
                if let Err(error) = this.queue_chunk(chunk) {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                continue;
            }
            // Else copy at most one chunk out of it.
            let n = (size - this.data.len()).min(this.pending.len());
            this.data.extend_from_slice(&this.pending[..n]);
            this.pending.advance(n);
            if this.data.len() == size || (this.inner_done && this.pending.is_empty()) {
                let frame = this.frame().map(|frame| this.yielded(frame));
                return Poll::Ready(Some(frame));
            }
            match this.inner.as_mut().poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => this.inner_done = true,
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e.into())));
                }
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(mut data) = frame.into_data() {
                        this.pending = data.copy_to_bytes(data.remaining());
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }

    fn size_hint(&self) -> SizeHint {
        match (self.done, self.remaining) {
            (true, _) => SizeHint::with_exact(0),
            (false, Some(n)) => SizeHint::with_exact(n),
            (false, None) => SizeHint::default(),
        }
    }
}

impl<B> fmt::Debug for ChunkedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedBody")
            .field("signer", &self.signer)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
