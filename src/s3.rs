//! Amazon S3 and S3-compatible stores: the S3 signer preset
//! ([`Signer::s3`]) and object URIs ([`S3Endpoint`]).
//!
//! S3 departs from SigV4's defaults in four ways, and a request that gets
//! any of them wrong is refused:
//!
//! | setting | S3 | every other service |
//! | --- | --- | --- |
//! | path encoding | [`UriEncoding::Single`]: the path as sent, encoded once | double |
//! | path normalization | [`PathNormalization::Disabled`]: `a//b`, `a/./b` are keys | enabled |
//! | `x-amz-content-sha256` | [`ContentSha256Header::Signed`]: required on every request | not sent |
//! | presigned URLs | `UNSIGNED-PAYLOAD` ([`Payload::Unsigned`]): the body is not known | the body's hash |
//!
//! The `s3` constructors set all four (`Signer::s3` and its siblings are in
//! `signer/s3.rs`, so that rustdoc lists them with `Signer`'s other
//! constructors).

use crate::settings::{PathNormalization, UriEncoding};
use crate::verify::CredentialsLookup;
use crate::Verifier;
#[cfg(doc)]
use crate::{ContentSha256Header, Payload, Signer};

mod endpoint;

pub use endpoint::{Addressing, S3Endpoint};

/// The service name of Amazon S3 in credential scopes.
///
/// ```
/// use http_sigv4::{Credentials, Signer, S3};
/// let signer = Signer::s3(Credentials::new("AKID", "SECRET", None), "us-east-1");
/// assert_eq!(signer.service(), S3);
/// ```
pub const S3: &str = "s3";

#[cfg(feature = "sigv4a")]
impl crate::SigV4aSigner {
    /// A SigV4a signer for S3 Multi-Region Access Points in `region_set`
    /// (usually `*`), with the settings of [`Signer::s3`].
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use http_sigv4::{Credentials, SigV4aSigner};
    ///
    /// let signer = SigV4aSigner::s3(Credentials::new("AKID", "SECRET", None), "*");
    /// let mut req = http::Request::get("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/a%20b//c")
    ///     .body(())
    ///     .unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().starts_with("GET\n/a%20b//c\n"));
    /// assert_eq!(out.signed_headers(), "host;x-amz-content-sha256;x-amz-date;x-amz-region-set");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn s3(credentials: crate::Credentials, region_set: impl Into<String>) -> Self {
        crate::SigV4aSigner::new(credentials, region_set, S3).map_inner(crate::Signer::s3_settings)
    }
}

impl<L: CredentialsLookup> Verifier<L> {
    /// A verifier for requests signed for S3 in `region`: the path encoded
    /// once and not normalized, as S3 clients sign it ([`Signer::s3`]).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use http_sigv4::{Credentials, S3Endpoint, Signer, Verifier};
    ///
    /// let creds = Credentials::new("AKID", "SECRET", None);
    /// let lookup = { let c = creds.clone(); move |_: &str| Some(c.clone()) };
    /// let uri = S3Endpoint::custom("http://localhost:9000")?.object_uri("bucket", "a//b c.txt")?;
    /// let mut req = http::Request::put(uri).body(b"data".to_vec()).unwrap();
    /// Signer::s3(creds, "us-east-1").sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// Verifier::s3(lookup, "us-east-1").verify_at(&req, SystemTime::UNIX_EPOCH)?;
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn s3(lookup: L, region: impl Into<String>) -> Self {
        Verifier::new(lookup, region, S3)
            .uri_encoding(UriEncoding::Single)
            .path_normalization(PathNormalization::Disabled)
    }
}

#[cfg(test)]
mod tests;
