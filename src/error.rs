//! The one error type of the crate.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

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
    /// The signed URI could not be rebuilt (presigning), which happens when
    /// the original URI cannot take a query string; or (feature `reqwest`) a
    /// `reqwest::Url` is not a valid `http::Uri`, which reqwest cannot send
    /// either.
    InvalidUri,

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
    /// The request's body is aws-chunked (`x-amz-content-sha256` is a
    /// streaming marker), and this version does not check aws-chunked
    /// bodies yet: the request is refused rather than accepted unchecked.
    AwsChunkedUnsupported {
        /// The marker, e.g. `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
        marker: &'static str,
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
            Error::InvalidUri => f.write_str(
                "the request URI could not be rebuilt with the presigned query, or \
                 is not a valid http::Uri: use an absolute or origin-form URI",
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
                "the body is aws-chunked ({marker}), which this server does not check yet: \
                 send it with the body's SHA-256 in x-amz-content-sha256"
            ),
            Error::MissingEnvironmentVariable { name } => write!(
                f,
                "environment variable {name} is not set (or is empty or not UTF-8): set it"
            ),
            Error::ProfileFileUnreadable { path, kind } => write!(
                f,
                "cannot read {}: {kind}: fix its permissions, or point \
                 AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere",
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
            Error::CredentialProcessNotStarted { program, kind } => write!(
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
            Error::CredentialsExpired { .. } => f.write_str(
                "the credentials source returned credentials that have already expired: \
                 renew them at the source (e.g. log in again)",
            ),
            Error::CredentialsUnavailable { reason } => {
                write!(f, "credentials are unavailable: {reason}")
            }
        }
    }
}

impl std::error::Error for Error {}

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
                },
                &[
                    "/home/me/.aws/config",
                    "permission denied",
                    "AWS_CONFIG_FILE",
                ],
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
}
