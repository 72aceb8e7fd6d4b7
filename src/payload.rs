//! The payload: what the last line of the canonical request says about the
//! body.
//!
//! AWS rule: "`HashedPayload` — the payload in the body of the HTTP request,
//! hashed with SHA-256 and written as lowercase hex. If there is no payload,
//! use an empty string as the input to the hash function."

use std::borrow::Cow;

use sha2::{Digest, Sha256};

use crate::digest_hex::LowercaseHex;
use crate::Error;

/// The marker that signs a request without hashing its body.
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// What the signer puts in the canonical request for the body.
///
/// ```
/// use http_sigv4::{Credentials, Payload, Signer};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
///
/// // A body streamed from a file, hashed while it was read:
/// let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// let signer = Signer::new(creds, "us-east-1", "s3").payload(Payload::Precomputed(hash.into()));
/// # let _ = signer;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Payload {
    /// Hash the body with SHA-256 (the empty string's hash when there is no
    /// body). Every service accepts it. The default.
    #[default]
    Sha256,
    /// Sign `UNSIGNED-PAYLOAD` instead of the body's hash. Only S3 (and a
    /// few services that say so) accept it; use it for bodies that cannot be
    /// read up front.
    Unsigned,
    /// A hash the caller computed: 64 lowercase hex digits, or a marker such
    /// such as `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (upper-case letters,
    /// digits and `-`, containing `PAYLOAD`). For streamed bodies hashed
    /// while they are read.
    Precomputed(String),
}

/// The hex SHA-256 of the empty string: the payload hash of every request
/// without a body.
pub(crate) const EMPTY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

impl Payload {
    /// The string that ends the canonical request.
    pub(crate) fn hash_for(&self, body: Option<&[u8]>) -> Result<PayloadHash<'_>, Error> {
        match self {
            Payload::Sha256 => match body.ok_or(Error::UnhashableBody)? {
                [] => Ok(PayloadHash::Borrowed(EMPTY_SHA256)),
                body => Ok(PayloadHash::Hex(LowercaseHex::new(
                    &Sha256::digest(body).into(),
                ))),
            },
            Payload::Unsigned => Ok(PayloadHash::Borrowed(UNSIGNED_PAYLOAD)),
            Payload::Precomputed(hash) if is_valid_hash(hash) => Ok(PayloadHash::Borrowed(hash)),
            Payload::Precomputed(_) => Err(Error::InvalidPayloadHash),
        }
    }
}

/// A payload hash, kept on the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadHash<'a> {
    /// 64 lowercase hex digits.
    Hex(LowercaseHex),
    Borrowed(&'a str),
}

impl PayloadHash<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only ASCII hex digits are ever written.
            PayloadHash::Hex(hex) => hex.as_str(),
            PayloadHash::Borrowed(s) => s,
        }
    }
}

fn is_valid_hash(hash: &str) -> bool {
    let is_hex = hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let is_marker = !hash.is_empty()
        && hash
            .bytes()
            .all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'-'))
        && hash.contains("PAYLOAD");
    is_hex || is_marker
}

/// Hashes a body that arrives in chunks (a file, a stream) once, as it is
/// read, for [`Payload::Precomputed`].
///
/// ```
/// use std::time::SystemTime;
/// use http_sigv4::{Credentials, Payload, PayloadHasher, Signer};
///
/// let mut hasher = PayloadHasher::new();
/// for chunk in [&b"Param1="[..], &b"value1"[..]] {
///     hasher.update(chunk); // e.g. while writing the chunk to a temp file
/// }
/// let payload = hasher.finish();
/// // The AWS suite's post-x-www-form-urlencoded body hash.
/// assert_eq!(
///     payload,
///     Payload::Precomputed("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e".into())
/// );
///
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3")
///     .payload(payload);
/// # let _ = signer;
/// ```
#[derive(Debug, Clone, Default)]
pub struct PayloadHasher {
    sha256: Sha256,
    length: u64,
}

impl PayloadHasher {
    /// A hasher that has seen no bytes.
    ///
    /// ```
    /// # use http_sigv4::{Payload, PayloadHasher};
    /// // No bytes: the empty body's hash.
    /// assert_eq!(
    ///     PayloadHasher::new().finish(),
    ///     Payload::Precomputed("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into())
    /// );
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body.
    ///
    /// ```
    /// # use http_sigv4::PayloadHasher;
    /// let mut hasher = PayloadHasher::new();
    /// hasher.update(b"abc");
    /// assert_eq!(hasher.len(), 3);
    /// ```
    pub fn update(&mut self, chunk: &[u8]) {
        self.sha256.update(chunk);
        self.length += chunk.len() as u64;
    }

    /// How many bytes were fed so far (the body's `content-length`).
    ///
    /// ```
    /// # use http_sigv4::PayloadHasher;
    /// assert_eq!(PayloadHasher::new().len(), 0);
    /// ```
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Whether no bytes were fed.
    ///
    /// ```
    /// # use http_sigv4::PayloadHasher;
    /// assert!(PayloadHasher::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The body's hash, ready for [`Signer::payload`](crate::Signer::payload).
    ///
    /// ```
    /// # use http_sigv4::{Payload, PayloadHasher};
    /// let mut hasher = PayloadHasher::new();
    /// hasher.update(b"");
    /// assert!(matches!(hasher.finish(), Payload::Precomputed(hash) if hash.len() == 64));
    /// ```
    pub fn finish(self) -> Payload {
        Payload::Precomputed(hex::encode(self.sha256.finalize()))
    }
}

/// A request body that can be read as bytes, so that it can be hashed.
///
/// Implemented for the usual in-memory bodies. A body that cannot be read
/// up front (a stream) returns `None`; sign it with [`Payload::Precomputed`]
/// or [`Payload::Unsigned`].
///
/// ```
/// use http_sigv4::SignableBody;
/// assert_eq!("abc".body_bytes(), Some(&b"abc"[..]));
/// assert_eq!(().body_bytes(), Some(&b""[..]));
///
/// // Your own body type:
/// struct Upload(Vec<u8>);
/// impl SignableBody for Upload {
///     fn body_bytes(&self) -> Option<&[u8]> {
///         Some(&self.0)
///     }
/// }
/// ```
pub trait SignableBody {
    /// The whole body, or `None` when it cannot be read without consuming it.
    fn body_bytes(&self) -> Option<&[u8]>;
}

impl SignableBody for () {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(&[])
    }
}

impl SignableBody for [u8] {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl SignableBody for str {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self.as_bytes())
    }
}

impl SignableBody for Vec<u8> {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl SignableBody for String {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self.as_bytes())
    }
}

impl<const N: usize> SignableBody for [u8; N] {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl<T: SignableBody + ?Sized> SignableBody for &T {
    fn body_bytes(&self) -> Option<&[u8]> {
        (**self).body_bytes()
    }
}

impl<T: SignableBody + ?Sized> SignableBody for Box<T> {
    fn body_bytes(&self) -> Option<&[u8]> {
        (**self).body_bytes()
    }
}

impl<T: SignableBody + ?Sized + ToOwned> SignableBody for Cow<'_, T> {
    fn body_bytes(&self) -> Option<&[u8]> {
        self.as_ref().body_bytes()
    }
}

impl<T: SignableBody> SignableBody for Option<T> {
    fn body_bytes(&self) -> Option<&[u8]> {
        match self {
            Some(body) => body.body_bytes(),
            None => Some(&[]),
        }
    }
}

#[cfg(feature = "bytes")]
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
impl SignableBody for bytes::Bytes {
    fn body_bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The empty-string hash ends every body-less case of the AWS suite.
    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn empty_body_hashes_to_the_suite_value() {
        assert_eq!(Payload::Sha256.hash_for(Some(b"")).unwrap().as_str(), EMPTY);
        let mut hex = [0u8; 64];
        hex::encode_to_slice(Sha256::digest(b""), &mut hex).unwrap();
        assert_eq!(std::str::from_utf8(&hex).unwrap(), EMPTY_SHA256);
    }

    #[test]
    fn suite_post_x_www_form_urlencoded_body_hash() {
        // aws-signing-test-suite/v4/post-x-www-form-urlencoded.
        assert_eq!(
            Payload::Sha256
                .hash_for(Some(b"Param1=value1"))
                .unwrap()
                .as_str(),
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
        );
    }

    #[test]
    fn unsigned_and_precomputed() {
        assert_eq!(
            Payload::Unsigned.hash_for(None).unwrap().as_str(),
            "UNSIGNED-PAYLOAD"
        );
        let p = Payload::Precomputed(EMPTY.into());
        assert_eq!(p.hash_for(None).unwrap().as_str(), EMPTY);
        let marker = Payload::Precomputed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD".into());
        assert!(marker.hash_for(None).is_ok());
    }

    #[test]
    fn bad_precomputed_hashes_are_rejected() {
        for bad in [
            "",
            "abc",
            &EMPTY.to_uppercase(),
            "unsigned-payload",
            "a b",
            "----",
            &format!("{EMPTY}0"),
        ] {
            assert_eq!(
                Payload::Precomputed(bad.to_string()).hash_for(None),
                Err(Error::InvalidPayloadHash),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn unreadable_body_needs_a_precomputed_hash() {
        assert_eq!(Payload::Sha256.hash_for(None), Err(Error::UnhashableBody));
    }

    #[test]
    fn chunked_hash_equals_one_shot_hash() {
        let body: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let mut hasher = PayloadHasher::new();
        for chunk in body.chunks(777) {
            hasher.update(chunk);
        }
        assert_eq!(hasher.len(), 10_000);
        let Payload::Precomputed(chunked) = hasher.finish() else {
            panic!("precomputed")
        };
        assert_eq!(
            Payload::Sha256.hash_for(Some(&body)).unwrap().as_str(),
            chunked
        );
    }

    #[test]
    fn body_impls() {
        assert_eq!(vec![1u8, 2].body_bytes(), Some(&[1u8, 2][..]));
        assert_eq!(String::from("x").body_bytes(), Some(&b"x"[..]));
        assert_eq!(Some("y").body_bytes(), Some(&b"y"[..]));
        assert_eq!(None::<String>.body_bytes(), Some(&b""[..]));
        assert_eq!(Cow::Borrowed(&b"z"[..]).body_bytes(), Some(&b"z"[..]));
        #[cfg(feature = "bytes")]
        assert_eq!(
            bytes::Bytes::from_static(b"b").body_bytes(),
            Some(&b"b"[..])
        );
    }
}
