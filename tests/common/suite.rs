//! Reading AWS's signing test suite (`aws-signing-test-suite/`): where it
//! is, its raw HTTP requests, and each case's `context.json`.
//!
//! The suite is read from, in order: the directory in `SIGV4_TEST_SUITE`;
//! `../shared/test-suites/aws-signing-test-suite` beside this crate; the copy
//! the `aws-sigv4` crate (a dev-dependency) ships in its package, found with
//! `cargo metadata`.
//!
//! Harness rules (see the suite's README in `../shared/test-suites/`):
//! - `request.txt` is raw HTTP/1.1: repeated header lines are appended in
//!   order, a continuation line (leading whitespace) is unfolded into the
//!   previous value with one space, and the body follows the blank line.
//! - A request line with bytes `http::Uri` refuses (a raw space, raw UTF-8)
//!   is percent-encoded before parsing ([`to_http`] says so). The expected
//!   canonical path encodes those raw bytes once, so such a case is signed
//!   with `UriEncoding::Single`, which gives the same canonical path as
//!   double-encoding the raw path would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use http_sigv4::Credentials;

use super::parse_time;

/// The environment variable that names the suite's folder.
pub const SUITE_ENV: &str = "SIGV4_TEST_SUITE";

/// The `aws-signing-test-suite` folder that has a `kind` (`v4` or `v4a`)
/// subfolder.
pub fn suite_root(kind: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os(SUITE_ENV) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join(kind).is_dir(),
            "{SUITE_ENV}={} has no {kind}/ folder",
            dir.display()
        );
        return dir;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = manifest.join("../shared/test-suites/aws-signing-test-suite");
    if shared.join(kind).is_dir() {
        return shared;
    }
    if let Some(dir) = aws_sigv4_package_suite(kind) {
        return dir;
    }
    panic!(
        "AWS SigV4 test suite not found: set {SUITE_ENV} to an aws-signing-test-suite folder, \
         put ../shared/test-suites beside the crate, or let cargo fetch the aws-sigv4 dev-dependency"
    );
}

/// The `aws-signing-test-suite/` folder inside the `aws-sigv4` package.
fn aws_sigv4_package_suite(kind: &str) -> Option<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    meta["packages"].as_array()?.iter().find_map(|p| {
        if p["name"] != "aws-sigv4" {
            return None;
        }
        let manifest = PathBuf::from(p["manifest_path"].as_str()?);
        let dir = manifest.parent()?.join("aws-signing-test-suite");
        dir.join(kind).is_dir().then_some(dir)
    })
}

/// The sorted names of the case folders under `kind/`.
pub fn case_folders(kind: &str) -> Vec<String> {
    let dir = suite_root(kind).join(kind);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry
                .file_type()
                .ok()?
                .is_dir()
                .then(|| entry.file_name().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
}

/// A request as written in a suite file.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn parse_request(text: &str) -> RawRequest {
    let text = text.replace("\r\n", "\n");
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    let (method, rest) = request_line.split_once(' ').expect("method");
    let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut().expect("continuation after a header");
            value.push(' ');
            value.push_str(line.trim_start());
        } else {
            let (name, value) = line.split_once(':').expect("name:value");
            headers.push((name.to_string(), value.to_string()));
        }
    }
    RawRequest {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// Percent-encodes the bytes of a request target that `http::Uri` refuses.
/// Returns the target and whether anything was encoded.
pub fn uri_safe_target(target: &str) -> (String, bool) {
    let mut out = String::new();
    let mut changed = false;
    for b in target.bytes() {
        if b == b' ' || !b.is_ascii() {
            out.push_str(&format!("%{b:02X}"));
            changed = true;
        } else {
            out.push(b as char);
        }
    }
    (out, changed)
}

/// The request as an `http::Request`, and whether its target had to be
/// percent-encoded first.
pub fn to_http(raw: &RawRequest) -> (http::Request<Vec<u8>>, bool) {
    let (target, encoded) = uri_safe_target(&raw.target);
    let mut builder = http::Request::builder()
        .method(raw.method.as_str())
        .uri(target);
    for (name, value) in &raw.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    (
        builder.body(raw.body.clone()).expect("valid request"),
        encoded,
    )
}

/// Headers as a sorted list of (lowercase name, trimmed value).
pub fn header_multiset(headers: &http::HeaderMap) -> Vec<(String, String)> {
    let mut out: Vec<_> = headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                v.to_str().expect("ASCII").trim().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The raw `name=value` pieces of a target's query, sorted.
pub fn query_multiset(target: &str) -> Vec<String> {
    let mut pieces: Vec<String> = target
        .split_once('?')
        .map(|(_, q)| q.split('&').map(str::to_string).collect())
        .unwrap_or_default();
    pieces.sort();
    pieces
}

pub fn read(dir: &Path, file: &str) -> String {
    let path = dir.join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A case's `context.json`.
pub struct Context {
    pub creds: Credentials,
    pub region: String,
    pub service: String,
    pub time: SystemTime,
    pub expires: Duration,
    pub normalize: bool,
    pub sign_body: bool,
    pub omit_session_token: bool,
}

pub fn context(dir: &Path) -> Context {
    let json: serde_json::Value =
        serde_json::from_str(&read(dir, "context.json")).expect("context.json");
    let c = &json["credentials"];
    Context {
        creds: Credentials::new(
            c["access_key_id"].as_str().expect("access_key_id"),
            c["secret_access_key"].as_str().expect("secret_access_key"),
            c["token"].as_str().map(String::from),
        ),
        region: json["region"].as_str().expect("region").into(),
        service: json["service"].as_str().expect("service").into(),
        time: parse_time(json["timestamp"].as_str().expect("timestamp")),
        expires: Duration::from_secs(json["expiration_in_seconds"].as_u64().unwrap_or(3600)),
        normalize: json["normalize"].as_bool().unwrap_or(true),
        sign_body: json["sign_body"].as_bool().unwrap_or(false),
        omit_session_token: json["omit_session_token"].as_bool().unwrap_or(false),
    }
}
