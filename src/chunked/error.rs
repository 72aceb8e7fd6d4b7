//! [`ChunkedError`]: what can be wrong with an aws-chunked upload.

use std::fmt;

/// What is wrong with an aws-chunked upload ([`Error::Chunked`](crate::Error::Chunked)):
/// its settings when signing, its framing, signatures, length or trailers
/// when checking. Messages name trailers, never their values.
///
/// ```
/// use http_sigv4::{ChunkedError, ChunkedUpload, Credentials, Error, Signer};
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
/// let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
/// let err = signer.sign_chunked(&mut req, &ChunkedUpload::new(None).chunk_size(100)).unwrap_err();
/// assert_eq!(err, Error::Chunked(ChunkedError::InvalidChunkSize { requested: 100 }));
/// assert!(err.to_string().contains("8192"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkedError {
    /// The chunk size asked for is below 8 KiB (AWS's minimum) or above
    /// [`MAX_CHUNK_SIZE`](crate::MAX_CHUNK_SIZE).
    InvalidChunkSize {
        /// The size asked for.
        requested: usize,
    },
    /// The data is so long that its framed length does not fit in 64 bits.
    TooLong {
        /// The data's length.
        decoded_length: u64,
    },
    /// Chunk signatures are HMAC-SHA256 (SigV4); a SigV4a signer cannot
    /// write them.
    SigV4aUnsupported,
    /// The data is longer or shorter than the declared length
    /// (`x-amz-decoded-content-length`, or the length given to
    /// [`ChunkedUpload::new`](crate::ChunkedUpload::new)).
    DecodedLengthMismatch {
        /// The declared length.
        declared: u64,
        /// The length seen (so far, when longer).
        actual: u64,
    },
    /// The body is not in the aws-chunked format.
    MalformedFrame {
        /// Where in the body (bytes from its start) the problem was found.
        offset: u64,
        /// What is wrong.
        problem: &'static str,
    },
    /// A chunk is larger than [`MAX_CHUNK_SIZE`](crate::MAX_CHUNK_SIZE).
    ChunkTooLarge {
        /// The chunk's declared size.
        size: u64,
        /// The largest accepted.
        max: u64,
    },
    /// A chunk's signature does not match its data and the previous
    /// signature: the data was changed, reordered or cut.
    ChunkSignatureMismatch {
        /// Which chunk, counting from 1 (the final, empty chunk included).
        chunk: u64,
    },
    /// The trailer signature (`x-amz-trailer-signature`) does not match the
    /// trailers.
    TrailerSignatureMismatch,
    /// A trailer the request declared (`x-amz-trailer`), or one the form
    /// requires (`x-amz-trailer-signature`, a checksum), is missing.
    MissingTrailer {
        /// The trailer's name.
        name: String,
    },
    /// A trailer arrived that `x-amz-trailer` did not declare.
    UndeclaredTrailer {
        /// The trailer's name.
        name: String,
    },
    /// The trailing checksum differs from the data's.
    ChecksumMismatch {
        /// The trailer's name, e.g. `x-amz-checksum-crc32c`.
        name: String,
    },
    /// A checksum this build cannot compute vouches for unsigned data
    /// (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    UnsupportedChecksum {
        /// The trailer's name.
        name: String,
    },
    /// The body ended before the final chunk (or before the end of its
    /// trailers).
    Truncated {
        /// Bytes received.
        offset: u64,
    },
    /// Bytes follow the end of the aws-chunked body.
    TrailingData {
        /// Where they start.
        offset: u64,
    },
}

impl fmt::Display for ChunkedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChunkedError::InvalidChunkSize { requested } => write!(
                f,
                "chunk size {requested} is out of range: choose one from 8192 (AWS's \
                 minimum) to {} bytes; 65536 is the usual",
                super::MAX_CHUNK_SIZE
            ),
            ChunkedError::TooLong { decoded_length } => write!(
                f,
                "{decoded_length} bytes of data do not fit one aws-chunked upload: \
                 use multipart upload"
            ),
            ChunkedError::SigV4aUnsupported => f.write_str(
                "a SigV4a signer cannot sign aws-chunked uploads: use a SigV4 Signer \
                 for the upload",
            ),
            ChunkedError::DecodedLengthMismatch { declared, actual } => write!(
                f,
                "the data is {actual} bytes {} but {declared} were declared: declare \
                 the data's exact length (x-amz-decoded-content-length)",
                if actual > declared { "or more" } else { "long" }
            ),
            ChunkedError::MalformedFrame { offset, problem } => write!(
                f,
                "the aws-chunked body is malformed at byte {offset}: {problem}"
            ),
            ChunkedError::ChunkTooLarge { size, max } => write!(
                f,
                "a chunk of {size} bytes exceeds the {max} accepted: send smaller chunks \
                 (64 KiB is the usual)"
            ),
            ChunkedError::ChunkSignatureMismatch { chunk } => write!(
                f,
                "the signature of chunk {chunk} does not match: the body was changed \
                 after signing, or signed with another key or seed signature"
            ),
            ChunkedError::TrailerSignatureMismatch => f.write_str(
                "the trailer signature does not match: the trailers were changed after signing",
            ),
            ChunkedError::MissingTrailer { name } => write!(
                f,
                "trailer `{name}` is missing after the final chunk: send it, or do not \
                 declare it in x-amz-trailer"
            ),
            ChunkedError::UndeclaredTrailer { name } => write!(
                f,
                "trailer `{name}` was not declared: name it in the x-amz-trailer header"
            ),
            ChunkedError::ChecksumMismatch { name } => write!(
                f,
                "the `{name}` trailer does not match the data: the data was changed in transit"
            ),
            ChunkedError::UnsupportedChecksum { name } => write!(
                f,
                "the `{name}` checksum cannot be computed by this build (crc32, crc32c and \
                 crc64nvme need the `checksums` feature): enable it, or send one of those"
            ),
            ChunkedError::Truncated { offset } => write!(
                f,
                "the aws-chunked body ended after {offset} bytes, before its final chunk \
                 and trailers: send the whole body"
            ),
            ChunkedError::TrailingData { offset } => write!(
                f,
                "bytes follow the end of the aws-chunked body at byte {offset}: \
                 check the framed content-length"
            ),
        }
    }
}
