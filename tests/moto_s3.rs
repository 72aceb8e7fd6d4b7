//! Against a third-party S3: moto's server (`moto[server]`, pinned in
//! `tests/moto/s3.sh`, which starts it on loopback with signature checking
//! on and runs this file with `SIGV4_MOTO_S3_URL` set). Without that variable
//! the test says so and passes without checking anything.
//!
//! moto checks SigV4 signatures only for IAM users it created, after its
//! first `INITIAL_NO_AUTH_ACTION_COUNT` requests: the test creates a user
//! and an access key with those (IAM's query API), then creates a bucket,
//! PUTs, GETs and lists objects through [`Signer::s3`] and [`S3Endpoint`],
//! and checks that moto refuses a wrong secret.
//!
//! moto 5.2 refuses even botocore's signatures for keys holding `+`, `=`,
//! `&`, `%` or non-ASCII characters (it signs the path it decoded), so only
//! the keys it verifies correctly are sent here; `tests/s3.rs` checks the
//! others against botocore's presigned URLs and `aws-sigv4`.

use std::time::Duration;

use http_sigv4::{Credentials, S3Endpoint, Signer};

/// Keys moto's signature check handles (see the module docs).
const KEYS: [&str; 4] = [
    "plain.txt",
    "with space.txt",
    "double//slash.txt",
    "dot/./seg/../x.txt",
];

fn moto_url() -> Option<String> {
    let url = std::env::var("SIGV4_MOTO_S3_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("SIGV4_MOTO_S3_URL is not set: moto S3 test not run (tests/moto/s3.sh runs it)");
    }
    url
}

fn send(req: http::Request<Vec<u8>>) -> (http::StatusCode, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent.run(req).unwrap();
    let status = response.status();
    let body = response.into_body().read_to_string().unwrap();
    (status, body)
}

/// The text of the first `<tag>` in `xml`.
fn element<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"))
        + open.len();
    let end = xml[start..].find('<').unwrap() + start;
    &xml[start..end]
}

/// An IAM query-API call (unauthenticated: one of moto's first requests).
fn iam(url: &str, params: &str) -> String {
    let req = http::Request::post(format!("{url}/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDBOOTSTRAP/20240101/us-east-1/iam/aws4_request, \
             SignedHeaders=host, Signature=00",
        )
        .body(format!("{params}&Version=2010-05-08").into_bytes())
        .unwrap();
    let (status, body) = send(req);
    assert!(status.is_success(), "IAM {params}: {status} {body}");
    body
}

/// A user with every permission, and its access key.
fn moto_user(url: &str) -> Credentials {
    iam(url, "Action=CreateUser&UserName=http-sigv4");
    iam(
        url,
        "Action=PutUserPolicy&UserName=http-sigv4&PolicyName=all&PolicyDocument=\
         %7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A\
         %22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D",
    );
    let key = iam(url, "Action=CreateAccessKey&UserName=http-sigv4");
    Credentials::new(
        element(&key, "AccessKeyId"),
        element(&key, "SecretAccessKey"),
        None,
    )
}

#[test]
fn moto_verifies_object_requests_signed_with_the_preset() {
    let Some(url) = moto_url() else { return };
    let creds = moto_user(&url);
    let signer = Signer::s3(creds.clone(), "us-east-1");
    let endpoint = S3Endpoint::custom(&url).unwrap();
    let signed = |mut req: http::Request<Vec<u8>>| {
        signer.sign(&mut req).unwrap();
        send(req)
    };

    let bucket = endpoint.bucket_uri("http-sigv4-test").unwrap();
    let (status, body) = signed(http::Request::put(bucket.clone()).body(Vec::new()).unwrap());
    assert!(status.is_success(), "CreateBucket: {status} {body}");

    for key in KEYS {
        let uri = endpoint.object_uri("http-sigv4-test", key).unwrap();
        let content = format!("content of {key}").into_bytes();
        let (status, body) = signed(
            http::Request::put(uri.clone())
                .body(content.clone())
                .unwrap(),
        );
        assert!(status.is_success(), "PUT {key:?}: {status} {body}");
        let (status, body) = signed(http::Request::get(uri).body(Vec::new()).unwrap());
        assert!(status.is_success(), "GET {key:?}: {status} {body}");
        assert_eq!(body.as_bytes(), content, "{key:?}");
    }

    let list: http::Uri = format!("{bucket}?list-type=2").parse().unwrap();
    let (status, body) = signed(http::Request::get(list.clone()).body(Vec::new()).unwrap());
    assert!(status.is_success(), "ListObjectsV2: {status} {body}");
    let mut listed: Vec<&str> = body
        .split("<Key>")
        .skip(1)
        .map(|rest| rest.split("</Key>").next().unwrap())
        .collect();
    listed.sort_unstable();
    let mut expected = KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(listed, expected, "moto stores the keys named, not others");

    // moto does check: a wrong secret is refused.
    let wrong = Signer::s3(
        Credentials::new(creds.access_key_id(), "not-the-secret", None),
        "us-east-1",
    );
    let mut req = http::Request::get(list).body(Vec::new()).unwrap();
    wrong.sign(&mut req).unwrap();
    let (status, body) = send(req);
    assert_eq!(status, http::StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");
}
