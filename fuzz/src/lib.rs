//! Inputs and checks shared by the fuzz targets in `fuzz_targets/`.
//!
//! Each target builds an `http::Request` from an [`arbitrary`] description
//! ([`RequestSpec`]), signs or verifies it, and checks that nothing panics.
//! Inputs that `http` itself rejects (an invalid method, URI, header name or
//! value) are skipped: they cannot reach the crate. When signing succeeds,
//! [`check_round_trip`] asserts that a [`Verifier`] configured like the
//! signer accepts the request.

pub mod parsers;

use std::fmt::Debug;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arbitrary::Arbitrary;
use http::header::{HeaderName, HeaderValue};
use http::{Method, Request, Uri, Version};
use http_sigv4::{
    ApiGatewaySigner, ContentSha256Header, Credentials, Error, PathNormalization, Payload,
    SessionTokenMode, Signer, SigningOutput, UnsignedPayloadPolicy, UriEncoding, Verifier,
    EXECUTE_API,
};
use sha2::{Digest, Sha256};

/// The AWS suite's credentials and scope.
pub const AKID: &str = "AKIDEXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764+/=";
pub const REGION: &str = "us-east-1";
pub const SERVICE: &str = "service";

/// The AWS suite's signing time, 2015-08-30T12:36:00Z.
pub fn suite_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

/// `suite_time()` moved by `offset` seconds, when `SystemTime` can hold it.
pub fn time_at(offset: i64) -> Option<SystemTime> {
    let delta = Duration::from_secs(offset.unsigned_abs());
    match offset >= 0 {
        true => suite_time().checked_add(delta),
        false => suite_time().checked_sub(delta),
    }
}

/// URI beginnings that reach the host rules (default ports, IPv6, userinfo,
/// upper case, no authority); the fuzzer appends arbitrary bytes.
const URI_PREFIXES: &[&str] = &[
    "https://example.amazonaws.com",
    "http://Example.COM:80",
    "https://h:8443",
    "https://user@[::1]:443",
    "http://h:443",
    "",
    "/",
    "h:80",
];

/// Header names the signer and the verifier treat specially.
const HEADER_NAMES: &[&str] = &[
    "host",
    "date",
    "x-amz-date",
    "authorization",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "content-length",
    "content-type",
    "user-agent",
    "transfer-encoding",
    "connection",
    "expect",
    "x-amzn-trace-id",
    "keep-alive",
    "x-amz-meta-a",
    "x-a",
];

/// A header name: one of [`HEADER_NAMES`] or arbitrary bytes.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Known(u8),
    Raw(Vec<u8>),
}

impl Name {
    pub fn header_name(&self) -> Option<HeaderName> {
        match self {
            Name::Known(i) => Some(HeaderName::from_static(
                HEADER_NAMES[usize::from(*i) % HEADER_NAMES.len()],
            )),
            Name::Raw(bytes) => HeaderName::from_bytes(bytes).ok(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum MethodSpec {
    Get,
    Post,
    Put,
    Head,
    Options,
    Other(Vec<u8>),
}

impl MethodSpec {
    pub fn method(&self) -> Option<Method> {
        Some(match self {
            MethodSpec::Get => Method::GET,
            MethodSpec::Post => Method::POST,
            MethodSpec::Put => Method::PUT,
            MethodSpec::Head => Method::HEAD,
            MethodSpec::Options => Method::OPTIONS,
            MethodSpec::Other(bytes) => Method::from_bytes(bytes).ok()?,
        })
    }
}

pub fn version(v: u8) -> Version {
    match v % 5 {
        0 => Version::HTTP_11,
        1 => Version::HTTP_2,
        2 => Version::HTTP_10,
        3 => Version::HTTP_3,
        _ => Version::HTTP_09,
    }
}

/// An arbitrary request: method, URI (a prefix from [`URI_PREFIXES`] plus
/// arbitrary bytes), HTTP version, headers in order, body.
#[derive(Arbitrary, Debug, Clone)]
pub struct RequestSpec {
    pub method: MethodSpec,
    pub uri_prefix: u8,
    pub uri_tail: Vec<u8>,
    pub version: u8,
    pub headers: Vec<(Name, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl RequestSpec {
    /// The request, or `None` when `http` rejects one of its parts.
    pub fn build(&self) -> Option<Request<Vec<u8>>> {
        let prefix = URI_PREFIXES[usize::from(self.uri_prefix) % URI_PREFIXES.len()];
        let mut uri = prefix.as_bytes().to_vec();
        uri.extend_from_slice(&self.uri_tail);
        let uri = Uri::try_from(uri).ok()?;
        let mut req = Request::new(self.body.clone());
        *req.method_mut() = self.method.method()?;
        *req.uri_mut() = uri;
        *req.version_mut() = version(self.version);
        for (name, value) in &self.headers {
            let name = name.header_name()?;
            let value = HeaderValue::from_bytes(value).ok()?;
            req.headers_mut().append(name, value);
        }
        Some(req)
    }
}

/// A string setting: the suite's value or arbitrary text.
#[derive(Arbitrary, Debug, Clone)]
pub enum Text {
    Default,
    Raw(String),
}

impl Text {
    pub fn or<'a>(&'a self, default: &'a str) -> &'a str {
        match self {
            Text::Default => default,
            Text::Raw(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum PayloadSpec {
    Sha256,
    Unsigned,
    /// A precomputed hash that is the body's SHA-256 (a streamed body
    /// hashed while read).
    BodyHash,
    /// Any string as a precomputed hash.
    Precomputed(String),
}

/// Every signing setting, for [`Signer`] or [`ApiGatewaySigner`].
#[derive(Arbitrary, Debug, Clone)]
pub struct SignerSpec {
    pub access_key_id: Text,
    pub secret: Text,
    pub token: Option<Text>,
    pub region: Text,
    pub service: Text,
    pub api_gateway: bool,
    pub payload: PayloadSpec,
    pub content_sha256_header: bool,
    pub single_encoding: bool,
    pub no_normalization: bool,
    pub token_after_signing: bool,
    pub unsigned_headers: Vec<Name>,
    /// Seconds from the suite's time.
    pub time_offset: i64,
}

/// A [`Signer`] or an [`ApiGatewaySigner`].
pub enum AnySigner {
    Generic(Signer),
    ApiGateway(ApiGatewaySigner),
}

impl AnySigner {
    pub fn sign_at(
        &self,
        req: &mut Request<Vec<u8>>,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        match self {
            AnySigner::Generic(s) => s.sign_at(req, time),
            AnySigner::ApiGateway(s) => s.sign_at(req, time),
        }
    }

    pub fn presign_at(
        &self,
        req: &mut Request<Vec<u8>>,
        expires_in: Duration,
        time: SystemTime,
    ) -> Result<SigningOutput, Error> {
        match self {
            AnySigner::Generic(s) => s.presign_at(req, expires_in, time),
            AnySigner::ApiGateway(s) => s.presign_at(req, expires_in, time),
        }
    }
}

/// The verifiers' credential lookup.
pub type Lookup = Box<dyn Fn(&str) -> Option<Credentials>>;

impl SignerSpec {
    pub fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key_id.or(AKID),
            self.secret.or(SECRET),
            self.token.as_ref().map(|t| t.or(TOKEN).to_owned()),
        )
    }

    pub fn time(&self) -> Option<SystemTime> {
        time_at(self.time_offset)
    }

    fn token_mode(&self) -> SessionTokenMode {
        match self.token_after_signing {
            true => SessionTokenMode::AddedAfterSigning,
            false => SessionTokenMode::Signed,
        }
    }

    fn service(&self) -> &str {
        match self.api_gateway {
            true => EXECUTE_API,
            false => self.service.or(SERVICE),
        }
    }

    fn uri_encoding(&self) -> UriEncoding {
        match self.single_encoding && !self.api_gateway {
            true => UriEncoding::Single,
            false => UriEncoding::Double,
        }
    }

    fn path_normalization(&self) -> PathNormalization {
        match self.no_normalization && !self.api_gateway {
            true => PathNormalization::Disabled,
            false => PathNormalization::Enabled,
        }
    }

    /// The body hash to precompute, for [`PayloadSpec::BodyHash`].
    fn payload(&self, body_sha256: &str) -> Payload {
        match &self.payload {
            PayloadSpec::Sha256 => Payload::Sha256,
            PayloadSpec::Unsigned => Payload::Unsigned,
            PayloadSpec::BodyHash => Payload::Precomputed(body_sha256.to_owned()),
            PayloadSpec::Precomputed(s) => Payload::Precomputed(s.clone()),
        }
    }

    /// The signer, given the SHA-256 (hex) of the body it will sign.
    pub fn signer(&self, body_sha256: &str) -> AnySigner {
        let creds = self.credentials();
        let unsigned = self.unsigned_headers.iter().filter_map(Name::header_name);
        if self.api_gateway {
            let mut s = ApiGatewaySigner::new(creds, self.region.or(REGION))
                .session_token_mode(self.token_mode());
            for name in unsigned {
                s = s.unsigned_header(name);
            }
            return AnySigner::ApiGateway(s);
        }
        let content_sha256 = match self.content_sha256_header {
            true => ContentSha256Header::Signed,
            false => ContentSha256Header::Omitted,
        };
        let mut s = Signer::new(creds, self.region.or(REGION), self.service())
            .payload(self.payload(body_sha256))
            .content_sha256_header(content_sha256)
            .uri_encoding(self.uri_encoding())
            .path_normalization(self.path_normalization())
            .session_token_mode(self.token_mode());
        for name in unsigned {
            s = s.unsigned_header(name);
        }
        AnySigner::Generic(s)
    }

    /// Whether a verifier can know the payload hash this signer signs for
    /// `req` (before signing), so that the round trip must succeed.
    ///
    /// The verifier takes the payload hash from `x-amz-content-sha256` when
    /// the request carries one, else it hashes the body (its documented
    /// contract). So it cannot verify `UNSIGNED-PAYLOAD` or a marker that
    /// no header announces (presigned URLs never carry the header), nor a
    /// body hash signed beside a caller's own, different,
    /// `x-amz-content-sha256` that the signer signed as is.
    pub fn expects_round_trip(&self, req: &Request<Vec<u8>>, presign: bool) -> bool {
        if !passes_verifier_policy(self, req) {
            return false;
        }
        if self.api_gateway {
            return true; // always the body's SHA-256, in a header it owns
        }
        let body_hash = body_sha256(req.body());
        let signs_body_hash = match &self.payload {
            PayloadSpec::Sha256 | PayloadSpec::BodyHash => true,
            PayloadSpec::Unsigned => false,
            PayloadSpec::Precomputed(s) => *s == body_hash,
        };
        let callers_header = req.headers().contains_key("x-amz-content-sha256");
        match (presign, self.content_sha256_header) {
            // The signer sets the header to what it signs.
            // Of the markers, only `UNSIGNED-PAYLOAD` verifies (aws-chunked
            // bodies are refused until they are checked, unknown markers
            // are refused).
            (false, true) => match &self.payload {
                PayloadSpec::Precomputed(s) => signs_body_hash || s == "UNSIGNED-PAYLOAD",
                _ => true,
            },
            // The signer removes a caller's header when presigning.
            (true, true) => signs_body_hash,
            (_, false) => signs_body_hash && !callers_header,
        }
    }

    /// A verifier configured as the signer: same scope, encoding,
    /// normalization and token placement, knowing the signer's credentials.
    pub fn verifier(&self) -> Verifier<Lookup> {
        let creds = self.credentials();
        let lookup: Lookup =
            Box::new(move |akid: &str| (akid == creds.access_key_id()).then(|| creds.clone()));
        let mut verifier = Verifier::new(lookup, self.region.or(REGION), self.service())
            .uri_encoding(self.uri_encoding())
            .path_normalization(self.path_normalization())
            .session_token_mode(self.token_mode())
            .unsigned_payload(UnsignedPayloadPolicy::Allowed);
        for name in self.unsigned_headers.iter().filter_map(Name::header_name) {
            verifier = verifier.allow_unsigned_header(name);
        }
        verifier
    }
}

/// Whether `req` passes the checks the verifier makes beyond the
/// signature: no userinfo, one `Host` that is the URI's authority (compared
/// here more strictly than the verifier does), and an access key id,
/// region and service of the characters AWS clients send.
fn passes_verifier_policy(spec: &SignerSpec, req: &Request<Vec<u8>>) -> bool {
    let allowed = |value: &str| {
        !value.is_empty()
            && value.len() <= 256
            && value
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"'\\<>;=`".contains(&b))
    };
    let hosts: Vec<_> = req.headers().get_all("host").iter().collect();
    let host_agrees = match (req.uri().authority(), &hosts[..]) {
        (_, [_, _, ..]) => false,
        (Some(authority), [host]) => host
            .to_str()
            .is_ok_and(|h| h.eq_ignore_ascii_case(authority.as_str())),
        _ => true,
    };
    let userinfo = req.uri().authority().is_some_and(|a| a.as_str().contains('@'));
    host_agrees
        && !userinfo
        && allowed(spec.access_key_id.or(AKID))
        && allowed(spec.region.or(REGION))
        && allowed(spec.service())
}

/// The SHA-256 of `body` in lowercase hex.
pub fn body_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// What a request looked like, to check that a failed signing left it alone.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    method: Method,
    uri: Uri,
    version: Version,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Snapshot {
    pub fn of(req: &Request<Vec<u8>>) -> Self {
        Snapshot {
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            headers: req.headers().clone(),
            body: req.body().clone(),
        }
    }
}

/// Asserts that `verifier` accepts `req`, which `spec`'s signer signed at
/// `time` producing `out`.
pub fn check_round_trip(
    verifier: &Verifier<Lookup>,
    req: &Request<Vec<u8>>,
    time: SystemTime,
    out: &SigningOutput,
) {
    if let Err(e) = verifier.verify_at(req, time) {
        let server = match &e {
            Error::SignatureMismatch {
                canonical_request, ..
            } => canonical_request.as_str(),
            _ => "(none)",
        };
        panic!(
            "signed but not verified: {e:?}\nrequest: {req:?}\n\
             signer's canonical request:\n{}\n\
             verifier's canonical request:\n{server}",
            out.canonical_request()
        );
    }
}

/// Asserts that an error's message and debug form do not show the secret
/// key (nor, in the message, the session token).
pub fn check_error_hides_secrets<T: Debug>(result: &Result<T, Error>) {
    if let Err(e) = result {
        let (shown, debug) = (e.to_string(), format!("{e:?}"));
        assert!(
            !shown.contains(SECRET) && !debug.contains(SECRET),
            "{debug}"
        );
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

/// A byte-level edit of an Authorization header, a query or a path.
#[derive(Arbitrary, Debug, Clone)]
pub enum Edit {
    Set {
        at: u16,
        byte: u8,
    },
    Truncate(u16),
    Insert {
        at: u16,
        bytes: Vec<u8>,
    },
    Remove {
        at: u16,
        len: u8,
    },
    /// The value twice, joined by a byte (`,`, `&`, …).
    Repeat(u8),
}

impl Edit {
    pub fn apply(&self, v: &mut Vec<u8>) {
        let at = |i: u16| usize::from(i) % (v.len() + 1);
        match self {
            Edit::Set { at: i, byte } => {
                let i = at(*i);
                match v.get_mut(i) {
                    Some(b) => *b = *byte,
                    None => v.push(*byte),
                }
            }
            Edit::Truncate(i) => v.truncate(at(*i)),
            Edit::Insert { at: i, bytes } => {
                let i = at(*i);
                v.splice(i..i, bytes.iter().copied());
            }
            Edit::Remove { at: i, len } => {
                let i = at(*i);
                let end = (i + usize::from(*len)).min(v.len());
                v.drain(i..end);
            }
            Edit::Repeat(sep) => {
                let copy = v.clone();
                v.push(*sep);
                v.extend(copy);
            }
        }
    }
}

/// A change to a signed request.
#[derive(Arbitrary, Debug, Clone)]
pub enum Mutation {
    SetHeader(Name, Vec<u8>),
    AppendHeader(Name, Vec<u8>),
    RemoveHeader(Name),
    /// Edits the (first) Authorization header, creating it when absent.
    Authorization(Edit),
    Query(Edit),
    Path(Edit),
    Method(MethodSpec),
    Body(Vec<u8>),
    Version(u8),
}

/// Replaces the path and query of `req`'s URI; false when `http` rejects
/// the result.
pub fn set_path_and_query(req: &mut Request<Vec<u8>>, path: &[u8], query: Option<&[u8]>) -> bool {
    let mut pq = path.to_vec();
    if let Some(q) = query {
        pq.push(b'?');
        pq.extend_from_slice(q);
    }
    let Ok(pq) = http::uri::PathAndQuery::try_from(pq) else {
        return false;
    };
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = Some(pq);
    match Uri::from_parts(parts) {
        Ok(uri) => {
            *req.uri_mut() = uri;
            true
        }
        Err(_) => false,
    }
}

impl Mutation {
    /// Applies the change; false when `http` rejects the result.
    pub fn apply(&self, req: &mut Request<Vec<u8>>) -> bool {
        let authorization = http::header::AUTHORIZATION;
        match self {
            Mutation::SetHeader(name, value) | Mutation::AppendHeader(name, value) => {
                let (Some(name), Ok(value)) = (name.header_name(), HeaderValue::from_bytes(value))
                else {
                    return false;
                };
                match matches!(self, Mutation::SetHeader(..)) {
                    true => req.headers_mut().insert(name, value).is_some(),
                    false => req.headers_mut().append(name, value),
                };
            }
            Mutation::RemoveHeader(name) => {
                let Some(name) = name.header_name() else {
                    return false;
                };
                req.headers_mut().remove(name);
            }
            Mutation::Authorization(edit) => {
                let mut v = req
                    .headers()
                    .get(&authorization)
                    .map_or_else(Vec::new, |v| v.as_bytes().to_vec());
                edit.apply(&mut v);
                let Ok(v) = HeaderValue::from_bytes(&v) else {
                    return false;
                };
                req.headers_mut().insert(authorization, v);
            }
            Mutation::Query(edit) => {
                let path = req.uri().path().as_bytes().to_vec();
                let mut q = req.uri().query().unwrap_or("").as_bytes().to_vec();
                edit.apply(&mut q);
                return set_path_and_query(req, &path, Some(&q));
            }
            Mutation::Path(edit) => {
                let mut path = req.uri().path().as_bytes().to_vec();
                let q = req.uri().query().map(|q| q.as_bytes().to_vec());
                edit.apply(&mut path);
                return set_path_and_query(req, &path, q.as_deref());
            }
            Mutation::Method(m) => match m.method() {
                Some(m) => *req.method_mut() = m,
                None => return false,
            },
            Mutation::Body(b) => *req.body_mut() = b.clone(),
            Mutation::Version(v) => *req.version_mut() = version(*v),
        }
        true
    }
}

/// How the request to mutate is signed (fixed, valid credentials).
#[derive(Arbitrary, Debug, Clone)]
pub struct SignOptions {
    pub api_gateway: bool,
    pub temporary: bool,
    pub content_sha256_header: bool,
    pub unsigned_payload: bool,
    pub token_after_signing: bool,
    /// Presign, expiring after this many seconds (at least 1).
    pub presign: Option<u16>,
}

impl SignOptions {
    pub fn spec(&self) -> SignerSpec {
        SignerSpec {
            access_key_id: Text::Default,
            secret: Text::Default,
            token: self.temporary.then_some(Text::Default),
            region: Text::Default,
            service: Text::Default,
            api_gateway: self.api_gateway,
            payload: match self.unsigned_payload {
                true => PayloadSpec::Unsigned,
                false => PayloadSpec::Sha256,
            },
            content_sha256_header: self.content_sha256_header || self.unsigned_payload,
            single_encoding: false,
            no_normalization: false,
            token_after_signing: self.token_after_signing,
            unsigned_headers: Vec::new(),
            time_offset: 0,
        }
    }
}

/// The input of the `verify` target.
#[derive(Arbitrary, Debug, Clone)]
pub enum VerifyInput {
    /// An arbitrary request with an arbitrary Authorization header and
    /// query.
    Raw {
        request: RequestSpec,
        authorization: Option<Vec<u8>>,
        query: Option<Vec<u8>>,
        api_gateway: bool,
        now: i64,
        skew: u64,
    },
    /// A request signed as `options` say, then changed.
    Mutated {
        request: RequestSpec,
        options: SignOptions,
        mutations: Vec<Mutation>,
        now: i64,
        skew: Option<u64>,
    },
}

/// Runs one `verify` input: no panic, errors hide the secret, and a mutated
/// request is accepted only while it still carries the original signature.
pub fn run_verify(input: &VerifyInput) {
    match input {
        VerifyInput::Raw {
            request,
            authorization,
            query,
            api_gateway,
            now,
            skew,
        } => {
            let (Some(mut req), Some(now)) = (request.build(), time_at(*now)) else {
                return;
            };
            if let Some(a) = authorization {
                let Ok(a) = HeaderValue::from_bytes(a) else {
                    return;
                };
                req.headers_mut().append(http::header::AUTHORIZATION, a);
            }
            if let Some(q) = query {
                let path = req.uri().path().as_bytes().to_vec();
                if !set_path_and_query(&mut req, &path, Some(q)) {
                    return;
                }
            }
            let spec = SignOptions {
                api_gateway: *api_gateway,
                temporary: false,
                content_sha256_header: false,
                unsigned_payload: false,
                token_after_signing: false,
                presign: None,
            }
            .spec();
            let verifier = spec.verifier().clock_skew(Duration::from_secs(*skew));
            check_error_hides_secrets(&verifier.verify_at(&req, now));
        }
        VerifyInput::Mutated {
            request,
            options,
            mutations,
            now,
            skew,
        } => {
            let (Some(mut req), Some(now)) = (request.build(), time_at(*now)) else {
                return;
            };
            let spec = options.spec();
            let signer = spec.signer(&body_sha256(req.body()));
            let signed = match options.presign {
                Some(secs) => {
                    let expires = Duration::from_secs(u64::from(secs.max(1)));
                    signer.presign_at(&mut req, expires, suite_time())
                }
                None => signer.sign_at(&mut req, suite_time()),
            };
            let Ok(out) = signed else {
                return;
            };
            for m in mutations {
                if !m.apply(&mut req) {
                    return;
                }
            }
            let mut verifier = spec.verifier();
            if let Some(s) = skew {
                verifier = verifier.clock_skew(Duration::from_secs(*s));
            }
            let result = verifier.verify_at(&req, now);
            check_error_hides_secrets(&result);
            if result.is_ok() {
                let carried = |s: &str| s.contains(out.signature());
                let in_header = req
                    .headers()
                    .get_all(http::header::AUTHORIZATION)
                    .iter()
                    .any(|v| v.to_str().is_ok_and(carried));
                let in_query = req.uri().query().is_some_and(carried);
                assert!(
                    in_header || in_query,
                    "accepted without the original signature: {req:?}"
                );
            }
        }
    }
}

/// The input of the `parse_authorization` target, read from raw bytes so
/// that seeds can be written by hand: the first line is the Authorization
/// header value (none when empty), the rest the query (none when empty).
pub fn run_parse_authorization(data: &[u8]) {
    let (authorization, query) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut req = Request::new(Vec::new());
    *req.uri_mut() = Uri::from_static("https://example.amazonaws.com/");
    let headers = req.headers_mut();
    headers.insert("host", HeaderValue::from_static("example.amazonaws.com"));
    headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
    if !authorization.is_empty() {
        let Ok(value) = HeaderValue::from_bytes(authorization) else {
            return;
        };
        headers.insert(http::header::AUTHORIZATION, value);
    }
    if !query.is_empty() && !set_path_and_query(&mut req, b"/", Some(query)) {
        return;
    }
    let spec = SignOptions {
        api_gateway: false,
        temporary: false,
        content_sha256_header: false,
        unsigned_payload: false,
        token_after_signing: false,
        presign: None,
    }
    .spec();
    let result = spec.verifier().verify_at(&req, suite_time());
    check_error_hides_secrets(&result);
}
