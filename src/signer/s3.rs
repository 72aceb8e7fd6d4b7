//! The S3 preset's constructors ([`Signer::s3`] and its siblings); the
//! rest of S3 (the settings' rationale, object URIs) is in `crate::s3`.

use super::Signer;
use crate::provider::{Env, ProvideCredentials};
use crate::s3::S3;
use crate::settings::{ContentSha256Header, PathNormalization, UriEncoding};
use crate::{Credentials, Error, Payload};

impl Signer {
    /// A signer for Amazon S3 (and S3-compatible stores: MinIO, Cloudflare
    /// R2, Ceph, …) in `region`, with S3's settings: the path encoded once
    /// and not normalized, `x-amz-content-sha256` sent and signed on every
    /// request, and presigned URLs signing `UNSIGNED-PAYLOAD`.
    ///
    /// S3-compatible servers outside AWS usually take `us-east-1` (R2 also
    /// takes `auto`). Build the URI with [`S3Endpoint`](crate::S3Endpoint),
    /// which encodes keys as the AWS SDKs do. The settings can still be
    /// changed:
    /// [`payload`](Self::payload) (e.g. [`Payload::Unsigned`] for a body
    /// streamed without hashing) applies to presigned URLs too.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use http_sigv4::{Credentials, S3Endpoint, Signer};
    ///
    /// let signer = Signer::s3(Credentials::new("AKID", "SECRET", None), "eu-west-1");
    /// let uri = S3Endpoint::aws("eu-west-1")?.object_uri("my-bucket", "photos/2024/a b.jpg")?;
    /// assert_eq!(uri, "https://my-bucket.s3.eu-west-1.amazonaws.com/photos/2024/a%20b.jpg");
    ///
    /// let mut req = http::Request::put(uri).body(b"data".to_vec()).unwrap();
    /// let out = signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(out.canonical_request().starts_with("PUT\n/photos/2024/a%20b.jpg\n"));
    /// // The SHA-256 of `data`, sent and signed.
    /// assert_eq!(
    ///     req.headers()["x-amz-content-sha256"],
    ///     "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7"
    /// );
    /// assert!(out.signed_headers().contains("x-amz-content-sha256"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn s3(credentials: Credentials, region: impl Into<String>) -> Self {
        Signer::new(credentials, region, S3).s3_settings()
    }

    /// [`Signer::s3`] with credentials asked of `provider` each time it
    /// signs (see [`Signer::with_provider`]).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use http_sigv4::{CachingProvider, Env, EnvProvider, Signer};
    ///
    /// let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "SECRET")]);
    /// let signer = Signer::s3_with_provider(CachingProvider::new(EnvProvider::new().env(env)), "us-east-1");
    /// let mut req = http::Request::get("http://localhost:9000/bucket/key").body(()).unwrap();
    /// signer.sign_at(&mut req, SystemTime::UNIX_EPOCH)?;
    /// assert!(req.headers()["authorization"].to_str().unwrap().contains("Credential=AKIDENV/"));
    /// assert!(req.headers().contains_key("x-amz-content-sha256"));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn s3_with_provider(
        provider: impl ProvideCredentials + Send + Sync + 'static,
        region: impl Into<String>,
    ) -> Self {
        Signer::with_provider(provider, region, S3).s3_settings()
    }

    /// [`Signer::s3`] with the credentials and region the AWS CLI would use
    /// (see [`Signer::from_env`]).
    ///
    /// For a store outside AWS with no region configured, give the region
    /// yourself: `Signer::s3_with_provider(CachingProvider::new(DefaultChain::new()), "us-east-1")`.
    ///
    /// ```
    /// use http_sigv4::Signer;
    ///
    /// match Signer::s3_from_env() {
    ///     Ok(signer) => println!("signing for S3 in {}", signer.region()),
    ///     // On a machine without AWS credentials or region: says what to set.
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// ```
    pub fn s3_from_env() -> Result<Self, Error> {
        Signer::s3_from_sources(Env::process(), None)
    }

    /// [`Signer::s3`] with the credentials of `profile` in the shared files
    /// (see [`Signer::from_profile`]).
    ///
    /// ```
    /// use http_sigv4::Signer;
    ///
    /// match Signer::s3_from_profile("http-sigv4-doc-example-no-such-profile") {
    ///     Ok(signer) => println!("signing for S3 in {}", signer.region()),
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// ```
    pub fn s3_from_profile(profile: &str) -> Result<Self, Error> {
        Signer::s3_from_sources(Env::process(), Some(profile))
    }

    /// [`s3_from_env`](Self::s3_from_env) or
    /// [`s3_from_profile`](Self::s3_from_profile) on `env`.
    pub(crate) fn s3_from_sources(env: Env, profile: Option<&str>) -> Result<Self, Error> {
        Ok(Signer::from_sources(env, profile, S3)?.s3_settings())
    }

    /// S3's four settings (see the module docs of `crate::s3`).
    pub(crate) fn s3_settings(self) -> Self {
        self.uri_encoding(UriEncoding::Single)
            .path_normalization(PathNormalization::Disabled)
            .content_sha256_header(ContentSha256Header::Signed)
            .presign_payload(Payload::Unsigned)
    }
}
