//! The `host` a signature covers.

use http::header::HeaderValue;
use http::uri::Uri;
use http::{Request, Version};

use crate::Error;

/// Where the signed `host` comes from.
pub(super) enum Host {
    /// The request has a `Host` header: it is signed as it is.
    OnRequest,
    /// Derived from the URI's authority; `send` says whether to set it on
    /// the request (HTTP/1.x) or leave it to `:authority` (HTTP/2 and later).
    Derived { value: HeaderValue, send: bool },
}

/// The host to sign: the request's `Host` header if it has one
/// (`has_host_header`) (private API
/// Gateway endpoints connect to one address and sign another host), else the
/// URI's authority without userinfo, lowercase, with the port only when it
/// is not the scheme's default.
pub(super) fn resolve_host<B>(req: &Request<B>, has_host_header: bool) -> Result<Host, Error> {
    if has_host_header {
        return Ok(Host::OnRequest);
    }
    let value = HeaderValue::try_from(host_of_uri(req.uri())?).map_err(|_| Error::InvalidHost)?;
    Ok(Host::Derived {
        value,
        send: req.version() < Version::HTTP_2,
    })
}

/// The host signed for a request without a `Host` header: the URI's
/// authority without userinfo, lowercase, with the port only when it is not
/// the scheme's default. The [`Verifier`](crate::Verifier) derives the host
/// of an HTTP/2 request (`:authority`) with this same rule.
pub(crate) fn host_of_uri(uri: &Uri) -> Result<String, Error> {
    let authority = uri.authority().ok_or(Error::MissingHost)?;
    let host = authority.host();
    if host.is_empty() {
        return Err(Error::MissingHost);
    }
    let default_port = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Some(443),
        Some(s) if s.eq_ignore_ascii_case("http") => Some(80),
        _ => None,
    };
    let mut value = host.to_ascii_lowercase();
    if let Some(port) = authority.port() {
        if default_port != Some(port.as_u16()) {
            value.push(':');
            value.push_str(port.as_str());
        }
    }
    Ok(value)
}
