//! aws-chunked: AWS's documented examples byte for byte, a cross-check
//! with the `aws-sigv4` crate, round trips through the decoder, and
//! hostile input.

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::signing_key::SigningKey;
use crate::{Credentials, Error, PathNormalization, Signer, UriEncoding};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// 20130524T000000Z.
const TIME: u64 = 1_369_353_600;
const SCOPE: &str = "20130524/us-east-1/s3/aws4_request";

// ---------------------------------------------------------------------------
// AWS's documented examples (facts, copied from the pages cited)
// ---------------------------------------------------------------------------

/// Amazon S3 API Reference, "Signature Calculations for the Authorization
/// Header: Transferring Payload in Multiple Chunks (Chunked Upload) (AWS
/// Signature Version 4)", Example: PUT Object
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>):
/// 66,560 bytes of `a` in chunks of 65,536, 1,024 and 0 bytes.
mod streaming {
    pub(super) const SEED: &str =
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    pub(super) const CHUNKS: [&str; 3] = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ];
    pub(super) const CANONICAL_REQUEST: &str = "PUT\n/examplebucket/chunkObject.txt\n\n\
        content-encoding:aws-chunked\ncontent-length:66824\nhost:s3.amazonaws.com\n\
        x-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\nx-amz-date:20130524T000000Z\n\
        x-amz-decoded-content-length:66560\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n\
        content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
        x-amz-decoded-content-length;x-amz-storage-class\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    pub(super) const STRING_TO_SIGN: &str = "AWS4-HMAC-SHA256\n20130524T000000Z\n\
        20130524/us-east-1/s3/aws4_request\n\
        cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455";
    pub(super) const CONTENT_LENGTH: u64 = 66_824;
}

/// Amazon S3 API Reference, "Signature calculations for trailing headers
/// (chunked uploads) (AWS Signature Version 4)"
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html>):
/// the same data with `x-amz-trailer: x-amz-checksum-crc32c`; the seed
/// request signs neither `content-length` nor sends one in its signed
/// headers. The page could not be read in full here: these values are as
/// reproduced, identically, by the test suites of several independent
/// implementations citing that page (s3s, MinIO, Ozone, among those found),
/// and are cross-checked below against the `aws-sigv4` crate's
/// `sign_chunk`/`sign_trailer`.
mod trailer {
    pub(super) const SEED: &str =
        "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
    pub(super) const CHUNKS: [&str; 3] = [
        "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
        "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
        "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
    ];
    pub(super) const CHECKSUM: &str = "x-amz-checksum-crc32c:sOO8/Q==";
    pub(super) const SIGNATURE: &str =
        "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";
}

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(TIME)
}

fn s3_signer() -> Signer {
    Signer::new(
        Credentials::new(AKID, SECRET, None::<String>),
        "us-east-1",
        "s3",
    )
    .uri_encoding(UriEncoding::Single)
    .path_normalization(PathNormalization::Disabled)
}

fn example_request() -> http::Request<()> {
    http::Request::put("https://s3.amazonaws.com/examplebucket/chunkObject.txt")
        .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
        .body(())
        .unwrap()
}

/// The documented body: `chunk sizes` of `a`, with `signatures`, ending
/// with `tail` after the final chunk's line.
fn documented_body(signatures: [&str; 3], tail: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (size, signature) in [(65_536usize, signatures[0]), (1_024, signatures[1])] {
        body.extend_from_slice(format!("{size:x};chunk-signature={signature}\r\n").as_bytes());
        body.extend(std::iter::repeat_n(b'a', size));
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("0;chunk-signature={}\r\n", signatures[2]).as_bytes());
    body.extend_from_slice(tail);
    body
}

fn context(seed_hex: &str) -> ChunkContext {
    let key = SigningKey::derive(SECRET, "20130524", "us-east-1", "s3");
    ChunkContext::with_hex_seed(key, "20130524T000000Z", SCOPE, seed_hex).unwrap()
}

fn decode_all(
    ctx: ChunkContext,
    mode: ChunkedMode,
    length: Option<u64>,
    body: &[u8],
) -> Result<(Vec<u8>, ChunkedSummary), Error> {
    let mut decoder = ChunkedDecoder::new(ctx, mode, length);
    let mut out = Vec::new();
    decoder.feed(body, &mut out)?;
    let summary = decoder.finish()?;
    Ok((out, summary))
}

#[test]
fn aws_streaming_example_seed_request() {
    let mut req = example_request();
    let chunks = s3_signer()
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(66_560)), time())
        .unwrap();
    assert_eq!(chunks.seed_signature(), streaming::SEED);
    let headers = req.headers();
    assert_eq!(headers["content-encoding"], "aws-chunked");
    assert_eq!(headers["content-length"], "66824");
    assert_eq!(headers["x-amz-decoded-content-length"], "66560");
    assert_eq!(
        headers["x-amz-content-sha256"],
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    );
    assert!(!headers.contains_key("transfer-encoding"));

    // The canonical request and string to sign, as documented.
    let mut again = example_request();
    again
        .headers_mut()
        .insert("content-encoding", "aws-chunked".parse().unwrap());
    again
        .headers_mut()
        .insert("content-length", "66824".parse().unwrap());
    again
        .headers_mut()
        .insert("x-amz-decoded-content-length", "66560".parse().unwrap());
    let out = s3_signer()
        .payload(crate::Payload::Precomputed(STREAMING_SIGNED.into()))
        .content_sha256_header(crate::ContentSha256Header::Signed)
        .sign_at(&mut again, time())
        .unwrap();
    assert_eq!(out.canonical_request(), streaming::CANONICAL_REQUEST);
    assert_eq!(out.string_to_sign(), streaming::STRING_TO_SIGN);
    assert_eq!(out.signature(), streaming::SEED);
}

#[test]
fn aws_streaming_example_body_byte_for_byte() {
    let mut req = example_request();
    let chunks = s3_signer()
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(66_560)), time())
        .unwrap();
    let data = vec![b'a'; 66_560];
    let mut body = Vec::new();
    chunks
        .into_reader(&data[..])
        .read_to_end(&mut body)
        .unwrap();
    let expected = documented_body(streaming::CHUNKS, b"\r\n");
    assert_eq!(body.len() as u64, streaming::CONTENT_LENGTH);
    assert_eq!(body, expected);
}

/// The same example sent without copying the data: each chunk's header
/// and line end from `sign_chunk`, the data borrowed beside them.
#[test]
fn aws_streaming_example_by_sign_chunk() {
    let mut req = example_request();
    let mut chunks = s3_signer()
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(66_560)), time())
        .unwrap();
    let data = vec![b'a'; 66_560];
    let mut body = Vec::new();
    for chunk in data.chunks(65_536) {
        let frame = chunks.sign_chunk(chunk).unwrap();
        body.extend_from_slice(frame.header());
        body.extend_from_slice(chunk);
        body.extend_from_slice(frame.trailer());
    }
    assert!(chunks.sign_chunk(&[]).is_none());
    chunks.write_final(&mut body);
    assert!(chunks.sign_chunk(b"late").is_none());
    assert_eq!(body, documented_body(streaming::CHUNKS, b"\r\n"));
}

#[cfg(feature = "checksums")]
#[test]
fn aws_trailer_example_byte_for_byte() {
    let signer = s3_signer().unsigned_header(http::header::CONTENT_LENGTH);
    let upload = ChunkedUpload::new(Some(66_560)).payload(ChunkedPayload::SignedWithChecksum(
        ChecksumAlgorithm::Crc32c,
    ));
    let mut req = example_request();
    let chunks = signer.sign_chunked_at(&mut req, &upload, time()).unwrap();
    assert_eq!(chunks.seed_signature(), trailer::SEED);
    assert_eq!(req.headers()["x-amz-trailer"], "x-amz-checksum-crc32c");
    assert!(req.headers()["authorization"]
        .to_str()
        .unwrap()
        .contains("SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,"));

    let data = vec![b'a'; 66_560];
    let mut body = Vec::new();
    chunks
        .into_reader(&data[..])
        .read_to_end(&mut body)
        .unwrap();
    let tail = format!(
        "{}\r\nx-amz-trailer-signature:{}\r\n\r\n",
        trailer::CHECKSUM,
        trailer::SIGNATURE
    );
    assert_eq!(body, documented_body(trailer::CHUNKS, tail.as_bytes()));
    assert_eq!(
        req.headers()["content-length"],
        body.len().to_string().as_str()
    );
}

/// The `aws-sigv4` crate's own chunk and trailer signing agrees, on data
/// none of the documented examples covers.
#[test]
fn chunk_and_trailer_signatures_agree_with_aws_sigv4() {
    use aws_sigv4::sign::v4;
    use aws_smithy_runtime_api::client::identity::Identity;

    let identity: Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("eu-west-3")
        .name("s3")
        .time(UNIX_EPOCH + Duration::from_secs(1_700_000_123))
        .settings(())
        .build()
        .unwrap();
    let key = SigningKey::derive(SECRET, "20231114", "eu-west-3", "s3");
    let ctx = ChunkContext::new(
        key,
        "20231114T221523Z",
        "20231114/eu-west-3/s3/aws4_request",
        [7; 32],
    );
    let mut previous = ctx.seed();
    for data in [&b"hello"[..], &[0u8; 9000][..], &b""[..]] {
        let ours = ctx.chunk_signature(&previous, data);
        let theirs = v4::sign_chunk(
            &bytes::Bytes::copy_from_slice(data),
            &hex::encode(previous),
            &params,
        )
        .unwrap();
        assert_eq!(hex::encode(ours), theirs.signature());
        previous = ours;
    }
    let mut headers = aws_smithy_runtime_api::http::Headers::new();
    headers.insert("x-amz-checksum-crc32", "NSRBwg==");
    let theirs = v4::sign_trailer(&headers, &hex::encode(previous), &params).unwrap();
    let ours = ctx.trailer_signature(&previous, b"x-amz-checksum-crc32:NSRBwg==\n");
    assert_eq!(hex::encode(ours), theirs.signature());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Chains of chunks of random sizes, at random times and regions: every
    /// chunk signature, and the trailer's, equal `aws-sigv4`'s.
    #[test]
    fn chains_agree_with_aws_sigv4(
        sizes in proptest::collection::vec(0usize..3_000, 1..6),
        seconds in 0u64..4_000_000_000,
        region in "[a-z]{2}-[a-z]{4,9}-[1-9]",
        seed in proptest::prelude::any::<[u8; 32]>(),
    ) {
        use aws_sigv4::sign::v4;
        use aws_smithy_runtime_api::client::identity::Identity;

        let when = UNIX_EPOCH + Duration::from_secs(seconds);
        let identity: Identity =
            aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name("s3")
            .time(when)
            .settings(())
            .build()
            .unwrap();
        let t = crate::timestamp::Timestamp::new(when).unwrap();
        let mut scope = String::new();
        crate::string_to_sign::write_scope(&mut scope, t.date(), &region, "s3");
        let key = SigningKey::derive(SECRET, t.date(), &region, "s3");
        let ctx = ChunkContext::new(key, t.amz_date(), scope, seed);
        let mut previous = seed;
        for (i, size) in sizes.iter().enumerate() {
            let data: Vec<u8> = (0..*size).map(|j| (i * 31 + j) as u8).collect();
            let ours = ctx.chunk_signature(&previous, &data);
            let theirs = v4::sign_chunk(&bytes::Bytes::from(data), &hex::encode(previous), &params)
                .unwrap();
            proptest::prop_assert_eq!(hex::encode(ours), theirs.signature());
            previous = ours;
        }
        let mut headers = aws_smithy_runtime_api::http::Headers::new();
        headers.insert("x-amz-checksum-crc64nvme", "AAAAAAAAAAA=");
        let theirs = v4::sign_trailer(&headers, &hex::encode(previous), &params).unwrap();
        let ours = ctx.trailer_signature(&previous, b"x-amz-checksum-crc64nvme:AAAAAAAAAAA=\n");
        proptest::prop_assert_eq!(hex::encode(ours), theirs.signature());
    }
}

// ---------------------------------------------------------------------------
// The decoder on the documented bodies
// ---------------------------------------------------------------------------

#[test]
fn aws_streaming_example_decodes() {
    let body = documented_body(streaming::CHUNKS, b"\r\n");
    let (data, summary) = decode_all(
        context(streaming::SEED),
        ChunkedMode::Signed,
        Some(66_560),
        &body,
    )
    .unwrap();
    assert_eq!(data, vec![b'a'; 66_560]);
    assert_eq!(summary.decoded_length, 66_560);
    assert_eq!(summary.chunks, 2);
    assert_eq!(summary.checksum, ChecksumCheck::Absent);
    // Length unknown to the verifier: decodes too.
    assert!(decode_all(context(streaming::SEED), ChunkedMode::Signed, None, &body).is_ok());
}

#[test]
fn aws_trailer_example_decodes_in_both_layouts() {
    let mode = ChunkedMode::from_headers(
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        Some("x-amz-checksum-crc32c"),
    )
    .unwrap();
    let lines = format!(
        "{}\r\nx-amz-trailer-signature:{}\r\n\r\n",
        trailer::CHECKSUM,
        trailer::SIGNATURE
    );
    // The HTTP/1.1 layout, and with a blank line before the trailers.
    for tail in [lines.clone(), format!("\r\n{lines}")] {
        let body = documented_body(trailer::CHUNKS, tail.as_bytes());
        let (data, summary) =
            decode_all(context(trailer::SEED), mode.clone(), Some(66_560), &body).unwrap();
        assert_eq!(data.len(), 66_560);
        assert_eq!(
            summary.trailers,
            [("x-amz-checksum-crc32c".to_string(), "sOO8/Q==".to_string())]
        );
        #[cfg(feature = "checksums")]
        assert_eq!(
            summary.checksum,
            ChecksumCheck::Verified {
                name: "x-amz-checksum-crc32c".into()
            }
        );
        #[cfg(not(feature = "checksums"))]
        assert_eq!(
            summary.checksum,
            ChecksumCheck::Unchecked {
                name: "x-amz-checksum-crc32c".into()
            }
        );
    }
}

/// Positions worth altering in the documented body: every framing byte,
/// and data bytes at a stride (all 66,560 would take minutes unoptimized).
fn positions(body: &[u8]) -> Vec<usize> {
    (0..body.len())
        .filter(|&i| body[i] != b'a' || i % 509 == 0 || body.get(i + 1) != Some(&b'a'))
        .collect()
}

#[test]
fn any_altered_byte_of_the_aws_example_fails() {
    let body = documented_body(streaming::CHUNKS, b"\r\n");
    let positions = positions(&body);
    assert!(positions.len() > 300);
    for i in positions {
        for flip in [0x01u8, 0x20, 0x80] {
            let mut altered = body.clone();
            altered[i] ^= flip;
            let result = decode_all(
                context(streaming::SEED),
                ChunkedMode::Signed,
                Some(66_560),
                &altered,
            );
            assert!(result.is_err(), "byte {i} ^ {flip:#x} accepted");
        }
    }
}

#[test]
fn a_wrong_seed_or_key_fails_at_the_first_chunk() {
    let body = documented_body(streaming::CHUNKS, b"\r\n");
    let mut decoder = ChunkedDecoder::new(context(trailer::SEED), ChunkedMode::Signed, None);
    let mut out = Vec::new();
    assert_eq!(
        decoder.feed(&body, &mut out),
        Err(Error::Chunked(ChunkedError::ChunkSignatureMismatch {
            chunk: 1
        }))
    );
    assert!(out.is_empty(), "no byte of an unchecked chunk is released");
}

#[test]
fn truncated_aws_example_fails() {
    let body = documented_body(streaming::CHUNKS, b"\r\n");
    for cut in [
        0,
        1,
        50,
        88,
        65_000,
        65_626,
        66_700,
        body.len() - 3,
        body.len() - 1,
    ] {
        let result = decode_all(
            context(streaming::SEED),
            ChunkedMode::Signed,
            Some(66_560),
            &body[..cut],
        );
        assert!(
            matches!(result, Err(Error::Chunked(ChunkedError::Truncated { .. }))),
            "cut at {cut}: {result:?}"
        );
    }
}

#[test]
fn data_is_released_only_after_its_chunk_is_checked() {
    let body = documented_body(streaming::CHUNKS, b"\r\n");
    let mut decoder = ChunkedDecoder::new(context(streaming::SEED), ChunkedMode::Signed, None);
    let mut out = Vec::new();
    // All of the first chunk's data but its last byte.
    decoder.feed(&body[..88 + 65_535], &mut out).unwrap();
    assert!(out.is_empty());
    decoder
        .feed(&body[88 + 65_535..88 + 65_536], &mut out)
        .unwrap();
    assert_eq!(out.len(), 65_536);
}

// ---------------------------------------------------------------------------
// Round trips through the encoder
// ---------------------------------------------------------------------------

/// Signs an upload of `data` (declared length or not) and returns the
/// request, the framed body, and a decoder context for it.
fn encode(data: &[u8], upload: &ChunkedUpload) -> (http::Request<()>, Vec<u8>, ChunkContext) {
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/object")
        .body(())
        .unwrap();
    let chunks = s3_signer()
        .sign_chunked_at(&mut req, upload, time())
        .unwrap();
    let ctx = context(&chunks.seed_signature());
    let mut body = Vec::new();
    chunks.into_reader(data).read_to_end(&mut body).unwrap();
    (req, body, ctx)
}

/// Like [`encode`], with the data written by hand in chunks of `piece`
/// bytes (smaller than a `ChunkedUpload` allows): a small body with many
/// chunks.
fn encode_small(
    data: &[u8],
    upload: &ChunkedUpload,
    piece: usize,
) -> (http::Request<()>, Vec<u8>, ChunkContext) {
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/object")
        .body(())
        .unwrap();
    let mut chunks = s3_signer()
        .sign_chunked_at(&mut req, upload, time())
        .unwrap();
    let ctx = context(&chunks.seed_signature());
    let mut body = Vec::new();
    for part in data.chunks(piece) {
        chunks.write_chunk(part, &mut body);
    }
    chunks.write_final(&mut body);
    (req, body, ctx)
}

fn mode_of(req: &http::Request<()>) -> ChunkedMode {
    let header = |name: &str| req.headers().get(name).map(|v| v.to_str().unwrap());
    ChunkedMode::from_headers(
        header("x-amz-content-sha256").unwrap(),
        header("x-amz-trailer"),
    )
    .unwrap()
}

fn uploads(length: Option<u64>) -> Vec<ChunkedUpload> {
    #[allow(unused_mut)]
    let mut all = vec![ChunkedUpload::new(length)];
    #[cfg(feature = "checksums")]
    for algorithm in [
        ChecksumAlgorithm::Crc32,
        ChecksumAlgorithm::Crc32c,
        ChecksumAlgorithm::Crc64Nvme,
    ] {
        all.push(ChunkedUpload::new(length).payload(ChunkedPayload::SignedWithChecksum(algorithm)));
        all.push(
            ChunkedUpload::new(length).payload(ChunkedPayload::UnsignedWithChecksum(algorithm)),
        );
    }
    all
}

#[test]
fn round_trips_at_every_edge_size() {
    for size in [0usize, 1, 65_535, 65_536, 65_537, 200_000] {
        let data: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
        for upload in uploads(Some(size as u64)) {
            let (req, body, ctx) = encode(&data, &upload);
            assert_eq!(
                req.headers()["content-length"],
                body.len().to_string().as_str(),
                "{size} {upload:?}"
            );
            assert_eq!(upload.framed_length(), Some(body.len() as u64));
            let (decoded, summary) =
                decode_all(ctx, mode_of(&req), Some(size as u64), &body).unwrap();
            assert_eq!(decoded, data, "{size} {upload:?}");
            assert_eq!(summary.decoded_length, size as u64);
            #[cfg(feature = "checksums")]
            if upload.get_payload() != ChunkedPayload::Signed {
                assert!(matches!(summary.checksum, ChecksumCheck::Verified { .. }));
            }
        }
    }
}

#[test]
fn round_trip_of_ten_mebibytes() {
    let data: Vec<u8> = (0..10 * 1024 * 1024)
        .map(|i: usize| (i % 253) as u8)
        .collect();
    let upload = ChunkedUpload::new(Some(data.len() as u64));
    let (req, body, ctx) = encode(&data, &upload);
    assert_eq!(
        req.headers()["content-length"],
        body.len().to_string().as_str()
    );
    let mut decoder = ChunkedDecoder::new(ctx, mode_of(&req), Some(data.len() as u64));
    let mut out = Vec::new();
    // Fed in network-sized pieces.
    for piece in body.chunks(16_384) {
        decoder.feed(piece, &mut out).unwrap();
    }
    assert_eq!(decoder.finish().unwrap().chunks, 160);
    assert_eq!(out, data);
}

#[test]
fn round_trip_of_unknown_length() {
    let data = vec![42u8; 150_000];
    for upload in uploads(None) {
        let (req, body, ctx) = encode(&data, &upload);
        assert_eq!(req.headers()["transfer-encoding"], "chunked");
        assert!(!req.headers().contains_key("content-length"));
        assert!(!req.headers().contains_key("x-amz-decoded-content-length"));
        let (decoded, _) = decode_all(ctx, mode_of(&req), None, &body).unwrap();
        assert_eq!(decoded, data);
    }
}

#[test]
fn split_at_every_byte_gives_the_same_result() {
    let data: Vec<u8> = (0..100u32).map(|i| i as u8).collect();
    for upload in uploads(Some(data.len() as u64)) {
        let (req, body, ctx) = encode_small(&data, &upload, 30);
        let mode = mode_of(&req);
        for split in 0..=body.len() {
            let mut decoder = ChunkedDecoder::new(ctx.clone(), mode.clone(), Some(100));
            let mut out = Vec::new();
            decoder.feed(&body[..split], &mut out).unwrap();
            decoder.feed(&body[split..], &mut out).unwrap();
            decoder.finish().unwrap();
            assert_eq!(out, data, "split at {split}");
        }
        // And one byte at a time.
        let mut decoder = ChunkedDecoder::new(ctx, mode, Some(100));
        let mut out = Vec::new();
        for byte in &body {
            decoder.feed(std::slice::from_ref(byte), &mut out).unwrap();
        }
        decoder.finish().unwrap();
        assert_eq!(out, data);
    }
}

/// `feed_bytes`, alone and mixed with `feed` on either side of each split:
/// the same data, and what `feed_bytes` gives out lies in its input.
#[cfg(feature = "bytes")]
#[test]
fn feeding_bytes_split_anywhere_gives_the_same_result() {
    use bytes::Bytes;
    let data: Vec<u8> = (0..100u32).map(|i| i as u8).collect();
    for upload in uploads(Some(data.len() as u64)) {
        let (req, body, ctx) = encode_small(&data, &upload, 30);
        let mode = mode_of(&req);
        let body = Bytes::from(body);
        for split in 0..=body.len() {
            for slices_first in [true, false] {
                let mut decoder = ChunkedDecoder::new(ctx.clone(), mode.clone(), Some(100));
                let mut copied = Vec::new();
                let mut shared = Vec::new();
                let (first, second) = (body.slice(..split), body.slice(split..));
                if slices_first {
                    decoder.feed(&first, &mut copied).unwrap();
                    decoder.feed_bytes(second, &mut shared).unwrap();
                } else {
                    decoder.feed_bytes(first, &mut shared).unwrap();
                    decoder.feed(&second, &mut copied).unwrap();
                }
                decoder.finish().unwrap();
                let shared: Vec<u8> = shared.concat();
                let decoded = match slices_first {
                    true => [copied, shared].concat(),
                    false => [shared, copied].concat(),
                };
                assert_eq!(decoded, data, "split at {split}");
            }
            let mut decoder = ChunkedDecoder::new(ctx.clone(), mode.clone(), Some(100));
            let mut out = Vec::new();
            decoder.feed_bytes(body.slice(..split), &mut out).unwrap();
            decoder.feed_bytes(body.slice(split..), &mut out).unwrap();
            decoder.finish().unwrap();
            let within = body.as_ptr_range();
            assert!(out.iter().all(|piece| within.contains(&piece.as_ptr())));
            assert_eq!(out.concat(), data, "split at {split}");
        }
    }
}

/// A changed byte of data fed as `Bytes`: nothing of its chunk given out.
#[cfg(feature = "bytes")]
#[test]
fn a_bad_chunk_fed_as_bytes_gives_nothing_out() {
    let data = vec![7u8; 20_000];
    let upload = ChunkedUpload::new(Some(20_000)).chunk_size(MIN_CHUNK_SIZE);
    let (req, mut body, ctx) = encode(&data, &upload);
    let second_chunk_data = body.len() - 10_000;
    body[second_chunk_data] ^= 1;
    let body = bytes::Bytes::from(body);
    let mut decoder = ChunkedDecoder::new(ctx, mode_of(&req), Some(20_000));
    let mut out = Vec::new();
    let error = decoder.feed_bytes(body, &mut out).unwrap_err();
    assert!(matches!(
        error,
        Error::Chunked(ChunkedError::ChunkSignatureMismatch { .. })
    ));
    // The byte is in the second chunk's data: the first chunk, and not a
    // byte more.
    let given: usize = out.iter().map(|piece| piece.len()).sum();
    assert_eq!(given, MIN_CHUNK_SIZE);
}

/// Whether altering `body[i]` by `flip` only changes the case of a letter
/// that is read case-insensitively: a chunk size's hex digit or a trailer's
/// name.
fn case_only(body: &[u8], i: usize, flip: u8) -> bool {
    if flip != 0x20 || !body[i].is_ascii_alphabetic() {
        return false;
    }
    let line_start = body[..i]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = &body[line_start..];
    let name_end = line
        .iter()
        .position(|&b| b == b':' || b == b';' || b == b'\r');
    let in_first_field = name_end.is_some_and(|end| i - line_start < end);
    in_first_field && (line.starts_with(b"x-amz-") || body[i].is_ascii_hexdigit())
}

#[test]
fn every_altered_byte_of_a_small_body_fails() {
    let data = b"hello, aws-chunked world";
    for upload in uploads(Some(data.len() as u64)) {
        let (req, body, ctx) = encode_small(data, &upload, 10);
        let mode = mode_of(&req);
        for i in 0..body.len() {
            for flip in [0x01u8, 0x02, 0x20, 0x40, 0x80] {
                let mut altered = body.clone();
                altered[i] ^= flip;
                let result =
                    decode_all(ctx.clone(), mode.clone(), Some(data.len() as u64), &altered);
                assert!(
                    result.is_err() || case_only(&body, i, flip),
                    "{upload:?}: byte {i} ^ {flip:#x} accepted"
                );
            }
        }
    }
}

#[test]
fn every_truncation_of_a_small_body_fails() {
    let data = b"hello, aws-chunked world";
    for upload in uploads(Some(data.len() as u64)) {
        let (req, body, ctx) = encode_small(data, &upload, 10);
        for cut in 0..body.len() {
            let result = decode_all(ctx.clone(), mode_of(&req), None, &body[..cut]);
            assert!(result.is_err(), "{upload:?}: cut at {cut} accepted");
        }
    }
}

#[cfg(feature = "checksums")]
#[test]
fn a_wrong_checksum_fails_signed_or_not() {
    let data = vec![1u8; 10_000];
    let wrong = ChecksumAlgorithm::Crc32.checksum(&[2u8; 10_000]);
    for (payload, expected) in [
        (
            ChunkedPayload::UnsignedWithChecksum(ChecksumAlgorithm::Crc32),
            ChunkedError::ChecksumMismatch {
                name: "x-amz-checksum-crc32".into(),
            },
        ),
        (
            ChunkedPayload::SignedWithChecksum(ChecksumAlgorithm::Crc32),
            ChunkedError::TrailerSignatureMismatch,
        ),
    ] {
        let upload = ChunkedUpload::new(Some(10_000)).payload(payload);
        let (req, body, ctx) = encode(&data, &upload);
        let right = ChecksumAlgorithm::Crc32.checksum(&data);
        let text = String::from_utf8_lossy(&body).replace(&right, &wrong);
        let result = decode_all(ctx, mode_of(&req), Some(10_000), text.as_bytes());
        assert_eq!(result.unwrap_err(), Error::Chunked(expected));
    }
}

#[cfg(feature = "tower")]
#[test]
fn the_body_wrapper_frames_as_the_reader_does() {
    use std::collections::VecDeque;
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use bytes::Bytes;
    use http_body::Frame;
    use http_body_util::BodyExt;

    /// An inner body that yields uneven frames.
    struct Frames(VecDeque<Bytes>);
    impl http_body::Body for Frames {
        type Data = Bytes;
        type Error = Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
        }
    }

    /// Collects the frames, checking each time that the exact size hint
    /// is what is left.
    async fn collect_checking_hints<B>(mut body: B) -> Vec<u8>
    where
        B: http_body::Body<Data = Bytes> + Unpin,
        B::Error: std::fmt::Debug,
    {
        let mut out = Vec::new();
        let total = http_body::Body::size_hint(&body).exact().unwrap();
        while let Some(frame) = body.frame().await {
            out.extend_from_slice(&frame.unwrap().into_data().unwrap());
            let left = http_body::Body::size_hint(&body).exact().unwrap();
            assert_eq!(left, total - out.len() as u64);
        }
        out
    }

    // Whole chunks in one inner frame go out as slices of it.
    let one = Bytes::from(vec![5u8; 150_000]);
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/object")
        .body(())
        .unwrap();
    let upload = ChunkedUpload::new(Some(150_000));
    let chunks = s3_signer()
        .sign_chunked_at(&mut req, &upload, time())
        .unwrap();
    let mut body = chunks.into_body(Frames(VecDeque::from([one.clone()])));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut framed = Vec::new();
    let mut shared = 0;
    while let Some(frame) = runtime.block_on(body.frame()) {
        let data = frame.unwrap().into_data().unwrap();
        if one.as_ptr_range().contains(&data.as_ptr()) {
            shared += data.len();
        }
        framed.extend_from_slice(&data);
    }
    assert_eq!(shared, 2 * 65_536);
    assert_eq!(framed, encode(&one, &upload).1);

    let data = vec![9u8; 150_000];
    for frame_size in [1_000, 7_777, 65_536, 150_000] {
        for upload in uploads(Some(150_000)) {
            let (_, expected, _) = encode(&data, &upload);
            let mut req = http::Request::put("https://bucket.s3.amazonaws.com/object")
                .body(())
                .unwrap();
            let chunks = s3_signer()
                .sign_chunked_at(&mut req, &upload, time())
                .unwrap();
            let frames = data
                .chunks(frame_size)
                .map(Bytes::copy_from_slice)
                .collect();
            let body = chunks.into_body(Frames(frames));
            assert_eq!(
                http_body::Body::size_hint(&body).exact(),
                Some(expected.len() as u64)
            );
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let framed = runtime.block_on(collect_checking_hints(body));
            assert_eq!(framed, expected, "{frame_size} {upload:?}");
        }
    }
    // A body shorter than declared fails instead of sending a bad request.
    let mut req = http::Request::put("https://b.s3.amazonaws.com/o")
        .body(())
        .unwrap();
    let chunks = s3_signer()
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(10)), time())
        .unwrap();
    let body = chunks.into_body(Frames(VecDeque::from([Bytes::from_static(b"short")])));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert!(runtime.block_on(body.collect()).is_err());
}

// ---------------------------------------------------------------------------
// The seed request's headers
// ---------------------------------------------------------------------------

#[test]
fn an_existing_content_encoding_follows_aws_chunked() {
    for (before, after) in [
        ("gzip", "aws-chunked,gzip"),
        ("aws-chunked", "aws-chunked"),
        ("aws-chunked,gzip", "aws-chunked,gzip"),
    ] {
        let mut req = http::Request::put("https://b.s3.amazonaws.com/o")
            .header("content-encoding", before)
            .body(())
            .unwrap();
        s3_signer()
            .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(1)), time())
            .unwrap();
        assert_eq!(req.headers()["content-encoding"], after);
    }
}

#[test]
fn stale_length_headers_are_replaced() {
    let mut req = http::Request::put("https://b.s3.amazonaws.com/o")
        .header("content-length", "5")
        .header("transfer-encoding", "chunked")
        .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
        .body(())
        .unwrap();
    s3_signer()
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(0)), time())
        .unwrap();
    assert_eq!(req.headers()["content-length"], "86");
    assert!(!req.headers().contains_key("transfer-encoding"));
    assert_eq!(
        req.headers()["x-amz-content-sha256"],
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    );

    let mut req = http::Request::put("https://b.s3.amazonaws.com/o")
        .header("content-length", "5")
        .header("x-amz-decoded-content-length", "5")
        .body(())
        .unwrap();
    s3_signer()
        .sign_chunked_at(&mut req, &ChunkedUpload::new(None), time())
        .unwrap();
    assert!(!req.headers().contains_key("content-length"));
    assert!(!req.headers().contains_key("x-amz-decoded-content-length"));
    assert_eq!(req.headers()["transfer-encoding"], "chunked");
    // transfer-encoding is hop-by-hop: never signed.
    let authorization = req.headers()["authorization"].to_str().unwrap();
    assert!(!authorization.contains("transfer-encoding"));
}

#[test]
fn on_error_the_request_is_left_unchanged() {
    let signer = Signer::new(
        Credentials::new(AKID, SECRET, None::<String>),
        "bad/region",
        "s3",
    );
    let mut req = http::Request::put("https://b.s3.amazonaws.com/o")
        .header("content-encoding", "gzip")
        .body(())
        .unwrap();
    let before = req.headers().clone();
    let error = signer
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(1)), time())
        .unwrap_err();
    assert_eq!(error, Error::InvalidScope { field: "region" });
    assert_eq!(req.headers(), &before);

    let error = s3_signer()
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(1)).chunk_size(1), time())
        .unwrap_err();
    assert_eq!(
        error,
        Error::Chunked(ChunkedError::InvalidChunkSize { requested: 1 })
    );
    assert_eq!(req.headers(), &before);
}

#[test]
fn temporary_credentials_and_providers_sign_chunks_too() {
    let creds = Credentials::new(AKID, SECRET, Some("TOKEN".to_owned()));
    let provided = creds.clone();
    for signer in [
        Signer::new(creds, "us-east-1", "s3"),
        Signer::with_provider(move || Ok(provided.clone()), "us-east-1", "s3"),
    ] {
        let mut req = http::Request::put("https://b.s3.amazonaws.com/o")
            .body(())
            .unwrap();
        let chunks = signer
            .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(3)), time())
            .unwrap();
        assert_eq!(req.headers()["x-amz-security-token"], "TOKEN");
        let ctx = context(&chunks.seed_signature());
        let mut body = Vec::new();
        chunks
            .into_reader(&b"abc"[..])
            .read_to_end(&mut body)
            .unwrap();
        let (data, _) = decode_all(ctx, ChunkedMode::Signed, Some(3), &body).unwrap();
        assert_eq!(data, b"abc");
    }
}

#[test]
fn the_reader_refuses_data_of_another_length() {
    for (declared, data, kind) in [
        (10u64, &[1u8; 5][..], std::io::ErrorKind::UnexpectedEof),
        (5, &[1u8; 10][..], std::io::ErrorKind::InvalidData),
        (5, &[1u8; 70_000][..], std::io::ErrorKind::InvalidData),
    ] {
        let mut req = http::Request::put("https://b.s3.amazonaws.com/o")
            .body(())
            .unwrap();
        let chunks = s3_signer()
            .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(declared)), time())
            .unwrap();
        let error = chunks
            .into_reader(data)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(error.kind(), kind);
        let inner = error.into_inner().unwrap().downcast::<Error>().unwrap();
        assert!(matches!(
            *inner,
            Error::Chunked(ChunkedError::DecodedLengthMismatch { declared: d, .. }) if d == declared
        ));
    }
}

#[test]
fn the_reader_fills_whole_chunks_from_a_trickling_source() {
    /// Yields at most 1,000 bytes per read.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(1_000);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let data = vec![5u8; 140_000];
    let upload = ChunkedUpload::new(Some(140_000));
    let (_, expected, _) = encode(&data, &upload);
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/object")
        .body(())
        .unwrap();
    let chunks = s3_signer()
        .sign_chunked_at(&mut req, &upload, time())
        .unwrap();
    let mut body = Vec::new();
    chunks
        .into_reader(Trickle(&data))
        .read_to_end(&mut body)
        .unwrap();
    assert_eq!(body, expected);
}

#[test]
fn error_messages_say_what_to_do() {
    for (error, part) in [
        (ChunkedError::InvalidChunkSize { requested: 1 }, "8192"),
        (
            ChunkedError::DecodedLengthMismatch {
                declared: 2,
                actual: 1,
            },
            "declare",
        ),
        (ChunkedError::ChunkSignatureMismatch { chunk: 2 }, "chunk 2"),
        (
            ChunkedError::UnsupportedChecksum {
                name: "x-amz-checksum-sha1".into(),
            },
            "`checksums` feature",
        ),
        (ChunkedError::Truncated { offset: 9 }, "after 9 bytes"),
        (ChunkedError::TooLong { decoded_length: 1 }, "multipart"),
    ] {
        let message = Error::Chunked(error).to_string();
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}

#[test]
fn a_request_of_any_body_type_is_signed_without_reading_it() {
    let data = vec![4u8; 70_000];
    let upload = ChunkedUpload::new(Some(70_000));
    let (_, expected, _) = encode(&data, &upload);
    // A body type that is not a SignableBody: a reader.
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/object")
        .body(std::io::Cursor::new(data))
        .unwrap();
    let chunks = s3_signer()
        .sign_chunked_at(&mut req, &upload, time())
        .unwrap();
    let mut req = req.map(|file| chunks.into_reader(file));
    let mut body = Vec::new();
    req.body_mut().read_to_end(&mut body).unwrap();
    assert_eq!(body, expected);
}
