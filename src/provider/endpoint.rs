//! What the container endpoint and instance metadata sources share: one
//! retry around each request, and the JSON document both answer with.
//!
//! ```text
//! {"AccessKeyId": "ASIA…", "SecretAccessKey": "…", "Token": "…",
//!  "Expiration": "2030-01-01T00:00:00Z", "Code": "Success", …}
//! ```
//! (`Code` only from instance metadata; other members, such as `RoleArn`,
//! `AccountId`, `LastUpdated` or `Type`, are ignored.)

use std::io;
use std::time::Duration;

use zeroize::Zeroizing;

use super::json::{self, Value};
use super::HttpClient;
use crate::timestamp::parse_rfc3339;
use crate::{Credentials, EndpointProblem};

/// How many times a request is sent at most: once, and once more after a
/// timeout, a transport error or a `5xx`.
const ATTEMPTS: usize = 2;

/// Sends the request `build` makes, again if the first attempt timed out,
/// failed in transport, or got a `5xx`. A final `5xx` is returned as a
/// response; the last transport failure as a problem.
pub(crate) fn send_with_retry(
    client: &dyn HttpClient,
    build: impl Fn() -> Result<http::Request<Vec<u8>>, EndpointProblem>,
    timeout: Duration,
) -> Result<http::Response<Vec<u8>>, EndpointProblem> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        match client.send(build()?, timeout) {
            Ok(response) if response.status().is_server_error() => last = Some(Ok(response)),
            Ok(response) => return Ok(response),
            Err(e) => last = Some(Err(transport_problem(&e, timeout))),
        }
    }
    last.unwrap_or(Err(EndpointProblem::TimedOut { timeout }))
}

fn transport_problem(error: &io::Error, timeout: Duration) -> EndpointProblem {
    match error.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            EndpointProblem::TimedOut { timeout }
        }
        kind => EndpointProblem::Transport {
            kind,
            reason: error.to_string(),
        },
    }
}

/// The credentials in a container endpoint's or instance metadata's answer.
/// An `Expiration` in the past is kept as it is: the caller decides.
pub(crate) fn parse_credentials(body: &[u8]) -> Result<Credentials, EndpointProblem> {
    let invalid = |problem: String| EndpointProblem::InvalidResponse { problem };
    let mut members = json::parse_object(body).map_err(|e| {
        invalid(format!(
            "the answer is not one JSON object (error at byte {})",
            e.at
        ))
    })?;
    if let Some(code) = members.get("Code") {
        match code {
            Value::String(code) if code.as_str() == "Success" => {}
            Value::String(code) if code.len() <= 64 => {
                return Err(invalid(format!(
                    "`Code` is `{}`, not `Success`",
                    code.as_str()
                )))
            }
            _ => return Err(invalid("`Code` is not `Success`".to_owned())),
        }
    }
    let mut string = |name: &str, required: bool| -> Result<Option<Zeroizing<String>>, _> {
        match members.remove(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
            None | Some(Value::Null) if !required => Ok(None),
            None => Err(invalid(format!("`{name}` is missing"))),
            Some(_) => Err(invalid(format!("`{name}` must be a non-empty string"))),
        }
    };
    let access_key_id = string("AccessKeyId", true)?;
    let secret = string("SecretAccessKey", true)?;
    let token = string("Token", false)?;
    let expiration = string("Expiration", false)?;
    let (Some(access_key_id), Some(secret)) = (access_key_id, secret) else {
        return Err(invalid(
            "`AccessKeyId` or `SecretAccessKey` is missing".to_owned(),
        ));
    };
    let credentials = Credentials::new(
        access_key_id.as_str(),
        secret.as_str(),
        token.as_ref().map(|t| t.as_str().to_owned()),
    );
    match expiration {
        None => Ok(credentials),
        Some(expiration) => {
            let expiry = parse_rfc3339(&expiration).ok_or_else(|| {
                invalid("`Expiration` is not an RFC 3339 time such as 2030-01-01T00:00:00Z".into())
            })?;
            Ok(credentials.with_expiry(expiry))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn reads_the_container_and_imds_documents() {
        // The ECS answer of the SDK suite's `ecs_credentials` case.
        let ecs = br#"{"RoleArn":"arn:aws:iam::123456789:role/ecs-task-role","AccessKeyId":"ASIARCORRECT","SecretAccessKey":"secretkeycorrect","Token":"tokencorrect","AccountId":"012345678901","Expiration" : "2009-02-13T23:31:30Z"}"#;
        let c = parse_credentials(ecs).unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("ASIARCORRECT", "secretkeycorrect", Some("tokencorrect"))
        );
        assert_eq!(
            c.expiry(),
            Some(UNIX_EPOCH + Duration::from_secs(1_234_567_890))
        );
        let imds = br#"{"Code":"Success","LastUpdated":"2021-09-20T21:42:26Z","Type":"AWS-HMAC","AccessKeyId":"ASIARTEST","SecretAccessKey":"testsecret","Token":"testtoken","Expiration":"2021-09-21T04:16:53Z"}"#;
        let c = parse_credentials(imds).unwrap();
        assert_eq!(
            c.expiry(),
            Some(UNIX_EPOCH + Duration::from_secs(1_632_197_813))
        );
    }

    #[test]
    fn refuses_incomplete_or_failed_documents_without_quoting_them() {
        for (body, expected) in [
            (
                &br#"{"SecretAccessKey":"s3cr3t"}"#[..],
                "`AccessKeyId` is missing",
            ),
            (br#"{"AccessKeyId":"A"}"#, "`SecretAccessKey` is missing"),
            (
                br#"{"AccessKeyId":"A","SecretAccessKey":7}"#,
                "non-empty string",
            ),
            (
                br#"{"Code":"AssumeRoleUnauthorizedAccess"}"#,
                "`AssumeRoleUnauthorizedAccess`",
            ),
            (
                br#"{"AccessKeyId":"A","SecretAccessKey":"s3cr3t","Expiration":"soon"}"#,
                "RFC 3339",
            ),
            (b"<html>s3cr3t</html>", "not one JSON object"),
        ] {
            match parse_credentials(body) {
                Err(EndpointProblem::InvalidResponse { problem }) => {
                    assert!(problem.contains(expected), "{problem}");
                    assert!(!problem.contains("s3cr3t"), "{problem}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    /// Answers with the statuses (or a timeout for 0) in order.
    struct Script(Mutex<Vec<u16>>);

    impl HttpClient for Script {
        fn send(
            &self,
            _: http::Request<Vec<u8>>,
            _: Duration,
        ) -> io::Result<http::Response<Vec<u8>>> {
            let status = self.0.lock().unwrap().remove(0);
            match status {
                0 => Err(io::ErrorKind::TimedOut.into()),
                s => Ok(http::Response::builder()
                    .status(s)
                    .body(Vec::new())
                    .unwrap()),
            }
        }
    }

    fn outcome(statuses: &[u16]) -> (Result<u16, EndpointProblem>, usize) {
        let client = Script(Mutex::new(statuses.to_vec()));
        let result = send_with_retry(
            &client,
            || Ok(http::Request::new(Vec::new())),
            Duration::from_millis(5),
        );
        let left = client.0.lock().unwrap().len();
        (result.map(|r| r.status().as_u16()), statuses.len() - left)
    }

    #[test]
    fn retries_once_after_a_timeout_or_a_server_error_only() {
        let timed_out = EndpointProblem::TimedOut {
            timeout: Duration::from_millis(5),
        };
        assert_eq!(outcome(&[200, 200]), (Ok(200), 1));
        assert_eq!(outcome(&[404, 200]), (Ok(404), 1));
        assert_eq!(outcome(&[503, 200]), (Ok(200), 2));
        assert_eq!(outcome(&[0, 200]), (Ok(200), 2));
        assert_eq!(outcome(&[503, 500, 200]), (Ok(500), 2));
        assert_eq!(outcome(&[0, 0, 200]), (Err(timed_out), 2));
    }
}
