//! Signing with credentials from providers: fixed and provided credentials
//! sign alike, provider errors surface from `sign`, rotated credentials
//! change the signing key, and the sources (environment, shared files,
//! credential_process) work end to end on temporary files and fixed
//! environments. No test reads the real home directory or `std::env`.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Request;
use http_sigv4::{
    region_from_env_or_profile, ApiGatewaySigner, CachingProvider, Credentials, DefaultChain, Env,
    Error, ProfileProvider, ProvideCredentials, Signer, Verifier,
};

/// The AWS suite's credentials and `get-vanilla` signature.
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const GET_VANILLA_SIGNATURE: &str =
    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

fn suite_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160) // 2015-08-30T12:36:00Z
}

fn get_vanilla() -> Request<()> {
    Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap()
}

fn authorization(req: &Request<()>) -> String {
    req.headers()["authorization"].to_str().unwrap().to_owned()
}

#[test]
fn a_provider_signs_like_fixed_credentials() {
    let signer = Signer::with_provider(
        || Ok(Credentials::new(AKID, SECRET, None::<String>)),
        "us-east-1",
        "service",
    );
    let mut req = get_vanilla();
    let out = signer.sign_at(&mut req, suite_time()).unwrap();
    assert_eq!(out.signature(), GET_VANILLA_SIGNATURE);

    // Query form: AWS suite get-vanilla, presigned.
    let mut req = get_vanilla();
    let out = signer
        .presign_at(&mut req, Duration::from_secs(3600), suite_time())
        .unwrap();
    assert_eq!(
        out.signature(),
        "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
    );
}

#[test]
fn provider_errors_surface_and_leave_the_request_alone() {
    let error = Error::CredentialsUnavailable {
        reason: "the vault is sealed".into(),
    };
    let failing = {
        let error = error.clone();
        move || Err(error.clone())
    };
    let signer = Signer::with_provider(failing.clone(), "us-east-1", "service");
    let apigw = ApiGatewaySigner::with_provider(failing, "us-east-1");
    let original = get_vanilla();

    let mut req = get_vanilla();
    assert_eq!(signer.sign(&mut req).unwrap_err(), error);
    assert_eq!(signer.sign_at(&mut req, suite_time()).unwrap_err(), error);
    assert_eq!(
        signer
            .presign_at(&mut req, Duration::from_secs(60), suite_time())
            .unwrap_err(),
        error
    );
    assert_eq!(apigw.sign_at(&mut req, suite_time()).unwrap_err(), error);
    let mut post = Request::post("https://abc.execute-api.us-east-1.amazonaws.com/p")
        .body("body")
        .unwrap();
    assert_eq!(
        apigw
            .presign_at(&mut post, Duration::from_secs(60), suite_time())
            .unwrap_err(),
        error
    );
    assert!(post.headers().is_empty(), "no content-length left behind");
    assert_eq!(req.uri(), original.uri());
    assert!(req.headers().is_empty());
}

#[test]
fn invalid_provided_credentials_are_checked_like_fixed_ones() {
    let signer = Signer::with_provider(
        || Ok(Credentials::new("AKID/WITH/SLASHES", "S", None::<String>)),
        "us-east-1",
        "service",
    );
    assert_eq!(
        signer
            .sign_at(&mut get_vanilla(), suite_time())
            .unwrap_err(),
        Error::InvalidCredentials {
            field: "access key id"
        }
    );
}

#[test]
fn rotated_credentials_sign_with_the_new_secret() {
    // Each call hands out the next of three key pairs; a signing key cached
    // for the first must not sign for the second.
    let pairs = [
        (AKID, SECRET),
        ("AKID2", "second-secret"),
        ("AKID2", "third-secret"),
    ];
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let signer = Signer::with_provider(
        move || {
            let (id, secret) = pairs[counter.fetch_add(1, Ordering::SeqCst) % 3];
            Ok(Credentials::new(id, secret, None::<String>))
        },
        "us-east-1",
        "service",
    );
    for (id, secret) in pairs {
        let mut provided = get_vanilla();
        let out = signer.sign_at(&mut provided, suite_time()).unwrap();
        let mut fixed = get_vanilla();
        let expected = Signer::new(
            Credentials::new(id, secret, None::<String>),
            "us-east-1",
            "service",
        )
        .sign_at(&mut fixed, suite_time())
        .unwrap();
        assert_eq!(out.signature(), expected.signature(), "{id}");
        assert_eq!(authorization(&provided), authorization(&fixed));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn provided_session_token_is_sent() {
    let signer = Signer::with_provider(
        || {
            Ok(Credentials::new(
                "ASIAEXAMPLE",
                SECRET,
                Some("TOKEN".to_owned()),
            ))
        },
        "us-east-1",
        "service",
    );
    let mut req = get_vanilla();
    let out = signer.sign_at(&mut req, suite_time()).unwrap();
    assert_eq!(req.headers()["x-amz-security-token"], "TOKEN");
    assert_eq!(out.signed_headers(), "host;x-amz-date;x-amz-security-token");
}

#[test]
fn signers_with_providers_are_send_sync_clone_and_debug_shows_no_secret() {
    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync_clone::<Signer>();
    assert_send_sync_clone::<ApiGatewaySigner>();
    let signer = Signer::with_provider(
        || Ok(Credentials::new(AKID, "do-not-show", None::<String>)),
        "us-east-1",
        "service",
    );
    let shown = format!("{signer:?} {:?}", signer.clone());
    assert!(!shown.contains("do-not-show"), "{shown}");
    // Shared between threads, each signing with the provider.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let signer = signer.clone();
            thread::spawn(move || {
                let mut req = get_vanilla();
                signer.sign_at(&mut req, suite_time()).unwrap();
                authorization(&req)
            })
        })
        .collect();
    let first = authorization(&{
        let mut r = get_vanilla();
        signer.sign_at(&mut r, suite_time()).unwrap();
        r
    });
    for handle in handles {
        assert_eq!(handle.join().unwrap(), first);
    }
}

/// A temporary home with `~/.aws/credentials` and `~/.aws/config`.
fn home(credentials: &str, config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".aws")).unwrap();
    fs::write(dir.path().join(".aws/credentials"), credentials).unwrap();
    fs::write(dir.path().join(".aws/config"), config).unwrap();
    dir
}

fn env(home: &Path, vars: &[(&str, &str)]) -> Env {
    Env::from_vars(
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .chain([("HOME".to_string(), home.to_str().unwrap().to_string())])
            // Instance metadata (feature network-credentials) off: no network.
            .chain([("AWS_EC2_METADATA_DISABLED".into(), "true".into())]),
    )
}

#[test]
fn newcomer_with_a_credentials_profile() {
    let home = home(
        &format!("[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n"),
        "[default]\nregion = us-east-1\n",
    );
    let env = env(home.path(), &[]);
    let region = region_from_env_or_profile(&env, None).unwrap();
    let signer = Signer::with_provider(
        CachingProvider::new(DefaultChain::new().env(env)),
        region,
        "service",
    );
    let mut req = get_vanilla();
    assert_eq!(
        signer.sign_at(&mut req, suite_time()).unwrap().signature(),
        GET_VANILLA_SIGNATURE
    );
}

#[test]
fn environment_keys_win_over_the_profile() {
    let home = home(
        "[default]\naws_access_key_id = FROMFILE\naws_secret_access_key = S\n",
        "[default]\nregion = eu-west-1\n",
    );
    let env = env(
        home.path(),
        &[
            ("AWS_ACCESS_KEY_ID", AKID),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
    );
    let signer = ApiGatewaySigner::with_provider(DefaultChain::new().env(env.clone()), "eu-west-1");
    let mut req = get_vanilla();
    signer.sign_at(&mut req, suite_time()).unwrap();
    assert!(authorization(&req).contains("Credential=AKIDEXAMPLE/20150830/eu-west-1/execute-api/"));
    // The named profile is read whatever the environment says.
    let profile = ProfileProvider::new().env(env).profile("default");
    assert_eq!(
        profile.provide_credentials().unwrap().access_key_id(),
        "FROMFILE"
    );
}

#[test]
fn signed_with_a_profile_verifies() {
    let home = home(
        "[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = ci-secret\naws_session_token = ci-token\n",
        "",
    );
    let provider = ProfileProvider::new().env(env(home.path(), &[("AWS_PROFILE", "ci")]));
    let signer = Signer::with_provider(CachingProvider::new(provider), "us-east-1", "sts");
    let mut req =
        Request::get("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15")
            .body(())
            .unwrap();
    signer.sign_at(&mut req, suite_time()).unwrap();
    let verifier = Verifier::new(
        |id: &str| {
            (id == "AKIDCI")
                .then(|| Credentials::new("AKIDCI", "ci-secret", Some("ci-token".to_owned())))
        },
        "us-east-1",
        "sts",
    );
    assert_eq!(
        verifier
            .verify_at(&req, suite_time())
            .unwrap()
            .access_key_id(),
        "AKIDCI"
    );
}

#[test]
fn profile_errors_surface_from_sign() {
    let home = home("[default]\naws_access_key_id = A\n", "");
    let signer = Signer::with_provider(
        ProfileProvider::new().env(env(home.path(), &[])),
        "us-east-1",
        "service",
    );
    let err = signer
        .sign_at(&mut get_vanilla(), suite_time())
        .unwrap_err();
    assert_eq!(
        err,
        Error::ProfileMissingKey {
            profile: "default".into(),
            path: home.path().join(".aws/credentials"),
            key: "aws_secret_access_key",
        }
    );
}

/// A credential process that prints `ASIA<n>` on its n-th run (counting in
/// a file), expiring at 2030-01-01.
#[cfg(unix)]
fn counting_process(dir: &Path) -> String {
    let script = dir.join("creds.sh");
    let count = dir.join("count");
    fs::write(&count, "0\n").unwrap();
    fs::write(
        &script,
        format!(
            "read n < '{count}'\n\
             n=$((n + 1))\n\
             echo $n > '{count}'\n\
             echo '{{\"Version\": 1, \"AccessKeyId\": \"ASIA'$n'\", \"SecretAccessKey\": \"S\", \
             \"SessionToken\": \"T\", \"Expiration\": \"2030-01-01T00:00:00Z\"}}'\n",
            count = count.display()
        ),
    )
    .unwrap();
    format!("/bin/sh {}", script.display())
}

#[cfg(unix)]
#[test]
fn credential_process_is_cached_until_the_margin_before_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let command = counting_process(dir.path());
    let home = home(
        "",
        &format!("[profile tools]\ncredential_process = {command}\n"),
    );
    let provider = ProfileProvider::new()
        .env(env(home.path(), &[]))
        .profile("tools");

    // 2030-01-01T00:00:00Z is 1893456000 s after the epoch.
    let expiry = 1_893_456_000;
    let now = Arc::new(AtomicU64::new(expiry - 3600));
    let clock = now.clone();
    let cache = CachingProvider::new(provider)
        .refresh_margin(Duration::from_secs(600))
        .clock(move || UNIX_EPOCH + Duration::from_secs(clock.load(Ordering::SeqCst)));
    let signer = Signer::with_provider(cache, "us-east-1", "service");

    let key_id_used = |signer: &Signer| {
        let mut req = get_vanilla();
        signer.sign_at(&mut req, suite_time()).unwrap();
        let auth = authorization(&req);
        auth.split("Credential=")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(key_id_used(&signer), "ASIA1");
    assert_eq!(
        key_id_used(&signer),
        "ASIA1",
        "cached: the process ran once"
    );
    now.store(expiry - 601, Ordering::SeqCst);
    assert_eq!(key_id_used(&signer), "ASIA1");
    now.store(expiry - 600, Ordering::SeqCst);
    // A margin before expiry: the cached credentials still sign while the
    // process runs again in the background.
    assert_eq!(key_id_used(&signer), "ASIA1");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while key_id_used(&signer) != "ASIA2" {
        assert!(std::time::Instant::now() < deadline, "never refreshed");
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("count")).unwrap().trim(),
        "2"
    );
}

#[cfg(unix)]
#[test]
fn credential_process_that_prints_expired_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("old.sh");
    fs::write(
        &script,
        "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"Expiration\":\"2020-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();
    let home = home(
        &format!(
            "[default]\ncredential_process = /bin/sh {}\n",
            script.display()
        ),
        "",
    );
    let signer = ApiGatewaySigner::with_provider(
        CachingProvider::new(DefaultChain::new().env(env(home.path(), &[]))),
        "us-east-1",
    );
    assert!(matches!(
        signer.sign_at(&mut get_vanilla(), suite_time()),
        Err(Error::CredentialsExpired { .. })
    ));
}
