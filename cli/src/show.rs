//! What `sigv4` prints about a request: `--dry-run`'s signed request, `-v`'s
//! signing details and headers, `-i`'s status line, all without the
//! session token or the secret key.

use std::borrow::Cow;
use std::io::{self, Write};

use http::header::HeaderMap;
use http::{Request, StatusCode, Version};
use http_sigv4::{Credentials, SigningOutput};

/// What replaces a secret in printed text.
pub(crate) const REDACTED: &str = "[redacted]";

/// Replaces the session token (as is, and percent-encoded as in a
/// canonical query) and the secret key in text that is printed.
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub(crate) fn new(credentials: &Credentials) -> Self {
        let mut secrets = Vec::new();
        if let Some(token) = credentials.session_token() {
            secrets.push(percent_encode(token));
            secrets.push(token.to_owned());
        }
        // Never printed by the signer; checked all the same. A very short
        // "secret" would match ordinary text, and is no real key.
        let secret = credentials.secret_access_key();
        if secret.len() >= 16 {
            secrets.push(secret.to_owned());
        }
        secrets.retain(|s| !s.is_empty());
        secrets.dedup();
        Redactor { secrets }
    }

    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
            }
        }
        text
    }
}

/// SigV4's encoding of a query value: every byte but `A-Za-z0-9-._~`.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `--dry-run`: the method and URL, then each header as `name: value`.
pub(crate) fn write_signed_request(
    out: &mut impl Write,
    req: &Request<Vec<u8>>,
    redactor: &Redactor,
) -> io::Result<()> {
    writeln!(out, "{} {}", req.method(), req.uri())?;
    write_headers(out, "", req.headers(), redactor)
}

/// `-v`: what was signed, then the request as sent (`> ` lines).
pub(crate) fn write_verbose_request(
    out: &mut impl Write,
    req: &Request<Vec<u8>>,
    signed: &SigningOutput,
    redactor: &Redactor,
) -> io::Result<()> {
    write_signing_details(out, signed, redactor)?;
    let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    writeln!(out, "> {} {target} HTTP/1.1", req.method())?;
    write_headers(out, "> ", req.headers(), redactor)?;
    if !req.body().is_empty() {
        writeln!(out, "> [{} bytes of body]", req.body().len())?;
    }
    writeln!(out, ">")
}

/// The canonical request and string to sign, each after a `* ` title line
/// and printed as is, to compare with a server's.
pub(crate) fn write_signing_details(
    out: &mut impl Write,
    signed: &SigningOutput,
    redactor: &Redactor,
) -> io::Result<()> {
    writeln!(out, "* canonical request:")?;
    writeln!(out, "{}", redactor.redact(signed.canonical_request()))?;
    writeln!(out, "* string to sign:")?;
    writeln!(out, "{}", signed.string_to_sign())
}

/// `-v`: the response's status line and headers (`< ` lines).
pub(crate) fn write_verbose_response(
    out: &mut impl Write,
    version: Version,
    status: StatusCode,
    headers: &HeaderMap,
    redactor: &Redactor,
) -> io::Result<()> {
    writeln!(out, "< {}", status_line(version, status))?;
    write_headers(out, "< ", headers, redactor)?;
    writeln!(out, "<")
}

/// `-i`: the status line and headers as received, CRLF-terminated as
/// curl writes them.
pub(crate) fn write_response_head(
    out: &mut impl Write,
    version: Version,
    status: StatusCode,
    headers: &HeaderMap,
) -> io::Result<()> {
    write!(out, "{}\r\n", status_line(version, status))?;
    for (name, value) in headers {
        out.write_all(name.as_str().as_bytes())?;
        out.write_all(b": ")?;
        out.write_all(value.as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    out.write_all(b"\r\n")
}

/// `HTTP/1.1 200 OK`.
pub(crate) fn status_line(version: Version, status: StatusCode) -> String {
    let version = match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    };
    match status.canonical_reason() {
        Some(reason) => format!("{version} {} {reason}", status.as_u16()),
        None => format!("{version} {}", status.as_u16()),
    }
}

fn write_headers(
    out: &mut impl Write,
    prefix: &str,
    headers: &HeaderMap,
    redactor: &Redactor,
) -> io::Result<()> {
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        writeln!(out, "{prefix}{name}: {}", redactor.redact(&value))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "IQoJb3JpZ2luX2Vj//SESSION+TOKEN=";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn temporary() -> Credentials {
        Credentials::new("ASIAEXAMPLE", SECRET, Some(TOKEN.to_owned()))
    }

    #[test]
    fn token_and_secret_are_redacted_in_every_form() {
        let redactor = Redactor::new(&temporary());
        let encoded = "IQoJb3JpZ2luX2Vj%2F%2FSESSION%2BTOKEN%3D";
        let text =
            format!("x-amz-security-token:{TOKEN}\nX-Amz-Security-Token={encoded}\n{SECRET}");
        let redacted = redactor.redact(&text);
        assert_eq!(
            redacted,
            "x-amz-security-token:[redacted]\nX-Amz-Security-Token=[redacted]\n[redacted]"
        );
        assert!(matches!(
            redactor.redact("nothing secret"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn short_secrets_are_not_searched_for() {
        let redactor = Redactor::new(&Credentials::new("AKID", "GET", None::<String>));
        assert_eq!(redactor.redact("GET /"), "GET /");
    }

    #[test]
    fn dry_run_lists_method_url_and_headers() {
        let mut req = Request::get("https://h/p?q=1").body(Vec::new()).unwrap();
        req.headers_mut()
            .insert("x-amz-security-token", TOKEN.parse().unwrap());
        req.headers_mut().insert(
            "authorization",
            "AWS4-HMAC-SHA256 Signature=abc".parse().unwrap(),
        );
        let mut out = Vec::new();
        write_signed_request(&mut out, &req, &Redactor::new(&temporary())).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "GET https://h/p?q=1\nx-amz-security-token: [redacted]\n\
             authorization: AWS4-HMAC-SHA256 Signature=abc\n"
        );
    }

    #[test]
    fn include_writes_curls_head() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        let mut out = Vec::new();
        write_response_head(&mut out, Version::HTTP_11, StatusCode::FORBIDDEN, &headers).unwrap();
        assert_eq!(
            out,
            b"HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\n\r\n"
        );
        assert_eq!(
            status_line(Version::HTTP_10, StatusCode::from_u16(599).unwrap()),
            "HTTP/1.0 599"
        );
    }
}
