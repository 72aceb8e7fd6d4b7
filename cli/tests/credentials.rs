//! `sigv4 --dry-run` signs with each source of the credential chain, given
//! only the standard variables and files, as on a laptop, in a container,
//! on EC2 or EKS: environment keys, a profile's static keys, a
//! `credential_process`, the container endpoint, instance metadata, a web
//! identity, an assumed role and an IAM Identity Center login. The network sources reach stand-ins on
//! 127.0.0.1 (tiny_http, an ephemeral port) through the variables AWS
//! documents; the STS stand-in checks `AssumeRole`'s signature with the
//! library's `Verifier`. `-v` must name the source.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use http_sigv4::{Credentials, Verifier};

#[path = "support/run.rs"]
#[allow(dead_code)] // Shared with the other test files, which use the rest.
mod run;

use run::{sigv4, Run, Sigv4};

const REGION: &str = "us-east-1";
const URL: &str = "https://sts.us-east-1.amazonaws.com/";

/// A stand-in on 127.0.0.1 answering each request with `answer`; its URL
/// and the requests it saw (`METHOD /path`).
fn stand_in(
    answer: impl Fn(&http::Request<Vec<u8>>) -> (u16, String) + Send + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut incoming in server.incoming_requests() {
            let mut body = Vec::new();
            let _ = incoming.as_reader().read_to_end(&mut body);
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

/// `sigv4 -v --dry-run` for an STS request, signed for [`REGION`].
fn dry_run() -> Sigv4 {
    sigv4(&[
        "-v",
        "--dry-run",
        "--service",
        "sts",
        "--region",
        REGION,
        URL,
    ])
}

/// Asserts the request was signed with `key_id` (and `token`, redacted in
/// the output), and that `-v` named `source`.
#[track_caller]
fn assert_signed_with(run: &Run, key_id: &str, token: Option<&str>, source: &str) {
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains(&format!("Credential={key_id}/")),
        "{run:#?}"
    );
    assert_eq!(
        run.stdout.contains("x-amz-security-token: "),
        token.is_some(),
        "{run:#?}"
    );
    if let Some(token) = token {
        assert!(
            !run.stdout.contains(token),
            "the token is redacted: {run:#?}"
        );
    }
    let said = format!("with access key {key_id} (from {source})\n");
    assert!(run.stderr.contains(&said), "{said}: {run:#?}");
}

fn credentials_json(key_id: &str) -> String {
    format!(
        r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{key_id}","SecretAccessKey":"secret","Token":"the-token-{key_id}","Expiration":"2099-01-01T00:00:00Z"}}"#
    )
}

fn sts_xml(action: &str, key_id: &str) -> String {
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
         <Credentials><AccessKeyId>{key_id}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>\
         <SessionToken>the-token-{key_id}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
         </Credentials></{action}Result></{action}Response>"
    )
}

fn sts_error(code: &str) -> String {
    format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>no</Message></Error></ErrorResponse>")
}

#[test]
fn environment_keys() {
    let run = dry_run()
        .env("AWS_ACCESS_KEY_ID", "AKIDENV")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .run();
    assert_signed_with(&run, "AKIDENV", None, "the environment (AWS_ACCESS_KEY_ID)");
}

#[test]
fn a_profile_with_static_keys() {
    let run = dry_run()
        .env("AWS_PROFILE", "dev")
        .aws_file(
            "credentials",
            "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = secret\n\
             aws_session_token = dev-session-token\n",
        )
        .run();
    assert_signed_with(
        &run,
        "AKIDDEV",
        Some("dev-session-token"),
        "profile `dev`: static keys",
    );
}

#[test]
fn a_profile_with_a_credential_process() {
    let run = dry_run();
    let script = run.home().join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"secret\"}'\n",
    )
    .unwrap();
    let config = format!("[default]\ncredential_process = sh {}\n", script.display());
    let run = run
        .env("PATH", "/usr/bin:/bin")
        .aws_file("config", &config)
        .run();
    assert_signed_with(
        &run,
        "AKIDPROCESS",
        None,
        "profile `default`: credential_process",
    );
}

#[test]
fn the_container_endpoint() {
    let (url, seen) = stand_in(|request| {
        let authorized = request
            .headers()
            .get("authorization")
            .is_some_and(|v| v == "container-auth-token");
        match (request.uri().path(), authorized) {
            ("/v1/credentials", true) => (200, credentials_json("ASIACONTAINER")),
            _ => (401, "{}".into()),
        }
    });
    let run = dry_run()
        .env(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{url}/v1/credentials"),
        )
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token")
        .run();
    assert_signed_with(
        &run,
        "ASIACONTAINER",
        Some("the-token-ASIACONTAINER"),
        "the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
    );
    assert_eq!(*seen.lock().unwrap(), ["GET /v1/credentials"]);
}

#[test]
fn instance_metadata() {
    let (url, seen) = stand_in(|request| {
        let path = request.uri().path();
        if path == "/latest/api/token" {
            return match request.method() == http::Method::PUT {
                true => (200, "imds-session".into()),
                false => (405, String::new()),
            };
        }
        let token = request.headers().get("x-aws-ec2-metadata-token");
        if token.is_none_or(|t| t != "imds-session") {
            return (401, String::new());
        }
        match path {
            "/latest/meta-data/iam/security-credentials/" => (200, "web-role".into()),
            "/latest/meta-data/iam/security-credentials/web-role" => {
                (200, credentials_json("ASIAINSTANCE"))
            }
            _ => (404, String::new()),
        }
    });
    let run = dry_run()
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("{url}/"))
        .run();
    assert_signed_with(
        &run,
        "ASIAINSTANCE",
        Some("the-token-ASIAINSTANCE"),
        "EC2 instance metadata",
    );
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.first().map(String::as_str),
        Some("PUT /latest/api/token")
    );
    assert!(seen.contains(&"GET /latest/meta-data/iam/security-credentials/web-role".to_owned()));
}

#[test]
fn a_web_identity_from_the_environment() {
    let (url, seen) = stand_in(|request| {
        let body = String::from_utf8_lossy(request.body());
        match body.starts_with("Action=AssumeRoleWithWebIdentity&")
            && body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fpod")
            && body.ends_with("&WebIdentityToken=the-web-token")
        {
            true => (200, sts_xml("AssumeRoleWithWebIdentity", "ASIAWEB")),
            false => (400, sts_error("InvalidIdentityToken")),
        }
    });
    let run = dry_run();
    let token = run.home().join("token");
    std::fs::write(&token, "the-web-token\n").unwrap();
    let run = run
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &token)
        .env("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/pod")
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL_STS", &url)
        .run();
    assert_signed_with(
        &run,
        "ASIAWEB",
        Some("the-token-ASIAWEB"),
        &format!(
            "a web identity from the environment (role arn:aws:iam::111122223333:role/pod, \
             token {})",
            token.display()
        ),
    );
    assert_eq!(*seen.lock().unwrap(), ["POST /"]);
}

#[test]
fn a_profile_that_assumes_a_role() {
    let (url, seen) = stand_in(|request| {
        let body = String::from_utf8_lossy(request.body());
        if !body.starts_with("Action=AssumeRole&") {
            return (400, sts_error("InvalidAction"));
        }
        // AssumeRole is signed with the source profile's keys.
        let base = Credentials::new("AKIDBASE", "base-secret", None::<String>);
        let keys = HashMap::from([("AKIDBASE".to_owned(), base)]);
        match Verifier::new(keys, REGION, "sts").verify(request) {
            Ok(_) => (200, sts_xml("AssumeRole", "ASIAROLE")),
            Err(_) => (403, sts_error("SignatureDoesNotMatch")),
        }
    });
    let run = dry_run()
        .env("AWS_PROFILE", "app")
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL_STS", &url)
        .aws_file(
            "config",
            "[profile app]\nrole_arn = arn:aws:iam::111122223333:role/app\nsource_profile = base\n",
        )
        .aws_file(
            "credentials",
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
        )
        .run();
    assert_signed_with(
        &run,
        "ASIAROLE",
        Some("the-token-ASIAROLE"),
        "profile `app`: assume role arn:aws:iam::111122223333:role/app from profile `base`",
    );
    assert_eq!(*seen.lock().unwrap(), ["POST /"]);

    // A wrong source secret: the stand-in's Verifier refuses AssumeRole.
    let run = dry_run()
        .env("AWS_PROFILE", "app")
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL_STS", &url)
        .aws_file(
            "config",
            "[profile app]\nrole_arn = arn:aws:iam::111122223333:role/app\nsource_profile = base\n",
        )
        .aws_file(
            "credentials",
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = wrong\n",
        )
        .run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.starts_with("sigv4: (2) no credentials: "),
        "{run:#?}"
    );
    assert!(run.stderr.contains("SignatureDoesNotMatch"), "{run:#?}");
}

#[test]
fn an_identity_center_profile() {
    let (url, seen) = stand_in(|request| {
        let token = request.headers().get("x-amz-sso_bearer_token");
        let query = request.uri().query().unwrap_or_default();
        match (
            request.uri().path(),
            token.is_some_and(|t| t == "sso-token"),
        ) {
            ("/federation/credentials", true)
                if query == "account_id=111122223333&role_name=Admin" =>
            {
                let json = r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"s","sessionToken":"the-token-ASIASSO","expiration":4070908800000}}"#;
                (200, json.into())
            }
            _ => (
                401,
                r#"{"message":"Session token not found or invalid"}"#.into(),
            ),
        }
    });
    // The token `aws sso login --sso-session corp` caches: <sha1("corp")>.json.
    let cache = {
        use sha1::Digest;
        hex::encode(sha1::Sha1::digest(b"corp"))
    };
    let run = dry_run()
        .env("AWS_PROFILE", "dev")
        .env("AWS_ENDPOINT_URL_SSO", &url)
        .aws_file(
            "config",
            "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n\
             sso_role_name = Admin\n[sso-session corp]\nsso_region = us-east-1\n\
             sso_start_url = https://corp.awsapps.com/start\n",
        )
        .aws_file(
            &format!("sso/cache/{cache}.json"),
            r#"{"accessToken": "sso-token", "expiresAt": "2099-01-01T00:00:00Z"}"#,
        )
        .run();
    assert_signed_with(
        &run,
        "ASIASSO",
        Some("the-token-ASIASSO"),
        "profile `dev`: IAM Identity Center (SSO)",
    );
    assert_eq!(*seen.lock().unwrap(), ["GET /federation/credentials"]);
}

#[test]
fn no_source_at_all_says_what_to_set() {
    let run = dry_run().run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.starts_with("sigv4: (2) no credentials: "),
        "{run:#?}"
    );
    assert!(run.stderr.contains("AWS_ACCESS_KEY_ID"), "{run:#?}");
}
