//! [`DefaultChain`]: the AWS CLI's order of credential sources, for the
//! sources this crate reads.

use std::fmt;
#[cfg(feature = "network-credentials")]
use std::sync::Arc;

use super::env::AWS_ACCESS_KEY_ID;
#[cfg(feature = "network-credentials")]
use super::transport::SharedHttpClient;
#[cfg(feature = "network-credentials")]
use super::web_identity::AWS_WEB_IDENTITY_TOKEN_FILE;
#[cfg(feature = "network-credentials")]
use super::{ContainerProvider, HttpClient, ImdsProvider, WebIdentityProvider};
use super::{Env, EnvProvider, ProfileProvider, ProvideCredentials};
#[cfg(feature = "network-credentials")]
use crate::EndpointProblem;
use crate::{Credentials, Error};

/// Credentials from where the AWS SDKs look, in the AWS SDK for Rust's
/// order: the environment variables ([`EnvProvider`]) when
/// `AWS_ACCESS_KEY_ID` is set, else the profile named by `AWS_PROFILE` (or
/// `default`) in the shared files ([`ProfileProvider`], which runs a
/// `credential_process` and, with the `network-credentials` feature,
/// assumes roles, reads web identity and IAM Identity Center logins); with
/// the feature, when there is no such profile: a web identity
/// (`WebIdentityProvider`, EKS IRSA) when `AWS_WEB_IDENTITY_TOKEN_FILE` is
/// set, then the container endpoint (`ContainerProvider`, when its
/// variables are set) and then EC2 instance metadata (`ImdsProvider`).
///
/// As with the AWS CLI, `AWS_PROFILE` does not override keys set in the
/// environment. To read one profile whatever the environment holds, use
/// [`ProfileProvider::profile`]. Without the `network-credentials`
/// feature, web identity, container and instance metadata are not read,
/// nor are assumed roles and IAM Identity Center (SSO).
///
/// A profile comes before a web identity from the environment, as in the
/// AWS SDK for Rust (its credential-chain suite's
/// `profile_overrides_web_identity` case); the Java SDK checks the web
/// identity first. The network sources are tried only when the profile is
/// missing (or there is no home directory, or the profile holds no
/// credentials); a broken profile stops the chain with its error. When
/// neither network source is set up (no container variables; instance
/// metadata turned off, unreachable or timing out, as outside EC2), the
/// profile's error is returned: it says what to set. Outside EC2 that
/// takes up to about 2 s (the metadata service's timeouts); set
/// `AWS_EC2_METADATA_DISABLED=true` to skip it.
///
/// It looks afresh at each call; [`Signer::from_env`](crate::Signer::from_env)
/// puts it behind a [`CachingProvider`](crate::CachingProvider), which you
/// should do too.
///
/// ```
/// use http_sigv4::{DefaultChain, Env, ProvideCredentials};
///
/// let env = Env::from_vars([
///     ("AWS_ACCESS_KEY_ID", "AKIDFROMENV"),
///     ("AWS_SECRET_ACCESS_KEY", "SECRET"),
///     ("AWS_PROFILE", "dev"), // not read: the keys above win
/// ]);
/// assert_eq!(DefaultChain::new().env(env).provide_credentials()?.access_key_id(), "AKIDFROMENV");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct DefaultChain {
    env: Env,
    /// The client of the network sources (a [`DefaultHttpClient`](crate::DefaultHttpClient)
    /// unless one is given).
    #[cfg(feature = "network-credentials")]
    client: SharedHttpClient,
    /// Kept across calls: it remembers its last credentials (static
    /// stability).
    #[cfg(feature = "network-credentials")]
    imds: Arc<std::sync::OnceLock<ImdsProvider>>,
    /// The clock of the network sources; `None`: `SystemTime::now`.
    #[cfg(feature = "network-credentials")]
    clock: Option<Arc<dyn Fn() -> std::time::SystemTime + Send + Sync>>,
}

impl DefaultChain {
    /// Reads the process's environment and the files it points to.
    ///
    /// ```
    /// use http_sigv4::{CachingProvider, DefaultChain};
    /// let provider = CachingProvider::new(DefaultChain::new());
    /// # let _ = provider;
    /// ```
    pub fn new() -> Self {
        DefaultChain::default()
    }

    /// Reads `env` instead of the process's environment.
    ///
    /// ```
    /// use http_sigv4::{DefaultChain, Env, Error, ProvideCredentials};
    /// // No keys, and no home directory to find ~/.aws in (and, with the
    /// // network-credentials feature, instance metadata turned off).
    /// let chain = DefaultChain::new()
    ///     .env(Env::from_vars([("AWS_PROFILE", "dev"), ("AWS_EC2_METADATA_DISABLED", "true")]));
    /// assert_eq!(chain.provide_credentials().unwrap_err(), Error::MissingEnvironmentVariable { name: "HOME" });
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        #[cfg(feature = "network-credentials")]
        {
            self.imds = Arc::default();
        }
        self
    }

    /// Sends the requests of the network sources (STS, IAM Identity
    /// Center, container endpoint, instance metadata) through `client`
    /// instead of a
    /// [`DefaultHttpClient`](crate::DefaultHttpClient).
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{DefaultChain, Env, HttpClient, ProvideCredentials};
    ///
    /// /// A stand-in for the ECS agent's endpoint.
    /// struct Ecs;
    /// impl HttpClient for Ecs {
    ///     fn send(&self, request: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         assert_eq!(request.uri(), "http://169.254.170.2/v2/credentials/task");
    ///         let body = r#"{"AccessKeyId":"ASIATASK","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"}"#;
    ///         Ok(http::Response::new(body.as_bytes().to_vec()))
    ///     }
    /// }
    ///
    /// let env = Env::from_vars([
    ///     ("HOME", "/nonexistent-home"),
    ///     ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task"),
    /// ]);
    /// let chain = DefaultChain::new().env(env).http_client(Ecs);
    /// assert_eq!(chain.provide_credentials()?.access_key_id(), "ASIATASK");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.client = SharedHttpClient::new(client);
        self.imds = Arc::default();
        self
    }

    /// The clock that decides whether the network sources' credentials
    /// have expired (see [`ImdsProvider::clock`](crate::ImdsProvider::clock));
    /// replays of recorded traffic pass the time of the recording.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::DefaultChain;
    /// let chain = DefaultChain::new().clock(|| UNIX_EPOCH + Duration::from_secs(1_632_197_000));
    /// # let _ = chain;
    /// ```
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    pub fn clock(
        mut self,
        clock: impl Fn() -> std::time::SystemTime + Send + Sync + 'static,
    ) -> Self {
        self.clock = Some(Arc::new(clock));
        self.imds = Arc::default();
        self
    }

    /// A web identity from the environment, the container endpoint, then
    /// instance metadata; `profile_error` when none is set up.
    #[cfg(feature = "network-credentials")]
    fn network_sources(&self, profile_error: Error) -> Result<Credentials, Error> {
        if self.env.get(AWS_WEB_IDENTITY_TOKEN_FILE).is_some() {
            return WebIdentityProvider::new()
                .env(self.env.clone())
                .shared_client(self.client.clone())
                .provide_credentials();
        }
        let container = ContainerProvider::new()
            .env(self.env.clone())
            .shared_client(self.client.clone())
            .provide_credentials();
        match container {
            Err(Error::ContainerCredentials(EndpointProblem::NotConfigured)) => {}
            other => return other,
        }
        let imds = self.imds.get_or_init(|| {
            let imds = ImdsProvider::new()
                .env(self.env.clone())
                .shared_client(self.client.clone());
            match &self.clock {
                Some(clock) => {
                    let clock = clock.clone();
                    imds.clock(move || clock())
                }
                None => imds,
            }
        });
        match imds.provide_credentials() {
            Err(Error::InstanceMetadata(
                EndpointProblem::NotConfigured
                | EndpointProblem::TimedOut { .. }
                | EndpointProblem::Transport { .. },
            )) => Err(profile_error),
            other => other,
        }
    }
}

/// Whether the profile's error means "no profile here" (so the chain goes
/// on), not "a profile that is broken".
#[cfg(feature = "network-credentials")]
fn profile_absent(error: &Error) -> bool {
    matches!(
        error,
        Error::ProfileNotFound { .. }
            | Error::MissingEnvironmentVariable { name: "HOME" }
            | Error::ProfileWithoutCredentials {
                unsupported: None,
                ..
            }
    )
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        // A blank key id (spaces) counts as unset, as in the AWS SDKs.
        let key_id = self.env.get(AWS_ACCESS_KEY_ID);
        if key_id.is_some_and(|id| !id.trim().is_empty()) {
            return EnvProvider::new()
                .env(self.env.clone())
                .provide_credentials();
        }
        let profile = ProfileProvider::new().env(self.env.clone());
        #[cfg(feature = "network-credentials")]
        let profile = profile.shared_client(self.client.clone());
        let profile = profile.provide_credentials();
        #[cfg(feature = "network-credentials")]
        let profile = match profile {
            Err(e) if profile_absent(&e) => self.network_sources(e),
            other => other,
        };
        profile
    }
}

impl fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultChain")
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "network-credentials"))]
mod network_tests;

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn env_with_home(home: &tempfile::TempDir, vars: &[(&str, &str)]) -> Env {
        let home = home.path().to_str().unwrap().to_owned();
        // Instance metadata off: these tests must not reach the network.
        Env::from_vars(
            vars.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .chain([("HOME".to_string(), home)])
                .chain([("AWS_EC2_METADATA_DISABLED".into(), "true".into())]),
        )
    }

    fn home_with_profiles() -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        fs::create_dir(home.path().join(".aws")).unwrap();
        fs::write(
            home.path().join(".aws/credentials"),
            "[default]\naws_access_key_id = FILE_DEFAULT\naws_secret_access_key = S\n\
             [dev]\naws_access_key_id = FILE_DEV\naws_secret_access_key = S\n",
        )
        .unwrap();
        home
    }

    fn key_id(env: Env) -> Result<String, Error> {
        DefaultChain::new()
            .env(env)
            .provide_credentials()
            .map(|c| c.access_key_id().to_owned())
    }

    #[test]
    fn blank_key_id_counts_as_unset() {
        let home = home_with_profiles();
        let blank = [("AWS_ACCESS_KEY_ID", " "), ("AWS_SECRET_ACCESS_KEY", " ")];
        assert_eq!(
            key_id(env_with_home(&home, &blank)),
            Ok("FILE_DEFAULT".into())
        );
    }

    #[test]
    fn environment_first_then_profile() {
        let home = home_with_profiles();
        let env_keys = [("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "S")];
        assert_eq!(key_id(env_with_home(&home, &env_keys)), Ok("ENV".into()));
        assert_eq!(
            key_id(env_with_home(
                &home,
                &[env_keys[0], env_keys[1], ("AWS_PROFILE", "dev")]
            )),
            Ok("ENV".into())
        );
        assert_eq!(key_id(env_with_home(&home, &[])), Ok("FILE_DEFAULT".into()));
        assert_eq!(
            key_id(env_with_home(&home, &[("AWS_PROFILE", "dev")])),
            Ok("FILE_DEV".into())
        );
    }

    #[test]
    fn half_set_environment_is_an_error_not_a_fallback() {
        // As with the AWS CLI: a key id without its secret stops the chain.
        let home = home_with_profiles();
        assert_eq!(
            key_id(env_with_home(&home, &[("AWS_ACCESS_KEY_ID", "ENV")])),
            Err(Error::MissingEnvironmentVariable {
                name: "AWS_SECRET_ACCESS_KEY"
            })
        );
        // A secret without a key id is ignored.
        assert_eq!(
            key_id(env_with_home(&home, &[("AWS_SECRET_ACCESS_KEY", "S")])),
            Ok("FILE_DEFAULT".into())
        );
    }

    #[test]
    fn nothing_anywhere_names_the_profile_and_files() {
        let home = tempfile::tempdir().unwrap();
        let err = key_id(env_with_home(&home, &[])).unwrap_err();
        assert!(
            matches!(&err, Error::ProfileNotFound { profile, .. } if profile == "default"),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("AWS_ACCESS_KEY_ID"), "{msg}");
    }
}
