use std::io;
use std::sync::Arc;
use std::sync::Mutex;

use super::*;

fn env(vars: &[(&str, &str)]) -> Env {
    Env::from_vars(vars.iter().copied())
}

fn full(uri: &str) -> Result<String, EndpointProblem> {
    endpoint(&env(&[(FULL_URI, uri)])).map(|u| u.to_string())
}

#[test]
fn relative_uri_goes_to_the_ecs_address_and_wins_over_the_full_uri() {
    let both = env(&[
        (RELATIVE_URI, "/v2/credentials/abc?x=1"),
        (FULL_URI, "http://localhost:8080/creds"),
    ]);
    assert_eq!(
        endpoint(&both).unwrap(),
        "http://169.254.170.2/v2/credentials/abc?x=1"
    );
    assert_eq!(
        endpoint(&env(&[(RELATIVE_URI, "creds")])).unwrap(),
        "http://169.254.170.2/creds"
    );
    assert_eq!(endpoint(&env(&[])), Err(EndpointProblem::NotConfigured));
}

#[test]
fn plain_http_only_to_loopback_and_aws_link_local_addresses() {
    for allowed in [
        "http://127.0.0.1:8080/creds",
        "http://127.3.4.5/creds",
        "http://[::1]:1234/creds",
        "http://localhost/creds",
        "http://LOCALHOST:80/creds",
        "http://169.254.170.2/v2/credentials",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
        "https://anywhere.example.com/creds",
        "https://10.0.0.1/creds",
    ] {
        assert_eq!(full(allowed).as_deref(), Ok(allowed), "{allowed}");
    }
    for (refused, host) in [
        ("http://example.com/creds", "example.com"),
        ("http://10.0.0.1/creds", "10.0.0.1"),
        ("http://169.254.170.3/creds", "169.254.170.3"),
        ("http://169.254.169.254/creds", "169.254.169.254"),
        ("http://[fd00:ec2::24]/creds", "[fd00:ec2::24]"),
        (
            "http://localhost.example.com/creds",
            "localhost.example.com",
        ),
        ("http://127.0.0.1.nip.io/creds", "127.0.0.1.nip.io"),
    ] {
        assert_eq!(
            full(refused),
            Err(EndpointProblem::HostNotAllowed { host: host.into() }),
            "{refused}"
        );
    }
}

#[test]
fn full_uri_must_be_absolute_http_or_https() {
    for (bad, problem) in [
        ("/credentials", "did not specify a host"),
        ("ftp://localhost/creds", "http or https"),
        ("http://local host/", "invalid"),
    ] {
        match full(bad) {
            Err(EndpointProblem::InvalidUri {
                setting,
                problem: p,
            }) => {
                assert_eq!(setting, FULL_URI);
                assert!(p.contains(problem), "{bad}: {p}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn token_file_wins_is_read_at_each_call_and_must_be_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    let path = file.to_str().unwrap();
    std::fs::write(&file, "first-token\n").unwrap();
    let e = env(&[(TOKEN_FILE, path), (TOKEN, "from-variable")]);
    let header = |e: &Env| authorization(e).map(|h| h.map(|v| v.to_str().unwrap().to_owned()));
    assert_eq!(header(&e), Ok(Some("first-token".into())));
    std::fs::write(&file, "second-token").unwrap();
    assert_eq!(header(&e), Ok(Some("second-token".into())));
    assert!(authorization(&e).unwrap().unwrap().is_sensitive());
    std::fs::write(&file, "two\nlines").unwrap();
    assert_eq!(
        header(&e),
        Err(EndpointProblem::InvalidAuthorizationToken {
            setting: TOKEN_FILE
        })
    );
    assert_eq!(
        header(&env(&[(TOKEN, "from-variable")])),
        Ok(Some("from-variable".into()))
    );
    assert_eq!(
        header(&env(&[(TOKEN, "bad\rtoken")])),
        Err(EndpointProblem::InvalidAuthorizationToken { setting: TOKEN })
    );
    assert_eq!(header(&env(&[])), Ok(None));
    std::fs::remove_file(&file).unwrap();
    match header(&e) {
        Err(EndpointProblem::TokenFileUnreadable { path: p, reason }) => {
            assert_eq!(p, file);
            assert!(!reason.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

/// Answers with the statuses in order and records the requests.
struct Script {
    statuses: Mutex<Vec<u16>>,
    seen: Mutex<Vec<http::Request<Vec<u8>>>>,
}

impl HttpClient for Arc<Script> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _: Duration,
    ) -> io::Result<http::Response<Vec<u8>>> {
        self.seen.lock().unwrap().push(request);
        let status = self.statuses.lock().unwrap().remove(0);
        let body = br#"{"AccessKeyId":"ASIA","SecretAccessKey":"S","Token":"T"}"#.to_vec();
        Ok(http::Response::builder().status(status).body(body).unwrap())
    }
}

fn run(
    statuses: &[u16],
    vars: &[(&str, &str)],
) -> (Result<Credentials, Error>, Vec<http::Request<Vec<u8>>>) {
    let script = Arc::new(Script {
        statuses: Mutex::new(statuses.to_vec()),
        seen: Mutex::default(),
    });
    let result = ContainerProvider::new()
        .env(env(vars))
        .http_client(script.clone())
        .provide_credentials();
    let seen = std::mem::take(&mut *script.seen.lock().unwrap());
    (result, seen)
}

#[test]
fn sends_accept_and_authorization_and_reads_the_answer() {
    let (result, seen) = run(
        &[200],
        &[(FULL_URI, "http://127.0.0.1:1/creds"), (TOKEN, "tok")],
    );
    assert_eq!(result.unwrap().session_token(), Some("T"));
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method(), http::Method::GET);
    assert_eq!(seen[0].headers()["accept"], "application/json");
    assert_eq!(seen[0].headers()["authorization"], "tok");
}

#[test]
fn a_server_error_is_tried_once_more_a_client_error_is_not() {
    let vars = [(RELATIVE_URI, "/creds")];
    let (result, seen) = run(&[503, 200], &vars);
    assert!(result.is_ok());
    assert_eq!(seen.len(), 2);
    let (result, seen) = run(&[503, 502], &vars);
    assert_eq!(
        result.unwrap_err(),
        Error::ContainerCredentials(EndpointProblem::Status { status: 502 })
    );
    assert_eq!(seen.len(), 2);
    let (result, seen) = run(&[403, 200], &vars);
    assert_eq!(
        result.unwrap_err(),
        Error::ContainerCredentials(EndpointProblem::Status { status: 403 })
    );
    assert_eq!(seen.len(), 1);
}

#[test]
fn debug_hides_the_token() {
    let provider = ContainerProvider::new().env(env(&[(TOKEN, "very-secret-token")]));
    let shown = format!("{provider:?}");
    assert!(!shown.contains("very-secret-token"), "{shown}");
    assert!(shown.contains("ContainerProvider"), "{shown}");
}
