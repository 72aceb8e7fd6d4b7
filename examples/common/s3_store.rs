//! A small S3-compatible object server on [`VerifyLayer`]: hyper 1 on
//! 127.0.0.1 (a port the OS picks), objects stored as files in a directory.
//!
//! Path-style requests, all SigV4-verified by the layer (S3's XML errors):
//! - `PUT /bucket`: create the bucket;
//! - `PUT /bucket/key`: store an object (plain, `UNSIGNED-PAYLOAD` or
//!   aws-chunked). The body streams to a temporary file and is renamed into
//!   place only once the layer has verified it to its end: a tampered,
//!   truncated or badly trailed upload leaves nothing. Memory stays bounded
//!   (one aws-chunked chunk, one read buffer) whatever the size;
//! - `GET` / `HEAD /bucket/key`: read an object (streamed from its file);
//! - `DELETE /bucket/key`: delete it (`204`, also when absent, as S3);
//! - `GET /bucket?list-type=2[&prefix=P][&max-keys=N]`: ListObjectsV2,
//!   minimal (keys in order, sizes, ETags; no delimiter, no continuation).
//!
//! ETags are the first 32 hex digits of the object's SHA-256, quoted (S3's
//! are MD5s: clients that check them against an MD5 would complain).
//!
//! Shared by `examples/s3_server.rs` and `tests/s3_server.rs`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::{Bytes, BytesMut};
use http::{header, Method, Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Either, Full};
use http_sigv4::{error_response, Credentials, ErrorStyle, VerifiedBody, Verifier, VerifyLayer};
use hyper::body::Incoming;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tower::Layer;

#[path = "hyper_server.rs"]
mod hyper_server;

use hyper_server::HyperServer;

/// The region the server verifies.
pub const REGION: &str = "us-east-1";
/// The access key the server knows (AWS's documentation example).
pub const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Bytes read from a file per response frame.
const READ_BUFFER: usize = 64 * 1024;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// The body of every answer: a small document or a file.
type ResponseBody = Either<Full<Bytes>, FileBody>;

/// The credentials of [`ACCESS_KEY_ID`].
pub fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None::<String>)
}

/// A running server. Stop it with [`S3Server::stop`] (or drop it).
pub struct S3Server {
    server: HyperServer,
}

impl S3Server {
    /// Starts a server storing its buckets under `root` (which must exist).
    pub fn start(root: &Path) -> io::Result<S3Server> {
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let keys: HashMap<String, Credentials> = [(ACCESS_KEY_ID.to_owned(), credentials())]
            .into_iter()
            .collect();
        let store = Store {
            root: root.to_owned(),
            temporary: Arc::new(AtomicU64::new(0)),
        };
        let app = tower::service_fn(move |req| {
            let store = store.clone();
            async move { Ok::<_, Infallible>(store.handle(req).await) }
        });
        let service = VerifyLayer::new(Verifier::s3(keys, REGION)).layer(app);
        let server = HyperServer::start(listener, "s3-server", service)?;
        Ok(S3Server { server })
    }

    /// `host:port`.
    pub fn authority(&self) -> String {
        self.server.addr().to_string()
    }

    /// Stops the server (connections in progress end with it).
    pub fn stop(mut self) {
        let _ = self.server.stop();
    }
}

#[derive(Clone)]
struct Store {
    root: PathBuf,
    /// Numbers temporary upload files.
    temporary: Arc<AtomicU64>,
}

impl Store {
    async fn handle(&self, req: Request<VerifiedBody<Incoming>>) -> Response<ResponseBody> {
        let path = req.uri().path().to_owned();
        let query = req.uri().query().unwrap_or("").to_owned();
        let Some((bucket, key)) = split_path(&path) else {
            return s3_error(StatusCode::BAD_REQUEST, "InvalidURI", "Bad bucket or key.");
        };
        let bucket_dir = self.root.join(&bucket);
        match (req.method().clone(), key) {
            (Method::PUT, None) => match tokio::fs::create_dir_all(&bucket_dir).await {
                Ok(()) => empty(StatusCode::OK),
                Err(e) => internal(e),
            },
            (method, _) if !bucket_dir.is_dir() && method != Method::PUT => s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchBucket",
                "The specified bucket does not exist.",
            ),
            (Method::GET, None) => self.list(&bucket_dir, &bucket, &query).await,
            (Method::PUT, Some(key)) => {
                if !bucket_dir.is_dir() {
                    return s3_error(
                        StatusCode::NOT_FOUND,
                        "NoSuchBucket",
                        "The specified bucket does not exist.",
                    );
                }
                self.put(req.into_body(), &object_path(&bucket_dir, &key))
                    .await
            }
            (Method::GET, Some(key)) => get(&object_path(&bucket_dir, &key), true).await,
            (Method::HEAD, Some(key)) => get(&object_path(&bucket_dir, &key), false).await,
            (Method::DELETE, Some(key)) => {
                match tokio::fs::remove_file(object_path(&bucket_dir, &key)).await {
                    Ok(()) => empty(StatusCode::NO_CONTENT),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => empty(StatusCode::NO_CONTENT),
                    Err(e) => internal(e),
                }
            }
            _ => s3_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
            ),
        }
    }

    /// Streams the verified body to a temporary file; renames it into place
    /// only if the body ended verified.
    async fn put(&self, body: VerifiedBody<Incoming>, target: &Path) -> Response<ResponseBody> {
        let n = self.temporary.fetch_add(1, Ordering::SeqCst);
        let temporary = self.root.join(format!(".upload-{n}"));
        let result = write_verified(body, &temporary).await;
        match result {
            Ok(hash) => match tokio::fs::rename(&temporary, target).await {
                Ok(()) => {
                    let mut response = empty(StatusCode::OK);
                    if let Ok(etag) = header::HeaderValue::from_str(&etag(&hash)) {
                        response.headers_mut().insert(header::ETAG, etag);
                    }
                    response
                }
                Err(e) => internal(e),
            },
            Err(err) => {
                let _ = tokio::fs::remove_file(&temporary).await;
                match err.downcast::<http_sigv4::Error>() {
                    // The layer's verdict at the end of the body: answered
                    // as the layer answers failures.
                    Ok(err) => error_response(&err, ErrorStyle::S3Xml)
                        .map(|text| Either::Left(Full::new(Bytes::from(text)))),
                    Err(other) => s3_error(
                        StatusCode::BAD_REQUEST,
                        "IncompleteBody",
                        &format!("The request body could not be read: {other}"),
                    ),
                }
            }
        }
    }

    async fn list(&self, dir: &Path, bucket: &str, query: &str) -> Response<ResponseBody> {
        let param = |name: &str| {
            query.split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (k == name).then(|| percent_decode(v))
            })
        };
        if param("list-type").as_deref() != Some("2") {
            return s3_error(
                StatusCode::NOT_IMPLEMENTED,
                "NotImplemented",
                "Only ListObjectsV2 (list-type=2) is implemented.",
            );
        }
        let prefix = param("prefix").unwrap_or_default();
        let max_keys: usize = param("max-keys")
            .and_then(|m| m.parse().ok())
            .unwrap_or(1000);
        let mut entries = match tokio::fs::read_dir(dir).await {
            Ok(entries) => entries,
            Err(e) => return internal(e),
        };
        let mut objects = Vec::new();
        while let Ok(Some(entry)) = entries.next_entry().await {
            let name = entry.file_name();
            let Some(key) = name.to_str().and_then(decode_key) else {
                continue;
            };
            if !key.starts_with(&prefix) {
                continue;
            }
            let size = entry.metadata().await.map(|m| m.len()).unwrap_or(0);
            objects.push((key, size, entry.path()));
        }
        objects.sort();
        let truncated = objects.len() > max_keys;
        objects.truncate(max_keys);
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Name>{}</Name><Prefix>{}</Prefix><KeyCount>{}</KeyCount>\
             <MaxKeys>{max_keys}</MaxKeys><IsTruncated>{truncated}</IsTruncated>",
            escape(bucket),
            escape(&prefix),
            objects.len()
        );
        for (key, size, path) in objects {
            let hash = match hash_file(&path).await {
                Ok(hash) => hash,
                Err(e) => return internal(e),
            };
            xml.push_str(&format!(
                "<Contents><Key>{}</Key><Size>{size}</Size><ETag>{}</ETag>\
                 <StorageClass>STANDARD</StorageClass></Contents>",
                escape(&key),
                escape(&etag(&hash))
            ));
        }
        xml.push_str("</ListBucketResult>");
        document(StatusCode::OK, "application/xml", xml)
    }
}

/// Writes `body` to `path`, hashing it; fails (with the body's error) if
/// the body did not end verified.
async fn write_verified(
    mut body: VerifiedBody<Incoming>,
    path: &Path,
) -> Result<[u8; 32], BoxError> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut hasher = Sha256::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            hasher.update(&data);
            write_all(&mut file, &data).await?;
        }
    }
    flush(&mut file).await?;
    Ok(hasher.finalize().into())
}

async fn write_all(file: &mut tokio::fs::File, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        let n = std::future::poll_fn(|cx| Pin::new(&mut *file).poll_write(cx, data)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        data = &data[n..];
    }
    Ok(())
}

async fn flush(file: &mut tokio::fs::File) -> io::Result<()> {
    std::future::poll_fn(|cx| Pin::new(&mut *file).poll_flush(cx)).await
}

async fn hash_file(path: &Path) -> io::Result<[u8; 32]> {
    let mut body = FileBody::new(tokio::fs::File::open(path).await?, u64::MAX);
    let mut hasher = Sha256::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            hasher.update(&data);
        }
    }
    Ok(hasher.finalize().into())
}

async fn get(path: &Path, with_body: bool) -> Response<ResponseBody> {
    let file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchKey",
                "The specified key does not exist.",
            )
        }
        Err(e) => return internal(e),
    };
    let length = match file.metadata().await {
        Ok(m) => m.len(),
        Err(e) => return internal(e),
    };
    let hash = match hash_file(path).await {
        Ok(hash) => hash,
        Err(e) => return internal(e),
    };
    let body = if with_body {
        Either::Right(FileBody::new(file, length))
    } else {
        Either::Left(Full::new(Bytes::new()))
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, length.into());
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(etag) = header::HeaderValue::from_str(&etag(&hash)) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// A file streamed as a response body, [`READ_BUFFER`] bytes at a time.
pub struct FileBody {
    file: tokio::fs::File,
    remaining: u64,
}

impl FileBody {
    fn new(file: tokio::fs::File, length: u64) -> Self {
        FileBody {
            file,
            remaining: length,
        }
    }
}

impl Body for FileBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let mut buffer = BytesMut::zeroed(READ_BUFFER);
        let mut read = ReadBuf::new(&mut buffer);
        ready!(Pin::new(&mut this.file).poll_read(cx, &mut read))?;
        let n = read.filled().len();
        if n == 0 {
            this.remaining = 0;
            return Poll::Ready(None);
        }
        this.remaining = this.remaining.saturating_sub(n as u64);
        buffer.truncate(n);
        Poll::Ready(Some(Ok(Frame::data(buffer.freeze()))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        match self.remaining {
            u64::MAX => SizeHint::default(),
            n => SizeHint::with_exact(n),
        }
    }
}

/// `/bucket` or `/bucket/key` (the key percent-decoded).
fn split_path(path: &str) -> Option<(String, Option<String>)> {
    let path = path.strip_prefix('/')?;
    let (bucket, key) = match path.split_once('/') {
        Some((bucket, key)) if !key.is_empty() => (bucket, Some(percent_decode(key))),
        Some((bucket, _)) => (bucket, None),
        None => (path, None),
    };
    let valid = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !bucket.starts_with('.');
    valid.then(|| (bucket.to_owned(), key))
}

/// A key's file: its bytes in hex (no path tricks, any key), `o` first.
fn object_path(bucket_dir: &Path, key: &str) -> PathBuf {
    bucket_dir.join(format!("o{}", hex::encode(key.as_bytes())))
}

fn decode_key(file_name: &str) -> Option<String> {
    let bytes = hex::decode(file_name.strip_prefix('o')?).ok()?;
    String::from_utf8(bytes).ok()
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn etag(hash: &[u8; 32]) -> String {
    format!("\"{}\"", &hex::encode(hash)[..32])
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn document(
    status: StatusCode,
    content_type: &'static str,
    text: String,
) -> Response<ResponseBody> {
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(text))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    response
}

fn empty(status: StatusCode) -> Response<ResponseBody> {
    let mut response = Response::new(Either::Left(Full::new(Bytes::new())));
    *response.status_mut() = status;
    response
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response<ResponseBody> {
    document(
        status,
        "application/xml",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
             <Message>{}</Message></Error>",
            escape(message)
        ),
    )
}

fn internal(err: io::Error) -> Response<ResponseBody> {
    s3_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
        &err.to_string(),
    )
}
