//! Sign → verify → tamper, on generated requests: whatever `Signer` or
//! `ApiGatewaySigner` (or, with the `sigv4a` feature, `SigV4aSigner`) signs,
//! `Verifier` accepts; changing any signed part (method, path, query, a
//! signed header, the body) makes it reject.

use std::time::Duration;

use http::{HeaderValue, Method, Request};
use http_sigv4::{ApiGatewaySigner, Credentials, Error, Signer, Verifier};
use proptest::prelude::*;

mod common;
use common::suite_time;

const REGION: &str = "us-east-1";

/// Path segments that break signers: reserved and encoded bytes, dot
/// segments, empty segments (`//`), UTF-8.
const SEGMENTS: &[&str] = &[
    "a",
    "Z9",
    "-._~",
    "%2F",
    "%20",
    "@",
    "=",
    ":",
    "+",
    "%E1%88%B4",
    ".",
    "..",
    "",
    "a%25b",
    "!",
    "*",
    "(x)",
    "%41",
];
/// Query names and values: empty, `+`, encoded `+`, sub-delims, `=` inside.
const QUERY_TOKENS: &[&str] = &[
    "",
    "v",
    "a+b",
    "%2B",
    "%E2%82%AC",
    "*",
    "(",
    ")",
    "'",
    "!",
    "a=b",
    "%7e",
    "~",
    "%20",
    "A",
];
const HEADER_VALUES: &[&str] = &["x", "  padded  ", "a   b", "MiXeD", "1,2", "", "\"q\""];

#[derive(Debug, Clone)]
struct Case {
    method: Method,
    path: String,
    query: Option<String>,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
    token: Option<String>,
    mode: Mode,
    tamper: Tamper,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Header,
    Presign,
    ApiGatewayHeader,
    ApiGatewayPresign,
    #[cfg(feature = "sigv4a")]
    SigV4aHeader,
    #[cfg(feature = "sigv4a")]
    SigV4aPresign,
}

/// The region set SigV4a requests are signed for: it includes [`REGION`].
#[cfg(feature = "sigv4a")]
const REGION_SET: &str = "eu-west-1,us-*";

#[derive(Debug, Clone, Copy)]
enum Tamper {
    Method,
    Path,
    Query,
    Header,
    Body,
}

fn case() -> impl Strategy<Value = Case> {
    let method = prop::sample::select(vec![
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ]);
    let path = prop::collection::vec(prop::sample::select(SEGMENTS), 0..5);
    let pair = (
        prop::sample::select(QUERY_TOKENS),
        prop::sample::select(QUERY_TOKENS),
    );
    let query = prop::option::of(prop::collection::vec(pair, 0..5));
    let header = (
        prop::sample::select(vec!["x-a", "x-b", "content-type", "x-amz-meta-k"]),
        prop::sample::select(HEADER_VALUES),
    );
    let headers = prop::collection::vec(header, 0..5);
    let body = prop::collection::vec(any::<u8>(), 0..64);
    let token = prop::option::of("[A-Za-z0-9+/=]{1,40}");
    let mode = prop::sample::select(vec![
        Mode::Header,
        Mode::Presign,
        Mode::ApiGatewayHeader,
        Mode::ApiGatewayPresign,
        #[cfg(feature = "sigv4a")]
        Mode::SigV4aHeader,
        #[cfg(feature = "sigv4a")]
        Mode::SigV4aPresign,
    ]);
    let tamper = prop::sample::select(vec![
        Tamper::Method,
        Tamper::Path,
        Tamper::Query,
        Tamper::Header,
        Tamper::Body,
    ]);
    (method, path, query, headers, body, token, mode, tamper).prop_map(
        |(method, path, query, headers, body, token, mode, tamper)| Case {
            method,
            path: format!("/{}", path.join("/")),
            query: query.map(|pairs| {
                pairs
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("&")
            }),
            headers,
            body,
            token,
            mode,
            tamper,
        },
    )
}

fn request(case: &Case) -> Request<Vec<u8>> {
    let uri = match &case.query {
        Some(q) => format!(
            "https://abc.execute-api.us-east-1.amazonaws.com{}?{q}",
            case.path
        ),
        None => format!(
            "https://abc.execute-api.us-east-1.amazonaws.com{}",
            case.path
        ),
    };
    let mut builder = Request::builder()
        .method(case.method.clone())
        .uri(uri)
        .header("x-signed", "original");
    for (name, value) in &case.headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(case.body.clone())
        .expect("generated requests are valid")
}

fn credentials(case: &Case) -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        case.token.clone(),
    )
}

fn sign(case: &Case, req: &mut Request<Vec<u8>>) -> Result<(), Error> {
    let creds = credentials(case);
    let expires = Duration::from_secs(300);
    match case.mode {
        Mode::Header => Signer::new(creds, REGION, "execute-api").sign_at(req, suite_time()),
        Mode::Presign => {
            Signer::new(creds, REGION, "execute-api").presign_at(req, expires, suite_time())
        }
        Mode::ApiGatewayHeader => ApiGatewaySigner::new(creds, REGION).sign_at(req, suite_time()),
        Mode::ApiGatewayPresign => {
            ApiGatewaySigner::new(creds, REGION).presign_at(req, expires, suite_time())
        }
        #[cfg(feature = "sigv4a")]
        Mode::SigV4aHeader => http_sigv4::SigV4aSigner::new(creds, REGION_SET, "execute-api")
            .sign_at(req, suite_time()),
        #[cfg(feature = "sigv4a")]
        Mode::SigV4aPresign => http_sigv4::SigV4aSigner::new(creds, REGION_SET, "execute-api")
            .presign_at(req, expires, suite_time()),
    }
    .map(|_| ())
}

fn tamper(case: &Case, req: &mut Request<Vec<u8>>) {
    match case.tamper {
        Tamper::Method => {
            let other = if req.method() == Method::GET {
                Method::POST
            } else {
                Method::GET
            };
            *req.method_mut() = other;
        }
        Tamper::Path => {
            let pq = req.uri().path_and_query().unwrap().as_str();
            let (path, query) = pq.split_once('?').map_or((pq, None), |(p, q)| (p, Some(q)));
            let new = match query {
                Some(q) => format!("{path}tampered?{q}"),
                None => format!("{path}tampered"),
            };
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(new.parse().unwrap());
            *req.uri_mut() = http::Uri::from_parts(parts).unwrap();
        }
        Tamper::Query => {
            let pq = req.uri().path_and_query().unwrap().as_str();
            let new = if pq.contains('?') {
                format!("{pq}&extra=1")
            } else {
                format!("{pq}?extra=1")
            };
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(new.parse().unwrap());
            *req.uri_mut() = http::Uri::from_parts(parts).unwrap();
        }
        Tamper::Header => {
            req.headers_mut()
                .insert("x-signed", HeaderValue::from_static("changed"));
        }
        Tamper::Body => req.body_mut().push(b'!'),
    }
}

fn verifier() -> Verifier<impl Fn(&str) -> Option<Credentials>> {
    Verifier::new(|_: &str| None, REGION, "execute-api")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn signed_requests_verify_and_tampered_ones_do_not(case in case()) {
        let mut req = request(&case);
        sign(&case, &mut req).expect("generated requests sign");
        let creds = credentials(&case);
        let lookup = move |akid: &str| (akid == "AKIDEXAMPLE").then(|| creds.clone());
        let verifier = Verifier::new(lookup, REGION, "execute-api");

        let verified = verifier.verify_at(&req, suite_time());
        prop_assert!(verified.is_ok(), "did not verify: {:?}\n{:?}", verified, req);
        prop_assert!(verified.unwrap().signed_headers().iter().any(|h| h == "x-signed"));

        let mut tampered = req.clone();
        tamper(&case, &mut tampered);
        let result = verifier.verify_at(&tampered, suite_time());
        prop_assert!(result.is_err(), "tampered request verified: {:?}", tampered);
    }
}

#[test]
fn unknown_keys_and_wrong_scopes_are_rejected() {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None::<String>,
    );
    let mut req = Request::get("https://h/").body(Vec::new()).unwrap();
    Signer::new(creds.clone(), REGION, "execute-api")
        .sign_at(&mut req, suite_time())
        .unwrap();
    assert_eq!(
        verifier().verify_at(&req, suite_time()),
        Err(Error::UnknownAccessKey {
            access_key_id: "AKIDEXAMPLE".into()
        })
    );
    let lookup = move |_: &str| Some(creds.clone());
    let other_region = Verifier::new(lookup.clone(), "eu-west-1", "execute-api");
    assert_eq!(
        other_region.verify_at(&req, suite_time()),
        Err(Error::ScopeMismatch {
            field: "region",
            expected: "eu-west-1".into(),
            found: REGION.into()
        })
    );
    let other_service = Verifier::new(lookup, REGION, "s3");
    assert!(matches!(
        other_service.verify_at(&req, suite_time()),
        Err(Error::ScopeMismatch {
            field: "service",
            ..
        })
    ));
}

#[test]
fn clock_skew_window_and_presign_expiry() {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>);
    let lookup = {
        let creds = creds.clone();
        move |_: &str| Some(creds.clone())
    };
    let verifier = Verifier::new(lookup, REGION, "execute-api");
    let signer = Signer::new(creds, REGION, "execute-api");
    let t = suite_time();
    let minutes = |m: u64| Duration::from_secs(m * 60);

    let mut req = Request::get("https://h/").body(Vec::new()).unwrap();
    signer.sign_at(&mut req, t).unwrap();
    assert!(verifier.verify_at(&req, t + minutes(15)).is_ok());
    assert!(verifier.verify_at(&req, t - minutes(15)).is_ok());
    assert_eq!(
        verifier.verify_at(&req, t + minutes(16)),
        Err(Error::ClockSkew {
            signed_at: t,
            now: t + minutes(16)
        })
    );
    assert_eq!(
        verifier.verify_at(&req, t - minutes(16)),
        Err(Error::ClockSkew {
            signed_at: t,
            now: t - minutes(16)
        })
    );
    let strict = verifier.clock_skew(Duration::from_secs(30));
    assert!(matches!(
        strict.verify_at(&req, t + minutes(1)),
        Err(Error::ClockSkew { .. })
    ));

    let mut url = Request::get("https://h/").body(Vec::new()).unwrap();
    signer.presign_at(&mut url, minutes(60), t).unwrap();
    assert!(
        strict.verify_at(&url, t + minutes(59)).is_ok(),
        "a presigned URL is valid until it expires"
    );
    assert_eq!(
        strict.verify_at(&url, t + minutes(61)),
        Err(Error::Expired {
            expired_at: t + minutes(60)
        })
    );
    assert!(
        matches!(
            strict.verify_at(&url, t - minutes(5)),
            Err(Error::ClockSkew { .. })
        ),
        "signed in the future"
    );
}

#[test]
fn session_token_must_belong_to_the_key() {
    let temporary = Credentials::new("ASIAEXAMPLE", "SECRET", Some("TOKEN-1".to_owned()));
    let mut req = Request::get("https://h/").body(Vec::new()).unwrap();
    Signer::new(temporary, REGION, "execute-api")
        .sign_at(&mut req, suite_time())
        .unwrap();
    let rotated = Credentials::new("ASIAEXAMPLE", "SECRET", Some("TOKEN-2".to_owned()));
    let verifier = Verifier::new(move |_: &str| Some(rotated.clone()), REGION, "execute-api");
    assert_eq!(
        verifier.verify_at(&req, suite_time()),
        Err(Error::SessionTokenMismatch)
    );
}

#[test]
fn signature_mismatch_carries_the_servers_canonical_request() {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>);
    let mut req = Request::get("https://h/a?b=1").body(Vec::new()).unwrap();
    Signer::new(creds.clone(), REGION, "execute-api")
        .sign_at(&mut req, suite_time())
        .unwrap();
    let wrong_secret = Credentials::new("AKIDEXAMPLE", "OTHER", None::<String>);
    let verifier = Verifier::new(
        move |_: &str| Some(wrong_secret.clone()),
        REGION,
        "execute-api",
    );
    match verifier.verify_at(&req, suite_time()) {
        Err(Error::SignatureMismatch {
            canonical_request,
            string_to_sign,
        }) => {
            assert!(
                canonical_request.starts_with("GET\n/a\nb=1\nhost:h\n"),
                "{canonical_request}"
            );
            assert!(
                string_to_sign.starts_with("AWS4-HMAC-SHA256\n20150830T123600Z\n"),
                "{string_to_sign}"
            );
        }
        other => panic!("expected SignatureMismatch, got {other:?}"),
    }
}

#[test]
fn signed_headers_that_are_absent_are_malformed() {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>);
    let mut req = Request::get("https://h/")
        .header("x-extra", "1")
        .body(Vec::new())
        .unwrap();
    Signer::new(creds.clone(), REGION, "execute-api")
        .sign_at(&mut req, suite_time())
        .unwrap();
    req.headers_mut().remove("x-extra");
    let verifier = Verifier::new(move |_: &str| Some(creds.clone()), REGION, "execute-api");
    assert_eq!(
        verifier.verify_at(&req, suite_time()),
        Err(Error::Malformed(
            http_sigv4::Malformed::SignedHeaderMissing {
                name: "x-extra".into()
            }
        ))
    );
}

/// SigV4a: the verifier's region must be in the signed region set, and the
/// signature must come from the key pair of the looked-up secret.
#[cfg(feature = "sigv4a")]
#[test]
fn sigv4a_region_sets_and_keys() {
    use http_sigv4::SigV4aSigner;

    let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>);
    let lookup = {
        let creds = creds.clone();
        move |_: &str| Some(creds.clone())
    };
    let sign = |set: &str| {
        let mut req = Request::get("https://h/a?b=1").body(Vec::new()).unwrap();
        SigV4aSigner::new(creds.clone(), set, "s3")
            .sign_at(&mut req, suite_time())
            .unwrap();
        req
    };
    for (set, region, accepted) in [
        ("us-east-1", "us-east-1", true),
        ("*", "ap-south-2", true),
        ("eu-west-1,us-east-1", "us-east-1", true),
        ("us-*", "us-west-2", true),
        ("us-*", "eu-west-1", false),
        ("us-east-1", "us-east-2", false),
    ] {
        let verifier = Verifier::new(lookup.clone(), region, "s3");
        let result = verifier.verify_at(&sign(set), suite_time());
        match accepted {
            true => assert!(result.is_ok(), "{set} / {region}: {result:?}"),
            false => assert_eq!(
                result,
                Err(Error::RegionNotInSet {
                    region: region.into(),
                    region_set: set.into()
                }),
                "{set} / {region}"
            ),
        }
    }

    // Signed with another secret for the same access key id.
    let other = Credentials::new("AKIDEXAMPLE", "OTHER", None::<String>);
    let verifier = Verifier::new(move |_: &str| Some(other.clone()), REGION, "s3");
    match verifier.verify_at(&sign("*"), suite_time()) {
        Err(Error::SignatureMismatch { string_to_sign, .. }) => assert!(
            string_to_sign.starts_with(
                "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/s3/aws4_request\n"
            ),
            "{string_to_sign}"
        ),
        other => panic!("expected SignatureMismatch, got {other:?}"),
    }

    // A SigV4 verifier's service check applies to SigV4a too.
    let verifier = Verifier::new(lookup, REGION, "execute-api");
    assert!(matches!(
        verifier.verify_at(&sign("*"), suite_time()),
        Err(Error::ScopeMismatch {
            field: "service",
            ..
        })
    ));
}
