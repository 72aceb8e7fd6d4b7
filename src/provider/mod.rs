//! Where credentials come from: the [`ProvideCredentials`] trait and its
//! implementations.
//!
//! ```text
//! DefaultChain ──► EnvProvider      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//!              ├─► ProfileProvider  ~/.aws/credentials, then ~/.aws/config (AWS_PROFILE or `default`)
//!              │     └─► ProcessProvider, or roles, web identity, SSO (network-credentials)
//!              │   when there is no profile (network-credentials):
//!              ├─► WebIdentityProvider  AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN
//!              ├─► ContainerProvider    the ECS / EKS Pod Identity endpoint
//!              └─► ImdsProvider         EC2 instance metadata (IMDSv2)
//! CachingProvider: keeps what a provider returned; from a margin before it
//!                  expires, one background refresh while signers keep using it
//! ```
//!
//! Each source reads its variables from an [`Env`], the process's
//! environment unless a test (or a program that keeps its configuration
//! elsewhere) passes one of its own.

#[cfg(feature = "network-credentials")]
mod assume_role;
mod cache;
mod chain;
#[cfg(feature = "network-credentials")]
mod container;
#[cfg(feature = "network-credentials")]
mod default_client;
#[cfg(feature = "network-credentials")]
mod endpoint;
mod env;
#[cfg(feature = "network-credentials")]
mod imds;
mod json;
pub(crate) mod process;
mod profile;
#[cfg(feature = "network-credentials")]
mod profile_chain;
pub(crate) mod profile_file;
#[cfg(feature = "network-credentials")]
mod remote;
#[cfg(feature = "network-credentials")]
mod sso;
#[cfg(feature = "network-credentials")]
mod sts;
#[cfg(feature = "network-credentials")]
mod transport;
#[cfg(feature = "network-credentials")]
mod web_identity;

#[cfg(feature = "network-credentials")]
pub use assume_role::AssumeRoleProvider;
pub use cache::{CachingProvider, DEFAULT_REFRESH_MARGIN};
pub use chain::DefaultChain;
#[cfg(feature = "network-credentials")]
pub use container::ContainerProvider;
#[cfg(feature = "network-credentials")]
pub use default_client::DefaultHttpClient;
pub use env::{Env, EnvProvider};
#[cfg(feature = "network-credentials")]
pub use imds::{region_from_imds, ImdsEndpointMode, ImdsProvider};
pub use process::ProcessProvider;
pub use profile::{region_from_env_or_profile, ProfileProvider};
#[cfg(feature = "network-credentials")]
pub use sso::SsoProvider;
#[cfg(feature = "network-credentials")]
pub use transport::HttpClient;
#[cfg(feature = "network-credentials")]
pub use web_identity::WebIdentityProvider;

use crate::{Credentials, Error};

/// A source of credentials, asked each time a
/// [`Signer`](crate::Signer) built with
/// [`Signer::with_provider`](crate::Signer::with_provider) signs.
///
/// Implemented by [`Credentials`] (fixed ones), by closures returning
/// `Result<Credentials, Error>`, and by the providers of this crate:
/// [`EnvProvider`], [`ProfileProvider`], [`ProcessProvider`],
/// [`DefaultChain`] and [`CachingProvider`]. Implement it for a secret
/// manager or a database of your own; report failures as
/// [`Error::CredentialsUnavailable`].
///
/// It is synchronous: a source that must wait on the network belongs behind
/// a [`CachingProvider`], or refreshed by a task of your own into something
/// this trait reads.
///
/// ```
/// use http_sigv4::{Credentials, Error, ProvideCredentials};
///
/// struct FromDatabaseRow { key_id: String, secret: String }
///
/// impl ProvideCredentials for FromDatabaseRow {
///     fn provide_credentials(&self) -> Result<Credentials, Error> {
///         Ok(Credentials::new(self.key_id.clone(), self.secret.clone(), None::<String>))
///     }
/// }
///
/// let row = FromDatabaseRow { key_id: "AKID".into(), secret: "SECRET".into() };
/// assert_eq!(row.provide_credentials()?.access_key_id(), "AKID");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub trait ProvideCredentials {
    /// The credentials to sign with now.
    fn provide_credentials(&self) -> Result<Credentials, Error>;
}

/// Fixed credentials provide themselves.
///
/// ```
/// use http_sigv4::{Credentials, ProvideCredentials};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// assert_eq!(creds.provide_credentials()?.access_key_id(), "AKID");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        Ok(self.clone())
    }
}

/// A closure is a provider.
///
/// ```
/// use http_sigv4::{Credentials, ProvideCredentials};
/// let provider = || Ok(Credentials::new("AKID", "SECRET", None::<String>));
/// assert_eq!(provider.provide_credentials()?.secret_access_key(), "SECRET");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
impl<F> ProvideCredentials for F
where
    F: Fn() -> Result<Credentials, Error>,
{
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        self()
    }
}
