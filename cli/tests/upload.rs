//! `sigv4 -T` against a loopback S3 stand-in (tiny_http on 127.0.0.1, an
//! ephemeral port): the request head is checked with the library's
//! `Verifier::s3`, and an aws-chunked body both by the crate's
//! `BodyChecker` and by an independent checker written here (HMAC-SHA256 and SHA-256 from RustCrypto, the chunk
//! string to sign as AWS documents it), itself checked against AWS's
//! documented example. Also: peak memory for a large file, other services
//! (hashed first), stdin, and SigV4a.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use http_sigv4::{BodyChecker, Credentials, Error, Verifier};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

#[path = "support/gateway.rs"]
#[allow(dead_code)] // A copy of the library's examples/common/gateway.rs, which uses all of it.
mod gateway;

#[path = "support/run.rs"]
#[allow(dead_code)] // Shared with the other test files, which use the rest.
mod run;

use run::{sigv4, Run, Sigv4};

const REGION: &str = "us-east-1";
const KEY_ID: &str = "AKIDS3UPLOAD";
const SECRET: &str = "s3-upload-secret";
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// What the chunk checker found.
#[derive(Debug, PartialEq, Eq)]
struct Chunks {
    decoded_length: u64,
    sha256: String,
    count: usize,
}

/// Reads an aws-chunked body from `body`, one chunk at a time, checking
/// each chunk's signature, chained from `seed`.
fn check_chunks(
    body: impl Read,
    key: &[u8],
    amz_date: &str,
    scope: &str,
    seed: &str,
) -> Result<Chunks, String> {
    let mut reader = BufReader::new(body);
    let mut previous = seed.to_owned();
    let mut sha256 = Sha256::new();
    let mut decoded_length = 0;
    for count in 1.. {
        let mut line = String::new();
        reader
            .by_ref()
            .take(200)
            .read_line(&mut line)
            .map_err(|e| format!("chunk {count}: {e}"))?;
        let line = line
            .strip_suffix("\r\n")
            .ok_or_else(|| format!("chunk {count}: a header line without CRLF: {line:?}"))?;
        let (size, signature) = line
            .split_once(";chunk-signature=")
            .ok_or_else(|| format!("chunk {count}: no chunk-signature in {line:?}"))?;
        let size = usize::from_str_radix(size, 16).map_err(|e| format!("chunk {count}: {e}"))?;
        let mut data = vec![0; size];
        reader
            .read_exact(&mut data)
            .map_err(|e| format!("chunk {count}: {e}"))?;
        let mut crlf = [0; 2];
        reader
            .read_exact(&mut crlf)
            .map_err(|e| format!("chunk {count}: {e}"))?;
        if crlf != *b"\r\n" {
            return Err(format!("chunk {count}: data not followed by CRLF"));
        }
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{amz_date}\n{scope}\n{previous}\n{EMPTY_SHA256}\n{}",
            hex::encode(Sha256::digest(&data))
        );
        let expected = hex::encode(hmac(key, string_to_sign.as_bytes()));
        if signature != expected {
            return Err(format!(
                "chunk {count}: signature {signature}, expected {expected}"
            ));
        }
        previous = expected;
        sha256.update(&data);
        decoded_length += size as u64;
        if size == 0 {
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
            if !rest.is_empty() {
                return Err(format!("{} bytes after the final chunk", rest.len()));
            }
            return Ok(Chunks {
                decoded_length,
                sha256: hex::encode(sha256.finalize()),
                count,
            });
        }
    }
    unreachable!("the loop returns")
}

/// The framed body of AWS's documented example (S3 API Reference,
/// "Transferring Payload in Multiple Chunks"): 66,560 bytes of `a` in
/// chunks of 65,536 and 1,024, then the final chunk.
fn aws_example_body(signatures: [&str; 3]) -> Vec<u8> {
    let mut body = Vec::new();
    for (size, signature) in [
        (65_536, signatures[0]),
        (1_024, signatures[1]),
        (0, signatures[2]),
    ] {
        body.extend_from_slice(format!("{size:x};chunk-signature={signature}\r\n").as_bytes());
        body.extend(std::iter::repeat_n(b'a', size));
        body.extend_from_slice(b"\r\n");
    }
    body
}

#[test]
fn the_chunk_checker_agrees_with_aws_documented_example() {
    let key = signing_key(
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "20130524",
        "us-east-1",
        "s3",
    );
    let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    let signatures = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ];
    let check = |body: &[u8]| {
        check_chunks(
            body,
            &key,
            "20130524T000000Z",
            "20130524/us-east-1/s3/aws4_request",
            seed,
        )
    };
    let found = check(&aws_example_body(signatures)).unwrap();
    assert_eq!((found.decoded_length, found.count), (66_560, 3));

    // One changed byte of data, or one changed signature, is caught.
    let mut body = aws_example_body(signatures);
    let at = body.len() - 100;
    body[at] = b'b';
    assert!(check(&body).unwrap_err().starts_with("chunk 2: "));
    let mut wrong = signatures;
    wrong[2] = signatures[1];
    assert!(check(&aws_example_body(wrong))
        .unwrap_err()
        .starts_with("chunk 3: "));
}

/// Passes a body on as it is read, feeding it to the crate's `BodyChecker`
/// too (whose verified output is dropped: the independent checker reads the
/// same bytes).
struct Tee<'a> {
    inner: &'a mut dyn Read,
    checker: Option<BodyChecker>,
    out: Vec<u8>,
    failed: Option<Error>,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let (Some(checker), None) = (self.checker.as_mut(), &self.failed) {
            self.out.clear();
            if let Err(e) = checker.feed(&buf[..n], &mut self.out) {
                self.failed = Some(e);
            }
        }
        Ok(n)
    }
}

/// The S3 stand-in's answer to one request: verified with `Verifier::s3`
/// (and, when aws-chunked, every chunk checked), a JSON summary.
fn answer(head: &http::Request<()>, body: &mut dyn Read) -> Result<Value, String> {
    let header = |name: &str| {
        head.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    };
    let credentials = Credentials::new(KEY_ID, SECRET, None::<String>);
    let lookup = move |id: &str| (id == KEY_ID).then(|| credentials.clone());
    let verifier = Verifier::s3(lookup, REGION);
    let authorization = header("authorization").unwrap_or_default();
    let chunked = header("content-encoding").is_some_and(|v| v.starts_with("aws-chunked"));
    let (verified, decoded_length, sha256, chunks) = match chunked {
        true => {
            let checker = verifier
                .verify_head(head)
                .and_then(|head| head.into_body_checker())
                .map_err(|e| format!("head: {e}"))?;
            // The body goes through the crate's own chunk checker and, as it
            // is read, through the independent one below.
            let mut body = Tee {
                inner: body,
                checker: Some(checker),
                out: Vec::new(),
                failed: None,
            };
            let body = &mut body;
            let amz_date = header("x-amz-date").unwrap_or_default();
            let date = amz_date.get(..8).unwrap_or_default();
            let seed = authorization
                .rsplit_once("Signature=")
                .map(|(_, s)| s)
                .unwrap_or_default();
            let found = check_chunks(
                &mut *body,
                &signing_key(SECRET, date, REGION, "s3"),
                &amz_date,
                &format!("{date}/{REGION}/s3/aws4_request"),
                seed,
            )?;
            if let Some(declared) = header("x-amz-decoded-content-length") {
                if declared != found.decoded_length.to_string() {
                    return Err(format!(
                        "x-amz-decoded-content-length {declared}, data {}",
                        found.decoded_length
                    ));
                }
            }
            let mut rest = Vec::new();
            body.read_to_end(&mut rest).map_err(|e| e.to_string())?;
            if let Some(e) = body.failed.take() {
                return Err(format!("body: {e}"));
            }
            let verified = match body.checker.take() {
                Some(checker) => checker.finish().map_err(|e| format!("body: {e}"))?,
                None => return Err("body: checked twice".into()),
            };
            (verified, found.decoded_length, found.sha256, found.count)
        }
        false => {
            let mut data = Vec::new();
            body.read_to_end(&mut data).map_err(|e| e.to_string())?;
            let mut req = http::Request::new(data);
            *req.method_mut() = head.method().clone();
            *req.uri_mut() = head.uri().clone();
            *req.headers_mut() = head.headers().clone();
            let verified = verifier.verify(&req).map_err(|e| e.to_string())?;
            let data = req.into_body();
            (
                verified,
                data.len() as u64,
                hex::encode(Sha256::digest(&data)),
                0,
            )
        }
    };
    Ok(json!({
        "method": head.method().as_str(),
        "path": head.uri().path(),
        "access_key_id": verified.access_key_id(),
        "algorithm": authorization.split(' ').next(),
        "payload": header("x-amz-content-sha256"),
        "content_length": header("content-length"),
        "transfer_encoding": header("transfer-encoding"),
        "content_type": header("content-type"),
        "decoded_length": decoded_length,
        "sha256": sha256,
        "chunks": chunks,
    }))
}

/// Starts the S3 stand-in; its base URL.
fn s3_stand_in() -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    std::thread::spawn(move || {
        for mut incoming in server.incoming_requests() {
            let mut head = http::Request::builder()
                .method(incoming.method().as_str())
                .uri(incoming.url());
            for h in incoming.headers() {
                head = head.header(h.field.as_str().as_str(), h.value.as_str());
            }
            let (status, reply) = match head.body(()) {
                Ok(head) => match answer(&head, incoming.as_reader()) {
                    Ok(summary) => (200, summary),
                    Err(error) => (403, json!({ "error": error })),
                },
                Err(e) => (400, json!({ "error": e.to_string() })),
            };
            // Whatever the client did not send is of no interest.
            let _ = std::io::copy(incoming.as_reader(), &mut std::io::sink());
            let _ = incoming.respond(
                tiny_http::Response::from_string(reply.to_string()).with_status_code(status),
            );
        }
    });
    url
}

/// `sigv4 --service s3` with the stand-in's keys in the environment.
fn s3(args: &[&str]) -> Sigv4 {
    sigv4(&["--service", "s3", "--region", REGION])
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .args(args)
}

/// `len` bytes that are not all alike.
fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[track_caller]
fn summary(run: &Run) -> Value {
    assert_eq!(run.code, 0, "{run:#?}");
    run.json()
}

#[track_caller]
fn assert_chunked_upload(summary: &Value, data: &[u8]) {
    assert_eq!(summary["method"], "PUT", "{summary:#}");
    assert_eq!(summary["access_key_id"], KEY_ID, "{summary:#}");
    assert_eq!(
        summary["payload"], "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "{summary:#}"
    );
    assert_eq!(summary["decoded_length"], data.len(), "{summary:#}");
    assert_eq!(
        summary["sha256"],
        hex::encode(Sha256::digest(data)),
        "{summary:#}"
    );
    assert_eq!(
        summary["chunks"],
        data.len().div_ceil(65_536) + 1,
        "{summary:#}"
    );
    assert_eq!(summary["content_type"], Value::Null, "{summary:#}");
}

#[test]
fn files_of_every_size_are_sent_aws_chunked_and_verified() {
    let url = s3_stand_in();
    let dir = tempfile::tempdir().unwrap();
    for size in [0, 1, 65_536 + 1, 3 << 20] {
        let path = dir.path().join(format!("file-{size}"));
        let bytes = data(size);
        std::fs::write(&path, &bytes).unwrap();
        let run = s3(&["-T", path.to_str().unwrap()])
            .arg(format!("{url}/bucket/dir/file%20{size}.bin"))
            .run();
        let summary = summary(&run);
        assert_chunked_upload(&summary, &bytes);
        assert_eq!(summary["path"], format!("/bucket/dir/file%20{size}.bin"));
        assert_eq!(summary["transfer_encoding"], Value::Null, "{summary:#}");
        // The framed length: per chunk, hex size + ";chunk-signature=" +
        // 64 + CRLF + data + CRLF.
        let framed: usize = (0..size.div_ceil(65_536))
            .map(|i| (size - i * 65_536).min(65_536))
            .chain([0])
            .map(|n| format!("{n:x}").len() + 17 + 64 + 2 + n + 2)
            .sum();
        assert_eq!(summary["content_length"], framed.to_string(), "{summary:#}");
    }
}

#[test]
fn stdin_is_sent_aws_chunked_without_a_length() {
    let url = s3_stand_in();
    let bytes = data(200_000);
    let run = s3(&["-T", "-"])
        .stdin(&bytes)
        .arg(format!("{url}/bucket/from-stdin"))
        .run();
    let summary = summary(&run);
    assert_chunked_upload(&summary, &bytes);
    assert_eq!(summary["transfer_encoding"], "chunked", "{summary:#}");
    assert_eq!(summary["content_length"], Value::Null, "{summary:#}");
    assert!(
        run.stderr.contains(
            "sigv4: note: -T - (stdin) has no length known beforehand, so it is sent with \
             transfer-encoding: chunked, which AWS S3 refuses (it wants a length"
        ),
        "{run:#?}"
    );
}

#[test]
fn x_sets_the_method_and_h_the_content_type() {
    let url = s3_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.csv");
    std::fs::write(&path, b"a,b\n").unwrap();
    let run = s3(&["-T", path.to_str().unwrap(), "-X", "POST"])
        .args(["-H", "content-type: text/csv"])
        .arg(format!("{url}/bucket/f.csv"))
        .run();
    let summary = summary(&run);
    assert_eq!(summary["method"], "POST", "{summary:#}");
    assert_eq!(summary["content_type"], "text/csv", "{summary:#}");
}

#[test]
fn verbose_shows_the_seed_request() {
    let url = s3_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, b"hello").unwrap();
    let run = s3(&["-v", "-T", path.to_str().unwrap()])
        .arg(format!("{url}/bucket/f"))
        .run();
    summary(&run);
    assert!(
        run.stderr
            .contains("\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD\n* string to sign:"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("> content-encoding: aws-chunked"),
        "{run:#?}"
    );
}

/// The peak resident memory (VmHWM, in KiB) of `pid` so far.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_large_file_is_sent_in_bounded_memory() {
    if !Path::new("/proc/self/status").exists() {
        eprintln!("no /proc: peak memory cannot be read here");
        return;
    }
    const SIZE: u64 = 256 << 20;
    let url = s3_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large");
    // Sparse: 256 MiB of zeros that take no disk space.
    std::fs::File::create(&path).unwrap().set_len(SIZE).unwrap();
    let (mut child, _home) = s3(&["-T", path.to_str().unwrap()])
        .max_time("300")
        .arg(format!("{url}/bucket/large"))
        .spawn();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(peak_kib(child.id()).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:#?}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["decoded_length"], SIZE, "{summary:#}");
    assert_eq!(summary["chunks"], SIZE / 65_536 + 1, "{summary:#}");
    eprintln!("peak memory of sigv4 -T with a 256 MiB file: {peak} KiB");
    assert!(peak > 0, "VmHWM was never read");
    assert!(
        peak < 32 * 1024,
        "sigv4 used {peak} KiB for a {} KiB file",
        SIZE / 1024
    );
}

#[test]
fn other_services_get_the_files_hash_and_stdin_is_refused() {
    let gateway = gateway::Gateway::start().unwrap();
    let creds = gateway::long_term_credentials();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pet.json");
    let bytes = data(100_000);
    std::fs::write(&path, &bytes).unwrap();
    let run = sigv4(&["--region", gateway::REGION, "-T", path.to_str().unwrap()])
        .env("AWS_ACCESS_KEY_ID", creds.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
        .arg(gateway.url("/pets"))
        .run();
    // The gateway's Verifier checks the body against the signed hash.
    let echo = summary(&run);
    assert_eq!(echo["method"], "PUT", "{echo:#}");
    assert_eq!(echo["body_length"], bytes.len(), "{echo:#}");
    assert_eq!(echo["access_key_id"], gateway::ACCESS_KEY_ID, "{echo:#}");

    let run = sigv4(&["--region", gateway::REGION, "-T", "-"])
        .env("AWS_ACCESS_KEY_ID", creds.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
        .stdin(b"data")
        .arg(gateway.url("/pets"))
        .run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.starts_with(
            "sigv4: (2) -T - (stdin): service `execute-api` needs the body's SHA-256 before it is sent"
        ),
        "{run:#?}"
    );
    gateway.stop().unwrap();
}

#[test]
fn sigv4a_signs_headers_and_presigned_urls_for_a_region_set() {
    let gateway = gateway::Gateway::start().unwrap();
    let creds = gateway::long_term_credentials();
    let with_keys = |s: Sigv4| {
        s.env("AWS_ACCESS_KEY_ID", creds.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
    };
    let run = with_keys(sigv4(&["--sigv4a", "--region-set", "us-*", "-v"]))
        .arg(gateway.url("/pets?a=1"))
        .run();
    let echo = summary(&run);
    assert_eq!(echo["access_key_id"], gateway::ACCESS_KEY_ID, "{echo:#}");
    assert!(
        echo["signed_headers"]
            .as_array()
            .unwrap()
            .contains(&json!("x-amz-region-set")),
        "{echo:#}"
    );
    assert!(
        run.stderr
            .contains("with SigV4a in region set `us-*` (from --region-set)"),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("> authorization: AWS4-ECDSA-P256-SHA256 "),
        "{run:#?}"
    );

    // A region set without the gateway's region is refused by its Verifier.
    let run = with_keys(sigv4(&["--sigv4a", "--region-set", "eu-*", "--fail"]))
        .arg(gateway.url("/pets"))
        .run();
    assert_eq!(run.code, 22, "{run:#?}");

    // --presign, the region set from --region.
    let run = with_keys(sigv4(&[
        "--sigv4a",
        "--region",
        gateway::REGION,
        "--presign",
        "300",
    ]))
    .arg(gateway.url("/pets"))
    .run();
    assert_eq!(run.code, 0, "{run:#?}");
    let url = run.stdout.trim();
    assert!(
        url.contains("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"),
        "{url}"
    );
    assert!(url.contains("X-Amz-Region-Set=us-east-1"), "{url}");
    // Anyone can fetch it: a plain client, no signing.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let mut response = agent.get(url).call().expect("fetch the presigned URL");
    let text = response.body_mut().read_to_string().unwrap();
    assert_eq!(response.status(), 200, "{text}");
    let echo: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(echo["presigned"], true, "{echo:#}");
    assert_eq!(echo["access_key_id"], gateway::ACCESS_KEY_ID, "{echo:#}");
    gateway.stop().unwrap();
}

#[test]
fn sigv4a_uploads_to_s3_with_the_files_hash_or_unsigned_from_stdin() {
    let url = s3_stand_in();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    let bytes = data(70_000);
    std::fs::write(&path, &bytes).unwrap();
    let run = s3(&["--sigv4a", "-T", path.to_str().unwrap()])
        .arg(format!("{url}/bucket/f"))
        .run();
    let summary = summary(&run);
    assert_eq!(
        summary["algorithm"], "AWS4-ECDSA-P256-SHA256",
        "{summary:#}"
    );
    assert_eq!(
        summary["payload"],
        hex::encode(Sha256::digest(&bytes)),
        "{summary:#}"
    );
    assert_eq!(summary["decoded_length"], bytes.len(), "{summary:#}");

    let run = s3(&["--sigv4a", "--region-set", "*", "-T", "-"])
        .stdin(&bytes)
        .arg(format!("{url}/bucket/f"))
        .run();
    let summary = self::summary(&run);
    assert_eq!(summary["payload"], "UNSIGNED-PAYLOAD", "{summary:#}");
    assert_eq!(summary["transfer_encoding"], "chunked", "{summary:#}");
    assert_eq!(
        summary["sha256"],
        hex::encode(Sha256::digest(&bytes)),
        "{summary:#}"
    );
}
