//! [`ProfileProvider`]: credentials (and the region) of a profile in the
//! shared `~/.aws/credentials` and `~/.aws/config` files.

use std::path::{Path, PathBuf};

use super::process::ProcessProvider;
use super::profile_file::{self, FileKind, Profiles, Section};
use super::{Env, ProvideCredentials};
use crate::{Credentials, Error};

const AWS_PROFILE: &str = "AWS_PROFILE";
const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
const AWS_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
const AWS_REGION: &str = "AWS_REGION";
const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
const DEFAULT_PROFILE: &str = "default";

const ACCESS_KEY_ID: &str = "aws_access_key_id";
const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
const SESSION_TOKEN: &str = "aws_session_token";
/// The session token's older name, still read by the AWS CLI.
const SECURITY_TOKEN: &str = "aws_security_token";
const CREDENTIAL_PROCESS: &str = "credential_process";
const REGION: &str = "region";
/// Settings of sources the AWS CLI tries before a profile's keys, which
/// this crate does not run.
#[cfg(not(feature = "network-credentials"))]
const UNSUPPORTED: [&str; 3] = ["role_arn", "sso_session", "sso_start_url"];

/// Credentials from a profile of the shared config and credentials files,
/// found as the AWS CLI finds them.
///
/// Where the files are: `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`
/// (a leading `~` is the home directory), else `~/.aws/credentials` and
/// `~/.aws/config`. A missing file counts as empty. Which profile: the one
/// given to [`profile`](Self::profile), else `AWS_PROFILE`, else `default`
/// (`[default]` or `[profile NAME]` in the config file, `[NAME]` in the
/// credentials file; names are case-sensitive, setting names are not).
///
/// What a profile yields, in the AWS CLI's order:
/// 1. `role_arn`, `sso_session` or `sso_start_url` (assume-role and IAM
///    Identity Center profiles, which the CLI tries first): without the
///    `network-credentials` feature, an [`Error::ProfileWithoutCredentials`]
///    naming the setting, rather than other credentials than the CLI would
///    use. With it, as the AWS SDKs resolve them: `role_arn` with
///    `source_profile` (followed, loops refused; after the first profile a
///    profile's keys win over its own role; a profile that is its own
///    source uses its keys) or `credential_source` (`Environment`), with
///    `external_id`, `role_session_name` and `duration_seconds`, assumed
///    with STS `AssumeRole` (`AssumeRoleProvider`);
///    `web_identity_token_file` with `role_arn`
///    (`WebIdentityProvider`'s request); an
///    IAM Identity Center role (`SsoProvider`). A
///    role with `mfa_serial` is refused: a program cannot type the code;
/// 2. `aws_access_key_id` and `aws_secret_access_key` (and
///    `aws_session_token`) in the credentials file;
/// 3. `credential_process`, from either file (the credentials file wins),
///    run by a [`ProcessProvider`](crate::ProcessProvider);
/// 4. the keys in the config file.
///
/// Reads the files at each call; a [`CachingProvider`](crate::CachingProvider)
/// in front of it reads them once (and runs a `credential_process` again
/// only when its credentials are about to expire).
///
/// ```
/// use http_sigv4::{Env, ProfileProvider, ProvideCredentials};
///
/// let dir = std::env::temp_dir().join(format!("http-sigv4-doc-profile-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let credentials_file = dir.join("credentials");
/// std::fs::write(&credentials_file, "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = SECRET\n").unwrap();
///
/// let env = Env::from_vars([
///     ("AWS_SHARED_CREDENTIALS_FILE", credentials_file.to_str().unwrap()),
///     ("AWS_CONFIG_FILE", dir.join("config").to_str().unwrap()), // missing: empty
///     ("AWS_PROFILE", "dev"),
/// ]);
/// let creds = ProfileProvider::new().env(env).provide_credentials()?;
/// assert_eq!(creds.access_key_id(), "AKIDDEV");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    env: Env,
    profile: Option<String>,
    #[cfg(feature = "network-credentials")]
    client: super::transport::SharedHttpClient,
}

impl ProfileProvider {
    /// The profile named by `AWS_PROFILE` (or `default`), in the files of
    /// the process's environment.
    ///
    /// ```
    /// use http_sigv4::ProfileProvider;
    /// let provider = ProfileProvider::new();
    /// # let _ = provider;
    /// ```
    pub fn new() -> Self {
        ProfileProvider::default()
    }

    /// Reads `env` instead of the process's environment (for `AWS_PROFILE`,
    /// the file locations, `HOME`).
    ///
    /// ```
    /// use http_sigv4::{Env, ProfileProvider};
    /// let provider = ProfileProvider::new().env(Env::from_vars([("AWS_PROFILE", "ci")]));
    /// assert_eq!(provider.profile_name(), "ci");
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Uses the profile `name`, whatever `AWS_PROFILE` says.
    ///
    /// ```
    /// use http_sigv4::{Env, ProfileProvider};
    /// let provider = ProfileProvider::new()
    ///     .env(Env::from_vars([("AWS_PROFILE", "ci")]))
    ///     .profile("dev");
    /// assert_eq!(provider.profile_name(), "dev");
    /// ```
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Sends the requests of the profile's network sources (STS for
    /// `role_arn` and `web_identity_token_file`, IAM Identity Center for
    /// `sso_session` and `sso_start_url`) through `client`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{HttpClient, ProfileProvider};
    ///
    /// struct Offline;
    /// impl HttpClient for Offline {
    ///     fn send(&self, _: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         Err(std::io::ErrorKind::NotConnected.into())
    ///     }
    /// }
    /// let provider = ProfileProvider::new().http_client(Offline);
    /// # let _ = provider;
    /// ```
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    pub fn http_client(self, client: impl super::HttpClient + 'static) -> Self {
        self.shared_client(super::transport::SharedHttpClient::new(client))
    }

    #[cfg(feature = "network-credentials")]
    pub(crate) fn shared_client(mut self, client: super::transport::SharedHttpClient) -> Self {
        self.client = client;
        self
    }

    /// The profile this provider reads: the one given to
    /// [`profile`](Self::profile), else `AWS_PROFILE`, else `default`.
    ///
    /// ```
    /// use http_sigv4::{Env, ProfileProvider};
    /// assert_eq!(ProfileProvider::new().env(Env::from_vars([("A", "")])).profile_name(), "default");
    /// ```
    pub fn profile_name(&self) -> String {
        profile_name(&self.env, self.profile.as_deref())
    }

    /// The profile's `region` setting, if it has one (`Ok(None)` too when
    /// the profile or the files do not exist). Environment variables are
    /// not consulted: [`region_from_env_or_profile`] does that.
    ///
    /// ```
    /// use http_sigv4::{Env, ProfileProvider};
    /// # let dir = std::env::temp_dir().join(format!("http-sigv4-doc-region-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let config = dir.join("config");
    /// std::fs::write(&config, "[profile dev]\nregion = eu-central-1\n").unwrap();
    /// let env = Env::from_vars([
    ///     ("AWS_CONFIG_FILE", config.to_str().unwrap()),
    ///     ("AWS_SHARED_CREDENTIALS_FILE", dir.join("none").to_str().unwrap()),
    /// ]);
    /// assert_eq!(ProfileProvider::new().env(env).profile("dev").region()?.as_deref(), Some("eu-central-1"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn region(&self) -> Result<Option<String>, Error> {
        self.setting(REGION)
    }

    /// The profile's setting `key` (e.g. `role_arn`, `credential_process`,
    /// `sso_session`), from the credentials file if it is there, else from
    /// the config file; `Ok(None)` too when the profile or the files do not
    /// exist. For a program that tells its user what kind of profile it
    /// signs with; values are returned as written, secrets included.
    ///
    /// ```
    /// use http_sigv4::{Env, ProfileProvider};
    /// # let dir = std::env::temp_dir().join(format!("http-sigv4-doc-setting-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let config = dir.join("config");
    /// std::fs::write(&config, "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\n").unwrap();
    /// let env = Env::from_vars([
    ///     ("AWS_CONFIG_FILE", config.to_str().unwrap()),
    ///     ("AWS_SHARED_CREDENTIALS_FILE", dir.join("none").to_str().unwrap()),
    /// ]);
    /// let profile = ProfileProvider::new().env(env).profile("app");
    /// assert_eq!(profile.setting("ROLE_ARN")?.as_deref(), Some("arn:aws:iam::123456789012:role/app"));
    /// assert_eq!(profile.setting("credential_process")?, None);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        let files = SharedFiles::load(&self.env)?;
        Ok(files
            .setting(&self.profile_name(), &key.to_ascii_lowercase())
            .map(str::to_owned))
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let files = SharedFiles::load(&self.env)?;
        #[cfg(feature = "network-credentials")]
        return super::profile_chain::credentials(
            &files,
            &self.profile_name(),
            &self.env,
            &self.client,
        );
        #[cfg(not(feature = "network-credentials"))]
        files.credentials(&self.profile_name(), &self.env)
    }
}

/// The region to sign for: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else
/// the `region` of the profile (`profile`, else `AWS_PROFILE`, else
/// `default`) in the shared files, as the AWS CLI looks for it.
///
/// [`Error::MissingRegion`] when none of them is set; a malformed file is
/// an error too.
///
/// ```
/// use http_sigv4::{region_from_env_or_profile, Env, Error};
///
/// let env = Env::from_vars([("AWS_DEFAULT_REGION", "us-west-2"), ("AWS_REGION", "eu-west-1")]);
/// assert_eq!(region_from_env_or_profile(&env, None)?, "eu-west-1");
///
/// let nothing = Env::from_vars([("AWS_CONFIG_FILE", "/nonexistent/config"), ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")]);
/// assert_eq!(
///     region_from_env_or_profile(&nothing, Some("dev")),
///     Err(Error::MissingRegion { profile: "dev".into() })
/// );
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub fn region_from_env_or_profile(env: &Env, profile: Option<&str>) -> Result<String, Error> {
    if let Some(region) = env.get(AWS_REGION).or_else(|| env.get(AWS_DEFAULT_REGION)) {
        return Ok(region);
    }
    let profile = profile_name(env, profile);
    let files = match SharedFiles::load(env) {
        // No home directory, so no files: the region is what is missing.
        Err(Error::MissingEnvironmentVariable { .. }) => None,
        other => Some(other?),
    };
    files
        .and_then(|f| f.setting(&profile, REGION).map(str::to_owned))
        .ok_or(Error::MissingRegion { profile })
}

/// The setting `key` of the profile named by `AWS_PROFILE` (or `default`),
/// from the credentials file if it is there, else from the config file.
/// `Ok(None)` too when there is no home directory to find the files in.
#[cfg(feature = "network-credentials")]
pub(crate) fn profile_setting(env: &Env, key: &str) -> Result<Option<String>, Error> {
    let files = match SharedFiles::load(env) {
        Err(Error::MissingEnvironmentVariable { .. }) => return Ok(None),
        other => other?,
    };
    Ok(files
        .setting(&profile_name(env, None), key)
        .map(str::to_owned))
}

pub(crate) fn profile_name(env: &Env, explicit: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| env.get(AWS_PROFILE))
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned())
}

/// Both files, parsed.
pub(crate) struct SharedFiles {
    credentials_path: PathBuf,
    credentials: Profiles,
    config_path: PathBuf,
    config: Profiles,
    /// The config file's `[sso-session NAME]` sections.
    #[cfg_attr(not(feature = "network-credentials"), allow(dead_code))]
    pub(crate) sso_sessions: Profiles,
    /// The config file's `[services NAME]` sections.
    #[cfg_attr(not(feature = "network-credentials"), allow(dead_code))]
    pub(crate) services: Profiles,
}

impl SharedFiles {
    pub(crate) fn load(env: &Env) -> Result<Self, Error> {
        let credentials_path = locate(env, AWS_SHARED_CREDENTIALS_FILE, "credentials")?;
        let config_path = locate(env, AWS_CONFIG_FILE, "config")?;
        let config = profile_file::read(&config_path, FileKind::Config)?;
        Ok(SharedFiles {
            credentials: profile_file::read(&credentials_path, FileKind::Credentials)?.profiles,
            credentials_path,
            config: config.profiles,
            sso_sessions: config.sso_sessions,
            services: config.services,
            config_path,
        })
    }

    /// The files, or `None` when there is no home directory to find them
    /// in (and no variable names them).
    #[cfg(feature = "network-credentials")]
    pub(crate) fn load_if_home(env: &Env) -> Result<Option<Self>, Error> {
        match SharedFiles::load(env) {
            Err(Error::MissingEnvironmentVariable { .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    /// Whether `profile` is in either file.
    #[cfg(feature = "network-credentials")]
    pub(crate) fn has_profile(&self, profile: &str) -> bool {
        self.credentials.contains_key(profile) || self.config.contains_key(profile)
    }

    /// The error for a profile in neither file.
    pub(crate) fn not_found(&self, profile: &str) -> Error {
        Error::ProfileNotFound {
            profile: profile.to_owned(),
            credentials_file: self.credentials_path.clone(),
            config_file: self.config_path.clone(),
        }
    }

    /// Whether `profile` sets `aws_access_key_id` or
    /// `aws_secret_access_key` in either file.
    #[cfg(feature = "network-credentials")]
    pub(crate) fn has_keys(&self, profile: &str) -> bool {
        [&self.credentials, &self.config]
            .into_iter()
            .any(|file| file.get(profile).is_some_and(has_keys))
    }

    /// A setting of `profile`, from the credentials file if it is there,
    /// else from the config file.
    pub(crate) fn setting(&self, profile: &str, key: &str) -> Option<&str> {
        [&self.credentials, &self.config]
            .into_iter()
            .find_map(|file| file.get(profile)?.get(key))
            .map(|value| value.as_str())
    }

    #[cfg(not(feature = "network-credentials"))]
    fn credentials(&self, profile: &str, env: &Env) -> Result<Credentials, Error> {
        if !self.credentials.contains_key(profile) && !self.config.contains_key(profile) {
            return Err(self.not_found(profile));
        }
        if let Some(setting) = UNSUPPORTED
            .into_iter()
            .find(|key| self.setting(profile, key).is_some())
        {
            return Err(Error::ProfileWithoutCredentials {
                profile: profile.to_owned(),
                unsupported: Some(setting.to_owned()),
            });
        }
        self.keys_or_process(profile, env)
    }

    /// The profile's own keys or `credential_process`, in the AWS CLI's
    /// order: keys in the credentials file, then the process, then keys in
    /// the config file.
    pub(crate) fn keys_or_process(&self, profile: &str, env: &Env) -> Result<Credentials, Error> {
        let in_credentials = self.credentials.get(profile);
        let in_config = self.config.get(profile);
        if let Some(section) = in_credentials.filter(|s| has_keys(s)) {
            return keys(profile, section, &self.credentials_path);
        }
        if let Some(command) = self.setting(profile, CREDENTIAL_PROCESS) {
            return ProcessProvider::new(command)
                .env(env.clone())
                .provide_credentials();
        }
        if let Some(section) = in_config.filter(|s| has_keys(s)) {
            return keys(profile, section, &self.config_path);
        }
        Err(Error::ProfileWithoutCredentials {
            profile: profile.to_owned(),
            unsupported: None,
        })
    }
}

fn has_keys(section: &Section) -> bool {
    section.contains_key(ACCESS_KEY_ID) || section.contains_key(SECRET_ACCESS_KEY)
}

/// The static keys of a section that has at least one of them.
fn keys(profile: &str, section: &Section, path: &Path) -> Result<Credentials, Error> {
    let get = |key| {
        section
            .get(key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::ProfileMissingKey {
                profile: profile.to_owned(),
                path: path.to_path_buf(),
                key,
            })
    };
    let access_key_id = get(ACCESS_KEY_ID)?;
    let secret = get(SECRET_ACCESS_KEY)?;
    let token = [SESSION_TOKEN, SECURITY_TOKEN]
        .into_iter()
        .find_map(|key| section.get(key).filter(|v| !v.is_empty()));
    Ok(Credentials::new(
        access_key_id.as_str(),
        secret.as_str(),
        token.map(|t| t.as_str().to_owned()),
    ))
}

/// The path in `variable`, else `~/.aws/<file_name>`.
fn locate(env: &Env, variable: &str, file_name: &str) -> Result<PathBuf, Error> {
    let home = || {
        env.home_dir()
            .ok_or(Error::MissingEnvironmentVariable { name: "HOME" })
    };
    match env.get(variable) {
        Some(path) if path == "~" => home(),
        Some(path) => match path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\")) {
            Some(rest) => Ok(home()?.join(rest)),
            None => Ok(PathBuf::from(path)),
        },
        None => Ok(home()?.join(".aws").join(file_name)),
    }
}

#[cfg(test)]
mod tests;
