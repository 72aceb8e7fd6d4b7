//! The signing side: [`ChunkedUpload`] (what to send), [`ChunkSigner`] (the
//! chain of chunk signatures, writing frames) and the framed length.

use std::fmt;

#[cfg(feature = "checksums")]
use super::checksum::RunningChecksum;
use super::string_to_sign::ChunkContext;
#[cfg(feature = "checksums")]
use super::ChecksumAlgorithm;
use super::{ChunkedError, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE};
use crate::digest_hex::LowercaseHex;
use crate::Error;

/// `;chunk-signature=`: the chunk extension that carries a signature.
pub(crate) const CHUNK_SIGNATURE_EXT: &str = ";chunk-signature=";
/// The trailer that carries the trailer signature.
pub(crate) const TRAILER_SIGNATURE: &str = "x-amz-trailer-signature";

/// Which aws-chunked form the body takes: the value of
/// `x-amz-content-sha256`.
///
/// ```
/// use http_sigv4::ChunkedPayload;
/// assert_eq!(ChunkedPayload::Signed.marker(), "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ChunkedPayload {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed, no
    /// trailer. Understood by AWS S3 and every S3-compatible server that
    /// takes aws-chunked uploads. The default.
    #[default]
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: every chunk signed,
    /// then a trailing checksum of the data, itself signed
    /// (`x-amz-trailer-signature`).
    #[cfg(feature = "checksums")]
    #[cfg_attr(docsrs, doc(cfg(feature = "checksums")))]
    SignedWithChecksum(ChecksumAlgorithm),
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: chunks not signed, a trailing
    /// checksum of the data (not signed either). What current AWS SDKs send
    /// over HTTPS; the checksum protects the data, TLS the rest.
    #[cfg(feature = "checksums")]
    #[cfg_attr(docsrs, doc(cfg(feature = "checksums")))]
    UnsignedWithChecksum(ChecksumAlgorithm),
}

impl ChunkedPayload {
    /// The `x-amz-content-sha256` value that announces this form.
    ///
    /// ```
    /// # use http_sigv4::ChunkedPayload;
    /// assert!(ChunkedPayload::default().marker().starts_with("STREAMING-"));
    /// ```
    pub fn marker(self) -> &'static str {
        match self {
            ChunkedPayload::Signed => super::STREAMING_SIGNED,
            #[cfg(feature = "checksums")]
            ChunkedPayload::SignedWithChecksum(_) => super::STREAMING_SIGNED_TRAILER,
            #[cfg(feature = "checksums")]
            ChunkedPayload::UnsignedWithChecksum(_) => super::STREAMING_UNSIGNED_TRAILER,
        }
    }

    pub(crate) fn signs_chunks(self) -> bool {
        match self {
            ChunkedPayload::Signed => true,
            #[cfg(feature = "checksums")]
            ChunkedPayload::SignedWithChecksum(_) => true,
            #[cfg(feature = "checksums")]
            ChunkedPayload::UnsignedWithChecksum(_) => false,
        }
    }

    #[cfg(feature = "checksums")]
    pub(crate) fn checksum(self) -> Option<ChecksumAlgorithm> {
        match self {
            ChunkedPayload::Signed => None,
            ChunkedPayload::SignedWithChecksum(a) | ChunkedPayload::UnsignedWithChecksum(a) => {
                Some(a)
            }
        }
    }

    /// Bytes after the final chunk's header line: the trailer section and
    /// the closing blank line.
    fn tail_len(self) -> u64 {
        match self {
            ChunkedPayload::Signed => 2,
            #[cfg(feature = "checksums")]
            ChunkedPayload::SignedWithChecksum(a) => {
                (a.header_name().len() + 1 + a.encoded_len() + 2) as u64
                    + (TRAILER_SIGNATURE.len() + 1 + 64 + 2) as u64
                    + 2
            }
            #[cfg(feature = "checksums")]
            ChunkedPayload::UnsignedWithChecksum(a) => {
                (a.header_name().len() + 1 + a.encoded_len() + 2) as u64 + 2
            }
        }
    }
}

/// An aws-chunked upload to sign with
/// [`Signer::sign_chunked_at`](crate::Signer::sign_chunked_at): the length
/// of the data (if known), the chunk size and the [`ChunkedPayload`] form.
///
/// ```
/// use http_sigv4::ChunkedUpload;
/// let upload = ChunkedUpload::new(Some(66_560)).chunk_size(65_536);
/// // 65,536 + 1,024 + 0 bytes, each with its signature line:
/// assert_eq!(upload.framed_length(), Some(66_824));
/// ```
///
/// # What aws-chunked is
///
#[doc = include_str!("aws-chunked.md")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkedUpload {
    decoded_length: Option<u64>,
    chunk_size: usize,
    payload: ChunkedPayload,
}

impl ChunkedUpload {
    /// An upload of `decoded_length` bytes of data (`None`: unknown),
    /// signed chunk by chunk ([`ChunkedPayload::Signed`]) in chunks of
    /// [`DEFAULT_CHUNK_SIZE`](crate::DEFAULT_CHUNK_SIZE).
    ///
    /// With a known length the request gets a `content-length` (the framed
    /// length) and `x-amz-decoded-content-length`. With an unknown one it
    /// gets `transfer-encoding: chunked` instead, which some S3-compatible
    /// servers accept; **AWS S3 wants a length**: for data of unknown
    /// length, use multipart upload, each part of known length.
    ///
    /// ```
    /// # use http_sigv4::ChunkedUpload;
    /// assert_eq!(ChunkedUpload::new(None).framed_length(), None);
    /// ```
    pub fn new(decoded_length: Option<u64>) -> Self {
        ChunkedUpload {
            decoded_length,
            chunk_size: DEFAULT_CHUNK_SIZE,
            payload: ChunkedPayload::Signed,
        }
    }

    /// The size of every chunk but the last (default 64 KiB). AWS wants at
    /// least 8 KiB ([`MIN_CHUNK_SIZE`](crate::MIN_CHUNK_SIZE)); at most
    /// [`MAX_CHUNK_SIZE`](crate::MAX_CHUNK_SIZE) is accepted. Memory use is
    /// about twice the chunk size.
    ///
    /// ```
    /// # use http_sigv4::ChunkedUpload;
    /// let upload = ChunkedUpload::new(Some(1)).chunk_size(1 << 20);
    /// assert_eq!(upload.get_chunk_size(), 1 << 20);
    /// ```
    pub fn chunk_size(mut self, size: usize) -> Self {
        self.chunk_size = size;
        self
    }

    /// The form of the body (default [`ChunkedPayload::Signed`]).
    ///
    /// ```
    /// # use http_sigv4::{ChunkedPayload, ChunkedUpload};
    /// let upload = ChunkedUpload::new(Some(1)).payload(ChunkedPayload::Signed);
    /// assert_eq!(upload.get_payload(), ChunkedPayload::Signed);
    /// ```
    pub fn payload(mut self, payload: ChunkedPayload) -> Self {
        self.payload = payload;
        self
    }

    /// The chunk size.
    ///
    /// ```
    /// # use http_sigv4::ChunkedUpload;
    /// assert_eq!(ChunkedUpload::new(None).get_chunk_size(), 65_536);
    /// ```
    pub fn get_chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// The form of the body.
    ///
    /// ```
    /// # use http_sigv4::{ChunkedPayload, ChunkedUpload};
    /// assert_eq!(ChunkedUpload::new(None).get_payload(), ChunkedPayload::Signed);
    /// ```
    pub fn get_payload(&self) -> ChunkedPayload {
        self.payload
    }

    /// The length of the data, if known (`x-amz-decoded-content-length`).
    ///
    /// ```
    /// # use http_sigv4::ChunkedUpload;
    /// assert_eq!(ChunkedUpload::new(Some(5)).decoded_length(), Some(5));
    /// ```
    pub fn decoded_length(&self) -> Option<u64> {
        self.decoded_length
    }

    /// The length of the framed body (the request's `content-length`):
    /// `None` when the data's length is unknown, or the chunk size invalid.
    ///
    /// ```
    /// # use http_sigv4::ChunkedUpload;
    /// // No data: only the final chunk, `0;chunk-signature=<64 hex>\r\n\r\n`.
    /// assert_eq!(ChunkedUpload::new(Some(0)).framed_length(), Some(86));
    /// ```
    pub fn framed_length(&self) -> Option<u64> {
        let data = self.decoded_length?;
        self.check().ok()?;
        let size = self.chunk_size as u64;
        let ext = match self.payload.signs_chunks() {
            true => (CHUNK_SIGNATURE_EXT.len() + 64) as u64,
            false => 0,
        };
        let frame = |n: u64| hex_len(n) + ext + 2 + n + 2;
        let full = data / size;
        let rest = data % size;
        let mut total = full.checked_mul(frame(size))?;
        if rest > 0 {
            total = total.checked_add(frame(rest))?;
        }
        // The final chunk: its header line, then the tail.
        total.checked_add(1 + ext + 2 + self.payload.tail_len())
    }

    /// Checks the settings.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size) {
            return Err(ChunkedError::InvalidChunkSize {
                requested: self.chunk_size,
            }
            .into());
        }
        Ok(())
    }
}

/// Number of hex digits of `n` (at least one).
fn hex_len(n: u64) -> u64 {
    u64::from((64 - n.leading_zeros()).div_ceil(4).max(1))
}

/// Signs the chunks of one aws-chunked body, each chained from the
/// previous signature (the first from the request's seed signature), and
/// writes them in the aws-chunked frame format.
///
/// [`Signer::sign_chunked_at`](crate::Signer::sign_chunked_at) returns one
/// after signing the request. Wrap the data with
/// [`into_reader`](Self::into_reader) (a blocking `std::io::Read`), with
/// `into_body` (an `http_body::Body`, feature `tower`),
/// or drive it by hand with [`write_chunk`](Self::write_chunk) and
/// [`write_final`](Self::write_final).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{ChunkedUpload, Credentials, Signer, UriEncoding, PathNormalization};
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None::<String>);
/// let signer = Signer::new(creds, "us-east-1", "s3")
///     .uri_encoding(UriEncoding::Single)
///     .path_normalization(PathNormalization::Disabled);
/// let mut req = http::Request::put("https://s3.amazonaws.com/examplebucket/chunkObject.txt")
///     .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
///     .body(())
///     .unwrap();
/// let time = UNIX_EPOCH + Duration::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
/// let mut chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(66_560)), time)?;
/// // AWS's documented example, byte for byte:
/// assert_eq!(chunks.seed_signature(), "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
///
/// let mut body = Vec::new();
/// chunks.write_chunk(&[b'a'; 65_536], &mut body);
/// chunks.write_chunk(&[b'a'; 1_024], &mut body);
/// chunks.write_final(&mut body);
/// assert!(body.starts_with(b"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"));
/// assert!(body.ends_with(b"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"));
/// assert_eq!(body.len(), 66_824);
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub struct ChunkSigner {
    context: ChunkContext,
    previous: [u8; 32],
    upload: ChunkedUpload,
    written: u64,
    finished: bool,
    #[cfg(feature = "checksums")]
    checksum: Option<RunningChecksum>,
}

impl ChunkSigner {
    pub(crate) fn new(context: ChunkContext, upload: ChunkedUpload) -> Self {
        ChunkSigner {
            previous: context.seed(),
            context,
            #[cfg(feature = "checksums")]
            checksum: upload.payload.checksum().map(RunningChecksum::new),
            upload,
            written: 0,
            finished: false,
        }
    }

    /// The request's signature, which the first chunk's chains from.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(3)), SystemTime::UNIX_EPOCH)?;
    /// assert!(req.headers()["authorization"].to_str().unwrap().ends_with(&chunks.seed_signature()));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn seed_signature(&self) -> String {
        hex::encode(self.context.seed())
    }

    /// The upload this signer writes.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(3)), SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(chunks.upload().decoded_length(), Some(3));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn upload(&self) -> &ChunkedUpload {
        &self.upload
    }

    /// Appends `data` to `out` as one signed chunk:
    /// `<hex size>;chunk-signature=<signature>\r\n<data>\r\n` (no
    /// extension for `ChunkedPayload::UnsignedWithChecksum`). Empty `data`
    /// writes nothing: the final chunk is [`write_final`](Self::write_final)'s.
    ///
    /// Every chunk but the last must be
    /// [`ChunkedUpload::get_chunk_size`] bytes long for the framed length
    /// (the `content-length` signed) to hold; the `Read` and `Body`
    /// wrappers take care of it.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let mut chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(3)), SystemTime::UNIX_EPOCH)?;
    /// let mut out = Vec::new();
    /// chunks.write_chunk(b"abc", &mut out);
    /// assert!(out.starts_with(b"3;chunk-signature="));
    /// assert!(out.ends_with(b"\r\nabc\r\n"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn write_chunk(&mut self, data: &[u8], out: &mut Vec<u8>) {
        let Some(frame) = self.sign_chunk(data) else {
            return;
        };
        out.reserve(frame.header().len() + data.len() + frame.trailer().len());
        out.extend_from_slice(frame.header());
        out.extend_from_slice(data);
        out.extend_from_slice(frame.trailer());
    }

    /// Signs `data` as the next chunk and returns its framing, without
    /// copying the data: send [`ChunkFrame::header`], then `data`, then
    /// [`ChunkFrame::trailer`] (with a vectored write, or as separate
    /// body frames). `None` when there is nothing to send: `data` is empty
    /// (the final chunk is [`write_final`](Self::write_final)'s) or the
    /// final chunk was written.
    ///
    /// [`write_chunk`](Self::write_chunk) is this, copied into one buffer;
    /// the same rule holds for chunk sizes.
    ///
    /// ```
    /// use std::io::{IoSlice, Write};
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let upload = ChunkedUpload::new(Some(3));
    /// let mut chunks = signer.sign_chunked_at(&mut req, &upload, SystemTime::UNIX_EPOCH)?;
    /// let data = b"abc";
    /// let mut wire = Vec::new(); // a socket, say
    /// let frame = chunks.sign_chunk(data).expect("data to send");
    /// assert!(frame.header().starts_with(b"3;chunk-signature="));
    /// assert_eq!(frame.trailer(), b"\r\n");
    /// let parts = [IoSlice::new(frame.header()), IoSlice::new(data), IoSlice::new(frame.trailer())];
    /// // A `Vec` takes every part at once; a socket may need more calls.
    /// assert_eq!(wire.write_vectored(&parts).unwrap(), frame.header().len() + 3 + 2);
    /// chunks.write_final(&mut wire);
    /// assert_eq!(wire.len() as u64, upload.framed_length().unwrap());
    /// assert!(chunks.sign_chunk(b"more").is_none()); // finished
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign_chunk(&mut self, data: &[u8]) -> Option<ChunkFrame> {
        if data.is_empty() || self.finished {
            return None;
        }
        #[cfg(feature = "checksums")]
        if let Some(checksum) = &mut self.checksum {
            checksum.update(data);
        }
        self.written += data.len() as u64;
        let mut frame = ChunkFrame {
            header: [0; MAX_HEADER_LEN],
            header_len: 0,
        };
        frame.push_hex(data.len() as u64);
        if self.upload.payload.signs_chunks() {
            let signature = self.context.chunk_signature(&self.previous, data);
            frame.push(CHUNK_SIGNATURE_EXT.as_bytes());
            frame.push(LowercaseHex::new(&signature).as_bytes());
            self.previous = signature;
        }
        frame.push(b"\r\n");
        Some(frame)
    }

    /// Appends the final, empty chunk and, for the trailer forms, the
    /// trailing checksum (and its signature), then the closing blank line.
    /// Further calls write nothing.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let mut chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(0)), SystemTime::UNIX_EPOCH)?;
    /// let mut out = Vec::new();
    /// chunks.write_final(&mut out);
    /// assert!(out.starts_with(b"0;chunk-signature="));
    /// assert_eq!(out.len() as u64, ChunkedUpload::new(Some(0)).framed_length().unwrap());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn write_final(&mut self, out: &mut Vec<u8>) {
        if self.finished {
            return;
        }
        self.finished = true;
        out.push(b'0');
        self.write_signature(&[], out);
        #[cfg(feature = "checksums")]
        if let Some(checksum) = self.checksum.take() {
            let name = self.upload.payload.checksum().map(|a| a.header_name());
            let line = format!("{}:{}", name.unwrap_or_default(), checksum.finish());
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
            if self.upload.payload.signs_chunks() {
                let mut canonical = line.into_bytes();
                canonical.push(b'\n');
                let signature = self.context.trailer_signature(&self.previous, &canonical);
                out.extend_from_slice(TRAILER_SIGNATURE.as_bytes());
                out.push(b':');
                out.extend_from_slice(LowercaseHex::new(&signature).as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(b"\r\n");
    }

    /// How many bytes of data were written so far.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// Writes `;chunk-signature=<sig>\r\n` (signed forms) or `\r\n`, and
    /// moves the chain on.
    fn write_signature(&mut self, data: &[u8], out: &mut Vec<u8>) {
        if self.upload.payload.signs_chunks() {
            let signature = self.context.chunk_signature(&self.previous, data);
            out.extend_from_slice(CHUNK_SIGNATURE_EXT.as_bytes());
            out.extend_from_slice(LowercaseHex::new(&signature).as_bytes());
            self.previous = signature;
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// The longest chunk header: 16 hex digits of size, the signature
/// extension and `\r\n`.
const MAX_HEADER_LEN: usize = 16 + CHUNK_SIGNATURE_EXT.len() + 64 + 2;

/// The framing of one signed chunk, from [`ChunkSigner::sign_chunk`]: its
/// header line, sent before the chunk's data, and the line end after it.
///
/// ```
/// # use std::time::SystemTime;
/// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
/// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
/// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
/// let mut chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(10)), SystemTime::UNIX_EPOCH)?;
/// let frame = chunks.sign_chunk(&[0; 10]).unwrap();
/// // `a` (10 in hex), the extension, 64 hex digits, CRLF.
/// assert_eq!(frame.header().len(), 1 + 17 + 64 + 2);
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ChunkFrame {
    header: [u8; MAX_HEADER_LEN],
    header_len: usize,
}

impl ChunkFrame {
    /// The chunk's header line: `<hex size>;chunk-signature=<signature>\r\n`
    /// (`<hex size>\r\n` for `ChunkedPayload::UnsignedWithChecksum`).
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// # let mut chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(65_536)), SystemTime::UNIX_EPOCH)?;
    /// let frame = chunks.sign_chunk(&[0; 65_536]).unwrap();
    /// assert!(frame.header().starts_with(b"10000;chunk-signature="));
    /// assert!(frame.header().ends_with(b"\r\n"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn header(&self) -> &[u8] {
        &self.header[..self.header_len]
    }

    /// What follows the chunk's data: `\r\n`.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// # let mut chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(1)), SystemTime::UNIX_EPOCH)?;
    /// assert_eq!(chunks.sign_chunk(b"x").unwrap().trailer(), b"\r\n");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn trailer(&self) -> &'static [u8] {
        b"\r\n"
    }

    fn push(&mut self, bytes: &[u8]) {
        let end = self.header_len + bytes.len();
        // The header's parts fit MAX_HEADER_LEN by construction.
        if let Some(slot) = self.header.get_mut(self.header_len..end) {
            slot.copy_from_slice(bytes);
            self.header_len = end;
        }
    }

    /// Appends `n` in lowercase hex, without leading zeros.
    fn push_hex(&mut self, n: u64) {
        let digits = hex_len(n) as usize;
        let mut hex = [0u8; 16];
        for (i, digit) in hex[..digits].iter_mut().rev().enumerate() {
            *digit = b"0123456789abcdef"[((n >> (4 * i)) & 0xf) as usize];
        }
        self.push(&hex[..digits]);
    }
}

impl fmt::Debug for ChunkFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A chunk signature is sent in the clear: nothing to hide.
        f.debug_struct("ChunkFrame")
            .field("header", &String::from_utf8_lossy(self.header()))
            .finish()
    }
}

impl fmt::Debug for ChunkSigner {
    /// The signing key is never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSigner")
            .field("upload", &self.upload)
            .field("written", &self.written)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_lengths() {
        assert_eq!(hex_len(0), 1);
        assert_eq!(hex_len(15), 1);
        assert_eq!(hex_len(16), 2);
        assert_eq!(hex_len(65_536), 5);
        assert_eq!(hex_len(u64::MAX), 16);
    }

    #[test]
    fn framed_length_of_the_aws_example() {
        // S3 API Reference, sigv4-streaming.html: Content-Length 66824 for
        // x-amz-decoded-content-length 66560 in 64 KiB chunks.
        assert_eq!(
            ChunkedUpload::new(Some(66_560)).framed_length(),
            Some(66_824)
        );
    }

    #[test]
    fn invalid_chunk_sizes_are_refused() {
        for size in [0, MIN_CHUNK_SIZE - 1, MAX_CHUNK_SIZE + 1] {
            let upload = ChunkedUpload::new(Some(1)).chunk_size(size);
            assert_eq!(upload.framed_length(), None);
            assert_eq!(
                upload.check(),
                Err(Error::Chunked(ChunkedError::InvalidChunkSize {
                    requested: size
                }))
            );
        }
    }

    #[test]
    fn chunk_sizes_in_hex() {
        for n in [1u64, 9, 10, 255, 65_536, 66_560, u64::MAX] {
            let mut frame = ChunkFrame {
                header: [0; MAX_HEADER_LEN],
                header_len: 0,
            };
            frame.push_hex(n);
            assert_eq!(frame.header(), format!("{n:x}").as_bytes());
        }
    }

    #[test]
    fn huge_lengths_do_not_overflow() {
        let upload = ChunkedUpload::new(Some(u64::MAX)).chunk_size(MIN_CHUNK_SIZE);
        assert_eq!(upload.framed_length(), None);
    }
}
