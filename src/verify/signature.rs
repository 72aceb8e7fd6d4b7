//! The signature check, split so that the payload hash can come last: the
//! canonical request is built from the head up to its signed-headers line,
//! and the payload hash (claimed in a header, or computed from the body) is
//! appended when it is known.

use sha2::{Digest, Sha256};

use crate::credentials::redact_session_token;
use crate::signing_key::SigningKey;
#[cfg(feature = "sigv4a")]
use crate::sigv4a;
use crate::string_to_sign::string_to_sign_of_pieces;
use crate::timestamp::Timestamp;
use crate::Error;

/// The key the signature is checked with.
pub(crate) enum Key {
    /// SigV4: kSigning (zeroed on drop) and the request's signature.
    Hmac {
        key: SigningKey,
        signature: [u8; 32],
    },
    /// SigV4a: the public key and the DER signature.
    #[cfg(feature = "sigv4a")]
    Ecdsa {
        key: p256::ecdsa::VerifyingKey,
        signature: Vec<u8>,
    },
}

/// Everything the signature covers but the payload hash.
pub(crate) struct SignatureCheck {
    pub(crate) algorithm: &'static str,
    pub(crate) time: Timestamp,
    /// `20150830/us-east-1/service/aws4_request` (SigV4a: no region).
    pub(crate) scope: String,
    /// The canonical request up to and including the signed-headers line
    /// and its `\n`.
    pub(crate) canonical_prefix: String,
    pub(crate) key: Key,
}

impl SignatureCheck {
    /// Checks the signature over the canonical request ending in
    /// `payload_hash`; returns the string to sign it covers.
    pub(crate) fn check(&self, payload_hash: &str) -> Result<String, Error> {
        let (matches, string_to_sign) = self.compare(payload_hash)?;
        if !matches {
            let canonical_request = [self.canonical_prefix.as_str(), payload_hash].concat();
            return Err(Error::SignatureMismatch {
                // The client's token is not echoed into logs.
                canonical_request: redact_session_token(&canonical_request),
                string_to_sign,
            });
        }
        Ok(string_to_sign)
    }

    /// [`check`](Self::check) for a guess (was it `UNSIGNED-PAYLOAD`?)
    /// whose mismatch is not reported, so no error is built for it: the
    /// string to sign if the signature matches, `None` if not.
    pub(crate) fn matching(&self, payload_hash: &str) -> Result<Option<String>, Error> {
        let (matches, string_to_sign) = self.compare(payload_hash)?;
        Ok(matches.then_some(string_to_sign))
    }

    /// Whether the signature matches the canonical request ending in
    /// `payload_hash`, and the string to sign.
    fn compare(&self, payload_hash: &str) -> Result<(bool, String), Error> {
        // The canonical request is hashed in two pieces, never joined.
        let string_to_sign = string_to_sign_of_pieces(
            self.algorithm,
            &self.time,
            &self.scope,
            &[&self.canonical_prefix, payload_hash],
        );
        let matches = match &self.key {
            Key::Hmac { key, signature } => key.verify(string_to_sign.as_bytes(), signature),
            #[cfg(feature = "sigv4a")]
            Key::Ecdsa { key, signature } => {
                sigv4a::verify(key, string_to_sign.as_bytes(), signature)?
            }
        };
        Ok((matches, string_to_sign))
    }
}

/// The replay key of a verified request: SHA-256 over a label, the access
/// key id and the string to sign. Not over the signature, whose encoding
/// may vary (SigV4a `s` / `n − s`).
pub(crate) fn replay_key(access_key_id: &str, string_to_sign: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"http-sigv4 replay key 1\n");
    hash.update(access_key_id.as_bytes());
    hash.update(b"\n");
    hash.update(string_to_sign.as_bytes());
    hash.finalize().into()
}

/// Whether `a` and `b` are equal, in time that depends on their length
/// only.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
