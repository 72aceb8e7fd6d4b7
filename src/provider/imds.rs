//! [`ImdsProvider`]: credentials of the EC2 instance's IAM role from the
//! instance metadata service, version 2 (IMDSv2), and [`region_from_imds`].
//!
//! ```text
//! PUT /latest/api/token                        x-aws-ec2-metadata-token-ttl-seconds: 21600
//!   ← session token
//! GET /latest/meta-data/iam/security-credentials/       x-aws-ec2-metadata-token: <token>
//!   ← the role's name
//! GET /latest/meta-data/iam/security-credentials/<role> x-aws-ec2-metadata-token: <token>
//!   ← {"Code": "Success", "AccessKeyId": …, "SecretAccessKey": …, "Token": …, "Expiration": …}
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use super::endpoint::{parse_credentials, send_with_retry};
use super::profile::profile_setting;
use super::transport::SharedHttpClient;
use super::{Env, HttpClient, ProvideCredentials};
use crate::{Credentials, EndpointProblem, Error};

mod config;
mod stale;

use config::Endpoint;
pub use config::ImdsEndpointMode;
use stale::LastCredentials;

const TOKEN_PATH: &str = "/latest/api/token";
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const REGION_PATH: &str = "/latest/meta-data/placement/region";
const TOKEN_TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// Six hours, the session token's lifetime the SDKs ask for.
const TOKEN_TTL_SECONDS: &str = "21600";
/// The default timeout of each attempt.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
const DISABLED: &str = "AWS_EC2_METADATA_DISABLED";

/// Called with the reason each time stale credentials are handed out.
type StaleHook = Arc<dyn Fn(&Error) + Send + Sync>;

/// Credentials of the EC2 instance's IAM role (its instance profile), from
/// the instance metadata service with IMDSv2 session tokens.
///
/// Where it asks, first found wins, as the AWS SDKs look:
/// 1. the endpoint given to [`endpoint`](Self::endpoint);
/// 2. `AWS_EC2_METADATA_SERVICE_ENDPOINT`, then the profile's
///    `ec2_metadata_service_endpoint`;
/// 3. the endpoint mode given to [`endpoint_mode`](Self::endpoint_mode),
///    then `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`, then the profile's
///    `ec2_metadata_service_endpoint_mode` (`IPv4` or `IPv6`, any case):
///    `http://169.254.169.254` or `http://[fd00:ec2::254]`;
/// 4. `http://169.254.169.254`.
///
/// (The profile is the one `AWS_PROFILE` names, or `default`.) With
/// `AWS_EC2_METADATA_DISABLED=true` nothing is asked:
/// `Error::InstanceMetadata(EndpointProblem::NotConfigured)`.
///
/// Each request has a 1 s timeout ([`timeout`](Self::timeout)) and is sent
/// once more after a timeout, a transport error or a `5xx`. Outside EC2 it
/// therefore fails within about 2 s for each of its requests.
///
/// **Static stability**, as the AWS SDKs do it: when a refresh fails but
/// this provider (or a clone of it) fetched credentials before, it returns
/// those again, with their expiry moved to 5 to 10 minutes from now (if it
/// was sooner), so that a program keeps working through a short outage of
/// the metadata service; AWS accepts the credentials for as long as they
/// are really valid. Credentials that the service returns already expired
/// get the same extension. Each time, the hook given to
/// [`on_stale_credentials`](Self::on_stale_credentials) is called with the
/// reason (there is no logging otherwise).
///
/// Asks at each call: put it behind a
/// [`CachingProvider`](crate::CachingProvider).
///
/// ```no_run
/// use http_sigv4::{region_from_imds, CachingProvider, Env, ImdsProvider, Signer};
///
/// // On EC2, with an instance profile attached.
/// let provider = CachingProvider::new(
///     ImdsProvider::new().on_stale_credentials(|e| eprintln!("warning: {e}; using older credentials")),
/// );
/// let region = region_from_imds(&Env::process())?;
/// let signer = Signer::with_provider(provider, region, "execute-api");
/// # let _ = signer;
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct ImdsProvider {
    env: Env,
    client: SharedHttpClient,
    timeout: Duration,
    endpoint: Option<String>,
    mode: Option<ImdsEndpointMode>,
    clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
    on_stale: Option<StaleHook>,
    last: Arc<Mutex<LastCredentials>>,
}

impl ImdsProvider {
    /// Reads the process's environment and asks through a
    /// [`DefaultHttpClient`](crate::DefaultHttpClient).
    ///
    /// ```
    /// use http_sigv4::{EndpointProblem, Env, Error, ImdsProvider, ProvideCredentials};
    /// let provider = ImdsProvider::new().env(Env::from_vars([("AWS_EC2_METADATA_DISABLED", "true")]));
    /// assert_eq!(
    ///     provider.provide_credentials().unwrap_err(),
    ///     Error::InstanceMetadata(EndpointProblem::NotConfigured)
    /// );
    /// ```
    pub fn new() -> Self {
        ImdsProvider {
            env: Env::process(),
            client: SharedHttpClient::default(),
            timeout: DEFAULT_TIMEOUT,
            endpoint: None,
            mode: None,
            clock: Arc::new(SystemTime::now),
            on_stale: None,
            last: Arc::default(),
        }
    }

    /// Reads `env` instead of the process's environment (for the variables
    /// above, and the profile's settings).
    ///
    /// ```
    /// use http_sigv4::{Env, ImdsProvider};
    /// let provider = ImdsProvider::new()
    ///     .env(Env::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338")]));
    /// # let _ = provider;
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Sends its requests through `client` instead of a
    /// [`DefaultHttpClient`](crate::DefaultHttpClient).
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{Env, HttpClient, ImdsProvider, ProvideCredentials};
    ///
    /// /// A stand-in for the metadata service.
    /// struct Imds;
    /// impl HttpClient for Imds {
    ///     fn send(&self, request: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         let body: &str = match request.uri().path() {
    ///             "/latest/api/token" => "session-token",
    ///             "/latest/meta-data/iam/security-credentials/" => "my-role",
    ///             _ => r#"{"Code":"Success","AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"}"#,
    ///         };
    ///         Ok(http::Response::new(body.as_bytes().to_vec()))
    ///     }
    /// }
    ///
    /// let provider = ImdsProvider::new().env(Env::from_vars([("HOME", "/nonexistent")])).http_client(Imds);
    /// assert_eq!(provider.provide_credentials()?.access_key_id(), "ASIAEXAMPLE");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.client = SharedHttpClient::new(client);
        self
    }

    /// The timeout of each attempt of each request; 1 s by default.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::ImdsProvider;
    /// let provider = ImdsProvider::new().timeout(Duration::from_millis(500));
    /// # let _ = provider;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Asks `endpoint` (e.g. `http://169.254.169.254`), whatever the
    /// variables and the profile say. It is checked when the provider asks.
    ///
    /// ```
    /// use http_sigv4::ImdsProvider;
    /// let provider = ImdsProvider::new().endpoint("http://[fd00:ec2::254]");
    /// # let _ = provider;
    /// ```
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Uses the default endpoint of `mode`, unless an endpoint is given
    /// (see the order above).
    ///
    /// ```
    /// use http_sigv4::{ImdsEndpointMode, ImdsProvider};
    /// let provider = ImdsProvider::new().endpoint_mode(ImdsEndpointMode::Ipv6);
    /// # let _ = provider;
    /// ```
    pub fn endpoint_mode(mut self, mode: ImdsEndpointMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The clock that decides whether credentials have expired (default:
    /// `SystemTime::now`); tests and replays pass one they control.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::ImdsProvider;
    /// let provider = ImdsProvider::new().clock(|| UNIX_EPOCH + Duration::from_secs(1_632_197_000));
    /// # let _ = provider;
    /// ```
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Calls `hook` with the reason each time older (or expired)
    /// credentials are handed out with an extended expiry: the refresh's
    /// error, or [`Error::CredentialsExpired`] when the service itself
    /// returned expired credentials. Use it to log a warning.
    ///
    /// ```
    /// use http_sigv4::ImdsProvider;
    /// let provider = ImdsProvider::new()
    ///     .on_stale_credentials(|reason| eprintln!("warning: instance metadata: {reason}"));
    /// # let _ = provider;
    /// ```
    pub fn on_stale_credentials(mut self, hook: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        self.on_stale = Some(Arc::new(hook));
        self
    }

    /// The instance's region, from `/latest/meta-data/placement/region`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{Env, HttpClient, ImdsProvider};
    ///
    /// struct Imds;
    /// impl HttpClient for Imds {
    ///     fn send(&self, request: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         let body: &[u8] = match request.uri().path() {
    ///             "/latest/api/token" => b"session-token",
    ///             _ => b"eu-west-3",
    ///         };
    ///         Ok(http::Response::new(body.to_vec()))
    ///     }
    /// }
    /// let provider = ImdsProvider::new().env(Env::from_vars([("HOME", "/nonexistent")])).http_client(Imds);
    /// assert_eq!(provider.region()?, "eu-west-3");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn region(&self) -> Result<String, Error> {
        let base = self.base()?;
        self.fetch_region(&base).map_err(Error::InstanceMetadata)
    }

    /// The same provider sending through `client`, sharing its state.
    pub(crate) fn shared_client(mut self, client: SharedHttpClient) -> Self {
        self.client = client;
        self
    }

    /// The endpoint's base URI, or why there is none.
    fn base(&self) -> Result<Endpoint, Error> {
        if self
            .env
            .get(DISABLED)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return Err(Error::InstanceMetadata(EndpointProblem::NotConfigured));
        }
        Endpoint::resolve(
            self.endpoint.as_deref(),
            self.mode,
            &self.env,
            |name: &str| profile_setting(&self.env, name),
        )
    }

    /// `GET path` with the session token; the body when the status is 200.
    fn get(
        &self,
        base: &Endpoint,
        token: &http::HeaderValue,
        path: &str,
    ) -> Result<http::Response<Vec<u8>>, EndpointProblem> {
        let uri = base.uri(path)?;
        send_with_retry(
            &*self.client.0,
            || {
                let mut request = http::Request::get(uri.clone())
                    .body(Vec::new())
                    .map_err(|e| base.invalid(e.to_string()))?;
                request.headers_mut().insert(TOKEN_HEADER, token.clone());
                Ok(request)
            },
            self.timeout,
        )
    }

    fn session_token(&self, base: &Endpoint) -> Result<http::HeaderValue, EndpointProblem> {
        let uri = base.uri(TOKEN_PATH)?;
        let response = send_with_retry(
            &*self.client.0,
            || {
                http::Request::put(uri.clone())
                    .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
                    .body(Vec::new())
                    .map_err(|e| base.invalid(e.to_string()))
            },
            self.timeout,
        )?;
        ok(&response)?;
        let mut token = http::HeaderValue::from_bytes(response.body().trim_ascii())
            .ok()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| EndpointProblem::InvalidResponse {
                problem: "the session token is empty or not a valid header value".to_owned(),
            })?;
        token.set_sensitive(true);
        Ok(token)
    }

    fn fetch(&self, base: &Endpoint) -> Result<Credentials, EndpointProblem> {
        let token = self.session_token(base)?;
        let roles = self.get(base, &token, CREDENTIALS_PATH)?;
        if roles.status() == http::StatusCode::NOT_FOUND {
            return Err(EndpointProblem::NoRole);
        }
        ok(&roles)?;
        let role = std::str::from_utf8(roles.body())
            .ok()
            .and_then(|names| names.lines().map(str::trim).find(|n| !n.is_empty()))
            .ok_or(EndpointProblem::NoRole)?;
        if !role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
        {
            return Err(EndpointProblem::InvalidResponse {
                problem: "the role name holds characters an IAM role name cannot".to_owned(),
            });
        }
        let credentials = self.get(base, &token, &format!("{CREDENTIALS_PATH}{role}"))?;
        if credentials.status() == http::StatusCode::NOT_FOUND {
            return Err(EndpointProblem::NoRole);
        }
        ok(&credentials)?;
        parse_credentials(credentials.body())
    }

    fn fetch_region(&self, base: &Endpoint) -> Result<String, EndpointProblem> {
        let token = self.session_token(base)?;
        let response = self.get(base, &token, REGION_PATH)?;
        ok(&response)?;
        std::str::from_utf8(response.body())
            .ok()
            .map(str::trim)
            .filter(|r| {
                !r.is_empty()
                    && r.len() <= 64
                    && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            .map(str::to_owned)
            .ok_or_else(|| EndpointProblem::InvalidResponse {
                problem: "the region is not a region name such as us-east-1".to_owned(),
            })
    }

    fn warn(&self, reason: &Error) {
        if let Some(hook) = &self.on_stale {
            hook(reason);
        }
    }
}

impl Default for ImdsProvider {
    fn default() -> Self {
        ImdsProvider::new()
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let base = self.base()?;
        let fetched = self.fetch(&base).map_err(Error::InstanceMetadata);
        let now = (self.clock)();
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let (credentials, reason) = last.resolve(fetched, now)?;
        drop(last);
        if let Some(reason) = reason {
            self.warn(&reason);
        }
        Ok(credentials)
    }
}

impl fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsProvider")
            .field("env", &self.env)
            .field("timeout", &self.timeout)
            .field("endpoint", &self.endpoint)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// `Ok` for a 200, else the status as a problem.
fn ok(response: &http::Response<Vec<u8>>) -> Result<(), EndpointProblem> {
    match response.status() {
        http::StatusCode::OK => Ok(()),
        status => Err(EndpointProblem::Status {
            status: status.as_u16(),
        }),
    }
}

/// The region of the EC2 instance this program runs on, from instance
/// metadata (`/latest/meta-data/placement/region`), found as
/// [`ImdsProvider`] finds it (`AWS_EC2_METADATA_SERVICE_ENDPOINT`,
/// `AWS_EC2_METADATA_DISABLED`, …, read from `env`).
///
/// A last resort when [`region_from_env_or_profile`](crate::region_from_env_or_profile)
/// finds none, as the AWS SDKs do; it takes up to a few seconds to fail
/// outside EC2.
///
/// ```no_run
/// use http_sigv4::{region_from_env_or_profile, region_from_imds, Env, Error};
///
/// let env = Env::process();
/// let region = match region_from_env_or_profile(&env, None) {
///     Err(Error::MissingRegion { .. }) => region_from_imds(&env)?,
///     other => other?,
/// };
/// # let _ = region;
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub fn region_from_imds(env: &Env) -> Result<String, Error> {
    ImdsProvider::new().env(env.clone()).region()
}

#[cfg(test)]
mod tests;
