//! [`EndpointProblem`]: why a credential source that asks an HTTP endpoint
//! (the container endpoint, EC2 instance metadata) gave nothing.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// What went wrong asking the container credentials endpoint
/// ([`Error::ContainerCredentials`](crate::Error::ContainerCredentials)) or
/// EC2 instance metadata
/// ([`Error::InstanceMetadata`](crate::Error::InstanceMetadata)).
///
/// Nothing here holds a credential, an authorization token or a response
/// body.
///
/// ```
/// use http_sigv4::{ContainerProvider, EndpointProblem, Env, Error, ProvideCredentials};
///
/// // Plain http is allowed only to loopback and AWS's link-local addresses.
/// let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds")]);
/// let err = ContainerProvider::new().env(env).provide_credentials().unwrap_err();
/// assert_eq!(
///     err,
///     Error::ContainerCredentials(EndpointProblem::HostNotAllowed { host: "example.com".into() })
/// );
/// assert!(err.to_string().contains("https"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointProblem {
    /// The source is not set up here. Container endpoint: neither
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` nor
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is set. Instance metadata:
    /// `AWS_EC2_METADATA_DISABLED` is `true`. [`DefaultChain`](crate::DefaultChain)
    /// goes on to the next source.
    NotConfigured,
    /// The endpoint given by a variable or a profile setting is not an
    /// absolute `http://` or `https://` URI.
    InvalidUri {
        /// The variable or setting that holds it.
        setting: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` asks for plain `http://` to a
    /// host other than loopback (`127.0.0.0/8`, `[::1]`, `localhost`) and
    /// the link-local addresses AWS serves credentials on (`169.254.170.2`,
    /// `169.254.170.23`, `[fd00:ec2::23]`).
    HostNotAllowed {
        /// The host of the URI.
        host: String,
    },
    /// The instance metadata endpoint mode is neither `IPv4` nor `IPv6`.
    InvalidEndpointMode {
        /// The mode that was given.
        mode: String,
    },
    /// The container authorization token holds a line break (CR or LF) or
    /// another character an HTTP header cannot carry.
    InvalidAuthorizationToken {
        /// Where it came from: `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
        setting: &'static str,
    },
    /// The file named by `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` cannot be
    /// read.
    TokenFileUnreadable {
        /// The file.
        path: PathBuf,
        /// Why (the operating system's message).
        reason: String,
    },
    /// No answer within the timeout, at each attempt.
    TimedOut {
        /// The timeout of each attempt.
        timeout: Duration,
    },
    /// The request could not be sent or its answer not read (connection
    /// refused, no route, TLS failure, answer too large…), at each attempt.
    Transport {
        /// The kind of I/O error.
        kind: io::ErrorKind,
        /// The HTTP client's message.
        reason: String,
    },
    /// Instance metadata: no IAM role is attached to the instance (`404` on
    /// `/latest/meta-data/iam/security-credentials/`, or an empty list).
    NoRole,
    /// The endpoint answered with an error status (for instance metadata,
    /// `403` on the session token request means it is turned off, `401` that
    /// the session token was refused).
    Status {
        /// The HTTP status code.
        status: u16,
    },
    /// The answer is not what the endpoint sends (e.g. JSON without
    /// `AccessKeyId`, an `Expiration` that is not RFC 3339).
    InvalidResponse {
        /// What is wrong with it (never its content).
        problem: String,
    },
}

/// Which source, for the messages.
#[derive(Clone, Copy)]
pub(super) enum Source {
    Container,
    InstanceMetadata,
}

pub(super) fn fmt(
    source: Source,
    problem: &EndpointProblem,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    use EndpointProblem as P;
    use Source::{Container, InstanceMetadata as Imds};
    let name = match source {
        Container => "the container credentials endpoint",
        Imds => "EC2 instance metadata (IMDS)",
    };
    match (source, problem) {
        (Container, P::NotConfigured) => f.write_str(
            "no environment variables were set to configure the container credentials \
             endpoint: on ECS, Fargate or EKS Pod Identity set \
             AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ),
        (Imds, P::NotConfigured) => f.write_str(
            "EC2 instance metadata is turned off by AWS_EC2_METADATA_DISABLED: unset it \
             to read credentials from the instance",
        ),
        (_, P::InvalidUri { setting, problem }) => write!(
            f,
            "{setting} is not a valid endpoint ({problem}): give an absolute URI such as \
             http://host/path"
        ),
        (_, P::HostNotAllowed { host }) => write!(
            f,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI asks for plain http to `{host}`, which is \
             neither loopback nor an AWS link-local address: use https, or a loopback host"
        ),
        (_, P::InvalidEndpointMode { mode }) => write!(
            f,
            "`{mode}` is not a valid endpoint mode: set AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE \
             (or ec2_metadata_service_endpoint_mode) to IPv4 or IPv6"
        ),
        (_, P::InvalidAuthorizationToken { setting }) => write!(
            f,
            "the authorization token from {setting} holds a line break or a character an \
             HTTP header cannot carry: fix the token"
        ),
        (_, P::TokenFileUnreadable { path, reason }) => write!(
            f,
            "cannot read the container authorization token file {} \
             (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): {reason}",
            path.display()
        ),
        (Container, P::TimedOut { timeout }) => write!(
            f,
            "{name} did not answer within {} ms: check that the task or pod has a role \
             and can reach the endpoint",
            timeout.as_millis()
        ),
        (Imds, P::TimedOut { timeout }) => write!(
            f,
            "{name} did not answer within {} ms: not on EC2? In a container on EC2, raise \
             the instance's metadata hop limit to 2",
            timeout.as_millis()
        ),
        (_, P::Transport { reason, .. }) => write!(f, "{name} could not be reached: {reason}"),
        (_, P::NoRole) => f.write_str(
            "no IAM role is attached to this EC2 instance (IMDS has no security \
             credentials): attach an instance profile",
        ),
        (Imds, P::Status { status: 403 }) => f.write_str(
            "request forbidden: IMDS is disabled, or refuses IMDSv2 session tokens here: \
             turn instance metadata on (`aws ec2 modify-instance-metadata-options \
             --http-endpoint enabled`)",
        ),
        (Imds, P::Status { status: 401 }) => {
            f.write_str("EC2 instance metadata refused the session token (401): retry")
        }
        (_, P::Status { status }) => write!(f, "{name} answered with HTTP status {status}"),
        (_, P::InvalidResponse { problem }) => {
            write!(f, "{name} answered with no usable credentials: {problem}")
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{EndpointProblem as P, Error};

    use super::*;

    #[test]
    fn messages_say_which_source_and_what_to_do() {
        let cases: Vec<(Error, &[&str])> = vec![
            (
                Error::ContainerCredentials(P::NotConfigured),
                &[
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                ],
            ),
            (
                Error::InstanceMetadata(P::NotConfigured),
                &["AWS_EC2_METADATA_DISABLED"],
            ),
            (
                Error::InstanceMetadata(P::InvalidUri {
                    setting: "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                    problem: "invalid uri character".into(),
                }),
                &["AWS_EC2_METADATA_SERVICE_ENDPOINT", "invalid uri character"],
            ),
            (
                Error::ContainerCredentials(P::HostNotAllowed {
                    host: "example.com".into(),
                }),
                &[
                    "`example.com`",
                    "https",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                ],
            ),
            (
                Error::InstanceMetadata(P::InvalidEndpointMode {
                    mode: "IPv7".into(),
                }),
                &["`IPv7` is not a valid endpoint mode", "IPv4 or IPv6"],
            ),
            (
                Error::ContainerCredentials(P::InvalidAuthorizationToken {
                    setting: "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                }),
                &["AWS_CONTAINER_AUTHORIZATION_TOKEN", "line break"],
            ),
            (
                Error::ContainerCredentials(P::TokenFileUnreadable {
                    path: "/var/run/token".into(),
                    reason: "No such file or directory (os error 2)".into(),
                }),
                &["/var/run/token", "No such file or directory (os error 2)"],
            ),
            (
                Error::ContainerCredentials(P::TimedOut {
                    timeout: Duration::from_secs(2),
                }),
                &["container credentials endpoint", "2000 ms"],
            ),
            (
                Error::InstanceMetadata(P::TimedOut {
                    timeout: Duration::from_secs(1),
                }),
                &["IMDS", "1000 ms", "hop limit"],
            ),
            (
                Error::InstanceMetadata(P::Transport {
                    kind: io::ErrorKind::ConnectionRefused,
                    reason: "connection refused".into(),
                }),
                &["IMDS", "connection refused"],
            ),
            (
                Error::InstanceMetadata(P::NoRole),
                &["no IAM role", "instance profile"],
            ),
            (
                Error::InstanceMetadata(P::Status { status: 403 }),
                &[
                    "request forbidden: IMDS is disabled",
                    "--http-endpoint enabled",
                ],
            ),
            (
                Error::InstanceMetadata(P::Status { status: 401 }),
                &["refused the session token"],
            ),
            (
                Error::ContainerCredentials(P::Status { status: 500 }),
                &["container credentials endpoint", "500"],
            ),
            (
                Error::ContainerCredentials(P::InvalidResponse {
                    problem: "`AccessKeyId` is missing".into(),
                }),
                &["container credentials endpoint", "`AccessKeyId` is missing"],
            ),
        ];
        for (error, parts) in cases {
            let msg = error.to_string();
            for part in parts {
                assert!(msg.contains(part), "{msg:?} lacks {part:?}");
            }
        }
    }
}
