//! [`DefaultChain`]: the AWS CLI's order of credential sources, for the
//! sources this crate reads.

use super::env::AWS_ACCESS_KEY_ID;
use super::{Env, EnvProvider, ProfileProvider, ProvideCredentials};
use crate::{Credentials, Error};

/// Credentials from where the AWS CLI looks, in its order: the environment
/// variables ([`EnvProvider`]) when `AWS_ACCESS_KEY_ID` is set; with the
/// `network-credentials` feature, then a web identity
/// (`WebIdentityProvider`) when
/// `AWS_WEB_IDENTITY_TOKEN_FILE` is set; else the profile named by
/// `AWS_PROFILE` (or `default`) in the shared files ([`ProfileProvider`],
/// which runs a `credential_process` and, with the feature, assumes roles
/// and reads IAM Identity Center logins).
///
/// As with the AWS CLI, `AWS_PROFILE` does not override keys set in the
/// environment. To read one profile whatever the environment holds, use
/// [`ProfileProvider::profile`]. Without the `network-credentials` feature,
/// assumed roles and IAM Identity Center (SSO) are not read.
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
#[derive(Debug, Clone, Default)]
pub struct DefaultChain {
    env: Env,
    #[cfg(feature = "network-credentials")]
    client: super::transport::SharedHttpClient,
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
    /// // No keys, and no home directory to find ~/.aws in.
    /// let chain = DefaultChain::new().env(Env::from_vars([("AWS_PROFILE", "dev")]));
    /// assert_eq!(chain.provide_credentials().unwrap_err(), Error::MissingEnvironmentVariable { name: "HOME" });
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Sends the requests of the network sources (STS, IAM Identity
    /// Center) through `client` instead of the default client.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{DefaultChain, HttpClient};
    ///
    /// struct Offline;
    /// impl HttpClient for Offline {
    ///     fn send(&self, _: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         Err(std::io::ErrorKind::NotConnected.into())
    ///     }
    /// }
    /// let chain = DefaultChain::new().http_client(Offline);
    /// # let _ = chain;
    /// ```
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    pub fn http_client(mut self, client: impl super::HttpClient + 'static) -> Self {
        self.client = super::transport::SharedHttpClient::new(client);
        self
    }
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
        #[cfg(feature = "network-credentials")]
        if self
            .env
            .get(super::web_identity::AWS_WEB_IDENTITY_TOKEN_FILE)
            .is_some()
        {
            return super::WebIdentityProvider::new()
                .env(self.env.clone())
                .shared_client(self.client.clone())
                .provide_credentials();
        }
        let profile = ProfileProvider::new().env(self.env.clone());
        #[cfg(feature = "network-credentials")]
        let profile = profile.shared_client(self.client.clone());
        // WIRING: the container endpoint and then instance metadata come
        // next (other branch): try them when this fails with
        // Error::ProfileNotFound for a profile nobody named (no AWS_PROFILE)
        // or Error::MissingEnvironmentVariable { name: "HOME" }.
        profile.provide_credentials()
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn env_with_home(home: &tempfile::TempDir, vars: &[(&str, &str)]) -> Env {
        let home = home.path().to_str().unwrap().to_owned();
        Env::from_vars(
            vars.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .chain([("HOME".to_string(), home)]),
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
    fn blank_key_id_counts_as_unset() {
        let home = home_with_profiles();
        let blank = [("AWS_ACCESS_KEY_ID", " "), ("AWS_SECRET_ACCESS_KEY", " ")];
        assert_eq!(
            key_id(env_with_home(&home, &blank)),
            Ok("FILE_DEFAULT".into())
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
