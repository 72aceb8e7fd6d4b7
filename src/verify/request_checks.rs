//! The checks on the head that need no key: time, host, unsigned headers,
//! and the canonical request up to its payload hash.

use std::time::{Duration, SystemTime};

use http::header::{HeaderName, HOST};
use http::uri::Authority;
use http::Request;

use super::authentication::Authentication;
use super::Verifier;
use crate::canonical::{self, HeaderSet};
use crate::error::Malformed;
use crate::settings::SessionTokenMode;
use crate::signer::{host_of_uri, X_AMZ_SECURITY_TOKEN};
use crate::Error;

impl<L> Verifier<L> {
    pub(super) fn check_time(&self, auth: &Authentication, now: SystemTime) -> Result<(), Error> {
        let signed_at = auth.time.system_time();
        // Differences, not sums: `now + skew` overflows `SystemTime` for a
        // far-off `now` or a huge skew.
        let ahead = signed_at.duration_since(now).unwrap_or_default();
        let behind = now.duration_since(signed_at).unwrap_or_default();
        // A presigned URL may be used until it expires, but may not be
        // signed in the future.
        let skewed =
            ahead > self.clock_skew || (auth.presigned.is_none() && behind > self.clock_skew);
        if skewed {
            return Err(Error::ClockSkew { signed_at, now });
        }
        if let Some(presigned) = &auth.presigned {
            let expired_at = signed_at + Duration::from_secs(presigned.expires_secs);
            if now > expired_at {
                return Err(Error::Expired { expired_at });
            }
        }
        Ok(())
    }

    /// Refuses an `x-amz-*` header the signature does not cover (S3's rule),
    /// unless allowed; the session token too may be unsigned when the
    /// verifier expects it added after signing.
    pub(super) fn check_unsigned_headers<B>(
        &self,
        req: &Request<B>,
        auth: &Authentication,
    ) -> Result<(), Error> {
        for name in req.headers().keys() {
            let allowed = !name.as_str().starts_with("x-amz-")
                || auth.is_signed(name)
                || self.unsigned_allowed.contains(name)
                || (*name == X_AMZ_SECURITY_TOKEN
                    && self.session_token == SessionTokenMode::AddedAfterSigning);
            if !allowed {
                return Err(Error::UnsignedHeader {
                    name: name.as_str().to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The canonical request up to and including the signed-headers line
    /// and its newline: all of it but the payload hash.
    pub(super) fn canonical_prefix<B>(
        &self,
        req: &Request<B>,
        auth: &Authentication,
    ) -> Result<String, Error> {
        let mut headers = HeaderSet::from_request(req.headers(), |name| !auth.is_signed(name));
        // HTTP/2 requests carry the host as `:authority`, which `http` puts
        // in the URI; it is signed as the signer derives it (no default
        // port, no userinfo, lowercase).
        let authority;
        if !req.headers().contains_key(HOST) {
            authority = host_of_uri(req.uri()).map_err(|_| Malformed::SignedHeaderMissing {
                name: "host".into(),
            })?;
            headers.add("host", &authority);
        }
        headers.sort();
        // The headers present must be those listed, in the same order.
        if !headers
            .names()
            .eq(auth.signed_headers.iter().map(String::as_str))
        {
            // `host` is present by now: from the Host header or the URI.
            let missing = auth
                .signed_headers
                .iter()
                .find(|n| *n != "host" && !req.headers().contains_key(n.as_str()))
                .cloned()
                .unwrap_or_default();
            return Err(Malformed::SignedHeaderMissing { name: missing }.into());
        }
        let raw_query = req.uri().query().unwrap_or("");
        let query = match &auth.presigned {
            Some(presigned) => presigned.signed_query.as_query(raw_query),
            None => canonical::Query::Raw(raw_query),
        };
        let mut out = String::with_capacity(512);
        canonical::write_canonical_request(
            &mut out,
            &canonical::Parts {
                method: req.method().as_str(),
                path: req.uri().path(),
                query,
                headers: &headers,
                signed_headers: None,
                payload_hash: "",
                uri_encoding: self.uri_encoding,
                path_normalization: self.path_normalization,
            },
        )?;
        Ok(out)
    }
}

/// Refuses userinfo in the URI, and a `Host` header that names another host
/// than the URI's authority (absolute-form targets, HTTP/2 `:authority`):
/// hosts compared without case, a default port the same as none.
pub(super) fn check_host<B>(req: &Request<B>) -> Result<(), Error> {
    let mut hosts = req.headers().get_all(HOST).iter();
    let header = match (hosts.next(), hosts.next()) {
        (Some(_), Some(_)) => return Err(Malformed::Repeated { name: "host" }.into()),
        (header, _) => header,
    };
    let Some(authority) = req.uri().authority() else {
        return Ok(());
    };
    if authority.as_str().contains('@') {
        return Err(Error::UserinfoInUri);
    }
    let Some(header) = header else {
        return Ok(());
    };
    // What clients send: the authority itself, which needs no parsing.
    if header
        .as_bytes()
        .eq_ignore_ascii_case(authority.as_str().as_bytes())
    {
        return Ok(());
    }
    let default_port = match req.uri().scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Some(443),
        Some(s) if s.eq_ignore_ascii_case("http") => Some(80),
        _ => None,
    };
    let header = header
        .to_str()
        .ok()
        .map(|h| h.trim_matches([' ', '\t']))
        .filter(|h| !h.contains('@'))
        .and_then(|h| h.parse::<Authority>().ok())
        .ok_or(Error::HostMismatch)?;
    let same = header.host().eq_ignore_ascii_case(authority.host())
        && header.port_u16().or(default_port) == authority.port_u16().or(default_port);
    if !same {
        return Err(Error::HostMismatch);
    }
    Ok(())
}

impl Authentication {
    /// Whether `name` is in the signed-headers list (sorted and free of
    /// duplicates, so a binary search keeps the checks linear).
    pub(super) fn is_signed(&self, name: &HeaderName) -> bool {
        self.signed_headers
            .binary_search_by(|s| s.as_str().cmp(name.as_str()))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(uri: &str, hosts: &[&str]) -> Result<(), Error> {
        let mut req = Request::get(uri).body(()).unwrap();
        for host in hosts {
            req.headers_mut().append(HOST, host.parse().unwrap());
        }
        check_host(&req)
    }

    #[test]
    fn host_agrees_without_case_and_default_port() {
        assert_eq!(check("https://Example.com/", &["example.COM:443"]), Ok(()));
        assert_eq!(check("http://example.com:80/", &["example.com"]), Ok(()));
        assert_eq!(check("http://[::1]:8080/", &["[::1]:8080"]), Ok(()));
        assert_eq!(check("/origin-form", &["anything"]), Ok(()));
        assert_eq!(check("https://example.com/", &[]), Ok(()));
    }

    #[test]
    fn host_disagreeing_or_repeated_or_userinfo_is_refused() {
        assert_eq!(
            check("https://a.example/", &["b.example"]),
            Err(Error::HostMismatch)
        );
        assert_eq!(
            check("https://a.example/", &["a.example:8443"]),
            Err(Error::HostMismatch)
        );
        assert_eq!(
            check("http://a.example/", &["a.example:443"]),
            Err(Error::HostMismatch)
        );
        assert_eq!(
            check("https://a.example/", &["u@a.example"]),
            Err(Error::HostMismatch)
        );
        assert_eq!(
            check("https://u:p@a.example/", &["a.example"]),
            Err(Error::UserinfoInUri)
        );
        assert_eq!(
            check("/", &["a.example", "b.example"]),
            Err(Malformed::Repeated { name: "host" }.into())
        );
    }
}
