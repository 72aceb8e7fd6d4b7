//! A blocking client for the S3 stand-in (`s3_store.rs`): requests signed
//! with `Signer::s3`, plain or aws-chunked (the library's `ChunkSigner`),
//! sent over hyper 1's HTTP/1 client on loopback.
//!
//! Shared by `examples/s3_server.rs` and `tests/s3_server.rs`.

use std::io::{self, Read};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::HOST;
use http::{HeaderMap, Method, Request};
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use http_sigv4::{ChunkedReader, ChunkedUpload, Signer};
use hyper_util::rt::TokioIo;

use super::s3_store::{credentials, REGION};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// Any request body.
pub type AnyBody = BoxBody<Bytes, BoxError>;

/// How long one exchange may take.
const TIMEOUT: Duration = Duration::from_secs(600);

/// What the server answered.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The body as text (error documents, listings).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `<Code>` of an S3 error document.
    pub fn code(&self) -> Option<String> {
        let text = self.text();
        let start = text.find("<Code>")? + 6;
        let end = text[start..].find("</Code>")? + start;
        Some(text[start..end].to_owned())
    }
}

/// A client of one server.
pub struct Client {
    runtime: tokio::runtime::Runtime,
    authority: String,
}

impl Client {
    pub fn new(authority: String) -> io::Result<Client> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Client { runtime, authority })
    }

    /// `method path` with `body`, signed over its SHA-256.
    pub fn request(&self, method: Method, path: &str, body: &[u8]) -> Request<AnyBody> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, &self.authority)
            .body(body.to_vec())
            .expect("a valid request");
        Signer::s3(credentials(), REGION)
            .sign(&mut req)
            .expect("signed");
        req.map(|b| boxed(Full::new(Bytes::from(b))))
    }

    /// A `PUT path` of `data` as aws-chunked `upload`, framed in memory:
    /// the signed head and the framed body, to alter before sending.
    pub fn chunked_put(
        &self,
        path: &str,
        data: &[u8],
        upload: &ChunkedUpload,
    ) -> (Request<()>, Vec<u8>) {
        let mut req = Request::put(path)
            .header(HOST, &self.authority)
            .body(())
            .expect("a valid request");
        let chunks = Signer::s3(credentials(), REGION)
            .sign_chunked_at(&mut req, upload, std::time::SystemTime::now())
            .expect("signed");
        let mut body = Vec::new();
        chunks
            .into_reader(data)
            .read_to_end(&mut body)
            .expect("framed");
        (req, body)
    }

    /// A `PUT path` of `length` bytes from `data`, aws-chunked and framed
    /// as it is sent (never held whole in memory).
    #[allow(dead_code)] // Used by tests/s3_server.rs only.
    pub fn streamed_put<R: Read + Send + Sync + Unpin + 'static>(
        &self,
        path: &str,
        data: R,
        length: u64,
    ) -> Request<AnyBody> {
        let mut req = Request::put(path)
            .header(HOST, &self.authority)
            .body(())
            .expect("a valid request");
        let chunks = Signer::s3(credentials(), REGION)
            .sign_chunked_at(
                &mut req,
                &ChunkedUpload::new(Some(length)),
                std::time::SystemTime::now(),
            )
            .expect("signed");
        let body = ReaderBody {
            reader: chunks.into_reader(data),
            done: false,
        };
        req.map(|()| boxed(body))
    }

    /// Sends `req` on a new connection and reads the whole answer.
    pub fn send(&self, req: Request<AnyBody>) -> io::Result<Reply> {
        self.runtime.block_on(async {
            let exchange = async {
                let stream = tokio::net::TcpStream::connect(&self.authority).await?;
                let (mut sender, connection) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream))
                        .await
                        .map_err(io::Error::other)?;
                tokio::spawn(connection);
                let response = sender.send_request(req).await.map_err(io::Error::other)?;
                let (parts, body) = response.into_parts();
                let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
                Ok(Reply {
                    status: parts.status.as_u16(),
                    headers: parts.headers,
                    body,
                })
            };
            tokio::time::timeout(TIMEOUT, exchange)
                .await
                .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no answer in time"))?
        })
    }
}

/// `body` boxed with its error boxed.
pub fn boxed<B>(body: B) -> AnyBody
where
    B: Body<Data = Bytes> + Send + Sync + 'static,
    B::Error: Into<BoxError>,
{
    body.map_err(Into::into).boxed()
}

/// A framed aws-chunked body read from a `ChunkedReader`, 256 KiB at a time.
#[allow(dead_code)] // Used by tests/s3_server.rs only.
struct ReaderBody<R> {
    reader: ChunkedReader<R>,
    done: bool,
}

impl<R: Read + Unpin> Body for ReaderBody<R> {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let mut buffer = vec![0u8; 256 * 1024];
        // The data comes from memory: reading does not block.
        match this.reader.read(&mut buffer) {
            Ok(0) => {
                this.done = true;
                Poll::Ready(None)
            }
            Ok(n) => {
                buffer.truncate(n);
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(buffer)))))
            }
            Err(e) => Poll::Ready(Some(Err(e))),
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
