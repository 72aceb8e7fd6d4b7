//! AWS's published SigV4a test suite: every `v4a/` case, header and query
//! (presigned) forms.
//!
//! The suite is found as for `tests/aws_suite.rs` (`SIGV4_TEST_SUITE`, then
//! `../shared/test-suites/aws-signing-test-suite`, then the copy in the
//! `aws-sigv4` package), and requests are read by the same harness
//! (`tests/common/suite.rs`). Each case has its own `#[test]`, and
//! `every_case_folder_is_listed` fails if a folder is missing or new.
//!
//! ECDSA signatures are randomized on AWS's side (ours use RFC 6979 nonces),
//! so signatures are checked by verifying them, never by comparing bytes.
//! For each case and each form:
//! - our derived public key equals `public-key.json`;
//! - our canonical request and string to sign equal the expected files
//!   byte for byte;
//! - our signature verifies under the suite's public key (with `p256`
//!   directly, not through our `Verifier`), and our signed request carries
//!   the same headers (or query parameters) as AWS's, signature aside;
//! - AWS's signed request, and AWS's request with the signature from
//!   `*-signature.txt` put in, pass our `Verifier`; so does ours;
//! - changing the method, the region set or the signature makes each of them
//!   fail, and a verifier for a region outside the set refuses them.
#![cfg(feature = "sigv4a")]

use http_sigv4::{
    ContentSha256Header, Error, PathNormalization, SessionTokenMode, SigV4aSigner, UriEncoding,
    Verifier,
};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{DerSignature, VerifyingKey};

mod common;
use common::suite::{
    case_folders, context, header_multiset, parse_request, query_multiset, read, suite_root,
    to_http, Context,
};

type Request = http::Request<Vec<u8>>;

fn signer_for(ctx: &Context, single_encoding: bool) -> SigV4aSigner {
    // The suite's region set is its context's region.
    let mut signer = SigV4aSigner::new(ctx.creds.clone(), ctx.region.clone(), ctx.service.clone());
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

fn verifier_for(
    ctx: &Context,
    region: &str,
    single_encoding: bool,
) -> Verifier<impl Fn(&str) -> Option<http_sigv4::Credentials>> {
    let creds = ctx.creds.clone();
    let lookup = move |akid: &str| (akid == creds.access_key_id()).then(|| creds.clone());
    let mut verifier = Verifier::new(lookup, region, ctx.service.clone());
    if !ctx.normalize {
        verifier = verifier.path_normalization(PathNormalization::Disabled);
    }
    if single_encoding {
        verifier = verifier.uri_encoding(UriEncoding::Single);
    }
    if ctx.omit_session_token {
        verifier = verifier.session_token_mode(SessionTokenMode::AddedAfterSigning);
    }
    verifier
}

/// `public-key.json` as an uncompressed SEC1 point, `04 || X || Y`.
fn expected_public_key(dir: &std::path::Path) -> [u8; 65] {
    let json: serde_json::Value =
        serde_json::from_str(&read(dir, "public-key.json")).expect("public-key.json");
    let mut key = [0u8; 65];
    key[0] = 0x04;
    hex::decode_to_slice(json["X"].as_str().expect("X"), &mut key[1..33]).expect("X hex");
    hex::decode_to_slice(json["Y"].as_str().expect("Y"), &mut key[33..]).expect("Y hex");
    key
}

/// Whether `signature_hex` (DER) signs `string_to_sign` under `public_key`,
/// checked with `p256` alone.
fn verifies_under(public_key: &[u8; 65], string_to_sign: &str, signature_hex: &str) -> bool {
    let key = VerifyingKey::from_sec1_bytes(public_key).expect("suite public key");
    let der = hex::decode(signature_hex.trim()).expect("signature hex");
    let signature = DerSignature::from_bytes(&der).expect("DER signature");
    key.verify(string_to_sign.as_bytes(), &signature).is_ok()
}

/// `(authorization without the signature, signature)`.
fn split_authorization(req: &Request) -> (String, String) {
    let value = req.headers()["authorization"].to_str().expect("ASCII");
    let (head, signature) = value.rsplit_once("Signature=").expect("Signature=");
    (head.to_string(), signature.to_string())
}

/// The request with its `Authorization` signature replaced.
fn with_header_signature(req: &Request, signature: &str) -> Request {
    let (head, _) = split_authorization(req);
    let mut out = req.clone();
    out.headers_mut().insert(
        "authorization",
        format!("{head}Signature={signature}").parse().unwrap(),
    );
    out
}

/// The request with its query parameter `name` set to `value` (raw,
/// already encoded).
fn with_query_param(req: &Request, name: &str, value: &str) -> Request {
    let uri = req.uri().to_string();
    let (base, query) = uri.split_once('?').expect("query");
    let query: Vec<String> = query
        .split('&')
        .map(|piece| match piece.split_once('=') {
            Some((n, _)) if n == name => format!("{n}={value}"),
            _ => piece.to_string(),
        })
        .collect();
    let mut out = req.clone();
    *out.uri_mut() = format!("{base}?{}", query.join("&")).parse().unwrap();
    out
}

fn query_param(req: &Request, name: &str) -> String {
    req.uri()
        .query()
        .expect("query")
        .split('&')
        .find_map(|piece| piece.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {name} parameter"))
        .to_string()
}

/// The query pieces other than `X-Amz-Signature`, sorted.
fn unsigned_query(req: &Request) -> Vec<String> {
    query_multiset(&req.uri().to_string())
        .into_iter()
        .filter(|piece| !piece.starts_with("X-Amz-Signature="))
        .collect()
}

/// The request passes `verifier`, and each tampered version of it fails.
fn check_verifies(
    name: &str,
    what: &str,
    ctx: &Context,
    single: bool,
    req: &Request,
    presigned: bool,
) {
    let verifier = verifier_for(ctx, &ctx.region, single);
    let verified = match verifier.verify_at(req, ctx.time) {
        Ok(verified) => verified,
        Err(e) => panic!("{name}: {what} does not verify: {e:?}"),
    };

    // F7: ECDSA is malleable, (r, s) and (r, n − s) both verify, and AWS's
    // signers emit both forms; both are accepted, and give one replay key.
    let signature = match presigned {
        true => query_param(req, "X-Amz-Signature"),
        false => split_authorization(req).1,
    };
    let der = DerSignature::from_bytes(&hex::decode(&signature).unwrap()).unwrap();
    let (r, s) = p256::ecdsa::Signature::from_der(der.as_bytes())
        .unwrap()
        .split_scalars();
    let twin = p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-s).to_bytes()).unwrap();
    let twin = hex::encode(twin.to_der().as_bytes());
    assert_ne!(twin, signature);
    let twin_req = match presigned {
        true => with_query_param(req, "X-Amz-Signature", &twin),
        false => with_header_signature(req, &twin),
    };
    match verifier.verify_at(&twin_req, ctx.time) {
        Ok(v) => assert_eq!(v.replay_key(), verified.replay_key(), "{name}: {what}"),
        Err(e) => panic!("{name}: {what} with the n - s signature: {e:?}"),
    }

    let mut method = req.clone();
    *method.method_mut() = match *req.method() {
        http::Method::GET => http::Method::PUT,
        _ => http::Method::GET,
    };
    let region_set = match presigned {
        true => with_query_param(req, "X-Amz-Region-Set", "%2A"),
        false => {
            let mut r = req.clone();
            r.headers_mut()
                .insert("x-amz-region-set", "*".parse().unwrap());
            r
        }
    };
    for (tamper, tampered) in [("method", method), ("region set", region_set)] {
        match verifier.verify_at(&tampered, ctx.time) {
            Err(Error::SignatureMismatch { .. }) => {}
            other => panic!("{name}: {what} with a changed {tamper}: {other:?}"),
        }
    }

    // The signature of another string: change one byte inside r.
    let signature = match presigned {
        true => query_param(req, "X-Amz-Signature"),
        false => split_authorization(req).1,
    };
    let mut bytes = hex::decode(&signature).expect("hex");
    bytes[10] ^= 0x01;
    let changed = hex::encode(bytes);
    let tampered = match presigned {
        true => with_query_param(req, "X-Amz-Signature", &changed),
        false => with_header_signature(req, &changed),
    };
    match verifier.verify_at(&tampered, ctx.time) {
        Err(Error::SignatureMismatch { .. }) => {}
        other => panic!("{name}: {what} with a changed signature: {other:?}"),
    }

    let elsewhere = verifier_for(ctx, "eu-west-1", single);
    match elsewhere.verify_at(req, ctx.time) {
        Err(Error::RegionNotInSet { region, region_set }) => {
            assert_eq!(
                (region.as_str(), region_set.as_str()),
                ("eu-west-1", "us-east-1")
            );
        }
        other => panic!("{name}: {what} accepted outside its region set: {other:?}"),
    }
}

/// Runs one case in both forms.
fn run_case(name: &str) {
    let dir = suite_root("v4a").join("v4a").join(name);
    let ctx = context(&dir);
    let (request, single) = to_http(&parse_request(&read(&dir, "request.txt")));
    let public_key = expected_public_key(&dir);
    let signer = signer_for(&ctx, single);
    assert_eq!(
        hex::encode(signer.public_key().expect("public key")),
        hex::encode(public_key),
        "{name}: derived public key"
    );

    // Header form.
    let header_signer = match ctx.sign_body {
        true => signer
            .clone()
            .content_sha256_header(ContentSha256Header::Signed),
        false => signer.clone(),
    };
    let mut ours = request.clone();
    let out = header_signer
        .sign_at(&mut ours, ctx.time)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let expected_sts = read(&dir, "header-string-to-sign.txt");
    assert_eq!(
        out.canonical_request(),
        read(&dir, "header-canonical-request.txt"),
        "{name}: header canonical request"
    );
    assert_eq!(
        out.string_to_sign(),
        expected_sts,
        "{name}: header string to sign"
    );
    assert!(
        verifies_under(&public_key, &expected_sts, out.signature()),
        "{name}: our header signature does not verify under public-key.json"
    );
    let (expected, _) = to_http(&parse_request(&read(&dir, "header-signed-request.txt")));
    assert_eq!(ours.method(), expected.method(), "{name}: method");
    assert_eq!(ours.uri(), expected.uri(), "{name}: header-signed URI");
    let without_authorization = |r: &Request| {
        let mut h = r.headers().clone();
        h.remove("authorization");
        header_multiset(&h)
    };
    assert_eq!(
        without_authorization(&ours),
        without_authorization(&expected),
        "{name}: header-signed headers"
    );
    assert_eq!(
        split_authorization(&ours).0,
        split_authorization(&expected).0,
        "{name}: Authorization before the signature"
    );
    assert_eq!(split_authorization(&ours).1, out.signature());
    assert_eq!(ours.body(), expected.body(), "{name}: body");
    let suite_signature = read(&dir, "header-signature.txt").trim().to_string();
    assert!(
        verifies_under(&public_key, &expected_sts, &suite_signature),
        "{name}: the suite's header-signature.txt does not verify under its public key"
    );
    check_verifies(
        name,
        "our header-signed request",
        &ctx,
        single,
        &ours,
        false,
    );
    check_verifies(
        name,
        "AWS's header-signed-request.txt",
        &ctx,
        single,
        &expected,
        false,
    );
    check_verifies(
        name,
        "AWS's request with header-signature.txt",
        &ctx,
        single,
        &with_header_signature(&expected, &suite_signature),
        false,
    );

    // Query (presigned) form.
    let mut ours = request;
    let out = signer
        .presign_at(&mut ours, ctx.expires, ctx.time)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let expected_sts = read(&dir, "query-string-to-sign.txt");
    assert_eq!(
        out.canonical_request(),
        read(&dir, "query-canonical-request.txt"),
        "{name}: query canonical request"
    );
    assert_eq!(
        out.string_to_sign(),
        expected_sts,
        "{name}: query string to sign"
    );
    assert!(
        verifies_under(&public_key, &expected_sts, out.signature()),
        "{name}: our query signature does not verify under public-key.json"
    );
    let (expected, _) = to_http(&parse_request(&read(&dir, "query-signed-request.txt")));
    assert_eq!(
        ours.uri().path(),
        expected.uri().path(),
        "{name}: presigned path"
    );
    assert_eq!(
        unsigned_query(&ours),
        unsigned_query(&expected),
        "{name}: presigned query parameters"
    );
    assert_eq!(query_param(&ours, "X-Amz-Signature"), out.signature());
    assert_eq!(
        header_multiset(ours.headers()),
        header_multiset(expected.headers()),
        "{name}: presigned headers"
    );
    let suite_signature = read(&dir, "query-signature.txt").trim().to_string();
    assert!(
        verifies_under(&public_key, &expected_sts, &suite_signature),
        "{name}: the suite's query-signature.txt does not verify under its public key"
    );
    check_verifies(name, "our presigned request", &ctx, single, &ours, true);
    check_verifies(
        name,
        "AWS's query-signed-request.txt",
        &ctx,
        single,
        &expected,
        true,
    );
    check_verifies(
        name,
        "AWS's request with query-signature.txt",
        &ctx,
        single,
        &with_query_param(&expected, "X-Amz-Signature", &suite_signature),
        true,
    );
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
    let on_disk = case_folders("v4a");
    let mut listed: Vec<String> = CASES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "the suite's v4a/ folders and this file's case list differ"
    );
    assert_eq!(CASES.len(), 38, "the 38 v4a cases with expected output");
    let root = suite_root("v4a").join("v4a");
    for case in CASES {
        for form in ["header", "query"] {
            for file in [
                "canonical-request",
                "string-to-sign",
                "signature",
                "signed-request",
            ] {
                let path = root.join(case).join(format!("{form}-{file}.txt"));
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
        assert!(root.join(case).join("public-key.json").is_file());
    }
}

/// `get-vanilla` also ships `canonical-request.txt` and `string-to-sign.txt`,
/// which must equal the header form's.
#[test]
fn get_vanilla_extra_files_match_the_header_form() {
    let dir = suite_root("v4a").join("v4a").join("get-vanilla");
    assert_eq!(
        read(&dir, "canonical-request.txt"),
        read(&dir, "header-canonical-request.txt")
    );
    assert_eq!(
        read(&dir, "string-to-sign.txt"),
        read(&dir, "header-string-to-sign.txt")
    );
}
