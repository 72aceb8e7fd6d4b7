//! Where a [`Signer`]'s credentials come from: fixed, a provider, or the
//! AWS CLI's sources ([`Signer::from_env`], [`Signer::from_profile`]).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::scope::{invalid_scope_part, is_scope_part, scope_after_date};
use super::{Algorithm, Settings, Signer};
use crate::provider::{
    region_from_env_or_profile, CachingProvider, DefaultChain, Env, ProfileProvider,
    ProvideCredentials,
};
use crate::{Credentials, Error};

/// Where a signer's credentials come from.
#[derive(Clone)]
pub(super) enum CredentialsSource {
    /// Fixed credentials, and which of their fields cannot be signed with
    /// (checked once, here).
    Fixed(Credentials, Option<&'static str>),
    Provider(Arc<dyn ProvideCredentials + Send + Sync>),
}

impl fmt::Debug for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsSource::Fixed(credentials, _) => credentials.fmt(f),
            CredentialsSource::Provider(_) => f.write_str("Provider"),
        }
    }
}

impl Signer {
    /// A signer for `service` (e.g. `execute-api`, `s3`, `sts`) in `region`
    /// (e.g. `us-east-1`), with the defaults of the AWS test suite: the body
    /// is hashed with SHA-256, the path is double-encoded and normalized, no
    /// `x-amz-content-sha256` header is added, the session token is signed,
    /// and [`DEFAULT_UNSIGNED_HEADERS`](crate::DEFAULT_UNSIGNED_HEADERS) are left out of the signature.
    ///
    /// The region and service are checked when signing
    /// ([`Error::InvalidScope`]).
    ///
    /// ```
    /// use http_sigv4::{Credentials, Signer};
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "eu-west-1", "sts");
    /// assert_eq!(signer.region(), "eu-west-1");
    /// assert_eq!(signer.service(), "sts");
    /// ```
    pub fn new(
        credentials: Credentials,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        let invalid = invalid_field(&credentials);
        Signer::with_source(
            CredentialsSource::Fixed(credentials, invalid),
            region,
            service,
        )
    }

    fn with_source(
        credentials: CredentialsSource,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        let region = Arc::from(region.into());
        let service = Arc::from(service.into());
        let algorithm = Algorithm::default();
        Signer {
            credentials,
            invalid_scope: invalid_scope_part(&algorithm, &region, &service),
            scope_after_date: scope_after_date(&algorithm, &region, &service),
            region,
            service,
            settings: Settings::default(),
            keys: Arc::default(),
            algorithm,
        }
    }

    /// A signer that asks `provider` for credentials each time it signs
    /// (credentials that rotate, expire, or live in a store of your own),
    /// with the same defaults as [`Signer::new`]. The provider's errors are
    /// returned by `sign`, `sign_at` and `presign_at`.
    ///
    /// A provider that does real work (reads files, runs a process, calls a
    /// service) belongs behind a [`CachingProvider`]. The signing key is
    /// derived again only when the access key id or secret changes.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use http_sigv4::{Credentials, Error, Signer};
    ///
    /// // E.g. the row of a database that a task keeps up to date.
    /// let current = std::sync::RwLock::new(Credentials::new("AKID", "SECRET", None::<String>));
    /// let current = std::sync::Arc::new(current);
    /// let source = current.clone();
    /// let signer = Signer::with_provider(
    ///     move || source.read().map(|c| c.clone()).map_err(|_| Error::CredentialsUnavailable {
    ///         reason: "the credentials lock is poisoned".into(),
    ///     }),
    ///     "us-east-1",
    ///     "service",
    /// );
    ///
    /// let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
    /// signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(req.headers()["authorization"].to_str().unwrap().contains("Credential=AKID/"));
    ///
    /// *current.write().unwrap() = Credentials::new("AKIDROTATED", "NEWSECRET", None::<String>);
    /// signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(req.headers()["authorization"].to_str().unwrap().contains("Credential=AKIDROTATED/"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn with_provider(
        provider: impl ProvideCredentials + Send + Sync + 'static,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        Signer::with_source(
            CredentialsSource::Provider(Arc::new(provider)),
            region,
            service,
        )
    }

    /// A signer for `service` with the credentials and region the AWS CLI
    /// would use: credentials from `AWS_ACCESS_KEY_ID` /
    /// `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, else from the profile
    /// named by `AWS_PROFILE` (or `default`) in `~/.aws/credentials` and
    /// `~/.aws/config` (keys or `credential_process`); the region from
    /// `AWS_REGION`, `AWS_DEFAULT_REGION` or that profile's `region`. With
    /// the `network-credentials` feature, credentials also come from the
    /// container endpoint or EC2 instance metadata (see [`DefaultChain`]),
    /// and the region, when nothing above gives one, from instance metadata
    /// (`region_from_imds`).
    ///
    /// The credentials are loaded now, so a missing or broken setup is an
    /// error here rather than at the first request, and cached
    /// ([`CachingProvider`] over [`DefaultChain`]): temporary ones are
    /// fetched again shortly before they expire.
    ///
    /// ```no_run
    /// use http_sigv4::Signer;
    ///
    /// match Signer::from_env("sts") {
    ///     Ok(signer) => {
    ///         let mut req = http::Request::get("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15")
    ///             .body(())
    ///             .unwrap();
    ///         signer.sign(&mut req)?;
    ///     }
    ///     // On a machine without AWS credentials: says what to set.
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn from_env(service: impl Into<String>) -> Result<Self, Error> {
        Signer::from_sources(Env::process(), None, service)
    }

    /// Like [`from_env`](Self::from_env), but with the credentials of
    /// `profile` in the shared files whatever the environment's keys and
    /// `AWS_PROFILE` say (`AWS_REGION` and `AWS_DEFAULT_REGION` still
    /// choose the region, as with `aws --profile`).
    ///
    /// ```
    /// use http_sigv4::Signer;
    ///
    /// match Signer::from_profile("http-sigv4-doc-example-no-such-profile", "s3") {
    ///     Ok(signer) => println!("signing for {}", signer.region()),
    ///     // Usually: "profile `http-sigv4-doc-example-no-such-profile` is in
    ///     // neither ~/.aws/credentials nor ~/.aws/config: add it …"
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// ```
    pub fn from_profile(profile: &str, service: impl Into<String>) -> Result<Self, Error> {
        Signer::from_sources(Env::process(), Some(profile), service)
    }

    /// [`from_env`](Self::from_env) (no `profile`) or
    /// [`from_profile`](Self::from_profile) on the environment `env`.
    pub(crate) fn from_sources(
        env: Env,
        profile: Option<&str>,
        service: impl Into<String>,
    ) -> Result<Self, Error> {
        let provider = match profile {
            None => CachingProvider::new(DefaultChain::new().env(env.clone())),
            Some(name) => {
                CachingProvider::new(ProfileProvider::new().env(env.clone()).profile(name))
            }
        };
        provider.provide_credentials()?;
        let region = match region_from_env_or_profile(&env, profile) {
            // On EC2, the instance's region as a last resort, as the SDKs
            // do; if instance metadata has none, the error says what to set.
            #[cfg(feature = "network-credentials")]
            Err(missing @ Error::MissingRegion { .. }) => {
                crate::region_from_imds(&env).map_err(|_| missing)?
            }
            other => other?,
        };
        Ok(Signer::with_provider(provider, region, service))
    }

    /// The credentials to sign with now, checked: the access key id is
    /// written into the `Authorization` header or the query.
    ///
    /// Fixed credentials are borrowed, not cloned: threads sharing one
    /// signer then never write to a shared reference count.
    pub(super) fn current_credentials(&self) -> Result<Cow<'_, Credentials>, Error> {
        let (credentials, invalid) = match &self.credentials {
            CredentialsSource::Fixed(credentials, invalid) => {
                (Cow::Borrowed(credentials), *invalid)
            }
            CredentialsSource::Provider(provider) => {
                let credentials = provider.provide_credentials()?;
                let invalid = invalid_field(&credentials);
                (Cow::Owned(credentials), invalid)
            }
        };
        match invalid {
            Some(field) => Err(Error::InvalidCredentials { field }),
            None => Ok(credentials),
        }
    }
}

/// Which field of `credentials` cannot be signed with, if any: the access
/// key id is written into the scope (so it must be a scope part without
/// `,` or `=`), and the secret must not be empty.
fn invalid_field(credentials: &Credentials) -> Option<&'static str> {
    let akid = credentials.access_key_id();
    if !is_scope_part(akid) || akid.contains([',', '=']) {
        return Some("access key id");
    }
    if credentials.secret_access_key().is_empty() {
        return Some("secret access key");
    }
    None
}
