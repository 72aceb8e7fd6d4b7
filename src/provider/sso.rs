//! [`SsoProvider`]: credentials of an IAM Identity Center (SSO) role, with
//! the token `aws sso login` left in `~/.aws/sso/cache`.
//!
//! A profile names the role with `sso_account_id` and `sso_role_name`, and
//! the login either through `sso_session` (a `[sso-session NAME]` section
//! with `sso_start_url` and `sso_region`) or, in the legacy form, with
//! `sso_start_url` and `sso_region` in the profile itself. The cached
//! token's file is `<sha1 hex of the session name, or of the start
//! URL>.json`. The credentials come from the portal's `GetRoleCredentials`:
//! `GET /federation/credentials?account_id=…&role_name=…` on
//! `https://portal.sso.<sso_region>.amazonaws.com` (or
//! `AWS_ENDPOINT_URL_SSO`), with the token in `x-amz-sso_bearer_token`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha1::{Digest, Sha1};

use super::json::{self, Value};
use super::profile::{profile_name, SharedFiles};
use super::remote::{escape_remote, Remote, Service};
use super::transport::SharedHttpClient;
use super::{Env, HttpClient, ProvideCredentials};
use crate::canonical::query::push_encoded_byte;
use crate::{Credentials, Error, ProfileProblem, SsoTokenProblem};

const GET_ROLE_CREDENTIALS: &str = "IAM Identity Center GetRoleCredentials";

/// Credentials of the IAM Identity Center role of a profile
/// (`sso_account_id`, `sso_role_name`, and `sso_session` or the legacy
/// `sso_start_url` + `sso_region`), with the token that `aws sso login`
/// cached in `~/.aws/sso/cache/`.
///
/// A token of an `sso_session` login that expires within five minutes is
/// renewed with its refresh token (OIDC `CreateToken` at
/// `https://oidc.<sso_region>.amazonaws.com`, or `AWS_ENDPOINT_URL_SSO_OIDC`)
/// and the cache file rewritten, as the AWS SDKs do. An expired token that
/// cannot be renewed, or a missing one, is an [`Error::SsoToken`] that says
/// which `aws sso login` to run. Each call
/// asks the portal: put the provider behind a
/// [`CachingProvider`](crate::CachingProvider).
/// [`ProfileProvider`](crate::ProfileProvider) (and so
/// [`DefaultChain`](crate::DefaultChain)) uses it for such profiles.
///
/// ```
/// use http_sigv4::{Env, Error, ProfileProblem, ProvideCredentials, SsoProvider};
///
/// let dir = std::env::temp_dir().join(format!("http-sigv4-doc-sso-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("config"), "[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n").unwrap();
/// let env = Env::from_vars([
///     ("AWS_CONFIG_FILE", dir.join("config").to_str().unwrap()),
///     ("AWS_SHARED_CREDENTIALS_FILE", dir.join("none").to_str().unwrap()),
/// ]);
/// let err = SsoProvider::new().env(env).profile("dev").provide_credentials().unwrap_err();
/// assert_eq!(err, Error::ProfileConfig { profile: "dev".into(), problem: ProfileProblem::SsoTokenOnly });
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct SsoProvider {
    env: Env,
    profile: Option<String>,
    client: SharedHttpClient,
}

impl SsoProvider {
    /// The profile named by `AWS_PROFILE` (or `default`), in the files of
    /// the process's environment.
    ///
    /// ```
    /// use http_sigv4::SsoProvider;
    /// let provider = SsoProvider::new();
    /// # let _ = provider;
    /// ```
    pub fn new() -> Self {
        SsoProvider::default()
    }

    /// Reads `env` instead of the process's environment.
    ///
    /// ```
    /// use http_sigv4::{Env, SsoProvider};
    /// let provider = SsoProvider::new().env(Env::from_vars([("AWS_PROFILE", "dev")]));
    /// # let _ = provider;
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Uses the profile `name`, whatever `AWS_PROFILE` says.
    ///
    /// ```
    /// use http_sigv4::SsoProvider;
    /// let provider = SsoProvider::new().profile("dev");
    /// # let _ = provider;
    /// ```
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Sends requests to the portal through `client`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{HttpClient, SsoProvider};
    ///
    /// struct Offline;
    /// impl HttpClient for Offline {
    ///     fn send(&self, _: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         Err(std::io::ErrorKind::NotConnected.into())
    ///     }
    /// }
    /// let provider = SsoProvider::new().http_client(Offline);
    /// # let _ = provider;
    /// ```
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.client = SharedHttpClient::new(client);
        self
    }
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let files = SharedFiles::load(&self.env)?;
        let profile = profile_name(&self.env, self.profile.as_deref());
        if !files.has_profile(&profile) {
            return Err(files.not_found(&profile));
        }
        let sso = SsoProfile::from_files(&files, &profile)?;
        let remote = Remote {
            env: &self.env,
            files: Some(&files),
            profile: &profile,
            client: &self.client,
            region: None,
        };
        sso.credentials(&remote, SystemTime::now())
    }
}

/// The IAM Identity Center settings of one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoProfile {
    profile: String,
    /// `sso_session`, if the profile uses the session form.
    session: Option<String>,
    start_url: String,
    region: String,
    account_id: String,
    role_name: String,
}

/// The settings that make a profile an IAM Identity Center one.
pub(crate) const SSO_SETTINGS: [&str; 5] = [
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
];

impl SsoProfile {
    /// Reads `profile`'s settings (and its `[sso-session]` section).
    pub(crate) fn from_files(files: &SharedFiles, profile: &str) -> Result<Self, Error> {
        let problem = |problem| Error::ProfileConfig {
            profile: profile.to_owned(),
            problem,
        };
        let get = |key| files.setting(profile, key).filter(|v| !v.is_empty());
        let session = get("sso_session");
        let (start_url, region) = match session {
            Some(name) => {
                let section = files.sso_sessions.get(name).ok_or_else(|| {
                    problem(ProfileProblem::SsoSessionNotFound {
                        name: name.to_owned(),
                    })
                })?;
                let from_section = |key| {
                    section
                        .get(key)
                        .map(|v| v.as_str())
                        .filter(|v| !v.is_empty())
                };
                (from_section("sso_start_url"), from_section("sso_region"))
            }
            None => (get("sso_start_url"), get("sso_region")),
        };
        let (account_id, role_name) = (get("sso_account_id"), get("sso_role_name"));
        if session.is_some() && account_id.is_none() && role_name.is_none() {
            return Err(problem(ProfileProblem::SsoTokenOnly));
        }
        let required = |value: Option<&str>, setting| {
            value
                .map(str::to_owned)
                .ok_or_else(|| problem(ProfileProblem::SsoSettingMissing { setting }))
        };
        Ok(SsoProfile {
            profile: profile.to_owned(),
            session: session.map(str::to_owned),
            start_url: required(start_url, "sso_start_url")?,
            region: required(region, "sso_region")?,
            account_id: required(account_id, "sso_account_id")?,
            role_name: required(role_name, "sso_role_name")?,
        })
    }

    /// The credentials of the role, with the cached token valid at `now`.
    pub(crate) fn credentials(
        &self,
        remote: &Remote<'_>,
        now: SystemTime,
    ) -> Result<Credentials, Error> {
        let token = self.cached_token(remote, now)?;
        let base = match remote.configured_endpoint(Service::Sso)? {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("https://portal.sso.{}.amazonaws.com", self.region),
        };
        let mut uri = format!("{base}/federation/credentials?account_id=");
        self.account_id
            .bytes()
            .for_each(|b| push_encoded_byte(&mut uri, b));
        uri.push_str("&role_name=");
        self.role_name
            .bytes()
            .for_each(|b| push_encoded_byte(&mut uri, b));
        let request = http::Request::get(uri)
            .header("x-amz-sso_bearer_token", token.as_str())
            .body(Vec::new())
            .map_err(|_| Error::InvalidEndpointSetting {
                setting: format!(
                    "the IAM Identity Center endpoint of profile `{}`",
                    self.profile
                ),
            })?;
        let response = remote.send(GET_ROLE_CREDENTIALS, request)?;
        if !response.status().is_success() {
            return Err(service_error(&response));
        }
        parse_role_credentials(response.body())
    }

    /// The access token `aws sso login` cached, if it is still valid.
    fn cached_token(
        &self,
        remote: &Remote<'_>,
        now: SystemTime,
    ) -> Result<zeroize::Zeroizing<String>, Error> {
        let home = remote
            .env
            .home_dir()
            .ok_or(Error::MissingEnvironmentVariable { name: "HOME" })?;
        let key = self.session.as_deref().unwrap_or(&self.start_url);
        let path = home.join(".aws").join("sso").join("cache").join(format!(
            "{}.json",
            hex::encode(Sha1::digest(key.as_bytes()))
        ));
        let login = match &self.session {
            Some(session) => format!("--sso-session {session}"),
            None => format!("--profile {}", self.profile),
        };
        let token_error = |path: PathBuf, problem| Error::SsoToken {
            path,
            problem,
            login: login.clone(),
        };
        let token = token::read(&path).map_err(|problem| token_error(path.clone(), problem))?;
        if token.needs_refresh(now) && self.session.is_some() {
            if let Some(renewed) = token.refresh(remote, &self.region, &path, now) {
                return Ok(renewed);
            }
        }
        if token.expires_at <= now {
            let expired_at = token.expires_at;
            return Err(token_error(path, SsoTokenProblem::Expired { expired_at }));
        }
        Ok(token.access_token)
    }
}

/// `{"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken",
/// "expiration" (milliseconds since 1970)}}`.
fn parse_role_credentials(body: &[u8]) -> Result<Credentials, Error> {
    let invalid = |problem: &str| Error::CredentialsServiceResponse {
        operation: GET_ROLE_CREDENTIALS,
        problem: problem.to_owned(),
    };
    let outer = json::parse_object(body).map_err(|_| invalid("not a JSON object"))?;
    let Some(Value::Object(span)) = outer.get("roleCredentials") else {
        return Err(invalid("no `roleCredentials` object"));
    };
    let mut inner = json::parse_object(&body[span.clone()]).map_err(|_| invalid("not JSON"))?;
    let mut string = |key: &str| match inner.remove(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        _ => Err(invalid(&format!("no `roleCredentials.{key}` string"))),
    };
    let key_id = string("accessKeyId")?;
    let secret = string("secretAccessKey")?;
    let token = string("sessionToken")?;
    let expiry = match inner.get("expiration") {
        Some(Value::Number(n)) => n.parse::<u64>().ok(),
        _ => None,
    }
    .map(|millis| UNIX_EPOCH + Duration::from_millis(millis))
    .ok_or_else(|| invalid("no `roleCredentials.expiration` in milliseconds"))?;
    Ok(Credentials::new(
        key_id.as_str(),
        secret.as_str(),
        Some(token.as_str().to_owned()),
    )
    .with_expiry(expiry))
}

/// The portal's error: its type (`x-amzn-errortype`) and `message`.
fn service_error(response: &http::Response<Vec<u8>>) -> Error {
    let code = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(':').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let message = json::parse_object(response.body())
        .ok()
        .and_then(|mut m| m.remove("message").or_else(|| m.remove("Message")))
        .and_then(|v| match v {
            Value::String(s) => Some(s.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    Error::CredentialsServiceError {
        operation: GET_ROLE_CREDENTIALS,
        status: response.status().as_u16(),
        code: escape_remote(&code),
        message: escape_remote(&message),
    }
}

mod token;

#[cfg(test)]
mod tests;
