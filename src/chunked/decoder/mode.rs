//! What the decoder is told (the body's form) and what it reports.

use super::super::{STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER};

/// Which aws-chunked form a body claims (its `x-amz-content-sha256`), and
/// the trailers its `x-amz-trailer` header declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChunkedMode {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`, with the declared
    /// trailer names (lowercase).
    SignedTrailer { declared: Vec<String> },
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`, with the declared trailer names.
    UnsignedTrailer { declared: Vec<String> },
}

impl ChunkedMode {
    /// The mode of a request whose `x-amz-content-sha256` is
    /// `content_sha256` and whose `x-amz-trailer` is `trailer`; `None` when
    /// `content_sha256` is not an aws-chunked marker this crate checks.
    pub(crate) fn from_headers(content_sha256: &str, trailer: Option<&str>) -> Option<Self> {
        let declared = || -> Vec<String> {
            trailer
                .into_iter()
                .flat_map(|t| t.split(','))
                .map(|name| name.trim().to_ascii_lowercase())
                .filter(|name| !name.is_empty())
                .collect()
        };
        match content_sha256 {
            STREAMING_SIGNED => Some(ChunkedMode::Signed),
            STREAMING_SIGNED_TRAILER => Some(ChunkedMode::SignedTrailer {
                declared: declared(),
            }),
            STREAMING_UNSIGNED_TRAILER => Some(ChunkedMode::UnsignedTrailer {
                declared: declared(),
            }),
            _ => None,
        }
    }

    pub(super) fn signs_chunks(&self) -> bool {
        !matches!(self, ChunkedMode::UnsignedTrailer { .. })
    }

    pub(super) fn declared(&self) -> &[String] {
        match self {
            ChunkedMode::Signed => &[],
            ChunkedMode::SignedTrailer { declared } | ChunkedMode::UnsignedTrailer { declared } => {
                declared
            }
        }
    }
}

/// What a trailing checksum check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChecksumCheck {
    /// No `x-amz-checksum-*` trailer.
    Absent,
    /// The trailer's checksum equals the data's.
    #[cfg_attr(not(feature = "checksums"), allow(dead_code))]
    Verified {
        /// The trailer's name, e.g. `x-amz-checksum-crc32c`.
        name: String,
    },
    /// A checksum this build cannot compute (without the `checksums`
    /// feature, or an algorithm such as SHA-1); only accepted when the
    /// trailer is signed (the chunks' signatures cover the data anyway).
    Unchecked {
        /// The trailer's name.
        name: String,
    },
}

/// What a fully checked aws-chunked body held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChunkedSummary {
    /// Bytes of data.
    pub(crate) decoded_length: u64,
    /// Chunks of data (the final, empty chunk not counted).
    pub(crate) chunks: u64,
    /// The trailers, in order (`x-amz-trailer-signature` excluded), names
    /// lowercase, values trimmed.
    pub(crate) trailers: Vec<(String, String)>,
    /// The trailing checksum's check.
    pub(crate) checksum: ChecksumCheck,
}
