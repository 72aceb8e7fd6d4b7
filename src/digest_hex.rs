//! Lowercase hex of 32-byte digests: the payload hash, the hash of the
//! canonical request in the string to sign, and the signature. Written
//! with a loop the compiler vectorizes; `hex::encode_to_slice` steps
//! through two index iterators per byte.

/// The 64 lowercase hex digits of `digest`.
pub(crate) fn lowercase_hex(digest: &[u8; 32]) -> [u8; 64] {
    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest) {
        pair[0] = hex_digit(byte >> 4);
        pair[1] = hex_digit(byte & 0x0f);
    }
    hex
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
            let ours = lowercase_hex(&digest);
            assert_eq!(std::str::from_utf8(&ours).unwrap(), hex::encode(digest));
        }
    }
}
