//! [`ContainerProvider`]: credentials from the container credentials
//! endpoint of ECS, Fargate, EKS Pod Identity and CodeBuild.
//!
//! ```text
//! AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/…  → GET http://169.254.170.2/v2/credentials/…
//! AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials
//!   + Authorization: <AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE's content, or AWS_CONTAINER_AUTHORIZATION_TOKEN>
//! ← {"AccessKeyId": …, "SecretAccessKey": …, "Token": …, "Expiration": "…"}
//! ```

use std::fmt;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::Duration;

use zeroize::Zeroizing;

use super::endpoint::{parse_credentials, send_with_retry};
use super::transport::SharedHttpClient;
use super::{Env, HttpClient, ProvideCredentials};
use crate::{Credentials, EndpointProblem, Error};

const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Where ECS serves the relative URI.
const ECS_HOST: &str = "http://169.254.170.2";

/// The link-local addresses AWS serves container credentials on, which
/// plain http may reach: ECS, and EKS Pod Identity over IPv4 and IPv6.
const ALLOWED_V4: [Ipv4Addr; 2] = [
    Ipv4Addr::new(169, 254, 170, 2),
    Ipv4Addr::new(169, 254, 170, 23),
];
const ALLOWED_V6: [Ipv6Addr; 1] = [Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23)];

/// The default timeout of each attempt.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// Credentials from the container credentials endpoint: ECS and Fargate
/// task roles, EKS Pod Identity, CodeBuild.
///
/// Where it asks, as the AWS SDKs do:
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (set by ECS): that path on
///   `http://169.254.170.2`; it wins over the full URI;
/// - else `AWS_CONTAINER_CREDENTIALS_FULL_URI`: any `https://` URI, but
///   plain `http://` only to loopback (`127.0.0.0/8`, `[::1]`, `localhost`)
///   and the link-local addresses AWS serves credentials on
///   (`169.254.170.2`, `169.254.170.23`, `[fd00:ec2::23]`), so that a
///   misconfigured variable cannot send the token in clear over a network.
///   Host names other than `localhost` are not resolved to check them;
/// - with an `Authorization` header holding the content of the file named
///   by `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (EKS Pod Identity; read
///   again at every fetch, as the file is rotated; trailing whitespace is
///   dropped), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`. A token holding a
///   line break is refused.
///
/// Each attempt has a short timeout (2 s, see [`timeout`](Self::timeout));
/// a timeout, a transport error or a `5xx` is tried once more. With neither
/// variable set the provider returns
/// `Error::ContainerCredentials(EndpointProblem::NotConfigured)`, which
/// [`DefaultChain`](crate::DefaultChain) passes over.
///
/// Asks at each call: put it behind a
/// [`CachingProvider`](crate::CachingProvider). Credentials are returned
/// with the `Expiration` the endpoint gave, even a past one (the
/// `CachingProvider` refuses those).
///
/// ```no_run
/// use http_sigv4::{CachingProvider, ContainerProvider, Signer};
///
/// // On ECS: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set by the agent.
/// let provider = CachingProvider::new(ContainerProvider::new());
/// let signer = Signer::with_provider(provider, "eu-west-1", "execute-api");
/// # let _ = signer;
/// ```
#[derive(Clone)]
pub struct ContainerProvider {
    env: Env,
    client: SharedHttpClient,
    timeout: Duration,
}

impl ContainerProvider {
    /// Reads the process's environment and asks through a
    /// [`DefaultHttpClient`](crate::DefaultHttpClient).
    ///
    /// ```
    /// use http_sigv4::{ContainerProvider, EndpointProblem, Env, Error, ProvideCredentials};
    /// let provider = ContainerProvider::new().env(Env::from_vars([("HOME", "/home/me")]));
    /// assert_eq!(
    ///     provider.provide_credentials().unwrap_err(),
    ///     Error::ContainerCredentials(EndpointProblem::NotConfigured)
    /// );
    /// ```
    pub fn new() -> Self {
        ContainerProvider {
            env: Env::process(),
            client: SharedHttpClient::default(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Reads `env` instead of the process's environment.
    ///
    /// ```
    /// use http_sigv4::{ContainerProvider, Env};
    /// let provider = ContainerProvider::new()
    ///     .env(Env::from_vars([("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")]));
    /// # let _ = provider;
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Sends its requests through `client` instead of a [`DefaultHttpClient`](crate::DefaultHttpClient).
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{ContainerProvider, Env, HttpClient, ProvideCredentials};
    ///
    /// /// A stand-in for the endpoint.
    /// struct Canned;
    /// impl HttpClient for Canned {
    ///     fn send(&self, request: http::Request<Vec<u8>>, _: Duration) -> std::io::Result<http::Response<Vec<u8>>> {
    ///         assert_eq!(request.uri(), "http://169.254.170.2/v2/credentials/abc");
    ///         let body = r#"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"}"#;
    ///         Ok(http::Response::new(body.as_bytes().to_vec()))
    ///     }
    /// }
    ///
    /// let env = Env::from_vars([("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")]);
    /// let creds = ContainerProvider::new().env(env).http_client(Canned).provide_credentials()?;
    /// assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
    /// assert_eq!(creds.session_token(), Some("T"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.client = SharedHttpClient::new(client);
        self
    }

    /// The timeout of each of the (at most two) attempts; 2 s by default.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::ContainerProvider;
    /// let provider = ContainerProvider::new().timeout(Duration::from_secs(5));
    /// # let _ = provider;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The provider with the client of `other` (for [`DefaultChain`](crate::DefaultChain)).
    pub(crate) fn shared_client(mut self, client: SharedHttpClient) -> Self {
        self.client = client;
        self
    }

    fn fetch(&self) -> Result<Credentials, EndpointProblem> {
        let uri = endpoint(&self.env)?;
        let build = || {
            let mut request = http::Request::get(uri.clone())
                .header(http::header::ACCEPT, "application/json")
                .body(Vec::new())
                .map_err(|e| EndpointProblem::InvalidUri {
                    setting: FULL_URI,
                    problem: e.to_string(),
                })?;
            // Read at each attempt: the file is rotated.
            if let Some(token) = authorization(&self.env)? {
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, token);
            }
            Ok(request)
        };
        let response = send_with_retry(&*self.client.0, build, self.timeout)?;
        match response.status() {
            http::StatusCode::OK => parse_credentials(response.body()),
            status => Err(EndpointProblem::Status {
                status: status.as_u16(),
            }),
        }
    }
}

impl Default for ContainerProvider {
    fn default() -> Self {
        ContainerProvider::new()
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.fetch().map_err(Error::ContainerCredentials)
    }
}

impl fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerProvider")
            .field("env", &self.env)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The URI to ask, from the two variables.
fn endpoint(env: &Env) -> Result<http::Uri, EndpointProblem> {
    if let Some(relative) = env.get(RELATIVE_URI) {
        let separator = if relative.starts_with('/') { "" } else { "/" };
        return format!("{ECS_HOST}{separator}{relative}").parse().map_err(
            |e: http::uri::InvalidUri| EndpointProblem::InvalidUri {
                setting: RELATIVE_URI,
                problem: e.to_string(),
            },
        );
    }
    let full = env.get(FULL_URI).ok_or(EndpointProblem::NotConfigured)?;
    let invalid = |problem: String| EndpointProblem::InvalidUri {
        setting: FULL_URI,
        problem,
    };
    let uri: http::Uri = full
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(e.to_string()))?;
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("the URI did not specify a host".to_owned()))?;
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") if plain_http_allowed(host) => Ok(uri),
        Some("http") => Err(EndpointProblem::HostNotAllowed {
            host: host.to_owned(),
        }),
        _ => Err(invalid("the scheme must be http or https".to_owned())),
    }
}

/// Loopback, `localhost`, or one of AWS's link-local credential addresses.
fn plain_http_allowed(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ALLOWED_V4.contains(&ip),
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ALLOWED_V6.contains(&ip),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// The `Authorization` header's value: the token file's content, else the
/// token variable; `None` when neither is set.
fn authorization(env: &Env) -> Result<Option<http::HeaderValue>, EndpointProblem> {
    let (token, setting) = match env.get(TOKEN_FILE) {
        Some(path) => {
            let path = PathBuf::from(path);
            let content =
                fs::read_to_string(&path).map_err(|e| EndpointProblem::TokenFileUnreadable {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            let mut content = Zeroizing::new(content);
            let kept = content.trim_end().len();
            content.truncate(kept);
            (content, TOKEN_FILE)
        }
        None => match env.get(TOKEN) {
            Some(token) => (Zeroizing::new(token), TOKEN),
            None => return Ok(None),
        },
    };
    if token.is_empty() {
        return Ok(None);
    }
    let invalid = EndpointProblem::InvalidAuthorizationToken { setting };
    if token.contains(['\r', '\n']) {
        return Err(invalid);
    }
    let mut value = http::HeaderValue::from_str(&token).map_err(|_| invalid)?;
    value.set_sensitive(true);
    Ok(Some(value))
}

#[cfg(test)]
mod tests;
