//! End to end on loopback: stand-in servers (tiny_http on 127.0.0.1, an
//! ephemeral port) for the container credentials endpoint and EC2 instance
//! metadata, reached only through the standard variables (given with
//! [`Env::from_vars`]) and the real [`DefaultHttpClient`] (ureq), as a
//! program deployed on ECS, EKS or EC2 reaches them.
//!
//! Every server stops when its test ends; requests a server still holds
//! (the slow ones) are abandoned.
#![cfg(feature = "network-credentials")]

use std::io::ErrorKind;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use http_sigv4::{
    region_from_imds, ContainerProvider, DefaultChain, DefaultHttpClient, EndpointProblem, Env,
    Error, HttpClient, ImdsProvider, ProvideCredentials,
};

/// A request as the stand-in saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the stand-in answers: status, body, and a delay before answering.
struct Answer {
    status: u16,
    body: Vec<u8>,
    delay: Duration,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn new(status: u16, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            body: body.into(),
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Answer + Send + Sync;

struct StandIn {
    server: Arc<tiny_http::Server>,
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl StandIn {
    fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> StandIn {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let (srv, log) = (server.clone(), seen.clone());
        thread::spawn(move || {
            for request in srv.incoming_requests() {
                let seen = Seen {
                    method: request.method().to_string(),
                    path: request.url().to_owned(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|h| (h.field.to_string(), h.value.to_string()))
                        .collect(),
                };
                log.lock().unwrap().push(seen.clone());
                let handler = handler.clone();
                // One thread per request: a slow answer holds up no other.
                thread::spawn(move || {
                    let answer = handler(&seen);
                    thread::sleep(answer.delay);
                    let mut response =
                        tiny_http::Response::from_data(answer.body).with_status_code(answer.status);
                    for (name, value) in answer.headers {
                        response.add_header(tiny_http::Header::from_bytes(name, value).unwrap());
                    }
                    let _ = request.respond(response);
                });
            }
        });
        StandIn { server, port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

const EXPIRATION: &str = "2030-01-01T00:00:00Z";

fn credentials_json(key_id: &str) -> String {
    format!(
        r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{key_id}","SecretAccessKey":"secret-{key_id}","Token":"token-{key_id}","Expiration":"{EXPIRATION}"}}"#
    )
}

/// An environment with an empty home (no profiles) and these variables.
fn env(home: &tempfile::TempDir, vars: &[(&str, &str)]) -> Env {
    let home = home.path().to_str().unwrap().to_owned();
    Env::from_vars(
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .chain([("HOME".to_string(), home)]),
    )
}

/// A stand-in for the container endpoint that wants `Authorization`.
fn container_endpoint() -> StandIn {
    StandIn::start(
        |seen| match (seen.method.as_str(), seen.header("authorization")) {
            ("GET", Some(token)) => Answer::new(
                200,
                credentials_json(&format!("ASIA{}", token.to_uppercase())),
            ),
            _ => Answer::new(401, r#"{"message":"no authorization"}"#),
        },
    )
}

#[test]
fn container_endpoint_through_the_full_uri_and_a_token_variable() {
    let server = container_endpoint();
    let home = tempfile::tempdir().unwrap();
    let uri = server.url("/v1/credentials");
    let vars = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    // Directly, and as the default chain finds it (no keys, no profile).
    for creds in [
        ContainerProvider::new()
            .env(env(&home, &vars))
            .provide_credentials(),
        DefaultChain::new()
            .env(env(&home, &vars))
            .provide_credentials(),
    ] {
        let creds = creds.unwrap();
        assert_eq!(creds.access_key_id(), "ASIATOK");
        assert_eq!(creds.secret_access_key(), "secret-ASIATOK");
        assert_eq!(creds.session_token(), Some("token-ASIATOK"));
        assert_eq!(
            creds.expiry(),
            Some(std::time::UNIX_EPOCH + Duration::from_secs(1_893_456_000))
        );
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(
            (s.method.as_str(), s.path.as_str()),
            ("GET", "/v1/credentials")
        );
        assert_eq!(s.header("authorization"), Some("tok"));
        assert_eq!(s.header("accept"), Some("application/json"));
    }
}

#[test]
fn container_token_file_is_read_again_at_every_fetch_and_wins() {
    let server = container_endpoint();
    let home = tempfile::tempdir().unwrap();
    let token_file = home.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, "first\n").unwrap();
    let uri = server.url("/v1/credentials");
    let provider = ContainerProvider::new().env(env(
        &home,
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                token_file.to_str().unwrap(),
            ),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-variable"),
        ],
    ));
    assert_eq!(
        provider.provide_credentials().unwrap().access_key_id(),
        "ASIAFIRST"
    );
    std::fs::write(&token_file, "second").unwrap();
    assert_eq!(
        provider.provide_credentials().unwrap().access_key_id(),
        "ASIASECOND"
    );
    let tokens: Vec<_> = server
        .seen()
        .iter()
        .map(|s| s.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(tokens, ["first", "second"]);
    // The file gone: a typed error naming it, and nothing sent.
    std::fs::remove_file(&token_file).unwrap();
    match provider.provide_credentials() {
        Err(Error::ContainerCredentials(EndpointProblem::TokenFileUnreadable { path, .. })) => {
            assert_eq!(path, token_file)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn full_uri_with_plain_http_to_another_host_is_refused_before_sending() {
    let home = tempfile::tempdir().unwrap();
    let start = Instant::now();
    for (uri, host) in [
        ("http://192.0.2.10/credentials", "192.0.2.10"),
        (
            "http://metadata.example.com:8080/credentials",
            "metadata.example.com",
        ),
    ] {
        let provider = ContainerProvider::new().env(env(
            &home,
            &[
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t"),
            ],
        ));
        let err = provider.provide_credentials().unwrap_err();
        assert_eq!(
            err,
            Error::ContainerCredentials(EndpointProblem::HostNotAllowed { host: host.into() })
        );
        assert!(err.to_string().contains("use https"), "{err}");
    }
    // Refused without connecting anywhere (192.0.2.10 would time out).
    assert!(start.elapsed() < Duration::from_secs(1));
}

/// A stand-in for IMDSv2: a session token from `PUT`, required (else 401)
/// on every `GET`.
fn imds(role: &'static str) -> StandIn {
    const TOKEN: &str = "AQAEAKQRRHnsX8GCPgYTGMShrFJkMhru3n-8Ul5Gzvzj-bpWKYZuiw==";
    StandIn::start(move |seen| {
        if seen.method == "PUT" && seen.path == "/latest/api/token" {
            return match seen.header("x-aws-ec2-metadata-token-ttl-seconds") {
                Some(_) => {
                    let mut answer = Answer::new(200, TOKEN);
                    answer
                        .headers
                        .push(("x-aws-ec2-metadata-token-ttl-seconds", "21600".into()));
                    answer
                }
                None => Answer::new(400, "missing ttl"),
            };
        }
        if seen.header("x-aws-ec2-metadata-token") != Some(TOKEN) {
            return Answer::new(401, "");
        }
        match seen.path.as_str() {
            "/latest/meta-data/iam/security-credentials/" => Answer::new(200, role),
            "/latest/meta-data/placement/region" => Answer::new(200, "ap-southeast-2"),
            path if path == format!("/latest/meta-data/iam/security-credentials/{role}") => {
                Answer::new(200, credentials_json("ASIAIMDS"))
            }
            _ => Answer::new(404, "<html>not found</html>"),
        }
    })
}

#[test]
fn instance_metadata_v2_session_token_role_and_credentials() {
    let server = imds("web-server-role");
    let home = tempfile::tempdir().unwrap();
    let endpoint = server.url("");
    let vars = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())];
    for creds in [
        ImdsProvider::new()
            .env(env(&home, &vars))
            .provide_credentials(),
        DefaultChain::new()
            .env(env(&home, &vars))
            .provide_credentials(),
    ] {
        let creds = creds.unwrap();
        assert_eq!(creds.access_key_id(), "ASIAIMDS");
        assert_eq!(creds.session_token(), Some("token-ASIAIMDS"));
    }
    let seen = server.seen();
    let calls: Vec<_> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str()))
        .collect();
    let one_fetch = [
        ("PUT", "/latest/api/token"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
        (
            "GET",
            "/latest/meta-data/iam/security-credentials/web-server-role",
        ),
    ];
    assert_eq!(calls, [one_fetch, one_fetch].concat());
    assert_eq!(
        seen[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    // The token `PUT` has a sized, empty body (as botocore sends it), not
    // an empty chunked one, and the `GET`s have none.
    assert_eq!(seen[0].header("content-length"), Some("0"));
    assert_eq!(seen[0].header("transfer-encoding"), None);
    for get in &seen[1..3] {
        assert_eq!(get.header("content-length"), None);
        assert_eq!(get.header("transfer-encoding"), None);
    }
    assert_eq!(
        region_from_imds(&env(&home, &vars)).unwrap(),
        "ap-southeast-2"
    );
}

#[test]
fn instance_metadata_endpoint_from_the_profile() {
    let server = imds("role");
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[profile ec2]\nec2_metadata_service_endpoint = {}\n",
            server.url("/")
        ),
    )
    .unwrap();
    let creds = ImdsProvider::new()
        .env(env(&home, &[("AWS_PROFILE", "ec2")]))
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
}

#[test]
fn instance_metadata_answering_401_is_a_typed_error_not_a_retry_loop() {
    // A stand-in that accepts no session token (as after a restart).
    let server = StandIn::start(|seen| match seen.method.as_str() {
        "PUT" => Answer::new(200, "token"),
        _ => Answer::new(401, ""),
    });
    let home = tempfile::tempdir().unwrap();
    let endpoint = server.url("");
    let err = ImdsProvider::new()
        .env(env(
            &home,
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())],
        ))
        .provide_credentials()
        .unwrap_err();
    assert_eq!(
        err,
        Error::InstanceMetadata(EndpointProblem::Status { status: 401 })
    );
    assert!(
        err.to_string().contains("refused the session token"),
        "{err}"
    );
    assert_eq!(server.seen().len(), 2, "{:?}", server.seen());
    // And the stand-in does want the token: without it, 401.
    let bare = http::Request::get(server.url("/latest/meta-data/iam/security-credentials/"))
        .body(Vec::new())
        .unwrap();
    let status = DefaultHttpClient::new()
        .send(bare, Duration::from_secs(5))
        .unwrap()
        .status();
    assert_eq!(status, 401);
}

/// A stand-in that answers only after `delay`.
fn slow(delay: Duration) -> StandIn {
    StandIn::start(move |_| {
        let mut answer = Answer::new(200, credentials_json("ASIALATE"));
        answer.delay = delay;
        answer
    })
}

#[test]
fn a_silent_container_endpoint_times_out_within_bounded_time() {
    let server = slow(Duration::from_secs(5));
    let home = tempfile::tempdir().unwrap();
    let uri = server.url("/creds");
    let timeout = Duration::from_millis(300);
    let start = Instant::now();
    let err = ContainerProvider::new()
        .env(env(
            &home,
            &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str())],
        ))
        .timeout(timeout)
        .provide_credentials()
        .unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(
        err,
        Error::ContainerCredentials(EndpointProblem::TimedOut { timeout })
    );
    // Two attempts of 300 ms, plus slack; far less than the 5 s delay.
    assert!(
        elapsed >= 2 * timeout && elapsed < Duration::from_millis(2000),
        "{elapsed:?}"
    );
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn a_silent_metadata_service_times_out_within_bounded_time() {
    let server = slow(Duration::from_secs(5));
    let home = tempfile::tempdir().unwrap();
    let endpoint = server.url("");
    let timeout = Duration::from_millis(300);
    let start = Instant::now();
    let err = ImdsProvider::new()
        .env(env(
            &home,
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())],
        ))
        .timeout(timeout)
        .provide_credentials()
        .unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(
        err,
        Error::InstanceMetadata(EndpointProblem::TimedOut { timeout })
    );
    assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
}

#[test]
fn default_chain_with_a_silent_metadata_service_returns_the_profile_error() {
    // Outside EC2: the chain ends with what to set, within about 2 s.
    let server = slow(Duration::from_secs(10));
    let home = tempfile::tempdir().unwrap();
    let endpoint = server.url("");
    let start = Instant::now();
    let err = DefaultChain::new()
        .env(env(
            &home,
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())],
        ))
        .provide_credentials()
        .unwrap_err();
    assert!(matches!(err, Error::ProfileNotFound { .. }), "{err:?}");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn default_client_caps_the_body_and_follows_no_redirect() {
    let server = StandIn::start(|seen| match seen.path.as_str() {
        "/large" => Answer::new(200, vec![b'x'; 2 * 1024 * 1024]),
        _ => {
            let mut answer = Answer::new(302, "");
            answer.headers.push(("location", "/large".into()));
            answer
        }
    });
    let client = DefaultHttpClient::new();
    let get = |path: &str| {
        http::Request::get(server.url(path))
            .body(Vec::new())
            .unwrap()
    };
    let err = client
        .send(get("/large"), Duration::from_secs(5))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData, "{err}");
    let redirect = client.send(get("/moved"), Duration::from_secs(5)).unwrap();
    assert_eq!(redirect.status(), 302);
    assert_eq!(
        server.seen().iter().filter(|s| s.path == "/large").count(),
        1,
        "the redirect was followed"
    );
}
