use std::collections::HashMap;
use std::io::ErrorKind;

use super::*;
use crate::provider::transport::scripted::Scripted;
use crate::{Env, Verifier};

/// The shape of the example answer in the AWS STS API reference
/// (AssumeRole, "Example").
const ASSUME_ROLE_ANSWER: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>DevUser123</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
      </SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#;

const ERROR_ANSWER: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole &amp; more&#10;line</Message>
  </Error>
  <RequestId>4b5b1c43-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>"#;

fn run<T>(vars: &[(&str, &str)], client: &Scripted, f: impl FnOnce(&Remote<'_>) -> T) -> T {
    let env = Env::from_vars(vars.iter().copied());
    let shared = client.shared();
    let remote = Remote {
        env: &env,
        files: None,
        profile: "default",
        client: &shared,
        region: None,
    };
    f(&remote)
}

fn source() -> Credentials {
    Credentials::new("AKIDSOURCE", "SOURCESECRET", None::<String>)
}

fn role() -> RoleRequest<'static> {
    RoleRequest {
        role_arn: "arn:aws:iam::123456789012:role/demo",
        session_name: "John",
        external_id: Some("ext id/1"),
        duration_seconds: Some(1800),
    }
}

#[test]
fn assume_role_posts_a_signed_form_to_the_regional_endpoint() {
    let client = Scripted::new([Ok((200, ASSUME_ROLE_ANSWER.to_owned()))]);
    let creds = run(&[("AWS_REGION", "eu-west-1")], &client, |r| {
        assume_role(r, &source(), &role())
    })
    .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(
        creds.secret_access_key(),
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    );
    assert_eq!(
        creds.session_token(),
        Some("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW")
    );
    // 2019-11-09T13:34:41Z
    assert_eq!(
        creds.expiry(),
        Some(std::time::UNIX_EPOCH + Duration::from_secs(1_573_306_481))
    );

    let sent = client.sent();
    assert_eq!(sent.len(), 1);
    let req = &sent[0];
    assert_eq!(req.method(), http::Method::POST);
    assert_eq!(req.uri(), "https://sts.eu-west-1.amazonaws.com/");
    assert_eq!(
        req.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        std::str::from_utf8(req.body()).unwrap(),
        "Action=AssumeRole&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=John\
         &ExternalId=ext%20id%2F1&DurationSeconds=1800"
    );
    let auth = req.headers()["authorization"].to_str().unwrap();
    assert!(
        auth.contains("Credential=AKIDSOURCE/") && auth.contains("/eu-west-1/sts/aws4_request"),
        "{auth}"
    );
    // The crate's own verifier accepts the signature.
    let keys = HashMap::from([("AKIDSOURCE".to_owned(), source())]);
    let verified = Verifier::new(keys, "eu-west-1", "sts").verify(req);
    assert!(verified.is_ok(), "{verified:?}");
}

#[test]
fn web_identity_is_unsigned_and_global_without_a_region() {
    let answer = ASSUME_ROLE_ANSWER.replace("AssumeRole", "AssumeRoleWithWebIdentity");
    let client = Scripted::new([Ok((200, answer))]);
    let creds = run(&[], &client, |r| {
        assume_role_with_web_identity(r, "arn:aws:iam::1:role/r", "s", "tok+en=")
    })
    .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    let req = &client.sent()[0];
    assert_eq!(req.uri(), "https://sts.us-east-1.amazonaws.com/");
    assert!(req.headers().get("authorization").is_none());
    assert!(std::str::from_utf8(req.body())
        .unwrap()
        .ends_with("&RoleSessionName=s&WebIdentityToken=tok%2Ben%3D"));
}

#[test]
fn a_configured_endpoint_wins() {
    let client = Scripted::new([Ok((200, ASSUME_ROLE_ANSWER.to_owned()))]);
    run(
        &[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566")],
        &client,
        |r| assume_role(r, &source(), &role()),
    )
    .unwrap();
    assert_eq!(client.sent()[0].uri(), "http://127.0.0.1:4566/");
}

#[test]
fn errors_carry_code_and_escaped_message_and_are_not_retried() {
    let client = Scripted::new([Ok((403, ERROR_ANSWER.to_owned()))]);
    let err = run(&[], &client, |r| assume_role(r, &source(), &role())).unwrap_err();
    assert_eq!(
        err,
        Error::CredentialsServiceError {
            operation: "STS AssumeRole",
            status: 403,
            code: "AccessDenied".into(),
            message: "User: arn:aws:iam::123456789012:user/dev is not authorized to \
                      perform: sts:AssumeRole & more\\nline"
                .into(),
        }
    );
    assert_eq!(client.sent().len(), 1);
    let msg = err.to_string();
    assert!(
        msg.contains("STS AssumeRole failed with HTTP status 403, AccessDenied"),
        "{msg}"
    );
}

#[test]
fn server_errors_and_throttling_are_retried_twice() {
    let throttled = ERROR_ANSWER.replace("AccessDenied", "Throttling");
    let client = Scripted::new([
        Ok((503, String::new())),
        Ok((400, throttled)),
        Ok((200, ASSUME_ROLE_ANSWER.to_owned())),
    ]);
    let creds = run(&[], &client, |r| assume_role(r, &source(), &role())).unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(client.sent().len(), 3);

    let client = Scripted::new([
        Err(ErrorKind::TimedOut),
        Err(ErrorKind::TimedOut),
        Err(ErrorKind::TimedOut),
    ]);
    let err = run(&[], &client, |r| assume_role(r, &source(), &role())).unwrap_err();
    assert!(
        matches!(&err, Error::CredentialsRequestFailed { kind: ErrorKind::TimedOut, endpoint, .. }
            if endpoint == "https://sts.us-east-1.amazonaws.com/"),
        "{err:?}"
    );
    assert_eq!(client.sent().len(), 3);
}

#[test]
fn answers_that_are_not_credentials_are_typed_errors() {
    for (body, problem) in [
        ("plain text", "no `Credentials` element"),
        ("not xml <", "not well-formed XML"),
        ("<a><b></a>", "not well-formed XML"),
        (
            "<R><Credentials><AccessKeyId>A</AccessKeyId></Credentials></R>",
            "no `Credentials/SecretAccessKey`",
        ),
        (
            &ASSUME_ROLE_ANSWER.replace("2019-11-09T13:34:41Z", "tomorrow"),
            "not an RFC 3339 time",
        ),
    ] {
        let client = Scripted::new([Ok((200, body.to_owned()))]);
        let err = run(&[], &client, |r| assume_role(r, &source(), &role())).unwrap_err();
        assert!(
            matches!(&err, Error::CredentialsServiceResponse { problem: p, .. } if p.contains(problem)),
            "{body}: {err:?}"
        );
    }
}
