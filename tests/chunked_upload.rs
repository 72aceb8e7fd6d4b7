//! aws-chunked uploads over a real connection: `ureq` streams the
//! `ChunkedReader` to a `tiny_http` server on 127.0.0.1, which receives
//! exactly the framed body the signer announced (known length:
//! `content-length`; unknown length: HTTP chunked transfer around it).

use std::io::Read;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, UNIX_EPOCH};

use http_sigv4::{ChunkedUpload, Credentials, PathNormalization, Signer, UriEncoding};

/// What the server saw of one request.
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Starts a server for one request on an ephemeral loopback port.
fn serve_once() -> (String, mpsc::Receiver<Received>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", server.server_addr());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        if let Ok(Some(mut request)) = server.recv_timeout(Duration::from_secs(10)) {
            let headers = request
                .headers()
                .iter()
                .map(|h| (h.field.to_string(), h.value.to_string()))
                .collect();
            let mut body = Vec::new();
            let _ = request.as_reader().read_to_end(&mut body);
            let _ = tx.send(Received { headers, body });
            let _ = request.respond(tiny_http::Response::empty(200));
        }
    });
    (url, rx)
}

fn signer() -> Signer {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>);
    Signer::new(creds, "us-east-1", "s3")
        .uri_encoding(UriEncoding::Single)
        .path_normalization(PathNormalization::Disabled)
}

/// Signs and sends `data` as an aws-chunked upload; returns what the server
/// received and the body the signer frames for the same request.
fn upload(data: &[u8], length: Option<u64>) -> (http::Request<()>, Received, Vec<u8>) {
    let (url, received) = serve_once();
    let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let upload = ChunkedUpload::new(length);
    let mut req = http::Request::put(format!("{url}/bucket/key.bin"))
        .body(())
        .unwrap();
    let chunks = signer().sign_chunked_at(&mut req, &upload, time).unwrap();
    // The same signature again, to know the expected bytes.
    let mut again = http::Request::put(format!("{url}/bucket/key.bin"))
        .body(())
        .unwrap();
    let mut expected = Vec::new();
    signer()
        .sign_chunked_at(&mut again, &upload, time)
        .unwrap()
        .into_reader(data)
        .read_to_end(&mut expected)
        .unwrap();

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut builder = agent.put(req.uri().to_string());
    for (name, value) in req.headers() {
        builder = builder.header(name.as_str(), value.to_str().unwrap());
    }
    let mut body = chunks.into_reader(data);
    let response = builder
        .send(ureq::SendBody::from_reader(&mut body))
        .expect("the upload");
    assert_eq!(response.status(), 200);
    let got = received
        .recv_timeout(Duration::from_secs(10))
        .expect("the server saw the request");
    (req, got, expected)
}

#[test]
fn a_known_length_upload_arrives_as_framed() {
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let (req, got, expected) = upload(&data, Some(data.len() as u64));
    assert_eq!(got.body, expected);
    assert_eq!(
        got.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
    assert_eq!(got.header("content-encoding"), Some("aws-chunked"));
    assert_eq!(got.header("x-amz-decoded-content-length"), Some("300000"));
    assert_eq!(
        got.header("authorization"),
        req.headers()["authorization"].to_str().ok()
    );
    assert!(got.header("transfer-encoding").is_none());
}

#[test]
fn an_unknown_length_upload_goes_in_http_chunks() {
    let data = vec![b'z'; 150_000];
    let (_, got, expected) = upload(&data, None);
    // tiny_http removed the HTTP chunking: the aws-chunked body is intact.
    assert_eq!(got.body, expected);
    assert_eq!(got.header("transfer-encoding"), Some("chunked"));
    assert!(got.header("content-length").is_none());
    assert!(got.header("x-amz-decoded-content-length").is_none());
}
