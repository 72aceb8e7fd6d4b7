//! The S3 stand-in of `examples/s3_server.rs`, on `VerifyLayer` (feature
//! `server`), driven over loopback with requests signed by `Signer::s3`
//! and aws-chunked bodies framed by the library's `ChunkSigner`: round
//! trips of several sizes, and tampered, truncated and badly trailed
//! uploads refused with nothing stored. The 1 GiB upload reports the
//! process's peak memory (ignored by default, see its doc).
#![cfg(feature = "server")]

use std::io::Read;

use bytes::Bytes;
use http::Method;
use http_body_util::Full;
use http_sigv4::ChunkedUpload;
#[cfg(feature = "checksums")]
use http_sigv4::{ChecksumAlgorithm, ChunkedPayload};

#[path = "../examples/common/s3_client.rs"]
mod s3_client;
#[path = "../examples/common/s3_store.rs"]
mod s3_store;

use s3_client::{boxed, Client, Reply};
use s3_store::S3Server;

/// A server in a fresh directory, a client, and the bucket `b-1` created.
fn with_server(test: impl FnOnce(&Client)) {
    let dir = tempfile::tempdir().unwrap();
    let server = S3Server::start(dir.path()).unwrap();
    let client = Client::new(server.authority()).unwrap();
    let reply = client
        .send(client.request(Method::PUT, "/b-1", b""))
        .unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    test(&client);
    server.stop();
}

fn data(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 31 % 253) as u8).collect()
}

fn send_framed(client: &Client, head: http::Request<()>, body: Vec<u8>) -> Reply {
    client
        .send(head.map(|()| boxed(Full::new(Bytes::from(body)))))
        .unwrap()
}

fn get(client: &Client, path: &str) -> Reply {
    client.send(client.request(Method::GET, path, b"")).unwrap()
}

/// The upload forms this build signs.
fn uploads(length: Option<u64>) -> Vec<ChunkedUpload> {
    #[allow(unused_mut)]
    let mut all = vec![ChunkedUpload::new(length)];
    #[cfg(feature = "checksums")]
    {
        let crc = ChecksumAlgorithm::Crc32c;
        all.push(ChunkedUpload::new(length).payload(ChunkedPayload::SignedWithChecksum(crc)));
        all.push(ChunkedUpload::new(length).payload(ChunkedPayload::UnsignedWithChecksum(crc)));
    }
    all
}

#[test]
fn aws_chunked_uploads_round_trip_at_every_size() {
    with_server(|client| {
        for size in [0usize, 1, 65_535, 65_536, 65_537, 10 * 1024 * 1024] {
            let data = data(size);
            for (i, upload) in uploads(Some(size as u64)).iter().enumerate() {
                let path = format!("/b-1/object-{size}-{i}");
                let (head, body) = client.chunked_put(&path, &data, upload);
                let reply = send_framed(client, head, body);
                assert_eq!(reply.status, 200, "{size} {i}: {}", reply.text());
                let back = get(client, &path);
                assert_eq!(back.status, 200);
                assert!(back.body[..] == data[..], "{size} {i}: data differs");
            }
        }
        // And a body of unknown length (no content-length signed).
        let data = data(100_000);
        let (head, body) = client.chunked_put("/b-1/unknown", &data, &ChunkedUpload::new(None));
        assert_eq!(send_framed(client, head, body).status, 200);
        assert!(get(client, "/b-1/unknown").body[..] == data[..]);
    });
}

#[test]
fn plain_requests_head_list_and_delete() {
    with_server(|client| {
        let put = |path: &str, body: &[u8]| client.send(client.request(Method::PUT, path, body));
        assert_eq!(put("/b-1/a/one.txt", b"one").unwrap().status, 200);
        assert_eq!(
            put("/b-1/a/two%20words%20%26%20more", b"second")
                .unwrap()
                .status,
            200
        );
        assert_eq!(put("/b-1/z", b"").unwrap().status, 200);

        let head = client
            .send(client.request(Method::HEAD, "/b-1/a/one.txt", b""))
            .unwrap();
        assert_eq!(
            (
                head.status,
                head.headers["content-length"].to_str().unwrap()
            ),
            (200, "3")
        );
        assert!(head.body.is_empty());

        let list = get(client, "/b-1?list-type=2&prefix=a%2F");
        assert_eq!(list.status, 200);
        let text = list.text();
        let one = text.find("<Key>a/one.txt</Key>").unwrap();
        let two = text.find("<Key>a/two words &amp; more</Key>").unwrap();
        assert!(one < two && !text.contains("<Key>z</Key>"), "{text}");
        assert!(text.contains("<KeyCount>2</KeyCount>"));

        let delete = client
            .send(client.request(Method::DELETE, "/b-1/a/one.txt", b""))
            .unwrap();
        assert_eq!(delete.status, 204);
        assert_eq!(
            get(client, "/b-1/a/one.txt").code().as_deref(),
            Some("NoSuchKey")
        );
        assert_eq!(
            get(client, "/nobucket/k").code().as_deref(),
            Some("NoSuchBucket")
        );
    });
}

/// Whether `upload` signs its chunks (all but the unsigned-trailer form).
fn signs_chunks(upload: &ChunkedUpload) -> bool {
    #[cfg(feature = "checksums")]
    if let ChunkedPayload::UnsignedWithChecksum(_) = upload.get_payload() {
        return false;
    }
    let _ = upload;
    true
}

#[test]
fn a_tampered_chunk_is_refused_and_nothing_is_stored() {
    with_server(|client| {
        let data = data(200_000);
        for upload in uploads(Some(200_000)) {
            let (head, mut body) = client.chunked_put("/b-1/t", &data, &upload);
            body[150_000] ^= 0x01;
            let reply = send_framed(client, head, body);
            let signed = signs_chunks(&upload);
            let expected = if signed {
                (403, "SignatureDoesNotMatch")
            } else {
                // Unsigned chunks: only the trailing checksum catches it.
                (400, "BadDigest")
            };
            assert_eq!(
                (reply.status, reply.code().unwrap_or_default().as_str()),
                expected,
                "{:?}: {}",
                upload.get_payload(),
                reply.text()
            );
            assert_eq!(get(client, "/b-1/t").status, 404, "nothing stored");
        }
    });
}

#[test]
fn a_truncated_body_is_refused_and_nothing_is_stored() {
    with_server(|client| {
        let data = data(200_000);
        for upload in uploads(None) {
            let (head, body) = client.chunked_put("/b-1/t", &data, &upload);
            for cut in [10, 100_000, body.len() - 3] {
                let reply = send_framed(client, head.clone(), body[..cut].to_vec());
                assert_eq!(reply.status, 400, "{cut}: {}", reply.text());
                assert_eq!(reply.code().as_deref(), Some("IncompleteBody"), "{cut}");
                assert_eq!(get(client, "/b-1/t").status, 404, "nothing stored");
            }
        }
    });
}

#[cfg(feature = "checksums")]
#[test]
fn a_bad_trailer_is_refused_and_nothing_is_stored() {
    with_server(|client| {
        let data = data(70_000);
        let crc = ChecksumAlgorithm::Crc32c;
        for (payload, expected) in [
            (
                ChunkedPayload::SignedWithChecksum(crc),
                (403, "SignatureDoesNotMatch"),
            ),
            (
                ChunkedPayload::UnsignedWithChecksum(crc),
                (400, "BadDigest"),
            ),
        ] {
            let upload = ChunkedUpload::new(Some(70_000)).payload(payload);
            let (head, mut body) = client.chunked_put("/b-1/t", &data, &upload);
            let name = b"x-amz-checksum-crc32c:";
            let at = body.windows(name.len()).position(|w| w == name).unwrap() + name.len();
            body[at] = if body[at] == b'A' { b'B' } else { b'A' };
            let reply = send_framed(client, head, body);
            assert_eq!(
                (reply.status, reply.code().unwrap_or_default().as_str()),
                expected,
                "{payload:?}: {}",
                reply.text()
            );
            assert_eq!(get(client, "/b-1/t").status, 404, "nothing stored");
        }
    });
}

#[test]
fn bad_signatures_and_unknown_keys_are_answered_as_s3_does() {
    with_server(|client| {
        let mut req = client.request(Method::PUT, "/b-1/k", b"data");
        let auth = req.headers()["authorization"].to_str().unwrap().to_owned();
        let forged = auth.replace("AKIAIOSFODNN7EXAMPLE", "AKIAUNKNOWNEXAMPLE00");
        req.headers_mut()
            .insert("authorization", forged.parse().unwrap());
        let reply = client.send(req).unwrap();
        assert_eq!(
            (reply.status, reply.code().as_deref()),
            (403, Some("InvalidAccessKeyId"))
        );
        assert_eq!(reply.headers["content-type"], "application/xml");

        let mut req = client.request(Method::PUT, "/b-1/k", b"data");
        req.headers_mut()
            .insert("x-amz-meta-added", "in transit".parse().unwrap());
        let reply = client.send(req).unwrap();
        assert_eq!(
            (reply.status, reply.code().as_deref()),
            (403, Some("AccessDenied"))
        );

        let unsigned = client
            .send(
                http::Request::get("/b-1/k")
                    .header("host", "x")
                    .body(boxed(Full::new(Bytes::new())))
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(
            (unsigned.status, unsigned.code().as_deref()),
            (403, Some("AccessDenied"))
        );
        assert_eq!(get(client, "/b-1/k").status, 404, "nothing stored");
    });
}

/// Peak resident memory of this process (`VmHWM`), in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Deterministic bytes, generated as read.
struct Pattern {
    left: u64,
    next: u8,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        for byte in &mut buf[..n] {
            *byte = self.next;
            self.next = self.next.wrapping_mul(5).wrapping_add(1);
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// 1 GiB uploaded aws-chunked through the layer to disk: the process's
/// peak memory must grow by far less than the upload (client and server
/// both stream). Takes minutes unoptimized; run it with
/// `cargo test --release --features server --test s3_server -- --ignored --nocapture one_gibibyte`.
/// Measured on 2 shared cores: release 5.9 s, debug 138 s; peak memory
/// (VmHWM) grew by 3 MiB in both.
#[test]
#[ignore = "1 GiB of SHA-256 and disk: run in release (see the doc comment)"]
fn one_gibibyte_upload_in_bounded_memory() {
    const SIZE: u64 = 1 << 30;
    with_server(|client| {
        let before = peak_kib();
        let started = std::time::Instant::now();
        let req = client.streamed_put(
            "/b-1/big",
            Pattern {
                left: SIZE,
                next: 7,
            },
            SIZE,
        );
        let reply = client.send(req).unwrap();
        let elapsed = started.elapsed();
        let after = peak_kib();
        assert_eq!(reply.status, 200, "{}", reply.text());
        let head = client
            .send(client.request(Method::HEAD, "/b-1/big", b""))
            .unwrap();
        assert_eq!(head.headers["content-length"], SIZE.to_string().as_str());
        println!(
            "1 GiB aws-chunked upload in {:.1} s; peak RSS (VmHWM) {} MiB before, {} MiB after, growth {} MiB",
            elapsed.as_secs_f64(),
            before / 1024,
            after / 1024,
            (after - before) / 1024
        );
        assert!(
            after - before < 64 * 1024,
            "peak memory grew by {} MiB",
            (after - before) / 1024
        );
    });
}
