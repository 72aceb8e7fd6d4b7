//! What every network source needs to reach its service: the environment,
//! the shared files, the HTTP client, and from them the region and the
//! endpoint, as the AWS SDKs read them.
//!
//! An endpoint set by configuration wins over the service's regional one,
//! in this order: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the
//! profile's `services` section (`<service> =` and an indented
//! `endpoint_url = …`), the profile's `endpoint_url`. Setting
//! `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
//! `ignore_configured_endpoint_urls`) to `true` turns them all off.

use std::time::Duration;

use super::profile::SharedFiles;
use super::transport::SharedHttpClient;
use super::Env;
use crate::Error;

/// How long one request may take, connecting and reading together.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The region STS is reached in when nothing names one, as the SDKs do.
pub(crate) const DEFAULT_STS_REGION: &str = "us-east-1";

/// A service the network sources call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// AWS Security Token Service.
    Sts,
    /// IAM Identity Center's portal (service id `SSO`).
    Sso,
    /// IAM Identity Center's OIDC service (service id `SSO OIDC`), which
    /// renews tokens.
    SsoOidc,
}

impl Service {
    /// The end of `AWS_ENDPOINT_URL_<SERVICE>`.
    fn env_suffix(self) -> &'static str {
        match self {
            Service::Sts => "STS",
            Service::Sso => "SSO",
            Service::SsoOidc => "SSO_OIDC",
        }
    }

    /// The key in a `[services NAME]` section.
    fn services_key(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Sso => "sso",
            Service::SsoOidc => "sso_oidc",
        }
    }
}

/// The environment, files, profile and client a network source works
/// with.
#[derive(Clone, Copy)]
pub(crate) struct Remote<'a> {
    pub(crate) env: &'a Env,
    /// The shared files, if there is a home directory to find them in.
    pub(crate) files: Option<&'a SharedFiles>,
    /// The selected profile: its `region`, `endpoint_url` and `services`.
    pub(crate) profile: &'a str,
    pub(crate) client: &'a SharedHttpClient,
    /// A region given in code, which wins over the environment and files.
    pub(crate) region: Option<&'a str>,
}

impl Remote<'_> {
    /// The region given in code, else `AWS_REGION`, else
    /// `AWS_DEFAULT_REGION`, else the profile's `region`.
    pub(crate) fn region(&self) -> Option<String> {
        if let Some(region) = self.region {
            return Some(region.to_owned());
        }
        self.env
            .get("AWS_REGION")
            .or_else(|| self.env.get("AWS_DEFAULT_REGION"))
            .or_else(|| self.profile_setting("region").map(str::to_owned))
    }

    fn profile_setting(&self, key: &str) -> Option<&str> {
        self.files?
            .setting(self.profile, key)
            .filter(|v| !v.is_empty())
    }

    /// The endpoint configured for `service`, if any (see the module's
    /// documentation for the order).
    pub(crate) fn configured_endpoint(&self, service: Service) -> Result<Option<String>, Error> {
        let ignore = self
            .env
            .get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .or_else(|| {
                self.profile_setting("ignore_configured_endpoint_urls")
                    .map(str::to_owned)
            });
        if ignore.is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return Ok(None);
        }
        let service_var = format!("AWS_ENDPOINT_URL_{}", service.env_suffix());
        if let Some(url) = self.env.get(&service_var) {
            return checked(url, service_var).map(Some);
        }
        if let Some(url) = self.env.get("AWS_ENDPOINT_URL") {
            return checked(url, "AWS_ENDPOINT_URL".to_owned()).map(Some);
        }
        if let Some(url) = self.services_endpoint(service) {
            let setting = format!(
                "the `{}` endpoint_url of the services section of profile `{}`",
                service.services_key(),
                self.profile
            );
            return checked(url, setting).map(Some);
        }
        if let Some(url) = self.profile_setting("endpoint_url") {
            let setting = format!("endpoint_url of profile `{}`", self.profile);
            return checked(url.to_owned(), setting).map(Some);
        }
        Ok(None)
    }

    /// `endpoint_url` under `<service> =` in the `[services NAME]` section
    /// the profile's `services` names.
    fn services_endpoint(&self, service: Service) -> Option<String> {
        let name = self.profile_setting("services")?;
        let nested = self
            .files?
            .services
            .get(name)?
            .get(service.services_key())?;
        nested.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim().eq_ignore_ascii_case("endpoint_url") && !value.trim().is_empty())
                .then(|| value.trim().to_owned())
        })
    }

    /// Sends `request` through the client; a failure to get an answer is
    /// an [`Error::CredentialsRequestFailed`].
    pub(crate) fn send(
        &self,
        operation: &'static str,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let uri = request.uri();
        let endpoint = format!(
            "{}://{}{}",
            uri.scheme_str().unwrap_or("https"),
            uri.authority().map(|a| a.as_str()).unwrap_or_default(),
            uri.path()
        );
        self.client
            .0
            .send(request, REQUEST_TIMEOUT)
            .map_err(|e| Error::CredentialsRequestFailed {
                operation,
                endpoint,
                kind: e.kind(),
                message: escape_remote(&e.to_string()),
            })
    }
}

/// `url` if it is an absolute `http` or `https` URL.
fn checked(url: String, setting: String) -> Result<String, Error> {
    let valid = url.parse::<http::Uri>().is_ok_and(|uri| {
        matches!(uri.scheme_str(), Some("http" | "https")) && uri.authority().is_some()
    });
    match valid {
        true => Ok(url),
        false => Err(Error::InvalidEndpointSetting { setting }),
    }
}

/// Text from a remote service or a client, fit to go into an error
/// message: control characters escaped, cut to 512 characters.
pub(crate) fn escape_remote(text: &str) -> String {
    const MAX: usize = 512;
    let mut out = String::new();
    for (i, c) in text.trim().chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        match c.is_control() {
            true => out.extend(c.escape_default()),
            false => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::transport::SharedHttpClient;

    fn files_with(config: &str) -> (tempfile::TempDir, SharedFiles) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config"), config).unwrap();
        let env = Env::from_vars(
            [
                ("AWS_CONFIG_FILE", dir.path().join("config")),
                ("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none")),
            ]
            .map(|(k, v)| (k, v.to_str().unwrap().to_owned())),
        );
        let files = SharedFiles::load(&env).unwrap();
        (dir, files)
    }

    fn endpoint(
        vars: &[(&str, &str)],
        config: &str,
        service: Service,
    ) -> Result<Option<String>, Error> {
        let (_dir, files) = files_with(config);
        let env = Env::from_vars(vars.iter().copied());
        let client = SharedHttpClient::default();
        let remote = Remote {
            env: &env,
            files: Some(&files),
            profile: "default",
            client: &client,
            region: None,
        };
        remote.configured_endpoint(service)
    }

    const CONFIG: &str = "[default]\nendpoint_url = http://global-profile\nservices = local\n\
                          [services local]\nsts =\n  endpoint_url = http://sts-profile\n";

    #[test]
    fn endpoint_precedence_service_env_then_env_then_services_then_profile() {
        let sts = Service::Sts;
        let both = [
            ("AWS_ENDPOINT_URL_STS", "http://sts-env"),
            ("AWS_ENDPOINT_URL", "http://global-env"),
        ];
        assert_eq!(
            endpoint(&both, CONFIG, sts),
            Ok(Some("http://sts-env".into()))
        );
        assert_eq!(
            endpoint(&both[1..], CONFIG, sts),
            Ok(Some("http://global-env".into()))
        );
        assert_eq!(
            endpoint(&[], CONFIG, sts),
            Ok(Some("http://sts-profile".into()))
        );
        // No `sso` entry in the services section: the profile's endpoint_url.
        assert_eq!(
            endpoint(&[], CONFIG, Service::Sso),
            Ok(Some("http://global-profile".into()))
        );
        assert_eq!(endpoint(&[], "[default]\n", sts), Ok(None));
        let ignore = [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), both[0]];
        assert_eq!(endpoint(&ignore, CONFIG, sts), Ok(None));
    }

    #[test]
    fn an_endpoint_that_is_not_an_http_url_names_its_setting() {
        let err = endpoint(
            &[("AWS_ENDPOINT_URL_STS", "sts.local:8080")],
            "",
            Service::Sts,
        );
        assert_eq!(
            err,
            Err(Error::InvalidEndpointSetting {
                setting: "AWS_ENDPOINT_URL_STS".into()
            })
        );
        let err = endpoint(&[], "[default]\nendpoint_url = ftp://x\n", Service::Sts).unwrap_err();
        assert!(
            err.to_string()
                .contains("endpoint_url of profile `default`"),
            "{err}"
        );
    }

    #[test]
    fn remote_text_is_escaped_and_cut() {
        assert_eq!(escape_remote("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        let long = "x".repeat(600);
        assert_eq!(escape_remote(&long).chars().count(), 513);
    }
}
