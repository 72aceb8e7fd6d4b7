//! The strings to sign of an aws-chunked body, shared by the chunk signer
//! ([`ChunkSigner`](crate::ChunkSigner)) and the chunk checker (the
//! crate-internal decoder).
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD\n          AWS4-HMAC-SHA256-TRAILER\n
//! 20130524T000000Z\n                  20130524T000000Z\n
//! 20130524/us-east-1/s3/aws4_request\n 20130524/us-east-1/s3/aws4_request\n
//! <previous signature>\n              <previous signature>\n
//! <hex SHA-256 of "">\n               <hex SHA-256 of the trailer lines>
//! <hex SHA-256 of the chunk's data>
//! ```
//! (Amazon S3 API Reference, *Signature Calculations for the Authorization
//! Header: Transferring Payload in Multiple Chunks*, and *Signature
//! calculations for trailing headers*.) The previous signature of the first
//! chunk is the request's own (seed) signature; that of the trailer is the
//! final, empty chunk's.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::digest_hex::LowercaseHex;
use crate::payload::EMPTY_SHA256;
use crate::signing_key::SigningKey;

/// First line of a chunk's string to sign.
pub(crate) const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
/// First line of the trailer's string to sign.
pub(crate) const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";

/// Appends the string to sign of a chunk whose data hashes to `chunk_hash`.
pub(crate) fn write_chunk_string_to_sign(
    out: &mut Vec<u8>,
    timestamp: &str,
    scope: &str,
    previous_signature: &[u8; 32],
    chunk_hash: &[u8; 32],
) {
    write_head(out, CHUNK_ALGORITHM, timestamp, scope, previous_signature);
    out.extend_from_slice(EMPTY_SHA256.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(LowercaseHex::new(chunk_hash).as_bytes());
}

/// Appends the string to sign of trailer lines that hash to `trailer_hash`
/// (the SHA-256 of `name:value\n` for each trailer, signature excluded).
pub(crate) fn write_trailer_string_to_sign(
    out: &mut Vec<u8>,
    timestamp: &str,
    scope: &str,
    previous_signature: &[u8; 32],
    trailer_hash: &[u8; 32],
) {
    write_head(out, TRAILER_ALGORITHM, timestamp, scope, previous_signature);
    out.extend_from_slice(LowercaseHex::new(trailer_hash).as_bytes());
}

fn write_head(
    out: &mut Vec<u8>,
    algorithm: &str,
    timestamp: &str,
    scope: &str,
    previous: &[u8; 32],
) {
    out.reserve(algorithm.len() + timestamp.len() + scope.len() + 3 * 65 + 8);
    for part in [algorithm.as_bytes(), timestamp.as_bytes(), scope.as_bytes()] {
        out.extend_from_slice(part);
        out.push(b'\n');
    }
    out.extend_from_slice(LowercaseHex::new(previous).as_bytes());
    out.push(b'\n');
}

/// What signs and checks the chunks of one aws-chunked body: the signing
/// key (zeroed on drop), the request's timestamp (`YYYYMMDDTHHMMSSZ`) and
/// credential scope, and the seed signature (the request's own).
#[derive(Clone)]
pub(crate) struct ChunkContext {
    key: SigningKey,
    timestamp: String,
    scope: String,
    seed: [u8; 32],
}

impl ChunkContext {
    /// A context from its parts.
    pub(crate) fn new(
        key: SigningKey,
        timestamp: impl Into<String>,
        scope: impl Into<String>,
        seed: [u8; 32],
    ) -> Self {
        ChunkContext {
            key,
            timestamp: timestamp.into(),
            scope: scope.into(),
            seed,
        }
    }

    /// A context whose seed signature is given as 64 hex digits (as in the
    /// `Authorization` header); `None` if it is not. For the Verifier's body
    /// phase.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn with_hex_seed(
        key: SigningKey,
        timestamp: impl Into<String>,
        scope: impl Into<String>,
        seed_hex: &str,
    ) -> Option<Self> {
        let mut seed = [0u8; 32];
        hex::decode_to_slice(seed_hex, &mut seed).ok()?;
        Some(Self::new(key, timestamp, scope, seed))
    }

    /// The seed signature, raw.
    pub(crate) fn seed(&self) -> [u8; 32] {
        self.seed
    }

    /// The signature of a chunk whose data is `data`, chained from
    /// `previous`.
    pub(crate) fn chunk_signature(&self, previous: &[u8; 32], data: &[u8]) -> [u8; 32] {
        let hash: [u8; 32] = Sha256::digest(data).into();
        self.chunk_signature_of_hash(previous, &hash)
    }

    /// The signature of a chunk whose data hashes to `hash`.
    pub(crate) fn chunk_signature_of_hash(&self, previous: &[u8; 32], hash: &[u8; 32]) -> [u8; 32] {
        let mut sts = Vec::with_capacity(320);
        write_chunk_string_to_sign(&mut sts, &self.timestamp, &self.scope, previous, hash);
        self.key.sign(&sts)
    }

    /// Whether `claimed` is the signature of a chunk hashing to `hash`,
    /// compared in constant time.
    pub(crate) fn verify_chunk(
        &self,
        previous: &[u8; 32],
        hash: &[u8; 32],
        claimed: &[u8; 32],
    ) -> bool {
        let mut sts = Vec::with_capacity(320);
        write_chunk_string_to_sign(&mut sts, &self.timestamp, &self.scope, previous, hash);
        self.key.verify(&sts, claimed)
    }

    /// The trailer signature of the canonical trailer lines
    /// (`name:value\n` each), chained from `previous`.
    #[cfg_attr(not(any(test, feature = "checksums")), allow(dead_code))]
    pub(crate) fn trailer_signature(&self, previous: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
        let hash: [u8; 32] = Sha256::digest(canonical).into();
        let mut sts = Vec::with_capacity(256);
        write_trailer_string_to_sign(&mut sts, &self.timestamp, &self.scope, previous, &hash);
        self.key.sign(&sts)
    }

    /// Whether `claimed` is the trailer signature of `canonical`, compared
    /// in constant time.
    pub(crate) fn verify_trailer(
        &self,
        previous: &[u8; 32],
        canonical: &[u8],
        claimed: &[u8; 32],
    ) -> bool {
        let hash: [u8; 32] = Sha256::digest(canonical).into();
        let mut sts = Vec::with_capacity(256);
        write_trailer_string_to_sign(&mut sts, &self.timestamp, &self.scope, previous, &hash);
        self.key.verify(&sts, claimed)
    }
}

impl fmt::Debug for ChunkContext {
    /// The key is never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkContext")
            .field("timestamp", &self.timestamp)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AWS S3 chunked-upload example (see `chunked::tests::aws`).
    pub(crate) fn example_context(seed_hex: &str) -> ChunkContext {
        let key = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "20130524",
            "us-east-1",
            "s3",
        );
        ChunkContext::with_hex_seed(
            key,
            "20130524T000000Z",
            "20130524/us-east-1/s3/aws4_request",
            seed_hex,
        )
        .unwrap()
    }

    #[test]
    fn first_chunk_string_to_sign_of_the_aws_example() {
        // S3 API Reference, sigv4-streaming.html, "Example: PUT Object",
        // first chunk: 65,536 bytes of `a`.
        let mut seed = [0u8; 32];
        hex::decode_to_slice(
            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
            &mut seed,
        )
        .unwrap();
        let hash: [u8; 32] = Sha256::digest(vec![b'a'; 65_536]).into();
        let mut sts = Vec::new();
        write_chunk_string_to_sign(
            &mut sts,
            "20130524T000000Z",
            "20130524/us-east-1/s3/aws4_request",
            &seed,
            &hash,
        );
        assert_eq!(
            String::from_utf8(sts).unwrap(),
            "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n\
             4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
             bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a"
        );
        let ctx =
            example_context("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
        assert_eq!(
            hex::encode(ctx.chunk_signature(&seed, &vec![b'a'; 65_536])),
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
        );
    }

    #[test]
    fn trailer_string_to_sign_layout() {
        let mut sts = Vec::new();
        write_trailer_string_to_sign(&mut sts, "T", "S", &[0; 32], &[0xff; 32]);
        let text = String::from_utf8(sts).unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0], "AWS4-HMAC-SHA256-TRAILER");
        assert_eq!(lines[3], "0".repeat(64));
        assert_eq!(lines[4], "f".repeat(64));
    }

    #[test]
    fn debug_hides_the_key() {
        let ctx = example_context(&"0".repeat(64));
        let shown = format!("{ctx:?}");
        assert!(shown.contains("20130524T000000Z"));
        assert!(!shown.contains("key"));
    }
}
