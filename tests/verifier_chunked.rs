//! aws-chunked bodies through the `Verifier` (issue 13, item 2): AWS's
//! documented example whole and altered, in both phases; round trips of
//! uploads signed by the library's `ChunkSigner`; tampered, truncated and
//! badly trailed bodies refused.

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Request;
#[cfg(feature = "checksums")]
use http_sigv4::{ChecksumAlgorithm, UnsignedPayloadPolicy};
use http_sigv4::{
    ChunkedError, ChunkedPayload, ChunkedUpload, ContentSha256Header, Credentials, Error, Payload,
    Signer, StreamingMarker, VerifiedPayload, Verifier,
};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Amazon S3 API Reference, "Signature Calculations for the Authorization
/// Header: Transferring Payload in Multiple Chunks (Chunked Upload)",
/// Example: PUT Object: the seed and chunk signatures, as documented.
const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const CHUNKS: [&str; 3] = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];

/// 20130524T000000Z.
fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_369_353_600)
}

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET, None::<String>)
}

fn verifier() -> Verifier<impl Fn(&str) -> Option<Credentials>> {
    Verifier::s3(|akid: &str| (akid == AKID).then(creds), "us-east-1")
}

/// The documented body: 65,536 and 1,024 bytes of `a`, then the final
/// chunk, each with the documented signature.
fn documented_body() -> Vec<u8> {
    let mut body = Vec::new();
    for (size, signature) in [(65_536usize, CHUNKS[0]), (1_024, CHUNKS[1])] {
        body.extend_from_slice(format!("{size:x};chunk-signature={signature}\r\n").as_bytes());
        body.extend(std::iter::repeat_n(b'a', size));
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("0;chunk-signature={}\r\n\r\n", CHUNKS[2]).as_bytes());
    body
}

/// The documented request, its head signed by the library (its seed
/// signature checked against AWS's), its body the documented one.
fn documented_request() -> Request<Vec<u8>> {
    let mut req = Request::put("https://s3.amazonaws.com/examplebucket/chunkObject.txt")
        .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
        .body(())
        .unwrap();
    let chunks = Signer::s3(creds(), "us-east-1")
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(66_560)), time())
        .unwrap();
    assert_eq!(chunks.seed_signature(), SEED);
    req.map(|()| documented_body())
}

/// Verifies the head, then feeds the body in pieces of the given sizes
/// (cycled); returns the payload passed on and the result.
fn two_phases(
    verifier: &Verifier<impl Fn(&str) -> Option<Credentials>>,
    req: &Request<Vec<u8>>,
    pieces: &[usize],
) -> (Vec<u8>, Result<http_sigv4::VerifiedRequest, Error>) {
    let mut out = Vec::new();
    let head = match verifier.verify_head_at(req, time()) {
        Ok(head) => head,
        Err(e) => return (out, Err(e)),
    };
    let mut checker = match head.into_body_checker() {
        Ok(c) => c,
        Err(e) => return (out, Err(e)),
    };
    assert!(checker.is_aws_chunked());
    let mut rest = &req.body()[..];
    for &size in pieces.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        if let Err(e) = checker.feed(piece, &mut out) {
            return (out, Err(e));
        }
    }
    (out, checker.finish())
}

#[test]
fn aws_example_verifies_whole() {
    let req = documented_request();
    let verified = verifier().verify_at(&req, time()).unwrap();
    assert_eq!(
        verified.payload(),
        VerifiedPayload::AwsChunked(StreamingMarker::HmacSha256Payload)
    );
    assert!(verified.payload().is_checked());
    assert_eq!(verified.decoded_length(), Some(66_560));
    assert!(verified.trailers().is_empty());
    assert_eq!(verified.checksum_verified(), None);
}

#[test]
fn aws_example_verifies_in_two_phases_fed_in_odd_pieces() {
    let req = documented_request();
    for pieces in [&[1usize][..], &[7, 4093, 1], &[65_621], &[100_000]] {
        let (out, result) = two_phases(&verifier(), &req, pieces);
        let verified = result.unwrap_or_else(|e| panic!("{pieces:?}: {e}"));
        assert_eq!(verified.decoded_length(), Some(66_560));
        assert_eq!(out, vec![b'a'; 66_560], "{pieces:?}");
    }
}

#[test]
fn one_altered_byte_of_the_aws_example_fails() {
    let req = documented_request();
    let body = req.body().clone();
    // Every framing byte, and the data at a stride.
    let positions = (0..body.len())
        .filter(|&i| body[i] != b'a' || i % 997 == 0 || body.get(i + 1) != Some(&b'a'));
    let mut tried = 0;
    for i in positions {
        for flip in [0x01u8, 0x20] {
            let mut altered = req.clone();
            altered.body_mut()[i] ^= flip;
            assert!(
                verifier().verify_at(&altered, time()).is_err(),
                "byte {i} ^ {flip:#x} accepted"
            );
            tried += 1;
        }
    }
    assert!(tried > 500);
    // And through the body checker, at a data byte of each chunk.
    for i in [90, 65_700] {
        let mut altered = req.clone();
        altered.body_mut()[i] = b'b';
        let (out, result) = two_phases(&verifier(), &altered, &[4096]);
        assert!(
            matches!(
                result,
                Err(Error::Chunked(ChunkedError::ChunkSignatureMismatch { .. }))
            ),
            "{i}: {result:?}"
        );
        assert!(out.len() < 66_560, "the altered chunk is not passed on");
    }
}

#[test]
fn all_zero_chunk_signatures_fail_on_the_first_chunk() {
    let zero = "0".repeat(64);
    let body = format!("4;chunk-signature={zero}\r\ndata\r\n0;chunk-signature={zero}\r\n\r\n");
    let mut req = Request::put("https://bucket.s3.amazonaws.com/k")
        .body(())
        .unwrap();
    Signer::s3(creds(), "us-east-1")
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(4)), time())
        .unwrap();
    let req = req.map(|()| body.into_bytes());
    let expected = Error::Chunked(ChunkedError::ChunkSignatureMismatch { chunk: 1 });
    assert_eq!(verifier().verify_at(&req, time()).unwrap_err(), expected);
    let (out, result) = two_phases(&verifier(), &req, &[3]);
    assert_eq!(result.unwrap_err(), expected);
    assert!(out.is_empty());
}

/// The upload forms this build signs.
fn uploads(length: u64) -> Vec<ChunkedUpload> {
    #[allow(unused_mut)]
    let mut all = vec![ChunkedUpload::new(Some(length))];
    #[cfg(feature = "checksums")]
    for algorithm in [ChecksumAlgorithm::Crc32c, ChecksumAlgorithm::Crc64Nvme] {
        all.push(
            ChunkedUpload::new(Some(length)).payload(ChunkedPayload::SignedWithChecksum(algorithm)),
        );
        all.push(
            ChunkedUpload::new(Some(length))
                .payload(ChunkedPayload::UnsignedWithChecksum(algorithm)),
        );
    }
    all
}

/// An upload of `data` signed by the library, framed by its reader.
fn signed_upload(data: &[u8], upload: &ChunkedUpload) -> Request<Vec<u8>> {
    let mut req = Request::put("https://bucket.s3.amazonaws.com/object")
        .body(())
        .unwrap();
    let chunks = Signer::s3(creds(), "us-east-1")
        .sign_chunked_at(&mut req, upload, time())
        .unwrap();
    let mut body = Vec::new();
    chunks.into_reader(data).read_to_end(&mut body).unwrap();
    req.map(|()| body)
}

fn data(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 7 % 251) as u8).collect()
}

#[test]
fn round_trips_at_edge_sizes() {
    for size in [0usize, 1, 65_535, 65_536, 65_537] {
        let data = data(size);
        for upload in uploads(size as u64) {
            let req = signed_upload(&data, &upload);
            let what = format!("{size} {:?}", upload.get_payload());
            let whole = verifier().verify_at(&req, time()).expect(&what);
            assert_eq!(whole.decoded_length(), Some(size as u64), "{what}");
            let marker = match upload.get_payload() {
                ChunkedPayload::Signed => StreamingMarker::HmacSha256Payload,
                #[cfg(feature = "checksums")]
                ChunkedPayload::SignedWithChecksum(_) => StreamingMarker::HmacSha256PayloadTrailer,
                #[cfg(feature = "checksums")]
                ChunkedPayload::UnsignedWithChecksum(_) => StreamingMarker::UnsignedPayloadTrailer,
                _ => unreachable!(),
            };
            assert_eq!(whole.payload(), VerifiedPayload::AwsChunked(marker));
            if upload.get_payload() != ChunkedPayload::Signed {
                assert!(whole.checksum_verified().is_some(), "{what}");
                assert_eq!(whole.trailers().len(), 1, "{what}");
            }
            let (out, streamed) = two_phases(&verifier(), &req, &[1000, 3, 8191]);
            assert_eq!(streamed.expect(&what), whole);
            assert_eq!(out, data, "{what}");
        }
    }
}

#[test]
fn ten_mebibytes_round_trip_and_a_tampered_chunk_fails() {
    let size = 10 * 1024 * 1024;
    let data = data(size);
    let req = signed_upload(&data, &ChunkedUpload::new(Some(size as u64)));
    let (out, result) = two_phases(&verifier(), &req, &[100_003]);
    assert_eq!(result.unwrap().decoded_length(), Some(size as u64));
    assert!(out == data);

    // A data byte of the 81st chunk changed (each frame is an 88-byte
    // header, 65,536 bytes of data and CRLF): the first 80 pass, then
    // refused.
    let mut tampered = req.clone();
    let at = 80 * 65_626 + 88 + 100;
    tampered.body_mut()[at] ^= 0x01;
    let (out, result) = two_phases(&verifier(), &tampered, &[100_003]);
    assert!(
        matches!(
            result,
            Err(Error::Chunked(ChunkedError::ChunkSignatureMismatch { .. }))
        ),
        "{result:?}"
    );
    assert_eq!(out.len(), 80 * 65_536);
    assert!(verifier().verify_at(&tampered, time()).is_err());
}

#[test]
fn a_truncated_body_fails_at_the_end() {
    for upload in uploads(200_000) {
        let req = signed_upload(&data(200_000), &upload);
        let full = req.body().len();
        for cut in [0, 1, 90, 65_700, full - 40, full - 2, full - 1] {
            let mut short = req.clone();
            short.body_mut().truncate(cut);
            let result = verifier().verify_at(&short, time());
            assert!(
                matches!(result, Err(Error::Chunked(ChunkedError::Truncated { .. }))),
                "{:?} cut at {cut}: {result:?}",
                upload.get_payload()
            );
            let (_, streamed) = two_phases(&verifier(), &short, &[4096]);
            assert_eq!(streamed.unwrap_err(), result.unwrap_err());
        }
    }
}

#[test]
fn a_length_other_than_declared_fails() {
    // Signed for 1,000 bytes, framed around 999: the chunks verify, the
    // length does not.
    let mut req = Request::put("https://bucket.s3.amazonaws.com/object")
        .body(())
        .unwrap();
    let mut chunks = Signer::s3(creds(), "us-east-1")
        .sign_chunked_at(&mut req, &ChunkedUpload::new(Some(1_000)), time())
        .unwrap();
    let mut body = Vec::new();
    chunks.write_chunk(&data(999), &mut body);
    chunks.write_final(&mut body);
    let req = req.map(|()| body);
    assert_eq!(
        verifier().verify_at(&req, time()).unwrap_err(),
        Error::Chunked(ChunkedError::DecodedLengthMismatch {
            declared: 1_000,
            actual: 999
        })
    );
}

#[cfg(feature = "checksums")]
#[test]
fn a_bad_trailer_fails() {
    for payload in [
        ChunkedPayload::SignedWithChecksum(ChecksumAlgorithm::Crc32),
        ChunkedPayload::UnsignedWithChecksum(ChecksumAlgorithm::Crc32),
    ] {
        let req = signed_upload(
            &data(70_000),
            &ChunkedUpload::new(Some(70_000)).payload(payload),
        );
        let text = req.body().clone();
        let at = text
            .windows(21)
            .position(|w| w == b"x-amz-checksum-crc32:")
            .unwrap()
            + 21;
        let mut bad = req.clone();
        // Another valid base64 checksum value.
        bad.body_mut()[at] = if text[at] == b'A' { b'B' } else { b'A' };
        let expected = match payload {
            ChunkedPayload::SignedWithChecksum(_) => {
                Error::Chunked(ChunkedError::TrailerSignatureMismatch)
            }
            _ => Error::Chunked(ChunkedError::ChecksumMismatch {
                name: "x-amz-checksum-crc32".into(),
            }),
        };
        assert_eq!(verifier().verify_at(&bad, time()).unwrap_err(), expected);
        let (out, streamed) = two_phases(&verifier(), &bad, &[5000]);
        assert_eq!(streamed.unwrap_err(), expected);
        if let ChunkedPayload::SignedWithChecksum(_) = payload {
            // The chunks themselves were good and passed on.
            assert_eq!(out.len(), 70_000);
        }

        // The trailer dropped.
        let mut missing = req.clone();
        missing.body_mut().truncate(at - 21);
        missing.body_mut().extend_from_slice(b"\r\n");
        assert!(verifier().verify_at(&missing, time()).is_err());
    }
}

#[cfg(feature = "checksums")]
#[test]
fn unsigned_trailer_follows_the_unsigned_payload_policy() {
    let upload = ChunkedUpload::new(Some(10)).payload(ChunkedPayload::UnsignedWithChecksum(
        ChecksumAlgorithm::Crc32c,
    ));
    let req = signed_upload(&data(10), &upload);
    let refusing = verifier().unsigned_payload(UnsignedPayloadPolicy::Refused);
    assert_eq!(
        refusing.verify_at(&req, time()).unwrap_err(),
        Error::UnsignedPayloadRefused
    );
    let verified = verifier().verify_at(&req, time()).unwrap();
    assert_eq!(verified.checksum_verified(), Some("x-amz-checksum-crc32c"));
}

#[test]
fn sigv4a_streaming_markers_are_refused_with_a_clear_error() {
    let marker = StreamingMarker::EcdsaP256Sha256Payload;
    let mut req = Request::put("https://bucket.s3.amazonaws.com/k")
        .header("content-encoding", "aws-chunked")
        .header("x-amz-decoded-content-length", "4")
        .body(b"ignored".to_vec())
        .unwrap();
    Signer::s3(creds(), "us-east-1")
        .payload(Payload::Precomputed(marker.as_str().into()))
        .content_sha256_header(ContentSha256Header::Signed)
        .sign_at(&mut req, time())
        .unwrap();
    let expected = Error::AwsChunkedUnsupported {
        marker: marker.as_str(),
    };
    assert_eq!(verifier().verify_at(&req, time()).unwrap_err(), expected);
    let head = verifier().verify_head_at(&req, time()).unwrap();
    assert_eq!(head.into_body_checker().unwrap_err(), expected);
    assert!(expected.to_string().contains("SigV4a"));
}

#[test]
fn a_bad_seed_signature_reads_no_body() {
    let mut req = documented_request();
    let auth = req.headers()["authorization"].to_str().unwrap().to_owned();
    let forged = auth.replace(SEED, &"1".repeat(64));
    req.headers_mut()
        .insert("authorization", forged.parse().unwrap());
    assert!(matches!(
        verifier().verify_head_at(&req, time()),
        Err(Error::SignatureMismatch { .. })
    ));
}

#[cfg(feature = "sigv4a")]
#[test]
fn a_sigv4a_request_with_an_hmac_streaming_marker_is_refused() {
    // SigV4a signs with ECDSA: there is no kSigning to check HMAC chunk
    // signatures with, whatever the marker says.
    let marker = StreamingMarker::HmacSha256Payload;
    let mut req = Request::put("https://bucket.s3.amazonaws.com/k")
        .header("content-encoding", "aws-chunked")
        .header("x-amz-decoded-content-length", "4")
        .body(b"ignored".to_vec())
        .unwrap();
    http_sigv4::SigV4aSigner::s3(creds(), "*")
        .payload(Payload::Precomputed(marker.as_str().into()))
        .content_sha256_header(ContentSha256Header::Signed)
        .sign_at(&mut req, time())
        .unwrap();
    let head = verifier().verify_head_at(&req, time()).unwrap();
    assert!(head.needs_body());
    assert_eq!(
        head.into_body_checker().unwrap_err(),
        Error::AwsChunkedUnsupported {
            marker: marker.as_str()
        }
    );
}
