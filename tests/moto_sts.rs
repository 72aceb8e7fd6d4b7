//! Against a third-party STS: moto's server (`moto[server]`, pinned in
//! `tests/moto/run.sh`, which starts it on loopback and runs this file with
//! `SIGV4_MOTO_URL` set). Without `SIGV4_MOTO_URL` the tests say so and
//! pass without checking anything.
//!
//! `AssumeRole` (signed by this crate) and `AssumeRoleWithWebIdentity`
//! through the providers; then `GetCallerIdentity`, signed with the
//! assumed credentials, must name the assumed role and session.

#![cfg(feature = "network-credentials")]

use std::time::{Duration, SystemTime};

use http_sigv4::{
    AssumeRoleProvider, Credentials, Env, HttpClient, ProfileProvider, ProvideCredentials, Signer,
    WebIdentityProvider,
};

#[path = "support/ureq_client.rs"]
mod ureq_client;
use ureq_client::UreqClient;

const ROLE: &str = "arn:aws:iam::123456789012:role/http-sigv4-moto";

fn moto_url() -> Option<String> {
    let url = std::env::var("SIGV4_MOTO_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("SIGV4_MOTO_URL is not set: moto test not run (tests/moto/run.sh runs it)");
    }
    url
}

fn assert_temporary(creds: &Credentials, lasts: Duration) {
    assert!(creds.access_key_id().starts_with("ASIA"), "{creds:?}");
    assert!(!creds.secret_access_key().is_empty());
    assert!(creds.session_token().is_some_and(|t| !t.is_empty()));
    let left = creds
        .expiry()
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(
        left > lasts - Duration::from_secs(120) && left <= lasts + Duration::from_secs(5),
        "expires in {left:?}, asked for {lasts:?}"
    );
}

/// `GetCallerIdentity` signed with `creds`: the caller's ARN.
fn caller_arn(url: &str, creds: &Credentials) -> String {
    let mut request = http::Request::post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())
        .unwrap();
    Signer::new(creds.clone(), "us-east-1", "sts")
        .sign(&mut request)
        .unwrap();
    let response = UreqClient.send(request, Duration::from_secs(10)).unwrap();
    let body = String::from_utf8(response.into_body()).unwrap();
    let arn = body
        .split("<Arn>")
        .nth(1)
        .and_then(|rest| rest.split("</Arn>").next());
    arn.unwrap_or_else(|| panic!("no Arn in {body}")).to_owned()
}

#[test]
fn assume_role_signed_by_this_crate() {
    let Some(url) = moto_url() else { return };
    let base = Credentials::new("AKIDMOTOEXAMPLE", "moto-secret", None::<String>);
    let creds = AssumeRoleProvider::new(ROLE, base)
        .session_name("assume-role-test")
        .duration(Duration::from_secs(900))
        .region("us-east-1")
        .env(Env::from_vars([("AWS_ENDPOINT_URL_STS", url.as_str())]))
        .http_client(UreqClient)
        .provide_credentials()
        .unwrap();
    assert_temporary(&creds, Duration::from_secs(900));
    assert_eq!(
        caller_arn(&url, &creds),
        "arn:aws:sts::123456789012:assumed-role/http-sigv4-moto/assume-role-test"
    );
}

#[test]
fn assume_role_with_web_identity() {
    let Some(url) = moto_url() else { return };
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJwb2QifQ.\n").unwrap();
    let env = Env::from_vars([
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", ROLE),
        ("AWS_ROLE_SESSION_NAME", "web-identity-test"),
        ("AWS_ENDPOINT_URL", url.as_str()),
        ("HOME", dir.path().to_str().unwrap()),
    ]);
    let creds = WebIdentityProvider::new()
        .env(env)
        .http_client(UreqClient)
        .provide_credentials()
        .unwrap();
    // STS's default lifetime: one hour.
    assert_temporary(&creds, Duration::from_secs(3600));
}

#[test]
fn profile_role_chain() {
    let Some(url) = moto_url() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".aws")).unwrap();
    std::fs::write(
        dir.path().join(".aws/config"),
        format!(
            "[profile app]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = profile-test\n\
             duration_seconds = 1800\nregion = us-east-1\nendpoint_url = {url}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".aws/credentials"),
        "[base]\naws_access_key_id = AKIDMOTOBASE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    let env = Env::from_vars([
        ("HOME", dir.path().to_str().unwrap()),
        ("AWS_PROFILE", "app"),
    ]);
    let creds = ProfileProvider::new()
        .env(env)
        .http_client(UreqClient)
        .provide_credentials()
        .unwrap();
    assert_temporary(&creds, Duration::from_secs(1800));
    assert_eq!(
        caller_arn(&url, &creds),
        "arn:aws:sts::123456789012:assumed-role/http-sigv4-moto/profile-test"
    );
}
