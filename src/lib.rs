//! AWS Signature Version 4 for [`http::Request`], written from scratch.
//!
//! `http-sigv4` signs the requests your HTTP client is about to send to an
//! IAM-protected AWS endpoint (API Gateway, S3, STS, Lambda URLs, …) without
//! the AWS SDK: a few small dependencies, one call. Calling an API Gateway
//! endpoint protected by IAM authorization:
//!
//! ```
//! use http_sigv4::{ApiGatewaySigner, Credentials};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let signer = ApiGatewaySigner::new(creds, "us-east-1");
//!
//! let mut req = http::Request::post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets")
//!     .header("content-type", "application/json")
//!     .body(r#"{"name": "Rex"}"#)
//!     .unwrap();
//! signer.sign(&mut req)?; // adds host, x-amz-date, x-amz-content-sha256, authorization
//! assert!(req.headers().contains_key("authorization"));
//! // Now send `req` with your HTTP client.
//! # Ok::<(), http_sigv4::Error>(())
//! ```
//!
//! Other services take a [`Signer`] for their name (`Signer::new(creds,
//! "us-east-1", "sts")`), and S3 its preset, [`Signer::s3`] (see
//! [S3](#s3)). Credentials can also come from the environment or `~/.aws`
//! ([`ApiGatewaySigner::from_env`], [below](#credentials)).
//!
//! AWS's own documentation of the protocol: [AWS Signature Version 4 for
//! API requests](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html)
//! and [Create a signed AWS API
//! request](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
//!
//! Signing is deterministic for a given time, so [`Signer::sign_at`] can be
//! checked against AWS's published test suite. Its `get-vanilla` request:
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use http_sigv4::{Credentials, Signer};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let signer = Signer::new(creds, "us-east-1", "service");
//!
//! // The AWS test suite's `get-vanilla` request, at the suite's fixed time.
//! let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
//! let out = signer.sign_at(&mut req, UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
//!
//! // The signature AWS publishes for this case.
//! assert_eq!(out.signature(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
//! assert!(req.headers()["authorization"].to_str().unwrap().ends_with(out.signature()));
//! # Ok::<(), http_sigv4::Error>(())
//! ```
//! In a real program call [`Signer::sign`], which uses the current time.
//!
//! # Credentials
//!
//! Credentials you hold (a database row, a secret manager) go straight to
//! [`Signer::new`], as above. To sign with what the AWS CLI would use, the
//! environment's keys or a profile of `~/.aws/credentials` and
//! `~/.aws/config` (including its `credential_process`), with the region
//! from `AWS_REGION` or the profile, build the signer with
//! [`Signer::from_env`] or [`Signer::from_profile`]
//! ([`ApiGatewaySigner::from_env`], [`ApiGatewaySigner::from_profile`]):
//!
//! ```no_run
//! let signer = http_sigv4::ApiGatewaySigner::from_env()?;
//! # Ok::<(), http_sigv4::Error>(())
//! ```
//!
//! Underneath, a [`ProvideCredentials`] is asked for credentials at each
//! signature ([`Signer::with_provider`]):
//!
//! ```text
//! DefaultChain ──► EnvProvider      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//!              ├─► ProfileProvider  AWS_PROFILE (or `default`) in ~/.aws/credentials, ~/.aws/config
//!              │     ├─► ProcessProvider   the profile's credential_process (JSON on stdout)
//!              │     └─► role_arn (source_profile, credential_source), web_identity_token_file,
//!              │         sso_session / sso_start_url: STS and IAM Identity Center (*)
//!              │   when there is no profile:
//!              ├─► WebIdentityProvider  AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN (*)
//!              ├─► ContainerProvider    ECS / EKS Pod Identity endpoint (*)
//!              └─► ImdsProvider         EC2 instance metadata, IMDSv2 (*)
//! (*) feature `network-credentials`: requests go through an `HttpClient`
//! CachingProvider ─ keeps them; from a margin before expiry one background refresh, signers never wait
//! ```
//!
//! Every source reads an [`Env`]: the process's environment, or fixed
//! variables (tests, or configuration kept elsewhere). Implement
//! [`ProvideCredentials`] (or pass a closure) for a store of your own.
//!
//! # How SigV4 works, step by step
//!
//! ```text
//! http::Request ──► canonical request ──► string to sign ──► signature ──► request
//!   method           METHOD\n              AWS4-HMAC-SHA256\n   HMAC(k_signing,   Authorization +
//!   uri path         canonical URI\n        timestamp\n          sts) hex         X-Amz-Date,
//!   query            canonical query\n      scope\n                               X-Amz-Security-Token
//!   headers          canonical headers\n    hex(SHA256(creq))                     (or query params
//!   body             signed headers\n                                             when presigning)
//!                    hex(SHA256(body))     k_signing = HMAC chain over
//!                                          date/region/service/"aws4_request"
//! ```
//!
//! 1. **Canonical request**: the method, the normalized and encoded path,
//!    the sorted and re-encoded query, the signed headers (lowercase, sorted,
//!    values trimmed) and the hash of the body, one per line
//!    (module `canonical`; [`SigningOutput::canonical_request`]).
//! 2. **Hash** it with SHA-256.
//! 3. **String to sign**: the algorithm, the time, the credential scope
//!    (`20150830/us-east-1/service/aws4_request`) and that hash
//!    ([`SigningOutput::string_to_sign`]).
//! 4. **Signing key**: HMAC-SHA256 chained from the secret key over the date,
//!    region, service and `aws4_request`. It changes once a day, so each
//!    [`Signer`] caches it.
//! 5. **Signature**: the HMAC of the string to sign under that key, written
//!    into the `Authorization` header ([`Signer::sign_at`]) or into the query
//!    string of a presigned URL ([`Signer::presign_at`]).
//!
//! # Defaults and pitfalls
//!
//! - **Double encoding.** Every service but S3 signs the path *as sent*,
//!   encoded once more: `/a%2Fb` is signed as `/a%252Fb`, `@` as `%40`. S3
//!   wants [`UriEncoding::Single`] and [`PathNormalization::Disabled`]
//!   ([`Signer::s3`] sets them).
//! - **`+` in a query is a space.** A raw `+` is signed as `%20`, as the
//!   `aws-sigv4` crate and Envoy do (botocore signs it as a raw `+`, AWS's
//!   JavaScript signer as `%2B`). Send a literal plus as `%2B`.
//!   The signer never writes a raw `+` itself.
//! - **Host is set on the request.** A request without a `Host` header gets
//!   one derived from its URI (lowercase, no default port, no userinfo), so
//!   what is signed is what is sent. An explicit `Host` header wins. For
//!   HTTP/2 the same value is signed but no header is added (`:authority`
//!   carries it).
//! - **Sign what you send.** Every header on the request is signed except
//!   [`DEFAULT_UNSIGNED_HEADERS`]; set `content-type` and `content-length`
//!   before signing and change nothing afterwards.
//! - **Re-signing is safe.** `authorization`, `x-amz-date` and
//!   `x-amz-security-token` from an earlier signature are replaced, so a
//!   retry can sign the same request again.
//! - **No panics on input.** Anything wrong with the request or the
//!   credentials is an [`Error`] that says what to fix.
//!
//! # S3
//!
//! S3 signs the path encoded once and not normalized, wants
//! `x-amz-content-sha256` on every request, and presigned URLs on
//! `UNSIGNED-PAYLOAD`: [`Signer::s3`] (and [`Signer::s3_from_env`],
//! [`Signer::s3_from_profile`], [`Signer::s3_with_provider`]) sets all of
//! it, [`Verifier::s3`] checks it. [`S3Endpoint`] builds object URIs for AWS
//! (virtual-hosted) and S3-compatible stores such as MinIO or R2 (path
//! style), encoding each key as the AWS SDKs do:
//!
//! ```
//! use http_sigv4::{Credentials, S3Endpoint, Signer};
//!
//! let signer = Signer::s3(Credentials::new("AKID", "SECRET", None), "us-east-1");
//! let uri = S3Endpoint::custom("http://localhost:9000")?.object_uri("my-bucket", "a b/ünï.txt")?;
//! assert_eq!(uri, "http://localhost:9000/my-bucket/a%20b/%C3%BCn%C3%AF.txt");
//! let mut req = http::Request::put(uri).body(b"hello".to_vec()).unwrap();
//! signer.sign(&mut req)?;
//! assert!(req.headers().contains_key("x-amz-content-sha256"));
//! # Ok::<(), http_sigv4::Error>(())
//! ```
//!
//! # SigV4a
//!
//! With the `sigv4a` feature, `SigV4aSigner` signs with
//! `AWS4-ECDSA-P256-SHA256`: the same canonical request plus a signed
//! `X-Amz-Region-Set`, a scope without a region
//! (`20150830/service/aws4_request`), and an ECDSA P-256 signature by a key
//! pair derived from the credentials. One signature is then valid in every
//! region of the set, which is what S3 Multi-Region Access Points,
//! EventBridge global endpoints and CloudFront-fronted APIs need. The
//! [`Verifier`] accepts such requests when the feature is on. The feature adds
//! RustCrypto's `p256` (ECDSA only).
//!
//! # Client integrations
//!
//! Every client that sends `http::Request`s (hyper 1, ureq 3) needs no
//! adapter: sign the request, then send it. For the others, one cargo
//! feature each, off by default:
//!
//! - `tower`: `SigningLayer` → `Signing<S>`, for hyper-util's client
//!   and any tower stack. Bodies implementing `http_body::Body` are read
//!   into memory up to a limit to be hashed (else `Error::BodyTooLarge`),
//!   unless the signer or a [`Payload`] in the request's extensions says
//!   not to; the inner service gets a `SignedBody`.
//! - `reqwest`: `SignReqwest`, `signer.sign_reqwest(&mut req)` for a
//!   `reqwest::Request` built by hand.
//! - `reqwest-middleware`: `SigningMiddleware` for a
//!   `reqwest_middleware::ClientWithMiddleware`.
//!
//! They take any signer through `RequestSigner`, and ask its credentials
//! provider at each request, so long-running clients pick up rotated
//! credentials. A retry above them is signed again.
//!
//! ```text
//! Request ──► retry / timeout layers ──► Signing (last) ──► client ──► AWS
//!                 re-sent attempts are      sets host, x-amz-date,
//!                 signed afresh             authorization, ...
//! ```
//!
//! # The public interface
//!
//! - [`Credentials`]: access key id, secret key, optional session token
//!   and expiry.
//! - [`ProvideCredentials`]: where credentials come from at signing time;
//!   [`EnvProvider`], [`ProfileProvider`], [`ProcessProvider`],
//!   [`DefaultChain`], [`CachingProvider`] (with [`DEFAULT_REFRESH_MARGIN`]),
//!   all reading an [`Env`]; [`region_from_env_or_profile`] finds the region.
//!   With the `network-credentials` feature: `WebIdentityProvider`,
//!   `AssumeRoleProvider`, `SsoProvider`, sending through an `HttpClient`.
//! - [`Signer`]: signs into headers or presigned URLs; its settings are
//!   [`Payload`], [`ContentSha256Header`], [`UriEncoding`],
//!   [`PathNormalization`] and [`SessionTokenMode`].
//! - [`ApiGatewaySigner`]: a `Signer` for API Gateway (`execute-api`) with
//!   fixed header rules.
//! - [`Signer::s3`] and [`S3`]: S3's settings; [`S3Endpoint`] and
//!   [`Addressing`]: object and bucket URIs.
//! - [`SignableBody`]: bodies that can be hashed; [`PayloadHasher`] hashes
//!   streamed bodies chunk by chunk.
//! - [`SigningOutput`]: the intermediate results, for debugging.
//! - aws-chunked uploads (S3 streaming, each chunk signed):
//!   [`Signer::sign_chunked_at`] takes a [`ChunkedUpload`] (length,
//!   [`ChunkedPayload`] form, chunk size from [`MIN_CHUNK_SIZE`] to
//!   [`MAX_CHUNK_SIZE`], [`DEFAULT_CHUNK_SIZE`]) and returns a
//!   [`ChunkSigner`], which frames the body as a [`ChunkedReader`]
//!   (`std::io::Read`) or a `ChunkedBody` (`http_body::Body`, feature
//!   `tower`); `ChecksumAlgorithm` (feature `checksums`) adds a trailing
//!   checksum; [`ChunkedError`] says what went wrong.
//! - [`Verifier`]: the server side; checks incoming signed requests, finding
//!   secrets through a [`CredentialsLookup`]: whole, or the head first
//!   ([`VerifiedHead`]) and then the body as it streams in ([`BodyChecker`],
//!   which decodes aws-chunked bodies and checks each chunk).
//!   [`VerifiedRequest`] says what was verified ([`VerifiedPayload`]);
//!   [`UnsignedPayloadPolicy`] says when an unchecked body is accepted.
//! - `VerifyLayer`, `Verify`, `VerifiedBody`, `Verification`,
//!   `ErrorStyle`, `error_response` (feature `server`): the `Verifier` as a
//!   tower layer for servers (hyper, axum), answering failures as S3 or API
//!   Gateway do; `examples/s3_server.rs` is an S3 stand-in built on it.
//! - `SigV4aSigner` (feature `sigv4a`): SigV4a, one ECDSA signature for a
//!   set of regions; see [below](#sigv4a).
//! - `SigningLayer`, `Signing`, `SignedBody`, `DEFAULT_BODY_LIMIT`
//!   (feature `tower`), `SignReqwest` (feature `reqwest`),
//!   `SigningMiddleware` (feature `reqwest-middleware`), and
//!   `RequestSigner`, which they take: see
//!   [above](#client-integrations).
//! - `ContainerProvider`, `ImdsProvider` (with `ImdsEndpointMode`),
//!   `region_from_imds`, and the HTTP seam they send through, `HttpClient`
//!   and `DefaultHttpClient` (feature `network-credentials`); their errors
//!   carry an `EndpointProblem`.
//! - [`Error`]: everything that can go wrong.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod credentials;
mod digest_hex;
mod error;
mod payload;
mod settings;
mod timestamp;

mod canonical;
mod signing_key;
mod string_to_sign;

mod signer;

mod chunked;

mod api_gateway;
mod s3;
mod verify;

mod provider;
#[cfg(feature = "sigv4a")]
mod sigv4a;

#[cfg(any(feature = "tower", feature = "reqwest"))]
mod integration;
#[cfg(feature = "server")]
mod server;

#[doc(hidden)]
pub mod internal;

pub use api_gateway::{ApiGatewaySigner, API_GATEWAY_UNSIGNED_HEADERS, EXECUTE_API};
#[cfg(feature = "checksums")]
pub use chunked::ChecksumAlgorithm;
#[cfg(feature = "tower")]
pub use chunked::ChunkedBody;
pub use chunked::{
    ChunkFrame, ChunkSigner, ChunkedError, ChunkedPayload, ChunkedReader, ChunkedUpload,
    DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE,
};
pub use credentials::Credentials;
#[cfg(feature = "network-credentials")]
pub use error::EndpointProblem;
pub use error::{Cause, Error, Malformed};
#[cfg(feature = "network-credentials")]
pub use error::{ProfileProblem, SsoTokenProblem};
pub use payload::{Payload, PayloadHasher, SignableBody};
pub use provider::{
    region_from_env_or_profile, CachingProvider, DefaultChain, Env, EnvProvider, ProcessProvider,
    ProfileProvider, ProvideCredentials, DEFAULT_REFRESH_MARGIN,
};
#[cfg(feature = "network-credentials")]
pub use provider::{
    region_from_imds, AssumeRoleProvider, ContainerProvider, DefaultHttpClient, HttpClient,
    ImdsEndpointMode, ImdsProvider, SsoProvider, WebIdentityProvider,
};
pub use s3::{Addressing, S3Endpoint, S3};
pub use settings::{ContentSha256Header, PathNormalization, SessionTokenMode, UriEncoding};
pub use signer::{Signer, SigningOutput, DEFAULT_UNSIGNED_HEADERS, MAX_PRESIGN_EXPIRY};
pub use verify::{
    BodyChecker, CredentialsLookup, StreamingMarker, UnsignedPayloadPolicy, UnsignedSource,
    VerifiedHead, VerifiedPayload, VerifiedRequest, Verifier, DEFAULT_CLOCK_SKEW,
};

#[cfg(feature = "sigv4a")]
pub use sigv4a::SigV4aSigner;

#[cfg(feature = "reqwest")]
pub use integration::reqwest::SignReqwest;
#[cfg(feature = "reqwest-middleware")]
pub use integration::reqwest_middleware::SigningMiddleware;
#[cfg(feature = "tower")]
pub use integration::tower::{SignedBody, Signing, SigningLayer, DEFAULT_BODY_LIMIT};
#[cfg(any(feature = "tower", feature = "reqwest"))]
pub use integration::RequestSigner;
#[cfg(feature = "server")]
pub use server::{
    error_response, ErrorStyle, Verification, VerifiedBody, Verify, VerifyLayer, VerifyResponseBody,
};

/// The README's Rust blocks, compiled (and run, unless `no_run`) as doctests.
/// They are whole programs, as a reader would paste them, with no lines hidden
/// by rustdoc, so the blocks that use an optional feature cannot opt out of
/// it: the README is checked when every feature its blocks use is on (CI's
/// `cargo test --all-features`). A block that needs another feature adds it
/// here. `tests/readme.rs` checks, in every build, that no line is hidden.
#[cfg(all(
    doctest,
    feature = "sigv4a",
    feature = "tower",
    feature = "reqwest",
    feature = "reqwest-middleware",
    feature = "server"
))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
