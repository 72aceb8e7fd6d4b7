//! The verifier's cache of derived signing keys.
//!
//! Deriving kSigning takes four HMACs (eight SHA-256 compressions plus key
//! setup), more than checking a small request's signature itself. A key is
//! valid for one secret, day, region and service, so the verifier keeps the
//! keys it derived, bounded, and drops (zeroizes) the least recently used.
//!
//! The cache is keyed by the date and a SHA-256 of the secret
//! ([`Credentials::secret_digest`], computed once per `Credentials` and
//! shared by its clones, so a lookup that hands out clones pays for it
//! once), never by the secret itself: the raw secret stays only where the
//! caller's lookup keeps it. Each entry also holds the region and service
//! its key is for, which a hit must match (a verifier has one region and
//! service, so they never differ in practice).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

use crate::signing_key::SigningKey;
use crate::Credentials;

/// How many keys a verifier keeps by default: one a day for each of this
/// many access keys.
pub(crate) const DEFAULT_CAPACITY: usize = 1024;

/// Derived signing keys by [`CacheKey`], at most `capacity` of them.
pub(crate) struct KeyCache {
    entries: RwLock<HashMap<CacheKey, Entry>>,
    capacity: usize,
    /// Stamps entries on use, for eviction of the least recently used.
    clock: AtomicU64,
}

/// The secret's SHA-256 and the date (`YYYYMMDD`, checked before a key is
/// asked for).
#[derive(Clone, Copy, PartialEq, Eq)]
struct CacheKey {
    secret_digest: [u8; 32],
    date: [u8; 8],
}

impl CacheKey {
    fn new(credentials: &Credentials, date: &str) -> Self {
        let mut day = [0u8; 8];
        let len = date.len().min(8);
        day[..len].copy_from_slice(&date.as_bytes()[..len]);
        CacheKey {
            secret_digest: credentials.secret_digest(),
            date: day,
        }
    }
}

impl Hash for CacheKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The digest is uniform already: eight bytes of it, with the date,
        // spread the buckets.
        let mut head = [0u8; 8];
        head.copy_from_slice(&self.secret_digest[..8]);
        state.write_u64(u64::from_le_bytes(head) ^ u64::from_le_bytes(self.date));
    }
}

struct Entry {
    region: Box<str>,
    service: Box<str>,
    key: SigningKey,
    last_used: AtomicU64,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::with_capacity(DEFAULT_CAPACITY)
    }
}

impl KeyCache {
    /// A cache of at most `capacity` keys (at least one).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        KeyCache {
            entries: RwLock::new(HashMap::new()),
            capacity: capacity.max(1),
            clock: AtomicU64::new(0),
        }
    }

    /// The signing key for `credentials`' secret on `date` (`YYYYMMDD`) in
    /// `region` for `service`, derived on a miss.
    pub(crate) fn get(
        &self,
        credentials: &Credentials,
        date: &str,
        region: &str,
        service: &str,
    ) -> SigningKey {
        let id = CacheKey::new(credentials, date);
        let now = self.clock.fetch_add(1, Ordering::Relaxed);
        if let Ok(entries) = self.entries.read() {
            if let Some(entry) = entries
                .get(&id)
                .filter(|entry| *entry.region == *region && *entry.service == *service)
            {
                entry.last_used.store(now, Ordering::Relaxed);
                return entry.key.clone();
            }
        }
        let key = SigningKey::derive(credentials.secret_access_key(), date, region, service);
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity && !entries.contains_key(&id) {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, entry)| entry.last_used.load(Ordering::Relaxed))
                    .map(|(id, _)| *id);
                // Dropping the entry zeroizes its key.
                oldest.map(|oldest| entries.remove(&oldest));
            }
            entries.insert(
                id,
                Entry {
                    region: region.into(),
                    service: service.into(),
                    key: key.clone(),
                    last_used: AtomicU64::new(now),
                },
            );
        }
        key
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().map_or(0, |entries| entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    // aws-signing-test-suite/v4/get-vanilla: its string to sign and
    // header-signature.txt.
    const STS: &[u8] = b"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63";
    const SIGNATURE: &str = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    fn creds(secret: &str) -> Credentials {
        Credentials::new("AKID", secret, None::<String>)
    }

    #[test]
    fn cached_keys_sign_as_derived_ones() {
        let cache = KeyCache::with_capacity(4);
        for _ in 0..3 {
            // A new `Credentials` each time: the same secret hits.
            let key = cache.get(&creds(SECRET), "20150830", "us-east-1", "service");
            assert_eq!(hex::encode(key.sign(STS)), SIGNATURE);
        }
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn each_secret_date_region_and_service_has_its_own_key() {
        let cache = KeyCache::with_capacity(8);
        let good = cache.get(&creds(SECRET), "20150830", "us-east-1", "service");
        for (secret, date, region, service) in [
            ("other secret", "20150830", "us-east-1", "service"),
            (SECRET, "20150831", "us-east-1", "service"),
            (SECRET, "20150830", "us-west-2", "service"),
            (SECRET, "20150830", "us-east-1", "s3"),
        ] {
            let key = cache.get(&creds(secret), date, region, service);
            assert_ne!(key.sign(STS), good.sign(STS), "{date} {region} {service}");
        }
        // Region and service are checked on a hit, not part of the id.
        assert_eq!(cache.len(), 3);
        let again = cache.get(&creds(SECRET), "20150830", "us-east-1", "service");
        assert_eq!(hex::encode(again.sign(STS)), SIGNATURE);
    }

    #[test]
    fn bounded_and_the_least_recently_used_goes_first() {
        let cache = KeyCache::with_capacity(2);
        let (a, b, c) = (creds("a"), creds("b"), creds("c"));
        cache.get(&a, "20150830", "us-east-1", "service");
        cache.get(&b, "20150830", "us-east-1", "service");
        cache.get(&a, "20150830", "us-east-1", "service"); // a is fresher
        cache.get(&c, "20150830", "us-east-1", "service"); // evicts b
        assert_eq!(cache.len(), 2);
        let ids = |secret: &str| CacheKey::new(&creds(secret), "20150830");
        let entries = cache.entries.read().unwrap();
        assert!(entries.contains_key(&ids("a")));
        assert!(entries.contains_key(&ids("c")));
        assert!(!entries.contains_key(&ids("b")));
    }
}
