use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::timestamp::parse_rfc3339;

use super::*;
use crate::provider::transport::scripted::Scripted;

const ANSWER: &str = r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"S","sessionToken":"T","expiration":1651516560000}}"#;

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws/sso/cache")).unwrap();
        std::fs::write(dir.path().join(".aws/config"), config).unwrap();
        Home { dir }
    }

    /// Writes the cached token file `name` (the sha1 hex of the session
    /// name or start URL, as the AWS SDK's own test data names them).
    fn token(&self, name: &str, expires_at: &str) -> PathBuf {
        let path = self.dir.path().join(".aws/sso/cache").join(name);
        let json =
            format!(r#"{{"accessToken": "secret-access-token", "expiresAt": "{expires_at}"}}"#);
        std::fs::write(&path, json).unwrap();
        path
    }

    fn provider(&self, client: &Scripted) -> SsoProvider {
        let env = Env::from_vars([("HOME", self.dir.path().to_str().unwrap())]);
        SsoProvider::new().env(env).http_client(client.clone())
    }
}

const SESSION_CONFIG: &str = "[default]\nsso_session = dev\nsso_account_id = 012345678901\n\
    sso_role_name = SampleRole\n[sso-session dev]\nsso_region = us-east-1\n\
    sso_start_url = https://d-abc123.awsapps.com/start\n";
const LEGACY_CONFIG: &str = "[default]\nsso_start_url = https://ssotest.awsapps.com/start\n\
    sso_region = us-east-2\nsso_account_id = 123456789\nsso_role_name = MySsoRole\n";

#[test]
fn session_form_reads_the_token_named_by_the_session() {
    let home = Home::new(SESSION_CONFIG);
    home.token(
        "34c6fceca75e456f25e7e99531e2425c6c1de443.json",
        "2199-11-14T04:05:45Z",
    );
    let client = Scripted::new([Ok((200, ANSWER.into()))]);
    let creds = home.provider(&client).provide_credentials().unwrap();
    assert_eq!(
        (
            creds.access_key_id(),
            creds.secret_access_key(),
            creds.session_token()
        ),
        ("ASIASSO", "S", Some("T"))
    );
    assert_eq!(
        creds.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(1_651_516_560))
    );
    let req = client.sent().remove(0);
    assert_eq!(req.method(), http::Method::GET);
    assert_eq!(
        req.uri(),
        "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?account_id=012345678901&role_name=SampleRole"
    );
    assert_eq!(
        req.headers()["x-amz-sso_bearer_token"],
        "secret-access-token"
    );
}

#[test]
fn legacy_form_reads_the_token_named_by_the_start_url() {
    let home = Home::new(LEGACY_CONFIG);
    home.token(
        "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json",
        "2080-10-16T03:56:45Z",
    );
    let client = Scripted::new([Ok((200, ANSWER.into()))]);
    home.provider(&client).provide_credentials().unwrap();
    assert!(client.sent()[0]
        .uri()
        .to_string()
        .starts_with("https://portal.sso.us-east-2.amazonaws.com/"));
}

#[test]
fn missing_or_expired_token_says_which_login_to_run() {
    let home = Home::new(SESSION_CONFIG);
    let client = Scripted::new([]);
    let err = home.provider(&client).provide_credentials().unwrap_err();
    assert!(
        matches!(
            &err,
            Error::SsoToken {
                problem: SsoTokenProblem::Missing,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("aws sso login --sso-session dev"),
        "{err}"
    );
    let path = home.token(
        "34c6fceca75e456f25e7e99531e2425c6c1de443.json",
        "2020-01-01T00:00:00Z",
    );
    let err = home.provider(&client).provide_credentials().unwrap_err();
    assert_eq!(
        err,
        Error::SsoToken {
            path,
            problem: SsoTokenProblem::Expired {
                expired_at: UNIX_EPOCH + Duration::from_secs(1_577_836_800)
            },
            login: "--sso-session dev".into(),
        }
    );
    let legacy = Home::new(LEGACY_CONFIG);
    let err = legacy.provider(&client).provide_credentials().unwrap_err();
    assert!(
        err.to_string().contains("aws sso login --profile default"),
        "{err}"
    );
    assert!(client.sent().is_empty());
}

#[test]
fn portal_errors_carry_type_and_message() {
    let home = Home::new(SESSION_CONFIG);
    home.token(
        "34c6fceca75e456f25e7e99531e2425c6c1de443.json",
        "2199-11-14T04:05:45Z",
    );
    let client = Scripted::new([Ok((
        401,
        r#"{"message":"Session token not found or invalid"}"#.into(),
    ))]);
    let err = home.provider(&client).provide_credentials().unwrap_err();
    assert_eq!(
        err,
        Error::CredentialsServiceError {
            operation: "IAM Identity Center GetRoleCredentials",
            status: 401,
            code: String::new(),
            message: "Session token not found or invalid".into(),
        }
    );
    let client = Scripted::new([Ok((
        200,
        r#"{"roleCredentials":{"accessKeyId":"A"}}"#.into(),
    ))]);
    let err = home.provider(&client).provide_credentials().unwrap_err();
    assert!(
        matches!(&err, Error::CredentialsServiceResponse { problem, .. } if problem.contains("secretAccessKey")),
        "{err:?}"
    );
}

#[test]
fn incomplete_settings_are_named() {
    let problem = |config: &str| {
        let home = Home::new(config);
        match home.provider(&Scripted::new([])).provide_credentials() {
            Err(Error::ProfileConfig { problem, .. }) => problem,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        problem("[default]\nsso_start_url = https://x/start\nsso_region = r\nsso_account_id = 1\n"),
        ProfileProblem::SsoSettingMissing {
            setting: "sso_role_name"
        }
    );
    assert_eq!(
        problem("[default]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = R\n"),
        ProfileProblem::SsoSessionNotFound {
            name: "gone".into()
        }
    );
    assert_eq!(
        problem(
            "[default]\nsso_session = dev\n[sso-session dev]\nsso_region = r\nsso_start_url = u\n"
        ),
        ProfileProblem::SsoTokenOnly
    );
}

/// A token that `aws sso login --sso-session dev` cached, with what renews it.
fn renewable(expires_at: &str) -> String {
    format!(
        r#"{{"accessToken": "old-token", "expiresAt": "{expires_at}", "refreshToken": "old-refresh",
            "clientId": "client-1", "clientSecret": "client-secret", "registrationExpiresAt": "2199-01-01T00:00:00Z",
            "region": "us-east-1", "startUrl": "https://d-abc123.awsapps.com/start"}}"#
    )
}

const SESSION_TOKEN_FILE: &str = "34c6fceca75e456f25e7e99531e2425c6c1de443.json";

#[test]
fn an_expired_session_token_is_renewed_and_saved() {
    let home = Home::new(SESSION_CONFIG);
    let path = home
        .dir
        .path()
        .join(".aws/sso/cache")
        .join(SESSION_TOKEN_FILE);
    std::fs::write(&path, renewable("2020-01-01T00:00:00Z")).unwrap();
    let renewed = r#"{"accessToken":"new-token","expiresIn":3600,"refreshToken":"new-refresh","tokenType":"Bearer"}"#;
    let client = Scripted::new([Ok((200, renewed.into())), Ok((200, ANSWER.into()))]);
    let creds = home.provider(&client).provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "ASIASSO");
    let sent = client.sent();
    assert_eq!(sent[0].method(), http::Method::POST);
    assert_eq!(sent[0].uri(), "https://oidc.us-east-1.amazonaws.com/token");
    let body = json::parse_object(sent[0].body()).unwrap();
    for (name, value) in [
        ("clientId", "client-1"),
        ("clientSecret", "client-secret"),
        ("grantType", "refresh_token"),
        ("refreshToken", "old-refresh"),
    ] {
        assert_eq!(
            body.get(name),
            Some(&Value::String(value.to_owned().into())),
            "{name}"
        );
    }
    assert_eq!(sent[1].headers()["x-amz-sso_bearer_token"], "new-token");

    let saved = json::parse_object(&std::fs::read(&path).unwrap()).unwrap();
    let text = |name: &str| match &saved[name] {
        Value::String(s) => s.to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(text("accessToken"), "new-token");
    assert_eq!(text("refreshToken"), "new-refresh");
    assert_eq!(text("clientId"), "client-1");
    assert_eq!(text("startUrl"), "https://d-abc123.awsapps.com/start");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let expires_at = parse_rfc3339(&text("expiresAt")).unwrap();
    let left = expires_at.duration_since(SystemTime::now()).unwrap();
    assert!(
        left > Duration::from_secs(3500) && left <= Duration::from_secs(3600),
        "{left:?}"
    );
}

#[test]
fn a_failed_renewal_keeps_a_token_that_is_still_valid_else_says_to_log_in() {
    let home = Home::new(SESSION_CONFIG);
    let path = home
        .dir
        .path()
        .join(".aws/sso/cache")
        .join(SESSION_TOKEN_FILE);
    // Valid for two more minutes: inside the renewal window.
    let soon = SystemTime::now() + Duration::from_secs(120);
    let soon = crate::timestamp::Timestamp::new(soon).unwrap();
    let d = soon.amz_date();
    let soon = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    );
    std::fs::write(&path, renewable(&soon)).unwrap();
    let refused = r#"{"error":"invalid_grant"}"#;
    let client = Scripted::new([Ok((400, refused.into())), Ok((200, ANSWER.into()))]);
    home.provider(&client).provide_credentials().unwrap();
    let sent = client.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].headers()["x-amz-sso_bearer_token"], "old-token");

    std::fs::write(&path, renewable("2020-01-01T00:00:00Z")).unwrap();
    let client = Scripted::new([Ok((400, refused.into()))]);
    let err = home.provider(&client).provide_credentials().unwrap_err();
    assert!(
        matches!(
            &err,
            Error::SsoToken {
                problem: SsoTokenProblem::Expired { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(client.sent().len(), 1);
}

#[test]
fn legacy_tokens_are_not_renewed() {
    let home = Home::new(LEGACY_CONFIG);
    let path = home
        .dir
        .path()
        .join(".aws/sso/cache/dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json");
    std::fs::write(&path, renewable("2020-01-01T00:00:00Z")).unwrap();
    let client = Scripted::new([]);
    let err = home.provider(&client).provide_credentials().unwrap_err();
    assert!(
        err.to_string().contains("aws sso login --profile default"),
        "{err}"
    );
    assert!(client.sent().is_empty());
}
