//! The one error type of the crate.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

#[cfg(feature = "network-credentials")]
mod endpoint;
#[cfg(feature = "network-credentials")]
pub use endpoint::EndpointProblem;
mod cause;

pub use cause::Cause;
#[cfg(feature = "network-credentials")]
mod network;
#[cfg(feature = "network-credentials")]
pub use network::{ProfileProblem, SsoTokenProblem};

/// Everything that can go wrong while signing or verifying a request.
///
/// Each variant says what was wrong with the input and its message says what
/// to change. The signing variants come first; the verification variants
/// (returned by [`Verifier`](crate::Verifier)) start at
/// [`Error::Malformed`], and those of the credential and region sources
/// (the [`ProvideCredentials`](crate::ProvideCredentials) implementations,
/// surfacing from `sign` too) at [`Error::MissingEnvironmentVariable`].
/// Messages name headers, settings, variables, files, lines, profiles and
/// programs, but never print a secret key, a session token, a header value
/// or a credential process's output.
///
/// ```
/// use http_sigv4::{Credentials, Error, Signer};
///
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "service");
/// // A relative URI and no Host header: there is nothing to sign as `host`.
/// let mut req = http::Request::get("/no-authority").body(()).unwrap();
/// let err = signer.sign(&mut req).unwrap_err();
/// assert_eq!(err, Error::MissingHost);
/// assert!(err.to_string().contains("set a Host header"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The request URI has no authority (`https://host/...`) and the request
    /// has no `Host` header, so there is no host to sign.
    MissingHost,
    /// The request's `Host` header, or the host derived from its URI, is not
    /// a valid header value.
    InvalidHost,
    /// A header that would be signed has a value that is not valid UTF-8.
    ///
    /// The value is not shown, only the header's name.
    InvalidHeaderValue {
        /// The lowercase name of the header.
        name: String,
    },
    /// A credential cannot be written into the `Authorization` header or
    /// the query string (it is empty or holds characters such as control
    /// characters, spaces, `/` or `,` in the access key id).
    InvalidCredentials {
        /// Which part of the credentials: `access key id`, `secret access
        /// key` or `session token`.
        field: &'static str,
    },
    /// The region or service name is empty or contains characters that
    /// cannot appear in a credential scope (`/`, `,`, whitespace, control
    /// characters).
    InvalidScope {
        /// `region` or `service`.
        field: &'static str,
    },
    /// The signing time lies before 1970 or after the year 9999.
    InvalidTime,
    /// A presigned URL's expiry is zero or longer than the seven days SigV4
    /// allows.
    InvalidExpiry {
        /// The expiry that was asked for.
        requested: Duration,
    },
    /// A precomputed payload hash is neither 64 lowercase hex digits nor a
    /// marker such as `UNSIGNED-PAYLOAD` or `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
    InvalidPayloadHash,
    /// The payload must be hashed but the body cannot be read as bytes
    /// (a stream).
    UnhashableBody,
    /// The body of a request given to the tower [`Signing`](crate::Signing)
    /// service is longer than the limit up to which it buffers bodies to
    /// hash them. Nothing was sent.
    #[cfg(feature = "tower")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    BodyTooLarge {
        /// The limit, in bytes ([`SigningLayer::body_limit`](crate::SigningLayer::body_limit)).
        limit: usize,
    },
    /// An aws-chunked upload cannot be signed as asked, or (checking) its
    /// body is malformed or does not match its signatures, length or
    /// checksum. [`ChunkedError`](crate::ChunkedError) says which.
    Chunked(crate::ChunkedError),
    /// The signed URI could not be rebuilt (presigning), which happens when
    /// the original URI cannot take a query string; or (feature `reqwest`) a
    /// `reqwest::Url` is not a valid `http::Uri`, which reqwest cannot send
    /// either.
    InvalidUri,
    /// An [`S3Endpoint::custom`](crate::S3Endpoint::custom) endpoint is not
    /// an `http` or `https` URL with a host and no path.
    InvalidEndpoint {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A bucket name given to [`S3Endpoint`](crate::S3Endpoint) cannot be
    /// put into a URI (it is empty or holds `/`).
    InvalidBucketName {
        /// The bucket name (not a secret).
        bucket: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// An object key given to
    /// [`S3Endpoint::object_uri`](crate::S3Endpoint::object_uri) is empty:
    /// S3 keys are at least one character long.
    EmptyObjectKey,

    // ---- Verification ----
    /// The request's SigV4 authentication is missing or malformed: the
    /// `Authorization` header or the presigned query parameters cannot be
    /// parsed. [`Malformed`] says which part.
    Malformed(Malformed),
    /// No credentials are known for the access key id in the request.
    UnknownAccessKey {
        /// The access key id the request named (not a secret).
        access_key_id: String,
    },
    /// The credential scope names another region or service than the
    /// verifier expects.
    ScopeMismatch {
        /// `region` or `service`.
        field: &'static str,
        /// What the verifier expects.
        expected: String,
        /// What the request's scope says.
        found: String,
    },
    /// A SigV4a request's region set (`X-Amz-Region-Set`) does not include
    /// the verifier's region.
    #[cfg(feature = "sigv4a")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
    RegionNotInSet {
        /// The verifier's region.
        region: String,
        /// The request's region set.
        region_set: String,
    },
    /// The request's signing time is further from the verifier's clock than
    /// the allowed skew.
    ClockSkew {
        /// The time the request says it was signed.
        signed_at: SystemTime,
        /// The verifier's clock.
        now: SystemTime,
    },
    /// A presigned URL has expired.
    Expired {
        /// When it stopped being valid.
        expired_at: SystemTime,
    },
    /// The body's SHA-256 differs from the `x-amz-content-sha256` header the
    /// request signed: the body was changed after signing.
    PayloadMismatch,
    /// The request carries another session token than the credentials the
    /// access key id belongs to.
    SessionTokenMismatch,
    /// The signature does not match the request. The server's canonical
    /// request and string to sign are included for debugging: compare them
    /// with the client's. A session token in the canonical request is shown
    /// as `<redacted>`.
    SignatureMismatch {
        /// The canonical request the verifier built from the request.
        canonical_request: String,
        /// The string to sign the verifier built.
        string_to_sign: String,
    },
    /// The request signed `UNSIGNED-PAYLOAD` (or
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`), leaving its body unchecked,
    /// and the verifier's [`UnsignedPayloadPolicy`](crate::UnsignedPayloadPolicy)
    /// refuses that (by default it is accepted only for service `s3`).
    UnsignedPayloadRefused,
    /// An `x-amz-*` header is on the request but not among its signed
    /// headers: anyone on the path may have added it. S3 refuses such
    /// requests; allow a header with
    /// [`Verifier::allow_unsigned_header`](crate::Verifier::allow_unsigned_header).
    UnsignedHeader {
        /// The header's name (lowercase).
        name: String,
    },
    /// The signed `Host` header and the authority of the request URI
    /// (absolute-form target, HTTP/2 `:authority`) name different hosts.
    HostMismatch,
    /// The request URI's authority holds userinfo (`user@host`), which no
    /// signer signs.
    UserinfoInUri,
    /// The looked-up credentials (temporary ones, with an
    /// [`expiry`](crate::Credentials::expiry)) had expired: AWS's
    /// `ExpiredToken`. A presigned URL stops working when they expire.
    ExpiredToken {
        /// When the credentials expired.
        expired_at: SystemTime,
    },
    /// Only the request's head was verified, and its body must still go
    /// through [`VerifiedHead::into_body_checker`](crate::VerifiedHead::into_body_checker):
    /// its payload is signed (only `UNSIGNED-PAYLOAD` requests are complete
    /// without their body).
    BodyUnchecked,
    /// The request's body is aws-chunked in a form this version does not
    /// check: SigV4a-signed chunks (`STREAMING-AWS4-ECDSA-P256-SHA256-*`
    /// markers, or any streaming marker on a SigV4a request). The request
    /// is refused rather than accepted unchecked.
    AwsChunkedUnsupported {
        /// The marker, e.g. `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
        marker: &'static str,
    },
    /// A request's payload is longer than the limit up to which a
    /// [`VerifyLayer::buffered`](crate::VerifyLayer::buffered) layer reads
    /// bodies to verify them before calling its service: S3's
    /// `EntityTooLarge`.
    #[cfg(feature = "server")]
    #[cfg_attr(docsrs, doc(cfg(feature = "server")))]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },

    // ---- Credential and region sources ----
    /// An environment variable that is needed is not set, is empty or is
    /// not UTF-8: `AWS_SECRET_ACCESS_KEY` when `AWS_ACCESS_KEY_ID` is set,
    /// `AWS_ACCESS_KEY_ID` for an [`EnvProvider`](crate::EnvProvider) with
    /// nothing set, `HOME` when there is no home directory to find `~/.aws` in.
    MissingEnvironmentVariable {
        /// The variable's name.
        name: &'static str,
    },
    /// A shared config or credentials file exists but cannot be read.
    ProfileFileUnreadable {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read (e.g. `PermissionDenied`).
        kind: io::ErrorKind,
        /// The `std::io::Error` (also returned by `source()`).
        source: Cause,
    },
    /// A shared config or credentials file is not a regular file (a
    /// directory, a FIFO, a device such as `/dev/zero`): it is not read.
    ProfileFileNotAFile {
        /// The path.
        path: PathBuf,
    },
    /// A shared config or credentials file is larger than 1 MiB: it is
    /// not read.
    ProfileFileTooLarge {
        /// The file.
        path: PathBuf,
        /// The largest size read, in bytes.
        limit: u64,
    },
    /// A line of a shared config or credentials file cannot be parsed.
    ProfileFileSyntax {
        /// The file.
        path: PathBuf,
        /// The line, counting from 1.
        line: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The profile is in neither the credentials file nor the config file.
    ProfileNotFound {
        /// The profile's name.
        profile: String,
        /// The credentials file that was searched (it may not exist).
        credentials_file: PathBuf,
        /// The config file that was searched (it may not exist).
        config_file: PathBuf,
    },
    /// The profile sets `aws_access_key_id` without
    /// `aws_secret_access_key`, or the other way round.
    ProfileMissingKey {
        /// The profile's name.
        profile: String,
        /// The file the other key is in.
        path: PathBuf,
        /// The key that is missing.
        key: &'static str,
    },
    /// The profile exists but holds neither keys nor a
    /// `credential_process`.
    ProfileWithoutCredentials {
        /// The profile's name.
        profile: String,
        /// A setting the profile does have that names a source this crate
        /// does not run (`role_arn`, `sso_session`, `sso_start_url`,
        /// `web_identity_token_file`, `credential_source`), if any.
        unsupported: Option<String>,
    },
    /// No region in `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile.
    MissingRegion {
        /// The profile whose `region` was looked for.
        profile: String,
    },
    /// A `credential_process` command line is empty or has an unclosed
    /// quote.
    CredentialProcessInvalid {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The `credential_process` program could not be started.
    CredentialProcessNotStarted {
        /// The program (the command's first word; its arguments are not
        /// shown).
        program: String,
        /// Why it could not be started (e.g. `NotFound`).
        kind: io::ErrorKind,
        /// The `std::io::Error` (also returned by `source()`).
        source: Cause,
    },
    /// The `credential_process` program exited with a failure.
    CredentialProcessFailed {
        /// The program (its arguments are not shown).
        program: String,
        /// Its exit code; `None` if a signal ended it.
        status: Option<i32>,
        /// What it wrote to standard error (trimmed, at most 1024 bytes).
        stderr: String,
    },
    /// The `credential_process` program's output is not the JSON it must
    /// print (`Version` 1, `AccessKeyId`, `SecretAccessKey`, optional
    /// `SessionToken` and RFC 3339 `Expiration`). The output itself is not
    /// shown: it holds secrets.
    CredentialProcessOutput {
        /// The program (its arguments are not shown).
        program: String,
        /// What is wrong with the output.
        problem: String,
    },
    /// The `credential_process` program ran longer than its timeout
    /// ([`ProcessProvider::timeout`](crate::ProcessProvider::timeout)) and
    /// was killed.
    CredentialProcessTimedOut {
        /// The program (its arguments are not shown).
        program: String,
        /// How long it was allowed to run.
        timeout: Duration,
    },
    /// The `credential_process` program printed more than
    /// [`ProcessProvider::MAX_OUTPUT`](crate::ProcessProvider::MAX_OUTPUT)
    /// bytes on standard output and was killed.
    CredentialProcessOutputTooLarge {
        /// The program (its arguments are not shown).
        program: String,
        /// The most it may print, in bytes.
        limit: usize,
    },
    /// A credentials source returned credentials that had already expired.
    CredentialsExpired {
        /// When they expired.
        expired_at: SystemTime,
    },
    /// A credentials source of your own could not provide credentials; use
    /// it in your [`ProvideCredentials`](crate::ProvideCredentials)
    /// implementations (and put no secret in `reason`).
    ///
    /// ```
    /// use http_sigv4::{Credentials, Error, ProvideCredentials};
    ///
    /// let from_vault = || -> Result<Credentials, Error> {
    ///     Err(Error::CredentialsUnavailable { reason: "vault is sealed: unseal it".into() })
    /// };
    /// assert!(from_vault.provide_credentials().unwrap_err().to_string().contains("vault is sealed"));
    /// ```
    CredentialsUnavailable {
        /// What went wrong and what to do about it.
        reason: String,
    },
    /// The container credentials endpoint (ECS, Fargate, EKS Pod Identity,
    /// CodeBuild: [`ContainerProvider`](crate::ContainerProvider)) gave no
    /// credentials; [`EndpointProblem`] says why.
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    ContainerCredentials(EndpointProblem),
    /// EC2 instance metadata (IMDSv2: [`ImdsProvider`](crate::ImdsProvider),
    /// [`region_from_imds`](crate::region_from_imds)) gave no credentials or
    /// region; [`EndpointProblem`] says why.
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    InstanceMetadata(EndpointProblem),
    /// A credentials source of your own failed with an error of its own,
    /// kept whole: `source()` returns it, and it can be downcast. Build it
    /// with [`Error::provider`].
    CredentialsProvider {
        /// The provider's error.
        source: Cause,
    },

    // ---- Network credential sources (feature `network-credentials`) ----
    /// A request of a network credential source got no answer (the
    /// [`HttpClient`](crate::HttpClient) failed: no connection, a timeout).
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    CredentialsRequestFailed {
        /// The operation, e.g. `STS AssumeRole`.
        operation: &'static str,
        /// The endpoint it was sent to (without its query).
        endpoint: String,
        /// What the client reported (e.g. `TimedOut`).
        kind: io::ErrorKind,
        /// The client's message.
        message: String,
    },
    /// The service of a network credential source (STS, IAM Identity
    /// Center) answered with an error.
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    CredentialsServiceError {
        /// The operation, e.g. `STS AssumeRole`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's error code (e.g. `AccessDenied`), control
        /// characters escaped; empty when it sent none.
        code: String,
        /// The service's message, control characters escaped and cut to
        /// 512 characters; empty when it sent none.
        message: String,
    },
    /// The answer of a network credential source's service could not be
    /// read (not the XML or JSON it sends, or a field is missing).
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    CredentialsServiceResponse {
        /// The operation, e.g. `STS AssumeRole`.
        operation: &'static str,
        /// What is wrong with the answer.
        problem: String,
    },
    /// An endpoint setting (`AWS_ENDPOINT_URL_STS`, a profile's
    /// `endpoint_url`, …) is not an absolute `http` or `https` URL.
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    InvalidEndpointSetting {
        /// Where the URL was set: the variable, or the profile setting.
        setting: String,
    },
    /// The web identity token file (`AWS_WEB_IDENTITY_TOKEN_FILE` or a
    /// profile's `web_identity_token_file`) cannot be read, or is empty.
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    WebIdentityTokenUnreadable {
        /// The file.
        path: PathBuf,
        /// Why (`InvalidData` for an empty file or one that is not UTF-8).
        kind: io::ErrorKind,
    },
    /// A profile's role, web identity or IAM Identity Center settings
    /// cannot be used; [`ProfileProblem`] says which.
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    ProfileConfig {
        /// The profile whose settings are wrong.
        profile: String,
        /// What is wrong.
        problem: ProfileProblem,
    },
    /// The cached IAM Identity Center token (`~/.aws/sso/cache/<sha1>.json`)
    /// is missing, unreadable or expired: log in again.
    #[cfg(feature = "network-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "network-credentials")))]
    SsoToken {
        /// The cached token's file.
        path: PathBuf,
        /// What is wrong with it.
        problem: SsoTokenProblem,
        /// The arguments of `aws sso login` that renew it, e.g.
        /// `--sso-session my-sso` or `--profile dev`.
        login: String,
    },
}

impl Error {
    /// Wraps the error of your own credentials store, for your
    /// [`ProvideCredentials`](crate::ProvideCredentials) implementations:
    /// `sign` returns it as [`Error::CredentialsProvider`], whose `source()`
    /// is `error`. Put no secret in its message.
    ///
    /// ```
    /// use std::error::Error as _;
    /// use http_sigv4::{Credentials, Error, ProvideCredentials, Signer};
    ///
    /// #[derive(Debug)]
    /// struct VaultSealed;
    /// impl std::fmt::Display for VaultSealed {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str("vault is sealed: unseal it")
    ///     }
    /// }
    /// impl std::error::Error for VaultSealed {}
    ///
    /// let signer = Signer::with_provider(|| Err::<Credentials, _>(Error::provider(VaultSealed)), "us-east-1", "s3");
    /// let mut req = http::Request::get("https://h/").body(()).unwrap();
    /// let err = signer.sign(&mut req).unwrap_err();
    /// assert!(err.to_string().contains("vault is sealed"));
    /// assert!(err.source().unwrap().downcast_ref::<VaultSealed>().is_some());
    /// ```
    pub fn provider(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::CredentialsProvider {
            source: Cause::new(error),
        }
    }
}

/// What is malformed in a request's SigV4 authentication
/// ([`Error::Malformed`]).
///
/// ```
/// use http_sigv4::{Credentials, Error, Malformed, Verifier};
/// let verifier = Verifier::new(|_: &str| None::<Credentials>, "us-east-1", "service");
/// let req = http::Request::get("https://h/")
///     .header("authorization", "AWS4-HMAC-SHA512 Credential=x")
///     .body(())
///     .unwrap();
/// assert_eq!(verifier.verify(&req), Err(Error::Malformed(Malformed::UnknownAlgorithm)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Neither an `Authorization` header nor presigned query parameters.
    MissingAuthentication,
    /// More than one `Authorization` header, or a presigned parameter given
    /// twice.
    Repeated {
        /// The header or parameter.
        name: &'static str,
    },
    /// An algorithm other than `AWS4-HMAC-SHA256` (or, with the `sigv4a`
    /// feature, `AWS4-ECDSA-P256-SHA256`).
    UnknownAlgorithm,
    /// A component (`Credential`, `SignedHeaders`, `Signature`, or a
    /// presigned parameter) is missing.
    MissingComponent {
        /// The component's name.
        name: &'static str,
    },
    /// A component appears twice in the `Authorization` header, or one is
    /// unknown.
    UnexpectedComponent,
    /// The credential is not `AKID/YYYYMMDD/region/service/aws4_request`
    /// (SigV4a: `AKID/YYYYMMDD/service/aws4_request`).
    InvalidCredential,
    /// The signing time (`X-Amz-Date`, or `Date`) is missing or not a valid
    /// `YYYYMMDDTHHMMSSZ` (for `Date`: an HTTP date, IMF-fixdate, RFC 850 or
    /// asctime, or an RFC 2822 date such as botocore's `... -0000`).
    InvalidDate,
    /// The credential scope's date is not the date of the signing time.
    ScopeDateMismatch,
    /// The signed-headers list is empty, not sorted, or not lowercase.
    InvalidSignedHeaders,
    /// `host` is not among the signed headers.
    HostNotSigned,
    /// A header named in the signed-headers list is not on the request.
    SignedHeaderMissing {
        /// The header's name.
        name: String,
    },
    /// The signature is not 64 lowercase hex digits (SigV4a: not the
    /// lowercase hex of a DER-encoded ECDSA signature).
    InvalidSignature,
    /// `X-Amz-Expires` is not a whole number of seconds from 1 to 604800.
    InvalidExpires,
    /// A SigV4a request's `x-amz-region-set` header is missing from its
    /// signed headers.
    #[cfg(feature = "sigv4a")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
    RegionSetNotSigned,
    /// `x-amz-content-sha256` is neither 64 lowercase hex digits nor one of
    /// AWS's markers (`UNSIGNED-PAYLOAD`, `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
    /// and the other streaming markers).
    InvalidContentSha256,
    /// The access key id, region, service or region set holds a character
    /// no AWS client sends (control characters, whitespace, quotes, `\\`,
    /// non-ASCII, …). Checked before the credentials lookup.
    ForbiddenCharacter {
        /// `access key id`, `region`, `service` or `region set`.
        field: &'static str,
    },
    /// `x-amz-decoded-content-length` (aws-chunked uploads) is not a
    /// decimal number of bytes.
    InvalidDecodedContentLength,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingHost => f.write_str(
                "the request URI has no authority and there is no Host header: \
                 use an absolute URI (https://host/path) or set a Host header",
            ),
            Error::InvalidHost => f.write_str(
                "the Host header (or the host derived from the URI) is not a valid \
                 header value: set a Host header of visible ASCII characters",
            ),
            Error::InvalidHeaderValue { name } => write!(
                f,
                "the value of header `{name}` is not valid UTF-8 and cannot be signed: \
                 encode it (e.g. percent- or base64-encode it) or leave the header \
                 unsigned with Signer::unsigned_header"
            ),
            Error::InvalidCredentials { field } => write!(
                f,
                "the {field} cannot be used in a SigV4 signature: it must be non-empty \
                 visible ASCII (and the access key id must not contain `/`, `,` or `=`)"
            ),
            Error::InvalidScope { field } => write!(
                f,
                "the {field} must be non-empty and must not contain `/`, `,`, whitespace \
                 or control characters (e.g. `us-east-1`, `execute-api`)"
            ),
            Error::InvalidTime => {
                f.write_str("the signing time must lie between 1970-01-01 and 9999-12-31 (UTC)")
            }
            Error::InvalidExpiry { requested } => write!(
                f,
                "a presigned URL must expire after 1 second to 7 days (604800 s), \
                 not {} s: choose an expiry in that range",
                requested.as_secs()
            ),
            Error::InvalidPayloadHash => f.write_str(
                "a precomputed payload hash must be 64 lowercase hex digits (the \
                 SHA-256 of the body) or a marker such as UNSIGNED-PAYLOAD",
            ),
            Error::UnhashableBody => f.write_str(
                "the request body cannot be read as bytes, so its SHA-256 cannot be \
                 computed: hash it while reading it and use Payload::Precomputed, \
                 or use Payload::Unsigned where the service allows it",
            ),
            #[cfg(feature = "tower")]
            Error::BodyTooLarge { limit } => write!(
                f,
                "the request body is longer than the {limit} bytes the signing layer \
                 buffers to hash it: raise SigningLayer::body_limit, or sign it without \
                 reading it (a Payload::Precomputed hash in the request's extensions, or \
                 Payload::Unsigned where the service allows it)"
            ),
            Error::Chunked(e) => write!(f, "aws-chunked upload: {e}"),
            Error::InvalidUri => f.write_str(
                "the request URI could not be rebuilt with the presigned query, or \
                 is not a valid http::Uri: use an absolute or origin-form URI",
            ),
            Error::InvalidEndpoint { problem } => write!(
                f,
                "the S3 endpoint is not usable: {problem} (e.g. `http://localhost:9000` \
                 or `https://ACCOUNT_ID.r2.cloudflarestorage.com`)"
            ),
            Error::InvalidBucketName { bucket, problem } => write!(
                f,
                "the bucket name `{bucket}` cannot be used in a URI: {problem}; give the \
                 bucket's name alone, and put `/` in the key"
            ),
            Error::EmptyObjectKey => f.write_str(
                "the object key is empty: give a key of at least one character, or use \
                 S3Endpoint::bucket_uri for the bucket itself",
            ),
            Error::Malformed(m) => write!(f, "malformed SigV4 authentication: {m}"),
            Error::UnknownAccessKey { access_key_id } => write!(
                f,
                "no credentials are known for access key id `{}`",
                access_key_id.escape_debug()
            ),
            Error::ScopeMismatch {
                field,
                expected,
                found,
            } => write!(
                f,
                "the credential scope's {field} is `{}` but this endpoint expects \
                 `{expected}`: sign for `{expected}`",
                found.escape_debug()
            ),
            #[cfg(feature = "sigv4a")]
            Error::RegionNotInSet { region, region_set } => write!(
                f,
                "the SigV4a region set `{}` does not include this endpoint's \
                 region `{region}`: sign for a region set that includes it (or `*`)",
                region_set.escape_debug()
            ),
            Error::ClockSkew { signed_at, now } => {
                let (later, earlier) = match signed_at > now {
                    true => (signed_at, now),
                    false => (now, signed_at),
                };
                let skew = later.duration_since(*earlier).unwrap_or_default();
                write!(
                    f,
                    "the request was signed {} s {} the server's clock, beyond the allowed \
                     skew: check the client's clock",
                    skew.as_secs(),
                    if signed_at > now {
                        "ahead of"
                    } else {
                        "behind"
                    }
                )
            }
            Error::Expired { .. } => f.write_str("the presigned URL has expired: presign it again"),
            Error::PayloadMismatch => f.write_str(
                "the body's SHA-256 differs from the signed x-amz-content-sha256 header: \
                 the body was changed after signing",
            ),
            Error::SessionTokenMismatch => f.write_str(
                "the request's session token does not belong to its access key id: \
                 use current temporary credentials",
            ),
            Error::SignatureMismatch { .. } => f.write_str(
                "the request signature does not match: compare the server's canonical \
                 request and string to sign (in this error) with the client's",
            ),
            Error::UnsignedPayloadRefused => f.write_str(
                "the request signed UNSIGNED-PAYLOAD, which this endpoint refuses: \
                 sign the body's SHA-256 (or allow it with Verifier::unsigned_payload)",
            ),
            Error::UnsignedHeader { name } => write!(
                f,
                "header `{}` is not signed: sign every x-amz-* header (or allow it \
                 with Verifier::allow_unsigned_header)",
                name.escape_debug()
            ),
            Error::HostMismatch => f.write_str(
                "the Host header and the request URI's authority name different hosts: \
                 send the request to the host it was signed for",
            ),
            Error::UserinfoInUri => {
                f.write_str("the request URI's authority holds userinfo (user@host): remove it")
            }
            Error::ExpiredToken { .. } => f.write_str(
                "the credentials that signed the request have expired: sign with \
                 current credentials",
            ),
            Error::BodyUnchecked => f.write_str(
                "only the request's head was verified and its payload is signed: check \
                 the body with VerifiedHead::into_body_checker",
            ),
            Error::AwsChunkedUnsupported { marker } => write!(
                f,
                "the body is aws-chunked ({marker}) with SigV4a-signed chunks, which this \
                 server does not check: sign the request with SigV4, or send the body's \
                 SHA-256 in x-amz-content-sha256"
            ),
            #[cfg(feature = "server")]
            Error::PayloadTooLarge { limit } => write!(
                f,
                "the request body is longer than the {limit} bytes this server reads \
                 before verifying: send a smaller body"
            ),
            Error::MissingEnvironmentVariable { name } => write!(
                f,
                "environment variable {name} is not set (or is empty or not UTF-8): set it"
            ),
            Error::ProfileFileUnreadable { path, kind, .. } => write!(
                f,
                "cannot read {}: {kind}: fix its permissions, or point \
                 AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere",
                path.display()
            ),
            Error::ProfileFileNotAFile { path } => write!(
                f,
                "{} is not a regular file, so it is not read: replace it with a file, \
                 or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at one",
                path.display()
            ),
            Error::ProfileFileTooLarge { path, limit } => write!(
                f,
                "{} is larger than {limit} bytes, so it is not read: is it the right \
                 file? Point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at another",
                path.display()
            ),
            Error::ProfileFileSyntax {
                path,
                line,
                problem,
            } => write!(
                f,
                "{}, line {line}: {problem}: fix that line",
                path.display()
            ),
            Error::ProfileNotFound {
                profile,
                credentials_file,
                config_file,
            } => write!(
                f,
                "profile `{profile}` is in neither {} nor {}: add it (`aws configure \
                 --profile {profile}`), choose another with AWS_PROFILE, or set \
                 AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                credentials_file.display(),
                config_file.display()
            ),
            Error::ProfileMissingKey { profile, path, key } => write!(
                f,
                "profile `{profile}` in {} has no {key}: add it next to the other key",
                path.display()
            ),
            Error::ProfileWithoutCredentials {
                profile,
                unsupported: Some(setting),
            } => write!(
                f,
                "profile `{profile}` gets credentials through `{setting}`, which this \
                 crate does not run: export them with `aws configure \
                 export-credentials --profile {profile} --format env`, or add a \
                 credential_process to the profile"
            ),
            Error::ProfileWithoutCredentials {
                profile,
                unsupported: None,
            } => write!(
                f,
                "profile `{profile}` has neither aws_access_key_id and \
                 aws_secret_access_key nor credential_process: add one of them"
            ),
            Error::MissingRegion { profile } => write!(
                f,
                "no region: set AWS_REGION, or `region` in profile `{profile}` of the \
                 config file, or pass one to Signer::with_provider (or \
                 ApiGatewaySigner::with_provider)"
            ),
            Error::CredentialProcessInvalid { problem } => {
                write!(f, "the credential_process command {problem}: fix it")
            }
            Error::CredentialProcessNotStarted { program, kind, .. } => write!(
                f,
                "credential_process `{program}` could not be started: {kind}: check the \
                 path (use an absolute one) and that it is executable"
            ),
            Error::CredentialProcessFailed {
                program,
                status,
                stderr,
            } => {
                match status {
                    Some(code) => write!(
                        f,
                        "credential_process `{program}` exited with status {code}"
                    )?,
                    None => write!(f, "credential_process `{program}` was killed by a signal")?,
                }
                match stderr.is_empty() {
                    true => f.write_str(" (no stderr): run it by hand to see why"),
                    false => write!(f, "; stderr: {stderr}"),
                }
            }
            Error::CredentialProcessOutput { program, problem } => write!(
                f,
                "credential_process `{program}` printed no valid credentials ({problem}): \
                 it must print JSON with Version 1, AccessKeyId, SecretAccessKey and \
                 optionally SessionToken and Expiration (RFC 3339)"
            ),
            Error::CredentialProcessTimedOut { program, timeout } => write!(
                f,
                "credential_process `{program}` did not finish within {} s and was \
                 killed: run it by hand to see where it waits (a prompt, the network), \
                 or allow it longer with ProcessProvider::timeout",
                timeout.as_secs_f64()
            ),
            Error::CredentialProcessOutputTooLarge { program, limit } => write!(
                f,
                "credential_process `{program}` printed more than {limit} bytes and was \
                 killed: it must print only the credentials' JSON on standard output \
                 (logs go to standard error)"
            ),
            Error::CredentialsExpired { .. } => f.write_str(
                "the credentials source returned credentials that have already expired: \
                 renew them at the source (e.g. log in again)",
            ),
            Error::CredentialsUnavailable { reason } => {
                write!(f, "credentials are unavailable: {reason}")
            }
            #[cfg(feature = "network-credentials")]
            Error::ContainerCredentials(problem) => {
                endpoint::fmt(endpoint::Source::Container, problem, f)
            }
            #[cfg(feature = "network-credentials")]
            Error::InstanceMetadata(problem) => {
                endpoint::fmt(endpoint::Source::InstanceMetadata, problem, f)
            }
            #[cfg(feature = "network-credentials")]
            err @ (Error::CredentialsRequestFailed { .. }
            | Error::CredentialsServiceError { .. }
            | Error::CredentialsServiceResponse { .. }
            | Error::InvalidEndpointSetting { .. }
            | Error::WebIdentityTokenUnreadable { .. }
            | Error::ProfileConfig { .. }
            | Error::SsoToken { .. }) => network::fmt(err, f),
            Error::CredentialsProvider { source } => {
                write!(f, "the credentials provider failed: {source}")
            }
        }
    }
}

impl std::error::Error for Error {
    /// The error from outside this crate behind this one, if any: the
    /// `std::io::Error` of [`Error::ProfileFileUnreadable`] and
    /// [`Error::CredentialProcessNotStarted`], the provider's error of
    /// [`Error::CredentialsProvider`].
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::ProfileFileUnreadable { source, .. }
            | Error::CredentialProcessNotStarted { source, .. }
            | Error::CredentialsProvider { source } => Some(source.get_ref()),
            _ => None,
        }
    }
}

impl From<crate::ChunkedError> for Error {
    fn from(e: crate::ChunkedError) -> Self {
        Error::Chunked(e)
    }
}

impl From<Malformed> for Error {
    fn from(m: Malformed) -> Self {
        Error::Malformed(m)
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::MissingAuthentication => {
                f.write_str("no Authorization header and no X-Amz-Algorithm query parameter")
            }
            Malformed::Repeated { name } => write!(f, "`{name}` is given more than once"),
            Malformed::UnknownAlgorithm => f.write_str(if cfg!(feature = "sigv4a") {
                "the algorithm is neither AWS4-HMAC-SHA256 nor AWS4-ECDSA-P256-SHA256"
            } else {
                "the algorithm is not AWS4-HMAC-SHA256"
            }),
            Malformed::MissingComponent { name } => write!(f, "`{name}` is missing"),
            Malformed::UnexpectedComponent => f.write_str(
                "the Authorization header has a repeated or unknown component \
                 (expected Credential, SignedHeaders, Signature)",
            ),
            Malformed::InvalidCredential => f.write_str(
                "the credential is not ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request \
                 (SigV4a: ACCESS_KEY_ID/YYYYMMDD/SERVICE/aws4_request)",
            ),
            Malformed::InvalidDate => f.write_str(
                "the signing time is missing or invalid (X-Amz-Date must be YYYYMMDDTHHMMSSZ)",
            ),
            Malformed::ScopeDateMismatch => {
                f.write_str("the credential scope's date is not the date of X-Amz-Date")
            }
            Malformed::InvalidSignedHeaders => f.write_str(
                "the signed headers must be a non-empty, sorted, lowercase, `;`-separated list",
            ),
            Malformed::HostNotSigned => f.write_str("`host` must be among the signed headers"),
            Malformed::SignedHeaderMissing { name } => {
                write!(
                    f,
                    "signed header `{}` is not on the request",
                    name.escape_debug()
                )
            }
            Malformed::InvalidSignature => f.write_str(
                "the signature must be 64 lowercase hex digits (SigV4a: the lowercase hex \
                 of a DER-encoded ECDSA signature)",
            ),
            Malformed::InvalidExpires => {
                f.write_str("X-Amz-Expires must be a whole number of seconds from 1 to 604800")
            }
            #[cfg(feature = "sigv4a")]
            Malformed::RegionSetNotSigned => {
                f.write_str("`x-amz-region-set` must be among the signed headers")
            }
            Malformed::InvalidContentSha256 => f.write_str(
                "x-amz-content-sha256 must be 64 lowercase hex digits (the body's SHA-256), \
                 UNSIGNED-PAYLOAD or a STREAMING-* marker",
            ),
            Malformed::ForbiddenCharacter { field } => write!(
                f,
                "the {field} holds a character outside visible ASCII (or one of \
                 `\"'\\<>;=` and the backquote): use the value AWS issued"
            ),
            Malformed::InvalidDecodedContentLength => {
                f.write_str("x-amz-decoded-content-length must be a decimal number of bytes")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync_static() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn messages_name_the_header_but_not_its_value() {
        let e = Error::InvalidHeaderValue {
            name: "x-custom".into(),
        };
        let msg = e.to_string();
        assert!(msg.contains("`x-custom`"), "{msg}");
        assert!(msg.contains("unsigned_header"), "{msg}");
    }

    #[test]
    fn credential_source_messages_name_what_to_fix() {
        let path = PathBuf::from("/home/me/.aws/config");
        let cases: Vec<(Error, &[&str])> = vec![
            (
                Error::MissingEnvironmentVariable {
                    name: "AWS_SECRET_ACCESS_KEY",
                },
                &["AWS_SECRET_ACCESS_KEY", "set it"],
            ),
            (
                Error::ProfileFileUnreadable {
                    path: path.clone(),
                    kind: io::ErrorKind::PermissionDenied,
                    source: Cause::new(io::Error::from(io::ErrorKind::PermissionDenied)),
                },
                &[
                    "/home/me/.aws/config",
                    "permission denied",
                    "AWS_CONFIG_FILE",
                ],
            ),
            (
                Error::ProfileFileNotAFile { path: path.clone() },
                &[
                    "/home/me/.aws/config",
                    "not a regular file",
                    "AWS_CONFIG_FILE",
                ],
            ),
            (
                Error::ProfileFileTooLarge {
                    path: path.clone(),
                    limit: 1_048_576,
                },
                &["/home/me/.aws/config", "larger than 1048576 bytes"],
            ),
            (
                Error::ProfileFileSyntax {
                    path: path.clone(),
                    line: 7,
                    problem: "expected `name = value`",
                },
                &["/home/me/.aws/config, line 7: expected `name = value`"],
            ),
            (
                Error::ProfileNotFound {
                    profile: "prod".into(),
                    credentials_file: "/c".into(),
                    config_file: "/f".into(),
                },
                &["`prod`", "/c", "/f", "AWS_PROFILE", "AWS_ACCESS_KEY_ID"],
            ),
            (
                Error::ProfileMissingKey {
                    profile: "dev".into(),
                    path: path.clone(),
                    key: "aws_secret_access_key",
                },
                &["`dev`", "/home/me/.aws/config", "aws_secret_access_key"],
            ),
            (
                Error::ProfileWithoutCredentials {
                    profile: "dev".into(),
                    unsupported: None,
                },
                &["`dev`", "credential_process"],
            ),
            (
                Error::MissingRegion {
                    profile: "dev".into(),
                },
                &["AWS_REGION", "`dev`"],
            ),
            (
                Error::CredentialProcessInvalid {
                    problem: "has an unclosed `'`",
                },
                &["credential_process command has an unclosed `'`"],
            ),
            (
                Error::CredentialProcessNotStarted {
                    program: "/opt/creds".into(),
                    kind: io::ErrorKind::NotFound,
                    source: Cause::new(io::Error::from(io::ErrorKind::NotFound)),
                },
                &["`/opt/creds`", "not found"],
            ),
            (
                Error::CredentialProcessFailed {
                    program: "/opt/creds".into(),
                    status: Some(1),
                    stderr: String::new(),
                },
                &["`/opt/creds`", "status 1", "run it by hand"],
            ),
            (
                Error::CredentialProcessOutput {
                    program: "/opt/creds".into(),
                    problem: "`Version` is missing".into(),
                },
                &["`/opt/creds`", "`Version` is missing", "RFC 3339"],
            ),
            (
                Error::CredentialProcessTimedOut {
                    program: "/opt/creds".into(),
                    timeout: Duration::from_millis(1500),
                },
                &[
                    "`/opt/creds`",
                    "within 1.5 s",
                    "killed",
                    "ProcessProvider::timeout",
                ],
            ),
            (
                Error::CredentialProcessOutputTooLarge {
                    program: "/opt/creds".into(),
                    limit: 65536,
                },
                &["`/opt/creds`", "more than 65536 bytes", "standard error"],
            ),
            (
                Error::CredentialsExpired {
                    expired_at: SystemTime::UNIX_EPOCH,
                },
                &["already expired"],
            ),
        ];
        for (error, parts) in cases {
            let msg = error.to_string();
            for part in parts {
                assert!(msg.contains(part), "{msg:?} lacks {part:?}");
            }
        }
    }

    #[cfg(feature = "tower")]
    #[test]
    fn body_too_large_message_names_the_limit_and_the_ways_out() {
        let msg = Error::BodyTooLarge { limit: 1024 }.to_string();
        for part in [
            "1024 bytes",
            "body_limit",
            "Payload::Precomputed",
            "Payload::Unsigned",
        ] {
            assert!(msg.contains(part), "{msg:?} lacks {part:?}");
        }
    }

    #[test]
    fn expiry_message_shows_the_requested_seconds() {
        let msg = Error::InvalidExpiry {
            requested: Duration::from_secs(604_801),
        }
        .to_string();
        assert!(msg.contains("604801 s"), "{msg}");
    }

    #[derive(Debug)]
    struct StoreDown;
    impl fmt::Display for StoreDown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the credential store is down")
        }
    }
    impl std::error::Error for StoreDown {}

    #[test]
    fn provider_errors_are_kept_whole_as_the_source() {
        use std::error::Error as _;
        let e = Error::provider(StoreDown);
        assert_eq!(
            e.to_string(),
            "the credentials provider failed: the credential store is down"
        );
        let source = e.source().expect("a source");
        assert!(source.downcast_ref::<StoreDown>().is_some());
        // Clone and PartialEq still hold.
        assert_eq!(e.clone(), e);
        assert_eq!(e, Error::provider(StoreDown));
        assert_ne!(e, Error::provider(io::Error::other("another message")));
    }

    #[test]
    fn io_causes_are_the_source_and_others_have_none() {
        use std::error::Error as _;
        let io = io::Error::from_raw_os_error(13);
        let text = io.to_string();
        let e = Error::ProfileFileUnreadable {
            path: PathBuf::from("/x"),
            kind: io.kind(),
            source: Cause::new(io),
        };
        let source = e.source().and_then(|s| s.downcast_ref::<io::Error>());
        assert_eq!(source.and_then(io::Error::raw_os_error), Some(13));
        assert_eq!(source.map(ToString::to_string), Some(text));
        assert!(Error::MissingHost.source().is_none());
        assert!(Error::CredentialsUnavailable { reason: "r".into() }
            .source()
            .is_none());
    }

    #[test]
    fn s3_uri_messages_name_what_to_fix() {
        let msg = Error::InvalidBucketName {
            bucket: "a/b".into(),
            problem: "it holds a `/`",
        }
        .to_string();
        assert!(
            msg.contains("`a/b`") && msg.contains("put `/` in the key"),
            "{msg}"
        );
        assert!(Error::EmptyObjectKey.to_string().contains("bucket_uri"));
        let msg = Error::InvalidEndpoint {
            problem: "it has no host",
        }
        .to_string();
        assert!(
            msg.contains("it has no host") && msg.contains("http://localhost:9000"),
            "{msg}"
        );
    }
}
