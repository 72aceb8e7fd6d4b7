//! The SigV4a key pair, derived from the credentials, and the ECDSA
//! signature.
//!
//! ```text
//! for counter in 1..=254:
//!     candidate = HMAC-SHA256("AWS4A" + secret access key,
//!                             00000001 || "AWS4-ECDSA-P256-SHA256" || 00
//!                             || access key id || counter (one byte) || 00000100)
//!     if candidate <= n - 2:
//!         private key = candidate + 1        (n: the order of P-256)
//!         stop
//! signature = hex(DER(ECDSA-P256(private key, SHA-256(string to sign))))
//! ```
//! The HMAC input is one block of the NIST SP 800-108 key derivation in
//! counter mode: the KDF's block counter `i = 1` (32-bit big-endian), the
//! label `AWS4-ECDSA-P256-SHA256`, a zero byte, the context (access key id and
//! the retry counter), and the output length `L = 256` bits (32-bit
//! big-endian). A candidate outside `[0, n - 2]` is rejected and the retry
//! counter incremented, so the private key lies in `[1, n - 1]`. (This is the
//! derivation of AWS's reference signer, aws-c-auth's
//! `aws_ecc_key_pair_new_ecdsa_p256_key_from_aws_credentials`.)
//!
//! The key depends on the access key id and the secret only, not on the date,
//! region or service: it is derived once per access key and cached.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::FieldBytes;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::ALGORITHM;
use crate::error::Malformed;
use crate::signing_key::hmac_sha256;
use crate::{Credentials, Error};

/// The retry counter's last value; aws-c-auth stops there too. Reaching it has
/// a probability of about 2^-8000.
const MAX_COUNTER: u8 = 254;

/// The longest DER encoding of a P-256 ECDSA signature: a SEQUENCE of two
/// INTEGERs of at most 33 bytes each.
pub(crate) const MAX_DER_SIGNATURE_LEN: usize = 72;

/// Runs the key derivation. `None` only if all 254 candidates are rejected,
/// which does not happen in practice.
pub(crate) fn derive(access_key_id: &str, secret_access_key: &str) -> Option<SigningKey> {
    let mut input_key = Zeroizing::new(Vec::with_capacity(5 + secret_access_key.len()));
    input_key.extend_from_slice(b"AWS4A");
    input_key.extend_from_slice(secret_access_key.as_bytes());
    let mut fixed_input = Vec::with_capacity(4 + ALGORITHM.len() + 1 + access_key_id.len() + 5);
    for counter in 1..=MAX_COUNTER {
        fixed_input.clear();
        fixed_input.extend_from_slice(&1u32.to_be_bytes());
        fixed_input.extend_from_slice(ALGORITHM.as_bytes());
        fixed_input.push(0);
        fixed_input.extend_from_slice(access_key_id.as_bytes());
        fixed_input.push(counter);
        fixed_input.extend_from_slice(&256u32.to_be_bytes());
        let candidate = Zeroizing::new(hmac_sha256(&input_key, &fixed_input));
        if let Some(key) = private_key_from_candidate(&candidate) {
            return Some(key);
        }
    }
    None
}

/// `candidate + 1` as a P-256 private key, if `candidate <= n - 2`.
///
/// `candidate + 1` is computed modulo 2^256, so the test is "the sum is a
/// valid, non-zero scalar": `candidate <= n - 2` gives a sum in `[1, n - 1]`;
/// `n - 1 <= candidate < 2^256 - 1` gives a sum `>= n`; and `2^256 - 1` wraps
/// to zero. `SigningKey::from_bytes` rejects zero and values `>= n`.
fn private_key_from_candidate(candidate: &[u8; 32]) -> Option<SigningKey> {
    let mut sum = Zeroizing::new(*candidate);
    for byte in sum.iter_mut().rev() {
        let (value, carry) = byte.overflowing_add(1);
        *byte = value;
        if !carry {
            break;
        }
    }
    let bytes = Zeroizing::new(FieldBytes::from(*sum));
    SigningKey::from_bytes(&bytes).ok()
}

/// The derived key, or the error to report, for credentials that could not
/// be used.
fn derive_for(credentials: &Credentials) -> Result<SigningKey, Error> {
    derive(credentials.access_key_id(), credentials.secret_access_key()).ok_or(
        Error::InvalidCredentials {
            field: "secret access key",
        },
    )
}

/// The uncompressed SEC1 encoding of a public key: `04 || X || Y`.
pub(crate) fn sec1_uncompressed(key: &VerifyingKey) -> [u8; 65] {
    let point = key.to_sec1_point(false);
    let mut out = [0u8; 65];
    let bytes = point.as_bytes();
    // An uncompressed P-256 point is always 65 bytes.
    if bytes.len() == out.len() {
        out.copy_from_slice(bytes);
    }
    out
}

/// The signer's key pair, derived on first use and shared by clones of the
/// signer (whose credentials are fixed, so this is the cache per access key).
#[derive(Default)]
pub(crate) struct SigningKeyCell {
    key: OnceLock<SigningKey>,
}

impl SigningKeyCell {
    /// The key for `credentials` (always the same credentials for one cell).
    pub(crate) fn get(&self, credentials: &Credentials) -> Result<&SigningKey, Error> {
        if let Some(key) = self.key.get() {
            return Ok(key);
        }
        let key = derive_for(credentials)?;
        Ok(self.key.get_or_init(|| key))
    }

    /// The hex of the DER-encoded ECDSA signature of `string_to_sign`
    /// (hashed with SHA-256). The nonce is derived as RFC 6979 specifies, so
    /// signing needs no random numbers; any valid ECDSA signature verifies.
    pub(crate) fn sign(
        &self,
        credentials: &Credentials,
        string_to_sign: &[u8],
    ) -> Result<String, Error> {
        let signature: DerSignature =
            self.get(credentials)?
                .try_sign(string_to_sign)
                .map_err(|_| Error::InvalidCredentials {
                    field: "secret access key",
                })?;
        Ok(hex::encode(signature.as_bytes()))
    }
}

/// How many public keys a [`Verifier`](crate::Verifier) keeps before it
/// starts afresh. Only keys of known access keys are cached.
const MAX_CACHED_PUBLIC_KEYS: usize = 1024;

/// The public keys a verifier derived, per access key id, each with a hash
/// of the secret it came from (a rotated secret derives a new key).
#[derive(Default)]
pub(crate) struct PublicKeyCache {
    keys: Mutex<HashMap<String, (SecretHash, VerifyingKey)>>,
}

/// The SHA-256 of a secret, boxed so that it stays in place (and is zeroed
/// when dropped) when the map grows.
type SecretHash = Box<Zeroizing<[u8; 32]>>;

impl PublicKeyCache {
    /// The public key of `credentials`, derived on a miss.
    pub(crate) fn get(&self, credentials: &Credentials) -> Result<VerifyingKey, Error> {
        let secret_hash: Zeroizing<[u8; 32]> =
            Zeroizing::new(Sha256::digest(credentials.secret_access_key().as_bytes()).into());
        let akid = credentials.access_key_id();
        if let Ok(keys) = self.keys.lock() {
            if let Some((hash, key)) = keys.get(akid) {
                if **hash == secret_hash {
                    return Ok(*key);
                }
            }
        }
        let key = *derive_for(credentials)?.verifying_key();
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() >= MAX_CACHED_PUBLIC_KEYS {
                keys.clear();
            }
            keys.insert(akid.to_owned(), (Box::new(secret_hash), key));
        }
        Ok(key)
    }
}

/// Whether `der_signature` is a valid signature of `string_to_sign` under
/// `key`. A signature that is not DER is malformed, not a mismatch.
pub(crate) fn verify(
    key: &VerifyingKey,
    string_to_sign: &[u8],
    der_signature: &[u8],
) -> Result<bool, Malformed> {
    let signature =
        DerSignature::from_bytes(der_signature).map_err(|_| Malformed::InvalidSignature)?;
    Ok(key.verify(string_to_sign, &signature).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order of P-256 (NIST SP 800-186, section 3.2.1.3).
    const N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

    fn bytes(hex_str: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_str, &mut out).unwrap();
        out
    }

    fn private_hex(candidate: &str) -> Option<String> {
        private_key_from_candidate(&bytes(candidate)).map(|k| hex::encode(k.to_bytes()))
    }

    #[test]
    fn candidates_up_to_n_minus_2_are_accepted_plus_one() {
        let n_minus_2 = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f";
        let n_minus_1 = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550";
        assert_eq!(private_hex(n_minus_2).as_deref(), Some(n_minus_1));
        assert_eq!(
            private_hex(&"00".repeat(32)).as_deref(),
            Some(format!("{}01", "00".repeat(31)).as_str())
        );
        // Carries propagate.
        assert_eq!(
            private_hex(&format!("{}ff", "00".repeat(31))).as_deref(),
            Some(format!("{}0100", "00".repeat(30)).as_str())
        );
    }

    #[test]
    fn candidates_from_n_minus_1_are_rejected() {
        let n_minus_1 = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550";
        assert!(private_hex(n_minus_1).is_none());
        assert!(private_hex(N).is_none());
        assert!(private_hex(&"ff".repeat(32)).is_none());
    }

    #[test]
    fn suite_public_key() {
        // aws-signing-test-suite/v4a/get-vanilla/public-key.json, for
        // AKIDEXAMPLE and the suite's secret.
        let key = derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
        assert_eq!(
            hex::encode(sec1_uncompressed(key.verifying_key())),
            "04b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1\
             865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518"
        );
    }

    #[test]
    fn suite_signature_verifies_and_a_changed_one_does_not() {
        // aws-signing-test-suite/v4a/get-vanilla: header-string-to-sign.txt
        // and header-signature.txt.
        let sts = b"AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\ncf59db423e841c8b7e3444158185aa261b724a5c27cbe762676f3eed19f4dc02";
        let mut sig = hex::decode("3045022018b4e277d0281864beb51d3600e23f88510ea5031d68ddfbb68614b82a5eb7d2022100effb9c5f22ed9ef3ae0ab243d21f06bce82365bbb79529a07b6888c343ae5f8c").unwrap();
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None::<String>,
        );
        let key = PublicKeyCache::default().get(&creds).unwrap();
        assert_eq!(verify(&key, sts, &sig), Ok(true));
        assert_eq!(verify(&key, &sts[1..], &sig), Ok(false));
        let last = sig.len() - 1;
        sig[last] ^= 1;
        assert_eq!(verify(&key, sts, &sig), Ok(false));
        assert_eq!(
            verify(&key, sts, &sig[..10]),
            Err(Malformed::InvalidSignature)
        );
    }

    #[test]
    fn own_signature_verifies_under_the_suite_key() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None::<String>,
        );
        let cell = SigningKeyCell::default();
        let sig = hex::decode(cell.sign(&creds, b"string to sign").unwrap()).unwrap();
        assert!(sig.len() <= MAX_DER_SIGNATURE_LEN);
        let suite_key = VerifyingKey::from_sec1_bytes(
            &hex::decode(
                "04b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1\
                 865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518",
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(verify(&suite_key, b"string to sign", &sig), Ok(true));
    }

    #[test]
    fn public_key_cache_follows_a_rotated_secret() {
        let cache = PublicKeyCache::default();
        let a = cache
            .get(&Credentials::new("AKID", "SECRET-1", None::<String>))
            .unwrap();
        let b = cache
            .get(&Credentials::new("AKID", "SECRET-2", None::<String>))
            .unwrap();
        assert_ne!(a, b);
        assert_eq!(
            cache
                .get(&Credentials::new("AKID", "SECRET-1", None::<String>))
                .unwrap(),
            a
        );
    }
}
