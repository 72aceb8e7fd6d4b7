//! [`WebIdentityProvider`]: a role assumed with a web identity token, as on
//! EKS with IAM roles for service accounts (IRSA).

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use super::profile::SharedFiles;
use super::remote::Remote;
use super::sts;
use super::transport::SharedHttpClient;
use super::{Env, HttpClient, ProvideCredentials};
use crate::{Credentials, Error};

pub(crate) const AWS_WEB_IDENTITY_TOKEN_FILE: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
const AWS_ROLE_ARN: &str = "AWS_ROLE_ARN";
const AWS_ROLE_SESSION_NAME: &str = "AWS_ROLE_SESSION_NAME";

/// Credentials of the role `AWS_ROLE_ARN`, assumed with STS
/// `AssumeRoleWithWebIdentity` and the token in the file
/// `AWS_WEB_IDENTITY_TOKEN_FILE` (the variables EKS sets for a pod whose
/// service account has a role), under the session name
/// `AWS_ROLE_SESSION_NAME` (by default `http-sigv4-<milliseconds since
/// 1970>`).
///
/// The token file is read again at each call (Kubernetes rotates it). STS
/// is reached at `https://sts.<region>.amazonaws.com/`, the region being
/// `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region` (else
/// `us-east-1`), unless `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` or the
/// profile names another endpoint. The request is not signed: the token
/// is the proof. Each call asks STS: put the provider behind a
/// [`CachingProvider`](crate::CachingProvider).
///
/// [`DefaultChain`](crate::DefaultChain) uses it when
/// `AWS_WEB_IDENTITY_TOKEN_FILE` is set; a profile's
/// `web_identity_token_file` and `role_arn` are read by
/// [`ProfileProvider`](crate::ProfileProvider).
///
/// ```
/// use http_sigv4::{Env, Error, ProvideCredentials, WebIdentityProvider};
///
/// let provider = WebIdentityProvider::new().env(Env::from_vars([("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/app")]));
/// assert_eq!(
///     provider.provide_credentials().unwrap_err(),
///     Error::MissingEnvironmentVariable { name: "AWS_WEB_IDENTITY_TOKEN_FILE" }
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct WebIdentityProvider {
    env: Env,
    client: SharedHttpClient,
}

impl WebIdentityProvider {
    /// Reads the process's environment and sends through the default HTTP
    /// client.
    ///
    /// ```
    /// use http_sigv4::{CachingProvider, WebIdentityProvider};
    /// let provider = CachingProvider::new(WebIdentityProvider::new());
    /// # let _ = provider;
    /// ```
    pub fn new() -> Self {
        WebIdentityProvider::default()
    }

    /// Reads `env` instead of the process's environment.
    ///
    /// ```
    /// use http_sigv4::{Env, WebIdentityProvider};
    /// let provider = WebIdentityProvider::new().env(Env::from_vars([("AWS_REGION", "eu-west-1")]));
    /// # let _ = provider;
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Sends STS requests through `client`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{HttpClient, WebIdentityProvider};
    ///
    /// struct Offline;
    /// impl HttpClient for Offline {
    ///     fn send(&self, _: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         Err(std::io::ErrorKind::NotConnected.into())
    ///     }
    /// }
    /// let provider = WebIdentityProvider::new().http_client(Offline);
    /// # let _ = provider;
    /// ```
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.client = SharedHttpClient::new(client);
        self
    }

    pub(crate) fn shared_client(mut self, client: SharedHttpClient) -> Self {
        self.client = client;
        self
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let missing = |name| Error::MissingEnvironmentVariable { name };
        let token_file = self
            .env
            .get(AWS_WEB_IDENTITY_TOKEN_FILE)
            .ok_or(missing(AWS_WEB_IDENTITY_TOKEN_FILE))?;
        let role_arn = self.env.get(AWS_ROLE_ARN).ok_or(missing(AWS_ROLE_ARN))?;
        let session_name = self.env.get(AWS_ROLE_SESSION_NAME);
        let files = SharedFiles::load_if_home(&self.env)?;
        let profile = super::profile::profile_name(&self.env, None);
        let remote = Remote {
            env: &self.env,
            files: files.as_ref(),
            profile: &profile,
            client: &self.client,
            region: None,
        };
        assume_role_with_token_file(
            &remote,
            Path::new(&token_file),
            &role_arn,
            session_name.as_deref(),
        )
    }
}

/// Reads the token in `token_file` and assumes `role_arn` with it.
pub(crate) fn assume_role_with_token_file(
    remote: &Remote<'_>,
    token_file: &Path,
    role_arn: &str,
    session_name: Option<&str>,
) -> Result<Credentials, Error> {
    let unreadable = |kind| Error::WebIdentityTokenUnreadable {
        path: token_file.to_path_buf(),
        kind,
    };
    let token = Zeroizing::new(std::fs::read(token_file).map_err(|e| unreadable(e.kind()))?);
    let token = std::str::from_utf8(&token)
        .map(str::trim)
        .ok()
        .filter(|t| !t.is_empty())
        .ok_or(unreadable(std::io::ErrorKind::InvalidData))?;
    let generated;
    let session_name = match session_name {
        Some(name) => name,
        None => {
            generated = generated_session_name();
            &generated
        }
    };
    sts::assume_role_with_web_identity(remote, role_arn, session_name, token)
}

/// `http-sigv4-<milliseconds since 1970>`, the session name when none is
/// configured (the SDKs name theirs the same way).
pub(crate) fn generated_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    format!("http-sigv4-{millis}")
}

#[cfg(test)]
mod tests {
    use std::io::ErrorKind;

    use super::*;
    use crate::provider::transport::scripted::Scripted;

    const ANSWER: &str = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
        <Credentials><AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>S</SecretAccessKey>\
        <SessionToken>T</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>\
        </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";

    fn provider(
        dir: &tempfile::TempDir,
        extra: &[(&str, &str)],
        client: &Scripted,
    ) -> WebIdentityProvider {
        let token = dir.path().join("token");
        let vars = [
            (AWS_WEB_IDENTITY_TOKEN_FILE, token.to_str().unwrap()),
            (AWS_ROLE_ARN, "arn:aws:iam::123456789012:role/app"),
            ("HOME", dir.path().to_str().unwrap()),
        ];
        WebIdentityProvider::new()
            .env(Env::from_vars(vars.iter().chain(extra).copied()))
            .shared_client(client.shared())
    }

    fn body(client: &Scripted) -> String {
        String::from_utf8(client.sent().remove(0).into_body()).unwrap()
    }

    #[test]
    fn reads_the_token_file_at_each_call() {
        let dir = tempfile::tempdir().unwrap();
        let client = Scripted::new([Ok((200, ANSWER.into())), Ok((200, ANSWER.into()))]);
        let provider = provider(&dir, &[("AWS_ROLE_SESSION_NAME", "pod-1")], &client);
        std::fs::write(dir.path().join("token"), "first\n").unwrap();
        assert_eq!(
            provider.provide_credentials().unwrap().access_key_id(),
            "ASIAWEB"
        );
        assert!(body(&client).ends_with("&RoleSessionName=pod-1&WebIdentityToken=first"));
        std::fs::write(dir.path().join("token"), "second").unwrap();
        provider.provide_credentials().unwrap();
        assert!(body(&client).ends_with("&WebIdentityToken=second"));
    }

    #[test]
    fn session_name_is_generated_when_unset() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "t").unwrap();
        let client = Scripted::new([Ok((200, ANSWER.into()))]);
        provider(&dir, &[], &client).provide_credentials().unwrap();
        let body = body(&client);
        assert!(body.contains("&RoleSessionName=http-sigv4-1"), "{body}");
    }

    #[test]
    fn a_missing_or_empty_token_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let client = Scripted::new([]);
        let token = dir.path().join("token");
        assert_eq!(
            provider(&dir, &[], &client)
                .provide_credentials()
                .unwrap_err(),
            Error::WebIdentityTokenUnreadable {
                path: token.clone(),
                kind: ErrorKind::NotFound
            }
        );
        std::fs::write(&token, " \n").unwrap();
        let err = provider(&dir, &[], &client)
            .provide_credentials()
            .unwrap_err();
        assert_eq!(
            err,
            Error::WebIdentityTokenUnreadable {
                path: token,
                kind: ErrorKind::InvalidData
            }
        );
        assert!(
            err.to_string().contains("AWS_WEB_IDENTITY_TOKEN_FILE"),
            "{err}"
        );
        assert!(client.sent().is_empty());
    }
}
