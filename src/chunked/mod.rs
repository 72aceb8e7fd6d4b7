#![doc = include_str!("aws-chunked.md")]

#[cfg(feature = "tower")]
mod body;
#[cfg(feature = "checksums")]
mod checksum;
mod decoder;
mod encoder;
mod error;
mod reader;
mod string_to_sign;

#[cfg(feature = "tower")]
pub use body::ChunkedBody;
#[cfg(feature = "checksums")]
pub use checksum::ChecksumAlgorithm;
pub(crate) use decoder::{ChecksumCheck, ChunkedDecoder, ChunkedMode, ChunkedSummary};
pub use encoder::{ChunkFrame, ChunkSigner, ChunkedPayload, ChunkedUpload};
pub use error::ChunkedError;
pub use reader::ChunkedReader;
pub(crate) use string_to_sign::ChunkContext;

/// `x-amz-content-sha256` of a body whose chunks are signed.
pub(crate) const STREAMING_SIGNED: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/// `x-amz-content-sha256` of a body whose chunks and trailer are signed.
pub(crate) const STREAMING_SIGNED_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
/// `x-amz-content-sha256` of a body in unsigned chunks with a trailer.
pub(crate) const STREAMING_UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// The default chunk size of [`ChunkedUpload`]: 64 KiB, as AWS recommends.
///
/// ```
/// assert_eq!(http_sigv4::DEFAULT_CHUNK_SIZE, 65_536);
/// ```
pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;

/// The smallest chunk size [`ChunkedUpload::chunk_size`] accepts: AWS's
/// minimum, 8 KiB.
///
/// ```
/// assert_eq!(http_sigv4::MIN_CHUNK_SIZE, 8_192);
/// ```
pub const MIN_CHUNK_SIZE: usize = 8 * 1024;

/// The largest chunk size signed or accepted when checking: 16 MiB. A
/// checker holds one chunk in memory, so this bounds its memory.
///
/// ```
/// assert_eq!(http_sigv4::MAX_CHUNK_SIZE, 16 * 1024 * 1024);
/// ```
pub const MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;

impl ChunkSigner {
    /// Wraps `data` in a blocking reader that yields the framed, signed
    /// body; see [`ChunkedReader`].
    ///
    /// ```
    /// # use std::io::Read;
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(3)), SystemTime::now())?;
    /// let mut body = String::new();
    /// chunks.into_reader(&b"abc"[..]).read_to_string(&mut body).unwrap();
    /// assert!(body.starts_with("3;chunk-signature="));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn into_reader<R: std::io::Read>(self, data: R) -> ChunkedReader<R> {
        ChunkedReader::new(data, self)
    }

    /// Wraps `body` in an `http_body::Body` that yields the framed, signed
    /// body; see [`ChunkedBody`].
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use bytes::Bytes;
    /// # use http_body_util::{BodyExt, Full};
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::s3(Credentials::new("AKID", "SECRET", None), "us-east-1");
    /// let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(3)), SystemTime::now())?;
    /// let req = req.map(|()| chunks.into_body(Full::new(Bytes::from_static(b"abc"))));
    /// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let framed = runtime.block_on(req.into_body().collect()).unwrap().to_bytes();
    /// assert!(framed.starts_with(b"3;chunk-signature="));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    #[cfg(feature = "tower")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    pub fn into_body<B>(self, body: B) -> ChunkedBody<B> {
        ChunkedBody::new(body, self)
    }
}

#[cfg(test)]
mod tests;
