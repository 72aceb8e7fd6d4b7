//! [`AssumeRoleProvider`]: credentials of a role assumed with STS
//! `AssumeRole`, signed with the credentials of another provider.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::profile::SharedFiles;
use super::remote::Remote;
use super::sts::{self, RoleRequest};
use super::transport::SharedHttpClient;
use super::web_identity::generated_session_name;
use super::{Env, HttpClient, ProvideCredentials};
use crate::{Credentials, Error};

/// Credentials of the role `role_arn`, assumed with STS `AssumeRole`; the
/// request is signed by this crate's [`Signer`](crate::Signer) with the
/// credentials of a source provider.
///
/// STS is reached at `https://sts.<region>.amazonaws.com/`: the region
/// given with [`region`](Self::region), else `AWS_REGION`,
/// `AWS_DEFAULT_REGION` or the profile's `region`, else `us-east-1`; unless
/// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` or the profile names another
/// endpoint. Each call asks the source and STS: put the provider behind a
/// [`CachingProvider`](crate::CachingProvider). A profile's `role_arn`
/// (with `source_profile` or `credential_source`) is read by
/// [`ProfileProvider`](crate::ProfileProvider), which builds the same
/// requests.
///
/// ```
/// use std::time::Duration;
/// use http_sigv4::{AssumeRoleProvider, Credentials, Error, ProvideCredentials};
///
/// let base = Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>);
/// let provider = AssumeRoleProvider::new("arn:aws:iam::123456789012:role/deploy", base)
///     .session_name("release-42")
///     .external_id("partner-7")
///     .duration(Duration::from_secs(900))
///     .region("eu-west-1");
/// # let _ = &provider;
/// ```
#[derive(Clone)]
pub struct AssumeRoleProvider {
    role_arn: String,
    source: Arc<dyn ProvideCredentials + Send + Sync>,
    session_name: Option<String>,
    external_id: Option<String>,
    duration: Option<Duration>,
    region: Option<String>,
    env: Env,
    client: SharedHttpClient,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` with the credentials `source` provides.
    ///
    /// ```
    /// use http_sigv4::{AssumeRoleProvider, EnvProvider};
    /// let provider = AssumeRoleProvider::new("arn:aws:iam::123456789012:role/deploy", EnvProvider::new());
    /// # let _ = provider;
    /// ```
    pub fn new(
        role_arn: impl Into<String>,
        source: impl ProvideCredentials + Send + Sync + 'static,
    ) -> Self {
        AssumeRoleProvider {
            role_arn: role_arn.into(),
            source: Arc::new(source),
            session_name: None,
            external_id: None,
            duration: None,
            region: None,
            env: Env::process(),
            client: SharedHttpClient::default(),
        }
    }

    /// The role session name (default: `http-sigv4-<milliseconds since
    /// 1970>`), shown in CloudTrail.
    ///
    /// ```
    /// # use http_sigv4::{AssumeRoleProvider, Credentials};
    /// # let base = Credentials::new("AKID", "SECRET", None::<String>);
    /// let provider = AssumeRoleProvider::new("arn:aws:iam::1:role/r", base).session_name("ci-build");
    /// # let _ = provider;
    /// ```
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// The external id the role's trust policy asks for.
    ///
    /// ```
    /// # use http_sigv4::{AssumeRoleProvider, Credentials};
    /// # let base = Credentials::new("AKID", "SECRET", None::<String>);
    /// let provider = AssumeRoleProvider::new("arn:aws:iam::1:role/r", base).external_id("partner-7");
    /// # let _ = provider;
    /// ```
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// How long the credentials last (whole seconds, 900 s to the role's
    /// maximum; STS's default is one hour).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use http_sigv4::{AssumeRoleProvider, Credentials};
    /// # let base = Credentials::new("AKID", "SECRET", None::<String>);
    /// let provider = AssumeRoleProvider::new("arn:aws:iam::1:role/r", base).duration(Duration::from_secs(7200));
    /// # let _ = provider;
    /// ```
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// The region whose STS endpoint to call (and to sign for).
    ///
    /// ```
    /// # use http_sigv4::{AssumeRoleProvider, Credentials};
    /// # let base = Credentials::new("AKID", "SECRET", None::<String>);
    /// let provider = AssumeRoleProvider::new("arn:aws:iam::1:role/r", base).region("ap-southeast-2");
    /// # let _ = provider;
    /// ```
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Reads `env` instead of the process's environment (for the region
    /// and the endpoint settings).
    ///
    /// ```
    /// # use http_sigv4::{AssumeRoleProvider, Credentials, Env};
    /// # let base = Credentials::new("AKID", "SECRET", None::<String>);
    /// let env = Env::from_vars([("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566")]);
    /// let provider = AssumeRoleProvider::new("arn:aws:iam::1:role/r", base).env(env);
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
    /// use http_sigv4::{AssumeRoleProvider, Credentials, HttpClient};
    ///
    /// struct Offline;
    /// impl HttpClient for Offline {
    ///     fn send(&self, _: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         Err(std::io::ErrorKind::NotConnected.into())
    ///     }
    /// }
    /// let base = Credentials::new("AKID", "SECRET", None::<String>);
    /// let provider = AssumeRoleProvider::new("arn:aws:iam::1:role/r", base).http_client(Offline);
    /// # let _ = provider;
    /// ```
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.client = SharedHttpClient::new(client);
        self
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let source = self.source.provide_credentials()?;
        let files = SharedFiles::load_if_home(&self.env)?;
        let profile = super::profile::profile_name(&self.env, None);
        let remote = Remote {
            env: &self.env,
            files: files.as_ref(),
            profile: &profile,
            client: &self.client,
            region: self.region.as_deref(),
        };
        let generated;
        let session_name = match &self.session_name {
            Some(name) => name.as_str(),
            None => {
                generated = generated_session_name();
                &generated
            }
        };
        let duration_seconds = self
            .duration
            .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
        let role = RoleRequest {
            role_arn: &self.role_arn,
            session_name,
            external_id: self.external_id.as_deref(),
            duration_seconds,
        };
        sts::assume_role(&remote, &source, &role)
    }
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::provider::transport::scripted::Scripted;
    use crate::Verifier;

    const ANSWER: &str = "<AssumeRoleResponse><AssumeRoleResult>\
        <Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>S</SecretAccessKey>\
        <SessionToken>T</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>\
        </AssumeRoleResult></AssumeRoleResponse>";

    #[test]
    fn signs_with_the_source_and_sends_the_options() {
        let base = Credentials::new("AKIDBASE", "BASESECRET", Some("BASETOKEN".to_owned()));
        let client = Scripted::new([Ok((200, ANSWER.into()))]);
        let creds = AssumeRoleProvider::new("arn:aws:iam::1:role/r", base.clone())
            .session_name("s")
            .external_id("x")
            .duration(Duration::from_secs(900))
            .region("ap-southeast-2")
            .env(Env::from_vars([("AWS_REGION", "eu-west-1")]))
            .http_client(client.clone())
            .provide_credentials()
            .unwrap();
        assert_eq!(creds.access_key_id(), "ASIAROLE");
        let req = client.sent().remove(0);
        assert_eq!(req.uri(), "https://sts.ap-southeast-2.amazonaws.com/");
        assert_eq!(req.headers()["x-amz-security-token"], "BASETOKEN");
        assert_eq!(
            std::str::from_utf8(req.body()).unwrap(),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr\
             &RoleSessionName=s&ExternalId=x&DurationSeconds=900"
        );
        let keys = HashMap::from([("AKIDBASE".to_owned(), base)]);
        let verified = Verifier::new(keys, "ap-southeast-2", "sts").verify(&req);
        assert!(verified.is_ok(), "{verified:?}");
    }

    #[test]
    fn a_source_failure_is_returned_without_calling_sts() {
        let client = Scripted::new([]);
        let source = || -> Result<Credentials, Error> {
            Err(Error::MissingEnvironmentVariable {
                name: "AWS_ACCESS_KEY_ID",
            })
        };
        let err = AssumeRoleProvider::new("arn:aws:iam::1:role/r", source)
            .env(Env::from_vars([("A", "")]))
            .http_client(client.clone())
            .provide_credentials()
            .unwrap_err();
        assert_eq!(
            err,
            Error::MissingEnvironmentVariable {
                name: "AWS_ACCESS_KEY_ID"
            }
        );
        assert!(client.sent().is_empty());
        let shown = format!(
            "{:?}",
            AssumeRoleProvider::new(
                "arn:aws:iam::1:role/r",
                Credentials::new("A", "SECRETVALUE", None::<String>)
            )
        );
        assert!(!shown.contains("SECRETVALUE"), "{shown}");
    }
}
