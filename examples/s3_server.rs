//! A small S3-compatible object server built on [`VerifyLayer`]
//! (feature `server`): hyper 1 on 127.0.0.1, objects stored as files in a
//! temporary directory, every request SigV4-verified, aws-chunked uploads
//! checked chunk by chunk and streamed to disk in bounded memory (see
//! `examples/common/s3_store.rs`).
//!
//! `cargo run --example s3_server --features server` serves until Ctrl-C
//! and prints its URL and the key it knows.
//!
//! `cargo run --example s3_server --features server -- --self-test` starts
//! it, drives it with requests signed by `Signer::s3` (a bucket, a plain
//! PUT, an aws-chunked PUT, GET, HEAD, a listing, DELETE, and a tampered
//! upload that must be refused), prints each outcome and exits 0 only if
//! every one is the expected one.
//!
//! [`VerifyLayer`]: http_sigv4::VerifyLayer

use std::error::Error;
use std::process::ExitCode;

use http::Method;
use http_sigv4::ChunkedUpload;

#[path = "common/s3_client.rs"]
mod s3_client;
#[path = "common/s3_store.rs"]
mod s3_store;

use s3_client::{boxed, Client};
use s3_store::{S3Server, ACCESS_KEY_ID, REGION};

fn main() -> ExitCode {
    let self_test = std::env::args().any(|a| a == "--self-test");
    match run(self_test) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(self_test: bool) -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let server = S3Server::start(dir.path())?;
    if !self_test {
        println!(
            "S3 stand-in (SigV4 for s3 in {REGION}, path-style) at http://{}/\n\
             storing objects under {}\n\
             It knows the access key {ACCESS_KEY_ID} with secret \
             wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.\n\
             Serving until Ctrl-C.",
            server.authority(),
            dir.path().display()
        );
        loop {
            std::thread::park();
        }
    }
    let client = Client::new(server.authority())?;
    let mut failures = 0;
    let mut check = |what: &str, ok: bool, detail: String| {
        println!("{} {what}{}", if ok { "ok  " } else { "FAIL" }, detail);
        if !ok {
            failures += 1;
        }
    };

    let reply = client.send(client.request(Method::PUT, "/demo-bucket", b""))?;
    check("create bucket", reply.status == 200, String::new());

    let reply = client.send(client.request(Method::PUT, "/demo-bucket/hello.txt", b"hello, S3"))?;
    check(
        "PUT signed over the body's SHA-256",
        reply.status == 200,
        String::new(),
    );

    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (head, body) = client.chunked_put(
        "/demo-bucket/chunked.bin",
        &data,
        &ChunkedUpload::new(Some(data.len() as u64)),
    );
    let reply =
        client.send(head.map(|()| boxed(http_body_util::Full::new(body.clone().into()))))?;
    check(
        "PUT aws-chunked, 200,000 bytes in 4 chunks",
        reply.status == 200,
        String::new(),
    );

    let reply = client.send(client.request(Method::GET, "/demo-bucket/chunked.bin", b""))?;
    check(
        "GET returns the decoded data",
        reply.status == 200 && reply.body[..] == data[..],
        format!(" ({} bytes)", reply.body.len()),
    );

    let reply = client.send(client.request(Method::HEAD, "/demo-bucket/hello.txt", b""))?;
    check(
        "HEAD gives the length",
        reply.status == 200 && reply.headers["content-length"] == "9",
        String::new(),
    );

    let reply = client.send(client.request(Method::GET, "/demo-bucket?list-type=2", b""))?;
    let listing = reply.text();
    check(
        "ListObjectsV2 lists both keys",
        reply.status == 200
            && listing.contains("<Key>chunked.bin</Key>")
            && listing.contains("<Key>hello.txt</Key>"),
        String::new(),
    );

    let (head, mut tampered) = client.chunked_put(
        "/demo-bucket/tampered.bin",
        &data,
        &ChunkedUpload::new(Some(data.len() as u64)),
    );
    tampered[100_000] ^= 1;
    let reply = client.send(head.map(|()| boxed(http_body_util::Full::new(tampered.into()))))?;
    let gone = client.send(client.request(Method::GET, "/demo-bucket/tampered.bin", b""))?;
    check(
        "a tampered chunk is refused and nothing is stored",
        reply.status == 403
            && reply.code().as_deref() == Some("SignatureDoesNotMatch")
            && gone.status == 404,
        format!(" ({} {:?})", reply.status, reply.code()),
    );

    let reply = client.send(client.request(Method::DELETE, "/demo-bucket/hello.txt", b""))?;
    let gone = client.send(client.request(Method::GET, "/demo-bucket/hello.txt", b""))?;
    check(
        "DELETE removes the object",
        reply.status == 204 && gone.status == 404,
        String::new(),
    );

    server.stop();
    if failures > 0 {
        return Err(format!("{failures} check(s) failed").into());
    }
    println!("all checks passed");
    Ok(())
}
