//! The second phase: the body, checked as it arrives.

use std::fmt;

#[cfg(feature = "bytes")]
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::head::{HeadState, VerifiedHead};
use super::payload::{StreamingMarker, VerifiedPayload};
use super::signature::{constant_time_eq, SignatureCheck};
use super::verified::{Facts, VerifiedRequest};
use crate::chunked::{ChunkContext, ChunkedDecoder, ChunkedMode};
use crate::digest_hex::LowercaseHex;
use crate::payload::UNSIGNED_PAYLOAD;
use crate::Error;

/// Checks a request's body as it arrives, after its head
/// ([`VerifiedHead::into_body_checker`]).
///
/// [`feed`](Self::feed) each piece of the body as it is read; it appends
/// the body's bytes to `out` for the app. [`finish`](Self::finish) at the
/// end of the body says whether the body is the one signed. A SHA-256 can
/// only be checked once the last byte is in, so **act on the bytes only
/// after `finish` succeeds** (write an upload to a temporary file, commit
/// it after `finish`). Memory use does not grow with the body.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{Credentials, Error, Signer, Verifier};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
/// let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let mut req = http::Request::put("https://h/").body(b"hello".to_vec()).unwrap();
/// Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
///
/// let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
/// let mut checker = head.into_body_checker()?;
/// let mut body = Vec::new();
/// checker.feed(b"hel", &mut body)?;
/// checker.feed(b"lo", &mut body)?;
/// let verified = checker.finish()?;
/// assert_eq!(body, b"hello");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub struct BodyChecker {
    facts: Facts,
    signature: SignatureCheck,
    state: BodyState,
}

enum BodyState {
    /// The body must hash to `expected`, the signed claim.
    Sha256 {
        hasher: BodyHasher,
        expected: [u8; 32],
        string_to_sign: String,
    },
    /// The body's hash completes the canonical request; the signature is
    /// checked at the end (and, for a presigned URL where the marker is
    /// refused, against `UNSIGNED-PAYLOAD` if that fails).
    SignatureAfterBody {
        hasher: BodyHasher,
        unsigned_refused: bool,
    },
    /// Unsigned payload: bytes pass through unchecked.
    Unchecked {
        payload: VerifiedPayload,
        string_to_sign: String,
    },
    /// aws-chunked: the body is decoded, each chunk checked against its
    /// signature (chained from the seed signature), the trailer too.
    AwsChunked {
        decoder: Box<ChunkedDecoder>,
        marker: StreamingMarker,
        string_to_sign: String,
    },
}

/// Bytes of a whole aws-chunked body decoded at a time by
/// [`BodyChecker::update`], which drops them: memory stays bounded.
const UPDATE_PIECE: usize = 64 * 1024;

impl BodyChecker {
    pub(super) fn new(head: VerifiedHead) -> Result<Self, Error> {
        let decoder = match &head.state {
            HeadState::Streaming { .. } => Some(chunk_decoder(&head)?),
            _ => None,
        };
        let VerifiedHead {
            facts,
            signature,
            state,
        } = head;
        let state = match state {
            HeadState::Complete {
                payload,
                string_to_sign,
            } => BodyState::Unchecked {
                payload,
                string_to_sign,
            },
            HeadState::Sha256 {
                expected,
                string_to_sign,
            } => BodyState::Sha256 {
                hasher: BodyHasher::default(),
                expected,
                string_to_sign,
            },
            HeadState::SignatureAfterBody { unsigned_refused } => BodyState::SignatureAfterBody {
                hasher: BodyHasher::default(),
                unsigned_refused,
            },
            HeadState::Streaming {
                marker,
                string_to_sign,
                ..
            } => match decoder {
                Some(decoder) => BodyState::AwsChunked {
                    decoder: Box::new(decoder),
                    marker,
                    string_to_sign,
                },
                // `chunk_decoder` gave one above.
                None => return Err(Error::BodyUnchecked),
            },
        };
        Ok(BodyChecker {
            facts,
            signature,
            state,
        })
    }

    /// Feeds the next piece of the body as received, and appends its
    /// payload bytes to `out`. Fails at the first defect it can see; a
    /// SHA-256 mismatch shows only at [`finish`](Self::finish).
    ///
    /// An aws-chunked body is decoded: `out` receives the data of each
    /// chunk once the chunk's signature is checked (so nothing, until a
    /// whole chunk is in), never the framing. A bad chunk fails here; a
    /// truncated body, a length other than `x-amz-decoded-content-length`
    /// or a bad trailer fail at [`finish`](Self::finish). For
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (no chunk signatures) the data
    /// is passed on as it arrives and only the trailing checksum, checked
    /// at `finish`, vouches for it.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"abc".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// # let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// let mut checker = head.into_body_checker()?;
    /// let mut out = Vec::new();
    /// checker.feed(b"abc", &mut out)?;
    /// assert_eq!(out, b"abc");
    /// checker.finish()?;
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        match &mut self.state {
            BodyState::AwsChunked { decoder, .. } => decoder.feed(input, out),
            _ => {
                self.update(input)?;
                out.extend_from_slice(input);
                Ok(())
            }
        }
    }

    /// [`feed`](Self::feed) without copying the body: `out` receives the
    /// payload as slices of the `input` buffers (reference-counted, as
    /// `Bytes` are), an aws-chunked body's data once each chunk is checked.
    /// For servers whose body arrives as `Bytes` frames (hyper, axum).
    ///
    /// The data of an aws-chunked chunk not yet complete is held as such
    /// slices: the memory held is that of the input buffers the chunk spans
    /// (one chunk's worth, and the rest of the buffers it lies in).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// use bytes::Bytes;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let upload = ChunkedUpload::new(Some(3));
    /// let mut chunks = Signer::s3(creds, "us-east-1").sign_chunked_at(&mut req, &upload, t)?;
    /// let mut framed = Vec::new();
    /// chunks.write_chunk(b"abc", &mut framed);
    /// chunks.write_final(&mut framed);
    /// let framed = Bytes::from(framed);
    ///
    /// let head = Verifier::new(lookup, "us-east-1", "s3").verify_head_at(&req, t)?;
    /// let mut checker = head.into_body_checker()?;
    /// let mut data = Vec::new();
    /// checker.feed_bytes(framed.slice(..50), &mut data)?;
    /// checker.feed_bytes(framed.slice(50..), &mut data)?;
    /// checker.finish()?;
    /// // A slice of the framed body, not a copy.
    /// assert_eq!(data, [Bytes::from_static(b"abc")]);
    /// assert!(framed.as_ptr_range().contains(&data[0].as_ptr()));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    #[cfg(feature = "bytes")]
    #[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
    pub fn feed_bytes(&mut self, input: Bytes, out: &mut Vec<Bytes>) -> Result<(), Error> {
        match &mut self.state {
            BodyState::AwsChunked { decoder, .. } => decoder.feed_bytes(input, out),
            _ => {
                self.update(&input)?;
                if !input.is_empty() {
                    out.push(input);
                }
                Ok(())
            }
        }
    }

    /// Like [`feed`](Self::feed), dropping the payload bytes (a whole
    /// body already in memory, checked only): nothing is copied, except
    /// aws-chunked data, decoded a piece at a time.
    pub(crate) fn update(&mut self, input: &[u8]) -> Result<(), Error> {
        match &mut self.state {
            BodyState::Sha256 { hasher, .. } | BodyState::SignatureAfterBody { hasher, .. } => {
                hasher.update(input);
            }
            BodyState::Unchecked { .. } => {}
            BodyState::AwsChunked { decoder, .. } => {
                let mut scratch = Vec::new();
                for piece in input.chunks(UPDATE_PIECE) {
                    decoder.feed(piece, &mut scratch)?;
                    scratch.clear();
                }
            }
        }
        Ok(())
    }

    /// Whether the body is aws-chunked (its payload, passed to `out` by
    /// [`feed`](Self::feed), is not its bytes as received).
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::put("https://h/").body(b"abc".to_vec()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// # let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// let checker = head.into_body_checker()?;
    /// assert!(!checker.is_aws_chunked());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn is_aws_chunked(&self) -> bool {
        matches!(self.state, BodyState::AwsChunked { .. })
    }

    /// Ends the body: checks its SHA-256 ([`Error::PayloadMismatch`]), or
    /// the signature over it ([`Error::SignatureMismatch`]) for requests
    /// without `x-amz-content-sha256`, or that an aws-chunked body is
    /// complete, of its declared length, with a valid trailer
    /// ([`Error::Chunked`]), and says what was verified.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use http_sigv4::{Credentials, Signer, Verifier, VerifiedPayload};
    /// # let creds = Credentials::new("AKID", "SECRET", None::<String>);
    /// # let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// # let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// # let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// # Signer::new(creds, "us-east-1", "service").sign_at(&mut req, t)?;
    /// # let head = Verifier::new(lookup, "us-east-1", "service").verify_head_at(&req, t)?;
    /// // No bytes fed: the body was empty, as signed.
    /// let verified = head.into_body_checker()?.finish()?;
    /// assert_eq!(verified.payload(), VerifiedPayload::Sha256);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn finish(self) -> Result<VerifiedRequest, Error> {
        let (payload, string_to_sign) = match self.state {
            BodyState::Sha256 {
                hasher,
                expected,
                string_to_sign,
            } => {
                if !constant_time_eq(&hasher.digest(), &expected) {
                    return Err(Error::PayloadMismatch);
                }
                (VerifiedPayload::Sha256, string_to_sign)
            }
            BodyState::SignatureAfterBody {
                hasher,
                unsigned_refused,
            } => {
                let hash = LowercaseHex::new(&hasher.digest());
                match self.signature.check(hash.as_str()) {
                    Ok(string_to_sign) => (VerifiedPayload::Sha256, string_to_sign),
                    // Signed `UNSIGNED-PAYLOAD`, where that is refused?
                    Err(mismatch) if unsigned_refused => {
                        return Err(match self.signature.matching(UNSIGNED_PAYLOAD) {
                            Ok(Some(_)) => Error::UnsignedPayloadRefused,
                            Ok(None) | Err(_) => mismatch,
                        });
                    }
                    Err(mismatch) => return Err(mismatch),
                }
            }
            BodyState::Unchecked {
                payload,
                string_to_sign,
            } => (payload, string_to_sign),
            BodyState::AwsChunked {
                decoder,
                marker,
                string_to_sign,
            } => {
                let summary = decoder.finish()?;
                let verified = VerifiedRequest::new(
                    self.facts,
                    self.signature.scope,
                    VerifiedPayload::AwsChunked(marker),
                    string_to_sign,
                );
                return Ok(verified.with_chunked(summary));
            }
        };
        Ok(VerifiedRequest::new(
            self.facts,
            self.signature.scope,
            payload,
            string_to_sign,
        ))
    }
}

/// SHA-256 of a body fed in pieces; an empty body's digest is a constant,
/// not computed.
struct BodyHasher {
    hasher: Sha256,
    empty: bool,
}

impl Default for BodyHasher {
    fn default() -> Self {
        BodyHasher {
            hasher: Sha256::new(),
            empty: true,
        }
    }
}

/// SHA-256 of no bytes.
const EMPTY_SHA256: [u8; 32] = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

impl BodyHasher {
    fn update(&mut self, input: &[u8]) {
        self.hasher.update(input);
        self.empty &= input.is_empty();
    }

    fn digest(self) -> [u8; 32] {
        if self.empty {
            EMPTY_SHA256
        } else {
            self.hasher.finalize().into()
        }
    }
}

/// The decoder of a streaming head's body. SigV4a-signed chunks are not
/// checked by this version ([`Error::AwsChunkedUnsupported`]).
fn chunk_decoder(head: &VerifiedHead) -> Result<ChunkedDecoder, Error> {
    let marker = head.streaming_marker().ok_or(Error::BodyUnchecked)?;
    let unsupported = Error::AwsChunkedUnsupported {
        marker: marker.as_str(),
    };
    let mode = ChunkedMode::from_headers(marker.as_str(), head.trailer_header())
        .ok_or(unsupported.clone())?;
    // Every chunk is signed with kSigning (HMAC), chained from the seed:
    // a SigV4a head has neither.
    let (Some(key), Some(seed)) = (head.signing_key(), head.seed_signature()) else {
        return Err(unsupported);
    };
    let context =
        ChunkContext::with_hex_seed(key.clone(), head.amz_date(), head.credential_scope(), &seed)
            .ok_or(unsupported)?;
    Ok(ChunkedDecoder::new(
        context,
        mode,
        head.decoded_content_length(),
    ))
}

impl fmt::Debug for BodyChecker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyChecker")
            .field("access_key_id", &self.facts.access_key_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_body_constant_is_sha256_of_no_bytes() {
        // The hex form is the one AWS documents for an empty payload.
        assert_eq!(hex::encode(EMPTY_SHA256), crate::payload::EMPTY_SHA256);
        let computed: [u8; 32] = Sha256::digest(b"").into();
        assert_eq!(EMPTY_SHA256, computed);
        assert_eq!(BodyHasher::default().digest(), computed);
    }

    #[test]
    fn a_fed_body_is_hashed_and_empty_pieces_keep_it_empty() {
        let mut hasher = BodyHasher::default();
        hasher.update(b"");
        assert_eq!(hasher.digest(), EMPTY_SHA256);
        let mut hasher = BodyHasher::default();
        hasher.update(b"ab");
        hasher.update(b"");
        hasher.update(b"c");
        let expected: [u8; 32] = Sha256::digest(b"abc").into();
        assert_eq!(hasher.digest(), expected);
    }
}
