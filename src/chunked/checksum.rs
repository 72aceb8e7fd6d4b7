//! Trailing checksums (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`):
//! the big-endian checksum of the decoded data, base64-encoded (feature
//! `checksums`).

use crc::{Crc, Digest, Table, CRC_32_ISCSI, CRC_32_ISO_HDLC, CRC_64_NVME};

static CRC32: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISO_HDLC);
static CRC32C: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISCSI);
static CRC64NVME: Crc<u64, Table<16>> = Crc::<u64, Table<16>>::new(&CRC_64_NVME);

/// A checksum S3 accepts in a trailer after an aws-chunked body, as current
/// AWS SDKs send it.
///
/// ```
/// use http_sigv4::ChecksumAlgorithm;
/// assert_eq!(ChecksumAlgorithm::Crc32c.header_name(), "x-amz-checksum-crc32c");
/// assert_eq!(ChecksumAlgorithm::from_header_name("x-amz-checksum-crc64nvme"), Some(ChecksumAlgorithm::Crc64Nvme));
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "checksums")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC, as in zlib and Ethernet): `x-amz-checksum-crc32`.
    Crc32,
    /// CRC-32C (Castagnoli, as in iSCSI): `x-amz-checksum-crc32c`.
    Crc32c,
    /// CRC-64/NVME: `x-amz-checksum-crc64nvme`, S3's default for new
    /// objects since 2025.
    Crc64Nvme,
}

impl ChecksumAlgorithm {
    /// The trailer's (and header's) name.
    ///
    /// ```
    /// # use http_sigv4::ChecksumAlgorithm;
    /// assert_eq!(ChecksumAlgorithm::Crc32.header_name(), "x-amz-checksum-crc32");
    /// ```
    pub fn header_name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "x-amz-checksum-crc32",
            ChecksumAlgorithm::Crc32c => "x-amz-checksum-crc32c",
            ChecksumAlgorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
        }
    }

    /// The algorithm a trailer name stands for (ASCII case ignored).
    ///
    /// ```
    /// # use http_sigv4::ChecksumAlgorithm;
    /// assert_eq!(ChecksumAlgorithm::from_header_name("X-Amz-Checksum-CRC32"), Some(ChecksumAlgorithm::Crc32));
    /// assert_eq!(ChecksumAlgorithm::from_header_name("x-amz-checksum-sha1"), None);
    /// ```
    pub fn from_header_name(name: &str) -> Option<Self> {
        [Self::Crc32, Self::Crc32c, Self::Crc64Nvme]
            .into_iter()
            .find(|a| a.header_name().eq_ignore_ascii_case(name))
    }

    /// The checksum of `data`, base64-encoded as S3 wants it.
    ///
    /// ```
    /// # use http_sigv4::ChecksumAlgorithm;
    /// // The CRC-32 check value of "123456789" is 0xCBF43926.
    /// assert_eq!(ChecksumAlgorithm::Crc32.checksum(b"123456789"), "y/Q5Jg==");
    /// ```
    pub fn checksum(self, data: &[u8]) -> String {
        let mut running = RunningChecksum::new(self);
        running.update(data);
        running.finish()
    }

    /// Length of the base64 value: 8 for the 32-bit checksums, 12 for
    /// CRC-64.
    pub(crate) fn encoded_len(self) -> usize {
        match self {
            ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 8,
            ChecksumAlgorithm::Crc64Nvme => 12,
        }
    }
}

/// A checksum computed as the data goes by.
pub(crate) enum RunningChecksum {
    Crc32(Digest<'static, u32, Table<16>>),
    Crc32c(Digest<'static, u32, Table<16>>),
    Crc64Nvme(Digest<'static, u64, Table<16>>),
}

impl RunningChecksum {
    pub(crate) fn new(algorithm: ChecksumAlgorithm) -> Self {
        match algorithm {
            ChecksumAlgorithm::Crc32 => RunningChecksum::Crc32(CRC32.digest()),
            ChecksumAlgorithm::Crc32c => RunningChecksum::Crc32c(CRC32C.digest()),
            ChecksumAlgorithm::Crc64Nvme => RunningChecksum::Crc64Nvme(CRC64NVME.digest()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            RunningChecksum::Crc32(d) | RunningChecksum::Crc32c(d) => d.update(data),
            RunningChecksum::Crc64Nvme(d) => d.update(data),
        }
    }

    /// The base64 of the big-endian checksum.
    pub(crate) fn finish(self) -> String {
        match self {
            RunningChecksum::Crc32(d) | RunningChecksum::Crc32c(d) => {
                base64(&d.finalize().to_be_bytes())
            }
            RunningChecksum::Crc64Nvme(d) => base64(&d.finalize().to_be_bytes()),
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), for the few bytes of a
/// checksum.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        // RFC 4648 §10.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn check_values_of_the_catalogue() {
        // The "check" values of the CRC catalogue (reveng), for "123456789".
        let check = b"123456789";
        let crc32 = CRC32.checksum(check);
        assert_eq!(crc32, 0xCBF4_3926);
        assert_eq!(CRC32C.checksum(check), 0xE306_9283);
        assert_eq!(CRC64NVME.checksum(check), 0xAE8B_1486_0A79_9888);
        assert_eq!(
            ChecksumAlgorithm::Crc32c.checksum(check),
            base64(&0xE306_9283u32.to_be_bytes())
        );
    }

    #[test]
    fn crc32c_of_the_aws_trailer_example() {
        // S3 API Reference, sigv4-streaming-trailers.html: 66,560 bytes of
        // `a` have the trailer `x-amz-checksum-crc32c:sOO8/Q==`.
        assert_eq!(
            ChecksumAlgorithm::Crc32c.checksum(&vec![b'a'; 66_560]),
            "sOO8/Q=="
        );
    }

    #[test]
    fn running_equals_one_shot_and_lengths_are_right() {
        let data: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        for algorithm in [
            ChecksumAlgorithm::Crc32,
            ChecksumAlgorithm::Crc32c,
            ChecksumAlgorithm::Crc64Nvme,
        ] {
            let mut running = RunningChecksum::new(algorithm);
            data.chunks(999).for_each(|c| running.update(c));
            let value = running.finish();
            assert_eq!(value, algorithm.checksum(&data));
            assert_eq!(value.len(), algorithm.encoded_len());
        }
    }
}
