//! The decoder against hostile input: bounded memory, typed errors, no
//! panics.

use proptest::prelude::*;

use super::*;
use crate::signing_key::SigningKey;
use crate::Error;

fn context() -> ChunkContext {
    let key = SigningKey::derive("secret", "20130524", "us-east-1", "s3");
    ChunkContext::new(
        key,
        "20130524T000000Z",
        "20130524/us-east-1/s3/aws4_request",
        [0; 32],
    )
}

fn modes() -> [ChunkedMode; 3] {
    [
        ChunkedMode::Signed,
        ChunkedMode::SignedTrailer {
            declared: vec!["x-amz-checksum-crc32".into()],
        },
        ChunkedMode::UnsignedTrailer {
            declared: vec!["x-amz-checksum-crc32".into()],
        },
    ]
}

fn feed(mode: ChunkedMode, body: &[u8]) -> Result<ChunkedSummary, Error> {
    let mut decoder = ChunkedDecoder::new(context(), mode, None);
    let mut out = Vec::new();
    decoder.feed(body, &mut out)?;
    decoder.finish()
}

fn frame_error(result: Result<ChunkedSummary, Error>) -> &'static str {
    match result {
        Err(Error::Chunked(ChunkedError::MalformedFrame { problem, .. })) => problem,
        other => panic!("expected a malformed frame, got {other:?}"),
    }
}

#[test]
fn a_huge_chunk_size_is_refused_before_any_data() {
    for mode in modes() {
        let header = match mode {
            ChunkedMode::UnsignedTrailer { .. } => "ffffffffffffffff\r\n".to_string(),
            _ => format!("ffffffffffffffff;chunk-signature={}\r\n", "0".repeat(64)),
        };
        assert_eq!(
            feed(mode, header.as_bytes()).unwrap_err(),
            Error::Chunked(ChunkedError::ChunkTooLarge {
                size: u64::MAX,
                max: MAX_CHUNK_SIZE as u64
            })
        );
    }
    // 17 hex digits do not even parse.
    let result = feed(
        ChunkedMode::Signed,
        b"10000000000000000;chunk-signature=\r\n",
    );
    assert!(frame_error(result).contains("hex digits"));
}

#[test]
fn an_endless_line_is_refused_at_its_limit() {
    let mut decoder = ChunkedDecoder::new(context(), ChunkedMode::Signed, None);
    let mut out = Vec::new();
    let junk = vec![b'1'; 600];
    assert!(decoder.feed(&junk, &mut out).is_ok());
    let error = decoder.feed(&junk, &mut out).unwrap_err();
    assert!(matches!(
        error,
        Error::Chunked(ChunkedError::MalformedFrame { .. })
    ));
    // Stays failed.
    assert_eq!(decoder.feed(b"\r\n", &mut out), Err(error));
}

#[test]
fn declared_length_is_enforced_at_the_chunk_header() {
    let mut decoder = ChunkedDecoder::new(
        context(),
        ChunkedMode::UnsignedTrailer { declared: vec![] },
        Some(4),
    );
    let mut out = Vec::new();
    assert_eq!(
        decoder.feed(b"5\r\n", &mut out),
        Err(Error::Chunked(ChunkedError::DecodedLengthMismatch {
            declared: 4,
            actual: 5
        }))
    );
    // Shorter than declared: refused at the final chunk.
    let mut decoder = ChunkedDecoder::new(
        context(),
        ChunkedMode::UnsignedTrailer { declared: vec![] },
        Some(4),
    );
    assert_eq!(
        decoder.feed(b"3\r\nabc\r\n0\r\n", &mut out),
        Err(Error::Chunked(ChunkedError::DecodedLengthMismatch {
            declared: 4,
            actual: 3
        }))
    );
}

#[test]
fn framing_defects_have_typed_errors() {
    let unsigned = || ChunkedMode::UnsignedTrailer { declared: vec![] };
    let cases: [(ChunkedMode, &[u8], &str); 9] = [
        (ChunkedMode::Signed, b"3\r\nabc\r\n", "chunk-signature"),
        (ChunkedMode::Signed, b";chunk-signature=\r\n", "hex digits"),
        (
            ChunkedMode::Signed,
            b"3;chunk-signature=ABC\r\n",
            "chunk-signature",
        ),
        (unsigned(), b"3;x=y\r\n", "extension"),
        (unsigned(), b"3\nabc", "CR"),
        (unsigned(), b"3\r\nabcX", "CRLF"),
        (unsigned(), b"0\r\nno colon\r\n", "`:`"),
        (unsigned(), b"0\r\nbad name:v\r\n", "visible ASCII"),
        (ChunkedMode::Signed, b"", ""),
    ];
    for (mode, body, problem) in cases {
        let result = feed(mode, body);
        if problem.is_empty() {
            assert_eq!(
                result,
                Err(Error::Chunked(ChunkedError::Truncated { offset: 0 }))
            );
        } else {
            assert!(frame_error(result).contains(problem), "{body:?}");
        }
    }
}

#[test]
fn unsigned_trailer_rules() {
    let mode = |declared: &[&str]| ChunkedMode::UnsignedTrailer {
        declared: declared.iter().map(|s| s.to_string()).collect(),
    };
    // No checksum at all: nothing vouches for the data.
    assert_eq!(
        feed(mode(&[]), b"3\r\nabc\r\n0\r\n\r\n").unwrap_err(),
        Error::Chunked(ChunkedError::MissingTrailer {
            name: "x-amz-checksum-*".into()
        })
    );
    // Declared but missing.
    assert_eq!(
        feed(mode(&["x-amz-checksum-crc32"]), b"0\r\n\r\n").unwrap_err(),
        Error::Chunked(ChunkedError::MissingTrailer {
            name: "x-amz-checksum-crc32".into()
        })
    );
    // Sent but not declared.
    assert_eq!(
        feed(mode(&[]), b"0\r\nx-amz-meta-a:1\r\n\r\n").unwrap_err(),
        Error::Chunked(ChunkedError::UndeclaredTrailer {
            name: "x-amz-meta-a".into()
        })
    );
    // A checksum this crate cannot compute cannot vouch for unsigned data.
    assert_eq!(
        feed(
            mode(&["x-amz-checksum-sha1"]),
            b"0\r\nx-amz-checksum-sha1:AAAA\r\n\r\n"
        )
        .unwrap_err(),
        Error::Chunked(ChunkedError::UnsupportedChecksum {
            name: "x-amz-checksum-sha1".into()
        })
    );
    // A signature where none can be checked.
    let body = format!(
        "0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:{}\r\n\r\n",
        "0".repeat(64)
    );
    assert!(
        frame_error(feed(mode(&["x-amz-checksum-crc32"]), body.as_bytes()))
            .contains("x-amz-trailer-signature")
    );
}

#[cfg(feature = "checksums")]
#[test]
fn unsigned_trailer_with_the_right_checksum_decodes() {
    let body = format!(
        "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:{}\r\n\r\n",
        crate::ChecksumAlgorithm::Crc32.checksum(b"abc")
    );
    let mode = ChunkedMode::from_headers(
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        Some("x-amz-checksum-crc32"),
    )
    .unwrap();
    let summary = feed(mode, body.as_bytes()).unwrap();
    assert_eq!(summary.decoded_length, 3);
    assert_eq!(
        summary.checksum,
        ChecksumCheck::Verified {
            name: "x-amz-checksum-crc32".into()
        }
    );
}

#[test]
fn bytes_after_the_end_are_refused() {
    let ctx = context();
    let last = hex::encode(ctx.chunk_signature(&ctx.seed(), b""));
    let body = format!("0;chunk-signature={last}\r\n\r\n");
    assert!(feed(ChunkedMode::Signed, body.as_bytes()).is_ok());
    let more = format!("{body}more");
    assert_eq!(
        feed(ChunkedMode::Signed, more.as_bytes()),
        Err(Error::Chunked(ChunkedError::TrailingData {
            offset: body.len() as u64
        }))
    );
}

#[test]
fn modes_from_headers() {
    assert_eq!(
        ChunkedMode::from_headers("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", None),
        Some(ChunkedMode::Signed)
    );
    assert_eq!(
        ChunkedMode::from_headers(
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            Some(" X-Amz-Checksum-CRC32C , ")
        ),
        Some(ChunkedMode::SignedTrailer {
            declared: vec!["x-amz-checksum-crc32c".into()]
        })
    );
    assert_eq!(ChunkedMode::from_headers("UNSIGNED-PAYLOAD", None), None);
    assert_eq!(ChunkedMode::from_headers(&"a".repeat(64), None), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes, fed in arbitrary pieces: a typed result, never a
    /// panic, and never more output than input.
    #[test]
    fn arbitrary_input_never_panics(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        split in 0usize..600,
        mode in 0usize..3,
        length in proptest::option::of(0u64..1000),
    ) {
        let mode = modes()[mode].clone();
        let mut decoder = ChunkedDecoder::new(context(), mode, length);
        let mut out = Vec::new();
        let split = split.min(body.len());
        let _ = decoder
            .feed(&body[..split], &mut out)
            .and_then(|()| decoder.feed(&body[split..], &mut out));
        let _ = decoder.finish();
        prop_assert!(out.len() <= body.len());
    }

    /// Framing-shaped input (sizes, extensions, trailers) reaches deeper
    /// states than random bytes.
    #[test]
    fn framing_shaped_input_never_panics(
        pieces in proptest::collection::vec(
            prop_oneof![
                Just(b"\r\n".to_vec()),
                Just(b"0".to_vec()),
                Just(b"a".to_vec()),
                Just(b";chunk-signature=".to_vec()),
                Just("0".repeat(64).into_bytes()),
                Just(b"x-amz-checksum-crc32:".to_vec()),
                Just(b"x-amz-trailer-signature:".to_vec()),
                Just(b"AAAAAA==".to_vec()),
                proptest::collection::vec(any::<u8>(), 0..8),
            ],
            0..40,
        ),
        mode in 0usize..3,
    ) {
        let body = pieces.concat();
        let mode = modes()[mode].clone();
        let mut decoder = ChunkedDecoder::new(context(), mode, None);
        let mut out = Vec::new();
        for byte in &body {
            if decoder.feed(std::slice::from_ref(byte), &mut out).is_err() {
                break;
            }
        }
        let _ = decoder.finish();
    }
}

#[test]
fn memory_stays_at_one_chunk_over_a_long_body() {
    // 300 chunks of 64 KiB (unsigned form: no signatures to compute here),
    // fed in pieces: the decoder keeps one line and no data.
    let mode = ChunkedMode::UnsignedTrailer {
        declared: vec!["x-amz-checksum-crc32".into()],
    };
    let mut decoder = ChunkedDecoder::new(context(), mode, None);
    let chunk = [b"10000\r\n".as_slice(), &[1u8; 65_536], b"\r\n"].concat();
    let mut out = Vec::new();
    for _ in 0..300 {
        for piece in chunk.chunks(10_000) {
            decoder.feed(piece, &mut out).unwrap();
        }
        out.clear();
    }
    assert!(decoder.chunk.capacity() == 0);
    assert!(decoder.line.capacity() <= MAX_LINE);
    assert_eq!(decoder.decoded, 300 * 65_536);
}

#[test]
fn signed_chunks_are_held_one_at_a_time() {
    let ctx = context();
    let mut decoder = ChunkedDecoder::new(ctx.clone(), ChunkedMode::Signed, None);
    let data = vec![2u8; 65_536];
    let mut previous = ctx.seed();
    let mut out = Vec::new();
    for _ in 0..50 {
        let signature = ctx.chunk_signature(&previous, &data);
        previous = signature;
        let header = format!("10000;chunk-signature={}\r\n", hex::encode(signature));
        let frame = [header.as_bytes(), &data, b"\r\n"].concat();
        for piece in frame.chunks(7_000) {
            decoder.feed(piece, &mut out).unwrap();
        }
        assert_eq!(out.len(), 65_536);
        out.clear();
        assert!(decoder.chunk.capacity() <= 2 * 65_536);
    }
    let last = ctx.chunk_signature(&previous, b"");
    let end = format!("0;chunk-signature={}\r\n\r\n", hex::encode(last));
    decoder.feed(end.as_bytes(), &mut out).unwrap();
    assert_eq!(decoder.finish().unwrap().chunks, 50);
}

#[test]
fn a_chunk_whole_in_one_piece_is_checked_before_it_is_passed_on() {
    let ctx = context();
    let data = vec![3u8; 10_000];
    let signature = ctx.chunk_signature(&ctx.seed(), &data);
    let header = format!("2710;chunk-signature={}\r\n", hex::encode(signature));
    let frame = [header.as_bytes(), &data, b"\r\n"].concat();

    // Checked where it is: never buffered, appended after what `out` held.
    let mut decoder = ChunkedDecoder::new(ctx.clone(), ChunkedMode::Signed, None);
    let mut out = b"earlier".to_vec();
    decoder.feed(&frame, &mut out).unwrap();
    assert_eq!(out, [b"earlier".as_slice(), &data].concat());
    assert_eq!(decoder.chunk.capacity(), 0);
    assert_eq!(decoder.decoded, 10_000);

    // One changed byte of data: refused, and nothing passed on.
    let mut changed = frame.clone();
    changed[header.len() + 5] ^= 1;
    let mut decoder = ChunkedDecoder::new(ctx, ChunkedMode::Signed, None);
    let mut out = Vec::new();
    assert!(matches!(
        decoder.feed(&changed, &mut out),
        Err(Error::Chunked(ChunkedError::ChunkSignatureMismatch {
            chunk: 1
        }))
    ));
    assert!(out.is_empty());
}
