//! The AWS SDK for Rust's own test data for its credential chain, replayed
//! through [`HttpClient`]: every case of `default-credential-provider-chain/`
//! (through [`DefaultChain`]) and `profile-provider/` (through
//! [`ProfileProvider`]), and the profile chains of `assume-role-tests.json`.
//!
//! The suite is read from the directory in `SIGV4_CREDENTIALS_SUITE`, else
//! from `shared/test-suites/aws-config-credentials` in this crate's folder
//! or the nearest folder above it that has one.
//!
//! Harness rules (see `shared/test-suites/README.md`):
//! - `env.json` is the whole environment. The case's `fs/` is the root of
//!   its file system: it is copied to a temporary folder, and the variables
//!   that name files (`HOME`, `AWS_WEB_IDENTITY_TOKEN_FILE`, …: see
//!   `FILE_VARIABLES`) and the `web_identity_token_file` settings of the
//!   copied config files are moved under that folder.
//! - Each request the chain sends must be the next one recorded: same
//!   method, scheme, host and path, the same query parameters (in any
//!   order), a signature (`authorization`, with the recorded access key id
//!   and service `sts`) exactly when one was recorded (another
//!   `authorization`, a container endpoint's token, must be equal),
//!   `x-amz-security-token` and the IMDS token headers exactly when
//!   recorded, the same `x-amz-sso_bearer_token`, and for a form body the
//!   same `content-type`, `Action`, `Version` and parameter names. The recorded `RoleSessionName` (generated),
//!   `WebIdentityToken` and web identity `RoleArn` values are not compared:
//!   the recordings were taken with other files than the ones in `fs/`.
//!   Every recorded exchange must be used.
//! - The result: the credentials' key id, secret, session token and expiry
//!   (seconds), or an error. The SDK's error messages are its own, so each
//!   error case names the error this crate gives instead. `account_id` is
//!   not compared: [`Credentials`] has no account id.
//!
//! Cases are listed in [`CASES`], run or skipped with the reason;
//! `every_case_folder_is_listed` fails when a folder is missing or new.

#![cfg(feature = "network-credentials")]

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use http_sigv4::{
    Credentials, DefaultChain, Env, Error, HttpClient, ProfileProvider, ProvideCredentials,
};
use serde_json::Value;

#[path = "credential_chain_suite/assume_role_tests.rs"]
mod assume_role_tests;

const SUITE_ENV: &str = "SIGV4_CREDENTIALS_SUITE";

const DEFAULT_CHAIN: &str = "default-credential-provider-chain";
const PROFILE_PROVIDER: &str = "profile-provider";

const ECS_ASSUME_ROLE_RECORDING: &str = "the recording contradicts itself: its container \
     endpoint answers with key id ASIARTEST, but its AssumeRole request is signed with \
     ASIARSTSBASE (a replay cannot check the request it expects)";
const EKS_TOKEN_RECORDING: &str = "the recording leaves out the `authorization` header that \
     the case's own AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (fs/token.jwt) requires; \
     tests/network_loopback.rs checks the EKS Pod Identity token on a stand-in";
/// About when the IMDS cases were recorded (their credentials expire
/// minutes later, at 1632197813).
const RECORDED_AT: u64 = 1_632_197_000;
const FIPS: &str =
    "FIPS and dual-stack endpoints (use_fips_endpoint, use_dualstack_endpoint) are not supported";
const SHELL: &str = "its credential_process needs a shell (a pipe or the `exit` builtin); \
                     ProcessProvider runs the command without one, as the AWS CLI does";

/// What to do with a case.
#[derive(Clone, Copy)]
enum Status {
    /// Replay it; the credentials must be those recorded.
    Run,
    /// Replay it; it must fail with an error whose `Debug` contains this.
    RunError(&'static str),
    /// Do not run it, for this reason.
    Skip(&'static str),
}
use Status::{Run, RunError, Skip};

/// Every case folder, with what to do with it.
const CASES: &[(&str, &str, Status)] = &[
    (DEFAULT_CHAIN, "e2e_fips_and_dual_stack_sso", Skip(FIPS)),
    // Enable these once ContainerProvider is in DefaultChain: `Run`.
    (DEFAULT_CHAIN, "ecs_assume_role", Skip(ECS_ASSUME_ROLE_RECORDING)),
    (DEFAULT_CHAIN, "ecs_credentials", Run),
    (DEFAULT_CHAIN, "ecs_credentials_invalid_profile", Run),
    (DEFAULT_CHAIN, "eks_pod_identity_credentials", Skip(EKS_TOKEN_RECORDING)),
    (DEFAULT_CHAIN, "eks_pod_identity_no_token_file", RunError("TokenFileUnreadable")),
    (DEFAULT_CHAIN, "environment_variables", Run),
    (DEFAULT_CHAIN, "environment_variables_blank", Run),
    // Enable these once ImdsProvider is in DefaultChain: `Run` (or
    // `RunError` with the error the chain gives).
    (DEFAULT_CHAIN, "imds_assume_role", Run),
    (DEFAULT_CHAIN, "imds_config_with_no_creds", Run),
    (DEFAULT_CHAIN, "imds_default_chain_error", RunError("InstanceMetadata(NoRole)")),
    (DEFAULT_CHAIN, "imds_default_chain_retries", Run),
    (DEFAULT_CHAIN, "imds_default_chain_success", Run),
    (DEFAULT_CHAIN, "imds_disabled", RunError("ProfileNotFound")),
    (DEFAULT_CHAIN, "imds_no_iam_role", RunError("InstanceMetadata(NoRole)")),
    (DEFAULT_CHAIN, "imds_token_fail", RunError("InstanceMetadata(Status { status: 403 })")),
    (DEFAULT_CHAIN, "prefer_environment", Run),
    (DEFAULT_CHAIN, "profile_name", Run),
    (DEFAULT_CHAIN, "profile_overrides_web_identity", RunError("MissingEnvironmentVariable { name: \"AWS_ACCESS_KEY_ID\" }")),
    (DEFAULT_CHAIN, "profile_static_keys", Run),
    (DEFAULT_CHAIN, "profile_static_keys_case_insensitive", Run),
    (DEFAULT_CHAIN, "sso_assume_role", Run),
    (DEFAULT_CHAIN, "sso_no_token_file", RunError("SsoToken { path: ")),
    (DEFAULT_CHAIN, "sso_server_error", RunError("CredentialsServiceError { operation: \"IAM Identity Center GetRoleCredentials\", status: 503")),
    (DEFAULT_CHAIN, "web_identity_source_profile_no_env", RunError("WebIdentityWithoutRoleArn")),
    (DEFAULT_CHAIN, "web_identity_token_env", Run),
    (DEFAULT_CHAIN, "web_identity_token_invalid_jwt", RunError("status: 400, code: \"InvalidIdentityToken\"")),
    (DEFAULT_CHAIN, "web_identity_token_profile", Run),
    (DEFAULT_CHAIN, "web_identity_token_source_profile", Run),
    (PROFILE_PROVIDER, "assume_role_override_global_env_url", Run),
    (PROFILE_PROVIDER, "assume_role_override_global_profile_url", Run),
    (PROFILE_PROVIDER, "assume_role_override_service_env_url", Run),
    (PROFILE_PROVIDER, "assume_role_override_service_profile_url", Run),
    (PROFILE_PROVIDER, "credential_process", Skip(SHELL)),
    (PROFILE_PROVIDER, "credential_process_account_id_fallback", Skip(SHELL)),
    (PROFILE_PROVIDER, "credential_process_failure", Skip(SHELL)),
    (PROFILE_PROVIDER, "credential_process_invalid", RunError("CredentialProcessOutput")),
    (PROFILE_PROVIDER, "e2e_assume_role", Run),
    (PROFILE_PROVIDER, "e2e_fips_and_dual_stack_sts", Skip(FIPS)),
    (PROFILE_PROVIDER, "empty_config", RunError("ProfileNotFound")),
    (PROFILE_PROVIDER, "invalid_config", RunError("ProfileFileSyntax")),
    (PROFILE_PROVIDER, "invalid_sso_credentials_config", RunError("SsoTokenOnly")),
    (PROFILE_PROVIDER, "region_override", Run),
    (PROFILE_PROVIDER, "retry_on_error", Run),
    (PROFILE_PROVIDER, "sso_credentials", Run),
    (PROFILE_PROVIDER, "sso_override_global_env_url", Run),
    (PROFILE_PROVIDER, "sso_token", RunError("SsoTokenOnly")),
];

fn suite_root() -> PathBuf {
    if let Some(dir) = std::env::var_os(SUITE_ENV) {
        return PathBuf::from(dir);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("shared/test-suites/aws-config-credentials"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "aws-config-credentials suite not found: set {SUITE_ENV} or put \
                 shared/test-suites beside the crate"
            )
        })
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---- The recorded traffic and the replaying client ----

#[derive(Debug, Default)]
struct Recorded {
    method: String,
    uri: String,
    headers: BTreeMap<String, String>,
    body: String,
    status: u16,
    response_body: String,
}

/// The exchanges of `http-traffic.json`, in the order of their requests.
fn exchanges(path: &Path) -> VecDeque<Recorded> {
    let traffic = read_json(path);
    let mut by_connection: BTreeMap<u64, Recorded> = BTreeMap::new();
    let mut order = Vec::new();
    for event in traffic["events"].as_array().into_iter().flatten() {
        let id = event["connection_id"].as_u64().unwrap();
        let action = &event["action"];
        let entry = by_connection.entry(id).or_default();
        if let Some(request) = action.get("Request") {
            let request = &request["request"];
            entry.method = request["method"].as_str().unwrap().to_owned();
            entry.uri = request["uri"].as_str().unwrap().to_owned();
            for (name, values) in request["headers"].as_object().unwrap() {
                let value = values[0].as_str().unwrap().to_owned();
                entry.headers.insert(name.to_ascii_lowercase(), value);
            }
            order.push(id);
        } else if let Some(response) = action.get("Response") {
            entry.status = response["response"]["Ok"]["status"].as_u64().unwrap() as u16;
        } else if let Some(data) = action.get("Data") {
            let text = data["data"]["Utf8"].as_str().unwrap_or_default();
            match data["direction"].as_str() {
                Some("Request") => entry.body.push_str(text),
                _ => entry.response_body.push_str(text),
            }
        }
    }
    order
        .into_iter()
        .map(|id| by_connection.remove(&id).unwrap())
        .collect()
}

/// Answers with the recorded responses, checking each request against the
/// recorded one; mismatches are kept for the test to report.
#[derive(Clone, Default)]
struct Replay {
    exchanges: Arc<Mutex<VecDeque<Recorded>>>,
    mismatches: Arc<Mutex<Vec<String>>>,
}

impl HttpClient for Replay {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Duration,
    ) -> std::io::Result<http::Response<Vec<u8>>> {
        let Some(recorded) = self.exchanges.lock().unwrap().pop_front() else {
            let msg = format!("unrecorded request {} {}", request.method(), request.uri());
            self.mismatches.lock().unwrap().push(msg.clone());
            return Err(std::io::Error::other(msg));
        };
        let problems = compare(&request, &recorded);
        if !problems.is_empty() {
            let msg = format!(
                "{} {}: {}",
                request.method(),
                request.uri(),
                problems.join("; ")
            );
            self.mismatches.lock().unwrap().push(msg.clone());
            return Err(std::io::Error::other(msg));
        }
        Ok(http::Response::builder()
            .status(recorded.status)
            .body(recorded.response_body.into_bytes())
            .unwrap())
    }
}

fn query_params(query: Option<&str>) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    params.sort();
    params
}

fn compare(request: &http::Request<Vec<u8>>, recorded: &Recorded) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |what: &str, ours: String, theirs: String| {
        if ours != theirs {
            problems.push(format!("{what}: sent {ours:?}, recorded {theirs:?}"));
        }
    };
    let uri = request.uri();
    let want: http::Uri = recorded.uri.parse().unwrap();
    check(
        "method",
        request.method().to_string(),
        recorded.method.clone(),
    );
    check(
        "scheme",
        format!("{:?}", uri.scheme_str()),
        format!("{:?}", want.scheme_str()),
    );
    check(
        "host",
        format!("{:?}", uri.authority()),
        format!("{:?}", want.authority()),
    );
    check("path", uri.path().to_owned(), want.path().to_owned());
    check(
        "query",
        format!("{:?}", query_params(uri.query())),
        format!("{:?}", query_params(want.query())),
    );
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    check(
        "x-amz-sso_bearer_token",
        format!("{:?}", header("x-amz-sso_bearer_token")),
        format!("{:?}", recorded.headers.get("x-amz-sso_bearer_token")),
    );
    if !recorded.body.is_empty() {
        check(
            "content-type",
            format!("{:?}", header("content-type")),
            format!("{:?}", recorded.headers.get("content-type")),
        );
    }
    for name in [
        "authorization",
        "x-amz-security-token",
        "x-aws-ec2-metadata-token",
        "x-aws-ec2-metadata-token-ttl-seconds",
    ] {
        check(
            &format!("{name} present"),
            header(name).is_some().to_string(),
            recorded.headers.contains_key(name).to_string(),
        );
    }
    let sigv4 = |auth: &&String| auth.starts_with("AWS4-HMAC-SHA256 ");
    if let Some(theirs) = recorded.headers.get("authorization").filter(|a| !sigv4(a)) {
        // A container endpoint's token, sent as it is.
        check(
            "authorization",
            format!("{:?}", header("authorization")),
            format!("{:?}", Some(theirs)),
        );
    }
    if let (Some(ours), Some(theirs)) = (
        header("authorization"),
        recorded.headers.get("authorization").filter(sigv4),
    ) {
        // `Credential=AKID/date/region/service/aws4_request`: key id and service.
        let scope = |auth: &str| {
            let credential = auth.split("Credential=").nth(1).unwrap_or_default();
            let parts: Vec<&str> = credential.split(['/', ',']).collect();
            format!("{:?}", (parts.first().copied(), parts.get(3).copied()))
        };
        check("signing key id and service", scope(&ours), scope(theirs));
    }
    if !recorded.body.is_empty() {
        let form = |body: &str| -> BTreeMap<String, String> {
            body.split('&')
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        let ours = form(std::str::from_utf8(request.body()).unwrap());
        let theirs = form(&recorded.body);
        for key in ["Action", "Version"] {
            check(
                key,
                format!("{:?}", ours.get(key)),
                format!("{:?}", theirs.get(key)),
            );
        }
        if theirs.get("Action").map(String::as_str) == Some("AssumeRole") {
            check(
                "RoleArn",
                format!("{:?}", ours.get("RoleArn")),
                format!("{:?}", theirs.get("RoleArn")),
            );
        }
        check(
            "form parameters",
            format!("{:?}", ours.keys().collect::<Vec<_>>()),
            format!("{:?}", theirs.keys().collect::<Vec<_>>()),
        );
    }
    problems
}

// ---- The file system and the environment ----

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `path` (absolute in the recorded file system) under `root`.
fn rooted(root: &Path, path: &str) -> String {
    match path.strip_prefix('/') {
        Some(rest) => root.join(rest).to_str().unwrap().to_owned(),
        None => path.to_owned(),
    }
}

/// Moves the `web_identity_token_file` settings of the copied config files
/// under `root`.
fn reroot_config_files(root: &Path, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            reroot_config_files(root, &path);
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let moved: Vec<String> = text
            .lines()
            .map(|line| match line.split_once('=') {
                Some((key, value)) if key.trim() == "web_identity_token_file" => {
                    format!("{key}= {}", rooted(root, value.trim()))
                }
                _ => line.to_owned(),
            })
            .collect();
        std::fs::write(&path, moved.join("\n") + "\n").unwrap();
    }
}

/// The variables that name files or folders (moved under the copy of `fs/`).
const FILE_VARIABLES: [&str; 5] = [
    "HOME",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// The case's environment, with its file system copied under `root`.
fn environment(case: &Path, root: &Path) -> Env {
    if case.join("fs").is_dir() {
        copy_dir(&case.join("fs"), root);
        reroot_config_files(root, root);
    }
    let vars = read_json(&case.join("env.json"));
    let vars = vars.as_object().unwrap().iter().map(|(name, value)| {
        let value = value.as_str().unwrap();
        let value = match FILE_VARIABLES.contains(&name.as_str()) {
            true => rooted(root, value),
            false => value.to_owned(),
        };
        (name.clone(), value)
    });
    Env::from_vars(vars)
}

// ---- Running a case ----

fn check_result(
    expected: &Value,
    status: Status,
    got: Result<Credentials, Error>,
) -> Result<(), String> {
    match (status, got) {
        (Run, Ok(creds)) => {
            let want = &expected["Ok"];
            let field = |name: &str| want.get(name).and_then(Value::as_str);
            let ours = (
                Some(creds.access_key_id()),
                Some(creds.secret_access_key()),
                creds.session_token(),
                creds
                    .expiry()
                    .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs()),
            );
            let theirs = (
                field("access_key_id"),
                field("secret_access_key"),
                field("session_token"),
                want.get("expiry").and_then(Value::as_u64),
            );
            match ours == theirs {
                true => Ok(()),
                false => Err(format!("got {ours:?}, want {theirs:?}")),
            }
        }
        (Run, Err(e)) => Err(format!("error {e:?}, want {}", expected["Ok"])),
        (RunError(kind), Err(e)) => {
            if expected.get("ErrorContains").is_none() {
                return Err(format!("the suite expects {expected}, the table an error"));
            }
            match format!("{e:?}").contains(kind) {
                true => Ok(()),
                false => Err(format!("error {e:?}, want one with {kind}")),
            }
        }
        (RunError(kind), Ok(c)) => Err(format!(
            "got credentials {}, want an error with {kind}",
            c.access_key_id()
        )),
        (Skip(_), _) => unreachable!(),
    }
}

fn run_case(group: &str, case: &Path, status: Status) -> Result<(), String> {
    let root = tempfile::tempdir().unwrap();
    let env = environment(case, root.path());
    let replay = Replay::default();
    *replay.exchanges.lock().unwrap() = exchanges(&case.join("http-traffic.json"));
    let got = match group {
        // Instance metadata judges the recorded credentials' expiry by the
        // time of the recording (September 2021), not by today.
        DEFAULT_CHAIN => DefaultChain::new()
            .env(env)
            .http_client(replay.clone())
            .clock(|| UNIX_EPOCH + Duration::from_secs(RECORDED_AT))
            .provide_credentials(),
        _ => ProfileProvider::new()
            .env(env)
            .http_client(replay.clone())
            .provide_credentials(),
    };
    let expected = read_json(&case.join("test-case.json"))["result"].clone();
    let mut problems: Vec<String> = replay.mismatches.lock().unwrap().clone();
    let left = replay.exchanges.lock().unwrap().len();
    if left > 0 {
        problems.push(format!("{left} recorded exchange(s) not used"));
    }
    if let Err(e) = check_result(&expected, status, got) {
        problems.push(e);
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n    ")),
    }
}

#[test]
fn replay_the_credential_chain_suite() {
    let root = suite_root();
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for &(group, name, status) in CASES {
        let case = root.join(group).join(name);
        match status {
            Skip(reason) => {
                println!("skipped {group}/{name}: {reason}");
                skipped += 1;
            }
            _ => match run_case(group, &case, status) {
                Ok(()) => {
                    println!("passed  {group}/{name}");
                    passed += 1;
                }
                Err(e) => failures.push(format!("{group}/{name}:\n    {e}")),
            },
        }
    }
    println!(
        "credential chain suite: {passed} passed, {skipped} skipped, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_case_folder_is_listed() {
    let root = suite_root();
    for group in [DEFAULT_CHAIN, PROFILE_PROVIDER] {
        let mut on_disk: Vec<String> = std::fs::read_dir(root.join(group))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = CASES
            .iter()
            .filter(|(g, _, _)| *g == group)
            .map(|(_, name, _)| name.to_string())
            .collect();
        listed.sort();
        assert_eq!(listed, on_disk, "{group}: CASES and the folders differ");
    }
    assert_eq!(CASES.len(), 29 + 18);
}
