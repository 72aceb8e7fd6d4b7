//! Signing the seed request of an aws-chunked upload
//! ([`Signer::sign_chunked_at`]).

use std::time::SystemTime;

use http::header::{HeaderName, HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::Request;

use super::{Signer, X_AMZ_CONTENT_SHA256};
use crate::chunked::{ChunkContext, ChunkSigner, ChunkedError, ChunkedUpload};
use crate::payload::Payload;
use crate::timestamp::Timestamp;
use crate::Error;

/// `x-amz-decoded-content-length`: the length of the data of an aws-chunked body.
const X_AMZ_DECODED_CONTENT_LENGTH: HeaderName =
    HeaderName::from_static("x-amz-decoded-content-length");
/// `x-amz-trailer`: the trailers that follow an aws-chunked body.
#[cfg(feature = "checksums")]
const X_AMZ_TRAILER: HeaderName = HeaderName::from_static("x-amz-trailer");

impl Signer {
    /// Signs `req` now as the seed request of an aws-chunked upload; see
    /// [`sign_chunked_at`](Self::sign_chunked_at).
    ///
    /// ```
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap();
    /// let chunks = signer.sign_chunked(&mut req, &ChunkedUpload::new(Some(10)))?;
    /// assert_eq!(req.headers()["x-amz-decoded-content-length"], "10");
    /// # let _ = chunks;
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign_chunked<B>(
        &self,
        req: &mut Request<B>,
        upload: &ChunkedUpload,
    ) -> Result<ChunkSigner, Error> {
        self.sign_chunked_at(req, upload, SystemTime::now())
    }

    /// Signs `req` as of `time` as the seed request of an aws-chunked
    /// upload, and returns the [`ChunkSigner`] that signs its body.
    ///
    /// Sets, then signs with everything [`sign_at`](Self::sign_at) sets:
    /// - `content-encoding: aws-chunked` (put before an encoding already
    ///   there, e.g. `aws-chunked,gzip`);
    /// - `x-amz-content-sha256`: the form's marker, e.g.
    ///   `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (whatever the
    ///   [`payload`](Self::payload) setting);
    /// - `x-amz-decoded-content-length`, and `content-length` set to the
    ///   framed length ([`ChunkedUpload::framed_length`]) when the length is
    ///   known; when it is not, `transfer-encoding: chunked` and no
    ///   `content-length` (AWS S3 refuses that: use multipart upload for
    ///   data of unknown length, one part of known length at a time);
    /// - `x-amz-trailer` for the trailer forms.
    ///
    /// Then send the request with the body from
    /// [`ChunkSigner::into_reader`], `ChunkSigner::into_body` (feature
    /// `tower`), or written with [`ChunkSigner::write_chunk`] and
    /// [`ChunkSigner::write_final`]. The request's body is not read, so it
    /// can be of any type (the data itself, a placeholder). On error the
    /// request is left unchanged.
    ///
    /// Use S3's settings (single URI encoding, no path normalization) for
    /// S3. SigV4a signers cannot sign chunks
    /// ([`ChunkedError::SigV4aUnsupported`]).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{ChunkedUpload, Credentials, PathNormalization, Signer, UriEncoding};
    ///
    /// // AWS's documented example (S3 API Reference, "Signature Calculations
    /// // for the Authorization Header: Transferring Payload in Multiple Chunks").
    /// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None::<String>);
    /// let signer = Signer::new(creds, "us-east-1", "s3")
    ///     .uri_encoding(UriEncoding::Single)
    ///     .path_normalization(PathNormalization::Disabled);
    /// let mut req = http::Request::put("https://s3.amazonaws.com/examplebucket/chunkObject.txt")
    ///     .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
    ///     .body(())
    ///     .unwrap();
    /// let time = UNIX_EPOCH + Duration::from_secs(1_369_353_600); // 20130524T000000Z
    /// signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(66_560)), time)?;
    ///
    /// assert_eq!(req.headers()["content-length"], "66824");
    /// assert_eq!(req.headers()["content-encoding"], "aws-chunked");
    /// assert_eq!(
    ///     req.headers()["authorization"],
    ///     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
    ///      SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
    ///      x-amz-decoded-content-length;x-amz-storage-class, \
    ///      Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    /// );
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn sign_chunked_at<B>(
        &self,
        req: &mut Request<B>,
        upload: &ChunkedUpload,
        time: SystemTime,
    ) -> Result<ChunkSigner, Error> {
        upload.check()?;
        if self.is_sigv4a() {
            return Err(ChunkedError::SigV4aUnsupported.into());
        }
        let t = Timestamp::new(time)?;
        let credentials = self.current_credentials()?;
        // The head alone is signed (the body is not read: it may be a
        // stream of any type), then its headers replace the request's.
        let mut head = Request::new(());
        *head.method_mut() = req.method().clone();
        *head.uri_mut() = req.uri().clone();
        *head.version_mut() = req.version();
        *head.headers_mut() = req.headers().clone();
        set_chunked_headers(head.headers_mut(), upload)?;
        let payload = Payload::Precomputed(upload.get_payload().marker().into());
        let output = self.sign_with_credentials(&mut head, time, &payload, &credentials)?;
        *req.headers_mut() = head.into_parts().0.headers;
        let mut seed = [0u8; 32];
        // A SigV4 signature is always 64 hex digits.
        let _ = hex::decode_to_slice(output.signature(), &mut seed);
        let context = ChunkContext::new(
            self.signing_key(&credentials, &t),
            t.amz_date(),
            output.scope(),
            seed,
        );
        Ok(ChunkSigner::new(context, upload.clone()))
    }
}

/// The headers that announce an aws-chunked body.
fn set_chunked_headers(map: &mut http::HeaderMap, upload: &ChunkedUpload) -> Result<(), Error> {
    let encoding = match map.get(CONTENT_ENCODING).map(|v| v.as_bytes()) {
        None | Some(b"") => HeaderValue::from_static("aws-chunked"),
        Some(existing) if existing.starts_with(b"aws-chunked") => HeaderValue::from_bytes(existing)
            .map_err(|_| Error::InvalidHeaderValue {
                name: "content-encoding".into(),
            })?,
        Some(existing) => {
            let mut value = b"aws-chunked,".to_vec();
            value.extend_from_slice(existing);
            HeaderValue::from_bytes(&value).map_err(|_| Error::InvalidHeaderValue {
                name: "content-encoding".into(),
            })?
        }
    };
    map.insert(CONTENT_ENCODING, encoding);
    map.insert(
        X_AMZ_CONTENT_SHA256,
        HeaderValue::from_static(upload.get_payload().marker()),
    );
    match upload.decoded_length() {
        Some(length) => {
            map.insert(X_AMZ_DECODED_CONTENT_LENGTH, HeaderValue::from(length));
            let framed = upload.framed_length().ok_or(ChunkedError::TooLong {
                decoded_length: length,
            })?;
            map.insert(CONTENT_LENGTH, HeaderValue::from(framed));
            map.remove(TRANSFER_ENCODING);
        }
        None => {
            map.remove(X_AMZ_DECODED_CONTENT_LENGTH);
            map.remove(CONTENT_LENGTH);
            map.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
        }
    }
    #[cfg(feature = "checksums")]
    match upload.get_payload().checksum() {
        Some(algorithm) => {
            map.insert(
                X_AMZ_TRAILER,
                HeaderValue::from_static(algorithm.header_name()),
            );
        }
        None => {
            map.remove(X_AMZ_TRAILER);
        }
    }
    Ok(())
}
