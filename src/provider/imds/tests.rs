use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use super::*;

/// Method, URI, TTL header and token header of a request.
type Seen = (String, String, Option<String>, Option<String>);

/// A stand-in for the metadata service: answers by method and path, and
/// records what it was asked.
#[derive(Default)]
struct FakeImds {
    /// (method, path) → (status, body); missing: 404.
    routes: Vec<(&'static str, &'static str, u16, &'static str)>,
    /// When set, every request fails with a timeout.
    down: AtomicBool,
    seen: Mutex<Vec<Seen>>,
    calls: AtomicUsize,
}

impl HttpClient for Arc<FakeImds> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _: Duration,
    ) -> io::Result<http::Response<Vec<u8>>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let header = |name| {
            request
                .headers()
                .get(name)
                .map(|v: &http::HeaderValue| v.to_str().unwrap().to_owned())
        };
        self.seen.lock().unwrap().push((
            request.method().to_string(),
            request.uri().to_string(),
            header(TOKEN_TTL_HEADER),
            header(TOKEN_HEADER),
        ));
        if self.down.load(Ordering::SeqCst) {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let (status, body) = self
            .routes
            .iter()
            .find(|(m, p, ..)| *m == request.method().as_str() && *p == request.uri().path())
            .map(|(.., s, b)| (*s, *b))
            .unwrap_or((404, "not found"));
        Ok(http::Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap())
    }
}

const CREDS: &str = r#"{"Code":"Success","LastUpdated":"2021-09-20T21:42:26Z","Type":"AWS-HMAC","AccessKeyId":"ASIARTEST","SecretAccessKey":"testsecret","Token":"testtoken","Expiration":"2021-09-21T04:16:53Z"}"#;
/// 2021-09-21T04:16:53Z, the expiry of [`CREDS`].
const EXPIRY: u64 = 1_632_197_813;

fn imds(routes: Vec<(&'static str, &'static str, u16, &'static str)>) -> Arc<FakeImds> {
    Arc::new(FakeImds {
        routes,
        ..FakeImds::default()
    })
}

fn healthy() -> Arc<FakeImds> {
    imds(vec![
        ("PUT", TOKEN_PATH, 200, "imdstoken"),
        ("GET", CREDENTIALS_PATH, 200, "my-role\n"),
        (
            "GET",
            "/latest/meta-data/iam/security-credentials/my-role",
            200,
            CREDS,
        ),
        ("GET", REGION_PATH, 200, "eu-west-3\n"),
    ])
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn provider(fake: &Arc<FakeImds>, vars: &[(&str, &str)]) -> ImdsProvider {
    let vars = vars.iter().copied().chain([("HOME", "/nonexistent-home")]);
    ImdsProvider::new()
        .env(Env::from_vars(vars))
        .http_client(fake.clone())
        .clock(|| at(EXPIRY - 3600))
}

#[test]
fn token_then_role_then_credentials_with_the_session_token() {
    let fake = healthy();
    let creds = provider(&fake, &[]).provide_credentials().unwrap();
    assert_eq!(
        (
            creds.access_key_id(),
            creds.secret_access_key(),
            creds.session_token()
        ),
        ("ASIARTEST", "testsecret", Some("testtoken"))
    );
    assert_eq!(creds.expiry(), Some(at(EXPIRY)));
    let seen = fake.seen.lock().unwrap();
    let token = Some("imdstoken".to_owned());
    assert_eq!(
        *seen,
        [
            (
                "PUT".into(),
                "http://169.254.169.254/latest/api/token".into(),
                Some("21600".into()),
                None
            ),
            (
                "GET".into(),
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/".into(),
                None,
                token.clone()
            ),
            (
                "GET".into(),
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role".into(),
                None,
                token
            ),
        ]
    );
}

#[test]
fn disabled_by_the_variable_in_any_case_asks_nothing() {
    for value in ["true", "True", "TRUE"] {
        let fake = healthy();
        let err = provider(&fake, &[(DISABLED, value)])
            .provide_credentials()
            .unwrap_err();
        assert_eq!(err, Error::InstanceMetadata(EndpointProblem::NotConfigured));
        assert_eq!(fake.calls.load(Ordering::SeqCst), 0);
    }
    let fake = healthy();
    assert!(provider(&fake, &[(DISABLED, "false")])
        .provide_credentials()
        .is_ok());
}

#[test]
fn no_role_forbidden_token_and_bad_role_names_are_typed() {
    let no_role = imds(vec![("PUT", TOKEN_PATH, 200, "t")]);
    assert_eq!(
        provider(&no_role, &[]).provide_credentials().unwrap_err(),
        Error::InstanceMetadata(EndpointProblem::NoRole)
    );
    let empty_list = imds(vec![
        ("PUT", TOKEN_PATH, 200, "t"),
        ("GET", CREDENTIALS_PATH, 200, "\n"),
    ]);
    assert_eq!(
        provider(&empty_list, &[])
            .provide_credentials()
            .unwrap_err(),
        Error::InstanceMetadata(EndpointProblem::NoRole)
    );
    let forbidden = imds(vec![("PUT", TOKEN_PATH, 403, "")]);
    let err = provider(&forbidden, &[]).provide_credentials().unwrap_err();
    assert_eq!(
        err,
        Error::InstanceMetadata(EndpointProblem::Status { status: 403 })
    );
    // The AWS SDK for Rust's message for this case (`imds_token_fail`).
    assert!(
        err.to_string()
            .contains("request forbidden: IMDS is disabled"),
        "{err}"
    );
    let odd_role = imds(vec![
        ("PUT", TOKEN_PATH, 200, "t"),
        ("GET", CREDENTIALS_PATH, 200, "../x"),
    ]);
    assert!(matches!(
        provider(&odd_role, &[]).provide_credentials(),
        Err(Error::InstanceMetadata(
            EndpointProblem::InvalidResponse { .. }
        ))
    ));
}

#[test]
fn a_refresh_that_fails_hands_out_the_last_credentials_extended_with_a_warning() {
    let fake = healthy();
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = warnings.clone();
    let now = Arc::new(AtomicUsize::new((EXPIRY - 3600) as usize));
    let clock = now.clone();
    let provider = provider(&fake, &[])
        .clock(move || at(clock.load(Ordering::SeqCst) as u64))
        .on_stale_credentials(move |e| sink.lock().unwrap().push(e.clone()));
    let clone = provider.clone();
    assert_eq!(
        provider.provide_credentials().unwrap().expiry(),
        Some(at(EXPIRY))
    );
    assert!(warnings.lock().unwrap().is_empty());

    fake.down.store(true, Ordering::SeqCst);
    now.store((EXPIRY + 60) as usize, Ordering::SeqCst);
    // A clone shares what was fetched.
    let stale = clone.provide_credentials().unwrap();
    assert_eq!(stale.access_key_id(), "ASIARTEST");
    let expiry = stale.expiry().unwrap();
    assert!(
        expiry >= at(EXPIRY + 60 + 300) && expiry < at(EXPIRY + 60 + 600),
        "{expiry:?}"
    );
    let timed_out = Error::InstanceMetadata(EndpointProblem::TimedOut {
        timeout: DEFAULT_TIMEOUT,
    });
    assert_eq!(*warnings.lock().unwrap(), [timed_out]);
    // A provider that never fetched anything has nothing to fall back on.
    let fresh = ImdsProvider::new()
        .env(Env::from_vars([("HOME", "/nonexistent-home")]))
        .http_client(fake.clone());
    assert!(matches!(
        fresh.provide_credentials(),
        Err(Error::InstanceMetadata(EndpointProblem::TimedOut { .. }))
    ));
}

#[test]
fn expired_credentials_from_the_service_are_extended_with_a_warning() {
    let fake = healthy();
    let warned = Arc::new(AtomicUsize::new(0));
    let count = warned.clone();
    let creds = provider(&fake, &[])
        .clock(|| at(EXPIRY + 10))
        .on_stale_credentials(move |e| {
            assert_eq!(
                *e,
                Error::CredentialsExpired {
                    expired_at: at(EXPIRY)
                }
            );
            count.fetch_add(1, Ordering::SeqCst);
        })
        .provide_credentials()
        .unwrap();
    assert!(creds.expiry().unwrap() >= at(EXPIRY + 10 + 300));
    assert_eq!(warned.load(Ordering::SeqCst), 1);
}

#[test]
fn region_comes_from_placement() {
    let fake = healthy();
    assert_eq!(provider(&fake, &[]).region().unwrap(), "eu-west-3");
    let bad = imds(vec![
        ("PUT", TOKEN_PATH, 200, "t"),
        ("GET", REGION_PATH, 200, "<html>"),
    ]);
    assert!(matches!(
        provider(&bad, &[]).region(),
        Err(Error::InstanceMetadata(
            EndpointProblem::InvalidResponse { .. }
        ))
    ));
    assert_eq!(
        provider(&fake, &[(DISABLED, "true")]).region().unwrap_err(),
        Error::InstanceMetadata(EndpointProblem::NotConfigured)
    );
}

#[test]
fn endpoint_mode_and_profile_settings_choose_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile dev]\nec2_metadata_service_endpoint_mode = IPv6\n",
    )
    .unwrap();
    let fake = healthy();
    let vars = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_PROFILE", "dev"),
    ];
    provider(&fake, &vars).provide_credentials().unwrap();
    assert_eq!(
        fake.seen.lock().unwrap()[0].1,
        "http://[fd00:ec2::254]/latest/api/token"
    );
    let fake = healthy();
    provider(&fake, &vars)
        .endpoint("http://127.0.0.1:1338/")
        .provide_credentials()
        .unwrap();
    assert_eq!(
        fake.seen.lock().unwrap()[0].1,
        "http://127.0.0.1:1338/latest/api/token"
    );
}
