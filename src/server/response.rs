//! Failures answered as AWS answers them: S3's XML error document or API
//! Gateway's JSON message.

use http::{header, Response, StatusCode};

use crate::{ChunkedError, Error, Malformed};

/// How [`Verify`](crate::Verify) answers a request that fails verification.
///
/// ```
/// use std::collections::HashMap;
/// use http_sigv4::{Credentials, ErrorStyle, Verifier, VerifyLayer};
/// let layer = VerifyLayer::new(Verifier::s3(HashMap::<String, Credentials>::new(), "us-east-1"))
///     .error_style(ErrorStyle::ApiGatewayJson);
/// # let _ = layer;
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ErrorStyle {
    /// S3's error document (`application/xml`):
    /// `<Error><Code>SignatureDoesNotMatch</Code><Message>…</Message></Error>`,
    /// with S3's codes and statuses (`SignatureDoesNotMatch` 403,
    /// `InvalidAccessKeyId` 403, `RequestTimeTooSkewed` 403,
    /// `XAmzContentSHA256Mismatch` 400, `ExpiredToken` 400, …). The default.
    #[default]
    S3Xml,
    /// API Gateway's answer (`application/json`): `{"message": "…"}` with
    /// an `x-amzn-ErrorType` header (`InvalidSignatureException`,
    /// `UnrecognizedClientException`, `MissingAuthenticationTokenException`,
    /// …), status 403 (400 or 413 for a body that cannot be read or is too
    /// large). A signature mismatch is told in API Gateway's words, with
    /// the canonical request and string to sign the server built (as S3's
    /// document carries them too), so a client can see where it differs.
    ApiGatewayJson,
    /// No answer: the inner service is called anyway, with the failure in
    /// the request's [`Verification`](crate::Verification) (and a body that
    /// yields the error), to answer as it likes
    /// ([`error_response`] builds AWS's answer).
    PassToService,
}

/// What AWS answers for a failure: status, S3 code, API Gateway type.
struct AwsError {
    status: StatusCode,
    s3_code: &'static str,
    gateway_type: &'static str,
    gateway_status: StatusCode,
}

const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
const BAD_REQUEST: StatusCode = StatusCode::BAD_REQUEST;

fn aws_error(err: &Error) -> AwsError {
    let (status, s3_code, gateway_type) = match err {
        Error::SignatureMismatch { .. } | Error::HostMismatch | Error::UserinfoInUri => (
            FORBIDDEN,
            "SignatureDoesNotMatch",
            "InvalidSignatureException",
        ),
        Error::UnknownAccessKey { .. } => (
            FORBIDDEN,
            "InvalidAccessKeyId",
            "UnrecognizedClientException",
        ),
        Error::SessionTokenMismatch => (BAD_REQUEST, "InvalidToken", "UnrecognizedClientException"),
        Error::ClockSkew { .. } => (
            FORBIDDEN,
            "RequestTimeTooSkewed",
            "InvalidSignatureException",
        ),
        Error::Expired { .. } => (FORBIDDEN, "AccessDenied", "InvalidSignatureException"),
        Error::ExpiredToken { .. } => (BAD_REQUEST, "ExpiredToken", "ExpiredTokenException"),
        Error::PayloadMismatch => (
            BAD_REQUEST,
            "XAmzContentSHA256Mismatch",
            "InvalidSignatureException",
        ),
        Error::Malformed(Malformed::MissingAuthentication) => (
            FORBIDDEN,
            "AccessDenied",
            "MissingAuthenticationTokenException",
        ),
        Error::Malformed(Malformed::InvalidContentSha256)
        | Error::Malformed(Malformed::InvalidDecodedContentLength) => (
            BAD_REQUEST,
            "InvalidArgument",
            "IncompleteSignatureException",
        ),
        Error::Malformed(Malformed::Repeated { .. }) => (
            BAD_REQUEST,
            "InvalidRequest",
            "IncompleteSignatureException",
        ),
        Error::Malformed(_) | Error::ScopeMismatch { .. } => (
            BAD_REQUEST,
            "AuthorizationHeaderMalformed",
            "IncompleteSignatureException",
        ),
        #[cfg(feature = "sigv4a")]
        Error::RegionNotInSet { .. } => (
            BAD_REQUEST,
            "AuthorizationHeaderMalformed",
            "IncompleteSignatureException",
        ),
        Error::UnsignedHeader { .. } | Error::UnsignedPayloadRefused => {
            (FORBIDDEN, "AccessDenied", "AccessDeniedException")
        }
        Error::PayloadTooLarge { .. } => (BAD_REQUEST, "EntityTooLarge", "RequestTooLongException"),
        Error::AwsChunkedUnsupported { .. } => (
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            "BadRequestException",
        ),
        Error::Chunked(chunked) => chunked_error(chunked),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "InternalServerErrorException",
        ),
    };
    let gateway_status = match err {
        Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ if status.is_server_error() => status,
        Error::Chunked(_) => BAD_REQUEST,
        _ => FORBIDDEN,
    };
    AwsError {
        status,
        s3_code,
        gateway_type,
        gateway_status,
    }
}

fn chunked_error(err: &ChunkedError) -> (StatusCode, &'static str, &'static str) {
    match err {
        ChunkedError::ChunkSignatureMismatch { .. } | ChunkedError::TrailerSignatureMismatch => (
            FORBIDDEN,
            "SignatureDoesNotMatch",
            "InvalidSignatureException",
        ),
        ChunkedError::ChecksumMismatch { .. } => (BAD_REQUEST, "BadDigest", "BadRequestException"),
        ChunkedError::Truncated { .. } | ChunkedError::DecodedLengthMismatch { .. } => {
            (BAD_REQUEST, "IncompleteBody", "BadRequestException")
        }
        ChunkedError::ChunkTooLarge { .. } => {
            (BAD_REQUEST, "InvalidChunkSizeError", "BadRequestException")
        }
        _ => (BAD_REQUEST, "InvalidRequest", "BadRequestException"),
    }
}

/// S3's message for a code, where S3 has a fixed one; else the error's own.
fn s3_message(code: &str, err: &Error) -> String {
    match code {
        "SignatureDoesNotMatch" => "The request signature we calculated does not match the \
             signature you provided. Check your key and signing method."
            .to_owned(),
        "InvalidAccessKeyId" => {
            "The AWS Access Key Id you provided does not exist in our records.".to_owned()
        }
        "RequestTimeTooSkewed" => {
            "The difference between the request time and the current time is too large.".to_owned()
        }
        "XAmzContentSHA256Mismatch" => {
            "The provided 'x-amz-content-sha256' header does not match what was computed."
                .to_owned()
        }
        "ExpiredToken" => "The provided token has expired.".to_owned(),
        _ => err.to_string(),
    }
}

/// AWS's answer to a request that failed verification with `err`, in
/// `style` (for [`ErrorStyle::PassToService`], S3's): what
/// [`Verify`](crate::Verify) sends, for apps that answer failures
/// themselves.
///
/// ```
/// use http_sigv4::{error_response, Error, ErrorStyle};
/// let response = error_response(&Error::PayloadMismatch, ErrorStyle::S3Xml);
/// assert_eq!(response.status(), 400);
/// assert!(response.body().contains("<Code>XAmzContentSHA256Mismatch</Code>"));
///
/// let response = error_response(&Error::PayloadMismatch, ErrorStyle::ApiGatewayJson);
/// assert_eq!(response.status(), 403);
/// assert_eq!(response.headers()["x-amzn-ErrorType"], "InvalidSignatureException");
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub fn error_response(err: &Error, style: ErrorStyle) -> Response<String> {
    let aws = aws_error(err);
    let (status, content_type, body, error_type) = match style {
        ErrorStyle::ApiGatewayJson => {
            let message = match err {
                // API Gateway's wording, with the server's side of the
                // computation, as API Gateway itself answers.
                Error::SignatureMismatch {
                    canonical_request,
                    string_to_sign,
                } => format!(
                    "The request signature we calculated does not match the signature you \
                     provided. Check your AWS Secret Access Key and signing method. Consult the \
                     service documentation for details.\n\n\
                     The Canonical String for this request should have been\n'{canonical_request}'\n\n\
                     The String-to-Sign should have been\n'{string_to_sign}'\n"
                ),
                Error::Malformed(Malformed::MissingAuthentication) => {
                    "Missing Authentication Token".to_owned()
                }
                _ => err.to_string(),
            };
            let body = format!("{{\"message\":\"{}\"}}", json_escape(&message));
            (
                aws.gateway_status,
                "application/json",
                body,
                Some(aws.gateway_type),
            )
        }
        _ => {
            let mut body = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
            element(&mut body, "Code", aws.s3_code);
            element(&mut body, "Message", &s3_message(aws.s3_code, err));
            if let Error::SignatureMismatch {
                canonical_request,
                string_to_sign,
            } = err
            {
                element(&mut body, "StringToSign", string_to_sign);
                element(&mut body, "CanonicalRequest", canonical_request);
            }
            body.push_str("</Error>");
            (aws.status, "application/xml", body, None)
        }
    };
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type);
    if let Some(error_type) = error_type {
        builder = builder.header("x-amzn-ErrorType", error_type);
    }
    builder.body(body).unwrap_or_else(|_| {
        // Every part above is a valid status and header: not reached.
        let mut response = Response::new(String::new());
        *response.status_mut() = status;
        response
    })
}

fn element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("&#x{:X};", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn code(err: Error) -> (u16, String) {
        let response = error_response(&err, ErrorStyle::S3Xml);
        let body = response.body();
        let start = body.find("<Code>").unwrap() + 6;
        let end = body.find("</Code>").unwrap();
        (response.status().as_u16(), body[start..end].to_owned())
    }

    #[test]
    fn s3_codes_and_statuses() {
        let cases = [
            (
                Error::SignatureMismatch {
                    canonical_request: "GET\n/<a>".into(),
                    string_to_sign: "AWS4".into(),
                },
                403,
                "SignatureDoesNotMatch",
            ),
            (
                Error::UnknownAccessKey {
                    access_key_id: "AKID".into(),
                },
                403,
                "InvalidAccessKeyId",
            ),
            (
                Error::ExpiredToken {
                    expired_at: UNIX_EPOCH,
                },
                400,
                "ExpiredToken",
            ),
            (Error::PayloadMismatch, 400, "XAmzContentSHA256Mismatch"),
            (
                Error::Malformed(Malformed::MissingAuthentication),
                403,
                "AccessDenied",
            ),
            (
                Error::Malformed(Malformed::InvalidSignature),
                400,
                "AuthorizationHeaderMalformed",
            ),
            (
                Error::Chunked(ChunkedError::ChunkSignatureMismatch { chunk: 2 }),
                403,
                "SignatureDoesNotMatch",
            ),
            (
                Error::Chunked(ChunkedError::Truncated { offset: 5 }),
                400,
                "IncompleteBody",
            ),
        ];
        for (err, status, expected) in cases {
            assert_eq!(code(err), (status, expected.to_owned()));
        }
    }

    #[test]
    fn xml_and_json_escape_what_they_echo() {
        let err = Error::SignatureMismatch {
            canonical_request: "GET\n/<a>&\"b\"".into(),
            string_to_sign: "s\u{1b}".into(),
        };
        let xml = error_response(&err, ErrorStyle::S3Xml).into_body();
        assert!(
            xml.contains("<CanonicalRequest>GET\n/&lt;a&gt;&amp;&quot;b&quot;</CanonicalRequest>")
        );
        assert!(xml.contains("<StringToSign>s&#x1B;</StringToSign>"));
        let json = error_response(&err, ErrorStyle::ApiGatewayJson).into_body();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        let message = parsed["message"].as_str().unwrap();
        assert!(message.starts_with("The request signature we calculated"));
        // API Gateway's answer carries the server's canonical request and
        // string to sign, escaped for JSON and read back whole.
        assert!(message
            .contains("The Canonical String for this request should have been\n'GET\n/<a>&\"b\"'"));
        assert!(message.contains("The String-to-Sign should have been\n's\u{1b}'"));
        let unknown = Error::UnknownAccessKey {
            access_key_id: "A\"K\nID".into(),
        };
        let json = error_response(&unknown, ErrorStyle::ApiGatewayJson);
        assert_eq!(
            json.headers()["x-amzn-ErrorType"],
            "UnrecognizedClientException"
        );
        assert!(serde_json::from_str::<serde_json::Value>(json.body()).is_ok());
    }
}
