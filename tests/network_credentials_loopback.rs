//! End to end on loopback: a stand-in for STS and the IAM Identity Center
//! portal (`tiny_http` on 127.0.0.1, an ephemeral port) reached only through
//! the standard endpoint variables, as a deployed program would reach the
//! real ones. The stand-in checks `AssumeRole`'s signature with this
//! crate's own [`Verifier`] and answers `SignatureDoesNotMatch` when it is
//! wrong; requests go through a small ureq client.

#![cfg(feature = "network-credentials")]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use http_sigv4::{
    AssumeRoleProvider, Credentials, DefaultChain, Env, Error, ProvideCredentials, Verifier,
};

#[path = "support/ureq_client.rs"]
mod ureq_client;
use ureq_client::UreqClient;

const REGION: &str = "eu-west-1";

fn base() -> Credentials {
    Credentials::new("AKIDBASE", "base-secret", None::<String>)
}

fn xml_credentials(key_id: &str) -> String {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <Credentials><AccessKeyId>{key_id}</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey>\
         <SessionToken>tok</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>\
         </Credentials></AssumeRoleResult></AssumeRoleResponse>"
    )
}

fn xml_error(code: &str) -> String {
    format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>no</Message></Error></ErrorResponse>")
}

/// What the stand-in answers to `request`.
fn answer(request: &http::Request<Vec<u8>>) -> (u16, String) {
    if request.uri().path() == "/federation/credentials" {
        let token = request.headers().get("x-amz-sso_bearer_token");
        if token.is_none_or(|t| t != "sso-token") {
            return (
                401,
                r#"{"message":"Session token not found or invalid"}"#.into(),
            );
        }
        let query = request.uri().query().unwrap_or_default();
        if query != "account_id=111122223333&role_name=Admin" {
            return (400, format!(r#"{{"message":"unexpected query {query}"}}"#));
        }
        let json = r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"s","sessionToken":"t","expiration":1893456000000}}"#;
        return (200, json.into());
    }
    let body = String::from_utf8_lossy(request.body()).into_owned();
    if body.starts_with("Action=AssumeRoleWithWebIdentity&") {
        return match body.ends_with("&WebIdentityToken=web-token")
            && request.headers().get("authorization").is_none()
        {
            true => (200, xml_credentials("ASIAWEB")),
            false => (400, xml_error("InvalidIdentityToken")),
        };
    }
    if body.starts_with("Action=AssumeRole&") {
        let keys = HashMap::from([("AKIDBASE".to_owned(), base())]);
        return match Verifier::new(keys, REGION, "sts").verify(request) {
            Ok(_) => (200, xml_credentials("ASIAROLE")),
            Err(_) => (403, xml_error("SignatureDoesNotMatch")),
        };
    }
    (400, xml_error("InvalidAction"))
}

/// The stand-in's URL and the requests it saw (method and path).
fn stand_in() -> (String, Arc<Mutex<Vec<String>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut incoming in server.incoming_requests() {
            let mut body = Vec::new();
            incoming.as_reader().read_to_end(&mut body).unwrap();
            let mut request = http::Request::builder()
                .method(incoming.method().as_str())
                .uri(incoming.url());
            for header in incoming.headers() {
                request = request.header(header.field.as_str().as_str(), header.value.as_str());
            }
            let request = request.body(body).unwrap();
            log.lock()
                .unwrap()
                .push(format!("{} {}", request.method(), request.uri().path()));
            let (status, reply) = answer(&request);
            let _ =
                incoming.respond(tiny_http::Response::from_string(reply).with_status_code(status));
        }
    });
    (url, seen)
}

/// A home directory with `config` and `credentials` files.
fn home(config: &str, credentials: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".aws/sso/cache")).unwrap();
    std::fs::write(dir.path().join(".aws/config"), config).unwrap();
    std::fs::write(dir.path().join(".aws/credentials"), credentials).unwrap();
    dir
}

fn env(home: &tempfile::TempDir, vars: &[(&str, &str)]) -> Env {
    let home = home.path().to_str().unwrap();
    Env::from_vars(vars.iter().copied().chain([("HOME", home)]))
}

#[test]
fn profile_role_is_assumed_with_a_verified_signature() {
    let (url, seen) = stand_in();
    let home = home(
        "[profile app]\nrole_arn = arn:aws:iam::111122223333:role/app\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    let vars = [
        ("AWS_PROFILE", "app"),
        ("AWS_REGION", REGION),
        ("AWS_ENDPOINT_URL_STS", url.as_str()),
    ];
    let creds = DefaultChain::new()
        .env(env(&home, &vars))
        .http_client(UreqClient)
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    assert_eq!(creds.session_token(), Some("tok"));
    assert_eq!(*seen.lock().unwrap(), ["POST /"]);
}

#[test]
fn a_wrong_signature_is_refused_by_the_verifier() {
    let (url, _) = stand_in();
    let wrong = Credentials::new("AKIDBASE", "not-the-secret", None::<String>);
    let err = AssumeRoleProvider::new("arn:aws:iam::111122223333:role/app", wrong)
        .region(REGION)
        .env(Env::from_vars([("AWS_ENDPOINT_URL", url.as_str())]))
        .http_client(UreqClient)
        .provide_credentials()
        .unwrap_err();
    assert!(
        matches!(&err, Error::CredentialsServiceError { status: 403, code, .. } if code == "SignatureDoesNotMatch"),
        "{err:?}"
    );
}

#[test]
fn web_identity_from_the_environment() {
    let (url, seen) = stand_in();
    let home = home("", "");
    let token = home.path().join("token");
    std::fs::write(&token, "web-token\n").unwrap();
    let vars = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/pod"),
        ("AWS_ENDPOINT_URL", url.as_str()),
    ];
    let creds = DefaultChain::new()
        .env(env(&home, &vars))
        .http_client(UreqClient)
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAWEB");
    assert_eq!(*seen.lock().unwrap(), ["POST /"]);
}

#[test]
fn identity_center_role_with_the_cached_token() {
    let (url, seen) = stand_in();
    let home = home(
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n\
         [sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n",
        "",
    );
    // The token `aws sso login --sso-session corp` caches: <sha1("corp")>.json.
    let cache = home
        .path()
        .join(".aws/sso/cache")
        .join(format!("{}.json", hex_sha1("corp")));
    std::fs::write(
        cache,
        r#"{"accessToken": "sso-token", "expiresAt": "2199-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let vars = [
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_SSO", url.as_str()),
    ];
    let creds = DefaultChain::new()
        .env(env(&home, &vars))
        .http_client(UreqClient)
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIASSO");
    assert_eq!(*seen.lock().unwrap(), ["GET /federation/credentials"]);
}

fn hex_sha1(text: &str) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
