//! [`Env`], the environment variables the sources read, and
//! [`EnvProvider`], the `AWS_ACCESS_KEY_ID` source.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::ProvideCredentials;
use crate::{Credentials, Error};

/// `AWS_ACCESS_KEY_ID`: the access key id.
pub(crate) const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
/// `AWS_SECRET_ACCESS_KEY`: the secret access key.
pub(crate) const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
/// `AWS_SESSION_TOKEN`: the session token of temporary credentials.
pub(crate) const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
/// `AWS_SECURITY_TOKEN`: the session token's older name, still read by the
/// AWS CLI when `AWS_SESSION_TOKEN` is unset.
pub(crate) const AWS_SECURITY_TOKEN: &str = "AWS_SECURITY_TOKEN";

/// The environment variables that credential and region sources read: the
/// process's own ([`Env::process`], the default), or a fixed set
/// ([`Env::from_vars`]) for tests, or for programs that keep their
/// configuration elsewhere.
///
/// Only [`Env::process`] reads `std::env`, and only when a source asks for a
/// variable. `Debug` shows the names of a fixed set's variables, never their
/// values (`AWS_SECRET_ACCESS_KEY` is one of them).
///
/// ```
/// use http_sigv4::Env;
///
/// let env = Env::from_vars([("AWS_REGION", "eu-west-1"), ("AWS_PROFILE", "")]);
/// assert_eq!(env.get("AWS_REGION").as_deref(), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_PROFILE"), None); // empty counts as unset
/// assert_eq!(env.get("HOME"), None);
/// ```
#[derive(Clone, Default)]
pub struct Env {
    /// `None`: the process's environment. Values are zeroed when the last
    /// clone is dropped (they may be secret keys).
    vars: Option<Arc<HashMap<String, Zeroizing<String>>>>,
}

impl Env {
    /// The process's environment, read through `std::env` at each lookup.
    ///
    /// ```
    /// use http_sigv4::Env;
    /// let env = Env::process();
    /// assert_eq!(env.get("HTTP_SIGV4_DOC_EXAMPLE_UNSET_VARIABLE"), None);
    /// ```
    pub fn process() -> Self {
        Env { vars: None }
    }

    /// A fixed set of variables; nothing else is visible. A
    /// [`ProcessProvider`](crate::ProcessProvider) reading this `Env` runs its
    /// command with exactly these variables too.
    ///
    /// ```
    /// use http_sigv4::Env;
    /// let env = Env::from_vars([("HOME", "/home/me")]);
    /// assert_eq!(env.get("HOME").as_deref(), Some("/home/me"));
    /// ```
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), Zeroizing::new(v.into())))
            .collect();
        Env {
            vars: Some(Arc::new(vars)),
        }
    }

    /// The value of `name`, if it is set, non-empty and UTF-8.
    ///
    /// ```
    /// use http_sigv4::Env;
    /// assert_eq!(Env::from_vars([("A", "1")]).get("A").as_deref(), Some("1"));
    /// ```
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.vars {
            Some(vars) => vars.get(name).map(|v| v.to_string()),
            None => std::env::var_os(name).and_then(|v| v.into_string().ok()),
        };
        value.filter(|v| !v.is_empty())
    }

    /// The fixed set of variables, or `None` for the process's environment.
    pub(crate) fn fixed_vars(&self) -> Option<&HashMap<String, Zeroizing<String>>> {
        self.vars.as_deref()
    }

    /// The home directory, where `~/.aws` is: `HOME`, else (Windows)
    /// `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH`.
    pub(crate) fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = self.get("HOME").or_else(|| self.get("USERPROFILE")) {
            return Some(PathBuf::from(home));
        }
        match (self.get("HOMEDRIVE"), self.get("HOMEPATH")) {
            (Some(drive), Some(path)) => Some(PathBuf::from(drive + &path)),
            _ => None,
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.vars {
            None => f.write_str("Env(process)"),
            Some(vars) => {
                let mut names: Vec<&str> = vars.keys().map(String::as_str).collect();
                names.sort_unstable();
                f.debug_struct("Env").field("names", &names).finish()
            }
        }
    }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for
/// temporary credentials, `AWS_SESSION_TOKEN` (or its older name
/// `AWS_SECURITY_TOKEN`).
///
/// Reads the variables at each call, so it sees them change. With
/// `AWS_ACCESS_KEY_ID` unset it returns
/// [`Error::MissingEnvironmentVariable`] naming it; with the key id set but
/// no secret, naming `AWS_SECRET_ACCESS_KEY`.
///
/// ```
/// use http_sigv4::{Env, EnvProvider, Error, ProvideCredentials};
///
/// let env = Env::from_vars([
///     ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
///     ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
/// ]);
/// let creds = EnvProvider::new().env(env).provide_credentials()?;
/// assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(creds.session_token(), None);
///
/// let half = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")]);
/// assert_eq!(
///     EnvProvider::new().env(half).provide_credentials().unwrap_err(),
///     Error::MissingEnvironmentVariable { name: "AWS_SECRET_ACCESS_KEY" }
/// );
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct EnvProvider {
    env: Env,
}

impl EnvProvider {
    /// Reads the process's environment.
    ///
    /// ```
    /// use http_sigv4::EnvProvider;
    /// let provider = EnvProvider::new();
    /// # let _ = provider;
    /// ```
    pub fn new() -> Self {
        EnvProvider::default()
    }

    /// Reads `env` instead of the process's environment.
    ///
    /// ```
    /// use http_sigv4::{Env, EnvProvider, ProvideCredentials};
    /// let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "S"), ("AWS_SESSION_TOKEN", "T")]);
    /// assert_eq!(EnvProvider::new().env(env).provide_credentials()?.session_token(), Some("T"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let missing = |name| Error::MissingEnvironmentVariable { name };
        let access_key_id = self
            .env
            .get(AWS_ACCESS_KEY_ID)
            .ok_or(missing(AWS_ACCESS_KEY_ID))?;
        let secret = self
            .env
            .get(AWS_SECRET_ACCESS_KEY)
            .ok_or(missing(AWS_SECRET_ACCESS_KEY))?;
        let token = self
            .env
            .get(AWS_SESSION_TOKEN)
            .or_else(|| self.env.get(AWS_SECURITY_TOKEN));
        Ok(Credentials::new(access_key_id, secret, token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provide(vars: &[(&str, &str)]) -> Result<Credentials, Error> {
        EnvProvider::new()
            .env(Env::from_vars(vars.iter().copied()))
            .provide_credentials()
    }

    #[test]
    fn reads_the_three_variables() {
        let c = provide(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ])
        .unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "SECRET", Some("TOKEN"))
        );
        assert_eq!(c.expiry(), None);
    }

    #[test]
    fn older_token_name_is_read_when_the_newer_is_unset() {
        let vars = [
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SECURITY_TOKEN", "OLD"),
        ];
        assert_eq!(provide(&vars).unwrap().session_token(), Some("OLD"));
        let both = [vars[0], vars[1], vars[2], ("AWS_SESSION_TOKEN", "NEW")];
        assert_eq!(provide(&both).unwrap().session_token(), Some("NEW"));
    }

    #[test]
    fn missing_or_empty_variables_are_named() {
        let missing = |name| Some(Error::MissingEnvironmentVariable { name });
        assert_eq!(provide(&[]).err(), missing("AWS_ACCESS_KEY_ID"));
        assert_eq!(
            provide(&[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "S")]).err(),
            missing("AWS_ACCESS_KEY_ID")
        );
        assert_eq!(
            provide(&[("AWS_ACCESS_KEY_ID", "AKID")]).err(),
            missing("AWS_SECRET_ACCESS_KEY")
        );
        assert_eq!(
            provide(&[("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "")]).err(),
            missing("AWS_SECRET_ACCESS_KEY")
        );
        let msg = provide(&[("AWS_ACCESS_KEY_ID", "AKID")])
            .unwrap_err()
            .to_string();
        assert!(msg.contains("AWS_SECRET_ACCESS_KEY"), "{msg}");
    }

    #[test]
    fn empty_token_counts_as_none() {
        let c = provide(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", ""),
        ])
        .unwrap();
        assert_eq!(c.session_token(), None);
    }

    #[test]
    fn home_directory_rules() {
        let home = |vars: &[(&str, &str)]| Env::from_vars(vars.iter().copied()).home_dir();
        assert_eq!(home(&[("HOME", "/h")]), Some(PathBuf::from("/h")));
        assert_eq!(
            home(&[("USERPROFILE", r"C:\Users\me")]),
            Some(PathBuf::from(r"C:\Users\me"))
        );
        assert_eq!(
            home(&[("HOMEDRIVE", "C:"), ("HOMEPATH", r"\Users\me")]),
            Some(PathBuf::from(r"C:\Users\me"))
        );
        assert_eq!(home(&[("HOMEDRIVE", "C:")]), None);
        assert_eq!(home(&[("HOME", "")]), None);
    }

    #[test]
    fn debug_shows_names_not_values() {
        let env = Env::from_vars([("AWS_SECRET_ACCESS_KEY", "very-secret-value")]);
        let shown = format!("{env:?} {:?}", EnvProvider::new().env(env.clone()));
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY"), "{shown}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert_eq!(format!("{:?}", Env::process()), "Env(process)");
    }
}
