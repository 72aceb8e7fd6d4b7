//! AWS's published SigV4 test suite, every `v4/` case, header and query
//! (presigned) forms.
//!
//! The suite is read from, in order: the directory in `SIGV4_TEST_SUITE`;
//! `../shared/test-suites/aws-signing-test-suite` beside this crate; the copy
//! the `aws-sigv4` crate (a dev-dependency) ships in its package, found with
//! `cargo metadata`. Each case has its own `#[test]`, and
//! `every_case_folder_is_listed` fails if a folder is missing or new.
//!
//! Harness rules (see the suite's README in `../shared/test-suites/`):
//! - `request.txt` is raw HTTP/1.1: repeated header lines are appended in
//!   order, a continuation line (leading whitespace) is unfolded into the
//!   previous value with one space, and the body follows the blank line.
//! - A request line with bytes `http::Uri` refuses (a raw space, raw UTF-8)
//!   is percent-encoded before parsing. The expected canonical path encodes
//!   those raw bytes once, so such a case is signed with
//!   `UriEncoding::Single`, which gives the same canonical path as
//!   double-encoding the raw path would. The smithy-rs copy of
//!   `get-space-normalized` had its raw space pre-encoded (`%20`) by
//!   smithy-rs; upstream aws-c-auth has the raw space, so it is treated the
//!   same way.
//! - `double-url-encode` and `double-encode-path` are in the old layout with
//!   no `context.json`: their time comes from their canonical request
//!   (`20210511T154045Z`) and only the files that exist are compared.

use std::collections::BTreeMap;
use std::path::Path;

use http_sigv4::{
    ContentSha256Header, Credentials, PathNormalization, SessionTokenMode, Signer, UriEncoding,
    Verifier,
};

mod common;
use common::parse_time;
use common::suite::{
    case_folders, context, header_multiset, parse_request, query_multiset, read, suite_root,
    to_http, Context,
};

/// Cases whose request line was percent-encoded by the suite's copier, not
/// by AWS: sign them as if the raw bytes were on the line.
const PRE_ENCODED_RAW_PATHS: &[&str] = &["get-space-normalized"];

fn signer_for(ctx: &Context, single_encoding: bool) -> Signer {
    let mut signer = Signer::new(ctx.creds.clone(), ctx.region.clone(), ctx.service.clone());
    if !ctx.normalize {
        signer = signer.path_normalization(PathNormalization::Disabled);
    }
    if single_encoding {
        signer = signer.uri_encoding(UriEncoding::Single);
    }
    if ctx.omit_session_token {
        signer = signer.session_token_mode(SessionTokenMode::AddedAfterSigning);
    }
    signer
}

/// Checks that AWS's own signed request verifies under our `Verifier`, and
/// that changing one byte of it does not.
fn verify_expected(
    name: &str,
    form: &str,
    ctx: &Context,
    single: bool,
    expected: &http::Request<Vec<u8>>,
) {
    let creds = ctx.creds.clone();
    let lookup = move |akid: &str| (akid == creds.access_key_id()).then(|| creds.clone());
    let mut verifier = Verifier::new(lookup, ctx.region.clone(), ctx.service.clone());
    if !ctx.normalize {
        verifier = verifier.path_normalization(PathNormalization::Disabled);
    }
    if single {
        verifier = verifier.uri_encoding(UriEncoding::Single);
    }
    if ctx.omit_session_token {
        verifier = verifier.session_token_mode(SessionTokenMode::AddedAfterSigning);
    }
    if let Err(e) = verifier.verify_at(expected, ctx.time) {
        panic!("{name}: AWS's {form}-signed request does not verify: {e:?}");
    }
    let mut tampered = expected.clone();
    *tampered.method_mut() = match *expected.method() {
        http::Method::GET => http::Method::PUT,
        _ => http::Method::GET,
    };
    assert!(
        verifier.verify_at(&tampered, ctx.time).is_err(),
        "{name}: {form}: changed method verified"
    );
}

/// Runs one new-format case (with `context.json`) in both forms.
fn run_case(name: &str) {
    let dir = suite_root("v4").join("v4").join(name);
    if !dir.join("context.json").exists() {
        return run_old_format_case(name, &dir);
    }
    let ctx = context(&dir);
    let raw = parse_request(&read(&dir, "request.txt"));
    let (request, encoded) = to_http(&raw);
    let single = encoded || PRE_ENCODED_RAW_PATHS.contains(&name);

    // Header form.
    let mut signer = signer_for(&ctx, single);
    if ctx.sign_body {
        signer = signer.content_sha256_header(ContentSha256Header::Signed);
    }
    let mut req = request.clone();
    let out = signer
        .sign_at(&mut req, ctx.time)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        out.canonical_request(),
        read(&dir, "header-canonical-request.txt"),
        "{name}: header canonical request"
    );
    assert_eq!(
        out.string_to_sign(),
        read(&dir, "header-string-to-sign.txt"),
        "{name}: header string to sign"
    );
    assert_eq!(
        out.signature(),
        read(&dir, "header-signature.txt").trim(),
        "{name}: header signature"
    );
    let expected = parse_request(&read(&dir, "header-signed-request.txt"));
    let (expected, _) = to_http(&expected);
    assert_eq!(req.method(), expected.method(), "{name}: method");
    assert_eq!(req.uri(), expected.uri(), "{name}: header-signed URI");
    assert_eq!(
        header_multiset(req.headers()),
        header_multiset(expected.headers()),
        "{name}: header-signed headers"
    );
    assert_eq!(req.body(), expected.body(), "{name}: body");
    verify_expected(name, "header", &ctx, single, &expected);

    // Query (presigned) form.
    let signer = signer_for(&ctx, single);
    let mut req = request;
    let out = signer
        .presign_at(&mut req, ctx.expires, ctx.time)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        out.canonical_request(),
        read(&dir, "query-canonical-request.txt"),
        "{name}: query canonical request"
    );
    assert_eq!(
        out.string_to_sign(),
        read(&dir, "query-string-to-sign.txt"),
        "{name}: query string to sign"
    );
    assert_eq!(
        out.signature(),
        read(&dir, "query-signature.txt").trim(),
        "{name}: query signature"
    );
    let expected = parse_request(&read(&dir, "query-signed-request.txt"));
    let (expected, _) = to_http(&expected);
    assert_eq!(
        req.uri().path(),
        expected.uri().path(),
        "{name}: presigned path"
    );
    assert_eq!(
        query_multiset(&req.uri().to_string()),
        query_multiset(&expected.uri().to_string()),
        "{name}: presigned query parameters"
    );
    assert_eq!(
        header_multiset(req.headers()),
        header_multiset(expected.headers()),
        "{name}: presigned headers"
    );
    verify_expected(name, "query", &ctx, single, &expected);
}

/// `double-url-encode` and `double-encode-path`: old layout, canonical
/// request (and string to sign and signature where the suite has them).
fn run_old_format_case(name: &str, dir: &Path) {
    let expected_creq = read(dir, "header-canonical-request.txt");
    let amz_date = expected_creq
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-date:"))
        .expect("x-amz-date line");
    let sts = std::fs::read_to_string(dir.join("header-string-to-sign.txt")).ok();
    // The scope (region, service) is only known from the string to sign.
    let (region, service) = match &sts {
        Some(sts) => {
            let scope: Vec<&str> = sts.lines().nth(2).expect("scope line").split('/').collect();
            (scope[1].to_string(), scope[2].to_string())
        }
        None => ("us-east-1".to_string(), "execute-api".to_string()),
    };
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None::<String>,
    );
    let signer = Signer::new(creds, region, service);
    let (mut req, _) = to_http(&parse_request(&read(dir, "request.txt")));
    let out = signer
        .sign_at(&mut req, parse_time(amz_date))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        out.canonical_request(),
        expected_creq,
        "{name}: canonical request"
    );
    if let Some(sts) = sts {
        // The file ends with a newline that is not part of the string to sign.
        assert_eq!(
            out.string_to_sign(),
            sts.trim_end_matches('\n'),
            "{name}: string to sign"
        );
        let signed = read(dir, "header-signed-request.txt");
        let signature = signed
            .rsplit("Signature=")
            .next()
            .expect("Signature=")
            .trim();
        assert_eq!(out.signature(), signature, "{name}: signature");
    }
}

macro_rules! suite_cases {
    ($($test:ident => $case:literal,)*) => {
        const CASES: &[&str] = &[$($case),*];
        $(
            #[test]
            fn $test() {
                run_case($case);
            }
        )*
    };
}

suite_cases! {
    double_encode_path => "double-encode-path",
    double_url_encode => "double-url-encode",
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_relative_normalized => "get-relative-normalized",
    get_relative_relative_normalized => "get-relative-relative-normalized",
    get_relative_relative_unnormalized => "get-relative-relative-unnormalized",
    get_relative_unnormalized => "get-relative-unnormalized",
    get_slash_dot_slash_normalized => "get-slash-dot-slash-normalized",
    get_slash_dot_slash_unnormalized => "get-slash-dot-slash-unnormalized",
    get_slash_normalized => "get-slash-normalized",
    get_slash_pointless_dot_normalized => "get-slash-pointless-dot-normalized",
    get_slash_pointless_dot_unnormalized => "get-slash-pointless-dot-unnormalized",
    get_slash_unnormalized => "get-slash-unnormalized",
    get_slashes_normalized => "get-slashes-normalized",
    get_slashes_unnormalized => "get-slashes-unnormalized",
    get_space_normalized => "get-space-normalized",
    get_space_unnormalized => "get-space-unnormalized",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-header-after",
    post_sts_header_before => "post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
}

#[test]
fn every_case_folder_is_listed() {
    let on_disk = case_folders("v4");
    let mut listed: Vec<String> = CASES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "the suite's v4/ folders and this file's case list differ"
    );
    assert_eq!(
        CASES.len(),
        40,
        "38 aws-c-auth cases + 2 old-format Lambda/API Gateway cases"
    );
}

#[test]
fn harness_parses_folded_and_repeated_headers() {
    let raw = parse_request("GET / HTTP/1.1\nHost:h\nA:1\n  2\nA:3\n\nbody");
    assert_eq!(raw.target, "/");
    assert_eq!(
        raw.headers,
        vec![
            ("Host".into(), "h".into()),
            ("A".into(), "1 2".into()),
            ("A".into(), "3".into())
        ]
    );
    assert_eq!(raw.body, b"body");
    let grouped: BTreeMap<_, _> = raw.headers.iter().cloned().collect();
    assert_eq!(grouped.len(), 2);
}
