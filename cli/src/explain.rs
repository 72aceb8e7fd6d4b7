//! Explaining a rejected signature: the canonical request and string to
//! sign `sigv4` used, compared line by line with the server's when its
//! answer carries them (API Gateway's JSON `message`, S3's XML
//! `<CanonicalRequest>`), and what the difference points to.

use std::fmt::Write as _;

use http_sigv4::SigningOutput;

use crate::region::{region_from_host, Region, RegionSource};
use crate::show::Redactor;

/// API Gateway's wording around its canonical request and string to sign.
const APIGW_CANONICAL: &str = "The Canonical String for this request should have been\n'";
const APIGW_STRING_TO_SIGN: &str = "The String-to-Sign should have been\n'";

/// Whether an answer is a rejected signature worth explaining: a 403 whose
/// body speaks of the signature or of the credential scope.
pub(crate) fn is_signature_rejection(status: u16, body: &[u8]) -> bool {
    if status != 403 {
        return false;
    }
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    text.contains("signature") || text.contains("credential should be scoped")
}

/// What was signed, and with what.
pub(crate) struct Context<'a> {
    pub(crate) signed: &'a SigningOutput,
    pub(crate) service: &'a str,
    pub(crate) region: &'a Region,
    pub(crate) access_key_id: &'a str,
    pub(crate) credentials_source: &'a str,
    pub(crate) host: &'a str,
    pub(crate) redactor: &'a Redactor,
}

/// The explanation printed to stderr, every line starting with `sigv4: `
/// except the canonical request and string to sign themselves.
pub(crate) fn explain(status: u16, body: &[u8], ctx: &Context<'_>) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: &str| {
        let _ = writeln!(out, "sigv4: {text}");
    };
    line(
        &mut out,
        &format!("the server rejected the signature (HTTP {status})"),
    );
    line(
        &mut out,
        &format!(
            "signed for service `{}` in region `{}` (from {}) with access key {} (from {})",
            ctx.service,
            ctx.region.name,
            ctx.region.source,
            ctx.access_key_id,
            ctx.credentials_source
        ),
    );
    line(&mut out, "the canonical request we signed:");
    let _ = writeln!(
        out,
        "{}",
        ctx.redactor.redact(ctx.signed.canonical_request())
    );
    line(&mut out, "the string to sign:");
    let _ = writeln!(out, "{}", ctx.signed.string_to_sign());

    let theirs = ServerSide::parse(body);
    match (&theirs.canonical_request, &theirs.string_to_sign) {
        (Some(canonical), _) if canonical != ctx.signed.canonical_request() => {
            line(
                &mut out,
                &canonical_difference(ctx.signed.canonical_request(), canonical, ctx.redactor),
            );
        }
        (Some(_), Some(sts)) if sts != ctx.signed.string_to_sign() => {
            line(
                &mut out,
                &string_to_sign_difference(ctx.signed.string_to_sign(), sts),
            );
        }
        (Some(_), _) => line(
            &mut out,
            &format!(
                "the server built the same canonical request and string to sign, so the \
                 signing key differs: the secret access key is wrong, or is not the one of \
                 access key {}",
                ctx.access_key_id
            ),
        ),
        (None, _) => line(
            &mut out,
            "compare it with the canonical request in the server's answer",
        ),
    }
    if let Some(hint) = region_hint(ctx) {
        line(&mut out, &hint);
    }
    out
}

/// What the server says it computed.
#[derive(Debug, Default, PartialEq, Eq)]
struct ServerSide {
    canonical_request: Option<String>,
    string_to_sign: Option<String>,
}

impl ServerSide {
    fn parse(body: &[u8]) -> ServerSide {
        let text = String::from_utf8_lossy(body);
        // API Gateway: {"message": "... should have been\n'…'\n\n... should have been\n'…'\n"}
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|json| {
                let message = json.get("message").or_else(|| json.get("Message"))?;
                message.as_str().map(str::to_owned)
            });
        if let Some(message) = message {
            let canonical_request = message
                .split_once(APIGW_CANONICAL)
                .and_then(|(_, rest)| rest.split_once("'\n\nThe String-to-Sign"))
                .map(|(canonical, _)| canonical.to_owned());
            let string_to_sign = message
                .split_once(APIGW_STRING_TO_SIGN)
                .and_then(|(_, rest)| rest.split_once('\''))
                .map(|(sts, _)| sts.to_owned());
            return ServerSide {
                canonical_request,
                string_to_sign,
            };
        }
        // S3: <Error><Code>SignatureDoesNotMatch</Code>…<StringToSign>…
        // <CanonicalRequest>…</CanonicalRequest></Error>
        ServerSide {
            canonical_request: xml_element(&text, "CanonicalRequest"),
            string_to_sign: xml_element(&text, "StringToSign"),
        }
    }
}

/// The text of the first `<name>…</name>`, with XML's five entities decoded.
fn xml_element(text: &str, name: &str) -> Option<String> {
    let (_, rest) = text.split_once(&format!("<{name}>"))?;
    let (inner, _) = rest.split_once(&format!("</{name}>"))?;
    Some(
        inner
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// Where the two canonical requests first differ, and what that line is.
fn canonical_difference(ours: &str, theirs: &str, redactor: &Redactor) -> String {
    let ours_lines: Vec<&str> = ours.split('\n').collect();
    let theirs_lines: Vec<&str> = theirs.split('\n').collect();
    let at = (0..ours_lines.len().max(theirs_lines.len()))
        .find(|&i| ours_lines.get(i) != theirs_lines.get(i))
        .unwrap_or(0);
    let show = |line: Option<&&str>| match line {
        Some(line) => format!("{:?}", redactor.redact(line)),
        None => "(no such line)".to_owned(),
    };
    let what = canonical_line_name(&ours_lines, at);
    let advice = match what.as_str() {
        "the method" => "the method changed on the way",
        "the path" => {
            "a proxy, stage mapping or custom domain changed the path; or the path needs \
             the other encoding (S3 signs it encoded once: --service s3)"
        }
        "the query" => "the query was changed on the way, or encoded differently",
        "the payload hash" => "the body the server received differs from the one signed",
        _ => "a header was changed, added or dropped on the way (a proxy?)",
    };
    format!(
        "the server's canonical request differs from ours, first at line {} ({what}): \
         ours {}, the server's {}: {advice}",
        at + 1,
        show(ours_lines.get(at)),
        show(theirs_lines.get(at))
    )
}

/// The name of line `index` of a canonical request.
fn canonical_line_name(lines: &[&str], index: usize) -> String {
    let headers_end = lines
        .iter()
        .skip(3)
        .position(|l| l.is_empty())
        .map_or(lines.len(), |p| p + 3);
    match index {
        0 => "the method".to_owned(),
        1 => "the path".to_owned(),
        2 => "the query".to_owned(),
        i if i < headers_end => match lines[i].split_once(':') {
            Some((name, _)) => format!("header `{name}`"),
            None => "the headers".to_owned(),
        },
        i if i == headers_end => "the end of the headers".to_owned(),
        i if i == headers_end + 1 => "the signed headers".to_owned(),
        _ => "the payload hash".to_owned(),
    }
}

/// Where the two strings to sign differ, for equal canonical requests.
fn string_to_sign_difference(ours: &str, theirs: &str) -> String {
    let ours_lines: Vec<&str> = ours.lines().collect();
    let theirs_lines: Vec<&str> = theirs.lines().collect();
    let differs = |i: usize| ours_lines.get(i) != theirs_lines.get(i);
    let detail = if differs(2) {
        format!(
            "the credential scope: ours {:?}, the server's {:?}: sign for the service and \
             region the server expects (--service, --region)",
            ours_lines.get(2).unwrap_or(&""),
            theirs_lines.get(2).unwrap_or(&"")
        )
    } else if differs(1) {
        "the signing time: check this machine's clock".to_owned()
    } else {
        "the algorithm or the hash".to_owned()
    };
    format!("the canonical requests match, but the strings to sign differ in {detail}")
}

/// A hint when the region came from the environment or profile but the
/// host names another one.
fn region_hint(ctx: &Context<'_>) -> Option<String> {
    let from_host = region_from_host(ctx.host)?;
    let differs = from_host != ctx.region.name;
    match (&ctx.region.source, differs) {
        (RegionSource::Host, _) | (_, false) => None,
        (source, true) => Some(format!(
            "the host names region `{from_host}`, but `{}` came from {source}: try \
             --region {from_host}",
            ctx.region.name
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use http_sigv4::{Credentials, Signer};

    use super::*;

    fn signed() -> SigningOutput {
        let signer = Signer::new(
            Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>),
            "us-east-1",
            "execute-api",
        );
        let mut req =
            http::Request::get("https://abc.execute-api.eu-west-1.amazonaws.com/prod/pets?a=1")
                .body(())
                .unwrap();
        signer.sign_at(&mut req, SystemTime::UNIX_EPOCH).unwrap()
    }

    fn apigw_body(canonical: &str, sts: &str) -> Vec<u8> {
        let message = format!(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details.\n\n{APIGW_CANONICAL}{canonical}'\n\n\
             {APIGW_STRING_TO_SIGN}{sts}'\n"
        );
        serde_json::json!({ "message": message })
            .to_string()
            .into_bytes()
    }

    fn explain_with(body: &[u8], source: RegionSource) -> String {
        let signed = signed();
        let region = Region {
            name: "us-east-1".into(),
            source,
        };
        let redactor = Redactor::new(&Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>));
        explain(
            403,
            body,
            &Context {
                signed: &signed,
                service: "execute-api",
                region: &region,
                access_key_id: "AKIDEXAMPLE",
                credentials_source: "--access-key and --secret-key",
                host: "abc.execute-api.eu-west-1.amazonaws.com",
                redactor: &redactor,
            },
        )
    }

    #[test]
    fn detects_rejections() {
        assert!(is_signature_rejection(
            403,
            b"{\"message\":\"The request signature we calculated\"}"
        ));
        assert!(is_signature_rejection(
            403,
            b"<Code>SignatureDoesNotMatch</Code>"
        ));
        assert!(is_signature_rejection(
            403,
            b"{\"message\":\"Credential should be scoped to a valid region, not 'us-east-1'. \"}"
        ));
        assert!(!is_signature_rejection(
            403,
            b"{\"message\":\"User is not authorized\"}"
        ));
        assert!(!is_signature_rejection(400, b"signature"));
    }

    #[test]
    fn same_canonical_request_points_at_the_key() {
        let out = signed();
        let text = explain_with(
            &apigw_body(out.canonical_request(), out.string_to_sign()),
            RegionSource::Flag,
        );
        assert!(text.contains(out.canonical_request()), "{text}");
        assert!(
            text.contains("the signing key differs: the secret access key is wrong"),
            "{text}"
        );
        assert!(
            text.contains("region `us-east-1` (from --region)"),
            "{text}"
        );
    }

    #[test]
    fn a_different_path_is_named() {
        let out = signed();
        let theirs = out.canonical_request().replacen("/prod/pets", "/pets", 1);
        let text = explain_with(
            &apigw_body(&theirs, out.string_to_sign()),
            RegionSource::Flag,
        );
        assert!(
            text.contains(
                "first at line 2 (the path): ours \"/prod/pets\", the server's \"/pets\""
            ),
            "{text}"
        );
    }

    #[test]
    fn a_different_header_and_payload_are_named() {
        let out = signed();
        let lines: Vec<&str> = out.canonical_request().split('\n').collect();
        assert_eq!(canonical_line_name(&lines, 3), "header `host`");
        assert_eq!(canonical_line_name(&lines, 4), "header `x-amz-date`");
        assert_eq!(canonical_line_name(&lines, 5), "the end of the headers");
        assert_eq!(canonical_line_name(&lines, 6), "the signed headers");
        assert_eq!(canonical_line_name(&lines, 7), "the payload hash");
    }

    #[test]
    fn a_different_scope_points_at_service_and_region() {
        let out = signed();
        let theirs_sts = out.string_to_sign().replace("/us-east-1/", "/eu-west-1/");
        let text = explain_with(
            &apigw_body(out.canonical_request(), &theirs_sts),
            RegionSource::Variable("AWS_REGION"),
        );
        assert!(text.contains("differ in the credential scope"), "{text}");
        assert!(
            text.contains("the host names region `eu-west-1`, but `us-east-1` came from AWS_REGION: try --region eu-west-1"),
            "{text}"
        );
    }

    #[test]
    fn s3_xml_is_read() {
        let body = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code>\
            <StringToSign>AWS4-HMAC-SHA256\n1\n2\n3</StringToSign>\
            <CanonicalRequest>GET\n/a&amp;b\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>";
        assert_eq!(
            ServerSide::parse(body.as_bytes()),
            ServerSide {
                canonical_request: Some("GET\n/a&b\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD".to_owned()),
                string_to_sign: Some("AWS4-HMAC-SHA256\n1\n2\n3".to_owned()),
            }
        );
    }

    #[test]
    fn without_the_servers_side_ours_is_printed() {
        let text = explain_with(b"{\"message\":\"Signature expired\"}", RegionSource::Host);
        assert!(text.contains(signed().canonical_request()), "{text}");
        assert!(
            text.contains("compare it with the canonical request in the server's answer"),
            "{text}"
        );
        assert!(!text.contains("try --region"), "{text}");
    }
}
