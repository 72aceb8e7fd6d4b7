//! Secrets never appear in `Debug` or `Display` output: every public type
//! that holds credentials (or a canonical request with a session token) is
//! formatted with `{:?}`, `{:#?}` and, where it has one, `{}`, and the
//! output is searched for the secret key and the session token.

use std::time::{Duration, UNIX_EPOCH};

use http_sigv4::{
    ApiGatewaySigner, CachingProvider, Credentials, DefaultChain, Env, EnvProvider, Error,
    ProcessProvider, ProfileProvider, Signer, Verifier,
};

const SECRET: &str = "s3cr3t-K3Y-value-0123456789";
const TOKEN: &str = "t0k3n-VALUE-abcdefghijkl";

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.to_owned()))
}

fn env() -> Env {
    Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
        ("HOME", "/nonexistent-home-for-tests"),
    ])
}

#[track_caller]
fn assert_hidden(what: &str, shown: &str) {
    assert!(!shown.contains(SECRET), "{what} shows the secret: {shown}");
    assert!(!shown.contains(TOKEN), "{what} shows the token: {shown}");
}

fn debug_forms<T: std::fmt::Debug>(value: &T) -> String {
    format!("{value:?}\n{value:#?}")
}

#[test]
fn credential_holders_never_show_secrets() {
    let signer = Signer::new(creds(), "us-east-1", "service");
    let forms = [
        ("Credentials", debug_forms(&creds())),
        ("Signer", debug_forms(&signer)),
        (
            "Signer::with_provider",
            debug_forms(&Signer::with_provider(creds(), "us-east-1", "service")),
        ),
        (
            "ApiGatewaySigner",
            debug_forms(&ApiGatewaySigner::new(creds(), "us-east-1")),
        ),
        ("Env", debug_forms(&env())),
        ("EnvProvider", debug_forms(&EnvProvider::new().env(env()))),
        (
            "ProfileProvider",
            debug_forms(&ProfileProvider::new().env(env())),
        ),
        ("DefaultChain", debug_forms(&DefaultChain::new().env(env()))),
        (
            "ProcessProvider",
            debug_forms(&ProcessProvider::new(format!("printf {SECRET}")).env(env())),
        ),
        (
            "CachingProvider",
            debug_forms(&CachingProvider::new(EnvProvider::new().env(env()))),
        ),
        (
            "Verifier",
            debug_forms(&Verifier::new(
                |_: &str| Some(creds()),
                "us-east-1",
                "service",
            )),
        ),
    ];
    for (what, shown) in &forms {
        assert_hidden(what, shown);
    }
    // The access key id is not a secret and helps debugging.
    assert!(forms[0].1.contains("AKIDEXAMPLE"));
}

#[test]
fn a_caching_provider_that_has_fetched_still_hides_them() {
    use http_sigv4::ProvideCredentials;
    let provider = CachingProvider::new(EnvProvider::new().env(env()));
    let fetched = provider.provide_credentials().unwrap();
    assert_eq!(fetched.secret_access_key(), SECRET);
    assert_hidden("CachingProvider after a fetch", &debug_forms(&provider));
}

#[test]
fn signing_output_and_errors_hide_the_token() {
    let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let signer = Signer::new(creds(), "us-east-1", "service");

    let mut req = http::Request::get("https://h/").body(()).unwrap();
    let out = signer.sign_at(&mut req, time).unwrap();
    assert!(
        out.canonical_request().contains(TOKEN),
        "the accessor is exact"
    );
    assert_hidden("SigningOutput (header)", &debug_forms(&out));

    let mut url = http::Request::get("https://h/").body(()).unwrap();
    let out = signer
        .presign_at(&mut url, Duration::from_secs(60), time)
        .unwrap();
    assert_hidden("SigningOutput (presigned)", &debug_forms(&out));

    // A server whose secret differs: the mismatch carries its canonical
    // request, with the client's token redacted.
    let other = Credentials::new("AKIDEXAMPLE", "other-secret", Some(TOKEN.to_owned()));
    let verifier = Verifier::new(move |_: &str| Some(other.clone()), "us-east-1", "service");
    for signed in [&req, &url] {
        let err = verifier.verify_at(signed, time).unwrap_err();
        assert!(matches!(err, Error::SignatureMismatch { .. }), "{err:?}");
        assert_hidden(
            "Error::SignatureMismatch",
            &format!("{err}\n{err:?}\n{err:#?}"),
        );
    }
}

#[test]
fn provider_errors_hide_the_secret() {
    // A credential_process whose output is not JSON but holds the secret:
    // the error names the program, never its output.
    let provider = ProcessProvider::new(format!("echo {SECRET} {TOKEN}")).env(env());
    use http_sigv4::ProvideCredentials;
    let err = provider.provide_credentials().unwrap_err();
    assert_hidden("credential_process error", &format!("{err}\n{err:?}"));
}

#[cfg(feature = "sigv4a")]
#[test]
fn sigv4a_signer_hides_them() {
    let signer = http_sigv4::SigV4aSigner::new(creds(), "*", "service");
    assert_hidden("SigV4aSigner", &debug_forms(&signer));
}

#[cfg(feature = "tower")]
#[test]
fn tower_layer_hides_them() {
    let layer = http_sigv4::SigningLayer::new(Signer::new(creds(), "us-east-1", "service"));
    assert_hidden("SigningLayer", &debug_forms(&layer));
}

#[cfg(feature = "reqwest-middleware")]
#[test]
fn reqwest_middleware_hides_them() {
    let middleware =
        http_sigv4::SigningMiddleware::new(ApiGatewaySigner::new(creds(), "us-east-1"));
    assert_hidden("SigningMiddleware", &debug_forms(&middleware));
}

#[cfg(feature = "network-credentials")]
#[test]
fn network_providers_hide_them() {
    use http_sigv4::{AssumeRoleProvider, SsoProvider, WebIdentityProvider};
    struct Offline;
    impl http_sigv4::HttpClient for Offline {
        fn send(
            &self,
            _: http::Request<Vec<u8>>,
            _: Duration,
        ) -> std::io::Result<http::Response<Vec<u8>>> {
            Err(std::io::ErrorKind::NotConnected.into())
        }
    }
    let forms = [
        (
            "AssumeRoleProvider",
            debug_forms(
                &AssumeRoleProvider::new("arn:aws:iam::1:role/r", creds())
                    .external_id("x")
                    .env(env())
                    .http_client(Offline),
            ),
        ),
        (
            "WebIdentityProvider",
            debug_forms(&WebIdentityProvider::new().env(env()).http_client(Offline)),
        ),
        (
            "SsoProvider",
            debug_forms(&SsoProvider::new().env(env()).http_client(Offline)),
        ),
        (
            "DefaultChain::http_client",
            debug_forms(&DefaultChain::new().env(env()).http_client(Offline)),
        ),
    ];
    for (what, shown) in &forms {
        assert_hidden(what, shown);
    }
    // The source's secret signs the request but is not in the error.
    use http_sigv4::ProvideCredentials;
    let err = AssumeRoleProvider::new("arn:aws:iam::1:role/r", creds())
        .env(env())
        .http_client(Offline)
        .provide_credentials()
        .unwrap_err();
    assert_hidden("AssumeRole error", &format!("{err}\n{err:?}"));
}
