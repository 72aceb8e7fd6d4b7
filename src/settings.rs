//! Signing modes: each a `#[non_exhaustive]` enum whose variants say which
//! services need them.

/// How the request path is percent-encoded in the canonical request.
///
/// ```
/// use http_sigv4::{Credentials, Signer, UriEncoding};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let s3 = Signer::new(creds, "us-east-1", "s3").uri_encoding(UriEncoding::Single);
/// # let _ = s3;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UriEncoding {
    /// The path as sent (already percent-encoded) is encoded again, so `%2F`
    /// is signed as `%252F`. Every service except S3 expects this,
    /// API Gateway (`execute-api`) and Lambda included. The default.
    #[default]
    Double,
    /// The path is decoded and encoded once. Amazon S3 (and S3-compatible
    /// stores) expect this.
    Single,
}

/// Whether `.`/`..` segments and repeated slashes are removed from the path
/// before it is signed (the request itself is not changed).
///
/// ```
/// use http_sigv4::{Credentials, PathNormalization, Signer};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let s3 = Signer::new(creds, "us-east-1", "s3").path_normalization(PathNormalization::Disabled);
/// # let _ = s3;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PathNormalization {
    /// Normalize as RFC 3986 does (and collapse `//`); every service except
    /// S3 expects this. A trailing `/` is kept only where the path ends in
    /// one, so `/a/b/..` signs as `/a`, as botocore and aws-c-auth sign it
    /// (RFC 3986 and the `aws-sigv4` crate give `/a/`). The default.
    #[default]
    Enabled,
    /// Sign the path as it is. S3 needs this: `a//b` and `a/./b` are
    /// different keys there.
    Disabled,
}

/// Whether the signer adds an `x-amz-content-sha256` header (carrying the
/// payload hash) and signs it, when signing into headers.
///
/// Presigned URLs never get this header.
///
/// ```
/// use http_sigv4::{ContentSha256Header, Credentials, Signer};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let s3 = Signer::new(creds, "us-east-1", "s3").content_sha256_header(ContentSha256Header::Signed);
/// # let _ = s3;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ContentSha256Header {
    /// No header is added. Most services need none; some reject an
    /// unexpected `UNSIGNED-PAYLOAD` marker. The default.
    #[default]
    Omitted,
    /// Add and sign `x-amz-content-sha256`. S3 requires it, and API Gateway
    /// accepts it (the [`ApiGatewaySigner`](crate::ApiGatewaySigner) always
    /// sends it).
    Signed,
}

/// Where the session token of temporary credentials goes.
///
/// ```
/// use http_sigv4::{Credentials, SessionTokenMode, Signer};
/// let creds = Credentials::new("ASIA", "SECRET", Some("TOKEN".to_owned()));
/// let iot = Signer::new(creds, "us-east-1", "iotdevicegateway")
///     .session_token_mode(SessionTokenMode::AddedAfterSigning);
/// # let _ = iot;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// `X-Amz-Security-Token` is set (as a header, or a query parameter when
    /// presigning) and is part of the signature. What STS, API Gateway and
    /// most services expect. The default.
    #[default]
    Signed,
    /// The token is added after signing and is not part of the signature,
    /// for the few services that want that (e.g. AWS IoT WebSocket URLs).
    AddedAfterSigning,
}
