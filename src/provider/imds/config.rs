//! Where instance metadata is: [`ImdsEndpointMode`] and the endpoint
//! resolution of [`ImdsProvider`](super::ImdsProvider).

use super::super::Env;
use crate::{EndpointProblem, Error};

const ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const ENDPOINT_MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
const PROFILE_ENDPOINT: &str = "ec2_metadata_service_endpoint";
const PROFILE_ENDPOINT_MODE: &str = "ec2_metadata_service_endpoint_mode";

/// Which default address of instance metadata to use.
///
/// ```
/// use http_sigv4::ImdsEndpointMode;
/// assert_eq!(ImdsEndpointMode::Ipv6.endpoint(), "http://[fd00:ec2::254]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImdsEndpointMode {
    /// `http://169.254.169.254`, the default; every instance has it.
    Ipv4,
    /// `http://[fd00:ec2::254]`, for IPv6-only subnets (Nitro instances
    /// with the IPv6 endpoint turned on).
    Ipv6,
}

impl ImdsEndpointMode {
    /// The base URI of the mode's endpoint.
    ///
    /// ```
    /// use http_sigv4::ImdsEndpointMode;
    /// assert_eq!(ImdsEndpointMode::Ipv4.endpoint(), "http://169.254.169.254");
    /// ```
    pub fn endpoint(self) -> &'static str {
        match self {
            ImdsEndpointMode::Ipv4 => "http://169.254.169.254",
            ImdsEndpointMode::Ipv6 => "http://[fd00:ec2::254]",
        }
    }

    /// `IPv4` or `IPv6`, in any case, as the variable and the profile
    /// setting spell it.
    fn parse(mode: &str) -> Result<Self, EndpointProblem> {
        if mode.eq_ignore_ascii_case("ipv4") {
            Ok(ImdsEndpointMode::Ipv4)
        } else if mode.eq_ignore_ascii_case("ipv6") {
            Ok(ImdsEndpointMode::Ipv6)
        } else {
            Err(EndpointProblem::InvalidEndpointMode {
                mode: mode.to_owned(),
            })
        }
    }
}

/// A checked base URI (`scheme://authority`, maybe a path) and where it
/// came from.
#[derive(Debug)]
pub(super) struct Endpoint {
    base: String,
    setting: &'static str,
}

impl Endpoint {
    /// The endpoint, first found: `explicit`, the variable, the profile
    /// setting, then the mode (`mode`, the variable, the profile setting),
    /// then IPv4. `profile` reads a setting of the profile.
    pub(super) fn resolve(
        explicit: Option<&str>,
        mode: Option<ImdsEndpointMode>,
        env: &Env,
        profile: impl Fn(&str) -> Result<Option<String>, Error>,
    ) -> Result<Endpoint, Error> {
        let given = match (explicit, env.get(ENDPOINT)) {
            (Some(endpoint), _) => Some((endpoint.to_owned(), "ImdsProvider::endpoint")),
            (None, Some(endpoint)) => Some((endpoint, ENDPOINT)),
            (None, None) => profile(PROFILE_ENDPOINT)?.map(|e| (e, PROFILE_ENDPOINT)),
        };
        if let Some((base, setting)) = given {
            return Endpoint::checked(base, setting).map_err(Error::InstanceMetadata);
        }
        let mode = match (mode, env.get(ENDPOINT_MODE)) {
            (Some(mode), _) => mode,
            (None, Some(mode)) => {
                ImdsEndpointMode::parse(&mode).map_err(Error::InstanceMetadata)?
            }
            (None, None) => match profile(PROFILE_ENDPOINT_MODE)? {
                Some(mode) => ImdsEndpointMode::parse(&mode).map_err(Error::InstanceMetadata)?,
                None => ImdsEndpointMode::Ipv4,
            },
        };
        Ok(Endpoint {
            base: mode.endpoint().to_owned(),
            setting: ENDPOINT_MODE,
        })
    }

    fn checked(base: String, setting: &'static str) -> Result<Endpoint, EndpointProblem> {
        let invalid = |problem: String| EndpointProblem::InvalidUri { setting, problem };
        let uri: http::Uri = base
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(e.to_string()))?;
        match (uri.scheme_str(), uri.host()) {
            (Some("http" | "https"), Some(host)) if !host.is_empty() => {}
            (Some("http" | "https"), _) => return Err(invalid("the URI has no host".to_owned())),
            _ => {
                return Err(invalid(
                    "the URI must start with http:// or https://".to_owned(),
                ))
            }
        }
        Ok(Endpoint {
            base: base.trim_end_matches('/').to_owned(),
            setting,
        })
    }

    /// The endpoint's URI for `path` (which starts with `/`).
    pub(super) fn uri(&self, path: &str) -> Result<http::Uri, EndpointProblem> {
        format!("{}{path}", self.base)
            .parse()
            .map_err(|e: http::uri::InvalidUri| self.invalid(e.to_string()))
    }

    /// An invalid endpoint problem naming where the endpoint came from.
    pub(super) fn invalid(&self, problem: String) -> EndpointProblem {
        EndpointProblem::InvalidUri {
            setting: self.setting,
            problem,
        }
    }
}
