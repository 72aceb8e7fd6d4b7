//! Lowercase hex of 32-byte digests: the payload hash, the hash of the
//! canonical request in the string to sign, and the signature. Written
//! with a loop the compiler vectorizes; `hex::encode_to_slice` steps
//! through two index iterators per byte.

/// The 64 lowercase hex digits of a digest.
///
/// Aligned to 16 bytes so that the UTF-8 check of [`as_str`](Self::as_str)
/// reads whole words from the first byte (on an unaligned start it goes
/// byte by byte up to the first aligned one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(align(16))]
pub(crate) struct LowercaseHex([u8; 64]);

impl LowercaseHex {
    /// The hex digits of `digest`.
    pub(crate) fn new(digest: &[u8; 32]) -> Self {
        let mut hex = [0u8; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(digest) {
            pair[0] = hex_digit(byte >> 4);
            pair[1] = hex_digit(byte & 0x0f);
        }
        LowercaseHex(hex)
    }

    /// The digits as bytes.
    pub(crate) fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    /// The digits as text.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The lowercase hex digit of `nibble` (below 16).
fn hex_digit(nibble: u8) -> u8 {
    match nibble {
        0..=9 => b'0' + nibble,
        _ => b'a' - 10 + nibble,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_hex_crate() {
        let mut digest = [0u8; 32];
        for round in 0..=255u8 {
            for (i, byte) in digest.iter_mut().enumerate() {
                *byte = round.wrapping_mul(31).wrapping_add(i as u8 * 8);
            }
            assert_eq!(LowercaseHex::new(&digest).as_str(), hex::encode(digest));
        }
    }
}
