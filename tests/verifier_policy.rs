//! The verifier's security policy, one test (or a few) per finding of issue
//! 13: each attack now fails with a typed error, and what the policy allows
//! still verifies.

use std::cell::Cell;
use std::time::{Duration, SystemTime};

use http::header::HeaderName;
use http::{HeaderValue, Request};
use http_sigv4::{
    ChunkedError, ContentSha256Header, Credentials, Error, Malformed, Payload, SignableBody,
    Signer, StreamingMarker, UnsignedPayloadPolicy, UnsignedSource, VerifiedPayload, Verifier,
};

mod common;
use common::suite_time;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET, None::<String>)
}

fn verifier(service: &str) -> Verifier<impl Fn(&str) -> Option<Credentials>> {
    Verifier::new(|akid: &str| (akid == AKID).then(creds), REGION, service)
}

/// S3's settings: `x-amz-content-sha256` sent and signed.
fn s3_signer(payload: Payload) -> Signer {
    Signer::new(creds(), REGION, "s3")
        .payload(payload)
        .content_sha256_header(ContentSha256Header::Signed)
}

fn put(uri: &str, body: &[u8]) -> Request<Vec<u8>> {
    Request::put(uri).body(body.to_vec()).unwrap()
}

fn header(req: &mut Request<Vec<u8>>, name: &'static str, value: &str) {
    req.headers_mut()
        .insert(name, HeaderValue::from_str(value).unwrap());
}

// ---- F3: the payload's state is reported; unknown claims are refused ----

#[test]
fn f3_payload_state_is_reported() {
    let mut hashed = put("https://bucket.s3.amazonaws.com/k", b"data");
    s3_signer(Payload::Sha256)
        .sign_at(&mut hashed, suite_time())
        .unwrap();
    let v = verifier("s3").verify_at(&hashed, suite_time()).unwrap();
    assert_eq!(v.payload(), VerifiedPayload::Sha256);
    assert!(v.payload().is_checked());

    let mut unsigned = put("https://bucket.s3.amazonaws.com/k", b"data");
    s3_signer(Payload::Unsigned)
        .sign_at(&mut unsigned, suite_time())
        .unwrap();
    let v = verifier("s3").verify_at(&unsigned, suite_time()).unwrap();
    assert_eq!(
        v.payload(),
        VerifiedPayload::Unsigned(UnsignedSource::Header)
    );
    assert!(!v.payload().is_checked());
}

#[test]
fn f3_a_content_sha256_that_is_neither_a_hash_nor_a_marker_is_refused() {
    // The signer signs any upper-case `…PAYLOAD…` marker it is given; the
    // verifier knows AWS's list only.
    let mut req = put("https://bucket.s3.amazonaws.com/k", b"data");
    s3_signer(Payload::Precomputed("STREAMING-MADE-UP-PAYLOAD".into()))
        .sign_at(&mut req, suite_time())
        .unwrap();
    assert_eq!(
        verifier("s3").verify_at(&req, suite_time()).unwrap_err(),
        Error::Malformed(Malformed::InvalidContentSha256)
    );
    // Upper-case hex is no SHA-256 AWS clients send either.
    let mut req = put("https://bucket.s3.amazonaws.com/k", b"");
    let upper = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
    s3_signer(Payload::Sha256)
        .sign_at(&mut req, suite_time())
        .unwrap();
    header(&mut req, "x-amz-content-sha256", upper);
    assert_eq!(
        verifier("s3").verify_at(&req, suite_time()).unwrap_err(),
        Error::Malformed(Malformed::InvalidContentSha256)
    );
}

#[test]
fn f3_unsigned_payload_is_accepted_for_s3_only_unless_the_policy_says_otherwise() {
    let sign = |service: &str| {
        let mut req = put("https://h.example/k", b"data");
        Signer::new(creds(), REGION, service)
            .payload(Payload::Unsigned)
            .content_sha256_header(ContentSha256Header::Signed)
            .sign_at(&mut req, suite_time())
            .unwrap();
        req
    };
    let api = sign("execute-api");
    assert_eq!(
        verifier("execute-api")
            .verify_at(&api, suite_time())
            .unwrap_err(),
        Error::UnsignedPayloadRefused
    );
    let allowing = verifier("execute-api").unsigned_payload(UnsignedPayloadPolicy::Allowed);
    assert_eq!(
        allowing.verify_at(&api, suite_time()).unwrap().payload(),
        VerifiedPayload::Unsigned(UnsignedSource::Header)
    );
    let s3 = sign("s3");
    assert!(verifier("s3").verify_at(&s3, suite_time()).is_ok());
    let refusing = verifier("s3").unsigned_payload(UnsignedPayloadPolicy::Refused);
    assert_eq!(
        refusing.verify_at(&s3, suite_time()).unwrap_err(),
        Error::UnsignedPayloadRefused
    );
}

/// Where `UNSIGNED-PAYLOAD` is refused, a presigned URL is checked against
/// its body's hash first (the common case, one signature check); the
/// marker is tried only when that fails, so the refusal comes from the
/// body checker, and a URL signed over neither is a plain mismatch.
#[test]
fn f3_a_refused_unsigned_presigned_url_is_refused_by_the_body_checker() {
    let mut url = Request::get("https://h.example/k").body(()).unwrap();
    Signer::new(creds(), REGION, "execute-api")
        .payload(Payload::Unsigned)
        .presign_at(&mut url, Duration::from_secs(300), suite_time())
        .unwrap();
    let head = verifier("execute-api")
        .verify_head_at(&url, suite_time())
        .unwrap();
    assert!(head.needs_body());
    let checker = head.into_body_checker().unwrap();
    assert_eq!(checker.finish().unwrap_err(), Error::UnsignedPayloadRefused);

    // Signed over the empty body's hash: accepted, checked once.
    let mut url = Request::get("https://h.example/k").body(()).unwrap();
    Signer::new(creds(), REGION, "execute-api")
        .presign_at(&mut url, Duration::from_secs(300), suite_time())
        .unwrap();
    let verified = verifier("execute-api")
        .verify_at(&url, suite_time())
        .unwrap();
    assert_eq!(verified.payload(), VerifiedPayload::Sha256);

    // The same URL with a body it did not sign: a mismatch, not a refusal.
    let head = verifier("execute-api")
        .verify_head_at(&url, suite_time())
        .unwrap();
    let mut checker = head.into_body_checker().unwrap();
    checker.feed(b"not signed", &mut Vec::new()).unwrap();
    assert!(matches!(
        checker.finish().unwrap_err(),
        Error::SignatureMismatch { .. }
    ));
}

#[test]
fn f3_presigned_unsigned_payload_urls_follow_the_same_policy() {
    let presign = |service: &str| {
        let mut req = Request::get("https://h.example/k").body(()).unwrap();
        Signer::new(creds(), REGION, service)
            .payload(Payload::Unsigned)
            .presign_at(&mut req, Duration::from_secs(300), suite_time())
            .unwrap();
        req
    };
    assert_eq!(
        verifier("execute-api")
            .verify_at(&presign("execute-api"), suite_time())
            .unwrap_err(),
        Error::UnsignedPayloadRefused
    );
    let v = verifier("s3")
        .verify_at(&presign("s3"), suite_time())
        .unwrap();
    assert_eq!(
        v.payload(),
        VerifiedPayload::Unsigned(UnsignedSource::PresignedUrl)
    );
}

#[test]
fn f3_aws_chunked_bodies_with_bad_chunk_signatures_are_refused() {
    // An aws-chunked upload whose chunk signatures are all zero: the seed
    // signature is valid, the chunks are not. The chunk check refuses it.
    let body = format!(
        "4;chunk-signature={zero}\r\ndata\r\n0;chunk-signature={zero}\r\n\r\n",
        zero = "0".repeat(64)
    );
    let mut req = put("https://bucket.s3.amazonaws.com/k", body.as_bytes());
    header(&mut req, "content-encoding", "aws-chunked");
    header(&mut req, "x-amz-decoded-content-length", "4");
    let marker = StreamingMarker::HmacSha256Payload;
    s3_signer(Payload::Precomputed(marker.as_str().into()))
        .sign_at(&mut req, suite_time())
        .unwrap();
    let expected = Error::Chunked(ChunkedError::ChunkSignatureMismatch { chunk: 1 });
    assert_eq!(
        verifier("s3").verify_at(&req, suite_time()).unwrap_err(),
        expected
    );
    // The head (its seed signature) verifies; the body checker refuses
    // the first chunk and passes none of its bytes on.
    let head = verifier("s3").verify_head_at(&req, suite_time()).unwrap();
    assert!(head.needs_body());
    let mut checker = head.into_body_checker().unwrap();
    let mut out = Vec::new();
    assert_eq!(checker.feed(req.body(), &mut out).unwrap_err(), expected);
    assert!(out.is_empty());

    header(&mut req, "x-amz-decoded-content-length", "four");
    assert_eq!(
        verifier("s3").verify_at(&req, suite_time()).unwrap_err(),
        Error::Malformed(Malformed::InvalidDecodedContentLength)
    );
}

#[test]
fn f3_verified_request_reports_scope_token_and_presign_expiry() {
    let temporary = Credentials::new(AKID, SECRET, Some("TOKEN".to_owned()));
    let lookup = {
        let c = temporary.clone();
        move |_: &str| Some(c.clone())
    };
    let mut req = Request::get("https://h.example/").body(()).unwrap();
    Signer::new(temporary.clone(), REGION, "service")
        .presign_at(&mut req, Duration::from_secs(600), suite_time())
        .unwrap();
    let v = Verifier::new(lookup, REGION, "service")
        .verify_at(&req, suite_time())
        .unwrap();
    assert_eq!(
        v.credential_scope(),
        "20150830/us-east-1/service/aws4_request"
    );
    assert_eq!((v.region(), v.service()), (REGION, "service"));
    assert!(v.has_session_token());
    assert!(v.is_presigned());
    assert_eq!(
        v.presigned_expires_at(),
        Some(suite_time() + Duration::from_secs(600))
    );
}

// ---- F4: two phases; a bad signature or key costs no body read ----

/// A body that counts its reads.
struct CountingBody<'a> {
    bytes: Vec<u8>,
    reads: &'a Cell<usize>,
}

impl SignableBody for CountingBody<'_> {
    fn body_bytes(&self) -> Option<&[u8]> {
        self.reads.set(self.reads.get() + 1);
        Some(&self.bytes)
    }
}

#[test]
fn f4_a_bad_signature_or_an_unknown_key_reads_no_body() {
    let body = vec![b'x'; 10 << 20];
    let mut signed = put("https://bucket.s3.amazonaws.com/k", &body);
    s3_signer(Payload::Sha256)
        .sign_at(&mut signed, suite_time())
        .unwrap();
    let reads = Cell::new(0);
    let with_body = |req: &Request<Vec<u8>>| {
        let (parts, bytes) = req.clone().into_parts();
        Request::from_parts(
            parts,
            CountingBody {
                bytes,
                reads: &reads,
            },
        )
    };

    let mut bad_signature = signed.clone();
    let auth = bad_signature.headers()["authorization"].to_str().unwrap();
    let auth = format!("{}{}", &auth[..auth.len() - 64], "0".repeat(64));
    header(&mut bad_signature, "authorization", &auth);
    let err = verifier("s3")
        .verify_at(&with_body(&bad_signature), suite_time())
        .unwrap_err();
    assert!(matches!(err, Error::SignatureMismatch { .. }), "{err:?}");
    assert_eq!(reads.get(), 0);

    let stranger = Verifier::new(|_: &str| None::<Credentials>, REGION, "s3");
    let err = stranger
        .verify_at(&with_body(&signed), suite_time())
        .unwrap_err();
    assert!(matches!(err, Error::UnknownAccessKey { .. }), "{err:?}");
    assert_eq!(reads.get(), 0);

    // A good request reads the body once.
    verifier("s3")
        .verify_at(&with_body(&signed), suite_time())
        .unwrap();
    assert_eq!(reads.get(), 1);
}

#[test]
fn f4_the_body_checker_streams_and_fails_at_the_end_on_a_changed_body() {
    let body: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut req = put("https://bucket.s3.amazonaws.com/k", &body);
    s3_signer(Payload::Sha256)
        .sign_at(&mut req, suite_time())
        .unwrap();
    // The server holds only the head: `()` stands for "not read yet".
    let head_only = Request::from_parts(req.clone().into_parts().0, ());

    let check = |bytes: &[u8]| {
        let head = verifier("s3")
            .verify_head_at(&head_only, suite_time())
            .unwrap();
        let mut checker = head.into_body_checker().unwrap();
        let mut out = Vec::new();
        for piece in bytes.chunks(8191) {
            checker.feed(piece, &mut out).unwrap();
        }
        assert_eq!(out, bytes);
        checker.finish()
    };
    assert_eq!(check(&body).unwrap().payload(), VerifiedPayload::Sha256);
    let mut changed = body.clone();
    changed[500_000] ^= 1;
    assert_eq!(check(&changed).unwrap_err(), Error::PayloadMismatch);
    assert_eq!(check(&body[1..]).unwrap_err(), Error::PayloadMismatch);
}

#[test]
fn f4_without_content_sha256_the_signature_is_checked_at_the_end_of_the_body() {
    let mut req = put("https://h.example/", b"hello");
    Signer::new(creds(), REGION, "service")
        .sign_at(&mut req, suite_time())
        .unwrap();
    let head_only = Request::from_parts(req.into_parts().0, ());
    let finish = |bytes: &[u8]| {
        let head = verifier("service")
            .verify_head_at(&head_only, suite_time())
            .unwrap();
        let mut checker = head.into_body_checker().unwrap();
        checker.feed(bytes, &mut Vec::new()).unwrap();
        checker.finish()
    };
    assert!(finish(b"hello").is_ok());
    assert!(matches!(
        finish(b"hellO"),
        Err(Error::SignatureMismatch { .. })
    ));
}

// ---- F13: a verified head is not a request with an empty body ----

#[test]
fn f13_a_head_alone_does_not_verify_a_body_added_in_transit() {
    // Signed with no body; a body appears in transit.
    let mut req = Request::post("https://h.example/").body(()).unwrap();
    Signer::new(creds(), REGION, "service")
        .sign_at(&mut req, suite_time())
        .unwrap();
    let head = verifier("service")
        .verify_head_at(&req, suite_time())
        .unwrap();
    assert!(head.needs_body());
    assert_eq!(head.without_body().unwrap_err(), Error::BodyUnchecked);

    let head = verifier("service")
        .verify_head_at(&req, suite_time())
        .unwrap();
    let mut checker = head.into_body_checker().unwrap();
    checker.feed(b"smuggled", &mut Vec::new()).unwrap();
    assert!(matches!(
        checker.finish(),
        Err(Error::SignatureMismatch { .. })
    ));
    // No byte arrived: the empty body signed.
    let head = verifier("service")
        .verify_head_at(&req, suite_time())
        .unwrap();
    assert!(head.into_body_checker().unwrap().finish().is_ok());
}

// ---- F1: unsigned x-amz-* headers ----

#[test]
fn f1_an_unsigned_x_amz_header_is_refused_unless_allowed() {
    let mut req = put("https://bucket.s3.amazonaws.com/k", b"data");
    s3_signer(Payload::Sha256)
        .sign_at(&mut req, suite_time())
        .unwrap();
    header(&mut req, "x-amz-acl", "public-read");
    assert_eq!(
        verifier("s3").verify_at(&req, suite_time()).unwrap_err(),
        Error::UnsignedHeader {
            name: "x-amz-acl".into()
        }
    );
    let allowing = verifier("s3").allow_unsigned_header(HeaderName::from_static("x-amz-acl"));
    assert!(allowing.verify_at(&req, suite_time()).is_ok());

    // Other unsigned headers are not refused (the app must not trust them).
    let mut req = put("https://bucket.s3.amazonaws.com/k", b"data");
    s3_signer(Payload::Sha256)
        .sign_at(&mut req, suite_time())
        .unwrap();
    header(&mut req, "user-agent", "curl");
    let v = verifier("s3").verify_at(&req, suite_time()).unwrap();
    assert!(!v.signed_headers().iter().any(|h| h == "user-agent"));
}

#[test]
fn f1_signed_x_amz_headers_verify() {
    let mut req = put("https://bucket.s3.amazonaws.com/k", b"data");
    header(&mut req, "x-amz-meta-owner", "me");
    s3_signer(Payload::Sha256)
        .sign_at(&mut req, suite_time())
        .unwrap();
    let v = verifier("s3").verify_at(&req, suite_time()).unwrap();
    assert!(v.signed_headers().iter().any(|h| h == "x-amz-meta-owner"));
}

// ---- F2: Host and the URI's authority ----

#[test]
fn f2_host_must_agree_with_the_uri_authority() {
    let mut req = put("https://bucket-a.s3.amazonaws.com/k", b"data");
    s3_signer(Payload::Sha256)
        .sign_at(&mut req, suite_time())
        .unwrap();
    assert_eq!(req.headers()["host"], "bucket-a.s3.amazonaws.com");
    // The same request, its absolute-form target naming another bucket.
    let mut moved = req.clone();
    *moved.uri_mut() = "https://bucket-b.s3.amazonaws.com/k".parse().unwrap();
    assert_eq!(
        verifier("s3").verify_at(&moved, suite_time()).unwrap_err(),
        Error::HostMismatch
    );
    // Case and the default port do not matter; origin-form has nothing to
    // compare.
    for uri in [
        "https://BUCKET-A.s3.amazonaws.com:443/k",
        "/k",
        "https://bucket-a.s3.amazonaws.com/k",
    ] {
        let mut same = req.clone();
        *same.uri_mut() = uri.parse().unwrap();
        assert!(
            verifier("s3").verify_at(&same, suite_time()).is_ok(),
            "{uri}"
        );
    }
    let mut other_port = req.clone();
    *other_port.uri_mut() = "https://bucket-a.s3.amazonaws.com:8443/k".parse().unwrap();
    assert_eq!(
        verifier("s3")
            .verify_at(&other_port, suite_time())
            .unwrap_err(),
        Error::HostMismatch
    );
    let mut userinfo = req.clone();
    *userinfo.uri_mut() = "https://u@bucket-a.s3.amazonaws.com/k".parse().unwrap();
    assert_eq!(
        verifier("s3")
            .verify_at(&userinfo, suite_time())
            .unwrap_err(),
        Error::UserinfoInUri
    );
}

// ---- F5: expiry of the looked-up credentials ----

#[test]
fn f5_expired_credentials_are_refused_and_cap_presigned_urls() {
    let expires = suite_time() + Duration::from_secs(120);
    let temporary = Credentials::new(AKID, SECRET, Some("TOKEN".to_owned())).with_expiry(expires);
    let lookup = {
        let c = temporary.clone();
        move |_: &str| Some(c.clone())
    };
    let v = Verifier::new(lookup, REGION, "service");

    let mut req = Request::get("https://h.example/").body(()).unwrap();
    Signer::new(temporary.clone(), REGION, "service")
        .sign_at(&mut req, suite_time())
        .unwrap();
    assert!(v.verify_at(&req, suite_time()).is_ok());
    assert_eq!(
        v.verify_at(&req, expires).unwrap_err(),
        Error::ExpiredToken {
            expired_at: expires
        }
    );

    // A URL presigned for an hour lives only as long as its credentials.
    let mut url = Request::get("https://h.example/").body(()).unwrap();
    Signer::new(temporary, REGION, "service")
        .presign_at(&mut url, Duration::from_secs(3600), suite_time())
        .unwrap();
    let verified = v.verify_at(&url, suite_time()).unwrap();
    assert_eq!(verified.presigned_expires_at(), Some(expires));
    assert_eq!(
        v.verify_at(&url, expires + Duration::from_secs(1))
            .unwrap_err(),
        Error::ExpiredToken {
            expired_at: expires
        }
    );
}

// ---- F8: the replay key ----

#[test]
fn f8_replay_key_is_the_same_for_a_replay_and_differs_between_requests() {
    let sign = |body: &[u8], at: SystemTime| {
        let mut req = put("https://h.example/", body);
        Signer::new(creds(), REGION, "service")
            .sign_at(&mut req, at)
            .unwrap();
        req
    };
    let v = verifier("service");
    let key = |req: &Request<Vec<u8>>| v.verify_at(req, suite_time()).unwrap().replay_key();
    let first = sign(b"a", suite_time());
    assert_eq!(key(&first), key(&first.clone()));
    assert_ne!(key(&first), key(&sign(b"b", suite_time())));
    assert_ne!(
        key(&first),
        key(&sign(b"a", suite_time() + Duration::from_secs(1)))
    );
}

// ---- F10: characters before the lookup, escaped echoes ----

#[test]
fn f10_control_characters_never_reach_the_lookup() {
    let mut url = Request::get("https://h.example/").body(()).unwrap();
    Signer::new(creds(), REGION, "service")
        .presign_at(&mut url, Duration::from_secs(60), suite_time())
        .unwrap();
    let query = url.uri().query().unwrap().to_owned();
    let lookup = |_: &str| -> Option<Credentials> { panic!("the lookup must not be called") };
    let v = Verifier::new(lookup, REGION, "service");
    for (from, to, field) in [
        ("AKIDEXAMPLE%2F", "AKID%1B%5B31m%2F", "access key id"),
        ("AKIDEXAMPLE%2F", "AKID%0D%0AX%2F", "access key id"),
        ("%2Fus-east-1%2F", "%2Fus%22east%2F", "region"),
        ("%2Fservice%2F", "%2Fser%09vice%2F", "service"),
    ] {
        let changed = query.replace(from, to);
        assert_ne!(changed, query);
        let mut r = url.clone();
        *r.uri_mut() = format!("https://h.example/?{changed}").parse().unwrap();
        assert_eq!(
            v.verify_at(&r, suite_time()).unwrap_err(),
            Error::Malformed(Malformed::ForbiddenCharacter { field }),
            "{to}"
        );
    }
}

#[test]
fn f10_errors_escape_what_they_echo() {
    let msg = Error::UnknownAccessKey {
        access_key_id: "A\u{1b}[31m\r\nB".into(),
    }
    .to_string();
    assert!(!msg.contains('\u{1b}') && !msg.contains('\r'), "{msg:?}");
    assert!(msg.contains("\\u{1b}"), "{msg:?}");
}

/// The head check takes a request whose body it could not read if it
/// wanted to: a stream that is not `SignableBody`.
#[test]
fn f4_the_head_check_takes_any_body_type() {
    struct Stream;
    let mut signed = put("https://bucket.s3.amazonaws.com/k", b"streamed");
    s3_signer(Payload::Sha256)
        .sign_at(&mut signed, suite_time())
        .unwrap();
    let streaming = Request::from_parts(signed.into_parts().0, Stream);
    let head = verifier("s3")
        .verify_head_at(&streaming, suite_time())
        .unwrap();
    let mut checker = head.into_body_checker().unwrap();
    checker.feed(b"stream", &mut Vec::new()).unwrap();
    checker.feed(b"ed", &mut Vec::new()).unwrap();
    assert_eq!(checker.finish().unwrap().payload(), VerifiedPayload::Sha256);
}

/// A session token added after signing (AWS IoT's style) is an unsigned
/// `x-amz-*` header the verifier accepts only when told that is the mode.
#[test]
fn f1_a_token_added_after_signing_is_accepted_in_that_mode_only() {
    let temporary = Credentials::new(AKID, SECRET, Some("TOKEN".to_owned()));
    let mut req = Request::get("https://h.example/").body(()).unwrap();
    Signer::new(temporary.clone(), REGION, "iotdevicegateway")
        .session_token_mode(http_sigv4::SessionTokenMode::AddedAfterSigning)
        .sign_at(&mut req, suite_time())
        .unwrap();
    let lookup = move |_: &str| Some(temporary.clone());
    let strict = Verifier::new(lookup.clone(), REGION, "iotdevicegateway");
    assert_eq!(
        strict.verify_at(&req, suite_time()).unwrap_err(),
        Error::UnsignedHeader {
            name: "x-amz-security-token".into()
        }
    );
    let iot = Verifier::new(lookup, REGION, "iotdevicegateway")
        .session_token_mode(http_sigv4::SessionTokenMode::AddedAfterSigning);
    assert!(iot
        .verify_at(&req, suite_time())
        .unwrap()
        .has_session_token());
}
