//! The errors of the network credential sources (feature
//! `network-credentials`): their messages, and the nested kinds
//! [`ProfileProblem`] and [`SsoTokenProblem`].

use std::fmt;
use std::time::SystemTime;

use super::Error;

/// What is wrong with a profile's role, web identity or IAM Identity Center
/// settings ([`Error::ProfileConfig`]).
///
/// ```
/// use http_sigv4::{Error, ProfileProblem};
/// let err = Error::ProfileConfig { profile: "dev".into(), problem: ProfileProblem::MfaRequired };
/// assert!(err.to_string().contains("mfa_serial"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileProblem {
    /// `source_profile` settings lead back to a profile already on the way.
    SourceProfileLoop {
        /// The profiles in the order they were followed, ending with the
        /// one named again.
        chain: Vec<String>,
    },
    /// `role_arn` with both `source_profile` and `credential_source`.
    SourceProfileAndCredentialSource,
    /// `role_arn` with neither `source_profile` nor `credential_source`.
    NoRoleSource,
    /// A `credential_source` other than `Environment`,
    /// `Ec2InstanceMetadata` and `EcsContainer`.
    UnknownCredentialSource {
        /// The value of the setting.
        name: String,
    },
    /// A `credential_source` this build cannot use yet.
    CredentialSourceUnavailable {
        /// The value of the setting.
        name: String,
    },
    /// The role needs a multi-factor authentication code (`mfa_serial`),
    /// which a program signing requests has no way to ask for.
    MfaRequired,
    /// `web_identity_token_file` without `role_arn`.
    WebIdentityWithoutRoleArn,
    /// `duration_seconds` is not a whole number from 900 to 43200.
    InvalidDurationSeconds,
    /// An IAM Identity Center profile lacks a setting it needs.
    SsoSettingMissing {
        /// The setting, e.g. `sso_role_name`.
        setting: &'static str,
    },
    /// `sso_session` names no `[sso-session NAME]` section.
    SsoSessionNotFound {
        /// The session's name.
        name: String,
    },
    /// The profile has an `sso_session` but no `sso_account_id` and
    /// `sso_role_name`: it gives an access token (for tools that use one),
    /// not AWS credentials.
    SsoTokenOnly,
}

/// What is wrong with the cached IAM Identity Center token
/// ([`Error::SsoToken`]).
///
/// ```
/// use http_sigv4::{Error, SsoTokenProblem};
/// let err = Error::SsoToken {
///     path: "/home/me/.aws/sso/cache/0123.json".into(),
///     problem: SsoTokenProblem::Missing,
///     login: "--sso-session corp".into(),
/// };
/// assert!(err.to_string().contains("aws sso login --sso-session corp"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SsoTokenProblem {
    /// There is no cached token: nobody logged in.
    Missing,
    /// The file exists but cannot be read.
    Unreadable {
        /// Why (e.g. `PermissionDenied`).
        kind: std::io::ErrorKind,
    },
    /// The file is not the JSON `aws sso login` writes (`accessToken`,
    /// `expiresAt`).
    Invalid {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The token has expired.
    Expired {
        /// When.
        expired_at: SystemTime,
    },
}

/// The message of a network source's error; `err` is one of them (the
/// caller lists them, so a new variant elsewhere needs its own message).
pub(super) fn fmt(err: &Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match err {
        Error::CredentialsRequestFailed {
            operation,
            endpoint,
            kind,
            message,
        } => write!(
            f,
            "{operation}: no answer from {endpoint}: {kind}: {message}: check the network \
             and the endpoint settings (AWS_ENDPOINT_URL_*, a profile's endpoint_url)"
        ),
        Error::CredentialsServiceError {
            operation,
            status,
            code,
            message,
        } => {
            write!(f, "{operation} failed with HTTP status {status}")?;
            if !code.is_empty() {
                write!(f, ", {code}")?;
            }
            if !message.is_empty() {
                write!(f, ": {message}")?;
            }
            f.write_str(
                ": check the role's trust policy and the identity's permissions, \
                 or retry if the service is unavailable",
            )
        }
        Error::CredentialsServiceResponse { operation, problem } => write!(
            f,
            "{operation} answered something unexpected ({problem}): check that the \
             endpoint is the real service"
        ),
        Error::InvalidEndpointSetting { setting } => write!(
            f,
            "the endpoint in {setting} is not an absolute http:// or https:// URL: fix it"
        ),
        Error::WebIdentityTokenUnreadable { path, kind } => write!(
            f,
            "cannot read the web identity token file {}: {kind}: check \
             AWS_WEB_IDENTITY_TOKEN_FILE (or the profile's web_identity_token_file) \
             and that the file is mounted",
            path.display()
        ),
        Error::ProfileConfig { profile, problem } => {
            write!(f, "profile `{profile}`: {problem}")
        }
        Error::SsoToken {
            path,
            problem,
            login,
        } => {
            match problem {
                SsoTokenProblem::Missing => {
                    write!(f, "no IAM Identity Center token at {}", path.display())?
                }
                SsoTokenProblem::Unreadable { kind } => write!(
                    f,
                    "cannot read the IAM Identity Center token {}: {kind}",
                    path.display()
                )?,
                SsoTokenProblem::Invalid { problem } => write!(
                    f,
                    "the IAM Identity Center token {} is invalid ({problem})",
                    path.display()
                )?,
                SsoTokenProblem::Expired { .. } => write!(
                    f,
                    "the IAM Identity Center token {} has expired",
                    path.display()
                )?,
            }
            write!(f, ": run `aws sso login {login}`")
        }
        _ => Ok(()),
    }
}

impl fmt::Display for ProfileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileProblem::SourceProfileLoop { chain } => write!(
                f,
                "its source_profile settings form a loop ({}): end the chain with a \
                 profile that has keys or a credential_source",
                chain.join(" -> ")
            ),
            ProfileProblem::SourceProfileAndCredentialSource => f.write_str(
                "role_arn comes with both source_profile and credential_source: keep one",
            ),
            ProfileProblem::NoRoleSource => f.write_str(
                "role_arn needs source_profile or credential_source (the credentials \
                 that assume the role): add one",
            ),
            ProfileProblem::UnknownCredentialSource { name } => write!(
                f,
                "credential_source `{name}` is not one of Environment, \
                 Ec2InstanceMetadata, EcsContainer: fix it"
            ),
            ProfileProblem::CredentialSourceUnavailable { name } => write!(
                f,
                "credential_source `{name}` is not available in this build: use \
                 Environment or a source_profile"
            ),
            ProfileProblem::MfaRequired => f.write_str(
                "the role needs an MFA code (mfa_serial), which a program cannot type: \
                 get session credentials with `aws sts get-session-token` (or `aws \
                 configure export-credentials`) and sign with those, or use a role \
                 without mfa_serial",
            ),
            ProfileProblem::WebIdentityWithoutRoleArn => f.write_str(
                "web_identity_token_file was specified but role_arn was missing: add \
                 the role to assume",
            ),
            ProfileProblem::InvalidDurationSeconds => {
                f.write_str("duration_seconds must be a whole number of seconds from 900 to 43200")
            }
            ProfileProblem::SsoSettingMissing { setting } => write!(
                f,
                "IAM Identity Center settings lack {setting}: run `aws configure sso` \
                 or add it"
            ),
            ProfileProblem::SsoSessionNotFound { name } => write!(
                f,
                "sso_session `{name}` has no [sso-session {name}] section in the config \
                 file: add it"
            ),
            ProfileProblem::SsoTokenOnly => f.write_str(
                "the profile has an sso_session but no sso_account_id and sso_role_name, \
                 so it resolves an access token instead of AWS credentials: add the \
                 account and role to use",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::ErrorKind;
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn messages_name_what_failed_and_what_to_do() {
        let cases: Vec<(Error, &[&str])> = vec![
            (
                Error::CredentialsRequestFailed {
                    operation: "STS AssumeRole",
                    endpoint: "https://sts.eu-west-1.amazonaws.com/".into(),
                    kind: ErrorKind::TimedOut,
                    message: "timed out".into(),
                },
                &[
                    "STS AssumeRole",
                    "https://sts.eu-west-1.amazonaws.com/",
                    "timed out",
                    "AWS_ENDPOINT_URL_",
                ],
            ),
            (
                Error::CredentialsServiceError {
                    operation: "STS AssumeRoleWithWebIdentity",
                    status: 400,
                    code: "InvalidIdentityToken".into(),
                    message: "No OpenIDConnect provider found".into(),
                },
                &[
                    "HTTP status 400, InvalidIdentityToken: No OpenIDConnect provider found",
                    "trust policy",
                ],
            ),
            (
                Error::CredentialsServiceResponse {
                    operation: "STS AssumeRole",
                    problem: "no `Credentials` element".into(),
                },
                &["STS AssumeRole", "no `Credentials` element", "real service"],
            ),
            (
                Error::InvalidEndpointSetting {
                    setting: "AWS_ENDPOINT_URL_STS".into(),
                },
                &["AWS_ENDPOINT_URL_STS", "http://"],
            ),
            (
                Error::WebIdentityTokenUnreadable {
                    path: PathBuf::from("/var/run/token"),
                    kind: ErrorKind::NotFound,
                },
                &["/var/run/token", "not found", "AWS_WEB_IDENTITY_TOKEN_FILE"],
            ),
            (
                Error::ProfileConfig {
                    profile: "app".into(),
                    problem: ProfileProblem::CredentialSourceUnavailable {
                        name: "EcsContainer".into(),
                    },
                },
                &["profile `app`", "`EcsContainer`", "source_profile"],
            ),
            (
                Error::SsoToken {
                    path: PathBuf::from("/h/.aws/sso/cache/x.json"),
                    problem: SsoTokenProblem::Expired {
                        expired_at: SystemTime::UNIX_EPOCH,
                    },
                    login: "--profile dev".into(),
                },
                &[
                    "/h/.aws/sso/cache/x.json",
                    "expired",
                    "aws sso login --profile dev",
                ],
            ),
        ];
        for (error, parts) in cases {
            let msg = error.to_string();
            for part in parts {
                assert!(msg.contains(part), "{msg:?} lacks {part:?}");
            }
        }
        let empty = Error::CredentialsServiceError {
            operation: "STS AssumeRole",
            status: 503,
            code: String::new(),
            message: String::new(),
        };
        assert!(empty
            .to_string()
            .starts_with("STS AssumeRole failed with HTTP status 503: check"));
    }
}
