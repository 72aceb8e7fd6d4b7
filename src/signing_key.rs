//! Step 4: the signing key, derived from the secret by a chain of HMACs.
//!
//! ```text
//! kSecret  = "AWS4" + secret access key
//! kDate    = HMAC-SHA256(kSecret,  "20150830")
//! kRegion  = HMAC-SHA256(kDate,    "us-east-1")
//! kService = HMAC-SHA256(kRegion,  "service")
//! kSigning = HMAC-SHA256(kService, "aws4_request")
//! signature = hex(HMAC-SHA256(kSigning, string to sign))
//! ```
//! (AWS General Reference, *Calculate the signature for AWS Signature
//! Version 4*.) The key changes once a day (or when the credentials change),
//! so [`SigningKeyCache`] keeps the last one.

use std::sync::RwLock;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::string_to_sign::TERMINATOR;
use crate::Credentials;

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// `kSigning`: the key that signs strings to sign for one day, region and
/// service, kept with the HMAC state already keyed by it (so each signature
/// costs no key setup). Zeroed on drop.
#[derive(Clone)]
pub(crate) struct SigningKey {
    key: [u8; 32],
    mac: Hmac<Sha256>,
}

impl SigningKey {
    /// Runs the HMAC chain from the secret access key.
    pub(crate) fn derive(secret_access_key: &str, date: &str, region: &str, service: &str) -> Self {
        let mut k_secret = Zeroizing::new(Vec::with_capacity(4 + secret_access_key.len()));
        k_secret.extend_from_slice(b"AWS4");
        k_secret.extend_from_slice(secret_access_key.as_bytes());
        let mut key = hmac_sha256(&k_secret, date.as_bytes());
        for part in [region, service, TERMINATOR] {
            let next = hmac_sha256(&key, part.as_bytes());
            key.zeroize();
            key = next;
        }
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
            .expect("HMAC accepts keys of any length");
        SigningKey { key, mac }
    }

    /// The raw signature of `string_to_sign`.
    pub(crate) fn sign(&self, string_to_sign: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(string_to_sign);
        mac.finalize().into_bytes().into()
    }

    /// Whether `signature` is the signature of `string_to_sign`, compared in
    /// constant time.
    pub(crate) fn verify(&self, string_to_sign: &[u8], signature: &[u8; 32]) -> bool {
        let mut mac = self.mac.clone();
        mac.update(string_to_sign);
        mac.verify_slice(signature).is_ok()
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        // The HMAC state zeroizes itself (hmac's `zeroize` feature).
        self.key.zeroize();
    }
}

/// The last derived key, with the date and the credentials it is for.
///
/// Region and service are fixed for the [`Signer`](crate::Signer) that owns
/// the cache; the credentials are fixed too unless the signer has a
/// provider, which may hand out new ones at any time. So the cache key is
/// the date plus the credentials' access key id and secret (compared, never
/// shown: the cache has no `Debug`). Reads take a shared lock; a new key is
/// derived once a day, or when the credentials change.
#[derive(Default)]
pub(crate) struct SigningKeyCache {
    last: RwLock<Option<Entry>>,
}

struct Entry {
    date: [u8; 8],
    credentials: Credentials,
    key: SigningKey,
}

impl SigningKeyCache {
    /// The key for `date` (`YYYYMMDD`) and `credentials`, derived with
    /// `derive` on a miss.
    pub(crate) fn get_or_derive(
        &self,
        date: &str,
        credentials: &Credentials,
        derive: impl FnOnce() -> SigningKey,
    ) -> SigningKey {
        self.with_key(date, credentials, derive, SigningKey::clone)
    }

    /// Runs `use_key` on the key for `date` (`YYYYMMDD`) and `credentials`,
    /// derived with `derive` on a miss. On a hit the cached key is used in
    /// place, under the shared lock, not copied.
    pub(crate) fn with_key<R>(
        &self,
        date: &str,
        credentials: &Credentials,
        derive: impl FnOnce() -> SigningKey,
        use_key: impl FnOnce(&SigningKey) -> R,
    ) -> R {
        let mut cache_date = [0u8; 8];
        let len = 8.min(date.len());
        cache_date[..len].copy_from_slice(&date.as_bytes()[..len]);
        if let Ok(guard) = self.last.read() {
            if let Some(entry) = guard.as_ref() {
                if entry.date == cache_date && entry.credentials.same_key(credentials) {
                    return use_key(&entry.key);
                }
            }
        }
        let key = derive();
        let result = use_key(&key);
        if let Ok(mut guard) = self.last.write() {
            *guard = Some(Entry {
                date: cache_date,
                credentials: credentials.clone(),
                key,
            });
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn aws_documentation_example_key() {
        // AWS General Reference, "Examples of how to derive a signing key for
        // Signature Version 4": 20120215 / us-east-1 / iam.
        let key = SigningKey::derive(SECRET, "20120215", "us-east-1", "iam");
        assert_eq!(
            hex::encode(key.key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn suite_get_vanilla_signature() {
        // aws-signing-test-suite/v4/get-vanilla: header-string-to-sign.txt
        // signed gives header-signature.txt.
        let key = SigningKey::derive(SECRET, "20150830", "us-east-1", "service");
        let sts = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63";
        assert_eq!(
            hex::encode(key.sign(sts.as_bytes())),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn verify_accepts_the_suite_signature_and_rejects_a_changed_one() {
        let key = SigningKey::derive(SECRET, "20150830", "us-east-1", "service");
        let sts = b"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63";
        let mut sig = [0u8; 32];
        hex::decode_to_slice(
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            &mut sig,
        )
        .unwrap();
        assert!(key.verify(sts, &sig));
        sig[31] ^= 1;
        assert!(!key.verify(sts, &sig));
    }

    #[test]
    fn cache_derives_once_per_date() {
        let cache = SigningKeyCache::default();
        let creds = Credentials::new("AKID", SECRET, None::<String>);
        let mut derivations = 0;
        for date in ["20150830", "20150830", "20150831", "20150831"] {
            cache.get_or_derive(date, &creds, || {
                derivations += 1;
                SigningKey::derive(SECRET, date, "us-east-1", "service")
            });
        }
        assert_eq!(derivations, 2);
    }

    #[test]
    fn cache_derives_again_when_the_credentials_change() {
        let cache = SigningKeyCache::default();
        let first = Credentials::new("AKID", SECRET, None::<String>);
        // Equal id and secret in another allocation: a provider that builds
        // new `Credentials` on every call must still hit the cache.
        let same = Credentials::new("AKID", SECRET, Some("new-token".to_owned()));
        let rotated = Credentials::new("AKID", "rotated-secret", None::<String>);
        let mut derived = Vec::new();
        for creds in [&first, &same, &rotated, &rotated, &first] {
            let key = cache.get_or_derive("20150830", creds, || {
                derived.push(creds.secret_access_key().to_owned());
                SigningKey::derive(
                    creds.secret_access_key(),
                    "20150830",
                    "us-east-1",
                    "service",
                )
            });
            let expected = SigningKey::derive(
                creds.secret_access_key(),
                "20150830",
                "us-east-1",
                "service",
            );
            assert_eq!(key.key, expected.key);
        }
        assert_eq!(derived, [SECRET, "rotated-secret", SECRET]);
    }
}
