//! One test (or more) per line of `../shared/PITFALLS.md` that applies to the
//! core `Signer`: bugs other SigV4 signers shipped, which this crate must not
//! repeat. Expected canonical pieces follow AWS's documented rules; no
//! expected signature here comes from this crate's own output.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{Request, Version};
use http_sigv4::{
    ApiGatewaySigner, Credentials, Error, PathNormalization, Payload, SessionTokenMode, Signer,
    SigningOutput, UriEncoding,
};

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160) // 2015-08-30T12:36:00Z
}

fn signer() -> Signer {
    Signer::new(
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None::<String>,
        ),
        "us-east-1",
        "service",
    )
}

fn sign(req: &mut Request<()>) -> SigningOutput {
    signer().sign_at(req, time()).expect("signs")
}

fn get(uri: &str) -> Request<()> {
    Request::get(uri).body(()).expect("valid request")
}

fn canonical_line(out: &SigningOutput, prefix: &str) -> String {
    out.canonical_request()
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in\n{}", out.canonical_request()))
        .to_string()
}

// ---- Host ----

#[test]
fn host_is_set_on_the_request_and_signed() {
    let mut req = get("https://example.amazonaws.com/");
    let out = sign(&mut req);
    assert_eq!(req.headers()["host"], "example.amazonaws.com");
    assert_eq!(canonical_line(&out, "host:"), "host:example.amazonaws.com");
}

#[test]
fn default_ports_are_dropped_and_others_kept() {
    for (uri, host) in [
        ("https://example.com:443/", "example.com"),
        ("http://example.com:80/", "example.com"),
        ("https://example.com:80/", "example.com:80"),
        ("http://example.com:443/", "example.com:443"),
        ("https://example.com:8443/", "example.com:8443"),
        ("http://localhost:8080/x", "localhost:8080"),
    ] {
        let mut req = get(uri);
        let out = sign(&mut req);
        assert_eq!(req.headers()["host"], host, "{uri}");
        assert_eq!(
            canonical_line(&out, "host:"),
            format!("host:{host}"),
            "{uri}"
        );
    }
}

#[test]
fn ipv6_brackets_kept_userinfo_dropped_host_lowercased() {
    let mut req = get("https://[::1]:8443/");
    sign(&mut req);
    assert_eq!(req.headers()["host"], "[::1]:8443");

    let mut req = get("https://user:pass@Example.COM/");
    sign(&mut req);
    assert_eq!(req.headers()["host"], "example.com");
}

#[test]
fn explicit_host_header_wins_over_the_uri() {
    // Private API Gateway: connect to the VPC endpoint, sign the API's host.
    let mut req = Request::get("https://vpce-123.execute-api.us-east-1.vpce.amazonaws.com/prod")
        .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
        .body(())
        .unwrap();
    let out = sign(&mut req);
    assert_eq!(
        req.headers()["host"],
        "abc123.execute-api.us-east-1.amazonaws.com"
    );
    assert_eq!(
        canonical_line(&out, "host:"),
        "host:abc123.execute-api.us-east-1.amazonaws.com"
    );
    assert_eq!(req.headers().get_all("host").iter().count(), 1);
}

#[test]
fn http2_signs_the_authority_without_adding_a_host_header() {
    let mut h1 = get("https://example.amazonaws.com/");
    let mut h2 = Request::get("https://example.amazonaws.com/")
        .version(Version::HTTP_2)
        .body(())
        .unwrap();
    let out1 = sign(&mut h1);
    let out2 = sign(&mut h2);
    assert!(!h2.headers().contains_key("host"));
    assert_eq!(out1, out2, "HTTP/1.1 and HTTP/2 sign the same bytes");
}

#[test]
fn no_authority_and_no_host_is_an_error_not_a_panic() {
    let mut req = get("/relative/path");
    let err = signer().sign_at(&mut req, time()).unwrap_err();
    assert_eq!(err, Error::MissingHost);
    let err = signer()
        .presign_at(&mut req, Duration::from_secs(60), time())
        .unwrap_err();
    assert_eq!(err, Error::MissingHost);
    // The request is left as it was.
    assert!(req.headers().is_empty());
}

// ---- Path ----

#[test]
fn non_s3_paths_are_double_encoded() {
    let out = sign(&mut get("https://h/prod/@connections/a%2Fb%3D"));
    assert_eq!(
        out.canonical_request().lines().nth(1),
        Some("/prod/%40connections/a%252Fb%253D")
    );
}

#[test]
fn s3_mode_encodes_once_and_does_not_normalize() {
    let s3 = signer()
        .uri_encoding(UriEncoding::Single)
        .path_normalization(PathNormalization::Disabled);
    let mut req = get("https://bucket.s3.amazonaws.com//a/./b/../key%20name");
    let out = s3.sign_at(&mut req, time()).unwrap();
    assert_eq!(
        out.canonical_request().lines().nth(1),
        Some("//a/./b/../key%20name")
    );
    // The request's own path is never rewritten.
    assert_eq!(req.uri().path(), "//a/./b/../key%20name");
}

// ---- Query ----

#[test]
fn raw_plus_is_a_space_and_encoded_plus_stays_a_plus() {
    let out = sign(&mut get("https://h/?a=1+2&b=1%2B2&c=x%20y"));
    assert_eq!(
        out.canonical_request().lines().nth(2),
        Some("a=1%202&b=1%2B2&c=x%20y")
    );
}

#[test]
fn sub_delims_are_percent_encoded_in_the_query() {
    let out = sign(&mut get("https://h/?k=*!'()&t=12:30"));
    assert_eq!(
        out.canonical_request().lines().nth(2),
        Some("k=%2A%21%27%28%29&t=12%3A30")
    );
}

#[test]
fn query_sorting_duplicates_and_empty_values() {
    let out = sign(&mut get("https://h/?b=2&a=2&a=1&empty=&flag&=v"));
    assert_eq!(
        out.canonical_request().lines().nth(2),
        Some("=v&a=1&a=2&b=2&empty=&flag=")
    );
}

#[test]
fn presigned_urls_never_contain_a_raw_plus() {
    let creds = Credentials::new("AKID", "SECRET", Some("tok+en/with=chars".to_owned()));
    let s = Signer::new(creds, "us-east-1", "service");
    let mut req = get("https://h/");
    s.presign_at(&mut req, Duration::from_secs(60), time())
        .unwrap();
    let query = req.uri().query().unwrap();
    assert!(!query.contains('+'), "{query}");
    assert!(
        query.contains("X-Amz-Security-Token=tok%2Ben%2Fwith%3Dchars"),
        "{query}"
    );
}

// ---- Headers ----

#[test]
fn multi_value_headers_join_in_order() {
    let mut req = Request::get("https://h/")
        .header("x-b", "second-name")
        .header("x-a", "z")
        .header("x-a", "a")
        .header("x-a", "m")
        .body(())
        .unwrap();
    let out = sign(&mut req);
    assert_eq!(canonical_line(&out, "x-a:"), "x-a:z,a,m");
}

#[test]
fn values_are_trimmed_and_inner_spaces_folded() {
    let mut req = Request::get("https://h/")
        .header("x-a", "  lots   of    space  ")
        .body(())
        .unwrap();
    let out = sign(&mut req);
    assert_eq!(canonical_line(&out, "x-a:"), "x-a:lots of space");
    // The header sent is not changed.
    assert_eq!(req.headers()["x-a"], "  lots   of    space  ");
}

#[test]
fn headers_clients_change_are_not_signed() {
    let mut req = Request::get("https://h/")
        .header("user-agent", "curl/8")
        .header("x-amzn-trace-id", "Root=1-abc")
        .header("transfer-encoding", "chunked")
        .body(())
        .unwrap();
    let out = sign(&mut req);
    assert_eq!(out.signed_headers(), "host;x-amz-date");
    assert_eq!(req.headers()["user-agent"], "curl/8");
}

#[test]
fn no_content_length_and_no_unsigned_payload_header_are_added() {
    for method in ["GET", "HEAD", "OPTIONS", "POST", "PUT"] {
        let mut req = Request::builder()
            .method(method)
            .uri("https://h/")
            .body(())
            .unwrap();
        let out = sign(&mut req);
        assert!(!req.headers().contains_key("content-length"), "{method}");
        assert!(
            !req.headers().contains_key("x-amz-content-sha256"),
            "{method}"
        );
        assert!(out.canonical_request().ends_with(EMPTY_SHA256), "{method}");
    }
}

#[test]
fn stale_signing_headers_are_replaced_so_a_retry_signs_cleanly() {
    let creds = Credentials::new("AKID", "SECRET", Some("fresh-token".to_owned()));
    let s = Signer::new(creds, "us-east-1", "service");
    let mut fresh = get("https://h/");
    let expected = s.sign_at(&mut fresh, time()).unwrap();

    let mut stale = Request::get("https://h/")
        .header("authorization", "AWS4-HMAC-SHA256 stale")
        .header("x-amz-date", "20000101T000000Z")
        .header("x-amz-security-token", "old-token")
        .body(())
        .unwrap();
    let out = s.sign_at(&mut stale, time()).unwrap();
    assert_eq!(out, expected);
    assert_eq!(stale.headers(), fresh.headers());

    // Signing the signed request again gives the same result.
    let again = s.sign_at(&mut stale, time()).unwrap();
    assert_eq!(again, expected);
    assert_eq!(stale.headers().get_all("authorization").iter().count(), 1);
}

#[test]
fn stale_headers_go_when_the_new_signature_has_none_of_them() {
    // No session token now: an earlier token header is removed. API
    // Gateway with a `date` header: an earlier x-amz-date is removed.
    let plain = Credentials::new("AKID", "SECRET", None::<String>);
    let s = Signer::new(plain.clone(), "us-east-1", "service");
    let mut fresh = get("https://h/");
    let expected = s.sign_at(&mut fresh, time()).unwrap();
    let mut stale = Request::get("https://h/")
        .header("x-amz-security-token", "old-token")
        .body(())
        .unwrap();
    assert_eq!(s.sign_at(&mut stale, time()).unwrap(), expected);
    assert_eq!(stale.headers(), fresh.headers());

    let apigw = ApiGatewaySigner::new(plain, "us-east-1");
    let dated = |stale: bool| {
        let mut req = Request::get("https://h/").header("date", "Mon, 01 Jan 2001 00:00:00 GMT");
        if stale {
            req = req.header("x-amz-date", "20000101T000000Z");
        }
        req.body(()).unwrap()
    };
    let (mut fresh, mut stale) = (dated(false), dated(true));
    let expected = apigw.sign_at(&mut fresh, time()).unwrap();
    assert_eq!(apigw.sign_at(&mut stale, time()).unwrap(), expected);
    assert!(!stale.headers().contains_key("x-amz-date"));
    assert_eq!(stale.headers(), fresh.headers());
}

#[test]
fn session_token_signed_by_default_or_added_after() {
    let creds = Credentials::new("AKID", "SECRET", Some("TOKEN".to_owned()));
    let mut req = get("https://h/");
    let out = Signer::new(creds.clone(), "us-east-1", "service")
        .sign_at(&mut req, time())
        .unwrap();
    assert_eq!(out.signed_headers(), "host;x-amz-date;x-amz-security-token");
    assert_eq!(req.headers()["x-amz-security-token"], "TOKEN");

    let mut req = get("https://h/");
    let out = Signer::new(creds, "us-east-1", "service")
        .session_token_mode(SessionTokenMode::AddedAfterSigning)
        .sign_at(&mut req, time())
        .unwrap();
    assert_eq!(out.signed_headers(), "host;x-amz-date");
    assert_eq!(req.headers()["x-amz-security-token"], "TOKEN");
}

#[test]
fn non_utf8_header_values_are_a_typed_error_and_leave_the_request_alone() {
    let mut req = Request::get("https://h/")
        .header("x-bin", http::HeaderValue::from_bytes(b"\xff\xfe").unwrap())
        .body(())
        .unwrap();
    let before = req.headers().clone();
    let err = signer().sign_at(&mut req, time()).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidHeaderValue {
            name: "x-bin".into()
        }
    );
    assert_eq!(req.headers(), &before);
    // Left unsigned, the same header is fine.
    let s = signer().unsigned_header(http::header::HeaderName::from_static("x-bin"));
    assert!(s.sign_at(&mut req, time()).is_ok());
}

// ---- Payload and time ----

#[test]
fn presigned_non_s3_requests_hash_the_body() {
    let mut req = get("https://h/");
    let out = signer()
        .presign_at(&mut req, Duration::from_secs(60), time())
        .unwrap();
    assert!(out.canonical_request().ends_with(EMPTY_SHA256));

    let mut req = Request::post("https://h/").body("Param1=value1").unwrap();
    let out = signer()
        .presign_at(&mut req, Duration::from_secs(60), time())
        .unwrap();
    // aws-signing-test-suite post-x-www-form-urlencoded: the body's hash.
    assert!(out
        .canonical_request()
        .ends_with("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"));

    let mut req = get("https://bucket.s3.amazonaws.com/key");
    let out = signer()
        .payload(Payload::Unsigned)
        .presign_at(&mut req, Duration::from_secs(60), time())
        .unwrap();
    assert!(out.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
}

#[test]
fn signing_time_is_injectable() {
    let mut req = get("https://h/");
    sign(&mut req);
    assert_eq!(req.headers()["x-amz-date"], "20150830T123600Z");
}

// ---- Presign limits and re-presigning ----

#[test]
fn presign_expiry_must_be_one_second_to_seven_days() {
    let week = Duration::from_secs(7 * 24 * 3600);
    for bad in [
        Duration::ZERO,
        Duration::from_millis(999),
        week + Duration::from_secs(1),
    ] {
        let mut req = get("https://h/");
        assert_eq!(
            signer().presign_at(&mut req, bad, time()),
            Err(Error::InvalidExpiry { requested: bad })
        );
        assert_eq!(req.uri(), "https://h/");
    }
    let mut req = get("https://h/");
    assert!(signer().presign_at(&mut req, week, time()).is_ok());
    assert!(req.uri().query().unwrap().contains("X-Amz-Expires=604800"));
}

#[test]
fn presigning_again_replaces_the_earlier_parameters() {
    let mut once = get("https://h/path?keep=1");
    let first = signer()
        .presign_at(&mut once, Duration::from_secs(60), time())
        .unwrap();
    let mut twice = once.clone();
    let second = signer()
        .presign_at(&mut twice, Duration::from_secs(60), time())
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(once.uri(), twice.uri());
    assert!(twice.uri().query().unwrap().starts_with("keep=1&"));
}

// ---- API shape ----

#[test]
fn signer_is_send_sync_clone_and_debug_hides_the_secret() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<Signer>();
    let shown = format!("{:?}", signer());
    assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    assert!(shown.contains("AKIDEXAMPLE"));
}

#[test]
fn bad_scope_and_credentials_are_typed_errors() {
    let creds = || Credentials::new("AKID", "SECRET", None::<String>);
    let cases = [
        (
            Signer::new(creds(), "", "service"),
            Error::InvalidScope { field: "region" },
        ),
        (
            Signer::new(creds(), "us-east-1", "a/b"),
            Error::InvalidScope { field: "service" },
        ),
        (
            Signer::new(creds(), "us east", "s"),
            Error::InvalidScope { field: "region" },
        ),
        (
            Signer::new(
                Credentials::new("AK/ID", "S", None::<String>),
                "us-east-1",
                "s",
            ),
            Error::InvalidCredentials {
                field: "access key id",
            },
        ),
        (
            Signer::new(
                Credentials::new("AKID", "", None::<String>),
                "us-east-1",
                "s",
            ),
            Error::InvalidCredentials {
                field: "secret access key",
            },
        ),
        (
            Signer::new(
                Credentials::new("AKID", "S", Some("bad\ntoken".to_owned())),
                "us-east-1",
                "s",
            ),
            Error::InvalidCredentials {
                field: "session token",
            },
        ),
    ];
    for (signer, expected) in cases {
        let mut req = get("https://h/");
        assert_eq!(signer.sign_at(&mut req, time()), Err(expected.clone()));
        assert_eq!(
            signer.presign_at(&mut req, Duration::from_secs(1), time()),
            Err(expected)
        );
        assert!(req.headers().is_empty());
    }
}

#[test]
fn times_outside_the_four_digit_years_are_errors() {
    let mut req = get("https://h/");
    let before_epoch = UNIX_EPOCH - Duration::from_secs(1);
    assert_eq!(
        signer().sign_at(&mut req, before_epoch),
        Err(Error::InvalidTime)
    );
    let year_10000 = UNIX_EPOCH + Duration::from_secs(253_402_300_800);
    assert_eq!(
        signer().sign_at(&mut req, year_10000),
        Err(Error::InvalidTime)
    );
}
