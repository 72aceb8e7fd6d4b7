//! The AWS SDK for Rust's JSON tests for the container endpoint
//! (`ecs-tests.json`) and the instance metadata endpoint
//! (`imds-config/imds-endpoint-tests.json`), every case, replayed through
//! the [`HttpClient`] trait: a recording client answers, and the test
//! checks the URI the provider asked (or its error).
//!
//! The suite folder is `AWS_CONFIG_CREDENTIALS_SUITE` if set, else
//! `../shared/test-suites/aws-config-credentials` beside this crate (see
//! the README there).
//!
//! Harness rules:
//! - `env` is the whole environment ([`Env::from_vars`]); nothing of the
//!   process's is read.
//! - imds `fs` files are written into a temporary directory, variables that
//!   name them point there, and `HOME` is that directory (which has no
//!   `.aws/`): the SDK's fake file system has no home directory, and this
//!   crate needs one to locate the (absent) credentials file.
//! - `endpoint_override` and `mode_override` are
//!   [`ImdsProvider::endpoint`] and [`ImdsProvider::endpoint_mode`].
//! - An expected error passes if ours contains the SDK's message, or, for
//!   the messages that name the SDK's own types, is the matching variant
//!   (listed in `SAME_MEANING`).
#![cfg(feature = "network-credentials")]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_sigv4::{
    ContainerProvider, EndpointProblem, Env, Error, HttpClient, ImdsEndpointMode, ImdsProvider,
    ProvideCredentials,
};
use serde_json::Value;

fn suite_root() -> PathBuf {
    let dir = match std::env::var_os("AWS_CONFIG_CREDENTIALS_SUITE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/test-suites/aws-config-credentials"),
    };
    assert!(
        dir.join("ecs-tests.json").is_file(),
        "aws-config-credentials suite not found in {}: set AWS_CONFIG_CREDENTIALS_SUITE",
        dir.display()
    );
    dir
}

fn read_tests(relative: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(suite_root().join(relative)).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["tests"].as_array().unwrap().clone()
}

/// Records the URI of each request and answers `status` with `body`.
struct Recorder {
    status: u16,
    body: &'static str,
    uris: Mutex<Vec<String>>,
}

impl Recorder {
    fn new(status: u16, body: &'static str) -> Arc<Recorder> {
        Arc::new(Recorder {
            status,
            body,
            uris: Mutex::default(),
        })
    }

    fn uris(&self) -> Vec<String> {
        self.uris.lock().unwrap().clone()
    }
}

impl HttpClient for Recorder {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _: Duration,
    ) -> std::io::Result<http::Response<Vec<u8>>> {
        self.uris.lock().unwrap().push(request.uri().to_string());
        Ok(http::Response::builder()
            .status(self.status)
            .body(self.body.as_bytes().to_vec())
            .unwrap())
    }
}

/// SDK messages that name the SDK's own provider, and the error of ours
/// that means the same.
const SAME_MEANING: &[(&str, Error)] = &[(
    "No environment variables were set to configure ECS provider",
    Error::ContainerCredentials(EndpointProblem::NotConfigured),
)];

fn env_of(case: &Value) -> Vec<(String, String)> {
    case["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// Checks `result` against the case's expected error; `Err` says why not.
fn check_error(expected: &str, result: Result<(), Error>) -> Result<(), String> {
    let error = match result {
        Ok(()) => return Err(format!("expected an error containing {expected:?}, got Ok")),
        Err(e) => e,
    };
    if let Some((_, same)) = SAME_MEANING.iter().find(|(msg, _)| *msg == expected) {
        return match &error == same {
            true => Ok(()),
            false => Err(format!("expected {same:?}, got {error:?}")),
        };
    }
    match error.to_string().contains(expected) {
        true => Ok(()),
        false => Err(format!("{expected:?} not in {error}")),
    }
}

const CONTAINER_ANSWER: &str = r#"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"}"#;

fn run_ecs_case(case: &Value) -> Result<(), String> {
    let recorder = Recorder::new(200, CONTAINER_ANSWER);
    let provider = ContainerProvider::new()
        .env(Env::from_vars(env_of(case)))
        .http_client(recorder.clone());
    let result = provider.provide_credentials();
    let result_json = &case["result"];
    if let Some(uri) = result_json["Ok"].as_str() {
        let creds = result.map_err(|e| format!("expected a request to {uri}, got {e}"))?;
        if creds.access_key_id() != "ASIAEXAMPLE" {
            return Err("the answer was not read".into());
        }
        return match recorder.uris() == [uri] {
            true => Ok(()),
            false => Err(format!(
                "expected one request to {uri}, made {:?}",
                recorder.uris()
            )),
        };
    }
    let expected = result_json["ErrorContains"].as_str().unwrap();
    check_error(expected, result.map(|_| ()))?;
    match recorder.uris().is_empty() {
        true => Ok(()),
        false => Err(format!("an error case sent {:?}", recorder.uris())),
    }
}

fn run_imds_case(case: &Value) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let files = case["fs"].as_object().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content.as_str().unwrap()).unwrap();
    }
    let mut vars = env_of(case);
    for (_, value) in vars.iter_mut() {
        if files.contains_key(value.as_str()) {
            *value = dir.path().join(&*value).to_str().unwrap().to_owned();
        }
    }
    vars.push(("HOME".into(), dir.path().to_str().unwrap().to_owned()));
    // The token request is all that matters: answer it, then "no role".
    let recorder = Recorder::new(404, "");
    let mut provider = ImdsProvider::new()
        .env(Env::from_vars(vars))
        .http_client(recorder.clone());
    if let Some(endpoint) = case["endpoint_override"].as_str() {
        provider = provider.endpoint(endpoint);
    }
    if let Some(mode) = case["mode_override"].as_str() {
        provider = provider.endpoint_mode(match mode {
            "IPv4" => ImdsEndpointMode::Ipv4,
            "IPv6" => ImdsEndpointMode::Ipv6,
            other => return Err(format!("unknown mode_override {other}")),
        });
    }
    let result = provider.provide_credentials();
    let result_json = &case["result"];
    if let Some(uri) = result_json["Ok"].as_str() {
        let first = recorder.uris().first().cloned();
        return match first.as_deref() == Some(uri) {
            true => Ok(()),
            false => Err(format!(
                "expected the token request to {uri}, made {:?} ({result:?})",
                recorder.uris()
            )),
        };
    }
    let expected = result_json["Err"].as_str().unwrap();
    check_error(expected, result.map(|_| ()))?;
    match recorder.uris().is_empty() {
        true => Ok(()),
        false => Err(format!("an error case sent {:?}", recorder.uris())),
    }
}

/// Runs every case; prints the count and each failure; no case is skipped.
fn replay(name: &str, cases: &[Value], run: impl Fn(&Value) -> Result<(), String>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let docs = case["docs"].as_str().unwrap_or("?");
            run(case).err().map(|why| format!("{docs}: {why}"))
        })
        .collect();
    println!(
        "{name}: {} of {} cases pass, 0 skipped",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

#[test]
fn ecs_tests_json_every_case() {
    let cases = read_tests("ecs-tests.json");
    assert_eq!(cases.len(), 11, "the suite changed: review the new cases");
    replay("ecs-tests.json", &cases, run_ecs_case);
}

#[test]
fn imds_endpoint_tests_json_every_case() {
    let cases = read_tests("imds-config/imds-endpoint-tests.json");
    assert_eq!(cases.len(), 14, "the suite changed: review the new cases");
    replay("imds-endpoint-tests.json", &cases, run_imds_case);
}
